//! `give_away(table, pid, data)` hands a table over explicitly: the receiver becomes the owner
//! and gets a `TableTransfer` with `from` (the giver) and `data`; the table then lives and dies
//! with the receiver, not the giver. A dead receiver, or the owner itself, is refused and the
//! handle comes back. The heir is untouched: an owner that names itself heir and gives the
//! table away gets it back when the receiver exits.

use otp_core::prelude::*;
use otp_core::{OrderedSet, Table, TableError, TableOptions, TableTransfer};

type Scores = Table<String, u32, OrderedSet>;
type Transfer = TableTransfer<String, u32, OrderedSet, otp_core::Protected, u32>;

/// Holds the tables it receives, and can give one away.
#[derive(Default)]
struct Holder {
    table: Option<Scores>,
    received: Vec<(Pid, u32)>,
}

#[genserver]
impl Holder {
    #[handle_call]
    fn create(&mut self, heir_of_itself: bool, ctx: &mut Context<Self>) -> Result<(), TableError> {
        let options = TableOptions::new();
        let table = if heir_of_itself {
            Table::new(OrderedSet, options.heir(ctx.pid(), 0_u32))?
        } else {
            Table::new(OrderedSet, options)?
        };
        table.insert("kept".into(), 1)?;
        self.table = Some(table);
        Ok(())
    }

    #[handle_call]
    fn give(&mut self, to: Pid, gift: u32) -> Result<(), TableError> {
        let table = self.table.take().ok_or(TableError::NotOwner)?;
        table.give_away(&to, gift).map_err(|failed| {
            self.table = Some(failed.table);
            failed.reason
        })
    }

    #[handle_info]
    fn receive(&mut self, transfer: Transfer) {
        self.received.push((transfer.from, transfer.data));
        self.table = Some(transfer.table);
    }

    #[handle_call]
    fn received(&mut self) -> Vec<(Pid, u32)> {
        self.received.clone()
    }

    #[handle_call]
    fn put(&mut self, key: String, value: u32) -> Result<(), TableError> {
        self.table
            .as_ref()
            .ok_or(TableError::NotOwner)?
            .insert(key, value)
    }

    #[handle_call]
    fn reader(&mut self) -> Option<Table<String, u32, OrderedSet, otp_core::ReadOnly>> {
        self.table.as_ref().map(Table::reader)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn holder() -> HolderRef {
    Holder::start(Holder::default()).await.unwrap()
}

#[tokio::test]
async fn the_receiver_owns_the_table_and_gets_a_transfer_message() {
    let (giver, receiver) = (holder().await, holder().await);
    giver.create(false).await.unwrap().unwrap();
    let reader = giver.reader().await.unwrap().unwrap();

    giver.give(receiver.pid(), 42).await.unwrap().unwrap();
    assert_eq!(reader.owner(), Ok(receiver.pid()));
    assert_eq!(receiver.received().await.unwrap(), [(giver.pid(), 42)]);

    receiver.put("new".into(), 2).await.unwrap().unwrap();
    assert_eq!(
        giver.put("x".into(), 3).await.unwrap(),
        Err(TableError::NotOwner)
    );
    let rows: Vec<_> = reader.iter().unwrap().collect();
    assert_eq!(rows, [("kept".to_string(), 1), ("new".to_string(), 2)]);
}

#[tokio::test]
async fn the_table_follows_the_receiver_not_the_giver() {
    let (giver, receiver) = (holder().await, holder().await);
    giver.create(false).await.unwrap().unwrap();
    let reader = giver.reader().await.unwrap().unwrap();
    giver.give(receiver.pid(), 0).await.unwrap().unwrap();

    giver.pid().kill();
    giver.pid().wait_exit().await;
    assert_eq!(reader.lookup("kept"), Ok(Some(1)));

    receiver.pid().kill();
    receiver.pid().wait_exit().await;
    assert_eq!(reader.lookup("kept"), Err(TableError::Deleted));
}

#[tokio::test]
async fn a_dead_receiver_is_refused_and_the_giver_keeps_the_table() {
    let (giver, receiver) = (holder().await, holder().await);
    giver.create(false).await.unwrap().unwrap();
    receiver.pid().kill();
    receiver.pid().wait_exit().await;

    assert_eq!(
        giver.give(receiver.pid(), 0).await.unwrap(),
        Err(TableError::NoProc)
    );
    giver.put("still".into(), 1).await.unwrap().unwrap();
    let reader = giver.reader().await.unwrap().unwrap();
    assert_eq!(reader.owner(), Ok(giver.pid()));
}

#[tokio::test]
async fn giving_to_the_owner_itself_is_refused() {
    let giver = holder().await;
    giver.create(false).await.unwrap().unwrap();
    assert_eq!(
        giver.give(giver.pid(), 0).await.unwrap(),
        Err(TableError::AlreadyOwner(giver.pid()))
    );
    giver.put("still".into(), 1).await.unwrap().unwrap();
}

#[tokio::test]
async fn an_owner_that_is_its_own_heir_gets_the_table_back() {
    let (giver, receiver) = (holder().await, holder().await);
    giver.create(true).await.unwrap().unwrap();
    let reader = giver.reader().await.unwrap().unwrap();
    giver.give(receiver.pid(), 7).await.unwrap().unwrap();
    receiver.put("added".into(), 2).await.unwrap().unwrap();

    receiver.pid().kill();
    receiver.pid().wait_exit().await;

    assert_eq!(reader.owner(), Ok(giver.pid()));
    assert_eq!(giver.received().await.unwrap(), [(receiver.pid(), 0)]);
    giver.put("back".into(), 3).await.unwrap().unwrap();
    let keys: Vec<String> = reader.iter().unwrap().map(|(key, _)| key).collect();
    assert_eq!(keys, ["added", "back", "kept"]);
}
