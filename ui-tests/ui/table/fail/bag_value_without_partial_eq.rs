//! mistakes: 1 - A `Bag`'s values need `PartialEq`: it keeps one copy of equal objects.
use otp_core::prelude::*;
use otp_core::{Bag, Table, TableOptions};

#[derive(Clone, Debug)]
struct Job {
    id: u64,
}

/// Owns the table.
struct Store {
    table: Table<String, Job, Bag>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(Bag, TableOptions::new())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn push(&mut self, queue: String, job: Job) -> Result<(), otp_core::TableError> {
        self.table.insert(queue, job)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    store.push("mail".to_owned(), Job { id: 1 }).await.unwrap().unwrap();
}
