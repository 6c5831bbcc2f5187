//! The worker end to end against a real nats-server: records out, duplicates held back,
//! rejections dead-lettered with their original bytes, core-NATS mode, binding to user streams.

mod common;

use article_enricher::ops::metrics::OutcomeKind;
use common::*;
use std::collections::BTreeSet;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn n_articles_in_n_records_out() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;

    let n = 200;
    let articles: Vec<_> = (0..n).map(article).collect();
    publish_articles(&js, &articles).await;
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64
    );
    assert!(wait_consumer_idle(&js, WAIT).await, "input not fully acked");

    let records = read_stream(&js, "ENRICHED").await;
    assert_eq!(records.len(), n);
    let mut ids = BTreeSet::new();
    for m in &records {
        let r = m.json();
        ids.insert(r["id"].as_str().unwrap().to_string());
        assert_eq!(r["schema_version"], 1);
        assert!(r["content_hash"].as_str().unwrap().starts_with("blake3:"));
        assert_eq!(r["content_hash"].as_str().unwrap().len(), 71);
        assert_eq!(r["fingerprint"].as_str().unwrap().len(), 16);
        assert_eq!(r["source"], "news.example");
        assert!(!r["canonical_url"].as_str().unwrap().contains("utm_source"));
        assert_eq!(r["published_at"], "2024-05-06T07:08:09Z");
        assert_eq!(r["stats"]["paragraphs"], 3);
        assert!(r["extra"]["crawler"]["run"].is_number());
        // The subject follows the template; Nats-Msg-Id is the content hash.
        assert!(m.subject.starts_with("articles.enriched."), "{}", m.subject);
        assert_eq!(
            m.header("Nats-Msg-Id").as_deref(),
            r["content_hash"].as_str()
        );
    }
    assert_eq!(ids.len(), n);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn exact_duplicates_are_not_republished_and_notices_go_out() {
    let server = NatsServer::start();
    let (client, js) = connect(&server.url()).await;
    let mut notices = client.subscribe("articles.duplicates").await.unwrap();
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[(
            "ENRICHER__OUTPUT__DUPLICATES_SUBJECT",
            "articles.duplicates",
        )],
    ));
    worker.ready().await;

    let original = serde_json::json!({"id": "orig", "url": "https://a.example/x", "text": "“Peace,” she said — it’s near.\n\nTalks resume Monday."});
    let copies = [
        serde_json::json!({"id": "copy-1", "url": "https://b.example/y", "text": "\"Peace,\" she said - it's near.\nTalks resume Monday."}),
        serde_json::json!({"id": "copy-2", "text": "  \"PEACE,\"  she said – it's near.\r\n\r\nTalks   resume Monday.  "}),
        serde_json::json!({"id": "copy-3", "text": "\u{201c}Peace,\u{201d} she said\u{00a0}\u{2014} it\u{2019}s near.\n\n\nTalks resume Monday."}),
    ];
    publish_articles(&js, std::slice::from_ref(&original)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    publish_articles(&js, &copies).await;
    let got = take(&mut notices, 3, WAIT).await;
    assert_eq!(got.len(), 3, "one notice per duplicate");
    for n in &got {
        let v: serde_json::Value = serde_json::from_slice(&n.payload).unwrap();
        assert_eq!(v["duplicate_of"], "orig");
        assert!(v["id"].as_str().unwrap().starts_with("copy-"));
        assert!(v["content_hash"].as_str().unwrap().starts_with("blake3:"));
    }
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(
        output_ids(&js).await.into_iter().collect::<Vec<_>>(),
        vec![("orig".to_string(), 1)]
    );
    worker.stop().await.unwrap();
}

/// A syndicated story often arrives many times at once. Copies that find the first copy still
/// being published wait for it (`dedup.copy_wait`) and are decided as duplicates on their first
/// delivery, instead of being nak'ed and redelivered a backoff later.
#[tokio::test]
async fn a_burst_of_copies_is_decided_without_redelivery() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let retried = burst_of_copies(&server, &js, "copy", &[], 1).await;
    assert_eq!(retried, 0, "a copy was nak'ed");

    // With no wait, a copy that finds the claim taken is nak'ed and decided on redelivery:
    // slower, but nothing is lost or published twice.
    let no_wait = [
        ("ENRICHER__DEDUP__COPY_WAIT", "0s"),
        ("ENRICHER__NATS__CONSUMER__BACKOFF", "100ms"),
    ];
    burst_of_copies(&server, &js, "again", &no_wait, 2).await;
}

