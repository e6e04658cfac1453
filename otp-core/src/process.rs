//! The untyped core of every process: its identity, its exit reason, its links and monitors,
//! and the exit-signal rules of OTP.
//!
//! A process is a tokio task that owns its state and its mailbox. What other processes may do
//! to it without knowing its type (link, monitor, send an info message, send an exit signal)
//! goes through [`Process`], implemented by the typed mailbox of each server. The lock in
//! [`ProcessCell`] guards links, monitors and timers only: no message takes it.

use std::any::Any;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64};
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::message::{Down, Exit, MonitorRef};
use crate::sync::{AtomicBool, Mutex, MutexGuard, Ordering};
use crate::timer::TimerEntry;
use crate::{AnyMessage, ExitReason, Pid};

/// What the runtime needs of a process without knowing its type.
pub(crate) trait Process: Send + Sync + 'static {
    /// The untyped state shared by all processes.
    fn cell(&self) -> &ProcessCell;
    /// The server's type, for logs.
    fn type_name(&self) -> &'static str;
    /// Puts an info message in the mailbox; does nothing when the process is dead.
    fn deliver_info(&self, message: AnyMessage);
    /// Wakes the run loop so it notices a pending exit.
    fn wake(&self);
    /// Asks the process to stop in order with `reason` (`GenServer.stop/2`): it finishes the
    /// message in hand, runs `terminate`, and exits. False when it is already dead.
    fn request_stop(&self, reason: ExitReason) -> bool;
    /// Puts a request of [`sys`](crate::sys) in the mailbox; false when the process is dead.
    fn system(&self, request: crate::sys::SystemRequest) -> bool;
    /// How many messages wait in the mailbox, those the run loop took but has not handled yet
    /// included.
    fn mailbox_len(&self) -> usize;
    /// The bytes the runtime holds for the process: its task, its process record, its mailbox's
    /// buffers (not what the state owns on the heap).
    fn memory(&self) -> usize;
    /// The process as `Any`, to recover its typed handle.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

/// The identity and exit bookkeeping of one process.
pub(crate) struct ProcessCell {
    id: u64,
    /// What the process is doing, for introspection: a [`Status`] as a byte.
    status: AtomicU8,
    dying: AtomicBool,
    /// Set by a kill or a fatal exit signal: the process runs no more callbacks.
    doomed: AtomicBool,
    trap_exit: AtomicBool,
    /// A callback went pending (awaited) since the run loop last looked: the loop then publishes
    /// its counts at the next message, so a server busy in slow handlers shows them per message.
    pended: std::sync::atomic::AtomicBool,
    relations: Mutex<Relations>,
    /// Messages handled, for introspection: written by the run loop only, when it waits and
    /// after each run of messages (see `run_loop::Turn`), read by whoever looks.
    handled: AtomicU64,
    /// When the process was made, in seconds since the first process was (see [`started`]).
    started_at: u32,
    /// The 128-byte blocks of its task (the future and tokio's cell around it), saturated; set
    /// once it is spawned.
    task_blocks: AtomicU8,
    /// How many messages the run loop took from the mailbox and has not handled yet: published
    /// when it takes a batch, when it waits and after each run of messages.
    in_hand: AtomicU32,
    /// Its place in the process table (`observe::process_table`), set when it is added.
    table_slot: AtomicU32,
    /// The id of the process whose reply a call of this one waits for; 0 when none.
    waiting_on: AtomicU64,
    /// When that wait began: milliseconds on the wait-for clock, wrapping (see
    /// [`Self::begin_waiting`]).
    waiting_since: AtomicU32,
}

/// The clock of `started_at`: when the first process was made, on the system clock and on the
/// coarse monotonic clock that spawns read (see [`seconds_since_start`]).
fn started() -> (SystemTime, coarsetime::Instant) {
    static FIRST: OnceLock<(SystemTime, coarsetime::Instant)> = OnceLock::new();
    *FIRST.get_or_init(|| (SystemTime::now(), coarsetime::Instant::now()))
}

