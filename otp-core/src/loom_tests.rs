//! Loom models of a process's exit bookkeeping: `link`, `unlink`, `monitor`, `demonitor`, exit
//! signals and the exit reason, each racing the target's `finish`. Loom runs the real code of
//! `process.rs` on its own lock and atomics (see `sync.rs`) through every interleaving.
//!
//! Run them with `RUSTFLAGS="--cfg otp_loom" cargo test -p otp-core --lib loom` (`.ci/run` does);
//! the mailbox's models live beside it, in `genserver/mailbox.rs`, as its module is private.
//!
//! The processes are plain cells with an inbox, without a tokio task: `wait_exit`, which waits
//! on a tokio oneshot, is left out. No process holds more than one link: the order of a
//! `HashSet` changes from one of loom's runs to the next, and loom needs each run of a model to
//! take its locks in an order it can replay.

use std::any::Any;
use std::sync::Arc;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use crate::message::{Down, Exit};
use crate::process::{self, Demonitored, ExitHook, Process, ProcessCell};
use crate::sync::Mutex;
use crate::{AnyMessage, ExitReason, Pid};

/// A process reduced to its cell and an inbox that keeps every info message it is sent.
struct TestProcess {
    cell: ProcessCell,
    inbox: Mutex<Vec<AnyMessage>>,
}

impl Process for TestProcess {
    fn cell(&self) -> &ProcessCell {
        &self.cell
    }

