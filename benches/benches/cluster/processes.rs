//! Nodes as separate OS processes: this binary started again with `node`, and the
//! measurements that use them (latency across processes, failover after SIGKILL).

use std::process::{ExitCode, Stdio};
use std::time::Duration;

use otp_benches::jobs::BoxError;
use otp_benches::jobs::database::server_url;
use otp_benches::runtime::run_on_worker;
use otp_cluster::{Cluster, ClusterConfig, DEFAULT_LEASE, Singleton};
use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorSpec};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::common::{
    OUTSIDE, Stamp, TOPIC, WARMUP, config, drop_schema, fresh_schema, latencies, now_ns, paced,
    subscriber,
};
use crate::{Sizes, seconds, usage};
/// Node processes of one cluster schema: this binary started again with `node`; their stdout
/// lines, tagged with the node's name, kept in `seen` in the order they arrived.
struct NodeProcesses {
    schema: String,
    lease: Duration,
    singleton: bool,
    children: Vec<(String, Child, ChildStdin)>,
    sender: mpsc::UnboundedSender<(String, String)>,
    lines: mpsc::UnboundedReceiver<(String, String)>,
    seen: Vec<(String, String)>,
    started: usize,
}

impl NodeProcesses {
    fn new(schema: &str, lease: Duration, singleton: bool) -> Self {
        let (sender, lines) = mpsc::unbounded_channel();
        NodeProcesses {
            schema: schema.to_owned(),
            lease,
            singleton,
            children: Vec::new(),
            sender,
            lines,
            seen: Vec::new(),
            started: 0,
        }
    }

    /// Starts one more node and waits until it is ready; returns its name.
    async fn spawn(&mut self) -> Result<String, BoxError> {
        self.started += 1;
        let name = format!("p{}", self.started);
        let mut child = Command::new(std::env::current_exe()?)
            .args(["node", &server_url(), &self.schema, &name])
            .arg(self.lease.as_millis().to_string())
            .arg(if self.singleton { "1" } else { "0" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let sender = self.sender.clone();
        let tag = name.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if sender.send((tag.clone(), line)).is_err() {
                    break;
                }
            }
        });
        self.children.push((name.clone(), child, stdin));
        let from = self.seen.len();
        self.wait_for(from, Duration::from_secs(30), &|node, line| {
            node == name && line == "READY"
        })
        .await
        .ok_or_else(|| format!("node {name} did not start"))?;
        Ok(name)
    }

    /// The first line from index `from` on that `matches`, within `within`: (index, node, line).
    async fn wait_for(
        &mut self,
        from: usize,
        within: Duration,
        matches: &(dyn Fn(&str, &str) -> bool + Send + Sync),
    ) -> Option<(usize, String, String)> {
        let deadline = tokio::time::Instant::now() + within;
        let mut index = from;
        loop {
            while let Some((node, line)) = self.seen.get(index) {
                if matches(node, line) {
                    return Some((index, node.clone(), line.clone()));
                }
                index += 1;
            }
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(tagged)) => self.seen.push(tagged),
                Ok(None) | Err(_) => return None,
            }
        }
    }

    async fn command(&mut self, node: &str, command: &str) -> Result<(), BoxError> {
        let (_, _, stdin) = self
            .children
            .iter_mut()
            .find(|(name, _, _)| name == node)
            .ok_or("no such node")?;
        stdin.write_all(format!("{command}\n").as_bytes()).await?;
        stdin.flush().await?;
        Ok(())
    }

    /// SIGKILL; returns when it was sent, in ns of the system clock.
    async fn kill(&mut self, node: &str) -> Result<u64, BoxError> {
        let index = self
            .children
            .iter()
            .position(|(name, _, _)| name == node)
            .ok_or("no such node")?;
        let (_, mut child, _) = self.children.remove(index);
        let at = now_ns();
        child.kill().await?;
        Ok(at)
    }

    /// Asks every node to stop, and kills those that have not within 10 s.
    async fn stop(mut self) {
        for (_, mut child, mut stdin) in self.children.drain(..) {
            let _ = stdin.write_all(b"stop\n").await;
            let _ = stdin.flush().await;
            drop(stdin);
            if tokio::time::timeout(Duration::from_secs(10), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
        }
    }
}

/// A node in this process broadcasts; two node processes subscribe and time the deliveries.
pub(crate) async fn latency_processes(sizes: Sizes) -> Result<Vec<u64>, BoxError> {
    let schema = fresh_schema("latp").await?;
    let mut processes = NodeProcesses::new(&schema, DEFAULT_LEASE, false);
    let measured = async {
        let names = [processes.spawn().await?, processes.spawn().await?];
        let publisher = Cluster::start(config(&schema, "publisher", DEFAULT_LEASE)).await?;
        let pubsub = publisher.pubsub();
        let total = WARMUP + sizes.latency;
        paced(total, |seq| {
            pubsub.broadcast(TOPIC, Stamp::now(OUTSIDE, seq, ""));
        })
        .await;
        let mut values = Vec::new();
        for name in &names {
            let from = processes.seen.len();
            processes.command(name, &format!("report {total}")).await?;
            let (_, _, line) = processes
                .wait_for(from, Duration::from_secs(30), &|node, line| {
                    node == name && line.starts_with("LAT")
                })
                .await
                .ok_or_else(|| format!("node {name} did not report"))?;
            for value in line.split_whitespace().skip(1) {
                values.push(value.parse::<u64>()?);
            }
        }
        let _ = publisher.stop().await;
        let expected = 2 * sizes.latency;
        if values.len() as u64 == expected {
            Ok(values)
        } else {
            Err(format!("{} of {expected} deliveries", values.len()).into())
        }
    }
    .await;
    processes.stop().await;
    drop_schema(&schema).await?;
    measured
}

