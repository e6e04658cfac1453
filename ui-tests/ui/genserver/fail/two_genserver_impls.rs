// mistakes: 1 - Two `#[genserver]` blocks for one server: its handlers belong in one block.
use otp_core::prelude::*;

struct Cache {
    value: u32,
}

#[genserver]
impl Cache {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.value
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[genserver]
impl Cache {
    #[handle_cast]
    fn set(&mut self, value: u32) {
        self.value = value;
    }

    #[handle_info(catch_all)]
    fn unexpected_too(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let cache = Cache::start(Cache { value: 0 }).await.unwrap();
    cache.set(1);
    let _ = cache.get().await.unwrap();
}
