//! mistakes: 1 - A `pub` server whose handler says `pub(crate)`: the generated client would be less visible
//! than the server it belongs to, which rustc refuses.
pub mod cache {
    use otp_core::prelude::*;

    pub struct Cache;

    #[genserver]
    impl Cache {
        #[handle_call]
        pub(crate) fn get(&mut self) -> u32 {
            1
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }
}

#[tokio::main]
async fn main() {
    let server = cache::Cache::start(cache::Cache).await.unwrap();
    let _ = server.get().await.unwrap();
}
