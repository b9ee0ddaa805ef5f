//! The spec's JSON Schema in the shapes LLM endpoints accept: OpenAI's strict subset (every key
//! required, optional ones nullable) and a grammar subset for llama.cpp-style servers (keys stay
//! optional). Both come from the schemars output of `SpecFile`; nothing here is written by hand.
//! The answers are re-checked in full by `check`, so dropping a keyword here loses nothing.

use serde_json::{Map, Value, json};

/// Keywords OpenAI's strict mode knows; the rest are dropped.
const KEPT: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "$ref",
    "$defs",
    "description",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// String formats OpenAI's strict mode knows (schemars also emits `uint32`, `double`, ...).
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Which subset to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subset {
    /// OpenAI `json_schema` with `strict: true`: all keys required, optional ones `[T, "null"]`.
    Strict,
    /// For grammar-constrained servers: same keywords, optional keys stay optional (shorter answers).
    Grammar,
}

/// The spec schema in the given subset.
pub fn spec_schema(subset: Subset) -> Value {
    transform(&crate::spec::json_schema(), subset)
}

/// Transforms a schemars schema into the subset.
pub fn transform(schema: &Value, subset: Subset) -> Value {
    let mut out = node(schema, subset);
    if let Value::Object(root) = &mut out {
        root.remove("$schema");
        root.remove("title");
    }
    out
}

fn node(value: &Value, subset: Subset) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    // A `$ref` with siblings (description, default) is not accepted everywhere: keep the ref.
    if let Some(reference) = map.get("$ref") {
        return json!({ "$ref": reference });
    }
    // `type: [string, integer]` becomes an `anyOf` of single types.
    if let Some(Value::Array(types)) = map.get("type")
        && types.iter().filter(|t| t.as_str() != Some("null")).count() > 1
    {
        let branches = types
            .iter()
            .map(|t| {
                let mut branch = map.clone();
                branch.insert("type".into(), t.clone());
                node(&Value::Object(only_for_type(branch)), subset)
            })
            .collect();
        let mut out = Map::new();
        if let Some(d) = map.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert("anyOf".into(), Value::Array(branches));
        return Value::Object(out);
    }
    let mut out = Map::new();
    for (key, v) in map {
        let key = if key == "oneOf" {
            "anyOf"
        } else {
            key.as_str()
        };
        if !KEPT.contains(&key) {
            continue;
        }
        let v = match key {
            "properties" | "$defs" => Value::Object(
                v.as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, s)| (k.clone(), node(s, subset)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" => node(v, subset),
            "anyOf" => Value::Array(
                v.as_array()
                    .map(|a| a.iter().map(|s| node(s, subset)).collect())
                    .unwrap_or_default(),
            ),
            "format" if !v.as_str().is_some_and(|f| FORMATS.contains(&f)) => continue,
            // llama.cpp's GBNF has no `\.` escape: llama-cpp-python's converter copies an escaped
            // dot into a string literal the server then refuses (and drops the connection). The
            // same regex with the dot in a class converts cleanly.
            "pattern" if subset == Subset::Grammar => {
                Value::String(v.as_str().unwrap_or_default().replace("\\.", "[.]"))
            }
            _ => v.clone(),
        };
        out.insert(key.to_owned(), v);
    }
    if out.get("type") == Some(&json!("object")) || out.contains_key("properties") {
        close_object(&mut out, subset);
    }
    Value::Object(out)
}

/// Keeps the keywords that apply to the branch's single type.
fn only_for_type(mut branch: Map<String, Value>) -> Map<String, Value> {
    let numeric = matches!(
        branch.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    );
    let drop: &[&str] = if numeric {
        &["pattern", "format", "description"]
    } else {
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "description",
        ]
    };
    for key in drop {
        branch.remove(*key);
    }
    branch
}

