//! Persistence rules (MSA3xx): the tables that store aggregates (`data.tables: [{name, type,
//! key}]`). Each stores one aggregate of its own context, keyed by a required scalar field, in a
//! SQL store; names msaforge's generated tables use are refused. An unknown type is MSA013.
//!
//! Reads the checked spec only; the schema these tables get is `migrate`'s business.

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;
use crate::spec::model::Store;
use crate::spec::resolve::{Context, FieldType, Scalar, StoredAggregate};

use super::ctx;
use super::references::unknown;

pub static MSA301: Rule = Rule {
    code: "MSA301",
    name: "table-of-another-context",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A table stores a type of another context.",
        ko: "테이블이 다른 컨텍스트의 타입을 저장합니다.",
    },
    why: Text {
        en: "Each aggregate has one owner, which alone writes it (database per service); a second copy in another context's tables drifts from the original and couples the two schemas.",
        ko: "애그리거트의 소유자는 하나이며 그 소유자만 씁니다(서비스별 데이터베이스). 다른 컨텍스트 테이블의 사본은 원본과 어긋나고 두 스키마를 묶습니다.",
    },
    fix: Text {
        en: "Store the aggregate in its own context; read it through that context's API, or keep a type of your own filled from its events.",
        ko: "애그리거트는 자기 컨텍스트에 저장하세요. 다른 쪽은 그 컨텍스트의 API로 읽거나, 이벤트로 채우는 자기 타입을 두세요.",
    },
    source: "Richardson: Microservices Patterns, 2018 (database per service); Evans: Domain-Driven Design, 2003 (aggregates)",
};

pub static MSA302: Rule = Rule {
    code: "MSA302",
    name: "aggregate-without-key",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An aggregate table whose type has no key field: no `id` (the default) or no field of the name given as `key`, or an optional one.",
        ko: "애그리거트 테이블의 타입에 키 필드가 없습니다: `id`(기본값)나 `key`로 준 이름의 필드가 없거나 선택(optional) 필드입니다.",
    },
    why: Text {
        en: "The key is the table's primary key: the repository reads, updates and deletes by it, and a row without one cannot be found again.",
        ko: "키는 테이블의 기본 키입니다. 리포지토리는 키로 읽고 고치고 지우며, 키가 없는 행은 다시 찾을 수 없습니다.",
    },
    fix: Text {
        en: "Add a required `id: uuid` field, or name the identifying field with `key:`.",
        ko: "필수 필드 `id: uuid`를 추가하거나 식별 필드를 `key:`로 지정하세요.",
    },
    source: "Evans: Domain-Driven Design, 2003 (entity identity); SQL:2016 primary keys",
};

pub static MSA303: Rule = Rule {
    code: "MSA303",
    name: "unsupported-key-type",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A key field of a type that cannot be a primary key: only `uuid`, `string`, `int` and `long` can.",
        ko: "기본 키가 될 수 없는 타입의 키 필드입니다: `uuid`, `string`, `int`, `long`만 됩니다.",
    },
    why: Text {
        en: "Decimals, dates, booleans, enums, lists and nested types make keys that compare badly, change meaning, or cannot be indexed in every database.",
        ko: "소수, 날짜, 불리언, 열거형, 목록, 중첩 타입은 비교가 어긋나거나 의미가 바뀌거나 모든 데이터베이스에서 색인할 수 없는 키가 됩니다.",
    },
    fix: Text {
        en: "Add an `id: uuid` field and make it the key; keep the old field as an ordinary one.",
        ko: "`id: uuid` 필드를 추가해 키로 삼고, 기존 필드는 일반 필드로 두세요.",
    },
    source: "PostgreSQL and MySQL manuals: primary keys and index types",
};

pub static MSA304: Rule = Rule {
    code: "MSA304",
    name: "table-type-not-aggregate",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A table stores a type that is not an aggregate root (`aggregate: true`).",
        ko: "테이블이 애그리거트 루트(`aggregate: true`)가 아닌 타입을 저장합니다.",
    },
    why: Text {
        en: "A repository loads and saves a whole aggregate in one transaction; a table for a part of one (a value object, a request) lets that part change outside its aggregate's rules.",
        ko: "리포지토리는 애그리거트 전체를 한 트랜잭션으로 읽고 씁니다. 애그리거트 일부(값 객체, 요청)의 테이블은 그 일부가 애그리거트 규칙 밖에서 바뀌게 합니다.",
    },
    fix: Text {
        en: "Mark the type `aggregate: true` if it is one; otherwise store it inside its aggregate (as a field of it) and drop the table.",
        ko: "애그리거트라면 `aggregate: true`를 붙이세요. 아니면 그 애그리거트의 필드로 함께 저장하고 테이블은 지우세요.",
    },
    source: "Evans: Domain-Driven Design, 2003 (aggregates, repositories)",
};

