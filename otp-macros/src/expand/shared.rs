//! Helpers shared by the parts of the expansion.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Ident, Type};

use crate::model::{ArgRole, Handler};
use crate::server::Server;

/// Replaces `Self` with the server's type.
struct ReplaceSelf<'a>(&'a Type);

impl VisitMut for ReplaceSelf<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty {
            if path.qself.is_none() && path.path.is_ident("Self") {
                *ty = self.0.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

pub(super) fn outside(server: &Server, ty: &Type) -> Type {
    let mut ty = ty.clone();
    ReplaceSelf(server.self_ty()).visit_type_mut(&mut ty);
    ty
}

pub(super) fn variant(handler: &Handler) -> Ident {
    format_ident!("{}", handler.ident, span = Span::call_site())
}

pub(super) fn maybe_await(handler: &Handler) -> TokenStream {
    if handler.is_async {
        quote!(.await)
    } else {
        TokenStream::new()
    }
}

/// The arguments of the call to the user's method, in the order of its signature.
pub(super) fn call_arguments(handler: &Handler, message_names: &[Ident]) -> Vec<TokenStream> {
    let mut messages = message_names.iter();
    handler
        .args
        .iter()
        .map(|arg| match &arg.role {
            ArgRole::Message(_) => {
                let name = messages.next();
                quote!(#name)
            }
            ArgRole::Context => quote!(__ctx),
            ArgRole::ReplyTo(_) => quote!(::otp_core::ReplyTo::__new(__reply)),
            ArgRole::Reason => quote!(__reason),
        })
        .collect()
}
