//! Captures the `tracing` events of the test's thread, as text.

use std::io;
use std::sync::{Arc, Mutex};

use tracing::subscriber::DefaultGuard;

/// A `MakeWriter` that appends every log line to a shared buffer.
#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    /// The lines logged with target `otp_core::sys`.
    pub fn sys_lines(&self) -> Vec<String> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .expect("utf-8 logs")
            .lines()
            .filter(|line| line.contains("otp_core::sys"))
            .map(str::to_owned)
            .collect()
    }
}

/// Captures this thread's logs (the test's current-thread runtime runs every server on it).
pub fn capture() -> (Buffer, DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (buffer, guard)
}
