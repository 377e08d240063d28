//! The review state machine, the self-approval rule and the quorum rule: no leptos, no sqlx.

use serde::{Deserialize, Serialize};

use crate::foundation::markdown::check_nesting;
use crate::foundation::people::OrgKind;

pub mod kinds;

/// Where a section stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewState {
    /// Being written; any save returns a section here.
    Draft,
    /// Submitted: reviewers may approve or request changes.
    InReview,
    /// A reviewer asked for changes (with a reason).
    ChangesRequested,
    /// The rule is met for the version under review.
    Approved,
}

impl ReviewState {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Draft => "draft",
            ReviewState::InReview => "in_review",
            ReviewState::ChangesRequested => "changes_requested",
            ReviewState::Approved => "approved",
        }
    }

    /// Parses the stored form (unknown text reads as draft, the safe side).
    pub fn parse(raw: &str) -> Self {
        match raw {
            "in_review" => ReviewState::InReview,
            "changes_requested" => ReviewState::ChangesRequested,
            "approved" => ReviewState::Approved,
            _ => ReviewState::Draft,
        }
    }

    /// How the state is shown.
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Draft => "Draft",
            ReviewState::InReview => "In review",
            ReviewState::ChangesRequested => "Changes requested",
            ReviewState::Approved => "Approved",
        }
    }
}

/// Why a review step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// Submitting a section already in review or approved.
    #[error("This section is already in review or approved.")]
    NotSubmittable,
    /// Deciding on a section that is not in review.
    #[error(
        "Not recorded: this section is not in review any more (someone decided on it or changed it meanwhile)."
    )]
    NotInReview,
    /// The decision names a version that is no longer current.
    #[error("Not recorded: the section changed since you read it. Review the current text.")]
    StaleVersion,
    /// The reviewer wrote part of the text under review.
    #[error(
        "You wrote part of this text since the last approval, so someone else must approve it."
    )]
    OwnText,
    /// The reviewer approved this version already.
    #[error("You have already approved this version.")]
    AlreadyApproved,
    /// The reviewer belongs to no organisation their review right comes through, so counts
    /// for no kind.
    #[error("Only members of an organisation can approve.")]
    NoOrganisation,
    /// The reviewer may approve for more than one kind and did not say which.
    #[error("Choose which kind of organisation your approval counts for.")]
    ChooseKind,
    /// The reviewer chose a kind they may not approve for on this plan.
    #[error("Your approval cannot count for that kind of organisation on this plan.")]
    NotYourKind,
    /// Changes requested without saying which.
    #[error("Say what needs to change.")]
    ReasonRequired,
    /// A reason nested too deeply to be shown (it becomes a comment, rendered to every reader).
    #[error("{0}")]
    ReasonTooDeep(&'static str),
}

/// Submits a draft (or a section whose changes were requested) for review.
pub fn submit(state: ReviewState) -> Result<ReviewState, ReviewError> {
    match state {
        ReviewState::Draft | ReviewState::ChangesRequested => Ok(ReviewState::InReview),
        ReviewState::InReview | ReviewState::Approved => Err(ReviewError::NotSubmittable),
    }
}

/// What an approval decides on.
pub struct ApprovalRequest<'a> {
    /// The section's state.
    pub state: ReviewState,
    /// The version under review.
    pub under_review: i64,
    /// The version the reviewer saw.
    pub seen: i64,
    pub reviewer: i64,
    /// Authors of the revisions since the last approval.
    pub authors_since: &'a [i64],
    /// Who approved this version already.
    pub approved_by: &'a [i64],
}

/// Checks one approval: the section is in review at the version the reviewer saw, and the
/// reviewer neither approved it already nor wrote any of the text under review.
pub fn check_approval(r: &ApprovalRequest<'_>) -> Result<(), ReviewError> {
    if r.state != ReviewState::InReview {
        return Err(ReviewError::NotInReview);
    }
    if r.seen != r.under_review {
        return Err(ReviewError::StaleVersion);
    }
    if r.authors_since.contains(&r.reviewer) {
        return Err(ReviewError::OwnText);
    }
    if r.approved_by.contains(&r.reviewer) {
        return Err(ReviewError::AlreadyApproved);
    }
    Ok(())
}

