//! A server casting to its own bounded mailbox does not wait for room, which only it could
//! make: the casts go in over the bound instead of deadlocking the server, and keep their order.

use otp_core::prelude::*;

#[derive(Default)]
struct Echo {
    seen: Vec<u32>,
}

#[genserver(mailbox = 1)]
impl Echo {
    /// Casts `count` messages to this very server, waiting form and `try_` form alternately.
    #[handle_cast]
    async fn fan_out(&mut self, count: u32, ctx: &mut Context<Self>) {
        let myself = ctx.myself();
        for n in 0..count {
            if n % 2 == 0 {
                myself.record(n).await;
            } else if let Err(full) = myself.try_record(n) {
                // `try_` still reports a full mailbox; the waiting form goes over the bound.
                myself.record(full.into_inner()).await;
            }
        }
    }

    #[handle_cast]
    fn record(&mut self, n: u32) {
        self.seen.push(n);
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.seen)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_server_casting_to_itself_past_the_bound_does_not_deadlock() {
    let echo = Echo::start(Echo::default()).await.expect("starts");
    echo.try_fan_out(10).expect("room for the first cast");
    // The call's default timeout turns a deadlock into an error (the paused clock runs ahead).
    assert_eq!(
        echo.seen().await,
        Ok(Vec::new()),
        "the casts are queued behind the call"
    );
    assert_eq!(echo.seen().await, Ok((0..10).collect::<Vec<_>>()));
}
