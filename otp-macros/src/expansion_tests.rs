//! The expansion of a representative server, kept as a snapshot a person can read
//! (`otp-macros/snapshots/cache.expanded.rs`), and checked for the shape the design promises:
//! one message enum, one `match` over it, no boxed typed messages, no locks.
//!
//! Refresh the snapshot after a deliberate change with `UPDATE_SNAPSHOTS=1 cargo test -p
//! otp-macros`, and read the diff before committing it.

use quote::{ToTokens, quote};

/// The expansion without a source file to read, as a macro expanded from a string has.
fn genserver_impl(
    attr: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    crate::genserver_impl(attr, item, None)
}

fn expand(item: proc_macro2::TokenStream) -> String {
    expand_with(proc_macro2::TokenStream::new(), item)
}

fn expand_with(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    let tokens = genserver_impl(attr, item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

/// Compares `expanded` with the snapshot `name`, or rewrites it under `UPDATE_SNAPSHOTS`.
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
    check_snapshot("cache.expanded.rs", &expand(representative_server()));
}

/// A server with a bounded mailbox and casts of two, one and no arguments.
fn bounded_server() -> proc_macro2::TokenStream {
    quote! {
        impl Queue {
            #[handle_cast]
            fn put(&mut self, key: String, value: u32) {}

            /// Pushes one job.
            #[handle_cast]
            async fn push(&mut self, job: Job) {}

            #[handle_cast]
            fn clear(&mut self) {}

            #[handle_call]
            fn len(&mut self) -> usize { 0 }

            #[handle_info(catch_all)]
            fn unexpected(&mut self, msg: AnyMessage) {}
        }
    }
}

#[test]
fn the_bounded_expansion_matches_its_snapshot() {
    let expanded = expand_with(quote!(mailbox = 64), bounded_server());
    check_snapshot("bounded.expanded.rs", &expanded);
}

#[test]
fn a_bounded_mailbox_makes_casts_wait_and_adds_try_casts() {
    let expanded = expand_with(quote!(mailbox = 64), bounded_server());
    let capacity = expanded
        .split("const MAILBOX_CAPACITY")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the capacity is set");
    assert!(capacity.contains("Some(") && capacity.contains("64usize"));
    for cast in ["put", "push", "clear"] {
        assert!(
            expanded.contains(&format!("pub async fn {cast}(")),
            "{cast} waits"
        );
        assert!(
            expanded.contains(&format!("pub fn try_{cast}(")),
            "{cast} has a try_"
        );
    }
    // The arguments come back as they went in: a tuple, a single value, nothing.
    assert!(expanded.contains("::otp_core::TryCastError<(String, u32)>"));
    assert!(expanded.contains("::otp_core::TryCastError<Job>"));
    assert!(expanded.contains("::otp_core::TryCastError<()>"));
    assert!(
        !expanded.contains("pub fn try_len"),
        "calls are not bounded"
    );
    assert!(
        !expanded.contains("__cast("),
        "every cast goes through the bound"
    );

    let unbounded = expand(bounded_server());
    assert!(!unbounded.contains("MAILBOX_CAPACITY"));
    assert!(!unbounded.contains("try_"));
    assert!(!unbounded.contains("async fn put"));
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
    // Each call carries its own oneshot sender, in its reply holder; the cast carries only
    // its arguments.
    assert!(expanded.contains("get(__CacheReply_get, String)"));
    assert!(expanded.contains(
        "pub struct __CacheReply_get(\n    ::otp_core::__private::ReplySender<Option<String>>,\n)"
    ));
    assert!(expanded.contains("put(String, String)"));
}

#[test]
fn an_invalid_impl_is_still_emitted_beside_its_errors() {
    let tokens = genserver_impl(
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

/// The signatures of the `impl GenServer` among `tokens`, and the names of its associated
/// types and constants.
fn genserver_signatures(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    let genserver = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Impl(item)
                if item.trait_.as_ref().is_some_and(|(path, _)| {
                    path.segments.last().unwrap().ident == "GenServer"
                }) =>
            {
                Some(item)
            }
            _ => None,
        })
        .expect("an impl GenServer");
    genserver
        .items
        .iter()
        .map(|item| match item {
            syn::ImplItem::Fn(method) => method.sig.to_token_stream().to_string(),
            syn::ImplItem::Type(ty) => format!("type {}", ty.ident),
            syn::ImplItem::Const(constant) => format!("const {}", constant.ident),
            other => other.to_token_stream().to_string(),
        })
        .collect()
}

#[test]
fn the_fallback_has_the_signatures_of_the_real_impl() {
    let server = |receiver: proc_macro2::TokenStream| {
        genserver_impl(
            proc_macro2::TokenStream::new(),
            quote! {
                impl Counter {
                    #[handle_call]
                    fn get(#receiver) -> u32 { 0 }

                    #[handle_info(catch_all)]
                    fn unexpected(&mut self, msg: AnyMessage) {}
                }
            },
        )
    };
    let real = server(quote!(&mut self));
    // The same server with a mistake, `&self`: the fallback is emitted beside the error.
    let fallback = server(quote!(&self));
    assert!(fallback.to_string().contains("compile_error"));
    let signatures = genserver_signatures(real);
    assert_eq!(
        signatures.len(),
        12,
        "four types, five callbacks, three provided methods: {signatures:?}"
    );
    assert_eq!(signatures, genserver_signatures(fallback));
}

#[test]
fn the_generated_items_take_the_widest_visibility_written_on_a_handler() {
    let server = |get_vis: proc_macro2::TokenStream| {
        expand(quote! {
            impl Counter {
                #[init]
                fn init(count: u32) -> Self { Counter { count } }

                #[handle_call]
                #get_vis fn get(&mut self) -> u32 { self.count }

                #[handle_cast]
                fn add(&mut self, amount: u32) { self.count += amount; }

                #[handle_info(catch_all)]
                fn unexpected(&mut self, msg: AnyMessage) {}
            }
        })
    };
    for (written, generated) in [
        (quote!(), "pub "),
        (quote!(pub), "pub "),
        (quote!(pub(crate)), "pub(crate) "),
        (quote!(pub(super)), "pub(super) "),
        (quote!(pub(self)), "pub(self) "),
    ] {
        let expanded = server(written);
        for item in [
            "struct CounterRef",
            "fn get(&self)",
            "fn add(&self, amount: u32)",
            "fn pid(&self)",
            "fn is_alive(&self)",
            "async fn stop(",
            "fn server(&self)",
            "async fn start(",
            "async fn start_link(",
            "fn options()",
            "fn whereis(",
        ] {
            let declared = format!("{generated}{item}");
            assert!(expanded.contains(&declared), "`{declared}` in:\n{expanded}");
        }
        // The hidden enums and reply holders are `pub` whatever the handlers say: `impl
        // GenServer` names them, and must be as visible as the server.
        for hidden in [
            "pub enum __CounterMessage",
            "pub enum __CounterContinue",
            "pub struct __CounterReply_get(",
        ] {
            assert!(expanded.contains(hidden), "`{hidden}` in:\n{expanded}");
        }
        if generated != "pub " {
            assert!(
                !expanded.contains("pub struct CounterRef") && !expanded.contains("pub fn"),
                "nothing wider than {generated}:\n{expanded}"
            );
        }
    }
}

#[test]
fn handler_visibilities_that_cannot_be_ordered_are_an_error() {
    let tokens = genserver_impl(
        proc_macro2::TokenStream::new(),
        quote! {
            impl Counter {
                #[handle_call]
                pub(super) fn get(&mut self) -> u32 { 0 }

                #[handle_call]
                pub(in crate::a) fn peek(&mut self) -> u32 { 0 }

                #[handle_info(catch_all)]
                fn unexpected(&mut self, msg: AnyMessage) {}
            }
        },
    )
    .to_string();
    assert_eq!(tokens.matches("compile_error").count(), 1, "{tokens}");
    assert!(tokens.contains("takes one visibility"), "{tokens}");
}

#[test]
fn beside_errors_the_whole_public_surface_is_declared() {
    // `&self` is a mistake: the stand-in still declares what the code using the server names.
    let fallback = expand(quote! {
        impl Counter {
            #[init]
            fn init(count: u32) -> Self { Counter { count } }

            #[handle_call]
            fn get(&self, key: String) -> Option<u32> { None }

            #[handle_cast]
            fn add(&mut self, ctx: Context<Self>, amount: u32) {}

            #[handle_continue]
            fn load(&mut self, msg: Load) {}

            #[handle_info(catch_all)]
            fn unexpected(&mut self, msg: AnyMessage) {}
        }
    });
    assert!(fallback.contains("compile_error"));
    for item in [
        "pub struct CounterRef",
        "pub fn get(&self, key: String) -> ::otp_core::Call<'_, Counter, Option<u32>>",
        "pub fn add(&self, amount: u32)",
        "pub async fn start(\n        args: u32,",
        "pub async fn start_link(\n        args: u32,",
        "pub fn options()",
        "pub fn whereis(",
        "impl ::otp_core::GenServer for Counter",
        "impl ::otp_core::ContinueWith<Load> for Counter",
        "impl ::otp_core::Child for Counter",
        // The certain corrections are made, so rustc adds nothing of its own about them.
        "fn get(&mut self, key: String)",
        "ctx: &mut Context<Self>",
    ] {
        assert!(fallback.contains(item), "`{item}` in:\n{fallback}");
    }
}

/// The expansion of the block whose `#[genserver]` is at `line` of `source`, with the file read.
fn expand_in_file(source: &str, line: usize) -> String {
    let site = crate::same_file::CallSite::new(source, line, 1);
    let item: syn::ItemImpl = source
        .split("#[genserver]")
        .nth(
            source
                .lines()
                .take(line)
                .filter(|l| l.contains("#[genserver]"))
                .count(),
        )
        .and_then(|rest| syn::parse_str(rest).ok())
        .expect("the block parses");
    crate::genserver_impl(proc_macro2::TokenStream::new(), quote!(#item), Some(&site)).to_string()
}

const TWO_BLOCKS: &str = "struct Cache;\n\
    #[genserver]\nimpl Cache {\n    #[handle_call]\n    fn get(&mut self) -> u32 { 0 }\n    #[handle_info(catch_all)]\n    fn unexpected(&mut self, msg: AnyMessage) {}\n}\n\
    #[genserver]\nimpl Cache {\n    #[handle_cast]\n    fn set(&mut self, value: u32) {}\n}\n";

#[test]
fn a_second_block_is_one_error_its_impl_and_its_client_methods() {
    let second = expand_in_file(TWO_BLOCKS, 9);
    assert_eq!(second.matches("compile_error").count(), 1, "{second}");
    assert!(second.contains("is at line 2"), "{second}");
    assert!(
        second.contains("impl CacheRef"),
        "the stand-in client method: {second}"
    );
    assert!(
        second.contains("pub fn set (& self , value : u32)"),
        "{second}"
    );
    for absent in [
        "struct CacheRef",
        "GenServer for",
        "fn start",
        "__CacheMessage",
    ] {
        assert!(!second.contains(absent), "`{absent}` in:\n{second}");
    }
    let first = expand_in_file(TWO_BLOCKS, 2);
    assert!(!first.contains("compile_error"), "{first}");
}

#[test]
fn a_handler_narrower_than_its_type_is_one_error_and_the_stand_in_takes_the_type_s() {
    let source = "pub struct Cache;\n#[genserver]\nimpl Cache {\n    #[handle_call]\n    pub(crate) fn get(&mut self) -> u32 { 0 }\n    #[handle_info(catch_all)]\n    fn unexpected(&mut self, msg: AnyMessage) {}\n}\n";
    let tokens = expand_in_file(source, 2);
    assert_eq!(tokens.matches("compile_error").count(), 1, "{tokens}");
    assert!(tokens.contains("write `pub fn get`"), "{tokens}");
    assert!(tokens.contains("pub struct CacheRef"), "{tokens}");
    let crate_wide = source.replacen("pub struct", "pub(crate) struct", 1);
    assert!(!expand_in_file(&crate_wide, 2).contains("compile_error"));
}

#[test]
fn with_no_visibility_on_a_handler_the_generated_items_take_the_type_s() {
    let source = "pub(crate) struct Cache;\n#[genserver]\nimpl Cache {\n    #[handle_call]\n    fn get(&mut self) -> u32 { 0 }\n    #[handle_info(catch_all)]\n    fn unexpected(&mut self, msg: AnyMessage) {}\n}\n";
    let tokens = expand_in_file(source, 2);
    assert!(!tokens.contains("compile_error"), "{tokens}");
    assert!(tokens.contains("pub (crate) struct CacheRef"), "{tokens}");
    assert!(tokens.contains("pub (crate) async fn start"), "{tokens}");
    assert!(!tokens.contains("pub struct CacheRef"), "{tokens}");

    let private = source.replacen("pub(crate) struct", "struct", 1);
    let tokens = expand_in_file(&private, 2);
    assert!(tokens.contains(" struct CacheRef"), "{tokens}");
    assert!(!tokens.contains("pub struct CacheRef"), "{tokens}");
    assert!(!tokens.contains("pub (crate) struct CacheRef"), "{tokens}");

    // A handler that says wins, as when the type's declaration is not in view.
    let written = source.replacen("    fn get", "    pub fn get", 1);
    assert!(expand_in_file(&written, 2).contains("pub struct CacheRef"));
    let unseen = crate::genserver_impl(
        proc_macro2::TokenStream::new(),
        syn::parse_str::<proc_macro2::TokenStream>(
            &source["pub(crate) struct Cache;\n#[genserver]\n".len()..],
        )
        .unwrap(),
        None,
    )
    .to_string();
    assert!(unseen.contains("pub struct CacheRef"), "{unseen}");
}