/// Checks a request for changes; the trimmed reason on success.
pub fn check_changes_request(
    state: ReviewState,
    under_review: i64,
    seen: i64,
    reason: &str,
) -> Result<String, ReviewError> {
    if state != ReviewState::InReview {
        return Err(ReviewError::NotInReview);
    }
    if seen != under_review {
        return Err(ReviewError::StaleVersion);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReviewError::ReasonRequired);
    }
    let reason: String = reason.chars().take(4000).collect();
    check_nesting(&reason).map_err(ReviewError::ReasonTooDeep)?;
    Ok(reason)
}

/// What a section's approvals still lack under the plan's rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StillNeeded {
    /// With no minimum set: one approval of any kind is still missing.
    pub any: bool,
    /// How many more approvals of each kind.
    pub kinds: Vec<(OrgKind, u32)>,
}

impl StillNeeded {
    /// True when the rule is met.
    pub fn is_nothing(&self) -> bool {
        !self.any && self.kinds.is_empty()
    }

    /// "1 civil society and 2 donor approvals", "one approval of any kind", or "" when met.
    pub fn describe(&self) -> String {
        if self.any {
            return "one approval of any kind".to_owned();
        }
        let parts: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.label().to_lowercase()))
            .collect();
        let total: u32 = self.kinds.iter().map(|(_, n)| n).sum();
        let noun = if total == 1 { "approval" } else { "approvals" };
        match parts.split_last() {
            None => String::new(),
            Some((last, [])) => format!("{last} {noun}"),
            Some((last, rest)) => format!("{} and {last} {noun}", rest.join(", ")),
        }
    }
}

/// The plan's approval rule: at least this many approvals from each kind of organisation.
/// With no minimum set, one approval of any kind suffices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRule {
    /// From government organisations.
    pub government: u32,
    /// From civil society.
    pub civil_society: u32,
    /// From donors.
    pub donor: u32,
}

impl ApprovalRule {
    /// The minimum for `kind`.
    pub fn minimum(&self, kind: OrgKind) -> u32 {
        match kind {
            OrgKind::Government => self.government,
            OrgKind::CivilSociety => self.civil_society,
            OrgKind::Donor => self.donor,
        }
    }

