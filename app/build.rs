//! Build-time facts the crate needs.
//!
//! - The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch their
//!   folder on stable Rust: without this, a new migration file is left out of the next build.
//! - The code this crate is built from, as a fingerprint (`UPSTREAM_CODE`, see
//!   `src/encoding.rs`): the server and the browser bundle are two builds of these sources, and
//!   a value one writes can be read by the other only when both were built from the same
//!   sources. The fingerprint covers every file under `src/` and the locked dependencies
//!   (`Cargo.lock`), by path and content; it is FNV-1a, computed here rather than by std's
//!   hasher, whose output may differ between the two compilers building the two halves
//!   (`scripts/build`: rustup's, or Debian's `rustc-web` for the bundle).
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../Cargo.lock");

    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    let mut hash = Fnv1a::new();
    for file in &files {
        hash.write(file.to_string_lossy().as_bytes());
        hash.write(&read(file));
    }
    hash.write(&read(Path::new("../Cargo.lock")));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let code = hash.0.to_be_bytes();
    std::fs::write(
        out.join("code.rs"),
        format!("/// The fingerprint of the sources (app/build.rs).\npub const CODE: [u8; 8] = {code:?};\n"),
    )
    .expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {dir:?}: {e}"));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {path:?}: {e}"))
}

/// 64-bit FNV-1a: a few lines, the same on every compiler.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // The length ends each part, so moving bytes from one file into the next changes it.
        for byte in (bytes.len() as u64).to_le_bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
