//! `{:noreply, state}` then `GenServer.reply(from, reply)` from any process: a call handler
//! that takes a `ReplyTo<T>` answers later, from anywhere; dropping it unanswered fails the
//! caller at once with `CallError::NoReply` instead of leaving it to time out.

use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Default)]
struct Front {
    held: Vec<ReplyTo<String>>,
    served: u32,
    helper: Option<HelperRef>,
}

#[genserver]
impl Front {
    /// Answers from a spawned task after `secs` seconds; the server goes on serving.
    #[handle_call]
    fn in_task(&mut self, secs: u64, reply: ReplyTo<String>) {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            let _ = reply.reply(format!("after {secs}s"));
        });
    }

    #[handle_call]
    fn hold(&mut self, reply: ReplyTo<String>) {
        self.held.push(reply);
    }

    #[handle_cast]
    fn release(&mut self, text: String) {
        for reply in self.held.drain(..) {
            let _ = reply.reply(text.clone());
        }
    }

    #[handle_cast]
    fn forget(&mut self) {
        self.held.clear();
    }

    /// Hands the reply to another server, which answers it.
    #[handle_call]
    fn via_helper(&mut self, reply: ReplyTo<String>) {
        self.helper
            .as_ref()
            .expect("helper set")
            .pid()
            .send(Forward(reply));
    }

    #[handle_call]
    fn drop_at_once(&mut self, reply: ReplyTo<String>) {
        drop(reply);
    }

    #[handle_call]
    fn drop_in_task(&mut self, secs: u64, reply: ReplyTo<String>) {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            drop(reply);
        });
    }

    #[handle_call]
    fn served(&mut self) -> u32 {
        self.served += 1;
        self.served
    }

    #[handle_cast]
    fn set_helper(&mut self, helper: HelperRef) {
        self.helper = Some(helper);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Forward(ReplyTo<String>);

struct Helper;

#[genserver]
impl Helper {
    #[handle_info]
    fn forward(&mut self, msg: Forward, ctx: &mut Context<Self>) {
        let _ = msg.0.reply(format!("from helper {}", ctx.pid()));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start() -> FrontRef {
    Front::start(Front::default()).await.expect("starts")
}

#[tokio::test(start_paused = true)]
async fn a_reply_from_a_spawned_task_reaches_the_caller_while_the_server_serves_others() {
    let front = start().await;
    let started = Instant::now();
    let (slow, served) = tokio::join!(front.in_task(2), async {
        let served = front.served().await;
        // Served at once, while the spawned task still works.
        assert_eq!(started.elapsed(), Duration::ZERO);
        served
    });
    assert_eq!(slow, Ok("after 2s".to_owned()));
    assert_eq!(served, Ok(1));
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_held_reply_is_answered_after_other_messages_were_served() {
    let front = start().await;
    let (held, served) = tokio::join!(front.hold(), async {
        let mut served = Vec::new();
        for _ in 0..3 {
            served.push(front.served().await.expect("serves"));
        }
        front.release("released".into());
        served
    });
    assert_eq!(held, Ok("released".to_owned()));
    assert_eq!(served, [1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn a_reply_can_come_from_another_process() {
    let front = start().await;
    let helper = Helper::start(Helper).await.expect("starts");
    front.set_helper(helper.clone());
    assert_eq!(
        front.via_helper().await,
        Ok(format!("from helper {}", helper.pid()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_reply_to_dropped_in_the_handler_gives_no_reply_at_once() {
    let front = start().await;
    let started = Instant::now();
    assert_eq!(front.drop_at_once().await, Err(CallError::NoReply));
    assert_eq!(started.elapsed(), Duration::ZERO);
    // The server is fine.
    assert!(front.is_alive());
    assert_eq!(front.served().await, Ok(1));
}

#[tokio::test(start_paused = true)]
async fn a_reply_to_dropped_later_gives_no_reply_when_it_is_dropped() {
    let front = start().await;
    let started = Instant::now();
    assert_eq!(front.drop_in_task(3).await, Err(CallError::NoReply));
    assert_eq!(started.elapsed(), Duration::from_secs(3));

    let started = Instant::now();
    let (held, ()) = tokio::join!(front.hold(), async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        front.forget();
    });
    assert_eq!(held, Err(CallError::NoReply));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(front.served().await, Ok(1));
}
