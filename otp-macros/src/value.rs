//! The values the macros take, read once into types: the words (`restart`, `strategy`,
//! `auto_shutdown`), shutdowns and start timeouts, durations, booleans and integers.
//! `#[child_spec(...)]` and `supervisor!` read them here, so a value means the same in both:
//! a word may be bare or quoted (`transient` or `"transient"`), a duration is a string
//! (`"500ms"`, `"10s"`, `"2m"`, `"1h"`) or an integer of milliseconds.
//!
//! Each reader says what it found: the value, an error for a literal or word that is not one,
//! or, where the value can also be computed by the program (`shutdown = grace`), that the
//! expression is not a literal at all, for the caller to pass through or refuse.

pub(crate) mod suggest;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{Expr, Lit, UnOp};

/// "`{unknown}`; did you mean `word`?" when `written` misspells one of `accepted`, else
/// "`{unknown}`; `{otherwise}`": the fix itself when there is one, the whole list when not.
pub(crate) fn unknown<'a>(
    unknown: &str,
    written: &str,
    accepted: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match suggest::nearest(written, accepted) {
        Some(word) => format!("{unknown}; did you mean `{word}`?"),
        None => format!("{unknown}; {otherwise}"),
    }
}

/// The expression inside the invisible group a `macro_rules!` fragment arrives in, or inside
/// parentheses: `(-1)` is read as `-1`.
pub(crate) fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        Expr::Paren(paren) => ungroup(&paren.expr),
        expr => expr,
    }
}

/// The expression as written, for messages: `-1`, not `- 1`.
pub(crate) fn written(expr: &Expr) -> String {
    match ungroup(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(text) => format!("\"{}\"", text.value()),
            lit => lit.to_token_stream().to_string(),
        },
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
            format!("-{}", written(&unary.expr))
        }
        Expr::Path(path) => path
            .to_token_stream()
            .to_string()
            .replace(" :: ", "::")
            .replace(":: ", "::"),
        expr => expr.to_token_stream().to_string(),
    }
}

/// A bare word or a string: `transient` or `"transient"`.
pub(crate) struct Word {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// The word `expr` is, if it is a bare identifier or a string literal.
pub(crate) fn word(expr: &Expr) -> Option<Word> {
    match ungroup(expr) {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
            let ident = path.path.get_ident()?;
            Some(Word {
                text: ident.to_string(),
                span: ident.span(),
            })
        }
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(text) => Some(Word {
                text: text.value(),
                span: text.span(),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// A value that is one of a few words.
pub(crate) trait Choice: Sized + Copy + 'static {
    /// What the value is, for messages: "restart type".
    const WHAT: &'static str;
    /// The words and what each means.
    const WORDS: &'static [(&'static str, Self)];

    /// The words, for messages: "`permanent`, `transient`, `temporary`".
    fn accepted() -> String {
        let words: Vec<String> = Self::WORDS
            .iter()
            .map(|(word, _)| format!("`{word}`"))
            .collect();
        words.join(", ")
    }
}

/// Reads one of `T`'s words, bare or quoted.
pub(crate) fn choice<T: Choice>(expr: &Expr) -> syn::Result<T> {
    let what = T::WHAT;
    let accepted = T::accepted();
    let words = || T::WORDS.iter().map(|(word, _)| *word);
    let Some(word) = word(expr) else {
        // `Restart::Transient`, `Strategy::OneForOne`: the word is the last segment's.
        let written = written(expr);
        let last = written.rsplit("::").next().unwrap_or_default().to_owned();
        return Err(syn::Error::new_spanned(
            expr,
            unknown(
                &format!("unknown {what} `{written}`"),
                &last,
                words(),
                &format!("write one of {accepted}"),
            ),
        ));
    };
    T::WORDS
        .iter()
        .find(|(name, _)| *name == word.text)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            syn::Error::new(
                word.span,
                unknown(
                    &format!("unknown {what} `{}`", word.text),
                    &word.text,
                    words(),
                    &format!("write one of {accepted}"),
                ),
            )
        })
}

/// A child's restart type (OTP's `restart`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Restart {
    Permanent,
    Transient,
    Temporary,
}

impl Choice for Restart {
    const WHAT: &'static str = "restart type";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("permanent", Restart::Permanent),
        ("transient", Restart::Transient),
        ("temporary", Restart::Temporary),
    ];
}

impl ToTokens for Restart {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Restart::Permanent => quote!(::otp_core::Restart::Permanent),
            Restart::Transient => quote!(::otp_core::Restart::Transient),
            Restart::Temporary => quote!(::otp_core::Restart::Temporary),
        });
    }
}

/// A supervisor's restart strategy.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Strategy {
    OneForOne,
    OneForAll,
    RestForOne,
}

