//! Reads `supervisor! { ... }`: first its syntax (`key: value` settings, children as
//! `Type(arg)`, `Type(option = value)` or a nested `supervisor! { ... }`, each with `{ key =
//! value }` overrides), then each value into its type. A syntax error ends the reading; a wrong
//! value is reported and the reading goes on, so every mistake shows in one build.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, Path, Token, braced, bracketed, parenthesized};

use super::{Child, ChildKind, Given, Intensity, Supervisor};
use crate::ctxt::Ctxt;
use crate::value::{self, Choice, Integer, Shutdown};

const KEYS: [&str; 6] = [
    "strategy",
    "max_restarts",
    "max_seconds",
    "auto_shutdown",
    "name",
    "children",
];
const OVERRIDES: [&str; 5] = ["id", "restart", "shutdown", "significant", "name"];

/// The words as a message lists them: "`a`, `b`".
fn listed(words: &[&str]) -> String {
    let words: Vec<String> = words.iter().map(|word| format!("`{word}`")).collect();
    words.join(", ")
}

/// Reads a whole `supervisor! { ... }`; `Err` for a syntax error, which is reported alone.
pub(crate) fn parse(cx: &mut Ctxt, input: TokenStream) -> syn::Result<Supervisor> {
    let tree: Tree = syn::parse2(input)?;
    Ok(read_tree(cx, tree))
}

/// The syntax of a tree: its settings as written.
struct Tree {
    settings: Vec<(Ident, SettingValue)>,
    /// The whole `supervisor! { ... }` at the top, its `supervisor` nested: where an error
    /// about a missing key points.
    span: Span,
}

enum SettingValue {
    Children(Vec<Entry>),
    Expr(Expr),
}

/// The syntax of one child.
struct Entry {
    kind: EntryKind,
    overrides: Vec<(Ident, Expr)>,
    span: Span,
}

enum EntryKind {
    Args(Path, Expr),
    Options(Path, Vec<(Ident, Expr)>),
    Nested(Box<Tree>),
}

impl Parse for Tree {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut settings = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            // A misspelled `children` still holds children: read them, and say it once.
            let children = key == "children"
                || (input.peek(syn::token::Bracket)
                    && value::suggest::nearest(&key.to_string(), ["children"]).is_some());
            let value = if children {
                if !input.peek(syn::token::Bracket) {
                    return Err(input.error(
                        "the children are a list in brackets: `children: [Worker(arg), ...]`",
                    ));
                }
                let content;
                bracketed!(content in input);
                let entries = Punctuated::<Entry, Token![,]>::parse_terminated(&content)?;
                SettingValue::Children(entries.into_iter().collect())
            } else {
                SettingValue::Expr(input.parse()?)
            };
            settings.push((key, value));
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Tree {
            settings,
            span: Span::call_site(),
        })
    }
}

impl Parse for Entry {
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
            let mut tree: Tree = content.parse()?;
            tree.span = name.span();
            EntryKind::Nested(Box::new(tree))
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
                EntryKind::Options(path, pairs(&content)?)
            } else {
                EntryKind::Args(path, content.parse()?)
            }
        };
        let mut overrides = Vec::new();
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            overrides = pairs(&content)?;
        }
        Ok(Entry {
            kind,
            overrides,
            span,
        })
    }
}

/// `key = value, ...`.
fn pairs(input: ParseStream<'_>) -> syn::Result<Vec<(Ident, Expr)>> {
    struct Pair(Ident, Expr);
    impl Parse for Pair {
        fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            Ok(Pair(key, input.parse()?))
        }
    }
    let pairs = Punctuated::<Pair, Token![,]>::parse_terminated(input)?;
    Ok(pairs
        .into_iter()
        .map(|Pair(key, value)| (key, value))
        .collect())
}

/// Whether parenthesised child arguments are `key = value` options (or empty).
fn is_options(input: ParseStream<'_>) -> bool {
    input.is_empty() || (input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]))
}

