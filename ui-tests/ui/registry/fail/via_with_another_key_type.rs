//! mistakes: 1 - A via-name whose key is not the registry's key type: one error, on the key.
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
    let room = Room::options().via(&rooms, 42).start(Room).await.unwrap();
    assert_eq!(room.ping().await.unwrap(), 1);
}
