//! dispatch(key, fun): runs `fun` in the caller, once, with every entry under the key, and
//! returns true; with no entry (an unknown key, or every holder gone) `fun` is never called
//! and it returns false.

use std::cell::Cell;
use std::rc::Rc;

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryRef};

type Topics = RegistryRef<String, u32, Duplicate>;

async fn topics() -> Topics {
    Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap()
}

async fn subscriber(topics: &Topics, key: &'static str, value: u32) -> ProcRef {
    let process = Proc::start(Proc).await.unwrap();
    let t = topics.clone();
    run_in(&process, move || t.register(key.to_owned(), value))
        .await
        .unwrap();
    process
}

#[tokio::test]
async fn dispatch_runs_once_in_the_caller_with_every_entry() {
    let topics = topics().await;
    let a = subscriber(&topics, "news", 1).await;
    let b = subscriber(&topics, "news", 2).await;
    // `Rc` is not `Send`: the function runs here, in the caller, before dispatch returns.
    let calls = Rc::new(Cell::new(0));
    let mut seen = Vec::new();
    let counted = calls.clone();
    let ran = topics.dispatch("news", |entries| {
        counted.set(counted.get() + 1);
        seen = entries.to_vec();
    });
    assert!(ran);
    assert_eq!(calls.get(), 1);
    seen.sort();
    let mut expected = vec![(a.pid(), 1), (b.pid(), 2)];
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn dispatch_never_calls_with_an_empty_list() {
    let topics = topics().await;
    assert!(!topics.dispatch("news", |entries| panic!("called with {entries:?}")));

    let a = subscriber(&topics, "news", 1).await;
    let b = subscriber(&topics, "news", 2).await;
    let _c = subscriber(&topics, "sports", 3).await;
    let t = topics.clone();
    run_in(&a, move || t.unregister("news")).await;
    assert!(topics.dispatch("news", |entries| assert_eq!(entries, [(b.pid(), 2)])));
    b.stop(ExitReason::Normal).await.unwrap();
    // Every holder gone: the key has no entry left, and `fun` is not called.
    assert!(!topics.dispatch("news", |entries| panic!("called with {entries:?}")));
    assert!(topics.dispatch("sports", |entries| assert_eq!(entries.len(), 1)));
}
