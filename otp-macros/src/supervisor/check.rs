//! The rules of a tree that OTP checks when a supervisor starts (`check_startspec`), checked
//! here at compile time where the values are written: unique ids, significant children only
//! transient or temporary and only under an `auto_shutdown`, and a period of one second or
//! more.

use std::collections::HashMap;

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;

use super::{Child, ChildKind, Given, Intensity, Supervisor};
use crate::ctxt::Ctxt;
use crate::value::{AutoShutdown, Restart};

pub(crate) fn check(cx: &mut Ctxt, tree: &Supervisor) {
    check_intensity(cx, &tree.intensity, ":");
    check_unique_ids(cx, &tree.children);
    let auto_shutdown = tree.auto_shutdown.as_ref().map(|given| given.value);
    // Unset is `never`; a wrong word is already reported, and says nothing.
    if matches!(auto_shutdown, None | Some(Some(AutoShutdown::Never))) {
        check_no_significant(cx, &tree.children);
    }
    for child in &tree.children {
        check_significant_restart(cx, child);
        match &child.kind {
            ChildKind::Nested(nested) => check(cx, nested),
            ChildKind::Options(_, _, intensity) => check_intensity(cx, intensity, " ="),
            ChildKind::Args(..) => {}
        }
    }
}

/// OTP refuses a zero period; zero restarts is valid (the first crash stops the supervisor).
fn check_intensity(cx: &mut Ctxt, intensity: &Intensity, separator: &str) {
    if let Some(Given {
        expr,
        value: Some(0),
    }) = &intensity.max_seconds
    {
        cx.error_spanned_by(
            expr,
            format!(
                "OTP refuses a zero period: restarts are counted over the last `max_seconds` \
                 seconds, one or more; write `max_seconds{separator} 5` (the default), or \
                 `max_restarts{separator} 0` to stop the supervisor at the first crash"
            ),
        );
    }
}

/// What the macro knows of a child's id: an explicit `id` override, or the type it is (whose
/// default id the macro cannot see: two children of one type without ids share it).
#[derive(PartialEq, Eq, Hash)]
enum VisibleId {
    Explicit(String),
    OfType(String),
}

/// The child's id as far as the macro knows it; `None` for an id the program computes.
fn visible_id(child: &Child) -> Option<(VisibleId, Span)> {
    if let Some(id) = &child.id {
        let value = id.value.clone()?;
        return Some((VisibleId::Explicit(value), id.expr.span()));
    }
    let of_type = match &child.kind {
        ChildKind::Args(path, _) | ChildKind::Options(path, _, _) => {
            path.to_token_stream().to_string().replace(' ', "")
        }
        ChildKind::Nested(_) => "supervisor!".to_owned(),
    };
    Some((VisibleId::OfType(of_type), child.span))
}

/// A duplicate id is reported on the child that repeats it, and once on the first child that
/// has it, so that both are in view.
fn check_unique_ids(cx: &mut Ctxt, children: &[Child]) {
    // Each id seen, with where it was first and whether that place is reported yet.
    let mut seen: HashMap<VisibleId, (Span, bool)> = HashMap::new();
    for (id, span) in children.iter().filter_map(visible_id) {
        let Some((first, reported)) = seen.get_mut(&id) else {
            seen.insert(id, (span, false));
            continue;
        };
        let (message, other) = match &id {
            VisibleId::Explicit(id) => (
                format!(
                    "two children have the id `{id}`, this one and one before it; give this one \
                     its own"
                ),
                format!("the other child with the id `{id}`"),
            ),
            VisibleId::OfType(ty) => (
                format!(
                    "two `{ty}` children share their default id; give this one its own: \
                     `{{ id = \"...\" }}`"
                ),
                format!("the other `{ty}` child with that default id"),
            ),
        };
        cx.error_at(span, message);
        if !*reported {
            cx.error_at(*first, other);
            *reported = true;
        }
    }
}

/// Without an `auto_shutdown`, a significant child is refused.
fn check_no_significant(cx: &mut Ctxt, children: &[Child]) {
    for child in children {
        if let Some(Given {
            expr,
            value: Some(true),
        }) = &child.significant
        {
            cx.error_spanned_by(
                expr,
                "a significant child needs the supervisor's `auto_shutdown: any_significant` \
                 (or `all_significant`); add it, or drop `significant`",
            );
        }
    }
}

/// A significant child is transient or temporary. Without a `restart` override its restart
/// type is its type's default, which the macro cannot see.
fn check_significant_restart(cx: &mut Ctxt, child: &Child) {
    let permanent = child
        .restart
        .as_ref()
        .is_some_and(|restart| restart.value == Some(Restart::Permanent));
    if let (
        Some(Given {
            expr,
            value: Some(true),
        }),
        true,
    ) = (&child.significant, permanent)
    {
        cx.error_spanned_by(
            expr,
            "a significant child must be transient or temporary; write `restart = transient`",
        );
    }
}
