// A server with a mistake, in a supervision tree: it is still a child, so the tree has no error.
use otp_core::prelude::*;
use otp_core::supervisor;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32) -> Self {
        Counter { count: start }
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_cast]
    fn bump(&self) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Counter(0)],
    };
    let sup = tree.start_link().await.unwrap();
    let counter = sup.child::<Counter>("Counter").await.unwrap().unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
