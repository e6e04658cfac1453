//! The implementations under test, by name, and a way to run generic code on each.

use crate::Counter;
use crate::hand_written::{HandWritten, HandWrittenSpan, HandWrittenTimeout};
use crate::ours::{Ours, OursNoTimer};

/// One implementation of [`Counter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// The reference: mpsc unbounded + oneshot.
    HandWritten,
    /// The reference with `tokio::time::timeout(5 s)` around each call.
    HandWrittenTimeout,
    /// The reference with its task instrumented by a span, no subscriber installed.
    HandWrittenSpan,
    /// otp-core with the default 5 s call timeout.
    Ours,
    /// otp-core with calls that arm no timer.
    OursNoTimer,
    /// ractor 0.16 (default features).
    #[cfg(feature = "peers")]
    Ractor,
    /// kameo 0.22 (default features, unbounded mailbox).
    #[cfg(feature = "peers")]
    Kameo,
    /// actix 0.13 on its own single-threaded `System` (default features).
    #[cfg(feature = "peers")]
    Actix,
}

/// Code generic over the implementation: [`Impl::with`] calls `run` with its type.
pub trait WithCounter {
    /// What the code returns.
    type Output;
    /// Runs the code with `C` as the implementation.
    fn run<C: Counter>(self) -> Self::Output;
}

impl Impl {
    /// Every implementation, the reference first.
    pub const ALL: &'static [Impl] = &[
        Impl::HandWritten,
        Impl::HandWrittenTimeout,
        Impl::HandWrittenSpan,
        Impl::Ours,
        Impl::OursNoTimer,
        #[cfg(feature = "peers")]
        Impl::Ractor,
        #[cfg(feature = "peers")]
        Impl::Kameo,
        #[cfg(feature = "peers")]
        Impl::Actix,
    ];

    /// The implementations compared in every workload: the reference, ours, the peers.
    pub const COMPARED: &'static [Impl] = &[
        Impl::HandWritten,
        Impl::Ours,
        #[cfg(feature = "peers")]
        Impl::Ractor,
        #[cfg(feature = "peers")]
        Impl::Kameo,
        #[cfg(feature = "peers")]
        Impl::Actix,
    ];

    /// The short name used on the command line and in the raw figures.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Impl::HandWritten => "hand-written",
            Impl::HandWrittenTimeout => "hand-written+timeout",
            Impl::HandWrittenSpan => "hand-written+span",
            Impl::Ours => "otp-core",
            Impl::OursNoTimer => "otp-core-no-timer",
            #[cfg(feature = "peers")]
            Impl::Ractor => "ractor",
            #[cfg(feature = "peers")]
            Impl::Kameo => "kameo",
            #[cfg(feature = "peers")]
            Impl::Actix => "actix",
        }
    }

    /// The implementation named `key`.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Impl> {
        Impl::ALL
            .iter()
            .copied()
            .find(|candidate| candidate.key() == key)
    }

    /// Runs `code` with this implementation's type.
    pub fn with<W: WithCounter>(self, code: W) -> W::Output {
        match self {
            Impl::HandWritten => code.run::<HandWritten>(),
            Impl::HandWrittenTimeout => code.run::<HandWrittenTimeout>(),
            Impl::HandWrittenSpan => code.run::<HandWrittenSpan>(),
            Impl::Ours => code.run::<Ours>(),
            Impl::OursNoTimer => code.run::<OursNoTimer>(),
            #[cfg(feature = "peers")]
            Impl::Ractor => code.run::<crate::peers::ractor::RactorCounter>(),
            #[cfg(feature = "peers")]
            Impl::Kameo => code.run::<crate::peers::kameo::KameoCounter>(),
            #[cfg(feature = "peers")]
            Impl::Actix => code.run::<crate::peers::actix::ActixCounter>(),
        }
    }
}
