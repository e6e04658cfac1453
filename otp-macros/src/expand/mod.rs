//! Code generation, from checked models: `#[genserver]` (with its `#[child_spec]`) from a
//! [`Server`], `supervisor!` from a [`Supervisor`](crate::supervisor::Supervisor).
//!
//! Generated, for `impl Cache`: the message enum `__CacheMessage` (one variant per call and
//! cast, a oneshot sender in each call's), the continue enum, `impl GenServer for Cache` whose
//! `handle_message` is one `match`, the client `CacheRef` with one method per call and cast, and
//! `Cache::start`, `start_link`, `options`, `whereis`, all with the server's generated
//! visibility. Types that mention `Self` are rewritten to the server's type, since the enum and
//! the client live outside the impl. Beside errors, [`fallback`] is emitted instead.

mod child_spec;
mod client;
mod dispatch;
mod fallback;
mod genserver_impl;
mod shared;
mod supervisor;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::attr::Kind;
use crate::server::Server;

pub(crate) use fallback::fallback;
pub(crate) use supervisor::supervisor;

/// The names and generics every part of the expansion uses.
pub(crate) struct Names<'a> {
    pub(crate) server: &'a Server,
    /// Beside errors: the same public surface, with bodies that do nothing and no dispatch, so
    /// the code that uses the server type-checks and the only errors are the macro's.
    pub(crate) stub: bool,
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
        let replies = handler
            .reply_to()
            .into_iter()
            .chain(handler.output.iter().filter(|_| handler.kind == Kind::Call));
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

/// Everything `#[genserver]` emits for a server without errors.
pub(crate) fn genserver(server: &Server) -> TokenStream {
    let names = Names {
        server,
        stub: false,
        message_enum: format_ident!("__{}Message", server.ident),
        continue_enum: format_ident!("__{}Continue", server.ident),
        ref_ident: format_ident!("{}Ref", server.ident),
    };
    let item = &server.item;
    let vis = &server.vis;
    let request_list = shared::requests(server);
    let requests = dispatch::requests(&names, &request_list);
    let continues = dispatch::continues(&names);
    let genserver_impl = dispatch::genserver_impl(&names, &requests, &continues.arms);
    let client = client::client(&names, &request_list);
    let starters = client::starters(&names);
    let generics = &item.generics;
    let where_clause = &generics.where_clause;
    let (message_enum, continue_enum) = (&names.message_enum, &names.continue_enum);
    let (variants, continue_variants) = (&requests.variants, &continues.variants);
    let continue_impls = &continues.impls;
    let info_impls = dispatch::info_impls(server);
    let phantom = names.phantom_variant();
    let send_checks = send_checks(server);
    let child_defaults = child_spec::child_defaults_impl(server);
    let child = child_spec::child_impl(server);
    let ident = &server.ident;
    let message_doc = format!(
        " The calls and casts of [`{ident}`], one variant each; generated by `#[genserver]`."
    );
    let continue_doc = format!(
        " The messages of [`{ident}`]'s `#[handle_continue]` handlers; generated by `#[genserver]`."
    );
    quote! {
        #item

        #send_checks

        #[doc = #message_doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        #vis enum #message_enum #generics #where_clause {
            #(#variants,)*
            #phantom
        }

        #[doc = #continue_doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        #vis enum #continue_enum #generics #where_clause {
            #(#continue_variants,)*
            #phantom
        }

        #(#continue_impls)*
        #(#info_impls)*
        #genserver_impl
        #child_defaults
        #child
        #client
        #starters
    }
}
