//! `ApiError`: what a refused or failed request answers, as JSON the page shows.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A request the observer refused or could not carry out: an HTTP status and a JSON body
/// `{"error": {"code": "...", "message": "..."}}`, whose message the page shows as it is.
///
/// ```
/// use otp_observer::ApiError;
///
/// let error = ApiError::malformed_pid("abc");
/// assert_eq!(error.code(), "malformed_pid");
/// assert_eq!(error.status(), 400);
/// assert!(error.message().contains("abc"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A pid that is not one: neither `<0.N>` nor `N`.
    ///
    /// ```
    /// assert_eq!(otp_observer::ApiError::malformed_pid("x").status(), 400);
    /// ```
    #[must_use]
    pub fn malformed_pid(text: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_pid",
            format!("{text:?} is not a pid: write it <0.42> or 42"),
        )
    }

    /// A pid of no live process: it never existed, or it has exited.
    ///
    /// ```
    /// let error = otp_observer::ApiError::no_process("<0.7>");
    /// assert_eq!((error.status(), error.code()), (404, "no_process"));
    /// ```
    #[must_use]
    pub fn no_process(pid: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_process",
            format!("no process {pid}: it has exited, or never existed"),
        )
    }

    /// The HTTP status.
    ///
    /// ```
    /// assert_eq!(otp_observer::ApiError::no_process("<0.7>").status(), 404);
    /// ```
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// A short code the page and scripts can match on (`unauthorized`, `read_only`,
    /// `malformed_pid`, `no_process`, ...).
    ///
    /// ```
    /// assert_eq!(otp_observer::ApiError::malformed_pid("x").code(), "malformed_pid");
    /// ```
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message for a person.
    ///
    /// ```
    /// let error = otp_observer::ApiError::no_process("<0.7>");
    /// assert!(error.message().starts_with("no process <0.7>"));
    /// ```
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
