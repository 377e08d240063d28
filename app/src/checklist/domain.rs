//! Checklist rules: item fields and their parsing, statuses, evidence links, the overdue rule,
//! filters, the PSG x pillar progress matrix, risk-factor coverage, and the field-by-field merge
//! of two people's edits of one item.

use serde::{Deserialize, Serialize};

/// How many UN Framework risk factors there are (1-14).
pub const RISK_FACTOR_COUNT: u8 = 14;

/// The 14 UN Framework of Analysis risk factors: (number, short name).
pub const RISK_FACTORS: [(u8, &str); 14] = [
    (1, "Armed conflict or instability"),
    (2, "Record of serious violations"),
    (3, "Weakness of State structures"),
    (4, "Motives or incentives"),
    (5, "Capacity to commit atrocity crimes"),
    (6, "Absence of mitigating factors"),
    (7, "Enabling circumstances or preparatory action"),
    (8, "Triggering factors"),
    (9, "Intergroup tensions or discrimination"),
    (10, "Signs of an intent to destroy a group"),
    (11, "Signs of a widespread or systematic attack"),
    (12, "Signs of a plan or policy to attack civilians"),
    (13, "Threats to those protected under IHL"),
    (14, "Threats to humanitarian or peacekeeping operations"),
];

/// The short name of risk factor `no`.
pub fn risk_factor_name(no: u8) -> &'static str {
    RISK_FACTORS
        .iter()
        .find(|(n, _)| *n == no)
        .map(|(_, s)| *s)
        .unwrap_or("Unknown risk factor")
}

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
        _ => Ok(t),
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
    } else if t.chars().any(char::is_control) {
        Err("Names cannot contain control characters.")
    } else {
        Ok(t.to_owned())
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

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
    let month = time::Month::try_from(m).map_err(|_| BAD)?;
    let date = time::Date::from_calendar_date(y, month, d).map_err(|_| BAD)?;
    if !(2000..=2100).contains(&date.year()) {
        return Err("Enter a date between 2000 and 2100.");
    }
    Ok(Some(date.midnight().assume_utc().unix_timestamp()))
}

/// A stored due date as `YYYY-MM-DD`.
pub fn format_due_date(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.date().format(&format).ok())
        .unwrap_or_default()
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

/// Everything about an item that people edit, as one value: what a version holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFields {
    /// What the item asks for.
    pub text: String,
    /// New Deal goal, 1-5.
    pub psg: u8,
    /// R2P pillar, 1-3.
    pub pillar: u8,
    /// UN Framework risk factors it addresses, sorted.
    pub risk_factors: Vec<u8>,
    /// Status (with the N/A reason).
    pub status: ItemStatus,
    /// Responsible organisation.
    pub responsible_org: Option<i64>,
    /// Responsible person (a name; may be someone without an account).
    pub responsible_person: String,
    /// Due date, Unix seconds at 00:00 UTC.
    pub due_date: Option<i64>,
}

/// One editable field of an item (status and its N/A reason count as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemField {
    /// Text.
    Text,
    /// New Deal goal.
    Psg,
    /// R2P pillar.
    Pillar,
    /// Risk factors.
    RiskFactors,
    /// Status and N/A reason.
    Status,
    /// Responsible organisation.
    ResponsibleOrg,
    /// Responsible person.
    ResponsiblePerson,
    /// Due date.
    DueDate,
}

impl ItemField {
    /// Every field, in form order.
    pub const ALL: [ItemField; 8] = [
        ItemField::Text,
        ItemField::Psg,
        ItemField::Pillar,
        ItemField::RiskFactors,
        ItemField::Status,
        ItemField::ResponsibleOrg,
        ItemField::ResponsiblePerson,
        ItemField::DueDate,
    ];

    /// How the field is named to people.
    pub fn label(self) -> &'static str {
        match self {
            ItemField::Text => "Item",
            ItemField::Psg => "New Deal goal",
            ItemField::Pillar => "R2P pillar",
            ItemField::RiskFactors => "Risk factors",
            ItemField::Status => "Status",
            ItemField::ResponsibleOrg => "Responsible organisation",
            ItemField::ResponsiblePerson => "Responsible person",
            ItemField::DueDate => "Due date",
        }
    }
}

impl ItemFields {
    /// Whether `self` and `other` hold the same value for `field`.
    pub fn same(&self, other: &ItemFields, field: ItemField) -> bool {
        match field {
            ItemField::Text => self.text == other.text,
            ItemField::Psg => self.psg == other.psg,
            ItemField::Pillar => self.pillar == other.pillar,
            ItemField::RiskFactors => self.risk_factors == other.risk_factors,
            ItemField::Status => self.status == other.status,
            ItemField::ResponsibleOrg => self.responsible_org == other.responsible_org,
            ItemField::ResponsiblePerson => self.responsible_person == other.responsible_person,
            ItemField::DueDate => self.due_date == other.due_date,
        }
    }

