//! Reads never go through the owner's mailbox: two tasks on a multi-thread runtime read the
//! table at the same time, on two threads, while the owner is stuck in a long call; each read
//! sees a whole row.

use std::sync::{Arc, Barrier};

use otp_core::prelude::*;
use otp_core::{ReadOnly, Set, Table, TableError, TableOptions};
use tokio::sync::oneshot;

/// Owns the table; `block` keeps it busy until the test lets it go.
#[derive(Default)]
struct Owner {
    table: Option<Table<u64, (u64, u64)>>,
}

#[genserver]
impl Owner {
    #[handle_call]
    fn create(&mut self, rows: u64) -> Result<Table<u64, (u64, u64), Set, ReadOnly>, TableError> {
        let table = Table::new(Set, TableOptions::new())?;
        for key in 0..rows {
            table.insert(key, (key, key * 2))?;
        }
        let reader = table.reader();
        self.table = Some(table);
        Ok(reader)
    }

    #[handle_call]
    async fn block(&mut self, until: oneshot::Receiver<()>) {
        let _ = until.await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const ROWS: u64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tasks_read_at_once_while_the_owner_is_busy() {
    let owner = Owner::start(Owner::default()).await.unwrap();
    let reader = owner.create(ROWS).await.unwrap().unwrap();

    // The owner's mailbox is stuck behind this call until `release` fires.
    let (release, until) = oneshot::channel();
    let busy_owner = owner.clone();
    let blocked = tokio::spawn(async move {
        busy_owner
            .block(until)
            .timeout(Duration::from_secs(3600))
            .await
    });

    // Both readers wait for each other, so they run on the two worker threads at once.
    let both_running = Arc::new(Barrier::new(2));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let reader = reader.clone();
            let both_running = Arc::clone(&both_running);
            tokio::spawn(async move {
                both_running.wait();
                let thread = std::thread::current().id();
                let mut seen = 0_u64;
                for round in 0..5 {
                    for key in 0..ROWS {
                        let row = reader.lookup(&key).unwrap();
                        assert_eq!(row, Some((key, key * 2)), "round {round}");
                        seen += 1;
                    }
                }
                (thread, seen)
            })
        })
        .collect();

    let mut threads = Vec::new();
    for reader in readers {
        let (thread, seen) = reader.await.unwrap();
        assert_eq!(seen, 5 * ROWS);
        threads.push(thread);
    }
    assert_ne!(threads[0], threads[1], "the readers ran on two threads");
    assert!(!blocked.is_finished(), "the owner was busy all along");

    release.send(()).unwrap();
    blocked.await.unwrap().unwrap();
}
