//! Rendered pages kept per viewer until the next write.
//!
//! Rendering a page with Leptos costs several times more than everything else a request does
//! (a page of the plan costs ~15 times a static route here), and people move back and forth
//! between the same pages far more often than anybody writes. So a page a person has just been
//! shown is kept, keyed by who they are and the exact URL, and shown again as long as nothing
//! at all has been written since (the database's write generation, see `app::db`; over
//! PostgreSQL, writes by other instances included, see `Db::catch_up`) and for at most
//! [`app::db::MEMO_TTL`] (writes by another process on SQLite, time-dependent text such as
//! "overdue"). Every copy served gets a fresh CSP nonce, as a freshly rendered page would.
//!
//! Only plain successful page views are kept: GET, status 200, HTML, no cookie being set, and
//! nothing written while the page was rendered (a page that consumed a one-time notice, for
//! instance, wrote to its session).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use app::db::{Db, MEMO_TTL};
use app::foundation::form_return::FormReturn;
use app::foundation::session::PERSON_KEY;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use tower_sessions::Session;

/// Largest page worth keeping; bigger ones are served as rendered.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

struct Page {
    generation: u64,
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<(i64, String), Page>,
    bytes: usize,
}

/// The cache, shared by every request of one server.
#[derive(Clone)]
pub struct PageCache {
    db: Db,
    budget: usize,
    pages: Arc<Mutex<Pages>>,
}

impl PageCache {
    /// A cache using at most `mib` MiB for page bodies; 0 keeps nothing.
    pub fn new(db: Db, mib: usize) -> Self {
        PageCache {
            db,
            budget: mib * 1024 * 1024,
            pages: Default::default(),
        }
    }

    fn get(&self, key: &(i64, String)) -> Option<(HeaderMap, Bytes, Option<String>)> {
        let generation = self.db.generation();
        let pages = self.pages.lock().ok()?;
        let page = pages.by_key.get(key)?;
        if page.generation != generation || page.at.elapsed() > MEMO_TTL {
            return None;
        }
        Some((page.headers.clone(), page.body.clone(), page.nonce.clone()))
    }

    fn put(&self, key: (i64, String), page: Page) {
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        if pages.bytes + page.body.len() > self.budget {
            let current = self.db.generation();
            pages
                .by_key
                .retain(|_, p| p.generation == current && p.at.elapsed() <= MEMO_TTL);
            pages.bytes = pages.by_key.values().map(|p| p.body.len()).sum();
            if pages.bytes + page.body.len() > self.budget {
                pages.by_key.clear();
                pages.bytes = 0;
            }
        }
        pages.bytes += page.body.len();
        if let Some(old) = pages.by_key.insert(key, page) {
            pages.bytes -= old.body.len();
        }
    }
}

/// The nonce a page's Content-Security-Policy allows scripts with.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(policy[start..start + len].to_owned())
}

/// `headers` and `body` with every occurrence of nonce `old` replaced by a new one.
fn with_fresh_nonce(mut headers: HeaderMap, body: Bytes, old: &str) -> (HeaderMap, Bytes) {
    let fresh = uuid::Uuid::new_v4().simple().to_string();
    if let Some(policy) = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(|p| p.replace(old, &fresh))
        .and_then(|p| HeaderValue::from_str(&p).ok())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let body = match std::str::from_utf8(&body) {
        Ok(text) => Bytes::from(text.replace(old, &fresh)),
        Err(_) => body,
    };
    (headers, body)
}

/// Marks an answer served from the page cache, so its hit rate can be measured from outside
/// (`scripts/bench`); it says nothing about the page's content.
pub const HIT_HEADER: &str = "x-upstream-page-cache";

fn response(headers: HeaderMap, body: Bytes) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = headers;
    res.headers_mut()
        .insert(HIT_HEADER, HeaderValue::from_static("hit"));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}

/// Whether `res` is an HTML page.
pub fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The answer for a rendered page whose body broke off: an error, logged, rather than half a
/// page.
pub fn unreadable_page(error: &dyn std::fmt::Display) -> Response {
    tracing::warn!(error = %error, "could not read a rendered page");
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .body(Body::empty())
        .unwrap_or_default()
}

/// Middleware: serves a kept page when it is still current, otherwise renders and keeps it.
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // A page bringing back a failed form's messages is that person's, once.
    if cache.budget == 0
        || req.method() != Method::GET
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path == "/live"
        || req.extensions().get::<FormReturn>().is_some()
    {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let person = match session.get::<i64>(PERSON_KEY).await {
        Ok(person) => person.unwrap_or(0),
        Err(_) => return next.run(req).await,
    };
    let key = (person, req.uri().to_string());
    if let Some((headers, body, nonce)) = cache.get(&key) {
        let (headers, body) = match nonce {
            Some(old) => with_fresh_nonce(headers, body, &old),
            None => (headers, body),
        };
        return response(headers, body);
    }

    let generation = cache.db.generation();
    let res = next.run(req).await;
    let html = is_html(&res);
    if res.status() != StatusCode::OK || !html || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        // The page was already produced (SSR renders it whole), so this is a broken stream,
        // not a large page.
        Err(e) => return unreadable_page(&e),
    };
    // Session writes (a notice taken, a session renewed) also move the generation, so a page
    // whose rendering changed anything is never kept.
    if cache.db.generation() == generation {
        cache.put(
            key,
            Page {
                generation,
                at: Instant::now(),
                headers: parts.headers.clone(),
                body: body.clone(),
                nonce: nonce_of(&parts.headers),
            },
        );
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_of_a_page_gets_its_own_nonce() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"),
        );
        let body = Bytes::from_static(b"<script nonce=\"abc123\">x</script>");
        let old = nonce_of(&headers).unwrap_or_default();
        assert_eq!(old, "abc123");
        let (headers, body) = with_fresh_nonce(headers, body, &old);
        let fresh = nonce_of(&headers).unwrap_or_default();
        assert_ne!(fresh, old);
        let body = String::from_utf8(body.to_vec()).unwrap_or_default();
        assert!(body.contains(&format!("nonce=\"{fresh}\"")));
        assert!(!body.contains("abc123"));
    }
}
