//! The server as a supervised child: `impl ChildDefaults` from its `#[child_spec(...)]`, and
//! `impl Child`. Both are emitted beside errors too, so a tree that lists the server still
//! compiles against it.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::server::Server;

/// `impl ChildDefaults`: the id (the type's name unless set), and each default that is set;
/// beside it, the mistakes of `#[child_spec]`, if any.
pub(super) fn child_defaults_impl(server: &Server) -> TokenStream {
    let defaults = &server.child_defaults;
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let id = defaults.id.as_ref().map_or_else(
        || {
            let name = server.ident.to_string();
            quote!(#name)
        },
        ToTokens::to_token_stream,
    );
    let restart = defaults
        .restart
        .map(|restart| quote!(const RESTART: ::otp_core::Restart = #restart;));
    let shutdown = defaults
        .shutdown
        .map(|shutdown| quote!(const SHUTDOWN: ::otp_core::Shutdown = #shutdown;));
    let significant = defaults
        .significant
        .map(|(significant, _)| quote!(const SIGNIFICANT: bool = #significant;));
    let start_timeout = defaults.start_timeout.map(|timeout| {
        quote!(const START_TIMEOUT: ::core::option::Option<::core::time::Duration> = #timeout;)
    });
    let errors = &defaults.errors;
    quote! {
        #errors
        impl #impl_generics ::otp_core::ChildDefaults for #self_ty #where_clause {
            const ID: &'static str = #id;
            #restart
            #shutdown
            #significant
            #start_timeout
        }
    }
}

/// `impl Child`: the server is a supervised child when its start argument is `Clone`. The
/// bound is written with `for<'__otp>` so that rustc checks it where the impl is used, not
/// here: a server whose argument is not `Clone` still compiles, and only putting it in a
/// supervisor is an error. `do_not_recommend` makes that error rustc's "cannot be a supervised
/// child" on the type listed, which says the argument must be `Clone`, instead of a chain
/// through this impl; and keeps the servers out of the list of types that are children.
pub(super) fn child_impl(server: &Server) -> TokenStream {
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| {
            clause
                .predicates
                .iter()
                .map(ToTokens::to_token_stream)
                .collect()
        })
        .unwrap_or_default();
    // The `Send` bounds too, so a server that is not `Send` gets its one error where that is
    // checked, not a second one here.
    predicates.push(quote! {
        for<'__otp> <#self_ty as ::otp_core::GenServer>::Args:
            ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync
    });
    predicates.push(quote!(for<'__otp> #self_ty: ::core::marker::Send));
    predicates.push(quote! {
        for<'__otp> <#self_ty as ::otp_core::GenServer>::Ref: ::core::marker::Send
    });
    let span = syn::spanned::Spanned::span(self_ty);
    quote::quote_spanned! {span=>
        #[diagnostic::do_not_recommend]
        impl #impl_generics ::otp_core::Child for #self_ty where #(#predicates),* {
            type Args = <Self as ::otp_core::GenServer>::Args;
            type Handle = <Self as ::otp_core::GenServer>::Ref;

            fn child_spec(args: Self::Args) -> ::otp_core::ChildSpec {
                ::otp_core::__private::genserver_child_spec::<Self>(args)
            }

            fn handle(pid: &::otp_core::Pid) -> ::core::option::Option<Self::Handle> {
                ::otp_core::__private::genserver_child_handle::<Self>(pid)
            }
        }
    }
}
