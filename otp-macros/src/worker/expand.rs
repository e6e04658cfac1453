//! Generates, for `#[worker(...)] impl SendEmail { ... }`: the user's impl as written, and
//! `impl ::otp_jobs::Worker for SendEmail` with the options as its constants, `perform` calling
//! the user's (its result through `IntoPerformResult`) and `backoff` calling the user's if there
//! is one. The compiler's checks of the generated code are spanned on the user's tokens: the
//! type (its serde derives), `perform`'s name (a future that is not `Send`), its return type,
//! its job argument, each field named in `unique(keys(...))`. Beside errors, the same impl is
//! emitted with a `perform` that does nothing in place of one with mistakes.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ImplItemFn, ReturnType, Type};

use super::check::{Checked, Perform};
use super::{JobState, Key, Options, Period, UniqueField, UniqueOptions, WorkerImpl};

pub(crate) fn expand(worker: &WorkerImpl, checked: &Checked<'_>) -> TokenStream {
    let item = &worker.item;
    // A generic impl is refused; an `impl Worker` for it would need its parameters.
    if checked.generic {
        return quote!(#item);
    }
    let self_ty = &item.self_ty;
    let constants = constants(worker, &worker.options);
    let backoff = checked.backoff.map(|method| backoff(self_ty, method));
    let perform = checked
        .perform
        .as_ref()
        .map_or_else(stub_perform, |perform| self::perform(self_ty, perform));
    let key_checks = worker
        .options
        .unique
        .as_ref()
        .map(|unique| key_checks(self_ty, unique));
    quote! {
        #item

        #key_checks

        impl ::otp_jobs::Worker for #self_ty {
            #constants
            #backoff
            #perform
        }
    }
}

