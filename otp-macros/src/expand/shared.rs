//! Helpers shared by the parts of the expansion: the calls and casts as both the server side
//! and the client see them, `Self` rewritten, and the call to a user's method.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Ident, Type};

use crate::attr::Kind;
use crate::model::{ArgRole, Handler};
use crate::server::Server;

/// Replaces `Self` with the server's type.
struct ReplaceSelf<'a>(&'a Type);

impl VisitMut for ReplaceSelf<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty
            && path.qself.is_none()
            && path.path.is_ident("Self")
        {
            *ty = self.0.clone();
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// Replaces every lifetime but `'static` with `'_`.
struct ElideLifetimes;

impl VisitMut for ElideLifetimes {
    fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
        if lifetime.ident != "static" {
            *lifetime = syn::Lifetime::new("'_", lifetime.span());
        }
    }
}

/// `ty` with its named lifetimes elided, for the stand-in client beside errors: a reply type
/// that borrows is reported by the macro, and the stand-in must not add "undeclared lifetime".
pub(crate) fn without_lifetimes(ty: &Type) -> Type {
    let mut ty = ty.clone();
    ElideLifetimes.visit_type_mut(&mut ty);
    ty
}

/// `ty` as written outside the impl, where `Self` is not the server.
pub(super) fn outside(server: &Server, ty: &Type) -> Type {
    let mut ty = ty.clone();
    ReplaceSelf(server.self_ty()).visit_type_mut(&mut ty);
    ty
}

/// A call or cast: its variant in the message enum, and its message arguments.
pub(super) struct Request<'a> {
    pub(super) handler: &'a Handler,
    pub(super) variant: Ident,
    /// The client method's parameters, named as the handler's arguments.
    pub(super) params: Vec<Ident>,
    /// The variant's fields in the server's `match`: `__arg0`, `__arg1`, ...
    pub(super) fields: Vec<Ident>,
    /// The message arguments' types, outside the impl.
    pub(super) types: Vec<Type>,
    /// A call's reply type (`()` when its handler returns nothing); `None` for a cast.
    pub(super) reply: Option<TokenStream>,
}

/// The calls and casts, in the order they are written.
pub(super) fn requests(server: &Server) -> Vec<Request<'_>> {
    server
        .handlers
        .iter()
        .filter(|handler| matches!(handler.kind, Kind::Call | Kind::Cast))
        .map(|handler| {
            let params: Vec<Ident> = handler
                .message_types()
                .map(|(name, _)| format_ident!("{}", name, span = Span::call_site()))
                .collect();
            let fields = (0..params.len())
                .map(|index| format_ident!("__arg{}", index))
                .collect();
            let reply = (handler.kind == Kind::Call).then(|| {
                handler.reply_to().or(handler.output.as_ref()).map_or_else(
                    || quote!(()),
                    |ty| {
                        let ty = outside(server, ty);
                        quote!(#ty)
                    },
                )
            });
            Request {
                handler,
                variant: format_ident!("{}", handler.ident, span = Span::call_site()),
                params,
                fields,
                types: handler
                    .message_types()
                    .map(|(_, ty)| outside(server, ty))
                    .collect(),
                reply,
            }
        })
        .collect()
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
    call_arguments_with_reply(
        handler,
        message_names,
        &quote!(::otp_core::ReplyTo::__new(__reply)),
    )
}

/// [`call_arguments`], with `reply_to` for a `ReplyTo` argument.
pub(super) fn call_arguments_with_reply(
    handler: &Handler,
    message_names: &[Ident],
    reply_to: &TokenStream,
) -> Vec<TokenStream> {
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
            ArgRole::ReplyTo(_) => reply_to.clone(),
            ArgRole::Reason => quote!(__reason),
        })
        .collect()
}
