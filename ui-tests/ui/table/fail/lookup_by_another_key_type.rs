//! mistakes: 1 - A table keyed by `String` searched by an integer.
use otp_core::prelude::*;
use otp_core::{Set, Table, TableOptions};

/// Owns the table.
struct Store {
    table: Table<String, u64>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(Set, TableOptions::new())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn hits(&mut self, page: u32) -> Option<u64> {
        self.table.lookup(&page).ok().flatten()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    assert_eq!(store.hits(1).await.unwrap(), None);
}
