//! Who may do what on a plan: one table of actions x roles and one function, [`can`].
//! Deny by default: an action is allowed only where the table says so.

use serde::{Deserialize, Serialize};

/// A role on one plan. Ordered: a person's effective role is the highest of their grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PlanRole {
    /// Reads only.
    Viewer,
    /// Comments only.
    Commenter,
    /// Approves sections or requests changes.
    Reviewer,
    /// Edits sections and the checklist.
    Editor,
    /// Manages the plan, its members and settings.
    Lead,
}

impl PlanRole {
    /// Every role, lowest first.
    pub const ALL: [PlanRole; 5] = [
        PlanRole::Viewer,
        PlanRole::Commenter,
        PlanRole::Reviewer,
        PlanRole::Editor,
        PlanRole::Lead,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanRole::Viewer => "viewer",
            PlanRole::Commenter => "commenter",
            PlanRole::Reviewer => "reviewer",
            PlanRole::Editor => "editor",
            PlanRole::Lead => "lead",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        PlanRole::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or("Choose lead, editor, reviewer, commenter or viewer.")
    }

    /// Menu choices `(stored form, label)`, highest role first.
    pub fn choices() -> Vec<(String, String)> {
        PlanRole::ALL
            .iter()
            .rev()
            .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
            .collect()
    }

    /// How the role is shown.
    pub fn label(self) -> &'static str {
        match self {
            PlanRole::Viewer => "Viewer",
            PlanRole::Commenter => "Commenter",
            PlanRole::Reviewer => "Reviewer",
            PlanRole::Editor => "Editor",
            PlanRole::Lead => "Lead",
        }
    }
}

/// Something done to or on a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanAction {
    /// See that the plan exists: title, country, status, lead organisation.
    SeeListing,
    /// Read sections, history and the checklist.
    Read,
    /// Start and reply to comment threads.
    Comment,
    /// Approve sections or request changes.
    Review,
    /// Edit sections (text, titles, order, tags) and the checklist.
    Edit,
    /// Change the plan's settings, status, members and roles.
    Manage,
}

impl PlanAction {
    /// Every action, for tests and documentation.
    pub const ALL: [PlanAction; 6] = [
        PlanAction::SeeListing,
        PlanAction::Read,
        PlanAction::Comment,
        PlanAction::Review,
        PlanAction::Edit,
        PlanAction::Manage,
    ];
}

/// The table: which roles may perform each action. Platform administrators without a role
/// may only [`PlanAction::SeeListing`]; they manage accounts, not plan content.
pub const TABLE: [(PlanAction, &[PlanRole]); 6] = [
    (PlanAction::SeeListing, &PlanRole::ALL),
    (PlanAction::Read, &PlanRole::ALL),
    (
        PlanAction::Comment,
        &[
            PlanRole::Commenter,
            PlanRole::Reviewer,
            PlanRole::Editor,
            PlanRole::Lead,
        ],
    ),
    (PlanAction::Review, &[PlanRole::Reviewer, PlanRole::Lead]),
    (PlanAction::Edit, &[PlanRole::Editor, PlanRole::Lead]),
    (PlanAction::Manage, &[PlanRole::Lead]),
];

/// The facts about the person asking that decide access to one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Their effective role on the plan, if any.
    pub role: Option<PlanRole>,
    /// Whether they are a platform administrator.
    pub platform_admin: bool,
    /// Deactivated accounts may do nothing.
    pub active: bool,
}

/// Decides whether a person with `access` may perform `action` on the plan.
pub fn can(access: Access, action: PlanAction) -> bool {
    if !access.active {
        return false;
    }
    if action == PlanAction::SeeListing && access.platform_admin {
        return true;
    }
    let Some(role) = access.role else {
        return false;
    };
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

/// Who a grant is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Grantee {
    /// One person.
    Person(i64),
    /// Everyone in an organisation, now and later.
    Organisation(i64),
}

/// The grants a new plan starts with: its creator leads it, and everyone in the lead
/// organisation edits it.
pub fn founding_grants(creator: i64, lead_org: i64) -> [(Grantee, PlanRole); 2] {
    [
        (Grantee::Person(creator), PlanRole::Lead),
        (Grantee::Organisation(lead_org), PlanRole::Editor),
    ]
}

/// A person's effective role given the roles of every grant that reaches them: the highest.
pub fn highest(roles: impl IntoIterator<Item = PlanRole>) -> Option<PlanRole> {
    roles.into_iter().max()
}

/// The people who may do `action` on a plan, given `(person, role)` for every grant that
/// reaches an active person there: each is judged by their effective role, as [`can`] judges
/// them when they act, so an editor grant to their organisation outranks a personal reviewer
/// grant. Sorted, each person once.
pub fn people_who_may(reached: &[(i64, PlanRole)], action: PlanAction) -> Vec<i64> {
    let mut roles = std::collections::BTreeMap::<i64, PlanRole>::new();
    for &(person, role) in reached {
        let best = roles.entry(person).or_insert(role);
        *best = (*best).max(role);
    }
    roles
        .into_iter()
        .filter(|&(_, role)| {
            let access = Access {
                role: Some(role),
                platform_admin: false,
                active: true,
            };
            can(access, action)
        })
        .map(|(person, _)| person)
        .collect()
}

