//! Typed handles of supervised children: `SupervisorRef::child::<C>(id)` gives the running
//! child's handle (`CacheRef` for a `Cache`, `SupervisorRef` for a nested supervisor, ...);
//! `DynamicSupervisorRef::start_child_spec::<C>(spec)` gives back the handle `start_child`
//! does, and refuses a spec of another type without leaving anything running.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, DynamicSupervisorRef, Restart,
    StartChildError, SupervisorRef, SupervisorSpec, supervisor,
};

struct Cache {
    size: usize,
}

#[genserver]
impl Cache {
    #[init]
    fn init(size: usize) -> Self {
        Cache { size }
    }

    #[handle_call]
    fn size(&mut self) -> usize {
        self.size
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Counts its inits.
struct Other;

#[genserver]
impl Other {
    #[init]
    fn init(inits: Arc<AtomicUsize>) -> Self {
        inits.fetch_add(1, Ordering::SeqCst);
        Other
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn child_gives_the_typed_handle_of_each_kind_of_child() {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Cache(7) { id = "cache" },
            supervisor! { strategy: one_for_one, children: [Cache(1) { id = "inner" }] } { id = "sub" },
            DynamicSupervisor() { id = "rooms" },
        ],
    }
    .start()
    .await
    .unwrap();
    let cache: CacheRef = sup.child::<Cache>("cache").await.unwrap().unwrap();
    assert_eq!(cache.size().await, Ok(7));
    let sub: SupervisorRef = sup.child::<SupervisorSpec>("sub").await.unwrap().unwrap();
    let inner = sub.child::<Cache>("inner").await.unwrap().unwrap();
    assert_eq!(inner.size().await, Ok(1));
    let rooms: DynamicSupervisorRef = sup
        .child::<DynamicSupervisor>("rooms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rooms.count_children().await.unwrap().specs, 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn child_is_none_unless_a_child_of_that_type_runs_under_the_id() {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Cache(7) { id = "cache" }],
    }
    .start()
    .await
    .unwrap();
    assert!(sup.child::<Cache>("nothing").await.unwrap().is_none());
    assert!(
        sup.child::<Other>("cache").await.unwrap().is_none(),
        "not an Other"
    );
    sup.terminate_child("cache").await.unwrap();
    assert!(
        sup.child::<Cache>("cache").await.unwrap().is_none(),
        "not running"
    );
    sup.restart_child("cache").await.unwrap();
    assert!(sup.child::<Cache>("cache").await.unwrap().is_some());
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(sup.child::<Cache>("cache").await, Err(CallError::NoProc));
}

#[tokio::test(start_paused = true)]
async fn start_child_spec_gives_the_typed_handle() {
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let spec = ChildSpec::of::<Cache>(3).with_restart(Restart::Temporary);
    let cache: CacheRef = sup.start_child_spec::<Cache>(spec).await.unwrap();
    assert_eq!(cache.size().await, Ok(3));
    assert_eq!(
        sup.which_children().await.unwrap()[0].pid(),
        Some(&cache.pid())
    );
}

#[tokio::test(start_paused = true)]
async fn a_spec_of_another_type_is_refused_before_it_starts() {
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let started = sup
        .start_child_spec::<Cache>(ChildSpec::of::<Other>(inits.clone()))
        .await;
    assert_eq!(
        started.err(),
        Some(StartChildError::NotOfType(std::any::type_name::<Cache>()))
    );
    assert_eq!(inits.load(Ordering::SeqCst), 0, "nothing started");
    assert_eq!(sup.count_children().await.unwrap().specs, 0);
}

#[tokio::test(start_paused = true)]
async fn a_start_function_that_starts_another_type_is_undone() {
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let started_pid = Arc::new(std::sync::Mutex::new(None));
    let (count, record) = (inits.clone(), started_pid.clone());
    let spec = ChildSpec::from_fn("other", move |_name| {
        let (count, record) = (count.clone(), record.clone());
        async move {
            let pid = Other::start_link(count).await?.pid();
            *record.lock().unwrap() = Some(pid.clone());
            Ok(pid)
        }
    });
    let started = sup.start_child_spec::<Cache>(spec).await;
    assert_eq!(
        started.err(),
        Some(StartChildError::NotOfType(std::any::type_name::<Cache>()))
    );
    assert_eq!(inits.load(Ordering::SeqCst), 1);
    let pid = started_pid.lock().unwrap().clone().unwrap();
    assert_eq!(pid.exit_reason(), Some(ExitReason::Shutdown), "stopped");
    assert_eq!(sup.count_children().await.unwrap().specs, 0, "forgotten");
}
