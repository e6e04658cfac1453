//! A child whose init hangs past its start timeout, at the supervisor's start-up: the child is
//! killed, the children started before it are stopped in reverse order, those after it never
//! start, and the supervisor's start fails with `FailedToStartChild { id, reason: Timeout }`
//! (OTP's `{:shutdown, {:failed_to_start_child, id, :timeout}}`), leaving nothing running.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{SupervisorError, supervisor};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    pids: Arc<Mutex<Vec<Pid>>>,
}

impl Args {
    fn note(&self, event: &str) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{event} {}", self.name));
    }
}

struct Quick {
    args: Args,
}

#[genserver]
impl Quick {
    #[init]
    fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        args.note("start");
        args.pids.lock().unwrap().push(ctx.pid().clone());
        Quick { args }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.args.note("stop");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Stuck {
    args: Args,
}

#[genserver]
#[child_spec(start_timeout = "5s")]
impl Stuck {
    #[init]
    async fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        args.note("start");
        args.pids.lock().unwrap().push(ctx.pid().clone());
        std::future::pending::<()>().await;
        Stuck { args }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.args.note("stop");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_child_hanging_past_its_start_timeout_fails_the_supervisor_start() {
    let log = Log::default();
    let pids = Arc::<Mutex<Vec<Pid>>>::default();
    let args = |name| Args {
        name,
        log: log.clone(),
        pids: pids.clone(),
    };
    let tree = supervisor! {
        strategy: one_for_one,
        name: "start-timeout-sup",
        children: [
            Quick(args("a")) { id = "a", name = "start-timeout-a" },
            Quick(args("b")) { id = "b" },
            Stuck(args("stuck")) { name = "start-timeout-stuck" },
            Quick(args("c")) { id = "c" },
        ],
    };

    let began = Instant::now();
    let started = tree.start().await;
    assert_eq!(
        began.elapsed(),
        Duration::from_secs(5),
        "at the start timeout"
    );
    assert_eq!(
        started.err(),
        Some(SupervisorError::FailedToStartChild {
            id: "Stuck".into(),
            reason: ExitReason::Timeout,
        })
    );

    assert_eq!(
        *log.lock().unwrap(),
        ["start a", "start b", "start stuck", "stop b", "stop a"],
        "c never started; b and a stopped in reverse order; stuck ran no terminate"
    );
    let pids = pids.lock().unwrap().clone();
    let reasons: Vec<_> = pids.iter().map(Pid::exit_reason).collect();
    assert_eq!(
        reasons,
        [
            Some(ExitReason::Shutdown),
            Some(ExitReason::Shutdown),
            Some(ExitReason::Killed),
        ]
    );
    for name in [
        "start-timeout-sup",
        "start-timeout-a",
        "start-timeout-stuck",
    ] {
        assert_eq!(otp_core::whereis(name), None, "{name} is free");
    }
}
