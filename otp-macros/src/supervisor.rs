//! `supervisor! { strategy: ..., children: [...] }`: a supervision tree declared in one place,
//! expanded into a `SupervisorSpec` built with its methods.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Path, Token, braced, bracketed, parenthesized};

use crate::ctxt::Ctxt;

const KEYS: &str = "`strategy`, `max_restarts`, `max_seconds`, `auto_shutdown`, `name`, `children`";
const STRATEGIES: &str = "`one_for_one`, `one_for_all`, `rest_for_one`";
const AUTO_SHUTDOWNS: &str = "`never`, `any_significant`, `all_significant`";
const OVERRIDES: &str = "`id`, `restart`, `shutdown`, `significant`, `name`";

/// One `key: value` of the tree.
struct Setting {
    key: Ident,
    value: SettingValue,
}

enum SettingValue {
    Children(Vec<ChildEntry>),
    Expr(Expr),
}

/// One child as listed: what it is, and its overrides.
struct ChildEntry {
    kind: ChildKind,
    overrides: Vec<Override>,
    span: Span,
}

enum ChildKind {
    /// `Type(arg)`: started with `arg`.
    Args(Path, Expr),
    /// `Type(key = value, ...)`: started with its default options, set by their methods.
    Options(Path, Vec<(Ident, Expr)>),
    /// `supervisor! { ... }` inline.
    Nested(Box<Tree>),
}

struct Override {
    key: Ident,
    value: Expr,
}

/// A parsed `supervisor! { ... }`.
pub(crate) struct Tree {
    settings: Vec<Setting>,
    brace_span: Span,
}

impl Parse for Tree {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // The whole `supervisor! { ... }`, for errors about what is missing from it.
        let brace_span = Span::call_site();
        let mut settings = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            let value = if key == "children" {
                let content;
                bracketed!(content in input);
                let entries = Punctuated::<ChildEntry, Token![,]>::parse_terminated(&content)?;
                SettingValue::Children(entries.into_iter().collect())
            } else {
                SettingValue::Expr(input.parse()?)
            };
            settings.push(Setting { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Tree {
            settings,
            brace_span,
        })
    }
}

impl Parse for ChildEntry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let span = input.span();
        let kind = if input.peek(Ident) && input.peek2(Token![!]) {
            let name: Ident = input.parse()?;
            if name != "supervisor" {
                return Err(syn::Error::new(
                    name.span(),
                    "a child is `Type(arg)`, `Type(option = value, ...)` or an inline `supervisor! { ... }`",
                ));
            }
            input.parse::<Token![!]>()?;
            let content;
            braced!(content in input);
            ChildKind::Nested(Box::new(content.parse()?))
        } else {
            let path: Path = input.parse()?;
            if !input.peek(syn::token::Paren) {
                let name = path.to_token_stream().to_string().replace(' ', "");
                return Err(syn::Error::new_spanned(
                    &path,
                    format!(
                        "a child needs its start argument: write `{name}(arg)` or \
                         `{name}(option = value)`"
                    ),
                ));
            }
            let content;
            parenthesized!(content in input);
            if is_options(&content.fork()) {
                let options = Punctuated::<OptionPair, Token![,]>::parse_terminated(&content)?;
                ChildKind::Options(
                    path,
                    options.into_iter().map(|pair| (pair.0, pair.1)).collect(),
                )
            } else {
                ChildKind::Args(path, content.parse()?)
            }
        };
        let mut overrides = Vec::new();
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            let pairs = Punctuated::<OptionPair, Token![,]>::parse_terminated(&content)?;
            overrides = pairs
                .into_iter()
                .map(|pair| Override {
                    key: pair.0,
                    value: pair.1,
                })
                .collect();
        }
        Ok(ChildEntry {
            kind,
            overrides,
            span,
        })
    }
}

/// `key = value`.
struct OptionPair(Ident, Expr);

impl Parse for OptionPair {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        Ok(OptionPair(key, input.parse()?))
    }
}

/// Whether parenthesised child arguments are `key = value` options (or empty).
fn is_options(input: ParseStream<'_>) -> bool {
    input.is_empty() || (input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]))
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let tree: Tree = match syn::parse2(input) {
        Ok(tree) => tree,
        Err(error) => return error.to_compile_error(),
    };
    let mut cx = Ctxt::default();
    let expanded = expand_tree(&mut cx, &tree);
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        return quote!({ #errors ::otp_core::SupervisorSpec::new(::otp_core::Strategy::OneForOne) });
    }
    expanded
}

