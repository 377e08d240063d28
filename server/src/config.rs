//! Configuration from the environment, with defaults that run a local demo.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable holds a value that cannot be used.
    #[error("{name} is not valid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable lines with the same fields.
    Text,
}

/// Everything the server reads from its environment. The README documents each variable.
#[derive(Debug, Clone)]
pub struct Config {
    /// `UPSTREAM_DATABASE_URL`, default `sqlite://data/upstream.db`.
    pub database_url: String,
    /// `UPSTREAM_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `UPSTREAM_DEMO_DATA`, default false: load demo organisations and people at start-up.
    pub demo_data: bool,
    /// `UPSTREAM_SECURE_COOKIES`, default false: mark the session cookie `Secure` (set it
    /// whenever the app is served over HTTPS).
    pub secure_cookies: bool,
    /// `UPSTREAM_SITE_ROOT`, default `target/site`: where `pkg/` (JS, wasm, CSS) lives.
    pub site_root: PathBuf,
    /// `UPSTREAM_PUBLIC_URL`, optional: the base of links shown to people (invitations).
    pub public_url: Option<String>,
    /// `UPSTREAM_LOG_FORMAT`, `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `UPSTREAM_MAX_BODY_BYTES`, default 262144: larger request bodies get 413.
    pub max_body_bytes: usize,
    /// `UPSTREAM_INVITATION_TTL_HOURS`, default 168 (a week).
    pub invitation_ttl_hours: i64,
    /// `UPSTREAM_PAGE_CACHE_MIB`, default 64: memory for rendered pages kept per viewer until
    /// the next write; 0 turns the page cache off.
    pub page_cache_mib: usize,
    /// `UPSTREAM_AUDIT_KEY`, default `audit-signing.key` beside the database: the Ed25519 key
    /// that signs the audit trail's checkpoints (made, owner-only, on first start).
    pub audit_key: PathBuf,
    /// `UPSTREAM_AUDIT_CHECKPOINTS`, default the database file's name plus
    /// `.audit-checkpoints`: the append-only file of signed checkpoints.
    pub audit_checkpoints: PathBuf,
    /// `UPSTREAM_AUDIT_CHECKPOINT_SECS`, default 300: how often, at most, a checkpoint is
    /// signed while entries are being added (sooner after 500 entries).
    pub audit_checkpoint_secs: u64,
}

/// Where the files kept beside the database go by default: the key and the checkpoint file.
fn beside_database(database_url: &str) -> (PathBuf, PathBuf) {
    let file =
        app::db::sqlite_file(database_url).unwrap_or_else(|| PathBuf::from("data/upstream.db"));
    let dir = file.parent().map(PathBuf::from).unwrap_or_default();
    let mut checkpoints = file.into_os_string();
    checkpoints.push(".audit-checkpoints");
    (dir.join("audit-signing.key"), PathBuf::from(checkpoints))
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name)
        .as_deref()
        .map(str::trim)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("expected true or false, got {other:?}"),
        }),
    }
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let log_format = match var("UPSTREAM_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "UPSTREAM_LOG_FORMAT",
                    reason: format!("expected text or json, got {other:?}"),
                })
            }
        };
        let database_url =
            var("UPSTREAM_DATABASE_URL").unwrap_or_else(|| "sqlite://data/upstream.db".to_owned());
        let (key, checkpoints) = beside_database(&database_url);
        Ok(Config {
            audit_key: var("UPSTREAM_AUDIT_KEY").map(PathBuf::from).unwrap_or(key),
            audit_checkpoints: var("UPSTREAM_AUDIT_CHECKPOINTS")
                .map(PathBuf::from)
                .unwrap_or(checkpoints),
            audit_checkpoint_secs: parsed("UPSTREAM_AUDIT_CHECKPOINT_SECS", 300)?,
            database_url,
            addr: parsed("UPSTREAM_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            demo_data: flag("UPSTREAM_DEMO_DATA", false)?,
            secure_cookies: flag("UPSTREAM_SECURE_COOKIES", false)?,
            site_root: PathBuf::from(
                var("UPSTREAM_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            ),
            public_url: var("UPSTREAM_PUBLIC_URL"),
            log_format,
            max_body_bytes: parsed("UPSTREAM_MAX_BODY_BYTES", 256 * 1024)?,
            invitation_ttl_hours: parsed("UPSTREAM_INVITATION_TTL_HOURS", 168)?,
            page_cache_mib: parsed("UPSTREAM_PAGE_CACHE_MIB", 64)?,
        })
    }

    /// A configuration for tests: a fresh database file (with its key and checkpoint file
    /// beside it), a free port, no demo data.
    pub fn for_tests(database_url: String) -> Config {
        let (audit_key, audit_checkpoints) = beside_database(&database_url);
        Config {
            audit_key,
            audit_checkpoints,
            audit_checkpoint_secs: 300,
            database_url,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo_data: false,
            secure_cookies: false,
            site_root: PathBuf::from("target/site"),
            public_url: None,
            log_format: LogFormat::Text,
            max_body_bytes: 256 * 1024,
            invitation_ttl_hours: 168,
            page_cache_mib: 64,
        }
    }
}
