//! A server whose state is neither `Clone` nor `Default`: an open file and a oneshot sender.
use std::fs::File;

use otp_core::prelude::*;
use tokio::sync::oneshot;

struct Handle {
    file: File,
    on_stop: Option<oneshot::Sender<u64>>,
}

#[genserver]
impl Handle {
    #[handle_call]
    fn size(&mut self) -> u64 {
        self.file
            .metadata()
            .map(|metadata| metadata.len())
            .unwrap_or(0)
    }

    #[terminate]
    fn on_stop(&mut self, _reason: &ExitReason) {
        if let Some(sender) = self.on_stop.take() {
            let _ = sender.send(self.size());
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let file = File::open(std::env::current_exe().unwrap()).unwrap();
    let (sender, receiver) = oneshot::channel();
    let handle = Handle::start(Handle {
        file,
        on_stop: Some(sender),
    })
    .await
    .unwrap();
    let size = handle.size().await.unwrap();
    assert!(size > 0);
    handle.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(receiver.await, Ok(size));
}
