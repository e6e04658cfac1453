//! A unique registry never answers with a process that is dead: right after `kill()`, while
//! the process's exit is still being processed, `lookup`, `whereis`, `match_values` and
//! `dispatch` already find nothing under its key, and `register` by another process already
//! succeeds. Lookups and `register` agree at every instant (`Registry.register/3` treats a dead
//! holder as gone; `whereis_name` filters by `Process.alive?`).

use otp_core::prelude::*;
use otp_core::{Registry, RegistryRef};

use otp_behaviour_tests::registry::{Proc, run_in};

struct Room;

#[genserver]
impl Room {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

type Rooms = RegistryRef<String, u32>;

const ROUNDS: u32 = 2_000;

/// What the registry answered for `key` just after its holder was killed: the dead pid, by
/// each way of looking, or nothing.
fn dead_answers(rooms: &Rooms, key: &str, dead: &Pid) -> Vec<&'static str> {
    let mut found = Vec::new();
    if rooms.lookup(key).iter().any(|(pid, _)| pid == dead) {
        found.push("lookup");
    }
    if rooms.whereis::<Room>(key).is_some() {
        found.push("whereis");
    }
    if !rooms.match_values(key, |_| true).is_empty() {
        found.push("match_values");
    }
    if rooms.dispatch(key, |_| ()) {
        found.push("dispatch");
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_never_return_a_killed_process() {
    let rooms = Registry::<String, u32>::unique().start().await.unwrap();
    let mut bad = Vec::new();
    for round in 0..ROUNDS {
        let key = format!("room-{round}");
        let room = Room::options()
            .via(&rooms, key.clone())
            .start(Room)
            .await
            .unwrap();
        let pid = room.pid();
        pid.kill();
        assert!(!pid.is_alive(), "dead as soon as killed");
        let found = dead_answers(&rooms, &key, &pid);
        if !found.is_empty() {
            bad.push((round, found));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {ROUNDS} rounds answered with the killed process; first: {:?}",
        bad.len(),
        bad.first()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_and_lookup_agree_right_after_a_kill() {
    let rooms = Registry::<String, u32>::unique().start().await.unwrap();
    let heir = Proc::start(Proc).await.unwrap();
    let mut disagreed = 0;
    for round in 0..ROUNDS {
        let key = format!("room-{round}");
        let room = Room::options()
            .via(&rooms, key.clone())
            .start(Room)
            .await
            .unwrap();
        let dead = room.pid();
        // In one go inside the heir: kill the holder, look the key up, take the key.
        let (looked_up, registered) = run_in(&heir, {
            let rooms = rooms.clone();
            let key = key.clone();
            move || {
                dead.kill();
                let looked_up = rooms.lookup(key.as_str());
                (looked_up, rooms.register(key, round))
            }
        })
        .await;
        // The dead holder is gone for register...
        assert_eq!(registered, Ok(()), "round {round}");
        // ...so it was gone for the lookup made just before.
        if !looked_up.is_empty() {
            disagreed += 1;
        }
        assert_eq!(rooms.lookup(key.as_str()), vec![(heir.pid(), round)]);
        assert_eq!(
            rooms.match_values(key.as_str(), |value| *value == round),
            vec![(heir.pid(), round)]
        );
    }
    assert_eq!(
        disagreed, 0,
        "rounds of {ROUNDS} where lookup found the holder that register replaced"
    );
}
