//! Finds the spec object in an LLM answer: the whole answer, a fenced code block, or the first
//! balanced `{...}` inside prose; YAML in a fence is accepted too. The answer is untrusted: this
//! only parses, `check` judges.

use serde_json::Value;

/// Why no object could be taken from an answer; sent back to the model in the repair round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson(pub String);

/// The first JSON (or fenced YAML) object in `answer`.
pub fn spec_object(answer: &str) -> Result<Value, NotJson> {
    let text = answer.trim();
    if text.is_empty() {
        return Err(NotJson("the answer is empty".into()));
    }
    let mut first_error = None;
    let mut attempt = |candidate: &str| -> Option<Value> {
        match serde_json::from_str::<Value>(candidate) {
            Ok(v) if v.is_object() => Some(v),
            Ok(_) => {
                first_error.get_or_insert_with(|| "the JSON is not an object".to_owned());
                None
            }
            Err(e) => {
                first_error.get_or_insert_with(|| format!("invalid JSON: {e}"));
                None
            }
        }
    };
    if let Some(v) = attempt(text) {
        return Ok(v);
    }
    let blocks = fenced_blocks(text);
    for block in &blocks {
        if let Some(v) = attempt(block) {
            return Ok(v);
        }
    }
    // Top-level `{...}` spans only: an object nested in a broken one is never taken for the spec.
    let mut pos = 0;
    while let Some(found) = text[pos..].find('{') {
        let start = pos + found;
        let Some(end) = balanced_end(&text[start..]) else {
            attempt(&text[start..]);
            break;
        };
        if let Some(v) = attempt(&text[start..start + end]) {
            return Ok(v);
        }
        pos = start + end;
    }
    for block in &blocks {
        if let Ok(v) = crate::spec::load::parse(block)
            && v.is_object()
        {
            return Ok(v);
        }
    }
    Err(NotJson(first_error.unwrap_or_else(|| {
        "no JSON object in the answer".to_owned()
    })))
}

/// The contents of Markdown code fences (```json ... ``` or ``` ... ```).
fn fenced_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(newline) = after.find('\n') else {
            break;
        };
        let body = &after[newline + 1..];
        let Some(close) = body.find("```") else {
            // An unclosed fence (a truncated answer): take what there is.
            blocks.push(body);
            break;
        };
        blocks.push(&body[..close]);
        rest = &body[close + 3..];
    }
    blocks
}

/// Length of the balanced `{...}` at the start of `text`, skipping braces inside strings.
fn balanced_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fenced_and_prose() {
        assert_eq!(spec_object(r#" {"a": 1} "#).expect("plain")["a"], 1);
        let fenced = "Here it is:\n```json\n{\"a\": 2}\n```\nDone.";
        assert_eq!(spec_object(fenced).expect("fence")["a"], 2);
        let prose = "Sure! The spec {as requested} is {\"a\": \"}{\", \"b\": {\"c\": 3}} -- enjoy";
        assert_eq!(spec_object(prose).expect("prose")["b"]["c"], 3);
        // A broken root is not replaced by one of its nested objects.
        let broken = "{\"msaforge\": 1, \"system\": {\"name\": \"x\"}, \"contexts\": [";
        assert!(spec_object(broken).is_err());
        let yaml = "```yaml\nmsaforge: 1\nsystem: {name: x}\n```";
        assert_eq!(spec_object(yaml).expect("yaml")["msaforge"], 1);
    }

    #[test]
    fn failures_say_why() {
        assert_eq!(
            spec_object("  ").expect_err("fails").0,
            "the answer is empty"
        );
        let cut = spec_object("{\"msaforge\": 1, \"system\": {\"na")
            .expect_err("fails")
            .0;
        assert!(cut.starts_with("invalid JSON: EOF"), "{cut}");
        assert_eq!(
            spec_object("I cannot do that.").expect_err("fails").0,
            "invalid JSON: expected value at line 1 column 1"
        );
        assert_eq!(
            spec_object("[1, 2]").expect_err("fails").0,
            "the JSON is not an object"
        );
    }
}
