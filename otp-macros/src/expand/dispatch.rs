//! The server side: the enum variants, the one `match` per enum, and `impl GenServer`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, Type};

use super::Names;
use super::shared::{call_arguments, maybe_await, outside, variant};
use crate::attr::Kind;
use crate::model::Handler;

/// Calls and casts: their variants, their match arms, their client methods.
pub(super) struct Requests {
    pub(super) variants: Vec<TokenStream>,
    pub(super) arms: Vec<TokenStream>,
    pub(super) client_methods: Vec<TokenStream>,
}

/// The handler's doc comment for its client method, or a line saying what the method does.
fn client_docs(handler: &Handler) -> Vec<TokenStream> {
    if !handler.docs.is_empty() {
        return handler.docs.iter().map(|doc| quote!(#doc)).collect();
    }
    let what = if handler.kind == Kind::Call {
        "Calls"
    } else {
        "Casts to"
    };
    let line = format!("{what} the server's `{}` handler.", handler.ident);
    vec![quote!(#[doc = #line])]
}

/// The type a call replies with, `()` when its handler returns nothing.
fn reply_type(names: &Names<'_>, handler: &Handler) -> TokenStream {
    handler.reply_to().or(handler.output.as_ref()).map_or_else(
        || quote!(()),
        |ty| {
            let ty = outside(names.server, ty);
            quote!(#ty)
        },
    )
}

pub(super) fn requests(names: &Names<'_>) -> Requests {
    let server = names.server;
    let self_ty = server.self_ty();
    let message_enum = &names.message_enum;
    let mut requests = Requests {
        variants: Vec::new(),
        arms: Vec::new(),
        client_methods: Vec::new(),
    };
    let handlers = server
        .handlers
        .iter()
        .filter(|handler| matches!(handler.kind, Kind::Call | Kind::Cast));
    for handler in handlers {
        let variant = variant(handler);
        let method = &handler.ident;
        let params: Vec<_> = handler
            .message_types()
            .map(|(name, _)| format_ident!("{}", name, span = Span::call_site()))
            .collect();
        let fields: Vec<_> = (0..params.len())
            .map(|index| format_ident!("__arg{}", index))
            .collect();
        let types: Vec<Type> = handler
            .message_types()
            .map(|(_, ty)| outside(server, ty))
            .collect();
        let docs = client_docs(handler);
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &fields);
        if handler.kind == Kind::Cast {
            requests.variants.push(quote!(#variant(#(#types),*)));
            requests.arms.push(quote! {
                #message_enum::#variant(#(#fields),*) => {
                    <#self_ty>::#method(self, #(#arguments),*) #await_;
                }
            });
            let message = quote!(#message_enum::#variant(#(#params),*));
            let client_method = if server.mailbox.is_some() {
                bounded_cast(handler, &docs, &message, &params, &types)
            } else {
                quote! {
                    #(#docs)*
                    pub fn #method(&self, #(#params: #types),*) {
                        self.server.__cast(#message);
                    }
                }
            };
            requests.client_methods.push(client_method);
            continue;
        }
        let reply = reply_type(names, handler);
        requests.variants.push(quote! {
            #variant(::otp_core::__private::ReplySender<#reply>, #(#types),*)
        });
        let body = if handler.reply_to().is_some() {
            quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
        } else {
            quote! {
                let __value = <#self_ty>::#method(self, #(#arguments),*) #await_;
                __ctx.__reply(__reply, __value);
            }
        };
        requests
            .arms
            .push(quote!(#message_enum::#variant(__reply, #(#fields),*) => { #body }));
        requests.client_methods.push(quote! {
            #(#docs)*
            pub fn #method(&self, #(#params: #types),*) -> ::otp_core::Call<'_, #self_ty, #reply> {
                let (__sender, __receiver) = ::otp_core::__private::reply_channel();
                self.server.__call(#message_enum::#variant(__sender, #(#params),*), __receiver)
            }
        });
    }
    requests
}

/// The client methods of a cast to a bounded mailbox: `put`, which waits for room, and
/// `try_put`, which gives the arguments back when there is none.
fn bounded_cast(
    handler: &Handler,
    docs: &[TokenStream],
    message: &TokenStream,
    params: &[Ident],
    types: &[Type],
) -> TokenStream {
    let method = &handler.ident;
    let try_method = format_ident!("try_{}", method);
    // The arguments given back: the value itself for one, a tuple for several.
    let (returned_ty, returned) = match (params, types) {
        ([param], [ty]) => (quote!(#ty), quote!(#param)),
        _ => (quote!((#(#types),*)), quote!((#(#params),*))),
    };
    let try_doc = format!(
        "Casts to the server's `{method}` handler if its bounded mailbox has room, without \
         waiting; gives the arguments back in a [`TryCastError`](::otp_core::TryCastError): \
         `Full` when it is full, `NoProc` when the server has exited."
    );
    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = " The server's mailbox is bounded: this waits while it is full."]
        pub async fn #method(&self, #(#params: #types),*) {
            self.server.__cast_bounded(#message).await;
        }

        #[doc = #try_doc]
        pub fn #try_method(&self, #(#params: #types),*) -> ::core::result::Result<(), ::otp_core::TryCastError<#returned_ty>> {
            match self.server.__try_reserve() {
                ::core::result::Result::Ok(__room) => {
                    __room.send(#message);
                    ::core::result::Result::Ok(())
                }
                ::core::result::Result::Err(__refused) => {
                    ::core::result::Result::Err(__refused.map(|()| #returned))
                }
            }
        }
    }
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
    // impl, so `continue_with(x)` of an unhandled type names that type in its error.
    let impls = ["NeverA", "NeverB"].map(|never| {
        let never = format_ident!("{}", never);
        quote! {
            impl #impl_generics ::otp_core::ContinueWith<::otp_core::__private::#never> for #self_ty #where_clause {
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
        continues.arms.push(quote! {
            #continue_enum::#variant(__message) => {
                <#self_ty>::#method(self, #(#arguments),*) #await_;
            }
        });
        continues.impls.push(quote! {
            impl #impl_generics ::otp_core::ContinueWith<#ty> for #self_ty #where_clause {
                fn wrap_continue(message: #ty) -> <Self as ::otp_core::GenServer>::Continue {
                    #continue_enum::#variant(message)
                }
            }
        });
    }
    continues
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
        Some(quote! {
            let __message = match __message.downcast::<#ty>() {
                ::core::result::Result::Ok(__message) => {
                    <#self_ty>::#method(self, #(#arguments),*) #await_;
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
        quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
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

pub(super) fn genserver_impl(
    names: &Names<'_>,
    request_arms: &[TokenStream],
    continue_arms: &[TokenStream],
) -> TokenStream {
    let server = names.server;
    let self_ty = server.self_ty();
    let (impl_generics, ty_generics, where_clause) = server.item.generics.split_for_impl();
    let (message_enum, continue_enum, ref_ident) =
        (&names.message_enum, &names.continue_enum, &names.ref_ident);
    let (args_ty, init_body) = init(names);
    let info_body = info_body(names);
    let message_phantom_arm = names.phantom_arm(message_enum);
    let continue_phantom_arm = names.phantom_arm(continue_enum);
    let terminate_body = server.first(Kind::Terminate).map(|handler| {
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &[]);
        quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
    });
    let mailbox_capacity = server.mailbox.map(|capacity| {
        quote!(const MAILBOX_CAPACITY: ::core::option::Option<usize> = ::core::option::Option::Some(#capacity);)
    });
    quote! {
        #[allow(clippy::all, clippy::pedantic, unused_variables)]
        impl #impl_generics ::otp_core::GenServer for #self_ty #where_clause {
            type Args = #args_ty;
            type Message = #message_enum #ty_generics;
            type Continue = #continue_enum #ty_generics;
            type Ref = #ref_ident #ty_generics;
            #mailbox_capacity

            fn init(
                __args: Self::Args,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<Self, ::otp_core::InitError>> + ::core::marker::Send {
                async move { #init_body }
            }

            fn handle_message(
                &mut self,
                __message: Self::Message,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move {
                    match __message {
                        #(#request_arms)*
                        #message_phantom_arm
                    }
                }
            }

            fn handle_info(
                &mut self,
                __message: ::otp_core::AnyMessage,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move { #info_body }
            }

            fn handle_continue(
                &mut self,
                __message: Self::Continue,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move {
                    match __message {
                        #(#continue_arms)*
                        #continue_phantom_arm
                    }
                }
            }

            fn terminate(
                &mut self,
                __reason: &::otp_core::ExitReason,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move { #terminate_body }
            }
        }
    }
}
