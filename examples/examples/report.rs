//! Offloading heavy work from a call: the Elixir OTP guide's "✅ Offload heavy work" pattern.
//!
//! The Elixir it replaces:
//!
//! ```elixir
//! def handle_call(:generate_report, from, state) do
//!   Task.start(fn ->
//!     report = generate_huge_report()
//!     GenServer.reply(from, report)
//!   end)
//!   {:noreply, state}
//! end
//! ```
//!
//! The call handler takes a `ReplyTo<Report>` (the `from`), spawns a task that builds the report
//! and answers with `reply.reply(report)` (`GenServer.reply/2`), and returns at once: the server
//! goes back to its mailbox and keeps answering other calls while the report is built. The caller
//! of `generate` still just awaits a reply. When the task is done it casts `finished` back to the
//! server, the only way to change the server's state from outside its loop. If the task panicked,
//! its `ReplyTo` would be dropped and the caller would get `CallError::NoReply` instead of hanging.
//!
//! The "huge report" is a 600 ms sleep standing in for slow queries; CPU-bound work would go to
//! `tokio::task::spawn_blocking` instead of `tokio::spawn`.
//!
//! Run it with `cargo run --example report`.

use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Debug)]
struct Report {
    title: String,
    lines: usize,
    total: u64,
}

/// What the server is doing, answered at once.
#[derive(Debug)]
struct Status {
    in_progress: u32,
    finished: u32,
}

#[derive(Default)]
struct Reports {
    in_progress: u32,
    finished: u32,
}

#[genserver]
impl Reports {
    /// Starts the report and returns without replying; the spawned task replies.
    #[handle_call]
    fn generate(&mut self, title: String, reply: ReplyTo<Report>, ctx: &mut Context<Self>) {
        self.in_progress += 1;
        let server = ctx.myself();
        tokio::spawn(async move {
            let report = generate_huge_report(title).await;
            // Cast before replying: whoever the reply wakes finds the count already updated
            // (one mailbox, in order).
            server.finished();
            // `Err` only when the caller stopped waiting (timed out): the report is dropped.
            let _ = reply.reply(report);
        });
    }

    /// A quick call, answered while reports are being built.
    #[handle_call]
    fn status(&mut self) -> Status {
        Status {
            in_progress: self.in_progress,
            finished: self.finished,
        }
    }

    #[handle_cast]
    fn finished(&mut self) {
        self.in_progress -= 1;
        self.finished += 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// The guide's `generate_huge_report()`: slow, and run outside the server.
async fn generate_huge_report(title: String) -> Report {
    tokio::time::sleep(Duration::from_millis(600)).await;
    let sales: Vec<u64> = (1..=1_000).collect();
    Report {
        title,
        lines: sales.len(),
        total: sales.iter().sum(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    let started = Instant::now();
    let ms = move || started.elapsed().as_millis();

    let reports = Reports::start_link(Reports::default()).await?;
    println!(
        "[{:>4} ms] started the report server {}",
        ms(),
        reports.pid()
    );

    // The caller of `generate` waits for its report in its own task, as a web request would.
    let pending = tokio::spawn({
        let reports = reports.clone();
        async move { reports.generate("Q1 sales".to_owned()).await }
    });
    println!(
        "[{:>4} ms] a client asked for the \"Q1 sales\" report (takes ~600 ms)",
        ms()
    );

    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let asked = Instant::now();
        let status = reports.status().await?;
        println!(
            "[{:>4} ms] status answered in {} µs: {} in progress, {} finished",
            ms(),
            asked.elapsed().as_micros(),
            status.in_progress,
            status.finished
        );
    }

    let report = pending.await??;
    println!(
        "[{:>4} ms] the client got its report: \"{}\", {} lines, total {}",
        ms(),
        report.title,
        report.lines,
        report.total
    );
    let status = reports.status().await?;
    println!(
        "[{:>4} ms] status: {} in progress, {} finished",
        ms(),
        status.in_progress,
        status.finished
    );

    reports.stop(ExitReason::Normal).await?;
    println!("[{:>4} ms] stopped the report server", ms());
    Ok(())
}
