//! Queue control signals: pause, resume and scale, sent to every node as Oban's notifier
//! signals are (on PostgreSQL, a `NOTIFY` on the channel the nodes already listen on).

use serde::{Deserialize, Serialize};

/// What a signal does to a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub(crate) enum QueueAction {
    /// Fetch nothing more.
    Pause,
    /// Fetch again.
    Resume,
    /// Run at most `limit` jobs at once.
    Scale { limit: u32 },
}

/// A queue control signal from one node to every other node that runs the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct QueueSignal {
    /// The sending node, which applied the signal itself and ignores its echo.
    pub(crate) from: String,
    /// The queue.
    pub(crate) queue: String,
    /// What to do.
    #[serde(flatten)]
    pub(crate) action: QueueAction,
}

/// What a node hears from the others. Only PostgreSQL's LISTEN brings them: without that
/// engine, the runtime's handling of them stays, and nothing makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) enum Notification {
    /// The queue has available jobs (an insert, the stager, a retry).
    Available(String),
    /// A job was inserted that waits until this long from now (the earliest of its batch).
    Due(std::time::Duration),
    /// A queue control signal.
    Signal(QueueSignal),
}

#[cfg(test)]
mod tests {
    use super::{QueueAction, QueueSignal};

    #[test]
    fn a_signal_reads_back_from_its_payload() {
        for action in [
            QueueAction::Pause,
            QueueAction::Resume,
            QueueAction::Scale { limit: 7 },
        ] {
            let signal = QueueSignal {
                from: "web-1".into(),
                queue: "mailers".into(),
                action,
            };
            let payload = serde_json::to_string(&signal).unwrap();
            assert_eq!(
                serde_json::from_str::<QueueSignal>(&payload).unwrap(),
                signal
            );
        }
        let scale = r#"{"from":"a","queue":"q","action":"scale","limit":3}"#;
        assert_eq!(
            serde_json::from_str::<QueueSignal>(scale).unwrap().action,
            QueueAction::Scale { limit: 3 }
        );
    }
}
