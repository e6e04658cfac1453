//! unregister(key): removes the calling process's entries under that key and nothing else;
//! a no-op for a key it does not hold, or outside any process. The key is then free, and the
//! exit of the process that unregistered does not touch whoever took it.

use otp_behaviour_tests::registry::{Proc, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry};

#[tokio::test]
async fn unregister_removes_only_the_callers_entries_under_the_key() {
    let topics = Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    for (process, value) in [(&a, 1), (&b, 2)] {
        let t = topics.clone();
        run_in(process, move || {
            t.register("news".into(), value).unwrap();
            t.register("news".into(), value * 10).unwrap();
            t.register("sports".into(), value).unwrap();
        })
        .await;
    }
    let t = topics.clone();
    run_in(&a, move || t.unregister("news")).await;
    let mut news = topics.lookup("news");
    news.sort();
    assert_eq!(news, vec![(b.pid(), 2), (b.pid(), 20)]);
    let mut sports = topics.lookup("sports");
    sports.sort();
    let mut expected = vec![(a.pid(), 1), (b.pid(), 2)];
    expected.sort();
    assert_eq!(sports, expected);
    assert_eq!(topics.keys(&a.pid()), vec!["sports".to_owned()]);
    assert_eq!(topics.count(), 4);
}

#[tokio::test]
async fn unregister_of_a_key_not_held_changes_nothing() {
    let names = Registry::<String>::unique().start().await.unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    run_in(&a, move || n.register("lobby".into(), ()))
        .await
        .unwrap();
    let n = names.clone();
    run_in(&b, move || {
        n.unregister("lobby");
        n.unregister("nowhere");
    })
    .await;
    // Outside any process there is no caller whose entries to remove.
    names.unregister("lobby");
    assert_eq!(names.lookup("lobby"), vec![(a.pid(), ())]);
    assert_eq!(names.count(), 1);
}

#[tokio::test]
async fn an_unregistered_key_is_free_and_the_old_holders_exit_leaves_the_new_one() {
    let names = Registry::<String>::unique().start().await.unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    run_in(&a, move || {
        n.register("lobby".into(), ()).unwrap();
        n.register("kitchen".into(), ()).unwrap();
        n.unregister("lobby");
    })
    .await;
    let n = names.clone();
    run_in(&b, move || n.register("lobby".into(), ()))
        .await
        .unwrap();
    a.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(names.lookup("lobby"), vec![(b.pid(), ())]);
    assert!(names.lookup("kitchen").is_empty());
    assert_eq!(names.count(), 1);
}

#[tokio::test]
async fn a_key_registered_again_after_unregister_still_goes_with_the_process() {
    let names = Registry::<String>::unique().start().await.unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    run_in(&a, move || {
        for _ in 0..3 {
            n.register("lobby".into(), ()).unwrap();
            n.unregister("lobby");
        }
        n.register("lobby".into(), ()).unwrap();
    })
    .await;
    assert_eq!(names.lookup("lobby"), vec![(a.pid(), ())]);
    a.pid().kill();
    a.pid().wait_exit().await;
    assert!(names.lookup("lobby").is_empty());
    assert_eq!(names.count(), 0);
}
