//! "No such process" is one type, `NoProc`: the error enums that have the case name it
//! `NoProc` and convert from it, so `?` carries a `NoProc` into any of them.

use otp_core::prelude::*;
use otp_core::{CallError, RegisterError, RegistryError, TableError};

struct Linker;

#[genserver]
impl Linker {
    /// Links to `other`; a dead `other` comes back as the call's own error type.
    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) -> Result<(), CallError> {
        ctx.link(&other)?;
        Ok(())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn into<E: From<NoProc>>() -> E {
    E::from(NoProc)
}

#[test]
fn each_error_enum_converts_from_no_proc_into_its_no_proc_variant() {
    assert_eq!(into::<CallError>(), CallError::NoProc);
    assert_eq!(into::<RegistryError>(), RegistryError::NoProc);
    assert_eq!(into::<RegisterError>(), RegisterError::NoProc);
    assert_eq!(into::<TableError>(), TableError::NoProc);
    for message in [
        CallError::NoProc.to_string(),
        RegistryError::NoProc.to_string(),
        RegisterError::NoProc.to_string(),
        TableError::NoProc.to_string(),
    ] {
        assert_eq!(message, NoProc.to_string(), "one wording for one case");
    }
}

#[tokio::test]
async fn question_mark_carries_no_proc_into_a_call_error() {
    let linker = Linker::start(Linker).await.unwrap();
    let gone = Linker::start(Linker).await.unwrap();
    let gone_pid = gone.pid();
    gone.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(linker.link_to(gone_pid).await, Ok(Err(CallError::NoProc)));
}
