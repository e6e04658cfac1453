//! `#[worker]` never panics: whatever tokens it gets, in its options or its item, it returns
//! code or compile errors. A property test edits a representative worker word by word
//! (deleting, duplicating, swapping, inserting words of the macro's vocabulary), keeping
//! delimiters balanced so that most inputs still parse and reach the checks.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use proptest::prelude::*;

const VOCABULARY: &[&str] = &[
    "queue",
    "max_attempts",
    "priority",
    "timeout",
    "name",
    "unique",
    "period",
    "fields",
    "keys",
    "states",
    "args",
    "worker",
    "available",
    "infinity",
    "=",
    ",",
    "(",
    ")",
    "\"5m\"",
    "\"\"",
    "\"0s\"",
    "0",
    "10",
    "-1",
    "1.5",
    "u8",
    "&",
    "mut",
    "self",
    "Self",
    "fn",
    "async",
    "const",
    "unsafe",
    "impl",
    "for",
    "where",
    "<T>",
    "'a",
    "Job",
    "&Job",
    "job:",
    "->",
    "()",
    "{}",
    ":",
    ";",
    "perform",
    "backoff",
    "Duration",
    "attempt: u32",
];

const OPTIONS: &str = r#"queue = "reports", max_attempts = 3, priority = 1, timeout = "30s",
    name = "reports", unique(period = "5m", fields(args, worker), keys(report_id, "id"),
    states(available, scheduled))"#;

const ITEM: &str = r"
impl GenerateReport {
    async fn perform(&self, job: &Job) -> Result<(), ReportError> { Ok(()) }
    fn backoff(attempt: u32) -> Duration { Duration::from_secs(1) }
    fn helper(&self) -> u32 { 1 }
}
";

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

fn is_delimiter(word: &str) -> bool {
    matches!(word, "(" | ")" | "[" | "]" | "{" | "}")
}

/// `source` as words, edited; inserted delimiters may unbalance it, and then it does not lex.
fn edited(source: &str, edits: &[Edit]) -> String {
    let mut words: Vec<String> = source
        .parse::<TokenStream>()
        .expect("the base input lexes")
        .to_string()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    for edit in edits {
        let len = words.len();
        if len == 0 {
            break;
        }
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
            Edit::Insert(at, word) => {
                words.insert(
                    at % (len + 1),
                    VOCABULARY[word % VOCABULARY.len()].to_owned(),
                );
            }
            _ => {}
        }
    }
    words.join(" ")
}

fn never_panics(options: &str, item: &str) -> Result<(), TestCaseError> {
    let (Ok(options), Ok(item)) = (options.parse::<TokenStream>(), item.parse::<TokenStream>())
    else {
        return Ok(());
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| super::worker(options, item)));
    prop_assert!(outcome.is_ok(), "#[worker] panicked");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn worker_options_never_panic(edits in edits()) {
        let options = edited(OPTIONS, &edits);
        never_panics(&options, ITEM)?;
    }

    #[test]
    fn worker_items_never_panic(edits in edits()) {
        let item = edited(ITEM, &edits);
        never_panics(OPTIONS, &item)?;
    }
}
