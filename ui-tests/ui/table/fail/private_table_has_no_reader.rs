//! mistakes: 1 - A private table has no reader: only its owner reads it.
use otp_core::prelude::*;
use otp_core::{Private, ReadOnly, Set, Table, TableOptions};

/// Owns the table.
struct Store {
    table: Table<String, u64, Set, Private>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(Set, TableOptions::new().private())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn reader(&mut self) -> Table<String, u64, Set, ReadOnly> {
        self.table.reader()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    let reader = store.reader().await.unwrap();
    assert_eq!(reader.lookup("hits").unwrap(), None);
}
