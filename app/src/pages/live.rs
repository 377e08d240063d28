//! `GET /live`: the one event stream of an open page (Server-Sent Events).
//!
//! `?plan=<id>` for pages of a plan (with `&section=<id>` and `&editing=1` for a section's
//! page, which is also where the page's reader is shown as present). The stream is authorised
//! like every read: a signed-in, active person who may read the plan. Events pass through
//! [`reaches`]; an access change makes the stream check its reader again and end if they may
//! no longer read the plan (or have logged out). A browser that reconnects sends the id of
//! the last event it saw and catches up; when it cannot (too long away, a restart), it is told
//! to load everything again.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use crate::access::db::{grants_reaching, plan_access};
use crate::access::domain::{can, Access, Grantee, PlanAction};
use crate::db::Db;
use crate::foundation::live::bus::{Cursor, Published};
use crate::foundation::live::event::{reaches, Delivery, Scope};
use crate::foundation::live::presence::{self, Presence};
use crate::foundation::live::Present;
use crate::foundation::people::db::{find_person, memberships_of};
use crate::foundation::session::PERSON_KEY;
use crate::foundation::session_store::session_person;

/// How often an idle stream sends a comment: proxies keep it open, and a closed tab is noticed
/// (and its presence removed) within seconds.
const KEEP_ALIVE: Duration = Duration::from_secs(3);

/// How often a stream checks its reader again even when no access change was announced
/// (a session that simply expired).
const RECHECK_EVERY: Duration = Duration::from_secs(60);

/// Open streams a session may hold at once (tabs): each holds memory and a connection.
pub const MAX_STREAMS_PER_SESSION: usize = 16;

/// The page a stream is for, as the browser asks.
#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    plan: Option<i64>,
    section: Option<i64>,
    editing: Option<u8>,
}

/// Open streams a session, to bound them.
#[derive(Default)]
struct OpenStreams(Mutex<HashMap<String, usize>>);

/// One open stream of a session; dropping it frees the place.
struct Slot {
    db: Db,
    session: String,
}

impl Slot {
    fn take(db: &Db, session: &str) -> Option<Slot> {
        let open = db.shared::<OpenStreams>();
        let mut open = open
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(session.to_owned()).or_default();
        if *n >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(Slot {
            db: db.clone(),
            session: session.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let open = self.db.shared::<OpenStreams>();
        let mut open = open
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.session) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.session);
            }
        }
    }
}

/// Whether person `person` (signed in with session `session`) may still follow plan `plan`:
/// the session still open and theirs, the account active, and reading allowed.
async fn may_follow(db: &Db, session: &str, person: i64, plan: Option<i64>) -> bool {
    // A stream outlives the request that opened it: learn of other instances' writes first.
    db.catch_up().await;
    if !matches!(session_person(db, session).await, Ok(Some(p)) if p == person) {
        return false;
    }
    let Ok(who) = find_person(db, person).await else {
        return false;
    };
    if !who.active {
        return false;
    }
    let Some(plan) = plan else {
        return true;
    };
    match plan_access(db, plan, person).await {
        Ok(Some((_, roles))) => can(
            Access {
                roles: roles.into_iter().collect(),
                platform_admin: who.is_admin(),
                active: who.active,
            },
            PlanAction::Read,
        ),
        _ => false,
    }
}

/// Everything a stream holds while it is open.
struct Open {
    db: Db,
    session: String,
    scope: Scope,
    epoch: String,
    missed: std::vec::IntoIter<Arc<Published>>,
    /// Tell the page to load everything again before anything else.
    start_afresh: bool,
    receiver: tokio::sync::broadcast::Receiver<Arc<Published>>,
    closing: tokio::sync::watch::Receiver<bool>,
    last_seq: u64,
    next_check: tokio::time::Instant,
    ended: bool,
    _presence: Option<Presence>,
    _slot: Slot,
}

impl Open {
    fn event(&mut self, published: &Published) -> Event {
        self.last_seq = published.seq;
        Event::default()
            .id(Cursor::id(&self.epoch, published.seq))
            .event("change")
            .data(published.wire.as_str())
    }

