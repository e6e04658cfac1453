//! Fault at the edge: a server whose `#[terminate]` panics.
//!
//! The documented outcome (`run_loop.rs`, the `terminate` tests): the panic is logged and the
//! exit goes on with the reason `terminate` was called with. Everything that follows an exit
//! still happens with that reason: `GenServer.stop` returns `Ok`, queued callers get
//! `Exited(reason)`, links and monitors are told, the name is freed, a `ctx.stop` reply is
//! still sent, and a supervisor restarts or stops the child as if `terminate` had returned.
//!
//! OTP differs on the reason: `gen_server` re-raises the exception of a crashing `terminate/2`,
//! so the process exits with that crash instead of the original reason (and `GenServer.stop`
//! exits the caller with it). Here the original reason is kept on purpose.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorSpec};

type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    /// Whether `terminate` awaits before it panics.
    slow_terminate: bool,
}

/// Logs every `terminate` and then panics in it.
struct Fragile {
    args: Args,
}

#[genserver]
impl Fragile {
    #[init]
    fn init(args: Args) -> Self {
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Fragile { args }
    }

    #[handle_call]
    async fn sleep(&mut self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }

    /// Replies after stopping: the reply goes out once `terminate` is done.
    #[handle_call]
    fn stop_with_reply(&mut self, reason: ExitReason, ctx: &mut Context<Self>) -> &'static str {
        ctx.stop(reason);
        "bye"
    }

    #[handle_call]
    fn crash(&mut self) -> u32 {
        panic!("{} crashed in a call", self.args.name);
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        self.args
            .log
            .lock()
            .unwrap()
            .push(format!("terminate {} {reason}", self.args.name));
        if self.args.slow_terminate {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} exploded in terminate", self.args.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A process trapping exits and monitoring, to see what the others are told.
#[derive(Default)]
struct Watcher {
    seen: Vec<String>,
}

#[genserver]
impl Watcher {
    #[handle_call]
    fn watch(&mut self, target: Pid, ctx: &mut Context<Self>) {
        ctx.trap_exit(true);
        ctx.link(&target).expect("target alive");
        ctx.monitor(&target);
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<String> {
        self.seen.clone()
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        self.seen.push(format!("exit {}", exit.reason));
    }

    #[handle_info]
    fn down(&mut self, down: Down) {
        self.seen.push(format!("down {}", down.reason));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn args(name: &'static str, log: &Log, slow_terminate: bool) -> Args {
    Args {
        name,
        log: log.clone(),
        slow_terminate,
    }
}

async fn watched(fragile: &FragileRef) -> WatcherRef {
    let watcher = Watcher::start(Watcher::default()).await.unwrap();
    watcher.watch(fragile.pid()).await.unwrap();
    watcher
}

#[tokio::test(start_paused = true)]
async fn genserver_stop_returns_ok_and_the_stop_reason_reaches_callers_links_and_monitors() {
    for slow_terminate in [false, true] {
        let log = Log::default();
        let fragile = Fragile::options()
            .name("fault-terminate-fragile")
            .start(args("f", &log, slow_terminate))
            .await
            .unwrap();
        let watcher = watched(&fragile).await;
        // A call in hand, two queued behind the stop.
        let in_hand = tokio::spawn({
            let fragile = fragile.clone();
            async move { fragile.sleep(50).await }
        });
        tokio::task::yield_now().await;
        let stop = tokio::spawn({
            let fragile = fragile.clone();
            async move {
                fragile
                    .stop(ExitReason::ShutdownWith("maintenance".into()))
                    .await
            }
        });
        tokio::task::yield_now().await;
        let queued: Vec<_> = (0..2)
            .map(|_| {
                let fragile = fragile.clone();
                tokio::spawn(async move { fragile.sleep(1).await })
            })
            .collect();

        assert_eq!(in_hand.await.unwrap(), Ok(50));
        assert_eq!(stop.await.unwrap(), Ok(()));
        let reason = ExitReason::ShutdownWith("maintenance".into());
        for call in queued {
            assert_eq!(call.await.unwrap(), Err(CallError::Exited(reason.clone())));
        }
        assert_eq!(fragile.pid().exit_reason(), Some(reason.clone()));
        assert_eq!(take(&log), ["start f", "terminate f shutdown: maintenance"]);
        assert_eq!(
            watcher.seen().await.unwrap(),
            ["exit shutdown: maintenance", "down shutdown: maintenance"]
        );
        assert_eq!(otp_core::whereis("fault-terminate-fragile"), None);
        assert!(watcher.is_alive(), "the panic stays in the dying process");
    }
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_the_crash_stays_the_reason_when_terminate_panics_too() {
    let log = Log::default();
    let fragile = Fragile::start(args("f", &log, true)).await.unwrap();
    let watcher = watched(&fragile).await;
    let queued = tokio::spawn({
        let fragile = fragile.clone();
        async move {
            tokio::task::yield_now().await;
            fragile.sleep(1).await
        }
    });
    let crash = ExitReason::Panic("f crashed in a call".into());
    assert_eq!(fragile.crash().await, Err(CallError::Exited(crash.clone())));
    assert_eq!(queued.await.unwrap(), Err(CallError::Exited(crash.clone())));
    assert_eq!(fragile.pid().wait_exit().await, crash);
    assert_eq!(
        take(&log),
        ["start f", "terminate f panic: f crashed in a call"]
    );
    assert_eq!(
        watcher.seen().await.unwrap(),
        [
            "exit panic: f crashed in a call",
            "down panic: f crashed in a call"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_reply_of_a_call_that_stops_the_server_is_sent_after_terminate_panics() {
    let log = Log::default();
    let fragile = Fragile::start(args("f", &log, true)).await.unwrap();
    assert_eq!(fragile.stop_with_reply(ExitReason::Normal).await, Ok("bye"));
    assert_eq!(fragile.pid().wait_exit().await, ExitReason::Normal);
    assert_eq!(take(&log), ["start f", "terminate f normal"]);
}

/// Under a supervisor: a crashed child whose `terminate` panics is restarted once, as any
/// crash; at the supervisor's shutdown its `terminate` panics again and the children before it
/// are still stopped, in reverse start order.
#[tokio::test(start_paused = true)]
async fn a_supervisor_restarts_and_stops_a_child_whose_terminate_panics_as_any_other() {
    let log = Log::default();
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<Fragile>(args("a", &log, false)).with_id("a"))
        .child(ChildSpec::of::<Fragile>(args("b", &log, true)).with_id("b"))
        .child(ChildSpec::of::<Fragile>(args("c", &log, false)).with_id("c"))
        .start()
        .await
        .unwrap();
    assert_eq!(take(&log), ["start a", "start b", "start c"]);

    let b = sup.child_pid("b").await.unwrap().unwrap();
    let b_ref = FragileRef::from(otp_core::ServerRef::<Fragile>::from_pid(&b).unwrap());
    assert!(b_ref.crash().await.is_err());
    assert_eq!(
        b.wait_exit().await,
        ExitReason::Panic("b crashed in a call".into())
    );
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (3, 3));
    assert_ne!(sup.child_pid("b").await.unwrap(), Some(b));
    assert_eq!(
        take(&log),
        ["terminate b panic: b crashed in a call", "start b"]
    );

    let children: Vec<Pid> = sup
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|child| child.pid().cloned().unwrap())
        .collect();
    assert_eq!(sup.stop(ExitReason::Shutdown).await, Ok(()));
    assert_eq!(
        take(&log),
        [
            "terminate c shutdown",
            "terminate b shutdown",
            "terminate a shutdown"
        ]
    );
    for child in children {
        assert_eq!(child.exit_reason(), Some(ExitReason::Shutdown));
    }
    assert_eq!(sup.pid().exit_reason(), Some(ExitReason::Shutdown));
}
