//! A callback's idle timeout (`{:noreply, state, timeout}`): `IdleTimeout` arrives as an info
//! message when no message comes first; any message cancels it.

use otp_core::prelude::*;
use tokio::time::Instant;

struct Idler {
    started: Instant,
    timeouts: Vec<Duration>,
}

#[genserver]
impl Idler {
    #[init]
    fn init(after: Option<Duration>, ctx: &mut Context<Self>) -> Self {
        if let Some(after) = after {
            ctx.idle_timeout(after);
        }
        Idler {
            started: Instant::now(),
            timeouts: Vec::new(),
        }
    }

    /// Sets an idle timeout after this call.
    #[handle_call]
    fn arm(&mut self, after: Duration, ctx: &mut Context<Self>) {
        ctx.idle_timeout(after);
    }

    /// A message that sets nothing.
    #[handle_call]
    fn timeouts(&mut self) -> Vec<Duration> {
        self.timeouts.clone()
    }

    #[handle_info]
    fn idle(&mut self, _: IdleTimeout) {
        self.timeouts.push(self.started.elapsed());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_timeout_arrives_when_no_message_comes_first() {
    let idler = Idler::start(None).await.unwrap();
    idler.arm(Duration::from_secs(3)).await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        idler.timeouts().await.unwrap(),
        vec![Duration::from_secs(3)],
        "exactly one timeout, 3 s after the call"
    );
}

#[tokio::test(start_paused = true)]
async fn an_idle_timeout_set_in_init_counts_from_init() {
    let idler = Idler::start(Some(Duration::from_secs(2))).await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        idler.timeouts().await.unwrap(),
        vec![Duration::from_secs(2)]
    );
}

#[tokio::test(start_paused = true)]
async fn any_message_cancels_it() {
    let idler = Idler::start(None).await.unwrap();
    idler.arm(Duration::from_secs(3)).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    idler.pid().send("a message");
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(idler.timeouts().await.unwrap(), Vec::<Duration>::new());
}

#[tokio::test(start_paused = true)]
async fn without_one_no_timeout_ever_arrives() {
    let idler = Idler::start(None).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(idler.timeouts().await.unwrap(), Vec::<Duration>::new());
}
