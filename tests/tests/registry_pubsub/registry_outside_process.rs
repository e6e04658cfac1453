//! register outside any process: `NotInProcess`, and nothing is registered (from the test's
//! own task, a plain tokio task, or a plain thread); the same call inside a process works.

use otp_behaviour_tests::registry::{Proc, run_in};
use otp_core::{Duplicate, Registry, RegistryError};

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
