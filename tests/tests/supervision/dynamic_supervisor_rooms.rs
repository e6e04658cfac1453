//! The Elixir OTP guide's rooms: a named DynamicSupervisor in the application's tree, of `Room`
//! servers started on demand and found by name; a room that crashes is restarted under the
//! same name; a room that closes is gone and the next demand starts a fresh one; concurrent
//! demands for one room end with one room.

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisorRef, Restart, StartChildError, supervisor};

struct Room {
    name: String,
    members: Vec<String>,
}

#[genserver]
impl Room {
    #[init]
    fn init(name: String) -> Self {
        Room {
            name,
            members: Vec::new(),
        }
    }

    #[handle_call]
    fn join(&mut self, user: String) -> usize {
        self.members.push(user);
        self.members.len()
    }

    #[handle_call]
    fn members(&mut self) -> (String, Vec<String>) {
        (self.name.clone(), self.members.clone())
    }

    #[handle_cast]
    fn close(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("room {} crashed", self.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The room `name` under `rooms`: the running one, or a new one.
async fn room(rooms: &DynamicSupervisorRef, prefix: &str, name: &str) -> RoomRef {
    let registered = format!("{prefix}:{name}");
    if let Some(room) = Room::whereis(&registered) {
        return room;
    }
    let spec = ChildSpec::of::<Room>(name.to_owned())
        .with_name(registered.as_str())
        .with_restart(Restart::Transient);
    match rooms.start_child_spec::<Room>(spec).await {
        Ok(room) => room,
        Err(StartChildError::AlreadyStarted(_)) => Room::whereis(&registered).unwrap(),
        Err(error) => panic!("room {name} did not start: {error}"),
    }
}

async fn app(rooms_name: &str) -> (otp_core::SupervisorRef, DynamicSupervisorRef) {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [DynamicSupervisor(name = rooms_name) { id = "rooms" }],
    }
    .start_link()
    .await
    .unwrap();
    let rooms = DynamicSupervisorRef::whereis(rooms_name).expect("found by its name");
    assert_eq!(Some(rooms.pid()), sup.child_pid("rooms").await.unwrap());
    (sup, rooms)
}

#[tokio::test(start_paused = true)]
async fn rooms_are_started_on_demand_and_found_by_name() {
    let (sup, rooms) = app("rooms_on_demand").await;
    assert_eq!(rooms.count_children().await.unwrap().active, 0);

    let lobby = room(&rooms, "on_demand", "lobby").await;
    assert_eq!(lobby.join("ana".into()).await, Ok(1));
    let again = room(&rooms, "on_demand", "lobby").await;
    assert_eq!(again.pid(), lobby.pid(), "the same room");
    assert_eq!(again.join("bo".into()).await, Ok(2));
    assert_eq!(rooms.count_children().await.unwrap().active, 1);

    let kitchen = room(&rooms, "on_demand", "kitchen").await;
    assert_ne!(kitchen.pid(), lobby.pid());
    assert_eq!(
        kitchen.members().await,
        Ok(("kitchen".to_owned(), Vec::new()))
    );
    assert_eq!(rooms.count_children().await.unwrap().active, 2);
    assert_eq!(
        Room::whereis("on_demand:lobby").unwrap().members().await,
        Ok(("lobby".to_owned(), vec!["ana".to_owned(), "bo".to_owned()]))
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(Room::whereis("on_demand:lobby").is_none());
    assert!(DynamicSupervisorRef::whereis("rooms_on_demand").is_none());
}

#[tokio::test(start_paused = true)]
async fn a_crashed_room_is_restarted_under_its_name() {
    let (sup, rooms) = app("rooms_crash").await;
    let lobby = room(&rooms, "crash", "lobby").await;
    lobby.join("ana".into()).await.unwrap();
    lobby.crash();
    lobby.pid().wait_exit().await;
    rooms.count_children().await.unwrap();

    let restarted = Room::whereis("crash:lobby").expect("registered again");
    assert_ne!(restarted.pid(), lobby.pid());
    assert_eq!(
        restarted.members().await,
        Ok(("lobby".to_owned(), Vec::new())),
        "a fresh state from the start argument"
    );
    assert_eq!(lobby.members().await, Err(CallError::NoProc));
    assert_eq!(room(&rooms, "crash", "lobby").await.pid(), restarted.pid());
    assert_eq!(rooms.count_children().await.unwrap().active, 1);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_closed_room_is_gone_and_the_next_demand_starts_a_fresh_one() {
    let (sup, rooms) = app("rooms_close").await;
    let lobby = room(&rooms, "close", "lobby").await;
    lobby.join("ana".into()).await.unwrap();
    lobby.close();
    assert_eq!(lobby.pid().wait_exit().await, ExitReason::Normal);
    assert_eq!(rooms.count_children().await.unwrap().active, 0);
    assert!(Room::whereis("close:lobby").is_none());

    let fresh = room(&rooms, "close", "lobby").await;
    assert_ne!(fresh.pid(), lobby.pid());
    assert_eq!(fresh.members().await, Ok(("lobby".to_owned(), Vec::new())));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn concurrent_demands_for_one_room_end_with_one_room() {
    let (sup, rooms) = app("rooms_race").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let rooms = rooms.clone();
        tasks.push(tokio::spawn(async move {
            let kitchen = room(&rooms, "race", "kitchen").await;
            kitchen.join(format!("user{i}")).await.unwrap();
            kitchen.pid()
        }));
    }
    let mut pids = Vec::new();
    for task in tasks {
        pids.push(task.await.unwrap());
    }
    pids.dedup();
    assert_eq!(pids.len(), 1, "every demand got the same room");
    assert_eq!(rooms.count_children().await.unwrap().active, 1);
    let (_, members) = Room::whereis("race:kitchen")
        .unwrap()
        .members()
        .await
        .unwrap();
    assert_eq!(members.len(), 20);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
