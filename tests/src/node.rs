//! The `Node` server of the link and trap-exit tests: it links, unlinks and traps exits on
//! request, records the `Exit` messages it gets, and logs its `terminate` with the reason.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

/// The `(name, reason)` of each node whose `terminate` ran, in order.
pub type Log = Arc<Mutex<Vec<(&'static str, ExitReason)>>>;

pub struct Node {
    name: &'static str,
    terminated: Log,
    exits: Vec<Exit>,
}

#[genserver]
impl Node {
    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) -> Result<(), NoProc> {
        ctx.link(&other)
    }

    #[handle_call]
    fn unlink_from(&mut self, other: Pid, ctx: &mut Context<Self>) {
        ctx.unlink(&other);
    }

    #[handle_call]
    fn trap(&mut self, trap: bool, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(trap)
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        self.name
    }

    #[handle_call]
    fn exits(&mut self) -> Vec<Exit> {
        self.exits.clone()
    }

    #[handle_call]
    fn crash(&mut self) {
        panic!("crash in {}", self.name);
    }

    #[handle_cast]
    fn stop_with(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        self.exits.push(exit);
    }

    #[terminate]
    fn on_stop(&mut self, reason: &ExitReason) {
        self.terminated
            .lock()
            .unwrap()
            .push((self.name, reason.clone()));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Starts a node named `name` (unlinked, not trapping) that logs its `terminate` to `log`.
pub async fn node(name: &'static str, log: &Log) -> NodeRef {
    Node::start(Node {
        name,
        terminated: log.clone(),
        exits: Vec::new(),
    })
    .await
    .expect("the node starts")
}

/// The `terminate` log so far.
pub fn terminated(log: &Log) -> Vec<(&'static str, ExitReason)> {
    log.lock().unwrap().clone()
}