    fn type_name(&self) -> &'static str {
        "TestProcess"
    }

    fn deliver_info(&self, message: AnyMessage) {
        self.inbox.lock().unwrap().push(message);
    }

    fn wake(&self) {}

    fn request_stop(&self, reason: ExitReason) -> bool {
        self.cell.begin_exit(reason, false)
    }

    fn system(&self, _request: crate::sys::SystemRequest) -> bool {
        false
    }

    fn mailbox_len(&self) -> usize {
        self.inbox.lock().unwrap().len()
    }

    fn memory(&self) -> usize {
        size_of::<Self>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// A test process: its pid, and the process itself to read its inbox.
#[derive(Clone)]
struct Probe {
    pid: Pid,
    process: Arc<TestProcess>,
}

impl Probe {
    fn new(trap_exit: bool) -> Self {
        let process = Arc::new(TestProcess {
            cell: ProcessCell::new(),
            inbox: Mutex::new(Vec::new()),
        });
        process.cell.set_trap_exit(trap_exit);
        let pid = Pid::new(process.clone());
        Probe { pid, process }
    }

    /// The `Exit` and `Down` messages received so far; nothing else is ever sent here.
    fn take_inbox(&self) -> (Vec<Exit>, Vec<Down>) {
        let messages = std::mem::take(&mut *self.process.inbox.lock().unwrap());
        let mut exits = Vec::new();
        let mut downs = Vec::new();
        for message in messages {
            match message.downcast::<Exit>() {
                Ok(exit) => exits.push(exit),
                Err(message) => downs.push(message.downcast::<Down>().unwrap()),
            }
        }
        (exits, downs)
    }

    /// Records a crash as the exit reason, unless one is recorded already.
    fn begin_exit(&self, detail: &str) -> bool {
        self.process.cell.begin_exit(crash(detail), false)
    }

    /// Links, monitors of this process, and monitors it holds on others.
    fn counts(&self) -> (usize, usize, usize) {
        self.process.cell.relation_counts()
    }

    /// Runs `finish` on another thread, as the end of the process's task does.
    fn finish_in_thread(&self) -> thread::JoinHandle<()> {
        let pid = self.pid.clone();
        thread::spawn(move || process::finish(&pid))
    }
}

fn crash(detail: &str) -> ExitReason {
    ExitReason::Panic(detail.to_owned())
}

/// A link taken while its target finishes is told of the exit exactly once: by the target's
/// exit signal when the link was in place first, or at once with `NoProc` when the target was
/// already gone (what `Context::link` does for a process trapping exits). No link to the dead
/// target is left behind.
#[test]
fn loom_link_racing_finish_is_told_once() {
    loom::model(|| {
        let linker = Probe::new(true);
        let target = Probe::new(false);
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        let made = process::link(&linker.pid, &target.pid);
        if !made {
            process::exit_signal(&linker.pid, &target.pid, ExitReason::NoProc);
        }
        finisher.join().unwrap();

        let (exits, downs) = linker.take_inbox();
        assert!(downs.is_empty());
        assert_eq!(exits.len(), 1, "link returned {made}; exits: {exits:?}");
        let expected = if made {
            crash("target")
        } else {
            ExitReason::NoProc
        };
        assert_eq!(exits[0].reason, expected, "link returned {made}");
        assert_eq!(exits[0].from, target.pid);
        assert_eq!(linker.counts().0, 0, "a link to the dead target is left");
        assert_eq!(target.counts().0, 0);
    });
}

/// A monitor taken while its target finishes gets exactly one `Down`: the real reason when it
/// was registered before the watchers were told, `NoProc` after. The dead target keeps no
/// monitor; the watcher keeps its record until it handles the `Down`.
#[test]
fn loom_monitor_racing_finish_gets_one_down() {
    loom::model(|| {
        let watcher = Probe::new(false);
        let target = Probe::new(false);
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        let monitor = process::monitor(&watcher.pid, &target.pid);
        finisher.join().unwrap();

        let (exits, downs) = watcher.take_inbox();
        assert!(exits.is_empty());
        assert_eq!(downs.len(), 1, "downs: {downs:?}");
        assert_eq!(downs[0].monitor, monitor);
        assert_eq!(downs[0].pid, target.pid);
        assert!(
            downs[0].reason == crash("target") || downs[0].reason == ExitReason::NoProc,
            "reason: {:?}",
            downs[0].reason
        );
        assert_eq!(target.counts().1, 0, "a monitor is left on the dead target");
        assert_eq!(watcher.counts().2, 1);
    });
}

/// `demonitor` racing the target's `finish`: no `Down` comes after it reports the monitor
/// active; when it reports the `Down` sent, exactly one is queued (the run loop flushes it);
/// it never loses track of a monitor whose `Down` was not handled.
#[test]
fn loom_demonitor_racing_finish_never_leaks_a_down() {
    loom::model(|| {
        let watcher = Probe::new(false);
        let target = Probe::new(false);
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        let monitor = process::monitor(&watcher.pid, &target.pid);
        let outcome = process::demonitor(&watcher.pid, monitor);
        finisher.join().unwrap();

        let (exits, downs) = watcher.take_inbox();
        assert!(exits.is_empty());
        match outcome {
            Demonitored::Active => {
                assert!(downs.is_empty(), "a Down after a successful demonitor");
            }
            Demonitored::Fired => {
                assert_eq!(downs.len(), 1, "downs: {downs:?}");
                assert_eq!(downs[0].monitor, monitor);
            }
            Demonitored::Unknown => panic!("demonitor lost a monitor whose Down was not handled"),
        }
        assert_eq!(target.counts().1, 0);
        assert_eq!(watcher.counts().2, 0);
    });
}

/// Two exit reasons race each other and the end of the task: the first one recorded is the
/// process's exit reason (`Shutdown` when the task ended first), and the linked process hears
/// of the exit exactly once, with that reason.
#[test]
fn loom_first_exit_reason_wins_and_links_hear_once() {
    loom::model(|| {
        let observer = Probe::new(true);
        let target = Probe::new(false);
        assert!(process::link(&observer.pid, &target.pid));
        let begin = |detail: &'static str| {
            let target = target.clone();
            thread::spawn(move || target.begin_exit(detail))
        };
        let first = begin("first");
        let second = begin("second");

        process::finish(&target.pid);
        let first_won = first.join().unwrap();
        let second_won = second.join().unwrap();

        assert!(!(first_won && second_won), "both reasons were recorded");
        let reason = target.pid.exit_reason().unwrap();
        let expected = match (first_won, second_won) {
            (true, _) => crash("first"),
            (_, true) => crash("second"),
            _ => ExitReason::Shutdown,
        };
        assert_eq!(reason, expected);
        let (exits, downs) = observer.take_inbox();
        assert!(downs.is_empty());
        assert_eq!(exits.len(), 1, "exits: {exits:?}");
        assert_eq!(exits[0].reason, reason);
        assert!(!target.pid.is_alive());
    });
}

