//! The text formats of Kafka's console producer and consumer, set up with ASCII separators so
//! that keys, values and headers (JSON, Korean text, commas, colons, tabs) pass unchanged, and a
//! null key or header value stays distinct from the text "null".

use std::fmt::Write as _;
use std::time::Duration;

// Separators of the console tools' text formats that no test payload contains.
const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';
const HEADERS: char = '\u{1c}';
const HEADER_KEY: char = '\u{1d}';
const NULL: char = '\u{15}';

/// A record read back by `Kafka::consume`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub partition: u32,
    pub offset: u64,
    pub key: Option<String>,
    pub value: Option<String>,
    /// In the order the producer wrote them; `None` for a header with a null value.
    pub headers: Vec<(String, Option<String>)>,
}

impl Record {
    /// The value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// A record to write with `Kafka::produce_all`.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    pub key: Option<&'a str>,
    pub value: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
}

/// `ConsoleProducer` arguments: headers, key and value on each line, acks from all replicas.
pub fn producer_args(topic: &str) -> Vec<String> {
    let mut args = vec!["--topic".to_owned(), topic.to_owned()];
    args.extend(["--producer-property".to_owned(), "acks=all".to_owned()]);
    for prop in [
        "parse.key=true".to_owned(),
        "parse.headers=true".to_owned(),
        format!("key.separator={FIELD}"),
        format!("headers.delimiter={FIELD}"),
        format!("headers.separator={HEADERS}"),
        format!("headers.key.separator={HEADER_KEY}"),
        format!("null.marker={NULL}"),
    ] {
        args.extend(["--property".to_owned(), prop]);
    }
    args
}

/// One line per record for `producer_args`.
pub fn producer_input(records: &[Outgoing<'_>]) -> String {
    let mut input = String::new();
    for record in records {
        let headers: Vec<String> = record
            .headers
            .iter()
            .map(|(k, v)| {
                // The consumer prints `name:value`: a name with a colon would not read back.
                assert!(!k.is_empty() && !k.contains(':'), "header name {k:?}");
                format!("{}{HEADER_KEY}{}", plain(k), plain(v))
            })
            .collect();
        let headers = if headers.is_empty() {
            NULL.to_string()
        } else {
            headers.join(&HEADERS.to_string())
        };
        let key = record
            .key
            .map_or_else(|| NULL.to_string(), |k| plain(k).to_owned());
        writeln!(input, "{headers}{FIELD}{key}{FIELD}{}", plain(record.value))
            .expect("write to a String");
    }
    input
}

/// `ConsoleConsumer` arguments: up to `n` records as group `group`, from the earliest offset
/// when the group has none, giving up after `idle` without a record; partition, offset, headers,
/// key and value of each.
pub fn consumer_args(topic: &str, group: &str, n: usize, idle: Duration) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "--topic".into(),
        topic.into(),
        "--group".into(),
        group.into(),
        "--from-beginning".into(),
        "--max-messages".into(),
        n.to_string(),
        "--timeout-ms".into(),
        idle.as_millis().to_string(),
    ];
    // One record per poll, so what the group commits on exit is exactly what was printed.
    for prop in ["max.poll.records=1", "isolation.level=read_committed"] {
        args.extend(["--consumer-property".to_owned(), prop.to_owned()]);
    }
    for prop in [
        "print.partition=true".to_owned(),
        "print.offset=true".to_owned(),
        "print.headers=true".to_owned(),
        "print.key=true".to_owned(),
        format!("key.separator={FIELD}"),
        format!("headers.separator={HEADERS}"),
        format!("line.separator={RECORD}"),
        format!("null.literal={NULL}"),
    ] {
        args.extend(["--property".to_owned(), prop]);
    }
    args
}

/// The records `consumer_args` printed (newer consumers print notes on deprecated options
/// before the first record: skipped).
pub fn parse_records(stdout: &str) -> Vec<Record> {
    let first = stdout.find("Partition:").unwrap_or(stdout.len());
    stdout[first..]
        .split(RECORD)
        .filter(|r| !r.is_empty())
        .map(parse_record)
        .collect()
}

fn parse_record(text: &str) -> Record {
    let fields: Vec<&str> = text.splitn(5, FIELD).collect();
    let [partition, offset, headers, key, value] = fields[..] else {
        panic!("not a console consumer record: {text:?}");
    };
    let number = |field: &str, label: &str| -> u64 {
        field
            .strip_prefix(label)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {label} in {text:?}"))
    };
    let nullable = |s: &str| (s != NULL.to_string()).then(|| s.to_owned());
    let headers = if headers == "NO_HEADERS" {
        Vec::new()
    } else {
        headers
            .split(HEADERS)
            .map(|h| {
                let (k, v) = h.split_once(':').unwrap_or_else(|| panic!("header {h:?}"));
                (k.to_owned(), nullable(v))
            })
            .collect()
    };
    Record {
        partition: u32::try_from(number(partition, "Partition:")).expect("a partition number"),
        offset: number(offset, "Offset:"),
        key: nullable(key),
        value: nullable(value),
        headers,
    }
}

/// Text the console tools' line format can carry unchanged.
fn plain(s: &str) -> &str {
    assert!(
        !s.contains(['\n', '\r', FIELD, RECORD, HEADERS, HEADER_KEY, NULL]),
        "{s:?}: the console producer takes one line per record, without ASCII separators"
    );
    s
}
