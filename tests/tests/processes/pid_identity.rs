//! A `Pid` is the identity of one process: equal, hashed and ordered by that identity,
//! displayed as `<0.N>`, and its `Debug` shows the registered name.

use std::collections::{BTreeSet, HashSet};

use otp_core::prelude::*;

struct Idle;

#[genserver]
impl Idle {
    #[handle_call]
    fn own_pid(&mut self, ctx: &mut Context<Self>) -> Pid {
        ctx.pid().clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn clones_of_one_pid_are_equal_and_distinct_processes_are_not()
-> Result<(), Box<dyn std::error::Error>> {
    let a = Idle::start(Idle).await?;
    let b = Idle::start(Idle).await?;
    let pid_a = a.pid();
    let pid_b = b.pid();

    assert_eq!(pid_a, pid_a.clone());
    assert_eq!(pid_a, a.pid(), "two pid() calls name the same process");
    assert_eq!(
        pid_a,
        a.own_pid().await?,
        "the process sees itself as the same pid"
    );
    assert_eq!(pid_a.id(), a.own_pid().await?.id());
    assert_ne!(pid_a, pid_b);
    assert_ne!(pid_a.id(), pid_b.id());
    Ok(())
}

#[tokio::test]
async fn hash_and_ord_follow_identity() -> Result<(), Box<dyn std::error::Error>> {
    let mut pids = Vec::new();
    for _ in 0..5 {
        pids.push(Idle::start(Idle).await?.pid());
    }

    let mut hashed = HashSet::new();
    let mut ordered = BTreeSet::new();
    for pid in &pids {
        // Each pid twice: a clone must land on the same entry.
        assert!(hashed.insert(pid.clone()));
        assert!(!hashed.insert(pid.clone()));
        assert!(ordered.insert(pid.clone()));
        assert!(!ordered.insert(pid.clone()));
    }
    assert_eq!(hashed.len(), 5);
    assert_eq!(ordered.len(), 5);
    for pid in &pids {
        assert!(hashed.contains(pid));
    }

    // Ord is a total order consistent with Eq and with the process number.
    for a in &pids {
        for b in &pids {
            assert_eq!(a.cmp(b), a.id().cmp(&b.id()));
            assert_eq!(a.cmp(b) == std::cmp::Ordering::Equal, a == b);
            assert_eq!(a.partial_cmp(b), Some(a.cmp(b)));
        }
    }
    // Processes started later have larger numbers, so the set iterates in start order.
    let sorted: Vec<Pid> = ordered.into_iter().collect();
    assert_eq!(sorted, pids);
    Ok(())
}

#[tokio::test]
async fn a_dead_pid_keeps_its_identity() -> Result<(), Box<dyn std::error::Error>> {
    let a = Idle::start(Idle).await?;
    let pid = a.pid();
    let before = pid.to_string();
    pid.kill();
    assert_eq!(pid.wait_exit().await, ExitReason::Killed);
    assert_eq!(pid, a.pid());
    assert_eq!(pid.to_string(), before);
    // A new process never reuses the number.
    let b = Idle::start(Idle).await?;
    assert_ne!(b.pid(), pid);
    Ok(())
}

#[tokio::test]
async fn display_is_erlang_style() -> Result<(), Box<dyn std::error::Error>> {
    let a = Idle::start(Idle).await?;
    let pid = a.pid();
    assert_eq!(pid.to_string(), format!("<0.{}>", pid.id()));
    Ok(())
}

#[tokio::test]
async fn debug_shows_the_registered_name() -> Result<(), Box<dyn std::error::Error>> {
    let a = Idle::start(Idle).await?;
    let pid = a.pid();
    assert_eq!(format!("{pid:?}"), format!("<0.{}>", pid.id()));
    assert_eq!(pid.name(), None);

    otp_core::register("pid-identity-debug", &pid)?;
    assert_eq!(pid.name().as_deref(), Some("pid-identity-debug"));
    assert_eq!(
        format!("{pid:?}"),
        format!("<0.{}> (pid-identity-debug)", pid.id())
    );
    // Display never shows the name.
    assert_eq!(pid.to_string(), format!("<0.{}>", pid.id()));

    assert!(otp_core::unregister("pid-identity-debug"));
    assert_eq!(pid.name(), None);
    assert_eq!(format!("{pid:?}"), format!("<0.{}>", pid.id()));

    // A server started with a name shows it too.
    let named = Idle::options()
        .name("pid-identity-named")
        .start(Idle)
        .await?;
    assert_eq!(
        format!("{:?}", named.pid()),
        format!("<0.{}> (pid-identity-named)", named.pid().id())
    );
    Ok(())
}
