//! The names most code needs: `use otp_jobs::prelude::*;`.

pub use crate::{
    Job, JobError, JobState, Jobs, JobsConfig, JobsError, NewJob, Testing, Unique, UniqueField,
    Worker, WorkerExt, worker,
};
