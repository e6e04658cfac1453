//! The rules of a worker: a concrete type, one `async fn perform(self, job: &Job)` (or `&self`,
//! or without the job), an optional `fn backoff(attempt: u32) -> Duration`, and unique options
//! that agree with each other. The types themselves (the arguments' serde derives, what
//! `perform` returns, the future being `Send`) are checked by the compiler on the generated
//! impl, with its errors on the user's tokens.

use syn::{FnArg, GenericParam, ImplItemFn, ReceiverKind, Signature, Type};

use super::{UniqueField, WorkerImpl};
use crate::ctxt::Ctxt;

const PERFORM: &str = "`async fn perform(self, job: &Job) -> Result<(), JobError>`";
const BACKOFF: &str = "`fn backoff(attempt: u32) -> Duration`";

/// A `perform` the expansion can call.
pub(crate) struct Perform<'a> {
    pub(crate) method: &'a ImplItemFn,
    /// `&self` rather than `self`.
    pub(crate) by_ref: bool,
    /// The job's type as written, when `perform` takes the job.
    pub(crate) job: Option<&'a Type>,
}

/// What the checks found usable.
pub(crate) struct Checked<'a> {
    /// Whether the impl block is generic (nothing is generated for it but the errors).
    pub(crate) generic: bool,
    pub(crate) perform: Option<Perform<'a>>,
    pub(crate) backoff: Option<&'a ImplItemFn>,
}

pub(crate) fn check<'a>(cx: &mut Ctxt, worker: &'a WorkerImpl) -> Checked<'a> {
    let generic = check_generics(cx, worker);
    let perform = if let Some(method) = &worker.perform {
        check_perform(cx, method)
    } else {
        cx.error_spanned_by(
            &worker.item.self_ty,
            format!("a worker needs {PERFORM}, which runs each job; add it to this `impl` block"),
        );
        None
    };
    let backoff = worker
        .backoff
        .as_ref()
        .filter(|method| check_backoff(cx, &method.sig));
    check_unique(cx, worker);
    check_shadowed_names(cx, worker);
    Checked {
        generic,
        perform,
        backoff,
    }
}

/// A worker is one concrete type: its jobs name it, and a node looks the name up.
fn check_generics(cx: &mut Ctxt, worker: &WorkerImpl) -> bool {
    let generics = &worker.item.generics;
    if generics.params.is_empty() {
        return false;
    }
    let what = match generics.params.first() {
        Some(GenericParam::Lifetime(_)) => {
            "a worker cannot borrow: its value is stored as JSON and read back when the job runs; \
             own the data (`String`, `Vec<T>`) instead of a lifetime parameter"
        }
        _ => {
            "a worker cannot be generic: each job names its worker, and a node finds the code to \
             run by that name; write one worker per concrete type"
        }
    };
    cx.error_spanned_by(generics, what);
    true
}

/// The shape of `perform`, each mistake on its own token.
fn check_perform<'a>(cx: &mut Ctxt, method: &'a ImplItemFn) -> Option<Perform<'a>> {
    let sig = &method.sig;
    let mut valid = check_qualifiers(cx, sig, "perform", PERFORM);
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            format!("`perform` is an `async fn`: write {PERFORM}"),
        );
        valid = false;
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            "`perform` cannot have generic parameters: the worker's fields hold what a job needs",
        );
        valid = false;
    }
    let by_ref = match sig.receiver() {
        None => {
            cx.error_spanned_by(
                &sig.ident,
                format!(
                    "`perform` takes `self` first (the job's arguments are the worker's value): \
                     write {PERFORM}"
                ),
            );
            // Its arguments are then not what `perform` takes either: this one error says so.
            return None;
        }
        Some(receiver) => match &receiver.kind {
            ReceiverKind::Value => false,
            ReceiverKind::Reference(_, _, None) => true,
            ReceiverKind::Reference(_, _, Some(_)) => {
                cx.error_spanned_by(
                    receiver,
                    "`perform` takes `self` or `&self`, not `&mut self`: the worker's value is \
                     the job's, and is dropped when the attempt ends",
                );
                valid = false;
                false
            }
            _ => {
                cx.error_spanned_by(
                    receiver,
                    format!("`perform` takes `self` or `&self`: write {PERFORM}"),
                );
                valid = false;
                false
            }
        },
    };
    let mut arguments = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(typed),
        FnArg::Receiver(_) => None,
    });
    let job = arguments.next().map(|job| &*job.ty);
    if let Some(ty) = job
        && let Some(message) = job_type_mistake(ty)
    {
        cx.error_spanned_by(ty, message);
        valid = false;
    }
    for extra in arguments {
        cx.error_spanned_by(
            extra,
            format!("`perform` takes the job and nothing else: write {PERFORM}"),
        );
        valid = false;
    }
    valid.then_some(Perform {
        method,
        by_ref,
        job,
    })
}

