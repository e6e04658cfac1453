//! The expansion of a representative server, kept as a snapshot a person can read
//! (`otp-macros/snapshots/cache.expanded.rs`), and checked for the shape the design promises:
//! one message enum, one `match` over it, no boxed typed messages, no locks.
//!
//! Refresh the snapshot after a deliberate change with `UPDATE_SNAPSHOTS=1 cargo test -p
//! otp-macros`, and read the diff before committing it.

use quote::quote;

fn expand(item: proc_macro2::TokenStream) -> String {
    let tokens = crate::genserver_impl(proc_macro2::TokenStream::new(), item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

fn representative_server() -> proc_macro2::TokenStream {
    quote! {
        impl Cache {
            #[init]
            fn init(ttl: Duration, ctx: &mut Context<Self>) -> Result<Self, InitError> {
                ctx.send_after(Duration::from_secs(60), Cleanup);
                Ok(Cache { ttl, store: HashMap::new() })
            }

            /// Looks a key up.
            #[handle_call]
            fn get(&mut self, key: String) -> Option<String> {
                self.store.get(&key).map(|(value, _)| value.clone())
            }

            #[handle_call]
            async fn report(&mut self, size: usize, reply: ReplyTo<String>) {
                tokio::spawn(async move { let _ = reply.reply("x".repeat(size)); });
            }

            #[handle_cast]
            fn put(&mut self, key: String, value: String) {
                self.store.insert(key, (value, Instant::now() + self.ttl));
            }

            #[handle_info]
            fn cleanup(&mut self, _: Cleanup, ctx: &mut Context<Self>) {
                ctx.send_after(Duration::from_secs(60), Cleanup);
            }

            #[handle_continue]
            fn warm(&mut self, _: Warm) {}

            #[terminate]
            fn terminate(&mut self, reason: &ExitReason) {}

            #[handle_info(catch_all)]
            fn unexpected(&mut self, msg: AnyMessage) {}
        }
    }
}

#[test]
fn the_expansion_matches_its_snapshot() {
    let expanded = expand(representative_server());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/cache.expanded.rs");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &expanded).expect("write the snapshot");
        return;
    }
    let snapshot = std::fs::read_to_string(path).expect("the snapshot exists");
    assert!(
        snapshot == expanded,
        "the expansion changed; rerun with UPDATE_SNAPSHOTS=1 and read the diff:\n{expanded}"
    );
}

#[test]
fn one_enum_one_match_no_box_no_lock() {
    let expanded = expand(representative_server());
    assert_eq!(expanded.matches("pub enum __CacheMessage").count(), 1);
    assert_eq!(
        expanded.matches("match __message {").count(),
        2,
        "one for requests, one for continues"
    );
    for forbidden in ["Box", "Mutex", "RwLock", "async_trait", "dyn "] {
        assert!(
            !expanded.contains(forbidden),
            "the expansion contains `{forbidden}`"
        );
    }
    // Each call carries its own oneshot sender; the cast carries only its arguments.
    assert!(expanded.contains("get(::otp_core::__private::ReplySender<Option<String>>, String)"));
    assert!(expanded.contains("put(String, String)"));
}

#[test]
fn an_invalid_impl_is_still_emitted_beside_its_errors() {
    let tokens = crate::genserver_impl(
        proc_macro2::TokenStream::new(),
        quote! {
            impl Broken {
                #[handle_call]
                fn get(&self) -> u32 { 1 }
            }
        },
    )
    .to_string();
    assert!(
        tokens.contains("impl Broken"),
        "the user's impl is re-emitted"
    );
    assert!(tokens.contains("fn get"), "its methods stay");
    assert_eq!(
        tokens.matches("compile_error").count(),
        2,
        "both mistakes reported: {tokens}"
    );
}
