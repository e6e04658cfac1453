//! Once `unlink` has returned, the link has no effect on the caller (OTP's `unlink/1`
//! promise), even when the other process was already exiting: a process that unlinks while its
//! partner is telling its links of its exit is neither killed nor sent an `Exit` afterwards.
//!
//! The race is made deterministic by stopping inside the partner's exit: its registry entry
//! is removed after it has taken its links and before it signals them, and dropping the entry's
//! value makes the unlinking process unlink and waits until it has.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Registry, RegistryRef};

/// What a [`Tripwire`] runs, once armed; the test keeps it to arm it.
type Action = Arc<Mutex<Option<Box<dyn FnOnce() + Send>>>>;

/// A registry value that runs the armed action when it is dropped: the registry drops the
/// exiting process's entry while that process tells its links, and the action runs there.
#[derive(Clone)]
struct Tripwire(Action);

impl Drop for Tripwire {
    fn drop(&mut self) {
        let action = self.0.lock().unwrap().take();
        if let Some(action) = action {
            action();
        }
    }
}

type Entries = RegistryRef<&'static str, Tripwire>;

/// The exiting process: registers itself with the tripwire as its value.
struct Partner;

#[genserver]
impl Partner {
    #[init]
    fn init(args: (Entries, Tripwire)) -> Result<Self, InitError> {
        let (entries, tripwire) = args;
        entries.register("partner", tripwire)?;
        Ok(Partner)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Asks the unlinking process to unlink from `from`; `done` hears when `unlink` has returned.
struct UnlinkFrom {
    from: Pid,
    done: mpsc::Sender<()>,
}

/// The process that unlinks, trapping exits or not; it records the `Exit` messages it gets.
struct Unlinker {
    exits: Vec<Exit>,
}

#[genserver]
impl Unlinker {
    #[handle_call]
    fn link_to(&mut self, other: Pid, trap: bool, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(trap);
        ctx.link(&other).is_ok()
    }

    #[handle_call]
    fn exits(&mut self) -> Vec<Exit> {
        self.exits.clone()
    }

    #[handle_info]
    fn unlink_from(&mut self, request: UnlinkFrom, ctx: &mut Context<Self>) {
        ctx.unlink(&request.from);
        let _ = request.done.send(());
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        self.exits.push(exit);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Stops a partner linked to an unlinker that unlinks in the middle of the partner's exit;
/// returns the unlinker, and whether the unlink happened inside that window.
async fn unlink_while_partner_exits(trap: bool) -> (UnlinkerRef, bool) {
    let entries: Entries = Registry::unique().start().await.unwrap();
    let action = Action::default();
    let partner = Partner::start((entries, Tripwire(action.clone())))
        .await
        .unwrap();
    let unlinker = Unlinker::start(Unlinker { exits: Vec::new() })
        .await
        .unwrap();
    assert_eq!(unlinker.link_to(partner.pid(), trap).await, Ok(true));

    let (unlinked, in_window) = mpsc::channel();
    *action.lock().unwrap() = Some(Box::new({
        let (unlinker, partner) = (unlinker.pid(), partner.pid());
        move || {
            // Runs on the exiting partner's worker thread, which it blocks: the request goes out
            // from another thread, so that the runtime's other worker runs the unlinker.
            let (done, unlink_returned) = mpsc::channel();
            thread::spawn(move || {
                unlinker.send(UnlinkFrom {
                    from: partner,
                    done,
                })
            });
            // A bound only so that a broken runtime fails the test instead of hanging it.
            let returned = unlink_returned
                .recv_timeout(Duration::from_secs(30))
                .is_ok();
            let _ = unlinked.send(returned);
        }
    }));

    let reason = ExitReason::ShutdownWith("partner".into());
    assert_eq!(partner.server().stop(reason.clone()).await, Ok(()));
    assert_eq!(partner.pid().wait_exit().await, reason);
    (unlinker, in_window.recv().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trapping_process_gets_no_exit_after_unlink_returned() {
    let (unlinker, in_window) = unlink_while_partner_exits(true).await;
    assert!(
        in_window,
        "the unlink did not run inside the partner's exit"
    );
    // The partner's exit was told before `wait_exit` returned: an `Exit` would be queued
    // ahead of this call.
    assert_eq!(unlinker.exits().await, Ok(Vec::new()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_not_trapping_is_not_killed_after_unlink_returned() {
    let (unlinker, in_window) = unlink_while_partner_exits(false).await;
    assert!(
        in_window,
        "the unlink did not run inside the partner's exit"
    );
    assert_eq!(unlinker.pid().exit_reason(), None);
    assert_eq!(unlinker.exits().await, Ok(Vec::new()));
    assert!(unlinker.is_alive());
}
