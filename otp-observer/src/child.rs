//! `Observer`: the observer as a supervised child that serves the page on its own address.

use std::net::SocketAddr;

use otp_core::prelude::*;

use crate::ObserverConfig;

/// The observer's own server, as a child of a supervisor (`Observer(config)` in
/// `supervisor!`) or started alone: it listens on
/// [`ObserverConfig::address`] (127.0.0.1:4040 unless told otherwise), logs the address at
/// info level, and serves [`router`](crate::router) there until the process stops. A restart
/// listens again.
///
/// Its handle, `ObserverRef`, answers `local_addr()`: the address it listens on (the port
/// the system chose for port 0).
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::supervisor;
/// use otp_observer::{Observer, ObserverConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ObserverConfig::new().address(([127, 0, 0, 1], 0).into());
/// let app = supervisor! { strategy: one_for_one, children: [ Observer(config) ] }
///     .start_link()
///     .await?;
/// let observer = app.child::<Observer>("Observer").await?.expect("running");
/// let address = observer.local_addr().await?;
/// assert!(address.ip().is_loopback());
/// println!("the observer is at http://{address}/");
/// # Ok(())
/// # }
/// ```
pub struct Observer {
    address: SocketAddr,
    serving: Serving,
}

/// The server's task, stopped with the process: an observer killed or stopped listens no
/// more, and its port is free for its restart.
struct Serving(tokio::task::AbortHandle);

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Binds the address; while the port is still held by this observer's last run (its server
/// task is aborted when the process exits, and lets the socket go a moment later), tries again
/// for up to two seconds.
async fn bind(address: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let mut tries = 0;
    loop {
        match tokio::net::TcpListener::bind(address).await {
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && tries < 40 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

#[genserver]
#[child_spec(id = "Observer")]
impl Observer {
    #[init]
    async fn init(config: ObserverConfig) -> Result<Self, InitError> {
        let listener = bind(config.listen_address()).await?;
        let address = listener.local_addr()?;
        let read_only = config.is_read_only();
        let app = crate::router(config);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the observer's server stopped");
            }
        });
        tracing::info!(
            target: "otp_observer",
            %address,
            read_only,
            "observer listening on http://{address}/"
        );
        Ok(Observer {
            address,
            serving: Serving(task.abort_handle()),
        })
    }

    /// The address the observer listens on.
    #[handle_call]
    fn local_addr(&mut self) -> SocketAddr {
        self.address
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        self.serving.0.abort();
        tracing::info!(target: "otp_observer", address = %self.address, %reason, "observer stopped");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(target: "otp_observer", ?msg, "observer: unexpected message");
    }
}
