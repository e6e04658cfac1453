//! `#[worker(...)]`: an `impl` block of a job's argument type, with its `async fn perform`,
//! made into an `impl otp_jobs::Worker` (Oban's `use Oban.Worker, queue: ..., max_attempts:
//! ...`). Read into a [`WorkerImpl`] by [`parse`], its rules checked by [`check`], expanded by
//! [`expand`]. Every mistake is reported; the user's impl and an `impl Worker` are emitted beside
//! the errors, so the code that inserts the worker's jobs still compiles.

mod check;
mod expand;
mod parse;

#[cfg(test)]
mod never_panics;
#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};
use syn::{Ident, ImplItemFn, ItemImpl, LitStr};

use crate::ctxt::Ctxt;

/// The expansion of `#[worker(...)]`, on `proc_macro2` tokens so it can be tested directly.
pub(crate) fn worker(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let options = parse::options(&mut cx, attr);
    let worker = match parse::item(&mut cx, options, item) {
        Ok(worker) => worker,
        Err(item) => {
            let errors = cx.into_compile_errors();
            return quote::quote!(#item #errors);
        }
    };
    let checked = check::check(&mut cx, &worker);
    let expanded = expand::expand(&worker, &checked);
    let errors = cx.into_compile_errors();
    quote::quote!(#expanded #errors)
}

/// A value as read from the attribute, with where it was written.
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// The options of `#[worker(...)]`; an option left out, or reported as wrong, is `None` and
/// keeps the `Worker` trait's default.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) queue: Option<Given<String>>,
    pub(crate) max_attempts: Option<Given<u32>>,
    pub(crate) priority: Option<Given<u8>>,
    /// `Some(None)` for `timeout = "infinity"`.
    pub(crate) timeout: Option<Given<Option<u64>>>,
    pub(crate) name: Option<Given<String>>,
    pub(crate) unique: Option<UniqueOptions>,
}

/// `unique` or `unique(...)`: what is left out keeps Oban's default.
pub(crate) struct UniqueOptions {
    pub(crate) period: Option<Given<Period>>,
    pub(crate) fields: Option<Given<Vec<UniqueField>>>,
    pub(crate) keys: Option<Given<Vec<Key>>>,
    pub(crate) states: Option<Given<Vec<JobState>>>,
}

/// How long an inserted job blocks its duplicates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Period {
    Millis(u64),
    Forever,
}

/// One of `unique(keys(...))`: a field of the worker's struct, checked by the compiler, or a
/// quoted key of the arguments' JSON (for a field serde renames).
pub(crate) enum Key {
    Field(Ident),
    Name(LitStr),
}

impl Key {
    /// The key as it appears in the arguments' JSON.
    pub(crate) fn name(&self) -> String {
        match self {
            Key::Field(ident) => ident.to_string(),
            Key::Name(name) => name.value(),
        }
    }
}

/// What `unique(fields(...))` compares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum UniqueField {
    Args,
    Queue,
    Worker,
}

impl crate::value::Choice for UniqueField {
    const WHAT: &'static str = "unique field";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("args", UniqueField::Args),
        ("queue", UniqueField::Queue),
        ("worker", UniqueField::Worker),
    ];
}

/// A job state, for `unique(states(...))`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum JobState {
    Scheduled,
    Available,
    Executing,
    Retryable,
    Completed,
    Discarded,
    Cancelled,
}

impl crate::value::Choice for JobState {
    const WHAT: &'static str = "job state";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("scheduled", JobState::Scheduled),
        ("available", JobState::Available),
        ("executing", JobState::Executing),
        ("retryable", JobState::Retryable),
        ("completed", JobState::Completed),
        ("discarded", JobState::Discarded),
        ("cancelled", JobState::Cancelled),
    ];
}

/// A whole `#[worker]` impl block as read.
pub(crate) struct WorkerImpl {
    /// The user's impl block, re-emitted as written (with lints allowed on `perform`).
    pub(crate) item: ItemImpl,
    /// The type's name, for the default `NAME`.
    pub(crate) ident: Ident,
    pub(crate) options: Options,
    /// `perform`, if the block has one.
    pub(crate) perform: Option<ImplItemFn>,
    /// `backoff`, the per-worker override of the retry delay, if the block has one.
    pub(crate) backoff: Option<ImplItemFn>,
}