/// What a process is doing, as [`ProcessCell`] records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Status {
    /// Waiting for a message.
    Waiting = 0,
    /// Running a callback (`init` included).
    Running = 1,
    /// Suspended by `sys::suspend`: handles nothing but system requests.
    Suspended = 2,
}

#[derive(Default)]
struct Relations {
    reason: Option<ExitReason>,
    /// The task has ended: no new link or monitor is taken.
    finished: bool,
    /// Links and monitors have been told of the exit: waiters return at once.
    notified: bool,
    /// The task's abort handle, set once it is spawned and dropped when it ends (so a pid held
    /// after the exit does not keep the task's memory). Here rather than in a `OnceLock` of its
    /// own: the lock costs a spawn nothing more, and every server 8 bytes less.
    abort: Option<AbortHandle>,
    /// Made on the first name, link, monitor, timer or exit hook: a process with none of them
    /// (a server started on its own) carries one pointer instead of a name and six empty
    /// collections (workload C of `BENCHMARKS.md`, "memory per idle server").
    ties: Option<Box<Ties>>,
}

impl Relations {
    /// The ties, made now if the process had none.
    fn ties(&mut self) -> &mut Ties {
        self.ties.get_or_insert_with(Box::default)
    }
}

#[derive(Default)]
struct Ties {
    name: Option<Arc<str>>,
    /// A set: a supervisor links to every child, and each link or exit looks one up.
    links: HashSet<Pid>,
    monitors: Vec<(MonitorRef, Watcher)>,
    watching: Vec<(MonitorRef, Pid)>,
    timers: Vec<TimerEntry>,
    exit_hooks: Vec<(u64, ExitHook)>,
    /// Reply senders a crash dropped: dropped once links and monitors have been told.
    after_exit: Vec<Box<dyn Any + Send>>,
    /// The process that started it linked (a supervisor for its children).
    parent: Option<Pid>,
    /// Data other handles of the process reach without a message (a registry's entries).
    attachment: Option<Arc<dyn Any + Send + Sync>>,
    /// The messages still to trace (`sys::trace`); only the run loop reads and writes it.
    trace_left: u32,
}

/// What the introspection functions read of a process's relations, in one lock.
pub(crate) struct RelationsSnapshot {
    pub(crate) name: Option<Arc<str>>,
    pub(crate) parent: Option<Pid>,
    pub(crate) links: Vec<Pid>,
    /// The processes that monitor this one.
    pub(crate) monitored_by: Vec<Pid>,
    /// The processes this one monitors.
    pub(crate) monitors: Vec<Pid>,
    /// The messages a trace is still to log (`sys::trace`); 0 when none.
    pub(crate) trace_left: u32,
    /// Bytes held by the relations (links, monitors, timers, hooks), roughly.
    pub(crate) memory: usize,
}

/// Work the runtime does when a process exits, before links and monitors are told (registry
/// entries removed, a table handed to its heir).
pub(crate) type ExitHook = Box<dyn FnOnce(&Pid, &ExitReason) + Send>;

enum Watcher {
    Process(Pid),
    Waiter(oneshot::Sender<ExitReason>),
}

