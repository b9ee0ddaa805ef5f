//! What each metric of `msaforge metrics` means, how it is computed and where it comes from, in
//! English and Korean: the text of `msaforge metrics --definitions` and of the README's table.
//! Data only.

use std::fmt::Write as _;

use crate::lang::Lang;

/// One metric's documentation.
#[derive(Debug, Clone, Copy)]
pub struct Definition {
    /// The key in `--format json` (`system.KEY` or `contexts[].KEY`).
    pub key: &'static str,
    pub name: (&'static str, &'static str),
    /// What it counts, and the formula.
    pub definition: (&'static str, &'static str),
    /// How to read it.
    pub reading: (&'static str, &'static str),
    pub source: &'static str,
}

impl Definition {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.name.0, self.name.1)
    }
    pub fn definition(&self, lang: Lang) -> &'static str {
        lang.pick(self.definition.0, self.definition.1)
    }
    pub fn reading(&self, lang: Lang) -> &'static str {
        lang.pick(self.reading.0, self.reading.1)
    }
}

const BOGNER: &str = "Bogner, Wagner, Zimmermann: Automatically measuring the maintainability of service- and microservice-based systems: a literature review, IWSM Mensura 2017 (AIS and ADS after Rud, Schmietendorf, Dumke 2006)";
const JIN: &str = "Jin, Liu, Cai, Kazman, Mo, Zheng: Service Candidate Identification from Monolithic Systems Based on Execution Traces, IEEE TSE 47(5), 2021";

