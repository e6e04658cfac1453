//! Reads `#[worker(...)]`: its options, each into its type (a wrong one is reported on its own
//! token and left out, so every mistake shows in one build), and the impl block it is on.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, ImplItem, Item, Lit, Token, Type};

use super::{Given, Key, Options, Period, UniqueOptions, WorkerImpl};
use crate::ctxt::Ctxt;
use crate::value::unknown;
use crate::value::{self, Choice, Integer};

const OPTIONS: [&str; 6] = [
    "queue",
    "max_attempts",
    "priority",
    "timeout",
    "name",
    "unique",
];
const UNIQUE_OPTIONS: [&str; 4] = ["period", "fields", "keys", "states"];
const DURATION: &str = "a duration with its unit, as in \"500ms\", \"30s\", \"5m\", \"1h\"";

/// Lists the words of `options` for a message: "`queue`, `priority`".
fn listed(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|option| format!("`{option}`")).collect();
    quoted.join(", ")
}

/// The comma-separated parts of an option list, each with the comma after it (`None` for the
/// last). Commas inside brackets belong to their group, which is one token tree.
fn split_commas(tokens: TokenStream) -> Vec<(TokenStream, Option<TokenTree>)> {
    let mut parts = Vec::new();
    let mut part = TokenStream::new();
    for token in tokens {
        match token {
            TokenTree::Punct(ref punct) if punct.as_char() == ',' => {
                parts.push((std::mem::take(&mut part), Some(token)));
            }
            token => part.extend([token]),
        }
    }
    if !part.is_empty() {
        parts.push((part, None));
    }
    parts
}

/// One option as written: `key`, `key = value` or `key(...)`. (Not `syn::Meta`, which reads
/// `-1` as a literal.)
struct Setting {
    key: Ident,
    form: Form,
    /// The whole option, for errors about it.
    tokens: TokenStream,
}

enum Form {
    Word,
    Value(Expr),
    List(TokenStream),
}

impl Parse for Setting {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let tokens = input.fork().parse::<TokenStream>()?;
        let key: Ident = input.parse()?;
        let form = if input.is_empty() {
            Form::Word
        } else if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Form::Value(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            Form::List(content.parse()?)
        } else {
            return Err(input.error("expected `=` or `(`"));
        };
        if !input.is_empty() {
            return Err(input.error("expected `,`"));
        }
        Ok(Setting { key, form, tokens })
    }
}

/// The parts of an option list as settings, each wrong part reported on its tokens.
fn settings(cx: &mut Ctxt, tokens: TokenStream, context: &str, examples: &str) -> Vec<Setting> {
    let mut settings = Vec::new();
    for (part, comma) in split_commas(tokens) {
        if part.is_empty() {
            cx.error_spanned_by(&comma, format!("expected {context} before `,`"));
            continue;
        }
        match syn::parse2::<Setting>(part.clone()) {
            Ok(setting) => settings.push(setting),
            Err(_) => cx.error_spanned_by(
                &part,
                format!("expected {context}: `key = value` or `key(...)`, as in {examples}"),
            ),
        }
    }
    settings
}

/// Reads `#[worker(...)]`'s options.
pub(crate) fn options(cx: &mut Ctxt, attr: TokenStream) -> Options {
    let mut options = Options::default();
    let mut seen = HashSet::new();
    for setting in settings(
        cx,
        attr,
        "a `#[worker]` option",
        "`queue = \"mailers\"` or `unique(period = \"5m\")`",
    ) {
        let key = setting.key.clone();
        let name = key.to_string();
        if !OPTIONS.contains(&name.as_str()) {
            cx.error_spanned_by(
                &key,
                unknown(
                    &format!("unknown `#[worker]` option `{name}`"),
                    &name,
                    OPTIONS,
                    &format!("the options are {}", listed(&OPTIONS)),
                ),
            );
            continue;
        }
        if !seen.insert(name.clone()) {
            cx.error_spanned_by(&key, format!("`{name}` is given twice; keep one"));
            continue;
        }
        if name == "unique" {
            options.unique = Some(unique(cx, setting));
            continue;
        }
        let Some(expr) = name_value(cx, &setting) else {
            continue;
        };
        match name.as_str() {
            "queue" => options.queue = text(cx, &key, &expr, "\"mailers\""),
            "name" => options.name = text(cx, &key, &expr, "\"MyApp.SendEmail\""),
            "max_attempts" => options.max_attempts = max_attempts(cx, &expr),
            "priority" => options.priority = priority(cx, &expr),
            _ => options.timeout = timeout(cx, &expr),
        }
    }
    options
}

