//! The audit trail's recording side: what an entry is, the hash chain, the one write path
//! every audited change goes through ([`crate::db::Db::write_audited`]), and what makes the
//! trail checkable from outside: signed checkpoints of its head, their verification, and a
//! plan's trail exported for a partner to verify offline. The pages that read the trail are on
//! the top floor (`crate::pages::audit`).

#[cfg(feature = "ssr")]
pub mod chain;
pub mod checkpoint;
#[cfg(feature = "ssr")]
pub mod checkpointer;
pub mod domain;
pub mod export;
#[cfg(feature = "ssr")]
pub mod exporter;
#[cfg(feature = "ssr")]
pub mod keyfile;
#[cfg(feature = "ssr")]
pub mod record;
#[cfg(feature = "ssr")]
pub mod verify;

/// An entry of `kind` about `subject` by `person`, from the current request's client address:
/// the start of what every audited change made on someone's behalf records.
#[cfg(feature = "ssr")]
pub async fn entry_by(
    person: i64,
    kind: domain::AuditKind,
    subject: impl Into<String>,
) -> domain::NewEntry {
    domain::NewEntry::new(kind, subject)
        .by(person)
        .from_ip(crate::foundation::session::client_address().await)
}
