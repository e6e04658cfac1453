//! Unique keys: a key held by a live process gives `AlreadyRegistered(holder)` (to the holder
//! itself too); the entry of a dead process is replaced, both once its exit is processed and
//! when it has been killed but its exit is not yet processed.

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Registry, RegistryError, RegistryRef, Unique};

type Rooms = RegistryRef<String, u32, Unique>;

async fn rooms() -> Rooms {
    Registry::<String, u32>::unique()
        .start()
        .await
        .expect("the registry starts")
}

/// `process` registers itself under `key` with `value`.
async fn register(
    rooms: &Rooms,
    process: &ProcRef,
    key: &str,
    value: u32,
) -> Result<(), RegistryError> {
    let (rooms, key) = (rooms.clone(), key.to_owned());
    run_in(process, move || rooms.register(key, value)).await
}

#[tokio::test]
async fn a_live_holder_keeps_its_key() {
    let rooms = rooms().await;
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    assert_eq!(register(&rooms, &a, "lobby", 1).await, Ok(()));
    assert_eq!(
        register(&rooms, &b, "lobby", 2).await,
        Err(RegistryError::AlreadyRegistered(a.pid()))
    );
    assert_eq!(rooms.lookup("lobby"), vec![(a.pid(), 1)]);
    assert_eq!(rooms.keys(&a.pid()), vec!["lobby".to_owned()]);
    assert!(rooms.keys(&b.pid()).is_empty());
    assert_eq!(rooms.count(), 1);
    // The refused process can take another key.
    assert_eq!(register(&rooms, &b, "kitchen", 2).await, Ok(()));
    assert_eq!(rooms.lookup("kitchen"), vec![(b.pid(), 2)]);
    assert_eq!(rooms.count(), 2);
}

#[tokio::test]
async fn the_holder_registering_its_key_again_gets_its_own_pid() {
    let rooms = rooms().await;
    let a = Proc::start(Proc).await.unwrap();
    assert_eq!(register(&rooms, &a, "lobby", 1).await, Ok(()));
    assert_eq!(
        register(&rooms, &a, "lobby", 2).await,
        Err(RegistryError::AlreadyRegistered(a.pid()))
    );
    assert_eq!(rooms.lookup("lobby"), vec![(a.pid(), 1)]);
    assert_eq!(rooms.keys(&a.pid()), vec!["lobby".to_owned()]);
    assert_eq!(rooms.count(), 1);
}

#[tokio::test]
async fn the_key_of_an_exited_process_is_free_again() {
    for how in ["stop", "kill", "panic"] {
        let rooms = rooms().await;
        let a = Proc::start(Proc).await.unwrap();
        let b = Proc::start(Proc).await.unwrap();
        assert_eq!(register(&rooms, &a, "lobby", 1).await, Ok(()));
        match how {
            "stop" => a.stop(ExitReason::Normal).await.unwrap(),
            "kill" => a.pid().kill(),
            _ => {
                let crashed = a.run(Box::new(|| panic!("boom"))).await;
                assert!(matches!(
                    crashed,
                    Err(CallError::Exited(ExitReason::Panic(_)))
                ));
            }
        }
        a.pid().wait_exit().await;
        assert!(rooms.lookup("lobby").is_empty(), "{how}");
        assert_eq!(register(&rooms, &b, "lobby", 2).await, Ok(()), "{how}");
        assert_eq!(rooms.lookup("lobby"), vec![(b.pid(), 2)], "{how}");
        assert!(rooms.keys(&a.pid()).is_empty(), "{how}");
        assert_eq!(rooms.count(), 1, "{how}");
    }
}

/// A killed holder is dead at once, though its exit is processed later (its task is aborted
/// on the next scheduling): its entry is replaced, and processing its exit afterwards leaves
/// the new holder's entry alone.
#[tokio::test]
async fn a_killed_holder_whose_exit_is_not_yet_processed_is_replaced() {
    let rooms = rooms().await;
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    assert_eq!(register(&rooms, &a, "lobby", 1).await, Ok(()));
    let (registry, victim) = (rooms.clone(), a.pid());
    let replaced = run_in(&b, move || {
        victim.kill();
        let alive = victim.is_alive();
        (alive, registry.register("lobby".to_owned(), 2))
    })
    .await;
    assert_eq!(replaced, (false, Ok(())));
    assert_eq!(rooms.lookup("lobby"), vec![(b.pid(), 2)]);
    assert_eq!(a.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(rooms.lookup("lobby"), vec![(b.pid(), 2)]);
    assert_eq!(rooms.keys(&b.pid()), vec!["lobby".to_owned()]);
    assert!(rooms.keys(&a.pid()).is_empty());
    assert_eq!(rooms.count(), 1);
}
