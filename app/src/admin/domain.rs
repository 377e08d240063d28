//! Organisations, their members, and who may manage them: no leptos, no sqlx.

use serde::{Deserialize, Serialize};

use super::countries::COUNTRIES;
use crate::auth::domain::PlatformRole;

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
        if name.chars().any(char::is_control) {
            return Err("Names cannot contain control characters.");
        }
        Ok(OrgName(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of stakeholder that co-author a plan (a plan's sign-off can require each kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    /// A ministry, a national mechanism, an R2P focal point's office.
    Government,
    /// NGOs, women's and youth organisations, religious councils, media associations.
    CivilSociety,
    /// Bilateral agencies, UN agencies, financial institutions, regional organisations.
    Donor,
}

impl OrgKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [OrgKind; 3] = [OrgKind::Government, OrgKind::CivilSociety, OrgKind::Donor];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Government => "government",
            OrgKind::CivilSociety => "civil_society",
            OrgKind::Donor => "donor",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "government" => Ok(OrgKind::Government),
            "civil_society" => Ok(OrgKind::CivilSociety),
            "donor" => Ok(OrgKind::Donor),
            _ => Err("Choose government, civil society or donor."),
        }
    }

    /// How the kind is shown.
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Government => "Government",
            OrgKind::CivilSociety => "Civil society",
            OrgKind::Donor => "Donor",
        }
    }
}

/// An ISO 3166-1 alpha-2 country code that exists in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code such as `SL` or `sl`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Choose a country.");
        }
        match COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code.as_str())) {
            Ok(_) => {
                let b = code.as_bytes();
                Ok(CountryCode([b[0], b[1]]))
            }
            Err(_) => Err("Choose a country from the list."),
        }
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        // Only ever built from an ASCII catalogue entry.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country's English short name.
    pub fn name(&self) -> &'static str {
        country_name(self.as_str())
    }
}

/// The English short name for a code, or the code itself when unknown.
pub fn country_name(code: &str) -> &'static str {
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .map(|i| COUNTRIES[i].1)
        .unwrap_or("Unknown country")
}

/// A person's role inside one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgRole {
    /// Manages the organisation's own members.
    Admin,
    /// Belongs to the organisation.
    Member,
}

impl OrgRole {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Member => "member",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "admin" => Ok(OrgRole::Admin),
            "member" => Ok(OrgRole::Member),
            _ => Err("Choose organisation admin or member."),
        }
    }

    /// How the role is shown.
    pub fn label(self) -> &'static str {
        match self {
            OrgRole::Admin => "Organisation admin",
            OrgRole::Member => "Member",
        }
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
    fn country_codes_come_from_the_catalogue() {
        assert_eq!(CountryCode::parse("sl").unwrap().as_str(), "SL");
        assert_eq!(CountryCode::parse("SL").unwrap().name(), "Sierra Leone");
        assert!(CountryCode::parse("QQ").is_err());
        assert!(CountryCode::parse("").is_err());
        assert!(CountryCode::parse("Sierra Leone").is_err());
    }

    #[test]
    fn catalogue_is_sorted_for_binary_search() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(COUNTRIES.len(), 250);
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
    fn kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(OrgKind::parse("militia").is_err());
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

/// Why an invitation link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationProblem {
    /// Someone already accepted it.
    Used,
    /// Its time ran out.
    Expired,
}

impl InvitationProblem {
    /// What the person opening the link is told.
    pub fn message(self) -> &'static str {
        match self {
            InvitationProblem::Used => "This invitation has already been used. Log in, or ask your administrator for a new one.",
            InvitationProblem::Expired => "This invitation has expired. Ask your administrator for a new one.",
        }
    }
}

/// Whether an invitation can still be accepted at `now`.
pub fn check_invitation(
    expires_at: i64,
    accepted_at: Option<i64>,
    now: i64,
) -> Result<(), InvitationProblem> {
    if accepted_at.is_some() {
        Err(InvitationProblem::Used)
    } else if now >= expires_at {
        Err(InvitationProblem::Expired)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod invitation_tests {
    use super::*;

    #[test]
    fn used_wins_over_expired() {
        assert_eq!(
            check_invitation(10, Some(5), 20),
            Err(InvitationProblem::Used)
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
}
