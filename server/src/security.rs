//! Request guards and response headers that apply to every route.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses state-changing requests that a browser says come from another site. Browsers send
/// `Sec-Fetch-Site` (and `Origin`) on every cross-site POST, so a forged form fails here; clients
/// that send neither (scripts, tests) are not browsers carrying someone else's cookie.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(&req) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not accepted. Reload the page and try again.",
        )
            .into_response();
    }
    next.run(req).await
}

fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            !host.is_empty() && origin_host == host
        }
    }
}

/// What [`baseline_headers`] adds beyond what every deployment gets.
#[derive(Debug, Clone, Copy)]
pub struct Baseline {
    /// Send `Strict-Transport-Security`: the app is served over HTTPS (secure cookies on).
    pub hsts: bool,
}

/// How long browsers keep to HTTPS once told (a year, what preload lists ask for).
const HSTS: &str = "max-age=31536000";

/// Adds the headers every response carries: no sniffing, no framing, a strict referrer policy,
/// a locked-down Content-Security-Policy unless the page set its own, HSTS when served over
/// HTTPS, and `Cache-Control: no-store` unless the response set its own caching (only the
/// static files under `/pkg` do). Pages and server-function answers hold what one person may
/// see, and people here share computers: neither the browser's cache nor a proxy's may keep
/// them, and the back button after logging out must not show them again.
pub async fn baseline_headers(
    State(baseline): State<Baseline>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if baseline.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    // Pages set their own policy with a per-response nonce; everything else gets the strictest.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

/// Server functions answer errors with status 500 and the error in the body; give API clients
/// the status the error means (401, 403, 404, 409, 422, 429) instead.
pub async fn api_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = app::encoding::read::<app::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
