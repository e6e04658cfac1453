//! A start timeout (`GenServer.start_link(mod, args, timeout: ms)`): a server whose init does
//! not return in time is killed (`Killed`, its init never finishes, `terminate` does not run),
//! its name and via-name are free when the start returns `StartError::Timeout`, and a caller
//! that started it linked gets no exit signal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Registry, RegistryRef, Unique};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    log: Log,
    pid: Arc<Mutex<Option<Pid>>>,
    init_takes: Duration,
}

impl Args {
    fn new(init_takes: Duration) -> Args {
        Args {
            log: Log::default(),
            pid: Arc::default(),
            init_takes,
        }
    }

    fn pid(&self) -> Pid {
        self.pid.lock().unwrap().clone().expect("init ran")
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

struct Slow {
    log: Log,
}

#[genserver]
impl Slow {
    #[init]
    async fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        *args.pid.lock().unwrap() = Some(ctx.pid().clone());
        args.log.lock().unwrap().push("init began".into());
        tokio::time::sleep(args.init_takes).await;
        args.log.lock().unwrap().push("init returned".into());
        Slow { log: args.log }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.log.lock().unwrap().push("terminate".into());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_named_server_whose_init_hangs_is_killed_and_its_name_freed() {
    let args = Args::new(Duration::from_secs(60));
    let began = Instant::now();
    let started = Slow::options()
        .name("hanging-init")
        .timeout(Duration::from_secs(5))
        .start(args.clone())
        .await;
    assert_eq!(started.err(), Some(StartError::Timeout));
    assert_eq!(began.elapsed(), Duration::from_secs(5));

    let pid = args.pid();
    assert!(!pid.is_alive());
    assert_eq!(pid.exit_reason(), Some(ExitReason::Killed));
    assert_eq!(otp_core::whereis("hanging-init"), None);

    // Past the time its init would have taken: it was killed, not left to finish.
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(args.log(), ["init began"]);
    assert_eq!(otp_core::whereis("hanging-init"), None);

    // The name can be taken again at once.
    let again = Slow::options()
        .name("hanging-init")
        .start(Args::new(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(otp_core::whereis("hanging-init"), Some(again.pid()));
}

#[tokio::test(start_paused = true)]
async fn a_via_named_server_whose_init_hangs_frees_its_key() {
    let registry: RegistryRef<String, (), Unique> =
        Registry::<String>::unique().start().await.unwrap();
    let args = Args::new(Duration::from_secs(60));
    let started = Slow::options()
        .via(&registry, "slow".to_owned())
        .timeout(Duration::from_millis(100))
        .start(args.clone())
        .await;
    assert_eq!(started.err(), Some(StartError::Timeout));
    assert_eq!(args.pid().exit_reason(), Some(ExitReason::Killed));
    assert_eq!(registry.lookup("slow"), Vec::new());
}

/// Starts a `Slow` linked to itself and reports the outcome; it does not trap exits, so an
/// exit signal `Killed` from the starting server would kill it.
struct Starter;

#[genserver]
impl Starter {
    #[handle_call]
    async fn start_slow(&mut self, args: Args) -> Result<(), StartError> {
        Slow::options()
            .timeout(Duration::from_secs(1))
            .start_link(args)
            .await
            .map(drop)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_linked_starter_gets_the_error_and_no_exit_signal() {
    let starter = Starter::start(Starter).await.unwrap();
    let args = Args::new(Duration::from_secs(60));
    let outcome = starter
        .start_slow(args.clone())
        .timeout(Duration::from_secs(10))
        .await;
    assert_eq!(outcome, Ok(Err(StartError::Timeout)));
    assert_eq!(args.pid().exit_reason(), Some(ExitReason::Killed));

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(starter.is_alive(), "the starter was sent no exit signal");
}

#[tokio::test(start_paused = true)]
async fn a_zero_timeout_fails_the_start_and_frees_the_name_even_before_init_ran() {
    let args = Args::new(Duration::from_secs(1));
    let started = Slow::options()
        .name("zero-timeout")
        .timeout(Duration::ZERO)
        .start(args.clone())
        .await;
    assert_eq!(started.err(), Some(StartError::Timeout));
    assert_eq!(otp_core::whereis("zero-timeout"), None);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!args.log().contains(&"init returned".to_owned()));
}
