//! Names: `start(…, name: n)` registers the server before `init` runs; `whereis` finds it; a
//! second start under a taken name gives `{:error, {:already_started, pid}}`; the name is freed
//! when the process exits, and, after a failed `init`, before the starter learns of the failure.

use otp_core::prelude::*;

struct Cache {
    value: u32,
}

#[genserver]
impl Cache {
    #[handle_call]
    fn value(&mut self) -> u32 {
        self.value
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Other;

#[genserver]
impl Other {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Reports, from init, what its name resolves to.
struct SeesItself {
    seen: Option<Pid>,
}

#[genserver]
impl SeesItself {
    #[init]
    fn init(name: String) -> Self {
        SeesItself {
            seen: otp_core::whereis(&name),
        }
    }

    #[handle_call]
    fn seen(&mut self) -> Option<Pid> {
        self.seen.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Blocks the thread that drops it until released: holds the failing process between the
/// moment its starter is told of the failure and the moment the process is gone.
struct Held(std::sync::mpsc::Receiver<()>);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.recv();
    }
}

struct FailsHolding;

#[genserver]
impl FailsHolding {
    #[init]
    fn init(held: Held, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.continue_with(held);
        Err(InitError::Stop(ExitReason::ShutdownWith(
            "no config".into(),
        )))
    }

    #[handle_continue]
    fn held(&mut self, _held: Held) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn whereis_finds_a_named_server_and_the_typed_whereis_gives_its_client() {
    let name = "name_registration::found";
    let cache = Cache::options()
        .name(name)
        .start(Cache { value: 3 })
        .await
        .expect("name free");
    assert_eq!(otp_core::whereis(name), Some(cache.pid()));
    assert_eq!(cache.pid().name().as_deref(), Some(name));
    let found = Cache::whereis(name).expect("a Cache under that name");
    assert_eq!(found, cache);
    assert_eq!(found.value().await, Ok(3));
    // The untyped lookup of another type's server gives no typed client.
    assert!(Other::whereis(name).is_none());
    assert_eq!(otp_core::whereis("name_registration::nobody"), None);
    assert!(Cache::whereis("name_registration::nobody").is_none());
}

#[tokio::test]
async fn a_second_start_under_a_taken_name_is_already_started_with_the_first_pid() {
    let name = "name_registration::taken";
    let first = Cache::options()
        .name(name)
        .start(Cache { value: 1 })
        .await
        .expect("name free");
    let second = Cache::options().name(name).start(Cache { value: 2 }).await;
    assert_eq!(second.err(), Some(StartError::AlreadyStarted(first.pid())));
    let linked = Cache::options()
        .name(name)
        .start_link(Cache { value: 2 })
        .await;
    assert_eq!(linked.err(), Some(StartError::AlreadyStarted(first.pid())));
    // A server of another type cannot take it either.
    let other = Other::options().name(name).start(Other).await;
    assert_eq!(other.err(), Some(StartError::AlreadyStarted(first.pid())));
    // The first keeps its name and keeps serving.
    assert_eq!(otp_core::whereis(name), Some(first.pid()));
    assert_eq!(
        Cache::whereis(name).expect("still there").value().await,
        Ok(1)
    );
}

#[tokio::test]
async fn the_name_is_freed_when_the_server_stops_and_can_be_taken_again() {
    let name = "name_registration::freed";
    let first = Cache::options()
        .name(name)
        .start(Cache { value: 1 })
        .await
        .expect("name free");
    first.stop(ExitReason::Normal).await.expect("stops");
    assert_eq!(otp_core::whereis(name), None);
    assert!(Cache::whereis(name).is_none());
    let second = Cache::options()
        .name(name)
        .start(Cache { value: 2 })
        .await
        .expect("name freed");
    assert_ne!(second.pid(), first.pid());
    assert_eq!(
        Cache::whereis(name).expect("registered").value().await,
        Ok(2)
    );
}

#[tokio::test]
async fn the_name_is_freed_when_the_server_is_killed() {
    let name = "name_registration::killed";
    let first = Cache::options()
        .name(name)
        .start(Cache { value: 1 })
        .await
        .expect("name free");
    first.pid().kill();
    assert_eq!(first.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(otp_core::whereis(name), None);
    Cache::options()
        .name(name)
        .start(Cache { value: 2 })
        .await
        .expect("name freed");
}

#[tokio::test]
async fn the_name_is_registered_before_init_runs() {
    let name = "name_registration::before_init";
    let server = SeesItself::options()
        .name(name)
        .start(name.to_owned())
        .await
        .expect("name free");
    assert_eq!(server.seen().await, Ok(Some(server.pid())));
}

#[tokio::test]
async fn the_name_of_a_server_whose_init_failed_is_free() {
    let name = "name_registration::init_failed";
    let (release, hold) = std::sync::mpsc::channel();
    drop(release);
    let failed = FailsHolding::options().name(name).start(Held(hold)).await;
    assert_eq!(
        failed.err(),
        Some(StartError::Init(ExitReason::ShutdownWith(
            "no config".into()
        )))
    );
    assert_eq!(otp_core::whereis(name), None);
    Cache::options()
        .name(name)
        .start(Cache { value: 1 })
        .await
        .expect("name freed");
}

/// OTP's gen_server unregisters the name *before* it tells the starter that init failed, so
/// that the starter can start again under the same name at once (`gen_server:init_it`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_name_is_freed_before_start_returns_the_init_failure() {
    let name = "name_registration::freed_before_start_returns";
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let failed = FailsHolding::options().name(name).start(Held(hold)).await;
    assert_eq!(
        failed.err(),
        Some(StartError::Init(ExitReason::ShutdownWith(
            "no config".into()
        )))
    );
    // The failed process is held before its last drops; its name must already be free.
    let registered = otp_core::whereis(name);
    let again = Cache::options().name(name).start(Cache { value: 1 }).await;
    release
        .send(())
        .expect("the failed process holds the receiver");
    assert_eq!(registered, None);
    assert!(again.is_ok(), "{:?}", again.err());
}

struct Ignores;

#[genserver]
impl Ignores {
    #[init]
    fn init(_: ()) -> Result<Self, InitError> {
        Err(InitError::Ignore)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The same without any help: a restart under the name of a server that just returned
/// `:ignore` always finds the name free, on a multi-thread runtime too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_right_after_ignore_always_gets_the_name() {
    let mut taken = 0;
    for round in 0..2_000 {
        let name = format!("name_registration::restart_after_ignore::{round}");
        let ignored = Ignores::options().name(&name).start(()).await;
        assert_eq!(ignored.err(), Some(StartError::Ignored));
        match Cache::options().name(&name).start(Cache { value: 1 }).await {
            Ok(cache) => cache.stop(ExitReason::Normal).await.expect("stops"),
            Err(StartError::AlreadyStarted(_)) => taken += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        taken, 0,
        "the name was still taken in {taken} of 2000 rounds"
    );
}
