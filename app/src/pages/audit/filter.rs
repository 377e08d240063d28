//! The trail pages' filter, as submitted by their GET form: pure parsing, no leptos, no sqlx.

use serde::{Deserialize, Serialize};

use crate::foundation::audit::domain::AuditKind;

/// The trail's filter, as submitted by the GET form (empty fields mean "any").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the person's name or email.
    pub person: Option<String>,
    /// One kind.
    pub kind: Option<AuditKind>,
    /// From this day (unix seconds at 00:00 UTC).
    pub from: Option<i64>,
    /// Up to the end of this day (unix seconds at 00:00 UTC of the day after).
    pub until: Option<i64>,
}

impl AuditFilter {
    /// Parses the form's fields; a field that does not parse is ignored rather than refused,
    /// so a hand-edited address still shows the trail.
    pub fn parse(person: &str, kind: &str, from: &str, until: &str) -> Self {
        let person = person.trim();
        AuditFilter {
            person: (!person.is_empty()).then(|| person.chars().take(200).collect()),
            kind: AuditKind::parse(kind),
            from: parse_day(from),
            until: parse_day(until).map(|d| d + crate::foundation::calendar::SECONDS_PER_DAY),
        }
    }
}

/// `YYYY-MM-DD` as unix seconds at midnight UTC.
pub fn parse_day(raw: &str) -> Option<i64> {
    let mut parts = raw.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    crate::foundation::calendar::midnight_utc(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_ignores_what_does_not_parse_and_covers_whole_days() {
        let f = AuditFilter::parse("  amina ", "review", "2026-01-02", "2026-01-02");
        assert_eq!(f.person.as_deref(), Some("amina"));
        assert_eq!(f.kind, Some(AuditKind::Review));
        assert_eq!(f.from, Some(1_767_312_000));
        assert_eq!(f.until, Some(1_767_312_000 + 86_400));
        let f = AuditFilter::parse("", "bogus", "yesterday", "");
        assert_eq!(f, AuditFilter::default());
    }
}