/// What is wrong with `perform`'s second argument, if it is not `&Job`.
fn job_type_mistake(ty: &Type) -> Option<&'static str> {
    let names_job = |ty: &Type| match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Job"),
        _ => false,
    };
    match ty {
        Type::Reference(reference) if names_job(&reference.elem) => reference
            .mutability
            .map(|_| "`perform` reads the job: take it as `job: &Job`, not `&mut Job`"),
        ty if names_job(ty) => Some("take the job by reference: `job: &Job`"),
        _ => Some(
            "`perform`'s argument after `self` is the job being run, `job: &Job` \
             (`otp_jobs::Job`); the worker's own fields are the job's arguments",
        ),
    }
}

/// `const`, `unsafe` and `extern` on a method the macro calls; reported, and `false` if any.
fn check_qualifiers(cx: &mut Ctxt, sig: &Signature, name: &str, shape: &str) -> bool {
    let mut valid = true;
    if let Some(constness) = &sig.constness {
        cx.error_spanned_by(
            constness,
            format!("`{name}` cannot be `const`: write {shape}"),
        );
        valid = false;
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        cx.error_spanned_by(
            unsafety,
            format!("`{name}` cannot be `unsafe`: write {shape}"),
        );
        valid = false;
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, format!("`{name}` cannot be `extern`: write {shape}"));
        valid = false;
    }
    valid
}

/// `fn backoff(attempt: u32) -> Duration`: its types are checked by the compiler on the call.
fn check_backoff(cx: &mut Ctxt, sig: &Signature) -> bool {
    let mut valid = check_qualifiers(cx, sig, "backoff", BACKOFF);
    if let Some(asyncness) = &sig.asyncness {
        cx.error_spanned_by(
            asyncness,
            format!("`backoff` computes a delay and is not `async`: write {BACKOFF}"),
        );
        valid = false;
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            format!("`backoff` cannot have generic parameters: write {BACKOFF}"),
        );
        valid = false;
    }
    if let Some(receiver) = sig.receiver() {
        cx.error_spanned_by(
            receiver,
            format!(
                "`backoff` is called without a job's value, so it takes no `self`: write {BACKOFF}"
            ),
        );
        valid = false;
    } else if sig.inputs.len() != 1 {
        cx.error_spanned_by(
            &sig.ident,
            format!("`backoff` takes the number of the attempt that failed: write {BACKOFF}"),
        );
        valid = false;
    }
    if matches!(sig.output, syn::ReturnType::Default) {
        cx.error_spanned_by(
            &sig.ident,
            format!("`backoff` returns the delay before the next attempt: write {BACKOFF}"),
        );
        valid = false;
    }
    valid
}

/// A method named like one of `WorkerExt`'s would hide it: `value.new_job()` would call the
/// user's method, not the trait's.
fn check_shadowed_names(cx: &mut Ctxt, worker: &WorkerImpl) {
    for item in &worker.item.items {
        let syn::ImplItem::Fn(method) = item else {
            continue;
        };
        if method.sig.ident == "new_job" {
            cx.error_spanned_by(
                &method.sig.ident,
                "a worker's `new_job` makes a job of its value (`WorkerExt::new_job`), and this method \
                 would hide it; rename this method",
            );
        }
    }
}

/// `keys` picks among the arguments, so the arguments must be compared.
fn check_unique(cx: &mut Ctxt, worker: &WorkerImpl) {
    let Some(unique) = &worker.options.unique else {
        return;
    };
    let (Some(keys), Some(fields)) = (&unique.keys, &unique.fields) else {
        return;
    };
    if !fields.value.contains(&UniqueField::Args) {
        cx.error_at(
            keys.span,
            "`keys` picks which arguments are compared, but `fields` leaves `args` out; \
             add `args` to `fields`, or drop `keys`",
        );
    }
}
