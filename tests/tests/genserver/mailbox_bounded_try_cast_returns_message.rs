//! A `try_` cast never waits: when the bounded mailbox is full it gives the cast's arguments
//! back in `TryCastError::Full` (the values themselves, not copies), and it succeeds again once
//! there is room. To a server that has exited it gives them back in `TryCastError::NoProc`; the
//! waiting form, a cast, drops them, as OTP's `cast` does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use tokio::sync::oneshot;

/// A payload that is not `Clone` and counts its drops.
#[derive(Debug)]
struct Token {
    id: u32,
    drops: Arc<AtomicUsize>,
}

impl Drop for Token {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Worker {
    seen: Vec<String>,
}

#[genserver(mailbox = 2)]
impl Worker {
    /// Tells `started` it is running, then blocks the server until `release` fires.
    #[handle_cast]
    async fn block(&mut self, started: oneshot::Sender<()>, release: oneshot::Receiver<()>) {
        let _ = started.send(());
        let _ = release.await;
    }

    #[handle_cast]
    fn token(&mut self, token: Token) {
        self.seen.push(format!("token {}", token.id));
    }

    #[handle_cast]
    fn pair(&mut self, key: String, value: u32) {
        self.seen.push(format!("{key}={value}"));
    }

    #[handle_cast]
    fn ping(&mut self) {
        self.seen.push("ping".to_owned());
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<String> {
        std::mem::take(&mut self.seen)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A worker blocked in a handler, and the sender that unblocks it.
async fn blocked_worker() -> (WorkerRef, oneshot::Sender<()>) {
    let worker = Worker::start(Worker::default()).await.expect("starts");
    let (started, is_started) = oneshot::channel();
    let (release, released) = oneshot::channel();
    // `try_` forms in the set-up: a test that fails must not hang.
    worker
        .try_block(started, released)
        .expect("room for the blocking cast");
    is_started.await.expect("the server took the blocking cast");
    (worker, release)
}

#[tokio::test(start_paused = true)]
async fn a_full_mailbox_gives_the_arguments_back_and_takes_them_once_there_is_room() {
    let drops = Arc::new(AtomicUsize::new(0));
    let token = |id| Token {
        id,
        drops: drops.clone(),
    };
    let (worker, release) = blocked_worker().await;
    assert_eq!(worker.try_token(token(1)).map_err(|_| ()), Ok(()));
    assert_eq!(worker.try_pair("a".into(), 1), Ok(()));

    let refused = worker.try_token(token(2)).expect_err("the mailbox is full");
    assert_eq!(
        worker.try_pair("b".into(), 2),
        Err(TryCastError::Full(("b".to_owned(), 2)))
    );
    assert_eq!(worker.try_ping(), Err(TryCastError::Full(())));
    assert!(matches!(refused, TryCastError::Full(_)));
    let token_two = refused.into_inner();
    assert_eq!(token_two.id, 2);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        0,
        "nothing refused was dropped"
    );

    release.send(()).expect("the server waits for the release");
    // The call is not bounded; the server empties its mailbox on the way to it.
    assert_eq!(
        worker.seen().await,
        Ok(vec!["token 1".to_owned(), "a=1".to_owned()])
    );
    assert_eq!(worker.try_token(token_two).map_err(|_| ()), Ok(()));
    assert_eq!(worker.try_ping(), Ok(()));
    assert_eq!(
        worker.seen().await,
        Ok(vec!["token 2".to_owned(), "ping".to_owned()])
    );
    assert_eq!(drops.load(Ordering::SeqCst), 2, "each token handled once");
}

#[tokio::test(start_paused = true)]
async fn a_try_cast_to_an_exited_server_gives_the_arguments_back() {
    let drops = Arc::new(AtomicUsize::new(0));
    let worker = Worker::start(Worker::default()).await.expect("starts");
    worker.stop(ExitReason::Normal).await.expect("stops");

    let refused = worker
        .try_token(Token {
            id: 7,
            drops: drops.clone(),
        })
        .expect_err("the server has exited");
    assert!(matches!(refused, TryCastError::NoProc(_)));
    assert_eq!(refused.into_inner().id, 7, "the token itself comes back");
    assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped here, once");
    assert_eq!(
        worker.try_pair("c".into(), 3),
        Err(TryCastError::NoProc(("c".to_owned(), 3)))
    );
    assert_eq!(worker.try_ping(), Err(TryCastError::NoProc(())));

    // Killed, too: once its exit has run.
    let killed = Worker::start(Worker::default()).await.expect("starts");
    killed.pid().kill();
    killed.pid().wait_exit().await;
    assert_eq!(killed.try_ping(), Err(TryCastError::NoProc(())));

    // The waiting form returns at once too, its message dropped.
    tokio::time::timeout(
        Duration::from_secs(60),
        worker.token(Token {
            id: 8,
            drops: drops.clone(),
        }),
    )
    .await
    .expect("a cast to a dead server does not wait");
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}