/// An exit signal and a kill race the end of the task: the kill overrides a reason recorded
/// before it but not a finished exit, and the linked process hears of the exit exactly once,
/// with the reason the process keeps.
#[test]
fn loom_kill_racing_exit_signal_and_finish() {
    loom::model(|| {
        let observer = Probe::new(true);
        let target = Probe::new(false);
        assert!(process::link(&observer.pid, &target.pid));
        let signal = {
            let (target, from) = (target.clone(), observer.pid.clone());
            thread::spawn(move || process::exit_signal(&target.pid, &from, crash("signal")))
        };
        let kill = {
            let target = target.clone();
            thread::spawn(move || target.pid.kill())
        };

        process::finish(&target.pid);
        signal.join().unwrap();
        kill.join().unwrap();

        let reason = target.pid.exit_reason().unwrap();
        assert!(
            [crash("signal"), ExitReason::Killed, ExitReason::Shutdown].contains(&reason),
            "reason: {reason:?}"
        );
        let (exits, downs) = observer.take_inbox();
        assert!(downs.is_empty());
        assert_eq!(exits.len(), 1, "exits: {exits:?}");
        assert_eq!(exits[0].reason, reason);
        assert!(!target.pid.is_alive());
    });
}

/// `finish` called twice at once (the task's end and a failed start) tells each link and
/// monitor once.
#[test]
fn loom_finish_twice_tells_once() {
    loom::model(|| {
        let watcher = Probe::new(true);
        let target = Probe::new(false);
        assert!(process::link(&watcher.pid, &target.pid));
        let monitor = process::monitor(&watcher.pid, &target.pid);
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        process::finish(&target.pid);
        finisher.join().unwrap();

        let (exits, downs) = watcher.take_inbox();
        assert_eq!(exits.len(), 1, "exits: {exits:?}");
        assert_eq!(downs.len(), 1, "downs: {downs:?}");
        assert_eq!(downs[0].monitor, monitor);
        assert_eq!(downs[0].reason, crash("target"));
        assert_eq!(target.counts(), (0, 0, 0));
        assert_eq!(watcher.counts().0, 0);
    });
}

/// An exit hook added while the process finishes (a registry entry for a process that is
/// exiting) runs exactly once: by `finish` when it came first, or by the caller it is handed
/// back to.
#[test]
fn loom_exit_hook_racing_finish_runs_once() {
    loom::model(|| {
        let target = Probe::new(false);
        let runs = Arc::new(AtomicUsize::new(0));
        let finisher = target.finish_in_thread();

        let hook: ExitHook = Box::new({
            let runs = runs.clone();
            move |_, _| {
                runs.fetch_add(1, Ordering::SeqCst);
            }
        });
        if let Err(hook) = process::on_exit(&target.pid, hook) {
            hook(&target.pid, &ExitReason::NoProc);
        }
        finisher.join().unwrap();

        assert_eq!(runs.load(Ordering::SeqCst), 1);
    });
}

/// `unlink` racing the target's `finish`. OTP's promise: once `unlink` has returned, the link
/// has no effect on the caller. A signal the target sent before may have arrived (an `Exit`
/// queued for a process trapping exits, or its death); none arrives after, and no link is left.
fn unlink_racing_finish(trap_exit: bool) {
    loom::model(move || {
        let linker = Probe::new(trap_exit);
        let target = Probe::new(false);
        assert!(process::link(&linker.pid, &target.pid));
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        process::unlink(&linker.pid, &target.pid);
        let queued = linker.process.inbox.lock().unwrap().len();
        let alive = linker.pid.is_alive();
        finisher.join().unwrap();

        let (exits, downs) = linker.take_inbox();
        assert!(downs.is_empty());
        assert_eq!(exits.len(), queued, "an Exit came after unlink returned");
        assert_eq!(linker.pid.is_alive(), alive, "killed after unlink returned");
        if trap_exit {
            assert!(alive);
            assert!(exits.len() <= 1, "exits: {exits:?}");
        } else {
            assert!(exits.is_empty());
        }
        assert_eq!(linker.counts().0, 0, "a link to the dead target is left");
        assert_eq!(target.counts().0, 0);
    });
}

