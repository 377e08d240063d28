//! What the platform trail shows of an entry about a plan. Administrators manage accounts,
//! not plan content: an entry about a plan they may not read says that something happened
//! (kind, who, when, from where, which plan), never what it was about. Pure, no leptos, no
//! sqlx.

use std::collections::{BTreeMap, BTreeSet};

use super::api::AuditLine;
use crate::access::domain::{can, Access, PlanAction, PlanRole, PlanRoles};

/// What a line shows in place of the content of a plan the viewer may not read.
pub const WITHHELD: &str = "details withheld: you have no role on this plan";

/// The plans a person may read, given `(plan, role)` for every grant that reaches them:
/// decided by [`can`] from the union of their roles on each, as every plan page decides it.
pub fn readable_plans(
    grants: &[(i64, PlanRole)],
    platform_admin: bool,
    active: bool,
) -> BTreeSet<i64> {
    let mut roles = BTreeMap::<i64, PlanRoles>::new();
    for &(plan, role) in grants {
        let held = roles.entry(plan).or_default();
        *held = held.with(role);
    }
    roles
        .into_iter()
        .filter(|&(_, roles)| {
            let access = Access {
                roles,
                platform_admin,
                active,
            };
            can(access, PlanAction::Read)
        })
        .map(|(plan, _)| plan)
        .collect()
}

/// `line` as a viewer who may read the plans in `readable` sees it: unchanged unless it is
/// about another plan, whose content (subject and details) is then withheld.
pub fn shown(line: AuditLine, readable: &BTreeSet<i64>) -> AuditLine {
    match line.plan_id {
        Some(plan) if !readable.contains(&plan) => AuditLine {
            subject: format!("plan {plan}"),
            details: WITHHELD.to_owned(),
            withheld: true,
            ..line
        },
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(plan_id: Option<i64>) -> AuditLine {
        AuditLine {
            seq: 7,
            at: 1_767_312_000,
            person: Some("Ines Albero".into()),
            ip: Some("192.0.2.1".into()),
            kind: "Review decision".into(),
            plan_id,
            subject: "section 4".into(),
            details: r#"{"reason":"Name the focal points"}"#.into(),
            withheld: false,
        }
    }

    #[test]
    fn a_plan_the_viewer_cannot_read_shows_that_something_happened_but_not_what() {
        let shown = shown(line(Some(3)), &BTreeSet::from([5]));
        assert!(shown.withheld);
        assert_eq!(shown.subject, "plan 3");
        assert_eq!(shown.details, WITHHELD);
        // Kind, who, when, from where and the plan stay.
        let original = line(Some(3));
        assert_eq!(
            (
                shown.seq,
                shown.at,
                &shown.person,
                &shown.ip,
                &shown.kind,
                shown.plan_id
            ),
            (
                original.seq,
                original.at,
                &original.person,
                &original.ip,
                &original.kind,
                original.plan_id
            )
        );
    }

    #[test]
    fn a_readable_plan_and_entries_about_no_plan_show_in_full() {
        let readable = BTreeSet::from([3]);
        assert_eq!(shown(line(Some(3)), &readable), line(Some(3)));
        assert_eq!(shown(line(None), &BTreeSet::new()), line(None));
    }

    #[test]
    fn any_role_reads_and_an_administrator_without_one_does_not() {
        let grants = [
            (1, PlanRole::Viewer),
            (2, PlanRole::Lead),
            (2, PlanRole::Viewer),
        ];
        assert_eq!(readable_plans(&grants, true, true), BTreeSet::from([1, 2]));
        assert_eq!(readable_plans(&[], true, true), BTreeSet::new());
        // A deactivated account reads nothing, whatever its grants.
        assert_eq!(readable_plans(&grants, true, false), BTreeSet::new());
    }
}
