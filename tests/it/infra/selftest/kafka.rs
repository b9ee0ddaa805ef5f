//! Kafka: keys, values and headers through a shared node; committed group offsets; records kept
//! across a restart of a node of the test's own.

use std::net::TcpStream;
use std::time::Duration;

use crate::infra::{Kafka, Outgoing, Record, unique_name};

#[test]
fn kafka_carries_keys_values_and_headers_and_commits_group_offsets() {
    let Some(kafka) = Kafka::shared() else {
        return;
    };
    let topic = unique_name("selftest.orders");
    kafka.create_topic(&topic, 3);
    assert!(kafka.topics().contains(&topic), "{:?}", kafka.topics());
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let headers = [
        ("ce_id", "e-1"),
        ("traceparent", traceparent),
        ("ce_type", ""),
    ];
    kafka.produce_all(
        &topic,
        &[
            Outgoing {
                key: Some("shelf-1"),
                value: r#"{"id":"shelf-1","label":"서고 A, 1층"}"#,
                headers: &headers,
            },
            Outgoing {
                key: Some("shelf-1"),
                value: "second",
                headers: &[],
            },
        ],
    );
    kafka.produce(&topic, None, "keyless", &[("ce_id", "e-3")]);

    let group = unique_name("selftest");
    let mut got: Vec<Record> = kafka.consume(&topic, &group, 3, Duration::from_secs(20));
    assert_eq!(got.len(), 3, "{got:?}");
    got.sort_by_key(|r| (r.partition, r.offset));
    let first = got
        .iter()
        .find(|r| r.offset == 0 && r.key.as_deref() == Some("shelf-1"));
    let first = first.expect("the first record of shelf-1");
    assert_eq!(
        first.value.as_deref(),
        Some(r#"{"id":"shelf-1","label":"서고 A, 1층"}"#)
    );
    assert_eq!(first.header("traceparent"), Some(traceparent));
    assert_eq!(first.header("ce_type"), Some(""));
    assert_eq!(first.headers.len(), 3, "{first:?}");
    let second = got
        .iter()
        .find(|r| r.value.as_deref() == Some("second"))
        .expect("second");
    assert_eq!(
        (second.partition, second.offset),
        (first.partition, 1),
        "one key, one partition, in order"
    );
    assert!(second.headers.is_empty(), "{second:?}");
    let keyless = got
        .iter()
        .find(|r| r.key.is_none())
        .expect("the keyless record");
    assert_eq!(keyless.header("ce_id"), Some("e-3"));

    // The group committed what it read; another group starts from the beginning.
    assert_eq!(
        kafka.consume(&topic, &group, 1, Duration::from_secs(3)),
        Vec::new()
    );
    let other = kafka.consume(&topic, &unique_name("selftest"), 3, Duration::from_secs(20));
    assert_eq!(other.len(), 3, "{other:?}");
}

#[test]
fn kafka_keeps_records_across_a_broker_restart() {
    let Some(mut kafka) = Kafka::start() else {
        return;
    };
    kafka.create_topic("restart", 1);
    kafka.produce("restart", Some("k"), "before", &[("h", "1")]);
    let bootstrap = kafka.bootstrap();
    kafka.stop();
    let addr = bootstrap.parse().expect("an address");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "a stopped broker took a connection on {bootstrap}"
    );
    kafka.restart();
    assert_eq!(kafka.bootstrap(), bootstrap);
    kafka.produce("restart", Some("k"), "after", &[]);
    let got = kafka.consume("restart", "g", 2, Duration::from_secs(20));
    let values: Vec<_> = got.iter().map(|r| r.value.as_deref()).collect();
    assert_eq!(values, [Some("before"), Some("after")], "{got:?}");
    assert_eq!(got[0].header("h"), Some("1"));
}
