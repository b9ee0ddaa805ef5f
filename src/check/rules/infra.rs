//! Context names the generated system already uses for itself (MSA011): the compose services of
//! the gateway and the tracing stack, the namespace's default-deny network policy, and the
//! `<context>-db` database of every context with a store. A context of one of these names would
//! give `compose.yaml` a duplicate key and Kubernetes two objects of one name.
//!
//! Reads the checked spec only; the names themselves are spelt by the templates.

use crate::check::Finding;
use crate::lang::Lang;
use crate::spec::Spec;

use super::ctx;
use super::reserved::MSA011;

/// Names of generated services and objects that are not contexts. Sorted.
const TAKEN: &[&str] = &["default-deny", "gateway", "jaeger", "otel-collector"];

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    for (i, c) in spec.contexts.iter().enumerate() {
        let name = c.name.as_str();
        let message = if TAKEN.binary_search(&name).is_ok() {
            Some(tr!(
                lang,
                "`{name}` is taken: the generated system has its own `{name}` (a compose service or Kubernetes object)",
                "`{name}`은(는) 쓸 수 없습니다: 생성되는 시스템에 이미 `{name}`(compose 서비스 또는 쿠버네티스 객체)이 있습니다"
            ))
        } else {
            name.strip_suffix("-db")
                .and_then(|base| spec.contexts.iter().find(|o| o.name == base))
                .filter(|o| o.is_stateful())
                .map(|o| {
                    let base = &o.name;
                    tr!(
                        lang,
                        "`{name}` is taken: it is the database of `{base}` (a compose service and Kubernetes objects)",
                        "`{name}`은(는) 쓸 수 없습니다: `{base}`의 데이터베이스 이름입니다 (compose 서비스와 쿠버네티스 객체)"
                    )
                })
        };
        if let Some(message) = message {
            out.push(Finding::new(&MSA011, ctx(i).key("name"), message).help(tr!(
                lang,
                "choose a more specific context name, like `{name}-service`",
                "`{name}-service`처럼 더 구체적인 컨텍스트 이름을 쓰세요"
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn taken_names_are_sorted_for_binary_search() {
        assert!(super::TAKEN.windows(2).all(|w| w[0] < w[1]));
    }
}
