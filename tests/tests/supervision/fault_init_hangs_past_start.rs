//! Fault at the edge: a child whose `init` hangs.
//!
//! A child's start waits as long as its init takes unless its spec has a start timeout (OTP's
//! default for `start_link` is `:infinity`). Without one, what happens, asserted below:
//!
//! - At start-up, `SupervisorSpec::start` waits as long as the child's init does: the
//!   supervisor is registered and alive, the children before the hanging one run, and the
//!   supervisor answers no call (its calls wait without a timeout, as OTP's `:infinity`).
//! - Dropping the start future (a `tokio::time::timeout` around it) does not stop anything: the
//!   half-started tree keeps running, and comes up in full if the init ever returns. Killing the
//!   supervisor ends it, the hanging child with it (they are linked before init runs).
//! - At a restart, the supervisor is blocked in the child's start, as OTP's is: the exits of
//!   other children wait in its mailbox and are handled once the init returns.
//!
//! With a start timeout (`ChildSpec::start_timeout`, OTP's `{timeout, T}` start option), OTP's
//! outcome: the child is killed, its start fails with `{error, timeout}`, and the supervisor's
//! start fails with `failed_to_start_child`, leaving nothing running.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorRef, SupervisorSpec};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

/// An init that takes `hang_ms` milliseconds (0: returns at once; `u64::MAX`: never), read
/// at each start.
#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    hang_ms: Arc<AtomicU64>,
}

struct Sleeper {
    name: &'static str,
}

#[genserver]
impl Sleeper {
    #[init]
    async fn init(args: Args) -> Self {
        args.log.lock().unwrap().push(format!("init {}", args.name));
        match args.hang_ms.load(Ordering::SeqCst) {
            0 => {}
            u64::MAX => std::future::pending::<()>().await,
            ms => tokio::time::sleep(Duration::from_millis(ms)).await,
        }
        args.log
            .lock()
            .unwrap()
            .push(format!("started {}", args.name));
        Sleeper { name: args.name }
    }

