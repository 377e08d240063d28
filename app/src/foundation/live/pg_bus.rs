//! The bus of an instance among several on one PostgreSQL database: what any instance
//! publishes goes out as a `NOTIFY` and comes back to every instance's [`LocalBus`] (this one
//! included) through a `LISTEN`ing connection, so a page open on one instance hears of a save
//! made on another.
//!
//! Events pass through the database once, in the order the database received them: an
//! instance does not also deliver its own events directly, which would hand them to its own
//! streams in another order than to everyone else's.
//!
//! Presence is different: each instance knows only the pages open on it, so each sends its own
//! list for a plan (on a channel of its own, tagged with the instance) and every instance tells
//! its readers the lists of all instances together. Lists are sent again every
//! [`PRESENCE_REFRESH`], and a list not heard of for [`PRESENCE_EXPIRY`] is dropped, so the
//! pages of an instance that stopped without a word leave within a minute.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::PgListener;
use tokio::sync::{mpsc, watch};

use super::bus::{Cursor, EventBus, LocalBus, Subscription};
use super::event::{Change, LiveEvent, Present};
use super::presence::gather;

/// The channel every instance notifies and listens on.
const CHANNEL: &str = "upstream_live";

/// The channel of the instances' presence lists.
const PRESENCE: &str = "upstream_presence";

/// How often an instance sends its lists again.
const PRESENCE_REFRESH: Duration = Duration::from_secs(20);

/// How long another instance's list counts without being sent again.
const PRESENCE_EXPIRY: Duration = Duration::from_secs(60);

/// One instance's open pages on one plan, as sent to the others.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PresenceNote {
    /// The sending instance (its bus's epoch).
    from: String,
    plan: i64,
    here: Vec<Present>,
}

/// The lists of this instance and of the others.
#[derive(Debug, Default)]
struct Presences {
    here: HashMap<i64, Vec<Present>>,
    elsewhere: HashMap<i64, HashMap<String, (Vec<Present>, Instant)>>,
}

impl Presences {
    /// Everyone on plan `plan`, on every instance whose list has not expired.
    fn everyone(&self, plan: i64, now: Instant) -> Vec<Present> {
        let mut all = self.here.get(&plan).cloned().unwrap_or_default();
        if let Some(lists) = self.elsewhere.get(&plan) {
            for (list, heard) in lists.values() {
                if now.duration_since(*heard) < PRESENCE_EXPIRY {
                    all.extend(list.iter().cloned());
                }
            }
        }
        gather(all)
    }

    /// Drops the lists not heard of in time; the plans whose list of people changed.
    fn expire(&mut self, now: Instant) -> Vec<i64> {
        let mut changed = Vec::new();
        self.elsewhere.retain(|plan, lists| {
            let before = lists.len();
            lists.retain(|_, (_, heard)| now.duration_since(*heard) < PRESENCE_EXPIRY);
            if lists.len() != before {
                changed.push(*plan);
            }
            !lists.is_empty()
        });
        changed
    }
}

/// PostgreSQL refuses a notification payload of 8,000 bytes or more; events are kept well
/// under it (an inbox event naming many people is split).
const MAX_PAYLOAD: usize = 7_000;

/// How many events may wait to be sent before new ones are dropped (with a warning): a
/// database that stops answering must not grow this instance's memory without bound.
const OUTBOX: usize = 4096;