    /// Copies `field` from `from`.
    pub fn take(&mut self, from: &ItemFields, field: ItemField) {
        match field {
            ItemField::Text => self.text.clone_from(&from.text),
            ItemField::Psg => self.psg = from.psg,
            ItemField::Pillar => self.pillar = from.pillar,
            ItemField::RiskFactors => self.risk_factors.clone_from(&from.risk_factors),
            ItemField::Status => self.status = from.status.clone(),
            ItemField::ResponsibleOrg => self.responsible_org = from.responsible_org,
            ItemField::ResponsiblePerson => {
                self.responsible_person.clone_from(&from.responsible_person)
            }
            ItemField::DueDate => self.due_date = from.due_date,
        }
    }

    /// The fields that differ between `self` and `other`.
    pub fn changed(&self, other: &ItemFields) -> Vec<ItemField> {
        ItemField::ALL
            .into_iter()
            .filter(|f| !self.same(other, *f))
            .collect()
    }
}

/// What one form changes: `None` leaves a field as it was in the version the form was based on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPatch {
    /// New text.
    pub text: Option<String>,
    /// New goal.
    pub psg: Option<u8>,
    /// New pillar.
    pub pillar: Option<u8>,
    /// New risk factors.
    pub risk_factors: Option<Vec<u8>>,
    /// New status.
    pub status: Option<ItemStatus>,
    /// New responsible organisation (`Some(None)` clears it).
    pub responsible_org: Option<Option<i64>>,
    /// New responsible person.
    pub responsible_person: Option<String>,
    /// New due date (`Some(None)` clears it).
    pub due_date: Option<Option<i64>>,
}

impl ItemPatch {
    /// `base` with this patch's changes: what the person saving means the item to hold.
    pub fn apply(&self, base: &ItemFields) -> ItemFields {
        let mut out = base.clone();
        if let Some(v) = &self.text {
            out.text.clone_from(v);
        }
        if let Some(v) = self.psg {
            out.psg = v;
        }
        if let Some(v) = self.pillar {
            out.pillar = v;
        }
        if let Some(v) = &self.risk_factors {
            out.risk_factors.clone_from(v);
        }
        if let Some(v) = &self.status {
            out.status = v.clone();
        }
        if let Some(v) = self.responsible_org {
            out.responsible_org = v;
        }
        if let Some(v) = &self.responsible_person {
            out.responsible_person.clone_from(v);
        }
        if let Some(v) = self.due_date {
            out.due_date = v;
        }
        out
    }
}

impl ItemFields {
    /// `field`'s value in words, for showing two conflicting values side by side.
    pub fn display(&self, field: ItemField, org_name: impl Fn(i64) -> String) -> String {
        use crate::plans::domain::{PILLARS, PSGS};
        let none = || "(none)".to_owned();
        match field {
            ItemField::Text => self.text.clone(),
            ItemField::Psg => PSGS
                .iter()
                .find(|(n, _)| *n == self.psg)
                .map(|(n, s)| format!("PSG {n}: {s}"))
                .unwrap_or_else(none),
            ItemField::Pillar => PILLARS
                .iter()
                .find(|(n, _)| *n == self.pillar)
                .map(|(n, s)| format!("Pillar {n}: {s}"))
                .unwrap_or_else(none),
            ItemField::RiskFactors if self.risk_factors.is_empty() => none(),
            ItemField::RiskFactors => self
                .risk_factors
                .iter()
                .map(|f| format!("{f}. {}", risk_factor_name(*f)))
                .collect::<Vec<_>>()
                .join("; "),
            ItemField::Status => self.status.describe(),
            ItemField::ResponsibleOrg => self.responsible_org.map(org_name).unwrap_or_else(none),
            ItemField::ResponsiblePerson if self.responsible_person.is_empty() => none(),
            ItemField::ResponsiblePerson => self.responsible_person.clone(),
            ItemField::DueDate => self.due_date.map(format_due_date).unwrap_or_else(none),
        }
    }
}

/// What a save of an item must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSavePlan {
    /// The saved item already holds these values.
    NoChange,
    /// Write these fields as the next version.
    Write {
        /// The fields to store.
        fields: ItemFields,
        /// Whether someone else's changes (to other fields) were merged in.
        merged: bool,
    },
    /// Both changed these fields to different values: write nothing, show both.
    Conflict(Vec<ItemField>),
}

