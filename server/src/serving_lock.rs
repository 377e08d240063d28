//! A lock file beside the database that every serving process holds shared, so `upstream
//! restore` (which needs it exclusively) refuses to swap the database under a running server.
//! `flock` locks are the kernel's: a server that crashes lets go of its lock at once.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The lock file of the database file `db_file`.
pub fn path_for(db_file: &Path) -> PathBuf {
    let mut p = db_file.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

fn open(db_file: &Path) -> std::io::Result<File> {
    let path = path_for(db_file);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

#[cfg(unix)]
fn try_flock(file: &File, exclusive: bool) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let op = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    } | libc::LOCK_NB;
    // SAFETY: `flock` on a file descriptor this `File` owns for the duration of the call.
    if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

#[cfg(not(unix))]
fn try_flock(_: &File, _: bool) -> std::io::Result<bool> {
    Ok(true)
}

impl ServingLock {
    /// Held by a serving process (several may serve one database); None while a restore holds
    /// the lock.
    pub fn shared(db_file: &Path) -> std::io::Result<Option<ServingLock>> {
        let file = open(db_file)?;
        Ok(try_flock(&file, false)?.then_some(ServingLock { _file: file }))
    }

    /// Held by a restore; None while any process serves the database.
    pub fn exclusive(db_file: &Path) -> std::io::Result<Option<ServingLock>> {
        let file = open(db_file)?;
        Ok(try_flock(&file, true)?.then_some(ServingLock { _file: file }))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn servers_share_the_lock_and_a_restore_needs_it_alone() {
        let dir = std::env::temp_dir().join(format!("upstream-lock-{}", uuid::Uuid::new_v4()));
        let db = dir.join("x.db");
        let a = ServingLock::shared(&db).unwrap();
        let b = ServingLock::shared(&db).unwrap();
        assert!(a.is_some() && b.is_some());
        assert!(ServingLock::exclusive(&db).unwrap().is_none());
        drop((a, b));
        let restore = ServingLock::exclusive(&db).unwrap();
        assert!(restore.is_some());
        assert!(ServingLock::shared(&db).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
