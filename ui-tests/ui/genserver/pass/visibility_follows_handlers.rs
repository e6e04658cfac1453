//! The generated client, messages and `start` take the visibility written on the handlers: a
//! crate-private server and a module-private one compile under `unreachable_pub` and
//! `missing_docs` with no `allow`; a server whose handlers say nothing stays `pub`.
#![deny(unreachable_pub, missing_docs)]

use otp_core::prelude::*;

/// A public server: its handlers say nothing, so its client is `pub` and documented.
pub struct Public;

#[genserver]
impl Public {
    #[handle_call]
    fn ping(&mut self) -> u32 {
        1
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

mod counter {
    use otp_core::prelude::*;

    pub(crate) struct Counter {
        count: u32,
    }

    #[genserver]
    impl Counter {
        #[init]
        fn init(count: u32) -> Self {
            Counter { count }
        }

        #[handle_call]
        pub(crate) fn get(&mut self) -> u32 {
            self.count
        }

        #[handle_cast]
        fn add(&mut self, amount: u32) {
            self.count += amount;
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }
}

mod hidden {
    use otp_core::prelude::*;

    struct Hidden;

    #[genserver]
    impl Hidden {
        #[handle_call]
        pub(self) fn ping(&mut self) -> &'static str {
            "pong"
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    pub(crate) async fn ping() -> &'static str {
        let hidden: HiddenRef = Hidden::start(Hidden).await.unwrap();
        hidden.ping().await.unwrap()
    }
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let public: PublicRef = Public::start(Public).await.unwrap();
    assert_eq!(public.ping().await, Ok(1));

    let counter: counter::CounterRef = counter::Counter::start(2).await.unwrap();
    counter.add(3);
    assert_eq!(counter.get().await, Ok(5));

    assert_eq!(hidden::ping().await, "pong");
}
