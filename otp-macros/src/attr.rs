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
                Err(meta.error(unknown_argument(name, &meta.path)))
            });
            let invalid = result.is_err();
            if let Err(error) = result {
                cx.syn_error(error);
            }
            (kind, invalid)
        }
    }
}

/// The error for an argument a callback attribute does not take: where the setting it looks
/// for is made instead, or the argument it misspells.
fn unknown_argument(name: &str, path: &syn::Path) -> String {
    let written = path.to_token_stream().to_string().replace(' ', "");
    let unknown = format!("`#[{name}]` takes no `{written}`");
    let elsewhere = match (name, written.as_str()) {
        ("handle_call", "timeout") => Some(
            "set a call's timeout with `.timeout(d)` on the call, as in \
             `server.get(key).timeout(Duration::from_secs(1)).await` (5 s unless set)",
        ),
        ("init", "timeout" | "start_timeout") => Some(
            "set a start timeout with `.timeout(d)` on the start options, as in \
             `Server::options().timeout(d).start(args)`, or with \
             `#[child_spec(start_timeout = \"5s\")]` for a supervisor",
        ),
        (_, "timeout" | "idle_timeout") => Some(
            "a server waits for its next message with `ctx.idle_timeout(d)`, which sends it \
             an `IdleTimeout` message",
        ),
        (_, "mailbox" | "capacity" | "bounded") => {
            Some("a server's mailbox is bounded for all its casts: `#[genserver(mailbox = N)]`")
        }
        (_, "name") => Some(
            "a server is named where it starts: `Server::options().name(\"name\").start(args)`",
        ),
        ("handle_call" | "handle_cast" | "handle_info" | "handle_continue", _)
            if path.get_ident().is_some_and(|ident| {
                ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            }) =>
        {
            Some("the message a handler takes is the type of its argument, after `&mut self`")
        }
        _ => None,
    };
    if let Some(elsewhere) = elsewhere {
        return format!("{unknown}; {elsewhere}");
    }
    if name == "handle_info" {
        return crate::value::unknown(
            &format!("unknown argument `{written}` for `#[handle_info]`"),
            &written,
            ["catch_all"],
            "the only argument is `catch_all`, as in `#[handle_info(catch_all)]`",
        );
    }
    format!("unknown argument `{written}` for `#[{name}]`; it takes none: write `#[{name}]`")
}
