//! What is emitted beside the errors when the impl has mistakes: the user's impl (callback
//! attributes removed, signatures the errors correct already corrected), and the whole public
//! surface of a working server with bodies that do nothing: `impl GenServer`, `start`,
//! `start_link`, `options`, `whereis`, the client with one method per call and cast (with the
//! argument and reply types the user wrote), `ContinueWith` for each continue type, and the
//! child impls. The code that uses the server then type-checks, and the only errors on screen
//! are the macro's.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::GenericParam;

use super::Names;
use super::child_spec::{child_defaults_impl, child_impl};
use super::client;
use super::genserver_impl::GenServerImpl;
use super::shared::{self, outside, without_lifetimes};
use crate::attr::Kind;
use crate::model::{contains_reference_or_impl, type_key};
use crate::server::Server;

/// The names of the stand-in surface; `None` for a server that borrows or has const
/// parameters: it cannot be one, and there is no surface to stand in.
fn stub_names(server: &Server) -> Option<Names<'_>> {
    let unsupported =
        (server.item.generics.params.iter()).any(|param| !matches!(param, GenericParam::Type(_)));
    if unsupported {
        return None;
    }
    Some(Names {
        server,
        stub: true,
        message_enum: format_ident!("__{}Message", server.ident),
        continue_enum: format_ident!("__{}Continue", server.ident),
        ref_ident: format_ident!("{}Ref", server.ident),
        reply_bounds: Vec::new(),
        reply_holders: HashSet::new(),
    })
}

pub(crate) fn fallback(server: &Server) -> TokenStream {
    let item = &server.item;
    let Some(names) = stub_names(server) else {
        return quote!(#item);
    };
    let requests = shared::requests(server);
    let client = client::client(&names, &requests);
    let starters = client::starters(&names);
    let child_defaults = child_defaults_impl(server);
    let child = child_impl(server);
    let continues = continue_impls(server);
    let infos = super::dispatch::info_impls(server);
    let genserver_impl = GenServerImpl {
        send_bounds: Vec::new(),
        args: stub_args(server),
        message: quote!(::otp_core::__private::NeverA),
        continue_: quote!(::otp_core::__private::NeverA),
        handle: {
            let ref_ident = &names.ref_ident;
            let (_, ty_generics, _) = item.generics.split_for_impl();
            quote!(#ref_ident #ty_generics)
        },
        mailbox_capacity: server.mailbox,
        init: quote!(::core::result::Result::Err(::otp_core::InitError::Ignore)),
        handle_message: quote!(match __message {}),
        handle_info: TokenStream::new(),
        handle_continue: quote!(match __message {}),
        terminate: TokenStream::new(),
        format_state: Some(quote!(::core::option::Option::None)),
        describe: Some((quote!(match *__message {}), quote!(match *__message {}))),
    }
    .expand(server);
    quote! {
        #item
        #genserver_impl
        #(#continues)*
        #(#infos)*
        #child_defaults
        #child
        #client
        #starters
    }
}

/// Beside the error on a second `#[genserver]` block of one server: the user's impl
/// (callback attributes removed), and its calls and casts as stand-in methods of the client the
/// first block generates, so the code calling them type-checks. Nothing else: the first block
/// generates the server, and a second of anything would be a duplicate.
pub(crate) fn second_block(server: &Server) -> TokenStream {
    let item = &server.item;
    let Some(names) = stub_names(server) else {
        return quote!(#item);
    };
    let methods = client::methods_impl(&names, &shared::requests(server));
    quote! {
        #item
        #methods
    }
}

/// The start argument of the stand-in `impl GenServer`: the `#[init]` argument when it can be
/// one, `()` when it is wrong (its error is on screen), the state without an `#[init]`.
pub(super) fn stub_args(server: &Server) -> TokenStream {
    let Some(init) = server.first(Kind::Init) else {
        let self_ty = server.self_ty();
        return quote!(#self_ty);
    };
    match init.single_message() {
        Some(ty) if !contains_reference_or_impl(ty) => {
            let ty = outside(server, ty);
            quote!(#ty)
        }
        _ => quote!(()),
    }
}

/// `ContinueWith<T>` for each type a `#[handle_continue]` takes (once per spelling: two
/// spellings of one type are the error rustc reports), so `ctx.continue_with(x)` type-checks.
fn continue_impls(server: &Server) -> Vec<TokenStream> {
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let mut seen = HashSet::new();
    server
        .of_kind(Kind::Continue)
        .filter_map(|handler| handler.single_message())
        .filter(|ty| !contains_reference_or_impl(ty))
        .filter(|ty| seen.insert(type_key(self_ty, ty)))
        .map(|ty| {
            let ty = without_lifetimes(&outside(server, ty));
            let span = syn::spanned::Spanned::span(&ty);
            quote_spanned! {span=>
                #[allow(unused_variables)]
                #[diagnostic::do_not_recommend]
                impl #impl_generics ::otp_core::ContinueWith<#ty> for #self_ty #where_clause {
                    fn wrap_continue(message: #ty) -> <Self as ::otp_core::GenServer>::Continue {
                        ::core::unreachable!()
                    }
                }
            }
        })
        .collect()
}
