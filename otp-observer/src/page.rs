//! The page: one HTML document with its style and script inlined, so that it works wherever
//! the router is mounted, with no build step.

use crate::ObserverConfig;

const HTML: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/style.css");
const JS: &str = include_str!("page/app.js");

/// The page for this configuration: its style and script put in, and the configuration the
/// script starts from (read-only or not, state shown or not) in a `data-` attribute.
pub(crate) fn render(config: &ObserverConfig) -> String {
    HTML.replace("/*STYLE*/", CSS)
        .replace("/*SCRIPT*/", JS)
        .replace(
            "data-read-only=\"\"",
            if config.is_read_only() {
                "data-read-only=\"true\""
            } else {
                "data-read-only=\"false\""
            },
        )
}
