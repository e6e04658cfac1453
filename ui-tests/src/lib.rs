//! Compile tests live in `ui/`: the fail cases are run by `tests/ui.rs` (trybuild), the pass
//! cases by `tests/pass.rs`.