    /// The stream's next event, or `None` when it ends.
    async fn next(&mut self) -> Option<Event> {
        if self.ended {
            return None;
        }
        if self.start_afresh {
            self.start_afresh = false;
            return Some(Event::default().event("reset").data("{}"));
        }
        for published in self.missed.by_ref() {
            if reaches(&published.event, self.scope) == Delivery::Send {
                return Some(self.event(&published));
            }
        }
        loop {
            let received = tokio::select! {
                r = self.receiver.recv() => r,
                // The server is stopping: the browser reconnects to its next run.
                () = async {
                    // An error means the bus is gone: the end too.
                    let _ = self.closing.wait_for(|closing| *closing).await;
                } => return None,
                () = tokio::time::sleep_until(self.next_check) => {
                    if !self.still_allowed().await {
                        return self.end();
                    }
                    continue;
                }
            };
            match received {
                Ok(published) if published.seq <= self.last_seq => continue,
                Ok(published) => match reaches(&published.event, self.scope) {
                    Delivery::Skip => continue,
                    Delivery::Send => return Some(self.event(&published)),
                    Delivery::Recheck => {
                        if !self.still_allowed().await {
                            return self.end();
                        }
                        return Some(self.event(&published));
                    }
                },
                // Too far behind to catch up event by event: the page loads everything again.
                Err(RecvError::Lagged(_)) => {
                    return Some(Event::default().event("reset").data("{}"));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    async fn still_allowed(&mut self) -> bool {
        self.next_check = tokio::time::Instant::now() + RECHECK_EVERY;
        may_follow(&self.db, &self.session, self.scope.person, self.scope.plan).await
    }

    /// The last event: the page stops reconnecting and reloads to find out why.
    fn end(&mut self) -> Option<Event> {
        self.ended = true;
        Some(Event::default().event("ended").data("{}"))
    }
}

/// The handler of `GET /live`.
pub async fn stream(
    db: Db,
    session: Session,
    Query(query): Query<LiveQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(session_id) = session.id().map(|id| id.to_string()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Ok(Some(person)) = session.get::<i64>(PERSON_KEY).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    // Unknown plans and plans the person may not read answer alike.
    if !may_follow(&db, &session_id, person, query.plan).await {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(slot) = Slot::take(&db, &session_id) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many pages of Upstream are open in this browser: close some tabs.",
        )
            .into_response();
    };
    let cursor = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(Cursor::parse);
    let subscription = db.events().subscribe(cursor.as_ref());
    let start_afresh = cursor.is_some() && subscription.missed.is_none();
    let presence = match query.plan {
        Some(plan) => Some(presence::arrive(
            &db,
            plan,
            present(&db, person, &query).await,
        )),
        None => None,
    };
    let closing = db.events().closing();
    let open = Open {
        epoch: db.events().epoch().to_owned(),
        db,
        session: session_id,
        scope: Scope {
            person,
            plan: query.plan,
        },
        missed: subscription.missed.unwrap_or_default().into_iter(),
        start_afresh,
        receiver: subscription.receiver,
        closing,
        last_seq: cursor.map_or(0, |c| c.seq),
        next_check: tokio::time::Instant::now() + RECHECK_EVERY,
        ended: false,
        _presence: presence,
        _slot: slot,
    };
    let events = futures_util::stream::unfold(open, |mut open| async move {
        let event = open.next().await?;
        Some((Ok::<_, Infallible>(event), open))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    // Proxies that buffer responses (nginx) would hold events back.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

/// How the person appears to others on the plan: their name, the organisation through which
/// they hold the plan (else their first), and "editing" only when they have the editor open
/// and may edit (a reader who types `?edit` into the address sees no editor).
async fn present(db: &Db, person: i64, query: &LiveQuery) -> Present {
    let who = find_person(db, person).await.ok();
    let memberships = memberships_of(db, person).await.unwrap_or_default();
    let grants = match query.plan {
        Some(plan) => grants_reaching(db, plan, person).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let through_plan = memberships.iter().find(|m| {
        grants
            .iter()
            .any(|(grantee, _)| *grantee == Grantee::Organisation(m.org_id))
    });
    let organisation = through_plan
        .or(memberships.first())
        .map(|m| m.org_name.clone());
    let may_edit = can(
        Access {
            roles: grants.iter().map(|(_, role)| *role).collect(),
            platform_admin: who.as_ref().is_some_and(|p| p.is_admin()),
            active: who.as_ref().is_some_and(|p| p.active),
        },
        PlanAction::Edit,
    );
    Present {
        person_id: person,
        name: who.map(|p| p.display_name).unwrap_or_default(),
        organisation,
        section_id: query.section,
        editing: may_edit && query.section.is_some() && query.editing == Some(1),
    }
}
