//! mistakes: 1 - A server whose handler is `pub(self)` has a private client: naming it outside its module is
//! an error, as naming the private server is.
mod hidden {
    use otp_core::prelude::*;

    struct Hidden;

    #[genserver]
    impl Hidden {
        #[handle_call]
        pub(self) fn ping(&mut self) -> u32 {
            1
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }
}

fn main() {
    let _client: Option<hidden::HiddenRef> = None;
}