    /// Parses the lead's form (blank means 0).
    pub fn parse(
        government: &str,
        civil_society: &str,
        donor: &str,
    ) -> Result<Self, (&'static str, &'static str)> {
        fn one(field: &'static str, raw: &str) -> Result<u32, (&'static str, &'static str)> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(0);
            }
            match raw.parse::<u32>() {
                Ok(n) if n <= 20 => Ok(n),
                _ => Err((field, "Enter a whole number from 0 to 20.")),
            }
        }
        Ok(ApprovalRule {
            government: one("government", government)?,
            civil_society: one("civil_society", civil_society)?,
            donor: one("donor", donor)?,
        })
    }

    /// True when `approvals` (the kind each approver approved for) meet the rule.
    pub fn met(&self, approvals: &[OrgKind]) -> bool {
        if approvals.is_empty() {
            return false;
        }
        OrgKind::ALL.into_iter().all(|kind| {
            approvals.iter().filter(|k| **k == kind).count() as u64 >= u64::from(self.minimum(kind))
        })
    }

    /// What `approvals` still lack to meet the rule (nothing exactly when [`Self::met`]).
    pub fn still_needed(&self, approvals: &[OrgKind]) -> StillNeeded {
        let kinds: Vec<(OrgKind, u32)> = OrgKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let have = approvals.iter().filter(|k| **k == kind).count() as u64;
                let short = u64::from(self.minimum(kind)).saturating_sub(have);
                (short > 0).then(|| (kind, u32::try_from(short).unwrap_or(u32::MAX)))
            })
            .collect();
        StillNeeded {
            any: approvals.is_empty() && kinds.is_empty(),
            kinds,
        }
    }

    /// The kinds whose minimums the eligible reviewers cannot meet together, or none when the
    /// rule can be met. `eligible` holds, for each person who may review, the kinds they may
    /// approve for; each approves once, for one kind. By Hall's theorem the rule can be met
    /// exactly when every set of kinds has at least as many people able to approve for one of
    /// them as its minimums add up to; the smallest set that has not is returned (a single
    /// kind when one alone falls short).
    pub fn unmeetable(&self, eligible: &[Vec<OrgKind>]) -> Option<Vec<OrgKind>> {
        let n = OrgKind::ALL.len();
        let mut sets: Vec<Vec<OrgKind>> = (1u32..(1 << n))
            .map(|bits| {
                OrgKind::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, k)| k)
                    .collect()
            })
            .collect();
        sets.sort_by_key(Vec::len);
        sets.into_iter().find(|set| {
            let needed: u64 = set.iter().map(|k| u64::from(self.minimum(*k))).sum();
            let able = eligible
                .iter()
                .filter(|kinds| kinds.iter().any(|k| set.contains(k)))
                .count() as u64;
            able < needed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{ApprovalRule, StillNeeded};
    use crate::foundation::people::OrgKind;

    #[test]
    fn what_is_still_needed_names_each_kind_short_of_its_minimum() {
        let rule = ApprovalRule {
            government: 1,
            civil_society: 1,
            donor: 2,
        };
        let needed = rule.still_needed(&[OrgKind::Government, OrgKind::Donor]);
        assert_eq!(needed.describe(), "1 civil society and 1 donor approvals");
        assert_eq!(
            rule.still_needed(&[]).describe(),
            "1 government, 1 civil society and 2 donor approvals"
        );
        let none_set = ApprovalRule::default();
        assert_eq!(
            none_set.still_needed(&[]).describe(),
            "one approval of any kind"
        );
        assert!(none_set.still_needed(&[OrgKind::Donor]).is_nothing());
        assert_eq!(StillNeeded::default().describe(), "");
    }

    proptest::proptest! {
        #[test]
        fn nothing_is_still_needed_exactly_when_the_rule_is_met(
            g in 0u32..3, c in 0u32..3, d in 0u32..3,
            approvals in proptest::collection::vec(0usize..3, 0..8),
        ) {
            let rule = ApprovalRule { government: g, civil_society: c, donor: d };
            let kinds: Vec<OrgKind> = approvals.into_iter().map(|i| OrgKind::ALL[i]).collect();
            proptest::prop_assert_eq!(rule.still_needed(&kinds).is_nothing(), rule.met(&kinds));
        }
    }

    use super::*;
    use OrgKind::*;

    fn request<'a>(reviewer: i64, authors: &'a [i64], approved: &'a [i64]) -> ApprovalRequest<'a> {
        ApprovalRequest {
            state: ReviewState::InReview,
            under_review: 3,
            seen: 3,
            reviewer,
            authors_since: authors,
            approved_by: approved,
        }
    }

    #[test]
    fn drafts_and_sections_with_changes_requested_can_be_submitted_once() {
        assert_eq!(submit(ReviewState::Draft), Ok(ReviewState::InReview));
        assert_eq!(
            submit(ReviewState::ChangesRequested),
            Ok(ReviewState::InReview)
        );
        assert_eq!(
            submit(ReviewState::InReview),
            Err(ReviewError::NotSubmittable)
        );
        assert_eq!(
            submit(ReviewState::Approved),
            Err(ReviewError::NotSubmittable)
        );
    }

    #[test]
    fn only_sections_in_review_at_the_version_seen_can_be_approved() {
        assert_eq!(check_approval(&request(9, &[1], &[])), Ok(()));
        let mut r = request(9, &[1], &[]);
        r.state = ReviewState::Draft;
        assert_eq!(check_approval(&r), Err(ReviewError::NotInReview));
        let mut r = request(9, &[1], &[]);
        r.seen = 2;
        assert_eq!(check_approval(&r), Err(ReviewError::StaleVersion));
    }

    #[test]
    fn nobody_approves_text_they_wrote_since_the_last_approval() {
        assert_eq!(
            check_approval(&request(1, &[2, 1], &[])),
            Err(ReviewError::OwnText)
        );
        assert_eq!(check_approval(&request(3, &[2, 1], &[])), Ok(()));
    }

    #[test]
    fn an_approval_counts_once_per_person() {
        assert_eq!(
            check_approval(&request(4, &[1], &[4])),
            Err(ReviewError::AlreadyApproved)
        );
    }

    #[test]
    fn changes_need_a_reason() {
        assert_eq!(
            check_changes_request(ReviewState::InReview, 3, 3, "   "),
            Err(ReviewError::ReasonRequired)
        );
        assert_eq!(
            check_changes_request(ReviewState::InReview, 3, 3, " Cite the 2024 census. "),
            Ok("Cite the 2024 census.".to_owned())
        );
        assert_eq!(
            check_changes_request(ReviewState::Approved, 3, 3, "x"),
            Err(ReviewError::NotInReview)
        );
        assert!(matches!(
            check_changes_request(
                ReviewState::InReview,
                3,
                3,
                &format!("{}x", "- ".repeat(1_000))
            ),
            Err(ReviewError::ReasonTooDeep(_))
        ));
    }

    #[test]
    fn the_rule_needs_each_kinds_minimum() {
        let rule = ApprovalRule {
            government: 1,
            civil_society: 1,
            donor: 1,
        };
        assert!(!rule.met(&[Government, CivilSociety]));
        assert!(!rule.met(&[Government, Government, Donor]));
        assert!(rule.met(&[Donor, Government, CivilSociety]));
    }

    #[test]
    fn with_no_minimum_one_approval_of_any_kind_suffices() {
        let rule = ApprovalRule::default();
        assert!(!rule.met(&[]));
        assert!(rule.met(&[Donor]));
    }

    /// One eligible reviewer per kind given.
    fn one_each(kinds: &[OrgKind]) -> Vec<Vec<OrgKind>> {
        kinds.iter().map(|k| vec![*k]).collect()
    }

    #[test]
    fn a_rule_beyond_the_eligible_reviewers_is_unmeetable() {
        let rule = ApprovalRule {
            government: 1,
            civil_society: 2,
            donor: 0,
        };
        assert_eq!(
            rule.unmeetable(&one_each(&[Government, CivilSociety, CivilSociety])),
            None
        );
        assert_eq!(
            rule.unmeetable(&one_each(&[Government, CivilSociety, Donor])),
            Some(vec![CivilSociety])
        );
        assert_eq!(rule.unmeetable(&[]), Some(vec![Government]));
        assert_eq!(ApprovalRule::default().unmeetable(&[]), None);
    }

    #[test]
    fn a_reviewer_who_may_approve_for_two_kinds_counts_for_either_but_once() {
        let both = vec![vec![CivilSociety, Donor]];
        let donor_only = ApprovalRule {
            donor: 1,
            ..ApprovalRule::default()
        };
        assert_eq!(donor_only.unmeetable(&both), None);
        let one_each_kind = ApprovalRule {
            civil_society: 1,
            donor: 1,
            ..ApprovalRule::default()
        };
        assert_eq!(
            one_each_kind.unmeetable(&both),
            Some(vec![CivilSociety, Donor])
        );
        let mut two = both.clone();
        two.push(vec![Donor]);
        assert_eq!(one_each_kind.unmeetable(&two), None);
    }

    /// Whether some choice of one kind (or none) per reviewer meets every minimum: the slow,
    /// obvious way, to check [`ApprovalRule::unmeetable`] against.
    fn meetable_by_trying_every_choice(rule: &ApprovalRule, eligible: &[Vec<OrgKind>]) -> bool {
        fn go(rule: &ApprovalRule, eligible: &[Vec<OrgKind>], counts: [u32; 3]) -> bool {
            match eligible.split_first() {
                None => OrgKind::ALL
                    .iter()
                    .enumerate()
                    .all(|(i, k)| counts[i] >= rule.minimum(*k)),
                Some((kinds, rest)) => {
                    go(rule, rest, counts)
                        || kinds.iter().any(|k| {
                            let mut c = counts;
                            c[OrgKind::ALL.iter().position(|x| x == k).unwrap_or(0)] += 1;
                            go(rule, rest, c)
                        })
                }
            }
        }
        go(rule, eligible, [0; 3])
    }

    proptest::proptest! {
        #[test]
        fn unmeetable_agrees_with_trying_every_choice(
            g in 0u32..3, c in 0u32..3, d in 0u32..3,
            eligible in proptest::collection::vec(
                proptest::sample::subsequence(OrgKind::ALL.to_vec(), 0..=3), 0..5),
        ) {
            let rule = ApprovalRule { government: g, civil_society: c, donor: d };
            proptest::prop_assert_eq!(
                rule.unmeetable(&eligible).is_none(),
                meetable_by_trying_every_choice(&rule, &eligible)
            );
        }
    }

    #[test]
    fn the_rule_form_refuses_what_is_not_a_small_number() {
        assert_eq!(
            ApprovalRule::parse("1", "", "2"),
            Ok(ApprovalRule {
                government: 1,
                civil_society: 0,
                donor: 2
            })
        );
        assert_eq!(
            ApprovalRule::parse("x", "", "").unwrap_err().0,
            "government"
        );
        assert_eq!(
            ApprovalRule::parse("", "99", "").unwrap_err().0,
            "civil_society"
        );
    }
}
