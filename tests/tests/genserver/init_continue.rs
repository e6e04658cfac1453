//! `init` returning `{:ok, state, {:continue, term}}` and a handler returning `{:noreply, state,
//! {:continue, term}}`: `handle_continue` runs before any other message, even one sent right
//! after `start` returned.

use otp_core::prelude::*;
use tokio::time::Instant;

struct Loader {
    log: Vec<String>,
}

struct Load;
struct AfterCast(u32);
struct Chain(u32);
struct Info(u32);

#[genserver]
impl Loader {
    #[init]
    fn init(_: (), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.continue_with(Load);
        Ok(Loader {
            log: vec!["init".into()],
        })
    }

    /// Slow on purpose: the test casts and sends while this awaits.
    #[handle_continue]
    async fn load(&mut self, _msg: Load) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.log.push("continue".into());
    }

    #[handle_continue]
    async fn after_cast(&mut self, msg: AfterCast) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.log.push(format!("continue {}", msg.0));
    }

    #[handle_continue]
    fn chain(&mut self, msg: Chain, ctx: &mut Context<Self>) {
        self.log.push(format!("chain {}", msg.0));
        if msg.0 > 0 {
            ctx.continue_with(Chain(msg.0 - 1));
        }
    }

    #[handle_cast]
    fn note(&mut self, text: String) {
        self.log.push(text);
    }

    #[handle_cast]
    fn note_then_continue(&mut self, n: u32, ctx: &mut Context<Self>) {
        self.log.push(format!("cast {n}"));
        ctx.continue_with(AfterCast(n));
    }

    #[handle_call]
    fn note_then_chain(&mut self, n: u32, ctx: &mut Context<Self>) -> usize {
        self.log.push("call".into());
        ctx.continue_with(Chain(n));
        self.log.len()
    }

    #[handle_info]
    fn info(&mut self, msg: Info) {
        self.log.push(format!("info {}", msg.0));
    }

    #[handle_call]
    fn log(&mut self) -> Vec<String> {
        self.log.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        self.log.push(format!("unexpected {}", msg.type_name()));
    }
}

#[tokio::test(start_paused = true)]
async fn continue_from_init_runs_before_a_cast_sent_right_after_start() {
    let started = Instant::now();
    let loader = Loader::start(()).await.expect("init returned Ok");
    // start returned after init, without waiting for the continue.
    assert_eq!(started.elapsed(), Duration::ZERO);
    loader.note("cast".into());
    loader.pid().send(Info(1));
    let log = loader.log().await.expect("server alive");
    assert_eq!(log, ["init", "continue", "cast", "info 1"]);
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn continue_from_init_runs_before_a_call_sent_right_after_start() {
    let loader = Loader::start(()).await.expect("init returned Ok");
    let log = loader.log().await.expect("server alive");
    assert_eq!(log, ["init", "continue"]);
}

#[tokio::test(start_paused = true)]
async fn continue_from_a_cast_runs_before_the_next_queued_message() {
    let loader = Loader::start(()).await.expect("init returned Ok");
    // Both casts are queued before the server takes the first one.
    loader.note_then_continue(1);
    loader.note("second cast".into());
    loader.pid().send(Info(2));
    let log = loader.log().await.expect("server alive");
    assert_eq!(
        log,
        [
            "init",
            "continue",
            "cast 1",
            "continue 1",
            "second cast",
            "info 2"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn continue_from_a_call_and_from_a_continue_run_before_the_next_message() {
    let loader = Loader::start(()).await.expect("init returned Ok");
    let (len, log) = tokio::join!(loader.note_then_chain(2), async {
        loader.note("queued cast".into());
        loader.log().await
    });
    // The reply is sent when the call handler returns, before the continue runs.
    assert_eq!(len, Ok(3));
    assert_eq!(
        log.expect("server alive"),
        [
            "init",
            "continue",
            "call",
            "chain 2",
            "chain 1",
            "chain 0",
            "queued cast"
        ]
    );
}
