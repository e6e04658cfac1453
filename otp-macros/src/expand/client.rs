//! The client side: `CacheRef` with one method per call and cast, and `Cache::start`. All
//! take the server's generated visibility.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Type};

use super::Names;
use super::dispatch;
use super::shared::{Request, without_lifetimes};
use crate::attr::Kind;
use crate::model::Handler;
use crate::server::CLIENT_NAMES;

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

/// The client's method for each call and cast.
fn client_methods(names: &Names<'_>, requests: &[Request<'_>]) -> Vec<TokenStream> {
    let server = names.server;
    let self_ty = server.self_ty();
    let vis = &server.vis;
    let message_enum = &names.message_enum;
    requests
        .iter()
        .map(|request| {
            let Request {
                handler,
                variant,
                params,
                types,
                ..
            } = request;
            let method = &handler.ident;
            let docs = client_docs(handler);
            if names.stub {
                if CLIENT_NAMES.contains(&method.to_string().as_str()) {
                    // Reported: the client's own method stays the only one of that name.
                    return TokenStream::new();
                }
                let try_taken = requests
                    .iter()
                    .any(|other| other.handler.ident == format_ident!("try_{}", method));
                return stub_method(names, request, &docs, try_taken);
            }
            let Some(reply) = &request.reply else {
                let message = quote!(#message_enum::#variant(#(#params),*));
                if server.mailbox.is_some() {
                    return bounded_cast(names, handler, &docs, &message, params, types);
                }
                return quote! {
                    #(#docs)*
                    #vis fn #method(&self, #(#params: #types),*) {
                        self.server.__cast(#message);
                    }
                };
            };
            let sender = if names.reply_holders.contains(&method.to_string()) {
                let holder = super::send_bounds::reply_holder(&server.ident, method);
                quote!(#holder(__sender))
            } else {
                quote!(__sender)
            };
            quote! {
                #(#docs)*
                #vis fn #method(&self, #(#params: #types),*) -> ::otp_core::Call<'_, #self_ty, #reply> {
                    let (__sender, __receiver) = ::otp_core::__private::reply_channel();
                    self.server.__call(#message_enum::#variant(#sender, #(#params),*), __receiver)
                }
            }
        })
        .collect()
}

/// A client method beside errors: the signature the working server would have, a body that
/// does nothing (this code never runs: the crate does not compile).
fn stub_method(
    names: &Names<'_>,
    request: &Request<'_>,
    docs: &[TokenStream],
    try_taken: bool,
) -> TokenStream {
    let server = names.server;
    let vis = &server.vis;
    let self_ty = server.self_ty();
    let method = &request.handler.ident;
    let params = &request.params;
    let types: Vec<Type> = request.types.iter().map(without_lifetimes).collect();
    let body = quote!(::core::unreachable!());
    match &request.reply {
        Some(reply) => {
            let reply: Type = syn::parse2(reply.clone()).map_or_else(
                |_| syn::parse_quote!(()),
                |reply| boxed_impl_traits(&without_lifetimes(&reply)),
            );
            quote! {
                #(#docs)*
                #vis fn #method(&self, #(#params: #types),*) -> ::otp_core::Call<'_, #self_ty, #reply> {
                    #body
                }
            }
        }
        None if server.mailbox.is_some() => {
            let try_method = format_ident!("try_{}", method);
            let returned_ty = if let [ty] = types.as_slice() {
                quote!(#ty)
            } else {
                quote!((#(#types),*))
            };
            let try_cast = (!try_taken).then(|| quote! {
                #vis fn #try_method(&self, #(#params: #types),*) -> ::core::result::Result<(), ::otp_core::TryCastError<#returned_ty>> {
                    #body
                }
            });
            quote! {
                #(#docs)*
                #vis async fn #method(&self, #(#params: #types),*) {
                    #body
                }

                #try_cast
            }
        }
        None => quote! {
            #(#docs)*
            #vis fn #method(&self, #(#params: #types),*) {
                #body
            }
        },
    }
}

/// `ty` with each `impl Trait` made `Box<dyn Trait>`: a reply type the macro rejects, in the
/// stand-in client, where an `impl Trait` with a body that does nothing cannot be inferred.
fn boxed_impl_traits(ty: &Type) -> Type {
    struct Boxed;
    impl syn::visit_mut::VisitMut for Boxed {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::ImplTrait(impl_trait) = ty {
                let bounds = &impl_trait.bounds;
                *ty = syn::parse_quote!(::std::boxed::Box<dyn #bounds>);
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Boxed, &mut ty);
    ty
}

/// The client methods of a cast to a bounded mailbox: `put`, which waits for room, and
/// `try_put`, which gives the arguments back when there is none.
fn bounded_cast(
    names: &Names<'_>,
    handler: &Handler,
    docs: &[TokenStream],
    message: &TokenStream,
    params: &[Ident],
    types: &[Type],
) -> TokenStream {
    let vis = &names.server.vis;
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
        #vis async fn #method(&self, #(#params: #types),*) {
            self.server.__cast_bounded(#message).await;
        }

        #[doc = #try_doc]
        #vis fn #try_method(&self, #(#params: #types),*) -> ::core::result::Result<(), ::otp_core::TryCastError<#returned_ty>> {
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

/// The impl block of the client's method for each call and cast.
pub(super) fn methods_impl(names: &Names<'_>, requests: &[Request<'_>]) -> TokenStream {
    let client_methods = client_methods(names, requests);
    let generics = &names.server.item.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let ref_ident = &names.ref_ident;
    let methods_where = super::send_bounds::with_predicates(where_clause, &names.reply_bounds);
    quote! {
        #[allow(private_interfaces, unused_variables, clippy::all, clippy::pedantic)]
        impl #impl_generics #ref_ident #ty_generics #methods_where {
            #(#client_methods)*
        }
    }
}

/// `CacheRef`: its methods, and the traits a handle has.
pub(super) fn client(names: &Names<'_>, requests: &[Request<'_>]) -> TokenStream {
    let server = names.server;
    let vis = &server.vis;
    let self_ty = server.self_ty();
    let ident = &server.ident;
    let generics = &server.item.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let ref_ident = &names.ref_ident;
    let methods = methods_impl(names, requests);
    let ref_doc = format!(
        "The client of [`{ident}`], generated by `#[genserver]`: one method per call and cast. \
         Also `pid`, `is_alive`, `stop`, and `server` for the untyped [`ServerRef`](::otp_core::ServerRef)."
    );
    quote! {
        #[doc = #ref_doc]
        #[allow(private_interfaces)]
        #vis struct #ref_ident #generics #where_clause {
            server: ::otp_core::ServerRef<#self_ty>,
        }

        #methods

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

        impl #impl_generics ::core::convert::AsRef<::otp_core::ServerRef<#self_ty>> for #ref_ident #ty_generics #where_clause {
            fn as_ref(&self) -> &::otp_core::ServerRef<#self_ty> {
                &self.server
            }
        }

        impl #impl_generics ::core::convert::From<::otp_core::ServerRef<#self_ty>> for #ref_ident #ty_generics #where_clause {
            fn from(server: ::otp_core::ServerRef<#self_ty>) -> Self {
                #ref_ident { server }
            }
        }

        #[allow(private_interfaces, clippy::all, clippy::pedantic)]
        impl #impl_generics #ref_ident #ty_generics #where_clause {
            /// The server's pid.
            #[must_use]
            #vis fn pid(&self) -> ::otp_core::Pid {
                self.server.pid()
            }

            /// Whether the server is still running.
            #[must_use]
            #vis fn is_alive(&self) -> bool {
                self.server.is_alive()
            }

            /// Stops the server (`GenServer.stop/2`): `terminate` runs with `reason`, and this
            /// waits until the server has exited.
            #vis async fn stop(&self, reason: ::otp_core::ExitReason) -> ::core::result::Result<(), ::otp_core::CallError> {
                self.server.stop(reason).await
            }

            /// The untyped handle of the server.
            #[must_use]
            #vis fn server(&self) -> &::otp_core::ServerRef<#self_ty> {
                &self.server
            }
        }

    }
}

