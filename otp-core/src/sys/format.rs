//! The state's text for `get_state`, chosen by `#[genserver]` without knowing whether the
//! server's type implements `Debug`: autoref specialisation. The generated `format_state`
//! calls `(&DebugProbe(self)).format_state()`; method lookup tries the receiver's type
//! `&DebugProbe<T>` first, where only [`FormatWithDebug`] applies, and only when `T: Debug`;
//! otherwise it takes one more reference, where [`FormatWithoutDebug`] applies to any `T`.
//!
//! The choice is made where the generated code is type-checked: for a generic server
//! (`impl<T> Pool<T>`), whether `Pool<T>: Debug` depends on `T`, which is unknown there, so it
//! answers `None`.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A server's state, to be formatted if it can be.
pub struct DebugProbe<'a, T>(pub &'a T);

/// The state implements `Debug`: its `{:#?}`.
pub trait FormatWithDebug {
    /// The state's text.
    fn format_state(&self) -> Option<String>;
}

impl<T: Debug> FormatWithDebug for DebugProbe<'_, T> {
    fn format_state(&self) -> Option<String> {
        Some(format!("{:#?}", self.0))
    }
}

/// The state does not implement `Debug`: no text.
pub trait FormatWithoutDebug {
    /// No text.
    fn format_state(&self) -> Option<String>;
}

impl<T> FormatWithoutDebug for &DebugProbe<'_, T> {
    fn format_state(&self) -> Option<String> {
        None
    }
}

/// The answer to `get_state`: the state's text, `StateNotDebug` without one, and the panic's
/// message if its `Debug` panicked (the server goes on). `format` is the server's
/// `format_state`, behind `dyn` so that this is compiled once, not for every server type.
pub(crate) fn state_text(format: &dyn Fn() -> Option<String>) -> Result<String, super::SysError> {
    match catch_unwind(AssertUnwindSafe(format)) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(super::SysError::StateNotDebug),
        Err(payload) => Err(super::SysError::FormatPanicked(
            match crate::ExitReason::from_panic(&*payload) {
                crate::ExitReason::Panic(message) => message,
                other => other.to_string(),
            },
        )),
    }
}
