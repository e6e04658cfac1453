//! What is emitted beside the errors when the impl has mistakes: the user's impl as written
//! (callback attributes removed), its child impls, and an `impl GenServer` with the real
//! signatures and bodies that do nothing, so that code using the server's `Context<Self>` or
//! its `GenServer` bound does not drown in follow-on errors.

use proc_macro2::TokenStream;
use quote::quote;

use super::child_spec::{child_defaults_impl, child_impl};
use super::genserver_impl::GenServerImpl;
use crate::server::Server;

pub(crate) fn fallback(server: &Server) -> TokenStream {
    let item = &server.item;
    // A generic server's stub would need the bounds the user may have left out: skip it.
    if !item.generics.params.is_empty() {
        return quote!(#item);
    }
    let child_defaults = child_defaults_impl(server);
    let child = child_impl(server);
    let genserver_impl = GenServerImpl {
        args: quote!(Self),
        message: quote!(::otp_core::__private::NeverA),
        continue_: quote!(::otp_core::__private::NeverA),
        handle: quote!(::otp_core::ServerRef<Self>),
        mailbox_capacity: None,
        init: quote!(::core::result::Result::Ok(__args)),
        handle_message: quote!(match __message {}),
        handle_info: TokenStream::new(),
        handle_continue: quote!(match __message {}),
        terminate: TokenStream::new(),
    }
    .expand(server);
    quote! {
        #item
        #child_defaults
        #child
        #genserver_impl
    }
}
