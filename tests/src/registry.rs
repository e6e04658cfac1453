//! `Proc`, a process that runs the closures it is given, and `run_in`: the registry tests'
//! way to call `register` (and the rest) from inside a process.

use std::any::Any;

use otp_core::prelude::*;

/// A process that runs the closures it is given, so that `register` has a calling process.
pub struct Proc;

type Job = Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>;

#[genserver]
impl Proc {
    #[handle_call]
    fn run(&mut self, job: Job) -> Box<dyn Any + Send> {
        job()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Runs `job` inside `process` and returns what it returned.
pub async fn run_in<R: Send + 'static>(
    process: &ProcRef,
    job: impl FnOnce() -> R + Send + 'static,
) -> R {
    let result = process
        .run(Box::new(move || Box::new(job()) as Box<dyn Any + Send>))
        .await
        .expect("the process answers");
    *result.downcast::<R>().expect("the job's result type")
}
