//! Reads a whole `#[genserver]` impl block into a [`Server`]: the self type, its generics,
//! and its handlers, with the callback attributes taken off the user's methods.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{GenericParam, Ident, ImplItem, Item, ItemImpl, Type, Visibility};

use crate::attr::{self, CALLBACK_NAMES, Kind};
use crate::child_spec::{self, ChildDefaults};
use crate::ctxt::Ctxt;
use crate::model::{self, Handler};
use crate::value::{self, Integer};

/// Names `#[genserver]` adds to the server type; a user method so named would clash.
pub(crate) const GENERATED_NAMES: [&str; 4] = ["start", "start_link", "options", "whereis"];

/// Methods the generated client has besides the calls and casts.
pub(crate) const CLIENT_NAMES: [&str; 4] = ["pid", "is_alive", "stop", "server"];

pub(crate) struct Server {
    /// The user's impl block, callback attributes removed: re-emitted as it is.
    pub(crate) item: ItemImpl,
    pub(crate) ident: Ident,
    pub(crate) handlers: Vec<Handler>,
    pub(crate) child_defaults: ChildDefaults,
    /// `#[genserver(mailbox = N)]`: the bounded mailbox's capacity.
    pub(crate) mailbox: Option<usize>,
    /// The visibility of the generated client, messages and associated functions.
    pub(crate) vis: Visibility,
}

impl Server {
    pub(crate) fn self_ty(&self) -> &Type {
        &self.item.self_ty
    }

    pub(crate) fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Handler> {
        self.handlers
            .iter()
            .filter(move |handler| handler.kind == kind)
    }

    pub(crate) fn first(&self, kind: Kind) -> Option<&Handler> {
        self.of_kind(kind).next()
    }
}

/// Parses the macro's arguments and input; `Err` holds the tokens to emit when the input is not
/// an impl block.
pub(crate) fn parse(
    cx: &mut Ctxt,
    arguments: TokenStream,
    input: TokenStream,
) -> Result<Server, TokenStream> {
    let mailbox = parse_arguments(cx, arguments);
    let item: Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            cx.syn_error(error);
            return Err(input);
        }
    };
    let mut item = match item {
        Item::Impl(item) => item,
        other => {
            cx.error_spanned_by(
                first_tokens(&other),
                "`#[genserver]` goes on an inherent `impl` block of a struct or enum, \
                 as in `#[genserver] impl Cache { ... }`",
            );
            return Err(input);
        }
    };
    if let Some((path, _)) = &item.trait_ {
        let self_ty = item.self_ty.to_token_stream().to_string().replace(' ', "");
        // Its methods' callback attributes would each add an error of their own.
        for impl_item in &mut item.items {
            if let ImplItem::Fn(method) = impl_item {
                let mut quiet = Ctxt::default();
                attr::take_callback_attr(&mut quiet, &mut method.attrs);
            }
        }
        cx.error_spanned_by(
            path,
            format!(
                "`#[genserver]` goes on an inherent `impl` block, not on a trait impl; \
                 write `#[genserver] impl {self_ty} {{ ... }}`"
            ),
        );
        return Err(item.into_token_stream());
    }
    let ident = match &*item.self_ty {
        Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().map(|s| s.ident.clone())
        }
        _ => None,
    };
    let ident = ident.unwrap_or_else(|| {
        cx.error_spanned_by(
            &item.self_ty,
            "`#[genserver]` goes on the `impl` block of a struct or enum, named by its path",
        );
        Ident::new("Server", item.self_ty.span())
    });
    check_generics(cx, &mut item);
    let child_defaults = child_spec::take(&mut item.attrs);
    let handlers = read_methods(cx, &mut item);
    let vis = generated_visibility(cx, &handlers);
    Ok(Server {
        item,
        ident,
        handlers,
        child_defaults,
        mailbox,
        vis,
    })
}

const ONLY_ARGUMENT: &str = "the only argument is `mailbox = N`, a mailbox bounded to N queued \
                             casts, as in `#[genserver(mailbox = 1024)]`";

