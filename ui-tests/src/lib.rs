//! Compile tests live in `ui/`, run by `tests/ui.rs`.
