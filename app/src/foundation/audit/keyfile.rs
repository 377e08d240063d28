//! The file holding the checkpoint signing key: outside the database (and its backups), made
//! on first start readable by its owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::checkpoint::{PublicKey, SigningKey};

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// There is no key file.
    #[error("no audit signing key at {0}")]
    Missing(PathBuf),
    /// It could not be read or written.
    #[error("audit signing key {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// It holds something else.
    #[error("audit signing key {0} does not hold a key (64 hex digits)")]
    Malformed(PathBuf),
}

const HEADER: &str = "# Upstream audit checkpoint signing key (Ed25519 secret, hex).\n# Keep it secret and apart from the database and its backups; publish only the\n# fingerprint that `upstream verify-audit` prints.\n";

/// The key in `path`.
pub fn load(path: &Path) -> Result<SigningKey, KeyError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyError::Missing(path.to_owned()))
        }
        Err(e) => return Err(KeyError::Io(path.to_owned(), e)),
    };
    warn_if_readable_by_others(path);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(SigningKey::from_hex)
        .ok_or_else(|| KeyError::Malformed(path.to_owned()))
}

/// The public half of the key in `path`.
pub fn load_public(path: &Path) -> Result<PublicKey, KeyError> {
    load(path).map(|k| k.public())
}

/// The key in `path`, made there (owner-only) when there is none yet; true when it was made.
pub fn load_or_create(path: &Path) -> Result<(SigningKey, bool), KeyError> {
    match load(path) {
        Err(KeyError::Missing(_)) => {}
        other => return other.map(|k| (k, false)),
    }
    let key = SigningKey::generate();
    let io = |e| KeyError::Io(path.to_owned(), e);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    // `create_new`: two servers starting at once cannot each write a key over the other's.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(format!("{HEADER}{}\n", key.to_hex()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(io)?;
            Ok((key, true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load(path).map(|k| (k, false)),
        Err(e) => Err(io(e)),
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the audit signing key can be read by others than its owner; chmod 600 it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_owner_only_and_then_read_back() {
        let dir = std::env::temp_dir().join(format!("upstream-key-{}", rand::random::<u64>()));
        let path = dir.join("sub").join("audit.key");
        assert!(matches!(load(&path), Err(KeyError::Missing(_))));
        let (made, created) = load_or_create(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(again.public(), made.public());
        std::fs::write(&path, "# nothing here\n").unwrap();
        assert!(matches!(load(&path), Err(KeyError::Malformed(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
