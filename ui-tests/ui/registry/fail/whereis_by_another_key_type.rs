//! mistakes: 1 - A lookup by a key of another type than the registry's.
use otp_core::prelude::*;
use otp_core::Registry;

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
    let rooms = Registry::<String>::unique().start_link().await.unwrap();
    Room::options()
        .via(&rooms, "lobby".to_owned())
        .start(Room)
        .await
        .unwrap();
    let room = rooms.whereis::<Room>(&7_u32).unwrap();
    assert_eq!(room.ping().await.unwrap(), 1);
}
