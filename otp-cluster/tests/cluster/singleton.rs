//! Singletons in one OS process: one runs, the others wait; handover on stop and on death.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_cluster::{Cluster, ClusterRef, Singleton, SingletonRef};
use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorRef, SupervisorSpec};

use crate::support::{config, eventually, fresh_schema};

static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MOST_AT_ONCE: AtomicUsize = AtomicUsize::new(0);

/// The singleton's child: counts the copies running.
pub(crate) struct Owner {
    node: String,
}

#[genserver]
impl Owner {
    #[init]
    fn init(node: String) -> Self {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        MOST_AT_ONCE.fetch_max(now, Ordering::SeqCst);
        Owner { node }
    }

    #[handle_call]
    fn node(&mut self) -> String {
        self.node.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

impl Drop for Owner {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn node_with_singleton(
    schema: &str,
    node: &str,
) -> (ClusterRef, SupervisorRef, SingletonRef) {
    let cluster = Cluster::start(config(schema, node, 600))
        .await
        .expect("joined");
    let singleton = Singleton::new(ChildSpec::of::<Owner>(node.to_owned()))
        .name("owner")
        .cluster(crate::support::cluster_name(schema, node));
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<Singleton>(singleton))
        .start()
        .await
        .expect("the tree started");
    let handle = sup
        .child::<Singleton>("Owner")
        .await
        .expect("asked")
        .expect("the singleton process runs");
    (cluster, sup, handle)
}

async fn running_on(handle: &SingletonRef) -> Option<String> {
    match handle.local::<Owner>().await.expect("asked") {
        Some(owner) => Some(owner.node().await.expect("asked")),
        None => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_singleton_runs_once_and_moves_when_its_node_stops_or_dies() {
    let schema = fresh_schema("singleton_handover").await;
    let (cluster_a, sup_a, on_a) = node_with_singleton(&schema, "a").await;
    let (_cluster_b, sup_b, on_b) = node_with_singleton(&schema, "b").await;

    assert!(
        eventually(Duration::from_secs(3), || async {
            running_on(&on_a).await.is_some()
        })
        .await
    );
    assert_eq!(
        running_on(&on_a).await.as_deref(),
        Some("a"),
        "the first node took it"
    );
    assert_eq!(
        running_on(&on_b).await,
        None,
        "the local handle is there only where it runs"
    );
    assert_eq!(
        on_b.node()
            .await
            .expect("looked up")
            .map(|n| n.to_string())
            .as_deref(),
        Some("a")
    );
    assert_eq!(
        cluster_a.singleton_node("owner").await.expect("looked up"),
        Some("a".into())
    );

    // An orderly stop releases the lease: b takes over within a quarter lease or so.
    sup_a
        .stop(ExitReason::Shutdown)
        .await
        .expect("a's tree stopped");
    assert!(
        eventually(Duration::from_secs(2), || async {
            running_on(&on_b).await.is_some()
        })
        .await,
        "b took over after a stopped"
    );
    assert_eq!(on_b.node().await.expect("looked up"), Some("b".into()));

    // A singleton process that is killed keeps its lease until it ends (its child dies with
    // it); then a node takes it again: c, or b's restarted singleton process.
    let (_cluster_c, _sup_c, on_c) = node_with_singleton(&schema, "c").await;
    on_b.pid().kill();
    let taken_again = eventually(Duration::from_secs(3), || async {
        let on_b = sup_b.child::<Singleton>("Owner").await.ok().flatten();
        let on_b_runs = match on_b {
            Some(on_b) if on_b.pid().is_alive() => running_on(&on_b).await.is_some(),
            _ => false,
        };
        on_b_runs || running_on(&on_c).await.is_some()
    })
    .await;
    assert!(
        taken_again,
        "the singleton runs again within the lease after its process was killed"
    );
    assert_eq!(
        MOST_AT_ONCE.load(Ordering::SeqCst),
        1,
        "never two copies at once"
    );
}
