//! Guards the quality of the compile errors, not just today's text: every
//! `ui/<macro>/fail/*.stderr` must show one error per mistake of its case, on the user's own
//! tokens, without follow-on noise. A case declares its mistakes on its first line,
//! `// mistakes: 2` (1 when it does not say). A `.stderr` fails the check when it has
//!
//! - more `error` headings than the case has mistakes;
//! - a generated name (an identifier starting with `__`);
//! - an error whose primary span is a `#[genserver]` or `#[worker]` attribute line itself,
//!   instead of the user's token that is wrong;
//! - rustc's "the following other types implement" list.
//!
//! The check prints every file that fails and why.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Cases whose `.stderr` does not pass the check yet. Each is waived only until its errors are
/// fixed: a listed case that passes fails the check, so the list only shrinks.
const ALLOWED: &[&str] = &[];

#[test]
fn every_stderr_has_one_error_per_mistake_and_no_noise() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = fail_cases(&root.join("ui"));
    assert!(!cases.is_empty(), "no fail cases found under ui/*/fail");
    let mut report = String::new();
    let mut failing = 0;
    for case in &cases {
        let name = case
            .strip_prefix(root)
            .unwrap_or(case)
            .display()
            .to_string();
        let problems = problems(case);
        let allowed = ALLOWED.contains(&name.as_str());
        match (problems.is_empty(), allowed) {
            (true, false) => {}
            (true, true) => {
                failing += 1;
                let _ = writeln!(
                    report,
                    "{name}: passes now; remove it from `ALLOWED` in tests/stderr_quality.rs"
                );
            }
            (false, true) => {}
            (false, false) => {
                failing += 1;
                let _ = writeln!(report, "{name}:");
                for problem in problems {
                    let _ = writeln!(report, "    {problem}");
                }
            }
        }
    }
    assert!(
        failing == 0,
        "{failing} of {} fail cases do not pass the stderr check:\n{report}",
        cases.len()
    );
}

/// Every `ui/*/fail/*.rs` that has a `.stderr` beside it, sorted.
fn fail_cases(ui: &Path) -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for area in fs::read_dir(ui).expect("ui/ exists").flatten() {
        let Ok(entries) = fs::read_dir(area.path().join("fail")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                cases.push(path);
            }
        }
    }
    cases.sort();
    cases
}

/// What is wrong with the `.stderr` of `case`, in words; empty when nothing is.
fn problems(case: &Path) -> Vec<String> {
    let source = fs::read_to_string(case).expect("the case is readable");
    let Ok(stderr) = fs::read_to_string(case.with_extension("stderr")) else {
        return vec!["no .stderr beside the case".to_owned()];
    };
    let mut problems = Vec::new();
    let mistakes = match declared_mistakes(&source) {
        Ok(mistakes) => mistakes,
        Err(line) => {
            problems.push(format!(
                "its first line `{line}` has no number after `mistakes:`"
            ));
            1
        }
    };
    let errors = stderr.lines().filter(|line| is_error_heading(line)).count();
    if errors > mistakes {
        problems.push(format!(
            "{errors} errors for {mistakes} mistake{}: only the macro's own errors belong here \
             (or declare the mistakes on the first line, `// mistakes: {errors} - ...`)",
            if mistakes == 1 { "" } else { "s" }
        ));
    }
    if errors == 0 {
        problems.push("no error at all".to_owned());
    }
    for (number, line) in stderr.lines().enumerate() {
        if let Some(name) = generated_name(line) {
            problems.push(format!("line {}: names the generated `{name}`", number + 1));
        }
        if line.contains("the following other types implement") {
            problems.push(format!(
                "line {}: lists \"the following other types implement\"",
                number + 1
            ));
        }
    }
    for (heading, line, column) in primary_spans(&stderr) {
        let Some(text) = source.lines().nth(line.saturating_sub(1)) else {
            continue;
        };
        if on_attribute_itself(text, column) {
            problems.push(format!(
                "`{heading}` points at the attribute on line {line} (`{}`), not at the user's \
                 token",
                text.trim()
            ));
        }
    }
    problems
}

/// The mistakes the case declares on its first line (`// mistakes: 2`, or a doc comment that
/// starts so); 1 when it declares none, `Err(line)` for a declaration without a number.
fn declared_mistakes(source: &str) -> Result<usize, String> {
    let first = source.lines().next().unwrap_or_default();
    let comment = first
        .trim()
        .strip_prefix("//!")
        .or_else(|| first.trim().strip_prefix("//"));
    let Some(rest) = comment.and_then(|text| text.trim_start().strip_prefix("mistakes:")) else {
        return Ok(1);
    };
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().map_err(|_| first.to_owned())
}

