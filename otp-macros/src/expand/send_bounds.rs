//! The `Send` the runtime needs of a server's state, of each call's and cast's argument, and of
//! each reply: checked once per type, on the type as the user wrote it, and assumed everywhere
//! else, so that a type that is not `Send` is one error and not one per item that needs it.
//!
//! For each such type the expansion writes a marker impl, spanned on the type:
//! `impl StateMustBeSend for Counter {}`, `impl MessageMustBeSend<Counter, 0> for Rc<u32> {}`,
//! `impl ReplyMustBeSend<Counter, 0> for Vec<u8> {}` (one index per position, so a type used
//! twice is two impls). Each trait has `Send` for supertrait: a type that is not `Send` is one
//! error, on that impl, whose note shows the trait's line with what to use instead.
//!
//! The generated items that need the `Send` state the marker in a where clause, and rustc
//! checks the rest of the item assuming it (the supertrait gives the `Send`). A call's reply
//! sender (`ReplySender<R>` needs `R: Send`) is held in a generated struct per call,
//! `__CounterReply_get`, whose where clause states the reply's marker, and which sends the
//! reply: `impl GenServer` states the state's marker and `MessagesMustBeSend` of the message
//! enum and of each reply holder (implemented where the arguments' and replies' markers hold),
//! and never names `ReplySender<R>` itself; the client states each reply's marker. The
//! bounds are higher-ranked (`for<'__otp> Rc<u32>: ...`) so that rustc does not report them
//! again as "trivially false" bounds of a non-generic item; where an item is used, the marker
//! impls prove them, so the code that uses the server has no error either.
//!
//! `impl GenServer` states no bound on an argument's or a reply's own type: an async handler's
//! future holds them across `.await`, and rustc cannot match a bound on a type with a
//! higher-ranked lifetime inside (`Box<dyn Fn(&str) + Send>`) against the future's (the
//! "implementation of `Send` is not general enough" error); a bound on the enum, which has
//! none, is safe.
//!
//! A generic server gets no markers: its types mention its parameters, whose bounds are the
//! user's; its messages and replies are checked by a plain `Send` bound.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

use super::shared::outside;
use crate::attr::Kind;
use crate::server::Server;

/// The checks, and the where-clause predicates for the generated items.
#[derive(Default)]
pub(crate) struct SendBounds {
    /// The marker impls and the reply helpers (or the plain `Send` checks of a generic server).
    pub(crate) checks: TokenStream,
    /// The state's and the message enum's markers: for `impl GenServer`.
    pub(crate) genserver: Vec<TokenStream>,
    /// The replies' markers: for the client, which creates the reply channels.
    pub(crate) replies: Vec<TokenStream>,
    /// The calls whose reply sender is held in a reply holder (see [`reply_holder`]).
    pub(crate) reply_holders: HashSet<String>,
}

/// The struct that holds `call`'s reply sender: `__CounterReply_get`.
pub(crate) fn reply_holder(server: &Ident, call: &Ident) -> Ident {
    format_ident!("__{}Reply_{}", server, syn::ext::IdentExt::unraw(call))
}

/// The argument types and the reply type (if any) of each call and cast, in order.
fn requests(server: &Server) -> impl Iterator<Item = (&Ident, Vec<&Type>, Option<&Type>)> {
    server
        .handlers
        .iter()
        .filter(|handler| matches!(handler.kind, Kind::Call | Kind::Cast))
        .map(|handler| {
            let reply = handler.reply_to().or(handler
                .output
                .as_ref()
                .filter(|_| handler.kind == Kind::Call));
            let messages = handler.message_types().map(|(_, ty)| ty).collect();
            (&handler.ident, messages, reply)
        })
}

/// A plain `Send` bound on each of `types`, on the type as written: for a generic server's
/// arguments and replies, and for the `#[init]` argument and the info and continue messages,
/// which have no marker.
fn plain_checks<'a>(server: &Server, types: impl Iterator<Item = &'a Type>) -> TokenStream {
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let checks: Vec<TokenStream> = types
        .map(|ty| {
            let ty = outside(server, ty);
            quote_spanned!(ty.span()=> assert_send::<#ty>();)
        })
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(dead_code, clippy::all, clippy::pedantic)]
        const _: () = {
            fn assert_send<T: ::core::marker::Send + 'static>() {}
            fn messages_are_send #impl_generics () #where_clause {
                #(#checks)*
            }
        };
    }
}