/// Three node processes run a singleton; the one running it is killed (SIGKILL) and the time
/// until another node's child started is measured; a fresh node replaces the dead one.
pub(crate) async fn failover(lease: Duration, samples: usize) -> Result<Vec<u64>, BoxError> {
    let schema = fresh_schema(&format!("fail{}", lease.as_millis())).await?;
    let mut processes = NodeProcesses::new(&schema, lease, true);
    let measured = async {
        for _ in 0..3 {
            processes.spawn().await?;
        }
        let (index, mut holder, _) = processes
            .wait_for(0, lease * 3, &|_, line| is_start(line))
            .await
            .ok_or("no node started the singleton")?;
        let mut cursor = index + 1;
        let mut values = Vec::new();
        for _ in 0..samples {
            // The owner renews every quarter lease: kill it at a point of that cycle that varies
            // from one sample to the next, once it has renewed at least once.
            tokio::time::sleep(lease / 2 + jitter(lease / 4)).await;
            let killed_at = processes.kill(&holder).await?;
            let dead = holder.clone();
            let (index, heir, line) = processes
                .wait_for(cursor, lease * 3, &|node, line| {
                    node != dead && is_start(line)
                })
                .await
                .ok_or("no node took the singleton over")?;
            let started_at: u64 = line.rsplit(' ').next().unwrap_or("").parse()?;
            values.push(started_at.saturating_sub(killed_at));
            eprintln!(
                "   {dead} killed, {heir} took over after {:.3} s",
                seconds(*values.last().unwrap_or(&0))
            );
            cursor = index + 1;
            holder = heir;
            processes.spawn().await?;
        }
        Ok(values)
    }
    .await;
    processes.stop().await;
    drop_schema(&schema).await?;
    measured
}

/// A duration in `0..below`, from the clock's low digits: a different point of a cycle each time.
fn jitter(below: Duration) -> Duration {
    let below = u64::try_from(below.as_nanos()).unwrap_or(u64::MAX).max(1);
    Duration::from_nanos(now_ns() % below)
}

// The node process.

/// Whether a node's line says that the singleton's child started there.
fn is_start(line: &str) -> bool {
    line.starts_with("HOLD_START ")
}

/// The singleton's child in a node process: prints when it starts.
struct Holder;

#[genserver]
impl Holder {
    #[init]
    fn init(node: String) -> Holder {
        println!("HOLD_START {node} {}", now_ns());
        Holder
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Runs one node until `stop` or the end of stdin: the cluster, a subscriber timing the
/// deliveries, and the singleton when asked.
async fn node_process(
    url: String,
    schema: String,
    name: String,
    lease: Duration,
    singleton: bool,
) -> Result<(), BoxError> {
    let config = ClusterConfig::new(url)
        .schema(schema)
        .node(&name)
        .lease(lease)
        .message::<Stamp>();
    let cluster = Cluster::start(config).await?;
    let tree = if singleton {
        let holder = Singleton::new(ChildSpec::of::<Holder>(name.clone())).name("holder");
        let spec =
            SupervisorSpec::new(Strategy::OneForOne).child(ChildSpec::of::<Singleton>(holder));
        Some(spec.start().await?)
    } else {
        None
    };
    let (sender, mut deliveries) = mpsc::unbounded_channel();
    let _subscriber = subscriber(0, cluster.pubsub().to_local(), sender).await?;
    println!("READY");
    let mut received = Vec::new();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["report", count] => {
                let count: usize = count.parse()?;
                let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
                while received.len() < count {
                    match tokio::time::timeout_at(deadline, deliveries.recv()).await {
                        Ok(Some(delivery)) => received.push(delivery),
                        Ok(None) | Err(_) => break,
                    }
                }
                let values: Vec<String> = latencies(&received).iter().map(u64::to_string).collect();
                println!("LAT {}", values.join(" "));
                received.clear();
            }
            ["stop"] => break,
            _ => println!("UNKNOWN {line}"),
        }
    }
    if let Some(tree) = tree {
        let _ = tree.stop(ExitReason::Shutdown).await;
    }
    let _ = cluster.stop().await;
    Ok(())
}

pub(crate) fn node_main(args: &[String]) -> ExitCode {
    let [url, schema, name, lease_ms, singleton] = args else {
        return usage("node takes URL SCHEMA NAME LEASE_MS SINGLETON");
    };
    let Ok(lease_ms) = lease_ms.parse() else {
        return usage("LEASE_MS is a number of milliseconds");
    };
    let run = node_process(
        url.clone(),
        schema.clone(),
        name.clone(),
        Duration::from_millis(lease_ms),
        singleton == "1",
    );
    match run_on_worker(async move { run.await.map_err(|error| error.to_string()) }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("node {name}: {error}");
            ExitCode::FAILURE
        }
    }
}
