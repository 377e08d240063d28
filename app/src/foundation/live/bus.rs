//! The event bus: every announcement passes through here on its way to the open streams.
//!
//! [`LocalBus`] serves one process: a broadcast channel to the streams, and the last
//! [`REPLAY`] events kept so that a browser reconnecting with the id of the last event it saw
//! misses nothing. Ids are `<epoch>-<seq>`: the epoch changes with every start, so an id from
//! before a restart is recognised as one the bus cannot continue from.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::event::{Change, LiveEvent, Present};

/// How many past events a reconnecting stream can catch up on.
pub const REPLAY: usize = 1024;

/// How many events a stream may fall behind before it is told to start afresh (a browser too
/// slow to take them, or a stalled connection): memory stays bounded whatever a reader does.
const BACKLOG: usize = 1024;

/// An event as published: numbered, and encoded once for every stream that sends it.
#[derive(Debug)]
pub struct Published {
    pub seq: u64,
    pub event: LiveEvent,
    /// As streams send it ([`LiveEvent::to_wire`]).
    pub wire: String,
}

/// Where a reconnecting browser left off, from its `Last-Event-ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub epoch: String,
    pub seq: u64,
}

impl Cursor {
    /// Parses `<epoch>-<seq>`; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Cursor> {
        let (epoch, seq) = raw.rsplit_once('-')?;
        if epoch.is_empty() || epoch.len() > 32 || !epoch.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        Some(Cursor {
            epoch: epoch.to_owned(),
            seq: seq.parse().ok()?,
        })
    }

    /// The id an event `seq` carries under `epoch`.
    pub fn id(epoch: &str, seq: u64) -> String {
        format!("{epoch}-{seq}")
    }
}

/// A stream's subscription: what it missed, then what comes.
pub struct Subscription {
    /// Events after the cursor, oldest first; `None` when the cursor cannot be continued from
    /// (too old, or from before a restart): the page must load everything again.
    pub missed: Option<Vec<Arc<Published>>>,
    pub receiver: broadcast::Receiver<Arc<Published>>,
}

/// The bus a process publishes to and streams subscribe to.
pub trait EventBus: Send + Sync + std::fmt::Debug {
    /// Announces `event` to every subscriber.
    fn publish(&self, event: LiveEvent);
    /// Subscribes, catching up from `after` when given.
    fn subscribe(&self, after: Option<&Cursor>) -> Subscription;
    /// This run's epoch, the first part of every event id.
    fn epoch(&self) -> &str;
    /// Ends every stream (the server is shutting down).
    fn close(&self);
    /// Changes to `true` when the streams must end.
    fn closing(&self) -> watch::Receiver<bool>;
    /// Tells plan `plan`'s readers who has it open, given the pages open on this instance
    /// (`here`, one entry a page): an instance among several adds those open elsewhere.
    fn publish_presence(&self, plan: i64, here: Vec<Present>) {
        self.publish(LiveEvent {
            plan_id: Some(plan),
            change: Change::Presence {
                present: super::presence::gather(here),
            },
        });
    }
}

/// The bus of one process.
#[derive(Debug)]
pub struct LocalBus {
    epoch: String,
    sender: broadcast::Sender<Arc<Published>>,
    /// The last events, for catching up; the lock also keeps numbering and sending in order.
    recent: Mutex<VecDeque<Arc<Published>>>,
    next: AtomicU64,
    closing: watch::Sender<bool>,
}

impl Default for LocalBus {
    fn default() -> Self {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        LocalBus {
            epoch: format!("{:x}", epoch ^ u128::from(rand::random::<u64>())),
            sender: broadcast::channel(BACKLOG).0,
            recent: Mutex::new(VecDeque::with_capacity(REPLAY)),
            next: AtomicU64::new(1),
            closing: watch::channel(false).0,
        }
    }
}

