//! `supervisor! { strategy: ..., children: [...] }`: a supervision tree declared in one place.
//! Read into a [`Supervisor`] by [`parse`], its rules checked by [`check`], and expanded into a
//! `SupervisorSpec` built with its methods by `expand`.

pub(crate) mod check;
pub(crate) mod parse;

use proc_macro2::Span;
use syn::{Expr, Ident, Path};

use crate::value::{AutoShutdown, Restart, Shutdown, Strategy};

/// A value as written, and what the macro read from it: `value` is `None` when the macro
/// cannot know it, an expression the program computes (a variable, a constant, a call) or a
/// value already reported as wrong.
pub(crate) struct Given<T> {
    pub(crate) expr: Expr,
    pub(crate) value: Option<T>,
}

/// A supervisor's restart intensity: at most `max_restarts` restarts in `max_seconds`.
#[derive(Default)]
pub(crate) struct Intensity {
    pub(crate) max_restarts: Option<Given<u32>>,
    pub(crate) max_seconds: Option<Given<u64>>,
}

/// A tree: `supervisor! { ... }`, at the top or nested as a child.
pub(crate) struct Supervisor {
    pub(crate) strategy: Strategy,
    pub(crate) intensity: Intensity,
    pub(crate) auto_shutdown: Option<Given<AutoShutdown>>,
    pub(crate) name: Option<Expr>,
    pub(crate) children: Vec<Child>,
}

/// One child as listed: what it is, and its overrides of its type's defaults.
pub(crate) struct Child {
    pub(crate) kind: ChildKind,
    pub(crate) id: Option<Given<String>>,
    pub(crate) name: Option<Expr>,
    pub(crate) restart: Option<Given<Restart>>,
    pub(crate) shutdown: Option<Given<Shutdown>>,
    pub(crate) significant: Option<Given<bool>>,
    /// Where the child starts, for errors about the whole child.
    pub(crate) span: Span,
}

pub(crate) enum ChildKind {
    /// `Type(arg)`: started with `arg`.
    Args(Path, Expr),
    /// `Type(key = value, ...)`: started with its default options, set by their methods; the
    /// intensity's keys are read, the others passed on as written.
    Options(Path, Vec<(Ident, Expr)>, Box<Intensity>),
    /// `supervisor! { ... }` inline.
    Nested(Box<Supervisor>),
}
