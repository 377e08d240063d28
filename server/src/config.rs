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
    /// A variable that other settings make necessary is not set.
    #[error("{name} is required {reason}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// When it is required, and what to set it to.
        reason: &'static str,
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
    /// `UPSTREAM_PUBLIC_URL`: the address people reach the app at, the base of the links it
    /// shows (invitations). Required with secure cookies (then `https://`); otherwise, when
    /// absent, links use the address the server listens on. Never the request's `Host`
    /// header, which whoever sends the request chooses.
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
    /// `UPSTREAM_TRUSTED_PROXIES`, default none: the addresses of reverse proxies whose
    /// `X-Forwarded-For` names the client (see `crate::forwarded`), comma-separated.
    pub trusted_proxies: Vec<std::net::IpAddr>,
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
/// With a database server rather than a file: `data/audit-signing.key`, `data/audit-checkpoints`.
fn beside_database(database_url: &str) -> (PathBuf, PathBuf) {
    let Some(file) = app::db::sqlite_file(database_url) else {
        let dir = PathBuf::from("data");
        return (dir.join("audit-signing.key"), dir.join("audit-checkpoints"));
    };
    let dir = file.parent().map(PathBuf::from).unwrap_or_default();
    let mut checkpoints = file.into_os_string();
    checkpoints.push(".audit-checkpoints");
    (dir.join("audit-signing.key"), PathBuf::from(checkpoints))
}

/// Where variables are read from: the environment, or a table in tests.
type Vars<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(vars: Vars, name: &str) -> Option<String> {
    vars(name).filter(|v| !v.trim().is_empty())
}

