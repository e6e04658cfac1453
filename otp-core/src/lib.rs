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
//!
//! Coming from Elixir? [The guide](guide) walks through the Elixir OTP guide's patterns
//! (GenServer, Agent, Task, ETS, Registry, PubSub, supervision trees, common mistakes), each
//! Elixir snippet beside its Rust form here, with every difference from OTP stated.
//!
//! # The `#[genserver]` contract
//!
//! - Every callback carries its attribute, the `@impl true` of this DSL: a method named like a
//!   callback (`init`, `handle_call`, `handle_cast`, `handle_info`, `handle_continue`,
//!   `terminate`) without one does not compile, nor does an attribute on a method whose
//!   signature does not fit it.
//! - Exactly one `#[handle_info(catch_all)] fn unexpected(&mut self, msg: AnyMessage)`: OTP 27
//!   crashes on an unexpected message; here the mistake cannot be made.
//! - At most one `#[init]`; without one, `start` takes the state itself. `init` returns `Self`
//!   or `Result<Self, E>` with `E: Into<InitError>`.
//! - Handlers are `fn` or `async fn`, take `&mut self`, their message arguments (owned types),
//!   and optionally `ctx: &mut Context<Self>`. One handler per info or continue message type.
//! - Never block a handler's thread: a server runs on a tokio worker, and a server woken by a
//!   message the handler sent just before blocking waits in that worker's LIFO slot, which other
//!   workers do not steal from, for the whole block. Do blocking work in an `async fn` handler
//!   with `tokio::task::spawn_blocking(..).await` (see [`GenServer`]).
//! - A call handler returns the reply (a `Result` is delivered as it is), or takes a
//!   [`ReplyTo<T>`] and answers later, from anywhere, exactly once.
//! - A cast, info or continue handler returns nothing, or `Result<(), E>` with `E: Display`:
//!   an `Err` stops the server with it (`{:stop, reason, state}`), so `?` works there as in
//!   `init` (see [`HandlerResult`]).
//! - [`Context::stop`] ends the server after the current callback (after `terminate`, the reply
//!   of a call is sent); [`Context::continue_with`] runs a `#[handle_continue]` handler before any
//!   other message; `#[terminate]` runs on every orderly stop and after a panic in a callback.
//! - `#[genserver(mailbox = N)]`, its one argument, bounds the mailbox to `N` queued casts (the
//!   default is unbounded, as in OTP): each cast `put` of the client is then an `async fn` that
//!   waits for room, beside a `try_put` that gives its arguments back in a [`TryCastError`]
//!   instead of waiting (`Full` while the mailbox is, `NoProc` once the server has exited).
//!   Calls, info messages, exit signals, `Down`, timers and stop requests are never bounded;
//!   see [`GenServer::MAILBOX_CAPACITY`].
//!
//! Mistakes are compile errors on the offending tokens, all of them in one build:
//!
//! ```compile_fail
//! use otp_core::prelude::*;
//!
//! struct NoCatchAll;
//!
//! #[genserver]
//! impl NoCatchAll {} // error: missing catch-all info handler; add `#[handle_info(catch_all)] ...`
//! ```
//!
//! # Processes
//!
//! Every server is a process: a tokio task that owns its state and one FIFO mailbox, which
//! carries its calls, casts and info messages in the order each sender sent them. Its [`Pid`]
//! can be linked, monitored, registered under a name, sent any value as an info message, or told
//! to exit. A panic in a callback is a crash: the process exits with [`ExitReason::Panic`], its
//! callers get an error at once, its links and monitors are told; the runtime and the other
//! processes go on.
//!
//! The runtime must have tokio's time driver enabled (`#[tokio::main]` and `#[tokio::test]` do;
//! a hand-built runtime needs `enable_time` or `enable_all`): call timeouts and
//! [`send_after`](Context::send_after) use it.
//!
//! # Around the GenServer
//!
//! | OTP / Elixir | here |
//! | --- | --- |
//! | `Supervisor`, `use GenServer, restart: ...` | [`supervisor!`](macro@supervisor), [`SupervisorSpec`], [`#[child_spec]`](macro@child_spec), [`ChildSpec`] |
//! | `DynamicSupervisor` | [`DynamicSupervisor`] |
//! | `Registry`, `{:via, Registry, ...}` | [`Registry`], [`StartOptions::via`] |
//! | `Phoenix.PubSub` | [`PubSub`] |
//! | `:ets` | [`Table`] |
//! | `Agent` | [`Agent`] |
//! | `Task`, `Task.Supervisor` | [`Task`], [`TaskSupervisor`] |
//! | `Process.register/whereis` | [`register`], [`whereis`] |
//! | `:erlang.processes/0`, `Process.info/1`, a deadlock's wait-for graph | [`observe`] |

