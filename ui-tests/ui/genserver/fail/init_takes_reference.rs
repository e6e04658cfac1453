// mistakes: 1 - `#[init]` borrows its start argument.
use otp_core::prelude::*;

struct Greeter {
    name: String,
}

#[genserver]
impl Greeter {
    #[init]
    fn init(name: &str) -> Self {
        Greeter {
            name: name.to_owned(),
        }
    }

    #[handle_call]
    fn name(&mut self) -> String {
        self.name.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Greeter::start("key").await.unwrap();
    let _ = server.name().await.unwrap();
}
