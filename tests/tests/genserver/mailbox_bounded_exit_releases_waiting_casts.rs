//! Casts waiting for room in a bounded mailbox return when the server exits, killed or stopped:
//! their messages are dropped, as a cast to a dead server is, and none is left waiting.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A payload that counts its drops.
struct Counted {
    n: u32,
    drops: Arc<AtomicUsize>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

struct Worker {
    /// What the server handled, readable after it exited.
    handled: Arc<Mutex<Vec<u32>>>,
}

#[genserver(mailbox = 2)]
impl Worker {
    /// Tells `started` it is running, then blocks the server until `release` fires.
    #[handle_cast]
    async fn block(&mut self, started: oneshot::Sender<()>, release: oneshot::Receiver<()>) {
        let _ = started.send(());
        let _ = release.await;
    }

    #[handle_cast]
    fn record(&mut self, item: Counted) {
        self.handled.lock().unwrap().push(item.n);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A blocked worker with casts 1 and 2 queued and casts 3, 4 and 5 waiting for room.
struct Scene {
    worker: WorkerRef,
    release: oneshot::Sender<()>,
    waiting: Vec<JoinHandle<()>>,
    handled: Arc<Mutex<Vec<u32>>>,
    drops: Arc<AtomicUsize>,
}

async fn scene() -> Scene {
    let handled = Arc::new(Mutex::new(Vec::new()));
    let drops = Arc::new(AtomicUsize::new(0));
    let worker = Worker::start(Worker {
        handled: handled.clone(),
    })
    .await
    .expect("starts");
    let (started, is_started) = oneshot::channel();
    let (release, released) = oneshot::channel();
    // `try_` forms in the set-up: a test that fails must not hang.
    worker
        .try_block(started, released)
        .expect("room for the blocking cast");
    is_started.await.expect("the server took the blocking cast");
    let counted = |n| Counted {
        n,
        drops: drops.clone(),
    };
    worker.try_record(counted(1)).expect("room for cast 1");
    worker.try_record(counted(2)).expect("room for cast 2");
    let mut waiting = Vec::new();
    for n in 3..=5 {
        let worker = worker.clone();
        let item = counted(n);
        waiting.push(tokio::spawn(async move { worker.record(item).await }));
        // Each sender reaches the semaphore's queue before the next one starts.
        tokio::task::yield_now().await;
    }
    assert!(
        waiting.iter().all(|cast| !cast.is_finished()),
        "no room for 3, 4, 5"
    );
    Scene {
        worker,
        release,
        waiting,
        handled,
        drops,
    }
}

/// Every waiting cast returns; the paused clock turns a cast left waiting into a failure.
async fn all_return(waiting: Vec<JoinHandle<()>>) {
    for cast in waiting {
        tokio::time::timeout(Duration::from_secs(60), cast)
            .await
            .expect("the waiting cast returned when the server exited")
            .expect("the sender did not panic");
    }
}

#[tokio::test(start_paused = true)]
async fn killing_the_server_releases_the_casts_waiting_for_room() {
    let scene = scene().await;
    scene.worker.pid().kill();
    assert_eq!(scene.worker.pid().wait_exit().await, ExitReason::Killed);
    all_return(scene.waiting).await;
    assert_eq!(*scene.handled.lock().unwrap(), Vec::<u32>::new());
    assert_eq!(
        scene.drops.load(Ordering::SeqCst),
        5,
        "the queued and the waiting casts are all dropped"
    );
    drop(scene.release);
}

#[tokio::test(start_paused = true)]
async fn stopping_the_server_releases_the_casts_waiting_for_room() {
    let scene = scene().await;
    let worker = scene.worker.clone();
    let stop = tokio::spawn(async move { worker.stop(ExitReason::Normal).await });
    // The stop request goes in at once, behind casts 1 and 2; 3 and 4 get their room after it.
    tokio::task::yield_now().await;
    scene
        .release
        .send(())
        .expect("the server waits for the release");
    assert_eq!(stop.await.expect("the stopper did not panic"), Ok(()));
    all_return(scene.waiting).await;
    assert_eq!(*scene.handled.lock().unwrap(), vec![1, 2]);
    assert_eq!(scene.drops.load(Ordering::SeqCst), 5);
}
