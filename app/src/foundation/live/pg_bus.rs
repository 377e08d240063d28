//! The bus of an instance among several on one PostgreSQL database: what any instance
//! publishes goes out as a `NOTIFY` and comes back to every instance's [`LocalBus`] (this one
//! included) through a `LISTEN`ing connection, so a page open on one instance hears of a save
//! made on another.
//!
//! Events pass through the database once, in the order the database received them: an
//! instance does not also deliver its own events directly, which would hand them to its own
//! streams in another order than to everyone else's. Presence stays on the instance that
//! gathered it: each instance's board knows only its own streams, and a list from one would
//! replace another's on the page.

use std::sync::Arc;

use sqlx::postgres::PgListener;
use tokio::sync::{mpsc, watch};

use super::bus::{Cursor, EventBus, LocalBus, Subscription};
use super::event::{Change, LiveEvent};

/// The channel every instance notifies and listens on.
const CHANNEL: &str = "upstream_live";

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
    outbox: mpsc::Sender<String>,
}

impl PgBus {
    /// Listens on `url`'s database and starts the tasks that send and receive events.
    pub async fn start(url: &str, pool: sqlx::AnyPool) -> Result<PgBus, sqlx::Error> {
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let local = Arc::new(LocalBus::default());
        let (outbox, mut pending) = mpsc::channel::<String>(OUTBOX);
        let receiving = Arc::downgrade(&local);
        let mut closing = local.closing();
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    next = listener.try_recv() => next,
                    _ = closing.changed() => return,
                };
                let Some(local) = receiving.upgrade() else {
                    return;
                };
                match next {
                    Ok(Some(notification)) => {
                        match serde_json::from_str::<LiveEvent>(notification.payload()) {
                            Ok(event) => local.publish(event),
                            Err(e) => tracing::warn!(error = %e, "an unreadable live event"),
                        }
                    }
                    // Reconnected on the next call; what was sent meanwhile is gone, which the
                    // streams' periodic re-check and the pages' own refreshes make up for.
                    Ok(None) => tracing::warn!("the live events connection was lost; reconnecting"),
                    Err(e) => {
                        tracing::warn!(error = %e, "live events cannot be received; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        tokio::spawn(async move {
            while let Some(payload) = pending.recv().await {
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(&payload)
                    .execute(&pool)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "a live event could not be sent");
                }
            }
        });
        Ok(PgBus { local, outbox })
    }
}

impl EventBus for PgBus {
    fn publish(&self, event: LiveEvent) {
        if matches!(event.change, Change::Presence { .. }) {
            self.local.publish(event);
            return;
        }
        for part in payloads(&event) {
            if self.outbox.try_send(part).is_err() {
                tracing::warn!("live events are not being sent fast enough; one was dropped");
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

    #[test]
    fn a_small_event_is_one_payload() {
        let event = LiveEvent {
            plan_id: Some(3),
            change: Change::Checklist,
        };
        assert_eq!(payloads(&event).len(), 1);
    }
}
