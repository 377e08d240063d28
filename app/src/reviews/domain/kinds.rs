//! Which kinds of organisation a reviewer's approval may count for on a plan, and which one it
//! counts for when they approve. An approval counts for the organisation through which the
//! reviewer holds the right to review there: a personal grant that lets them review makes each
//! organisation they belong to qualify; an organisation's grant, that organisation alone.

use crate::access::domain::{can, Access, Grantee, PlanAction, PlanRole, PlanRoles};
use crate::foundation::people::OrgKind;

use super::ReviewError;

/// Whether a grant of `role` by itself lets its holder review.
fn reviews(role: PlanRole) -> bool {
    let alone = Access {
        roles: PlanRoles::NONE.with(role),
        platform_admin: false,
        active: true,
    };
    can(alone, PlanAction::Review)
}

/// The organisations a person's approval may count for on one plan, given every grant there
/// that reaches them (`Grantee::Person` for their own, `Grantee::Organisation` for one of their
/// organisations') and their organisations with each one's kind. In the order of
/// `memberships`, each once; empty when they may not review or belong to no organisation.
pub fn approval_organisations(
    grants: &[(Grantee, PlanRole)],
    memberships: &[(i64, OrgKind)],
) -> Vec<(i64, OrgKind)> {
    let personal = grants
        .iter()
        .any(|(g, role)| matches!(g, Grantee::Person(_)) && reviews(*role));
    memberships
        .iter()
        .filter(|(org, _)| {
            personal
                || grants
                    .iter()
                    .any(|(g, role)| *g == Grantee::Organisation(*org) && reviews(*role))
        })
        .copied()
        .collect()
}

/// The distinct kinds among `organisations`, in the order forms list kinds.
pub fn kinds_of(organisations: &[(i64, OrgKind)]) -> Vec<OrgKind> {
    OrgKind::ALL
        .into_iter()
        .filter(|k| organisations.iter().any(|(_, kind)| kind == k))
        .collect()
}

