//! A server's mailbox: one FIFO queue, many senders, one receiver.
//!
//! Why not tokio's `mpsc`: an unbounded channel allocates its first block of 32 slots and a
//! 128-byte-aligned channel when it is made, before any message (most of the hand-written
//! actor's row in workload C of `BENCHMARKS.md`, "memory per idle server"), and its receiver takes
//! one message per atomic hand-off. Here the queue lives inside the process's own allocation and
//! holds nothing until the first message; the receiver takes everything queued in one lock and
//! then works through it without touching shared memory. A sender takes the lock for one
//! `push_back`; it wakes the receiver only when the receiver said it was waiting.
//!
//! The lock, a spin lock (see [`crate::sync`] for why and for the figures), is held for a push,
//! a swap or a flag, never across a callback, a message's drop or an allocation larger than the
//! queue's own growth; under `--cfg otp_loom` it is loom's, so the models explore it.
//!
//! # After a burst
//!
//! A queue keeps the capacity it grew to, and the two buffers trade places at every take, so a
//! server that once had 100,000 messages queued would hold megabytes for the rest of its life.
//! The receiver therefore frees its buffer when it has worked through everything it took and
//! the buffer's capacity is above [`SHRINK_ABOVE`] bytes: the next burst grows a new one. Below
//! that floor the buffers are kept, so a server whose batches stay under it never allocates
//! again; above it, the cost is one free per drained batch of more than the floor's worth of
//! messages, and the regrowth of the buffer, amortised over that many messages. The shared
//! queue needs no shrinking of its own: it only holds a large buffer while that buffer holds
//! messages, as the receiver takes it whole and hands back its own, by then small, buffer.

use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

use crate::sync::{SpinMutex, SpinMutexGuard};

/// The capacity, in bytes, above which the receiver frees its drained buffer: 32 KiB, a few
/// hundred messages of the usual size.
pub(crate) const SHRINK_ABOVE: usize = 32 * 1024;

/// The shared side of a mailbox: what senders push into.
pub(crate) struct Mailbox<T> {
    shared: SpinMutex<Shared<T>>,
}

struct Shared<T> {
    queue: VecDeque<T>,
    /// The receiver's waker, present while it waits for a message.
    waiting: Option<Waker>,
    /// No message is accepted any more: the process has exited.
    closed: bool,
}

impl<T> Mailbox<T> {
    pub(crate) fn new() -> Self {
        Mailbox {
            shared: SpinMutex::new(Shared {
                queue: VecDeque::new(),
                waiting: None,
                closed: false,
            }),
        }
    }

    fn lock(&self) -> SpinMutexGuard<'_, Shared<T>> {
        self.shared.lock()
    }

    /// How many messages wait in the shared queue, and the bytes of its buffer.
    pub(crate) fn backlog(&self) -> (usize, usize) {
        let shared = self.lock();
        (shared.queue.len(), shared.queue.capacity() * size_of::<T>())
    }

    /// Queues `message`; gives it back when the mailbox is closed.
    pub(crate) fn send(&self, message: T) -> Result<(), T> {
        let waker = {
            let mut shared = self.lock();
            if shared.closed {
                return Err(message);
            }
            shared.queue.push_back(message);
            shared.waiting.take()
        };
        // Woken outside the lock: the receiver may run on another thread at once.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Refuses every message from now on and returns those still queued, for the caller to
    /// drop when it chooses (after the process's exit is told, so their callers read its reason).
    pub(crate) fn close(&self) -> VecDeque<T> {
        let mut shared = self.lock();
        shared.closed = true;
        shared.waiting = None;
        std::mem::take(&mut shared.queue)
    }

    /// How many messages wait in the shared queue (not those the receiver already took).
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.lock().queue.len()
    }
}

/// The receiving side, owned by the server's run loop: the messages already taken out of the
/// shared queue, handled in order before the queue is looked at again.
pub(crate) struct Inbox<T> {
    taken: VecDeque<T>,
}

impl<T> Inbox<T> {
    pub(crate) fn new() -> Self {
        Inbox {
            taken: VecDeque::new(),
        }
    }

