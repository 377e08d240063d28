//! The server's half of `app::foundation::form_return`: a failed form post's error travels in
//! the session, never in the address.

use app::foundation::form_return::{keep, path_of, split_location, take_for, FormReturn};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderValue, Method};
use tower_sessions::Session;

/// Middleware (inside the session layer): takes Leptos's error parameters out of every
/// redirect and keeps the error in the session for the page the redirect goes to; and hands
/// a page request the error waiting for it, as a request extension the rendering reads.
pub async fn carry(mut req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let path = req.uri().path();
    let page_view =
        req.method() == Method::GET && !path.starts_with("/api/") && !path.starts_with("/pkg/");
    if let (true, Some(session)) = (page_view, &session) {
        if let Some(waiting) = take_for(session, path).await {
            req.extensions_mut().insert(waiting);
        }
    }
    let mut res = next.run(req).await;
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .filter(|l| l.contains("__err=") || l.contains("__path="))
    else {
        return res;
    };
    let (clean, error) = split_location(location);
    if let (Some((action, error)), Some(session)) = (error, &session) {
        let waiting = FormReturn {
            page: path_of(&clean).to_owned(),
            action,
            error,
        };
        keep(session, &waiting).await;
    }
    match HeaderValue::from_str(&clean) {
        Ok(clean) => {
            res.headers_mut().insert(header::LOCATION, clean);
        }
        // Cannot happen (a part of a valid header value is one), but never send the error on.
        Err(_) => {
            res.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    res
}
