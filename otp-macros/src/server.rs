//! Reads a whole `#[genserver]` impl block into a [`Server`]: the self type, its generics,
//! and its handlers, with the callback attributes taken off the user's methods.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{GenericParam, Ident, ImplItem, Item, ItemImpl, Type};

use crate::attr::{self, CALLBACK_NAMES, Kind};
use crate::ctxt::Ctxt;
use crate::model::{self, Handler};

/// Names `#[genserver]` adds to the server type; a user method so named would clash.
pub(crate) const GENERATED_NAMES: [&str; 4] = ["start", "start_link", "options", "whereis"];

/// Methods the generated client has besides the calls and casts.
pub(crate) const CLIENT_NAMES: [&str; 4] = ["pid", "is_alive", "stop", "server"];

pub(crate) struct Server {
    /// The user's impl block, callback attributes removed: re-emitted as it is.
    pub(crate) item: ItemImpl,
    pub(crate) ident: Ident,
    pub(crate) handlers: Vec<Handler>,
    pub(crate) child_defaults: crate::child_spec::ChildDefaults,
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

/// Parses the macro's input; `Err` holds the tokens to emit when it is not an impl block.
pub(crate) fn parse(cx: &mut Ctxt, input: TokenStream) -> Result<Server, TokenStream> {
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
        cx.error_spanned_by(
            path,
            format!(
                "`#[genserver]` goes on an inherent `impl` block, not on a trait impl; \
                 write `#[genserver] impl {self_ty} {{ ... }}`"
            ),
        );
        return Err(input);
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
    check_generics(cx, &item);
    let child_defaults = crate::child_spec::take(cx, &mut item.attrs);
    let handlers = read_methods(cx, &mut item);
    Ok(Server {
        item,
        ident,
        handlers,
        child_defaults,
    })
}

/// A server owns its state in its own task: type parameters only.
fn check_generics(cx: &mut Ctxt, item: &ItemImpl) {
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
    for param in &item.generics.params {
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
