// mistakes: 1 - A generic server whose type parameter is not bound by `Send + 'static`.
use otp_core::prelude::*;

struct Stack<T> {
    items: Vec<T>,
}

#[genserver]
impl<T> Stack<T> {
    #[handle_cast]
    fn push(&mut self, item: T) {
        self.items.push(item);
    }

    #[handle_call]
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let stack = Stack::start(Stack { items: vec![1, 2] }).await.unwrap();
    stack.push(3);
    let top: Option<u32> = stack.pop().await.unwrap();
    println!("{top:?}");
}