/// An example of the option written right, for messages.
fn example(key: &str) -> &'static str {
    match key {
        "queue" => "`queue = \"mailers\"`",
        "name" => "`name = \"MyApp.SendEmail\"`",
        "max_attempts" => "`max_attempts = 3`",
        "priority" => "`priority = 1`",
        "timeout" => "`timeout = \"30s\"`",
        "period" => "`period = \"5m\"`",
        "fields" => "`fields(args, worker)`",
        "keys" => "`keys(report_id)`",
        _ => "`states(available, scheduled)`",
    }
}

/// The value of a `key = value` option; an error when it is written `key` or `key(...)`.
fn name_value(cx: &mut Ctxt, setting: &Setting) -> Option<Expr> {
    let key = &setting.key;
    let example = example(&key.to_string());
    match &setting.form {
        Form::Value(value) => Some(value.clone()),
        Form::Word => {
            cx.error_spanned_by(key, format!("`{key}` needs a value: write {example}"));
            None
        }
        Form::List(_) => {
            cx.error_spanned_by(
                &setting.tokens,
                format!("`{key}` takes a value after `=`: write {example}"),
            );
            None
        }
    }
}

/// A non-empty string literal.
fn text(cx: &mut Ctxt, key: &Ident, expr: &Expr, example: &str) -> Option<Given<String>> {
    if let Expr::Lit(lit) = value::ungroup(expr)
        && let Lit::Str(text) = &lit.lit
    {
        if text.value().is_empty() {
            cx.error_spanned_by(
                expr,
                format!("`{key}` cannot be empty: write `{key} = {example}`"),
            );
            return None;
        }
        return Some(Given {
            value: text.value(),
            span: text.span(),
        });
    }
    cx.error_spanned_by(
        expr,
        format!(
            "`{key}` is a string literal, as in `{key} = {example}`; `{}` is not one",
            value::written(expr)
        ),
    );
    None
}

fn max_attempts(cx: &mut Ctxt, expr: &Expr) -> Option<Given<u32>> {
    let written = value::written(expr);
    let message = match value::integer::<u32>(expr, "u32") {
        Integer::Value(0) => "a job with `max_attempts = 0` could never run; write 1 or more \
                              (the default is 20)"
            .to_owned(),
        Integer::Value(value) => {
            return Some(Given {
                value,
                span: expr.span(),
            });
        }
        Integer::Negative => {
            format!("`max_attempts` is a count of attempts, 1 or more, not `{written}`")
        }
        Integer::TooLarge => format!("`{written}` does not fit in `max_attempts`, a `u32`"),
        Integer::Suffix => "`max_attempts` is a `u32`: write it without a suffix, as in \
                            `max_attempts = 3`"
            .to_owned(),
        Integer::OtherLiteral | Integer::Expression => format!(
            "`max_attempts` is an integer literal, as in `max_attempts = 3`; `{written}` is not one"
        ),
    };
    cx.error_spanned_by(expr, message);
    None
}

fn priority(cx: &mut Ctxt, expr: &Expr) -> Option<Given<u8>> {
    let written = value::written(expr);
    let range = "`priority` is 0 (run first) to 9 (run last)";
    let message = match value::integer::<u64>(expr, "u8") {
        Integer::Value(value) if value <= 9 => {
            return Some(Given {
                value: u8::try_from(value).unwrap_or(9),
                span: expr.span(),
            });
        }
        Integer::Value(_) | Integer::Negative | Integer::TooLarge => {
            format!("{range}, not `{written}`")
        }
        Integer::Suffix => {
            "`priority` is a `u8`: write it without a suffix, as in `priority = 1`".to_owned()
        }
        Integer::OtherLiteral | Integer::Expression => {
            format!("{range}, an integer literal as in `priority = 1`; `{written}` is not one")
        }
    };
    cx.error_spanned_by(expr, message);
    None
}

/// What a duration option was written as.
enum Duration {
    Millis(u64),
    Infinity,
}

/// A duration string with its unit, or `infinity`; an error naming `key` otherwise.
fn duration(cx: &mut Ctxt, key: &str, expr: &Expr, infinity: &str) -> Option<Duration> {
    let written = value::written(expr);
    if let Expr::Lit(lit) = value::ungroup(expr) {
        match &lit.lit {
            Lit::Str(text) => {
                let value = text.value();
                if value == "infinity" {
                    return Some(Duration::Infinity);
                }
                let message = match value::parse_duration(&value) {
                    Some(0) => format!("`{key}` cannot be zero: {infinity}"),
                    Some(millis) => return Some(Duration::Millis(millis)),
                    None => format!(
                        "`{value}` is not a duration; `{key}` is {DURATION}, or \"infinity\""
                    ),
                };
                cx.error_spanned_by(expr, message);
                return None;
            }
            Lit::Int(int) => {
                cx.error_spanned_by(
                    expr,
                    format!(
                        "`{key}` needs a unit: write `{key} = \"{}s\"` for seconds, or \"{}ms\" for milliseconds",
                        int.base10_digits(),
                        int.base10_digits()
                    ),
                );
                return None;
            }
            _ => {}
        }
    }
    cx.error_spanned_by(
        expr,
        format!("`{key}` is {DURATION}, or \"infinity\"; `{written}` is not one"),
    );
    None
}

