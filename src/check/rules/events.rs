//! Event rules: an event (or an event version) consumed from a context that does not publish it,
//! one published that nobody consumes, and the ordering key: a key that is no field, and a
//! consumed event without one.

use std::collections::HashMap;

use crate::check::{Finding, Rule, Severity, Text, did_you_mean};
use crate::lang::Lang;
use crate::spec::Spec;

use super::ctx;

pub static MSA108: Rule = Rule {
    code: "MSA108",
    name: "event-without-publisher",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An event consumed from a context that does not publish it.",
        ko: "발행하지 않는 컨텍스트에서 이벤트를 구독합니다.",
    },
    why: Text {
        en: "The consumer waits for messages that never come; the feature silently never runs.",
        ko: "구독자는 오지 않을 메시지를 기다리고 기능은 조용히 동작하지 않습니다.",
    },
    fix: Text {
        en: "Point `from:` at the publisher, or add the event to the publisher's `events.publishes`.",
        ko: "`from:`을 발행자로 바꾸거나 발행자의 `events.publishes`에 이벤트를 추가하세요.",
    },
    source: "Hohpe, Woolf: Enterprise Integration Patterns, 2003 (Publish-Subscribe Channel)",
};

pub static MSA109: Rule = Rule {
    code: "MSA109",
    name: "event-without-consumer",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "An event published that no context consumes.",
        ko: "발행하지만 아무도 구독하지 않는 이벤트입니다.",
    },
    why: Text {
        en: "It may be meant for systems outside the spec, or it is dead weight that still has to be maintained.",
        ko: "스펙 밖 시스템을 위한 것일 수도 있지만, 아니라면 유지보수만 드는 짐입니다.",
    },
    fix: Text {
        en: "Add the consumer, or drop the event until someone needs it (or ignore the rule for outside consumers).",
        ko: "구독자를 추가하거나 필요할 때까지 빼세요 (외부 구독자용이면 규칙을 무시하세요).",
    },
    source: "Richardson: Microservices Patterns, 2018 (domain events)",
};

pub static MSA117: Rule = Rule {
    code: "MSA117",
    name: "event-key-unknown",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An event whose `key:` names no field of the event, or an optional one.",
        ko: "이벤트의 `key:`가 이벤트에 없는 필드나 선택 필드를 가리킵니다.",
    },
    why: Text {
        en: "The key is the Kafka message key every message of the event is sent with: without a value there is nothing to send it under, and the order it promises is lost.",
        ko: "키는 이벤트의 모든 메시지가 실리는 Kafka 메시지 키입니다. 값이 없으면 보낼 키가 없고 약속한 순서도 지켜지지 않습니다.",
    },
    fix: Text {
        en: "Name a required field of the event (usually the aggregate's id, `recordId`), or add that field.",
        ko: "이벤트의 필수 필드(보통 애그리거트의 id, `recordId`)를 쓰거나 그 필드를 추가하세요.",
    },
    source: "Apache Kafka documentation, Design: partitions and message keys (ordering is per partition)",
};

