//! A process calling itself: OTP exits the caller with `calling_self` at once instead of
//! deadlocking; here the call returns `CallError::CallingSelf` at once and the server lives on.

use otp_core::prelude::*;
use tokio::time::Instant;

struct Selfish {
    from_init: Option<Result<u32, CallError>>,
    from_continue: Option<Result<u32, CallError>>,
}

struct Check;

#[genserver]
impl Selfish {
    #[init]
    async fn init(_: (), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        let from_init = Some(ctx.myself().value().await);
        ctx.continue_with(Check);
        Ok(Selfish {
            from_init,
            from_continue: None,
        })
    }

    #[handle_continue]
    async fn check(&mut self, _msg: Check, ctx: &mut Context<Self>) {
        self.from_continue = Some(ctx.myself().value().await);
    }

    #[handle_call]
    fn value(&mut self) -> u32 {
        42
    }

    /// Calls itself through its own client, with the default timeout.
    #[handle_call]
    async fn call_myself(&mut self, ctx: &mut Context<Self>) -> (Result<u32, CallError>, Duration) {
        let started = Instant::now();
        let result = ctx.myself().value().await;
        (result, started.elapsed())
    }

    /// Calls itself through a client found by name.
    #[handle_call]
    async fn call_myself_by_name(&mut self, name: String) -> Result<u32, CallError> {
        let me = Selfish::whereis(&name).expect("registered");
        me.value().timeout(Duration::from_secs(60)).await
    }

    /// `GenServer.stop(self())` is a call to itself too.
    #[handle_call]
    async fn stop_myself(&mut self, ctx: &mut Context<Self>) -> Result<(), CallError> {
        ctx.myself().stop(ExitReason::Normal).await
    }

    #[handle_call]
    fn seen_in_init(&mut self) -> Option<Result<u32, CallError>> {
        self.from_init.clone()
    }

    #[handle_call]
    fn seen_in_continue(&mut self) -> Option<Result<u32, CallError>> {
        self.from_continue.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_handler_calling_its_own_client_gets_calling_self_at_once() {
    let server = Selfish::start(()).await.expect("starts");
    let started = Instant::now();
    let (result, inner_elapsed) = server.call_myself().await.expect("server answers");
    assert_eq!(result, Err(CallError::CallingSelf));
    assert_eq!(inner_elapsed, Duration::ZERO);
    assert_eq!(started.elapsed(), Duration::ZERO);
    // The server survives and keeps serving.
    assert!(server.is_alive());
    assert_eq!(server.value().await, Ok(42));
}

#[tokio::test(start_paused = true)]
async fn calling_itself_by_name_is_calling_self_too() {
    let name = "calling_self::by_name";
    let server = Selfish::options()
        .name(name)
        .start(())
        .await
        .expect("starts");
    let started = Instant::now();
    assert_eq!(
        server.call_myself_by_name(name.into()).await,
        Ok(Err(CallError::CallingSelf))
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn stopping_itself_through_its_client_is_calling_self() {
    let server = Selfish::start(()).await.expect("starts");
    assert_eq!(server.stop_myself().await, Ok(Err(CallError::CallingSelf)));
    assert!(server.is_alive());
    assert_eq!(server.value().await, Ok(42));
}

#[tokio::test(start_paused = true)]
async fn calling_itself_from_init_and_continue_is_calling_self() {
    let started = Instant::now();
    let server = Selfish::start(()).await.expect("starts");
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(
        server.seen_in_init().await,
        Ok(Some(Err(CallError::CallingSelf)))
    );
    assert_eq!(
        server.seen_in_continue().await,
        Ok(Some(Err(CallError::CallingSelf)))
    );
}
