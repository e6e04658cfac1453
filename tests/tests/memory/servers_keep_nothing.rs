//! Servers that come and go keep nothing: 20,000 started and ended every way a process ends
//! (an orderly stop, a kill, an exit signal, a crash in a callback, a failed `init`), and
//! 20,000 agents started and stopped, leave the live bytes where they were.

use otp_behaviour_tests::chaos::{PANIC_PREFIX, quiet_injected_panics};
use otp_behaviour_tests::memory::exclusive;
use otp_core::Agent;
use otp_core::prelude::*;

use super::measure::{IN_FLIGHT, flat_across};

const PROCESSES: usize = 20_000;

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused")
    }
}

impl std::error::Error for Refused {}

struct Cell {
    payload: Vec<u64>,
}

#[genserver]
impl Cell {
    #[init]
    fn init(refuse: bool) -> Result<Self, Refused> {
        if refuse {
            return Err(Refused);
        }
        Ok(Cell {
            payload: vec![0; 8],
        })
    }

    #[handle_call]
    fn len(&mut self) -> usize {
        self.payload.len()
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{PANIC_PREFIX} cell crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Starts a cell and ends it the `n`th way of five; returns how it ended.
async fn start_and_end(n: usize) -> ExitReason {
    if n % 5 == 4 {
        let Err(refused) = Cell::start(true).await else {
            panic!("init refuses");
        };
        assert!(matches!(refused, StartError::Init(_)), "{refused:?}");
        return ExitReason::Normal;
    }
    let cell = Cell::start(false).await.expect("the cell starts");
    assert_eq!(cell.len().await, Ok(8));
    let pid = cell.pid();
    match n % 5 {
        0 => cell.stop(ExitReason::Normal).await.expect("stops"),
        1 => pid.kill(),
        2 => pid.exit(ExitReason::Shutdown),
        _ => cell.crash(),
    }
    pid.wait_exit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_started_and_ended_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    quiet_injected_panics();
    flat_across(
        "server started and ended",
        PROCESSES,
        IN_FLIGHT,
        async |n| {
            let reason = start_and_end(n).await;
            assert!(reason != ExitReason::NoProc, "{reason}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_started_and_stopped_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    flat_across(
        "agent started and stopped",
        PROCESSES,
        IN_FLIGHT,
        async |n| {
            let agent = Agent::options().start(move || n).await.expect("starts");
            assert_eq!(agent.get(|n| *n).await, Ok(n));
            agent.stop().await.expect("stops");
        },
    )
    .await;
}
