//! The tree of DESIGN.md: children in start order, a `#[child_spec]` default overridden where the
//! child is listed, a `DynamicSupervisor` built from its options, a nested `supervisor!`.
use otp_core::prelude::*;
use otp_core::{ChildType, DynamicSupervisor, DynamicSupervisorRef, SupervisorRef, supervisor};

#[derive(Clone)]
struct RepoConfig {
    url: String,
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
    fn url(&mut self) -> String {
        self.config.url.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct ConfigCache;

#[genserver]
impl ConfigCache {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Endpoint {
    port: u16,
}

#[genserver]
#[child_spec(restart = "transient", shutdown = "10s")]
impl Endpoint {
    #[init]
    fn init(port: u16) -> Self {
        Endpoint { port }
    }

    #[handle_call]
    fn port(&mut self) -> u16 {
        self.port
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let repo_config = RepoConfig {
        url: "postgres://localhost/app".to_owned(),
    };
    let addr: u16 = 4000;
    let app = supervisor! {
        strategy: one_for_one,
        max_restarts: 3, max_seconds: 5,
        name: "app",
        children: [
            Repo(repo_config),
            ConfigCache(ConfigCache),
            DynamicSupervisor(name = "room_sup", max_children = 100),
            Endpoint(addr) { restart = permanent, name = "endpoint" },
            Endpoint(addr + 1) { id = "admin", shutdown = brutal_kill },
            supervisor! {
                strategy: rest_for_one,
                children: [
                    Repo(RepoConfig { url: "postgres://replica/app".to_owned() }) { id = "replica" },
                    ConfigCache(ConfigCache),
                ],
            } { id = "sub" },
        ],
    };
    let sup = app.start_link().await.unwrap();

    let children = sup.which_children().await.unwrap();
    let ids: Vec<_> = children
        .iter()
        .map(|child| child.id.clone().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "Repo",
            "ConfigCache",
            "DynamicSupervisor",
            "Endpoint",
            "admin",
            "sub"
        ]
    );
    let types: Vec<_> = children.iter().map(|child| child.child_type).collect();
    assert_eq!(
        types,
        [
            ChildType::Worker,
            ChildType::Worker,
            ChildType::Supervisor,
            ChildType::Worker,
            ChildType::Worker,
            ChildType::Supervisor,
        ]
    );
    assert!(children.iter().all(|child| child.pid().is_some()));

    assert_eq!(SupervisorRef::whereis("app").unwrap().pid(), sup.pid());
    let endpoint = Endpoint::whereis("endpoint").unwrap();
    assert_eq!(endpoint.port().await, Ok(4000));
    let rooms = DynamicSupervisorRef::whereis("room_sup").unwrap();
    assert_eq!(
        Some(rooms.pid()),
        sup.child_pid("DynamicSupervisor").await.unwrap()
    );

    let repo_pid = sup.child_pid("Repo").await.unwrap().unwrap();
    let repo = otp_core::ServerRef::<Repo>::from_pid(&repo_pid)
        .map(RepoRef::from)
        .unwrap();
    assert_eq!(repo.url().await.unwrap(), "postgres://localhost/app");

    let sub_pid = sup.child_pid("sub").await.unwrap().unwrap();
    let sub = SupervisorRef::from_pid(&sub_pid).unwrap();
    let sub_ids: Vec<_> = sub
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|child| child.id.unwrap())
        .collect();
    assert_eq!(sub_ids, ["replica", "ConfigCache"]);

    // `restart = permanent` overrides the transient default: a normal exit is restarted, under
    // its name again; "admin" keeps the transient default and is not.
    endpoint.stop(ExitReason::Normal).await.unwrap();
    let restarted = wait_for(&sup, "Endpoint", |pid| {
        pid.is_some_and(|pid| *pid != endpoint.pid())
    })
    .await;
    assert_eq!(
        Endpoint::whereis("endpoint").unwrap().pid(),
        restarted.unwrap()
    );
    let admin_pid = sup.child_pid("admin").await.unwrap().unwrap();
    let admin = otp_core::ServerRef::<Endpoint>::from_pid(&admin_pid)
        .map(EndpointRef::from)
        .unwrap();
    assert_eq!(admin.port().await, Ok(4001));
    admin.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(wait_for(&sup, "admin", |pid| pid.is_none()).await, None);

    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!sup.is_alive());
    assert!(!sub_pid.is_alive());
    assert!(Endpoint::whereis("endpoint").is_none());
}

/// The pid of child `id` once `done` holds for it; panics if the supervisor never gets there.
async fn wait_for(
    sup: &SupervisorRef,
    id: &str,
    done: impl Fn(Option<&Pid>) -> bool,
) -> Option<Pid> {
    for _ in 0..10_000 {
        let pid = sup.child_pid(id).await.unwrap();
        if done(pid.as_ref()) {
            return pid;
        }
        tokio::task::yield_now().await;
    }
    panic!("child `{id}` never reached the expected state");
}
