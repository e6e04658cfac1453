//! `#[child_spec(...)]` on a `#[genserver]` impl: the defaults a supervisor uses for the type,
//! read into [`ChildDefaults`] and checked (a significant child is not permanent); the impl is
//! written in `expand`. Its mistakes are the attribute's own: they are reported beside the
//! impl, and the server is expanded as usual, with the defaults that were right.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, LitStr, Path, Token};

use crate::ctxt::Ctxt;
use crate::value::{self, Restart, Shutdown, StartTimeout};

/// The keys, each with an example of its value.
const KEYS: [(&str, &str); 5] = [
    ("id", "\"cache\""),
    ("restart", "transient"),
    ("shutdown", "\"10s\""),
    ("significant", "true"),
    ("start_timeout", "\"5s\""),
];

/// The defaults read from `#[child_spec(...)]`; `None` where a key is unset (or wrong, and
/// reported).
#[derive(Default)]
pub(crate) struct ChildDefaults {
    pub(crate) id: Option<LitStr>,
    pub(crate) restart: Option<Restart>,
    pub(crate) shutdown: Option<Shutdown>,
    /// With the literal's span, for errors that point at it.
    pub(crate) significant: Option<(bool, Span)>,
    pub(crate) start_timeout: Option<StartTimeout>,
    /// Whether `restart` is written, even wrong (and reported): only an unset one is
    /// permanent.
    restart_written: bool,
    /// The attribute's mistakes, as `compile_error!`s to emit beside the impl.
    pub(crate) errors: TokenStream,
}

fn is_child_spec(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "child_spec")
}

/// Removes `#[child_spec(...)]` from `attrs` and reads it.
pub(crate) fn take(attrs: &mut Vec<Attribute>) -> ChildDefaults {
    let mut cx = Ctxt::default();
    let cx = &mut cx;
    let mut defaults = ChildDefaults::default();
    let mut seen = false;
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if !is_child_spec(&attr) {
            kept.push(attr);
            continue;
        }
        if seen {
            cx.error_spanned_by(
                &attr,
                "one `#[child_spec(...)]` per server; merge them into one",
            );
            continue;
        }
        seen = true;
        parse(cx, &attr, &mut defaults);
    }
    *attrs = kept;
    check_significant(cx, &defaults);
    defaults.errors = std::mem::take(cx).into_compile_errors();
    defaults
}

/// A significant child is transient or temporary (OTP's `check_startspec`); unset, the
/// restart type is permanent.
fn check_significant(cx: &mut Ctxt, defaults: &ChildDefaults) {
    if let Some((true, span)) = defaults.significant {
        let permanent = match defaults.restart {
            Some(restart) => restart == Restart::Permanent,
            None => !defaults.restart_written,
        };
        if permanent {
            cx.error_at(
                span,
                "a significant child must be transient or temporary; add `restart = \"transient\"`",
            );
        }
    }
}

/// `key = value` as written; the value may be missing.
struct Setting {
    key: Path,
    value: Option<Expr>,
}

impl Parse for Setting {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.call(Path::parse_mod_style)?;
        let value = if input.parse::<Option<Token![=]>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Setting { key, value })
    }
}

/// Reads every setting of the attribute into `defaults`, reporting each wrong one; a syntax
/// error is reported alone.
fn parse(cx: &mut Ctxt, attr: &Attribute, defaults: &mut ChildDefaults) {
    let settings = match attr.parse_args_with(Punctuated::<Setting, Token![,]>::parse_terminated) {
        Ok(settings) => settings,
        Err(error) => return cx.syn_error(error),
    };
    for Setting { key, value } in settings {
        let written = key.to_token_stream().to_string().replace(' ', "");
        let Some((name, example)) = KEYS.iter().find(|(name, _)| key.is_ident(name)) else {
            cx.error_spanned_by(&key, unknown_key(&written));
            continue;
        };
        let Some(value) = value else {
            cx.error_spanned_by(
                &key,
                format!("`{name}` needs a value: `{name} = {example}`"),
            );
            continue;
        };
        defaults.restart_written |= *name == "restart";
        if let Err(error) = read(defaults, name, &value) {
            cx.syn_error(error);
        }
    }
}

/// Reads the value of `key` into `defaults`.
fn read(defaults: &mut ChildDefaults, key: &str, value: &Expr) -> syn::Result<()> {
    match key {
        "id" => defaults.id = Some(id(value)?),
        "restart" => defaults.restart = Some(value::choice(value)?),
        "shutdown" => {
            let shutdown = Shutdown::read(value)?.ok_or_else(|| {
                syn::Error::new_spanned(
                    value,
                    format!(
                        "`{}` is not a shutdown; write {}",
                        value::written(value),
                        Shutdown::accepted()
                    ),
                )
            })?;
            defaults.shutdown = Some(shutdown);
        }
        "start_timeout" => defaults.start_timeout = Some(StartTimeout::read(value)?),
        _ => defaults.significant = Some(significant(value)?),
    }
    Ok(())
}

fn unknown_key(written: &str) -> String {
    let names = KEYS.iter().map(|(name, _)| *name);
    let listed: Vec<String> = names.clone().map(|name| format!("`{name}`")).collect();
    value::unknown(
        &format!("unknown `#[child_spec]` key `{written}`"),
        written,
        names,
        &format!("the keys are {}", listed.join(", ")),
    )
}

/// The id is a string: it becomes a `&'static str` constant.
fn id(value: &Expr) -> syn::Result<LitStr> {
    if let Expr::Lit(lit) = value::ungroup(value)
        && let Lit::Str(id) = &lit.lit
    {
        return Ok(id.clone());
    }
    Err(syn::Error::new_spanned(
        value,
        format!(
            "the id is a string, as in `id = \"cache\"`; `{}` is not one",
            value::written(value)
        ),
    ))
}

/// `significant` is a `true` or `false` literal: it becomes a `bool` constant.
fn significant(value: &Expr) -> syn::Result<(bool, Span)> {
    if let Ok(Some(significant)) = value::boolean(value) {
        return Ok((significant, value.span()));
    }
    Err(syn::Error::new_spanned(
        value,
        format!(
            "`significant` is `true` or `false`, not `{}`: write `significant = true`",
            value::written(value)
        ),
    ))
}
