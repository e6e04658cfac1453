//! mistakes: 1 - A registry listed in a tree with an option it does not have: one error, on the option.
use otp_core::prelude::*;
use otp_core::{Registry, Unique, supervisor};

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Registry::<String, (), Unique>(name = "rooms", partitons = 4)],
    };
    let sup = tree.start_link().await.unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
