//! keys(pid): the keys a process holds in this registry; none for a process that holds
//! nothing here, has unregistered them, or has exited.

use otp_behaviour_tests::registry::{Proc, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry};

fn sorted(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    keys
}

#[tokio::test]
async fn keys_lists_what_a_process_holds() {
    let names = Registry::<String>::unique()
        .partitions(4)
        .start()
        .await
        .unwrap();
    let other = Registry::<String>::unique().start().await.unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    run_in(&a, move || {
        for key in ["lobby", "kitchen", "garden"] {
            n.register(key.to_owned(), ()).unwrap();
        }
    })
    .await;
    let n = names.clone();
    run_in(&b, move || n.register("attic".to_owned(), ()))
        .await
        .unwrap();
    assert_eq!(
        sorted(names.keys(&a.pid())),
        vec![
            "garden".to_owned(),
            "kitchen".to_owned(),
            "lobby".to_owned()
        ]
    );
    assert_eq!(names.keys(&b.pid()), vec!["attic".to_owned()]);
    // Nothing in another registry, nor for a process that registered nothing.
    assert!(other.keys(&a.pid()).is_empty());
    assert!(names.keys(&names.pid()).is_empty());

    let n = names.clone();
    run_in(&a, move || n.unregister("kitchen")).await;
    assert_eq!(
        sorted(names.keys(&a.pid())),
        vec!["garden".to_owned(), "lobby".to_owned()]
    );
    a.stop(ExitReason::Normal).await.unwrap();
    assert!(names.keys(&a.pid()).is_empty());
    assert_eq!(names.keys(&b.pid()), vec!["attic".to_owned()]);
}

#[tokio::test]
async fn keys_of_a_duplicate_registry_repeat_a_key_held_twice() {
    let topics = Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap();
    let a = Proc::start(Proc).await.unwrap();
    let t = topics.clone();
    run_in(&a, move || {
        t.register("news".into(), 1).unwrap();
        t.register("news".into(), 2).unwrap();
        t.register("sports".into(), 3).unwrap();
    })
    .await;
    assert_eq!(
        sorted(topics.keys(&a.pid())),
        vec!["news".to_owned(), "news".to_owned(), "sports".to_owned()]
    );
    a.pid().kill();
    a.pid().wait_exit().await;
    assert!(topics.keys(&a.pid()).is_empty());
}
