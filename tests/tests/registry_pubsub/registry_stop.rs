//! The registry process stopping drops its entries: lookups, count, keys, select and dispatch
//! find nothing, and registering (directly or through a via-name) gives `Closed`, whether it
//! was stopped or killed; the processes that were registered live on. Under a supervisor, the
//! registry is restarted empty and found by its name.

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Registry, RegistryError, RegistryRef, Unique, supervisor};

type Names = RegistryRef<String, u32, Unique>;

async fn registered(names: &Names) -> Vec<ProcRef> {
    let mut processes = Vec::new();
    for i in 0..3u32 {
        let process = Proc::start(Proc).await.unwrap();
        let n = names.clone();
        run_in(&process, move || n.register(format!("p{i}"), i))
            .await
            .unwrap();
        processes.push(process);
    }
    assert_eq!(names.count(), 3);
    processes
}

async fn assert_dropped(names: &Names, processes: &[ProcRef]) {
    assert!(names.lookup("p0").is_empty());
    assert_eq!(names.count(), 0);
    assert!(names.keys(&processes[1].pid()).is_empty());
    assert!(names.select(|_, _, _| true).is_empty());
    assert!(names.match_values("p2", |_| true).is_empty());
    assert!(!names.dispatch("p2", |entries| panic!("called with {entries:?}")));
    assert!(names.whereis::<Proc>("p0").is_none());
    for process in processes {
        assert!(process.is_alive(), "the registered processes live on");
    }
    let n = names.clone();
    assert_eq!(
        run_in(&processes[0], move || n.register("again".into(), 9)).await,
        Err(RegistryError::Closed)
    );
    let via = Proc::options()
        .via(names, "via".to_owned())
        .start(Proc)
        .await;
    match via {
        Err(StartError::Init(ExitReason::Error(error))) => {
            assert_eq!(
                error.downcast_ref::<RegistryError>(),
                Some(&RegistryError::Closed)
            );
        }
        other => panic!(
            "expected Init(Error(Closed)), got {:?}",
            other.map(|p| p.pid())
        ),
    }
    assert_eq!(names.count(), 0);
    // The registered processes exiting afterwards is harmless.
    processes[2].stop(ExitReason::Normal).await.unwrap();
    assert_eq!(names.count(), 0);
}

#[tokio::test]
async fn a_stopped_registry_drops_its_entries() {
    let names = Registry::<String, u32>::unique()
        .name("stopped-names")
        .start()
        .await
        .unwrap();
    let processes = registered(&names).await;
    names.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!names.pid().is_alive());
    assert!(RegistryRef::<String, u32, Unique>::named("stopped-names").is_none());
    assert_dropped(&names, &processes).await;
}

#[tokio::test]
async fn a_killed_registry_drops_its_entries() {
    let names = Registry::<String, u32>::unique()
        .partitions(4)
        .start()
        .await
        .unwrap();
    let processes = registered(&names).await;
    names.pid().kill();
    assert_eq!(names.pid().wait_exit().await, ExitReason::Killed);
    assert_dropped(&names, &processes).await;
}

#[tokio::test]
async fn a_supervised_registry_is_restarted_empty() {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Registry::<String, u32>(name = "supervised-names")],
    }
    .start()
    .await
    .unwrap();
    let names = RegistryRef::<String, u32, Unique>::named("supervised-names").expect("started");
    let processes = registered(&names).await;
    names.pid().kill();
    names.pid().wait_exit().await;
    sup.count_children().await.unwrap();
    let restarted =
        RegistryRef::<String, u32, Unique>::named("supervised-names").expect("restarted");
    assert_ne!(restarted.pid(), names.pid());
    assert_eq!(restarted.count(), 0);
    assert_dropped(&names, &processes).await;
    let n = restarted.clone();
    run_in(&processes[0], move || n.register("p0".into(), 0))
        .await
        .unwrap();
    assert_eq!(restarted.lookup("p0"), vec![(processes[0].pid(), 0)]);
    // The handle of the old registry sees none of the new one's entries.
    assert_eq!(names.count(), 0);
}
