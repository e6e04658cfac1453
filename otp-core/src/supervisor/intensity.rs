//! Restart intensity: at most `max_restarts` restarts within `max_seconds`.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// The restarts of the last `period`, to tell when a supervisor must give up.
#[derive(Debug)]
pub(crate) struct Intensity {
    max_restarts: u32,
    period: Duration,
    restarts: VecDeque<Instant>,
}

impl Intensity {
    pub(crate) fn new(max_restarts: u32, period: Duration) -> Self {
        Intensity {
            max_restarts,
            period,
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
        let mut intensity = Intensity::new(3, Duration::from_secs(5));
        for _ in 0..3 {
            assert!(intensity.allow_restart());
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        assert!(!intensity.allow_restart());
    }

    #[tokio::test(start_paused = true)]
    async fn restarts_spread_over_more_than_the_period_always_pass() {
        let mut intensity = Intensity::new(3, Duration::from_secs(5));
        for _ in 0..20 {
            assert!(intensity.allow_restart());
            tokio::time::sleep(Duration::from_millis(1700)).await;
        }
    }
}
