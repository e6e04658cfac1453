//! `impl GenServer for Cache`, its signatures written in this one place: the expansion fills
//! them with the dispatch, the fallback beside errors with bodies that do nothing, so the two
//! cannot drift apart.

use proc_macro2::TokenStream;
use quote::quote;

use crate::server::Server;

/// The associated types and the bodies of the callbacks. Each body is the inside of an `async
/// move` block that sees its callback's arguments: `__args` (init), `__message`
/// (`handle_message`, `handle_info`, `handle_continue`), `__reason` (terminate), and `__ctx`.
pub(super) struct GenServerImpl {
    pub(super) args: TokenStream,
    pub(super) message: TokenStream,
    pub(super) continue_: TokenStream,
    pub(super) handle: TokenStream,
    pub(super) mailbox_capacity: Option<usize>,
    pub(super) init: TokenStream,
    pub(super) handle_message: TokenStream,
    pub(super) handle_info: TokenStream,
    pub(super) handle_continue: TokenStream,
    pub(super) terminate: TokenStream,
}

impl GenServerImpl {
    pub(super) fn expand(&self, server: &Server) -> TokenStream {
        let self_ty = server.self_ty();
        let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
        let GenServerImpl {
            args,
            message,
            continue_,
            handle,
            mailbox_capacity,
            init,
            handle_message,
            handle_info,
            handle_continue,
            terminate,
        } = self;
        // Spanned on the visibility written on a handler: a client narrower than a public
        // server is rustc's "private type in public interface", on that visibility.
        let vis_span = syn::spanned::Spanned::span(&server.vis);
        let types = quote::quote_spanned! {vis_span=>
            type Message = #message;
            type Continue = #continue_;
            type Ref = #handle;
        };
        let mailbox_capacity = mailbox_capacity.map(|capacity| {
            quote!(const MAILBOX_CAPACITY: ::core::option::Option<usize> = ::core::option::Option::Some(#capacity);)
        });
        quote! {
            #[allow(clippy::all, clippy::pedantic, unused_variables)]
            impl #impl_generics ::otp_core::GenServer for #self_ty #where_clause {
                type Args = #args;
                #types
                #mailbox_capacity

                fn init(
                    __args: Self::Args,
                    __ctx: &mut ::otp_core::Context<Self>,
                ) -> impl ::core::future::Future<Output = ::core::result::Result<Self, ::otp_core::InitError>> + ::core::marker::Send {
                    async move { #init }
                }

                fn handle_message(
                    &mut self,
                    __message: Self::Message,
                    __ctx: &mut ::otp_core::Context<Self>,
                ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                    async move { #handle_message }
                }

                fn handle_info(
                    &mut self,
                    __message: ::otp_core::AnyMessage,
                    __ctx: &mut ::otp_core::Context<Self>,
                ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                    async move { #handle_info }
                }

                fn handle_continue(
                    &mut self,
                    __message: Self::Continue,
                    __ctx: &mut ::otp_core::Context<Self>,
                ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                    async move { #handle_continue }
                }

                fn terminate(
                    &mut self,
                    __reason: &::otp_core::ExitReason,
                    __ctx: &mut ::otp_core::Context<Self>,
                ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                    async move { #terminate }
                }
            }
        }
    }
}