#[test]
fn loom_unlink_racing_finish_traps_no_exit_after_it_returns() {
    unlink_racing_finish(true);
}

#[test]
fn loom_unlink_racing_finish_is_not_killed_after_it_returns() {
    unlink_racing_finish(false);
}

/// A link then an unlink (as `Context::link` and `Context::unlink` do them), both racing the
/// target's `finish`: while linked, the linker hears of the exit once at most (a failed link
/// tells a process trapping exits with `NoProc`); after `unlink` returns, nothing more.
fn link_then_unlink_racing_finish(trap_exit: bool) {
    loom::model(move || {
        let linker = Probe::new(trap_exit);
        let target = Probe::new(false);
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        let made = process::link(&linker.pid, &target.pid);
        if !made && trap_exit {
            process::exit_signal(&linker.pid, &target.pid, ExitReason::NoProc);
        }
        process::unlink(&linker.pid, &target.pid);
        let queued = linker.process.inbox.lock().unwrap().len();
        let alive = linker.pid.is_alive();
        finisher.join().unwrap();

        let (exits, downs) = linker.take_inbox();
        assert!(downs.is_empty());
        assert_eq!(exits.len(), queued, "an Exit came after unlink returned");
        assert_eq!(linker.pid.is_alive(), alive, "killed after unlink returned");
        if trap_exit {
            assert!(alive);
            assert!(exits.len() <= 1, "link returned {made}; exits: {exits:?}");
            if !made {
                assert_eq!(exits.len(), 1, "a failed link told nothing");
                assert_eq!(exits[0].reason, ExitReason::NoProc);
            }
        } else {
            assert!(exits.is_empty());
            assert!(made || alive, "killed by a link that was not made");
        }
        assert_eq!(linker.counts().0, 0, "a link to the dead target is left");
        assert_eq!(target.counts().0, 0);
    });
}

#[test]
fn loom_link_then_unlink_racing_finish_trapping() {
    link_then_unlink_racing_finish(true);
}

#[test]
fn loom_link_then_unlink_racing_finish_not_trapping() {
    link_then_unlink_racing_finish(false);
}

/// Linking again to a linked target while it finishes: while the link stands (the target's
/// signal not yet delivered), `link` succeeds and the exit is heard once, with the target's
/// reason. Once the signal is queued the link is gone, and the new link fails with `NoProc`, as
/// in OTP.
#[test]
fn loom_relink_racing_finish_is_told_once() {
    loom::model(|| {
        let linker = Probe::new(true);
        let target = Probe::new(false);
        assert!(process::link(&linker.pid, &target.pid));
        assert!(target.begin_exit("target"));
        let finisher = target.finish_in_thread();

        let made = process::link(&linker.pid, &target.pid);
        if !made {
            process::exit_signal(&linker.pid, &target.pid, ExitReason::NoProc);
        }
        finisher.join().unwrap();

        let (exits, downs) = linker.take_inbox();
        assert!(downs.is_empty());
        let expected = if made {
            vec![crash("target")]
        } else {
            vec![crash("target"), ExitReason::NoProc]
        };
        let reasons: Vec<_> = exits.into_iter().map(|exit| exit.reason).collect();
        assert_eq!(reasons, expected, "link returned {made}");
        assert_eq!(linker.counts().0, 0, "a link to the dead target is left");
        assert_eq!(target.counts().0, 0);
    });
}

/// A link taken by one process while its partner unlinks from it never leaves half a link:
/// afterwards each holds the other or neither does. (Without both locks at once, `link` could
/// write its side, `unlink` clear both, and `link` write the other side: the partner's exit
/// would then reach a process whose own exit would not reach the partner.)
#[test]
fn loom_link_racing_unlink_leaves_no_half_link() {
    loom::model(|| {
        let first = Probe::new(true);
        let second = Probe::new(true);
        let unlinker = {
            let (first, second) = (first.pid.clone(), second.pid.clone());
            thread::spawn(move || process::unlink(&second, &first))
        };
        assert!(process::link(&first.pid, &second.pid));
        unlinker.join().unwrap();

        let (first_links, second_links) = (first.counts().0, second.counts().0);
        assert_eq!(
            first_links, second_links,
            "half a link: {first_links} one way, {second_links} the other"
        );
    });
}
