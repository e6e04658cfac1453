//! The cluster against a real PostgreSQL server (127.0.0.1:5432, user postgres, or
//! `OTP_CLUSTER_TEST_URL`); each test in a schema of its own. Nodes in one OS process
//! (`nodes`, `pubsub`, `singleton`) and nodes as separate OS processes (`processes`: this
//! binary started again as each node, see `node_harness`), one test with a private server of
//! its own that it restarts (`private_server`).

mod node_harness;
mod node_program;
mod nodes;
mod private_server;
mod processes;
mod pubsub;
mod singleton;
mod support;
