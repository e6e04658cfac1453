//! Three nodes as separate OS processes on one PostgreSQL database: they greet each other
//! through the cluster PubSub, one of them runs a singleton `Ticker`, and when the program kills
//! that node (SIGKILL), another node takes the ticker over within the lease. It stops by itself.
//!
//! ```sh
//! cargo run -p otp-cluster --example cluster
//! DATABASE_URL=postgres://user@host/db cargo run -p otp-cluster --example cluster
//! ```
//!
//! This program starts itself three times with `node <name>`; each node prints its lines to
//! stdout, which the first program prefixes with the node's name.

use std::process::Stdio;
use std::time::Duration;

use otp_cluster::{Cluster, ClusterConfig, ClusterRef, NodeDown, NodeUp, Singleton};
use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorSpec};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

const LEASE: Duration = Duration::from_secs(2);

/// What the nodes say to each other.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Hello {
    from: String,
    n: u32,
}

/// Listens to the lobby and to node events.
struct Lobby;

#[genserver]
impl Lobby {
    #[init]
    fn init(cluster: ClusterRef, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        cluster.pubsub().subscribe("lobby")?;
        cluster.monitor_nodes(ctx.pid());
        Ok(Lobby)
    }

    #[handle_info]
    fn hello(&mut self, hello: Hello) {
        println!("heard hello #{} from {}", hello.n, hello.from);
    }

    #[handle_info]
    fn up(&mut self, NodeUp(node): NodeUp) {
        println!("node up: {node}");
    }

    #[handle_info]
    fn down(&mut self, NodeDown(node): NodeDown) {
        println!("node down: {node}");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The singleton: runs on one node at a time.
#[derive(Clone)]
struct Ticker {
    node: String,
}

struct Tick;

#[genserver]
impl Ticker {
    #[init]
    fn init(ticker: Ticker, ctx: &mut Context<Self>) -> Ticker {
        println!("singleton Ticker started here");
        ctx.send_after(Duration::from_millis(500), Tick);
        ticker
    }

    #[handle_info]
    fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        println!("singleton Ticker ticks on {}", self.node);
        ctx.send_after(Duration::from_millis(500), Tick);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// One node: the cluster, the singleton, the lobby; says hello every 700 ms until stdin closes.
async fn node(name: String, url: String) -> Result<(), Box<dyn std::error::Error>> {
    let config = ClusterConfig::new(url)
        .schema("otp_cluster_example")
        .node(&name)
        .lease(LEASE);
    let ticker = Singleton::new(ChildSpec::of::<Ticker>(Ticker { node: name.clone() }));
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<Cluster>(config))
        .child(ChildSpec::of::<Singleton>(ticker))
        .start()
        .await?;
    let cluster = sup.child::<Cluster>("Cluster").await?.ok_or("no cluster")?;
    Lobby::start(cluster.clone()).await?;
    println!("joined; other nodes: {:?}", cluster.nodes());

    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut n = 0;
    loop {
        tokio::select! {
            line = stdin.next_line() => if !matches!(line, Ok(Some(_))) { break },
            () = tokio::time::sleep(Duration::from_millis(700)) => {
                n += 1;
                cluster.pubsub().broadcast("lobby", Hello { from: name.clone(), n });
            }
        }
    }
    sup.stop(ExitReason::Shutdown).await?;
    println!("stopped");
    Ok(())
}

/// Starts a node process whose lines reach `lines` as (node, line).
fn spawn_node(
    name: &str,
    url: &str,
    lines: mpsc::UnboundedSender<(String, String)>,
) -> std::io::Result<Child> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["node", name, url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no stdout"))?;
    let name = name.to_owned();
    tokio::spawn(async move {
        let mut stdout = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = stdout.next_line().await {
            if lines.send((name.clone(), line)).is_err() {
                break;
            }
        }
    });
    Ok(child)
}

/// Prints the nodes' lines until one matches, or `within` passes; returns the matching node.
async fn relay_until(
    lines: &mut mpsc::UnboundedReceiver<(String, String)>,
    within: Duration,
    mut stop: impl FnMut(&str, &str) -> bool,
) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, lines.recv()).await {
            Ok(Some((node, line))) => {
                println!("[{node}] {line}");
                if stop(&node, &line) {
                    return Some(node);
                }
            }
            Ok(None) | Err(_) => return None,
        }
    }
}

async fn run_cluster(url: String) -> Result<(), Box<dyn std::error::Error>> {
    let (sender, mut lines) = mpsc::unbounded_channel();
    let mut nodes = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        nodes.push((name, spawn_node(name, &url, sender.clone())?));
    }
    drop(sender);
    let owner = relay_until(&mut lines, Duration::from_secs(20), |_, line| {
        line.contains("Ticker started")
    })
    .await
    .ok_or("no node started the singleton (is PostgreSQL running? see scripts/ensure-postgres)")?;
    relay_until(&mut lines, Duration::from_secs(3), |_, _| false).await;

    println!("== killing {owner} (SIGKILL), which runs the singleton");
    let index = nodes
        .iter()
        .position(|(name, _)| *name == owner)
        .ok_or("unknown node")?;
    let (_, mut victim) = nodes.remove(index);
    victim.kill().await?;
    let started = tokio::time::Instant::now();
    let heir = relay_until(&mut lines, Duration::from_secs(10), |_, line| {
        line.contains("Ticker started")
    })
    .await
    .ok_or("no node took the singleton over")?;
    println!(
        "== {heir} took the singleton over {:.1} s after the kill",
        started.elapsed().as_secs_f64()
    );
    relay_until(&mut lines, Duration::from_secs(2), |_, _| false).await;

    println!("== stopping the other nodes");
    for (_, node) in &mut nodes {
        drop(node.stdin.take()); // a node stops when its stdin closes
    }
    for (_, node) in &mut nodes {
        node.wait().await?;
    }
    while let Some((node, line)) = lines.recv().await {
        println!("[{node}] {line}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [role, name, url] if role == "node" => node(name.clone(), url.clone()).await,
        _ => {
            let url = std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
            run_cluster(url).await
        }
    }
}
