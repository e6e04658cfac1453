//! The expansion of `#[worker]`: a representative worker kept as a snapshot a person can read
//! (`otp-macros/snapshots/report.worker.rs`), and the shapes the design promises: one `impl
//! Worker` with the options as constants, `perform` calling the user's through
//! `IntoPerformResult`, and the user's impl re-emitted beside every error.
//!
//! Refresh the snapshot after a deliberate change with `UPDATE_SNAPSHOTS=1 cargo test -p
//! otp-macros`, and read the diff before committing it.

use proc_macro2::TokenStream;
use quote::quote;

/// `text` without its whitespace, to find code whatever its line breaks.
fn squash(text: &str) -> String {
    text.split_whitespace().collect()
}

fn expand(attr: TokenStream, item: TokenStream) -> String {
    let tokens = super::worker(attr, item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

/// The messages of the `compile_error!`s among `tokens`.
fn errors(attr: TokenStream, item: TokenStream) -> Vec<String> {
    let tokens = super::worker(attr, item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(mac)
                if mac
                    .mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "compile_error") =>
            {
                let message: syn::LitStr = syn::parse2(mac.mac.tokens.clone()).ok()?;
                Some(message.value())
            }
            _ => None,
        })
        .collect()
}

fn check_snapshot(name: &str, expanded: &str) {
    let path = format!("{}/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, expanded).expect("write the snapshot");
        return;
    }
    let snapshot = std::fs::read_to_string(&path).expect("the snapshot exists");
    assert!(
        snapshot == expanded,
        "the expansion of {name} changed; rerun with UPDATE_SNAPSHOTS=1 and read the diff:\n{expanded}"
    );
}

fn send_email() -> TokenStream {
    quote! {
        impl SendEmail {
            async fn perform(self, job: &Job) -> Result<(), JobError> {
                Ok(())
            }
        }
    }
}

#[test]
fn the_expansion_matches_its_snapshot() {
    let expanded = expand(
        quote!(
            queue = "reports",
            max_attempts = 3,
            priority = 1,
            timeout = "30s",
            unique(
                period = "5m",
                fields(args, worker),
                keys(report_id),
                states(available, scheduled)
            )
        ),
        quote! {
            impl GenerateReport {
                async fn perform(&self, job: &Job) -> Result<(), ReportError> {
                    Ok(())
                }

                fn backoff(attempt: u32) -> Duration {
                    Duration::from_secs(10)
                }
            }
        },
    );
    check_snapshot("report.worker.rs", &expanded);
}

#[test]
fn the_options_become_the_traits_constants() {
    let expanded = expand(
        quote!(
            queue = "mailers",
            max_attempts = 3,
            priority = 9,
            timeout = "1m",
            name = "Mailer"
        ),
        send_email(),
    );
    for constant in [
        "impl ::otp_jobs::Worker for SendEmail",
        "const NAME: &'static str = \"Mailer\";",
        "const QUEUE: &'static str = \"mailers\";",
        "const MAX_ATTEMPTS: u32 = 3u32;",
        "const PRIORITY: u8 = 9u8;",
        "::core::time::Duration::from_millis(60000u64)",
    ] {
        assert!(expanded.contains(constant), "`{constant}` in:\n{expanded}");
    }
    assert!(!expanded.contains("UNIQUE"), "not unique unless asked");
    assert!(
        !expanded.contains("fn backoff"),
        "the trait's backoff unless overridden"
    );
}

#[test]
fn left_out_options_keep_the_traits_defaults_and_the_name_is_the_types_path() {
    let expanded = expand(TokenStream::new(), send_email());
    assert!(squash(&expanded).contains(&squash(
        "const NAME: &'static str = ::core::concat!(::core::module_path!(), \"::\", \"SendEmail\");"
    )));
    for constant in ["QUEUE", "MAX_ATTEMPTS", "PRIORITY", "TIMEOUT", "UNIQUE"] {
        assert!(!expanded.contains(constant), "{constant} in:\n{expanded}");
    }
}

#[test]
fn unique_alone_is_obans_defaults_and_infinity_is_forever() {
    let expanded = squash(&expand(quote!(unique), send_email()));
    assert!(expanded.contains("::core::option::Option::Some(::otp_jobs::Unique::new(),)"));
    let expanded = expand(
        quote!(unique(period = "infinity"), timeout = "infinity"),
        send_email(),
    );
    let expanded = squash(&expanded);
    assert!(
        expanded.contains("::otp_jobs::Unique::new().forever()"),
        "{expanded}"
    );
    assert!(expanded.contains(&squash(
        "TIMEOUT: ::core::option::Option<::core::time::Duration> = ::core::option::Option::None"
    )));
}