/// Every metric, in the order the table shows them.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        key: "afferent",
        name: (
            "synchronous afferent coupling (Ca, AIS)",
            "동기 구심 결합도 (Ca, AIS)",
        ),
        definition: (
            "How many other contexts call this one synchronously (each caller counted once).",
            "이 컨텍스트를 동기 호출하는 다른 컨텍스트의 수 (호출하는 컨텍스트마다 한 번).",
        ),
        reading: (
            "A change or an outage here reaches every caller: keep its API stable, or let callers keep a local copy fed by events.",
            "여기의 변경이나 장애가 모든 호출자에게 미칩니다. API를 안정적으로 유지하거나, 호출자가 이벤트로 채우는 로컬 사본을 두게 하세요.",
        ),
        source: BOGNER,
    },
    Definition {
        key: "efferent",
        name: (
            "synchronous efferent coupling (Ce, ADS)",
            "동기 원심 결합도 (Ce, ADS)",
        ),
        definition: (
            "How many other contexts this one calls synchronously.",
            "이 컨텍스트가 동기 호출하는 다른 컨텍스트의 수.",
        ),
        reading: (
            "It works only while all of them answer: each one is a timeout, a retry budget and a failure mode.",
            "이들이 모두 응답해야만 동작합니다. 하나하나가 타임아웃, 재시도 한도, 장애 경우의 수입니다.",
        ),
        source: BOGNER,
    },
    Definition {
        key: "service_coupling_factor",
        name: ("service coupling factor (SCF)", "서비스 결합 계수 (SCF)"),
        definition: (
            "Synchronous dependencies (distinct caller-callee pairs) divided by the most there could be, n(n-1) for n contexts.",
            "동기 의존 (서로 다른 호출자-피호출자 쌍)의 수를 가능한 최대치 n(n-1)로 나눈 값 (n은 컨텍스트 수).",
        ),
        reading: (
            "0 means no context calls another, 1 that every context calls every other; a system near 1 is a distributed monolith.",
            "0은 어떤 컨텍스트도 다른 컨텍스트를 호출하지 않음, 1은 모두가 서로를 호출함을 뜻합니다. 1에 가까우면 분산된 모놀리스입니다.",
        ),
        source: BOGNER,
    },
    Definition {
        key: "event_share",
        name: ("event share", "이벤트 비율"),
        definition: (
            "Of all dependencies between contexts (a call, or consuming another context's event), the share that are events: events / (events + calls). Per context: over what it depends on.",
            "컨텍스트 사이의 모든 의존 (호출, 또는 다른 컨텍스트의 이벤트 구독) 중 이벤트의 비율: 이벤트 / (이벤트 + 호출). 컨텍스트별로는 그 컨텍스트가 의존하는 것에 대해 셉니다.",
        ),
        reading: (
            "Events decouple in time: the consumer keeps working while the producer is down. A low share with many calls means the contexts must be up together.",
            "이벤트는 시간적으로 분리합니다. 발행자가 내려가도 구독자는 계속 동작합니다. 호출이 많고 비율이 낮으면 컨텍스트들이 함께 떠 있어야 합니다.",
        ),
        source: "msaforge (asynchronous messaging as the looser coupling: Bogner et al. 2017)",
    },
    Definition {
        key: "longest_chain",
        name: ("longest synchronous call chain", "최장 동기 호출 체인"),
        definition: (
            "The longest path of synchronous calls from a context, in hops; `longest_critical_chain` counts only calls marked critical. None when calls form a cycle (MSA101).",
            "한 컨텍스트에서 시작하는 가장 긴 동기 호출 경로의 단계 수. `longest_critical_chain`은 필수 호출만 셉니다. 호출이 순환하면 (MSA101) 없음입니다.",
        ),
        reading: (
            "Latency adds up and availability multiplies along a chain; MSA102 flags chains longer than `policy.max_call_chain`.",
            "체인을 따라 지연은 더해지고 가용성은 곱해집니다. MSA102는 `policy.max_call_chain`보다 긴 체인을 알립니다.",
        ),
        source: "msaforge (MSA102)",
    },
    Definition {
        key: "operations",
        name: (
            "operations per context (IFN)",
            "컨텍스트당 오퍼레이션 수 (IFN)",
        ),
        definition: (
            "The operations a context offers (`public_operations`: those behind the gateway); for the system their mean and maximum.",
            "컨텍스트가 제공하는 오퍼레이션 수 (`public_operations`: 게이트웨이 뒤의 것). 시스템에 대해서는 평균과 최대값.",
        ),
        reading: (
            "Jin et al.'s interface number: fewer interfaces per service mean a more focused service; one context far above the mean may hold two.",
            "Jin 등의 인터페이스 수(IFN)입니다. 서비스당 인터페이스가 적을수록 하는 일이 분명합니다. 평균보다 훨씬 많은 컨텍스트는 둘로 나눌 수 있습니다.",
        ),
        source: JIN,
    },
    Definition {
        key: "cross_team_calls",
        name: (
            "contexts per team and cross-team calls",
            "팀당 컨텍스트 수와 팀 경계를 넘는 호출",
        ),
        definition: (
            "How many contexts each team owns, and the synchronous dependencies whose caller and callee belong to different teams (or one to none).",
            "팀마다 맡은 컨텍스트 수, 그리고 호출자와 피호출자의 팀이 다른 (또는 한쪽에 팀이 없는) 동기 의존의 수.",
        ),
        reading: (
            "Every cross-team call is a contract two teams must change together (Conway's law); after Jin et al.'s inter-call percentage, taken at the team line. MSA122 flags teams with more than `policy.max_contexts_per_team` contexts.",
            "팀 경계를 넘는 호출마다 두 팀이 함께 바꿔야 하는 계약이 생깁니다 (콘웨이의 법칙). Jin 등의 서비스 간 호출 비율(ICP)을 팀 경계에서 센 것입니다. MSA122는 `policy.max_contexts_per_team`보다 많은 컨텍스트를 맡은 팀을 알립니다.",
        ),
        source: JIN,
    },
    Definition {
        key: "effective_rto",
        name: ("spread of effective RTOs", "실효 RTO 범위"),
        definition: (
            "Each context's effective RTO (the worst declared RTO along its critical synchronous calls); for the system the shortest, the longest and their ratio.",
            "컨텍스트마다의 실효 RTO (필수 동기 호출을 따라가며 가장 나쁜 선언 RTO). 시스템에 대해서는 가장 짧은 값, 가장 긴 값과 그 비.",
        ),
        reading: (
            "A wide spread joined by critical calls means fast contexts wait for slow ones after a disaster (MSA201 flags a declared RTO better than the effective one).",
            "필수 호출로 이어진 범위가 넓으면 재해 뒤 빠른 컨텍스트가 느린 컨텍스트를 기다립니다 (MSA201은 선언 RTO가 실효 RTO보다 좋은 경우를 알립니다).",
        ),
        source: "msaforge (effective RTO, MSA201)",
    },
];

/// `msaforge metrics --definitions`: every metric with its definition, reading and source.
pub fn text(lang: Lang) -> String {
    let mut out = String::new();
    for d in DEFINITIONS {
        let _ = writeln!(out, "{} [{}]", d.name(lang), d.key);
        for line in [d.definition(lang), d.reading(lang)] {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(lang.pick("  source: ", "  출처: "));
        out.push_str(d.source);
        out.push_str("\n\n");
    }
    out
}