    /// The next message, or `Pending` with the waker registered when there is none. `None` once
    /// the mailbox is closed and empty.
    pub(crate) fn poll_recv(&mut self, mailbox: &Mailbox<T>, cx: &Context<'_>) -> Poll<Option<T>> {
        if let Some(message) = self.taken.pop_front() {
            return Poll::Ready(Some(message));
        }
        // Drained: a buffer grown far past the floor by a burst is freed, outside the lock.
        if self.taken.capacity().saturating_mul(size_of::<T>()) > SHRINK_ABOVE {
            self.taken = VecDeque::new();
        }
        let mut shared = mailbox.lock();
        if shared.queue.is_empty() {
            if shared.closed {
                return Poll::Ready(None);
            }
            match &mut shared.waiting {
                Some(waker) => waker.clone_from(cx.waker()),
                None => shared.waiting = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        // Take the whole queue; the (empty) buffer handed back keeps its capacity (at most the
        // floor's) for the senders, so a busy mailbox stops allocating once both buffers have
        // grown.
        std::mem::swap(&mut self.taken, &mut shared.queue);
        // Polled for another reason while registered: a later send need not wake it.
        let stale = shared.waiting.take();
        drop(shared);
        drop(stale);
        Poll::Ready(self.taken.pop_front())
    }

    /// How many messages were taken and not handled yet.
    pub(crate) fn in_hand(&self) -> usize {
        self.taken.len()
    }

    /// Puts `messages` back before those taken and not handled yet, in their order: they are
    /// the next ones received.
    pub(crate) fn put_back(&mut self, mut messages: VecDeque<T>) {
        if messages.is_empty() {
            return;
        }
        messages.append(&mut self.taken);
        self.taken = messages;
    }

    /// The messages taken but not handled, to be dropped with the others at exit.
    pub(crate) fn take_all(&mut self) -> VecDeque<T> {
        std::mem::take(&mut self.taken)
    }
}

#[cfg(all(test, not(otp_loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    async fn recv<T>(inbox: &mut Inbox<T>, mailbox: &Mailbox<T>) -> Option<T> {
        std::future::poll_fn(|cx| inbox.poll_recv(mailbox, cx)).await
    }

    #[tokio::test]
    async fn messages_arrive_in_order_across_batches() {
        let mailbox = Mailbox::new();
        let mut inbox = Inbox::new();
        for i in 0..3 {
            mailbox.send(i).unwrap();
        }
        assert_eq!(recv(&mut inbox, &mailbox).await, Some(0));
        mailbox.send(3).unwrap();
        // 1 and 2 were taken with 0; 3 waits in the shared queue behind them.
        assert_eq!(mailbox.queued(), 1);
        for expected in 1..4 {
            assert_eq!(recv(&mut inbox, &mailbox).await, Some(expected));
        }
    }

    #[tokio::test]
    async fn a_send_wakes_a_waiting_receiver() {
        let mailbox = Arc::new(Mailbox::new());
        let receiver = tokio::spawn({
            let mailbox = mailbox.clone();
            async move { recv(&mut Inbox::new(), &mailbox).await }
        });
        tokio::task::yield_now().await;
        mailbox.send("hello").unwrap();
        assert_eq!(receiver.await.unwrap(), Some("hello"));
    }

    #[tokio::test]
    async fn a_drained_burst_frees_the_buffer_a_small_batch_keeps_it() {
        let mailbox = Mailbox::new();
        let mut inbox = Inbox::new();
        let small = SHRINK_ABOVE / size_of::<u64>() / 4;
        for round in 0..2 {
            for i in 0..small as u64 {
                mailbox.send(i).unwrap();
            }
            for i in 0..small as u64 {
                assert_eq!(recv(&mut inbox, &mailbox).await, Some(i), "round {round}");
            }
        }
        let kept = inbox.taken.capacity() + mailbox.lock().queue.capacity();
        assert!(kept >= small, "below the floor the buffers are kept");

        for i in 0..100_000 {
            mailbox.send(i).unwrap();
        }
        for i in 0..100_000 {
            assert_eq!(recv(&mut inbox, &mailbox).await, Some(i));
        }
        let cx = Context::from_waker(std::task::Waker::noop());
        assert_eq!(inbox.poll_recv(&mailbox, &cx), Poll::Pending);
        let left = inbox.taken.capacity() + mailbox.lock().queue.capacity();
        assert!(
            left * size_of::<u64>() <= SHRINK_ABOVE,
            "{left} slots kept after the burst"
        );
    }

    #[tokio::test]
    async fn a_closed_mailbox_refuses_and_returns_what_was_queued() {
        let mailbox = Mailbox::new();
        let mut inbox = Inbox::new();
        mailbox.send(1).unwrap();
        mailbox.send(2).unwrap();
        assert_eq!(mailbox.close(), VecDeque::from([1, 2]));
        assert_eq!(mailbox.send(3), Err(3));
        assert_eq!(recv(&mut inbox, &mailbox).await, None);
    }
}

