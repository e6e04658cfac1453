//! Doc comments on handlers, in a crate that denies `missing_docs`: the public server's
//! generated items (client, `start`, `options`, ...) must not trip the lint.
#![deny(missing_docs)]

use otp_core::prelude::*;

/// A documented public server.
pub struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    /// Starts from `start`.
    #[init]
    fn init(start: u32) -> Self {
        Counter { count: start }
    }

    /// The current count.
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    /// Adds `amount`.
    ///
    /// Several lines of documentation, with `code`.
    #[handle_cast]
    fn add(&mut self, amount: u32) {
        self.count += amount;
    }

    /// Logs what nobody handles.
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let counter = Counter::start(1).await.unwrap();
    counter.add(2);
    assert_eq!(counter.get().await, Ok(3));
}
