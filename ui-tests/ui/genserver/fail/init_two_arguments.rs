// mistakes: 1 - `#[init]` takes two start arguments.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32, step: u32) -> Self {
        Counter {
            count: start + step,
        }
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(1).await.unwrap();
    let _ = server.get().await.unwrap();
}