/// The options as the trait's constants; an option left out keeps the trait's default.
fn constants(worker: &WorkerImpl, options: &Options) -> TokenStream {
    let name = options.name.as_ref().map_or_else(
        || {
            let ident = worker.ident.to_string();
            quote!(::core::concat!(::core::module_path!(), "::", #ident))
        },
        |name| {
            let name = &name.value;
            quote!(#name)
        },
    );
    let queue = options.queue.as_ref().map(|queue| {
        let queue = &queue.value;
        quote!(const QUEUE: &'static str = #queue;)
    });
    let max_attempts = options.max_attempts.as_ref().map(|max_attempts| {
        let max_attempts = max_attempts.value;
        quote!(const MAX_ATTEMPTS: u32 = #max_attempts;)
    });
    let priority = options.priority.as_ref().map(|priority| {
        let priority = priority.value;
        quote!(const PRIORITY: u8 = #priority;)
    });
    let timeout = options.timeout.as_ref().map(|timeout| {
        let timeout = if let Some(millis) = timeout.value {
            quote!(::core::option::Option::Some(
                ::core::time::Duration::from_millis(#millis)
            ))
        } else {
            quote!(::core::option::Option::None)
        };
        quote!(const TIMEOUT: ::core::option::Option<::core::time::Duration> = #timeout;)
    });
    let unique = options.unique.as_ref().map(|unique| {
        let unique = unique_value(unique);
        quote!(const UNIQUE: ::core::option::Option<::otp_jobs::Unique> = ::core::option::Option::Some(#unique);)
    });
    quote! {
        const NAME: &'static str = #name;
        #queue
        #max_attempts
        #priority
        #timeout
        #unique
    }
}

/// `Unique::new()` with the options given, in a constant expression.
fn unique_value(unique: &UniqueOptions) -> TokenStream {
    let period = unique.period.as_ref().map(|period| match period.value {
        Period::Millis(millis) => quote!(.period(::core::time::Duration::from_millis(#millis))),
        Period::Forever => quote!(.forever()),
    });
    let fields = unique.fields.as_ref().map(|fields| {
        let fields = fields.value.iter().map(|field| match field {
            UniqueField::Args => quote!(::otp_jobs::UniqueField::Args),
            UniqueField::Queue => quote!(::otp_jobs::UniqueField::Queue),
            UniqueField::Worker => quote!(::otp_jobs::UniqueField::Worker),
        });
        quote!(.fields(&[#(#fields),*]))
    });
    let keys = unique.keys.as_ref().map(|keys| {
        let keys = keys.value.iter().map(Key::name);
        quote!(.keys(&[#(#keys),*]))
    });
    let states = unique.states.as_ref().map(|states| {
        let states = states.value.iter().map(|state| {
            let variant = match state {
                JobState::Scheduled => quote!(Scheduled),
                JobState::Available => quote!(Available),
                JobState::Executing => quote!(Executing),
                JobState::Retryable => quote!(Retryable),
                JobState::Completed => quote!(Completed),
                JobState::Discarded => quote!(Discarded),
                JobState::Cancelled => quote!(Cancelled),
            };
            quote!(::otp_jobs::JobState::#variant)
        });
        quote!(.states(&[#(#states),*]))
    });
    quote!(::otp_jobs::Unique::new() #period #fields #keys #states)
}

/// A field access for each key naming a field, so that a key naming none is the compiler's
/// "no field" error on that key.
fn key_checks(self_ty: &Type, unique: &UniqueOptions) -> Option<TokenStream> {
    let fields: Vec<_> = unique
        .keys
        .iter()
        .flat_map(|keys| &keys.value)
        .filter_map(|key| match key {
            Key::Field(ident) => Some(ident),
            Key::Name(_) => None,
        })
        .collect();
    if fields.is_empty() {
        return None;
    }
    Some(quote! {
        #[allow(dead_code, clippy::all, clippy::pedantic)]
        const _: () = {
            fn unique_keys(args: #self_ty) {
                #(let _ = &args.#fields;)*
            }
        };
    })
}

/// The span errors about the user's `perform` as a whole go to: its name.
fn perform_span(method: &ImplItemFn) -> Span {
    method.sig.ident.span()
}

/// `Worker::perform`, calling the user's.
fn perform(self_ty: &Type, perform: &Perform<'_>) -> TokenStream {
    let span = perform_span(perform.method);
    let receiver = if perform.by_ref {
        quote!(&self)
    } else {
        quote!(self)
    };
    let (job, arguments) = match perform.job {
        Some(ty) => {
            let job = quote_spanned!(ty.span()=> job);
            (quote!(job), quote!(#receiver, #job))
        }
        None => (quote!(_job), receiver),
    };
    let into_result = match &perform.method.sig.output {
        ReturnType::Type(_, ty) => quote_spanned!(ty.span()=>
            ::otp_jobs::IntoPerformResult::into_perform_result(output)
        ),
        ReturnType::Default => quote!(::otp_jobs::IntoPerformResult::into_perform_result(output)),
    };
    let future = quote_spanned!(span=>
        impl ::core::future::Future<Output = ::core::result::Result<(), ::otp_jobs::JobError>>
            + ::core::marker::Send
    );
    quote! {
        fn perform(self, #job: &::otp_jobs::Job) -> #future {
            async move {
                let output = <#self_ty>::perform(#arguments).await;
                #into_result
            }
        }
    }
}

/// Beside errors about `perform`: one that does nothing, so the impl is complete.
fn stub_perform() -> TokenStream {
    quote! {
        fn perform(
            self,
            _job: &::otp_jobs::Job,
        ) -> impl ::core::future::Future<Output = ::core::result::Result<(), ::otp_jobs::JobError>>
               + ::core::marker::Send {
            ::core::future::ready(::core::result::Result::Ok(()))
        }
    }
}

/// `Worker::backoff`, calling the user's.
fn backoff(self_ty: &Type, method: &ImplItemFn) -> TokenStream {
    let sig = &method.sig;
    let attempt = sig
        .inputs
        .first()
        .map_or_else(|| sig.ident.span(), Spanned::span);
    let attempt = quote_spanned!(attempt=> attempt);
    let call = match &sig.output {
        ReturnType::Type(_, ty) => quote_spanned!(ty.span()=> <#self_ty>::backoff(#attempt)),
        ReturnType::Default => quote!(<#self_ty>::backoff(#attempt)),
    };
    // The return type spanned on the user's `backoff`, so that a mismatch reads "expected
    // `Duration` because of the return type" there.
    let duration = quote_spanned!(sig.ident.span()=> ::core::time::Duration);
    quote! {
        fn backoff(attempt: u32) -> #duration {
            #call
        }
    }
}
