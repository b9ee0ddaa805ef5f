//! Source places for the YAML tree: the parser's character positions as byte offsets, and the tab
//! a syntax error is really about. Positions only; no parsing and no values.

use saphyr_parser::Marker;

use crate::spec::source::Place;

/// The tab the parser stopped at: the first tab in the indentation of the line it stopped on,
/// or of the nearest line above (the parser often notices the tab only after it), one character
/// long, so the snippet underlines the tab itself.
pub(super) fn tab_place(text: &str, at: Place) -> Place {
    let line_start = text[..at.offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut start = line_start;
    let mut line = at.line;
    loop {
        let rest = &text[start..];
        let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = rest[..indent].find('\t') {
            let column = rest[..tab].chars().count() + 1;
            return Place {
                offset: start + tab,
                len: 1,
                line,
                column: u32::try_from(column).unwrap_or(u32::MAX),
            };
        }
        if start == 0 || line <= 1 {
            return at;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        line -= 1;
    }
}

/// Turns the parser's character positions into byte offsets, walking forward through the text.
pub(super) struct Positions<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> Positions<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Positions {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.chars {
            (self.chars, self.bytes) = (0, 0);
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars == char_index {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }

    pub(super) fn place(&mut self, start: Marker, end: Marker) -> Place {
        let offset = self.byte(start.index());
        let end = self.byte(end.index().max(start.index()));
        Place {
            offset,
            len: end - offset,
            line: u32::try_from(start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(start.col() + 1).unwrap_or(u32::MAX),
        }
    }
}
