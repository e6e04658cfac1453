//! `impl GenServer for Cache`, its signatures written in this one place: the expansion fills
//! them with the dispatch, the fallback beside errors with bodies that do nothing, so the two
//! cannot drift apart.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::attr::Kind;

use crate::server::Server;

/// The associated types and the bodies of the callbacks. Each body is the inside of an `async
/// move` block that sees its callback's arguments: `__args` (init), `__message`
/// (`handle_message`, `handle_info`, `handle_continue`), `__reason` (terminate), and `__ctx`.
pub(super) struct GenServerImpl {
    /// The `Send` markers of the state, messages and replies (see
    /// [`send_bounds`](super::send_bounds)), assumed by the impl; none beside errors.
    pub(super) send_bounds: Vec<TokenStream>,
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
    /// The body of `format_state`, which sees `self`; `None` keeps the trait's.
    pub(super) format_state: Option<TokenStream>,
    /// The bodies of `message_kind` and `message_name`, which see `__message`; `None` keeps
    /// the trait's.
    pub(super) describe: Option<(TokenStream, TokenStream)>,
}

impl GenServerImpl {
    /// `Message`, `Continue`, `Ref`, and `MAILBOX_CAPACITY` for a bounded mailbox.
    fn associated_items(&self, server: &Server) -> TokenStream {
        let (message, continue_, handle) = (&self.message, &self.continue_, &self.handle);
        // Spanned on the visibility written on a handler: a client narrower than a public
        // server is rustc's "private type in public interface", on that visibility.
        let vis_span = syn::spanned::Spanned::span(&server.vis);
        let types = quote::quote_spanned! {vis_span=>
            type Message = #message;
            type Continue = #continue_;
            type Ref = #handle;
        };
        let mailbox_capacity = self.mailbox_capacity.map(|capacity| {
            quote!(const MAILBOX_CAPACITY: ::core::option::Option<usize> = ::core::option::Option::Some(#capacity);)
        });
        quote!(#types #mailbox_capacity)
    }

    pub(super) fn expand(&self, server: &Server) -> TokenStream {
        let self_ty = server.self_ty();
        let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
        let where_clause = super::send_bounds::with_predicates(where_clause, &self.send_bounds);
        let GenServerImpl {
            args,
            init,
            handle_message,
            handle_info,
            handle_continue,
            terminate,
            ..
        } = self;
        let types = self.associated_items(server);
        // Rustc reports a non-`Send` state, start argument or handler future where the `Send`
        // is required: the impl's header and signatures on the user's type, each callback's
        // future on its first async handler (whose future is the likely culprit), not on
        // `#[genserver]`.
        let span = syn::spanned::Spanned::span(self_ty);
        let provided = provided_methods(span, self.format_state.as_ref(), self.describe.as_ref());
        let future_span = |kinds: &[Kind]| {
            server
                .handlers
                .iter()
                .find(|handler| handler.is_async && kinds.contains(&handler.kind))
                .map_or(span, |handler| handler.ident.span())
        };
        // The return type and the block, on one span: rustc blames the return type's `Send`.
        let future = |kinds: &[Kind], output: TokenStream, body: &TokenStream| {
            let span = future_span(kinds);
            (
                quote_spanned!(span=> impl ::core::future::Future<Output = #output> + ::core::marker::Send),
                quote_spanned!(span=> async move { #body }),
            )
        };
        let (init_ty, init_block) = future(
            &[Kind::Init],
            quote!(::core::result::Result<Self, ::otp_core::InitError>),
            init,
        );
        let (message_ty, message_block) =
            future(&[Kind::Call, Kind::Cast], quote!(()), handle_message);
        let (info_ty, info_block) = future(&[Kind::Info, Kind::CatchAll], quote!(()), handle_info);
        let (continue_ty, continue_block) = future(&[Kind::Continue], quote!(()), handle_continue);
        let (terminate_ty, terminate_block) = future(&[Kind::Terminate], quote!(()), terminate);
        // The parameters keep the expansion's own names: the bodies, written apart, name them,
        // and inside a `macro_rules!` macro a name on the user's token would be another name.
        let (p_self, p_args, p_message, p_reason, p_ctx) = (
            quote!(self),
            quote!(__args),
            quote!(__message),
            quote!(__reason),
            quote!(__ctx),
        );
        quote_spanned! {span=>
            #[allow(clippy::all, clippy::pedantic, unused_variables)]
            impl #impl_generics ::otp_core::GenServer for #self_ty #where_clause {
                type Args = #args;
                #types

                fn init(
                    #p_args: Self::Args,
                    #p_ctx: &mut ::otp_core::Context<Self>,
                ) -> #init_ty {
                    #init_block
                }

                fn handle_message(
                    &mut #p_self,
                    #p_message: Self::Message,
                    #p_ctx: &mut ::otp_core::Context<Self>,
                ) -> #message_ty {
                    #message_block
                }

                fn handle_info(
                    &mut #p_self,
                    #p_message: ::otp_core::AnyMessage,
                    #p_ctx: &mut ::otp_core::Context<Self>,
                ) -> #info_ty {
                    #info_block
                }

                fn handle_continue(
                    &mut #p_self,
                    #p_message: Self::Continue,
                    #p_ctx: &mut ::otp_core::Context<Self>,
                ) -> #continue_ty {
                    #continue_block
                }

                fn terminate(
                    &mut #p_self,
                    #p_reason: &::otp_core::ExitReason,
                    #p_ctx: &mut ::otp_core::Context<Self>,
                ) -> #terminate_ty {
                    #terminate_block
                }

                #provided
            }
        }
    }
}

/// The provided methods the expansion overrides: `format_state` (its body sees `self`),
/// `message_kind` and `message_name` (theirs see `__message`). Spanned on the user's type, as
/// the rest of the impl: a state that is not `Send` gets its one error there.
fn provided_methods(
    span: proc_macro2::Span,
    format_state: Option<&TokenStream>,
    describe: Option<&(TokenStream, TokenStream)>,
) -> TokenStream {
    // The parameters keep the expansion's own names, as the callbacks' (see `expand`).
    let (p_self, p_message) = (quote!(self), quote!(__message));
    let format_state = format_state.map(|body| {
        quote_spanned! {span=>
            fn format_state(&#p_self) -> ::core::option::Option<::std::string::String> {
                #body
            }
        }
    });
    let describe = describe.map(|(kind, name)| {
        quote_spanned! {span=>
            fn message_kind(#p_message: &Self::Message) -> ::otp_core::sys::MessageKind {
                #kind
            }

            fn message_name(#p_message: &Self::Message) -> &'static str {
                #name
            }
        }
    });
    quote!(#format_state #describe)
}
