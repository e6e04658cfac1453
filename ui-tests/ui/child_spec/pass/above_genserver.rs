//! `#[child_spec]` written above `#[genserver]`: it hands itself to `#[genserver]`, which reads it.
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, Restart, Shutdown, supervisor};

struct Endpoint {
    port: u16,
}

#[child_spec(restart = "transient", shutdown = "10s", id = "web")]
#[genserver]
impl Endpoint {
    #[init]
    fn init(port: u16) -> Self {
        Endpoint { port }
    }

    #[handle_call]
    fn port(&mut self) -> u16 {
        self.port
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The path form, above a path-form `#[genserver]`.
#[derive(Clone)]
struct Probe;

#[otp_core::child_spec(restart = "temporary")]
#[otp_core::genserver]
impl Probe {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let spec = ChildSpec::of::<Endpoint>(4000);
    assert_eq!(spec.id(), "web");
    assert_eq!(spec.restart(), Restart::Transient);
    assert_eq!(
        spec.shutdown(),
        Shutdown::Timeout(Duration::from_secs(10))
    );
    assert!(!spec.is_significant());

    let probe = ChildSpec::of::<Probe>(Probe);
    assert_eq!(probe.id(), "Probe");
    assert_eq!(probe.restart(), Restart::Temporary);
    assert_eq!(probe.shutdown(), Shutdown::WORKER_DEFAULT);

    let sup = supervisor! {
        strategy: one_for_one,
        children: [Endpoint(4000), Probe(Probe)],
    }
    .start_link()
    .await
    .unwrap();
    let pid = sup.child_pid("web").await.unwrap().unwrap();
    let web = otp_core::ServerRef::<Endpoint>::from_pid(&pid)
        .map(EndpointRef::from)
        .unwrap();
    assert_eq!(web.port().await, Ok(4000));
    assert!(sup.child_pid("Probe").await.unwrap().is_some());
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!pid.is_alive());
}
