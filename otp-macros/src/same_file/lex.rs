//! A small Rust lexer for [`super::SourceFile`]: identifiers, punctuation and literals with
//! their line and column, comments and the insides of literals skipped. It never fails: text
//! it does not understand comes out as single punctuation characters.

/// What a token is; literals and lifetimes only need to be told apart from the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Ident,
    Punct,
    Literal,
    Lifetime,
}

/// One token: its text, what it is, and where it starts (both 1-based, the column counted in
/// characters, as rustc counts a span's).
#[derive(Clone, Debug)]
pub(super) struct Token<'a> {
    pub(super) text: &'a str,
    pub(super) kind: Kind,
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Token<'_> {
    pub(super) fn is(&self, text: &str) -> bool {
        self.kind != Kind::Literal && self.text == text
    }
}

/// Punctuation read as one token: the ones the scanner needs whole.
const JOINED: [&str; 3] = ["::", "->", "=>"];

pub(super) fn tokens(source: &str) -> Vec<Token<'_>> {
    let mut lexer = Lexer {
        source,
        chars: source.char_indices().collect(),
        at: 0,
        line: 1,
        column: 1,
        tokens: Vec::new(),
    };
    lexer.run();
    lexer.tokens
}

struct Lexer<'a> {
    source: &'a str,
    chars: Vec<(usize, char)>,
    /// Index into `chars`.
    at: usize,
    line: usize,
    column: usize,
    tokens: Vec<Token<'a>>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).map(|&(_, c)| c)
    }

    fn bump(&mut self) {
        if let Some(&(_, c)) = self.chars.get(self.at) {
            self.at += 1;
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
    }

    fn offset(&self, index: usize) -> usize {
        self.chars
            .get(index)
            .map_or(self.source.len(), |&(offset, _)| offset)
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let (start, line, column) = (self.at, self.line, self.column);
            let kind = match c {
                _ if c.is_whitespace() => {
                    self.bump();
                    continue;
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                    continue;
                }
                '/' if self.peek(1) == Some('*') => {
                    self.block_comment();
                    continue;
                }
                '"' => {
                    self.string();
                    Kind::Literal
                }
                '\'' => self.quote(),
                _ if self.raw_string_ahead() => {
                    self.raw_string();
                    Kind::Literal
                }
                'b' | 'c' if self.peek(1) == Some('"') => {
                    self.bump();
                    self.string();
                    Kind::Literal
                }
                'b' if self.peek(1) == Some('\'') => {
                    self.bump();
                    self.quote()
                }
                _ if c.is_ascii_digit() => {
                    self.number();
                    Kind::Literal
                }
                _ if is_ident_start(c) => {
                    if c == 'r'
                        && self.peek(1) == Some('#')
                        && self.peek(2).is_some_and(is_ident_start)
                    {
                        self.bump();
                        self.bump();
                    }
                    while self.peek(0).is_some_and(is_ident_continue) {
                        self.bump();
                    }
                    Kind::Ident
                }
                _ => {
                    let next = self.peek(1);
                    let joined = next.is_some_and(|next| {
                        JOINED
                            .iter()
                            .any(|joined| joined.starts_with(c) && joined.ends_with(next))
                    });
                    self.bump();
                    if joined {
                        self.bump();
                    }
                    Kind::Punct
                }
            };
            let text = &self.source[self.offset(start)..self.offset(self.at)];
            self.tokens.push(Token {
                text,
                kind,
                line,
                column,
            });
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0_usize;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.bump();
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.bump();
                if depth == 0 {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    /// A `"..."` string, the cursor on its opening quote.
    fn string(&mut self) {
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            match c {
                '\\' => self.bump(),
                '"' => break,
                _ => {}
            }
        }
        self.suffix();
    }

    /// `r"..."`, `r#"..."#`, `br"..."`, `cr#"..."#`.
    fn raw_string_ahead(&self) -> bool {
        let skip = match (self.peek(0), self.peek(1)) {
            (Some('r'), _) => 1,
            (Some('b' | 'c'), Some('r')) => 2,
            _ => return false,
        };
        let mut ahead = skip;
        while self.peek(ahead) == Some('#') {
            ahead += 1;
        }
        self.peek(ahead) == Some('"')
    }

    fn raw_string(&mut self) {
        while self.peek(0) != Some('#') && self.peek(0) != Some('"') {
            self.bump();
        }
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            hashes += 1;
            self.bump();
        }
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            if c == '"' && (0..hashes).all(|ahead| self.peek(ahead) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                break;
            }
        }
        self.suffix();
    }

    /// A character literal (`'a'`, `'\n'`) or a lifetime or label (`'a`), the cursor on the
    /// quote.
    fn quote(&mut self) -> Kind {
        self.bump();
        let is_char = self.peek(0) == Some('\\') || self.peek(1) == Some('\'');
        if !is_char {
            while self.peek(0).is_some_and(is_ident_continue) {
                self.bump();
            }
            return Kind::Lifetime;
        }
        while let Some(c) = self.peek(0) {
            self.bump();
            match c {
                '\\' => self.bump(),
                '\'' | '\n' => break,
                _ => {}
            }
        }
        self.suffix();
        Kind::Literal
    }

    fn number(&mut self) {
        while let Some(c) = self.peek(0) {
            let fraction = c == '.' && self.peek(1).is_some_and(|next| next.is_ascii_digit());
            if !(is_ident_continue(c) || fraction) {
                break;
            }
            self.bump();
        }
    }

    /// A literal's suffix, as in `"a"suffix`.
    fn suffix(&mut self) {
        while self.peek(0).is_some_and(is_ident_continue) {
            self.bump();
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}
