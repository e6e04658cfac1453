//! Chat rooms: the Elixir OTP guide's Registry pattern, with rooms chatting over PubSub.
//!
//! The Elixir it replaces (abridged):
//!
//! ```elixir
//! children = [
//!   {Registry, keys: :unique, name: MyApp.Registry},
//!   {Phoenix.PubSub, name: MyApp.PubSub},
//!   {DynamicSupervisor, name: MyApp.RoomSupervisor}
//! ]
//!
//! def start_room(room_id) do
//!   case DynamicSupervisor.start_child(MyApp.RoomSupervisor,
//!          {MyApp.Room, room_id: room_id, name: via(room_id)}) do
//!     {:ok, pid} -> {:ok, pid}
//!     {:error, {:already_started, pid}} -> {:ok, pid}
//!   end
//! end
//!
//! def via(room_id), do: {:via, Registry, {MyApp.Registry, room_id}}
//! ```
//!
//! Rooms are started on demand under the `room_sup` DynamicSupervisor, each registered in
//! `rooms_registry` under its id (a via-name), so `start_room` finds a running room instead of
//! starting a second one. Users are `Member` processes: joining a room subscribes them to the
//! room's topic on `rooms_pubsub`; what they say goes to the topic with `broadcast_from`, so
//! everyone but the speaker hears it (the room, subscribed too, keeps the history). A room
//! that crashes is restarted by the DynamicSupervisor and found again under its via-name; the
//! members, subscribed to the topic and not to the room's process, keep chatting.
//!
//! Run it with `cargo run --example rooms`.

use std::error::Error;
use std::sync::Arc;

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorRef, PubSub, PubSubRef, Registry, RegistryRef,
    Restart, StartChildError, Unique, supervisor,
};

type Rooms = RegistryRef<String, (), Unique>;
type BoxError = Box<dyn Error + Send + Sync>;

const REGISTRY: &str = "rooms_registry";
const PUBSUB: &str = "rooms_pubsub";
const ROOM_SUP: &str = "room_sup";

/// The PubSub topic of a room.
fn topic(room_id: &str) -> String {
    format!("room:{room_id}")
}

/// The tree's PubSub, found by its name.
fn pubsub() -> Result<PubSubRef, InitError> {
    PubSubRef::named(PUBSUB)
        .ok_or_else(|| std::io::Error::other(format!("no PubSub named {PUBSUB}")).into())
}

/// A line said in a room, broadcast to the room's topic. The text is shared, never copied per
/// subscriber.
#[derive(Clone, Debug)]
struct Said {
    room: String,
    from: String,
    text: Arc<str>,
}

/// Someone joined a room, announced by the room to its topic.
#[derive(Clone, Debug)]
struct Joined {
    room: String,
    user: String,
}

/// A chat room: its members and the history of what was said.
struct Room {
    id: String,
    pubsub: PubSubRef,
    members: Vec<String>,
    history: Vec<String>,
}

#[genserver]
impl Room {
    #[init]
    fn init(id: String) -> Result<Self, InitError> {
        let pubsub = pubsub()?;
        // The room listens to its own topic to keep the history.
        pubsub.subscribe(topic(&id))?;
        println!("     room {id} started");
        Ok(Room {
            id,
            pubsub,
            members: Vec::new(),
            history: Vec::new(),
        })
    }

    /// Adds a member and tells the room's topic; the number of members.
    #[handle_call]
    fn join(&mut self, user: String, ctx: &mut Context<Self>) -> usize {
        self.members.push(user.clone());
        let joined = Joined {
            room: self.id.clone(),
            user,
        };
        self.pubsub
            .broadcast_from(ctx.pid(), &topic(&self.id), joined);
        self.members.len()
    }

    #[handle_call]
    fn members(&mut self) -> Vec<String> {
        self.members.clone()
    }

    #[handle_call]
    fn history(&mut self) -> Vec<String> {
        self.history.clone()
    }

    #[handle_info]
    fn said(&mut self, said: Said) {
        self.history.push(format!("<{}> {}", said.from, said.text));
    }

