//! `sys::get_state`: the state of any server whose type implements `Debug`, as text, with no
//! opt-in; a clear error otherwise, for a dead server, and for one too busy to answer.

use otp_core::prelude::*;
use otp_core::sys::{self, SysError};

#[derive(Debug)]
struct Inventory {
    items: Vec<&'static str>,
}

#[genserver]
impl Inventory {
    #[handle_cast]
    fn add(&mut self, item: &'static str) {
        self.items.push(item);
    }

    #[handle_cast]
    async fn stall(&mut self, for_: Duration) {
        tokio::time::sleep(for_).await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Secret;

#[genserver]
impl Secret {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Debug)]
struct Wrapper<T: Send + 'static> {
    inner: T,
}

#[genserver]
impl<T: Send + 'static> Wrapper<T> {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Unprintable;

impl std::fmt::Debug for Unprintable {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        panic!("cannot print this")
    }
}

#[genserver]
impl Unprintable {
    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn the_state_of_a_debug_server_is_its_pretty_debug_text() {
    let inventory = Inventory::start(Inventory { items: vec![] }).await.unwrap();
    inventory.add("apple");
    let state = sys::get_state(&inventory.pid()).await.unwrap();
    assert_eq!(
        state,
        format!(
            "{:#?}",
            Inventory {
                items: vec!["apple"]
            }
        )
    );
}

#[tokio::test]
async fn a_state_without_debug_is_a_clear_error_that_says_to_derive_it() {
    let secret = Secret::start(Secret).await.unwrap();
    let error = sys::get_state(&secret.pid()).await.unwrap_err();
    assert_eq!(error, SysError::StateNotDebug);
    assert!(error.to_string().contains("derive `Debug`"), "{error}");
}

#[tokio::test]
async fn a_generic_server_answers_state_not_debug() {
    let wrapper = Wrapper::start(Wrapper { inner: 7_u8 }).await.unwrap();
    assert_eq!(
        sys::get_state(&wrapper.pid()).await,
        Err(SysError::StateNotDebug)
    );
    let _ = Wrapper { inner: 0_u8 }.inner;
}

#[tokio::test]
async fn a_panicking_debug_is_reported_and_the_server_goes_on() {
    let server = Unprintable::start(Unprintable).await.unwrap();
    assert_eq!(
        sys::get_state(&server.pid()).await,
        Err(SysError::FormatPanicked("cannot print this".into()))
    );
    assert_eq!(server.ping().await.unwrap(), "pong");
}

#[tokio::test]
async fn a_dead_server_is_no_proc() {
    let inventory = Inventory::start(Inventory { items: vec![] }).await.unwrap();
    inventory.server().stop(ExitReason::Normal).await.unwrap();
    assert_eq!(
        sys::get_state(&inventory.pid()).await,
        Err(SysError::NoProc)
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_busy_in_a_callback_times_out_then_answers_once_free() {
    let inventory = Inventory::start(Inventory { items: vec![] }).await.unwrap();
    inventory.stall(Duration::from_secs(60));
    assert_eq!(
        sys::get_state(&inventory.pid()).await,
        Err(SysError::Timeout),
        "the default timeout is 5 s, the callback takes 60"
    );
    let state = sys::get_state_timeout(&inventory.pid(), Duration::from_secs(120)).await;
    assert!(state.unwrap().contains("items"));
}

#[tokio::test(start_paused = true)]
async fn a_state_request_leaves_the_idle_timeout_where_it_was() {
    #[derive(Debug, Default)]
    struct Idler {
        timeouts: u32,
    }

    #[genserver]
    impl Idler {
        #[init]
        fn init(_: (), ctx: &mut Context<Self>) -> Self {
            ctx.idle_timeout(Duration::from_secs(10));
            Idler::default()
        }

        #[handle_call]
        fn timeouts(&mut self) -> u32 {
            self.timeouts
        }

        #[handle_info]
        fn idle(&mut self, _: IdleTimeout) {
            self.timeouts += 1;
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    let idler = Idler::start(()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    sys::get_state(&idler.pid()).await.unwrap();
    // 10 s after init, not 10 s after the request, and not cancelled by it.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        sys::get_state(&idler.pid()).await.unwrap(),
        "Idler {\n    timeouts: 1,\n}"
    );
    assert_eq!(idler.timeouts().await.unwrap(), 1);
}
