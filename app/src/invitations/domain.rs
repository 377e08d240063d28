//! When an invitation can still be answered, and who may offer what it offers: no leptos, no
//! sqlx.

use crate::access::domain::{can, Access, PlanAction};
use crate::admin::domain::{may, Actor, AdminAction};

/// How an invitation was answered (or withdrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The person invited accepted it.
    Accepted,
    /// The person invited declined it.
    Declined,
    /// Whoever may make it withdrew it first.
    Revoked,
}

impl Answer {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Accepted => "accepted",
            Answer::Declined => "declined",
            Answer::Revoked => "revoked",
        }
    }

    /// Parses the stored form.
    pub fn parse(raw: &str) -> Option<Self> {
        [Answer::Accepted, Answer::Declined, Answer::Revoked]
            .into_iter()
            .find(|a| a.as_str() == raw)
    }
}

/// Why an invitation cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationProblem {
    /// Someone already accepted it.
    Used,
    /// The person invited declined it.
    Declined,
    /// It was withdrawn.
    Revoked,
    /// Its time ran out.
    Expired,
    /// The person who made it may no longer grant what it offers (deactivated, or no longer
    /// an administrator, an organisation's admin or the plan's lead).
    InviterMayNot,
}

impl InvitationProblem {
    /// What the person answering it is told.
    pub fn message(self) -> &'static str {
        match self {
            InvitationProblem::Used => "This invitation has already been used. Log in, or ask your administrator for a new one.",
            InvitationProblem::Declined => "This invitation was declined.",
            InvitationProblem::Revoked => "This invitation was withdrawn. Ask whoever invited you for a new one.",
            InvitationProblem::Expired => "This invitation has expired. Ask your administrator for a new one.",
            InvitationProblem::InviterMayNot => "The person who invited you can no longer grant what this invitation offers, so it no longer works. Ask for a new one.",
        }
    }
}

impl From<Answer> for InvitationProblem {
    fn from(answer: Answer) -> Self {
        match answer {
            Answer::Accepted => InvitationProblem::Used,
            Answer::Declined => InvitationProblem::Declined,
            Answer::Revoked => InvitationProblem::Revoked,
        }
    }
}

/// Whether an invitation answered with `answer` (none yet) can still be answered or withdrawn
/// at `now`. An answer is final, so it wins over the expiry.
pub fn check_invitation(
    expires_at: i64,
    answer: Option<Answer>,
    now: i64,
) -> Result<(), InvitationProblem> {
    match answer {
        Some(answer) => Err(answer.into()),
        None if now >= expires_at => Err(InvitationProblem::Expired),
        None => Ok(()),
    }
}

/// What an invitation offers, as far as deciding who may offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// It makes the new account a platform administrator.
    pub platform_admin: bool,
    /// It makes them a member (or admin) of this organisation.
    pub organisation: Option<i64>,
    /// It gives them a role on this plan.
    pub plan: Option<i64>,
}

