//! `extra_arguments`: a value the DynamicSupervisor puts in front of every child's start
//! arguments (none by default). A child started with `start_child_with_extra` receives
//! `(extra, args)`, at its first start and at each restart; extra arguments of another type,
//! or none, give `ExtraArguments` and start nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::StartChildError;
use otp_core::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pool {
    url: &'static str,
}

struct Room {
    pool: Pool,
    name: String,
}

#[genserver]
impl Room {
    #[init]
    fn init((pool, (name, inits)): (Pool, (String, Arc<AtomicUsize>))) -> Self {
        inits.fetch_add(1, Ordering::SeqCst);
        Room { pool, name }
    }

    #[handle_call]
    fn describe(&mut self) -> (Pool, String) {
        (self.pool.clone(), self.name.clone())
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("room {} crashed", self.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn pool() -> Pool {
    Pool {
        url: "postgres://db/rooms",
    }
}

#[tokio::test(start_paused = true)]
async fn the_extra_arguments_come_in_front_of_each_childs_own() {
    let sup =
        DynamicSupervisor::start_link(DynamicSupervisorOptions::default().extra_arguments(pool()))
            .await
            .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let lobby: RoomRef = sup
        .start_child_with_extra::<Room, Pool, _>(("lobby".to_owned(), inits.clone()))
        .await
        .unwrap();
    let kitchen = sup
        .start_child_with_extra::<Room, Pool, _>(("kitchen".to_owned(), inits.clone()))
        .await
        .unwrap();
    assert_eq!(lobby.describe().await, Ok((pool(), "lobby".to_owned())));
    assert_eq!(kitchen.describe().await, Ok((pool(), "kitchen".to_owned())));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_restarted_child_gets_the_same_extra_arguments() {
    let sup =
        DynamicSupervisor::start_link(DynamicSupervisorOptions::default().extra_arguments(pool()))
            .await
            .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let lobby = sup
        .start_child_with_extra::<Room, Pool, _>(("lobby".to_owned(), inits.clone()))
        .await
        .unwrap();
    lobby.crash();
    lobby.pid().wait_exit().await;
    let children = sup.which_children().await.unwrap();
    assert_eq!(inits.load(Ordering::SeqCst), 2);
    let pid = children[0].pid().cloned().unwrap();
    assert_ne!(pid, lobby.pid());
    let again = RoomRef::from(otp_core::ServerRef::<Room>::from_pid(&pid).unwrap());
    assert_eq!(again.describe().await, Ok((pool(), "lobby".to_owned())));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn extra_arguments_of_another_type_or_none_start_nothing() {
    let inits = Arc::new(AtomicUsize::new(0));
    let wrong =
        DynamicSupervisor::start_link(DynamicSupervisorOptions::default().extra_arguments(42_u32))
            .await
            .unwrap();
    assert_eq!(
        wrong
            .start_child_with_extra::<Room, Pool, _>(("lobby".to_owned(), inits.clone()))
            .await
            .err(),
        Some(StartChildError::ExtraArguments)
    );
    assert_eq!(wrong.count_children().await.unwrap().specs, 0);

    let none = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert_eq!(
        none.start_child_with_extra::<Room, Pool, _>(("lobby".to_owned(), inits.clone()))
            .await
            .err(),
        Some(StartChildError::ExtraArguments)
    );
    assert_eq!(inits.load(Ordering::SeqCst), 0);

    // Without extra arguments, a child is started with its arguments as they are.
    let room = none
        .start_child::<Room>((pool(), ("plain".to_owned(), inits.clone())))
        .await
        .unwrap();
    assert_eq!(room.describe().await, Ok((pool(), "plain".to_owned())));
    wrong.stop(ExitReason::Shutdown).await.unwrap();
    none.stop(ExitReason::Shutdown).await.unwrap();
}
