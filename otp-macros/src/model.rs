//! The typed model of a `#[genserver]` impl: its handlers, each with the parts of its signature
//! the expansion needs, checked one by one as they are read.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, Ident, ImplItemFn, Pat, PathArguments, ReturnType, Signature, Type,
    Visibility,
};

use crate::attr::{CallbackAttr, Kind};
use crate::ctxt::Ctxt;

/// What one argument of a handler is.
pub(crate) enum ArgRole {
    /// Part of the message: sent by the client, stored in the enum.
    Message(Type),
    /// `ctx: &mut Context<Self>`.
    Context,
    /// `reply: ReplyTo<T>`, with `T`.
    ReplyTo(Type),
    /// `reason: &ExitReason` of `#[terminate]`.
    Reason,
}

pub(crate) struct Arg {
    pub(crate) name: Ident,
    pub(crate) role: ArgRole,
    /// The argument as written (`name: Type`), for errors about it.
    pub(crate) tokens: TokenStream,
}

/// One annotated method.
pub(crate) struct Handler {
    pub(crate) kind: Kind,
    pub(crate) attr_tokens: TokenStream,
    /// The attribute's arguments were wrong: cross-handler checks skip this handler.
    pub(crate) attr_invalid: bool,
    pub(crate) ident: Ident,
    /// The visibility written on the method.
    pub(crate) vis: Visibility,
    pub(crate) is_async: bool,
    pub(crate) args: Vec<Arg>,
    /// The return type, `None` for `()`.
    pub(crate) output: Option<Type>,
    pub(crate) docs: Vec<syn::Attribute>,
}

impl Handler {
    /// The message arguments, in order.
    pub(crate) fn message_types(&self) -> impl Iterator<Item = (&Ident, &Type)> {
        self.args.iter().filter_map(|arg| match &arg.role {
            ArgRole::Message(ty) => Some((&arg.name, ty)),
            _ => None,
        })
    }

    pub(crate) fn reply_to(&self) -> Option<&Type> {
        self.args.iter().find_map(|arg| match &arg.role {
            ArgRole::ReplyTo(ty) => Some(ty),
            _ => None,
        })
    }

    /// The single message type of an info or continue handler.
    pub(crate) fn single_message(&self) -> Option<&Type> {
        self.message_types().next().map(|(_, ty)| ty)
    }
}

fn last_segment_is(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == name),
        Type::Group(group) => last_segment_is(&group.elem, name),
        _ => false,
    }
}

fn first_generic_type(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    })
}

/// `ty` as the user wrote it, for messages: `crate::Tick`, `Vec<u8>`.
pub(crate) fn written(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// What tells two message types apart as far as the tokens can: `Self` is the server's type,
/// and `self::` is dropped. Types that are the same only by an alias or a `crate::` path have
/// different keys; the generated `HandleInfo`/`ContinueWith` impls catch those at compile time.
pub(crate) fn type_key(self_ty: &Type, ty: &Type) -> String {
    struct Normalize<'a>(&'a Type);
    impl syn::visit_mut::VisitMut for Normalize<'_> {
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

        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            while path.leading_colon.is_none()
                && path.segments.len() > 1
                && path
                    .segments
                    .first()
                    .is_some_and(|segment| segment.ident == "self")
            {
                let rest = path.segments.iter().skip(1).cloned().collect();
                path.segments = rest;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Normalize(self_ty), &mut ty);
    ty.to_token_stream().to_string()
}

/// Whether `ty` borrows (a reference that is not `'static`) or names an `impl Trait`: it
/// cannot be a message, reply or start argument, and the stand-in beside errors avoids it.
pub(crate) fn contains_reference_or_impl(ty: &Type) -> bool {
    contains_impl_trait(ty) || contains_borrow(ty)
}

