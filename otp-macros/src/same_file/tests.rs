//! The scan of a source file: which `#[genserver]` block is a second one, and the visibility
//! of the server's type.

use super::CallSite;

const TWO_BLOCKS: &str = r"use otp_core::prelude::*;

pub(crate) struct Cache {
    value: u32,
}

#[genserver]
impl Cache {
    #[handle_call]
    fn get(&mut self) -> u32 { self.value }
}

#[otp_core::genserver]
impl Cache {
    #[handle_cast]
    fn set(&mut self, value: u32) { self.value = value; }
}
";

#[test]
fn the_second_block_of_a_type_points_at_the_first() {
    let second = CallSite::new(TWO_BLOCKS, 13, 1);
    assert_eq!(second.earlier_block("Cache"), Some(7));
    let first = CallSite::new(TWO_BLOCKS, 7, 1);
    assert_eq!(first.earlier_block("Cache"), None);
}

#[test]
fn a_block_of_another_type_is_not_a_second_block() {
    let source = "#[genserver]\nimpl Cache {}\n#[genserver]\nimpl Store {}\n";
    assert_eq!(CallSite::new(source, 3, 1).earlier_block("Store"), None);
}

#[test]
fn a_block_of_the_same_name_in_another_module_is_another_type() {
    let source =
        "#[genserver]\nimpl Cache {}\nmod inner {\n    #[genserver]\n    impl Cache {}\n}\n";
    assert_eq!(CallSite::new(source, 4, 5).earlier_block("Cache"), None);
    let in_a_function = "fn f() {\n#[genserver]\nimpl Cache {}\n}\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(
        CallSite::new(in_a_function, 5, 1).earlier_block("Cache"),
        None
    );
}

#[test]
fn a_plain_impl_or_a_trait_impl_before_is_not_a_first_block() {
    let source = "impl Cache {}\nimpl Default for Cache {}\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(CallSite::new(source, 3, 1).earlier_block("Cache"), None);
}

#[test]
fn a_block_behind_cfg_is_not_counted() {
    // The two may be one server compiled two ways.
    let source = "#[cfg(test)]\n#[genserver]\nimpl Cache {}\n#[cfg(not(test))]\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(CallSite::new(source, 5, 1).earlier_block("Cache"), None);
    // A block without `cfg` is compiled whatever the later one's `cfg` says.
    let source = "#[genserver]\nimpl Cache {}\n#[cfg(test)]\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(CallSite::new(source, 4, 1).earlier_block("Cache"), Some(1));
}

#[test]
fn generics_paths_and_other_attributes_are_read() {
    let source = "#[genserver]\n#[child_spec(restart = \"temporary\")]\nimpl<T: Send + 'static> crate::Cache<T> where T: Clone {}\n\
                  #[child_spec(id = \"x\")]\n#[genserver(mailbox = 8)]\nimpl<T: Fn() -> u8> Cache<T> {}\n";
    assert_eq!(CallSite::new(source, 5, 1).earlier_block("Cache"), Some(1));
}

#[test]
fn comments_strings_and_characters_hide_nothing_and_invent_nothing() {
    let source = "/* #[genserver]\nimpl Cache {} */\n// #[genserver] impl Cache {}\nconst A: &str = \"#[genserver] impl Cache {\";\n\
                  const B: char = '{';\nconst C: &str = r#\"}\"#;\nfn f<'a>(_: &'a str) {}\n#[genserver]\nimpl Cache {}\n";
    let site = CallSite::new(source, 8, 1);
    assert_eq!(site.earlier_block("Cache"), None);
    assert!(site.block("Cache").is_some(), "the block itself is found");
}

#[test]
fn two_blocks_on_one_line_are_told_apart_by_column() {
    let source = "#[genserver] impl Cache {} #[genserver] impl Cache {}\n";
    assert_eq!(CallSite::new(source, 1, 28).earlier_block("Cache"), Some(1));
    assert_eq!(CallSite::new(source, 1, 1).earlier_block("Cache"), None);
}

#[test]
fn an_unknown_call_site_finds_nothing() {
    assert_eq!(CallSite::new(TWO_BLOCKS, 3, 1).earlier_block("Cache"), None);
    assert_eq!(
        CallSite::new(TWO_BLOCKS, 13, 1).earlier_block("Store"),
        None
    );
    assert_eq!(CallSite::new("", 1, 1).earlier_block("Cache"), None);
    assert_eq!(
        CallSite::new("#[genserver] impl", 1, 1).earlier_block("Cache"),
        None
    );
    assert_eq!(
        CallSite::new("\"unterminated", 1, 1).type_visibility("Cache"),
        None
    );
}

#[test]
fn the_type_visibility_is_read_in_the_block_scope() {
    assert_eq!(
        CallSite::new(TWO_BLOCKS, 7, 1).type_visibility("Cache"),
        Some("pub ( crate )")
    );
    let source = "pub mod cache {\n    pub struct Cache;\n    #[genserver]\n    impl Cache {}\n}\n";
    assert_eq!(
        CallSite::new(source, 3, 5).type_visibility("Cache"),
        Some("pub")
    );
    let source = "#[derive(Debug)]\nenum Cache { A }\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(
        CallSite::new(source, 3, 1).type_visibility("Cache"),
        Some("")
    );
    let source =
        "mod other {\n    pub struct Cache;\n}\nuse other::Cache;\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(
        CallSite::new(source, 5, 1).type_visibility("Cache"),
        None,
        "declared elsewhere"
    );
    let source = "pub(in crate::a) struct Cache;\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(
        CallSite::new(source, 2, 1).type_visibility("Cache"),
        Some("pub ( in crate :: a )")
    );
}

#[test]
fn a_type_declared_twice_or_behind_cfg_has_no_known_visibility() {
    let source = "#[cfg(test)]\npub struct Cache;\n#[cfg(not(test))]\nstruct Cache;\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(CallSite::new(source, 5, 1).type_visibility("Cache"), None);
    let source = "#[cfg(test)]\npub struct Cache;\n#[genserver]\nimpl Cache {}\n";
    assert_eq!(CallSite::new(source, 3, 1).type_visibility("Cache"), None);
}
