//! mistakes: 1 - `whereis` is for a registry of unique keys: a duplicate key names no single process.
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry};

struct Room;

#[genserver]
impl Room {
    #[handle_call]
    fn ping(&mut self) -> u32 {
        1
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let rooms = Registry::<String, (), Duplicate>::duplicate()
        .start_link()
        .await
        .unwrap();
    let room = rooms.whereis::<Room>("lobby").unwrap();
    assert_eq!(room.ping().await.unwrap(), 1);
}
