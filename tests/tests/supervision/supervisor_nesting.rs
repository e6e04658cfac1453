//! Supervisors nest: a supervisor (or a DynamicSupervisor) is a child like any other, restarted
//! by its parent's strategy, stopped in its place in the reverse order with its whole subtree
//! first. DESIGN.md's sketch tree builds and runs. A tree of 3 levels with 1,000 dynamic
//! children shuts down in order, within its shutdown timeouts, with every `#[terminate]` run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{Child, ChildType, DynamicSupervisorRef, SupervisorRef, supervisor};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: String,
    log: Log,
    terminate_takes: Duration,
    terminated: Arc<AtomicUsize>,
}

struct Worker {
    args: Args,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Self {
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Worker { args }
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.args.name);
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        tokio::time::sleep(self.args.terminate_takes).await;
        let how = if *reason == ExitReason::Shutdown {
            "stop"
        } else {
            "crash"
        };
        self.args.terminated.fetch_add(1, Ordering::SeqCst);
        self.args
            .log
            .lock()
            .unwrap()
            .push(format!("{how} {}", self.args.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    log: Log,
    terminated: Arc<AtomicUsize>,
    terminate_takes: Duration,
}

impl Fixture {
    fn new(terminate_takes: Duration) -> Fixture {
        Fixture {
            log: Log::default(),
            terminated: Arc::default(),
            terminate_takes,
        }
    }

    fn args(&self, name: &str) -> Args {
        Args {
            name: name.to_owned(),
            log: self.log.clone(),
            terminate_takes: self.terminate_takes,
            terminated: self.terminated.clone(),
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

fn worker(pid: &Pid) -> WorkerRef {
    otp_core::ServerRef::<Worker>::from_pid(pid)
        .map(WorkerRef::from)
        .unwrap()
}

async fn nested_sup(sup: &SupervisorRef, id: &str) -> SupervisorRef {
    SupervisorRef::from_pid(&sup.child_pid(id).await.unwrap().unwrap()).unwrap()
}

/// `a`, then `sub` (one_for_all: `x`, `y`), then `b`.
async fn two_levels(fx: &Fixture) -> SupervisorRef {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a")) { id = "a" },
            supervisor! {
                strategy: one_for_all,
                children: [Worker(fx.args("x")) { id = "x" }, Worker(fx.args("y")) { id = "y" }],
            } { id = "sub" },
            Worker(fx.args("b")) { id = "b" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    assert_eq!(
        fx.take(),
        ["start a", "start x", "start y", "start b"],
        "the subtree starts in its place"
    );
    sup
}

#[tokio::test(start_paused = true)]
async fn a_crash_inside_a_nested_supervisor_is_handled_there() {
    let fx = Fixture::new(Duration::ZERO);
    let sup = two_levels(&fx).await;
    let sub = nested_sup(&sup, "sub").await;
    let a = sup.child_pid("a").await.unwrap();
    let x = sub.child_pid("x").await.unwrap().unwrap();
    worker(&x).crash();
    x.wait_exit().await;
    sub.count_children().await.unwrap();
    assert_eq!(fx.take(), ["crash x", "stop y", "start x", "start y"]);
    assert_eq!(nested_sup(&sup, "sub").await, sub, "the parent saw nothing");
    assert_eq!(sup.child_pid("a").await.unwrap(), a);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_nested_supervisor_that_dies_is_restarted_with_its_children() {
    let fx = Fixture::new(Duration::ZERO);
    let sup = two_levels(&fx).await;
    let sub = nested_sup(&sup, "sub").await;
    let x = sub.child_pid("x").await.unwrap().unwrap();
    sub.pid().kill();
    assert_eq!(sub.pid().wait_exit().await, ExitReason::Killed);
    // Its children die with it through their links, without terminate.
    assert_eq!(x.wait_exit().await, ExitReason::Killed);
    sup.count_children().await.unwrap();
    assert_eq!(fx.take(), ["start x", "start y"]);
    let new_sub = nested_sup(&sup, "sub").await;
    assert_ne!(new_sub, sub);
    assert_eq!(new_sub.count_children().await.unwrap().active, 2);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_nested_supervisor_is_stopped_in_its_place_with_its_subtree_first() {
    let fx = Fixture::new(Duration::ZERO);
    let sup = two_levels(&fx).await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(fx.take(), ["stop b", "stop y", "stop x", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn a_nested_supervisor_is_restarted_by_its_parents_strategy() {
    let fx = Fixture::new(Duration::ZERO);
    let sup = supervisor! {
        strategy: rest_for_one,
        children: [
            Worker(fx.args("a")) { id = "a" },
            supervisor! {
                strategy: one_for_one,
                children: [Worker(fx.args("x")) { id = "x" }],
            } { id = "sub" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    let a = sup.child_pid("a").await.unwrap().unwrap();
    worker(&a).crash();
    a.wait_exit().await;
    sup.count_children().await.unwrap();
    assert_eq!(fx.take(), ["crash a", "stop x", "start a", "start x"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

// DESIGN.md's sketch. `Registry` and `TaskSupervisor` are not built yet (later issues): local
// stand-ins with the same option-style arguments take their place.

#[derive(Clone, Default)]
struct Options {
    name: Option<String>,
    keys: Option<Keys>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keys {
    Unique,
}

impl Options {
    fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    fn keys(mut self, keys: Keys) -> Self {
        self.keys = Some(keys);
        self
    }
}

/// A named server started with `Options`, registering itself under its name.
macro_rules! named_stand_in {
    ($ty:ident) => {
        struct $ty {
            options: Options,
        }

        #[genserver]
        impl $ty {
            #[init]
            fn init(options: Options, ctx: &mut Context<Self>) -> Result<Self, InitError> {
                if let Some(name) = &options.name {
                    otp_core::register(name, ctx.pid())?;
                }
                Ok($ty { options })
            }

            #[handle_call]
            fn settings(&mut self) -> (Option<String>, Option<Keys>) {
                (self.options.name.clone(), self.options.keys)
            }

            #[handle_info(catch_all)]
            fn unexpected(&mut self, _msg: AnyMessage) {}
        }
    };
}

named_stand_in!(PubSub);
named_stand_in!(Registry);
named_stand_in!(TaskSupervisor);

#[derive(Clone)]
struct RepoConfig {
    url: &'static str,
}

struct Repo {
    config: RepoConfig,
}

#[genserver]
impl Repo {
    #[init]
    fn init(config: RepoConfig) -> Self {
        Repo { config }
    }

    #[handle_call]
    fn url(&mut self) -> &'static str {
        self.config.url
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct ConfigCache;

#[genserver]
impl ConfigCache {
    #[init]
    fn init(_args: ()) -> Self {
        ConfigCache
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Endpoint {
    starts: Arc<AtomicUsize>,
}

#[genserver]
#[child_spec(restart = "transient", shutdown = "10s")]
impl Endpoint {
    #[init]
    fn init(starts: Arc<AtomicUsize>) -> Self {
        starts.fetch_add(1, Ordering::SeqCst);
        Endpoint { starts }
    }

    #[handle_cast]
    fn quit(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_call]
    fn starts(&mut self) -> usize {
        self.starts.load(Ordering::SeqCst)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_design_sketch_tree_starts_and_runs() -> Result<(), Box<dyn std::error::Error>> {
    let fx = Fixture::new(Duration::ZERO);
    let repo_config = RepoConfig {
        url: "postgres://localhost/app",
    };
    let addr = Arc::new(AtomicUsize::new(0));
    let app = supervisor! {
        strategy: one_for_one,
        max_restarts: 3, max_seconds: 5,
        children: [
            Repo(repo_config),
            PubSub(name = "pubsub"),
            ConfigCache(()),
            Registry(keys = Keys::Unique, name = "rooms"),
            DynamicSupervisor(name = "room_sup"),
            TaskSupervisor(name = "tasks"),
            Endpoint(addr.clone()) { restart = permanent },   // overrides the #[child_spec] default
            supervisor! { strategy: rest_for_one, children: [ Worker(fx.args("nested")) ] },
        ],
    };
    let sup = app.start_link().await?;

    let children = sup.which_children().await?;
    let listed: Vec<_> = children
        .iter()
        .map(|c| (c.id.as_deref().unwrap(), c.child_type, c.pid().is_some()))
        .collect();
    assert_eq!(
        listed,
        [
            ("Repo", ChildType::Worker, true),
            ("PubSub", ChildType::Worker, true),
            ("ConfigCache", ChildType::Worker, true),
            ("Registry", ChildType::Worker, true),
            ("DynamicSupervisor", ChildType::Supervisor, true),
            ("TaskSupervisor", ChildType::Worker, true),
            ("Endpoint", ChildType::Worker, true),
            ("Supervisor", ChildType::Supervisor, true),
        ]
    );
    let repo = RepoRef::from(
        otp_core::ServerRef::<Repo>::from_pid(&sup.child_pid("Repo").await?.unwrap()).unwrap(),
    );
    assert_eq!(repo.url().await?, "postgres://localhost/app");
    let pubsub = PubSubRef::from(
        otp_core::ServerRef::<PubSub>::from_pid(&otp_core::whereis("pubsub").unwrap()).unwrap(),
    );
    assert_eq!(pubsub.settings().await?, (Some("pubsub".into()), None));
    let registry = RegistryRef::from(
        otp_core::ServerRef::<Registry>::from_pid(&otp_core::whereis("rooms").unwrap()).unwrap(),
    );
    assert_eq!(
        registry.settings().await?,
        (Some("rooms".into()), Some(Keys::Unique))
    );
    assert!(otp_core::whereis("tasks").is_some());
    let room_sup = DynamicSupervisorRef::whereis("room_sup").unwrap();
    assert_eq!(
        Some(room_sup.pid()),
        sup.child_pid("DynamicSupervisor").await?
    );

    // `restart = permanent` overrides the transient default: a normal exit is restarted.
    let endpoint = sup.child_pid("Endpoint").await?.unwrap();
    EndpointRef::from(otp_core::ServerRef::<Endpoint>::from_pid(&endpoint).unwrap()).quit();
    assert_eq!(endpoint.wait_exit().await, ExitReason::Normal);
    let endpoint = sup.child_pid("Endpoint").await?.unwrap();
    let endpoint = EndpointRef::from(otp_core::ServerRef::<Endpoint>::from_pid(&endpoint).unwrap());
    assert_eq!(endpoint.starts().await?, 2);

    sup.stop(ExitReason::Shutdown).await?;
    assert_eq!(fx.take(), ["start nested", "stop nested"]);
    assert!(otp_core::whereis("pubsub").is_none(), "names are freed");
    assert!(DynamicSupervisorRef::whereis("room_sup").is_none());
    Ok(())
}

/// top: `first`, sub, `last`; sub: `sub_first`, rooms (a DynamicSupervisor), `sub_last`;
/// rooms: 1,000 workers. Every terminate takes 100 ms.
#[tokio::test(start_paused = true)]
async fn a_three_level_tree_with_a_thousand_dynamic_children_shuts_down_in_order() {
    let fx = Fixture::new(Duration::from_millis(100));
    let top = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("first")) { id = "first" },
            supervisor! {
                strategy: one_for_one,
                children: [
                    Worker(fx.args("sub_first")) { id = "sub_first" },
                    DynamicSupervisor(max_children = 5000) { id = "rooms" },
                    Worker(fx.args("sub_last")) { id = "sub_last" },
                ],
            } { id = "sub" },
            Worker(fx.args("last")) { id = "last" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let sub = nested_sup(&top, "sub").await;
    let rooms_pid = sub.child_pid("rooms").await.unwrap().unwrap();
    let rooms: DynamicSupervisorRef = DynamicSupervisor::handle(&rooms_pid).unwrap();
    let mut room_pids = Vec::new();
    for i in 0..1000 {
        let room = rooms
            .start_child::<Worker>(fx.args(&format!("room-{i}")))
            .await
            .unwrap();
        room_pids.push(room.pid());
    }
    assert_eq!(rooms.count_children().await.unwrap().active, 1000);
    fx.take();

    let started = Instant::now();
    top.stop(ExitReason::Shutdown).await.unwrap();
    let took = started.elapsed();

    let log = fx.take();
    assert_eq!(log.len(), 1004);
    assert_eq!(
        fx.terminated.load(Ordering::SeqCst),
        1004,
        "every terminate ran"
    );
    assert!(log.iter().all(|entry| entry.starts_with("stop ")));
    assert_eq!(&log[..2], ["stop last", "stop sub_last"]);
    assert_eq!(&log[1002..], ["stop sub_first", "stop first"]);
    let mut rooms_stopped: Vec<&str> = log[2..1002].iter().map(String::as_str).collect();
    rooms_stopped.sort_unstable();
    let mut expected: Vec<String> = (0..1000).map(|i| format!("stop room-{i}")).collect();
    expected.sort_unstable();
    assert_eq!(rooms_stopped, expected);
    // last, sub_last, the rooms together, sub_first, first: 5 × 100 ms, no kill needed.
    assert_eq!(took, Duration::from_millis(500));
    for pid in &room_pids {
        assert_eq!(pid.wait_exit().await, ExitReason::Shutdown);
    }
    assert_eq!(rooms_pid.wait_exit().await, ExitReason::Shutdown);
    assert_eq!(sub.pid().wait_exit().await, ExitReason::Shutdown);
}