    /// A bug in the room: it panics.
    #[handle_cast]
    fn crash(&mut self) {
        panic!("room {} hit a bug", self.id);
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        println!("     room {} stopping: {reason}", self.id);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// The guide's `start_room/1`: the running room `room_id`, or a new one started under
/// `room_sup` with the via-name `room_id` in `rooms_registry`. Transient: restarted after a
/// crash, not after a normal close.
async fn start_room(room_id: &str) -> Result<RoomRef, BoxError> {
    let rooms = Rooms::named(REGISTRY).ok_or("no rooms registry")?;
    if let Some(room) = rooms.whereis::<Room>(room_id) {
        return Ok(room);
    }
    let room_sup = DynamicSupervisorRef::whereis(ROOM_SUP).ok_or("no room supervisor")?;
    let (registry, id) = (rooms.clone(), room_id.to_owned());
    // Each start, the first and every restart, registers the room under its id again.
    let spec = ChildSpec::from_fn(format!("room {room_id}"), move |_| {
        let (registry, id) = (registry.clone(), id.clone());
        async move {
            Room::options()
                .via(&registry, id.clone())
                .start_link(id)
                .await
                .map(|room| room.pid())
        }
    })
    .with_restart(Restart::Transient);
    match room_sup.start_child_spec::<Room>(spec).await {
        Ok(room) => Ok(room),
        // Started meanwhile by someone else: it is registered.
        Err(StartChildError::AlreadyStarted(_)) => Ok(rooms
            .whereis::<Room>(room_id)
            .ok_or("the room is not registered")?),
        Err(error) => Err(error.into()),
    }
}

/// A user: joins rooms, says things in them, and prints what it hears.
struct Member {
    name: String,
    pubsub: PubSubRef,
    heard: Vec<String>,
}

#[genserver]
impl Member {
    #[init]
    fn init(name: String) -> Result<Self, InitError> {
        Ok(Member {
            name,
            pubsub: pubsub()?,
            heard: Vec::new(),
        })
    }

    /// Joins `room_id`, starting the room if needed; the number of members it has now.
    #[handle_call]
    async fn join(&mut self, room_id: String) -> Result<usize, String> {
        let room = start_room(&room_id).await.map_err(|e| e.to_string())?;
        let members = room
            .join(self.name.clone())
            .await
            .map_err(|e| e.to_string())?;
        // Subscribed after the room announced the join: the others see it, not the joiner.
        self.pubsub
            .subscribe(topic(&room_id))
            .map_err(|e| e.to_string())?;
        Ok(members)
    }

    /// Says `text` in `room_id`: everyone on the room's topic but this member hears it.
    #[handle_call]
    fn say(&mut self, room_id: String, text: String, ctx: &mut Context<Self>) -> usize {
        println!("     {} says in {room_id}: {text}", self.name);
        let said = Said {
            room: room_id.clone(),
            from: self.name.clone(),
            text: text.into(),
        };
        self.pubsub
            .broadcast_from(ctx.pid(), &topic(&room_id), said)
    }

    #[handle_call]
    fn heard(&mut self) -> Vec<String> {
        self.heard.clone()
    }

    #[handle_info]
    fn said(&mut self, said: Said) {
        println!(
            "       {} hears in {}: <{}> {}",
            self.name, said.room, said.from, said.text
        );
        self.heard.push(format!("<{}> {}", said.from, said.text));
    }

    #[handle_info]
    fn joined(&mut self, joined: Joined) {
        println!(
            "       {} sees {} join {}",
            self.name, joined.user, joined.room
        );
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// Fails the program with `what` unless `holds`.
fn check(holds: bool, what: &str) -> Result<(), BoxError> {
    if holds {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    println!("1. start the tree: the registry, the PubSub, then the room supervisor");
    let app = supervisor! {
        strategy: one_for_one,
        name: "rooms_app",
        children: [
            Registry::<String>(name = REGISTRY),
            PubSub(name = PUBSUB),
            DynamicSupervisor(name = ROOM_SUP),
        ],
    }
    .start_link()
    .await?;
    let children: Vec<String> = app
        .which_children()
        .await?
        .into_iter()
        .map(|child| child.id.unwrap_or_default())
        .collect();
    println!("   children: {}", children.join(", "));
    let rooms = Rooms::named(REGISTRY).ok_or("no rooms registry")?;
    let room_sup = DynamicSupervisorRef::whereis(ROOM_SUP).ok_or("no room supervisor")?;

    println!("2. start_room starts a room on demand, and finds it the second time");
    let lobby = start_room("lobby").await?;
    let again = start_room("lobby").await?;
    println!(
        "   start_room(\"lobby\") -> {}, again -> {}",
        lobby.pid(),
        again.pid()
    );
    check(again.pid() == lobby.pid(), "one lobby")?;

    println!("3. users join rooms: each join subscribes the user to the room's topic");
    let alice = Member::start("alice".to_owned()).await?;
    let bob = Member::start("bob".to_owned()).await?;
    let carol = Member::start("carol".to_owned()).await?;
    alice.join("lobby".into()).await??;
    bob.join("lobby".into()).await??;
    carol.join("garden".into()).await??;
    println!(
        "   lobby: {:?}; garden: {:?}; rooms running: {}",
        lobby.members().await?,
        start_room("garden").await?.members().await?,
        room_sup.count_children().await?.active
    );

    println!("4. chat over PubSub: the speaker is skipped, the other rooms hear nothing");
    let reached = alice.say("lobby".into(), "hi bob".into()).await?;
    bob.say("lobby".into(), "hi alice".into()).await?;
    carol.say("garden".into(), "anyone here?".into()).await?;
    // Each call below queues behind the broadcasts already in that process's mailbox.
    println!(
        "   alice's line reached {reached} (bob and the room); carol heard {} lines",
        carol.heard().await?.len()
    );
    println!("   lobby history: {:?}", lobby.history().await?);
    check(bob.heard().await? == ["<alice> hi bob"], "bob heard alice")?;

    println!("5. the lobby crashes; room_sup restarts it under the same via-name");
    let old = lobby.pid();
    lobby.crash();
    old.wait_exit().await;
    // room_sup has the exit in its mailbox before this call: it answers after the restart.
    room_sup.count_children().await?;
    let lobby = start_room("lobby").await?;
    println!(
        "   start_room(\"lobby\") -> {} (was {old}); registry lookup: {:?}",
        lobby.pid(),
        rooms.lookup("lobby")
    );
    check(lobby.pid() != old, "a new lobby process")?;
    println!(
        "   the new lobby has members {:?} and history {:?}: its state went with the crash",
        lobby.members().await?,
        lobby.history().await?
    );

    println!("6. the members are subscribed to the topic, not to the process: chat goes on");
    bob.say("lobby".into(), "still here?".into()).await?;
    alice.say("lobby".into(), "yes".into()).await?;
    println!("   lobby history: {:?}", lobby.history().await?);
    check(
        alice.heard().await? == ["<bob> hi alice", "<bob> still here?"],
        "alice heard bob before and after the crash",
    )?;

    println!("7. stop the tree: rooms stop with the room supervisor, entries go with them");
    app.stop(ExitReason::Shutdown).await?;
    println!(
        "   rooms registered: {}; lobby alive: {}",
        rooms.count(),
        lobby.is_alive()
    );
    check(rooms.count() == 0, "no room left")?;
    Ok(())
}
