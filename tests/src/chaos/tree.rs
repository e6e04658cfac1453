//! The tree under test: a root over one sub-supervisor per strategy and a `DynamicSupervisor`.

use std::sync::Arc;

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Strategy, SupervisorRef, SupervisorSpec,
};

use super::state::Chaos;
use super::worker::worker_spec;

/// A sub-supervisor: its id under the root, its strategy, its workers' ids (start order).
pub struct Group {
    pub id: &'static str,
    pub strategy: Strategy,
    pub workers: Vec<Arc<str>>,
}

pub struct Layout {
    pub prefix: &'static str,
    pub groups: Vec<Group>,
}

impl Layout {
    pub fn new(prefix: &'static str, sizes: [usize; 3]) -> Self {
        let groups = [
            ("ofo", Strategy::OneForOne),
            ("ofa", Strategy::OneForAll),
            ("rfo", Strategy::RestForOne),
        ]
        .into_iter()
        .zip(sizes)
        .map(|((id, strategy), size)| Group {
            id,
            strategy,
            workers: (0..size)
                .map(|n| Arc::from(format!("{prefix}-{id}-{n:02}")))
                .collect(),
        })
        .collect();
        Layout { prefix, groups }
    }

    pub fn supervisor_name(&self, group: &Group) -> String {
        format!("{}-{}", self.prefix, group.id)
    }

    pub fn dynamic_name(&self) -> String {
        format!("{}-dyn", self.prefix)
    }

    pub fn root_name(&self) -> String {
        format!("{}-root", self.prefix)
    }

    pub fn workers(&self) -> Vec<Arc<str>> {
        self.groups
            .iter()
            .flat_map(|group| group.workers.iter().cloned())
            .collect()
    }

    /// The tree's spec: every supervisor allows `sub_restarts` restarts a second, the root
    /// `root_restarts` in five seconds.
    pub fn spec(
        &self,
        chaos: &Arc<Chaos>,
        sub_restarts: u32,
        root_restarts: u32,
    ) -> SupervisorSpec {
        let mut root = SupervisorSpec::new(Strategy::OneForOne)
            .max_restarts(root_restarts)
            .max_seconds(5)
            .name(self.root_name());
        for group in &self.groups {
            let name: Arc<str> = Arc::from(self.supervisor_name(group));
            let mut sub = SupervisorSpec::new(group.strategy)
                .max_restarts(sub_restarts)
                .max_seconds(5)
                .name(name.clone());
            for id in &group.workers {
                sub = sub.child(worker_spec(id, chaos, true));
            }
            root = root.child(sub.into_child_spec(group.id));
        }
        root.child(
            ChildSpec::of::<DynamicSupervisor>(
                DynamicSupervisorOptions::default()
                    .max_restarts(sub_restarts)
                    .max_seconds(5)
                    .name(self.dynamic_name()),
            )
            .with_id("dyn"),
        )
    }
}

/// Kills the live worker `id` and waits until its supervisor has handled the exit (or died).
pub async fn kill_worker(id: &str, supervisor: &Pid) {
    let pid = otp_core::whereis(id).expect("worker registered");
    pid.kill();
    pid.wait_exit().await;
    if let Some(sup) = SupervisorRef::from_pid(supervisor) {
        // Queued behind the exit: answers once the restart is done.
        let _ = sup.count_children().await;
    }
}