fn read_tree(cx: &mut Ctxt, tree: Tree) -> Supervisor {
    let mut strategy = None;
    let mut intensity = Intensity::default();
    let mut auto_shutdown = None;
    let mut name = None;
    let mut children = None;
    let mut seen = HashSet::new();
    // The keys that unknown keys misspell: reported there, so not also reported missing.
    let mut misspelled = HashSet::new();
    for (key, value) in tree.settings {
        let mut text = key.to_string();
        if !KEYS.contains(&text.as_str()) {
            misspelled.extend(value::suggest::nearest(&text, KEYS));
            let message = value::unknown(
                &format!("unknown `supervisor!` key `{text}`"),
                &text,
                KEYS,
                &format!("the keys are {}", listed(&KEYS)),
            );
            cx.error_spanned_by(&key, message);
            // Read a misspelled `children` as the children, so that they are checked and not
            // also reported missing; any other unknown key is dropped.
            if !matches!(value, SettingValue::Children(_)) || !seen.insert("children".to_owned()) {
                continue;
            }
            "children".clone_into(&mut text);
        } else if !seen.insert(text.clone()) {
            cx.error_spanned_by(&key, format!("`{text}` is set twice; keep one"));
            continue;
        }
        match (text.as_str(), value) {
            ("children", SettingValue::Children(entries)) => {
                children = Some(
                    entries
                        .into_iter()
                        .map(|entry| read_child(cx, entry))
                        .collect(),
                );
            }
            ("strategy", SettingValue::Expr(value)) => {
                // A wrong strategy is reported; the tree still has one, so it is not "missing".
                strategy = Some(choice(cx, &value).unwrap_or(value::Strategy::OneForOne));
            }
            ("auto_shutdown", SettingValue::Expr(value)) => {
                auto_shutdown = Some(Given {
                    value: choice(cx, &value),
                    expr: value,
                });
            }
            ("name", SettingValue::Expr(value)) => {
                name = Some(value);
                text_literal(cx, name.as_ref(), "the supervisor's name", "name: \"app\"");
            }
            (_, SettingValue::Expr(value)) => {
                read_intensity(cx, &mut intensity, &key, value, ":");
            }
            // `children` is parsed as children, whatever follows it.
            (_, SettingValue::Children(_)) => {}
        }
    }
    let strategy = strategy.unwrap_or_else(|| {
        if misspelled.contains("strategy") {
            return value::Strategy::OneForOne;
        }
        cx.error_at(
            tree.span,
            "`supervisor!` needs a strategy: add `strategy: one_for_one,` \
             (or `one_for_all`, `rest_for_one`)",
        );
        value::Strategy::OneForOne
    });
    let children = children.unwrap_or_else(|| {
        cx.error_at(
            tree.span,
            "`supervisor!` needs its children: add `children: [Worker(arg), ...]`, in start \
             order (`children: []` for a supervisor that starts with none)",
        );
        Vec::new()
    });
    Supervisor {
        strategy,
        intensity,
        auto_shutdown,
        name,
        children,
    }
}

/// One of `T`'s words, or `None` once the error is reported.
fn choice<T: Choice>(cx: &mut Ctxt, value: &Expr) -> Option<T> {
    value::choice(value)
        .map_err(|error| cx.syn_error(error))
        .ok()
}

fn read_child(cx: &mut Ctxt, entry: Entry) -> Child {
    let kind = match entry.kind {
        EntryKind::Args(path, args) => ChildKind::Args(path, args),
        EntryKind::Options(path, options) => {
            let mut intensity = Intensity::default();
            let mut others = Vec::new();
            for (key, value) in options {
                if key == "max_restarts" || key == "max_seconds" {
                    read_intensity(cx, &mut intensity, &key, value, " =");
                } else {
                    others.push((key, value));
                }
            }
            ChildKind::Options(path, others, Box::new(intensity))
        }
        EntryKind::Nested(tree) => ChildKind::Nested(Box::new(read_tree(cx, *tree))),
    };
    let mut child = Child {
        kind,
        id: None,
        name: None,
        restart: None,
        shutdown: None,
        significant: None,
        span: entry.span,
    };
    let mut seen = HashSet::new();
    for (key, value) in entry.overrides {
        let text = key.to_string();
        if !seen.insert(text.clone()) {
            cx.error_spanned_by(
                &key,
                format!("`{text}` is set twice for this child; keep one"),
            );
            continue;
        }
        match text.as_str() {
            "id" => {
                text_literal(cx, Some(&value), "an id", "id = \"cache\"");
                child.id = Some(id(value));
            }
            "name" => {
                text_literal(cx, Some(&value), "a name", "name = \"web\"");
                child.name = Some(value);
            }
            "restart" => {
                child.restart = Some(Given {
                    value: choice(cx, &value),
                    expr: value,
                });
            }
            "shutdown" => {
                let shutdown = Shutdown::read(&value).unwrap_or_else(|error| {
                    cx.syn_error(error);
                    None
                });
                child.shutdown = Some(Given {
                    value: shutdown,
                    expr: value,
                });
            }
            "significant" => child.significant = Some(significant(cx, value)),
            other => cx.error_spanned_by(
                &key,
                value::unknown(
                    &format!("unknown child override `{other}`"),
                    other,
                    OVERRIDES,
                    &format!("the overrides are {}", listed(&OVERRIDES)),
                ),
            ),
        }
    }
    child
}

