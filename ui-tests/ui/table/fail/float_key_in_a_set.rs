//! mistakes: 1 - A `Set` keyed by `f64`, which is not `Hash + Eq`.
use otp_core::prelude::*;
use otp_core::{Set, Table, TableOptions};

/// Owns the table.
struct Store {
    table: Table<f64, String>,
}

#[genserver]
impl Store {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        let table = Table::new(Set, TableOptions::new())?;
        Ok(Store { table })
    }

    #[handle_call]
    fn put(&mut self, key: f64, value: String) -> Result<(), otp_core::TableError> {
        self.table.insert(key, value)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let store = Store::start(()).await.unwrap();
    store.put(1.5, "one and a half".to_owned()).await.unwrap().unwrap();
}
