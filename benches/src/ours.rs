//! otp-core's counter: a `#[genserver]`, started with `start`, called through its generated
//! client with the default 5 s timeout.

use otp_core::prelude::*;

use crate::Counter;
use crate::runtime::current_worker;

/// The counter as a GenServer. It has no `#[init]`: `start` takes the state itself, and still
/// returns only once the process has run its (generated) init.
pub struct OtpCounter {
    count: u64,
}

#[genserver]
impl OtpCounter {
    /// The count.
    #[handle_call]
    fn get(&mut self) -> u64 {
        self.count
    }

    /// The worker the handler runs on.
    #[handle_call]
    fn worker(&mut self) -> usize {
        current_worker()
    }

    /// Adds `n` to the count.
    #[handle_cast]
    fn add(&mut self, n: u64) {
        self.count += n;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// otp-core, every call under the default 5 s timeout (`DEFAULT_CALL_TIMEOUT`).
#[derive(Clone)]
pub struct Ours(OtpCounterRef);

impl Counter for Ours {
    async fn start() -> Self {
        Ours(
            OtpCounter::start(OtpCounter { count: 0 })
                .await
                .expect("the counter started"),
        )
    }

    fn add(&self, n: u64) {
        self.0.add(n);
    }

    async fn get(&self) -> u64 {
        self.0.get().await.expect("the call succeeded")
    }

    async fn worker(&self) -> usize {
        self.0.worker().await.expect("the call succeeded")
    }

    async fn stop(self) {
        self.0
            .stop(ExitReason::Normal)
            .await
            .expect("the counter stopped");
    }
}

/// otp-core with calls that arm no timer (`.timeout(Duration::MAX)`): a diagnostic row that
/// prices the call timeout.
#[derive(Clone)]
pub struct OursNoTimer(Ours);

impl Counter for OursNoTimer {
    async fn start() -> Self {
        OursNoTimer(Ours::start().await)
    }

    fn add(&self, n: u64) {
        self.0.add(n);
    }

    async fn get(&self) -> u64 {
        self.0
            .0
            .get()
            .timeout(Duration::MAX)
            .await
            .expect("the call succeeded")
    }

    async fn worker(&self) -> usize {
        self.0.worker().await
    }

    async fn stop(self) {
        self.0.stop().await;
    }
}
