//! "Did you mean": the accepted word nearest to a misspelled one.

/// The word of `accepted` that `written` most likely misspells: the nearest by edit distance
/// (case and `-`/`_` aside), when it is near enough to be a slip of the keyboard rather than
/// another word. `None` when nothing is.
pub(crate) fn nearest<'a>(
    written: &str,
    accepted: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normal = normalise(written);
    accepted
        .into_iter()
        .map(|word| (strsim::damerau_levenshtein(&normal, &normalise(word)), word))
        .filter(|(distance, word)| {
            // One slip in a short word, about one in three letters in a long one.
            *distance <= (word.len().max(written.len()) / 3).max(1)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, word)| word)
}

fn normalise(word: &str) -> String {
    word.to_ascii_lowercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::nearest;

    const STRATEGIES: [&str; 3] = ["one_for_one", "one_for_all", "rest_for_one"];

    #[test]
    fn a_slip_finds_its_word() {
        assert_eq!(nearest("one_for_on", STRATEGIES), Some("one_for_one"));
        assert_eq!(nearest("one-for-all", STRATEGIES), Some("one_for_all"));
        assert_eq!(nearest("OneForOne", STRATEGIES), Some("one_for_one"));
        assert_eq!(
            nearest("transent", ["permanent", "transient", "temporary"]),
            Some("transient")
        );
        assert_eq!(nearest("chidren", ["children", "name"]), Some("children"));
        assert_eq!(nearest("catchall", ["catch_all"]), Some("catch_all"));
        assert_eq!(
            nearest("Transient", ["permanent", "transient"]),
            Some("transient")
        );
    }

    #[test]
    fn another_word_is_no_slip() {
        assert_eq!(nearest("priority", ["catch_all"]), None);
        assert_eq!(
            nearest("timeout", ["id", "restart", "shutdown", "significant"]),
            None
        );
        assert_eq!(nearest("x", ["id", "name"]), None);
        assert_eq!(nearest("ids", ["id", "name"]), Some("id"));
    }
}
