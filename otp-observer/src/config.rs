//! `ObserverConfig`: who may act, what is shown, how often the page is updated, where the
//! observer's own server listens.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The address the observer's own server listens on unless told otherwise: port 4040 on the
/// loopback interface, reachable from this machine only.
///
/// ```
/// assert!(otp_observer::DEFAULT_ADDRESS.ip().is_loopback());
/// ```
pub const DEFAULT_ADDRESS: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 4040);

/// The shortest time between two updates sent to one page.
///
/// ```
/// assert_eq!(otp_observer::MIN_UPDATE_INTERVAL.as_millis(), 100);
/// ```
pub const MIN_UPDATE_INTERVAL: Duration = Duration::from_millis(100);

/// How an observer behaves: made with [`ObserverConfig::new`], then adjusted.
///
/// Safe by default: without a [`token`](Self::token) the page is read-only (no kill, suspend,
/// resume, trace, retry or cancel), state is never shown unless
/// [`show_state`](Self::show_state) says so, and the observer's own server listens on
/// 127.0.0.1.
///
/// ```
/// use std::time::Duration;
/// use otp_observer::ObserverConfig;
///
/// let config = ObserverConfig::new()
///     .token("correct horse battery staple")
///     .show_state(true)
///     .update_interval(Duration::from_secs(1));
/// assert!(!config.is_read_only());
/// assert_eq!(config.updates_every(), Duration::from_secs(1));
/// // The token never shows in logs.
/// assert!(!format!("{config:?}").contains("horse"));
/// ```
#[derive(Clone)]
pub struct ObserverConfig {
    pub(crate) token: Option<Arc<str>>,
    pub(crate) show_state: bool,
    pub(crate) update_interval: Duration,
    pub(crate) address: SocketAddr,
    #[cfg(feature = "jobs")]
    pub(crate) jobs: Option<otp_jobs::Jobs>,
}

impl Default for ObserverConfig {
    /// Read-only, state hidden, two updates a second at most, listening on
    /// [`DEFAULT_ADDRESS`].
    fn default() -> Self {
        ObserverConfig {
            token: None,
            show_state: false,
            update_interval: Duration::from_millis(500),
            address: DEFAULT_ADDRESS,
            #[cfg(feature = "jobs")]
            jobs: None,
        }
    }
}

impl fmt::Debug for ObserverConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ObserverConfig");
        debug
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("show_state", &self.show_state)
            .field("update_interval", &self.update_interval)
            .field("address", &self.address);
        #[cfg(feature = "jobs")]
        debug.field("jobs", &self.jobs.is_some());
        debug.finish()
    }
}

impl ObserverConfig {
    /// The defaults: read-only, state hidden, at most two updates a second to each page,
    /// listening on [`DEFAULT_ADDRESS`] when served by [`Observer`](crate::Observer).
    ///
    /// ```
    /// let config = otp_observer::ObserverConfig::new();
    /// assert!(config.is_read_only());
    /// assert_eq!(config.listen_address(), otp_observer::DEFAULT_ADDRESS);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows the actions that change something (kill, suspend, resume, trace, retry, cancel) to
    /// requests that carry this token, as `Authorization: Bearer <token>` or in the
    /// `x-observer-token` header. It is compared in constant time. An empty token is refused:
    /// the page stays read-only.
    ///
    /// ```
    /// use otp_observer::ObserverConfig;
    ///
    /// assert!(!ObserverConfig::new().token("s3cret").is_read_only());
    /// assert!(ObserverConfig::new().token("").is_read_only());
    /// ```
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        let token: String = token.into();
        self.token = (!token.is_empty()).then(|| Arc::from(token));
        self
    }

    /// Shows a process's state (through `sys::get_state`) in its detail. Off by default: state
    /// may hold secrets, and reading it sends the process a system request.
    ///
    /// ```
    /// let config = otp_observer::ObserverConfig::new().show_state(true);
    /// assert!(config.shows_state());
    /// ```
    #[must_use]
    pub fn show_state(mut self, show: bool) -> Self {
        self.show_state = show;
        self
    }

    /// The time between two updates sent to one page (default 500 ms: two a second). Shorter
    /// than [`MIN_UPDATE_INTERVAL`] is raised to it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_observer::{MIN_UPDATE_INTERVAL, ObserverConfig};
    ///
    /// let config = ObserverConfig::new().update_interval(Duration::ZERO);
    /// assert_eq!(config.updates_every(), MIN_UPDATE_INTERVAL);
    /// ```
    #[must_use]
    pub fn update_interval(mut self, interval: Duration) -> Self {
        self.update_interval = interval.max(MIN_UPDATE_INTERVAL);
        self
    }

    /// The address the observer's own server listens on when it runs as
    /// [`Observer`](crate::Observer) (default [`DEFAULT_ADDRESS`]; port 0 picks a free port).
    /// A router mounted in an application of yours listens where that application does.
    ///
    /// ```
    /// let config = otp_observer::ObserverConfig::new().address(([127, 0, 0, 1], 0).into());
    /// assert_eq!(config.listen_address().port(), 0);
    /// ```
    #[must_use]
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Shows the queues of this otp-jobs node: counts by state, and retry or cancel of a job by
    /// id (with the token).
    ///
    /// ```
    /// use otp_jobs::{Jobs, JobsConfig, Testing};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().testing(Testing::Manual)).await?;
    /// let config = otp_observer::ObserverConfig::new().jobs(jobs);
    /// # let _ = config;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "jobs")]
    #[must_use]
    pub fn jobs(mut self, jobs: otp_jobs::Jobs) -> Self {
        self.jobs = Some(jobs);
        self
    }

    /// Whether the page is read-only: no token configured.
    ///
    /// ```
    /// assert!(otp_observer::ObserverConfig::new().is_read_only());
    /// ```
    #[must_use]
    pub fn is_read_only(&self) -> bool {
        self.token.is_none()
    }

    /// Whether process state is shown.
    ///
    /// ```
    /// assert!(!otp_observer::ObserverConfig::new().shows_state());
    /// ```
    #[must_use]
    pub fn shows_state(&self) -> bool {
        self.show_state
    }

    /// The time between two updates sent to one page.
    ///
    /// ```
    /// let config = otp_observer::ObserverConfig::new();
    /// assert_eq!(config.updates_every(), std::time::Duration::from_millis(500));
    /// ```
    #[must_use]
    pub fn updates_every(&self) -> Duration {
        self.update_interval
    }

    /// The address the observer's own server listens on.
    ///
    /// ```
    /// let config = otp_observer::ObserverConfig::new();
    /// assert_eq!(config.listen_address().port(), 4040);
    /// ```
    #[must_use]
    pub fn listen_address(&self) -> SocketAddr {
        self.address
    }
}
