//! Restart intensity: at most `max_restarts` restarts within `max_seconds`.
//!
//! Both supervisor kinds take the same two settings, `max_restarts(u32)` and `max_seconds(u64)`,
//! checked the same way when they start ([`check`]).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::SupervisorError;

/// Checks the intensity's settings before a supervisor starts: OTP refuses a period of zero
/// (`invalid_period`), under which no restart would count and escalation would be off. Any
/// `max_restarts` is valid; 0 means the first restart exceeds the intensity.
pub(crate) fn check(max_seconds: u64) -> Result<(), SupervisorError> {
    if max_seconds == 0 {
        return Err(SupervisorError::ZeroMaxSeconds);
    }
    Ok(())
}

/// The restarts of the last `period`, to tell when a supervisor must give up.
#[derive(Debug)]
pub(crate) struct Intensity {
    max_restarts: u32,
    period: Duration,
    restarts: VecDeque<Instant>,
}

impl Intensity {
    /// At most `max_restarts` restarts within `max_seconds` (checked by [`check`]).
    pub(crate) fn new(max_restarts: u32, max_seconds: u64) -> Self {
        Intensity {
            max_restarts,
            period: Duration::from_secs(max_seconds),
            restarts: VecDeque::new(),
        }
    }

    /// Records a restart now; false when it is one more than the intensity allows.
    pub(crate) fn allow_restart(&mut self) -> bool {
        let now = Instant::now();
        while self
            .restarts
            .front()
            .is_some_and(|at| now.duration_since(*at) > self.period)
        {
            self.restarts.pop_front();
        }
        self.restarts.push_back(now);
        self.restarts.len() <= self.max_restarts as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn three_in_five_seconds_pass_the_fourth_does_not() {
        let mut intensity = Intensity::new(3, 5);
        for _ in 0..3 {
            assert!(intensity.allow_restart());
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        assert!(!intensity.allow_restart());
    }

    #[tokio::test(start_paused = true)]
    async fn restarts_spread_over_more_than_the_period_always_pass() {
        let mut intensity = Intensity::new(3, 5);
        for _ in 0..20 {
            assert!(intensity.allow_restart());
            tokio::time::sleep(Duration::from_millis(1700)).await;
        }
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn a_zero_period_is_refused_any_other_is_not() {
        assert_eq!(check(0), Err(SupervisorError::ZeroMaxSeconds));
        assert_eq!(check(1), Ok(()));
        assert_eq!(check(u64::MAX), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn max_restarts_0_refuses_the_first_restart() {
        assert!(!Intensity::new(0, 5).allow_restart());
    }

    #[tokio::test(start_paused = true)]
    async fn the_longest_period_keeps_every_restart() {
        let mut intensity = Intensity::new(2, u64::MAX);
        assert!(intensity.allow_restart());
        tokio::time::sleep(Duration::from_secs(86_400 * 365)).await;
        assert!(intensity.allow_restart());
        assert!(!intensity.allow_restart());
    }
}
