//! What an audit entry is, the kinds of event recorded, and the trail's filter: no leptos, no
//! sqlx.

use serde::{Deserialize, Serialize};

/// The kinds of event the trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditKind {
    /// A successful login.
    Login,
    /// A refused login (wrong password, unknown or deactivated account).
    LoginFailed,
    /// A plan role granted or changed.
    RoleChange,
    /// An organisation membership changed or removed, or an invitation to join one made,
    /// accepted, declined or withdrawn.
    Membership,
    /// Any other administrator action (organisations, people, invitations).
    Admin,
    /// A section body saved or restored.
    SectionSave,
    /// A checklist item changed.
    ChecklistChange,
    /// A review decision: submitted, approved, changes requested.
    Review,
    /// The plan's approval rule changed.
    RuleChange,
    /// The plan approved as a numbered version.
    PlanApproval,
    /// The plan created, or its sections added, renamed, moved, removed or restored.
    PlanChange,
}

impl AuditKind {
    /// Every kind, in the order filters list them.
    pub const ALL: [AuditKind; 11] = [
        AuditKind::Login,
        AuditKind::LoginFailed,
        AuditKind::RoleChange,
        AuditKind::Membership,
        AuditKind::Admin,
        AuditKind::SectionSave,
        AuditKind::ChecklistChange,
        AuditKind::Review,
        AuditKind::RuleChange,
        AuditKind::PlanApproval,
        AuditKind::PlanChange,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Login => "login",
            AuditKind::LoginFailed => "login_failed",
            AuditKind::RoleChange => "role_change",
            AuditKind::Membership => "membership",
            AuditKind::Admin => "admin",
            AuditKind::SectionSave => "section_save",
            AuditKind::ChecklistChange => "checklist_change",
            AuditKind::Review => "review",
            AuditKind::RuleChange => "rule_change",
            AuditKind::PlanApproval => "plan_approval",
            AuditKind::PlanChange => "plan_change",
        }
    }

    /// Parses the stored or submitted form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// How the kind is shown.
    pub fn label(self) -> &'static str {
        match self {
            AuditKind::Login => "Login",
            AuditKind::LoginFailed => "Failed login",
            AuditKind::RoleChange => "Plan role change",
            AuditKind::Membership => "Membership change",
            AuditKind::Admin => "Administration",
            AuditKind::SectionSave => "Section save",
            AuditKind::ChecklistChange => "Checklist change",
            AuditKind::Review => "Review decision",
            AuditKind::RuleChange => "Approval rule change",
            AuditKind::PlanApproval => "Plan approval",
            AuditKind::PlanChange => "Plan or section change",
        }
    }
}

/// An event to append to the trail (the sequence number, time and hashes are added when it
/// is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// Who acted (none for a failed login by an unknown account).
    pub person: Option<i64>,
    /// From where.
    pub ip: Option<String>,
    /// What kind of event.
    pub kind: AuditKind,
    /// The plan it concerns, if any.
    pub plan_id: Option<i64>,
    /// What it was about, in words ("section 4", "person 7", an email).
    pub subject: String,
    /// The particulars, as a JSON object.
    pub details: String,
}

impl NewEntry {
    /// An entry of `kind` about `subject`; add the rest with the builder methods.
    pub fn new(kind: AuditKind, subject: impl Into<String>) -> Self {
        NewEntry {
            person: None,
            ip: None,
            kind,
            plan_id: None,
            subject: subject.into(),
            details: "{}".to_owned(),
        }
    }

    /// About `subject` instead (when it is known only once the change is written).
    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// Done by `person`.
    pub fn by(mut self, person: i64) -> Self {
        self.person = Some(person);
        self
    }

    /// About plan `plan_id`.
    pub fn plan(mut self, plan_id: i64) -> Self {
        self.plan_id = Some(plan_id);
        self
    }

    /// From address `ip`.
    pub fn from_ip(mut self, ip: impl Into<String>) -> Self {
        self.ip = Some(ip.into());
        self
    }

    /// With these particulars (a JSON value).
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details.to_string();
        self
    }
}

/// A stored entry, as the chain and the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (unix seconds).
    pub at: i64,
    /// Who.
    pub person: Option<i64>,
    /// From where.
    pub ip: Option<String>,
    /// The stored kind.
    pub kind: String,
    pub plan_id: Option<i64>,
    /// About what.
    pub subject: String,
    /// Particulars (JSON).
    pub details: String,
    /// The previous entry's hash (the genesis value for the first).
    pub prev_hash: String,
    /// This entry's hash (format 2 hashes start with `v2:`; see `chain`).
    pub hash: String,
    /// The random salt its content is digested with (format 2; none before it).
    pub salt: Option<String>,
}

/// Something wrong inside the chain itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainFault {
    /// An entry's content no longer matches its hash: it was edited.
    #[error("edited entry: entry {seq}'s content does not match its hash (changed after it was written)")]
    Edited {
        /// The entry.
        seq: i64,
    },
    /// An entry does not point at the entry before it: that one was rewritten (and given a
    /// hash of its own), or this one inserted.
    #[error("broken link: entry {seq} does not follow the entry before it (that entry was rewritten, or this one inserted)")]
    Unlinked {
        /// The entry.
        seq: i64,
    },
    /// Entries missing from the middle of the trail.
    #[error("gap: {} missing from the middle of the trail", seqs(*from, *to))]
    Gap {
        /// The first missing entry.
        from: i64,
        /// The last missing entry.
        to: i64,
    },
}

/// "entry 4" or "entries 4-9".
pub fn seqs(from: i64, to: i64) -> String {
    if from == to {
        format!("entry {from}")
    } else {
        format!("entries {from}-{to}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_form() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AuditKind::parse("nonsense"), None);
    }
}