/// See the module documentation.
#[derive(Debug)]
pub struct PgBus {
    local: Arc<LocalBus>,
    /// Payloads to send, with their channel.
    outbox: mpsc::Sender<(&'static str, String)>,
    presences: Arc<Mutex<Presences>>,
}

impl PgBus {
    /// Listens on `url`'s database and starts the tasks that send and receive events.
    pub async fn start(url: &str, pool: sqlx::AnyPool) -> Result<PgBus, sqlx::Error> {
        let mut listener = PgListener::connect(url).await?;
        listener.listen_all([CHANNEL, PRESENCE]).await?;
        let local = Arc::new(LocalBus::default());
        let (outbox, mut pending) = mpsc::channel::<(&'static str, String)>(OUTBOX);
        let presences: Arc<Mutex<Presences>> = Default::default();
        let receiving = Arc::downgrade(&local);
        let heard = Arc::clone(&presences);
        let mut closing = local.closing();
        tokio::spawn(async move {
            // Events sent while the connection was down are gone. Pages are told once when it
            // is lost and once more when a notification proves it back, not on every retry
            // (a refetch by every page, every second, while the database is away).
            let mut lost = false;
            loop {
                let next = tokio::select! {
                    next = listener.try_recv() => next,
                    _ = closing.changed() => return,
                };
                let Some(local) = receiving.upgrade() else {
                    return;
                };
                if let Ok(Some(_)) = &next {
                    if std::mem::take(&mut lost) {
                        local.publish(missed());
                    }
                } else if !std::mem::replace(&mut lost, true) {
                    local.publish(missed());
                }
                match next {
                    Ok(Some(notification)) if notification.channel() == PRESENCE => {
                        match serde_json::from_str::<PresenceNote>(notification.payload()) {
                            Ok(note) if note.from != local.epoch() => {
                                let present = {
                                    let mut all = lock(&heard);
                                    all.elsewhere
                                        .entry(note.plan)
                                        .or_default()
                                        .insert(note.from, (note.here, Instant::now()));
                                    all.everyone(note.plan, Instant::now())
                                };
                                local.publish(presence_event(note.plan, present));
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "an unreadable presence list"),
                        }
                    }
                    Ok(Some(notification)) => {
                        match serde_json::from_str::<LiveEvent>(notification.payload()) {
                            Ok(event) => local.publish(event),
                            // From an instance of another version (while a deploy rolls over
                            // them) or cut short: what it announced is lost, so this
                            // instance's pages read what they show again.
                            Err(e) => {
                                tracing::warn!(error = %e, "an unreadable live event");
                                local.publish(missed());
                            }
                        }
                    }
                    // Reconnected on the next call.
                    Ok(None) => tracing::warn!("the live events connection was lost; reconnecting"),
                    Err(e) => {
                        tracing::warn!(error = %e, "live events cannot be received; retrying");
                        drop(local);
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        let sending = Arc::downgrade(&local);
        tokio::spawn(async move {
            while let Some((channel, payload)) = pending.recv().await {
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(channel)
                    .bind(&payload)
                    .execute(&pool)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "a live event could not be sent");
                    // Its pages here (which hear it through the database too) read again.
                    if let Some(local) = sending.upgrade() {
                        local.publish(missed());
                    }
                }
            }
        });
        let bus = PgBus {
            local,
            outbox,
            presences,
        };
        bus.keep_presence_fresh();
        Ok(bus)
    }

    /// Sends this instance's lists again every [`PRESENCE_REFRESH`], and drops the other
    /// instances' lists that were not (telling the plans' readers).
    fn keep_presence_fresh(&self) {
        let (presences, outbox) = (Arc::downgrade(&self.presences), self.outbox.clone());
        let local = Arc::downgrade(&self.local);
        let mut closing = self.local.closing();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(PRESENCE_REFRESH) => {}
                    _ = closing.changed() => return,
                }
                let (Some(presences), Some(local)) = (presences.upgrade(), local.upgrade()) else {
                    return;
                };
                let now = Instant::now();
                let (here, expired) = {
                    let mut all = lock(&presences);
                    let expired: Vec<(i64, Vec<Present>)> = all
                        .expire(now)
                        .into_iter()
                        .map(|plan| (plan, all.everyone(plan, now)))
                        .collect();
                    (all.here.clone(), expired)
                };
                for (plan, present) in expired {
                    local.publish(presence_event(plan, present));
                }
                for (plan, list) in here {
                    send_note(&outbox, local.epoch(), plan, list);
                }
            }
        });
    }
}

fn lock(presences: &Mutex<Presences>) -> std::sync::MutexGuard<'_, Presences> {
    presences
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What this instance's streams are told when events may have been lost.
fn missed() -> LiveEvent {
    LiveEvent {
        plan_id: None,
        change: Change::Missed,
    }
}

fn presence_event(plan: i64, present: Vec<Present>) -> LiveEvent {
    LiveEvent {
        plan_id: Some(plan),
        change: Change::Presence { present },
    }
}

/// Sends this instance's list for `plan` to the others, as much of it as fits one payload (a
/// list of hundreds of open pages is cut; the page names the people it can).
fn send_note(
    outbox: &mpsc::Sender<(&'static str, String)>,
    from: &str,
    plan: i64,
    mut here: Vec<Present>,
) {
    here = gather(here);
    loop {
        let note = PresenceNote {
            from: from.to_owned(),
            plan,
            here,
        };
        let Ok(json) = serde_json::to_string(&note) else {
            return;
        };
        if json.len() <= MAX_PAYLOAD || note.here.is_empty() {
            if outbox.try_send((PRESENCE, json)).is_err() {
                tracing::warn!("presence is not being sent fast enough; a list was dropped");
            }
            return;
        }
        here = note.here;
        here.truncate(here.len() / 2);
    }
}

impl EventBus for PgBus {
    fn publish(&self, event: LiveEvent) {
        if matches!(event.change, Change::Presence { .. }) {
            self.local.publish(event);
            return;
        }
        for part in payloads(&event) {
            if self.outbox.try_send((CHANNEL, part)).is_err() {
                tracing::warn!("live events are not being sent fast enough; one was dropped");
                self.local.publish(missed());
                return;
            }
        }
    }

    fn subscribe(&self, after: Option<&Cursor>) -> Subscription {
        self.local.subscribe(after)
    }

    fn epoch(&self) -> &str {
        self.local.epoch()
    }

    fn close(&self) {
        self.local.close();
    }

    fn closing(&self) -> watch::Receiver<bool> {
        self.local.closing()
    }

    fn publish_presence(&self, plan: i64, here: Vec<Present>) {
        let present = {
            let mut all = lock(&self.presences);
            if here.is_empty() {
                all.here.remove(&plan);
            } else {
                all.here.insert(plan, here.clone());
            }
            all.everyone(plan, Instant::now())
        };
        self.local.publish(presence_event(plan, present));
        // An empty list too, so the others drop this instance's at once.
        send_note(&self.outbox, self.local.epoch(), plan, here);
    }
}

/// `event` as one or more notification payloads, each under [`MAX_PAYLOAD`]: an inbox event
/// for more people than fit is sent as several, each naming some of them.
fn payloads(event: &LiveEvent) -> Vec<String> {
    let Ok(json) = serde_json::to_string(event) else {
        return Vec::new();
    };
    if json.len() <= MAX_PAYLOAD {
        return vec![json];
    }
    match &event.change {
        Change::Inbox { people } if people.len() > 1 => {
            let (first, second) = people.split_at(people.len() / 2);
            [first, second]
                .into_iter()
                .flat_map(|half| {
                    payloads(&LiveEvent {
                        plan_id: event.plan_id,
                        change: Change::Inbox {
                            people: half.to_vec(),
                        },
                    })
                })
                .collect()
        }
        _ => {
            tracing::error!(bytes = json.len(), "a live event too large to send");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbox_event_for_thousands_of_people_is_split_and_names_each_once() {
        let people: Vec<i64> = (1_000_000..1_005_000).collect();
        let event = LiveEvent {
            plan_id: Some(1),
            change: Change::Inbox {
                people: people.clone(),
            },
        };
        let parts = payloads(&event);
        assert!(parts.len() > 1);
        let mut named = Vec::new();
        for part in &parts {
            assert!(part.len() <= MAX_PAYLOAD, "{}", part.len());
            match serde_json::from_str::<LiveEvent>(part).map(|e| e.change) {
                Ok(Change::Inbox { people }) => named.extend(people),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(named, people);
    }

    fn present(person_id: i64, name: &str) -> Present {
        Present {
            person_id,
            name: name.into(),
            organisation: None,
            section_id: Some(1),
            editing: false,
        }
    }

    #[test]
    fn everyone_is_this_instances_pages_and_the_others_lists_until_they_expire() {
        let start = Instant::now();
        let mut all = Presences::default();
        all.here.insert(7, vec![present(1, "Lina")]);
        all.elsewhere.entry(7).or_default().insert(
            "b".into(),
            (vec![present(2, "Tomas"), present(1, "Lina")], start),
        );
        let names = |list: Vec<Present>| list.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(names(all.everyone(7, start)), ["Lina", "Tomas"]);
        let later = start + PRESENCE_EXPIRY;
        assert_eq!(all.expire(later), vec![7]);
        assert_eq!(names(all.everyone(7, later)), ["Lina"]);
        assert!(all.elsewhere.is_empty());
    }

    #[test]
    fn a_small_event_is_one_payload() {
        let event = LiveEvent {
            plan_id: Some(3),
            change: Change::Checklist,
        };
        assert_eq!(payloads(&event).len(), 1);
    }
}
