//! `Flaky`, a worker whose init fails while its `down` flag is set, and counts its inits: the
//! restarting-child tests of both supervisor kinds use it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use otp_core::prelude::*;

/// A worker whose init fails while `down` is set; `attempts` counts its inits.
#[derive(Clone, Default)]
pub struct Args {
    pub down: Arc<AtomicBool>,
    pub attempts: Arc<AtomicUsize>,
}

impl Args {
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

pub struct Flaky;

#[genserver]
impl Flaky {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        args.attempts.fetch_add(1, Ordering::SeqCst);
        if args.down.load(Ordering::SeqCst) {
            return Err(InitError::Stop(ExitReason::ShutdownWith("down".into())));
        }
        Ok(Flaky)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}
