//! `init` returning `{:ok, state}`: `start` and `start_link` return a working client, and
//! `init` has run in the new process before they return.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

struct Counter {
    count: u64,
}

#[genserver]
impl Counter {
    #[init]
    fn init(
        (start_at, ran, seen_pid): (u64, Arc<AtomicBool>, Arc<Mutex<Option<Pid>>>),
        ctx: &mut Context<Self>,
    ) -> Result<Self, InitError> {
        ran.store(true, Ordering::SeqCst);
        *seen_pid.lock().unwrap() = Some(ctx.pid().clone());
        assert_eq!(otp_core::current_pid().as_ref(), Some(ctx.pid()));
        Ok(Counter { count: start_at })
    }

    #[handle_call]
    fn get(&mut self) -> u64 {
        self.count
    }

    #[handle_cast]
    fn add(&mut self, n: u64) {
        self.count += n;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Without `#[init]`, `start` takes the state itself.
struct Plain(u32);

#[genserver]
impl Plain {
    #[handle_call]
    fn value(&mut self) -> u32 {
        self.0
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn start_returns_a_working_client_after_init_ran() {
    let ran = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(None));
    let counter = Counter::start((10, ran.clone(), seen.clone()))
        .await
        .expect("init returned Ok");
    // init ran in the new process, before start returned.
    assert!(ran.load(Ordering::SeqCst));
    assert_eq!(seen.lock().unwrap().clone(), Some(counter.pid()));
    assert!(counter.is_alive());
    assert_eq!(counter.get().await, Ok(10));
    counter.add(5);
    assert_eq!(counter.get().await, Ok(15));
}

#[tokio::test]
async fn start_link_returns_a_working_client_after_init_ran() {
    let ran = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(None));
    let counter = Counter::start_link((1, ran.clone(), seen.clone()))
        .await
        .expect("init returned Ok");
    assert!(ran.load(Ordering::SeqCst));
    assert_eq!(seen.lock().unwrap().clone(), Some(counter.pid()));
    assert_eq!(counter.get().await, Ok(1));
    // The test is not a process: nothing links to it, and the server runs on.
    assert!(otp_core::current_pid().is_none());
    assert!(counter.is_alive());
}

#[tokio::test]
async fn without_init_the_state_is_the_start_argument() {
    let plain = Plain::start(Plain(7)).await.expect("no init cannot fail");
    assert_eq!(plain.value().await, Ok(7));
    let other = Plain::start(Plain(8)).await.expect("no init cannot fail");
    assert_ne!(plain.pid(), other.pid());
    assert_eq!(other.value().await, Ok(8));
}
