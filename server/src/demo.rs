//! Demo organisations and people, so a fresh install can be tried at once. Loaded only when
//! `UPSTREAM_DEMO_DATA` is on, and only into a database that has no demo admin yet.

use app::admin::db as admin_db;
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::db as auth_db;
use app::auth::domain::{NewPassword, PlatformRole};
use app::auth::password::hash_password;
use app::db::{now, Db};

/// The password every demo account shares.
pub const DEMO_PASSWORD: &str = "upstream-demo-2026";

/// A demo account: email, name, platform role, organisation index and role there.
pub struct DemoPerson {
    /// Login email.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Platform role.
    pub role: PlatformRole,
    /// Index into [`ORGANISATIONS`] and the role there.
    pub org: Option<(usize, OrgRole)>,
}

/// Demo organisations: one of each kind, as in a real country plan.
pub const ORGANISATIONS: [(&str, OrgKind, &str); 4] = [
    (
        "Ministry of Justice and Human Rights",
        OrgKind::Government,
        "XV",
    ),
    (
        "National Committee for the Prevention of Atrocity Crimes",
        OrgKind::Government,
        "XV",
    ),
    (
        "Valdoria Women's Peace Network",
        OrgKind::CivilSociety,
        "XV",
    ),
    ("Nordic Fund for Peaceful Societies", OrgKind::Donor, "NO"),
];

/// Demo people; the README lists them.
pub const PEOPLE: [DemoPerson; 5] = [
    DemoPerson {
        email: "admin@upstream.example",
        name: "Ines Albero",
        role: PlatformRole::Admin,
        org: None,
    },
    DemoPerson {
        email: "justice@upstream.example",
        name: "Tomas Reyl",
        role: PlatformRole::Member,
        org: Some((0, OrgRole::Admin)),
    },
    DemoPerson {
        email: "committee@upstream.example",
        name: "Grace Mbeki",
        role: PlatformRole::Member,
        org: Some((1, OrgRole::Member)),
    },
    DemoPerson {
        email: "civil@upstream.example",
        name: "Lina Osei",
        role: PlatformRole::Member,
        org: Some((2, OrgRole::Admin)),
    },
    DemoPerson {
        email: "donor@upstream.example",
        name: "Erik Sand",
        role: PlatformRole::Member,
        org: Some((3, OrgRole::Admin)),
    },
];

/// Why demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A database call failed.
    #[error(transparent)]
    Db(#[from] app::db::DbError),
    /// Hashing the demo password failed.
    #[error("{0}")]
    App(#[from] app::error::AppError),
}

/// Loads the demo data unless it is already there.
pub async fn load(db: &Db) -> Result<bool, DemoError> {
    if auth_db::email_taken(db, PEOPLE[0].email).await? {
        return Ok(false);
    }
    let now = now();
    let mut org_ids = Vec::new();
    for (name, kind, country) in ORGANISATIONS {
        let id = match admin_db::list_organisations(db)
            .await?
            .into_iter()
            .find(|o| o.name == name)
        {
            Some(existing) => existing.id,
            None => admin_db::insert_organisation(db, name, kind, country, now).await?,
        };
        org_ids.push(id);
    }
    let password = NewPassword::parse(DEMO_PASSWORD, DEMO_PASSWORD)
        .map_err(|(_, m)| app::error::AppError::Conflict(m.to_owned()))?;
    let hash = hash_password(password).await?;
    for p in PEOPLE.iter() {
        if auth_db::email_taken(db, p.email).await? {
            continue;
        }
        let id = auth_db::insert_person(db, p.email, p.name, &hash, p.role, now).await?;
        if let Some((org, role)) = p.org {
            admin_db::add_membership(db, id, org_ids[org], role, now).await?;
        }
    }
    tracing::info!("demo data loaded");
    Ok(true)
}