/// Whether `ty` holds a reference whose lifetime is not `'static`, at any depth.
fn contains_borrow(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_reference(&mut self, reference: &'ast syn::TypeReference) {
            let is_static = reference
                .lifetime
                .as_ref()
                .is_some_and(|lifetime| lifetime.ident == "static");
            if !is_static {
                self.0 = true;
            }
            syn::visit::visit_type_reference(self, reference);
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

fn contains_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

const OWNED_REPLY: &str = "a call's reply goes to the caller's task, so it cannot borrow from \
                           the server: return an owned value (`String` for `&str`, `Vec<T>` for \
                           `&[T]`, a clone for `&T`)";

/// Reads and checks the signature of a method carrying `attr`.
pub(crate) fn parse_handler(
    cx: &mut Ctxt,
    attr: &CallbackAttr,
    method: &mut ImplItemFn,
) -> Handler {
    let signature = &method.sig;
    let kind = attr.kind;
    check_qualifiers(cx, kind, signature);
    check_receiver(cx, kind, signature);

    let mut args = Vec::new();
    for (index, input) in signature.inputs.iter().enumerate() {
        let FnArg::Typed(typed) = input else { continue };
        let name = match &*typed.pat {
            Pat::Ident(pat) => pat.ident.clone(),
            _ => syn::Ident::new(&format!("arg{index}"), typed.pat.span()),
        };
        let role = classify_arg(cx, kind, &typed.ty);
        args.push(Arg {
            name,
            role,
            tokens: input.to_token_stream(),
        });
    }
    let output = match &signature.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => match &**ty {
            Type::Tuple(tuple) if tuple.elems.is_empty() => None,
            ty => Some((*ty).clone()),
        },
    };
    let handler = Handler {
        kind,
        attr_tokens: attr.tokens.clone(),
        attr_invalid: attr.invalid,
        ident: signature.ident.clone(),
        vis: method.vis.clone(),
        is_async: signature.asyncness.is_some(),
        args,
        output,
        docs: method
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("doc"))
            .cloned()
            .collect(),
    };
    check_arity(cx, &handler, signature);
    check_output(cx, &handler, signature);
    correct_signature(kind, method);
    handler
}

