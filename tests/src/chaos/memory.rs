//! The memory harness: the smallest server, resident memory, and one round of 10,000 processes.

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, DynamicSupervisorRef};
use tokio::task::JoinHandle;

use super::PANIC_PREFIX;

/// The smallest server: crashes or stops on request.
pub struct Cell {
    pub payload: Vec<u64>,
}

#[genserver]
impl Cell {
    #[init]
    fn init(size: usize) -> Self {
        Cell {
            payload: vec![0; size],
        }
    }

    #[handle_call]
    fn len(&mut self) -> usize {
        self.payload.len()
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{PANIC_PREFIX} cell crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Resident memory: `/proc/self/statm`'s resident pages times the page size.
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    pages * page_size()
}

fn page_size() -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    smaps
        .lines()
        .find_map(|line| line.strip_prefix("KernelPageSize:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(4096, |kib| kib * 1024)
}

const PROCESSES: usize = 10_000;
const SUPERVISORS: usize = 100;

/// One round: 10,000 cells under 100 dynamic supervisors (a tenth of them named), every one
/// crashed (nine in ten killed, one in ten panicking) and restarted, then all stopped with
/// their supervisors.
pub async fn memory_round(round: usize) {
    let starters: Vec<JoinHandle<(Vec<DynamicSupervisorRef>, Vec<Pid>)>> = (0..2)
        .map(|half| {
            tokio::spawn(async move {
                let mut sups = Vec::new();
                let mut cells = Vec::new();
                for s in (half..SUPERVISORS).step_by(2) {
                    let sup = DynamicSupervisor::start(
                        DynamicSupervisorOptions::default()
                            .max_restarts(u32::MAX)
                            .max_seconds(1),
                    )
                    .await
                    .expect("supervisor");
                    for n in 0..PROCESSES / SUPERVISORS {
                        let mut spec = ChildSpec::of::<Cell>(8);
                        if n % 10 == 0 {
                            spec = spec.with_name(format!("mem-{round}-{s}-{n}"));
                        }
                        cells.push(
                            sup.start_child_spec::<Cell>(spec)
                                .await
                                .expect("cell starts")
                                .pid(),
                        );
                    }
                    sups.push(sup);
                }
                (sups, cells)
            })
        })
        .collect();
    let mut sups = Vec::new();
    let mut cells = Vec::new();
    for starter in starters {
        let (more_sups, more_cells) = starter.await.expect("starter");
        sups.extend(more_sups);
        cells.extend(more_cells);
    }
    for (n, pid) in cells.iter().enumerate() {
        if n % 10 == 0 {
            otp_core::ServerRef::<Cell>::from_pid(pid)
                .map(CellRef::from)
                .expect("a cell")
                .crash();
        } else {
            pid.kill();
        }
    }
    for pid in &cells {
        pid.wait_exit().await;
    }
    let mut restarted = 0;
    for sup in &sups {
        restarted += sup.count_children().await.expect("counts").active;
    }
    assert_eq!(restarted, PROCESSES, "all restarted");
    for sup in &sups {
        sup.stop(ExitReason::Shutdown).await.expect("stops");
    }
    assert_eq!(otp_core::whereis(&format!("mem-{round}-0-0")), None);
}
