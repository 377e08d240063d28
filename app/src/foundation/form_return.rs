//! How a form posted without JavaScript comes back to its page when it fails: with its
//! messages and what was typed, and without putting either in the page's address.
//!
//! Leptos answers a failed plain form post with a redirect to the page carrying the error in
//! the address (`?__path=<server function>&__err=<base64 of the error>`), and every page
//! shows the error it finds there as the action's own. That writes typed text (a comment,
//! a reason) into browser history, server logs and `Referer` headers, and lets anyone craft a
//! link that shows their words as the app's alert. So instead:
//! - on the way out, the server moves the error from the redirect into the session (the
//!   middleware in `server/src/form_return.rs`, using [`split_location`]);
//! - when the page is requested next, the server takes it from the session ([`take_for`]) and
//!   hands it to the rendering as a request extension, and the page's `<head>` carries it to
//!   the browser bundle ([`META_NAME`]), so the hydrated page shows the same messages;
//! - every page is rendered under [`provide_form_return`], which gives its actions that error,
//!   or none, and so hides whatever `__err` the address holds (also on navigations inside the
//!   hydrated app, which never reach the server).

use leptos::prelude::*;
use leptos::server::ServerActionError;
use serde::{Deserialize, Serialize};

/// The session key the error waits under.
pub const SESSION_KEY: &str = "form_return";

/// The `name` of the `<meta>` element that carries the error to the browser bundle.
pub const META_NAME: &str = "upstream-form-return";

/// A failed plain form post's error, waiting for the page it returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormReturn {
    /// The path of the page (no query) the form was posted from and returns to.
    pub page: String,
    /// The server function's path: the error belongs to the actions calling it.
    pub action: String,
    /// The error as Leptos encodes it for `__err` (URL-safe base64 of its compact form,
    /// `encoding`).
    pub error: String,
}

impl FormReturn {
    /// The `content` of the `<meta>` element: neither part holds a space (a server function
    /// path and URL-safe base64).
    pub fn meta_content(&self) -> String {
        format!("{} {}", self.action, self.error)
    }

    /// The action and error read back from [`FormReturn::meta_content`].
    pub fn from_meta_content(content: &str) -> Option<(String, String)> {
        let (action, error) = content.split_once(' ')?;
        Some((action.to_owned(), error.to_owned()))
    }
}

/// Gives the actions the page is about to create the error of the form that came back to it,
/// if any, and otherwise an error belonging to no action, which hides any `__err` in the
/// address. Called first by every page (see `shell.rs`), in the page's own reactive owner,
/// which is nearer to the page's actions than the router's owner where Leptos puts the
/// address's error.
pub fn provide_form_return() {
    let (action, error) = returned().unwrap_or_default();
    provide_context(ServerActionError::new(&action, &error));
}

/// On the server: what [`take_for`] found for this request.
#[cfg(feature = "ssr")]
fn returned() -> Option<(String, String)> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<FormReturn>()
        .map(|r| (r.action.clone(), r.error.clone()))
}

/// In the browser: what the server put in the page's `<head>`, for the first page only (it
/// is removed once read, so pages opened later inside the app do not show it again).
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn returned() -> Option<(String, String)> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()??;
    let content = meta.get_attribute("content");
    meta.remove();
    FormReturn::from_meta_content(&content?)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn returned() -> Option<(String, String)> {
    None
}

/// A redirect's `Location` with Leptos's error parameters (`__path`, `__err`) taken out, and
/// their values (the server function's path, the encoded error) when both were there.
pub fn split_location(location: &str) -> (String, Option<(String, String)>) {
    let (base, rest) = match location.split_once('?') {
        Some((base, rest)) => (base, rest),
        None => return (location.to_owned(), None),
    };
    let (query, fragment) = match rest.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (rest, None),
    };
    let (mut action, mut error, mut kept) = (None, None, Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "__path" => action = Some(percent_decode(value)),
            "__err" => error = Some(percent_decode(value)),
            _ => kept.push(pair),
        }
    }
    let mut clean = base.to_owned();
    if !kept.is_empty() {
        clean.push('?');
        clean.push_str(&kept.join("&"));
    }
    if let Some(fragment) = fragment {
        clean.push('#');
        clean.push_str(fragment);
    }
    (clean, action.zip(error))
}

/// The path of a URL or of an absolute path: what comes before `?` or `#`, without the scheme
/// and host.
pub fn path_of(url: &str) -> &str {
    let url = url.split(['?', '#']).next().unwrap_or("");
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte).
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes the error waiting in `session`, for the page at `path` only: one waiting for another
/// page is stale (the person went elsewhere) and is dropped too.
#[cfg(feature = "ssr")]
pub async fn take_for(session: &tower_sessions::Session, path: &str) -> Option<FormReturn> {
    // Looking first: removing an absent key would still mark the session changed and cost a
    // database write on every page view.
    match session.get_value(SESSION_KEY).await {
        Ok(Some(_)) => {}
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %e, "form return unreadable");
            return None;
        }
    }
    let waiting = session
        .remove::<FormReturn>(SESSION_KEY)
        .await
        .map_err(|e| tracing::warn!(error = %e, "form return unreadable"))
        .ok()
        .flatten()?;
    (waiting.page == path).then_some(waiting)
}

/// Keeps `waiting` in `session` for its page.
#[cfg(feature = "ssr")]
pub async fn keep(session: &tower_sessions::Session, waiting: &FormReturn) {
    if let Err(e) = session.insert(SESSION_KEY, waiting).await {
        tracing::warn!(error = %e, "form return not kept");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_parameters_are_taken_out_of_a_location_and_the_rest_kept() {
        let (clean, found) = split_location(
            "http://127.0.0.1:3000/plans/1/checklist?psg=2&__path=%2Fapi%2Fupdate_checklist_item&__err=eyJ4Ijo%3D#item-3",
        );
        assert_eq!(
            clean,
            "http://127.0.0.1:3000/plans/1/checklist?psg=2#item-3"
        );
        assert_eq!(
            found,
            Some(("/api/update_checklist_item".into(), "eyJ4Ijo=".into()))
        );
        let (clean, found) = split_location("/login?__path=%2Fapi%2Flogin&__err=abc");
        assert_eq!((clean.as_str(), found.is_some()), ("/login", true));
        assert_eq!(split_location("/plans?x=1"), ("/plans?x=1".into(), None));
        assert_eq!(split_location("/plans"), ("/plans".into(), None));
    }

    #[test]
    fn the_path_of_a_location_leaves_out_host_query_and_fragment() {
        assert_eq!(path_of("http://h:3000/plans/1?x=2#y"), "/plans/1");
        assert_eq!(path_of("https://h"), "/");
        assert_eq!(path_of("/login?next=/"), "/login");
    }

    #[test]
    fn percent_decoding_reads_what_browsers_write() {
        assert_eq!(percent_decode("a+b%2Fc%3D%zz%4"), "a b/c=%zz%4");
    }

    #[test]
    fn meta_content_round_trips() {
        let r = FormReturn {
            page: "/login".into(),
            action: "/api/login".into(),
            error: "eyJ4Ijo=".into(),
        };
        assert_eq!(
            FormReturn::from_meta_content(&r.meta_content()),
            Some((r.action, r.error))
        );
    }
}
