//! Checklist rules: statuses, parsing an item's fields, due dates and the overdue rule, evidence
//! notes and links (the frameworks' catalogues are in [`crate::foundation::frameworks`]). The merge of concurrent edits is in `fields`, the
//! filters, matrix and risk coverage in `progress`.

use serde::{Deserialize, Serialize};

use crate::foundation::calendar::{midnight_utc, Moment, SECONDS_PER_DAY};
use crate::foundation::frameworks::RISK_FACTOR_COUNT;

/// Where an item stands, without its N/A reason (for storage, filters and menus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusKind {
    /// Nothing done yet.
    NotStarted,
    /// Work under way.
    InProgress,
    /// Achieved.
    Done,
    /// Does not apply to this country (a reason is required).
    NotApplicable,
}

impl StatusKind {
    /// Every status, in the order work goes.
    pub const ALL: [StatusKind; 4] = [
        StatusKind::NotStarted,
        StatusKind::InProgress,
        StatusKind::Done,
        StatusKind::NotApplicable,
    ];

    /// The stored and submitted form.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::NotStarted => "not_started",
            StatusKind::InProgress => "in_progress",
            StatusKind::Done => "done",
            StatusKind::NotApplicable => "not_applicable",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        StatusKind::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or("Choose a status from the list.")
    }

    /// How the status is shown.
    pub fn label(self) -> &'static str {
        match self {
            StatusKind::NotStarted => "Not started",
            StatusKind::InProgress => "In progress",
            StatusKind::Done => "Done",
            StatusKind::NotApplicable => "Not applicable",
        }
    }

    /// Open items still need work (they can be overdue).
    pub fn is_open(self) -> bool {
        matches!(self, StatusKind::NotStarted | StatusKind::InProgress)
    }
}

/// An item's status. "Not applicable" cannot exist without its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStatus {
    /// Nothing done yet.
    NotStarted,
    /// Work under way.
    InProgress,
    /// Achieved.
    Done,
    /// Does not apply, and why.
    NotApplicable(String),
}

/// Longest N/A reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

impl ItemStatus {
    /// Builds a status from a submitted status and N/A reason; the reason is required for N/A
    /// and ignored otherwise.
    pub fn parse(status: &str, reason: &str) -> Result<Self, (&'static str, &'static str)> {
        let kind = StatusKind::parse(status).map_err(|m| ("status", m))?;
        Ok(match kind {
            StatusKind::NotStarted => ItemStatus::NotStarted,
            StatusKind::InProgress => ItemStatus::InProgress,
            StatusKind::Done => ItemStatus::Done,
            StatusKind::NotApplicable => {
                let r = reason.trim().replace("\r\n", "\n");
                if r.is_empty() {
                    return Err((
                        "na_reason",
                        "Say why this item does not apply to the country.",
                    ));
                }
                if r.chars().count() > MAX_REASON_CHARS {
                    return Err(("na_reason", "Keep the reason under 1,000 characters."));
                }
                ItemStatus::NotApplicable(r)
            }
        })
    }

    /// The status without its reason.
    pub fn kind(&self) -> StatusKind {
        match self {
            ItemStatus::NotStarted => StatusKind::NotStarted,
            ItemStatus::InProgress => StatusKind::InProgress,
            ItemStatus::Done => StatusKind::Done,
            ItemStatus::NotApplicable(_) => StatusKind::NotApplicable,
        }
    }

    /// The N/A reason, empty for other statuses (the stored form).
    pub fn reason(&self) -> &str {
        match self {
            ItemStatus::NotApplicable(r) => r,
            _ => "",
        }
    }

    /// The status with its reason, as shown.
    pub fn describe(&self) -> String {
        match self {
            ItemStatus::NotApplicable(r) => format!("Not applicable: {r}"),
            other => other.kind().label().to_owned(),
        }
    }
}

/// Parses an item's text: 3 to 500 characters, one line.
pub fn parse_text(raw: &str) -> Result<String, &'static str> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.chars().count() {
        0 => Err("Say what the item asks for."),
        1..=2 => Err("Items need at least 3 characters."),
        n if n > 500 => Err("Items can be at most 500 characters."),
        _ => {
            crate::foundation::text::check_line(&t)?;
            Ok(t)
        }
    }
}

/// Parses a New Deal goal number (1-5).
pub fn parse_psg(raw: &str) -> Result<u8, &'static str> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or("Choose a New Deal goal (PSG 1-5).")
}