/// Decides a save of `mine`, made from `base`, when the item now holds `current`. Each field
/// is taken from whoever changed it; a field both changed to different values is a conflict,
/// never a silent overwrite.
pub fn plan_item_save(base: &ItemFields, current: &ItemFields, mine: &ItemFields) -> ItemSavePlan {
    let mut result = current.clone();
    let mut conflicts = Vec::new();
    for field in ItemField::ALL {
        let i_changed = !mine.same(base, field);
        let they_changed = !current.same(base, field);
        if !i_changed {
            continue;
        }
        if they_changed && !mine.same(current, field) {
            conflicts.push(field);
        } else {
            result.take(mine, field);
        }
    }
    if !conflicts.is_empty() {
        return ItemSavePlan::Conflict(conflicts);
    }
    if result == *current {
        return ItemSavePlan::NoChange;
    }
    ItemSavePlan::Write {
        merged: current != base,
        fields: result,
    }
}

/// The filters of the checklist page; `None` or `false` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFilter {
    /// New Deal goal.
    pub psg: Option<u8>,
    /// R2P pillar.
    pub pillar: Option<u8>,
    /// Risk factor addressed.
    pub risk_factor: Option<u8>,
    /// Status.
    pub status: Option<StatusKind>,
    /// Responsible organisation.
    pub org: Option<i64>,
    /// Only overdue items.
    pub overdue: bool,
}

impl ItemFilter {
    /// Parses the page's query values; unknown or empty values mean "any".
    pub fn parse(
        psg: &str,
        pillar: &str,
        risk_factor: &str,
        status: &str,
        org: &str,
        overdue: &str,
    ) -> Self {
        ItemFilter {
            psg: parse_psg(psg).ok(),
            pillar: parse_pillar(pillar).ok(),
            risk_factor: risk_factor
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=RISK_FACTOR_COUNT).contains(n)),
            status: StatusKind::parse(status).ok(),
            org: org.trim().parse::<i64>().ok(),
            overdue: matches!(overdue.trim(), "1" | "yes" | "on" | "true"),
        }
    }

    /// Whether an item with these fields passes (`today`: start of the current day).
    pub fn matches(&self, item: &ItemFields, today: i64) -> bool {
        self.psg.is_none_or(|p| item.psg == p)
            && self.pillar.is_none_or(|p| item.pillar == p)
            && self
                .risk_factor
                .is_none_or(|r| item.risk_factors.contains(&r))
            && self.status.is_none_or(|s| item.status.kind() == s)
            && self.org.is_none_or(|o| item.responsible_org == Some(o))
            && (!self.overdue || is_overdue(item.status.kind(), item.due_date, today))
    }

    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != ItemFilter::default()
    }
}

/// Items done out of items that apply, in one PSG x pillar cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Items done.
    pub done: u32,
    /// Items that apply (N/A items are left out: they need no work).
    pub total: u32,
}

impl Progress {
    /// Completion in percent, rounded down (0 for an empty cell).
    pub fn percent(self) -> u32 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// Progress of the active items in each PSG x pillar pair: `cells[psg - 1][pillar - 1]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressMatrix {
    /// Five rows (PSGs) of three cells (pillars).
    pub cells: [[Progress; 3]; 5],
}

impl ProgressMatrix {
    /// Counts `(psg, pillar, status)` of every active item.
    pub fn from_items(items: impl IntoIterator<Item = (u8, u8, StatusKind)>) -> Self {
        let mut cells = [[Progress::default(); 3]; 5];
        for (psg, pillar, status) in items {
            if !(1..=5).contains(&psg) || !(1..=3).contains(&pillar) {
                continue;
            }
            if status == StatusKind::NotApplicable {
                continue;
            }
            let cell = &mut cells[usize::from(psg - 1)][usize::from(pillar - 1)];
            cell.total += 1;
            if status == StatusKind::Done {
                cell.done += 1;
            }
        }
        ProgressMatrix { cells }
    }

    /// Done and total over the whole checklist.
    pub fn overall(&self) -> Progress {
        self.cells
            .iter()
            .flatten()
            .fold(Progress::default(), |acc, c| Progress {
                done: acc.done + c.done,
                total: acc.total + c.total,
            })
    }
}

