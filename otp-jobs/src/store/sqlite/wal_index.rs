//! Whether any connection, of this process or another, committed to a database file since a
//! reading, without a statement: the first copy of the WAL-index header (the first 48 bytes of
//! the `-shm` file beside a database in WAL mode) changes with every commit, since it holds the
//! change counter, the last valid frame of the WAL and their checksums (SQLite's WAL-mode file
//! format). It is one small read of a file that SQLite keeps in shared memory, so the stager can
//! look every stage interval and run its round only when something changed or a job fell due.

use std::collections::hash_map::DefaultHasher;
use std::ffi::OsString;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The bytes of the first copy of the header.
const HEADER: usize = 48;

/// The WAL index of one database file.
#[derive(Debug, Clone)]
pub(super) struct WalIndex {
    shm: PathBuf,
}

impl WalIndex {
    /// The WAL index of the database at `database` (its name with `-shm` appended).
    pub(super) fn beside(database: &Path) -> Self {
        let mut shm = OsString::from(database.as_os_str());
        shm.push("-shm");
        Self { shm: shm.into() }
    }

    /// A digest of the header: equal to an earlier one, no commit happened in between. `None`
    /// when the file cannot be read (every connection to the database closed, which removes
    /// it), which tells nothing.
    ///
    /// A writer may be changing the header while it is read: the digest then differs from
    /// every other, which costs one round that finds nothing.
    pub(super) fn version(&self) -> Option<u64> {
        let mut header = [0_u8; HEADER];
        File::open(&self.shm).ok()?.read_exact(&mut header).ok()?;
        let mut hasher = DefaultHasher::new();
        header.hash(&mut hasher);
        Some(hasher.finish())
    }
}