impl Choice for Strategy {
    const WHAT: &'static str = "strategy";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("one_for_one", Strategy::OneForOne),
        ("one_for_all", Strategy::OneForAll),
        ("rest_for_one", Strategy::RestForOne),
    ];
}

impl ToTokens for Strategy {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Strategy::OneForOne => quote!(::otp_core::Strategy::OneForOne),
            Strategy::OneForAll => quote!(::otp_core::Strategy::OneForAll),
            Strategy::RestForOne => quote!(::otp_core::Strategy::RestForOne),
        });
    }
}

/// When a supervisor stops itself because significant children ended (OTP's `auto_shutdown`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum AutoShutdown {
    Never,
    AnySignificant,
    AllSignificant,
}

impl Choice for AutoShutdown {
    const WHAT: &'static str = "auto_shutdown";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("never", AutoShutdown::Never),
        ("any_significant", AutoShutdown::AnySignificant),
        ("all_significant", AutoShutdown::AllSignificant),
    ];
}

impl ToTokens for AutoShutdown {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            AutoShutdown::Never => quote!(::otp_core::AutoShutdown::Never),
            AutoShutdown::AnySignificant => quote!(::otp_core::AutoShutdown::AnySignificant),
            AutoShutdown::AllSignificant => quote!(::otp_core::AutoShutdown::AllSignificant),
        });
    }
}

const DURATION: &str = "a duration such as \"500ms\", \"10s\", \"2m\" (an integer is milliseconds)";

/// How long a supervisor waits for a child to stop (OTP's `shutdown`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shutdown {
    BrutalKill,
    Infinity,
    /// Milliseconds.
    Timeout(u64),
}

impl Shutdown {
    /// What a shutdown is, for messages.
    pub(crate) fn accepted() -> String {
        format!("\"brutal_kill\", \"infinity\", or {DURATION}")
    }

    /// Reads a shutdown word, duration or integer of milliseconds; `Ok(None)` for an expression
    /// that is none of these (a bare word other than the two, a path, a call).
    pub(crate) fn read(expr: &Expr) -> syn::Result<Option<Self>> {
        let expr = ungroup(expr);
        if let Some(word) = word(expr) {
            let words = ["brutal_kill", "infinity"];
            return match word.text.as_str() {
                "brutal_kill" => Ok(Some(Shutdown::BrutalKill)),
                "infinity" => Ok(Some(Shutdown::Infinity)),
                // A variable, unless it is a slip of one of the words.
                text if matches!(expr, Expr::Path(_))
                    && suggest::nearest(text, words).is_none() =>
                {
                    Ok(None)
                }
                text => match parse_duration(text) {
                    Some(millis) => Ok(Some(Shutdown::Timeout(millis))),
                    None => Err(syn::Error::new(
                        word.span,
                        not_a("a shutdown", text, &words, &Self::accepted()),
                    )),
                },
            };
        }
        match millis(expr, "a shutdown", &Self::accepted())? {
            Some(millis) => Ok(Some(Shutdown::Timeout(millis))),
            None => Ok(None),
        }
    }
}

impl ToTokens for Shutdown {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Shutdown::BrutalKill => quote!(::otp_core::Shutdown::BrutalKill),
            Shutdown::Infinity => quote!(::otp_core::Shutdown::Infinity),
            Shutdown::Timeout(millis) => quote!(
                ::otp_core::Shutdown::Timeout(::core::time::Duration::from_millis(#millis))
            ),
        });
    }
}

/// How long a supervisor waits for a child's init: `Infinity` (OTP's default) or milliseconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum StartTimeout {
    Infinity,
    /// Milliseconds.
    Timeout(u64),
}

impl StartTimeout {
    /// Reads `infinity`, a duration or an integer of milliseconds; anything else is an error.
    pub(crate) fn read(expr: &Expr) -> syn::Result<Self> {
        let accepted = format!("\"infinity\", or {DURATION}");
        if let Some(word) = word(expr) {
            if word.text == "infinity" {
                return Ok(StartTimeout::Infinity);
            }
            return parse_duration(&word.text)
                .map(StartTimeout::Timeout)
                .ok_or_else(|| {
                    syn::Error::new(
                        word.span,
                        not_a("a start timeout", &word.text, &["infinity"], &accepted),
                    )
                });
        }
        match millis(expr, "a start timeout", &accepted)? {
            Some(millis) => Ok(StartTimeout::Timeout(millis)),
            None => Err(syn::Error::new_spanned(
                expr,
                format!("a start timeout is {accepted}"),
            )),
        }
    }
}

