//! The people vocabulary every feature shares: who someone is (their account, platform role
//! and organisations) and the typed forms of what identifies them. No leptos, no sqlx.

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

/// Names longer than this are almost certainly a mistake or an attack.
pub const MAX_NAME_CHARS: usize = 120;

/// A syntactically plausible email address, trimmed and lower-cased so that one person
/// cannot hold two accounts that differ only in case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Parses an email address typed by a person.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.");
        }
        if email.chars().count() > 254 {
            return Err("That email address is too long.");
        }
        crate::foundation::text::check_line(&email)?;
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address like name@example.org.");
        };
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !valid_domain
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
            || domain.contains('@')
        {
            return Err("Enter an email address like name@example.org.");
        }
        Ok(Email(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: trimmed, non-empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a display name.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a name.");
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err("Names can be at most 120 characters.");
        }
        crate::foundation::text::check_line(name)?;
        Ok(PersonName(name.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person may do across the whole platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlatformRole {
    /// Manages organisations and people.
    Admin,
    /// Everyone else.
    Member,
}

impl PlatformRole {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Admin => "admin",
            PlatformRole::Member => "member",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "admin" => Ok(PlatformRole::Admin),
            "member" => Ok(PlatformRole::Member),
            _ => Err("Choose administrator or member."),
        }
    }

    /// How the role is shown.
    pub fn label(self) -> &'static str {
        match self {
            PlatformRole::Admin => "Administrator",
            PlatformRole::Member => "Member",
        }
    }
}

/// A person as the rest of the app sees them (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Database id.
    pub id: i64,
    /// Normalised email, used to log in.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Platform-wide role.
    pub platform_role: PlatformRole,
    /// False once an administrator deactivated the account.
    pub active: bool,
}

impl Person {
    /// True for an active platform administrator.
    pub fn is_admin(&self) -> bool {
        self.active && self.platform_role == PlatformRole::Admin
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

/// One organisation a person belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: OrgKind,
    /// The person's role in it.
    pub role: OrgRole,
}

/// The logged-in person and their organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// Who they are.
    pub person: Person,
    /// Where they belong.
    pub memberships: Vec<Membership>,
}

impl Viewer {
    /// True when they administer at least one organisation.
    pub fn is_org_admin(&self) -> bool {
        self.memberships.iter().any(|m| m.role == OrgRole::Admin)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_emails_refuse_direction_controls() {
        use crate::foundation::text::DIRECTION_CONTROL_MESSAGE;
        assert_eq!(
            PersonName::parse("Grace \u{202E}ikebM"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
        assert_eq!(
            Email::parse("grace\u{2066}@example.org"),
            Err(DIRECTION_CONTROL_MESSAGE)
        );
        // Marks that settle punctuation next to right-to-left names are kept.
        assert!(PersonName::parse("\u{200F}ليلى\u{200F} (Lina)").is_ok());
    }

    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Amina@Example.ORG ").unwrap().as_str(),
            "amina@example.org"
        );
    }

    #[test]
    fn email_without_at_or_domain_dot_is_refused() {
        for bad in [
            "",
            "amina",
            "amina@",
            "@example.org",
            "amina@example",
            "a b@example.org",
            "a@b@c.org",
            "a@example..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn name_must_be_present_and_bounded() {
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(121)).is_err());
        assert_eq!(PersonName::parse(" Amina ").unwrap().as_str(), "Amina");
    }

    #[test]
    fn role_round_trips() {
        for role in [PlatformRole::Admin, PlatformRole::Member] {
            assert_eq!(PlatformRole::parse(role.as_str()), Ok(role));
        }
        assert!(PlatformRole::parse("root").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(OrgKind::parse("militia").is_err());
    }
}
