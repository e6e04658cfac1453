//! mistakes: 1 - `update_counter` needs one object per key, which a `Bag` does not have.
use otp_core::prelude::*;
use otp_core::{Bag, Table, TableOptions};

/// Owns the table.
struct Store {
    table: Table<String, u64, Bag>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(Bag, TableOptions::new())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn hit(&mut self, page: String) -> Result<u64, otp_core::TableError> {
        self.table.update_counter(page, 1)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    assert_eq!(store.hit("/".to_owned()).await.unwrap().unwrap(), 1);
}