/// Reads `#[genserver(mailbox = N)]`, the capacity of a bounded mailbox. Read token by token
/// rather than as `syn` meta items, so that each mistake is reported on its own token with what
/// to write instead.
fn parse_arguments(cx: &mut Ctxt, arguments: TokenStream) -> Option<usize> {
    let mut mailbox = None;
    let mut seen: Option<Ident> = None;
    let mut tokens = arguments.into_iter().peekable();
    while tokens.peek().is_some() {
        let mut argument = Vec::new();
        let mut comma = None;
        for token in tokens.by_ref() {
            match token {
                TokenTree::Punct(punct) if punct.as_char() == ',' => {
                    comma = Some(punct);
                    break;
                }
                token => argument.push(token),
            }
        }
        let mut argument = argument.into_iter();
        let key = match argument.next() {
            Some(TokenTree::Ident(key)) if key == "mailbox" => key,
            Some(other) => {
                cx.error_spanned_by(
                    &other,
                    format!("unknown `#[genserver]` argument `{other}`; {ONLY_ARGUMENT}"),
                );
                continue;
            }
            None => {
                // Only a trailing comma ends without an argument before it.
                cx.error_spanned_by(
                    &comma,
                    format!("expected an argument before `,`; {ONLY_ARGUMENT}"),
                );
                continue;
            }
        };
        if seen.is_some() {
            cx.error_spanned_by(&key, "`mailbox` is given twice; keep one `mailbox = N`");
            continue;
        }
        match capacity(&key, argument) {
            Ok(capacity) => mailbox = Some(capacity),
            Err((at, message)) => {
                cx.error_spanned_by(at, message);
                // The stand-in beside the error still has a bounded mailbox's client.
                mailbox = Some(1);
            }
        }
        seen = Some(key);
    }
    mailbox
}

/// The capacity after `mailbox`, or the tokens to point at and what to write instead.
fn capacity(
    key: &Ident,
    mut rest: impl Iterator<Item = TokenTree>,
) -> Result<usize, (TokenStream, String)> {
    let example = "as in `mailbox = 1024`";
    let equals = match rest.next() {
        Some(TokenTree::Punct(punct)) if punct.as_char() == '=' => punct,
        Some(other) => {
            return Err((
                other.into_token_stream(),
                format!("expected `=` after `mailbox`: write its capacity, {example}"),
            ));
        }
        None => {
            return Err((
                key.into_token_stream(),
                format!("`mailbox` needs a capacity: write `mailbox = N`, {example}"),
            ));
        }
    };
    let value: TokenStream = rest.collect();
    if value.is_empty() {
        return Err((
            equals.into_token_stream(),
            format!("write the capacity after `=`, {example}"),
        ));
    }
    let expr = syn::parse2::<syn::Expr>(value.clone()).ok();
    let written = expr
        .as_ref()
        .map_or_else(|| value.to_string(), value::written);
    let message = match expr.map(|expr| value::integer::<usize>(&expr, "usize")) {
        Some(Integer::Value(0)) => format!(
            "a mailbox with room for no cast would make every cast wait forever; write a positive capacity, {example}"
        ),
        Some(Integer::Value(capacity)) => return Ok(capacity),
        Some(Integer::Negative) => format!(
            "a mailbox holds a positive number of casts, not `{written}`; write a positive capacity, {example}"
        ),
        Some(Integer::Suffix) => {
            format!("the mailbox capacity is a `usize`: write it without a suffix, {example}")
        }
        Some(Integer::TooLarge) => {
            format!("`{written}` does not fit in a `usize`; write a smaller capacity, {example}")
        }
        Some(Integer::OtherLiteral | Integer::Expression) | None => format!(
            "the mailbox capacity is a positive integer literal, {example}; `{written}` is not one"
        ),
    };
    Err((value, message))
}

