//! The logged `Worker` harness of the supervisor tests: workers that count their starts, log
//! `start`/`refuse`/`crash`/`stop <name>` to a shared log, and crash on request; and `Tree`,
//! four such workers `a`..`d` under one supervisor.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorRef, SupervisorSpec};

/// What the workers did, in order, as `<event> <name>`.
pub type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
pub struct Args {
    pub name: &'static str,
    pub log: Log,
    pub starts: Arc<AtomicUsize>,
    /// When set, the next init refuses to start (and clears it).
    pub refuse_once: Arc<AtomicBool>,
}

impl Args {
    /// The args of worker `name`, logging to `log`, with its own start counter and refuse flag.
    pub fn new(name: &'static str, log: &Log) -> Args {
        Args {
            name,
            log: log.clone(),
            starts: Arc::default(),
            refuse_once: Arc::default(),
        }
    }

    /// What a logged worker's init does: if `refuse_once` is set, clears it, logs
    /// `refuse <name>` and refuses to start; else counts the start and logs `start <name>`.
    pub fn on_init(&self) -> Result<(), InitError> {
        if self.refuse_once.swap(false, Ordering::SeqCst) {
            note(&self.log, "refuse", self.name);
            return Err(InitError::Stop(ExitReason::ShutdownWith("not now".into())));
        }
        self.starts.fetch_add(1, Ordering::SeqCst);
        note(&self.log, "start", self.name);
        Ok(())
    }
}

/// Appends `<event> <name>` to `log`.
pub fn note(log: &Log, event: &str, name: &str) {
    log.lock().unwrap().push(format!("{event} {name}"));
}

/// The log so far, emptying it.
pub fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

/// The values of the start counters.
pub fn starts(counters: &[Arc<AtomicUsize>]) -> Vec<usize> {
    counters.iter().map(|n| n.load(Ordering::SeqCst)).collect()
}

/// The expected log entries, as owned strings.
pub fn log(entries: &[&str]) -> Vec<String> {
    entries.iter().map(ToString::to_string).collect()
}

/// Logs `start <name>` (see [`Args::on_init`]), and on exit `stop <name>` after a shutdown,
/// `crash <name>` after anything else.
pub struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        args.on_init()?;
        Ok(Worker {
            name: args.name,
            log: args.log,
        })
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.name);
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        let how = if *reason == ExitReason::Shutdown {
            "stop"
        } else {
            "crash"
        };
        note(&self.log, how, self.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The ids (and names) of the workers of a `Tree`, in start order.
pub const IDS: [&str; 4] = ["a", "b", "c", "d"];

/// Workers `a`, `b`, `c`, `d` under a supervisor with the default intensity.
pub struct Tree {
    pub sup: SupervisorRef,
    pub log: Log,
    /// Each worker's start counter, in `IDS` order.
    pub starts: Vec<Arc<AtomicUsize>>,
    /// Each worker's refuse flag, in `IDS` order.
    pub refuse: Vec<Arc<AtomicBool>>,
}

impl Tree {
    /// Starts the tree, linked, with `strategy`; the log then holds the four starts.
    pub async fn start(strategy: Strategy) -> Tree {
        let log = Log::default();
        let args: Vec<Args> = IDS.iter().map(|&id| Args::new(id, &log)).collect();
        let starts = args.iter().map(|args| args.starts.clone()).collect();
        let refuse = args.iter().map(|args| args.refuse_once.clone()).collect();
        let sup = args
            .into_iter()
            .zip(IDS)
            .fold(SupervisorSpec::new(strategy), |spec, (args, id)| {
                spec.child(ChildSpec::of::<Worker>(args).with_id(id))
            })
            .start_link()
            .await
            .unwrap();
        Tree {
            sup,
            log,
            starts,
            refuse,
        }
    }

    pub fn starts(&self) -> Vec<usize> {
        starts(&self.starts)
    }

    pub fn take_log(&self) -> Vec<String> {
        take(&self.log)
    }

    pub async fn pids(&self) -> Vec<Pid> {
        let children = self.sup.which_children().await.unwrap();
        let ids: Vec<_> = children.iter().map(|c| c.id.clone().unwrap()).collect();
        assert_eq!(ids, IDS, "children are listed in start order");
        children.iter().map(|c| c.pid().unwrap().clone()).collect()
    }

    /// Crashes child `id` and waits until the supervisor has handled its exit.
    pub async fn crash(&self, id: &str) {
        let pid = self.sup.child_pid(id).await.unwrap().unwrap();
        let worker = otp_core::ServerRef::<Worker>::from_pid(&pid)
            .map(WorkerRef::from)
            .unwrap();
        worker.crash();
        assert!(matches!(pid.wait_exit().await, ExitReason::Panic(_)));
        // The supervisor's mailbox holds the child's exit before this call: the restart is done
        // when it answers.
        self.sup.count_children().await.unwrap();
    }
}
