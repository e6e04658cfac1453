//! Every per-child override: `id`, `name`, `significant`, each restart type, and each shutdown
//! form (`brutal_kill`, `infinity`, strings of ms and s, an integer of ms, a `Shutdown` value).
use std::sync::Mutex;
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Shutdown, supervisor};

/// The ids of the workers whose `#[terminate]` ran, in order.
static TERMINATED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

#[derive(Clone)]
struct Worker(&'static str);

#[genserver]
impl Worker {
    #[handle_call]
    fn label(&mut self) -> &'static str {
        self.0
    }

    #[terminate]
    fn on_stop(&mut self, _reason: &ExitReason) {
        TERMINATED.lock().unwrap().push(self.0);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let grace = Shutdown::Timeout(Duration::from_millis(50));
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(Worker("brutal")) { id = "brutal", shutdown = brutal_kill, restart = permanent },
            Worker(Worker("infinity")) { id = "infinity", shutdown = infinity, restart = transient },
            Worker(Worker("millis")) { id = "millis", shutdown = "500ms", restart = temporary },
            Worker(Worker("seconds")) { id = "seconds", shutdown = "10s", significant = false },
            Worker(Worker("integer")) { id = "integer", shutdown = 5000, name = "integer" },
            Worker(Worker("quoted")) { id = "quoted", shutdown = "brutal_kill" },
            Worker(Worker("value")) { shutdown = grace, id = "value" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let ids: Vec<_> = sup
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|child| child.id.unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "brutal", "infinity", "millis", "seconds", "integer", "quoted", "value"
        ]
    );
    assert_eq!(
        Worker::whereis("integer").unwrap().label().await,
        Ok("integer")
    );

    // Children stop in reverse start order; the brutally killed ones never run `terminate`.
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        *TERMINATED.lock().unwrap(),
        ["value", "integer", "seconds", "millis", "infinity"]
    );
}
