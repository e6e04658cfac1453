//! A crash in one process takes down only that process: the runtime and every other server
//! keep running and answering, on a single-thread and a multi-thread runtime alike.

use otp_core::prelude::*;
use tokio::sync::oneshot;

#[derive(Default)]
struct Worker {
    count: u64,
    gate: Option<oneshot::Receiver<()>>,
}

#[genserver]
impl Worker {
    #[handle_call]
    fn bump(&mut self) -> u64 {
        self.count += 1;
        self.count
    }

    #[handle_cast]
    fn explode(&mut self, message: String) {
        panic!("{message}");
    }

    #[handle_call]
    fn explode_in_call(&mut self) -> u64 {
        panic!("call exploded");
    }

    #[handle_cast]
    fn set_gate(&mut self, gate: oneshot::Receiver<()>) {
        self.gate = Some(gate);
    }

    /// Stays in the handler until the gate opens.
    #[handle_call]
    async fn wait_gate(&mut self) -> u64 {
        if let Some(gate) = self.gate.take() {
            let _ = gate.await;
        }
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start() -> WorkerRef {
    Worker::start(Worker::default()).await.expect("starts")
}

async fn crash_one_and_check_the_others() {
    let doomed = start().await;
    let others = [start().await, start().await, start().await];
    for other in &others {
        assert_eq!(other.bump().await, Ok(1));
    }
    // One of the others is in the middle of a handler when the crash happens.
    let (open, gate) = oneshot::channel();
    others[0].set_gate(gate);
    let busy = tokio::spawn({
        let busy = others[0].clone();
        async move { busy.wait_gate().await }
    });

    doomed.explode("worker exploded".into());
    assert_eq!(
        doomed.pid().wait_exit().await,
        ExitReason::Panic("worker exploded".into())
    );
    assert!(!doomed.is_alive(), "the crashed server is gone");
    assert_eq!(doomed.bump().await, Err(CallError::NoProc));

    for other in &others[1..] {
        assert!(other.is_alive());
        assert_eq!(other.bump().await, Ok(2));
    }
    open.send(()).expect("the busy server waits on the gate");
    assert_eq!(busy.await.expect("the caller task ran"), Ok(1));
    assert_eq!(others[0].bump().await, Ok(2));

    // A crash inside a call: its caller gets the reason, the others still answer.
    let doomed = start().await;
    assert_eq!(
        doomed.explode_in_call().await,
        Err(CallError::Exited(ExitReason::Panic("call exploded".into())))
    );
    assert_eq!(
        doomed.pid().wait_exit().await,
        ExitReason::Panic("call exploded".into())
    );
    for other in &others {
        assert_eq!(other.bump().await, Ok(3));
    }
    // New servers still start.
    let fresh = start().await;
    assert_eq!(fresh.bump().await, Ok(1));
}

#[tokio::test]
async fn a_panic_in_one_server_leaves_the_others_running() {
    crash_one_and_check_the_others().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_server_leaves_the_others_running_on_a_multi_thread_runtime() {
    crash_one_and_check_the_others().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_servers_crashing_at_once_leave_the_rest_running() {
    let survivors: Vec<WorkerRef> = start_many(8).await;
    let doomed: Vec<WorkerRef> = start_many(32).await;
    for (index, server) in doomed.iter().enumerate() {
        server.explode(format!("crash {index}"));
    }
    for (index, server) in doomed.iter().enumerate() {
        assert_eq!(
            server.pid().wait_exit().await,
            ExitReason::Panic(format!("crash {index}"))
        );
    }
    for survivor in &survivors {
        assert_eq!(survivor.bump().await, Ok(1));
    }
}

async fn start_many(count: usize) -> Vec<WorkerRef> {
    let mut servers = Vec::with_capacity(count);
    for _ in 0..count {
        servers.push(start().await);
    }
    servers
}