/// `additionalProperties: false` everywhere; in strict mode every key required, optional ones
/// nullable.
fn close_object(out: &mut Map<String, Value>, subset: Subset) {
    out.insert("additionalProperties".into(), Value::Bool(false));
    if subset == Subset::Grammar {
        return;
    }
    let required: Vec<String> = out
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(props)) = out.get_mut("properties") else {
        return;
    };
    let keys: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
    for (key, schema) in props.iter_mut() {
        if !required.contains(key) {
            *schema = nullable(std::mem::take(schema));
        }
    }
    out.insert("required".into(), Value::Array(keys));
}

fn nullable(schema: Value) -> Value {
    let null = json!({ "type": "null" });
    let Value::Object(mut map) = schema else {
        return schema;
    };
    if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        if !branches.contains(&null) {
            branches.push(null);
        }
        return Value::Object(map);
    }
    match map.get("type").cloned() {
        Some(Value::String(t)) if !map.contains_key("enum") && !map.contains_key("const") => {
            map.insert("type".into(), json!([t, "null"]));
            Value::Object(map)
        }
        Some(Value::Array(mut types)) if !map.contains_key("enum") => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
            map.insert("type".into(), Value::Array(types));
            Value::Object(map)
        }
        _ => {
            let description = map.remove("description");
            let mut out = Map::new();
            if let Some(d) = description {
                out.insert("description".into(), d);
            }
            out.insert("anyOf".into(), json!([Value::Object(map), null]));
            Value::Object(out)
        }
    }
}

/// Objects with `null` values removed, recursively: a strict answer spells every optional key as
/// `null`, and the spec format means "absent" by leaving the key out.
pub fn drop_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks every schema node and fails on anything OpenAI's strict mode refuses.
    fn assert_strict(v: &Value, at: &str) {
        match v {
            Value::Object(map) => {
                for bad in [
                    "oneOf",
                    "allOf",
                    "not",
                    "if",
                    "default",
                    "$schema",
                    "uniqueItems",
                ] {
                    assert!(!map.contains_key(bad), "{bad} at {at}");
                }
                if let Some(Value::Object(props)) = map.get("properties") {
                    assert_eq!(
                        map.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "{at}"
                    );
                    let required = map["required"].as_array().expect("required");
                    assert_eq!(required.len(), props.len(), "every key required at {at}");
                }
                if map.get("type") == Some(&json!("object")) {
                    assert_eq!(
                        map.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "{at}"
                    );
                }
                if map.contains_key("$ref") {
                    assert_eq!(map.len(), 1, "$ref alone at {at}");
                }
                for (k, x) in map {
                    assert_strict(x, &format!("{at}/{k}"));
                }
            }
            Value::Array(items) => items.iter().for_each(|x| assert_strict(x, at)),
            _ => {}
        }
    }

    #[test]
    fn strict_schema_is_in_openai_subset() {
        let s = spec_schema(Subset::Strict);
        assert_eq!(s["type"], "object");
        assert_strict(&s, "#");
        // An optional reference became nullable, a required one did not.
        let ctx = &s["$defs"]["Context"]["properties"];
        assert_eq!(ctx["dr"]["anyOf"][1], json!({"type": "null"}));
        assert_eq!(ctx["name"], json!({"$ref": "#/$defs/KebabName"}));
        assert_eq!(ctx["rationale"]["type"], json!(["string", "null"]));
    }

    #[test]
    fn grammar_schema_keeps_optional_keys_optional() {
        let s = spec_schema(Subset::Grammar);
        let ctx = &s["$defs"]["Context"];
        let required = ctx["required"].as_array().expect("required");
        assert!(!required.contains(&json!("rationale")));
        assert_eq!(ctx["additionalProperties"], false);
    }

    #[test]
    fn nulls_are_dropped_before_check() {
        let v = json!({"a": null, "b": [{"c": null, "d": 1}]});
        assert_eq!(drop_nulls(v), json!({"b": [{"d": 1}]}));
    }
}