/// `Cache::start`, `start_link`, `options` and `whereis`.
pub(super) fn starters(names: &Names<'_>) -> TokenStream {
    let server = names.server;
    let vis = &server.vis;
    let self_ty = server.self_ty();
    let ident = &server.ident;
    let (impl_generics, ty_generics, where_clause) = server.item.generics.split_for_impl();
    let ref_ident = &names.ref_ident;
    let (args_ty, _) = dispatch::init(names);
    let args_ty = if names.stub {
        // Beside errors, the argument as written, and bodies that do nothing.
        match names
            .server
            .first(Kind::Init)
            .and_then(|init| init.single_message())
        {
            Some(ty) => {
                let ty = without_lifetimes(&super::shared::outside(server, ty));
                quote!(#ty)
            }
            None => args_ty,
        }
    } else {
        args_ty
    };
    let start_body = if names.stub {
        quote!(::core::unreachable!())
    } else {
        quote!(
            ::otp_core::StartOptions::<Self>::default()
                .start(args)
                .await
        )
    };
    let start_link_body = if names.stub {
        quote!(::core::unreachable!())
    } else {
        quote!(
            ::otp_core::StartOptions::<Self>::default()
                .start_link(args)
                .await
        )
    };
    let start_doc = format!(
        "Starts a [`{ident}`] without a link and waits for its init (`GenServer.start/3`)."
    );
    let start_link_doc = format!(
        "Starts a [`{ident}`] linked to the calling process and waits for its init (`GenServer.start_link/3`)."
    );
    quote! {
        #[allow(private_interfaces, unused_variables, clippy::all, clippy::pedantic)]
        impl #impl_generics #self_ty #where_clause {
            #[doc = #start_doc]
            #vis async fn start(args: #args_ty) -> ::core::result::Result<#ref_ident #ty_generics, ::otp_core::StartError> {
                #start_body
            }

            #[doc = #start_link_doc]
            #vis async fn start_link(args: #args_ty) -> ::core::result::Result<#ref_ident #ty_generics, ::otp_core::StartError> {
                #start_link_body
            }

            /// Options for starting this server: a name (`Self::options().name("x").start(args)`).
            #[must_use]
            #vis fn options() -> ::otp_core::StartOptions<Self> {
                ::otp_core::StartOptions::default()
            }

            /// The running server registered under `name`, if it is one of this type.
            #[must_use]
            #vis fn whereis(name: &str) -> ::core::option::Option<#ref_ident #ty_generics> {
                let pid = ::otp_core::whereis(name)?;
                ::otp_core::ServerRef::<Self>::from_pid(&pid).map(::core::convert::From::from)
            }
        }
    }
}