/// The risk factors (1-14) that no open or done item addresses: retired and N/A items do not
/// count, so a factor whose only items were ruled out shows as a gap.
pub fn unaddressed_risk_factors<'a>(
    items: impl IntoIterator<Item = (&'a [u8], StatusKind)>,
) -> Vec<u8> {
    let mut addressed = [false; RISK_FACTOR_COUNT as usize];
    for (factors, status) in items {
        if status == StatusKind::NotApplicable {
            continue;
        }
        for f in factors
            .iter()
            .filter(|f| (1..=RISK_FACTOR_COUNT).contains(*f))
        {
            addressed[usize::from(f - 1)] = true;
        }
    }
    (1..=RISK_FACTOR_COUNT)
        .filter(|f| !addressed[usize::from(f - 1)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemFields {
        ItemFields {
            text: "Civilian oversight".into(),
            psg: 2,
            pillar: 1,
            risk_factors: vec![3, 5],
            status: ItemStatus::NotStarted,
            responsible_org: None,
            responsible_person: String::new(),
            due_date: None,
        }
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

    #[test]
    fn a_save_on_the_current_version_writes_what_changed() {
        let base = item();
        let mut mine = base.clone();
        mine.status = ItemStatus::Done;
        assert_eq!(
            plan_item_save(&base, &base, &mine),
            ItemSavePlan::Write {
                fields: mine.clone(),
                merged: false
            }
        );
        assert_eq!(plan_item_save(&base, &base, &base), ItemSavePlan::NoChange);
    }

    #[test]
    fn stale_saves_of_different_fields_merge() {
        let base = item();
        let mut theirs = base.clone();
        theirs.responsible_person = "A. Dara".into();
        let mut mine = base.clone();
        mine.status = ItemStatus::InProgress;
        let ItemSavePlan::Write { fields, merged } = plan_item_save(&base, &theirs, &mine) else {
            panic!("expected a write");
        };
        assert!(merged);
        assert_eq!(fields.responsible_person, "A. Dara");
        assert_eq!(fields.status, ItemStatus::InProgress);
    }

    #[test]
    fn stale_saves_of_the_same_field_conflict_unless_they_agree() {
        let base = item();
        let mut theirs = base.clone();
        theirs.status = ItemStatus::Done;
        theirs.due_date = Some(86_400);
        let mut mine = base.clone();
        mine.status = ItemStatus::NotApplicable("No army".into());
        mine.due_date = Some(86_400);
        assert_eq!(
            plan_item_save(&base, &theirs, &mine),
            ItemSavePlan::Conflict(vec![ItemField::Status])
        );
        let mut same = base.clone();
        same.status = ItemStatus::Done;
        assert_eq!(
            plan_item_save(&base, &theirs, &same),
            ItemSavePlan::NoChange
        );
    }

    #[test]
    fn a_patch_changes_only_what_the_form_sent() {
        let base = item();
        let patch = ItemPatch {
            status: Some(ItemStatus::Done),
            due_date: Some(None),
            ..ItemPatch::default()
        };
        let mine = patch.apply(&base);
        assert_eq!(mine.changed(&base), vec![ItemField::Status]);
        assert_eq!(mine.display(ItemField::Status, |_| String::new()), "Done");
        assert_eq!(
            mine.display(ItemField::RiskFactors, |_| String::new()),
            "3. Weakness of State structures; 5. Capacity to commit atrocity crimes"
        );
    }

    #[test]
    fn filters_combine() {
        let today = 10 * 86_400;
        let mut a = item();
        a.due_date = Some(today - 86_400);
        a.responsible_org = Some(7);
        assert!(ItemFilter::default().matches(&a, today));
        let f = ItemFilter::parse("2", "1", "5", "not_started", "7", "1");
        assert!(f.matches(&a, today));
        assert!(f.is_active());
        assert!(!ItemFilter::parse("3", "", "", "", "", "").matches(&a, today));
        assert!(!ItemFilter::parse("", "", "9", "", "", "").matches(&a, today));
        assert!(!ItemFilter::parse("", "", "", "done", "", "").matches(&a, today));
        assert!(!ItemFilter::parse("", "", "", "", "8", "").matches(&a, today));
        a.status = ItemStatus::Done;
        assert!(!ItemFilter::parse("", "", "", "", "", "1").matches(&a, today));
        // Nonsense values mean "any".
        assert_eq!(
            ItemFilter::parse("9", "x", "15", "nope", "", "no"),
            ItemFilter::default()
        );
    }

    #[test]
    fn matrix_counts_done_over_applicable_items_per_cell() {
        use StatusKind::*;
        let m = ProgressMatrix::from_items([
            (2, 1, Done),
            (2, 1, InProgress),
            (2, 1, NotApplicable),
            (1, 3, Done),
            (5, 2, NotStarted),
            (6, 1, Done),
        ]);
        assert_eq!(m.cells[1][0], Progress { done: 1, total: 2 });
        assert_eq!(m.cells[0][2], Progress { done: 1, total: 1 });
        assert_eq!(m.cells[4][1], Progress { done: 0, total: 1 });
        assert_eq!(m.cells[0][0], Progress::default());
        assert_eq!(m.overall(), Progress { done: 2, total: 4 });
        assert_eq!(m.cells[1][0].percent(), 50);
        assert_eq!(Progress::default().percent(), 0);
    }

    #[test]
    fn risk_factors_without_an_open_or_done_item_are_gaps() {
        use StatusKind::*;
        let a: &[u8] = &[1, 2];
        let b: &[u8] = &[3];
        let c: &[u8] = &[14];
        let gaps = unaddressed_risk_factors([(a, Done), (b, NotStarted), (c, NotApplicable)]);
        assert_eq!(gaps, (4..=14).collect::<Vec<u8>>());
    }
}