impl EventBus for LocalBus {
    fn publish(&self, event: LiveEvent) {
        let wire = match event.to_wire() {
            Ok(wire) => wire,
            Err(e) => {
                tracing::error!(error = %e, "an event could not be serialised");
                return;
            }
        };
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let published = Arc::new(Published {
            seq: self.next.fetch_add(1, Ordering::Relaxed),
            event,
            wire,
        });
        if recent.len() == REPLAY {
            recent.pop_front();
        }
        recent.push_back(published.clone());
        // No subscribers is not an error: nobody has a page open.
        let _ = self.sender.send(published);
    }

    fn subscribe(&self, after: Option<&Cursor>) -> Subscription {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Subscribed under the lock: nothing is published between the catch-up and the
        // receiver, and nothing comes twice.
        let receiver = self.sender.subscribe();
        let missed = match after {
            None => Some(Vec::new()),
            Some(c) if c.epoch != self.epoch => None,
            Some(c) => {
                let last = self.next.load(Ordering::Relaxed).saturating_sub(1);
                let oldest_kept = recent.front().map_or(last + 1, |p| p.seq);
                if c.seq > last || c.seq + 1 < oldest_kept {
                    None
                } else {
                    Some(recent.iter().filter(|p| p.seq > c.seq).cloned().collect())
                }
            }
        };
        Subscription { missed, receiver }
    }

    fn epoch(&self) -> &str {
        &self.epoch
    }

    fn close(&self) {
        self.closing.send_replace(true);
    }

    fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(section_id: i64) -> LiveEvent {
        LiveEvent {
            plan_id: Some(1),
            change: Change::Comments { section_id },
        }
    }

    fn sections(list: &[Arc<Published>]) -> Vec<i64> {
        list.iter()
            .map(|p| match p.event.change {
                Change::Comments { section_id } => section_id,
                _ => -1,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_reconnecting_stream_gets_exactly_what_it_missed_then_what_comes() {
        let bus = LocalBus::default();
        let first = bus.subscribe(None);
        assert_eq!(first.missed.map(|m| m.len()), Some(0));
        for s in 1..=3 {
            bus.publish(event(s));
        }
        let cursor = Cursor {
            epoch: bus.epoch().to_owned(),
            seq: 1,
        };
        let mut again = bus.subscribe(Some(&cursor));
        assert_eq!(again.missed.as_deref().map(sections), Some(vec![2, 3]));
        bus.publish(event(4));
        let next = again.receiver.recv().await.expect("the next event");
        assert_eq!(next.seq, 4);
    }

    #[test]
    fn a_cursor_from_another_run_or_too_far_back_asks_for_a_fresh_start() {
        let bus = LocalBus::default();
        for s in 0..(REPLAY as i64 + 10) {
            bus.publish(event(s));
        }
        let other_run = Cursor {
            epoch: "abc".into(),
            seq: 5,
        };
        assert!(bus.subscribe(Some(&other_run)).missed.is_none());
        let too_old = Cursor {
            epoch: bus.epoch().to_owned(),
            seq: 2,
        };
        assert!(bus.subscribe(Some(&too_old)).missed.is_none());
        let from_the_future = Cursor {
            epoch: bus.epoch().to_owned(),
            seq: 1_000_000,
        };
        assert!(bus.subscribe(Some(&from_the_future)).missed.is_none());
        let up_to_date = Cursor {
            epoch: bus.epoch().to_owned(),
            seq: REPLAY as u64 + 10,
        };
        assert_eq!(
            bus.subscribe(Some(&up_to_date)).missed.map(|m| m.len()),
            Some(0)
        );
    }

    #[test]
    fn cursors_parse_only_what_the_bus_writes() {
        assert_eq!(
            Cursor::parse("1f2e-42"),
            Some(Cursor {
                epoch: "1f2e".into(),
                seq: 42
            })
        );
        let long = format!("{}-1", "a".repeat(40));
        for bad in ["", "-", "42", "xyz-1", "1f-", "1f--1", long.as_str()] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }
}
