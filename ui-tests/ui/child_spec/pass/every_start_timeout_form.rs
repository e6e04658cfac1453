//! Every start timeout `#[child_spec]` accepts: `infinity` (the default, as a word or a
//! string), a duration in ms, s, m or h, and an integer of milliseconds.
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, supervisor};

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

worker!(Word, start_timeout = infinity);
worker!(Infinity, start_timeout = "infinity");
worker!(Millis, start_timeout = "500ms");
worker!(Seconds, start_timeout = "10s");
worker!(Minutes, start_timeout = "2m");
worker!(Integer, start_timeout = 2500);
worker!(WithOthers, restart = transient, start_timeout = "1h", shutdown = "5s");
worker!(Unset, id = "unset");

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let millis = |millis| Some(Duration::from_millis(millis));
    assert_eq!(ChildSpec::of::<Word>(Word).start_timeout(), None);
    assert_eq!(ChildSpec::of::<Infinity>(Infinity).start_timeout(), None);
    assert_eq!(ChildSpec::of::<Millis>(Millis).start_timeout(), millis(500));
    assert_eq!(ChildSpec::of::<Seconds>(Seconds).start_timeout(), millis(10_000));
    assert_eq!(ChildSpec::of::<Minutes>(Minutes).start_timeout(), millis(120_000));
    assert_eq!(ChildSpec::of::<Integer>(Integer).start_timeout(), millis(2500));
    assert_eq!(
        ChildSpec::of::<WithOthers>(WithOthers).start_timeout(),
        millis(3_600_000)
    );
    assert_eq!(ChildSpec::of::<Unset>(Unset).start_timeout(), None);

    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Word(Word), Infinity(Infinity), Millis(Millis), Seconds(Seconds),
            Minutes(Minutes), Integer(Integer), WithOthers(WithOthers), Unset(Unset),
        ],
    }
    .start_link()
    .await
    .unwrap();
    assert_eq!(sup.count_children().await.unwrap().active, 8);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
