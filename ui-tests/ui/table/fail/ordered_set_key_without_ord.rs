//! mistakes: 1 - An `OrderedSet` needs keys that are `Ord`.
use otp_core::prelude::*;
use otp_core::{OrderedSet, Table, TableOptions};

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Version(u32, u32);

/// Owns the table.
struct Store {
    table: Table<Version, String, OrderedSet>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(OrderedSet, TableOptions::new())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn release(&mut self, version: Version, notes: String) -> Result<(), otp_core::TableError> {
        self.table.insert(version, notes)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    store.release(Version(1, 2), "first".to_owned()).await.unwrap().unwrap();
}
