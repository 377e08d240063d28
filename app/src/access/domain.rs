//! Who may do what on a plan: one table of actions x roles and one function, [`can`].
//! Deny by default: an action is allowed only where the table says so.

use serde::{Deserialize, Serialize};

/// A role on one plan. Ordered from least to most trusted, for display only: what a person
/// may do is the union of what each of their roles allows ([`can`]), because the roles are not
/// nested (a reviewer reviews, an editor does not).
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

/// The set of roles a person holds on one plan, one per grant that reaches them (directly or
/// through an organisation). Small and `Copy`: one bit per role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanRoles(u8);

impl PlanRoles {
    /// No role at all.
    pub const NONE: PlanRoles = PlanRoles(0);

    fn bit(role: PlanRole) -> u8 {
        1 << (role as u8)
    }

    /// This set with `role` added.
    pub fn with(self, role: PlanRole) -> PlanRoles {
        PlanRoles(self.0 | Self::bit(role))
    }

    /// Whether `role` is in the set.
    pub fn contains(self, role: PlanRole) -> bool {
        self.0 & Self::bit(role) != 0
    }

    /// True when the person holds no role.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles held, highest first (the order pages list them in).
    pub fn iter(self) -> impl Iterator<Item = PlanRole> {
        PlanRole::ALL
            .into_iter()
            .rev()
            .filter(move |r| self.contains(*r))
    }

    /// The most trusted role held, for a short label; never for deciding rights.
    pub fn highest(self) -> Option<PlanRole> {
        self.iter().next()
    }

    /// The roles worth naming: those whose rights no other role held already includes (a lead
    /// who is also an editor through their organisation is shown as lead).
    pub fn shown(self) -> PlanRoles {
        self.iter()
            .filter(|&role| {
                !self
                    .iter()
                    .any(|other| other != role && covers(other, role))
            })
            .collect()
    }

