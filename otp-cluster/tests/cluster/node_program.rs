//! The node program: this test binary, started again as a separate OS process by
//! [`node_harness`](crate::node_harness), runs one node of a cluster and takes commands on
//! stdin. It prints what happens as lines: `READY`, `NODEUP n`, `NODEDOWN n`, `MISSED`,
//! `HOLD_START node µs` / `HOLD_STOP node µs` (the singleton's child starting and ending, in
//! µs of the system clock), `COUNT received order_errors gaps`, `NODES k`, `HOLDER yes|no`.
//! Commands: `send N`, `stream`, `count`, `nodes`, `holder`, `stop`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otp_cluster::{
    Cluster, ClusterConfig, ClusterRef, MissedBroadcasts, NodeDown, NodeUp, Singleton,
};
use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorSpec};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::Numbered;

/// The environment variable that makes the `node_process` test run a node.
pub(crate) const NODE_ENV: &str = "OTP_CLUSTER_TEST_NODE";

fn micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros())
}

/// The singleton's child: prints when it starts and when it ends (its state dropped: after
/// `terminate`, or when it is killed).
pub(crate) struct Holder {
    node: String,
}

#[genserver]
impl Holder {
    #[init]
    fn init(node: String) -> Self {
        println!("HOLD_START {node} {}", micros());
        Holder { node }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

impl Drop for Holder {
    fn drop(&mut self) {
        println!("HOLD_STOP {} {}", self.node, micros());
    }
}

/// Counts the numbered broadcasts of every node, checking their order.
pub(crate) struct Counter {
    last: HashMap<String, u64>,
    received: u64,
    order_errors: u64,
    gaps: u64,
}

#[genserver]
impl Counter {
    #[init]
    fn init(cluster: ClusterRef, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        cluster.pubsub().subscribe("numbers")?;
        cluster.monitor_nodes(ctx.pid());
        Ok(Counter {
            last: HashMap::new(),
            received: 0,
            order_errors: 0,
            gaps: 0,
        })
    }

    #[handle_info]
    fn numbered(&mut self, Numbered { from, n }: Numbered) {
        self.received += 1;
        let last = self.last.insert(from, n).unwrap_or(0);
        if n <= last {
            self.order_errors += 1;
        } else if n > last + 1 {
            self.gaps += 1;
        }
    }

    #[handle_info]
    fn up(&mut self, NodeUp(node): NodeUp) {
        println!("NODEUP {node}");
    }

    #[handle_info]
    fn down(&mut self, NodeDown(node): NodeDown) {
        println!("NODEDOWN {node}");
    }

    #[handle_info]
    fn missed(&mut self, missed: MissedBroadcasts) {
        println!("MISSED {}", missed.topics.join(","));
    }

    #[handle_call]
    fn count(&mut self) -> (u64, u64, u64) {
        (self.received, self.order_errors, self.gaps)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Runs a node until `stop` or the end of stdin.
pub(crate) async fn run(node: String) {
    let url = std::env::var("OTP_CLUSTER_TEST_URL").expect("the url");
    let schema = std::env::var("OTP_CLUSTER_TEST_SCHEMA").expect("the schema");
    let lease: u64 = std::env::var("OTP_CLUSTER_TEST_LEASE_MS")
        .expect("the lease")
        .parse()
        .expect("a number");
    let config = ClusterConfig::new(url)
        .schema(schema)
        .node(&node)
        .lease(Duration::from_millis(lease))
        .message::<Numbered>();
    let singleton = Singleton::new(ChildSpec::of::<Holder>(node.clone())).name("holder");
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<Cluster>(config))
        .child(ChildSpec::of::<Singleton>(singleton))
        .start()
        .await
        .expect("the node's tree started");
    let cluster = sup
        .child::<Cluster>("Cluster")
        .await
        .expect("asked")
        .expect("the cluster runs");
    let holder = sup
        .child::<Singleton>("Holder")
        .await
        .expect("asked")
        .expect("the singleton process runs");
    let counter = Counter::start(cluster.clone())
        .await
        .expect("the counter started");
    println!("READY {node}");

    let mut sent = 0_u64;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["send", n] => {
                let n: u64 = n.parse().expect("a count");
                let pubsub = cluster.pubsub();
                for _ in 0..n {
                    sent += 1;
                    pubsub.broadcast(
                        "numbers",
                        Numbered {
                            from: node.clone(),
                            n: sent,
                        },
                    );
                }
                println!("SENT {sent}");
            }
            ["stream"] => {
                let pubsub = cluster.pubsub();
                let from = node.clone();
                let start = sent;
                tokio::spawn(async move {
                    let mut n = start;
                    loop {
                        n += 1;
                        pubsub.broadcast(
                            "numbers",
                            Numbered {
                                from: from.clone(),
                                n,
                            },
                        );
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                });
            }
            ["count"] => {
                let (received, order_errors, gaps) = counter.count().await.expect("counted");
                println!("COUNT {received} {order_errors} {gaps}");
            }
            ["nodes"] => println!("NODES {}", cluster.nodes().len()),
            ["holder"] => {
                let here = holder.local_pid().await.expect("asked").is_some();
                println!("HOLDER {}", if here { "yes" } else { "no" });
            }
            ["stop"] => break,
            _ => println!("UNKNOWN {line}"),
        }
    }
    sup.stop(ExitReason::Shutdown)
        .await
        .expect("the tree stopped");
    println!("STOPPED {node}");
}
