//! Local names: `register`, `whereis`, `unregister`; a name is held by one live process, a
//! process holds one name, and the name is freed when its holder exits.

use std::sync::Arc;

use otp_core::prelude::*;
use otp_core::{RegisterError, register, unregister, whereis};

struct Idle;

#[genserver]
impl Idle {
    #[handle_call]
    fn ping(&mut self) -> u32 {
        7
    }

    #[handle_call]
    fn register_self(
        &mut self,
        name: String,
        ctx: &mut Context<Self>,
    ) -> Result<(), RegisterError> {
        register(&name, ctx.pid())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn idle() -> IdleRef {
    Idle::start(Idle).await.expect("starts")
}

#[tokio::test]
async fn register_whereis_unregister() {
    let a = idle().await;
    assert_eq!(whereis("names-basic"), None);
    assert_eq!(register("names-basic", &a.pid()), Ok(()));
    assert_eq!(whereis("names-basic"), Some(a.pid()));
    assert_eq!(a.pid().name().as_deref(), Some("names-basic"));

    assert!(unregister("names-basic"));
    assert_eq!(whereis("names-basic"), None);
    assert_eq!(a.pid().name(), None);
    assert!(!unregister("names-basic"), "nothing left to unregister");
    assert!(a.is_alive(), "unregistering does not touch the process");

    // The name is free for anyone, the old holder included.
    let b = idle().await;
    assert_eq!(register("names-basic", &b.pid()), Ok(()));
    assert_eq!(whereis("names-basic"), Some(b.pid()));
}

#[tokio::test]
async fn a_process_registers_itself() {
    let a = idle().await;
    assert_eq!(a.register_self("names-self".into()).await, Ok(Ok(())));
    assert_eq!(whereis("names-self"), Some(a.pid()));
}

#[tokio::test]
async fn a_taken_name_is_refused_while_its_holder_lives() {
    let holder = idle().await;
    let other = idle().await;
    register("names-taken", &holder.pid()).unwrap();

    assert_eq!(
        register("names-taken", &other.pid()),
        Err(RegisterError::AlreadyRegistered(holder.pid()))
    );
    assert_eq!(
        register("names-taken", &holder.pid()),
        Err(RegisterError::AlreadyRegistered(holder.pid())),
        "registering the holder again is refused too"
    );
    assert_eq!(whereis("names-taken"), Some(holder.pid()));
    assert_eq!(
        other.pid().name(),
        None,
        "a refused register leaves no name behind"
    );
}

#[tokio::test]
async fn the_name_is_free_again_after_the_holder_exits() {
    for kill in [false, true] {
        let holder = idle().await;
        register("names-freed", &holder.pid()).unwrap();
        if kill {
            holder.pid().kill();
        } else {
            holder.stop(ExitReason::Normal).await.unwrap();
        }
        holder.pid().wait_exit().await;
        assert_eq!(whereis("names-freed"), None);

        let next = idle().await;
        assert_eq!(register("names-freed", &next.pid()), Ok(()));
        assert_eq!(whereis("names-freed"), Some(next.pid()));
        next.pid().kill();
        next.pid().wait_exit().await;
    }
}

#[tokio::test]
async fn registering_a_dead_process_fails() {
    let dead = idle().await;
    dead.pid().kill();
    dead.pid().wait_exit().await;
    assert_eq!(
        register("names-dead", &dead.pid()),
        Err(RegisterError::NoProc)
    );
    assert_eq!(whereis("names-dead"), None);
    assert_eq!(dead.pid().name(), None);
    // The name was not taken.
    let live = idle().await;
    assert_eq!(register("names-dead", &live.pid()), Ok(()));
}

#[tokio::test]
async fn a_process_holds_one_name() {
    let a = idle().await;
    register("names-one-a", &a.pid()).unwrap();
    assert_eq!(
        register("names-one-b", &a.pid()),
        Err(RegisterError::AlreadyNamed(Arc::from("names-one-a")))
    );
    assert_eq!(whereis("names-one-b"), None);
    assert_eq!(a.pid().name().as_deref(), Some("names-one-a"));

    // After unregistering, it may take another name; the old one stays free.
    assert!(unregister("names-one-a"));
    assert_eq!(register("names-one-b", &a.pid()), Ok(()));
    assert_eq!(whereis("names-one-a"), None);
    assert_eq!(whereis("names-one-b"), Some(a.pid()));

    // Its exit frees the new name.
    a.pid().kill();
    a.pid().wait_exit().await;
    assert_eq!(whereis("names-one-b"), None);
}

#[tokio::test]
async fn an_old_holder_exiting_does_not_free_a_new_holders_name() {
    let old = idle().await;
    register("names-handover", &old.pid()).unwrap();
    assert!(unregister("names-handover"));
    let new = idle().await;
    register("names-handover", &new.pid()).unwrap();

    old.pid().kill();
    old.pid().wait_exit().await;
    assert_eq!(whereis("names-handover"), Some(new.pid()));
}

#[tokio::test]
async fn a_named_server_is_found_by_name_and_its_name_freed_on_exit() {
    let server = Idle::options()
        .name("names-server")
        .start(Idle)
        .await
        .unwrap();
    assert_eq!(whereis("names-server"), Some(server.pid()));
    let found = Idle::whereis("names-server").expect("typed lookup");
    assert_eq!(found.ping().await, Ok(7));
    assert_eq!(
        Idle::options().name("names-server").start(Idle).await.err(),
        Some(StartError::AlreadyStarted(server.pid()))
    );

    server.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(whereis("names-server"), None);
    assert!(Idle::whereis("names-server").is_none());
    let again = Idle::options()
        .name("names-server")
        .start(Idle)
        .await
        .unwrap();
    assert_eq!(whereis("names-server"), Some(again.pid()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_of_many_racing_registrations_wins() {
    for round in 0..20 {
        let name = format!("names-race-{round}");
        let mut pids = Vec::new();
        for _ in 0..8 {
            pids.push(idle().await.pid());
        }
        let tasks: Vec<_> = pids
            .iter()
            .cloned()
            .map(|pid| {
                let name = name.clone();
                tokio::spawn(async move { register(&name, &pid).map(|()| pid) })
            })
            .collect();
        let mut winners = Vec::new();
        let mut holders_named = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(pid) => winners.push(pid),
                Err(RegisterError::AlreadyRegistered(holder)) => holders_named.push(holder),
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one registration wins");
        assert!(holders_named.iter().all(|holder| *holder == winners[0]));
        assert_eq!(whereis(&name), Some(winners[0].clone()));
        let named = pids.iter().filter(|pid| pid.name().is_some()).count();
        assert_eq!(named, 1, "the losers hold no name");
    }
}
