//! Once a process has seen the owner's exit (through `wait_exit` or a monitor's `Down`), the
//! table is already deleted or handed to the heir: as in OTP, where a process's ETS tables are
//! cleaned up before its links and monitors are told. Checked many times on a multi-thread
//! runtime, where the exit runs on another thread than the watcher.

use otp_core::prelude::*;
use otp_core::{Set, Table, TableError, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_exit_returns_after_the_table_is_deleted() {
    for _ in 0..500 {
        let owner = Owner::start(Owner).await.unwrap();
        let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid())).unwrap();
        let reader = table.reader();
        owner.pid().kill();
        owner.pid().wait_exit().await;
        assert_eq!(reader.lookup(&1), Err(TableError::Deleted));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_exit_returns_after_the_heir_owns_the_table() {
    let heir = Owner::start(Owner).await.unwrap();
    for _ in 0..500 {
        let owner = Owner::start(Owner).await.unwrap();
        let options = TableOptions::new()
            .owner(&owner.pid())
            .heir(&heir.pid(), ());
        let table = Table::<u32, u32>::new(Set, options).unwrap();
        table.insert(1, 1).unwrap();
        let reader = table.reader();
        owner.pid().kill();
        owner.pid().wait_exit().await;
        assert_eq!(reader.owner(), Ok(heir.pid()));
        assert_eq!(reader.lookup(&1), Ok(Some(1)));
    }
}