/// `error: ...` or `error[E0277]: ...`, the start of one error.
fn is_error_heading(line: &str) -> bool {
    line.strip_prefix("error")
        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('['))
}

/// The first identifier in `line` that starts with `__`, as generated code names its items.
fn generated_name(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let is_ident = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let mut start = 0;
    while let Some(found) = line[start..].find("__") {
        let at = start + found;
        let begins_word = at == 0 || !is_ident(bytes[at - 1]);
        let end = line[at..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(line.len(), |len| at + len);
        // `__` alone or `___` (a separator, a rule) is no name.
        if begins_word && !line[at..end].trim_start_matches('_').is_empty() {
            return Some(&line[at..end]);
        }
        start = end.max(at + 2);
    }
    None
}

/// Whether `column` (1-based) of the source line `text` is on a `#[genserver]` or `#[worker]`
/// attribute's `#[`, path or `]`, not on a token of its arguments.
fn on_attribute_itself(text: &str, column: usize) -> bool {
    let indent = text.len() - text.trim_start().len();
    let attribute = text.trim();
    ["genserver", "worker"].iter().any(|name| {
        ["#[", "#[otp_core::"].iter().any(|open| {
            let path = format!("{open}{name}");
            let rest = attribute.strip_prefix(&path);
            // `#[genserver]` whole, or the path of `#[genserver(...)]`.
            rest.is_some_and(|rest| rest.starts_with(']') || rest.starts_with('('))
                && column <= indent + path.len() + 1
        })
    })
}

/// Each error heading with the line and column of its primary span: the first `-->` after the
/// heading, when it points into the case itself (not into a library).
fn primary_spans(stderr: &str) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    let mut heading: Option<&str> = None;
    for line in stderr.lines() {
        if is_error_heading(line) {
            heading = Some(line);
            continue;
        }
        let Some(location) = line.trim_start().strip_prefix("--> ") else {
            continue;
        };
        let Some(current) = heading.take() else {
            continue;
        };
        if !location.starts_with("ui/") {
            continue;
        }
        // `ui/area/fail/case.rs:12:5`
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().and_then(|column| column.parse().ok());
        let line_number = parts.next().and_then(|number| number.parse().ok());
        if let (Some(line_number), Some(column)) = (line_number, column) {
            let short: String = current.chars().take(60).collect();
            found.push((short, line_number, column));
        }
    }
    found
}

#[test]
fn the_check_reads_what_it_should() {
    assert_eq!(declared_mistakes("// mistakes: 2\nfn main() {}"), Ok(2));
    assert_eq!(declared_mistakes("// mistakes: 3 · three at once"), Ok(3));
    assert_eq!(declared_mistakes("//! mistakes: 1"), Ok(1));
    assert_eq!(declared_mistakes("// A plain description."), Ok(1));
    assert!(declared_mistakes("// mistakes: two").is_err());
    assert!(is_error_heading("error[E0277]: the trait bound"));
    assert!(is_error_heading("error: unknown key"));
    assert!(!is_error_heading("errors: none"));
    assert_eq!(
        generated_name("  = note: `__CacheMessage` is private"),
        Some("__CacheMessage")
    );
    assert_eq!(
        generated_name("::otp_core::__private::spec"),
        Some("__private")
    );
    assert_eq!(generated_name("a ____ rule, snake__case"), None);
    assert_eq!(
        primary_spans("error: x\n  --> ui/genserver/fail/a.rs:10:1\n   |\n"),
        vec![("error: x".to_owned(), 10, 1)]
    );
    assert!(on_attribute_itself("#[genserver]", 1));
    assert!(on_attribute_itself(
        "    #[otp_core::genserver(mailbox = 0)]",
        7
    ));
    assert!(
        !on_attribute_itself("#[genserver(mailbox = 0)]", 23),
        "on the value"
    );
    assert!(!on_attribute_itself("#[genservers]", 1));
    assert!(!on_attribute_itself("impl Cache {", 1));
    assert!(
        primary_spans("error: x\n  --> $WORKSPACE/otp-core/src/lib.rs:1:1\n").is_empty(),
        "a span in a library is not the case's"
    );
}
