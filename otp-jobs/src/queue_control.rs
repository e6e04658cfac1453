//! Pausing, resuming and scaling queues at run time: on every node (Oban's `pause_queue/2`,
//! `resume_queue/2` and `scale_queue/2`), or on this node only (Oban's `local_only: true`).

use crate::runtime::QueueShared;
use crate::runtime::signal::{QueueAction, QueueSignal};
use crate::{Jobs, JobsError};

impl Jobs {
    /// Pauses `queue` on every node that runs it: they fetch nothing more from it; running jobs
    /// finish. On this node, a fetch that was under way has ended when this returns, so a job
    /// inserted afterwards is not taken here.
    ///
    /// On PostgreSQL the other nodes hear it through `NOTIFY` (at once, or not at all behind a
    /// pooler in transaction mode, where LISTEN does not work: a warning at start says so); a
    /// node that starts later runs the queue unpaused. On SQLite, one node, it is
    /// [`pause_queue_local`](Self::pause_queue_local).
    ///
    /// # Errors
    ///
    /// [`JobsError::UnknownQueue`] when the queue runs on no node this node can tell of (on
    /// SQLite: not here); [`JobsError::Store`] when the signal could not be sent.
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.pause_queue("mailers").await?;
    /// assert!(jobs.stats().await?.queue("mailers").unwrap().local.as_ref().unwrap().paused);
    /// jobs.resume_queue("mailers").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pause_queue(&self, queue: &str) -> Result<(), JobsError> {
        self.control_everywhere(queue, QueueAction::Pause).await
    }

    /// Pauses `queue` on this node only (Oban's `local_only: true`); a fetch that was under way
    /// has ended when this returns. Other nodes go on fetching.
    ///
    /// # Errors
    ///
    /// [`JobsError::UnknownQueue`] when the queue does not run on this node.
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.pause_queue_local("mailers").await?;
    /// assert!(matches!(
    ///     jobs.pause_queue_local("nope").await,
    ///     Err(JobsError::UnknownQueue(_))
    /// ));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pause_queue_local(&self, queue: &str) -> Result<(), JobsError> {
        self.control_here(self.local_queue(queue)?, QueueAction::Pause)
            .await;
        Ok(())
    }

    /// Resumes `queue` on every node that runs it (see [`pause_queue`](Self::pause_queue) for
    /// how the other nodes hear it).
    ///
    /// # Errors
    ///
    /// As [`pause_queue`](Self::pause_queue).
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.pause_queue("mailers").await?;
    /// jobs.resume_queue("mailers").await?;
    /// assert!(!jobs.stats().await?.queue("mailers").unwrap().local.as_ref().unwrap().paused);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resume_queue(&self, queue: &str) -> Result<(), JobsError> {
        self.control_everywhere(queue, QueueAction::Resume).await
    }

    /// Resumes `queue` on this node only.
    ///
    /// # Errors
    ///
    /// [`JobsError::UnknownQueue`] when the queue does not run on this node.
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.pause_queue_local("mailers").await?;
    /// jobs.resume_queue_local("mailers").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resume_queue_local(&self, queue: &str) -> Result<(), JobsError> {
        self.control_here(self.local_queue(queue)?, QueueAction::Resume)
            .await;
        Ok(())
    }

    /// Runs at most `limit` jobs of `queue` at once on every node that runs it, from now on
    /// (running jobs above a lowered limit finish). See [`pause_queue`](Self::pause_queue) for
    /// how the other nodes hear it.
    ///
    /// # Errors
    ///
    /// [`JobsError::Config`] for a limit of 0 (pause the queue instead); otherwise as
    /// [`pause_queue`](Self::pause_queue).
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.scale_queue("mailers", 50).await?;
    /// assert_eq!(jobs.stats().await?.queue("mailers").unwrap().local.as_ref().unwrap().limit, 50);
    /// assert!(matches!(jobs.scale_queue("mailers", 0).await, Err(JobsError::Config(_))));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn scale_queue(&self, queue: &str, limit: u32) -> Result<(), JobsError> {
        check_limit(limit)?;
        self.control_everywhere(queue, QueueAction::Scale { limit })
            .await
    }

    /// Runs at most `limit` jobs of `queue` at once on this node only.
    ///
    /// # Errors
    ///
    /// [`JobsError::Config`] for a limit of 0; [`JobsError::UnknownQueue`] when the queue does
    /// not run on this node.
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().queue("mailers", 10)).await?;
    /// jobs.scale_queue_local("mailers", 2).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn scale_queue_local(&self, queue: &str, limit: u32) -> Result<(), JobsError> {
        check_limit(limit)?;
        self.control_here(self.local_queue(queue)?, QueueAction::Scale { limit })
            .await;
        Ok(())
    }

    fn local_queue(&self, queue: &str) -> Result<&QueueShared, JobsError> {
        self.shared
            .queues
            .get(queue)
            .map(AsRef::as_ref)
            .ok_or_else(|| JobsError::UnknownQueue(queue.to_owned()))
    }

    /// Applies `action` to this node's queue; a pause returns once a fetch under way has ended.
    async fn control_here(&self, queue: &QueueShared, action: QueueAction) {
        queue.control(action);
        if action == QueueAction::Pause
            && let Some(answered) = queue.barrier()
        {
            // A queue that stops meanwhile drops the request: nothing of its is under way.
            let _ = answered.await;
        }
        tracing::info!(queue = %queue.name, ?action, "queue control applied");
    }

    /// Applies `action` here (if the queue runs here), then sends it to the other nodes.
    async fn control_everywhere(&self, queue: &str, action: QueueAction) -> Result<(), JobsError> {
        let local = self.shared.queues.get(queue);
        if local.is_none() && !self.shared.store.multi_node() {
            return Err(JobsError::UnknownQueue(queue.to_owned()));
        }
        if let Some(local) = local {
            self.control_here(local, action).await;
        }
        let signal = QueueSignal {
            from: self.shared.node.clone(),
            queue: queue.to_owned(),
            action,
        };
        Ok(self.shared.store.signal(&signal).await?)
    }
}

fn check_limit(limit: u32) -> Result<(), JobsError> {
    if limit == 0 {
        return Err(JobsError::Config(
            "a queue's limit must be at least 1 (pause it instead)".to_owned(),
        ));
    }
    Ok(())
}