/// The organisation an approval is recorded for, from those it may count for and the kind the
/// reviewer chose (none: they did not choose). With one kind possible no choice is needed; with
/// several the reviewer must say which; a kind they may not approve for is refused. Of two
/// organisations of the chosen kind, the first counts.
pub fn approval_for(
    organisations: &[(i64, OrgKind)],
    chosen: Option<OrgKind>,
) -> Result<(i64, OrgKind), ReviewError> {
    if organisations.is_empty() {
        return Err(ReviewError::NoOrganisation);
    }
    let kind = match (chosen, kinds_of(organisations).as_slice()) {
        (Some(kind), _) => kind,
        (None, [only]) => *only,
        (None, _) => return Err(ReviewError::ChooseKind),
    };
    organisations
        .iter()
        .find(|(_, k)| *k == kind)
        .copied()
        .ok_or(ReviewError::NotYourKind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use OrgKind::*;
    use PlanRole::*;

    const CIVIL: i64 = 1;
    const DONOR: i64 = 2;
    const GOV: i64 = 3;

    #[test]
    fn a_personal_review_grant_lets_each_of_ones_organisations_count() {
        let memberships = [(CIVIL, CivilSociety), (DONOR, Donor)];
        let grants = [(Grantee::Person(9), Reviewer)];
        assert_eq!(
            approval_organisations(&grants, &memberships),
            memberships.to_vec()
        );
        assert_eq!(
            kinds_of(&approval_organisations(&grants, &memberships)),
            vec![CivilSociety, Donor]
        );
    }

    #[test]
    fn an_organisations_review_grant_counts_for_that_organisation_alone() {
        // A government reviewer through her commission's grant joins a donor fund that has no
        // role (or only an editor's) on the plan: her approval still counts as government.
        let memberships = [(DONOR, Donor), (GOV, Government)];
        let grants = [
            (Grantee::Organisation(GOV), Reviewer),
            (Grantee::Organisation(DONOR), Editor),
        ];
        assert_eq!(
            approval_organisations(&grants, &memberships),
            vec![(GOV, Government)]
        );
    }

    #[test]
    fn a_lead_approves_for_their_organisations_and_an_editor_for_none() {
        let memberships = [(GOV, Government)];
        assert_eq!(
            approval_organisations(&[(Grantee::Person(9), Lead)], &memberships),
            memberships.to_vec()
        );
        let editors = [
            (Grantee::Person(9), Editor),
            (Grantee::Organisation(GOV), Commenter),
        ];
        assert!(approval_organisations(&editors, &memberships).is_empty());
    }

    #[test]
    fn without_an_organisation_nobody_approves() {
        let grants = [(Grantee::Person(9), Reviewer)];
        assert!(approval_organisations(&grants, &[]).is_empty());
        assert_eq!(approval_for(&[], None), Err(ReviewError::NoOrganisation));
    }

    #[test]
    fn one_kind_needs_no_choice_and_two_need_one() {
        let one = [(GOV, Government)];
        assert_eq!(approval_for(&one, None), Ok((GOV, Government)));
        assert_eq!(approval_for(&one, Some(Government)), Ok((GOV, Government)));
        assert_eq!(
            approval_for(&one, Some(Donor)),
            Err(ReviewError::NotYourKind)
        );
        let two = [(CIVIL, CivilSociety), (DONOR, Donor)];
        assert_eq!(approval_for(&two, None), Err(ReviewError::ChooseKind));
        assert_eq!(approval_for(&two, Some(Donor)), Ok((DONOR, Donor)));
        // Two organisations of one kind are one choice.
        let same = [(GOV, Government), (4, Government)];
        assert_eq!(approval_for(&same, None), Ok((GOV, Government)));
    }

    fn any_kind() -> impl Strategy<Value = OrgKind> {
        (0usize..3).prop_map(|i| OrgKind::ALL[i])
    }

    fn any_role() -> impl Strategy<Value = PlanRole> {
        (0usize..5).prop_map(|i| PlanRole::ALL[i])
    }

    proptest! {
        /// Whatever the grants and organisations, an approval counts only for an organisation
        /// the person belongs to whose grant (or their own) lets them review.
        #[test]
        fn an_approval_counts_only_through_a_grant_that_reviews(
            kinds in proptest::collection::vec(any_kind(), 0..4),
            personal in proptest::option::of(any_role()),
            org_grants in proptest::collection::vec((0i64..5, any_role()), 0..5),
            chosen in proptest::option::of(any_kind()),
        ) {
            let memberships: Vec<(i64, OrgKind)> = kinds.iter().enumerate().map(|(i, k)| (i as i64, *k)).collect();
            let mut grants: Vec<(Grantee, PlanRole)> = org_grants.iter().map(|(o, r)| (Grantee::Organisation(*o), *r)).collect();
            grants.extend(personal.map(|r| (Grantee::Person(99), r)));
            let allowed = approval_organisations(&grants, &memberships);
            for (org, kind) in &allowed {
                prop_assert!(memberships.contains(&(*org, *kind)));
                let through_own = personal.is_some_and(reviews);
                let through_org = grants.iter().any(|(g, r)| *g == Grantee::Organisation(*org) && reviews(*r));
                prop_assert!(through_own || through_org);
            }
            // Anyone whose grants let them review, in at least one organisation, may approve
            // for some kind; anyone else for none.
            let may_review = grants.iter().any(|(g, r)| reviews(*r) && match g {
                Grantee::Person(_) => true,
                Grantee::Organisation(o) => memberships.iter().any(|(m, _)| m == o),
            });
            prop_assert_eq!(!allowed.is_empty(), may_review && !memberships.is_empty());
            match approval_for(&allowed, chosen) {
                Ok(recorded) => {
                    prop_assert!(allowed.contains(&recorded));
                    if let Some(k) = chosen { prop_assert_eq!(recorded.1, k); }
                }
                Err(ReviewError::ChooseKind) => prop_assert!(chosen.is_none() && kinds_of(&allowed).len() > 1),
                Err(ReviewError::NotYourKind) => prop_assert!(chosen.is_some_and(|k| !kinds_of(&allowed).contains(&k))),
                Err(ReviewError::NoOrganisation) => prop_assert!(allowed.is_empty()),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }
}
