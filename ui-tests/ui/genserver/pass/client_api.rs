//! The generated client: `Clone + Send + Sync + Eq + Debug`, names, `timeout`, `stop`, `server`.
use otp_core::prelude::*;

struct Idle;

#[genserver]
impl Idle {
    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn assert_client<T: Clone + Send + Sync + Eq + std::fmt::Debug + 'static>() {}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    assert_client::<IdleRef>();
    let idle = Idle::options()
        .name("ui-idle")
        .start_link(Idle)
        .await
        .unwrap();
    let copy = idle.clone();
    assert_eq!(copy, idle);
    assert_eq!(Idle::whereis("ui-idle"), Some(idle.clone()));
    let reply = idle.ping().timeout(Duration::from_secs(1)).await;
    assert_eq!(reply, Ok("pong"));
    let server: &ServerRef<Idle> = idle.server();
    assert_eq!(server.pid(), idle.pid());
    assert!(idle.is_alive());
    idle.stop(ExitReason::Normal).await.unwrap();
    assert!(!copy.is_alive());
    assert_eq!(copy.ping().await, Err(CallError::NoProc));
}
