//! The sizes a server's memory depends on, checked: a regression here costs every server.
//!
//! tokio allocates a task as one cell aligned to 128 bytes (a cache line pair), so a task's size
//! grows in 128-byte blocks. With tokio 1.54 the cell holds a header (32 bytes), the scheduler
//! handle and task id (16), the stage (the future, here the run loop's inside its tracing span,
//! plus an 8-byte tag) and a trailer (48). For a small server's task to fit 4 blocks (512
//! bytes), the instrumented loop future must stay within 512 - 32 - 16 - 8 - 48 = 408 bytes.
//! Workload C of `BENCHMARKS.md` ("memory per idle server") measures what this buys.
//!
//! When a bound fails: build with `RUSTFLAGS=-Zprint-type-sizes` (on stable, with
//! `RUSTC_BOOTSTRAP=1`) and read the layout of `run_loop::run`'s `{async block}` for the
//! counter below: what a field or a local adds across an `.await` is paid by every server.

use std::mem::size_of;
use std::sync::Arc;

use tokio::sync::oneshot;
use tracing::Instrument;

use super::run_loop;
use super::server_ref::{Envelope, ServerProcess, ServerRef};
use super::start::{TASK_BLOCK, task_cell_size};
use crate::prelude::*;
use crate::process::ProcessCell;

/// A small server, as the benchmarks' counter: two calls, one cast, no init. (With one call
/// the loop's future was 8 bytes smaller: a bound met only by a one-call server hid that the
/// benchmarks' counter had grown a 128-byte block.)
struct Counter {
    count: u64,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u64 {
        self.count
    }

    #[handle_call]
    fn worker(&mut self) -> usize {
        0
    }

    #[handle_cast]
    fn add(&mut self, n: u64) {
        self.count += n;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The cell's alignment, and so the step in which a task grows.
const BLOCK: usize = TASK_BLOCK;

#[test]
fn a_small_servers_task_fits_four_128_byte_blocks() {
    let server = ServerRef::new(Arc::new(ServerProcess::<Counter>::new(ProcessCell::new())));
    let (started, _init) = oneshot::channel();
    let task = run_loop::run(server, Counter { count: 0 }, None, started)
        .instrument(tracing::Span::none());
    let future = size_of_val(&task);
    let cell = task_cell_size(future);
    assert!(
        cell <= 4 * BLOCK,
        "the counter server's loop future in its span is {future} bytes, so its task cell takes \
         {cell} bytes, more than 4 blocks of {BLOCK}: every idle server pays the extra block. \
         Look at what `run_loop::run` keeps across an `.await` (see this module's doc)"
    );
}

#[test]
fn a_servers_process_fits_a_208_byte_allocation() {
    let process = size_of::<ServerProcess<Counter>>();
    assert!(
        process <= 184,
        "`ServerProcess` is {process} bytes, more than 184: it is allocated once per server \
         beside the task, in an `Arc` (16 bytes more), and glibc's allocator rounds the 200 \
         bytes to a 208-byte chunk. At 192 bytes the chunk was 224, and the pattern of chunks \
         beside the tasks' 128-aligned cells left about 150 bytes more per idle server \
         unused (workload C of BENCHMARKS.md). Look at `ProcessCell`'s fields (rare ones belong \
         in its boxed `Ties`) and at `Mailbox`'s"
    );
}

#[test]
fn a_mailbox_entry_is_a_tag_beside_its_message() {
    let message = size_of::<<Counter as GenServer>::Message>();
    let info = size_of::<AnyMessage>();
    let envelope = size_of::<Envelope<Counter>>();
    assert!(
        info <= 2 * size_of::<usize>(),
        "an info message (`AnyMessage`) is {info} bytes, more than two words: every mailbox \
         entry of every server is at least that large"
    );
    assert!(
        envelope <= size_of::<usize>() + message.max(info),
        "`Envelope` is {envelope} bytes for a server whose messages are {message} bytes and an \
         info message {info}: more than one word beside the larger. Every queued message pays \
         it; box the rare variants (as `Stop`'s reason is)"
    );
}