/// With the type's declaration in view (`declared`: its visibility as written): when no handler
/// writes a visibility, the generated items take the type's; otherwise checks that the
/// generated client reaches as far as the type: the client is the type's `GenServer::Handle`,
/// and rustc refuses one less visible than the type. A narrower one is an error on the
/// handler's visibility, and the stand-in beside it takes the type's.
pub(crate) fn check_visibility_against(cx: &mut Ctxt, server: &mut Server, declared: &str) {
    let Ok(declared) = syn::parse_str::<Visibility>(declared) else {
        return;
    };
    // No handler says: the generated items take the type's own visibility.
    if server
        .handlers
        .iter()
        .all(|handler| reach(&handler.vis).is_none())
    {
        server.vis = declared;
        return;
    }
    let type_reach = reach(&declared).unwrap_or(0);
    let Some(client_reach) = reach(&server.vis) else {
        return;
    };
    // Two module restrictions: which reaches further is not known here.
    if type_reach == 1 && client_reach == 1 {
        return;
    }
    if type_reach <= client_reach {
        return;
    }
    // Handlers with two module restrictions are their own error: this one would follow it.
    let restricted: Vec<&Visibility> = server
        .handlers
        .iter()
        .map(|handler| &handler.vis)
        .filter(|vis| reach(vis) == Some(1))
        .collect();
    if restricted
        .iter()
        .any(|vis| !same_restriction(vis, restricted[0]))
    {
        server.vis = declared;
        return;
    }
    let Some(handler) = server
        .handlers
        .iter()
        .find(|handler| reach(&handler.vis) == Some(client_reach))
    else {
        return;
    };
    let ident = &server.ident;
    let (type_vis, handler_vis) = (written(&declared), written(&server.vis));
    let method = &handler.ident;
    cx.error_spanned_by(
        &server.vis,
        format!(
            "`{ident}` is `{type_vis}`, and its client `{ident}Ref` and `{ident}::start` take the \
             handlers' visibility, which must reach as far: write `{type_vis} fn {method}`, or \
             declare `{ident}` `{handler_vis}`"
        ),
    );
    server.vis = declared;
}

/// A visibility as it is written: `pub(crate)`, `pub(in crate::a)`.
fn written(vis: &Visibility) -> String {
    vis.to_token_stream()
        .to_string()
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" (", "(")
        .replace(" :: ", "::")
}

/// How far a visibility reaches, to find the widest: `pub`, then `pub(crate)`, then a module
/// (`pub(super)`, `pub(in path)`), then `pub(self)`. `None` when nothing is written.
fn reach(vis: &Visibility) -> Option<u8> {
    match vis {
        Visibility::Public(_) => Some(3),
        Visibility::Restricted(restricted) if restricted.path.is_ident("crate") => Some(2),
        Visibility::Restricted(restricted) if restricted.path.is_ident("self") => Some(0),
        Visibility::Restricted(_) => Some(1),
        Visibility::Inherited => None,
    }
}

/// Whether two module restrictions (`pub(super)`, `pub(in a::b)`) name the same module path.
fn same_restriction(a: &Visibility, b: &Visibility) -> bool {
    match (a, b) {
        (Visibility::Restricted(a), Visibility::Restricted(b)) => {
            a.path.leading_colon.is_some() == b.path.leading_colon.is_some()
                && (a.path.segments.iter().map(|segment| &segment.ident)).eq(b
                    .path
                    .segments
                    .iter()
                    .map(|segment| &segment.ident))
        }
        _ => false,
    }
}

/// The visibility of what `#[genserver]` generates: the widest one written on a callback
/// method, or `pub` when none is written. The impl block does not carry its type's
/// visibility, and the generated client must be at least as visible as the type (it is its
/// `GenServer` associated type), so `pub` is the default that always compiles. When the type's
/// declaration is in view in the same file, [`check_visibility_against`] then gives a server
/// whose handlers say nothing the type's own visibility instead.
fn generated_visibility(cx: &mut Ctxt, handlers: &[Handler]) -> Visibility {
    let mut widest: Option<(&Visibility, u8, &Ident)> = None;
    for handler in handlers {
        let Some(reach) = reach(&handler.vis) else {
            continue;
        };
        match widest {
            Some((vis, widest_reach, first)) if reach == widest_reach && reach == 1 => {
                if !same_restriction(vis, &handler.vis) {
                    cx.error_spanned_by(
                        &handler.vis,
                        format!(
                            "the generated client takes one visibility, and `{}` on `{first}` and \
                             this one do not say which reaches further; write the same on both",
                            vis.to_token_stream().to_string().replace(' ', "")
                        ),
                    );
                }
            }
            Some((_, widest_reach, _)) if reach <= widest_reach => {}
            _ => widest = Some((&handler.vis, reach, &handler.ident)),
        }
    }
    widest.map_or_else(
        || Visibility::Public(syn::Token![pub](proc_macro2::Span::call_site())),
        |(vis, _, _)| vis.clone(),
    )
}

