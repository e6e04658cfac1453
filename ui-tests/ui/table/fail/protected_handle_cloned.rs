//! mistakes: 1 - The owner's handle of a protected table is not `Clone`: others get a `reader()`.
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
    fn handle(&mut self) -> Table<String, u64> {
        self.table.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    let table = store.handle().await.unwrap();
    table.insert("hits".to_owned(), 1).unwrap();
}
