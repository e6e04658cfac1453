//! "Did you mean": the accepted word closest to a misspelt one, by edit distance. The message
//! reads as the other macros' do: the fix when there is one, the whole list when not.

/// The word of `accepted` closest to `written`, if it is close enough to be a likely typo: at
/// about one edit for every three letters.
pub(crate) fn closest<'a>(
    written: &str,
    accepted: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = written.chars().count().div_ceil(3);
    accepted
        .into_iter()
        .map(|word| (edit_distance(written, word), word))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, word)| word)
}

/// "`{unknown}`; did you mean `word`?" when `written` misspells one of `accepted`, else
/// "`{unknown}`; `{otherwise}`".
pub(crate) fn unknown<'a>(
    unknown: &str,
    written: &str,
    accepted: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match closest(written, accepted) {
        Some(word) => format!("{unknown}; did you mean `{word}`?"),
        None => format!("{unknown}; {otherwise}"),
    }
}

/// Levenshtein distance: the insertions, deletions and substitutions that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            let deletion = previous[j + 1] + 1;
            let insertion = current[j] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn distances() {
        assert_eq!(edit_distance("queue", "queue"), 0);
        assert_eq!(edit_distance("queu", "queue"), 1);
        assert_eq!(edit_distance("max_attempt", "max_attempts"), 1);
        assert_eq!(edit_distance("priorty", "priority"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_typo_finds_its_word_and_a_stranger_finds_none() {
        let options = [
            "queue",
            "max_attempts",
            "priority",
            "timeout",
            "name",
            "unique",
        ];
        assert_eq!(closest("queu", options), Some("queue"));
        assert_eq!(closest("max_retries", options), None);
        assert_eq!(closest("attempts", options), None);
        assert_eq!(closest("uniq", options), Some("unique"));
        assert_eq!(closest("x", options), None);
        assert_eq!(closest("uniqe", options), Some("unique"));
        assert_eq!(
            closest("avialable", ["available", "scheduled"]),
            Some("available")
        );
        assert_eq!(
            closest("canceled", ["cancelled", "completed"]),
            Some("cancelled")
        );
    }
}
