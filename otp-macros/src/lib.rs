//! The procedural macros of `otp-core`. Depend on `otp-core`, which re-exports them with their
//! documentation; this crate's items are documented there.

mod attr;
mod check;
mod child_spec;
mod ctxt;
mod expand;
mod model;
mod same_file;
mod server;
mod supervisor;
mod value;
mod worker;

#[cfg(test)]
mod expansion_tests;
#[cfg(test)]
mod never_panics_tests;

use proc_macro::TokenStream;

/// Turns an `impl` block into a `GenServer`. See `otp_core` for the full contract.
#[proc_macro_attribute]
pub fn genserver(attr: TokenStream, item: TokenStream) -> TokenStream {
    let site = same_file::CallSite::here();
    genserver_impl(attr.into(), item.into(), site.as_ref()).into()
}

/// The expansion of `#[genserver]`, on `proc_macro2` tokens so it can be tested directly;
/// `site` is the macro's own source file, when it can be read.
fn genserver_impl(
    attr: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
    site: Option<&same_file::CallSite>,
) -> proc_macro2::TokenStream {
    let mut cx = ctxt::Ctxt::default();
    let mut server = match server::parse(&mut cx, attr, item) {
        Ok(server) => server,
        Err(item) => {
            let errors = cx.into_compile_errors();
            return quote::quote!(#item #errors);
        }
    };
    if let Some(site) = site {
        let ident = server.ident.to_string();
        if let Some(line) = site.earlier_block(&ident) {
            // Only this error: the first block is the server, and its errors are its own.
            let mut cx = ctxt::Ctxt::default();
            cx.error_spanned_by(
                server.self_ty(),
                format!(
                    "a server's callbacks go in one `#[genserver]` block: the first \
                     `#[genserver]` block of `{ident}` is at line {line}; move these callbacks \
                     into it and remove this `#[genserver]`"
                ),
            );
            let second = expand::second_block(&server);
            let errors = cx.into_compile_errors();
            return quote::quote!(#second #errors);
        }
        if let Some(declared) = site.type_visibility(&ident) {
            server::check_visibility_against(&mut cx, &mut server, declared);
        }
    }
    check::check(&mut cx, &server);
    if cx.has_errors() {
        // Re-emit the user's item (without the callback attributes) and a stub beside the
        // errors, so the rest of the crate does not drown in follow-on errors.
        let fallback = expand::fallback(&server);
        let errors = cx.into_compile_errors();
        return quote::quote!(#fallback #errors);
    }
    expand::genserver(&server)
}

macro_rules! callback_attribute {
    ($name:ident, $attribute:literal) => {
        #[doc = concat!("Marks a callback inside a `#[genserver]` impl: `", $attribute, "`.")]
        #[proc_macro_attribute]
        pub fn $name(_attr: TokenStream, item: TokenStream) -> TokenStream {
            let message = concat!(
                "`",
                $attribute,
                "` belongs on a method of a `#[genserver]` impl block; add `#[genserver]` to the `impl`"
            );
            let mut tokens: proc_macro2::TokenStream = item.into();
            let error = syn::Error::new(proc_macro2::Span::call_site(), message).to_compile_error();
            tokens.extend(error);
            tokens.into()
        }
    };
}

callback_attribute!(init, "#[init]");
callback_attribute!(handle_call, "#[handle_call]");
callback_attribute!(handle_cast, "#[handle_cast]");
callback_attribute!(handle_info, "#[handle_info]");
callback_attribute!(handle_continue, "#[handle_continue]");
callback_attribute!(terminate, "#[terminate]");

/// Sets the child-spec defaults of a `#[genserver]` type: `#[child_spec(restart = "transient",
/// shutdown = "10s", id = "...", significant = true)]`, below `#[genserver]`.
#[proc_macro_attribute]
pub fn child_spec(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = proc_macro2::TokenStream::from(attr);
    let item = proc_macro2::TokenStream::from(item);
    // Written above `#[genserver]`, this runs first: hand the item to `#[genserver]` with
    // `#[child_spec]` below it, where it is read.
    if let Ok(mut parsed) = syn::parse2::<syn::ItemImpl>(item.clone()) {
        let position = parsed.attrs.iter().position(|attr| {
            attr.path()
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "genserver")
        });
        if let Some(position) = position {
            let genserver = parsed.attrs.remove(position);
            parsed
                .attrs
                .insert(0, syn::parse_quote!(#[::otp_core::child_spec(#attr)]));
            parsed.attrs.insert(0, genserver);
            return quote::quote!(#parsed).into();
        }
    }
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        "`#[child_spec(...)]` belongs on a `#[genserver]` impl block; add `#[genserver]` above it",
    )
    .to_compile_error();
    quote::quote!(#item #error).into()
}

/// Declares a supervision tree: `supervisor! { strategy: one_for_one, children: [A(arg), ...] }`
/// gives a `SupervisorSpec`. See `otp_core::SupervisorSpec`.
#[proc_macro]
pub fn supervisor(input: TokenStream) -> TokenStream {
    supervisor_impl(input.into()).into()
}

/// The expansion of `supervisor!`, on `proc_macro2` tokens so it can be tested directly.
fn supervisor_impl(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let mut cx = ctxt::Ctxt::default();
    let tree = match supervisor::parse::parse(&mut cx, input) {
        Ok(tree) => tree,
        Err(error) => return error.to_compile_error(),
    };
    supervisor::check::check(&mut cx, &tree);
    if cx.has_errors() {
        // A spec of the right type beside the errors, so the code using it type-checks.
        let errors = cx.into_compile_errors();
        return quote::quote!({ #errors ::otp_core::SupervisorSpec::new(::otp_core::Strategy::OneForOne) });
    }
    expand::supervisor(&tree)
}

/// (`#[worker]` is used through `otp_jobs::worker`: the code it writes names `::otp_jobs`.)
#[proc_macro_attribute]
pub fn worker(attr: TokenStream, item: TokenStream) -> TokenStream {
    worker::worker(attr.into(), item.into()).into()
}
