//! `#[child_spec(...)]` on a `#[genserver]` impl: the defaults a supervisor uses for the type,
//! read into [`ChildDefaults`]. The rule between two of them (a significant child is not
//! permanent) is checked with the server's other rules; the impl is written in `expand`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, LitStr};

use crate::ctxt::Ctxt;
use crate::value::{self, Restart, Shutdown, StartTimeout};

const KEYS: &str = "`id`, `restart`, `shutdown`, `significant`, `start_timeout`";

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
}

fn is_child_spec(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "child_spec")
}

/// Removes `#[child_spec(...)]` from `attrs` and reads it.
pub(crate) fn take(cx: &mut Ctxt, attrs: &mut Vec<Attribute>) -> ChildDefaults {
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
        if let Err(error) = parse(&attr, &mut defaults) {
            cx.syn_error(error);
        }
    }
    *attrs = kept;
    defaults
}

fn parse(attr: &Attribute, defaults: &mut ChildDefaults) -> syn::Result<()> {
    attr.parse_nested_meta(|meta| {
        let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
            return Err(unknown_key(&meta.path));
        };
        if !matches!(
            key.as_str(),
            "id" | "restart" | "shutdown" | "significant" | "start_timeout"
        ) {
            return Err(unknown_key(&meta.path));
        }
        let value: Expr = meta.value()?.parse()?;
        match key.as_str() {
            "id" => defaults.id = Some(id(&value)?),
            "restart" => defaults.restart = Some(value::choice(&value)?),
            "shutdown" => {
                let shutdown = Shutdown::read(&value)?.ok_or_else(|| {
                    syn::Error::new_spanned(
                        &value,
                        format!(
                            "`{}` is not a shutdown; write {}",
                            value::written(&value),
                            Shutdown::accepted()
                        ),
                    )
                })?;
                defaults.shutdown = Some(shutdown);
            }
            "start_timeout" => defaults.start_timeout = Some(StartTimeout::read(&value)?),
            _ => defaults.significant = Some(significant(&value)?),
        }
        Ok(())
    })
}

fn unknown_key(path: &syn::Path) -> syn::Error {
    syn::Error::new_spanned(
        path,
        format!(
            "unknown `#[child_spec]` key `{}`; the keys are {KEYS}",
            path.to_token_stream()
        ),
    )
}

/// The id is a string: it becomes a `&'static str` constant.
fn id(value: &Expr) -> syn::Result<LitStr> {
    if let Expr::Lit(lit) = value::ungroup(value) {
        if let Lit::Str(id) = &lit.lit {
            return Ok(id.clone());
        }
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
