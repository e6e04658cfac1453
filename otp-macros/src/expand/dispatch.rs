//! The server side: the enums' variants, the one `match` per enum, and `impl GenServer`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::Names;
use super::genserver_impl::GenServerImpl;
use super::shared::{Request, call_arguments, call_arguments_with_reply, maybe_await, outside};
use crate::attr::Kind;
use crate::model::{Handler, contains_reference_or_impl, type_key};
use crate::server::Server;

/// Calls and casts: their variants in the message enum and their arms in its `match`.
pub(super) struct Requests {
    pub(super) variants: Vec<TokenStream>,
    pub(super) arms: Vec<TokenStream>,
    /// The arms of `message_kind` and `message_name`, for `sys::trace`.
    pub(super) kinds: Vec<TokenStream>,
    pub(super) names: Vec<TokenStream>,
}

pub(super) fn requests(names: &Names<'_>, requests: &[Request<'_>]) -> Requests {
    let self_ty = names.server.self_ty();
    let message_enum = &names.message_enum;
    let mut out = Requests {
        variants: Vec::new(),
        arms: Vec::new(),
        kinds: Vec::new(),
        names: Vec::new(),
    };
    for request in requests {
        let Request {
            handler,
            variant,
            fields,
            types,
            ..
        } = request;
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, fields);
        let kind = if handler.kind == Kind::Call {
            quote!(::otp_core::sys::MessageKind::Call)
        } else {
            quote!(::otp_core::sys::MessageKind::Cast)
        };
        let name = syn::ext::IdentExt::unraw(method).to_string();
        out.kinds
            .push(quote!(#message_enum::#variant(..) => #kind,));
        out.names
            .push(quote!(#message_enum::#variant(..) => #name,));
        let Some(reply) = &request.reply else {
            out.variants.push(quote!(#variant(#(#types),*)));
            let call = handled(
                handler,
                quote!(<#self_ty>::#method(self, #(#arguments),*) #await_),
            );
            out.arms.push(quote! {
                #message_enum::#variant(#(#fields),*) => { #call }
            });
            continue;
        };
        // A reply holder keeps `ReplySender<R>` out of `impl GenServer` (see `send_bounds`).
        let holder = names
            .reply_holders
            .contains(&method.to_string())
            .then(|| super::send_bounds::reply_holder(&names.server.ident, method));
        let sender_ty = holder.as_ref().map_or_else(
            || quote!(::otp_core::__private::ReplySender<#reply>),
            |holder| quote!(#holder),
        );
        out.variants.push(quote!(#variant(#sender_ty, #(#types),*)));
        let body = if handler.reply_to().is_some() {
            let arguments = match &holder {
                Some(_) => call_arguments_with_reply(handler, fields, &quote!(__reply.reply_to())),
                None => arguments,
            };
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
        } else {
            let send = if holder.is_some() {
                quote!(__reply.send(__ctx, __value);)
            } else {
                quote!(__ctx.__reply(__reply, __value);)
            };
            quote! {
                let __value = <#self_ty>::#method(self, #(#arguments),*) #await_;
                #send
            }
        };
        out.arms
            .push(quote!(#message_enum::#variant(__reply, #(#fields),*) => { #body }));
    }
    out
}

/// Continue messages: their variants, match arms, and a `ContinueWith` impl for each type.
pub(super) struct Continues {
    pub(super) variants: Vec<TokenStream>,
    pub(super) arms: Vec<TokenStream>,
    pub(super) impls: Vec<TokenStream>,
}

pub(super) fn continues(names: &Names<'_>) -> Continues {
    let server = names.server;
    let self_ty = server.self_ty();
    let continue_enum = &names.continue_enum;
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    // Two impls for uninhabited types keep rustc from inferring the message type from a single
    // impl, so `continue_with(x)` of an unhandled type names that type in its error. Their
    // `for<'__otp> Self: Send` is checked where they are used, not here: a state that is not
    // `Send` gets its one error in `impl GenServer`, not two more on these helpers.
    let span = syn::spanned::Spanned::span(self_ty);
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| {
            clause
                .predicates
                .iter()
                .map(quote::ToTokens::to_token_stream)
                .collect()
        })
        .unwrap_or_default();
    predicates.push(quote!(for<'__otp> #self_ty: ::core::marker::Send));
    let impls = ["NeverA", "NeverB"].map(|never| {
        let never = format_ident!("{}", never);
        quote_spanned! {span=>
            #[diagnostic::do_not_recommend]
            impl #impl_generics ::otp_core::ContinueWith<::otp_core::__private::#never> for #self_ty where #(#predicates),* {
                fn wrap_continue(message: ::otp_core::__private::#never) -> <Self as ::otp_core::GenServer>::Continue {
                    match message {}
                }
            }
        }
    });
    let mut continues = Continues {
        variants: Vec::new(),
        arms: Vec::new(),
        impls: impls.into(),
    };
    for (index, handler) in server.of_kind(Kind::Continue).enumerate() {
        let Some(ty) = handler.single_message() else {
            continue;
        };
        let ty = outside(server, ty);
        let variant = format_ident!("__Continue{}", index);
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &[format_ident!("__message")]);
        continues.variants.push(quote!(#variant(#ty)));
        let call = handled(
            handler,
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_),
        );
        continues.arms.push(quote! {
            #continue_enum::#variant(__message) => { #call }
        });
        // Spanned on the user's type: two handlers of one type written two ways (an alias,
        // `crate::`) are rustc's conflicting impls, on both types.
        let span = syn::spanned::Spanned::span(&ty);
        continues.impls.push(quote_spanned! {span=>
            #[diagnostic::do_not_recommend]
            impl #impl_generics ::otp_core::ContinueWith<#ty> for #self_ty #where_clause {
                fn wrap_continue(message: #ty) -> <Self as ::otp_core::GenServer>::Continue {
                    #continue_enum::#variant(message)
                }
            }
        });
    }
    continues
}

/// The call of a cast, info or continue handler: one that returns `Result<(), E>` stops the
/// server on an `Err` (`{:stop, reason, state}`), checked on the user's return type.
fn handled(handler: &Handler, call: TokenStream) -> TokenStream {
    let Some(output) = &handler.output else {
        return quote!(#call;);
    };
    let span = syn::spanned::Spanned::span(output);
    let stop = quote_spanned! {span=>
        if let ::core::option::Option::Some(__reason) =
            ::otp_core::HandlerResult::into_stop_reason(__outcome)
        {
            __ctx.stop(__reason);
        }
    };
    quote! {
        let __outcome = #call;
        #stop
    }
}

/// `HandleInfo<T>` for each info handler's type, spanned on it: two handlers of one type that
/// the macro cannot tell apart by their tokens (an alias, `crate::Tick` beside `Tick`) are
/// rustc's conflicting impls, on both. A second handler of the same tokens is the macro's
/// error, and gets no impl.
pub(super) fn info_impls(server: &Server) -> Vec<TokenStream> {
    let self_ty = server.self_ty();
    let (impl_generics, _, where_clause) = server.item.generics.split_for_impl();
    let mut seen = std::collections::HashSet::new();
    server
        .of_kind(Kind::Info)
        .filter_map(Handler::single_message)
        .filter(|ty| !contains_reference_or_impl(ty))
        .filter(|ty| seen.insert(type_key(self_ty, ty)))
        .map(|ty| {
            let ty = outside(server, ty);
            let span = syn::spanned::Spanned::span(&ty);
            quote_spanned! {span=>
                impl #impl_generics ::otp_core::HandleInfo<#ty> for #self_ty #where_clause {}
            }
        })
        .collect()
}

/// The dispatch of info messages: by type, then the catch-all.
fn info_body(names: &Names<'_>) -> TokenStream {
    let server = names.server;
    let self_ty = server.self_ty();
    let message = [format_ident!("__message")];
    let by_type = server.of_kind(Kind::Info).filter_map(|handler| {
        let ty = handler.single_message()?;
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &message);
        let call = handled(
            handler,
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_),
        );
        Some(quote! {
            let __message = match __message.downcast::<#ty>() {
                ::core::result::Result::Ok(__message) => {
                    #call
                    return;
                }
                ::core::result::Result::Err(__message) => __message,
            };
        })
    });
    let catch_all = server.first(Kind::CatchAll).map(|handler| {
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &message);
        handled(
            handler,
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_),
        )
    });
    quote!(#(#by_type)* #catch_all)
}

/// The start argument's type and the body of `GenServer::init`.
pub(super) fn init(names: &Names<'_>) -> (TokenStream, TokenStream) {
    let server = names.server;
    let self_ty = server.self_ty();
    let Some(handler) = server.first(Kind::Init) else {
        return (
            quote!(#self_ty),
            quote!(let _ = __ctx; ::core::result::Result::Ok(__args)),
        );
    };
    let method = &handler.ident;
    let await_ = maybe_await(handler);
    let args_ty = handler.single_message().map_or_else(
        || quote!(()),
        |ty| {
            let ty = outside(server, ty);
            quote!(#ty)
        },
    );
    let arguments = call_arguments(handler, &[format_ident!("__args")]);
    // Spanned on the user's return type, so a wrong one is reported there.
    let span = handler
        .output
        .as_ref()
        .map_or_else(Span::call_site, syn::spanned::Spanned::span);
    let convert =
        quote_spanned!(span=> ::otp_core::IntoInitResult::<#self_ty>::into_init_result(__result));
    let body = quote! {
        let _ = &__args;
        let __result = <#self_ty>::#method(#(#arguments),*) #await_;
        #convert
    };
    (args_ty, body)
}

/// `impl GenServer`, dispatching each callback to the user's methods.
pub(super) fn genserver_impl(
    names: &Names<'_>,
    requests: &Requests,
    continue_arms: &[TokenStream],
    send_bounds: &[TokenStream],
) -> TokenStream {
    let request_arms = &requests.arms;
    let (kind_arms, name_arms) = (&requests.kinds, &requests.names);
    let server = names.server;
    let self_ty = server.self_ty();
    let (_, ty_generics, _) = server.item.generics.split_for_impl();
    let (message_enum, continue_enum, ref_ident) =
        (&names.message_enum, &names.continue_enum, &names.ref_ident);
    let (args, init) = init(names);
    let message_phantom_arm = names.phantom_arm(message_enum);
    let continue_phantom_arm = names.phantom_arm(continue_enum);
    let terminate = server
        .first(Kind::Terminate)
        .map(|handler| {
            let method = &handler.ident;
            let await_ = maybe_await(handler);
            let arguments = call_arguments(handler, &[]);
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
        })
        .unwrap_or_default();
    GenServerImpl {
        send_bounds: send_bounds.to_vec(),
        args,
        message: quote!(#message_enum #ty_generics),
        continue_: quote!(#continue_enum #ty_generics),
        handle: quote!(#ref_ident #ty_generics),
        mailbox_capacity: server.mailbox,
        init,
        handle_message: quote! {
            match __message {
                #(#request_arms)*
                #message_phantom_arm
            }
        },
        handle_info: info_body(names),
        handle_continue: quote! {
            match __message {
                #(#continue_arms)*
                #continue_phantom_arm
            }
        },
        terminate,
        format_state: Some(quote! {
            #[allow(unused_imports)]
            use ::otp_core::__private::{FormatWithDebug as _, FormatWithoutDebug as _};
            (&::otp_core::__private::DebugProbe(self)).format_state()
        }),
        describe: Some((
            quote! {
                match *__message {
                    #(#kind_arms)*
                    #message_phantom_arm
                }
            },
            quote! {
                match *__message {
                    #(#name_arms)*
                    #message_phantom_arm
                }
            },
        )),
    }
    .expand(server)
}