/// A literal where a text belongs that is not a string (`id = 5`, `name = 1`): reported
/// here, rather than as rustc's missing `From` impl. An expression the program
/// computes is passed on as written.
fn text_literal(cx: &mut Ctxt, expr: Option<&Expr>, what: &str, example: &str) {
    let Some(expr) = expr else { return };
    if let Expr::Lit(lit) = value::ungroup(expr)
        && !matches!(lit.lit, Lit::Str(_))
    {
        cx.error_spanned_by(
            expr,
            format!(
                "{what} is a string, as in `{example}`; `{}` is not one",
                value::written(expr)
            ),
        );
    }
}

/// An id the macro can compare with the others when it is a string literal.
fn id(expr: Expr) -> Given<String> {
    let value = match value::ungroup(&expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(id) => Some(id.value()),
            _ => None,
        },
        _ => None,
    };
    Given { expr, value }
}

fn significant(cx: &mut Ctxt, expr: Expr) -> Given<bool> {
    let value = value::boolean(&expr).unwrap_or_else(|()| {
        cx.error_spanned_by(
            &expr,
            format!(
                "`significant` is `true` or `false`, not `{}`: write `significant = true`",
                value::written(&expr)
            ),
        );
        None
    });
    Given { expr, value }
}

/// Reads `max_restarts` or `max_seconds` (`key`) into `intensity`, as a setting of the tree
/// (`separator` is `:`) or an option of a child (` =`).
fn read_intensity(
    cx: &mut Ctxt,
    intensity: &mut Intensity,
    key: &Ident,
    expr: Expr,
    separator: &str,
) {
    if key == "max_restarts" {
        if intensity.max_restarts.is_some() {
            cx.error_spanned_by(key, "`max_restarts` is set twice; keep one");
            return;
        }
        let value = integer::<u32>(cx, &expr, IntegerKey::MaxRestarts, separator);
        intensity.max_restarts = Some(Given { expr, value });
    } else {
        if intensity.max_seconds.is_some() {
            cx.error_spanned_by(key, "`max_seconds` is set twice; keep one");
            return;
        }
        let value = integer::<u64>(cx, &expr, IntegerKey::MaxSeconds, separator);
        intensity.max_seconds = Some(Given { expr, value });
    }
}

#[derive(Clone, Copy)]
enum IntegerKey {
    MaxRestarts,
    MaxSeconds,
}

/// An integer setting's literal, or `None` for an expression or a literal reported as wrong.
fn integer<T>(cx: &mut Ctxt, expr: &Expr, key: IntegerKey, separator: &str) -> Option<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let (name, ty, example, range) = match key {
        IntegerKey::MaxRestarts => ("max_restarts", "u32", "3", "a count of restarts, 0 or more"),
        IntegerKey::MaxSeconds => (
            "max_seconds",
            "u64",
            "5",
            "a period of whole seconds, 1 or more",
        ),
    };
    let example = format!("`{name}{separator} {example}`");
    let written = value::written(expr);
    let message = match value::integer::<T>(expr, ty) {
        Integer::Value(value) => return Some(value),
        Integer::Expression => return None,
        Integer::Negative => format!("`{name}` is {range}, not `{written}`; write {example}"),
        Integer::OtherLiteral => {
            format!("`{name}` is an integer, as in {example}; `{written}` is not one")
        }
        Integer::Suffix => {
            format!("`{name}` is a `{ty}`: write it without a suffix, as in {example}")
        }
        Integer::TooLarge => format!("`{written}` does not fit in `{name}`, a `{ty}`"),
    };
    cx.error_spanned_by(expr, message);
    None
}
