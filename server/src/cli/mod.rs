//! Commands of the server binary besides serving: creating the first administrator,
//! verifying the audit trail (`verify`), backing up and restoring (`backup`), and moving a
//! SQLite database to PostgreSQL (`migrate_to`).

pub mod backup;
pub mod copy_check;
pub mod migrate_to;
pub mod verify;

use std::io::{BufRead, IsTerminal, Write};

use app::auth::db as auth_db;
use app::auth::domain::{NewPassword, Owner};
use app::auth::password::hash_password;
use app::foundation::people::{Email, PersonName, PlatformRole};

use crate::config::Config;
use crate::startup::open_database;

/// What went wrong with a command; printed to the operator.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or input.
    #[error("{0}")]
    Usage(String),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] app::db::DbError),
    /// Hashing failed.
    #[error("{0}")]
    App(#[from] app::error::AppError),
    /// The audit chain is broken.
    #[error("audit trail broken: {0}")]
    Broken(#[from] app::foundation::audit::domain::ChainFault),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The key or checkpoint file could not be had.
    #[error("{0}")]
    Startup(#[from] crate::startup::StartupError),
    /// A copy of the database could not be read.
    #[error("reading the copy: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// The command refused, for the reason given.
    #[error("{0}")]
    Refused(String),
}

fn read_password(prompt: &str) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        Ok(rpassword::prompt_password(prompt)?)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// `upstream create-admin --email E [--name N]`: the password is prompted for, or read from
/// the first line of standard input when it is not a terminal.
pub async fn create_admin(config: &Config, args: &[String]) -> Result<(), CliError> {
    let mut email = None;
    let mut name = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--email" => email = it.next().cloned(),
            "--name" => name = it.next().cloned(),
            other => {
                return Err(CliError::Usage(format!(
                    "unknown argument {other:?}; usage: create-admin --email EMAIL [--name NAME]"
                )))
            }
        }
    }
    let email = Email::parse(email.as_deref().unwrap_or(""))
        .map_err(|m| CliError::Usage(format!("--email: {m}")))?;
    let name = PersonName::parse(name.as_deref().unwrap_or("Administrator"))
        .map_err(|m| CliError::Usage(format!("--name: {m}")))?;
    let first = read_password(
        "Password (at least 12 characters; not a common one, and without the email or name): ",
    )?;
    let second = if std::io::stdin().is_terminal() {
        read_password("Password again: ")?
    } else {
        first.clone()
    };
    let owner = Owner {
        email: email.as_str(),
        name: name.as_str(),
    };
    let password = NewPassword::parse(&first, &second, &owner)
        .map_err(|(_, m)| CliError::Usage(m.to_owned()))?;
    let db = open_database(&config.database_url).await?;
    if auth_db::email_taken(&db, email.as_str()).await? {
        return Err(CliError::Usage(format!(
            "an account with {email} already exists"
        )));
    }
    let hash = hash_password(password).await?;
    let id = auth_db::insert_person(
        &db,
        email.as_str(),
        name.as_str(),
        &hash,
        PlatformRole::Admin,
        app::db::now(),
    )
    .await?;
    db.close().await;
    let mut out = std::io::stdout();
    writeln!(out, "Administrator {email} created (id {id}).")?;
    Ok(())
}

/// Walks the audit trail's hash chain over `db` (without its checkpoints): the number of
/// entries when it holds, or [`CliError::Broken`] naming the first fault.
pub async fn verify_audit_chain(db: &app::db::Db) -> Result<usize, CliError> {
    use app::foundation::audit::chain::{walk, GENESIS};
    let entries = app::foundation::audit::record::entries_from(db, 1).await?;
    match walk(1, GENESIS, &entries).into_iter().next() {
        Some(fault) => Err(fault.into()),
        None => Ok(entries.len()),
    }
}
