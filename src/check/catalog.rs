//! The rule catalog: every finding code with what it checks, why it matters, how to fix it and where
//! the idea comes from, in English and Korean. `msaforge explain` and SARIF rule metadata read it.
//!
//! Texts only; the rules themselves live in `check::rules` and `check::schema`.

use crate::check::Severity;
use crate::lang::Lang;

/// English and Korean text.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.ko)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    /// Short kebab-case name (SARIF `name`).
    pub name: &'static str,
    pub severity: Severity,
    pub heuristic: bool,
    pub title: Text,
    pub why: Text,
    pub fix: Text,
    pub source: &'static str,
}

const fn t(en: &'static str, ko: &'static str) -> Text {
    Text { en, ko }
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

macro_rules! rule {
    ($code:literal, $name:literal, $sev:expr, $heur:literal, $title:expr, $why:expr, $fix:expr, $source:literal) => {
        Rule {
            code: $code,
            name: $name,
            severity: $sev,
            heuristic: $heur,
            title: $title,
            why: $why,
            fix: $fix,
            source: $source,
        }
    };
}

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    rule!(
        "MSA001",
        "unreadable-file",
        E,
        false,
        t(
            "The file is not a readable YAML or JSON document (empty, too large, binary, or a syntax error).",
            "파일을 YAML이나 JSON 문서로 읽을 수 없습니다 (비어 있음, 너무 큼, 이진 데이터, 문법 오류)."
        ),
        t(
            "Nothing else can be checked until the file parses. Limits on size, nesting and aliases also stop YAML bombs.",
            "파일이 파싱되어야 나머지를 검사할 수 있습니다. 크기, 중첩, 별칭 한도는 YAML 폭탄도 막습니다."
        ),
        t(
            "Fix the syntax at the reported line; indent with spaces; save as UTF-8.",
            "보고된 줄의 문법을 고치고, 공백으로 들여쓰고, UTF-8로 저장하세요."
        ),
        "YAML 1.2 specification; OWASP on entity-expansion (billion laughs) attacks"
    ),
    rule!(
        "MSA002",
        "unknown-key",
        E,
        false,
        t(
            "A key that the spec format does not define.",
            "spec 형식에 없는 키입니다."
        ),
        t(
            "A misspelt key would otherwise be silently ignored, and the setting you meant would never apply.",
            "철자가 틀린 키를 그냥 무시하면 의도한 설정이 적용되지 않습니다."
        ),
        t(
            "Use the suggested key, or see `msaforge schema` for the keys allowed at that place.",
            "제안된 키를 쓰거나 `msaforge schema`에서 그 위치에 허용되는 키를 확인하세요."
        ),
        "JSON Schema `additionalProperties: false`"
    ),
    rule!(
        "MSA003",
        "missing-key",
        E,
        false,
        t("A required key is missing.", "필수 키가 없습니다."),
        t(
            "Generators need it; guessing a default would hide a design decision.",
            "생성기에 필요한 값이며, 기본값을 추측하면 설계 결정을 숨기게 됩니다."
        ),
        t(
            "Add the key with a value of the documented form.",
            "문서화된 형식의 값으로 키를 추가하세요."
        ),
        "JSON Schema `required`"
    ),
    rule!(
        "MSA004",
        "wrong-type",
        E,
        false,
        t(
            "A value of the wrong kind (for example a list where a mapping belongs).",
            "값의 종류가 틀렸습니다 (예: 매핑 자리에 목록)."
        ),
        t(
            "The generators read typed values; a wrong kind cannot be interpreted safely.",
            "생성기는 형식이 정해진 값을 읽으므로 잘못된 종류는 안전하게 해석할 수 없습니다."
        ),
        t(
            "Write the value in the expected form; `msaforge schema` shows every form.",
            "기대하는 형식으로 쓰세요. `msaforge schema`에 모든 형식이 있습니다."
        ),
        "JSON Schema `type`"
    ),
    rule!(
        "MSA005",
        "not-allowed-value",
        E,
        false,
        t(
            "A value outside its fixed list (stack, store, method, strategy...).",
            "정해진 목록(stack, store, method, strategy 등)에 없는 값입니다."
        ),
        t(
            "Each allowed value maps to generated code and manifests; others have none.",
            "허용된 값마다 생성 코드와 매니페스트가 있고, 그 밖의 값에는 없습니다."
        ),
        t(
            "Use one of the listed values.",
            "나열된 값 중 하나를 쓰세요."
        ),
        "JSON Schema `enum`"
    ),
    rule!(
        "MSA006",
        "out-of-range",
        E,
        false,
        t(
            "A number outside its range (a DR grade of 7, a negative rate limit, a timeout of 0).",
            "범위를 벗어난 숫자입니다 (DR 등급 7, 음수 요청 한도, 타임아웃 0 등)."
        ),
        t(
            "Out-of-range numbers have no meaning in the generated configuration.",
            "범위를 벗어난 숫자는 생성되는 설정에서 의미가 없습니다."
        ),
        t(
            "Use a value inside the stated range.",
            "명시된 범위 안의 값을 쓰세요."
        ),
        "JSON Schema `minimum` / `maximum`"
    ),
    rule!(
        "MSA007",
        "format-version",
        E,
        false,
        t(
            "The file declares a format version this msaforge does not read.",
            "이 msaforge가 읽지 못하는 형식 버전입니다."
        ),
        t(
            "Fields change meaning between versions; reading another version field by field would mislead.",
            "버전마다 필드 의미가 달라 다른 버전을 읽으면 오해를 낳습니다."
        ),
        t(
            "Write `msaforge: 1`, or use the msaforge release that matches the file.",
            "`msaforge: 1`로 쓰거나 파일에 맞는 msaforge 버전을 쓰세요."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA010",
        "invalid-name",
        E,
        false,
        t(
            "A name that is not the ASCII form its place requires (kebab-case contexts, PascalCase types, camelCase operations and fields).",
            "위치에 맞는 ASCII 형식이 아닌 이름입니다 (컨텍스트는 kebab-case, 타입은 PascalCase, 오퍼레이션과 필드는 camelCase)."
        ),
        t(
            "Names become Rust and Java identifiers, URL segments, DNS labels and Kubernetes names; only ASCII identifiers work in all of them.",
            "이름은 Rust·Java 식별자, URL, DNS 레이블, 쿠버네티스 이름이 되며, 모두에서 통하는 것은 ASCII 식별자뿐입니다."
        ),
        t(
            "Use the suggested spelling; keep Korean wording in `title`, `purpose` and `description`.",
            "제안된 표기를 쓰고, 한글 표현은 `title`, `purpose`, `description`에 두세요."
        ),
        "RFC 1035 section 2.3.1; Kubernetes object names (DNS-1035 labels)"
    ),
    rule!(
        "MSA011",
        "reserved-name",
        E,
        false,
        t(
            "A name that is a Rust or Java keyword, a name generated Java or Rust code needs (`List`, `Result`, `hashCode`), a context name the generated system already uses (`gateway`, `otel-collector`, `jaeger`, `default-deny`, `<context>-db`), or too long to be a DNS label once prefixed with the system name.",
            "Rust나 Java의 예약어, 생성 Java나 Rust 코드가 쓰는 이름(`List`, `Result`, `hashCode`), 생성되는 시스템이 이미 쓰는 컨텍스트 이름(`gateway`, `otel-collector`, `jaeger`, `default-deny`, `<컨텍스트>-db`), 또는 시스템 이름을 붙이면 DNS 레이블로 너무 긴 이름입니다."
        ),
        t(
            "Generated code would not compile, `compose.yaml` would hold one service twice, or the Kubernetes objects would be rejected.",
            "생성 코드가 컴파일되지 않거나, `compose.yaml`에 같은 서비스가 두 번 들어가거나, 쿠버네티스 객체가 거부됩니다."
        ),
        t(
            "Pick a more specific word (`kind` for `type`), or shorten the name.",
            "더 구체적인 단어(`type` 대신 `kind`)를 고르거나 이름을 줄이세요."
        ),
        "The Rust Reference, Keywords; Java Language Specification 3.9; RFC 1035"
    ),
    rule!(
        "MSA012",
        "duplicate-name",
        E,
        false,
        t(
            "Two things of the same kind share a name in the same scope, or names generated code spells alike (`userId` and `userID` are both `user_id`).",
            "같은 범위에서 같은 종류의 두 항목이 이름을 공유하거나, 생성 코드에서 같은 이름이 됩니다 (`userId`와 `userID`는 모두 `user_id`)."
        ),
        t(
            "References by name become ambiguous, and generated files would overwrite each other.",
            "이름 참조가 모호해지고 생성 파일이 서로 덮어씁니다."
        ),
        t(
            "Rename one, or merge the two definitions.",
            "하나의 이름을 바꾸거나 두 정의를 합치세요."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA013",
        "unknown-reference",
        E,
        false,
        t(
            "A reference to a context, operation, type or team that is not defined.",
            "정의되지 않은 컨텍스트, 오퍼레이션, 타입, 팀을 참조합니다."
        ),
        t(
            "A dangling reference becomes a client for nothing, or code that does not compile.",
            "끊어진 참조는 존재하지 않는 대상의 클라이언트나 컴파일되지 않는 코드가 됩니다."
        ),
        t(
            "Use the suggested name, or define the missing item.",
            "제안된 이름을 쓰거나 빠진 항목을 정의하세요."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA014",
        "path-parameters",
        E,
        false,
        t(
            "Path parameters that do not fit the path: the same `{name}` twice.",
            "경로와 맞지 않는 경로 매개변수: 같은 `{name}`이 두 번 나옵니다."
        ),
        t(
            "Handlers receive parameters by name; a repeated name cannot be bound.",
            "핸들러는 매개변수를 이름으로 받으므로 반복된 이름은 바인딩할 수 없습니다."
        ),
        t(
            "Give each parameter its own name.",
            "매개변수마다 다른 이름을 쓰세요."
        ),
        "RFC 6570 URI templates; OpenAPI 3.1 path templating"
    ),
    rule!(
        "MSA015",
        "bad-duration",
        E,
        false,
        t(
            "A duration that cannot be read: durations are a whole number and a unit (`500ms`, `2s`, `15m`, `4h`, `1d`) or `0`.",
            "읽을 수 없는 기간 값입니다: 정수와 단위(`500ms`, `2s`, `15m`, `4h`, `1d`) 또는 `0`이어야 합니다."
        ),
        t(
            "Timeouts, RTO and RPO drive generated configuration; a guessed unit is a wrong timeout.",
            "타임아웃, RTO, RPO는 생성 설정을 좌우하므로 단위를 추측하면 잘못된 값이 됩니다."
        ),
        t(
            "Add the unit, remove spaces, use whole numbers (`90m`, not `1.5h`).",
            "단위를 붙이고 공백을 빼고 정수로 쓰세요 (`1.5h`가 아니라 `90m`)."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA016",
        "malformed-value",
        E,
        false,
        t(
            "A path, prefix, type reference or rule code that is not of its documented form.",
            "경로, 접두사, 타입 참조, 규칙 코드가 문서화된 형식이 아닙니다."
        ),
        t(
            "These values are copied into routes and code; a malformed one breaks them.",
            "이 값들은 라우트와 코드로 복사되므로 형식이 틀리면 그것들이 깨집니다."
        ),
        t(
            "Follow the example in the message.",
            "메시지의 예처럼 쓰세요."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA017",
        "enum-values",
        E,
        false,
        t(
            "An `enum` field without `values`.",
            "`values`가 없는 `enum` 필드입니다."
        ),
        t(
            "An enum without values cannot be generated in any language.",
            "값이 없는 열거형은 어떤 언어로도 생성할 수 없습니다."
        ),
        t(
            "List the values: `values: [active, retired]`.",
            "값을 나열하세요: `values: [active, retired]`."
        ),
        "msaforge spec format"
    ),
    rule!(
        "MSA101",
        "sync-call-cycle",
        E,
        false,
        t(
            "Contexts that call each other synchronously in a cycle.",
            "컨텍스트들이 동기 호출로 순환합니다."
        ),
        t(
            "A cycle couples the services into one distributed monolith: none can be deployed, scaled or recovered alone, and a slow one can deadlock the others.",
            "순환은 서비스들을 하나의 분산 모놀리스로 묶습니다: 어느 것도 따로 배포, 확장, 복구할 수 없고 느린 하나가 나머지를 교착시킬 수 있습니다."
        ),
        t(
            "Replace one call in the cycle with an event, or move the shared responsibility into one context.",
            "순환 속 호출 하나를 이벤트로 바꾸거나 공유 책임을 한 컨텍스트로 옮기세요."
        ),
        "Taibi, Lenarduzzi: On the Definition of Microservice Bad Smells, IEEE Software 35(3), 2018 (cyclic dependency)"
    ),
    rule!(
        "MSA102",
        "long-call-chain",
        W,
        false,
        t(
            "A chain of synchronous calls longer than `policy.max_call_chain` hops (default 3).",
            "`policy.max_call_chain`(기본 3)보다 긴 동기 호출 체인입니다."
        ),
        t(
            "Latency adds up and availability multiplies down along the chain: five services at 99.9% give 99.5%.",
            "체인을 따라 지연은 더해지고 가용성은 곱해져 떨어집니다: 99.9% 서비스 다섯 개면 99.5%입니다."
        ),
        t(
            "Keep a local read model fed by events for data the far end owns, or collapse hops that always travel together.",
            "먼 끝의 데이터는 이벤트로 갱신되는 로컬 조회 모델로 두거나, 항상 함께 움직이는 단계를 합치세요."
        ),
        "Newman: Building Microservices, 2nd ed., O'Reilly 2021, ch. 4 and 12"
    ),
    rule!(
        "MSA103",
        "shared-persistence",
        E,
        false,
        t(
            "A table or database claimed by two contexts.",
            "두 컨텍스트가 같은 테이블이나 데이터베이스를 소유합니다."
        ),
        t(
            "Shared tables couple schemas and deployments and defeat independent recovery; the DR grade of one leaks into the other.",
            "공유 테이블은 스키마와 배포를 묶고 독립 복구를 막으며, 한쪽의 DR 등급이 다른 쪽에 새어 듭니다."
        ),
        t(
            "One owner per table; others read through its API or keep an event-fed copy.",
            "테이블마다 소유자는 하나입니다. 다른 쪽은 API로 읽거나 이벤트로 사본을 유지하세요."
        ),
        "Taibi, Lenarduzzi 2018 (shared persistence); Richardson: Microservices Patterns, 2018 (database per service)"
    ),
    rule!(
        "MSA104",
        "inappropriate-intimacy",
        W,
        false,
        t(
            "Two contexts whose types overlap by more than `policy.intimacy_threshold` (default 80%) of the smaller one.",
            "두 컨텍스트의 타입이 작은 쪽의 `policy.intimacy_threshold`(기본 80%)보다 많이 겹칩니다."
        ),
        t(
            "Contexts that model the same things are one context cut in two: every change touches both.",
            "같은 것을 모델링하는 컨텍스트는 둘로 잘린 하나의 컨텍스트이며, 모든 변경이 양쪽을 건드립니다."
        ),
        t(
            "Merge them, or give each only the fields it needs under its own names.",
            "합치거나, 각자 필요한 필드만 자기 이름으로 두세요."
        ),
        "Taibi, Lenarduzzi 2018 (inappropriate service intimacy)"
    ),
    rule!(
        "MSA105",
        "route-clash",
        E,
        false,
        t(
            "Two operations with the same method and an equivalent path after the gateway prefix.",
            "게이트웨이 접두사 뒤에서 메서드와 경로 꼴이 같은 두 오퍼레이션입니다."
        ),
        t(
            "The gateway or the router can send a request to only one of them; the other becomes unreachable.",
            "게이트웨이나 라우터는 요청을 하나에만 보낼 수 있어 다른 하나에는 도달할 수 없습니다."
        ),
        t(
            "Use distinct resource names per context.",
            "컨텍스트마다 다른 리소스 이름을 쓰세요."
        ),
        "OpenAPI 3.1 section 4.8.8 (equivalent templated paths)"
    ),
    rule!(
        "MSA106",
        "call-without-timeout",
        E,
        false,
        t(
            "A synchronous call with no timeout.",
            "타임아웃이 없는 동기 호출입니다."
        ),
        t(
            "Without a timeout one slow dependency holds threads and connections until the caller falls over too: a cascading failure.",
            "타임아웃이 없으면 느린 의존 대상 하나가 스레드와 연결을 붙잡아 호출자까지 쓰러뜨립니다: 연쇄 장애."
        ),
        t(
            "Set `timeout:` a little above the callee's normal worst-case latency.",
            "피호출자의 평소 최악 지연보다 약간 길게 `timeout:`을 설정하세요."
        ),
        "Nygard: Release It!, 2nd ed., 2018 (Timeouts)"
    ),
    rule!(
        "MSA107",
        "call-without-circuit-breaker",
        W,
        false,
        t(
            "A synchronous call with no circuit breaker.",
            "서킷 브레이커가 없는 동기 호출입니다."
        ),
        t(
            "A breaker stops calling a failing dependency, so the caller fails fast and the callee can recover.",
            "브레이커는 장애 난 대상 호출을 멈춰 호출자는 빨리 실패하고 피호출자는 회복할 수 있게 합니다."
        ),
        t(
            "Add `circuit_breaker: true`.",
            "`circuit_breaker: true`를 추가하세요."
        ),
        "Nygard: Release It!, 2nd ed., 2018 (Circuit Breaker)"
    ),
    rule!(
        "MSA108",
        "event-without-publisher",
        E,
        false,
        t(
            "An event consumed from a context that does not publish it.",
            "발행하지 않는 컨텍스트에서 이벤트를 구독합니다."
        ),
        t(
            "The consumer waits for messages that never come; the feature silently never runs.",
            "구독자는 오지 않을 메시지를 기다리고 기능은 조용히 동작하지 않습니다."
        ),
        t(
            "Point `from:` at the publisher, or add the event to the publisher's `events.publishes`.",
            "`from:`을 발행자로 바꾸거나 발행자의 `events.publishes`에 이벤트를 추가하세요."
        ),
        "Hohpe, Woolf: Enterprise Integration Patterns, 2003 (Publish-Subscribe Channel)"
    ),
    rule!(
        "MSA109",
        "event-without-consumer",
        W,
        false,
        t(
            "An event published that no context consumes.",
            "발행하지만 아무도 구독하지 않는 이벤트입니다."
        ),
        t(
            "It may be meant for systems outside the spec, or it is dead weight that still has to be maintained.",
            "스펙 밖 시스템을 위한 것일 수도 있지만, 아니라면 유지보수만 드는 짐입니다."
        ),
        t(
            "Add the consumer, or drop the event until someone needs it (or ignore the rule for outside consumers).",
            "구독자를 추가하거나 필요할 때까지 빼세요 (외부 구독자용이면 규칙을 무시하세요)."
        ),
        "Richardson: Microservices Patterns, 2018 (domain events)"
    ),
    rule!(
        "MSA110",
        "unversioned-api",
        W,
        false,
        t(
            "A public operation whose path does not start with a version segment like `/v1`.",
            "경로가 `/v1` 같은 버전 세그먼트로 시작하지 않는 공개 오퍼레이션입니다."
        ),
        t(
            "Without a version a breaking change breaks every client at once.",
            "버전이 없으면 호환되지 않는 변경이 모든 클라이언트를 한꺼번에 깨뜨립니다."
        ),
        t(
            "Prefix public paths with `/v1`; ship breaking changes as `/v2` beside it.",
            "공개 경로 앞에 `/v1`을 붙이고, 호환되지 않는 변경은 `/v2`로 나란히 내세요."
        ),
        "Taibi, Lenarduzzi 2018 (no API versioning)"
    ),
    rule!(
        "MSA111",
        "wrong-cut",
        W,
        true,
        t(
            "Heuristic: a context whose type count is more than `policy.wrong_cut_sigma` (default 2) standard deviations from the mean. Needs at least six contexts: with fewer, no count can lie that far out.",
            "휴리스틱: 타입 수가 평균에서 `policy.wrong_cut_sigma`(기본 2) 표준편차보다 멀리 떨어진 컨텍스트입니다."
        ),
        t(
            "Very uneven contexts often mean boundaries cut along technical layers, or one context swallowed two domains.",
            "크기가 크게 다르면 기술 계층으로 자르거나 한 컨텍스트가 두 도메인을 삼킨 경우가 많습니다."
        ),
        t(
            "Check the boundary against the domain's language and lifecycles; split or merge if it confirms.",
            "도메인 언어와 수명주기로 경계를 점검하고, 맞다면 나누거나 합치세요."
        ),
        "Taibi, Lenarduzzi 2018 (wrong cuts)"
    ),
    rule!(
        "MSA112",
        "nano-service",
        W,
        true,
        t(
            "Heuristic: a context with at most one type, one operation and no events.",
            "휴리스틱: 타입 1개 이하, 오퍼레이션 1개 이하, 이벤트가 없는 컨텍스트입니다."
        ),
        t(
            "A service's fixed costs (deploy, monitor, secure, recover) outweigh what so little does.",
            "서비스의 고정 비용(배포, 모니터링, 보안, 복구)이 하는 일보다 큽니다."
        ),
        t(
            "Merge it into the context it serves, unless it must scale or fail on its own.",
            "따로 확장하거나 격리해야 하지 않는다면 관련 컨텍스트에 합치세요."
        ),
        "Rotem-Gal-Oz: SOA Patterns, 2012 (nanoservice anti-pattern)"
    ),
    rule!(
        "MSA113",
        "retry-not-idempotent",
        W,
        false,
        t(
            "Retries on a call to a POST or PATCH operation.",
            "POST나 PATCH 오퍼레이션 호출에 재시도가 있습니다."
        ),
        t(
            "A request that timed out may have succeeded; retrying a non-idempotent operation can do the work twice.",
            "타임아웃된 요청도 성공했을 수 있어, 멱등이 아닌 작업을 재시도하면 두 번 실행될 수 있습니다."
        ),
        t(
            "Remove the retries, or make the operation idempotent (PUT with a client-chosen id, or an idempotency key).",
            "재시도를 빼거나 작업을 멱등으로 만드세요 (클라이언트가 정한 id로 PUT, 또는 멱등 키)."
        ),
        "RFC 9110 section 9.2.2 (idempotent methods)"
    ),
    rule!(
        "MSA114",
        "shared-route-prefix",
        E,
        false,
        t(
            "Public operations of two contexts under the same gateway route (the first two path segments, like `/v1/records`).",
            "두 컨텍스트의 공개 오퍼레이션이 같은 게이트웨이 경로(`/v1/records`처럼 경로의 앞 두 세그먼트) 아래에 있습니다."
        ),
        t(
            "The gateway sends each route to one service: the other context's operations become unreachable from outside.",
            "게이트웨이는 경로마다 한 서비스로 보내므로 다른 컨텍스트의 오퍼레이션에는 밖에서 도달할 수 없습니다."
        ),
        t(
            "Name each context's resources distinctly (`/v1/loans` and `/v1/shelves`, not `/v1/records` twice).",
            "컨텍스트마다 리소스 이름을 다르게 쓰세요 (`/v1/records`를 두 번 쓰지 말고 `/v1/loans`, `/v1/shelves`)."
        ),
        "Richardson: Microservices Patterns, 2018 (API gateway, routing)"
    ),
    rule!(
        "MSA120",
        "context-without-team",
        W,
        false,
        t(
            "A context with no owning team.",
            "담당 팀이 없는 컨텍스트입니다."
        ),
        t(
            "A service nobody owns is a service nobody fixes or recovers.",
            "주인 없는 서비스는 아무도 고치거나 복구하지 않습니다."
        ),
        t(
            "Set `team:` to a team from `teams`.",
            "`teams`의 팀으로 `team:`을 설정하세요."
        ),
        "Skelton, Pais: Team Topologies, 2019 (stream-aligned teams own services)"
    ),
    rule!(
        "MSA121",
        "team-without-context",
        W,
        false,
        t(
            "A team that owns no context.",
            "소유한 컨텍스트가 없는 팀입니다."
        ),
        t(
            "Usually a leftover or a misspelt `team:` reference.",
            "대개 남은 항목이거나 `team:` 참조의 오타입니다."
        ),
        t(
            "Assign it a context or remove it.",
            "컨텍스트를 맡기거나 지우세요."
        ),
        "Skelton, Pais: Team Topologies, 2019"
    ),
    rule!(
        "MSA122",
        "team-overloaded",
        W,
        false,
        t(
            "A team owning more contexts than `policy.max_contexts_per_team` (default 3).",
            "`policy.max_contexts_per_team`(기본 3)보다 많은 컨텍스트를 소유한 팀입니다."
        ),
        t(
            "Cognitive load: a team that owns too much cannot keep any of it healthy, and Conway's law then shapes the system after the overload.",
            "인지 부하: 너무 많이 가진 팀은 어느 것도 건강하게 유지하지 못하고, 콘웨이 법칙에 따라 시스템도 그 과부하를 닮습니다."
        ),
        t(
            "Split the team, or move contexts to other teams.",
            "팀을 나누거나 컨텍스트를 다른 팀으로 옮기세요."
        ),
        "Skelton, Pais: Team Topologies, 2019 (cognitive load); Conway 1968"
    ),
    rule!(
        "MSA201",
        "dr-inversion",
        E,
        false,
        t(
            "A context's declared RTO is better than its effective RTO: the worst declared RTO along its critical synchronous calls.",
            "선언한 RTO가 실효 RTO(결정적 동기 호출을 따라간 가장 나쁜 RTO)보다 좋습니다."
        ),
        t(
            "A service cannot be back before the services it cannot work without. The September 2025 national data centre fire showed it: recovery took 95 days largely because linked systems had to come back together.",
            "서비스는 그것 없이는 동작하지 못하는 서비스보다 먼저 돌아올 수 없습니다. 2025년 9월 국가정보자원관리원 화재에서 연계 시스템을 함께 복구해야 해서 완전 복구에 95일이 걸린 것이 그 예입니다."
        ),
        t(
            "Raise the callee's grade, or make the call non-critical with a fallback (cache, queue, degraded mode).",
            "피호출자의 등급을 올리거나, 대체 경로(캐시, 큐, 축소 운영)를 두고 호출을 비결정적으로 바꾸세요."
        ),
        "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2 (정보시스템 등급제); msaforge's effective-RTO rule"
    ),
    rule!(
        "MSA202",
        "gateway-grade",
        E,
        false,
        t(
            "The gateway's DR grade is weaker than the strongest public context's.",
            "게이트웨이의 DR 등급이 가장 높은 공개 컨텍스트보다 낮습니다."
        ),
        t(
            "Every public request passes the gateway; its recovery caps that of everything behind it.",
            "모든 공개 요청이 게이트웨이를 거치므로 그 복구 수준이 뒤의 모든 것을 제한합니다."
        ),
        t(
            "Set `gateway.dr.grade` to the strongest public context's grade.",
            "`gateway.dr.grade`를 가장 높은 공개 컨텍스트의 등급으로 설정하세요."
        ),
        "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2"
    ),
    rule!(
        "MSA203",
        "impossible-objective",
        E,
        false,
        t(
            "An RTO or RPO the strategy cannot meet (RPO 0 with backup-restore; minutes of RTO from backups). Limits per strategy are msaforge's defaults: active-standby needs 5m RTO, backup-restore 4h RTO and 1h RPO; override them with `policy.strategy_limits`.",
            "전략이 달성할 수 없는 RTO나 RPO입니다 (backup-restore로 RPO 0, 백업 복원으로 몇 분 RTO). 전략별 한도는 msaforge 기본값(active-standby RTO 5m, backup-restore RTO 4h·RPO 1h)이며 `policy.strategy_limits`로 바꿀 수 있습니다."
        ),
        t(
            "A promise the architecture cannot keep is found out during the disaster.",
            "아키텍처가 지킬 수 없는 약속은 재해 때 드러납니다."
        ),
        t(
            "Choose a stronger strategy, or state the objective the strategy can meet.",
            "더 강한 전략을 고르거나 전략이 달성할 수 있는 목표를 쓰세요."
        ),
        "TTA TTAK.KO-12.0009/R1 (mirror, hot, warm and cold sites)"
    ),
    rule!(
        "MSA204",
        "active-active-writes",
        W,
        false,
        t(
            "An active-active context with a stateful store and no `write_strategy`.",
            "상태 저장소를 쓰는 active-active 컨텍스트에 `write_strategy`가 없습니다."
        ),
        t(
            "Most databases accept one writer at a time; two sites writing the same rows lose updates or split the brain.",
            "대부분의 데이터베이스는 한 곳만 쓸 수 있어, 두 사이트가 같은 행을 쓰면 갱신이 사라지거나 스플릿 브레인이 됩니다."
        ),
        t(
            "State `write_strategy: single-primary` (one writer, the other site forwards), `partitioned`, or `conflict-free`.",
            "`write_strategy: single-primary`(한 곳이 쓰고 다른 사이트는 전달), `partitioned`, `conflict-free` 중 하나를 쓰세요."
        ),
        "CloudNativePG replica clusters (one primary at a time); Kleppmann: Designing Data-Intensive Applications, 2017, ch. 5"
    ),
    rule!(
        "MSA205",
        "no-dr-grade",
        W,
        false,
        t(
            "A context with no DR grade; it is treated as grade 4.",
            "DR 등급이 없는 컨텍스트이며 4등급으로 간주합니다."
        ),
        t(
            "Every system in the public sector has a grade; leaving it out hides the recovery promise.",
            "공공 정보시스템은 모두 등급이 있으며, 빠뜨리면 복구 약속이 가려집니다."
        ),
        t(
            "Add `dr: { grade: N }`.",
            "`dr: { grade: N }`을 추가하세요."
        ),
        "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2"
    ),
];

/// Looks a rule up by code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_are_unique_and_ordered() {
        assert!(RULES.windows(2).all(|w| w[0].code < w[1].code));
    }
}
