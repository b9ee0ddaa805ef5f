//! A location inside the spec document, like `contexts[2].calls[0].context`.
//!
//! Paths name places in findings and key the source map. They know nothing about the format.

use std::fmt;

/// One step into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the document root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path(Vec<Segment>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }

    #[must_use]
    pub fn key(mut self, key: &str) -> Self {
        self.push_key(key);
        self
    }

    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.push_index(index);
        self
    }

    pub fn push_key(&mut self, key: &str) {
        self.0.push(Segment::Key(key.to_owned()));
    }

    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The RFC 6901 JSON pointer of this path (`/contexts/2/name`).
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            out.push('/');
            match segment {
                Segment::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// Parses a JSON pointer; numeric segments become indices.
    pub fn from_pointer(pointer: &str) -> Self {
        let mut path = Path::root();
        for raw in pointer.split('/').skip(1) {
            let key = raw.replace("~1", "/").replace("~0", "~");
            match key.parse::<usize>() {
                Ok(i) => path.push_index(i),
                Err(_) => path.push_key(&key),
            }
        }
        path
    }

    /// Parses the dotted form used in messages (`contexts[2].calls[0]`). Used by tests and tools.
    pub fn parse(text: &str) -> Self {
        let mut path = Path::root();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    path.push_key(&rest[..open]);
                }
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let close = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..close].parse() {
                        path.push_index(i);
                    }
                    rest = stripped.get(close + 1..).unwrap_or("");
                }
            } else {
                path.push_key(rest);
            }
        }
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (n, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if n == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_pointer_and_parse_agree() {
        let path = Path::root()
            .key("contexts")
            .index(2)
            .key("calls")
            .index(0)
            .key("context");
        assert_eq!(path.to_string(), "contexts[2].calls[0].context");
        assert_eq!(path.pointer(), "/contexts/2/calls/0/context");
        assert_eq!(Path::from_pointer(&path.pointer()), path);
        assert_eq!(Path::parse(&path.to_string()), path);
        assert_eq!(Path::root().to_string(), "(document)");
        assert_eq!(Path::root().key("a/b~c").pointer(), "/a~1b~0c");
    }
}
