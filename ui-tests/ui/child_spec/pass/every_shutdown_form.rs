//! Every shutdown `#[child_spec]` accepts: `"brutal_kill"`, `"infinity"`, a duration in ms, s,
//! m or h, and an integer of milliseconds.
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, Shutdown, supervisor};

macro_rules! worker {
    ($name:ident, $($spec:tt)*) => {
        #[derive(Clone)]
        struct $name;

        #[genserver]
        #[child_spec($($spec)*)]
        impl $name {
            #[handle_info(catch_all)]
            fn unexpected(&mut self, _msg: AnyMessage) {}
        }
    };
}

worker!(Brutal, shutdown = "brutal_kill");
worker!(Patient, shutdown = "infinity");
worker!(Millis, shutdown = "500ms");
worker!(Seconds, shutdown = "10s");
worker!(Minutes, shutdown = "2m");
worker!(Hours, shutdown = "1h");
worker!(Integer, shutdown = 2500);
worker!(Unset, id = "unset");

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    assert_eq!(
        ChildSpec::of::<Brutal>(Brutal).shutdown(),
        Shutdown::BrutalKill
    );
    assert_eq!(
        ChildSpec::of::<Patient>(Patient).shutdown(),
        Shutdown::Infinity
    );
    let timeout = |millis| Shutdown::Timeout(Duration::from_millis(millis));
    assert_eq!(
        ChildSpec::of::<Millis>(Millis).shutdown(),
        timeout(500)
    );
    assert_eq!(
        ChildSpec::of::<Seconds>(Seconds).shutdown(),
        timeout(10_000)
    );
    assert_eq!(
        ChildSpec::of::<Minutes>(Minutes).shutdown(),
        timeout(120_000)
    );
    assert_eq!(
        ChildSpec::of::<Hours>(Hours).shutdown(),
        timeout(3_600_000)
    );
    assert_eq!(
        ChildSpec::of::<Integer>(Integer).shutdown(),
        timeout(2500)
    );
    assert_eq!(ChildSpec::of::<Unset>(Unset).shutdown(), timeout(5000));
    assert_eq!(ChildSpec::of::<Unset>(Unset).id(), "unset");

    let sup = supervisor! {
        strategy: one_for_all,
        children: [
            Brutal(Brutal), Patient(Patient), Millis(Millis), Seconds(Seconds),
            Minutes(Minutes), Hours(Hours), Integer(Integer), Unset(Unset),
        ],
    }
    .start_link()
    .await
    .unwrap();
    assert_eq!(sup.count_children().await.unwrap().active, 8);
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!sup.is_alive());
}
