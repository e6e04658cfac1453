//! Rules that involve several handlers: one catch-all, one init, one terminate, one handler
//! per message type.

use std::collections::HashMap;

use crate::attr::Kind;
use crate::ctxt::Ctxt;
use crate::server::Server;

pub(crate) fn check(cx: &mut Ctxt, server: &Server) {
    check_catch_all(cx, server);
    check_at_most_one(cx, server, Kind::Init);
    check_at_most_one(cx, server, Kind::Terminate);
    check_one_handler_per_type(cx, server, Kind::Info);
    check_one_handler_per_type(cx, server, Kind::Continue);
    check_try_names(cx, server);
}

/// With a bounded mailbox, each cast `put` has a `try_put` beside it in the client: a handler
/// named `try_put` would be a second method of that name.
fn check_try_names(cx: &mut Ctxt, server: &Server) {
    if server.mailbox.is_none() {
        return;
    }
    let casts: Vec<String> = server
        .of_kind(Kind::Cast)
        .map(|handler| handler.ident.to_string())
        .collect();
    let requests = server
        .handlers
        .iter()
        .filter(|handler| matches!(handler.kind, Kind::Call | Kind::Cast));
    for handler in requests {
        let name = handler.ident.to_string();
        let Some(cast) = name.strip_prefix("try_") else {
            continue;
        };
        if casts.iter().any(|other| other == cast) {
            cx.error_spanned_by(
                &handler.ident,
                format!(
                    "with `mailbox = N` the client generates `{name}`, the non-waiting form of the \
                     cast `{cast}`; rename this handler (for example `attempt_{cast}`) or the cast"
                ),
            );
        }
    }
}

fn check_catch_all(cx: &mut Ctxt, server: &Server) {
    // A `#[handle_info(...)]` with a misspelled argument was likely meant as the catch-all: its
    // own error says so, and one more here would be noise.
    let misspelled = server
        .of_kind(Kind::Info)
        .any(|handler| handler.attr_invalid);
    if server.first(Kind::CatchAll).is_none() && !misspelled {
        cx.error_spanned_by(
            server.self_ty(),
            "missing catch-all info handler; add \
             `#[handle_info(catch_all)] fn unexpected(&mut self, msg: AnyMessage) {}`",
        );
    }
    check_at_most_one(cx, server, Kind::CatchAll);
}

fn check_at_most_one(cx: &mut Ctxt, server: &Server, kind: Kind) {
    let mut handlers = server.of_kind(kind);
    let Some(first) = handlers.next() else { return };
    for extra in handlers {
        cx.error_spanned_by(
            &extra.attr_tokens,
            format!(
                "a server has one `{}` method, and `{}` is already it; remove this one or merge them",
                kind.attribute(),
                first.ident
            ),
        );
    }
}

fn check_one_handler_per_type(cx: &mut Ctxt, server: &Server, kind: Kind) {
    let mut seen = HashMap::new();
    for handler in server.of_kind(kind) {
        let Some(ty) = handler.single_message() else {
            continue;
        };
        let key = crate::model::type_key(server.self_ty(), ty);
        match seen.get(&key) {
            Some(first) => cx.error_spanned_by(
                ty,
                format!(
                    "`{}` is already handled by `{first}`; a message type has one `{}` handler",
                    crate::model::written(ty),
                    kind.attribute()
                ),
            ),
            None => {
                seen.insert(key, handler.ident.clone());
            }
        }
    }
}
