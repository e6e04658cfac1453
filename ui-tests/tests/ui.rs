//! Runs the compile tests: every `ui/<macro>/pass/*.rs` must compile, every
//! `ui/<macro>/fail/*.rs` must fail with the errors in its `.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/*/pass/*.rs");
    cases.compile_fail("ui/*/fail/*.rs");
}
