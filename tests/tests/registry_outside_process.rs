//! register outside any process: `NotInProcess`, and nothing is registered (from the test's
//! own task, a plain tokio task, or a plain thread); the same call inside a process works.

use std::any::Any;

use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryError};

/// A process that runs the closures it is given, so that `register` has a calling process.
struct Proc;

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
async fn run_in<R: Send + 'static>(
    process: &ProcRef,
    job: impl FnOnce() -> R + Send + 'static,
) -> R {
    let result = process
        .run(Box::new(move || Box::new(job()) as Box<dyn Any + Send>))
        .await
        .expect("the process answers");
    *result.downcast::<R>().expect("the job's result type")
}

#[tokio::test]
async fn register_outside_a_process_is_refused() {
    let names = Registry::<String>::unique().start().await.unwrap();
    let topics = Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap();
    assert_eq!(
        names.register("lobby".into(), ()),
        Err(RegistryError::NotInProcess)
    );
    assert_eq!(
        topics.register("news".into(), 1),
        Err(RegistryError::NotInProcess)
    );
    let n = names.clone();
    let from_task = tokio::spawn(async move { n.register("lobby".into(), ()) })
        .await
        .unwrap();
    assert_eq!(from_task, Err(RegistryError::NotInProcess));
    let n = names.clone();
    let from_thread = std::thread::spawn(move || n.register("lobby".into(), ()))
        .join()
        .unwrap();
    assert_eq!(from_thread, Err(RegistryError::NotInProcess));
    assert_eq!(names.count(), 0);
    assert_eq!(topics.count(), 0);
    assert!(names.lookup("lobby").is_empty());

    // Inside a process, the same call registers that process.
    let process = Proc::start(Proc).await.unwrap();
    let n = names.clone();
    assert_eq!(
        run_in(&process, move || n.register("lobby".into(), ())).await,
        Ok(())
    );
    assert_eq!(names.lookup("lobby"), vec![(process.pid(), ())]);
}