/// Publishes 40 copies of one new story at once to a fresh worker with two pipeline threads (so
/// copies reach the store while the first is being published); checks that one record comes
/// out (`records` in the stream in all) and 39 duplicates are counted. Returns the retries.
async fn burst_of_copies(
    server: &NatsServer,
    js: &async_nats::jetstream::Context,
    prefix: &str,
    extra: &[(&str, &str)],
    records: u64,
) -> u64 {
    let mut settings = vec![("ENRICHER__WORKER__THREADS", "2")];
    settings.extend_from_slice(extra);
    let mut worker = spawn_worker(test_config(&server.url(), &settings));
    worker.ready().await;
    let text =
        format!("The {prefix} story, forty outlets.\n\nIt reads the same in every one of them.");
    let copies: Vec<_> = (0..40)
        .map(|i| serde_json::json!({"id": format!("{prefix}-{i}"), "text": text}))
        .collect();
    publish_articles(js, &copies).await;
    assert_eq!(
        wait_stream_len(js, "ENRICHED", records, WAIT).await,
        records
    );
    assert!(wait_consumer_idle(js, WAIT).await);
    let m = &worker.state.metrics;
    assert_eq!(m.outcome_count(OutcomeKind::New), 1);
    assert_eq!(m.outcome_count(OutcomeKind::ExactDuplicate), 39);
    assert_eq!(stream_len(js, "ENRICHED").await, records);
    let retried = m.outcome_count(OutcomeKind::Retried);
    worker.stop().await.unwrap();
    retried
}

/// A story and a lightly edited copy of it (one paragraph rewritten, the last one dropped).
fn story_and_near_copy() -> (serde_json::Value, serde_json::Value) {
    let paras: Vec<String> = (0..40)
        .map(|i| format!("Paragraph {i} of the harbour story reports what council member {i} said about the ferry terminal."))
        .collect();
    let mut edited = paras.clone();
    edited[20] = "The second outlet rewrote this paragraph about the vote in its own words.".into();
    edited.pop();
    (
        serde_json::json!({"id": "story", "text": paras.join("\n\n")}),
        serde_json::json!({"id": "edited", "text": edited.join("\n\n")}),
    )
}

