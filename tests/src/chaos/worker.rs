//! The chaos worker: echoes calls with a nonce, takes casts, and records each incarnation.

use std::sync::Arc;
use std::time::Duration;

use otp_core::ChildSpec;
use otp_core::prelude::*;

use super::state::Chaos;

#[derive(Clone)]
pub struct WorkerArgs {
    pub id: Arc<str>,
    /// The supervisor starting it, filled in by [`worker_spec`] at each start.
    pub supervisor: Option<Pid>,
    pub chaos: Arc<Chaos>,
    /// A child of the dynamic supervisor (unnamed), not a static worker.
    pub dynamic: bool,
}

pub struct Worker {
    pub id: Arc<str>,
    pub chaos: Arc<Chaos>,
}

/// A reply that names its request and the worker that served it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Echo {
    pub nonce: u64,
    pub worker: Arc<str>,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: WorkerArgs, ctx: &mut Context<Self>) -> Self {
        args.chaos
            .record_init(&args.id, ctx.pid(), args.supervisor, args.dynamic);
        Worker {
            id: args.id,
            chaos: args.chaos,
        }
    }

    #[handle_call]
    fn echo(&mut self, nonce: u64) -> Echo {
        self.chaos.maybe_panic();
        Echo {
            nonce,
            worker: self.id.clone(),
        }
    }

    /// Answers after `ms`: with a shorter call timeout, the late reply must go nowhere.
    #[handle_call]
    async fn slow_echo(&mut self, nonce: u64, ms: u64) -> Echo {
        self.chaos.maybe_panic();
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Echo {
            nonce,
            worker: self.id.clone(),
        }
    }

    /// Answers from another task.
    #[handle_call]
    fn deferred_echo(&mut self, nonce: u64, reply: ReplyTo<Echo>) {
        self.chaos.maybe_panic();
        let worker = self.id.clone();
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            let _ = reply.reply(Echo { nonce, worker });
        });
    }

    /// A cast: does nothing but risk its 5%.
    #[handle_cast]
    fn bump(&mut self) {
        self.chaos.maybe_panic();
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The spec of worker `id`, registered under `id` when `named` (a static worker; a dynamic
/// child is not): its start function runs in the supervisor that starts it, which is recorded
/// with the incarnation (a registered name could already name a successor when a killed
/// supervisor's child runs its init), and with a start that failed on a name still held.
pub fn worker_spec(id: &Arc<str>, chaos: &Arc<Chaos>, named: bool) -> ChildSpec {
    let registered = named.then(|| id.clone());
    let (id, chaos) = (id.clone(), chaos.clone());
    let spec = ChildSpec::from_fn(id.to_string(), move |name| {
        let supervisor = otp_core::current_pid();
        let args = WorkerArgs {
            id: id.clone(),
            supervisor: supervisor.clone(),
            chaos: chaos.clone(),
            dynamic: !named,
        };
        let (id, chaos) = (id.clone(), chaos.clone());
        async move {
            let options = match &name {
                Some(name) => Worker::options().name(&**name),
                None => Worker::options(),
            };
            let started = options.start_link(args).await;
            if let Err(StartError::AlreadyStarted(holder)) = &started {
                chaos.record_start_race(&id, holder, supervisor);
            }
            started.map(|worker| worker.pid())
        }
    });
    match registered {
        Some(name) => spec.with_name(name),
        None => spec,
    }
}

pub fn worker_ref(pid: &Pid) -> Option<WorkerRef> {
    otp_core::ServerRef::<Worker>::from_pid(pid).map(WorkerRef::from)
}
