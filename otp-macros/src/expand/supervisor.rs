//! Code generation for `supervisor!`: a `SupervisorSpec` built with its methods, each child a
//! `ChildSpec` built with its `with_` setters.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::supervisor::{Child, ChildKind, Given, Intensity, Supervisor};

/// The value the macro read, or the expression as written.
fn given<T: ToTokens>(given: &Given<T>) -> TokenStream {
    match &given.value {
        Some(value) => value.to_token_stream(),
        None => given.expr.to_token_stream(),
    }
}

/// `.max_restarts(..)` and `.max_seconds(..)`, as written. Each call is spanned on its value,
/// as every setter here: a value of the wrong type is rustc's error on the value alone, not on
/// the whole macro.
fn intensity(intensity: &Intensity) -> TokenStream {
    let max_restarts = intensity.max_restarts.as_ref().map(|given| {
        let expr = &given.expr;
        quote_spanned!(expr.span()=> .max_restarts(#expr))
    });
    let max_seconds = intensity.max_seconds.as_ref().map(|given| {
        let expr = &given.expr;
        quote_spanned!(expr.span()=> .max_seconds(#expr))
    });
    quote!(#max_restarts #max_seconds)
}

/// The `SupervisorSpec` of a checked tree.
pub(crate) fn supervisor(tree: &Supervisor) -> TokenStream {
    let strategy = tree.strategy;
    let intensity = intensity(&tree.intensity);
    let auto_shutdown = tree.auto_shutdown.as_ref().map(|auto_shutdown| {
        let auto_shutdown = given(auto_shutdown);
        quote!(.auto_shutdown(#auto_shutdown))
    });
    let name = tree
        .name
        .as_ref()
        .map(|name| quote_spanned!(name.span()=> .name(#name)));
    let children = tree.children.iter().map(child);
    quote! {
        ::otp_core::SupervisorSpec::new(#strategy)
            #intensity
            #auto_shutdown
            #name
            #(.child(#children))*
    }
}

fn child(child: &Child) -> TokenStream {
    let base = match &child.kind {
        ChildKind::Args(path, args) => {
            quote_spanned!(path.span()=> ::otp_core::ChildSpec::of_listed::<#path, _>(#args))
        }
        ChildKind::Options(path, options, intensity_options) => {
            let setters = options
                .iter()
                .map(|(key, value)| quote_spanned!(key.span()=> .#key(#value)));
            let intensity = intensity(intensity_options);
            quote_spanned! {path.span()=>
                ::otp_core::ChildSpec::of_options::<#path, _>(|options| options #(#setters)* #intensity)
            }
        }
        ChildKind::Nested(tree) => {
            let nested = supervisor(tree);
            quote!(::otp_core::ChildSpec::of::<::otp_core::SupervisorSpec>(#nested))
        }
    };
    let id = child.id.as_ref().map(|id| {
        let id = &id.expr;
        quote_spanned!(id.span()=> .with_id(#id))
    });
    let name = child
        .name
        .as_ref()
        .map(|name| quote_spanned!(name.span()=> .with_name(#name)));
    let restart = child.restart.as_ref().map(|restart| {
        let restart = given(restart);
        quote!(.with_restart(#restart))
    });
    let shutdown = child.shutdown.as_ref().map(|shutdown| {
        let shutdown = given(shutdown);
        quote!(.with_shutdown(#shutdown))
    });
    let significant = child.significant.as_ref().map(|significant| {
        let significant = given(significant);
        quote!(.with_significant(#significant))
    });
    quote!(#base #id #name #restart #shutdown #significant)
}
