//! A two-level supervision tree, the Elixir OTP guide's `MyApp.Application`, crashed at each level.
//!
//! The Elixir it replaces (abridged):
//!
//! ```elixir
//! children = [
//!   MyApp.Repo,                                        # the database: first
//!   {MyApp.ConfigCache, name: :config},
//!   MyApp.Jobs,        # a Supervisor of Queue, Scheduler, Mailer: rest_for_one, max_restarts: 2
//!   {DynamicSupervisor, name: MyApp.RoomSupervisor},   # rooms, started on demand
//!   MyAppWeb.Endpoint                                  # the web server: last
//! ]
//! Supervisor.start_link(children, strategy: :one_for_one, name: MyApp.Supervisor)
//!
//! defmodule MyApp.Room do
//!   use GenServer, restart: :transient                 # restarted after a crash, not a close
//! end
//! ```
//!
//! Every worker prints `started X (start #n)` from its `init` and `stopping X: reason` from its
//! `#[terminate]`, so the restarts show as they happen. The program crashes a child at each
//! level (a panic in a handler, a kill, an abnormal stop, an exit signal), makes the nested
//! `jobs` supervisor exceed its restart intensity so that `app` restarts it, then stops the
//! tree. On stderr, the runtime logs each abnormal exit at error level, as OTP's logger would,
//! and Rust's panic hook prints the panic's message.
//!
//! After each crash the program waits for the old process to exit, then calls its supervisor:
//! the exit signal is in the supervisor's mailbox before the call, so the answer comes once the
//! restart is done, and the next step starts from the restarted tree.
//!
//! Run it with `cargo run --example supervision_tree`.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::Mutex;

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisor, DynamicSupervisorRef, SupervisorRef, supervisor};

/// How many times each child has started, by its label.
static STARTS: Mutex<BTreeMap<String, u32>> = Mutex::new(BTreeMap::new());

/// Called from every `init`: prints "started X (start #n)".
fn started(who: &str) {
    let mut starts = STARTS.lock().expect("no panic while the lock is held");
    let count = starts.entry(who.to_owned()).or_default();
    *count += 1;
    println!("     started {who} (start #{count})");
}

/// Called from every `#[terminate]`: prints "stopping X: reason".
fn stopping(who: &str, reason: &ExitReason) {
    println!("     stopping {who}: {reason}");
}

/// Declares a worker that only reports its starts and stops: the services of the tree that
/// play no other part here. Each is an ordinary `#[genserver]`, as `ConfigCache` below is.
macro_rules! service {
    ($($name:ident),* $(,)?) => {$(
        struct $name;

        #[genserver]
        impl $name {
            #[init]
            fn init(_args: ()) -> Self {
                started(stringify!($name));
                $name
            }

            #[terminate]
            fn terminate(&mut self, reason: &ExitReason) {
                stopping(stringify!($name), reason);
            }

            #[handle_info(catch_all)]
            fn unexpected(&mut self, msg: AnyMessage) {
                tracing::warn!(?msg, "unexpected message");
            }
        }
    )*};
}

service!(Repo, Queue, Scheduler, Mailer, Endpoint);

/// The configuration, loaded a `key=value` line at a time. `load` trusts its input: a line
/// without `=` panics, a bug that takes down this process and no other.
struct ConfigCache {
    settings: HashMap<String, String>,
}

#[genserver]
impl ConfigCache {
    #[init]
    fn init(_args: ()) -> Self {
        started("ConfigCache");
        ConfigCache {
            settings: HashMap::new(),
        }
    }