/// Parses an R2P pillar number (1-3).
pub fn parse_pillar(raw: &str) -> Result<u8, &'static str> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=3).contains(n))
        .ok_or("Choose an R2P pillar (1-3).")
}

/// Parses a comma-separated list of risk factor numbers (1-14); anything else is refused.
pub fn parse_risk_factors(raw: &str) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u8>() {
            Ok(n) if (1..=RISK_FACTOR_COUNT).contains(&n) => out.push(n),
            _ => return Err("List risk factor numbers from 1 to 14, separated by commas."),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Parses the responsible person's name (may be empty): at most 120 characters, one line.
pub fn parse_person(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.chars().count() > 120 {
        Err("Names can be at most 120 characters.")
    } else {
        crate::foundation::text::check_line(t)?;
        Ok(t.to_owned())
    }
}

/// Parses a due date `YYYY-MM-DD` (empty: none) into Unix seconds at 00:00 UTC that day.
pub fn parse_due_date(raw: &str) -> Result<Option<i64>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    // Parsed by hand: the browser bundle's `time` has formatting but not parsing.
    const BAD: &str = "Enter a date as YYYY-MM-DD, e.g. 2027-03-31.";
    let mut parts = raw.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD);
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(BAD);
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err(BAD);
    };
    let midnight = midnight_utc(i64::from(y), m, d).ok_or(BAD)?;
    if !(2000..=2100).contains(&y) {
        return Err("Enter a date between 2000 and 2100.");
    }
    Ok(Some(midnight))
}

/// A stored due date as `YYYY-MM-DD`.
pub fn format_due_date(unix: i64) -> String {
    Moment::utc(unix).map(|m| m.date()).unwrap_or_default()
}

/// 00:00 UTC of the day `now` falls in.
pub fn start_of_day(now: i64) -> i64 {
    now.div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY
}

/// An open item (not started or in progress) whose due day has passed (`today` is the start of
/// the current day): due today is not yet overdue; done and N/A items never are.
pub fn is_overdue(status: StatusKind, due: Option<i64>, today: i64) -> bool {
    status.is_open() && due.is_some_and(|d| d < today)
}

/// An open item due within `days` days from `today` (start of the day), overdue ones included:
/// what belongs on its owner's list of work.
pub fn is_due_within(status: StatusKind, due: Option<i64>, today: i64, days: i64) -> bool {
    status.is_open() && due.is_some_and(|d| d < today + days * SECONDS_PER_DAY)
}

/// Whether someone owns an item: it names their organisation as responsible, or them by name
/// (the responsible person is free text, so the name is compared without case or spacing).
pub fn is_owned_by(
    responsible_org: Option<i64>,
    responsible_person: &str,
    their_orgs: &[i64],
    their_name: &str,
) -> bool {
    let same = |a: &str, b: &str| {
        let words = |s: &str| {
            s.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        };
        !a.trim().is_empty() && words(a) == words(b)
    };
    responsible_org.is_some_and(|o| their_orgs.contains(&o)) || same(responsible_person, their_name)
}

/// A note of evidence: 1 to 2,000 characters.
pub fn parse_evidence_note(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim().replace("\r\n", "\n");
    match t.chars().count() {
        0 => Err("Describe the evidence."),
        n if n > 2000 => Err("Keep the note under 2,000 characters; link longer documents."),
        _ => Ok(t),
    }
}

