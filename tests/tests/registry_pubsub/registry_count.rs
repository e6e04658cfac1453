//! count: the exact number of entries, through registrations (refused ones not counted),
//! duplicates, unregistrations and exits, in unique and duplicate registries.

use otp_behaviour_tests::registry::{Proc, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryError};

#[tokio::test]
async fn count_follows_every_change_of_a_unique_registry() {
    let names = Registry::<String, ()>::unique()
        .partitions(3)
        .start()
        .await
        .unwrap();
    assert_eq!(names.count(), 0);
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    run_in(&a, move || {
        for i in 0..10 {
            n.register(format!("k{i}"), ()).unwrap();
        }
    })
    .await;
    assert_eq!(names.count(), 10);
    let n = names.clone();
    let refused = run_in(&b, move || {
        (0..12)
            .map(|i| n.register(format!("k{i}"), ()))
            .filter(|result| matches!(result, Err(RegistryError::AlreadyRegistered(_))))
            .count()
    })
    .await;
    assert_eq!(refused, 10);
    assert_eq!(names.count(), 12, "b took k10 and k11 only");
    let n = names.clone();
    run_in(&a, move || {
        n.unregister("k0");
        n.unregister("k1");
        n.unregister("k11"); // b's: not a's to remove
    })
    .await;
    assert_eq!(names.count(), 10);
    a.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(names.count(), 2);
    b.pid().kill();
    b.pid().wait_exit().await;
    assert_eq!(names.count(), 0);
}

#[tokio::test]
async fn count_follows_every_change_of_a_duplicate_registry() {
    let topics = Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    for (process, n) in [(&a, 3u32), (&b, 2)] {
        let t = topics.clone();
        run_in(process, move || {
            for i in 0..n {
                t.register("news".into(), i).unwrap();
            }
            t.register("sports".into(), 0).unwrap();
        })
        .await;
    }
    assert_eq!(topics.count(), 7);
    let t = topics.clone();
    run_in(&a, move || t.unregister("news")).await;
    assert_eq!(topics.count(), 4, "a's three entries under news went");
    b.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(topics.count(), 1);
}
