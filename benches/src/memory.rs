//! The process's resident set, from `/proc/self/statm`.

/// Bytes per page on the Linux/x86-64 machines this suite runs on.
const PAGE_SIZE: u64 = 4096;

/// The resident set of this process in bytes (second field of `/proc/self/statm`), or 0 where
/// there is no procfs.
#[must_use]
pub fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse::<u64>().ok())
        .map_or(0, |pages| pages * PAGE_SIZE)
}