    #[handle_call]
    fn name(&mut self) -> &'static str {
        self.name
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Tree {
    log: Log,
    hang: Vec<Arc<AtomicU64>>,
}

const NAMES: [&str; 3] = ["a", "b", "c"];

/// A one_for_one supervisor of a, b, c, registered as `prefix-sup`, `prefix-a`, `prefix-b` and
/// `prefix-c`, with b's init taking `b_hang_ms`.
fn tree(prefix: &'static str, b_hang_ms: u64) -> (SupervisorSpec, Tree) {
    tree_with_start_timeout(prefix, b_hang_ms, None)
}

/// As [`tree`], each child's spec with `start_timeout` if given.
fn tree_with_start_timeout(
    prefix: &'static str,
    b_hang_ms: u64,
    start_timeout: Option<Duration>,
) -> (SupervisorSpec, Tree) {
    let log = Log::default();
    let hang: Vec<Arc<AtomicU64>> = NAMES.iter().map(|_| Arc::default()).collect();
    hang[1].store(b_hang_ms, Ordering::SeqCst);
    let mut spec = SupervisorSpec::new(Strategy::OneForOne).name(format!("{prefix}-sup"));
    for (name, hang_ms) in NAMES.iter().zip(&hang) {
        let args = Args {
            name,
            log: log.clone(),
            hang_ms: hang_ms.clone(),
        };
        let mut child = ChildSpec::of::<Sleeper>(args)
            .with_id(*name)
            .with_name(format!("{prefix}-{name}"));
        if let Some(timeout) = start_timeout {
            child = child.with_start_timeout(timeout);
        }
        spec = spec.child(child);
    }
    (spec, Tree { log, hang })
}

fn whereis(prefix: &str, name: &str) -> Option<Pid> {
    otp_core::whereis(&format!("{prefix}-{name}"))
}

#[tokio::test(start_paused = true)]
async fn the_supervisor_start_waits_as_long_as_the_init_hangs_and_killing_it_ends_the_tree() {
    let (spec, tree) = tree("hang-start", u64::MAX);
    let began = Instant::now();
    let start = tokio::time::timeout(Duration::from_secs(3600), spec.start()).await;
    assert!(start.is_err(), "still starting after an hour");
    assert_eq!(began.elapsed(), Duration::from_secs(3600));
    assert_eq!(take(&tree.log), ["init a", "started a", "init b"]);

    // The half-started tree: the supervisor, a running, b in its init, c not started.
    let sup = otp_core::whereis("hang-start-sup").expect("the supervisor is registered");
    assert!(sup.is_alive());
    let a = whereis("hang-start", "a").expect("a runs");
    let b = whereis("hang-start", "b").expect("b is registered before its init");
    assert!(a.is_alive() && b.is_alive());
    assert_eq!(whereis("hang-start", "c"), None);
    let handle = SupervisorRef::whereis("hang-start-sup").unwrap();
    let counts = tokio::time::timeout(Duration::from_secs(60), handle.count_children()).await;
    assert!(counts.is_err(), "a supervisor in init answers no call");

    sup.kill();
    assert_eq!(sup.wait_exit().await, ExitReason::Killed);
    assert_eq!(a.wait_exit().await, ExitReason::Killed);
    assert_eq!(b.wait_exit().await, ExitReason::Killed);
    assert_eq!(otp_core::whereis("hang-start-sup"), None);
    assert_eq!(whereis("hang-start", "b"), None);
    assert_eq!(take(&tree.log), Vec::<String>::new(), "c never started");
}

#[tokio::test(start_paused = true)]
async fn a_start_abandoned_by_its_caller_goes_on_and_the_tree_comes_up_when_the_init_returns() {
    let (spec, tree) = tree("hang-abandoned", 30_000);
    let start = tokio::time::timeout(Duration::from_secs(10), spec.start()).await;
    assert!(start.is_err());
    assert_eq!(take(&tree.log), ["init a", "started a", "init b"]);

    tokio::time::sleep(Duration::from_secs(25)).await;
    assert_eq!(take(&tree.log), ["started b", "init c", "started c"]);
    let sup = SupervisorRef::whereis("hang-abandoned-sup").expect("the tree runs, unowned");
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (3, 3));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// At a restart the supervisor waits for the child's init: meanwhile a crash of another child
/// waits in its mailbox, and is handled (the child restarted) once the init returns.
#[tokio::test(start_paused = true)]
async fn a_restart_whose_init_hangs_blocks_the_supervisor_until_it_returns() {
    let (spec, tree) = tree("hang-restart", 0);
    let sup = spec.start().await.unwrap();
    take(&tree.log);
    tree.hang[1].store(20_000, Ordering::SeqCst);

    let b = whereis("hang-restart", "b").unwrap();
    SleeperRef::from(otp_core::ServerRef::<Sleeper>::from_pid(&b).unwrap()).crash();
    b.wait_exit().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(take(&tree.log), ["init b"]);

    let c = whereis("hang-restart", "c").unwrap();
    SleeperRef::from(otp_core::ServerRef::<Sleeper>::from_pid(&c).unwrap()).crash();
    c.wait_exit().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        whereis("hang-restart", "c"),
        None,
        "not restarted while b's init runs"
    );
    let counts = tokio::time::timeout(Duration::from_secs(5), sup.count_children()).await;
    assert!(counts.is_err(), "the supervisor answers no call meanwhile");

    let began = Instant::now();
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (3, 3));
    assert_eq!(
        began.elapsed(),
        Duration::from_secs(9),
        "once b's 20 s init returned"
    );
    assert_eq!(take(&tree.log), ["started b", "init c", "started c"]);
    assert!(whereis("hang-restart", "c").is_some_and(|pid| pid != c));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// OTP: a child started with a start timeout (`GenServer.start_link(m, a, timeout: t)`, here
/// the spec's `start_timeout`) is killed when its init takes longer, its start returns
/// `{:error, :timeout}`, and the supervisor's start fails with `failed_to_start_child`,
/// leaving nothing running. The outer timeout only bounds the test if that went wrong.
#[tokio::test(start_paused = true)]
async fn with_a_start_timeout_a_hanging_init_fails_the_supervisor_start_and_leaves_nothing() {
    let (spec, tree) = tree_with_start_timeout("hang-otp", u64::MAX, Some(Duration::from_secs(5)));
    let start = tokio::time::timeout(Duration::from_secs(3600), spec.start()).await;
    let Ok(Err(otp_core::SupervisorError::FailedToStartChild { id, reason })) = start else {
        panic!("the start should fail with failed_to_start_child, got {start:?}");
    };
    assert_eq!((id.as_str(), reason), ("b", ExitReason::Timeout));
    assert_eq!(otp_core::whereis("hang-otp-sup"), None);
    assert_eq!(whereis("hang-otp", "a"), None);
    assert_eq!(whereis("hang-otp", "b"), None);
    assert_eq!(whereis("hang-otp", "c"), None);
    assert_eq!(take(&tree.log), ["init a", "started a", "init b"]);
}
