//! Captures the `tracing` events emitted on the test's own thread, as text.
//!
//! A test that runs its servers on a current-thread runtime sees every event they emit on its
//! own thread. The capture is one subscriber for the whole binary, installed once as the global
//! default, which writes an event only when the thread that emits it is capturing.
//!
//! Why not a scoped subscriber (`tracing::subscriber::set_default`) per test: tracing caches
//! each call site's interest. A site first reached on another thread, while a test's scoped
//! subscriber is being registered, can keep the answer "no subscriber wants this" from the
//! moment before, and the capturing test then misses its events. Here every site's interest is
//! "ask each time", and the question is a thread-local lookup.

use std::cell::RefCell;
use std::io;
use std::sync::{Arc, Mutex, Once};

use tracing::subscriber::Interest;
use tracing_subscriber::filter::DynFilterFn;
use tracing_subscriber::prelude::*;

thread_local! {
    /// The buffer of the capture running on this thread, if one is.
    static SINK: RefCell<Option<Buffer>> = const { RefCell::new(None) };
}

/// The text of the events captured on one thread, one line per event.
#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("utf-8 logs")
    }

    /// The captured lines that contain `needle` (a level such as `ERROR`, or a target).
    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.text()
            .lines()
            .filter(|line| line.contains(needle))
            .map(str::to_owned)
            .collect()
    }
}

/// Ends the capture when dropped.
pub struct CaptureGuard {
    previous: Option<Buffer>,
}

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SINK.with(|sink| *sink.borrow_mut() = previous);
    }
}

/// Captures the events emitted on this thread, at every level, until the guard is dropped.
pub fn capture() -> (Buffer, CaptureGuard) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let capturing = DynFilterFn::new(|_, _| SINK.with(|sink| sink.borrow().is_some()))
            .with_callsite_filter(|_| Interest::sometimes());
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(|| ThreadSink)
            .with_ansi(false)
            .with_filter(capturing);
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("no other global subscriber in a binary that captures logs");
    });
    // A site registered while the global subscriber was being installed may hold the interest
    // of the moment before; after this rebuild, every site asks the filter.
    tracing::callsite::rebuild_interest_cache();
    let buffer = Buffer::default();
    let previous = SINK.with(|sink| sink.borrow_mut().replace(buffer.clone()));
    (buffer, CaptureGuard { previous })
}

/// The writer of the binary's subscriber: appends to this thread's capture, if any.
struct ThreadSink;

impl io::Write for ThreadSink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        SINK.with(|sink| {
            if let Some(buffer) = sink.borrow().as_ref() {
                buffer.0.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