impl ToTokens for StartTimeout {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            StartTimeout::Infinity => quote!(::core::option::Option::None),
            StartTimeout::Timeout(millis) => quote!(
                ::core::option::Option::Some(::core::time::Duration::from_millis(#millis))
            ),
        });
    }
}

/// "`text` is not {what}" and its fix: the word or duration it misspells, or what is accepted.
fn not_a(what: &str, text: &str, words: &[&str], accepted: &str) -> String {
    let fix = suggest::nearest(text, words.iter().copied())
        .map(ToOwned::to_owned)
        .or_else(|| duration_meant(text).map(|duration| format!("\"{duration}\"")));
    match fix {
        Some(fix) => format!("`{text}` is not {what}; did you mean `{fix}`?"),
        None => format!("`{text}` is not {what}; write {accepted}"),
    }
}

/// The duration a number with a unit spelled another way means: `"10 sec"` is `"10s"`,
/// `"2mins"` is `"2m"`; `None` when the unit is no known spelling.
fn duration_meant(text: &str) -> Option<String> {
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(digits);
    if number.is_empty() {
        return None;
    }
    let written = unit.trim().to_ascii_lowercase();
    let unit = match written.as_str() {
        "millis" | "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
        "sec" | "secs" | "second" | "seconds" => "s",
        "min" | "mins" | "minute" | "minutes" => "m",
        "hr" | "hrs" | "hour" | "hours" => "h",
        unit @ ("ms" | "s" | "m" | "h") => unit,
        other => suggest::nearest(other, ["ms", "s", "m", "h"])?,
    };
    let meant = format!("{number}{unit}");
    (meant != text).then_some(meant)
}

/// An integer literal of milliseconds: `Ok(None)` when `expr` is not a literal, an error when
/// it is a literal of another kind (`what` is "a shutdown").
fn millis(expr: &Expr, what: &str, accepted: &str) -> syn::Result<Option<u64>> {
    match integer::<u64>(expr, "u64") {
        Integer::Value(millis) => Ok(Some(millis)),
        Integer::Expression => Ok(None),
        Integer::TooLarge => Err(syn::Error::new_spanned(
            expr,
            format!("`{}` milliseconds do not fit in a `u64`", written(expr)),
        )),
        Integer::Negative | Integer::OtherLiteral | Integer::Suffix => Err(
            syn::Error::new_spanned(expr, format!("{what} is {accepted}")),
        ),
    }
}

/// Milliseconds in `"500ms"`, `"10s"`, `"2m"`, `"1h"`.
pub(crate) fn parse_duration(text: &str) -> Option<u64> {
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

/// A `true` or `false` literal: `Ok(None)` for an expression the program computes, `Err` for a
/// literal of another kind (`"yes"`, `1`).
pub(crate) fn boolean(expr: &Expr) -> Result<Option<bool>, ()> {
    match ungroup(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Bool(value) => Ok(Some(value.value)),
            _ => Err(()),
        },
        _ => Ok(None),
    }
}

/// What an integer setting was written as.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Integer<T> {
    /// An integer literal that fits.
    Value(T),
    /// `-` before the value.
    Negative,
    /// A literal of another kind: `"3"`, `1.5`, `true`.
    OtherLiteral,
    /// An integer literal with a suffix other than the type's.
    Suffix,
    /// An integer literal too large for the type.
    TooLarge,
    /// Not a literal: a constant, a variable or a call, whose value the program computes.
    Expression,
}