pub static MSA118: Rule = Rule {
    code: "MSA118",
    name: "event-without-key",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A consumed event with no ordering `key:`.",
        ko: "구독되는 이벤트에 순서 `key:`가 없습니다.",
    },
    why: Text {
        en: "Without a key its messages are spread over the topic's partitions, and a consumer may see `RecordReturned` before the `RecordCheckedOut` it follows.",
        ko: "키가 없으면 메시지가 토픽의 파티션에 흩어져, 구독자가 `RecordCheckedOut`보다 그 뒤의 `RecordReturned`를 먼저 받을 수 있습니다.",
    },
    fix: Text {
        en: "Add `key:` with the field that identifies the aggregate the event is about (`key: recordId`); events of one aggregate then keep their order.",
        ko: "이벤트가 다루는 애그리거트를 가리키는 필드로 `key:`를 추가하세요(`key: recordId`). 같은 애그리거트의 이벤트는 순서를 지킵니다.",
    },
    source: "Kleppmann: Designing Data-Intensive Applications, 2017 (ch. 11, partitioned logs)",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    keys(spec, lang, out);
    let mut consumed: HashMap<(&str, &str), bool> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.consumes.iter().enumerate() {
            consumed.insert((e.from.as_str(), e.name.as_str()), true);
            let Some(from) = spec.context(&e.from) else {
                continue;
            };
            if from
                .publishes
                .iter()
                .any(|p| p.name == e.name && p.version == e.version)
            {
                continue;
            }
            let published: Vec<String> = from
                .publishes
                .iter()
                .filter(|p| p.name == e.name)
                .map(|p| format!("v{}", p.version))
                .collect();
            if !published.is_empty() {
                let (name, source, v, have) = (&e.name, &e.from, e.version, published.join(", "));
                out.push(
                    Finding::new(
                        &MSA108,
                        ctx(i).key("events").key("consumes").index(k),
                        tr!(
                            lang,
                            "`{name}` v{v} is consumed from `{source}`, which publishes {have} only",
                            "`{name}` v{v}을(를) `{source}`에서 구독하지만 `{source}`는 {have}만 발행합니다"
                        ),
                    )
                    .help(tr!(
                        lang,
                        "consume a published version (`version:`), or publish v{v} beside the others while consumers move",
                        "발행되는 버전을 구독하거나(`version:`), 구독자가 옮겨 가는 동안 v{v}를 함께 발행하세요"
                    )),
                );
                continue;
            }
            let (name, source) = (&e.name, &e.from);
            let mut finding = Finding::new(
                &MSA108,
                ctx(i).key("events").key("consumes").index(k).key("name"),
                tr!(
                    lang,
                    "`{name}` is consumed from `{source}`, which does not publish it",
                    "`{name}`을(를) `{source}`에서 구독하지만 `{source}`는 발행하지 않습니다"
                ),
            );
            let publisher = spec
                .contexts
                .iter()
                .find(|o| o.publishes.iter().any(|p| p.name == e.name));
            finding = match (
                publisher,
                did_you_mean(
                    name,
                    from.publishes.iter().map(|p| p.name.as_str()).filter(|p| {
                        !c.consumes
                            .iter()
                            .any(|other| other.from == e.from && other.name == *p)
                    }),
                ),
            ) {
                (Some(p), _) => {
                    let p = &p.name;
                    finding.help(tr!(
                        lang,
                        "`{p}` publishes it: write `from: {p}`",
                        "`{p}`가 발행합니다: `from: {p}`로 쓰세요"
                    ))
                }
                (None, Some(near)) => finding.help(tr!(
                    lang,
                    "did you mean `{near}`?",
                    "`{near}`을(를) 의도했나요?"
                )),
                (None, None) => finding.help(tr!(
                    lang,
                    "add `{name}` to `{source}`'s `events.publishes`, or remove this subscription",
                    "`{source}`의 `events.publishes`에 `{name}`을(를) 추가하거나 이 구독을 지우세요"
                )),
            };
            out.push(finding);
        }
    }
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.publishes.iter().enumerate() {
            if !consumed.contains_key(&(c.name.as_str(), e.name.as_str())) {
                let name = &e.name;
                out.push(
                    Finding::new(&MSA109, ctx(i).key("events").key("publishes").index(k).key("name"), tr!(lang, "`{name}` is published but no context consumes it", "`{name}`을(를) 발행하지만 구독하는 컨텍스트가 없습니다"))
                        .help(tr!(lang, "add a consumer (`events.consumes: [{{ name: {name}, from: {} }}]`) or drop the event until someone needs it", "구독자를 추가하거나 (`events.consumes: [{{ name: {name}, from: {} }}]`) 필요해질 때까지 이벤트를 빼세요", c.name)),
                );
            }
        }
    }
}

/// MSA117 and MSA118: an ordering key that is not a required field, and a consumed event without one.
fn keys(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.publishes.iter().enumerate() {
            let at = ctx(i).key("events").key("publishes").index(k);
            let name = &e.name;
            match &e.key {
                Some(key) => match e.fields.iter().find(|f| &f.name == key) {
                    Some(f) if !f.optional => {}
                    found => {
                        let what = if found.is_some() {
                            tr!(lang, "an optional field", "선택 필드")
                        } else {
                            tr!(lang, "no field of it", "이벤트에 없는 필드")
                        };
                        let required: Vec<&str> = e
                            .fields
                            .iter()
                            .filter(|f| !f.optional)
                            .map(|f| f.name.as_str())
                            .collect();
                        let help = if required.is_empty() {
                            tr!(
                                lang,
                                "add the field (required) the events are ordered by",
                                "순서의 기준이 되는 필드를 (필수로) 추가하세요"
                            )
                        } else {
                            tr!(
                                lang,
                                "write one of its required fields: {}",
                                "필수 필드 중 하나를 쓰세요: {}",
                                required.join(", ")
                            )
                        };

                        out.push(
                            Finding::new(
                                &MSA117,
                                at.key("key"),
                                tr!(
                                    lang,
                                    "the key `{key}` of `{name}` is {what}",
                                    "`{name}`의 키 `{key}`는 {what}입니다"
                                ),
                            )
                            .help(help),
                        );
                    }
                },
                None => {
                    let consumed = spec.contexts.iter().any(|o| {
                        o.consumes
                            .iter()
                            .any(|r| r.from == c.name && r.name == e.name && r.version == e.version)
                    });
                    if !consumed {
                        continue;
                    }
                    let required = || e.fields.iter().filter(|f| !f.optional);
                    let id = required()
                        .find(|f| f.name == "id" || f.name.ends_with("Id"))
                        .or_else(|| required().next())
                        .map_or("recordId", |f| f.name.as_str());
                    out.push(
                        Finding::new(
                            &MSA118,
                            at.key("name"),
                            tr!(
                                lang,
                                "`{name}` has no `key:`: its consumers get its messages in no order",
                                "`{name}`에 `key:`가 없어 구독자가 메시지를 순서 없이 받습니다"
                            ),
                        )
                        .help(tr!(
                            lang,
                            "add `key: {id}` (the id of the aggregate the event is about)",
                            "`key: {id}`를 추가하세요 (이벤트가 다루는 애그리거트의 id)"
                        )),
                    );
                }
            }
        }
    }
}