/// Whether `inviter`, as they stand now, may offer `offer`: the rule for making an
/// invitation, for withdrawing one (whoever may make it), and for accepting one (its inviter
/// must still be allowed to make it). `plan_access` is the inviter's access to the offered plan.
/// Administrators invite onto the platform and as administrators, organisation admins into
/// their organisation, a plan's leads onto their plan; deactivated people offer nothing.
pub fn may_offer(inviter: &Actor, plan_access: Option<Access>, offer: &Offer) -> bool {
    if offer.plan.is_some() && !plan_access.is_some_and(|a| can(a, PlanAction::Manage)) {
        return false;
    }
    let action = match (offer.platform_admin, offer.organisation, offer.plan) {
        (true, _, _) => Some(AdminAction::InviteToPlatform),
        (false, Some(org), _) => Some(AdminAction::ManageMembers { org }),
        // A plan's lead may bring someone onto the plan alone (checked above).
        (false, None, Some(_)) => None,
        (false, None, None) => Some(AdminAction::InviteToPlatform),
    };
    inviter.active && action.is_none_or(|a| may(inviter, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::domain::{PlanRole, PlanRoles};
    use crate::foundation::people::{OrgRole, PlatformRole};
    use proptest::prelude::*;

    fn person(role: PlatformRole, memberships: Vec<(i64, OrgRole)>) -> Actor {
        Actor {
            person_id: 1,
            platform_role: role,
            active: true,
            memberships,
        }
    }

    fn on_plan(roles: &[PlanRole], active: bool) -> Option<Access> {
        Some(Access {
            roles: roles.iter().copied().collect(),
            platform_admin: false,
            active,
        })
    }

    const INTO_ORG: Offer = Offer {
        platform_admin: false,
        organisation: Some(7),
        plan: None,
    };
    const ONTO_PLAN: Offer = Offer {
        platform_admin: false,
        organisation: None,
        plan: Some(3),
    };
    const AS_ADMIN: Offer = Offer {
        platform_admin: true,
        organisation: None,
        plan: None,
    };

    #[test]
    fn an_answer_is_final_and_wins_over_the_expiry() {
        assert_eq!(
            check_invitation(10, Some(Answer::Accepted), 20),
            Err(InvitationProblem::Used)
        );
        assert_eq!(
            check_invitation(30, Some(Answer::Revoked), 20),
            Err(InvitationProblem::Revoked)
        );
        assert_eq!(
            check_invitation(30, Some(Answer::Declined), 20),
            Err(InvitationProblem::Declined)
        );
    }

    #[test]
    fn expires_at_the_stated_second() {
        assert_eq!(check_invitation(10, None, 9), Ok(()));
        assert_eq!(
            check_invitation(10, None, 10),
            Err(InvitationProblem::Expired)
        );
    }

    #[test]
    fn answers_round_trip() {
        for a in [Answer::Accepted, Answer::Declined, Answer::Revoked] {
            assert_eq!(Answer::parse(a.as_str()), Some(a));
        }
        assert_eq!(Answer::parse("ignored"), None);
    }

    #[test]
    fn organisation_admins_offer_their_organisation_only() {
        let admin_of_7 = person(PlatformRole::Member, vec![(7, OrgRole::Admin)]);
        assert!(may_offer(&admin_of_7, None, &INTO_ORG));
        let member_of_7 = person(PlatformRole::Member, vec![(7, OrgRole::Member)]);
        assert!(!may_offer(&member_of_7, None, &INTO_ORG));
        let admin_of_8 = person(PlatformRole::Member, vec![(8, OrgRole::Admin)]);
        assert!(!may_offer(&admin_of_8, None, &INTO_ORG));
        assert!(!may_offer(&admin_of_7, None, &AS_ADMIN));
        let admin_into_org = Offer {
            platform_admin: true,
            ..INTO_ORG
        };
        assert!(!may_offer(&admin_of_7, None, &admin_into_org));
    }

    #[test]
    fn only_administrators_offer_the_platform_and_its_administration() {
        let admin = person(PlatformRole::Admin, vec![]);
        assert!(may_offer(&admin, None, &AS_ADMIN));
        assert!(may_offer(&admin, None, &INTO_ORG));
        let nobody = Offer {
            platform_admin: false,
            organisation: None,
            plan: None,
        };
        assert!(may_offer(&admin, None, &nobody));
        assert!(!may_offer(
            &person(PlatformRole::Member, vec![]),
            None,
            &nobody
        ));
    }

    #[test]
    fn a_plans_leads_offer_the_plan_and_administrators_without_a_role_do_not() {
        let member = person(PlatformRole::Member, vec![]);
        assert!(may_offer(
            &member,
            on_plan(&[PlanRole::Lead], true),
            &ONTO_PLAN
        ));
        assert!(!may_offer(
            &member,
            on_plan(&[PlanRole::Editor, PlanRole::Reviewer], true),
            &ONTO_PLAN
        ));
        assert!(!may_offer(&member, None, &ONTO_PLAN));
        let admin = person(PlatformRole::Admin, vec![]);
        assert!(!may_offer(&admin, on_plan(&[], true), &ONTO_PLAN));
    }

    #[test]
    fn deactivated_inviters_offer_nothing() {
        let mut lead = person(PlatformRole::Admin, vec![(7, OrgRole::Admin)]);
        lead.active = false;
        for offer in [INTO_ORG, AS_ADMIN] {
            assert!(!may_offer(&lead, None, &offer));
        }
        assert!(!may_offer(
            &lead,
            on_plan(&[PlanRole::Lead], false),
            &ONTO_PLAN
        ));
    }

    proptest! {
        /// An invitation is never worth more than what its inviter may do now: whatever it
        /// offers, an inviter stripped of the right behind any part of it may not offer it.
        #[test]
        fn no_offer_outlives_the_right_behind_it(
            platform_admin: bool, with_org: bool, with_plan: bool,
            is_admin: bool, org_role in proptest::option::of(prop_oneof![Just(OrgRole::Admin), Just(OrgRole::Member)]),
            leads: bool, active: bool,
        ) {
            let offer = Offer {
                platform_admin,
                organisation: with_org.then_some(7),
                plan: with_plan.then_some(3),
            };
            let inviter = Actor {
                person_id: 1,
                platform_role: if is_admin { PlatformRole::Admin } else { PlatformRole::Member },
                active,
                memberships: org_role.map(|r| vec![(7, r)]).unwrap_or_default(),
            };
            let roles: PlanRoles = if leads { Some(PlanRole::Lead).into() } else { PlanRoles::NONE };
            let access = Some(Access { roles, platform_admin: is_admin, active });
            let allowed = may_offer(&inviter, access, &offer);
            let admin_now = active && is_admin;
            let runs_org = admin_now || (active && org_role == Some(OrgRole::Admin));
            let leads_now = active && leads;
            if allowed {
                prop_assert!(active);
                prop_assert!(!platform_admin || admin_now);
                prop_assert!(!with_org || runs_org);
                prop_assert!(!with_plan || leads_now);
                prop_assert!(with_org || with_plan || admin_now);
            } else {
                let expected = (!platform_admin || admin_now)
                    && (!with_org || platform_admin || runs_org)
                    && (!with_plan || leads_now)
                    && (with_org || with_plan || admin_now);
                prop_assert!(!(active && expected), "refused although every right is there: {offer:?}");
            }
        }
    }
}
