#![doc = include_str!("intro.md")]

#[doc = include_str!("genserver.md")]
pub mod genserver {}

#[doc = include_str!("rate_limiter.md")]
pub mod rate_limiter {}

#[doc = include_str!("agent.md")]
pub mod agent {}

#[doc = include_str!("task.md")]
pub mod task {}

#[doc = include_str!("task_supervisor.md")]
pub mod task_supervisor {}

#[doc = include_str!("ets.md")]
pub mod ets {}

#[doc = include_str!("registry.md")]
pub mod registry {}

#[doc = include_str!("pubsub.md")]
pub mod pubsub {}

#[doc = include_str!("supervision.md")]
pub mod supervision {}

#[doc = include_str!("mistakes.md")]
pub mod mistakes {}
