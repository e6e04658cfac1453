//! Behind `PgBouncer` in transaction mode (`pool_mode = transaction`), where LISTEN receives
//! nothing and session state does not last, and clients share server sessions (`PgBouncer`
//! before 1.21 keeps no prepared statements apart): jobs inserted through the pooler run, each
//! node says in a warning that it polls instead, leadership (cron, the pruner) stays with one
//! node, since it is a lease row rather than a session lock, and the other operations (unique
//! inserts, cancel, retry, stats, queue signals, an insert in a caller's transaction) work.
//!
//! The test starts its own `pgbouncer` (the binary, on a free port, with a configuration of its
//! own in front of the test server) and kills it at the end. Without the binary it skips, unless
//! `CI` or `OTP_REQUIRE_POSTGRES` is set: then it fails (`scripts/ensure-pgbouncer` installs it,
//! and `scripts/test` runs it first).
//! A binary of its own: the tracing subscriber is global.

mod support;

use otp_jobs::UnnamedStatements;
use otp_jobs::prelude::*;
use otp_jobs::testing::Filter;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::fields::Fields;
use support::postgres::{TestDb, required};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// A `pgbouncer` process of the test's own, in transaction mode in front of the test server,
/// every connection's `search_path` set to the test's schema; killed when dropped.
struct Bouncer {
    child: Child,
    dir: PathBuf,
    port: u16,
}

/// The `pgbouncer` binary: on the `PATH`, or where Debian's package puts it.
fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("pgbouncer"));
    on_path
        .chain([PathBuf::from("/usr/sbin/pgbouncer")])
        .find(|path| path.is_file())
}

/// Whether this process runs as root (`PgBouncer` refuses to).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl Bouncer {
    /// Starts it in front of `server` (host, port) for `schema`; `None` (said on stderr) when
    /// the binary is missing and PostgreSQL is not required.
    fn start(server: (&str, u16), schema: &str) -> Option<Bouncer> {
        let Some(binary) = binary() else {
            assert!(
                !required(),
                "pgbouncer is not installed, and CI or OTP_REQUIRE_POSTGRES is set: run \
                 scripts/ensure-pgbouncer"
            );
            eprintln!("SKIPPED behind PgBouncer: no pgbouncer binary (scripts/ensure-pgbouncer)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("otp-jobs-pgbouncer-{port}-{schema}"));
        std::fs::create_dir_all(&dir).unwrap();
        let (host, server_port) = server;
        let ini = dir.join("pgbouncer.ini");
        std::fs::write(
            &ini,
            format!(
                "[databases]\n\
                 otp_jobs = host={host} port={server_port} dbname=postgres user=postgres \
                 connect_query='SET search_path TO {schema}'\n\
                 [pgbouncer]\n\
                 listen_addr = 127.0.0.1\n\
                 listen_port = {port}\n\
                 unix_socket_dir =\n\
                 auth_type = any\n\
                 pool_mode = transaction\n\
                 default_pool_size = 10\n\
                 max_client_conn = 200\n\
                 ignore_startup_parameters = extra_float_digits\n\
                 logfile = {log}\n\
                 pidfile = {pid}\n",
                log = dir.join("pgbouncer.log").display(),
                pid = dir.join("pgbouncer.pid").display()
            ),
        )
        .unwrap();
        // PgBouncer refuses to run as root: then as the server's user.
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&binary);
            let _ = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(&dir)
                .status();
            command
        } else {
            Command::new(&binary)
        };
        let child = command
            .arg(&ini)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        Some(Bouncer { child, dir, port })
    }

    /// The URL of the test's database through the pooler.
    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/otp_jobs", self.port)
    }

    /// Waits until it accepts connections (its pid file is written by then).
    async fn ready(&mut self) {
        let port = self.port;
        let child = &mut self.child;
        support::wait_for("pgbouncer to listen", || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("pgbouncer exited at start: {status}");
            }
            async move {
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .ok()
                    .map(|_| ())
            }
        })
        .await;
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // pgbouncer itself (under `runuser`, the child is not pgbouncer), then the child.
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("pgbouncer.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The host and port of the test server, from its URL.
fn server_address(url: &str) -> (String, u16) {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    match host_port.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.parse().unwrap_or(5432)),
        None => (host_port.to_owned(), 5432),
    }
}

/// The warnings seen, as their fields.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Warnings {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::WARN {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(fields);
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Work {
    n: u32,
}