/// A link to evidence: absolute `http` or `https` with a host, no spaces, at most 2,000
/// characters. Other schemes (`javascript:`, `data:`, `file:`...) are refused so a link can
/// never run script or reach the reader's machine.
pub fn parse_evidence_url(raw: &str) -> Result<Option<String>, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    const BAD: &str = "Give a full web address starting with https:// or http://.";
    if t.len() > 2000 {
        return Err("Web addresses can be at most 2,000 characters.");
    }
    if t.chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(BAD);
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or(BAD)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    if host.is_empty() || !host.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(BAD);
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn item_texts_and_responsible_people_refuse_direction_controls() {
        use crate::foundation::text::DIRECTION_CONTROL_MESSAGE;
        assert_eq!(
            parse_text("Vetting \u{202B}of personnel"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
        assert_eq!(
            parse_person("Grace \u{202E}ikebM"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
    }

    use super::*;

    #[test]
    fn open_items_due_soon_or_late_are_on_their_owners_list() {
        let today = 1_767_225_600;
        let day = 86_400;
        assert!(is_due_within(
            StatusKind::NotStarted,
            Some(today - day),
            today,
            14
        ));
        assert!(is_due_within(
            StatusKind::InProgress,
            Some(today + 13 * day),
            today,
            14
        ));
        assert!(!is_due_within(
            StatusKind::InProgress,
            Some(today + 14 * day),
            today,
            14
        ));
        assert!(!is_due_within(
            StatusKind::Done,
            Some(today - day),
            today,
            14
        ));
        assert!(!is_due_within(StatusKind::NotStarted, None, today, 14));
    }

    #[test]
    fn an_item_is_owned_through_an_organisation_or_by_name() {
        assert!(is_owned_by(Some(3), "", &[1, 3], "Grace Mbeki"));
        assert!(is_owned_by(None, "  grace   MBEKI ", &[1], "Grace Mbeki"));
        assert!(!is_owned_by(Some(2), "Lina Osei", &[1, 3], "Grace Mbeki"));
        assert!(!is_owned_by(None, "", &[], ""));
    }

    #[test]
    fn not_applicable_requires_a_reason() {
        assert_eq!(
            ItemStatus::parse("not_applicable", "  ").unwrap_err().0,
            "na_reason"
        );
        assert_eq!(
            ItemStatus::parse("not_applicable", " No armed forces "),
            Ok(ItemStatus::NotApplicable("No armed forces".into()))
        );
        assert_eq!(ItemStatus::parse("done", "ignored"), Ok(ItemStatus::Done));
        assert_eq!(ItemStatus::parse("finished", "").unwrap_err().0, "status");
        for s in StatusKind::ALL {
            assert_eq!(StatusKind::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn item_fields_are_parsed() {
        assert!(parse_text(" a ").is_err());
        assert_eq!(parse_text(" Vet \n police ").unwrap(), "Vet police");
        assert!(parse_text(&"x".repeat(501)).is_err());
        assert_eq!(parse_psg("5"), Ok(5));
        assert!(parse_psg("6").is_err());
        assert!(parse_pillar("0").is_err());
        assert_eq!(parse_risk_factors("9, 3,3"), Ok(vec![3, 9]));
        assert_eq!(parse_risk_factors(""), Ok(vec![]));
        assert!(parse_risk_factors("15").is_err());
        assert!(parse_risk_factors("two").is_err());
        assert!(parse_person(&"n".repeat(121)).is_err());
    }

    #[test]
    fn due_dates_round_trip_through_midnight_utc() {
        let d = parse_due_date("2027-03-31").unwrap().unwrap();
        assert_eq!(d % 86_400, 0);
        assert_eq!(format_due_date(d), "2027-03-31");
        assert_eq!(parse_due_date(""), Ok(None));
        assert!(parse_due_date("31/03/2027").is_err());
        assert!(parse_due_date("2027-02-30").is_err());
        assert!(parse_due_date("2027-3-1").is_err());
        assert!(parse_due_date("1999-12-31").is_err());
    }

    #[test]
    fn only_open_items_past_their_due_day_are_overdue() {
        let today = start_of_day(parse_due_date("2026-06-10").unwrap().unwrap() + 3600);
        let yesterday = today - 86_400;
        assert!(is_overdue(StatusKind::NotStarted, Some(yesterday), today));
        assert!(is_overdue(StatusKind::InProgress, Some(yesterday), today));
        assert!(!is_overdue(StatusKind::InProgress, Some(today), today));
        assert!(!is_overdue(StatusKind::Done, Some(yesterday), today));
        assert!(!is_overdue(
            StatusKind::NotApplicable,
            Some(yesterday),
            today
        ));
        assert!(!is_overdue(StatusKind::NotStarted, None, today));
    }

    #[test]
    fn evidence_links_must_be_web_addresses() {
        assert_eq!(
            parse_evidence_url(" https://example.org/report.pdf "),
            Ok(Some("https://example.org/report.pdf".into()))
        );
        assert_eq!(
            parse_evidence_url("HTTP://Example.org"),
            Ok(Some("HTTP://Example.org".into()))
        );
        assert_eq!(parse_evidence_url(""), Ok(None));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>",
            "file:///etc/passwd",
            "ftp://example.org",
            "https://",
            "https:///path",
            "example.org",
            "https://exa mple.org",
            "https://example.org/\"onmouseover=x",
        ] {
            assert!(parse_evidence_url(bad).is_err(), "{bad} accepted");
        }
        assert!(parse_evidence_note(" ").is_err());
        assert!(parse_evidence_note(&"n".repeat(2001)).is_err());
    }
}