fn expand_tree(cx: &mut Ctxt, tree: &Tree) -> TokenStream {
    let mut strategy = None;
    let mut auto_shutdown_set = false;
    let mut calls = Vec::new();
    let mut children = None;
    let mut seen = HashSet::new();
    for setting in &tree.settings {
        let key = setting.key.to_string();
        if !seen.insert(key.clone()) {
            cx.error_spanned_by(&setting.key, format!("`{key}` is set twice; keep one"));
            continue;
        }
        match (key.as_str(), &setting.value) {
            ("children", SettingValue::Children(entries)) => children = Some(entries),
            ("strategy", SettingValue::Expr(value)) => {
                strategy = Some(word(
                    cx,
                    value,
                    &[
                        ("one_for_one", quote!(OneForOne)),
                        ("one_for_all", quote!(OneForAll)),
                        ("rest_for_one", quote!(RestForOne)),
                    ],
                    "strategy",
                    STRATEGIES,
                ));
            }
            ("auto_shutdown", SettingValue::Expr(value)) => {
                auto_shutdown_set = value.to_token_stream().to_string() != "never";
                let value = word(
                    cx,
                    value,
                    &[
                        ("never", quote!(Never)),
                        ("any_significant", quote!(AnySignificant)),
                        ("all_significant", quote!(AllSignificant)),
                    ],
                    "auto_shutdown",
                    AUTO_SHUTDOWNS,
                );
                calls.push(quote!(.auto_shutdown(::otp_core::AutoShutdown::#value)));
            }
            ("max_restarts" | "max_seconds" | "name", SettingValue::Expr(value)) => {
                let method = &setting.key;
                calls.push(quote!(.#method(#value)));
            }
            _ => cx.error_spanned_by(
                &setting.key,
                format!("unknown `supervisor!` key `{key}`; the keys are {KEYS}"),
            ),
        }
    }
    let strategy = strategy.unwrap_or_else(|| {
        cx.error_at(
            tree.brace_span,
            "`supervisor!` needs a strategy: add `strategy: one_for_one,` \
             (or `one_for_all`, `rest_for_one`)",
        );
        quote!(OneForOne)
    });
    let entries = children.map(Vec::as_slice).unwrap_or_default();
    check_unique_ids(cx, entries);
    if !auto_shutdown_set {
        check_no_significant(cx, entries);
    }
    let child_calls: Vec<TokenStream> = entries
        .iter()
        .map(|entry| expand_child(cx, entry))
        .collect();
    quote! {
        ::otp_core::SupervisorSpec::new(::otp_core::Strategy::#strategy)
            #(#calls)*
            #(.child(#child_calls))*
    }
}

/// A bare word among `choices`, as the tokens of the matching variant.
fn word(
    cx: &mut Ctxt,
    value: &Expr,
    choices: &[(&str, TokenStream)],
    what: &str,
    accepted: &str,
) -> TokenStream {
    let text = value.to_token_stream().to_string().replace('"', "");
    if let Some((_, variant)) = choices.iter().find(|(name, _)| *name == text) {
        return variant.clone();
    }
    cx.error_spanned_by(
        value,
        format!("unknown {what} `{text}`; write one of {accepted}"),
    );
    choices[0].1.clone()
}

/// What the macro knows of a child's id: an explicit `id` override, or the type it is (whose
/// default id the macro cannot see: two children of one type without ids share it).
#[derive(PartialEq, Eq, Hash)]
enum VisibleId {
    Explicit(String),
    OfType(String),
}

fn visible_id(entry: &ChildEntry) -> (VisibleId, Span) {
    if let Some(id) = entry.overrides.iter().find(|o| o.key == "id") {
        let text = id.value.to_token_stream().to_string().replace('"', "");
        return (VisibleId::Explicit(text), id.value.span());
    }
    let of_type = match &entry.kind {
        ChildKind::Args(path, _) | ChildKind::Options(path, _) => {
            path.to_token_stream().to_string().replace(' ', "")
        }
        ChildKind::Nested(_) => "supervisor!".to_owned(),
    };
    (VisibleId::OfType(of_type), entry.span)
}

/// Without an `auto_shutdown`, a significant child is refused (OTP's `check_startspec`).
fn check_no_significant(cx: &mut Ctxt, entries: &[ChildEntry]) {
    for entry in entries {
        let significant = entry.overrides.iter().find(|item| {
            item.key == "significant" && item.value.to_token_stream().to_string() == "true"
        });
        if let Some(item) = significant {
            cx.error_spanned_by(
                &item.value,
                "a significant child needs the supervisor's `auto_shutdown: any_significant` \
                 (or `all_significant`); add it, or drop `significant`",
            );
        }
    }
}

fn check_unique_ids(cx: &mut Ctxt, entries: &[ChildEntry]) {
    let mut seen = HashSet::new();
    for entry in entries {
        let (id, span) = visible_id(entry);
        let message = match &id {
            VisibleId::Explicit(id) => {
                format!("two children have the id `{id}`; give each its own")
            }
            VisibleId::OfType(ty) => format!(
                "two `{ty}` children share their default id; give this one its own: `{{ id = \"...\" }}`"
            ),
        };
        if !seen.insert(id) {
            cx.error_at(span, message);
        }
    }
}

fn expand_child(cx: &mut Ctxt, entry: &ChildEntry) -> TokenStream {
    let base = match &entry.kind {
        ChildKind::Args(path, args) => {
            quote_spanned!(path.span()=> ::otp_core::ChildSpec::of::<#path>(#args))
        }
        ChildKind::Options(path, options) => {
            let setters = options.iter().map(|(key, value)| quote!(.#key(#value)));
            quote_spanned! {path.span()=>
                ::otp_core::ChildSpec::of::<#path>(
                    <<#path as ::otp_core::Child>::Args as ::core::default::Default>::default() #(#setters)*
                )
            }
        }
        ChildKind::Nested(tree) => {
            let nested = expand_tree(cx, tree);
            quote!(::otp_core::ChildSpec::of::<::otp_core::SupervisorSpec>(#nested))
        }
    };
    let mut calls = Vec::new();
    let mut restart_permanent = None;
    let mut significant = None;
    let mut seen = HashSet::new();
    for item in &entry.overrides {
        let value = &item.value;
        if !seen.insert(item.key.to_string()) {
            cx.error_spanned_by(
                &item.key,
                format!("`{}` is set twice for this child; keep one", item.key),
            );
            continue;
        }
        match item.key.to_string().as_str() {
            "id" => calls.push(quote!(.with_id(#value))),
            "name" => calls.push(quote!(.with_name(#value))),
            "restart" => {
                let variant = word(
                    cx,
                    value,
                    &[
                        ("permanent", quote!(Permanent)),
                        ("transient", quote!(Transient)),
                        ("temporary", quote!(Temporary)),
                    ],
                    "restart type",
                    "`permanent`, `transient`, `temporary`",
                );
                restart_permanent = Some(variant.to_string() == "Permanent");
                calls.push(quote!(.with_restart(::otp_core::Restart::#variant)));
            }
            "shutdown" => calls.push(shutdown(cx, value)),
            "significant" => {
                significant = Some((value.to_token_stream().to_string() == "true", value.span()));
                calls.push(quote!(.with_significant(#value)));
            }
            other => cx.error_spanned_by(
                &item.key,
                format!("unknown child override `{other}`; the overrides are {OVERRIDES}"),
            ),
        }
    }
    if let (Some((true, span)), Some(true)) = (significant, restart_permanent) {
        cx.error_at(
            span,
            "a significant child must be transient or temporary; write `restart = transient`",
        );
    }
    quote!(#base #(#calls)*)
}

fn shutdown(cx: &mut Ctxt, value: &Expr) -> TokenStream {
    let text = value.to_token_stream().to_string().replace('"', "");
    match text.as_str() {
        "brutal_kill" => return quote!(.with_shutdown(::otp_core::Shutdown::BrutalKill)),
        "infinity" => return quote!(.with_shutdown(::otp_core::Shutdown::Infinity)),
        _ => {}
    }
    if let Ok(lit) = syn::parse2::<syn::Lit>(value.to_token_stream()) {
        if let syn::Lit::Str(_) | syn::Lit::Int(_) = lit {
            match crate::child_spec::shutdown_tokens(&lit) {
                Ok(tokens) => return quote!(.with_shutdown(#tokens)),
                Err(error) => {
                    cx.syn_error(error);
                    return TokenStream::new();
                }
            }
        }
    }
    // Any other expression: a `Shutdown` value computed by the user.
    quote!(.with_shutdown(#value))
}