fn timeout(cx: &mut Ctxt, expr: &Expr) -> Option<Given<Option<u64>>> {
    let value = match duration(
        cx,
        "timeout",
        expr,
        "leave `timeout` out (or write \"infinity\") for attempts without a time limit",
    )? {
        Duration::Millis(millis) => Some(millis),
        Duration::Infinity => None,
    };
    Some(Given {
        value,
        span: expr.span(),
    })
}

/// Reads `unique` (Oban's defaults) or `unique(period = ..., fields(...), keys(...),
/// states(...))`.
fn unique(cx: &mut Ctxt, setting: Setting) -> UniqueOptions {
    let mut unique = UniqueOptions {
        period: None,
        fields: None,
        keys: None,
        states: None,
    };
    let list = match setting.form {
        Form::Word => return unique,
        Form::Value(_) => {
            cx.error_spanned_by(
                &setting.tokens,
                "`unique` takes no value: write `unique` for Oban's defaults, or `unique(period = \"5m\", \
                 fields(args, worker), keys(report_id), states(available, scheduled))` for others",
            );
            return unique;
        }
        Form::List(list) => list,
    };
    let mut seen = HashSet::new();
    for setting in settings(
        cx,
        list,
        "a `unique` option",
        "`period = \"5m\"` or `keys(report_id)`",
    ) {
        let key = setting.key.clone();
        let name = key.to_string();
        if !UNIQUE_OPTIONS.contains(&name.as_str()) {
            cx.error_spanned_by(
                &key,
                unknown(
                    &format!("unknown `unique` option `{name}`"),
                    &name,
                    UNIQUE_OPTIONS,
                    &format!("the options are {}", listed(&UNIQUE_OPTIONS)),
                ),
            );
            continue;
        }
        if !seen.insert(name.clone()) {
            cx.error_spanned_by(&key, format!("`{name}` is given twice; keep one"));
            continue;
        }
        match name.as_str() {
            "period" => {
                let Some(expr) = name_value(cx, &setting) else {
                    continue;
                };
                let no_period = "leave `unique` out for jobs that are not unique";
                unique.period = duration(cx, "period", &expr, no_period).map(|period| Given {
                    value: match period {
                        Duration::Millis(millis) => Period::Millis(millis),
                        Duration::Infinity => Period::Forever,
                    },
                    span: expr.span(),
                });
            }
            "fields" => unique.fields = words(cx, &setting),
            "states" => unique.states = words(cx, &setting),
            _ => unique.keys = keys(cx, &setting),
        }
    }
    unique
}

/// The parenthesised items of a list option (`fields(...)`), or an error when it is written
/// with `=` or bare; an error for an empty list.
fn list_items(cx: &mut Ctxt, setting: &Setting) -> Option<Vec<(TokenStream, Span)>> {
    let key = &setting.key;
    let example = example(&key.to_string());
    let list = match &setting.form {
        Form::List(list) => list,
        Form::Word => {
            cx.error_spanned_by(key, format!("`{key}` needs a list: write {example}"));
            return None;
        }
        Form::Value(_) => {
            cx.error_spanned_by(
                &setting.tokens,
                format!("`{key}` takes a list in parentheses: write {example}"),
            );
            return None;
        }
    };
    // The parenthesised list, after the key.
    let span = setting
        .tokens
        .clone()
        .into_iter()
        .nth(1)
        .map_or_else(|| key.span(), |group| group.span());
    let mut items = Vec::new();
    for (part, comma) in split_commas(list.clone()) {
        if part.is_empty() {
            cx.error_spanned_by(&comma, format!("expected an item of `{key}` before `,`"));
            continue;
        }
        let part_span = part
            .clone()
            .into_iter()
            .next()
            .map_or(span, |token| token.span());
        items.push((part, part_span));
    }
    if items.is_empty() {
        cx.error_at(
            span,
            format!("`{key}` lists one or more items, as in {example}"),
        );
        return None;
    }
    Some(items)
}

