//! Progress rules: the checklist filters, the PSG x pillar matrix of items done, and which risk
//! factors no item addresses.

use serde::{Deserialize, Serialize};

use super::domain::{is_overdue, parse_pillar, parse_psg, StatusKind};
use super::fields::ItemFields;
use crate::foundation::frameworks::RISK_FACTOR_COUNT;

/// The filters of the checklist page; `None` or `false` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFilter {
    /// New Deal goal.
    pub psg: Option<u8>,
    /// R2P pillar.
    pub pillar: Option<u8>,
    /// Risk factor addressed.
    pub risk_factor: Option<u8>,
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
    use crate::checklist::domain::ItemStatus;

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
