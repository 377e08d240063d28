//! Taking checkpoints: the append-only checkpoint file and the [`Checkpointer`] that signs the
//! trail's head into it (and into the log), at start-up, every few minutes or entries while
//! serving, at shutdown, before a backup and for an export.
//!
//! A head is signed only if the trail still extends the last checkpoint (the entry at its count
//! still has the hash signed, and every entry since hashes and links), so a trail tampered with
//! is never blessed by a fresh signature. Nothing here takes the writer lane: the head is read
//! like any page reads, and signing and the file write happen after, so saves never wait.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::chain::{walk, GENESIS};
use super::checkpoint::{parse_file, Checkpoint, PublicKey, SigningKey};
use super::domain::ChainFault;
use super::record::{entries_from, head};
use crate::db::{now, Db, DbError};

/// Why no checkpoint was signed.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// Reading the trail failed.
    #[error("reading the audit trail: {0}")]
    Db(#[from] DbError),
    /// Writing the checkpoint file failed.
    #[error("writing the checkpoint file {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// The trail no longer extends the last checkpoint: not signed, and an operator must look.
    #[error("the audit trail no longer extends its last signed checkpoint ({0}); not signing it; run `upstream verify-audit`")]
    DoesNotExtend(String),
}

/// Every line of the checkpoint file at `path`, numbered and parsed (none when it does not
/// exist yet).
pub fn read_file(path: &Path) -> std::io::Result<Vec<(usize, Result<Checkpoint, String>)>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_file(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Appends `c` as one line to the file at `path`, created owner-only when missing, and syncs
/// it to disk. One `write` of a whole line, in append mode: lines from two processes never
/// interleave.
pub fn append_line(path: &Path, c: &Checkpoint) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(format!("{}\n", c.to_line()).as_bytes())?;
    file.sync_data()
}

/// The checkpoint with the highest count among `lines` signed by `key`.
pub fn latest_signed(
    lines: &[(usize, Result<Checkpoint, String>)],
    key: &PublicKey,
) -> Option<Checkpoint> {
    lines
        .iter()
        .filter_map(|(_, c)| c.as_ref().ok())
        .filter(|c| key.check(c).is_ok())
        .max_by_key(|c| (c.count, c.at))
        .cloned()
}

/// Signs the trail's head into the checkpoint file. Cheap to clone.
#[derive(Clone)]
pub struct Checkpointer {
    inner: Arc<Inner>,
}

struct Inner {
    key: SigningKey,
    path: PathBuf,
    /// The last checkpoint this process knows of; the lock also keeps two checkpoints of
    /// one process from racing.
    last: tokio::sync::Mutex<Option<Checkpoint>>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpointer")
            .field("path", &self.inner.path)
            .field("key", &self.inner.key.public().key_id())
            .finish()
    }
}

impl Checkpointer {
    /// A checkpointer signing with `key` into the file at `path`, continuing from the latest
    /// checkpoint there that `key` signed.
    pub fn open(key: SigningKey, path: PathBuf) -> std::io::Result<Checkpointer> {
        let lines = read_file(&path)?;
        let last = latest_signed(&lines, &key.public());
        Ok(Checkpointer {
            inner: Arc::new(Inner {
                key,
                path,
                last: tokio::sync::Mutex::new(last),
            }),
        })
    }

    /// The key that checks this checkpointer's signatures.
    pub fn public_key(&self) -> PublicKey {
        self.inner.key.public()
    }

    /// The checkpoint file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The latest checkpoint this process knows of.
    pub async fn latest(&self) -> Option<Checkpoint> {
        self.inner.last.lock().await.clone()
    }

    /// Signs the trail's current head (unless the latest checkpoint already covers it) and
    /// returns the checkpoint that now covers it.
    pub async fn checkpoint(&self, db: &Db) -> Result<Checkpoint, CheckpointError> {
        let mut last = self.inner.last.lock().await;
        let since = last.as_ref().map_or(0, |c| c.count);
        // The entry at the last count too, to check it still has the hash signed.
        let entries = entries_from(db, since.max(1)).await?;
        let previous = last.clone();
        let (count, head_hash) = tokio::task::spawn_blocking(move || extends(previous, entries))
            .await
            .map_err(|e| CheckpointError::DoesNotExtend(format!("check interrupted: {e}")))?
            .map_err(CheckpointError::DoesNotExtend)?;
        if let Some(c) = last.as_ref().filter(|c| c.count == count) {
            return Ok(c.clone());
        }
        let signed = self.inner.key.sign(count, &head_hash, now());
        let path = self.inner.path.clone();
        let line = signed.clone();
        tokio::task::spawn_blocking(move || append_line(&path, &line))
            .await
            .map_err(|e| CheckpointError::Io(self.inner.path.clone(), std::io::Error::other(e)))?
            .map_err(|e| CheckpointError::Io(self.inner.path.clone(), e))?;
        // The log keeps a second copy, out of the database's and the file's reach.
        tracing::info!(
            count = signed.count,
            head = %signed.head,
            at = signed.at,
            key = %signed.key,
            sig = %signed.sig,
            "audit checkpoint signed"
        );
        *last = Some(signed.clone());
        Ok(signed)
    }
}

