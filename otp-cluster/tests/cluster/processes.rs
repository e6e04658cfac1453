//! Nodes as separate OS processes: killed while broadcasting and owning the singleton, 10,000
//! broadcasts across three, a database restart under running nodes.

use std::time::Duration;

use crate::node_harness::{NodeProcess, assert_never_twice, holder_intervals};
use crate::node_program::{self, NODE_ENV};
use crate::private_server::PrivateServer;
use crate::support::{eventually, fresh_schema, url};

const LEASE_MS: u64 = 1000;

/// Not a test of its own: the entry of the node program, when this binary runs as a node (see
/// `node_harness`); without the environment variable it does nothing.
#[test]
fn node_process() {
    let Ok(node) = std::env::var(NODE_ENV) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(node_program::run(node));
}

/// Starts nodes `names` together and waits until each sees the others.
async fn start_nodes(names: &[&str], url: &str, schema: &str) -> Vec<NodeProcess> {
    let mut nodes = Vec::new();
    for name in names {
        nodes.push(NodeProcess::start(name, url, schema, LEASE_MS).await);
    }
    for node in &mut nodes {
        let others = (names.len() - 1).to_string();
        let mut seen = false;
        for _ in 0..100 {
            if node.ask("nodes", "NODES ").await == format!("NODES {others}") {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(seen, "node {} did not see the others", node.name);
    }
    nodes
}

/// The index of the node that runs the singleton's child, once one does.
async fn holder_of(nodes: &mut [NodeProcess]) -> usize {
    for _ in 0..100 {
        for (index, node) in nodes.iter_mut().enumerate() {
            if node.holds().await {
                return index;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no node runs the singleton");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_while_broadcasting_and_owning_the_singleton() {
    let schema = fresh_schema("proc_kill").await;
    let mut nodes = start_nodes(&["k1", "k2", "k3"], &url(), &schema).await;
    let owner = holder_of(&mut nodes).await;
    let victim_name = nodes[owner].name.clone();
    for node in &mut nodes {
        node.command("stream").await;
    }
    // Everyone hears the victim before it dies.
    for node in &mut nodes {
        let name = node.name.clone();
        assert!(
            eventually(Duration::from_secs(5), || {
                let lines = node.printed();
                async move { lines > 0 }
            })
            .await,
            "{name}"
        );
    }
    let mut victim = nodes.remove(owner);
    let before: Vec<u64> = {
        let mut counts = Vec::new();
        for node in &mut nodes {
            counts.push(node.count().await.0);
        }
        counts
    };
    let marks: Vec<usize> = nodes.iter().map(NodeProcess::printed).collect();
    let killed_at = victim.kill().await;

    for (node, mark) in nodes.iter().zip(&marks) {
        let down = node
            .wait_for(*mark, Duration::from_millis(LEASE_MS * 3), |line| {
                line == format!("NODEDOWN {victim_name}")
            })
            .await;
        assert!(
            down.is_some(),
            "{} did not see {victim_name} down within the lease",
            node.name
        );
    }
    let took_over = async {
        for _ in 0..100 {
            for node in &mut nodes {
                if node.holds().await {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    assert!(took_over.await, "no surviving node took the singleton over");
    // The survivors still hear each other.
    for (node, before) in nodes.iter_mut().zip(before) {
        let name = node.name.clone();
        let mut grew = false;
        for _ in 0..50 {
            if node.count().await.0 > before + 50 {
                grew = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(grew, "{name} stopped receiving broadcasts after the kill");
        let (_, order_errors, _) = node.count().await;
        assert_eq!(
            order_errors, 0,
            "{name} received a publisher's messages out of order"
        );
    }
    let all: Vec<&NodeProcess> = nodes.iter().chain(std::iter::once(&victim)).collect();
    assert_never_twice(&holder_intervals(&all, &[(victim_name, killed_at)]));
    for node in nodes {
        node.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_broadcasts_across_three_nodes_none_lost() {
    let schema = fresh_schema("proc_10k").await;
    let mut nodes = start_nodes(&["t1", "t2", "t3"], &url(), &schema).await;
    let shares = [3_334, 3_333, 3_333];
    for (node, share) in nodes.iter_mut().zip(shares) {
        node.command(&format!("send {share}")).await;
    }
    for node in &mut nodes {
        let name = node.name.clone();
        let mut last = (0, 0, 0);
        for _ in 0..300 {
            last = node.count().await;
            if last.0 >= 10_000 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            last,
            (10_000, 0, 0),
            "{name}: (received, out of order, gaps)"
        );
    }
    for node in nodes {
        node.stop().await;
    }
}

/// Waits until `node` has printed a `MISSED numbers` line after `mark`, and its broadcasts
/// flow again, both ways.
async fn assert_resumed(nodes: &mut [NodeProcess], marks: &[usize]) {
    for (node, mark) in nodes.iter().zip(marks) {
        let missed = node
            .wait_for(*mark, Duration::from_secs(15), |line| {
                line.starts_with("MISSED")
            })
            .await;
        assert_eq!(
            missed.as_deref(),
            Some("MISSED numbers"),
            "{} did not reconnect and tell its subscriber: {}",
            node.name,
            node.stderr_text()
        );
    }
    for node in nodes.iter_mut() {
        let name = node.name.clone();
        let before = node.count().await.0;
        let mut grew = false;
        for _ in 0..100 {
            if node.count().await.0 > before + 100 {
                grew = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(grew, "{name} receives nothing after the database came back");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_running_nodes() {
    let server = tokio::task::spawn_blocking(|| PrivateServer::start("restart"))
        .await
        .expect("the private server started");
    let server = std::sync::Arc::new(server);
    let url = server.url();
    let schema = "restart";
    let mut nodes = start_nodes(&["r1", "r2"], &url, schema).await;
    holder_of(&mut nodes).await;
    for node in &mut nodes {
        node.command("stream").await;
    }

    // A quick restart, shorter than the lease.
    let marks: Vec<usize> = nodes.iter().map(NodeProcess::printed).collect();
    let restarting = server.clone();
    tokio::task::spawn_blocking(move || restarting.restart())
        .await
        .expect("restarted");
    assert_resumed(&mut nodes, &marks).await;
    holder_of(&mut nodes).await;

    // An outage longer than the lease: the owner stops its singleton before its lease ends.
    let owner = holder_of(&mut nodes).await;
    let marks: Vec<usize> = nodes.iter().map(NodeProcess::printed).collect();
    let stopping = server.clone();
    tokio::task::spawn_blocking(move || stopping.stop())
        .await
        .expect("stopped");
    let mut gave_up = false;
    for _ in 0..100 {
        if !nodes[owner].holds().await {
            gave_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gave_up, "the owner kept its singleton without the database");
    let starting = server.clone();
    tokio::task::spawn_blocking(move || starting.start_again())
        .await
        .expect("started again");
    assert_resumed(&mut nodes, &marks).await;

    // The nodes see each other again.
    for node in &mut nodes {
        let mut seen = false;
        for _ in 0..100 {
            if node.ask("nodes", "NODES ").await == "NODES 1" {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(seen, "{} does not see the other node again", node.name);
    }
    // One node runs the singleton again, and at no time did two.
    holder_of(&mut nodes).await;
    let mut holders = 0;
    for node in &mut nodes {
        holders += usize::from(node.holds().await);
    }
    assert_eq!(holders, 1);
    let all: Vec<&NodeProcess> = nodes.iter().collect();
    assert_never_twice(&holder_intervals(&all, &[]));
    for node in &mut nodes {
        assert!(node.is_running(), "{} exited", node.name);
        assert!(
            !node.stderr_text().contains("panicked"),
            "{} panicked: {}",
            node.name,
            node.stderr_text()
        );
    }
    for node in nodes {
        node.stop().await;
    }
}
