//! The callback attributes on a server's methods: `#[init]`, `#[handle_call]`, ...

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, Meta};

use crate::ctxt::Ctxt;

/// Which callback a method is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Init,
    Call,
    Cast,
    Info,
    CatchAll,
    Continue,
    Terminate,
}

impl Kind {
    /// The attribute as the user writes it.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Kind::Init => "#[init]",
            Kind::Call => "#[handle_call]",
            Kind::Cast => "#[handle_cast]",
            Kind::Info => "#[handle_info]",
            Kind::CatchAll => "#[handle_info(catch_all)]",
            Kind::Continue => "#[handle_continue]",
            Kind::Terminate => "#[terminate]",
        }
    }
}

/// The method names OTP gives its callbacks: a method so named must carry its attribute.
pub(crate) const CALLBACK_NAMES: [(&str, &str); 6] = [
    ("init", "#[init]"),
    ("handle_call", "#[handle_call]"),
    ("handle_cast", "#[handle_cast]"),
    ("handle_info", "#[handle_info]"),
    ("handle_continue", "#[handle_continue]"),
    ("terminate", "#[terminate]"),
];

/// A callback attribute found on a method.
pub(crate) struct CallbackAttr {
    pub(crate) kind: Kind,
    /// The attribute's tokens, for errors that point at the whole `#[...]`.
    pub(crate) tokens: TokenStream,
    /// Its arguments were wrong: checks that depend on its kind stay quiet.
    pub(crate) invalid: bool,
}

fn callback_name(attr: &Attribute) -> Option<&'static str> {
    let path = attr.path();
    let last = path.segments.last()?;
    let prefix_ok = path.segments.len() == 1
        || path
            .segments
            .first()
            .is_some_and(|first| first.ident == "otp_core");
    if !prefix_ok {
        return None;
    }
    CALLBACK_NAMES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| last.ident == name)
}

/// Removes the callback attributes from `attrs` and returns the one found, reporting a second
/// one and any unknown argument.
pub(crate) fn take_callback_attr(
    cx: &mut Ctxt,
    attrs: &mut Vec<Attribute>,
) -> Option<CallbackAttr> {
    let mut found: Option<CallbackAttr> = None;
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let Some(name) = callback_name(&attr) else {
            kept.push(attr);
            continue;
        };
        let (kind, invalid) = parse_arguments(cx, &attr, name);
        match &found {
            Some(first) => cx.error_spanned_by(
                &attr,
                format!(
                    "a method is one callback: remove this attribute or `{}`",
                    first.kind.attribute()
                ),
            ),
            None => {
                found = Some(CallbackAttr {
                    kind,
                    tokens: attr.to_token_stream(),
                    invalid,
                });
            }
        }
    }
    *attrs = kept;
    found
}

fn parse_arguments(cx: &mut Ctxt, attr: &Attribute, name: &str) -> (Kind, bool) {
    let kind = match name {
        "init" => Kind::Init,
        "handle_call" => Kind::Call,
        "handle_cast" => Kind::Cast,
        "handle_info" => Kind::Info,
        "handle_continue" => Kind::Continue,
        _ => Kind::Terminate,
    };
    match &attr.meta {
        Meta::Path(_) => (kind, false),
        Meta::NameValue(value) => {
            cx.error_spanned_by(
                value,
                format!("`#[{name}]` takes no value; write `#[{name}]`"),
            );
            (kind, true)
        }
        Meta::List(list) => {
            let mut kind = kind;
            let result = list.parse_nested_meta(|meta| {
                if name == "handle_info" && meta.path.is_ident("catch_all") {
                    kind = Kind::CatchAll;
                    return Ok(());
                }
                let argument = meta
                    .path
                    .get_ident()
                    .map_or_else(|| "this".to_owned(), |ident| format!("`{ident}`"));
                let accepted = if name == "handle_info" {
                    "the only argument is `catch_all`, as in `#[handle_info(catch_all)]`".to_owned()
                } else {
                    format!("it takes none: write `#[{name}]`")
                };
                Err(meta.error(format!(
                    "unknown argument {argument} for `#[{name}]`; {accepted}"
                )))
            });
            let invalid = result.is_err();
            if let Err(error) = result {
                cx.syn_error(error);
            }
            (kind, invalid)
        }
    }
}
