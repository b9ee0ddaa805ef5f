//! Event rules: an event consumed from a context that does not publish it, and one published that
//! nobody consumes.

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

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut consumed: HashMap<(&str, &str), bool> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.consumes.iter().enumerate() {
            consumed.insert((e.from.as_str(), e.name.as_str()), true);
            let Some(from) = spec.context(&e.from) else {
                continue;
            };
            if from.publishes.iter().any(|p| p.name == e.name) {
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
