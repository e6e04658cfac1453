//! Everything a server's module needs: `use otp_core::prelude::*;`.
//!
//! ```
//! use otp_core::prelude::*;
//!
//! struct Idle;
//!
//! #[genserver]
//! impl Idle {
//!     #[handle_info(catch_all)]
//!     fn unexpected(&mut self, _msg: AnyMessage) {}
//! }
//! ```

pub use crate::{
    AnyMessage, CallError, ChildSpec, Context, Down, DynamicSupervisor, DynamicSupervisorOptions,
    Exit, ExitReason, GenServer, IdleTimeout, InitError, MonitorRef, NoProc, Pid, ReplyTo, Restart,
    ServerRef, Shutdown, StartError, Strategy, SupervisorSpec, TimerRef, TryCastError, child_spec,
    genserver, handle_call, handle_cast, handle_continue, handle_info, init, supervisor, terminate,
};
pub use std::time::Duration;
