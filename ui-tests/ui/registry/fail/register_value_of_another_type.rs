//! mistakes: 1 - `register` with a value of another type than the registry's.
use otp_core::Registry;

#[tokio::main]
async fn main() {
    let sessions = Registry::<String, u64>::unique().start_link().await.unwrap();
    sessions.register("alice".to_owned(), "admin").unwrap();
    assert_eq!(sessions.count(), 1);
}
