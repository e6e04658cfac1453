//! An event's or span's fields as text, for tests that read what was logged.

use std::collections::BTreeMap;
use tracing::field::{Field, Visit};

/// The fields of an event or span, recorded into a map (`event.record(&mut Fields(&mut map))`).
pub(crate) struct Fields<'a>(pub(crate) &'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
}