/// Whether a plan whose grants would become `grants` still has a lead: a plan must always
/// keep someone who can manage it.
pub fn keeps_a_lead(grants: &[(Grantee, PlanRole)]) -> bool {
    grants.iter().any(|(_, r)| *r == PlanRole::Lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn access(role: Option<PlanRole>) -> Access {
        Access {
            role,
            platform_admin: false,
            active: true,
        }
    }

    #[test]
    fn viewers_read_and_nothing_more() {
        let a = access(Some(PlanRole::Viewer));
        assert!(can(a, PlanAction::Read));
        assert!(!can(a, PlanAction::Comment));
        assert!(!can(a, PlanAction::Edit));
    }

    #[test]
    fn admins_without_a_role_see_only_the_listing() {
        let a = Access {
            role: None,
            platform_admin: true,
            active: true,
        };
        assert!(can(a, PlanAction::SeeListing));
        assert!(!can(a, PlanAction::Read));
    }

    #[test]
    fn the_highest_grant_wins() {
        assert_eq!(
            highest([PlanRole::Viewer, PlanRole::Editor, PlanRole::Commenter]),
            Some(PlanRole::Editor)
        );
        assert_eq!(
            highest([PlanRole::Lead, PlanRole::Viewer]),
            Some(PlanRole::Lead)
        );
        assert_eq!(highest([]), None);
    }

    #[test]
    fn a_new_plan_is_led_by_its_creator_and_edited_by_the_lead_organisation() {
        let grants = founding_grants(7, 3);
        assert!(grants.contains(&(Grantee::Person(7), PlanRole::Lead)));
        assert!(grants.contains(&(Grantee::Organisation(3), PlanRole::Editor)));
        assert!(keeps_a_lead(&grants));
    }

    #[test]
    fn a_plan_must_keep_a_lead() {
        assert!(keeps_a_lead(&[
            (Grantee::Person(1), PlanRole::Lead),
            (Grantee::Organisation(2), PlanRole::Editor)
        ]));
        assert!(!keeps_a_lead(&[(
            Grantee::Organisation(2),
            PlanRole::Editor
        )]));
        assert!(!keeps_a_lead(&[]));
    }

    #[test]
    fn who_may_review_is_decided_by_each_persons_highest_grant() {
        use PlanRole::*;
        let reached = [
            // A personal reviewer grant, outranked by their organisation's editor grant.
            (1, Reviewer),
            (1, Editor),
            // A reviewer through two grants.
            (2, Reviewer),
            (2, Viewer),
            (3, Lead),
            (4, Commenter),
        ];
        assert_eq!(people_who_may(&reached, PlanAction::Review), vec![2, 3]);
        assert_eq!(people_who_may(&reached, PlanAction::Edit), vec![1, 3]);
        assert!(people_who_may(&[], PlanAction::Review).is_empty());
    }

    /// A reference model written independently of the table: what each role may do, in words.
    fn model(role: Option<PlanRole>, admin: bool, active: bool, action: PlanAction) -> bool {
        use PlanAction::*;
        use PlanRole::*;
        if !active {
            return false;
        }
        match (role, action) {
            (None, SeeListing) => admin,
            (None, _) => false,
            (Some(_), SeeListing | Read) => true,
            (Some(r), Comment) => r != Viewer,
            (Some(r), Review) => r == Reviewer || r == Lead,
            (Some(r), Edit) => r == Editor || r == Lead,
            (Some(r), Manage) => r == Lead,
        }
    }

    fn any_role() -> impl Strategy<Value = Option<PlanRole>> {
        prop_oneof![Just(None), (0usize..5).prop_map(|i| Some(PlanRole::ALL[i]))]
    }

    proptest! {
        #[test]
        fn can_agrees_with_the_reference_model(role in any_role(), admin: bool, active: bool, a in 0usize..6) {
            let action = PlanAction::ALL[a];
            prop_assert_eq!(can(Access { role, platform_admin: admin, active }, action), model(role, admin, active, action));
        }

        #[test]
        fn a_higher_grant_never_loses_a_permission(r1 in 0usize..5, r2 in 0usize..5, a in 0usize..6) {
            let (low, high) = (PlanRole::ALL[r1.min(r2)], PlanRole::ALL[r1.max(r2)]);
            let action = PlanAction::ALL[a];
            // Reviewer and Editor are not nested (reviewers review, editors edit), so check
            // only the pairs where the lower role's rights are a subset by design.
            let nested = !(low == PlanRole::Reviewer && high == PlanRole::Editor);
            if nested && can(access(Some(low)), action) {
                prop_assert!(can(access(Some(high)), action));
            }
        }
    }
}
