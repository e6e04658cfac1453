//! A live view of a running system in the browser, as Erlang's `observer` and Phoenix's
//! `LiveDashboard` give one: the supervision trees, a process table sortable by mailbox length,
//! messages per second and memory, a process's detail (links, monitors, the call it waits on,
//! its state when allowed), deadlock cycles highlighted, and the actions kill, suspend, resume
//! and trace. With the `jobs` feature, the queues of an otp-jobs node, as Oban Web shows them.
//!
//! One page of plain HTML, CSS and JavaScript, updated over Server-Sent Events at most twice a
//! second per page (configurable), with no front-end build step.
//!
//! Safe by default: without a [`token`](ObserverConfig::token) the page is read-only and says
//! so; process state is shown only after [`show_state(true)`](ObserverConfig::show_state); the
//! observer's own server listens on 127.0.0.1.
//!
//! Mount [`router`] in an application of yours:
//!
//! ```
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use otp_observer::ObserverConfig;
//! use tower::ServiceExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ObserverConfig::new().token(std::env::var("OBSERVER_TOKEN").unwrap_or_default());
//! let app = axum::Router::new()
//!     .route("/", axum::routing::get(|| async { "my application" }))
//!     .nest("/observer", otp_observer::router(config));
//! // axum::serve(tokio::net::TcpListener::bind("127.0.0.1:8080").await?, app).await?;
//!
//! let response = app
//!     .oneshot(Request::get("/observer/api/overview").body(Body::empty())?)
//!     .await?;
//! assert_eq!(response.status(), StatusCode::OK);
//! # Ok(())
//! # }
//! ```
//!
//! or let a supervisor run it on its own address: [`Observer`].

mod actions;
mod auth;
mod child;
mod config;
mod error;
mod jobs;
mod model;
mod overview;
mod page;
mod rates;
mod router;
mod system;

pub use child::{Observer, ObserverRef};
pub use config::{DEFAULT_ADDRESS, MIN_UPDATE_INTERVAL, ObserverConfig};
pub use error::ApiError;
pub use router::router;
