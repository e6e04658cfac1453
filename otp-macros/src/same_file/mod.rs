//! What `#[genserver]` reads from its own source file. An attribute macro sees one impl block,
//! but since Rust 1.88 it can ask where it was called (`Span::local_file`, `line`, `column`)
//! and read that file: there it finds the other `#[genserver]` blocks of the same type (a
//! second block of one server gets one error saying to merge it into the first) and the
//! visibility written on the type's declaration (a handler less visible than the type gets the
//! macro's own error instead of rustc's).
//!
//! The file is read with a small lexer, not parsed: it never fails, and what it cannot read is
//! simply not found. Blocks and types are compared within one scope (one module's or one
//! function's braces): a `Cache` of another module is another type. A block or type behind
//! `#[cfg(...)]` is not counted: whether it is compiled is not known here, and
//! `#[cfg(a)] #[genserver] impl Cache` beside `#[cfg(not(a))] #[genserver] impl Cache` is one
//! server. When the file cannot be read (a macro expanded from a string, an IDE), nothing is
//! found and the macro works as before.

mod lex;
#[cfg(test)]
mod tests;

use lex::{Kind, Token};

/// The `#[genserver]` invocation being expanded: its file, scanned, and where its attribute
/// starts.
pub(crate) struct CallSite {
    file: SourceFile,
    line: usize,
    column: usize,
}

impl CallSite {
    /// The call site of the running attribute macro, when its file can be read.
    pub(crate) fn here() -> Option<Self> {
        let span = proc_macro::Span::call_site();
        let path = span.local_file()?;
        let source = std::fs::read_to_string(path).ok()?;
        Some(Self::new(&source, span.line(), span.column()))
    }

    /// The call site at `line` and `column` (1-based) of `source`.
    pub(crate) fn new(source: &str, line: usize, column: usize) -> Self {
        CallSite {
            file: SourceFile::scan(source),
            line,
            column,
        }
    }

    /// The block being expanded, when it is found and is a block of `ident`.
    fn block(&self, ident: &str) -> Option<(usize, &Block)> {
        let on_line: Vec<(usize, &Block)> = self
            .file
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, block)| block.genserver.is_some_and(|(line, _)| line == self.line))
            .collect();
        let found = match on_line.as_slice() {
            [one] => Some(*one),
            _ => on_line
                .into_iter()
                .find(|(_, block)| block.genserver == Some((self.line, self.column))),
        };
        found.filter(|(_, block)| block.ident.as_deref() == Some(ident))
    }

    /// The line of the first `#[genserver]` block of `ident` in this block's scope, when this
    /// block is not it: then this is a second block of one server.
    pub(crate) fn earlier_block(&self, ident: &str) -> Option<usize> {
        let (index, this) = self.block(ident)?;
        self.file.blocks[..index]
            .iter()
            .filter(|block| block.scope == this.scope && block.ident == this.ident && !block.cfg)
            .find_map(|block| block.genserver.map(|(line, _)| line))
    }

    /// The visibility written on the declaration of `ident` (`pub`, `pub(crate)`, empty when
    /// none is written), when the block's scope declares it exactly once.
    pub(crate) fn type_visibility(&self, ident: &str) -> Option<&str> {
        let (_, this) = self.block(ident)?;
        let mut found = self
            .file
            .types
            .iter()
            .filter(|decl| decl.scope == this.scope && decl.ident == ident);
        match (found.next(), found.next()) {
            (Some(decl), None) if !decl.cfg => Some(&decl.vis),
            _ => None,
        }
    }
}

/// The impl blocks and type declarations of one file.
#[derive(Default)]
struct SourceFile {
    blocks: Vec<Block>,
    types: Vec<TypeDecl>,
}

/// An inherent impl block.
struct Block {
    /// The index of the `{` the block is in (`usize::MAX` at the file's top level).
    scope: usize,
    /// Where its `#[genserver]` attribute starts, if it has one.
    genserver: Option<(usize, usize)>,
    /// Whether it has a `#[cfg(...)]`.
    cfg: bool,
    /// The last segment of its self type, when that is a path.
    ident: Option<String>,
}

/// A `struct`, `enum` or `union`.
struct TypeDecl {
    scope: usize,
    ident: String,
    /// Its visibility as written, tokens separated by spaces; empty when none is written.
    vis: String,
    cfg: bool,
}

/// An outer attribute's path, and where its `#` is.
struct Attribute {
    path: Vec<String>,
    at: (usize, usize),
}

