//! With an heir set, a table outlives its owner: when the owner exits, a live heir becomes the
//! owner with every row intact and receives a `TableTransfer { table, from, data }` info
//! message (ETS's `'ETS-TRANSFER'`) holding the new owner's handle. A dead heir, or an heir
//! that is the exiting owner itself, does not save the table.

use otp_core::prelude::*;
use otp_core::{Set, Table, TableError, TableOptions, TableTransfer};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// What the heir's transfer messages brought.
struct Inherited {
    from: Option<Pid>,
    data: Option<String>,
    transfers: usize,
    rows: Vec<(u32, u64)>,
}

/// Keeps what its transfer message brought.
#[derive(Default)]
struct Heir {
    table: Option<Table<u32, u64>>,
    from: Option<Pid>,
    data: Option<String>,
    transfers: usize,
}

#[genserver]
impl Heir {
    #[handle_info]
    fn inherit(&mut self, transfer: TableTransfer<u32, u64, Set, otp_core::Protected, String>) {
        self.transfers += 1;
        self.from = Some(transfer.from);
        self.data = Some(transfer.data);
        self.table = Some(transfer.table);
    }

    #[handle_call]
    fn inherited(&mut self) -> Inherited {
        let mut rows: Vec<_> = match &self.table {
            Some(table) => table.iter().unwrap().collect(),
            None => Vec::new(),
        };
        rows.sort_unstable();
        Inherited {
            from: self.from.clone(),
            data: self.data.clone(),
            transfers: self.transfers,
            rows,
        }
    }

    #[handle_call]
    fn put(&mut self, key: u32, value: u64) -> Result<(), TableError> {
        self.table
            .as_ref()
            .ok_or(TableError::NotOwner)?
            .insert(key, value)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn rows() -> Vec<(u32, u64)> {
    (0..1_000).map(|key| (key, u64::from(key) * 3)).collect()
}

#[tokio::test]
async fn the_heir_of_a_killed_owner_gets_every_row_and_a_transfer_message() {
    let owner = Owner::start(Owner).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), "config".to_string());
    let table: Table<u32, u64> = Table::new(Set, options).unwrap();
    for (key, value) in rows() {
        table.insert(key, value).unwrap();
    }
    let reader = table.reader();

    owner.pid().kill();
    assert_eq!(owner.pid().wait_exit().await, ExitReason::Killed);

    let inherited = heir.inherited().await.unwrap();
    assert_eq!(inherited.from, Some(owner.pid()));
    assert_eq!(inherited.data.as_deref(), Some("config"));
    assert_eq!(inherited.transfers, 1);
    assert_eq!(inherited.rows, rows());
    assert_eq!(reader.owner(), Ok(heir.pid()));
    assert_eq!(reader.len(), Ok(1_000));

    // The heir's handle writes; the dead owner's does not.
    heir.put(5_000, 1).await.unwrap().unwrap();
    assert_eq!(reader.lookup(&5_000), Ok(Some(1)));
    assert_eq!(table.insert(6_000, 1), Err(TableError::NotOwner));
}

#[tokio::test]
async fn the_heir_inherits_from_an_owner_that_stops_normally() {
    let owner = Owner::start(Owner).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), String::new());
    let table: Table<u32, u64> = Table::new(Set, options).unwrap();
    table.insert(1, 1).unwrap();
    owner.stop(ExitReason::Normal).await.unwrap();
    let inherited = heir.inherited().await.unwrap();
    assert_eq!(inherited.from, Some(owner.pid()));
    assert_eq!(inherited.transfers, 1);
    assert_eq!(inherited.rows, [(1, 1)]);
}

#[tokio::test]
async fn a_table_whose_heir_is_dead_dies_with_its_owner() {
    let owner = Owner::start(Owner).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), String::new());
    let table: Table<u32, u64> = Table::new(Set, options).unwrap();
    heir.pid().kill();
    heir.pid().wait_exit().await;
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_eq!(table.reader().len(), Err(TableError::Deleted));
}

#[tokio::test]
async fn the_heir_keeps_its_title_and_the_table_dies_with_it_next() {
    let owner = Owner::start(Owner).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), String::new());
    let table: Table<u32, u64> = Table::new(Set, options).unwrap();
    let reader = table.reader();
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_eq!(reader.heir(), Ok(Some(heir.pid())));

    // The heir is now both owner and heir: its exit leaves no one to inherit.
    heir.pid().kill();
    heir.pid().wait_exit().await;
    assert_eq!(reader.len(), Err(TableError::Deleted));
}

#[tokio::test]
async fn removing_the_heir_lets_the_table_die() {
    let owner = Owner::start(Owner).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), String::new());
    let table: Table<u32, u64> = Table::new(Set, options).unwrap();
    table.remove_heir().unwrap();
    let reader = table.reader();
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_eq!(reader.len(), Err(TableError::Deleted));
    assert_eq!(heir.inherited().await.unwrap().transfers, 0);
}
