//! An owner's exit never waits for its table's write lock. An ordered set's writers take one
//! lock per table; while another OS thread holds it (a long `select_delete`), the owner's exit
//! still completes on a one-thread runtime, other tasks run, and every handle reads the table as
//! deleted at once. The rows are freed once the writer is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{OrderedSet, Public, Table, TableError, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A writer on its own OS thread, inside `select_delete` (so holding the ordered set's write
/// lock) until released.
struct Writer {
    release: mpsc::Sender<()>,
    done: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Result<usize, TableError>>,
}

/// Starts the writer and returns once it holds the lock.
fn hold_the_write_lock(table: Table<u32, u32, OrderedSet, Public>) -> Writer {
    let (started, is_started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let done = Arc::new(AtomicBool::new(false));
    let thread = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut first = true;
            let deleted = table.select_delete(|_, _| {
                if std::mem::take(&mut first) {
                    started.send(()).unwrap();
                    // The bound only keeps a failing test from hanging: without the fix, the
                    // owner's exit blocks the test's one thread until this gives up.
                    let _ = released.recv_timeout(Duration::from_secs(5));
                }
                false
            });
            done.store(true, Ordering::SeqCst);
            deleted
        }
    });
    is_started.recv().expect("the writer took the lock");
    Writer {
        release,
        done,
        thread,
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_owner_exits_while_another_thread_holds_the_write_lock() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().public().owner(&owner.pid())).unwrap();
    for key in 0..1_000 {
        table.insert(key, key).unwrap();
    }
    let reader = table.reader();
    let writer = hold_the_write_lock(table.clone());

    owner.pid().kill();
    assert_eq!(owner.pid().wait_exit().await, ExitReason::Killed);
    let other = tokio::spawn(async { 6 * 7 });
    assert_eq!(other.await.unwrap(), 42, "other tasks run");
    assert!(
        !writer.done.load(Ordering::SeqCst),
        "the exit completed while the writer still held the lock"
    );
    assert_eq!(reader.lookup(&1), Err(TableError::Deleted));
    assert_eq!(table.insert(1, 1), Err(TableError::Deleted));

    writer.release.send(()).unwrap();
    let deleted = tokio::task::spawn_blocking(move || writer.thread.join().unwrap())
        .await
        .unwrap();
    assert_eq!(
        deleted,
        Ok(0),
        "the writer began before the deletion and finished"
    );
    assert_eq!(reader.len(), Err(TableError::Deleted));
}

#[tokio::test(flavor = "current_thread")]
async fn delete_table_returns_while_another_thread_holds_the_write_lock() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().public().owner(&owner.pid())).unwrap();
    table.insert(1, 1).unwrap();
    let reader = table.reader();
    let writer = hold_the_write_lock(table.clone());

    table.delete_table().expect("the owner's handle deletes");
    assert!(!writer.done.load(Ordering::SeqCst));
    assert_eq!(reader.lookup(&1), Err(TableError::Deleted));

    writer.release.send(()).unwrap();
    tokio::task::spawn_blocking(move || writer.thread.join().unwrap())
        .await
        .unwrap()
        .unwrap();
}
