//! The cluster against a real PostgreSQL server (127.0.0.1:5432, user postgres, or
//! `OTP_CLUSTER_TEST_URL`); each test in a schema of its own. Nodes in one OS process
//! (`nodes`, `pubsub`, `singleton`) and nodes as separate OS processes (`processes`).

mod nodes;
mod pubsub;
mod singleton;
mod support;