/// Loom models of the mailbox (run with `--cfg otp_loom`, see `loom_tests.rs`): the queue's
/// lock and the receiver's waker through every interleaving of senders, the receiver and
/// `close`.
#[cfg(all(test, otp_loom))]
mod loom_tests {
    use super::*;
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    use loom::thread::{self, Thread};

    /// Wakes the receiver's loom thread.
    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    /// Waits for the next message as the run loop does: poll, park until woken, poll again. A
    /// lost wake-up leaves every thread blocked, which loom reports as a deadlock.
    fn wait_recv<T>(inbox: &mut Inbox<T>, mailbox: &Mailbox<T>) -> Option<T> {
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(message) = inbox.poll_recv(mailbox, &cx) {
                return message;
            }
            thread::park();
        }
    }

    /// Sends `count` messages tagged `sender` on another thread; their results, in order.
    fn sender(
        mailbox: &Arc<Mailbox<(usize, usize)>>,
        sender: usize,
        count: usize,
    ) -> thread::JoinHandle<Vec<Result<(), (usize, usize)>>> {
        let mailbox = mailbox.clone();
        thread::spawn(move || (0..count).map(|seq| mailbox.send((sender, seq))).collect())
    }

    /// The sequence numbers of `sender`'s messages in `messages`, in their order.
    fn sequence(messages: &[(usize, usize)], sender: usize) -> Vec<usize> {
        messages
            .iter()
            .filter(|(from, _)| *from == sender)
            .map(|(_, seq)| *seq)
            .collect()
    }

    /// Two senders and a receiver that waits: every message arrives once, each sender's in
    /// the order sent, and the receiver is always woken.
    #[test]
    fn loom_concurrent_senders_lose_nothing_and_wake_the_receiver() {
        loom::model(|| {
            let mailbox = Arc::new(Mailbox::new());
            let first = sender(&mailbox, 0, 2);
            let second = sender(&mailbox, 1, 1);

            let mut inbox = Inbox::new();
            let received: Vec<_> = (0..3)
                .map(|_| wait_recv(&mut inbox, &mailbox).unwrap())
                .collect();

            assert!(first.join().unwrap().iter().all(Result::is_ok));
            assert!(second.join().unwrap().iter().all(Result::is_ok));
            assert_eq!(sequence(&received, 0), [0, 1]);
            assert_eq!(sequence(&received, 1), [0]);
            assert_eq!(mailbox.queued(), 0);
        });
    }

    /// Sends racing `close` (the receiver's exit): each message is received, handed back by
    /// `close`, or returned to its sender, exactly once and in order; once a send is refused,
    /// every later one is; the receiver then sees the mailbox end.
    #[test]
    fn loom_a_send_racing_close_is_received_or_refused() {
        loom::model(|| {
            let mailbox = Arc::new(Mailbox::new());
            let sends = sender(&mailbox, 0, 2);

            let mut inbox = Inbox::new();
            let cx = Context::from_waker(Waker::noop());
            let mut kept = Vec::new();
            if let Poll::Ready(Some(message)) = inbox.poll_recv(&mailbox, &cx) {
                kept.push(message);
            }
            let left = mailbox.close();
            kept.extend(inbox.take_all());
            kept.extend(left);
            let results = sends.join().unwrap();

            let accepted = results.iter().take_while(|result| result.is_ok()).count();
            let refused: Vec<_> = results.into_iter().filter_map(Result::err).collect();
            assert_eq!(sequence(&kept, 0), (0..accepted).collect::<Vec<_>>());
            assert_eq!(sequence(&refused, 0), (accepted..2).collect::<Vec<_>>());
            assert_eq!(inbox.poll_recv(&mailbox, &cx), Poll::Ready(None));
        });
    }

    /// A receiver polled with one waker and then waiting with another (the run loop polls the
    /// mailbox beside its idle timer): a send wakes the waker registered last.
    #[test]
    fn loom_a_send_wakes_the_latest_waker() {
        loom::model(|| {
            let mailbox = Arc::new(Mailbox::new());
            let mut inbox = Inbox::new();
            let early = inbox.poll_recv(&mailbox, &Context::from_waker(Waker::noop()));
            let sends = sender(&mailbox, 0, 1);

            let message = match early {
                Poll::Ready(message) => message,
                Poll::Pending => wait_recv(&mut inbox, &mailbox),
            };
            assert!(sends.join().unwrap().iter().all(Result::is_ok));
            assert_eq!(message, Some((0, 0)));
        });
    }
}
