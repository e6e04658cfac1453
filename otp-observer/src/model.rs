//! What the page is sent: the JSON shapes of a process, a process's detail, a supervision tree
//! and the whole overview.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use otp_core::Pid;
use otp_core::observe::{ProcessInfo, ProcessStatus};
use serde::Serialize;

/// Milliseconds since the Unix epoch, as JavaScript's `Date` takes them.
pub(crate) fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

/// A server's type without its module path: `my_app::cache::Cache<K>` reads `Cache<K>`;
/// otp-core's supervisors read as what they are.
pub(crate) fn short_type(full: &str) -> String {
    match full {
        "otp_core::supervisor::server::SupervisorServer" => return "Supervisor".to_owned(),
        "otp_core::supervisor::dynamic_server::DynamicServer" => {
            return "DynamicSupervisor".to_owned();
        }
        _ => {}
    }
    let head = full.split('<').next().unwrap_or(full);
    let name = head.rsplit("::").next().unwrap_or(head);
    let generics = &full[head.len()..];
    let mut short = name.to_owned();
    for part in generics.split_inclusive(['<', ',', '>', ' ']) {
        let trimmed = part.trim_end_matches(['<', ',', '>', ' ']);
        short.push_str(trimmed.rsplit("::").next().unwrap_or(trimmed));
        short.push_str(&part[trimmed.len()..]);
    }
    short
}

fn status_word(status: ProcessStatus) -> &'static str {
    match status {
        ProcessStatus::Waiting => "waiting",
        ProcessStatus::Running => "running",
        ProcessStatus::Suspended => "suspended",
        ProcessStatus::Exiting => "exiting",
        _ => "unknown",
    }
}

/// A call a process is blocked in.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct WaitView {
    pub(crate) pid: String,
    pub(crate) since: u64,
}

/// One row of the process table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProcessRow {
    pub(crate) pid: String,
    pub(crate) id: u64,
    pub(crate) name: Option<String>,
    pub(crate) server: String,
    pub(crate) server_type: String,
    pub(crate) parent: Option<String>,
    pub(crate) status: &'static str,
    pub(crate) mailbox_len: usize,
    pub(crate) messages_handled: u64,
    pub(crate) messages_per_sec: f64,
    pub(crate) memory: usize,
    pub(crate) started_at: u64,
    pub(crate) waiting_on: Option<WaitView>,
    pub(crate) deadlocked: bool,
}

impl ProcessRow {
    pub(crate) fn new(info: &ProcessInfo, rate: f64, deadlocked: &HashSet<u64>) -> Self {
        ProcessRow {
            pid: info.pid.to_string(),
            id: info.pid.id(),
            name: info.name.as_deref().map(str::to_owned),
            server: short_type(info.server),
            server_type: info.server.to_owned(),
            parent: info.parent.as_ref().map(Pid::to_string),
            status: status_word(info.status),
            mailbox_len: info.mailbox_len,
            messages_handled: info.messages_handled,
            messages_per_sec: rate,
            memory: info.memory,
            started_at: epoch_millis(info.started_at),
            waiting_on: info.waiting_on.as_ref().map(|wait| WaitView {
                pid: wait.pid.to_string(),
                since: epoch_millis(wait.since),
            }),
            deadlocked: deadlocked.contains(&info.pid.id()),
        }
    }
}

/// One process in full: its row, its relations, and its state when shown.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProcessDetail {
    #[serde(flatten)]
    pub(crate) row: ProcessRow,
    pub(crate) links: Vec<String>,
    pub(crate) monitors: Vec<String>,
    pub(crate) monitored_by: Vec<String>,
    /// The state as text when shown; `None` with `state_note` saying why not.
    pub(crate) state: Option<String>,
    pub(crate) state_note: Option<String>,
    /// A trace lasts: the process has messages left to log (`sys::trace`), whoever set it.
    pub(crate) traced: bool,
    /// How many.
    pub(crate) trace_left: u32,
}

/// One node of a supervision tree: a supervisor or a worker, as its supervisor sees it.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct TreeNode {
    /// The child's id in its supervisor (`None` for a root, or a dynamic supervisor's child).
    pub(crate) id: Option<String>,
    /// The pid while it runs.
    pub(crate) pid: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) server: String,
    /// `supervisor` or `worker`.
    pub(crate) kind: &'static str,
    /// `running`, `restarting` or `not_running`.
    pub(crate) state: &'static str,
    /// `permanent`, `transient` or `temporary`, when known.
    pub(crate) restart: Option<&'static str>,
    pub(crate) restarts: Option<u64>,
    pub(crate) last_restart: Option<u64>,
    pub(crate) deadlocked: bool,
    pub(crate) children: Vec<TreeNode>,
}

/// The queues of an otp-jobs node.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct JobsView {
    pub(crate) node: String,
    pub(crate) nodes: Vec<String>,
    pub(crate) queues: Vec<QueueView>,
    pub(crate) error: Option<String>,
}

/// One queue: its jobs by state, and this node's process for it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct QueueView {
    pub(crate) name: String,
    pub(crate) counts: std::collections::BTreeMap<String, u64>,
    pub(crate) limit: Option<u32>,
    pub(crate) running: Option<u32>,
    pub(crate) paused: bool,
    pub(crate) stalled: bool,
}

/// Everything the page shows at one moment.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Overview {
    pub(crate) at: u64,
    pub(crate) process_count: usize,
    pub(crate) read_only: bool,
    pub(crate) show_state: bool,
    pub(crate) processes: Vec<ProcessRow>,
    pub(crate) trees: Vec<TreeNode>,
    pub(crate) deadlocks: Vec<Vec<String>>,
    pub(crate) jobs: Option<JobsView>,
}

#[cfg(test)]
mod tests {
    use super::short_type;

    #[test]
    fn short_type_drops_module_paths() {
        assert_eq!(short_type("app::cache::Cache"), "Cache");
        assert_eq!(short_type("Cache"), "Cache");
        assert_eq!(
            short_type("otp_core::supervisor::server::SupervisorServer"),
            "Supervisor"
        );
        assert_eq!(
            short_type("app::Cache<alloc::string::String, u64>"),
            "Cache<String, u64>"
        );
    }
}
