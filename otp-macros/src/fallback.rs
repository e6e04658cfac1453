//! What is emitted beside the errors when the impl has mistakes: the user's impl as written
//! (callback attributes removed) and a stub `impl GenServer`, so that code using the server's
//! `Context<Self>` or its `GenServer` bound does not drown in follow-on errors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::server::Server;

pub(crate) fn stub(server: &Server) -> TokenStream {
    let item = &server.item;
    // A generic server's stub would need the bounds the user may have left out: skip it.
    if !item.generics.params.is_empty() {
        return quote!(#item);
    }
    let self_ty = server.self_ty();
    let name = server.ident.to_string();
    let child = crate::child_spec::child_impl(server);
    quote! {
        #item

        impl ::otp_core::ChildDefaults for #self_ty {
            const ID: &'static str = #name;
        }

        #child

        #[allow(clippy::all, clippy::pedantic, unused_variables)]
        impl ::otp_core::GenServer for #self_ty {
            type Args = Self;
            type Message = ::otp_core::__private::NeverA;
            type Continue = ::otp_core::__private::NeverA;
            type Ref = ::otp_core::ServerRef<Self>;

            fn init(
                args: Self::Args,
                _: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<Self, ::otp_core::InitError>> + ::core::marker::Send {
                async move { ::core::result::Result::Ok(args) }
            }

            fn handle_message(
                &mut self,
                message: Self::Message,
                _: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move { match message {} }
            }

            fn handle_info(
                &mut self,
                _: ::otp_core::AnyMessage,
                _: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async {}
            }

            fn handle_continue(
                &mut self,
                message: Self::Continue,
                _: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move { match message {} }
            }

            fn terminate(
                &mut self,
                _: &::otp_core::ExitReason,
                _: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async {}
            }
        }
    }
}