/// Reads an integer literal of type `T`, whose suffix is `suffix` (`"u32"`).
pub(crate) fn integer<T>(expr: &Expr, suffix: &str) -> Integer<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match ungroup(expr) {
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => Integer::Negative,
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) if !matches!(int.suffix(), "") && int.suffix() != suffix => {
                Integer::Suffix
            }
            Lit::Int(int) => match int.base10_parse::<T>() {
                Ok(value) => Integer::Value(value),
                Err(_) => Integer::TooLarge,
            },
            _ => Integer::OtherLiteral,
        },
        _ => Integer::Expression,
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::{
        AutoShutdown, Integer, Restart, Shutdown, StartTimeout, Strategy, boolean, choice,
        duration_meant, integer, parse_duration,
    };

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

    #[test]
    fn a_quoted_word_is_the_bare_word() {
        assert_eq!(
            choice::<AutoShutdown>(&parse_quote!(never)).ok(),
            Some(AutoShutdown::Never)
        );
        assert_eq!(
            choice::<AutoShutdown>(&parse_quote!("never")).ok(),
            Some(AutoShutdown::Never)
        );
        assert_eq!(
            choice::<Restart>(&parse_quote!("transient")).ok(),
            Some(Restart::Transient)
        );
        assert!(choice::<Restart>(&parse_quote!(sometimes)).is_err());
        assert!(choice::<Restart>(&parse_quote!(Restart::Transient)).is_err());
    }

    #[test]
    fn shutdowns() {
        let read = |expr: syn::Expr| Shutdown::read(&expr).ok();
        assert_eq!(
            read(parse_quote!(brutal_kill)),
            Some(Some(Shutdown::BrutalKill))
        );
        assert_eq!(
            read(parse_quote!("infinity")),
            Some(Some(Shutdown::Infinity))
        );
        assert_eq!(
            read(parse_quote!("2s")),
            Some(Some(Shutdown::Timeout(2000)))
        );
        assert_eq!(read(parse_quote!(250)), Some(Some(Shutdown::Timeout(250))));
        assert_eq!(read(parse_quote!(grace)), Some(None), "a variable");
        assert_eq!(read(parse_quote!(Shutdown::Infinity)), Some(None));
        assert_eq!(read(parse_quote!("5 parsecs")), None);
        assert_eq!(read(parse_quote!(1.5)), None);
        assert_eq!(
            StartTimeout::read(&parse_quote!(infinity)).ok(),
            Some(StartTimeout::Infinity)
        );
        assert!(StartTimeout::read(&parse_quote!(brutal_kill)).is_err());
    }

    #[test]
    fn integers_and_booleans() {
        assert_eq!(integer::<u32>(&parse_quote!(3), "u32"), Integer::Value(3));
        assert_eq!(
            integer::<u32>(&parse_quote!(3u32), "u32"),
            Integer::Value(3)
        );
        assert_eq!(integer::<u32>(&parse_quote!(3u8), "u32"), Integer::Suffix);
        assert_eq!(integer::<u32>(&parse_quote!(-1), "u32"), Integer::Negative);
        assert_eq!(
            integer::<u32>(&parse_quote!("3"), "u32"),
            Integer::OtherLiteral
        );
        assert_eq!(
            integer::<u32>(&parse_quote!(1.5), "u32"),
            Integer::OtherLiteral
        );
        assert_eq!(
            integer::<u32>(&parse_quote!(5_000_000_000), "u32"),
            Integer::TooLarge
        );
        assert_eq!(
            integer::<u32>(&parse_quote!(limit), "u32"),
            Integer::Expression
        );
        assert_eq!(boolean(&parse_quote!(true)), Ok(Some(true)));
        assert_eq!(boolean(&parse_quote!(flag)), Ok(None));
        assert_eq!(boolean(&parse_quote!("yes")), Err(()));
    }

    #[test]
    fn a_misspelled_word_gets_its_fix() {
        let message = |expr: syn::Expr| choice::<Restart>(&expr).err().map(|e| e.to_string());
        assert_eq!(
            message(parse_quote!(transent)).as_deref(),
            Some("unknown restart type `transent`; did you mean `transient`?")
        );
        assert_eq!(
            message(parse_quote!(Restart::Transient)).as_deref(),
            Some("unknown restart type `Restart::Transient`; did you mean `transient`?")
        );
        assert_eq!(
            message(parse_quote!(sometimes)).as_deref(),
            Some(
                "unknown restart type `sometimes`; write one of `permanent`, `transient`, \
                 `temporary`"
            )
        );
        let strategy = choice::<Strategy>(&parse_quote!(one_for_al)).err();
        assert!(strategy.is_some_and(|e| e.to_string().ends_with("did you mean `one_for_all`?")));
        let shutdown = Shutdown::read(&parse_quote!(brutal_kil)).err();
        assert!(shutdown.is_some_and(|e| e.to_string().ends_with("did you mean `brutal_kill`?")));
        assert_eq!(
            Shutdown::read(&parse_quote!(grace)).ok(),
            Some(None),
            "a variable"
        );
        let duration = Shutdown::read(&parse_quote!("10 sec")).err();
        assert!(duration.is_some_and(|e| e.to_string().ends_with("did you mean `\"10s\"`?")));
    }

    #[test]
    fn durations_written_another_way() {
        assert_eq!(duration_meant("10 sec").as_deref(), Some("10s"));
        assert_eq!(duration_meant("2mins").as_deref(), Some("2m"));
        assert_eq!(duration_meant("500 millis").as_deref(), Some("500ms"));
        assert_eq!(duration_meant("5S").as_deref(), Some("5s"));
        assert_eq!(duration_meant("5 parsecs"), None);
        assert_eq!(duration_meant("sec"), None);
    }

    #[test]
    fn parentheses_are_read_through() {
        assert_eq!(
            integer::<u32>(&parse_quote!((-1)), "u32"),
            Integer::Negative
        );
        assert_eq!(integer::<u32>(&parse_quote!((3)), "u32"), Integer::Value(3));
    }
}
