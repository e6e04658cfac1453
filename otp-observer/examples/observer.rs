//! The observer on a small, busy system: open the address it prints in a browser.
//!
//! The tree: a `Repo` and a `Cache` that answer calls all the time, a `Mailer` that falls
//! behind in bursts (its mailbox fills, then drains), a `Flaky` worker that crashes every few
//! seconds and is restarted, a `rooms` dynamic supervisor that takes a room every two seconds
//! and closes the oldest past eight, and two `Peer` servers that call each other for three
//! seconds every ten, a deadlock the page shows as a cycle until one call times out. The
//! observer is a child of the same tree, with a token printed at start: enter it on the page
//! to kill, suspend or resume a process. A durable-jobs node runs beside them: e-mails sent in
//! the `mailers` queue (one attempt in four fails and is retried later), reports scheduled an
//! hour ahead in `reports`; the page shows its queues, and retries or cancels a job by id.
//!
//! Run it with `cargo run -p otp-observer --example observer` (or `cargo run --example
//! observer`); `OBSERVER_ADDR=127.0.0.1:0` picks a free port, `OBSERVER_TOKEN` sets the token.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisorRef, supervisor};
use otp_jobs::prelude::*;
use otp_observer::{Observer, ObserverConfig};

/// A durable job: an e-mail that fails one attempt in four.
#[derive(serde::Serialize, serde::Deserialize)]
struct SendEmail {
    to: u64,
}

impl Worker for SendEmail {
    const NAME: &'static str = "SendEmail";
    const QUEUE: &'static str = "mailers";
    const MAX_ATTEMPTS: u32 = 3;

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if random().is_multiple_of(4) {
            return Err(JobError::msg(format!(
                "smtp: mailbox {} unavailable",
                self.to
            )));
        }
        Ok(())
    }
}

/// A report, scheduled an hour ahead.
#[derive(serde::Serialize, serde::Deserialize)]
struct DailyReport;

impl Worker for DailyReport {
    const NAME: &'static str = "DailyReport";
    const QUEUE: &'static str = "reports";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// A service that answers calls: the repo and the cache.
struct Store {
    hits: u64,
}

#[genserver]
impl Store {
    #[init]
    fn init(_args: ()) -> Self {
        Store { hits: 0 }
    }

