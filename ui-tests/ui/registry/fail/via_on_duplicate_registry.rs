//! mistakes: 1 - A via-name needs a registry of unique keys: a duplicate registry does not compile.
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry};

struct Room;

#[genserver]
impl Room {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let rooms = Registry::<String, (), Duplicate>::duplicate()
        .start_link()
        .await
        .unwrap();
    let _ = Room::options().via(&rooms, "lobby".to_owned()).start(Room).await;
}
