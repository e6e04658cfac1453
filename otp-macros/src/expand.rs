//! Code generation for `#[genserver]`, from a checked [`Server`].
//!
//! Generated, for `impl Cache`: the message enum `__CacheMessage` (one variant per call and
//! cast, a oneshot sender in each call's), the continue enum, `impl GenServer for Cache` whose
//! `handle_message` is one `match`, the client `CacheRef` with one method per call and cast, and
//! `Cache::start`, `start_link`, `options`, `whereis`. Types that mention `Self` are rewritten
//! to the server's type, since the enum and the client live outside the impl.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::visit_mut::VisitMut;
use syn::{Ident, Type};

use crate::attr::Kind;
use crate::model::{ArgRole, Handler};
use crate::server::Server;

/// Replaces `Self` with the server's type.
struct ReplaceSelf<'a>(&'a Type);

impl VisitMut for ReplaceSelf<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(path) = ty {
            if path.qself.is_none() && path.path.is_ident("Self") {
                *ty = self.0.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

fn outside(server: &Server, ty: &Type) -> Type {
    let mut ty = ty.clone();
    ReplaceSelf(server.self_ty()).visit_type_mut(&mut ty);
    ty
}

fn variant(handler: &Handler) -> Ident {
    format_ident!("{}", handler.ident, span = Span::call_site())
}

fn maybe_await(handler: &Handler) -> TokenStream {
    if handler.is_async {
        quote!(.await)
    } else {
        TokenStream::new()
    }
}

/// The arguments of the call to the user's method, in the order of its signature.
fn call_arguments(handler: &Handler, message_names: &[Ident]) -> Vec<TokenStream> {
    let mut messages = message_names.iter();
    handler
        .args
        .iter()
        .map(|arg| match &arg.role {
            ArgRole::Message(_) => {
                let name = messages.next();
                quote!(#name)
            }
            ArgRole::Context => quote!(__ctx),
            ArgRole::ReplyTo(_) => quote!(::otp_core::ReplyTo::__new(__reply)),
            ArgRole::Reason => quote!(__reason),
        })
        .collect()
}

pub(crate) fn expand(server: &Server) -> TokenStream {
    let item = &server.item;
    let self_ty = server.self_ty();
    let ident = &server.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let generics = &item.generics;
    let message_enum = format_ident!("__{}Message", ident);
    let continue_enum = format_ident!("__{}Continue", ident);
    let ref_ident = format_ident!("{}Ref", ident);

    let type_params: Vec<&Ident> = item.generics.type_params().map(|param| &param.ident).collect();
    let phantom_variant = if type_params.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[doc(hidden)] __Phantom(::core::marker::PhantomData<fn() -> (#(#type_params,)*)>, ::core::convert::Infallible),)
    };
    let phantom_arm = |enum_ident: &Ident| {
        if type_params.is_empty() {
            TokenStream::new()
        } else {
            quote!(#enum_ident::__Phantom(_, __never) => match __never {},)
        }
    };

    // Calls and casts: one enum, one match.
    let requests: Vec<&Handler> = server
        .handlers
        .iter()
        .filter(|handler| matches!(handler.kind, Kind::Call | Kind::Cast))
        .collect();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut client_methods = Vec::new();
    for handler in &requests {
        let variant = variant(handler);
        let method = &handler.ident;
        let names: Vec<Ident> = handler.message_types().map(|(name, _)| format_ident!("{}", name, span = Span::call_site())).collect();
        let field_names: Vec<Ident> = (0..names.len()).map(|index| format_ident!("__arg{}", index)).collect();
        let types: Vec<Type> = handler.message_types().map(|(_, ty)| outside(server, ty)).collect();
        let docs = &handler.docs;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &field_names);
        if handler.kind == Kind::Call {
            let reply = handler
                .reply_to()
                .or(handler.output.as_ref())
                .map_or_else(|| quote!(()), |ty| {
                    let ty = outside(server, ty);
                    quote!(#ty)
                });
            variants.push(quote!(#variant(::otp_core::__private::oneshot::Sender<#reply>, #(#types),*)));
            let body = if handler.reply_to().is_some() {
                quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
            } else {
                quote! {
                    let __value = <#self_ty>::#method(self, #(#arguments),*) #await_;
                    __ctx.__reply(__reply, __value);
                }
            };
            arms.push(quote!(#message_enum::#variant(__reply, #(#field_names),*) => { #body }));
            client_methods.push(quote! {
                #(#docs)*
                pub fn #method(&self, #(#names: #types),*) -> ::otp_core::Call<'_, #self_ty, #reply> {
                    let (__sender, __receiver) = ::otp_core::__private::oneshot::channel();
                    self.server.__call(#message_enum::#variant(__sender, #(#names),*), __receiver)
                }
            });
        } else {
            variants.push(quote!(#variant(#(#types),*)));
            arms.push(quote!(#message_enum::#variant(#(#field_names),*) => { <#self_ty>::#method(self, #(#arguments),*) #await_; }));
            client_methods.push(quote! {
                #(#docs)*
                pub fn #method(&self, #(#names: #types),*) {
                    self.server.__cast(#message_enum::#variant(#(#names),*));
                }
            });
        }
    }
    let message_phantom_arm = phantom_arm(&message_enum);

    // Info messages: matched by type, then the catch-all.
    let info_arms = server.of_kind(Kind::Info).filter_map(|handler| {
        let ty = handler.single_message()?;
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &[format_ident!("__message")]);
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
        let arguments = call_arguments(handler, &[format_ident!("__message")]);
        quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
    });

    // Continue messages: an enum of their types, and `ContinueWith` for each.
    let continues: Vec<&Handler> = server.of_kind(Kind::Continue).collect();
    let mut continue_variants = Vec::new();
    let mut continue_arms = Vec::new();
    let mut continue_impls = Vec::new();
    for (index, handler) in continues.iter().enumerate() {
        let Some(ty) = handler.single_message() else { continue };
        let ty = outside(server, ty);
        let variant = format_ident!("__Continue{}", index);
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &[format_ident!("__message")]);
        continue_variants.push(quote!(#variant(#ty)));
        continue_arms.push(quote!(#continue_enum::#variant(__message) => { <#self_ty>::#method(self, #(#arguments),*) #await_; }));
        continue_impls.push(quote! {
            impl #impl_generics ::otp_core::ContinueWith<#ty> for #self_ty #where_clause {
                fn wrap_continue(message: #ty) -> <Self as ::otp_core::GenServer>::Continue {
                    #continue_enum::#variant(message)
                }
            }
        });
    }
    let continue_phantom_arm = phantom_arm(&continue_enum);

    // Init: the start argument, and the call of the user's method.
    let (args_ty, init_body) = match server.first(Kind::Init) {
        Some(handler) => {
            let method = &handler.ident;
            let await_ = maybe_await(handler);
            let args_ty = handler
                .single_message()
                .map_or_else(|| quote!(()), |ty| {
                    let ty = outside(server, ty);
                    quote!(#ty)
                });
            let arguments = call_arguments(handler, &[format_ident!("__args")]);
            let output = handler.output.as_ref().map(|ty| outside(server, ty));
            let span = output.as_ref().map_or_else(Span::call_site, syn::spanned::Spanned::span);
            let convert = quote_spanned!(span=> ::otp_core::IntoInitResult::<#self_ty>::into_init_result);
            (
                args_ty,
                quote! {
                    let _ = &__args;
                    #convert(<#self_ty>::#method(#(#arguments),*) #await_)
                },
            )
        }
        None => (quote!(#self_ty), quote!(let _ = __ctx; ::core::result::Result::Ok(__args))),
    };

    let terminate_body = server.first(Kind::Terminate).map(|handler| {
        let method = &handler.ident;
        let await_ = maybe_await(handler);
        let arguments = call_arguments(handler, &[]);
        quote!(<#self_ty>::#method(self, #(#arguments),*) #await_;)
    });

    let ref_doc = format!(
        "The client of [`{ident}`], generated by `#[genserver]`: one method per call and cast. \
         Also `pid`, `is_alive`, `stop`, and `server` for the untyped [`ServerRef`](::otp_core::ServerRef)."
    );
    let start_doc = format!("Starts a [`{ident}`] without a link and waits for its init (`GenServer.start/3`).");
    let start_link_doc = format!(
        "Starts a [`{ident}`] linked to the calling process and waits for its init (`GenServer.start_link/3`)."
    );

    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        pub enum #message_enum #generics #where_clause {
            #(#variants,)*
            #phantom_variant
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, private_interfaces, clippy::all, clippy::pedantic)]
        pub enum #continue_enum #generics #where_clause {
            #(#continue_variants,)*
            #phantom_variant
        }

        #(#continue_impls)*

        #[allow(clippy::all, clippy::pedantic, unused_variables)]
        impl #impl_generics ::otp_core::GenServer for #self_ty #where_clause {
            type Args = #args_ty;
            type Message = #message_enum #ty_generics;
            type Continue = #continue_enum #ty_generics;
            type Ref = #ref_ident #ty_generics;

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
                        #(#arms)*
                        #message_phantom_arm
                    }
                }
            }

            fn handle_info(
                &mut self,
                __message: ::otp_core::AnyMessage,
                __ctx: &mut ::otp_core::Context<Self>,
            ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                async move {
                    #(#info_arms)*
                    #catch_all
                }
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

        #[doc = #ref_doc]
        #[allow(private_interfaces)]
        pub struct #ref_ident #generics #where_clause {
            server: ::otp_core::ServerRef<#self_ty>,
        }

        #[allow(private_interfaces, clippy::all, clippy::pedantic)]
        impl #impl_generics #ref_ident #ty_generics #where_clause {
            #(#client_methods)*
        }

        impl #impl_generics ::core::clone::Clone for #ref_ident #ty_generics #where_clause {
            fn clone(&self) -> Self {
                #ref_ident { server: ::core::clone::Clone::clone(&self.server) }
            }
        }

        impl #impl_generics ::core::fmt::Debug for #ref_ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.server, f)
            }
        }

        impl #impl_generics ::core::cmp::PartialEq for #ref_ident #ty_generics #where_clause {
            fn eq(&self, other: &Self) -> bool {
                self.server == other.server
            }
        }

        impl #impl_generics ::core::cmp::Eq for #ref_ident #ty_generics #where_clause {}

        impl #impl_generics ::core::convert::From<::otp_core::ServerRef<#self_ty>> for #ref_ident #ty_generics #where_clause {
            fn from(server: ::otp_core::ServerRef<#self_ty>) -> Self {
                #ref_ident { server }
            }
        }

        #[allow(private_interfaces, clippy::all, clippy::pedantic)]
        impl #impl_generics #ref_ident #ty_generics #where_clause {
            /// The server's pid.
            #[must_use]
            pub fn pid(&self) -> ::otp_core::Pid {
                self.server.pid()
            }

            /// Whether the server is still running.
            #[must_use]
            pub fn is_alive(&self) -> bool {
                self.server.is_alive()
            }

            /// Stops the server (`GenServer.stop/2`): `terminate` runs with `reason`, and this
            /// waits until the server has exited.
            pub async fn stop(&self, reason: ::otp_core::ExitReason) -> ::core::result::Result<(), ::otp_core::CallError> {
                self.server.stop(reason).await
            }

            /// The untyped handle of the server.
            #[must_use]
            pub fn server(&self) -> &::otp_core::ServerRef<#self_ty> {
                &self.server
            }
        }

        #[allow(private_interfaces, clippy::all, clippy::pedantic)]
        impl #impl_generics #self_ty #where_clause {
            #[doc = #start_doc]
            pub async fn start(args: #args_ty) -> ::core::result::Result<#ref_ident #ty_generics, ::otp_core::StartError> {
                ::otp_core::StartOptions::<Self>::default().start(args).await
            }

            #[doc = #start_link_doc]
            pub async fn start_link(args: #args_ty) -> ::core::result::Result<#ref_ident #ty_generics, ::otp_core::StartError> {
                ::otp_core::StartOptions::<Self>::default().start_link(args).await
            }

            /// Options for starting this server: a name (`Self::options().name("x").start(args)`).
            #[must_use]
            pub fn options() -> ::otp_core::StartOptions<Self> {
                ::otp_core::StartOptions::default()
            }

            /// The running server registered under `name`, if it is one of this type.
            #[must_use]
            pub fn whereis(name: &str) -> ::core::option::Option<#ref_ident #ty_generics> {
                let pid = ::otp_core::whereis(name)?;
                ::otp_core::ServerRef::<Self>::from_pid(&pid).map(::core::convert::From::from)
            }
        }
    }
}
