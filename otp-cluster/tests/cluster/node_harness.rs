//! Starts nodes as separate OS processes (this test binary, running the `node_process` test
//! with the node's settings in its environment) and reads what they print.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use crate::node_program::NODE_ENV;

/// A node running as an OS process.
pub(crate) struct NodeProcess {
    pub(crate) name: String,
    child: Child,
    stdin: ChildStdin,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn collect<R: tokio::io::AsyncRead + Unpin + Send + 'static>(reader: R) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    tokio::spawn(async move {
        let mut reader = BufReader::new(reader).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            // The first line the node prints follows the test harness's `test ... ` on its line.
            let line = match line.split_once(" ... ") {
                Some((harness, printed)) if harness.starts_with("test ") => printed.to_owned(),
                _ => line,
            };
            sink.lock().expect("lines").push(line);
        }
    });
    lines
}

impl NodeProcess {
    /// Starts node `name` of the cluster in `schema` at `url`, and waits for it to be ready.
    pub(crate) async fn start(name: &str, url: &str, schema: &str, lease_ms: u64) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "processes::node_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(NODE_ENV, name)
            .env("OTP_CLUSTER_TEST_URL", url)
            .env("OTP_CLUSTER_TEST_SCHEMA", schema)
            .env("OTP_CLUSTER_TEST_LEASE_MS", lease_ms.to_string())
            .env("RUST_LOG", "otp_cluster=info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the node process started");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let node = NodeProcess {
            name: name.to_owned(),
            child,
            stdin,
            stdout,
            stderr,
        };
        assert!(
            node.wait_for(0, Duration::from_secs(20), |line| line.starts_with("READY"))
                .await
                .is_some(),
            "node {name} did not start: {}",
            node.stderr_text()
        );
        node
    }

    /// Sends a command.
    pub(crate) async fn command(&mut self, command: &str) {
        self.stdin
            .write_all(format!("{command}\n").as_bytes())
            .await
            .expect("the command was written");
        self.stdin.flush().await.expect("flushed");
    }

    /// The number of lines printed so far.
    pub(crate) fn printed(&self) -> usize {
        self.stdout.lock().expect("lines").len()
    }

    /// Every line printed so far.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.stdout.lock().expect("lines").clone()
    }

    /// What the node wrote to stderr (its logs).
    pub(crate) fn stderr_text(&self) -> String {
        self.stderr.lock().expect("lines").join("\n")
    }

    /// The first line from index `from` on that `matches`, waiting up to `within`.
    pub(crate) async fn wait_for(
        &self,
        from: usize,
        within: Duration,
        matches: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let found = self
                .stdout
                .lock()
                .expect("lines")
                .iter()
                .skip(from)
                .find(|l| matches(l))
                .cloned();
            if found.is_some() {
                return found;
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends `command` and waits for its answer, the next line starting with `answer`.
    pub(crate) async fn ask(&mut self, command: &str, answer: &str) -> String {
        let from = self.printed();
        self.command(command).await;
        let name = self.name.clone();
        self.wait_for(from, Duration::from_secs(10), |line| {
            line.starts_with(answer)
        })
        .await
        .unwrap_or_else(|| panic!("node {name} did not answer `{command}`"))
    }

    /// `count`: (received, order errors, gaps).
    pub(crate) async fn count(&mut self) -> (u64, u64, u64) {
        let line = self.ask("count", "COUNT ").await;
        let numbers: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .map(|n| n.parse().expect("a number"))
            .collect();
        (numbers[0], numbers[1], numbers[2])
    }

    /// Whether the singleton's child runs on this node.
    pub(crate) async fn holds(&mut self) -> bool {
        self.ask("holder", "HOLDER ").await == "HOLDER yes"
    }

    /// SIGKILL; returns when it happened, in µs of the system clock.
    pub(crate) async fn kill(&mut self) -> u128 {
        let at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_micros();
        self.child.kill().await.expect("killed");
        at
    }

    /// Whether the process still runs.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Asks the node to stop and waits for it to exit.
    pub(crate) async fn stop(mut self) {
        self.command("stop").await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

/// The times the singleton's child ran on each node, as (node, start µs, end µs): an interval
/// with no end ends at `killed_at` for a killed node, else now.
pub(crate) fn holder_intervals(
    nodes: &[&NodeProcess],
    killed: &[(String, u128)],
) -> Vec<(String, u128, u128)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_micros();
    let mut intervals = Vec::new();
    for node in nodes {
        let mut open: Option<u128> = None;
        for line in node.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["HOLD_START", _, at] => open = Some(at.parse().expect("µs")),
                ["HOLD_STOP", _, at] => {
                    if let Some(start) = open.take() {
                        intervals.push((node.name.clone(), start, at.parse().expect("µs")));
                    }
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            let end = killed
                .iter()
                .find(|(name, _)| *name == node.name)
                .map_or(now, |(_, at)| *at);
            intervals.push((node.name.clone(), start, end));
        }
    }
    intervals
}

/// Panics if two intervals of the singleton's child overlap.
pub(crate) fn assert_never_twice(intervals: &[(String, u128, u128)]) {
    for (i, a) in intervals.iter().enumerate() {
        for b in &intervals[i + 1..] {
            assert!(
                a.2 <= b.1 || b.2 <= a.1,
                "the singleton ran on two nodes at once: {a:?} and {b:?} (all: {intervals:?})"
            );
        }
    }
}
