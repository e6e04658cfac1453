//! A generic server: `impl<T: Send + 'static> Stack<T>` gives `StackRef<T>`.
use otp_core::prelude::*;

struct Stack<T> {
    items: Vec<T>,
}

#[genserver]
impl<T: Send + 'static> Stack<T> {
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
    fn len(&mut self) -> usize {
        self.items.len()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Bounds in a `where` clause, two type parameters.
struct Pairs<K, V> {
    pairs: Vec<(K, V)>,
}

#[genserver]
impl<K, V> Pairs<K, V>
where
    K: PartialEq + Send + 'static,
    V: Clone + Send + 'static,
{
    #[handle_cast]
    fn insert(&mut self, key: K, value: V) {
        self.pairs.push((key, value));
    }

    #[handle_call]
    fn get(&mut self, key: K) -> Option<V> {
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let words: StackRef<String> = Stack::start(vec!["a".to_owned()]).await.unwrap();
    words.push("b".to_owned());
    assert_eq!(words.pop().await, Ok(Some("b".to_owned())));
    assert_eq!(words.len().await, Ok(1));

    let numbers: StackRef<u32> = Stack::<u32>::start(Vec::new()).await.unwrap();
    assert_eq!(numbers.pop().await, Ok(None));

    let pairs: PairsRef<u8, String> = Pairs::start(Pairs { pairs: Vec::new() }).await.unwrap();
    pairs.insert(1, "one".to_owned());
    assert_eq!(pairs.get(1).await, Ok(Some("one".to_owned())));
    assert_eq!(pairs.get(2).await, Ok(None));
}