/// A list of words of `T` (`fields(args, worker)`), each unknown or repeated word reported.
fn words<T: Choice + PartialEq>(cx: &mut Ctxt, setting: &Setting) -> Option<Given<Vec<T>>> {
    let key = &setting.key;
    let items = list_items(cx, setting)?;
    let accepted: Vec<&str> = T::WORDS.iter().map(|(word, _)| *word).collect();
    let mut values = Vec::new();
    let mut valid = true;
    for (item, item_span) in items {
        let word = syn::parse2::<Ident>(item.clone()).ok();
        let Some(word) = word else {
            cx.error_spanned_by(
                &item,
                format!("`{key}` lists words, one of {}", T::accepted()),
            );
            valid = false;
            continue;
        };
        let text = word.to_string();
        let Some((_, value)) = T::WORDS.iter().find(|(name, _)| *name == text) else {
            cx.error_at(
                item_span,
                unknown(
                    &format!("unknown {} `{text}`", T::WHAT),
                    &text,
                    accepted.iter().copied(),
                    &format!("write one of {}", T::accepted()),
                ),
            );
            valid = false;
            continue;
        };
        if values.contains(value) {
            cx.error_at(item_span, format!("`{text}` is listed twice; keep one"));
            continue;
        }
        values.push(*value);
    }
    valid.then_some(Given {
        value: values,
        span: key.span(),
    })
}

/// `keys(report_id, "reportId")`: fields of the worker's struct, or quoted JSON keys.
fn keys(cx: &mut Ctxt, setting: &Setting) -> Option<Given<Vec<Key>>> {
    let items = list_items(cx, setting)?;
    let mut keys: Vec<Key> = Vec::new();
    let mut valid = true;
    for (item, item_span) in items {
        let parsed = if let Ok(ident) = syn::parse2::<Ident>(item.clone()) {
            Key::Field(ident)
        } else if let Ok(name) = syn::parse2::<syn::LitStr>(item.clone()) {
            Key::Name(name)
        } else {
            cx.error_spanned_by(
                &item,
                "`keys` lists fields of the worker's arguments, as in `keys(report_id)` \
                 (or a quoted key for a field serde renames, as in `keys(\"reportId\")`)",
            );
            valid = false;
            continue;
        };
        let name = parsed.name();
        if keys.iter().any(|key| key.name() == name) {
            cx.error_at(item_span, format!("`{name}` is listed twice; keep one"));
            continue;
        }
        keys.push(parsed);
    }
    valid.then_some(Given {
        value: keys,
        span: setting.key.span(),
    })
}

/// Reads the item `#[worker]` is on; `Err` holds the tokens to emit when it is not an inherent
/// impl block of a named type.
pub(crate) fn item(
    cx: &mut Ctxt,
    options: Options,
    input: TokenStream,
) -> Result<WorkerImpl, TokenStream> {
    const WHERE: &str = "`#[worker]` goes on an inherent `impl` block of the job's argument \
                         type, as in `#[worker(queue = \"mailers\")] impl SendEmail { async fn \
                         perform(self, job: &Job) -> Result<(), JobError> { ... } }`";
    let item: Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            cx.syn_error(error);
            return Err(input);
        }
    };
    let mut item = match item {
        Item::Impl(item) => item,
        other => {
            cx.error_spanned_by(first_tokens(&other), WHERE);
            return Err(input);
        }
    };
    if let Some((path, _)) = &item.trait_ {
        let self_ty = item.self_ty.to_token_stream().to_string().replace(' ', "");
        cx.error_spanned_by(
            path,
            format!(
                "`#[worker]` goes on an inherent `impl` block and writes `impl Worker` itself; \
                 write `#[worker] impl {self_ty} {{ async fn perform(self, job: &Job) ... }}`"
            ),
        );
        return Err(input);
    }
    let ident = match &*item.self_ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.clone()),
        _ => None,
    };
    let Some(ident) = ident else {
        cx.error_spanned_by(&item.self_ty, WHERE);
        return Err(input);
    };
    let mut perform = None;
    let mut backoff = None;
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        if method.sig.ident == "perform" {
            // The macro fixes its signature (`self` by value, async, a `Result` even when
            // every path succeeds) and calls it, unless it has mistakes.
            method.attrs.push(syn::parse_quote!(
                #[allow(dead_code, clippy::unused_async, clippy::needless_pass_by_value, clippy::unused_self, clippy::unnecessary_wraps)]
            ));
            perform.get_or_insert_with(|| method.clone());
        } else if method.sig.ident == "backoff" {
            backoff.get_or_insert_with(|| method.clone());
        }
    }
    Ok(WorkerImpl {
        item,
        ident,
        options,
        perform,
        backoff,
    })
}

/// The tokens that name an item: `struct Name`, `fn name`, ... for an error on the right spot.
fn first_tokens(item: &Item) -> TokenStream {
    match item {
        Item::Struct(item) => {
            let (token, ident) = (&item.struct_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Enum(item) => {
            let (token, ident) = (&item.enum_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Fn(item) => {
            let (token, ident) = (&item.sig.fn_token, &item.sig.ident);
            quote!(#token #ident)
        }
        Item::Trait(item) => {
            let (token, ident) = (&item.trait_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Mod(item) => {
            let (token, ident) = (&item.mod_token, &item.ident);
            quote!(#token #ident)
        }
        other => other.into_token_stream(),
    }
}
