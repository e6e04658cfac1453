//! A SQLite file for a test, in a directory of its own, removed when dropped (also when the test
//! fails).

use std::path::PathBuf;

/// A scratch directory under the system's temporary one, holding `jobs.db`.
pub(crate) struct SqliteFile(PathBuf);

impl SqliteFile {
    /// A new, empty directory; `label` names it after the test.
    pub(crate) fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "otp-jobs-{label}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The database file's path (not created until a store opens it).
    pub(crate) fn path(&self) -> PathBuf {
        self.0.join("jobs.db")
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
