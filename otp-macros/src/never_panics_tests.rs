//! The macros never panic: whatever tokens they get, they return code or compile errors.
//!
//! A property test mutates a representative `#[genserver]` impl (and `supervisor!` input) token
//! by token: deletes, duplicates, swaps, and inserts tokens from the macro's own vocabulary,
//! keeping delimiters balanced so most inputs still parse and reach the checks. 10,000 cases
//! each, in a few seconds.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use proptest::prelude::*;

const VOCABULARY: &[&str] = &[
    "&",
    "mut",
    "self",
    "Self",
    "fn",
    "async",
    "pub",
    "const",
    "unsafe",
    "impl",
    "for",
    "where",
    "#[handle_call]",
    "#[handle_cast]",
    "#[handle_info]",
    "#[handle_info(catch_all)]",
    "#[handle_continue]",
    "#[init]",
    "#[terminate]",
    "#[child_spec(restart = \"transient\")]",
    "ctx: &mut Context<Self>",
    "reply: ReplyTo<u32>",
    "msg: AnyMessage",
    "-> u32",
    "-> Self",
    ",",
    ":",
    ";",
    "->",
    "'a",
    "<T>",
    "T",
    "u32",
    "String",
    "()",
    "{}",
    "[]",
    "=",
    "\"x\"",
    "1",
    "one_for_one",
    "children: []",
    "strategy:",
    "restart = permanent",
    "significant = true",
    "pub",
    "pub(crate)",
    "pub(self)",
    "max_seconds: 0",
    "max_restarts = -1",
    "\"never\"",
    "2.5",
    "-",
];

const SERVER: &str = r"
impl Cache {
    #[init]
    fn init(ttl: u64, ctx: &mut Context<Self>) -> Result<Self, InitError> { Ok(Cache { ttl }) }
    #[handle_call]
    pub(crate) fn get(&mut self, key: String) -> Option<String> { None }
    #[handle_call]
    async fn later(&mut self, n: u32, reply: ReplyTo<u32>) { let _ = reply.reply(n); }
    #[handle_cast]
    fn put(&mut self, key: String, value: String) {}
    #[handle_info]
    fn tick(&mut self, _: Tick, ctx: &mut Context<Self>) {}
    #[handle_continue]
    fn warm(&mut self, _: Warm) {}
    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {}
    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {}
}
";

const TREE: &str = r#"
    strategy: one_for_one,
    max_restarts: 3, max_seconds: 5, auto_shutdown: "never",
    children: [
        Cache(config) { id = "cache", restart = transient, shutdown = "10s" },
        DynamicSupervisor(name = "rooms", max_seconds = 5),
        supervisor! { strategy: rest_for_one, children: [ Worker(1) ] } { id = "sub" },
    ],
"#;

/// One edit of a token list.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, word)| Edit::Insert(at, word)),
    ];
    prop::collection::vec(edit, 1..6)
}

/// The source as words, delimiters apart so edits keep them balanced.
fn words(source: &str) -> Vec<String> {
    source
        .parse::<TokenStream>()
        .expect("the base input parses")
        .to_string()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn is_delimiter(word: &str) -> bool {
    matches!(word, "(" | ")" | "[" | "]" | "{" | "}")
}

fn apply(mut words: Vec<String>, edits: &[Edit]) -> String {
    for edit in edits {
        if words.is_empty() {
            break;
        }
        let len = words.len();
        match *edit {
            Edit::Delete(at) if !is_delimiter(&words[at % len]) => {
                words.remove(at % len);
            }
            Edit::Duplicate(at) if !is_delimiter(&words[at % len]) => {
                let word = words[at % len].clone();
                words.insert(at % len, word);
            }
            Edit::Swap(a, b)
                if !is_delimiter(&words[a % len]) && !is_delimiter(&words[b % len]) =>
            {
                words.swap(a % len, b % len);
            }
            Edit::Insert(at, word) => words.insert(
                at % (len + 1),
                VOCABULARY[word % VOCABULARY.len()].to_owned(),
            ),
            _ => {}
        }
    }
    words.join(" ")
}

/// Runs `expand` on `input` if it lexes, and reports a panic as a failure.
fn never_panics(
    input: &str,
    expand: impl FnOnce(TokenStream) -> TokenStream,
) -> Result<(), TestCaseError> {
    let Ok(tokens) = input.parse::<TokenStream>() else {
        return Ok(());
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| expand(tokens)));
    prop_assert!(outcome.is_ok(), "the macro panicked on: {input}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn genserver_never_panics(edits in edits()) {
        let input = apply(words(SERVER), &edits);
        never_panics(&input, |item| crate::genserver_impl(TokenStream::new(), item, None))?;
    }

    #[test]
    fn genserver_arguments_never_panic(edits in edits()) {
        let attr = apply(words("mailbox = 1024"), &edits);
        let item: TokenStream = SERVER.parse().expect("the base input parses");
        never_panics(&attr, |attr| crate::genserver_impl(attr, item, None))?;
    }

    #[test]
    fn supervisor_never_panics(edits in edits()) {
        let input = apply(words(TREE), &edits);
        never_panics(&input, crate::supervisor_impl)?;
    }
}
