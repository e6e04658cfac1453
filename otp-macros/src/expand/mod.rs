//! Code generation for `#[genserver]`, from a checked [`Server`].
//!
//! Generated, for `impl Cache`: the message enum `__CacheMessage` (one variant per call and
//! cast, a oneshot sender in each call's), the continue enum, `impl GenServer for Cache` whose
//! `handle_message` is one `match`, the client `CacheRef` with one method per call and cast, and
//! `Cache::start`, `start_link`, `options`, `whereis`. Types that mention `Self` are rewritten
//! to the server's type, since the enum and the client live outside the impl.

mod client;
mod dispatch;
mod shared;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::server::Server;

/// The names and generics every part of the expansion uses.
pub(crate) struct Names<'a> {
    pub(crate) server: &'a Server,
    pub(crate) message_enum: Ident,
    pub(crate) continue_enum: Ident,
    pub(crate) ref_ident: Ident,
}

impl Names<'_> {
    /// The hidden variant that uses the type parameters of a generic server, if it has any.
    fn phantom_variant(&self) -> TokenStream {
        let params: Vec<&Ident> = self
            .server
            .item
            .generics
            .type_params()
            .map(|param| &param.ident)
            .collect();
        if params.is_empty() {
            return TokenStream::new();
        }
        quote! {
            #[doc(hidden)]
            __Phantom(::core::marker::PhantomData<fn() -> (#(#params,)*)>, ::core::convert::Infallible),
        }
    }

    /// The `match` arm of the hidden variant, if there is one.
    fn phantom_arm(&self, enum_ident: &Ident) -> TokenStream {
        if self.server.item.generics.type_params().next().is_none() {
            return TokenStream::new();
        }
        quote!(#enum_ident::__Phantom(_, __never) => match __never {},)
    }
}

/// Asserts, on the user's own tokens, that every message and reply type can be sent to another
/// task: rustc's error then points at the type in the handler's signature first.
fn send_checks(server: &Server) -> TokenStream {
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let checks = server.handlers.iter().flat_map(|handler| {
        let messages = handler.message_types().map(|(_, ty)| ty);
        let replies = handler.reply_to().into_iter().chain(
            handler
                .output
                .iter()
                .filter(|_| handler.kind == crate::attr::Kind::Call),
        );
        messages.chain(replies).map(|ty| {
            let ty = shared::outside(server, ty);
            let span = syn::spanned::Spanned::span(&ty);
            quote::quote_spanned!(span=> __otp_assert_send::<#ty>();)
        })
    });
    quote! {
        #[allow(dead_code, clippy::all, clippy::pedantic)]
        const _: () = {
            fn __otp_assert_send<T: ::core::marker::Send + 'static>() {}
            fn __otp_messages_are_send #impl_generics () #where_clause {
                #(#checks)*
            }
        };
    }
}

pub(crate) fn expand(server: &Server) -> TokenStream {
    let names = Names {
        server,
        message_enum: format_ident!("__{}Message", server.ident),
        continue_enum: format_ident!("__{}Continue", server.ident),
        ref_ident: format_ident!("{}Ref", server.ident),
    };
    let item = &server.item;
    let requests = dispatch::requests(&names);
    let continues = dispatch::continues(&names);
    let genserver_impl = dispatch::genserver_impl(&names, &requests.arms, &continues.arms);
    let client = client::client(&names, &requests.client_methods);
    let starters = client::starters(&names);
    let generics = &item.generics;
    let where_clause = &generics.where_clause;
    let (message_enum, continue_enum) = (&names.message_enum, &names.continue_enum);
    let (variants, continue_variants) = (&requests.variants, &continues.variants);
    let continue_impls = &continues.impls;
    let phantom = names.phantom_variant();
    let send_checks = send_checks(server);
    let child_defaults = crate::child_spec::expand(server);
    quote! {
        #item

        #send_checks

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        pub enum #message_enum #generics #where_clause {
            #(#variants,)*
            #phantom
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        pub enum #continue_enum #generics #where_clause {
            #(#continue_variants,)*
            #phantom
        }

        #(#continue_impls)*
        #genserver_impl
        #child_defaults
        #client
        #starters
    }
}