/// The head of `entries` (read from the last checkpoint's count on) if they extend `last`,
/// or what is wrong.
fn extends(
    last: Option<Checkpoint>,
    entries: Vec<super::domain::AuditEntry>,
) -> Result<(i64, String), String> {
    let (first, prev, rest) = match &last {
        None => (1, GENESIS.to_owned(), &entries[..]),
        Some(c) if c.count == 0 => (1, c.head.clone(), &entries[..]),
        Some(c) => match entries.first() {
            Some(e) if e.seq == c.count && e.hash == c.head => {
                (c.count + 1, c.head.clone(), &entries[1..])
            }
            Some(e) if e.seq == c.count => {
                return Err(format!(
                    "entry {} no longer has the hash signed at count {}",
                    e.seq, c.count
                ))
            }
            _ => return Err(format!("entry {} is gone", c.count)),
        },
    };
    let faults: Vec<ChainFault> = walk(first, &prev, rest);
    if let Some(fault) = faults.first() {
        return Err(fault.to_string());
    }
    Ok(match rest.last() {
        Some(e) => (e.seq, e.hash.clone()),
        None => (first - 1, prev),
    })
}

/// How often the background task looks at the head.
const TICK: Duration = Duration::from_secs(10);

/// Sign sooner than the period once this many entries are uncovered.
pub const ENTRIES_PER_CHECKPOINT: i64 = 500;

/// Checkpoints the trail while the database is open: once `period` has passed since the last
/// try with new entries, or as soon as [`ENTRIES_PER_CHECKPOINT`] have piled up.
pub fn spawn(checkpointer: Checkpointer, db: Db, period: Duration) {
    tokio::spawn(async move {
        let mut tried = Instant::now();
        loop {
            tokio::time::sleep(TICK.min(period)).await;
            if db.reader().is_closed() {
                break;
            }
            let covered = checkpointer.latest().await.map_or(0, |c| c.count);
            let Ok((seq, _)) = head(&db).await else {
                continue;
            };
            let due = seq > covered
                && (tried.elapsed() >= period || seq - covered >= ENTRIES_PER_CHECKPOINT);
            if !due {
                continue;
            }
            tried = Instant::now();
            if let Err(e) = checkpointer.checkpoint(&db).await {
                tracing::error!(error = %e, "audit checkpoint not signed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::audit::chain::tests::chain;

    #[test]
    fn a_trail_extends_its_last_checkpoint_only_while_untouched() {
        let key = SigningKey::generate();
        let c = chain(6);
        assert_eq!(extends(None, c.clone()), Ok((6, c[5].hash.clone())));
        assert_eq!(extends(None, vec![]), Ok((0, GENESIS.to_owned())));
        let at3 = key.sign(3, &c[2].hash, 1);
        assert_eq!(
            extends(Some(at3.clone()), c[2..].to_vec()),
            Ok((6, c[5].hash.clone()))
        );
        assert_eq!(
            extends(Some(at3.clone()), c[2..3].to_vec()),
            Ok((3, c[2].hash.clone()))
        );
        // The entry at the count gone, or rewritten.
        assert!(extends(Some(at3.clone()), c[3..].to_vec()).is_err());
        assert!(extends(Some(at3.clone()), vec![]).is_err());
        let mut edited = c[2..].to_vec();
        edited[0].hash = "v2:forged".into();
        assert!(extends(Some(at3.clone()), edited).is_err());
        let mut edited = c[2..].to_vec();
        edited[2].subject = "forged".into();
        assert_eq!(
            extends(Some(at3), edited),
            Err(ChainFault::Edited { seq: 5 }.to_string())
        );
    }

    #[test]
    fn the_latest_signed_checkpoint_is_the_highest_count_by_this_key() {
        let key = SigningKey::generate();
        let other = SigningKey::generate();
        let lines = vec![
            (1, Ok(key.sign(5, "a", 1))),
            (2, Ok(other.sign(9, "b", 2))),
            (3, Ok(key.sign(7, "c", 3))),
            (4, Err("junk".to_owned())),
            (5, Ok(key.sign(6, "d", 4))),
        ];
        assert_eq!(
            latest_signed(&lines, &key.public()).map(|c| c.count),
            Some(7)
        );
    }
}
