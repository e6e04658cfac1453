//! The harness of the chaos tests (`tests/chaos.rs`): one run's shared state and its bounded
//! records, the worker, the tree, the load and fault tasks, the checks, and the memory rounds;
//! here, what every chaos test uses (serialisation, the quiet panic hook, the runtime, the run's
//! seed and length).

pub mod checks;
pub mod lineage;
pub mod load;
pub mod memory;
pub mod records;
pub mod state;
pub mod tree;
pub mod worker;

use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

/// The chaos tests measure the whole process (tasks, memory): one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every panic the chaos tests cause starts with this; the panic hook keeps them quiet.
pub const PANIC_PREFIX: &str = "chaos:";

pub fn quiet_injected_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|message| message.starts_with(PANIC_PREFIX)) {
                default(info);
            }
        }));
    });
}

pub fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn seed() -> u64 {
    std::env::var("OTP_CHAOS_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |since| since.as_nanos() as u64)
        })
}

pub fn fault_duration() -> Duration {
    std::env::var("OTP_CHAOS_SECS")
        .ok()
        .and_then(|secs| secs.parse::<f64>().ok())
        .map_or(Duration::from_secs(3), Duration::from_secs_f64)
}