pub static MSA305: Rule = Rule {
    code: "MSA305",
    name: "aggregate-in-two-tables",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "One aggregate type stored in two tables.",
        ko: "하나의 애그리거트 타입이 두 테이블에 저장됩니다.",
    },
    why: Text {
        en: "Two tables of one aggregate give it two repositories and two truths; nothing keeps them equal.",
        ko: "한 애그리거트의 두 테이블은 리포지토리도, 사실도 둘로 만들며, 둘을 같게 유지하는 것은 없습니다.",
    },
    fix: Text {
        en: "Keep one table for it; a different shape for reading is a type of its own.",
        ko: "테이블은 하나만 두세요. 읽기용 다른 모양이 필요하면 별도 타입으로 만드세요.",
    },
    source: "Evans: Domain-Driven Design, 2003 (one repository per aggregate)",
};

pub static MSA306: Rule = Rule {
    code: "MSA306",
    name: "aggregate-table-needs-sql",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An aggregate table in a context whose store is not `postgres` or `mysql`.",
        ko: "저장소가 `postgres`나 `mysql`이 아닌 컨텍스트에 애그리거트 테이블이 있습니다.",
    },
    why: Text {
        en: "msaforge generates SQL migrations and repositories; a context without a store has no database, and mongodb or redis have no tables to migrate.",
        ko: "msaforge는 SQL 마이그레이션과 리포지토리를 생성합니다. 저장소가 없는 컨텍스트에는 데이터베이스가 없고, mongodb와 redis에는 마이그레이션할 테이블이 없습니다.",
    },
    fix: Text {
        en: "Use `store: postgres` (or `mysql`), or list the collection as a plain name and write its data access yourself.",
        ko: "`store: postgres`(또는 `mysql`)를 쓰거나, 컬렉션을 일반 이름으로 적고 데이터 접근 코드는 직접 작성하세요.",
    },
    source: "msaforge: generated persistence covers PostgreSQL and MySQL/MariaDB",
};

pub static MSA307: Rule = Rule {
    code: "MSA307",
    name: "reserved-table-name",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A table named like one the generated services keep for themselves (`flyway_schema_history`, `msaforge_outbox`, `msaforge_inbox`, `outbox`, `inbox`, `saga_instances`, `saga_steps`).",
        ko: "생성되는 서비스가 스스로 쓰는 테이블(`flyway_schema_history`, `msaforge_outbox`, `msaforge_inbox`, `outbox`, `inbox`, `saga_instances`, `saga_steps`)과 이름이 같습니다.",
    },
    why: Text {
        en: "The migration history, the transactional outbox and inbox, and saga state live in the context's database under these names; a table of yours would collide with them.",
        ko: "마이그레이션 이력, 트랜잭션 아웃박스와 인박스, 사가 상태가 이 이름으로 컨텍스트의 데이터베이스에 있으므로 같은 이름의 테이블은 충돌합니다.",
    },
    fix: Text {
        en: "Choose a more specific name, like `order_outbox_entries` or `petition_inbox`.",
        ko: "`order_outbox_entries`나 `petition_inbox`처럼 더 구체적인 이름을 쓰세요.",
    },
    source: "Flyway schema history; Richardson: Microservices Patterns, 2018 (transactional outbox, sagas)",
};

pub static MSA308: Rule = Rule {
    code: "MSA308",
    name: "column-name-too-long",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A field of a stored aggregate whose column name (the field's name in snake_case) is longer than 63 bytes.",
        ko: "저장되는 애그리거트 필드의 컬럼 이름(필드 이름의 snake_case)이 63바이트보다 깁니다.",
    },
    why: Text {
        en: "PostgreSQL cuts longer names to 63 bytes (two long columns can become one) and MySQL and MariaDB refuse names over 64 characters: the generated migration fails or makes a column the repository does not name.",
        ko: "PostgreSQL은 더 긴 이름을 63바이트로 자르고(긴 컬럼 둘이 하나가 될 수 있음) MySQL과 MariaDB는 64자를 넘는 이름을 거부합니다. 생성된 마이그레이션이 실패하거나 리포지토리가 부르지 않는 컬럼이 생깁니다.",
    },
    fix: Text {
        en: "Shorten the field's name; every capital letter adds an `_` to the column's.",
        ko: "필드 이름을 줄이세요. 대문자마다 컬럼 이름에 `_`가 하나씩 붙습니다.",
    },
    source: "PostgreSQL manual: identifiers (NAMEDATALEN 64); MySQL manual: identifier length limits",
};

