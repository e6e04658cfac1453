//! Entries disappear when their process exits, however it exits (normal stop, panic, kill,
//! exit signal, a linked process's crash, a failed init after registering), from unique and
//! duplicate registries alike; other processes' entries stay.

use std::io;

use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryRef, Unique};

type Names = RegistryRef<String, u32, Unique>;
type Groups = RegistryRef<String, u32, Duplicate>;

#[derive(Clone)]
struct Args {
    names: Names,
    groups: Groups,
    id: u32,
    fail_init: bool,
}

/// Registers itself in its init under `name-<id>` and the groups `all` and `group-<id % 2>`.
struct Member;

#[genserver]
impl Member {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        args.names.register(format!("name-{}", args.id), args.id)?;
        args.groups.register("all".to_owned(), args.id)?;
        args.groups
            .register(format!("group-{}", args.id % 2), args.id)?;
        if args.fail_init {
            return Err(InitError::Stop(ExitReason::error(io::Error::other(
                "failed after registering",
            ))));
        }
        Ok(Member)
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("member crashed");
    }

    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) {
        ctx.link(&other).expect("the other process is alive");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    names: Names,
    groups: Groups,
}

impl Fixture {
    async fn new() -> Fixture {
        Fixture {
            names: Registry::<String, u32>::unique().start().await.unwrap(),
            groups: Registry::<String, u32, Duplicate>::duplicate()
                .start()
                .await
                .unwrap(),
        }
    }

    async fn member(&self, id: u32) -> MemberRef {
        Member::start(self.args(id, false)).await.unwrap()
    }

    fn args(&self, id: u32, fail_init: bool) -> Args {
        Args {
            names: self.names.clone(),
            groups: self.groups.clone(),
            id,
            fail_init,
        }
    }

    /// Asserts that exactly `live` hold entries, with every one of theirs.
    fn assert_only(&self, live: &[&MemberRef], gone: &[Pid]) {
        let mut all: Vec<u32> = Vec::new();
        for member in live {
            let pid = member.pid();
            let id = self.names.keys(&pid);
            assert_eq!(id.len(), 1, "{pid} holds its name");
            let id: u32 = id[0].trim_start_matches("name-").parse().unwrap();
            assert_eq!(
                self.names.lookup(format!("name-{id}").as_str()),
                vec![(pid.clone(), id)]
            );
            let mut groups = self.groups.keys(&pid);
            groups.sort();
            assert_eq!(groups, vec!["all".to_owned(), format!("group-{}", id % 2)]);
            all.push(id);
        }
        for pid in gone {
            assert!(self.names.keys(pid).is_empty(), "{pid} has no name left");
            assert!(self.groups.keys(pid).is_empty(), "{pid} has no group left");
            assert!(self.names.select(|_, p, _| p == pid).is_empty());
            assert!(self.groups.select(|_, p, _| p == pid).is_empty());
        }
        let mut in_all: Vec<u32> = self
            .groups
            .lookup("all")
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        in_all.sort_unstable();
        all.sort_unstable();
        assert_eq!(in_all, all);
        assert_eq!(self.names.count(), live.len());
        assert_eq!(self.groups.count(), 2 * live.len());
    }
}

#[tokio::test]
async fn a_normal_stop_removes_the_entries() {
    let f = Fixture::new().await;
    let (a, b) = (f.member(1).await, f.member(2).await);
    f.assert_only(&[&a, &b], &[]);
    a.stop(ExitReason::Normal).await.unwrap();
    f.assert_only(&[&b], &[a.pid()]);
    assert!(f.names.lookup("name-1").is_empty());
    assert!(f.groups.lookup("group-1").is_empty());
}

#[tokio::test]
async fn a_panic_removes_the_entries() {
    let f = Fixture::new().await;
    let (a, b) = (f.member(1).await, f.member(2).await);
    a.crash();
    assert!(matches!(a.pid().wait_exit().await, ExitReason::Panic(_)));
    f.assert_only(&[&b], &[a.pid()]);
}

#[tokio::test]
async fn a_kill_removes_the_entries() {
    let f = Fixture::new().await;
    let (a, b) = (f.member(1).await, f.member(2).await);
    a.pid().kill();
    assert_eq!(a.pid().wait_exit().await, ExitReason::Killed);
    f.assert_only(&[&b], &[a.pid()]);
}

#[tokio::test]
async fn an_exit_signal_removes_the_entries() {
    let f = Fixture::new().await;
    let (a, b) = (f.member(1).await, f.member(2).await);
    a.pid().exit(ExitReason::ShutdownWith("gone".into()));
    assert_eq!(
        a.pid().wait_exit().await,
        ExitReason::ShutdownWith("gone".into())
    );
    f.assert_only(&[&b], &[a.pid()]);
}

#[tokio::test]
async fn dying_with_a_linked_process_removes_the_entries() {
    let f = Fixture::new().await;
    let (a, b, c) = (f.member(1).await, f.member(2).await, f.member(3).await);
    a.link_to(b.pid()).await.unwrap();
    b.crash();
    b.pid().wait_exit().await;
    assert!(matches!(a.pid().wait_exit().await, ExitReason::Panic(_)));
    f.assert_only(&[&c], &[a.pid(), b.pid()]);
}

#[tokio::test]
async fn a_failed_init_removes_what_it_registered() {
    let f = Fixture::new().await;
    let b = f.member(2).await;
    let failed = Member::start(f.args(1, true)).await;
    assert!(matches!(
        failed,
        Err(StartError::Init(ExitReason::Error(_)))
    ));
    f.assert_only(&[&b], &[]);
    assert!(f.names.lookup("name-1").is_empty());
    // The name is free for the next one.
    let again = f.member(1).await;
    f.assert_only(&[&b, &again], &[]);
}
