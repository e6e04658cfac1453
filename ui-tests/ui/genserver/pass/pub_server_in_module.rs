//! A `pub` server in a module, started and called from outside the module.
mod counter {
    use otp_core::prelude::*;

    /// What the counter reports.
    #[derive(Debug, PartialEq)]
    pub struct Snapshot {
        pub count: u32,
    }

    pub struct Counter {
        count: u32,
    }

    #[genserver]
    impl Counter {
        #[init]
        fn init(start: u32) -> Self {
            Counter { count: start }
        }

        #[handle_call]
        fn snapshot(&mut self) -> Snapshot {
            Snapshot { count: self.count }
        }

        #[handle_cast]
        fn add(&mut self, amount: u32) {
            self.count += amount;
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }
}

use counter::{Counter, CounterRef, Snapshot};

async fn add_twice(counter: &CounterRef, amount: u32) -> Snapshot {
    counter.add(amount);
    counter.add(amount);
    counter.snapshot().await.unwrap()
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let counter = Counter::options()
        .name("ui-pub-counter")
        .start(1)
        .await
        .unwrap();
    assert_eq!(add_twice(&counter, 2).await, Snapshot { count: 5 });
    assert_eq!(Counter::whereis("ui-pub-counter"), Some(counter));
}