#[tokio::test]
async fn near_copies_are_published_marked_or_dropped_by_policy() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let (story, edited) = story_and_near_copy();

    // annotate (the default): published, marked with its original and the similarity.
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    publish_articles(&js, std::slice::from_ref(&edited)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    let out = read_stream(&js, "ENRICHED").await;
    let near = out[1].json();
    assert_eq!(near["id"], "edited");
    assert_eq!(near["duplicate"]["kind"], "near");
    assert_eq!(near["duplicate"]["of"], "story");
    let sim = near["duplicate"]["similarity"].as_f64().unwrap();
    assert!((0.6..1.0).contains(&sim), "{sim}");
    assert!(out[0].json().get("duplicate").is_none());
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();

    // drop: acked and not published (a fresh worker: the embedded store starts empty).
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[("ENRICHER__DEDUP__NEAR_DUPLICATES", "drop")],
    ));
    worker.ready().await;
    let mut story2 = story.clone();
    story2["id"] = "story-2".into();
    story2["text"] = format!("{} Updated.", story["text"].as_str().unwrap()).into();
    let mut edited2 = edited.clone();
    edited2["id"] = "edited-2".into();
    edited2["text"] = format!("{} Updated.", edited["text"].as_str().unwrap()).into();
    publish_articles(&js, std::slice::from_ref(&story2)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 3, WAIT).await, 3);
    publish_articles(&js, std::slice::from_ref(&edited2)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    let ids: Vec<String> = read_stream(&js, "ENRICHED")
        .await
        .iter()
        .map(|m| m.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec!["story", "edited", "story-2"]);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn every_rejection_reason_is_dead_lettered_with_the_original_bytes() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[("ENRICHER__INPUT__MAX_MESSAGE_BYTES", "2000")],
    ));
    worker.ready().await;

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("invalid_json", b"{\"text\": \"unterminated".to_vec()),
        ("invalid_utf8", b"{\"text\": \"caf\xe9\"}".to_vec()),
        ("not_an_object", b"[\"a list\"]".to_vec()),
        (
            "too_large",
            format!("{{\"text\": \"{}\"}}", "x".repeat(5000)).into_bytes(),
        ),
        (
            "missing_content",
            b"{\"id\": \"m\", \"title\": \"only a title\"}".to_vec(),
        ),
        (
            "empty_after_cleaning",
            b"{\"id\": \"e\", \"text\": \"\\u0007\\u0000\"}".to_vec(),
        ),
        ("invalid_field", b"{\"id\": \"f\", \"text\": 42}".to_vec()),
    ];
    let payloads: Vec<Vec<u8>> = cases.iter().map(|(_, p)| p.clone()).collect();
    publish_raw(&js, &payloads).await;
    assert_eq!(
        wait_stream_len(&js, "ARTICLES_DLQ", cases.len() as u64, WAIT).await,
        cases.len() as u64
    );
    assert!(
        wait_consumer_idle(&js, WAIT).await,
        "rejections must be terminated"
    );

    let dead = read_stream(&js, "ARTICLES_DLQ").await;
    assert_eq!(dead.len(), cases.len());
    for (reason, payload) in &cases {
        let m = dead
            .iter()
            .find(|m| m.header("Enricher-Reason").as_deref() == Some(*reason))
            .unwrap_or_else(|| panic!("no dead letter with reason {reason}"));
        assert_eq!(
            &m.payload[..],
            &payload[..],
            "{reason}: bytes must be untouched"
        );
        assert_eq!(
            m.header("Enricher-Source-Subject").as_deref(),
            Some("articles.raw.test")
        );
        assert_eq!(
            m.header("Enricher-Source-Stream").as_deref(),
            Some("ARTICLES")
        );
        assert!(
            m.header("Enricher-Stream-Sequence")
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        assert_eq!(m.header("Enricher-Delivered").as_deref(), Some("1"));
        assert!(!m.header("Enricher-Detail").unwrap().is_empty());
    }
    assert_eq!(stream_len(&js, "ENRICHED").await, 0);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_dead_lettered_at_max_deliver() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    // An output stream that is full after one record and refuses more: publishes fail.
    js.create_stream(async_nats::jetstream::stream::Config {
        name: "ENRICHED".into(),
        subjects: vec!["articles.enriched.>".into()],
        max_messages: 1,
        discard: async_nats::jetstream::stream::DiscardPolicy::New,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "3"),
            ("ENRICHER__NATS__CONSUMER__BACKOFF", "200ms,500ms"),
        ],
    ));
    worker.ready().await;
    publish_articles(&js, &[article(1)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    publish_articles(&js, &[article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ARTICLES_DLQ", 1, WAIT).await, 1);
    let dead = read_stream(&js, "ARTICLES_DLQ").await;
    assert_eq!(
        dead[0].header("Enricher-Reason").as_deref(),
        Some("delivery_failed")
    );
    assert_eq!(dead[0].header("Enricher-Delivered").as_deref(), Some("3"));
    assert_eq!(dead[0].json()["id"], "art-2");
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn refuses_to_start_without_an_output_stream_when_not_provisioning() {
    let server = NatsServer::start();
    let config = test_config(&server.url(), &[("ENRICHER__OUTPUT__PROVISION", "false")]);
    let err = article_enricher::worker::run(config, std::future::pending())
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("does not exist"), "{err:#}");
}

#[tokio::test]
async fn core_nats_mode_consumes_a_queue_group() {
    let server = NatsServer::start();
    let (client, js) = connect(&server.url()).await;
    let config = test_config(
        &server.url(),
        &[
            ("ENRICHER__INPUT__MODE", "core"),
            ("ENRICHER__INPUT__CORE_SUBJECTS", "scraped.>"),
        ],
    );
    let mut a = spawn_worker(config.clone());
    let mut b = spawn_worker(config);
    a.ready().await;
    b.ready().await;
    for i in 0..100 {
        client
            .publish(
                format!("scraped.site{}", i % 3),
                serde_json::to_vec(&article(i)).unwrap().into(),
            )
            .await
            .unwrap();
    }
    client
        .publish("scraped.bad", "not json".into())
        .await
        .unwrap();
    client.flush().await.unwrap();
    assert_eq!(wait_stream_len(&js, "ENRICHED", 100, WAIT).await, 100);
    assert_eq!(wait_stream_len(&js, "ARTICLES_DLQ", 1, WAIT).await, 1);
    let ids = output_ids(&js).await;
    assert_eq!(ids.len(), 100);
    assert!(
        ids.values().all(|n| *n == 1),
        "the queue group delivers each message once"
    );
    let dead = read_stream(&js, "ARTICLES_DLQ").await;
    assert_eq!(
        dead[0].header("Enricher-Reason").as_deref(),
        Some("invalid_json")
    );
    assert_eq!(
        dead[0].header("Enricher-Source-Subject").as_deref(),
        Some("scraped.bad")
    );
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

#[tokio::test]
async fn binds_to_a_user_stream_that_already_captures_the_subjects() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    // The user's own streams, under other names and with wider subjects.
    js.create_stream(async_nats::jetstream::stream::Config {
        name: "SCRAPES".into(),
        subjects: vec!["articles.>".into()],
        ..Default::default()
    })
    .await
    .expect("create the user's stream");
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__OUTPUT__SUBJECT", "enriched.{lang}"),
            ("ENRICHER__OUTPUT__STREAM_SUBJECTS", "enriched.>"),
            ("ENRICHER__OUTPUT__DEAD_LETTER_SUBJECT", "dlq.articles"),
        ],
    ));
    worker.ready().await;
    let names: Vec<String> = {
        use futures::TryStreamExt;
        js.stream_names().try_collect().await.unwrap()
    };
    assert!(names.contains(&"SCRAPES".to_string()));
    assert!(
        !names.contains(&"ARTICLES".to_string()),
        "no overlapping stream created: {names:?}"
    );
    let n = 20;
    let payloads: Vec<Vec<u8>> = (0..n)
        .map(|i| serde_json::to_vec(&article(i)).unwrap())
        .collect();
    let mut acks = Vec::new();
    for p in payloads {
        acks.push(js.publish("articles.raw.site", p.into()).await.unwrap());
    }
    for a in acks {
        a.await.unwrap();
    }
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64
    );
    // The consumer filters our subjects out of the wider stream.
    let stream = js.get_stream("SCRAPES").await.unwrap();
    let mut consumer = stream
        .get_consumer::<async_nats::jetstream::consumer::pull::Config>("enricher")
        .await
        .unwrap();
    let info = consumer.info().await.unwrap();
    assert_eq!(info.config.filter_subject, "articles.raw.>");
    worker.stop().await.unwrap();
}
