//! What an event says, and who may receive it. Events name what changed (a section, a plan's
//! comments), never its content: a page that learns of a change asks for it again through the
//! usual, authorised reads.

use serde::{Deserialize, Serialize};

/// A change, as the streams carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The plan it concerns; `None` for what concerns people rather than a plan.
    pub plan_id: Option<i64>,
    pub change: Change,
}

impl LiveEvent {
    /// The event as a stream carries it to the browser ([`crate::encoding`]).
    pub fn to_wire(&self) -> Result<String, postcard::Error> {
        crate::encoding::write_text(self)
    }

    /// An event [`LiveEvent::to_wire`] wrote; `None` for anything else.
    pub fn from_wire(text: &str) -> Option<LiveEvent> {
        crate::encoding::read_text(text)
    }
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Tagged by serde's default (the variant, then its fields) rather than by a field inside: the
// compact form streams use cannot read a tag from inside the variant.
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A section's comment threads: a comment posted, edited or deleted, a thread resolved or
    /// reopened.
    Comments { section_id: i64 },
    /// A section's text saved (or a revision restored) as `version`, by person `by`.
    SectionSaved {
        section_id: i64,
        version: i64,
        by: i64,
    },
    /// A review decision on a section, or on the plan as a whole (`None`).
    Reviews { section_id: Option<i64> },
    /// The plan's checklist.
    Checklist,
    /// The plan's list of sections: added, renamed, moved, removed, restored, retagged.
    Sections,
    /// The inboxes of these people (new mentions and replies).
    Inbox { people: Vec<i64> },
    /// Who may read what may have changed (a role granted or revoked, a membership, a person
    /// deactivated or logged out): for `person`, or for everyone when `None`. Streams check
    /// their reader again before passing on anything else.
    Access { person: Option<i64> },
    /// Who has the plan open now, and where.
    Presence { present: Vec<Present> },
    /// Events may have been lost on their way between instances (a lost database connection,
    /// a notification that could not be sent): every page reads what it shows again, and
    /// every stream checks its reader again first.
    Missed,
}

/// Someone with a plan open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Present {
    pub person_id: i64,
    pub name: String,
    /// Their (first) organisation's name.
    pub organisation: Option<String>,
    /// The section they have open, if any (else the plan's overview or another plan page).
    pub section_id: Option<i64>,
    /// Whether they have the section's editor open.
    pub editing: bool,
}

/// Whose stream an event is weighed for: the person reading, and the plan their page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub person: i64,
    pub plan: Option<i64>,
}

/// What a stream does with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Pass it on.
    Send,
    /// Not for this reader or page.
    Skip,
    /// Check the reader may still read the plan (and is still signed in) first; pass it on if
    /// so, end the stream if not.
    Recheck,
}

/// The rule every stream applies to every event: plan events reach the streams of pages of
/// that plan (whose reader was allowed to read it when the stream opened, and is checked again
/// on every access change); personal events reach only the people they name.
pub fn reaches(event: &LiveEvent, scope: Scope) -> Delivery {
    let for_me = |person: Option<i64>| person.is_none_or(|p| p == scope.person);
    match (&event.change, event.plan_id) {
        (Change::Access { person }, plan) => {
            let about_my_plan = plan.is_none() || plan == scope.plan;
            if about_my_plan && for_me(*person) {
                Delivery::Recheck
            } else {
                Delivery::Skip
            }
        }
        (Change::Missed, _) => Delivery::Recheck,
        (Change::Inbox { people }, _) => {
            if people.contains(&scope.person) {
                Delivery::Send
            } else {
                Delivery::Skip
            }
        }
        (_, Some(plan)) if scope.plan == Some(plan) => Delivery::Send,
        _ => Delivery::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_plan(plan: i64, change: Change) -> LiveEvent {
        LiveEvent {
            plan_id: Some(plan),
            change,
        }
    }

    const READER: Scope = Scope {
        person: 7,
        plan: Some(1),
    };

    #[test]
    fn plan_events_reach_only_pages_of_that_plan() {
        let saved = Change::SectionSaved {
            section_id: 3,
            version: 2,
            by: 9,
        };
        assert_eq!(reaches(&on_plan(1, saved.clone()), READER), Delivery::Send);
        assert_eq!(reaches(&on_plan(2, saved.clone()), READER), Delivery::Skip);
        let home = Scope {
            person: 7,
            plan: None,
        };
        assert_eq!(reaches(&on_plan(1, saved), home), Delivery::Skip);
        let without_plan = LiveEvent {
            plan_id: None,
            change: Change::Checklist,
        };
        assert_eq!(reaches(&without_plan, READER), Delivery::Skip);
    }

    #[test]
    fn inbox_events_reach_only_the_people_they_name_on_any_page() {
        let inbox = LiveEvent {
            plan_id: None,
            change: Change::Inbox { people: vec![7, 8] },
        };
        assert_eq!(reaches(&inbox, READER), Delivery::Send);
        let home = Scope {
            person: 7,
            plan: None,
        };
        assert_eq!(reaches(&inbox, home), Delivery::Send);
        let other = Scope {
            person: 5,
            plan: Some(1),
        };
        assert_eq!(reaches(&inbox, other), Delivery::Skip);
    }

    #[test]
    fn access_changes_make_the_streams_they_may_concern_check_again() {
        let everyone_on_plan = on_plan(1, Change::Access { person: None });
        assert_eq!(reaches(&everyone_on_plan, READER), Delivery::Recheck);
        let other_plan = on_plan(2, Change::Access { person: None });
        assert_eq!(reaches(&other_plan, READER), Delivery::Skip);
        let me_anywhere = LiveEvent {
            plan_id: None,
            change: Change::Access { person: Some(7) },
        };
        assert_eq!(reaches(&me_anywhere, READER), Delivery::Recheck);
        let someone_else = LiveEvent {
            plan_id: None,
            change: Change::Access { person: Some(8) },
        };
        assert_eq!(reaches(&someone_else, READER), Delivery::Skip);
    }

    #[test]
    fn events_read_back_as_they_were_sent() {
        let event = on_plan(
            4,
            Change::Presence {
                present: vec![Present {
                    person_id: 1,
                    name: "Lina \"<b>\"".into(),
                    organisation: None,
                    section_id: Some(2),
                    editing: true,
                }],
            },
        );
        let text = serde_json::to_string(&event).expect("serialises");
        assert_eq!(
            serde_json::from_str::<LiveEvent>(&text).expect("parses"),
            event
        );
        let wire = event.to_wire().expect("encodes");
        assert_eq!(LiveEvent::from_wire(&wire), Some(event));
    }

    #[test]
    fn lost_events_reach_every_stream_after_its_reader_is_checked_again() {
        let missed = LiveEvent {
            plan_id: None,
            change: Change::Missed,
        };
        let home = Scope {
            person: 8,
            plan: None,
        };
        assert_eq!(reaches(&missed, READER), Delivery::Recheck);
        assert_eq!(reaches(&missed, home), Delivery::Recheck);
    }
}
