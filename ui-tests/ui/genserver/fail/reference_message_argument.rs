// mistakes: 1 - A call handler borrows its message: `&str`.
use otp_core::prelude::*;

struct Store {
    items: std::collections::HashMap<String, String>,
}

#[genserver]
impl Store {
    #[handle_call]
    fn get(&mut self, key: &str) -> Option<String> {
        self.items.get(key).cloned()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(Store { items: Default::default() }).await.unwrap();
    let value: Option<String> = store.get("key").await.unwrap();
    println!("{value:?}");
}
