//! A bounded mailbox counts casts only: with it full of casts, a call and an info message still
//! go in at once, ahead of the casts waiting for room, and everything is handled in the order it
//! entered the mailbox.

use std::pin::Pin;
use std::task::Poll;

use otp_core::prelude::*;
use tokio::sync::oneshot;

/// An info message.
struct Note(&'static str);

#[derive(Default)]
struct Worker {
    seen: Vec<&'static str>,
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
    fn cast_note(&mut self, note: &'static str) {
        self.seen.push(note);
    }

    #[handle_call]
    fn call_note(&mut self, note: &'static str) -> usize {
        self.seen.push(note);
        self.seen.len()
    }

    #[handle_info]
    fn info_note(&mut self, Note(note): Note) {
        self.seen.push(note);
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<&'static str> {
        std::mem::take(&mut self.seen)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Polls `future` once, keeping it, and says whether it is still pending.
async fn pending<F: Future + Unpin>(future: &mut F) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx).is_pending())).await
}

#[tokio::test(start_paused = true)]
async fn a_call_and_an_info_get_into_a_mailbox_full_of_casts_and_keep_their_turn() {
    let worker = Worker::start(Worker::default()).await.expect("starts");
    let (started, is_started) = oneshot::channel();
    let (release, released) = oneshot::channel();
    // `try_` forms in the set-up: a test that fails must not hang.
    worker
        .try_block(started, released)
        .expect("room for the blocking cast");
    is_started.await.expect("the server took the blocking cast");

    worker.try_cast_note("cast 1").expect("room for cast 1");
    worker.try_cast_note("cast 2").expect("room for cast 2");
    assert_eq!(
        worker.try_cast_note("refused"),
        Err(TryCastError::Full("refused"))
    );
    let mut waiting_cast = Box::pin(worker.cast_note("cast 3"));
    assert!(
        pending(&mut waiting_cast).await,
        "the third cast waits for room"
    );

    // A call is sent on its first poll; it then waits for its reply, not for room.
    let mut call = Box::pin(worker.call_note("call").into_future());
    assert!(pending(&mut call).await, "the server is blocked");
    worker.pid().send(Note("info"));
    assert!(
        pending(&mut waiting_cast).await,
        "casts still wait behind them"
    );

    release.send(()).expect("the server waits for the release");
    assert_eq!(
        call.await,
        Ok(3),
        "the call came third, after the two queued casts"
    );
    tokio::time::timeout(Duration::from_secs(60), waiting_cast)
        .await
        .expect("the waiting cast found room");
    assert_eq!(
        worker.seen().await,
        Ok(vec!["cast 1", "cast 2", "call", "info", "cast 3"])
    );
}