fn flag(vars: Vars, name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(vars, name)
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

fn parsed<T: std::str::FromStr>(
    vars: Vars,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(vars, name) {
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

/// A comma-separated list of IP addresses (none when unset).
fn addresses(vars: Vars, name: &'static str) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    let Some(raw) = var(vars, name) else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse().map_err(|_| ConfigError::Invalid {
                name,
                reason: format!(
                    "{a:?} is not an IP address (give the proxies' addresses, comma-separated)"
                ),
            })
        })
        .collect()
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&|name| std::env::var(name).ok())
    }

    /// Reads the configuration from `vars` and checks it (see [`Config::check`]).
    pub fn from_vars(vars: Vars) -> Result<Config, ConfigError> {
        let log_format = match var(vars, "UPSTREAM_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "UPSTREAM_LOG_FORMAT",
                    reason: format!("expected text or json, got {other:?}"),
                })
            }
        };
        let database_url = var(vars, "UPSTREAM_DATABASE_URL")
            .unwrap_or_else(|| "sqlite://data/upstream.db".to_owned());
        let (key, checkpoints) = beside_database(&database_url);
        let config = Config {
            audit_key: var(vars, "UPSTREAM_AUDIT_KEY")
                .map(PathBuf::from)
                .unwrap_or(key),
            audit_checkpoints: var(vars, "UPSTREAM_AUDIT_CHECKPOINTS")
                .map(PathBuf::from)
                .unwrap_or(checkpoints),
            audit_checkpoint_secs: parsed(vars, "UPSTREAM_AUDIT_CHECKPOINT_SECS", 300)?,
            database_url,
            addr: parsed(
                vars,
                "UPSTREAM_ADDR",
                SocketAddr::from(([127, 0, 0, 1], 3000)),
            )?,
            demo_data: flag(vars, "UPSTREAM_DEMO_DATA", false)?,
            secure_cookies: flag(vars, "UPSTREAM_SECURE_COOKIES", false)?,
            site_root: PathBuf::from(
                var(vars, "UPSTREAM_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            ),
            public_url: var(vars, "UPSTREAM_PUBLIC_URL")
                .map(|url| url.trim().trim_end_matches('/').to_owned()),
            log_format,
            max_body_bytes: parsed(vars, "UPSTREAM_MAX_BODY_BYTES", 256 * 1024)?,
            invitation_ttl_hours: parsed(vars, "UPSTREAM_INVITATION_TTL_HOURS", 168)?,
            page_cache_mib: parsed(vars, "UPSTREAM_PAGE_CACHE_MIB", 64)?,
            trusted_proxies: addresses(vars, "UPSTREAM_TRUSTED_PROXIES")?,
        };
        config.check()?;
        Ok(config)
    }

    /// Refuses settings that cannot work together: with secure cookies the app is served over
    /// HTTPS behind a name people know, and links it shows must use that name (a request's
    /// `Host` header is whatever its sender wrote, so a link built from it could send an
    /// invitation's token to someone else's site).
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |reason: &str| ConfigError::Invalid {
            name: "UPSTREAM_PUBLIC_URL",
            reason: reason.to_owned(),
        };
        match &self.public_url {
            None if self.secure_cookies => Err(ConfigError::Missing {
                name: "UPSTREAM_PUBLIC_URL",
                reason: "when UPSTREAM_SECURE_COOKIES is on: set it to the https:// address \
                         people reach the app at (invitation links are built from it)",
            }),
            None => Ok(()),
            Some(url) => {
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"))
                    .ok_or_else(|| invalid("expected an address starting with https://"))?;
                let host = rest.split('/').next().unwrap_or("");
                if host.is_empty()
                    || url.contains(['?', '#'])
                    || url.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(invalid(
                        "expected an address like https://upstream.example.org, with no \
                         query or fragment",
                    ));
                }
                if self.secure_cookies && !url.starts_with("https://") {
                    return Err(invalid(
                        "it must start with https:// when UPSTREAM_SECURE_COOKIES is on",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The base of the links the app shows (invitations): [`Config::public_url`], else the
    /// address the server listens on (`bound`, which knows the port when 0 was asked for).
    pub fn link_base(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None => format!("http://{bound}"),
        }
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
            trusted_proxies: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(&|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        let ok = config(&[("UPSTREAM_TRUSTED_PROXIES", "10.0.0.2, ::1")]).expect("accepted");
        assert_eq!(ok.trusted_proxies.len(), 2);
        let refused = config(&[("UPSTREAM_TRUSTED_PROXIES", "10.0.0.0/8")]).unwrap_err();
        assert!(refused.to_string().contains("10.0.0.0/8"), "{refused}");
        assert!(config(&[]).expect("defaults").trusted_proxies.is_empty());
    }

    #[test]
    fn secure_cookies_need_the_public_https_address() {
        let refused = config(&[("UPSTREAM_SECURE_COOKIES", "true")]).unwrap_err();
        assert!(
            refused.to_string().contains("UPSTREAM_PUBLIC_URL")
                && refused.to_string().contains("required"),
            "{refused}"
        );
        let plain = config(&[
            ("UPSTREAM_SECURE_COOKIES", "true"),
            ("UPSTREAM_PUBLIC_URL", "http://upstream.example.org"),
        ]);
        assert!(plain.is_err());
        let ok = config(&[
            ("UPSTREAM_SECURE_COOKIES", "true"),
            ("UPSTREAM_PUBLIC_URL", "https://upstream.example.org/"),
        ])
        .expect("accepted");
        assert_eq!(
            ok.public_url.as_deref(),
            Some("https://upstream.example.org")
        );
    }

    #[test]
    fn a_public_address_is_a_bare_http_or_https_address() {
        for bad in [
            "upstream.example.org",
            "https://",
            "https://x.org/?a=1",
            "javascript:x",
        ] {
            assert!(config(&[("UPSTREAM_PUBLIC_URL", bad)]).is_err(), "{bad}");
        }
        let local = config(&[]).expect("the defaults run");
        assert_eq!(
            local.link_base(SocketAddr::from(([127, 0, 0, 1], 3000))),
            "http://127.0.0.1:3000"
        );
    }
}
