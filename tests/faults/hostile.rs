//! Hostile input: malformed, oversized, deeply nested, repetitive and strange messages. Every
//! malformed one is dead-lettered with its reason and its original bytes; every strange but
//! valid one becomes a record or a dead letter with a reason; the worker never restarts.

use crate::common::*;
use async_nats::jetstream;
use futures::StreamExt;
use std::collections::HashMap;
use std::time::Duration;

/// One hostile message and what must become of it (`None`: a record or any reason will do,
/// as long as it is accounted for).
struct Case {
    name: String,
    bytes: Vec<u8>,
    reason: Option<&'static str>,
}

fn case(name: impl Into<String>, bytes: impl Into<Vec<u8>>, reason: Option<&'static str>) -> Case {
    Case {
        name: name.into(),
        bytes: bytes.into(),
        reason,
    }
}

fn json(v: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&v).expect("json")
}

/// Limit the server is configured with here, and the worker's own limit below it.
const SERVER_MAX_PAYLOAD: usize = 8 << 20;

fn cases() -> Vec<Case> {
    let mut c = Vec::new();
    let good = json(serde_json::json!({
        "id": "good", "url": "https://news.example/a",
        "text": "The council met on Tuesday.\n\nIt approved the harbour budget after a long debate."
    }));
    // Truncated JSON at several points.
    for cut in [1, 10, good.len() / 2, good.len() - 1] {
        c.push(case(
            format!("truncated at {cut}"),
            &good[..cut],
            Some("invalid_json"),
        ));
    }
    c.push(case("empty payload", b"".to_vec(), Some("invalid_json")));
    c.push(case(
        "whitespace payload",
        b" \n\t ".to_vec(),
        Some("invalid_json"),
    ));
    c.push(case(
        "not JSON",
        b"<html>oops</html>".to_vec(),
        Some("invalid_json"),
    ));
    // Invalid UTF-8: a stray continuation byte, an overlong slash, an encoded surrogate, 0xFF.
    for (i, bad) in [&b"\x80"[..], b"\xc0\xaf", b"\xed\xa0\x80", b"\xff"]
        .iter()
        .enumerate()
    {
        let mut b = br#"{"id":"utf8-"#.to_vec();
        b.extend_from_slice(i.to_string().as_bytes());
        b.extend_from_slice(br#"","text":"caf"#);
        b.extend_from_slice(bad);
        b.extend_from_slice(br#" au lait"}"#);
        c.push(case(format!("invalid utf-8 {i}"), b, Some("invalid_utf8")));
    }
    for (i, v) in [
        "[]",
        "\"a string\"",
        "42",
        "null",
        "true",
        "[{\"text\":\"x\"}]",
    ]
    .iter()
    .enumerate()
    {
        c.push(case(
            format!("not an object {i}"),
            v.as_bytes(),
            Some("not_an_object"),
        ));
    }
    for (i, v) in [
        serde_json::json!({"id": "t1", "text": 42}),
        serde_json::json!({"id": "t2", "text": "ok text here", "title": {"a": 1}}),
        serde_json::json!({"id": "t3", "text": "ok text here", "url": ["x"]}),
        serde_json::json!({"id": "t4", "text": "ok text here", "published_at": true}),
        serde_json::json!({"id": 5, "text": "ok text here"}),
        serde_json::json!({"id": "t6", "html": 7}),
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("wrong type {i}"),
            json(v),
            Some("invalid_field"),
        ));
    }
    for (i, v) in [
        serde_json::json!({}),
        serde_json::json!({"id": "e1", "text": ""}),
        serde_json::json!({"id": "e2", "text": "  \n\n \t "}),
        serde_json::json!({"id": "e3", "html": "   "}),
        serde_json::json!({"id": "e4", "title": "only a title"}),
    ]
    .into_iter()
    .enumerate()
    {
        c.push(case(
            format!("empty body {i}"),
            json(v),
            Some("missing_content"),
        ));
    }
    // Just under the server's limit, far over the worker's (4 MiB).
    let big = "x".repeat(SERVER_MAX_PAYLOAD - 4096);
    c.push(case(
        "at the configured max_payload",
        json(serde_json::json!({"id": "big", "text": big})),
        Some("too_large"),
    ));
    // Deeply nested JSON (serde_json stops at 128 levels) and HTML.
    let depth = 100_000;
    let nested = format!(
        r#"{{"id":"deep-json","text":"x","extra":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    c.push(case("deeply nested json", nested, Some("invalid_json")));
    let html = format!(
        "<html><body>{}<p>deep</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    c.push(case(
        "deeply nested html",
        json(serde_json::json!({"id": "deep-html", "html": html})),
        Some("invalid_field"),
    ));
    // Zip-bomb-like repetition: one paragraph many times; one word a million times.
    let para = "The council approved the harbour budget on Tuesday after a long debate.\n\n";
    c.push(case(
        "repeated paragraph",
        json(serde_json::json!({"id": "rep-para", "text": para.repeat(40_000)})),
        None,
    ));
    c.push(case(
        "repeated word",
        json(serde_json::json!({"id": "rep-word", "text": "buffalo ".repeat(400_000)})),
        None,
    ));
    // Control characters, C1 controls, bidi overrides, zero-widths.
    let controls: String = (0u32..0x20)
        .chain(0x7f..0xa0)
        .chain([0x200b, 0x200e, 0x202e, 0x2066, 0xfeff])
        .filter_map(char::from_u32)
        .collect();
    c.push(case(
        "control characters",
        json(serde_json::json!({"id": "ctrl", "text": format!("Before {controls} after the council met on Tuesday.")})),
        None,
    ));
    // Every Unicode plane in use, RTL, CJK, combining marks, emoji.
    let planes: String = [
        0x41, 0x5d0, 0x627, 0x4e2d, 0xac00, 0x1f600, 0x1d11e, 0x20000, 0x30000, 0xe0041, 0xf0000,
        0x10fffd,
    ]
    .iter()
    .filter_map(|&u| char::from_u32(u))
    .collect();
    c.push(case(
        "every plane",
        json(serde_json::json!({"id": "planes", "title": planes, "text": format!(
            "{planes} مجلس المدينة اجتمع يوم الثلاثاء.\n\n市议会周二开会。 e\u{301}\u{302}\u{303} 👩‍👩‍👧‍👦 {planes}"
        )})),
        None,
    ));
    c.push(case(
        "one 1 MB line",
        json(serde_json::json!({"id": "long-line", "text": "word ".repeat(200_000)})),
        None,
    ));
    c.push(case(
        "1 MB line of one character",
        json(serde_json::json!({"id": "long-char", "text": "a".repeat(1 << 20)})),
        None,
    ));
    c.push(case(
        "boilerplate only",
        json(serde_json::json!({"id": "bp", "text": "Share this article\n\nAdvertisement\n\nCopyright 2026 Example News. All rights reserved."})),
        Some("empty_after_cleaning"),
    ));
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_inputs_are_dead_lettered_and_the_worker_never_restarts() {
    let server =
        NatsServer::start_with_config(Some(&format!("max_payload: {SERVER_MAX_PAYLOAD}\n")));
    let (client, js) = connect(&server.url()).await;
    ensure_input_stream(&js).await;
    let mut worker = spawn_worker_process(&test_env(&server.url(), &[]));
    worker.ready().await;
    let pid = worker.child.id();

    // 100 MB: above the server's max_payload, so it never gets in; the producer is told.
    let huge = vec![b'x'; 100 << 20];
    let refused = js.publish("articles.raw.hostile", huge.into()).await;
    assert!(refused.is_err(), "a 100 MB message was accepted");

    let cases = cases();
    for (i, c) in cases.iter().enumerate() {
        let mut h = async_nats::HeaderMap::new();
        h.insert("Nats-Msg-Id", format!("hostile-{i}").as_str());
        js.publish_with_headers("articles.raw.hostile", h, c.bytes.clone().into())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", c.name))
            .await
            .unwrap_or_else(|e| panic!("{}: not stored: {e}", c.name));
    }
    assert!(
        wait_consumer_idle(&js, Duration::from_secs(120)).await,
        "the worker never took every hostile message:\n{}",
        worker.log()
    );

    // Every dead letter carries the original bytes and a reason.
    let mut dead: HashMap<Vec<u8>, String> = HashMap::new();
    let mut dlq = js.get_stream("ARTICLES_DLQ").await.expect("DLQ stream");
    let total = dlq.info().await.expect("info").state.messages;
    let consumer = dlq
        .create_consumer(jetstream::consumer::pull::OrderedConfig::default())
        .await
        .expect("consumer");
    let mut msgs = consumer.messages().await.expect("messages");
    for _ in 0..total {
        let m = msgs.next().await.expect("message").expect("message");
        let reason = m
            .headers
            .as_ref()
            .and_then(|h| h.get("Enricher-Reason"))
            .map(|v| v.as_str().to_string())
            .expect("a reason header");
        dead.insert(m.payload.to_vec(), reason);
    }
    let records: Vec<String> = read_stream(&js, "ENRICHED")
        .await
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap_or_default().to_string())
        .collect();

    for c in &cases {
        let id = serde_json::from_slice::<serde_json::Value>(&c.bytes)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_string));
        let published = id.as_ref().is_some_and(|id| records.contains(id));
        match (c.reason, dead.get(&c.bytes)) {
            (Some(want), Some(got)) => assert_eq!(got, want, "{}", c.name),
            (Some(want), None) => panic!("{}: not dead-lettered as {want}", c.name),
            (None, Some(_)) => assert!(!published, "{}: both published and dead-lettered", c.name),
            (None, None) => assert!(published, "{}: neither published nor dead-lettered", c.name),
        }
    }
    assert_eq!(
        dead.len() + records.len(),
        cases.len(),
        "each message accounted once"
    );

    // The same process is still there, it never panicked, and it still works.
    assert!(
        worker.child.try_wait().expect("wait").is_none(),
        "the worker exited:\n{}",
        worker.log()
    );
    assert_eq!(worker.child.id(), pid);
    assert!(!worker.log().contains("panicked"), "{}", worker.log());
    publish_articles(&js, &[article(1)]).await;
    assert!(wait_consumer_idle(&js, Duration::from_secs(30)).await);
    assert!(
        read_stream(&js, "ENRICHED")
            .await
            .iter()
            .any(|r| r.json()["id"] == "art-1")
    );
    drop(client);
}
