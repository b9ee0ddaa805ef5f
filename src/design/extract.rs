//! Finds the spec object in an LLM answer: the whole answer, a fenced code block, or the first
//! balanced `{...}` inside prose; YAML is accepted too (models shown a YAML example often answer
//! in YAML): in a `yaml` fence first, in any fence, or as the whole answer when it is a mapping
//! that looks like a spec. The answer is untrusted: this only parses, `check` judges.

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
    // A YAML fence holds YAML: its flow mappings (`{ name: x }`) are not JSON objects to take.
    for (_, block) in blocks.iter().filter(|(lang, _)| is_yaml(lang)) {
        if let Some(v) = yaml_object(block) {
            return Ok(v);
        }
    }
    for (_, block) in &blocks {
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
    for (_, block) in &blocks {
        if let Some(v) = yaml_object(block) {
            return Ok(v);
        }
    }
    // A bare YAML answer: only a block mapping with the spec's own keys, not any prose with a
    // colon, and not broken JSON (`{"system": }` is a YAML flow mapping but meant as JSON).
    if let Some(v) = Some(text)
        .filter(|t| !t.trim_start().starts_with('{'))
        .and_then(yaml_object)
        .filter(|v| v.get("msaforge").is_some() || v.get("contexts").is_some())
    {
        return Ok(v);
    }
    Err(NotJson(first_error.unwrap_or_else(|| {
        "no JSON object in the answer".to_owned()
    })))
}

fn is_yaml(lang: &str) -> bool {
    matches!(lang.trim().to_ascii_lowercase().as_str(), "yaml" | "yml")
}

/// `text` as YAML, when it is a mapping.
fn yaml_object(text: &str) -> Option<Value> {
    crate::spec::load::parse(text).ok().filter(Value::is_object)
}

/// The info strings and contents of Markdown code fences (```json ... ``` or ``` ... ```).
fn fenced_blocks(text: &str) -> Vec<(&str, &str)> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(newline) = after.find('\n') else {
            break;
        };
        let (lang, body) = (&after[..newline], &after[newline + 1..]);
        let Some(close) = body.find("```") else {
            // An unclosed fence (a truncated answer): take what there is.
            blocks.push((lang, body));
            break;
        };
        blocks.push((lang, &body[..close]));
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
        // A flow mapping that is valid JSON inside a YAML fence is not taken for the spec.
        let flow = "Here:\n```yaml\nmsaforge: 1\nteams:\n  - {\"name\": \"a\"}\n```\n";
        assert_eq!(spec_object(flow).expect("yaml")["msaforge"], 1);
        let bare = "msaforge: 1\nsystem:\n  name: x\ncontexts: []\n";
        assert_eq!(spec_object(bare).expect("bare yaml")["system"]["name"], "x");
        assert!(
            spec_object("Answer: no.").is_err(),
            "prose with a colon is no spec"
        );
        assert!(
            spec_object("{\"msaforge\": 1, \"system\": }").is_err(),
            "broken JSON is not read as a YAML flow mapping"
        );
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