/// A server owns its state in its own task: type parameters only.
fn check_generics(cx: &mut Ctxt, item: &mut ItemImpl) {
    let where_bounded: Vec<String> = item
        .generics
        .where_clause
        .iter()
        .flat_map(|clause| &clause.predicates)
        .filter_map(|predicate| match predicate {
            syn::WherePredicate::Type(bound) => {
                Some(bound.bounded_ty.to_token_stream().to_string())
            }
            _ => None,
        })
        .collect();
    for param in &mut item.generics.params {
        match param {
            GenericParam::Type(param) => {
                let name = param.ident.to_string();
                if param.bounds.is_empty() && !where_bounded.contains(&name) {
                    cx.error_spanned_by(
                        &param.ident,
                        format!(
                            "the server's state moves into its own task: add `{name}: Send + 'static`, \
                             as in `impl<{name}: Send + 'static>`"
                        ),
                    );
                    // Reported: the stand-in emitted beside the error has the bound.
                    param.bounds.push(syn::parse_quote!(::core::marker::Send));
                    param.bounds.push(syn::parse_quote!('static));
                }
            }
            GenericParam::Lifetime(lifetime) => cx.error_spanned_by(
                lifetime,
                "a server cannot borrow: its state moves into its own task, so it must be `'static`; \
                 own the data (`String`, `Arc<T>`) instead of a lifetime parameter",
            ),
            GenericParam::Const(constant) => cx.error_spanned_by(
                constant,
                "a server cannot have const generic parameters; make it a field instead",
            ),
        }
    }
}

/// Takes the callback attributes off the methods and reads each annotated method.
fn read_methods(cx: &mut Ctxt, item: &mut ItemImpl) -> Vec<Handler> {
    let mut handlers = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let callback = attr::take_callback_attr(cx, &mut method.attrs);
        let name = method.sig.ident.to_string();
        match callback {
            Some(callback) => {
                let own = callback.kind.attribute();
                let named_like_another =
                    CALLBACK_NAMES.iter().find(|(callback_name, attribute)| {
                        *callback_name == name && !own.starts_with(attribute.trim_end_matches(']'))
                    });
                if let Some((_, attribute)) = named_like_another {
                    cx.error_spanned_by(
                        &method.sig.ident,
                        format!(
                            "`{name}` is the name of the `{attribute}` callback, and this is a \
                             `{own}` handler; rename it (for example `{name}_{}`)",
                            if matches!(callback.kind, Kind::Call) {
                                "request"
                            } else {
                                "message"
                            }
                        ),
                    );
                }
                if matches!(callback.kind, Kind::Call | Kind::Cast)
                    && CLIENT_NAMES.contains(&name.as_str())
                {
                    cx.error_spanned_by(
                        &method.sig.ident,
                        format!(
                            "the generated client already has a `{name}` method; rename this handler \
                             (for example `{name}_server`)"
                        ),
                    );
                }
                handlers.push(model::parse_handler(cx, &callback, method));
                // The macro fixes these signatures: a handler need not use `self`, and takes
                // its messages by value.
                method.attrs.push(syn::parse_quote!(
                    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
                ));
            }
            None => {
                if let Some((_, attribute)) = CALLBACK_NAMES
                    .iter()
                    .find(|(callback, _)| *callback == name)
                {
                    cx.error_spanned_by(
                        &method.sig.ident,
                        format!(
                            "`{name}` is named like a callback but has no attribute; \
                             add `{attribute}` above it, or rename it"
                        ),
                    );
                }
            }
        }
        if GENERATED_NAMES.contains(&name.as_str()) {
            cx.error_spanned_by(
                &method.sig.ident,
                format!("`#[genserver]` generates `{name}` for this type; rename this method"),
            );
            // Reported: re-emitted under another name, so the generated `start` (that the
            // code using the server calls) is the only one.
            method.sig.ident =
                quote::format_ident!("__{}_renamed", name, span = method.sig.ident.span());
            method.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
        }
    }
    handlers
}

/// The tokens that name an item: `struct Name`, `fn name`, ... for an error on the right spot.
fn first_tokens(item: &Item) -> TokenStream {
    use quote::quote;
    match item {
        Item::Struct(item) => {
            let (token, ident) = (&item.struct_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Enum(item) => {
            let (token, ident) = (&item.enum_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Fn(item) => {
            let (token, ident) = (&item.sig.fn_token, &item.sig.ident);
            quote!(#token #ident)
        }
        Item::Trait(item) => {
            let (token, ident) = (&item.trait_token, &item.ident);
            quote!(#token #ident)
        }
        Item::Mod(item) => {
            let (token, ident) = (&item.mod_token, &item.ident);
            quote!(#token #ident)
        }
        other => quote::ToTokens::into_token_stream(other),
    }
}