    /// The roles as a page shows them: "Editor, Reviewer".
    pub fn labels(self) -> String {
        self.shown()
            .iter()
            .map(PlanRole::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `role` may do everything `other` may.
fn covers(role: PlanRole, other: PlanRole) -> bool {
    let alone = |r: PlanRole| Access {
        roles: PlanRoles::NONE.with(r),
        platform_admin: false,
        active: true,
    };
    PlanAction::ALL
        .into_iter()
        .all(|a| !can(alone(other), a) || can(alone(role), a))
}

impl FromIterator<PlanRole> for PlanRoles {
    fn from_iter<I: IntoIterator<Item = PlanRole>>(roles: I) -> Self {
        roles.into_iter().fold(PlanRoles::NONE, PlanRoles::with)
    }
}

impl From<Option<PlanRole>> for PlanRoles {
    fn from(role: Option<PlanRole>) -> Self {
        role.into_iter().collect()
    }
}

/// The facts about the person asking that decide access to one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Every role their grants give them on the plan (empty: none).
    pub roles: PlanRoles,
    /// Whether they are a platform administrator.
    pub platform_admin: bool,
    /// Deactivated accounts may do nothing.
    pub active: bool,
}

/// Decides whether a person with `access` may perform `action` on the plan: they may when any
/// one of their roles may, so a further grant can only add rights, never take one away.
pub fn can(access: Access, action: PlanAction) -> bool {
    if !access.active {
        return false;
    }
    if action == PlanAction::SeeListing && access.platform_admin {
        return true;
    }
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, allowed)| allowed.iter().any(|r| access.roles.contains(*r)))
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

/// Whether a plan whose grants would become `grants` still has a lead: a plan must always
/// keep someone who can manage it.
pub fn keeps_a_lead(grants: &[(Grantee, PlanRole)]) -> bool {
    grants.iter().any(|(_, r)| *r == PlanRole::Lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn access(roles: &[PlanRole]) -> Access {
        Access {
            roles: roles.iter().copied().collect(),
            platform_admin: false,
            active: true,
        }
    }

    #[test]
    fn viewers_read_and_nothing_more() {
        let a = access(&[PlanRole::Viewer]);
        assert!(can(a, PlanAction::Read));
        assert!(!can(a, PlanAction::Comment));
        assert!(!can(a, PlanAction::Edit));
    }

    #[test]
    fn admins_without_a_role_see_only_the_listing() {
        let a = Access {
            roles: PlanRoles::NONE,
            platform_admin: true,
            active: true,
        };
        assert!(can(a, PlanAction::SeeListing));
        assert!(!can(a, PlanAction::Read));
    }

    #[test]
    fn a_reviewer_whose_organisation_edits_both_reviews_and_edits() {
        let a = access(&[PlanRole::Reviewer, PlanRole::Editor]);
        assert!(can(a, PlanAction::Review));
        assert!(can(a, PlanAction::Edit));
        assert!(!can(a, PlanAction::Manage));
    }

    #[test]
    fn a_set_of_roles_lists_and_labels_them_highest_first() {
        let roles: PlanRoles = [PlanRole::Viewer, PlanRole::Editor, PlanRole::Reviewer]
            .into_iter()
            .collect();
        assert_eq!(roles.highest(), Some(PlanRole::Editor));
        // The viewer's rights are in both others', so it goes unsaid.
        assert_eq!(roles.labels(), "Editor, Reviewer");
        let lead_and_editor: PlanRoles = [PlanRole::Editor, PlanRole::Lead].into_iter().collect();
        assert_eq!(lead_and_editor.labels(), "Lead");
        assert!(roles.contains(PlanRole::Reviewer) && !roles.contains(PlanRole::Lead));
        assert_eq!(PlanRoles::NONE.highest(), None);
        assert!(PlanRoles::from(None).is_empty());
        assert_eq!(
            PlanRoles::from(Some(PlanRole::Lead))
                .iter()
                .collect::<Vec<_>>(),
            vec![PlanRole::Lead]
        );
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

    /// What one role may do, in words, written independently of the table.
    fn role_may(role: PlanRole, action: PlanAction) -> bool {
        use PlanAction::*;
        use PlanRole::*;
        match action {
            SeeListing | Read => true,
            Comment => role != Viewer,
            Review => role == Reviewer || role == Lead,
            Edit => role == Editor || role == Lead,
            Manage => role == Lead,
        }
    }

    /// The reference model: a person may do what any one of their roles may.
    fn model(roles: &[PlanRole], admin: bool, active: bool, action: PlanAction) -> bool {
        if !active {
            return false;
        }
        if action == PlanAction::SeeListing && admin {
            return true;
        }
        roles.iter().any(|r| role_may(*r, action))
    }

    fn any_roles() -> impl Strategy<Value = Vec<PlanRole>> {
        proptest::collection::vec((0usize..5).prop_map(|i| PlanRole::ALL[i]), 0..4)
    }

    proptest! {
        #[test]
        fn can_agrees_with_the_reference_model(roles in any_roles(), admin: bool, active: bool, a in 0usize..6) {
            let action = PlanAction::ALL[a];
            let access = Access { roles: roles.iter().copied().collect(), platform_admin: admin, active };
            prop_assert_eq!(can(access, action), model(&roles, admin, active, action));
        }

        #[test]
        fn a_further_grant_never_takes_a_right_away(roles in any_roles(), extra in 0usize..5, a in 0usize..6) {
            let action = PlanAction::ALL[a];
            let before = access(&roles);
            let mut more = roles.clone();
            more.push(PlanRole::ALL[extra]);
            if can(before, action) {
                prop_assert!(can(access(&more), action));
            }
        }

        #[test]
        fn the_roles_shown_give_exactly_the_rights_of_all_the_roles_held(roles in any_roles(), a in 0usize..6) {
            let action = PlanAction::ALL[a];
            let held: PlanRoles = roles.iter().copied().collect();
            let shown = Access { roles: held.shown(), platform_admin: false, active: true };
            prop_assert_eq!(can(shown, action), can(access(&roles), action));
        }
    }
}
