//! Elixir/OTP's process patterns on tokio.
//!
//! Annotate an `impl` block with [`#[genserver]`](macro@genserver) and its methods with
//! `#[init]`, `#[handle_call]`, `#[handle_cast]`, `#[handle_info]`, `#[handle_continue]` and
//! `#[terminate]`: the macro writes the message enum, the dispatching `match`, `start` and
//! `start_link`, and a typed client with one method per call and cast.
//!
//! ```
//! use std::collections::HashMap;
//! use otp_core::prelude::*;
//!
//! struct Store { items: HashMap<String, String> }
//!
//! #[genserver]
//! impl Store {
//!     #[handle_call]
//!     fn get(&mut self, key: String) -> Option<String> {
//!         self.items.get(&key).cloned()
//!     }
//!
//!     #[handle_cast]
//!     fn put(&mut self, key: String, value: String) {
//!         self.items.insert(key, value);
//!     }
//!
//!     #[handle_info(catch_all)]
//!     fn unexpected(&mut self, msg: AnyMessage) {
//!         tracing::warn!(?msg, "unexpected message");
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = Store::start(Store { items: HashMap::new() }).await?;
//! store.put("k".into(), "v".into());
//! assert_eq!(store.get("k".into()).await?, Some("v".into()));
//! # Ok(())
//! # }
//! ```
//!
//! The semantics follow OTP; where Rust needs another shape (a `Result` instead of an exit, a
//! type instead of an atom), the item's documentation says so.

mod call;
mod current;
mod exit_reason;
mod genserver;
mod message;
mod names;
mod pid;
mod process;
mod timer;

pub mod prelude;

pub use call::{Call, CallError, CallFuture, DEFAULT_CALL_TIMEOUT, ReplyTo};
pub use current::current_pid;
pub use exit_reason::ExitReason;
pub use genserver::{
    Context, ContinueWith, GenServer, InitError, IntoInitResult, NoProcError, ServerRef,
    StartError, StartOptions,
};
pub use message::{AnyMessage, Down, Exit, MonitorRef};
pub use names::{RegisterError, register, unregister, whereis};
pub use pid::Pid;
pub use timer::TimerRef;

pub use otp_macros::{
    genserver, handle_call, handle_cast, handle_continue, handle_info, init, terminate,
};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    pub use tokio::sync::oneshot;
}
