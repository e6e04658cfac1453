//! Registered names keep nothing once freed: 20,000 names registered and unregistered on one
//! live process, and 20,000 named servers started and ended, leave the live bytes where they
//! were and every name free.

use otp_behaviour_tests::memory::exclusive;
use otp_core::prelude::*;

use super::measure::{IN_FLIGHT, flat_across};

const EVENTS: usize = 20_000;

struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_and_unregister_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let server = Idle::start(Idle).await.expect("starts");
    let pid = server.pid();
    // One at a time: a process holds one registered name at most.
    flat_across("register + unregister", EVENTS, 1, async |n| {
        let name = format!("memory-register-{n}");
        otp_core::register(&name, &pid).expect("the name is free");
        assert_eq!(otp_core::whereis(&name), Some(pid.clone()));
        assert!(otp_core::unregister(&name));
        assert_eq!(pid.name(), None);
    })
    .await;
    server.stop(ExitReason::Normal).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_servers_that_exit_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    flat_across(
        "named server started and ended",
        EVENTS,
        IN_FLIGHT,
        async |n| {
            let name = format!("memory-named-{n}");
            let server = Idle::options()
                .name(&name)
                .start(Idle)
                .await
                .expect("starts");
            assert_eq!(otp_core::whereis(&name), Some(server.pid()));
            server.pid().kill();
            server.pid().wait_exit().await;
            assert_eq!(otp_core::whereis(&name), None);
        },
    )
    .await;
}
