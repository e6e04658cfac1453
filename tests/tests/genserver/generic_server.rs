//! A generic server: `#[genserver] impl<T> Stack<T>` gives a `StackRef<T>` that works for each
//! `T` it is used with.

use otp_core::prelude::*;

struct Stack<T> {
    items: Vec<T>,
}

#[genserver]
impl<T: Clone + Send + 'static> Stack<T> {
    #[init]
    fn init(items: Vec<T>) -> Self {
        Stack { items }
    }

    #[handle_cast]
    fn push(&mut self, item: T) {
        self.items.push(item);
    }

    #[handle_call]
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    #[handle_call]
    fn peek(&mut self) -> Option<T> {
        self.items.last().cloned()
    }

    #[handle_call]
    fn len(&mut self) -> usize {
        self.items.len()
    }

    /// Info messages of the item type are pushed too.
    #[handle_info]
    fn pushed(&mut self, item: T) {
        self.items.push(item);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn a_stack_of_integers_works() {
    let stack: StackRef<i64> = Stack::start(vec![1, 2]).await.expect("starts");
    stack.push(3);
    stack.pid().send(4_i64);
    assert_eq!(stack.len().await, Ok(4));
    assert_eq!(stack.peek().await, Ok(Some(4)));
    assert_eq!(stack.pop().await, Ok(Some(4)));
    assert_eq!(stack.pop().await, Ok(Some(3)));
    assert_eq!(stack.pop().await, Ok(Some(2)));
    assert_eq!(stack.pop().await, Ok(Some(1)));
    assert_eq!(stack.pop().await, Ok(None));
}

#[tokio::test]
async fn a_stack_of_strings_works_beside_it() {
    let ints: StackRef<i64> = Stack::start(Vec::new()).await.expect("starts");
    let strings: StackRef<String> = Stack::start(vec!["a".to_owned()]).await.expect("starts");
    strings.push("b".into());
    ints.push(10);
    // An `i64` sent to the string stack is not one of its items: the catch-all takes it.
    strings.pid().send(99_i64);
    strings.pid().send(String::from("c"));
    assert_eq!(strings.len().await, Ok(3));
    assert_eq!(strings.pop().await, Ok(Some("c".to_owned())));
    assert_eq!(strings.pop().await, Ok(Some("b".to_owned())));
    assert_eq!(ints.pop().await, Ok(Some(10)));
    assert_eq!(ints.pop().await, Ok(None));
}

#[tokio::test]
async fn named_generic_servers_are_found_with_their_own_type() {
    let name = "generic_server::strings";
    let strings = Stack::<String>::options()
        .name(name)
        .start(vec!["x".to_owned()])
        .await
        .expect("starts");
    let found = Stack::<String>::whereis(name).expect("a Stack<String>");
    assert_eq!(found, strings);
    assert_eq!(found.peek().await, Ok(Some("x".to_owned())));
    // The same name does not resolve to a `Stack<i64>`.
    assert!(Stack::<i64>::whereis(name).is_none());
}
