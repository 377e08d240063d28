//! Grouping the checklist for display: by goal, pillar, risk factor, status or organisation.

use crate::checklist::domain::StatusKind;
use crate::checklist::views::ChecklistItem;
use crate::foundation::frameworks::RISK_FACTORS;
use crate::foundation::frameworks::{PILLARS, PSGS};

/// The ways the list can be grouped: (query value, label).
pub const GROUPINGS: [(&str, &str); 5] = [
    ("psg", "New Deal goal"),
    ("pillar", "R2P pillar"),
    ("risk", "Risk factor"),
    ("status", "Status"),
    ("org", "Responsible organisation"),
];

/// Splits `items` into headed groups, in the frameworks' order, leaving out empty groups.
/// Grouped by risk factor, an item appears under each factor it addresses.
pub fn group(
    items: &[ChecklistItem],
    by: &str,
    orgs: &[(i64, String)],
) -> Vec<(String, Vec<ChecklistItem>)> {
    let pick = |keep: &dyn Fn(&ChecklistItem) -> bool| -> Vec<ChecklistItem> {
        items.iter().filter(|i| keep(i)).cloned().collect()
    };
    let groups: Vec<(String, Vec<ChecklistItem>)> = match by {
        "pillar" => PILLARS
            .iter()
            .map(|(n, s)| (format!("Pillar {n}: {s}"), pick(&|i| i.pillar == *n)))
            .collect(),
        "risk" => RISK_FACTORS
            .iter()
            .map(|(n, s)| {
                (
                    format!("Risk factor {n}: {s}"),
                    pick(&|i| i.risk_factors.contains(n)),
                )
            })
            .collect(),
        "status" => StatusKind::ALL
            .iter()
            .map(|s| (s.label().to_owned(), pick(&|i| i.status.kind() == *s)))
            .collect(),
        "org" => orgs
            .iter()
            .map(|(id, name)| (name.clone(), pick(&|i| i.responsible_org_id == Some(*id))))
            .chain([(
                "No responsible organisation on the plan".to_owned(),
                pick(&|i| {
                    i.responsible_org_id
                        .is_none_or(|o| !orgs.iter().any(|(id, _)| *id == o))
                }),
            )])
            .collect(),
        _ => PSGS
            .iter()
            .map(|(n, s)| (format!("PSG {n}: {s}"), pick(&|i| i.psg == *n)))
            .collect(),
    };
    groups.into_iter().filter(|(_, g)| !g.is_empty()).collect()
}
