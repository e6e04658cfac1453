//! A start timeout that init beats: the server starts as without one, once its init returns,
//! and the timeout has no effect afterwards: the server runs on past it. Without a timeout a
//! start waits as long as the init takes (`:infinity`, the default).

use std::time::Duration;

use otp_core::prelude::*;
use tokio::time::Instant;

struct Slow {
    calls: u32,
}

#[genserver]
impl Slow {
    #[init]
    async fn init(init_takes: Duration) -> Self {
        tokio::time::sleep(init_takes).await;
        Slow { calls: 0 }
    }

    #[handle_call]
    fn count(&mut self) -> u32 {
        self.calls += 1;
        self.calls
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn an_init_within_the_timeout_starts_the_server_and_it_outlives_the_timeout() {
    let began = Instant::now();
    let slow = Slow::options()
        .name("quick-enough")
        .timeout(Duration::from_secs(5))
        .start_link(Duration::from_secs(4))
        .await
        .expect("init returned within the timeout");
    assert_eq!(
        began.elapsed(),
        Duration::from_secs(4),
        "once init returned"
    );
    assert_eq!(otp_core::whereis("quick-enough"), Some(slow.pid()));

    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(slow.is_alive());
    assert_eq!(slow.count().await, Ok(1));
    slow.stop(ExitReason::Normal).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn without_a_timeout_the_start_waits_as_long_as_init_takes() {
    let began = Instant::now();
    let slow = Slow::options()
        .start(Duration::from_secs(24 * 3600))
        .await
        .expect("no timeout by default");
    assert_eq!(began.elapsed(), Duration::from_secs(24 * 3600));
    assert_eq!(slow.count().await, Ok(1));
}