impl SourceFile {
    fn scan(source: &str) -> Self {
        let tokens = lex::tokens(source);
        let mut file = SourceFile::default();
        let mut scopes = vec![usize::MAX];
        let mut attributes: Vec<Attribute> = Vec::new();
        let mut index = 0;
        while let Some(token) = tokens.get(index) {
            let scope = scopes.last().copied().unwrap_or(usize::MAX);
            if token.is("#") && tokens.get(index + 1).is_some_and(|next| next.is("[")) {
                let (attribute, end) = attribute(&tokens, index);
                attributes.push(attribute);
                index = end;
                continue;
            }
            let cfg = attributes.iter().any(|attribute| attribute.path == ["cfg"]);
            match token.text {
                "{" if token.kind == Kind::Punct => scopes.push(index),
                "}" if token.kind == Kind::Punct && scopes.len() > 1 => {
                    scopes.pop();
                }
                "impl" if token.kind == Kind::Ident && starts_item(&tokens, index) => {
                    let (ident, inherent) = self_type(&tokens, index + 1);
                    if inherent {
                        let genserver = attributes
                            .iter()
                            .find(|attribute| {
                                attribute
                                    .path
                                    .last()
                                    .is_some_and(|last| last == "genserver")
                            })
                            .map(|attribute| attribute.at);
                        file.blocks.push(Block {
                            scope,
                            genserver,
                            cfg,
                            ident,
                        });
                    }
                }
                "struct" | "enum" | "union" if token.kind == Kind::Ident => {
                    if let Some(name) = tokens
                        .get(index + 1)
                        .filter(|next| next.kind == Kind::Ident)
                    {
                        file.types.push(TypeDecl {
                            scope,
                            ident: name.text.to_owned(),
                            vis: visibility_before(&tokens, index),
                            cfg,
                        });
                    }
                }
                _ => {}
            }
            // Attributes belong to the item that follows them: `pub`, `unsafe` and a
            // visibility's parentheses may stand between.
            let keeps = matches!(
                token.text,
                "pub" | "unsafe" | "(" | ")" | "crate" | "super" | "self" | "in" | "::"
            ) || (token.kind == Kind::Ident
                && tokens
                    .get(index.wrapping_sub(1))
                    .is_some_and(|previous| previous.is("in") || previous.is("::")));
            if !keeps {
                attributes.clear();
            }
            index += 1;
        }
        file
    }
}

/// The attribute starting at `tokens[index]` (a `#` followed by `[`), and the index after it.
fn attribute(tokens: &[Token<'_>], index: usize) -> (Attribute, usize) {
    let at = (tokens[index].line, tokens[index].column);
    let mut path = Vec::new();
    let mut in_path = true;
    let mut depth = 0_usize;
    let mut end = index + 1;
    while let Some(token) = tokens.get(end) {
        end += 1;
        match token.text {
            "[" | "(" | "{" if token.kind == Kind::Punct => {
                depth += 1;
                if depth > 1 {
                    in_path = false;
                }
            }
            "]" | ")" | "}" if token.kind == Kind::Punct => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ if in_path && token.kind == Kind::Ident => path.push(token.text.to_owned()),
            "::" => {}
            _ => in_path = false,
        }
    }
    (Attribute { path, at }, end)
}

/// Whether the `impl` at `tokens[index]` starts an item (not `-> impl Trait`, `x: impl Trait`).
fn starts_item(tokens: &[Token<'_>], index: usize) -> bool {
    let Some(previous) = index
        .checked_sub(1)
        .and_then(|previous| tokens.get(previous))
    else {
        return true;
    };
    previous.kind == Kind::Punct && ["]", "}", ";", "{"].contains(&previous.text)
        || previous.is("unsafe")
}

/// The self type's last path segment of the impl whose header starts at `tokens[index]`, when
/// it is a path, and whether the impl is inherent (not `impl Trait for Type`).
fn self_type(tokens: &[Token<'_>], mut index: usize) -> (Option<String>, bool) {
    if tokens.get(index).is_some_and(|token| token.is("<")) {
        index = past_angles(tokens, index);
    }
    let mut angles = 0_usize;
    let mut groups = 0_usize;
    let mut last = None;
    let mut is_path = true;
    while let Some(token) = tokens.get(index) {
        index += 1;
        let top = angles == 0 && groups == 0;
        match token.text {
            "{" | ";" if token.kind == Kind::Punct && top => break,
            "where" if token.kind == Kind::Ident && top => break,
            "for" if token.kind == Kind::Ident && top => return (None, false),
            "<" => angles += 1,
            ">" => angles = angles.saturating_sub(1),
            "(" | "[" | "{" if token.kind == Kind::Punct => {
                groups += 1;
                is_path &= !top;
            }
            ")" | "]" | "}" if token.kind == Kind::Punct => groups = groups.saturating_sub(1),
            "::" => {}
            _ if top && token.kind == Kind::Ident => last = Some(token.text.to_owned()),
            _ if top => is_path = false,
            _ => {}
        }
    }
    (last.filter(|_| is_path), true)
}

/// The index after the generics `<...>` starting at `tokens[index]`.
fn past_angles(tokens: &[Token<'_>], mut index: usize) -> usize {
    let mut depth = 0_usize;
    while let Some(token) = tokens.get(index) {
        index += 1;
        match token.text {
            "<" => depth += 1,
            ">" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    index
}

/// The visibility written before the `struct` at `tokens[index]`, tokens separated by spaces.
fn visibility_before(tokens: &[Token<'_>], index: usize) -> String {
    let token = |at: usize| tokens.get(at);
    let Some(previous) = index.checked_sub(1) else {
        return String::new();
    };
    if token(previous).is_some_and(|previous| previous.is("pub")) {
        return "pub".to_owned();
    }
    if !token(previous).is_some_and(|previous| previous.is(")")) {
        return String::new();
    }
    let Some(open) = (0..previous)
        .rev()
        .find(|&at| token(at).is_some_and(|token| token.is("(")))
    else {
        return String::new();
    };
    match open.checked_sub(1) {
        Some(pub_at) if token(pub_at).is_some_and(|token| token.is("pub")) => tokens[pub_at..index]
            .iter()
            .map(|token| token.text)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}