#[test]
fn perform_is_called_as_written() {
    let call = |signature: TokenStream| {
        let expanded = expand(TokenStream::new(), quote! { impl Ping { #signature {} } });
        expanded
            .lines()
            .find(|line| line.contains("<Ping>::perform("))
            .map_or_else(
                || panic!("a call to the user's perform in:\n{expanded}"),
                |line| line.trim().to_owned(),
            )
    };
    assert_eq!(
        call(quote!(async fn perform(self, job: &Job))),
        "let output = <Ping>::perform(self, job).await;"
    );
    assert_eq!(
        call(quote!(async fn perform(&self, _: &otp_jobs::Job))),
        "let output = <Ping>::perform(&self, job).await;"
    );
    assert_eq!(
        call(quote!(async fn perform(mut self))),
        "let output = <Ping>::perform(self).await;"
    );
}

#[test]
fn an_impl_with_mistakes_is_still_emitted_with_a_complete_worker() {
    let item = quote! {
        impl SendEmail {
            fn perform(self, job: Job) -> Result<(), JobError> { Ok(()) }
            fn helper(&self) -> u32 { 1 }
        }
    };
    let messages = errors(quote!(queue = 1, priorty = 3), item.clone());
    assert_eq!(messages.len(), 4, "{messages:?}");
    let expanded = super::worker(quote!(queue = 1, priorty = 3), item).to_string();
    assert!(
        expanded.contains("fn helper"),
        "the user's impl is re-emitted"
    );
    assert!(
        expanded.contains("impl :: otp_jobs :: Worker for SendEmail"),
        "the worker impl is emitted: {expanded}"
    );
    assert!(
        expanded.contains(":: core :: future :: ready"),
        "with a perform that does nothing in place of the wrong one"
    );
}

#[test]
fn each_mistake_is_one_error() {
    let cases: [(TokenStream, &str); 15] = [
        (
            quote!(queue "mailers"),
            "expected a `#[worker]` option: `key = value` or `key(...)`",
        ),
        (
            quote!(unique(period: "5m")),
            "expected a `unique` option: `key = value` or `key(...)`, as in `period",
        ),
        (
            quote!(queu = "x"),
            "unknown `#[worker]` option `queu`; did you mean `queue`?",
        ),
        (quote!(queue = "a", queue = "b"), "`queue` is given twice"),
        (
            quote!(priority = 10),
            "`priority` is 0 (run first) to 9 (run last), not `10`",
        ),
        (quote!(priority = -1), "not `-1`"),
        (
            quote!(max_attempts = 0),
            "`max_attempts = 0` could never run",
        ),
        (
            quote!(max_attempts = "3"),
            "`max_attempts` is an integer literal",
        ),
        (
            quote!(timeout = "30 parsecs"),
            "`30 parsecs` is not a duration",
        ),
        (quote!(timeout = 30), "`timeout` needs a unit"),
        (
            quote!(unique(fields(args, wrker))),
            "unknown unique field `wrker`; did you mean `worker`?",
        ),
        (
            quote!(unique(states(avaiable))),
            "unknown job state `avaiable`; did you mean `available`?",
        ),
        (
            quote!(unique(perod = "5m")),
            "unknown `unique` option `perod`; did you mean `period`?",
        ),
        (
            quote!(unique(fields(queue), keys(id))),
            "`fields` leaves `args` out",
        ),
        (quote!(unique(period = "0s")), "`period` cannot be zero"),
    ];
    for (attr, expected) in cases {
        let messages = errors(attr.clone(), send_email());
        assert_eq!(messages.len(), 1, "{attr}: {messages:?}");
        assert!(messages[0].contains(expected), "{attr}: {messages:?}");
    }
}

#[test]
fn perform_with_the_wrong_shape_is_one_error_each() {
    let cases: [(TokenStream, &str); 10] = [
        (
            quote!(
                async fn perform(email: SendEmail, job: &Job) {}
            ),
            "`perform` takes `self` first",
        ),
        (
            quote!(
                async fn perform(self) {}
                fn new_job(&self) {}
            ),
            "this method would hide it",
        ),
        (
            quote!(
                fn perform(self, job: &Job) {}
            ),
            "`perform` is an `async fn`",
        ),
        (
            quote!(
                async fn perform(&mut self, job: &Job) {}
            ),
            "not `&mut self`",
        ),
        (
            quote!(
                async fn perform(job: &Job) {}
            ),
            "`perform` takes `self` first",
        ),
        (
            quote!(
                async fn perform(self, job: Job) {}
            ),
            "take the job by reference",
        ),
        (
            quote!(
                async fn perform(self, id: u64) {}
            ),
            "the job being run, `job: &Job`",
        ),
        (
            quote!(
                async fn perform(self, job: &Job, retry: bool) {}
            ),
            "the job and nothing else",
        ),
        (
            quote!(
                async fn perform<T>(self, job: &Job) {}
            ),
            "cannot have generic parameters",
        ),
        (
            quote!(
                async fn run(self, job: &Job) {}
            ),
            "a worker needs `async fn perform",
        ),
    ];
    for (method, expected) in cases {
        let messages = errors(TokenStream::new(), quote!(impl SendEmail { #method }));
        assert_eq!(messages.len(), 1, "{method}: {messages:?}");
        assert!(messages[0].contains(expected), "{method}: {messages:?}");
    }
}

#[test]
fn a_worker_is_an_inherent_impl_of_a_concrete_type() {
    let cases: [(TokenStream, &str); 4] = [
        (
            quote!(
                struct SendEmail;
            ),
            "goes on an inherent `impl` block",
        ),
        (
            quote!(
                fn send() {}
            ),
            "goes on an inherent `impl` block",
        ),
        (
            quote!(impl Worker for SendEmail {}),
            "writes `impl Worker` itself",
        ),
        (
            quote!(
                impl<T> SendEmail<T> {
                    async fn perform(self) {}
                }
            ),
            "a worker cannot be generic",
        ),
    ];
    for (item, expected) in cases {
        let messages = errors(TokenStream::new(), item.clone());
        assert_eq!(messages.len(), 1, "{item}: {messages:?}");
        assert!(messages[0].contains(expected), "{item}: {messages:?}");
        let expanded = super::worker(TokenStream::new(), item).to_string();
        assert!(
            !expanded.contains("otp_jobs :: Worker for"),
            "no impl Worker for {expanded}"
        );
    }
}

#[test]
fn unique_keys_are_checked_as_field_accesses_and_quoted_keys_are_not() {
    let expanded = expand(quote!(unique(keys(report_id, "reportName"))), send_email());
    assert!(expanded.contains(".keys(&[\"report_id\", \"reportName\"])"));
    assert!(expanded.contains("let _ = &args.report_id;"));
    assert!(!expanded.contains("args.reportName"));
}
