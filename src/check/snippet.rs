//! The source text as miette reads it for snippets, with the line index built once: reading the
//! lines around a finding costs a binary search, not a scan from the top of the file (which made
//! the human output cost findings x file size).
//!
//! Columns count Unicode scalar values from the start of the line, as the JSON and SARIF outputs
//! do, so `file:line:col` is the same in every format after Korean text. Only reads; no rendering.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A named source text and where each of its lines starts.
pub struct Snippets<'a> {
    name: &'a str,
    text: &'a str,
    /// Byte offset of the start of every line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Snippets<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < text.len()),
        );
        Snippets { name, text, starts }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Where the 0-based line ends, its line break included.
    fn end_of(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 1-based column (in characters) of byte `offset`.
    pub fn column(&self, offset: usize) -> usize {
        let start = self.starts[self.line_of(offset)];
        let offset = floor_char_boundary(self.text, offset);
        self.text[start..offset].chars().count() + 1
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Snippets<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (offset, len) = (span.offset(), span.len());
        if offset + len > self.text.len() + 1 {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = self.line_of(offset);
        let last_line = self.line_of((offset + len).saturating_sub(1).max(offset));
        let from = first_line.saturating_sub(context_lines_before);
        let to = (last_line + context_lines_after).min(self.starts.len() - 1);
        let (start, end) = (self.starts[from], self.end_of(to));
        // As miette's own sources do: the column only when no line before is shown.
        let column = if context_lines_before == 0 {
            self.column(offset) - 1
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            &self.text.as_bytes()[start..end],
            SourceSpan::new(start.into(), end - start),
            from,
            column,
            to - from + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_come_from_the_index() {
        let text = "a: 1\ntitle: 서고 배치\nname: x\n";
        let snippets = Snippets::new("spec.yaml", text);
        let x = text.find('x').expect("x");
        let span = SourceSpan::new(x.into(), 1);
        let around = snippets.read_span(&span, 1, 1).expect("in bounds");
        assert_eq!(around.line(), 1);
        assert_eq!(around.line_count(), 2);
        assert_eq!(
            std::str::from_utf8(around.data()).expect("text"),
            "title: 서고 배치\nname: x\n"
        );
        let at = snippets.read_span(&span, 0, 0).expect("in bounds");
        assert_eq!((at.line(), at.column()), (2, 6));
        // After Korean text, the column counts characters, as the JSON output does.
        let korean = text.find('배').expect("배");
        assert_eq!(snippets.column(korean), 11);
        let past = SourceSpan::new((text.len() + 5).into(), 1);
        assert!(snippets.read_span(&past, 0, 0).is_err());
    }
}