/// The longest column name both SQL dialects keep as it is.
const MAX_COLUMN: usize = 63;

/// Tables the generated services create for themselves. Sorted.
pub const RESERVED_TABLES: &[&str] = &[
    "flyway_schema_history",
    "inbox",
    "msaforge_inbox",
    "msaforge_outbox",
    "outbox",
    "saga_instances",
    "saga_steps",
];

/// The field types a key can have.
pub fn key_scalar(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::Scalar {
            scalar: Scalar::Uuid | Scalar::String | Scalar::Int | Scalar::Long
        }
    )
}

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    for (i, c) in spec.contexts.iter().enumerate() {
        let tables = || ctx(i).key("data").key("tables");
        for (t, name) in c.data.tables.iter().enumerate() {
            if RESERVED_TABLES.binary_search(&name.as_str()).is_ok() {
                let at = match c.data.aggregates.iter().find(|a| a.index == t) {
                    Some(_) => tables().index(t).key("name"),
                    None => tables().index(t),
                };
                out.push(
                    Finding::new(&MSA307, at, tr!(lang, "table `{name}` is reserved: the generated services keep a table of that name in the context's database", "테이블 `{name}`은(는) 예약되어 있습니다: 생성되는 서비스가 컨텍스트의 데이터베이스에 같은 이름의 테이블을 둡니다"))
                        .help(tr!(lang, "choose a more specific name, like `{}_{name}`", "`{}_{name}`처럼 더 구체적인 이름을 쓰세요", c.name.replace('-', "_"))),
                );
            }
        }
        if !c.data.aggregates.is_empty() && !matches!(c.data.store, Store::Postgres | Store::Mysql)
        {
            let store = c.data.store.as_str();
            let first = &c.data.aggregates[0];
            out.push(
                Finding::new(&MSA306, tables().index(first.index), tr!(lang, "table `{}` stores aggregate `{}`, but the context's store is `{store}`: msaforge generates tables for `postgres` and `mysql` only", "테이블 `{}`이(가) 애그리거트 `{}`를 저장하지만 컨텍스트의 저장소가 `{store}`입니다: msaforge는 `postgres`와 `mysql`에만 테이블을 생성합니다", first.table, first.type_name))
                    .help(tr!(lang, "set `data.store: postgres` (or `mysql`), or write the table as a plain name", "`data.store: postgres`(또는 `mysql`)로 바꾸거나 테이블을 일반 이름으로 적으세요")),
            );
        }
        for a in &c.data.aggregates {
            aggregate(spec, i, c, a, lang, out);
        }
    }
}

