//! Info messages (`send/2` to a server, `handle_info/2`): any type can be sent; typed handlers
//! are picked by the message's type; others reach the catch-all (OTP's default `handle_info`
//! logs them and keeps running); they share one FIFO mailbox with calls and casts.

use otp_core::prelude::*;

struct Tick(u32);
struct Note(&'static str);
#[derive(Debug, PartialEq)]
struct Unknown(u64);

#[derive(Default)]
struct Listener {
    log: Vec<String>,
    unknown: Vec<AnyMessage>,
}

#[genserver]
impl Listener {
    #[handle_info]
    fn tick(&mut self, tick: Tick) {
        self.log.push(format!("tick {}", tick.0));
    }

    #[handle_info]
    fn note(&mut self, note: Note, ctx: &mut Context<Self>) {
        assert_eq!(otp_core::current_pid().as_ref(), Some(ctx.pid()));
        self.log.push(format!("note {}", note.0));
    }

    #[handle_info]
    fn text(&mut self, text: String) {
        self.log.push(format!("string {text}"));
    }

    #[handle_cast]
    fn cast(&mut self, n: u32) {
        self.log.push(format!("cast {n}"));
    }

    #[handle_call]
    fn log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// What the catch-all received: type names, and `Unknown` values back.
    #[handle_call]
    fn unknown(&mut self) -> (Vec<String>, Vec<Unknown>) {
        let names = self
            .unknown
            .iter()
            .map(|msg| msg.type_name().to_owned())
            .collect();
        let values = self
            .unknown
            .drain(..)
            .filter_map(|msg| msg.downcast::<Unknown>().ok())
            .collect();
        (names, values)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        self.log.push(format!("catch-all {}", msg.type_name()));
        self.unknown.push(msg);
    }
}

async fn start() -> ListenerRef {
    Listener::start(Listener::default()).await.expect("starts")
}

#[tokio::test]
async fn typed_handlers_are_picked_by_the_message_type() {
    let listener = start().await;
    let pid = listener.pid();
    pid.send(Tick(1));
    pid.send(Note("hello"));
    pid.send(String::from("owned"));
    pid.send(Tick(2));
    assert_eq!(
        listener.log().await.expect("serves"),
        ["tick 1", "note hello", "string owned", "tick 2"]
    );
}

#[tokio::test]
async fn messages_of_other_types_reach_the_catch_all_and_the_server_keeps_running() {
    let listener = start().await;
    let pid = listener.pid();
    pid.send(Unknown(5));
    pid.send(42_u8);
    pid.send("a &'static str is not a String");
    pid.send(Tick(3));
    let (names, values) = listener.unknown().await.expect("serves");
    assert_eq!(
        names,
        [
            std::any::type_name::<Unknown>(),
            "u8",
            std::any::type_name::<&'static str>()
        ]
    );
    assert_eq!(values, [Unknown(5)]);
    assert!(listener.is_alive());
    let log = listener.log().await.expect("serves");
    assert_eq!(log.len(), 4);
    assert_eq!(log[3], "tick 3");
}

#[tokio::test]
async fn info_messages_and_casts_from_one_sender_keep_their_order() {
    let listener = start().await;
    let pid = listener.pid();
    listener.cast(1);
    pid.send(Tick(2));
    listener.cast(3);
    pid.send(Note("4"));
    pid.send(Unknown(5));
    listener.cast(6);
    pid.send(Tick(7));
    assert_eq!(
        listener.log().await.expect("serves"),
        [
            "cast 1".to_owned(),
            "tick 2".to_owned(),
            "cast 3".to_owned(),
            "note 4".to_owned(),
            format!("catch-all {}", std::any::type_name::<Unknown>()),
            "cast 6".to_owned(),
            "tick 7".to_owned(),
        ]
    );
}

#[tokio::test]
async fn many_info_messages_arrive_in_order() {
    let listener = start().await;
    let pid = listener.pid();
    for n in 0..1_000 {
        pid.send(Tick(n));
    }
    let log = listener.log().await.expect("serves");
    let expected: Vec<String> = (0..1_000).map(|n| format!("tick {n}")).collect();
    assert_eq!(log, expected);
}

#[tokio::test]
async fn an_info_message_from_another_server_arrives() {
    let listener = start().await;
    let relay = Relay::start(Relay { to: listener.pid() })
        .await
        .expect("starts");
    relay.relay("through a relay".into());
    // The relay handles its cast before this call's reply, so the note is queued by then.
    relay.sync().await.expect("serves");
    assert_eq!(
        listener.log().await.expect("serves"),
        ["string through a relay"]
    );
}

struct Relay {
    to: Pid,
}

#[genserver]
impl Relay {
    #[handle_cast]
    fn relay(&mut self, text: String) {
        self.to.send(text);
    }

    #[handle_call]
    fn sync(&mut self) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}
