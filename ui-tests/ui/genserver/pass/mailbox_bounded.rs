//! `#[genserver(mailbox = N)]`: casts are `async` (they wait for room) and each has a `try_`
//! form; the futures are `Send`; a generic server and a capacity from a `macro_rules!` work.
use otp_core::prelude::*;

struct Queue<T: Send + 'static> {
    items: Vec<T>,
}

#[genserver(mailbox = 1_024)]
impl<T: Send + 'static> Queue<T> {
    #[handle_cast]
    fn push(&mut self, item: T) {
        self.items.push(item);
    }

    #[handle_cast]
    async fn push_pair(&mut self, first: T, second: T) {
        self.items.push(first);
        self.items.push(second);
    }

    #[handle_cast]
    fn clear(&mut self) {
        self.items.clear();
    }

    #[handle_call]
    fn len(&mut self) -> usize {
        self.items.len()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

macro_rules! bounded {
    ($capacity:literal) => {
        struct Tiny;

        #[genserver(mailbox = $capacity)]
        impl Tiny {
            #[handle_cast]
            fn poke(&mut self) {}

            #[handle_info(catch_all)]
            fn unexpected(&mut self, _msg: AnyMessage) {}
        }
    };
}

bounded!(8usize);

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    assert_eq!(<Queue<String> as GenServer>::MAILBOX_CAPACITY, Some(1024));
    assert_eq!(Tiny::MAILBOX_CAPACITY, Some(8));

    let queue = Queue::start(Queue { items: Vec::new() }).await.unwrap();
    assert_send(queue.push("a".to_owned())).await;
    queue.push_pair("b".to_owned(), "c".to_owned()).await;
    let full: Result<(), TryCastError<String>> = queue.try_push("d".to_owned());
    assert_eq!(full, Ok(()));
    let pair: Result<(), TryCastError<(String, String)>> =
        queue.try_push_pair("e".to_owned(), "f".to_owned());
    assert!(pair.is_ok());
    assert_eq!(queue.len().await, Ok(6));
    assert_eq!(queue.try_clear(), Ok(()));
    queue.clear().await;
    assert_eq!(queue.len().await, Ok(0));

    let tiny = Tiny::start(Tiny).await.unwrap();
    tiny.poke().await;
    assert_eq!(tiny.try_poke(), Ok(()));
}
