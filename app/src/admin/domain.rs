//! Organisations, their members, and who may manage them: no leptos, no sqlx.

use serde::{Deserialize, Serialize};

use crate::foundation::people::{OrgRole, PlatformRole};

/// An organisation's name: trimmed, 2 to 160 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgName(String);

impl OrgName {
    /// Parses a submitted organisation name.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        let chars = name.chars().count();
        if chars == 0 {
            return Err("Enter the organisation's name.");
        }
        if chars < 2 {
            return Err("Names need at least 2 characters.");
        }
        if chars > 160 {
            return Err("Names can be at most 160 characters.");
        }
        crate::foundation::text::check_line(name)?;
        Ok(OrgName(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who is asking: the facts the administration rules depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person's id.
    pub person_id: i64,
    /// Their platform role.
    pub platform_role: PlatformRole,
    /// Deactivated people may do nothing.
    pub active: bool,
    /// Organisations they belong to, with their role in each.
    pub memberships: Vec<(i64, OrgRole)>,
}

/// Something done in the administration area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    /// See every organisation.
    ListOrganisations,
    /// Create an organisation.
    CreateOrganisation,
    /// Change an organisation's name, kind or country.
    EditOrganisation {
        /// The organisation.
        org: i64,
    },
    /// See an organisation and its members.
    ViewOrganisation {
        /// The organisation.
        org: i64,
    },
    /// Add, remove or change the role of an organisation's members, or invite people into it.
    ManageMembers {
        /// The organisation.
        org: i64,
    },
    /// See every person on the platform.
    ListPeople,
    /// Invite someone with no organisation, or with a platform role.
    InviteToPlatform,
    /// Deactivate, reactivate or change the platform role of a person.
    ManagePerson {
        /// The person acted on.
        target: i64,
    },
}

impl Actor {
    /// The actor's role in `org`, if a member.
    pub fn role_in(&self, org: i64) -> Option<OrgRole> {
        self.memberships
            .iter()
            .find(|(id, _)| *id == org)
            .map(|(_, role)| *role)
    }

    /// True for an active platform administrator.
    pub fn is_admin(&self) -> bool {
        self.active && self.platform_role == PlatformRole::Admin
    }
}

/// Decides whether `actor` may perform `action`. Deny by default: every allowed case is listed.
pub fn may(actor: &Actor, action: AdminAction) -> bool {
    if !actor.active {
        return false;
    }
    if actor.platform_role == PlatformRole::Admin {
        // Administrators must not lock the platform out by deactivating or demoting themselves.
        return !matches!(action, AdminAction::ManagePerson { target } if target == actor.person_id);
    }
    match action {
        AdminAction::ViewOrganisation { org } => actor.role_in(org).is_some(),
        AdminAction::ManageMembers { org } => actor.role_in(org) == Some(OrgRole::Admin),
        AdminAction::ListOrganisations
        | AdminAction::CreateOrganisation
        | AdminAction::EditOrganisation { .. }
        | AdminAction::ListPeople
        | AdminAction::InviteToPlatform
        | AdminAction::ManagePerson { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn organisation_names_refuse_direction_controls() {
        assert_eq!(
            OrgName::parse("Ministry of \u{2067}Justice\u{2069}"),
            Err(crate::foundation::text::DIRECTION_CONTROL_MESSAGE)
        );
    }

    use super::*;

    fn actor(role: PlatformRole, memberships: Vec<(i64, OrgRole)>) -> Actor {
        Actor {
            person_id: 1,
            platform_role: role,
            active: true,
            memberships,
        }
    }

    #[test]
    fn org_name_bounds() {
        assert!(OrgName::parse(" ").is_err());
        assert!(OrgName::parse("A").is_err());
        assert!(OrgName::parse(&"a".repeat(161)).is_err());
        assert_eq!(
            OrgName::parse("  Ministry of Justice ").unwrap().as_str(),
            "Ministry of Justice"
        );
    }

    #[test]
    fn admin_may_do_everything_but_lock_themselves_out() {
        let admin = actor(PlatformRole::Admin, vec![]);
        assert!(may(&admin, AdminAction::CreateOrganisation));
        assert!(may(&admin, AdminAction::ManageMembers { org: 9 }));
        assert!(may(&admin, AdminAction::ManagePerson { target: 2 }));
        assert!(!may(&admin, AdminAction::ManagePerson { target: 1 }));
    }

    #[test]
    fn org_admin_manages_only_their_own_organisation() {
        let org_admin = actor(
            PlatformRole::Member,
            vec![(7, OrgRole::Admin), (8, OrgRole::Member)],
        );
        assert!(may(&org_admin, AdminAction::ManageMembers { org: 7 }));
        assert!(!may(&org_admin, AdminAction::ManageMembers { org: 8 }));
        assert!(!may(&org_admin, AdminAction::ManageMembers { org: 9 }));
        assert!(!may(&org_admin, AdminAction::EditOrganisation { org: 7 }));
        assert!(!may(&org_admin, AdminAction::ListPeople));
        assert!(!may(&org_admin, AdminAction::InviteToPlatform));
    }

    #[test]
    fn members_see_their_organisations_and_change_nothing() {
        let member = actor(PlatformRole::Member, vec![(7, OrgRole::Member)]);
        assert!(may(&member, AdminAction::ViewOrganisation { org: 7 }));
        assert!(!may(&member, AdminAction::ViewOrganisation { org: 8 }));
        assert!(!may(&member, AdminAction::ManageMembers { org: 7 }));
        assert!(!may(&member, AdminAction::CreateOrganisation));
    }

    #[test]
    fn deactivated_people_may_do_nothing() {
        let mut admin = actor(PlatformRole::Admin, vec![(7, OrgRole::Admin)]);
        admin.active = false;
        for action in [
            AdminAction::ListOrganisations,
            AdminAction::CreateOrganisation,
            AdminAction::ViewOrganisation { org: 7 },
            AdminAction::ManageMembers { org: 7 },
            AdminAction::ListPeople,
        ] {
            assert!(!may(&admin, action));
        }
    }
}
