//! `#[child_spec(...)]` on a `#[genserver]` impl: the defaults a supervisor uses for the type.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Attribute, LitStr};

use crate::ctxt::Ctxt;

const KEYS: &str = "`id`, `restart`, `shutdown`, `significant`, `start_timeout`";
const RESTARTS: &str = "\"permanent\", \"transient\" or \"temporary\"";
const SHUTDOWNS: &str = "\"brutal_kill\", \"infinity\", or a duration such as \"500ms\", \"10s\", \"2m\" (an integer is milliseconds)";
const START_TIMEOUTS: &str =
    "\"infinity\", or a duration such as \"500ms\", \"10s\", \"2m\" (an integer is milliseconds)";

/// The defaults read from `#[child_spec(...)]`, each as the tokens of its value.
#[derive(Default)]
pub(crate) struct ChildDefaults {
    pub(crate) id: Option<LitStr>,
    pub(crate) restart: Option<TokenStream>,
    pub(crate) shutdown: Option<TokenStream>,
    pub(crate) significant: Option<bool>,
    pub(crate) start_timeout: Option<TokenStream>,
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
        parse(cx, &attr, &mut defaults);
    }
    *attrs = kept;
    defaults
}

fn parse(cx: &mut Ctxt, attr: &Attribute, defaults: &mut ChildDefaults) {
    let mut significant_span = None;
    let result = attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "id" => defaults.id = Some(meta.value()?.parse()?),
            "restart" => {
                let value = word_or_string(meta.value()?, "restart = \"transient\"")?;
                defaults.restart = Some(match value.value().as_str() {
                    "permanent" => quote!(::otp_core::Restart::Permanent),
                    "transient" => quote!(::otp_core::Restart::Transient),
                    "temporary" => quote!(::otp_core::Restart::Temporary),
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!("unknown restart type `{other}`; write {RESTARTS}"),
                        ));
                    }
                });
            }
            "shutdown" => {
                let input = meta.value()?;
                let value: syn::Lit = if input.peek(syn::Ident) {
                    syn::Lit::Str(word_or_string(input, "shutdown = \"10s\"")?)
                } else {
                    input.parse()?
                };
                defaults.shutdown = Some(shutdown_tokens(&value)?);
            }
            "start_timeout" => {
                let input = meta.value()?;
                let value: syn::Lit = if input.peek(syn::Ident) {
                    syn::Lit::Str(word_or_string(input, "start_timeout = \"5s\"")?)
                } else {
                    input.parse()?
                };
                defaults.start_timeout = Some(start_timeout_tokens(&value)?);
            }
            "significant" => {
                let input = meta.value()?;
                let value: syn::LitBool = input.parse().map_err(|_| {
                    input.error("`significant` is `true` or `false`: write `significant = true`")
                })?;
                significant_span = Some(value.span);
                defaults.significant = Some(value.value);
            }
            _ => {
                return Err(meta.error(format!(
                    "unknown `#[child_spec]` key `{}`; the keys are {KEYS}",
                    meta.path.to_token_stream()
                )));
            }
        }
        Ok(())
    });
    if let Err(error) = result {
        cx.syn_error(error);
    }
    let permanent = defaults
        .restart
        .as_ref()
        .is_none_or(|restart| restart.to_string().ends_with("Permanent"));
    if let (Some(true), Some(span), true) = (defaults.significant, significant_span, permanent) {
        cx.error_at(
            span,
            "a significant child must be transient or temporary; add `restart = \"transient\"`",
        );
    }
}

/// A string literal, or a bare word taken as one (`restart = transient`).
fn word_or_string(input: syn::parse::ParseStream<'_>, example: &str) -> syn::Result<LitStr> {
    if input.peek(syn::Ident) {
        let word: syn::Ident = input.parse()?;
        return Ok(LitStr::new(&word.to_string(), word.span()));
    }
    input
        .parse()
        .map_err(|_| input.error(format!("expected a word or a string: write `{example}`")))
}