impl Worker for Work {
    const NAME: &'static str = "Work";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct Tick;

impl Worker for Tick {
    const NAME: &'static str = "Tick";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

const JOBS: u32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_pgbouncer_in_transaction_mode_jobs_run_polled_with_one_leader() {
    let warnings = Warnings::default();
    let subscriber = tracing_subscriber::registry().with(warnings.clone());
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let Some(db) = TestDb::new().await else {
        return;
    };
    let (host, port) = server_address(db.base_url());
    let Some(mut bouncer) = Bouncer::start((&host, port), db.schema()) else {
        return;
    };
    bouncer.ready().await;

    let node = |name: &str| {
        JobsConfig::postgres(bouncer.url())
            .node(name)
            .worker::<Work>()
            .worker::<Tick>()
            .stage_interval(Duration::from_millis(200))
            .lease(Duration::from_secs(3))
            .prune_interval(Duration::from_millis(100))
            .prune_after(Duration::from_secs(3600))
    };
    // Inserts only: the runners' queues are woken by nothing but their stagers' rounds, every
    // stage interval (no LISTEN behind this pooler).
    let inserter = Jobs::start(node("inserter").testing(Testing::Manual))
        .await
        .unwrap();
    let runners = [
        Jobs::start(node("a").queue("default", 5).cron("* * * * * *", Tick))
            .await
            .unwrap(),
        Jobs::start(node("b").queue("default", 5).cron("* * * * * *", Tick))
            .await
            .unwrap(),
    ];

    let polling: Vec<_> = warnings
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|fields| {
            fields
                .get("message")
                .is_some_and(|message| message.contains("polling for available jobs"))
        })
        .cloned()
        .collect();
    assert_eq!(
        polling.len(),
        2,
        "each runner warns that it polls: {:?}",
        warnings.0.lock().unwrap()
    );

    let work = inserter
        .insert_all((0..JOBS).map(|n| Work { n }.new_job()))
        .await
        .unwrap();
    for job in &work {
        let done = completed(&inserter, job.id).await;
        assert_eq!(done.attempt, 1, "{done:?}");
    }

    assert_one_leader(&db, &inserter).await;
    other_operations(&bouncer, &inserter, &runners[0]).await;

    for jobs in runners {
        jobs.shutdown().await.unwrap();
    }
    inserter.shutdown().await.unwrap();
    drop(bouncer);
}

/// Cron: one leader inserts each tick once; the pruner also has one leader.
async fn assert_one_leader(db: &TestDb, inserter: &Jobs) {
    let ticks = support::wait_for("two cron ticks completed", || async {
        let ticks = inserter
            .all_enqueued(Filter::worker::<Tick>().states(&[JobState::Completed]))
            .await
            .unwrap();
        (ticks.len() >= 2).then_some(ticks)
    })
    .await;
    let mut conn = db.connect().await;
    let leaders: Vec<(String, String)> =
        sqlx::query_as("SELECT role, node FROM otp_jobs_leaders ORDER BY role")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let roles: Vec<&str> = leaders.iter().map(|(role, _)| role.as_str()).collect();
    assert_eq!(roles, ["cron", "pruner"], "{leaders:?}");
    let cron_leader = &leaders[0].1;
    let mut seen_ticks = HashSet::new();
    for tick in &ticks {
        assert_eq!(
            tick.meta["inserted_by"].as_str(),
            Some(cron_leader.as_str()),
            "{tick:?}"
        );
        assert!(
            seen_ticks.insert(tick.meta["cron_tick"].to_string()),
            "a tick inserted twice: {ticks:?}"
        );
    }
}

/// Waits until job `id` is completed, run by a runner.
async fn completed(jobs: &Jobs, id: i64) -> Job {
    let done = support::wait_for(&format!("job {id} to complete"), || async {
        jobs.job(id)
            .await
            .unwrap()
            .filter(|job| job.state == JobState::Completed)
    })
    .await;
    assert!(
        matches!(done.attempted_by.as_deref(), Some("a" | "b")),
        "{done:?}"
    );
    done
}

/// Unique inserts, cancel, retry, stats, a queue signal, and inserts in a caller's transaction
/// through the pooler.
async fn other_operations(bouncer: &Bouncer, inserter: &Jobs, runner: &Jobs) {
    let unique = Unique::new().period(Duration::from_secs(3600));
    let first = inserter
        .insert(Work { n: 1000 }.new_job().unique(unique))
        .await
        .unwrap();
    assert!(!first.conflict);
    let again = inserter
        .insert(Work { n: 1000 }.new_job().unique(unique))
        .await
        .unwrap();
    assert!(again.conflict, "{again:?}");
    assert_eq!(again.id, first.id);
    completed(inserter, first.id).await;

    let later = inserter
        .insert(
            Work { n: 1001 }
                .new_job()
                .schedule_in(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    let cancelled = inserter.cancel(later.id).await.unwrap().unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    let retried = inserter.retry(later.id).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Available);
    completed(inserter, later.id).await;

    let stats = inserter.stats().await.unwrap();
    assert!(
        stats
            .queue("default")
            .is_some_and(|queue| queue.count(JobState::Completed) >= u64::from(JOBS) + 2),
        "{stats:?}"
    );
    runner.scale_queue("default", 4).await.unwrap();

    // A caller's own transaction through the pooler: the jobs exist when it commits.
    let pool = sqlx::PgPool::connect(&bouncer.url()).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let mut ids = Vec::new();
    for n in 2000..2005 {
        let job = Work { n }
            .new_job()
            .insert_in(&mut UnnamedStatements(&mut tx))
            .await
            .unwrap();
        ids.push(job.id);
    }
    let conflict = Work { n: 1000 }
        .new_job()
        .unique(unique)
        .insert_in(&mut UnnamedStatements(&mut tx))
        .await
        .unwrap();
    assert!(conflict.conflict, "{conflict:?}");
    tx.commit().await.unwrap();
    pool.close().await;
    for id in ids {
        completed(inserter, id).await;
    }
}