/// The findings about one aggregate table of context `c` (number `i`).
fn aggregate(
    spec: &Spec,
    i: usize,
    c: &Context,
    a: &StoredAggregate,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    let at = ctx(i).key("data").key("tables").index(a.index);
    let (table, name) = (&a.table, &a.type_name);
    let Some((type_index, ty)) = c.types.iter().enumerate().find(|(_, t)| t.name == *name) else {
        if let Some(owner) = spec
            .contexts
            .iter()
            .find(|o| o.types.iter().any(|t| t.name == *name))
        {
            let owner = &owner.name;
            out.push(
                Finding::new(&MSA301, at.key("type"), tr!(lang, "table `{table}` stores `{name}`, a type of context `{owner}`", "테이블 `{table}`이(가) 컨텍스트 `{owner}`의 타입 `{name}`을(를) 저장합니다"))
                    .help(tr!(lang, "`{owner}` stores its own aggregates; read `{name}` through its API, or define a type of this context filled from its events", "`{owner}`가 자기 애그리거트를 저장합니다. `{name}`은(는) 그 API로 읽거나, 그 이벤트로 채우는 이 컨텍스트의 타입을 정의하세요")),
            );
        } else {
            let names: Vec<&str> = c.types.iter().map(|t| t.name.as_str()).collect();
            out.push(unknown(at.key("type"), "type", name, &names, lang));
        }
        return;
    };
    if let Some(first) = c
        .data
        .aggregates
        .iter()
        .find(|o| o.type_name == *name && o.index < a.index)
    {
        let other = &first.table;
        out.push(
            Finding::new(
                &MSA305,
                at.clone().key("type"),
                tr!(
                    lang,
                    "`{name}` is stored in table `{other}` already",
                    "`{name}`은(는) 이미 테이블 `{other}`에 저장됩니다"
                ),
            )
            .related(
                ctx(i)
                    .key("data")
                    .key("tables")
                    .index(first.index)
                    .key("type"),
                tr!(lang, "first stored here", "처음 저장한 곳"),
            )
            .help(tr!(
                lang,
                "keep one table for `{name}`",
                "`{name}`의 테이블은 하나만 두세요"
            )),
        );
    }
    if !ty.aggregate {
        out.push(
            Finding::new(
                &MSA304,
                at.clone().key("type"),
                tr!(
                    lang,
                    "table `{table}` stores `{name}`, which is not an aggregate root",
                    "테이블 `{table}`이(가) 애그리거트 루트가 아닌 `{name}`을(를) 저장합니다"
                ),
            )
            .help(tr!(
                lang,
                "add `aggregate: true` to `{name}`, or store it inside its aggregate",
                "`{name}`에 `aggregate: true`를 붙이거나 그 애그리거트 안에 함께 저장하세요"
            )),
        );
    }
    let key = &a.key;
    let key_at = if a.key_written {
        at.clone().key("key")
    } else {
        at.clone()
    };
    match ty.fields.iter().find(|f| f.name == *key) {
        None => {
            let message = if a.key_written {
                tr!(lang, "`{name}` has no field `{key}` to be the key of table `{table}`", "`{name}`에는 테이블 `{table}`의 키가 될 `{key}` 필드가 없습니다")
            } else {
                tr!(lang, "`{name}` has no `id` field, the default key of table `{table}`", "`{name}`에는 테이블 `{table}`의 기본 키인 `id` 필드가 없습니다")
            };
            out.push(Finding::new(&MSA302, key_at, message).help(tr!(
                lang,
                "add a field `{{ name: id, type: uuid }}` to `{name}`, or name its identifying field with `key:`",
                "`{name}`에 `{{ name: id, type: uuid }}` 필드를 추가하거나 식별 필드를 `key:`로 지정하세요"
            )));
        }
        Some(f) if f.optional => out.push(
            Finding::new(&MSA302, key_at, tr!(lang, "the key `{key}` of table `{table}` is optional: every row needs one", "테이블 `{table}`의 키 `{key}`가 선택 필드입니다: 모든 행에 키가 있어야 합니다"))
                .help(tr!(lang, "remove `optional: true` from `{name}.{key}`", "`{name}.{key}`에서 `optional: true`를 지우세요")),
        ),
        Some(f) if !key_scalar(&f.ty) => out.push(
            Finding::new(&MSA303, key_at, tr!(lang, "the key `{key}` of table `{table}` cannot be a primary key: its type is not `uuid`, `string`, `int` or `long`", "테이블 `{table}`의 키 `{key}`는 기본 키가 될 수 없습니다: 타입이 `uuid`, `string`, `int`, `long`이 아닙니다"))
                .help(tr!(lang, "add an `id: uuid` field to `{name}` and use it as the key", "`{name}`에 `id: uuid` 필드를 추가해 키로 쓰세요")),
        ),
        Some(_) => {}
    }
    for (f, field) in ty.fields.iter().enumerate() {
        let column = crate::migrate::mapping::column_name(&field.name);
        if column.len() > MAX_COLUMN {
            let (field, bytes) = (&field.name, column.len());
            let at = ctx(i)
                .key("types")
                .index(type_index)
                .key("fields")
                .index(f)
                .key("name");
            out.push(
                Finding::new(&MSA308, at, tr!(lang, "`{name}.{field}` is stored in column `{column}` of table `{table}`, {bytes} bytes long: PostgreSQL keeps 63, MySQL and MariaDB refuse more than 64", "`{name}.{field}`은(는) 테이블 `{table}`의 컬럼 `{column}`({bytes}바이트)에 저장되는데, 컬럼 이름은 63바이트를 넘을 수 없습니다"))
                    .help(tr!(lang, "shorten `{field}` so that its snake_case name has at most 63 bytes", "`{field}`의 snake_case 이름이 63바이트 이하가 되도록 줄이세요")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_tables_are_sorted_for_binary_search() {
        assert!(super::RESERVED_TABLES.windows(2).all(|w| w[0] < w[1]));
    }
}
