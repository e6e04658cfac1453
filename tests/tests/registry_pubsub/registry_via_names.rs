//! Via-names: a server started with `via(&registry, key)` is registered before its init runs,
//! found by its key with its typed handle, refused with `AlreadyStarted(holder)` when the key
//! is taken, gone when it exits, and registered again when a supervisor (static or dynamic)
//! restarts it with a spec that starts it with `via`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Registry, RegistryRef, Strategy,
    SupervisorSpec, Unique,
};

type Rooms = RegistryRef<String, (), Unique>;

#[derive(Clone)]
struct RoomArgs {
    rooms: Rooms,
    name: String,
    inits: Arc<AtomicUsize>,
    fail: bool,
}

struct Room {
    name: String,
    /// What `lookup` of its own key returned during its init.
    seen_in_init: Vec<(Pid, ())>,
    posts: usize,
}

#[genserver]
impl Room {
    #[init]
    fn init(args: RoomArgs) -> Result<Self, InitError> {
        args.inits.fetch_add(1, Ordering::SeqCst);
        if args.fail {
            return Err(InitError::Stop(ExitReason::ShutdownWith("no room".into())));
        }
        Ok(Room {
            seen_in_init: args.rooms.lookup(args.name.as_str()),
            name: args.name,
            posts: 0,
        })
    }

    #[handle_call]
    fn post(&mut self) -> (String, usize) {
        self.posts += 1;
        (self.name.clone(), self.posts)
    }

