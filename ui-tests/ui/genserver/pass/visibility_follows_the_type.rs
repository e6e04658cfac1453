//! With no visibility written on a handler, the generated client and `start` take the one
//! written on the struct, when its declaration is in the same module of the same file: a
//! `pub(crate) struct` gets a `pub(crate)` client, used from the crate root, and a private
//! struct a private one, used inside its module (the expansion tests check the visibilities).

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
        fn get(&mut self) -> u32 {
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
        fn ping(&mut self) -> &'static str {
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
    let counter: counter::CounterRef = counter::Counter::start(2).await.unwrap();
    counter.add(3);
    assert_eq!(counter.get().await, Ok(5));

    assert_eq!(hidden::ping().await, "pong");
}