/// Rewrites the mistakes whose correction is certain (`&self`, no `self`, a context or an exit
/// reason taken by value or shared reference), once reported: the method is re-emitted as it
/// should be, so rustc adds no error of its own about them (a `ctx` taken by value would
/// otherwise also get "consider `mut ctx`", the opposite of the fix).
fn correct_signature(kind: Kind, method: &mut ImplItemFn) {
    let mut body_unchecked = false;
    let signature = &mut method.sig;
    if kind != Kind::Init {
        match signature.inputs.first_mut() {
            Some(FnArg::Receiver(receiver)) => {
                if let syn::ReceiverKind::Reference(_, _, mutability @ None) = &mut receiver.kind {
                    *mutability = Some(syn::Token![mut](receiver.self_token.span));
                }
            }
            _ => signature.inputs.insert(0, syn::parse_quote!(&mut self)),
        }
    }
    for input in &mut signature.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let corrected: Option<Type> = match &*typed.ty {
            Type::Reference(reference)
                if reference.mutability.is_none()
                    && last_segment_is(&reference.elem, "Context") =>
            {
                let elem = &reference.elem;
                Some(syn::parse_quote!(&mut #elem))
            }
            ty if last_segment_is(ty, "Context") => Some(syn::parse_quote!(&mut #ty)),
            ty if kind == Kind::Terminate && last_segment_is(ty, "ExitReason") => {
                Some(syn::parse_quote!(&#ty))
            }
            ty if last_segment_is(ty, "ReplyTo") && first_generic_type(ty).is_none() => {
                // The reply's type is unknown: the body, written for it, is not checked
                // until it is given.
                body_unchecked = true;
                Some(syn::parse_quote!(::otp_core::ReplyTo<()>))
            }
            _ => None,
        };
        if let Some(corrected) = corrected {
            *typed.ty = corrected;
            // `mut ctx: Context<Self>` becomes `ctx: &mut Context<Self>`: no `unused_mut`.
            if let Pat::Ident(pat) = &mut *typed.pat {
                pat.mutability = None;
            }
        }
    }
    if body_unchecked {
        method.block = syn::parse_quote!({ ::core::unreachable!() });
        method
            .attrs
            .push(syn::parse_quote!(#[allow(unused_variables)]));
    }
}

fn check_qualifiers(cx: &mut Ctxt, kind: Kind, signature: &Signature) {
    let attribute = kind.attribute();
    if let Some(constness) = &signature.constness {
        cx.error_spanned_by(
            constness,
            format!("a `{attribute}` method cannot be `const`; remove `const`"),
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &signature.safety {
        cx.error_spanned_by(
            unsafety,
            format!("a `{attribute}` method cannot be `unsafe`; remove `unsafe`"),
        );
    }
    if let Some(abi) = &signature.abi {
        cx.error_spanned_by(
            abi,
            format!("a `{attribute}` method cannot be `extern`; remove the ABI"),
        );
    }
    if let Some(variadic) = &signature.variadic {
        cx.error_spanned_by(
            variadic,
            format!("a `{attribute}` method cannot be variadic"),
        );
    }
    if !signature.generics.params.is_empty() {
        cx.error_spanned_by(
            &signature.generics,
            format!(
                "a `{attribute}` method cannot be generic: each message needs one concrete type; \
                 write one handler per type, or make the server type generic"
            ),
        );
    } else if let Some(where_clause) = &signature.generics.where_clause {
        cx.error_spanned_by(
            where_clause,
            format!(
                "a `{attribute}` method cannot have a `where` clause; move the bounds to the `impl`"
            ),
        );
    }
}

fn check_receiver(cx: &mut Ctxt, kind: Kind, signature: &Signature) {
    let receiver = signature.receiver();
    let attribute = kind.attribute();
    if kind == Kind::Init {
        if let Some(receiver) = receiver {
            cx.error_spanned_by(
                receiver,
                "`#[init]` builds the state, so it takes no `self`; \
                 write `fn init(args: Args) -> Result<Self, InitError>`",
            );
        }
        return;
    }
    match receiver {
        None => cx.error_spanned_by(
            &signature.ident,
            format!("a `{attribute}` method takes `&mut self` first; add `&mut self` before its arguments"),
        ),
        Some(receiver) => match &receiver.kind {
            syn::ReceiverKind::Reference(_, _, Some(_)) => {}
            syn::ReceiverKind::Reference(_, _, None) => cx.error_spanned_by(
                receiver,
                format!("a `{attribute}` method takes `&mut self`, not `&self`; write `&mut self`"),
            ),
            _ => cx.error_spanned_by(
                receiver,
                format!(
                    "a `{attribute}` method takes `&mut self`, not `self` by value: \
                     the server keeps its state between messages"
                ),
            ),
        },
    }
}

fn classify_arg(cx: &mut Ctxt, kind: Kind, ty: &Type) -> ArgRole {
    if let Type::Reference(reference) = ty {
        if last_segment_is(&reference.elem, "Context") {
            if reference.mutability.is_none() {
                cx.error_spanned_by(ty, "take the context as `ctx: &mut Context<Self>`");
            }
            return ArgRole::Context;
        }
        if kind == Kind::Terminate && last_segment_is(&reference.elem, "ExitReason") {
            return ArgRole::Reason;
        }
        if reference
            .lifetime
            .as_ref()
            .is_some_and(|lifetime| lifetime.ident == "static")
        {
            // `&'static str` and the like are owned enough to go to another task.
            return ArgRole::Message(ty.clone());
        }
        let hint = if kind == Kind::Terminate {
            "`#[terminate]` takes `reason: &ExitReason` and optionally `ctx: &mut Context<Self>`"
                .to_owned()
        } else {
            "messages go to another task, so they are owned: take `String` instead of `&str`, \
             `Vec<T>` instead of `&[T]`"
                .to_owned()
        };
        cx.error_spanned_by(
            ty,
            format!("a message argument cannot be a reference; {hint}"),
        );
        return ArgRole::Message(ty.clone());
    }
    if kind == Kind::Terminate && last_segment_is(ty, "ExitReason") {
        cx.error_spanned_by(ty, "take the reason by reference: `reason: &ExitReason`");
        return ArgRole::Reason;
    }
    if last_segment_is(ty, "Context") {
        cx.error_spanned_by(
            ty,
            "take the context by reference: `ctx: &mut Context<Self>`",
        );
        return ArgRole::Context;
    }
    if last_segment_is(ty, "ReplyTo") {
        if kind != Kind::Call {
            cx.error_spanned_by(
                ty,
                format!(
                    "only a `#[handle_call]` method can take a `ReplyTo`; `{}` has no caller waiting for a reply",
                    kind.attribute()
                ),
            );
        }
        if let Some(inner) = first_generic_type(ty) {
            if contains_borrow(&inner) {
                cx.error_spanned_by(&inner, OWNED_REPLY);
            }
            return ArgRole::ReplyTo(inner);
        }
        cx.error_spanned_by(ty, "write the reply's type: `ReplyTo<T>`");
        return ArgRole::ReplyTo(syn::parse_quote!(()));
    }
    if contains_impl_trait(ty) {
        cx.error_spanned_by(
            ty,
            "a message argument needs a concrete type, not `impl Trait`: the message is stored in an enum",
        );
    } else if contains_borrow(ty) {
        cx.error_spanned_by(
            ty,
            "a message argument cannot borrow: messages go to another task, so they are owned; \
             take `Option<String>` instead of `Option<&str>`, `Vec<T>` instead of `&[T]`",
        );
    }
    ArgRole::Message(ty.clone())
}

fn check_arity(cx: &mut Ctxt, handler: &Handler, signature: &Signature) {
    let of_role = |wanted: fn(&ArgRole) -> bool| -> Vec<&Arg> {
        handler
            .args
            .iter()
            .filter(|arg| wanted(&arg.role))
            .collect()
    };
    let messages = of_role(|role| matches!(role, ArgRole::Message(_)));
    let contexts = of_role(|role| matches!(role, ArgRole::Context));
    let replies = of_role(|role| matches!(role, ArgRole::ReplyTo(_)));
    let reasons = of_role(|role| matches!(role, ArgRole::Reason));
    for extra in contexts.iter().skip(1) {
        cx.error_spanned_by(
            &extra.tokens,
            "take the context once: remove this second context argument",
        );
    }
    for extra in replies.iter().skip(1) {
        cx.error_spanned_by(
            &extra.tokens,
            "a call has one caller: take one `ReplyTo<T>` argument",
        );
    }
    let attribute = handler.kind.attribute();
    match handler.kind {
        Kind::Init => {
            for extra in messages.iter().skip(1) {
                cx.error_spanned_by(
                    &extra.tokens,
                    "`#[init]` takes one start argument; group several in a tuple or a struct: \
                     `fn init((a, b): (A, B))`",
                );
            }
        }
        Kind::Info | Kind::Continue | Kind::CatchAll => {
            let example = if handler.kind == Kind::CatchAll {
                "`fn unexpected(&mut self, msg: AnyMessage)`"
            } else {
                "`fn tick(&mut self, msg: Tick)`"
            };
            if messages.is_empty() {
                cx.error_at(
                    signature.paren_token.span.join(),
                    format!("a `{attribute}` method takes one message argument after `&mut self`, as in {example}"),
                );
            }
            for extra in messages.iter().skip(1) {
                cx.error_spanned_by(
                    &extra.tokens,
                    format!("a `{attribute}` method takes one message argument; remove this one, as in {example}"),
                );
            }
        }
        Kind::Terminate => {
            for extra in messages.iter().chain(reasons.iter().skip(1)) {
                cx.error_spanned_by(
                    &extra.tokens,
                    "`#[terminate]` takes `reason: &ExitReason` and optionally \
                     `ctx: &mut Context<Self>`; remove this argument",
                );
            }
        }
        Kind::Call | Kind::Cast => {}
    }
    let single = handler.single_message();
    match (handler.kind, single) {
        (Kind::CatchAll, Some(ty)) if !last_segment_is(ty, "AnyMessage") => cx.error_spanned_by(
            ty,
            "the catch-all handler takes the message as `AnyMessage`: \
             `fn unexpected(&mut self, msg: AnyMessage)`",
        ),
        (Kind::Info, Some(ty)) if last_segment_is(ty, "AnyMessage") && !handler.attr_invalid => {
            cx.error_spanned_by(
                ty,
                "a handler of `AnyMessage` is the catch-all: write `#[handle_info(catch_all)]`",
            );
        }
        _ => {}
    }
}

fn check_output(cx: &mut Ctxt, handler: &Handler, signature: &Signature) {
    let Some(output) = &handler.output else {
        if handler.kind == Kind::Init {
            cx.error_spanned_by(
                &signature.ident,
                "`#[init]` returns the state: add `-> Result<Self, InitError>` (or `-> Self`)",
            );
        }
        return;
    };
    let message = match handler.kind {
        Kind::Init => return,
        Kind::Call if handler.reply_to().is_none() => {
            if contains_impl_trait(output) {
                cx.error_spanned_by(
                    output,
                    "a call's reply needs a concrete type, not `impl Trait`: it goes through a channel",
                );
            } else if contains_borrow(output) {
                cx.error_spanned_by(output, OWNED_REPLY);
            }
            return;
        }
        // `Result<(), E>`: an `Err` stops the server with it (`{:stop, reason, state}`).
        Kind::Cast | Kind::Info | Kind::Continue | Kind::CatchAll
            if last_segment_is(output, "Result") =>
        {
            return;
        }
        Kind::Call => {
            "a handler that takes `ReplyTo<T>` replies through it; remove the return type"
                .to_owned()
        }
        Kind::Cast => "a cast has no reply; remove the return type, make this a \
                       `#[handle_call]`, or return `Result<(), E>` to stop the server on an error"
            .to_owned(),
        Kind::Terminate => {
            "a `#[terminate]` method returns nothing; remove the return type".to_owned()
        }
        kind => format!(
            "a `{}` method returns nothing, or `Result<(), E>` to stop the server on an error; \
             remove the return type",
            kind.attribute()
        ),
    };
    cx.error_spanned_by(output, message);
}
