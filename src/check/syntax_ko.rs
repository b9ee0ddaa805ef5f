//! Korean for the YAML parser's messages (saphyr-parser's and `spec::yaml`'s own), so a Korean
//! report has no English sentence inside it. Messages not listed get a Korean sentence that says
//! what kind of problem it is; the place and the snippet show where.

/// Known messages, by how they start: (English start, Korean).
const KNOWN: &[(&str, &str)] = &[
    (
        "while parsing a flow mapping",
        "중괄호 매핑 `{ }` 안에서 `,`나 `}`가 와야 할 곳입니다",
    ),
    (
        "while parsing a flow sequence",
        "대괄호 목록 `[ ]` 안에서 `,`나 `]`가 와야 할 곳입니다",
    ),
    (
        "while parsing a block mapping",
        "매핑의 키가 와야 할 곳입니다 (들여쓰기를 확인하세요)",
    ),
    (
        "while parsing a block collection",
        "목록 항목 `-`가 와야 할 곳입니다 (들여쓰기를 확인하세요)",
    ),
    ("while parsing a node", "값이 와야 할 곳에 값이 없습니다"),
    (
        "mapping values are not allowed",
        "이 위치에는 `키: 값`을 쓸 수 없습니다 (`: `가 든 값은 따옴표로 감싸세요)",
    ),
    (
        "mapping keys are not allowed",
        "이 위치에는 매핑 키를 쓸 수 없습니다",
    ),
    (
        "block sequence entries are not allowed",
        "이 위치에는 목록 항목 `-`를 쓸 수 없습니다",
    ),
    (
        "while scanning a quoted scalar, found unexpected end",
        "따옴표가 닫히지 않았습니다",
    ),
    (
        "while parsing a quoted scalar, found unknown escape",
        "따옴표 문자열에 알 수 없는 이스케이프(`\\`)가 있습니다",
    ),
    (
        "while scanning a plain scalar, found a tab",
        "값 안에 탭이 있습니다",
    ),
    ("invalid indentation", "들여쓰기가 잘못되었습니다"),
    (
        "did not find expected",
        "문서 구조가 끝나지 않았습니다 (닫히지 않은 괄호나 들여쓰기를 확인하세요)",
    ),
    (
        "unexpected end of plain scalar",
        "값이 예상보다 일찍 끝났습니다",
    ),
    ("unexpected eof", "파일이 예상보다 일찍 끝났습니다"),
    (
        "found unprintable character",
        "출력할 수 없는 문자가 있습니다",
    ),
    (
        "while parsing node, found unknown anchor",
        "정의되지 않은 앵커를 참조합니다",
    ),
    (
        "while parsing anchor, found duplicated anchor",
        "같은 이름의 앵커가 두 번 있습니다",
    ),
    ("recursion limit exceeded", "중첩이 너무 깊습니다"),
    (
        "the file holds more than one YAML document",
        "파일에 YAML 문서가 둘 이상 있습니다 (`---`)",
    ),
    (
        "alias to an unknown anchor",
        "정의되지 않은 앵커를 참조합니다",
    ),
    ("nesting is deeper than", "중첩이 너무 깊습니다"),
    (
        "the document expands to too many nodes",
        "앵커와 별칭을 펼치면 노드가 너무 많아집니다",
    ),
    (
        "a key must be a plain value",
        "키는 목록이나 매핑이 아닌 단순한 값이어야 합니다",
    ),
];

/// The Korean for a parser message.
pub fn korean(message: &str) -> String {
    if let Some(line) = message.strip_prefix("a tab in the indentation of line ") {
        return format!("{line}번째 줄 들여쓰기에 탭이 있습니다");
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        return format!("매핑 키 `{key}`이(가) 두 번 있습니다");
    }
    if let Some(rest) = message.strip_prefix("tag `") {
        let tag = rest.split('`').next().unwrap_or_default();
        return format!("태그 `{tag}`은(는) 지원하지 않습니다. spec은 일반 YAML 값을 씁니다");
    }
    KNOWN
        .iter()
        .find(|(en, _)| message.starts_with(en))
        .map_or_else(
            || "YAML로 읽을 수 없는 곳이 있습니다".to_owned(),
            |(_, ko)| (*ko).to_owned(),
        )
}

#[cfg(test)]
mod tests {
    use super::korean;

    #[test]
    fn parser_messages_read_in_korean() {
        assert_eq!(
            korean("a tab in the indentation of line 5"),
            "5번째 줄 들여쓰기에 탭이 있습니다"
        );
        assert_eq!(
            korean("duplicate mapping key: name"),
            "매핑 키 `name`이(가) 두 번 있습니다"
        );
        assert!(
            korean("while parsing a flow mapping, did not find expected ',' or '}'").contains('`')
        );
        assert!(!korean("something new").is_ascii());
    }
}