    #[handle_call]
    fn seen_in_init(&mut self) -> Vec<(Pid, ())> {
        self.seen_in_init.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Another server type, to look a key up with the wrong type.
struct Kitchen;

#[genserver]
impl Kitchen {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    rooms: Rooms,
    inits: Arc<AtomicUsize>,
}

impl Fixture {
    async fn new() -> Fixture {
        Fixture {
            rooms: Registry::<String>::unique().start().await.unwrap(),
            inits: Arc::default(),
        }
    }

    fn args(&self, name: &str, fail: bool) -> RoomArgs {
        RoomArgs {
            rooms: self.rooms.clone(),
            name: name.to_owned(),
            inits: self.inits.clone(),
            fail,
        }
    }

    async fn start(&self, name: &str) -> Result<RoomRef, StartError> {
        Room::options()
            .via(&self.rooms, name.to_owned())
            .start(self.args(name, false))
            .await
    }

    /// A spec that starts the room `name` with its via-name, linked to the supervisor.
    fn spec(&self, name: &str) -> ChildSpec {
        let (rooms, args, key) = (self.rooms.clone(), self.args(name, false), name.to_owned());
        ChildSpec::from_fn(format!("room {name}"), move |_| {
            let (rooms, args, key) = (rooms.clone(), args.clone(), key.clone());
            async move {
                Room::options()
                    .via(&rooms, key)
                    .start_link(args)
                    .await
                    .map(|room| room.pid())
            }
        })
    }
}

#[tokio::test]
async fn a_server_started_via_a_key_is_found_by_its_typed_handle() {
    let f = Fixture::new().await;
    let lobby = f.start("lobby").await.unwrap();
    let found: RoomRef = f.rooms.whereis::<Room>("lobby").expect("registered");
    assert_eq!(found.pid(), lobby.pid());
    assert_eq!(found.post().await.unwrap(), ("lobby".to_owned(), 1));
    assert_eq!(lobby.post().await.unwrap(), ("lobby".to_owned(), 2));
    assert_eq!(f.rooms.lookup("lobby"), vec![(lobby.pid(), ())]);
    assert_eq!(f.rooms.keys(&lobby.pid()), vec!["lobby".to_owned()]);
    assert_eq!(f.rooms.count(), 1);
    // Registered before its init ran: init found itself.
    assert_eq!(lobby.seen_in_init().await.unwrap(), vec![(lobby.pid(), ())]);
    // Another key, or the same key with another server type: nothing.
    assert!(f.rooms.whereis::<Room>("kitchen").is_none());
    assert!(f.rooms.whereis::<Kitchen>("lobby").is_none());
}

#[tokio::test]
async fn a_taken_key_gives_already_started_without_running_init() {
    let f = Fixture::new().await;
    let lobby = f.start("lobby").await.unwrap();
    assert_eq!(f.inits.load(Ordering::SeqCst), 1);
    let again = f.start("lobby").await;
    assert_eq!(again.err(), Some(StartError::AlreadyStarted(lobby.pid())));
    assert_eq!(
        f.inits.load(Ordering::SeqCst),
        1,
        "the second init never ran"
    );
    assert_eq!(f.rooms.lookup("lobby"), vec![(lobby.pid(), ())]);
    assert_eq!(f.rooms.count(), 1);
    assert!(lobby.is_alive());
}

#[tokio::test]
async fn the_via_name_goes_when_the_server_exits() {
    let f = Fixture::new().await;
    let lobby = f.start("lobby").await.unwrap();
    lobby.stop(ExitReason::Normal).await.unwrap();
    assert!(f.rooms.whereis::<Room>("lobby").is_none());
    assert!(f.rooms.lookup("lobby").is_empty());
    assert_eq!(f.rooms.count(), 0);
    // The key is free: a new server takes it.
    let again = f.start("lobby").await.unwrap();
    assert_ne!(again.pid(), lobby.pid());
    assert_eq!(
        f.rooms.whereis::<Room>("lobby").map(|room| room.pid()),
        Some(again.pid())
    );
}

#[tokio::test]
async fn a_failed_init_frees_the_via_name() {
    let f = Fixture::new().await;
    let failed = Room::options()
        .via(&f.rooms, "lobby".to_owned())
        .start(f.args("lobby", true))
        .await;
    assert_eq!(
        failed.err(),
        Some(StartError::Init(ExitReason::ShutdownWith("no room".into())))
    );
    assert!(f.rooms.lookup("lobby").is_empty());
    assert_eq!(f.rooms.count(), 0);
    f.start("lobby").await.expect("the key is free");
}

#[tokio::test]
async fn a_supervisor_restart_registers_the_child_again() {
    let f = Fixture::new().await;
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(f.spec("lobby"))
        .start()
        .await
        .unwrap();
    let mut previous = f.rooms.whereis::<Room>("lobby").expect("started via");
    assert_eq!(
        sup.child_pid("room lobby").await.unwrap(),
        Some(previous.pid())
    );
    // Three restarts: within the default intensity (3 in 5 s).
    for (restart, crash) in [
        ExitReason::Killed,
        ExitReason::error(std::io::Error::other("x")),
        ExitReason::Killed,
    ]
    .into_iter()
    .enumerate()
    {
        if crash == ExitReason::Killed {
            previous.pid().kill();
        } else {
            previous.pid().exit(crash);
        }
        previous.pid().wait_exit().await;
        // The supervisor has the exit in its mailbox before this call: it answers after the
        // restart.
        let child = sup
            .child_pid("room lobby")
            .await
            .unwrap()
            .expect("restarted");
        let found = f.rooms.whereis::<Room>("lobby").expect("registered again");
        assert_eq!(found.pid(), child, "restart {restart}");
        assert_ne!(child, previous.pid(), "restart {restart}");
        assert_eq!(found.post().await.unwrap(), ("lobby".to_owned(), 1));
        assert_eq!(f.rooms.lookup("lobby"), vec![(child, ())]);
        previous = found;
    }
    assert_eq!(f.inits.load(Ordering::SeqCst), 4);
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(f.rooms.whereis::<Room>("lobby").is_none());
    assert_eq!(f.rooms.count(), 0);
}

#[tokio::test]
async fn a_dynamic_supervisor_restart_registers_the_child_again() {
    let f = Fixture::new().await;
    let rooms_sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let lobby = rooms_sup
        .start_child_spec::<Room>(f.spec("lobby"))
        .await
        .unwrap()
        .pid();
    let kitchen = rooms_sup
        .start_child_spec::<Room>(f.spec("kitchen"))
        .await
        .unwrap()
        .pid();
    assert_eq!(
        rooms_sup
            .start_child_spec::<Room>(f.spec("lobby"))
            .await
            .err(),
        Some(otp_core::StartChildError::AlreadyStarted(lobby.clone()))
    );
    lobby.kill();
    lobby.wait_exit().await;
    assert_eq!(rooms_sup.count_children().await.unwrap().active, 2);
    let found = f.rooms.whereis::<Room>("lobby").expect("registered again");
    assert_ne!(found.pid(), lobby);
    assert_eq!(found.post().await.unwrap(), ("lobby".to_owned(), 1));
    assert_eq!(
        f.rooms.whereis::<Room>("kitchen").map(|room| room.pid()),
        Some(kitchen)
    );
    assert_eq!(f.rooms.count(), 2);
}