    /// Stores one `key=value` line; the number of settings.
    #[handle_call]
    fn load(&mut self, line: String) -> usize {
        let (key, value) = line.split_once('=').expect("a config line is key=value");
        self.settings.insert(key.to_owned(), value.to_owned());
        self.settings.len()
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        stopping("ConfigCache", reason);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// A chat room, started on demand under the `rooms` DynamicSupervisor. Transient: restarted
/// after an abnormal exit, not after it closes normally.
struct Room {
    id: String,
    messages: Vec<String>,
}

#[genserver]
#[child_spec(restart = "transient")]
impl Room {
    #[init]
    fn init(id: String) -> Self {
        started(&format!("room {id}"));
        Room {
            id,
            messages: Vec::new(),
        }
    }

    /// Posts a message; the number of messages in the room.
    #[handle_call]
    fn post(&mut self, text: String) -> usize {
        self.messages.push(text);
        self.messages.len()
    }

    /// Closes the room: a normal stop.
    #[handle_cast]
    fn close(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    /// Stops the room with an error: an abnormal stop.
    #[handle_cast]
    fn fail(&mut self, why: String, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::error(io::Error::other(why)));
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        stopping(&format!("room {}", self.id), reason);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// The guide's `start_room/1`: a room under the `rooms` supervisor, registered as `room:<id>`
/// (the `{:via, Registry, ..}` name), so it is found again after a restart.
async fn start_room(
    rooms: &DynamicSupervisorRef,
    id: &str,
) -> Result<RoomRef, Box<dyn std::error::Error>> {
    let name = format!("room:{id}");
    let spec = ChildSpec::of::<Room>(id.to_owned()).with_name(name.as_str());
    Ok(rooms.start_child_spec::<Room>(spec).await?)
}

/// The running child `id` of `sup`.
async fn child(sup: &SupervisorRef, id: &str) -> Result<Pid, Box<dyn std::error::Error>> {
    Ok(sup.child_pid(id).await?.ok_or(format!("no child {id}"))?)
}

// One thread: the processes take turns, so the lines come in the same order at every run.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    // The tree: strategy first, then the children in start order, each with its start
    // argument and its overrides; `jobs` is nested inline.
    let tree = supervisor! {
        strategy: one_for_one,
        max_restarts: 3, max_seconds: 5,
        name: "app",
        children: [
            Repo(()),
            ConfigCache(()) { name = "config" },
            supervisor! {
                strategy: rest_for_one,
                max_restarts: 2, max_seconds: 5,
                children: [Queue(()), Scheduler(()), Mailer(())],
            } { id = "jobs" },
            DynamicSupervisor(name = "rooms", max_children = 100) { id = "rooms" },
            Endpoint(()),
        ],
    };

    println!("1. start the tree: each child starts once the one before it has run its init");
    let app = tree.start_link().await?;
    let children: Vec<String> = app
        .which_children()
        .await?
        .into_iter()
        .map(|child| child.id.unwrap_or_default())
        .collect();
    println!("   app's children: {}", children.join(", "));

    println!("2. rooms are started on demand under the DynamicSupervisor");
    let rooms = DynamicSupervisorRef::whereis("rooms").ok_or("no rooms supervisor")?;
    let lobby = start_room(&rooms, "lobby").await?;
    let kitchen = start_room(&rooms, "kitchen").await?;
    lobby.post("hello".into()).await?;
    println!(
        "   messages in the lobby: {}",
        lobby.post("anyone?".into()).await?
    );

    // After each crash: wait for the old process to exit, then call its supervisor, which
    // answers once it has handled the exit (see the top of the file).
    println!("3. one_for_one: ConfigCache panics in a handler; only it restarts");
    let config = ConfigCache::whereis("config").ok_or("no config")?;
    println!("   load(\"no equals sign\"):");
    let result = config.load("no equals sign".into()).await;
    config.pid().wait_exit().await;
    app.count_children().await?;
    println!("   the caller got {result:?}");
    let new_config = ConfigCache::whereis("config").ok_or("no config")?;
    println!(
        "   \"config\" is {} now (was {}); load(\"ttl=60\") -> {:?}",
        new_config.pid(),
        config.pid(),
        new_config.load("ttl=60".into()).await?
    );

    println!("4. rest_for_one: Scheduler is killed (no terminate); Mailer, started after it,");
    println!("   is stopped, then both start again; Queue, started before, is left alone");
    let jobs =
        SupervisorRef::from_pid(&child(&app, "jobs").await?).ok_or("jobs is no supervisor")?;
    let scheduler = child(&jobs, "Scheduler").await?;
    scheduler.kill();
    scheduler.wait_exit().await;
    jobs.count_children().await?;

    println!("5. the rooms are transient (#[child_spec(restart = \"transient\")])");
    println!("   lobby stops with an error: restarted, under its name, with its messages gone");
    lobby.fail("lost its history".into());
    lobby.pid().wait_exit().await;
    rooms.count_children().await?;
    let new_lobby = Room::whereis("room:lobby").ok_or("no lobby")?;
    println!(
        "   \"room:lobby\" is {} now (was {}); messages after one post: {}",
        new_lobby.pid(),
        lobby.pid(),
        new_lobby.post("hello again".into()).await?
    );
    println!("   kitchen closes normally: not restarted");
    kitchen.close();
    kitchen.pid().wait_exit().await;
    println!("   rooms running: {}", rooms.count_children().await?.active);

    println!("6. restart intensity: jobs allows 2 restarts in 5 s, and the kill above used one");
    println!("   Queue gets an exit signal: rest_for_one restarts Queue, Scheduler and Mailer");
    let queue = child(&jobs, "Queue").await?;
    queue.exit(ExitReason::error(io::Error::other("lost the broker")));
    queue.wait_exit().await;
    jobs.count_children().await?;
    println!("   Queue gets it again: a 3rd restart in 5 s is too many; jobs stops its children");
    println!("   in reverse order and exits with shutdown, and app restarts jobs afresh");
    let queue = child(&jobs, "Queue").await?;
    queue.exit(ExitReason::error(io::Error::other("lost the broker")));
    let reason = jobs.pid().wait_exit().await;
    app.count_children().await?;
    println!(
        "   jobs {} exited with {reason}; jobs is {} now",
        jobs.pid(),
        child(&app, "jobs").await?
    );

    println!("7. stop the tree: children stop in reverse start order, rooms and jobs with theirs");
    let counts = app.count_children().await?;
    println!(
        "   app has {} children running ({} supervisors, {} workers)",
        counts.active, counts.supervisors, counts.workers
    );
    app.stop(ExitReason::Shutdown).await?;
    println!("   app stopped: alive = {}", app.is_alive());
    Ok(())
}