/// The message types of the handlers that are neither calls nor casts.
fn other_messages(server: &Server) -> impl Iterator<Item = &Type> {
    server
        .handlers
        .iter()
        .filter(|handler| !matches!(handler.kind, Kind::Call | Kind::Cast))
        .flat_map(|handler| handler.message_types().map(|(_, ty)| ty))
}

pub(crate) fn send_bounds(server: &Server, message_enum: &Ident) -> SendBounds {
    if server.item.generics.params.iter().next().is_some() {
        let requests =
            requests(server).flat_map(|(_, messages, reply)| messages.into_iter().chain(reply));
        return SendBounds {
            checks: plain_checks(server, requests.chain(other_messages(server))),
            ..SendBounds::default()
        };
    }
    let self_ty = server.self_ty();
    let state_span = self_ty.span();
    let mut impls = vec![quote_spanned! {state_span=>
        impl ::otp_core::__private::StateMustBeSend for #self_ty {}
    }];
    let mut messages = Vec::new();
    let mut replies = Vec::new();
    let mut holders = Vec::new();
    let mut holder_predicates = Vec::new();
    let mut reply_holders = HashSet::new();
    for (call, arguments, reply) in requests(server) {
        for ty in arguments {
            let ty = outside(server, ty);
            let index = messages.len();
            let span = ty.span();
            let marker =
                quote_spanned!(span=> ::otp_core::__private::MessageMustBeSend<#self_ty, #index>);
            impls.push(quote_spanned!(span=> impl #marker for #ty {}));
            messages.push(quote_spanned!(span=> for<'__otp> #ty: #marker));
        }
        let Some(ty) = reply else { continue };
        let ty = outside(server, ty);
        let index = replies.len();
        let span = ty.span();
        let marker =
            quote_spanned!(span=> ::otp_core::__private::ReplyMustBeSend<#self_ty, #index>);
        impls.push(quote_spanned!(span=> impl #marker for #ty {}));
        let predicate = quote_spanned!(span=> for<'__otp> #ty: #marker);
        let holder = reply_holder(&server.ident, call);
        let doc = format!(
            " The reply sender of [`{}`]'s `{call}`; generated by `#[genserver]`.",
            server.ident
        );
        holders.push(quote! {
            #[doc = #doc]
            #[doc(hidden)]
            #[allow(non_camel_case_types, unreachable_pub)]
            pub struct #holder(::otp_core::__private::ReplySender<#ty>) where #predicate;

            #[allow(dead_code, clippy::all, clippy::pedantic)]
            impl #holder where #predicate {
                fn send(self, ctx: &mut ::otp_core::Context<#self_ty>, value: #ty) {
                    ctx.__reply(self.0, value);
                }

                fn reply_to(self) -> ::otp_core::ReplyTo<#ty> {
                    ::otp_core::ReplyTo::__new(self.0)
                }
            }

            impl ::otp_core::__private::MessagesMustBeSend for #holder where #predicate {}
        });
        holder_predicates
            .push(quote!(for<'__otp> #holder: ::otp_core::__private::MessagesMustBeSend));
        reply_holders.insert(call.to_string());
        replies.push(predicate);
    }
    let enum_predicates = messages.iter().chain(&replies);
    let others = plain_checks(server, other_messages(server));
    let checks = quote! {
        #others
        #(#impls)*
        #(#holders)*

        impl ::otp_core::__private::MessagesMustBeSend for #message_enum
        where #(#enum_predicates),* {}
    };
    let mut genserver = vec![
        quote_spanned!(state_span=> for<'__otp> #self_ty: ::otp_core::__private::StateMustBeSend),
        quote!(for<'__otp> #message_enum: ::otp_core::__private::MessagesMustBeSend),
    ];
    genserver.extend(holder_predicates);
    SendBounds {
        checks,
        genserver,
        replies,
        reply_holders,
    }
}

/// `where_clause` with `extra` predicates added; nothing when both are empty.
pub(crate) fn with_predicates(
    where_clause: Option<&syn::WhereClause>,
    extra: &[TokenStream],
) -> TokenStream {
    let own = where_clause
        .map(|clause| {
            clause
                .predicates
                .iter()
                .map(quote::ToTokens::to_token_stream)
        })
        .into_iter()
        .flatten();
    let predicates: Vec<TokenStream> = own.chain(extra.iter().cloned()).collect();
    if predicates.is_empty() {
        return TokenStream::new();
    }
    quote!(where #(#predicates),*)
}
