//! The token that allows actions: read from `Authorization: Bearer` or `x-observer-token`, and
//! compared in constant time.

use axum::http::{HeaderMap, StatusCode};

use crate::ApiError;

/// The header a token may come in besides `Authorization: Bearer`.
pub(crate) const TOKEN_HEADER: &str = "x-observer-token";

/// Whether a request that changes something may go on: a token must be configured, and the
/// request must carry it.
pub(crate) fn authorize(configured: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(configured) = configured else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only",
            "this observer is read-only: no token is configured (ObserverConfig::token)",
        ));
    };
    match presented(headers) {
        Some(given) if constant_time_eq(given.as_bytes(), configured.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "refused: the token is wrong",
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "refused: this action needs the observer's token (enter it above the table)",
        )),
    }
}

/// The token a request carries, if any.
fn presented(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
        let value = value.to_str().ok()?.trim();
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|token| !token.is_empty());
    }
    let value = headers.get(TOKEN_HEADER)?.to_str().ok()?.trim();
    (!value.is_empty()).then_some(value)
}

/// Equal bytes, in a time that depends on the lengths only: every byte is compared, and the
/// differences are folded with `|` before the one branch.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = u8::from(given.len() != expected.len());
    for (index, &byte) in expected.iter().enumerate() {
        let other = given.get(index).copied().unwrap_or(!byte);
        difference |= other ^ byte;
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
        headers
    }

    #[test]
    fn equal_only_when_every_byte_and_the_length_match() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cre", b"s3cret"));
        assert!(!constant_time_eq(b"s3crets", b"s3cret"));
        assert!(!constant_time_eq(b"S3cret", b"s3cret"));
        assert!(!constant_time_eq(b"", b"s3cret"));
    }

    #[test]
    fn bearer_or_header() {
        let token = Some("s3cret");
        assert!(authorize(token, &headers("authorization", "Bearer s3cret")).is_ok());
        assert!(authorize(token, &headers("authorization", "bearer  s3cret ")).is_ok());
        assert!(authorize(token, &headers(TOKEN_HEADER, "s3cret")).is_ok());
        let wrong = authorize(token, &headers("authorization", "Bearer nope")).unwrap_err();
        assert_eq!(wrong.code(), "unauthorized");
        let basic = authorize(token, &headers("authorization", "Basic s3cret")).unwrap_err();
        assert_eq!(basic.code(), "unauthorized");
        let none = authorize(token, &HeaderMap::new()).unwrap_err();
        assert_eq!(none.status(), 401);
        let read_only = authorize(None, &headers(TOKEN_HEADER, "s3cret")).unwrap_err();
        assert_eq!((read_only.status(), read_only.code()), (403, "read_only"));
    }
}
