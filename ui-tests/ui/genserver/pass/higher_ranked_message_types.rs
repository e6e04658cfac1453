// Arguments and replies whose types hide a higher-ranked lifetime behind an alias, held across
// an `.await` by async handlers: the server's `Send` checks accept them.
use otp_core::prelude::*;

type Callback = Box<dyn for<'a> Fn(&'a str) -> usize + Send>;

struct Registry {
    callbacks: Vec<Callback>,
}

#[genserver]
impl Registry {
    #[handle_call]
    async fn add(&mut self, callback: Callback) -> usize {
        tokio::task::yield_now().await;
        self.callbacks.push(callback);
        self.callbacks.len()
    }

    #[handle_call]
    async fn make(&mut self, offset: usize) -> Callback {
        tokio::task::yield_now().await;
        Box::new(move |text: &str| text.len() + offset)
    }

    #[handle_cast]
    async fn run(&mut self, callback: Callback) {
        tokio::task::yield_now().await;
        let _ = callback("x");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
pub(crate) async fn main() {
    let registry = Registry::start(Registry { callbacks: Vec::new() }).await.unwrap();
    assert_eq!(registry.add(Box::new(|text: &str| text.len())).await.unwrap(), 1);
    let made = registry.make(2).await.unwrap();
    assert_eq!(made("abc"), 5);
    registry.run(Box::new(|text: &str| text.len()));
}