impl ProcessCell {
    #[inline]
    pub(crate) fn new() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        ProcessCell {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            dying: AtomicBool::new(false),
            doomed: AtomicBool::new(false),
            trap_exit: AtomicBool::new(false),
            pended: std::sync::atomic::AtomicBool::new(false),
            relations: Mutex::new(Relations::default()),
            status: AtomicU8::new(Status::Running as u8),
            handled: AtomicU64::new(0),
            started_at: seconds_since_start(),
            task_blocks: AtomicU8::new(0),
            in_hand: AtomicU32::new(0),
            table_slot: AtomicU32::new(0),
            waiting_on: AtomicU64::new(0),
            waiting_since: AtomicU32::new(0),
        }
    }

    #[inline]
    pub(crate) fn status(&self) -> Status {
        match self.status.load(std::sync::atomic::Ordering::Relaxed) {
            0 => Status::Waiting,
            2 => Status::Suspended,
            _ => Status::Running,
        }
    }

    /// Records what the process does now; only its own run loop calls this.
    #[inline]
    pub(crate) fn set_status(&self, status: Status) {
        self.status
            .store(status as u8, std::sync::atomic::Ordering::Relaxed);
    }

    /// Notes that a callback is awaiting; only the run loop's callbacks call this, on the path
    /// where the task gives its thread back anyway.
    #[inline]
    pub(crate) fn note_pended(&self) {
        self.pended
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a callback went pending since the last call; clears the note.
    #[inline]
    pub(crate) fn take_pended(&self) -> bool {
        self.pended.load(std::sync::atomic::Ordering::Relaxed)
            && self
                .pended
                .swap(false, std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts messages handled; only the process's own run loop calls this, so a load and a
    /// store do (no atomic read-modify-write).
    #[inline]
    pub(crate) fn count_handled(&self, messages: u32) {
        let handled = self.handled.load(std::sync::atomic::Ordering::Relaxed);
        self.handled.store(
            handled + u64::from(messages),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    pub(crate) fn handled(&self) -> u64 {
        self.handled.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The bytes of the process's task.
    pub(crate) fn task_size(&self) -> usize {
        usize::from(self.task_blocks.load(std::sync::atomic::Ordering::Relaxed)) * 128
    }

    /// Records the bytes of the process's task, a multiple of 128.
    pub(crate) fn set_task_size(&self, bytes: usize) {
        let blocks = u8::try_from(bytes / 128).unwrap_or(u8::MAX);
        self.task_blocks
            .store(blocks, std::sync::atomic::Ordering::Relaxed);
    }

    /// The messages the run loop is still to trace (`sys::trace`); kept with the rare ties,
    /// and read by the run loop only while a trace lasts.
    pub(crate) fn trace_left(&self) -> u32 {
        self.relations()
            .ties
            .as_ref()
            .map_or(0, |ties| ties.trace_left)
    }

    /// Records the messages the run loop is still to trace.
    pub(crate) fn set_trace_left(&self, messages: u32) {
        let mut relations = self.relations();
        match relations.ties.as_mut() {
            Some(ties) => ties.trace_left = messages,
            None if messages == 0 => {}
            None => relations.ties().trace_left = messages,
        }
    }

    /// The process's place in the process table.
    #[inline]
    pub(crate) fn table_slot(&self) -> u32 {
        self.table_slot.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records the process's place in the process table; only the table calls this, under the
    /// lock of the part that holds it.
    #[inline]
    pub(crate) fn set_table_slot(&self, slot: u32) {
        self.table_slot
            .store(slot, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many messages the run loop holds, taken from the mailbox and not handled yet.
    #[inline]
    pub(crate) fn in_hand(&self) -> usize {
        self.in_hand.load(std::sync::atomic::Ordering::Relaxed) as usize
    }

    /// Records how many messages the run loop holds; saturated, as only people read it.
    #[inline]
    pub(crate) fn set_in_hand(&self, count: usize) {
        self.in_hand.store(
            u32::try_from(count).unwrap_or(u32::MAX),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    pub(crate) fn started_at(&self) -> SystemTime {
        started().0 + Duration::from_secs(u64::from(self.started_at))
    }

    /// Records the process that started it linked.
    pub(crate) fn set_parent(&self, parent: Pid) {
        self.relations().ties().parent = Some(parent);
    }

    /// Records that the process is blocked in a call to the process `server` since `since`
    /// (milliseconds on the clock of `observe::wait_for`, wrapping). Plain stores: only the
    /// process's own callbacks make its calls.
    #[inline]
    pub(crate) fn begin_waiting(&self, server: u64, since: u32) {
        self.waiting_since
            .store(since, std::sync::atomic::Ordering::Relaxed);
        self.waiting_on
            .store(server, std::sync::atomic::Ordering::Release);
    }

    /// The call to `server` has ended.
    #[inline]
    pub(crate) fn end_waiting(&self, server: u64) {
        if self.waiting_on.load(std::sync::atomic::Ordering::Relaxed) == server {
            self.waiting_on
                .store(0, std::sync::atomic::Ordering::Release);
        }
    }

    /// The process the call it is blocked in went to, and since when; `None` when it is not
    /// blocked in a call.
    pub(crate) fn waiting(&self) -> Option<(u64, u32)> {
        let server = self.waiting_on.load(std::sync::atomic::Ordering::Acquire);
        let since = self
            .waiting_since
            .load(std::sync::atomic::Ordering::Relaxed);
        (server != 0).then_some((server, since))
    }

    /// The relations, read in one lock.
    pub(crate) fn relations_snapshot(&self) -> RelationsSnapshot {
        let relations = self.relations();
        let Some(ties) = relations.ties.as_ref() else {
            return RelationsSnapshot {
                name: None,
                parent: None,
                links: Vec::new(),
                monitored_by: Vec::new(),
                monitors: Vec::new(),
                trace_left: 0,
                memory: 0,
            };
        };
        let monitored_by = (ties.monitors.iter())
            .filter_map(|(_, watcher)| match watcher {
                Watcher::Process(pid) => Some(pid.clone()),
                Watcher::Waiter(_) => None,
            })
            .collect();
        let memory = size_of::<Ties>()
            + ties.links.capacity() * size_of::<Pid>()
            + ties.monitors.capacity() * size_of::<(MonitorRef, Watcher)>()
            + ties.watching.capacity() * size_of::<(MonitorRef, Pid)>()
            + ties.timers.capacity() * size_of::<TimerEntry>()
            + ties.exit_hooks.capacity() * size_of::<(u64, ExitHook)>();
        RelationsSnapshot {
            name: ties.name.clone(),
            parent: ties.parent.clone(),
            links: ties.links.iter().cloned().collect(),
            monitored_by,
            monitors: ties.watching.iter().map(|(_, pid)| pid.clone()).collect(),
            trace_left: ties.trace_left,
            memory,
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    fn relations(&self) -> MutexGuard<'_, Relations> {
        // No code panics while holding this lock; recover the data if it ever happened.
        self.relations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether an exit has begun: the run loop checks this between messages.
    pub(crate) fn is_dying(&self) -> bool {
        self.dying.load(Ordering::Acquire)
    }

    /// False once the process has exited, and as soon as a kill or a fatal exit signal has
    /// reached it: as in OTP, the sender of the signal sees it dead right after sending.
    pub(crate) fn is_alive(&self) -> bool {
        !self.doomed.load(Ordering::Acquire) && !self.relations().finished
    }

    /// The exit reason once the process has begun to exit.
    pub(crate) fn exit_reason(&self) -> Option<ExitReason> {
        self.relations().reason.clone()
    }

    pub(crate) fn set_abort_handle(&self, handle: AbortHandle) {
        let mut relations = self.relations();
        if !relations.finished {
            relations.abort = Some(handle);
        }
    }

    /// Attaches data to the process, once; false when something is attached already.
    pub(crate) fn attach(&self, data: Arc<dyn Any + Send + Sync>) -> bool {
        let mut relations = self.relations();
        let ties = relations.ties();
        if ties.attachment.is_some() {
            return false;
        }
        ties.attachment = Some(data);
        true
    }

    /// The attached data, while the process lives.
    pub(crate) fn attachment(&self) -> Option<Arc<dyn Any + Send + Sync>> {
        self.relations().ties.as_ref()?.attachment.clone()
    }

    pub(crate) fn traps_exits(&self) -> bool {
        self.trap_exit.load(Ordering::Relaxed)
    }

    pub(crate) fn set_trap_exit(&self, trap: bool) -> bool {
        self.trap_exit.swap(trap, Ordering::Relaxed)
    }

    pub(crate) fn name(&self) -> Option<Arc<str>> {
        let relations = self.relations();
        relations.ties.as_ref().and_then(|ties| ties.name.clone())
    }

    pub(crate) fn set_name(&self, name: Option<Arc<str>>) {
        let mut relations = self.relations();
        if name.is_some() || relations.ties.is_some() {
            relations.ties().name = name;
        }
    }

    /// Records why the process is exiting. The first reason wins, except `overwrite`, which
    /// `kill` uses. Returns false when the process had already begun to exit and kept its
    /// reason.
    pub(crate) fn begin_exit(&self, reason: ExitReason, overwrite: bool) -> bool {
        self.begin_exit_locked(&mut self.relations(), reason, overwrite)
    }

    /// [`Self::begin_exit`] under a lock the caller holds.
    fn begin_exit_locked(
        &self,
        relations: &mut Relations,
        reason: ExitReason,
        overwrite: bool,
    ) -> bool {
        if relations.finished || (relations.reason.is_some() && !overwrite) {
            return false;
        }
        relations.reason = Some(reason);
        self.dying.store(true, Ordering::Release);
        true
    }

    /// Keeps `items` until the process has told its links and monitors of its exit.
    pub(crate) fn drop_after_exit(&self, items: Vec<Box<dyn Any + Send>>) {
        if items.is_empty() {
            return;
        }
        let mut relations = self.relations();
        if !relations.notified {
            relations.ties().after_exit.extend(items);
        }
    }

    /// Remembers a timer so that it dies with this process; gives it back when the process has
    /// already exited.
    pub(crate) fn add_timer(&self, timer: TimerEntry) -> Result<(), TimerEntry> {
        let mut relations = self.relations();
        if relations.finished {
            return Err(timer);
        }
        let ties = relations.ties();
        ties.timers.retain(|timer| !timer.is_finished());
        ties.timers.push(timer);
        Ok(())
    }
}

/// What the loom models check is left behind: no link, monitor or record of one that outlives
/// the processes it names.
#[cfg(all(test, otp_loom))]
impl ProcessCell {
    /// How many links, monitors and watched processes the cell holds.
    pub(crate) fn relation_counts(&self) -> (usize, usize, usize) {
        let relations = self.relations();
        relations.ties.as_ref().map_or((0, 0, 0), |ties| {
            (ties.links.len(), ties.monitors.len(), ties.watching.len())
        })
    }
}

/// Ends `process` at once with `reason`, without running its `terminate`: an untrappable
/// kill, or an exit signal that a process not trapping exits dies of.
pub(crate) fn terminate_now(process: &Arc<dyn Process>, reason: ExitReason) {
    let cell = process.cell();
    let doomed = doom(cell, &mut cell.relations(), reason);
    if doomed {
        stop_task(process);
    }
}

/// Records a fatal exit under the target's lock; true when its task is to be stopped, which
/// the caller does with [`stop_task`] once the lock is released.
fn doom(cell: &ProcessCell, relations: &mut Relations, reason: ExitReason) -> bool {
    let kill = reason == ExitReason::Killed;
    if cell.begin_exit_locked(relations, reason, kill) || kill {
        cell.doomed.store(true, Ordering::Release);
        return true;
    }
    false
}

/// Aborts a doomed process's task and wakes its loop: outside any lock, as neither is ours.
fn stop_task(process: &Arc<dyn Process>) {
    let handle = process.cell().relations().abort.clone();
    if let Some(handle) = handle {
        handle.abort();
    }
    process.wake();
}

/// Delivers an exit signal from `from` to `target`, following OTP: a trapping target gets an
/// [`Exit`] message; otherwise a normal exit is ignored and any other reason ends the target.
pub(crate) fn exit_signal(target: &Pid, from: &Pid, reason: ExitReason) {
    let process = target.process();
    let doomed = signal_locked(process, &mut process.cell().relations(), from, reason);
    if doomed {
        stop_task(process);
    }
}

/// The exit signal of a link, sent by `from`'s `finish` only if `target` still holds its side
/// of the link, checked and delivered under `target`'s lock: an `unlink` by `target` comes
/// wholly before (no signal) or wholly after (the signal is already queued or has doomed it),
/// so none arrives once `unlink` has returned, as OTP promises.
fn link_exit_signal(target: &Pid, from: &Pid, reason: &ExitReason) {
    let process = target.process();
    let doomed = {
        let mut relations = process.cell().relations();
        let linked = (relations.ties.as_mut()).is_some_and(|ties| ties.links.remove(from));
        linked && signal_locked(process, &mut relations, from, reason.clone())
    };
    if doomed {
        stop_task(process);
    }
}

/// OTP's rule for an exit signal, applied under the target's lock: a trapping target gets an
/// [`Exit`] message, a normal exit is otherwise ignored, and any other reason dooms the target;
/// true when its task is to be stopped, which the caller does with [`stop_task`] once the lock
/// is released. The lock is held across `deliver_info`, which takes only the mailbox's lock
/// (relations, then mailbox: no path takes them the other way) and runs no user code.
fn signal_locked(
    process: &Arc<dyn Process>,
    relations: &mut Relations,
    from: &Pid,
    reason: ExitReason,
) -> bool {
    let cell = process.cell();
    if cell.traps_exits() {
        process.deliver_info(AnyMessage::new(Exit {
            from: from.clone(),
            reason,
        }));
        false
    } else {
        !reason.is_normal() && doom(cell, relations, reason)
    }
}

/// The relations of two distinct processes, both locked, in the order of their ids: `link`
/// and `unlink` change both sides at once, so neither sees, nor leaves, half a link. Every other
/// path holds one process's lock at a time, so this order is the only one that matters.
fn lock_pair<'a>(
    this: &'a Pid,
    other: &'a Pid,
) -> (MutexGuard<'a, Relations>, MutexGuard<'a, Relations>) {
    let (this_cell, other_cell) = (this.process().cell(), other.process().cell());
    if this_cell.id() < other_cell.id() {
        let mine = this_cell.relations();
        (mine, other_cell.relations())
    } else {
        let theirs = other_cell.relations();
        (this_cell.relations(), theirs)
    }
}

/// Links two processes; false when `other` is already dead (or `this` is).
pub(crate) fn link(this: &Pid, other: &Pid) -> bool {
    if this == other {
        return true;
    }
    let (mut mine, mut theirs) = lock_pair(this, other);
    if mine.finished {
        return false;
    }
    if theirs.finished {
        // A link made before `other` finished went with it, and its exit signal reaches us
        // while our side holds it (see `link_exit_signal`): it counts as made, and a `NoProc`
        // as well would tell a process trapping exits twice. A new one to a dead process is
        // not made.
        return (mine.ties.as_ref()).is_some_and(|ties| ties.links.contains(other));
    }
    mine.ties().links.insert(other.clone());
    theirs.ties().links.insert(this.clone());
    true
}

/// Removes the link between two processes, if there is one. Once our side is gone, `other`'s
/// `finish` sends us nothing (see `link_exit_signal`).
pub(crate) fn unlink(this: &Pid, other: &Pid) {
    if this == other {
        return;
    }
    let (mut mine, mut theirs) = lock_pair(this, other);
    if let Some(ties) = mine.ties.as_mut() {
        ties.links.remove(other);
    }
    if let Some(ties) = theirs.ties.as_mut() {
        ties.links.remove(this);
    }
}

/// Monitors `target` on behalf of `watcher`: a [`Down`] message comes when it exits, at once
/// with `NoProc` if it is already dead.
pub(crate) fn monitor(watcher: &Pid, target: &Pid) -> MonitorRef {
    let reference = MonitorRef::next();
    let registered = {
        let mut relations = target.process().cell().relations();
        // Between the task's end and the telling of links and monitors, a new monitor still
        // gets the real reason, once the exit hooks have run.
        if relations.notified {
            false
        } else {
            relations
                .ties()
                .monitors
                .push((reference, Watcher::Process(watcher.clone())));
            true
        }
    };
    // Recorded either way, so `demonitor` can tell a `Down` still queued from one handled.
    watcher
        .process()
        .cell()
        .relations()
        .ties()
        .watching
        .push((reference, target.clone()));
    if !registered {
        watcher.process().deliver_info(AnyMessage::new(Down {
            monitor: reference,
            pid: target.clone(),
            reason: ExitReason::NoProc,
        }));
    }
    reference
}

/// What `demonitor` found.
pub(crate) enum Demonitored {
    /// The monitor was active and is removed: no `Down` will come.
    Active,
    /// Its `Down` was sent and may still be queued.
    Fired,
    /// No such monitor: its `Down` was already handled, or it never existed.
    Unknown,
}

/// Removes a monitor of `watcher`.
pub(crate) fn demonitor(watcher: &Pid, reference: MonitorRef) -> Demonitored {
    let target = {
        let mut relations = watcher.process().cell().relations();
        relations.ties.as_mut().and_then(|ties| {
            let position = ties
                .watching
                .iter()
                .position(|(watched, _)| *watched == reference);
            position.map(|index| ties.watching.swap_remove(index).1)
        })
    };
    let Some(target) = target else {
        return Demonitored::Unknown;
    };
    let mut relations = target.process().cell().relations();
    let removed = relations.ties.as_mut().is_some_and(|ties| {
        let before = ties.monitors.len();
        ties.monitors.retain(|(watched, _)| *watched != reference);
        ties.monitors.len() != before
    });
    if removed {
        Demonitored::Active
    } else {
        Demonitored::Fired
    }
}

/// Runs `hook` when `pid` exits; gives it back when the process has already exited.
pub(crate) fn on_exit(pid: &Pid, hook: ExitHook) -> Result<(), ExitHook> {
    on_exit_keyed(pid, hook).map(|_| ())
}

/// Like [`on_exit`], with a key to remove the hook when it is no longer wanted (a task that
/// finished before its owner).
pub(crate) fn on_exit_keyed(pid: &Pid, hook: ExitHook) -> Result<u64, ExitHook> {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    let mut relations = pid.process().cell().relations();
    if relations.finished {
        return Err(hook);
    }
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    relations.ties().exit_hooks.push((key, hook));
    Ok(key)
}

/// Removes a hook added by [`on_exit_keyed`].
pub(crate) fn remove_exit_hook(pid: &Pid, key: u64) {
    if let Some(ties) = pid.process().cell().relations().ties.as_mut() {
        ties.exit_hooks.retain(|(held, _)| *held != key);
    }
}

/// Forgets a monitor of `watcher` whose `Down` message has arrived.
pub(crate) fn forget_monitor(watcher: &Pid, reference: MonitorRef) {
    if let Some(ties) = watcher.process().cell().relations().ties.as_mut() {
        ties.watching.retain(|(watched, _)| *watched != reference);
    }
}

/// Removes every link of `pid`: a failed `init` returns its error to the starter instead of
/// sending it an exit signal.
pub(crate) fn unlink_all(pid: &Pid) {
    let links = (pid.process().cell().relations().ties.as_mut())
        .map(|ties| std::mem::take(&mut ties.links))
        .unwrap_or_default();
    for linked in links {
        unlink(pid, &linked);
    }
}

/// Waits for the process to exit and returns its reason. A wait dropped before the exit (the
/// losing branch of a `select!`, a timeout around it) takes its waiter back out of the process,
/// so abandoned waits on a long-lived process keep nothing.
pub(crate) async fn wait_exit(target: &Pid) -> ExitReason {
    let (reference, receiver) = {
        let mut relations = target.process().cell().relations();
        if relations.notified {
            return relations.reason.clone().unwrap_or(ExitReason::NoProc);
        }
        // Finished but links and monitors not yet told: wait for that too, so that whoever
        // `wait_exit` wakes sees the exit where its supervisor and watchers see it.
        let (sender, receiver) = oneshot::channel();
        let reference = MonitorRef::next();
        relations
            .ties()
            .monitors
            .push((reference, Watcher::Waiter(sender)));
        (reference, receiver)
    };
    let mut waiter = Waiter {
        target,
        reference: Some(reference),
    };
    let reason = receiver.await;
    // Told (or dropped by `finish`): the entry is gone already.
    waiter.reference = None;
    reason.unwrap_or(ExitReason::NoProc)
}

/// A pending [`wait_exit`]: dropped before it is told, it removes its entry from the target's
/// monitors.
struct Waiter<'a> {
    target: &'a Pid,
    reference: Option<MonitorRef>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let Some(reference) = self.reference else {
            return;
        };
        let removed = {
            let mut relations = self.target.process().cell().relations();
            relations.ties.as_mut().and_then(|ties| {
                let index = (ties.monitors.iter()).position(|(held, _)| *held == reference)?;
                Some(ties.monitors.remove(index))
            })
        };
        // The sender is dropped outside the lock.
        drop(removed);
    }
}

/// Tells a monitor or a waiter that `pid` exited with `reason`.
fn tell_watcher(pid: &Pid, reference: MonitorRef, watcher: Watcher, reason: &ExitReason) {
    match watcher {
        Watcher::Process(watcher) => watcher.process().deliver_info(AnyMessage::new(Down {
            monitor: reference,
            pid: pid.clone(),
            reason: reason.clone(),
        })),
        Watcher::Waiter(sender) => {
            let _ = sender.send(reason.clone());
        }
    }
}

/// Seconds since the first process was made (see [`started`]), saturated: read on the coarse
/// monotonic clock, which ticks every few milliseconds and costs a spawn no hardware clock read.
fn seconds_since_start() -> u32 {
    let first = started().1;
    let since = coarsetime::Instant::now().duration_since(first);
    u32::try_from(since.as_secs()).unwrap_or(u32::MAX)
}

/// Runs when a process's task ends, however it ends: tells links and monitors, drops the
/// name and the timers, and logs a reason other than normal or shutdown.
pub(crate) fn finish(pid: &Pid) {
    let cell = pid.process().cell();
    let (reason, ties, abort) = {
        let mut relations = cell.relations();
        if relations.finished {
            return;
        }
        relations.finished = true;
        // No reason means the task was dropped from outside, by the runtime shutting down.
        let reason = relations.reason.get_or_insert(ExitReason::Shutdown).clone();
        cell.dying.store(true, Ordering::Release);
        let taken = relations.ties.take().map(|ties| *ties).unwrap_or_default();
        (reason, taken, relations.abort.take())
    };
    drop(abort);
    crate::observe::process_table::remove(pid);
    if let Some(name) = &ties.name {
        crate::names::unregister_pid(name, pid);
    }
    for timer in &ties.timers {
        timer.cancel();
    }
    // Before links and monitors hear of the exit: whoever sees the `Down` finds the registry
    // entries of the process gone and its tables handed over.
    for (_, hook) in ties.exit_hooks {
        hook(pid, &reason);
    }
    for (reference, target) in ties.watching {
        if let Some(theirs) = target.process().cell().relations().ties.as_mut() {
            theirs.monitors.retain(|(watched, _)| *watched != reference);
        }
    }
    // Processes that die of the exit first, then those that trap it: a supervisor trapping
    // the exit of a child supervisor restarts it only once the grandchildren are dead, so
    // their names are free again.
    let (trapping, dying): (Vec<Pid>, Vec<Pid>) = ties
        .links
        .into_iter()
        .partition(|linked| linked.process().cell().traps_exits());
    for linked in dying.iter().chain(&trapping) {
        link_exit_signal(linked, pid, &reason);
    }
    for (reference, watcher) in ties.monitors {
        tell_watcher(pid, reference, watcher, &reason);
    }
    // Monitors and waiters that came while the exit was being told.
    let late_waiters = {
        let mut relations = cell.relations();
        relations.notified = true;
        (relations.ties.as_mut())
            .map(|ties| std::mem::take(&mut ties.monitors))
            .unwrap_or_default()
    };
    for (reference, watcher) in late_waiters {
        tell_watcher(pid, reference, watcher, &reason);
    }
    // The callers of a crashed callback, after its links: a linked caller dies first.
    drop(ties.after_exit);
    if !reason.is_quiet() {
        let name = ties.name.as_deref().unwrap_or("");
        tracing::error!(
            pid = %pid,
            name,
            server = pid.process().type_name(),
            reason = %reason,
            "process exited"
        );
    }
}