// The macros write `::otp_core::...` paths; this lets the crate use its own macros.
extern crate self as otp_core;

mod agent;
mod call;
mod current;
mod exit_reason;
mod genserver;
mod message;
mod names;
mod no_proc;
pub mod observe;
mod pid;
mod process;
mod pubsub;
mod pubsub_adapter;
mod registry;
mod supervisor;
mod sync;
pub mod sys;
mod table;
mod task;
mod timer;

#[cfg(all(test, otp_loom))]
mod loom_tests;

pub mod guide;
pub mod prelude;

pub use agent::{Agent, AgentOptions, AgentRef, AgentServer};
pub use call::{Call, CallError, CallFuture, DEFAULT_CALL_TIMEOUT, ReplyTo};
pub use current::current_pid;
pub use exit_reason::ExitReason;
pub use genserver::{
    Context, ContinueWith, GenServer, HandleInfo, HandlerResult, InitError, IntoInitResult,
    ServerRef, StartError, StartOptions, TryCastError, ViaRegistration, ViaRegistry,
};
// `#[genserver]`'s `Send` checks, here so that rustc's errors name them without `__private`.
#[doc(hidden)]
pub use genserver::{MessageMustBeSend, MessagesMustBeSend, ReplyMustBeSend, StateMustBeSend};
pub use message::{AnyMessage, Down, Exit, IdleTimeout, MonitorRef};
pub use names::{RegisterError, register, unregister, whereis};
pub use no_proc::NoProc;
pub use pid::Pid;
pub use pubsub::{PubSub, PubSubOptions, PubSubRef};
pub use pubsub_adapter::{Broadcast, LocalPubSub, PubSubAdapter};
pub use registry::{
    Duplicate, KeyKind, Registry, RegistryError, RegistryKey, RegistryOptions, RegistryRef, Unique,
};
pub use supervisor::{
    AutoShutdown, Child, ChildCounts, ChildDefaults, ChildInfo, ChildSpec, ChildState, ChildType,
    DynamicSupervisor, DynamicSupervisorOptions, DynamicSupervisorRef, Restart, Shutdown,
    StartChildError, Strategy, SupervisorError, SupervisorRef, SupervisorSpec,
};
pub use table::{
    Access, AnyTableKind, Bag, BagValue, Counter, DuplicateBag, GiveAwayError, HashKey, KeyLookup,
    OrderedKey, OrderedSet, Private, Protected, Public, ReadOnly, Set, Shareable, Table,
    TableError, TableKind, TableOptions, TableTransfer, TableValue, UniqueKeys, Writable,
};
pub use task::{
    AsyncStream, DEFAULT_AWAIT_TIMEOUT, OnTimeout, Task, TaskError, TaskExit, TaskFuture,
    TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef,
};
pub use timer::TimerRef;

pub use otp_macros::{
    child_spec, genserver, handle_call, handle_cast, handle_continue, handle_info, init,
    supervisor, terminate,
};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    pub use crate::call::{ReplySender, reply_channel};
    pub use crate::genserver::{
        MessageMustBeSend, MessagesMustBeSend, ReplyMustBeSend, Reservation, StateMustBeSend,
    };
    pub use crate::supervisor::{genserver_child_handle, genserver_child_spec};
    pub use crate::sys::format::{DebugProbe, FormatWithDebug, FormatWithoutDebug};

    /// Uninhabited: the generated `ContinueWith` impls that no message can reach.
    pub enum NeverA {}
    /// Uninhabited, like [`NeverA`].
    pub enum NeverB {}
}