/// The tokens of a `Shutdown` from `"brutal_kill"`, `"infinity"`, `"10s"` or an integer of ms.
pub(crate) fn shutdown_tokens(value: &syn::Lit) -> syn::Result<TokenStream> {
    let millis = match value {
        syn::Lit::Int(int) => int.base10_parse::<u64>()?,
        syn::Lit::Str(text) => match text.value().as_str() {
            "brutal_kill" => return Ok(quote!(::otp_core::Shutdown::BrutalKill)),
            "infinity" => return Ok(quote!(::otp_core::Shutdown::Infinity)),
            duration => parse_duration(duration).ok_or_else(|| {
                syn::Error::new(
                    text.span(),
                    format!("`{duration}` is not a shutdown; write {SHUTDOWNS}"),
                )
            })?,
        },
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!("a shutdown is {SHUTDOWNS}"),
            ));
        }
    };
    Ok(quote!(::otp_core::Shutdown::Timeout(::core::time::Duration::from_millis(#millis))))
}

/// The tokens of an `Option<Duration>` from `"infinity"` (`None`), `"10s"` or an integer of ms.
fn start_timeout_tokens(value: &syn::Lit) -> syn::Result<TokenStream> {
    let millis = match value {
        syn::Lit::Int(int) => int.base10_parse::<u64>()?,
        syn::Lit::Str(text) => match text.value().as_str() {
            "infinity" => return Ok(quote!(::core::option::Option::None)),
            duration => parse_duration(duration).ok_or_else(|| {
                syn::Error::new(
                    text.span(),
                    format!("`{duration}` is not a start timeout; write {START_TIMEOUTS}"),
                )
            })?,
        },
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!("a start timeout is {START_TIMEOUTS}"),
            ));
        }
    };
    Ok(quote!(::core::option::Option::Some(::core::time::Duration::from_millis(#millis))))
}

/// Milliseconds in `"500ms"`, `"10s"`, `"2m"`, `"1h"`.
fn parse_duration(text: &str) -> Option<u64> {
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// `impl ChildDefaults` for the server.
pub(crate) fn expand(server: &crate::server::Server) -> TokenStream {
    let defaults = &server.child_defaults;
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let id = defaults.id.as_ref().map_or_else(
        || {
            let name = server.ident.to_string();
            quote!(#name)
        },
        |id| quote!(#id),
    );
    let restart = defaults
        .restart
        .as_ref()
        .map(|restart| quote!(const RESTART: ::otp_core::Restart = #restart;));
    let shutdown = defaults
        .shutdown
        .as_ref()
        .map(|shutdown| quote!(const SHUTDOWN: ::otp_core::Shutdown = #shutdown;));
    let significant = defaults
        .significant
        .map(|significant| quote!(const SIGNIFICANT: bool = #significant;));
    let start_timeout = defaults.start_timeout.as_ref().map(|timeout| {
        quote!(const START_TIMEOUT: ::core::option::Option<::core::time::Duration> = #timeout;)
    });
    let child = child_impl(server);
    quote! {
        impl #impl_generics ::otp_core::ChildDefaults for #self_ty #where_clause {
            const ID: &'static str = #id;
            #restart
            #shutdown
            #significant
            #start_timeout
        }

        #child
    }
}

/// `impl Child`: the server is a supervised child when its start argument is `Clone`. The
/// bound is written with `for<'__otp>` so that rustc checks it where the impl is used, not
/// here: a server whose argument is not `Clone` still compiles, and only putting it in a
/// supervisor is an error.
pub(crate) fn child_impl(server: &crate::server::Server) -> TokenStream {
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| {
            clause
                .predicates
                .iter()
                .map(ToTokens::to_token_stream)
                .collect()
        })
        .unwrap_or_default();
    predicates.push(quote! {
        for<'__otp> <#self_ty as ::otp_core::GenServer>::Args:
            ::core::clone::Clone + ::core::marker::Sync
    });
    quote! {
        impl #impl_generics ::otp_core::Child for #self_ty where #(#predicates),* {
            type Args = <Self as ::otp_core::GenServer>::Args;
            type Handle = <Self as ::otp_core::GenServer>::Ref;

            fn child_spec(args: Self::Args) -> ::otp_core::ChildSpec {
                ::otp_core::__private::genserver_child_spec::<Self>(args)
            }

            fn handle(pid: &::otp_core::Pid) -> ::core::option::Option<Self::Handle> {
                ::otp_core::__private::genserver_child_handle::<Self>(pid)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("10s"), Some(10_000));
        assert_eq!(parse_duration("2m"), Some(120_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000));
        assert_eq!(parse_duration("5 parsecs"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("10"), None);
    }
}
