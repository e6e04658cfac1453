//! The examples live in `examples/`: `cargo run --example cache`.