    #[handle_call]
    fn get(&mut self, key: u64) -> u64 {
        self.hits += 1;
        key.wrapping_mul(31) ^ self.hits
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A worker slower than what it is sent in bursts: its mailbox fills, then drains.
struct Mailer;

#[genserver]
impl Mailer {
    #[init]
    fn init(_args: ()) -> Self {
        Mailer
    }

    #[handle_cast]
    async fn deliver(&mut self, _to: u64) {
        tokio::time::sleep(Duration::from_millis(40)).await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Crashes a few seconds after each start.
struct Flaky;

struct Crash;

#[genserver]
impl Flaky {
    #[init]
    fn init(_args: (), ctx: &mut Context<Self>) -> Self {
        ctx.send_after(Duration::from_secs(4 + random() % 5), Crash);
        Flaky
    }

    #[handle_info]
    fn crash(&mut self, _msg: Crash, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::error(std::io::Error::other(
            "lost its upstream connection",
        )));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A chat room, started on demand under `rooms`.
struct Room {
    topic: String,
}

#[genserver]
impl Room {
    #[init]
    fn init(topic: String) -> Self {
        Room { topic }
    }

    #[handle_call]
    fn topic(&mut self) -> String {
        self.topic.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Two of these call each other: each waits on the other until one call times out.
#[derive(Clone)]
struct Peer;

#[genserver]
impl Peer {
    /// Calls `other`, which calls `back`: `back` is this peer, busy in this very call.
    #[handle_call]
    async fn ask(&mut self, other: PeerRef, back: PeerRef) -> bool {
        other
            .ask_back(back)
            .timeout(Duration::from_secs(5))
            .await
            .is_ok()
    }

    #[handle_call]
    async fn ask_back(&mut self, back: PeerRef) -> bool {
        back.ask_back(back.clone())
            .timeout(Duration::from_secs(3))
            .await
            .is_ok()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A number that differs from run to run (no cryptographic use).
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos()),
    );
    hasher.finish()
}

/// Keeps the system busy: calls, bursts of mail, rooms opening and closing, a deadlock now
/// and then.
async fn traffic(jobs: Jobs) -> Result<(), Box<dyn std::error::Error>> {
    let rooms = DynamicSupervisorRef::whereis("rooms").ok_or("no rooms supervisor")?;
    let mut open: VecDeque<Pid> = VecDeque::new();
    let topics = [
        "general", "random", "ops", "deploys", "support", "design", "music", "games",
    ];
    let mut tick: u64 = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        tick += 1;
        for name in ["repo", "cache"] {
            if let Some(store) = Store::whereis(name) {
                for key in 0..(tick % 7 + 3) {
                    let _ = store.get(key).await;
                }
            }
        }
        if tick.is_multiple_of(30)
            && let Some(mailer) = Mailer::whereis("mailer")
        {
            for to in 0..40 {
                mailer.deliver(to);
            }
        }
        if tick.is_multiple_of(5) {
            SendEmail { to: tick }.new_job().insert(&jobs).await?;
        }
        if tick.is_multiple_of(40) {
            DailyReport
                .new_job()
                .schedule_in(Duration::from_secs(3600))
                .insert(&jobs)
                .await?;
        }
        if tick.is_multiple_of(20) {
            #[allow(clippy::cast_possible_truncation)]
            let topic = topics[(tick / 20) as usize % topics.len()];
            if let Ok(room) = rooms.start_child::<Room>(format!("#{topic}")).await {
                open.push_back(room.pid());
            }
            if open.len() > 8
                && let Some(oldest) = open.pop_front()
            {
                let _ = rooms.terminate_child(&oldest).await;
            }
        }
        if tick % 100 == 50
            && let (Some(ping), Some(pong)) = (Peer::whereis("ping"), Peer::whereis("pong"))
        {
            let back = ping.clone();
            tokio::spawn(async move {
                let _ = ping.ask(pong, back).timeout(Duration::from_secs(10)).await;
            });
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "error,otp_observer=info".into()),
        )
        .init();
    let token = std::env::var("OBSERVER_TOKEN").unwrap_or_else(|_| format!("{:016x}", random()));
    let address = std::env::var("OBSERVER_ADDR")
        .ok()
        .map(|text| text.parse())
        .transpose()?
        .unwrap_or(otp_observer::DEFAULT_ADDRESS);
    let app = supervisor! {
        strategy: one_for_one,
        max_restarts: 10, max_seconds: 5,
        children: [
            Store(()) { id = "repo", name = "repo" },
            Store(()) { id = "cache", name = "cache" },
            Mailer(()) { name = "mailer" },
            supervisor! {
                strategy: one_for_one,
                children: [
                    Flaky(()) { id = "flaky" },
                    Peer(Peer) { id = "ping", name = "ping" },
                    Peer(Peer) { id = "pong", name = "pong" },
                ],
            } { id = "workers" },
            DynamicSupervisor(name = "rooms", max_children = 100),
            Jobs(JobsConfig::sqlite_memory()
                .node("web-1")
                .queue("mailers", 3)
                .queue("reports", 1)
                .worker::<SendEmail>()
                .worker::<DailyReport>()),
        ],
    }
    .start_link()
    .await?;
    let jobs = app.child::<Jobs>("Jobs").await?.ok_or("no jobs node")?;
    // The observer last, given the jobs node's handle.
    let config = ObserverConfig::new()
        .token(token.clone())
        .address(address)
        .jobs(jobs.clone());
    app.start_child(ChildSpec::of::<Observer>(config)).await?;
    let observer = app
        .child::<Observer>("Observer")
        .await?
        .ok_or("the observer is not running")?;
    let address = observer.local_addr().await?;
    println!("observer: http://{address}/");
    println!("token:    {token}");
    println!("(Ctrl-C to stop)");
    traffic(jobs).await
}
