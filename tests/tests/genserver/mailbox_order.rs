//! One FIFO mailbox carries calls, casts and info messages: messages from one sender arrive in
//! the order they were sent, whatever their kind.

use otp_core::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Call,
    Cast,
    Info,
}

#[derive(Default)]
struct Recorder {
    seen: Vec<(u32, u32, Kind)>,
}

/// An info message: (sender, sequence number).
struct Note(u32, u32);

#[genserver]
impl Recorder {
    #[handle_call]
    fn call_note(&mut self, sender: u32, n: u32) -> u32 {
        self.seen.push((sender, n, Kind::Call));
        n
    }

    #[handle_cast]
    fn cast_note(&mut self, sender: u32, n: u32) {
        self.seen.push((sender, n, Kind::Cast));
    }

    #[handle_info]
    fn info_note(&mut self, Note(sender, n): Note) {
        self.seen.push((sender, n, Kind::Info));
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<(u32, u32, Kind)> {
        std::mem::take(&mut self.seen)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A fixed, irregular sequence of kinds: runs of casts and infos between calls.
fn kinds(count: u32) -> Vec<Kind> {
    let mut state: u32 = 0x2545_f491;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            match state % 7 {
                0 => Kind::Call,
                1..=3 => Kind::Cast,
                _ => Kind::Info,
            }
        })
        .collect()
}

async fn send_all(recorder: &RecorderRef, sender: u32, kinds: &[Kind]) {
    for (n, kind) in (0..).zip(kinds) {
        match kind {
            Kind::Call => assert_eq!(recorder.call_note(sender, n).await, Ok(n)),
            Kind::Cast => recorder.cast_note(sender, n),
            Kind::Info => recorder.pid().send(Note(sender, n)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_senders_calls_casts_and_infos_arrive_in_send_order() {
    let recorder = Recorder::start(Recorder::default()).await.unwrap();
    let kinds = kinds(1000);
    assert!(kinds.contains(&Kind::Call) && kinds.contains(&Kind::Cast));
    assert!(kinds.contains(&Kind::Info));

    send_all(&recorder, 0, &kinds).await;
    let seen = recorder.seen().await.unwrap();
    let expected: Vec<(u32, u32, Kind)> = (0..).zip(&kinds).map(|(n, k)| (0, n, *k)).collect();
    assert_eq!(seen, expected);
}

/// Sends 1000 mixed messages to a recorder from inside its own handler.
struct Forwarder;

#[genserver]
impl Forwarder {
    #[handle_call]
    async fn forward(&mut self, recorder: RecorderRef, kinds: Vec<Kind>) {
        send_all(&recorder, 1, &kinds).await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_sent_from_inside_a_process_arrive_in_send_order() {
    let recorder = Recorder::start(Recorder::default()).await.unwrap();
    let forwarder = Forwarder::start(Forwarder).await.unwrap();
    let kinds = kinds(1000);
    forwarder
        .forward(recorder.clone(), kinds.clone())
        .await
        .unwrap();
    let seen = recorder.seen().await.unwrap();
    let expected: Vec<(u32, u32, Kind)> = (0..).zip(&kinds).map(|(n, k)| (1, n, *k)).collect();
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_of_several_concurrent_senders_keeps_its_own_order() {
    let recorder = Recorder::start(Recorder::default()).await.unwrap();
    let kinds = kinds(1000);
    let senders: Vec<_> = (0..4)
        .map(|sender| {
            let recorder = recorder.clone();
            let kinds = kinds.clone();
            tokio::spawn(async move { send_all(&recorder, sender, &kinds).await })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    let seen = recorder.seen().await.unwrap();
    assert_eq!(seen.len(), 4000);
    for sender in 0..4 {
        let own: Vec<(u32, Kind)> = seen
            .iter()
            .filter(|(s, _, _)| *s == sender)
            .map(|(_, n, k)| (*n, *k))
            .collect();
        let expected: Vec<(u32, Kind)> = (0..).zip(kinds.iter().copied()).collect();
        assert_eq!(own, expected, "sender {sender}");
    }
}
