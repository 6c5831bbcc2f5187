//! The ops endpoint against a real nats-server: the counters move as articles of each outcome
//! pass, and readiness follows the broker.

mod common;

use common::*;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// Scrapes until `check` holds (the lag gauges are read from the server periodically).
async fn scrape_until(
    addr: std::net::SocketAddr,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let (code, body) = http_get(addr, "/metrics").await.expect("scrape");
        assert_eq!(code, 200);
        if check(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "never saw {what}:\n{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn long_story(id: &str, edit: bool) -> serde_json::Value {
    let mut paras: Vec<String> = (0..40)
        .map(|i| {
            format!("Paragraph {i} of the bridge story says what engineer {i} found in the cables.")
        })
        .collect();
    if edit {
        paras[10] = "A second outlet rewrote this paragraph about the inspection entirely.".into();
        paras.pop();
    }
    paras.push("Copyright 2024 The Example Times. All rights reserved.".into());
    serde_json::json!({"id": id, "title": "Bridge inspection", "text": paras.join("\n\n")})
}

#[tokio::test]
async fn metrics_count_every_outcome() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[("ENRICHER__INPUT__MAX_MESSAGE_BYTES", "20000")],
    ));
    worker.ready().await;
    let addr = worker.ops_addr().await;

    let before = scrape_until(addr, "the ready gauge", |m| {
        metric(m, "enricher_ready") == Some(1.0)
    })
    .await;
    assert_eq!(
        metric(&before, "enricher_articles_total{outcome=\"new\"}"),
        Some(0.0)
    );
    assert_eq!(metric(&before, "enricher_nats_connected"), Some(1.0));

    let story = long_story("story", false);
    let mut copy = story.clone();
    copy["id"] = "copy".into();
    let near = long_story("near", true);
    let mut payloads: Vec<Vec<u8>> = [&story, &copy, &near]
        .iter()
        .map(|a| serde_json::to_vec(a).unwrap())
        .collect();
    payloads.push(b"{\"text\": \"unterminated".to_vec());
    payloads.push(vec![b' '; 30_000]);
    // One at a time: the copies must meet their original already published. Each is waited
    // for by its outcome counted (the consumer's pending counts can read zero for a moment
    // before a just-published message is delivered).
    let decided = |m: &str| -> f64 {
        ["new", "exact_duplicate", "near_duplicate", "dead_lettered"]
            .iter()
            .filter_map(|o| metric(m, &format!("enricher_articles_total{{outcome=\"{o}\"}}")))
            .sum()
    };
    for (i, p) in payloads.iter().enumerate() {
        publish_raw(&js, std::slice::from_ref(p)).await;
        scrape_until(addr, "the article decided", |m| {
            decided(m) >= (i + 1) as f64
        })
        .await;
        assert!(wait_consumer_idle(&js, WAIT).await);
    }
    let sent: usize = payloads.iter().map(Vec::len).sum();

    // The server-side gauges are polled: wait for a poll made after the last ack.
    let m = scrape_until(addr, "the dead letters and an idle consumer", |m| {
        metric(m, "enricher_dead_letter_messages") == Some(2.0)
            && metric(m, "enricher_consumer_ack_pending") == Some(0.0)
            && metric(m, "enricher_consumer_pending") == Some(0.0)
    })
    .await;
    let count =
        |series: &str| metric(&m, series).unwrap_or_else(|| panic!("{series} missing:\n{m}"));
    assert_eq!(count("enricher_articles_total{outcome=\"new\"}"), 1.0);
    assert_eq!(
        count("enricher_articles_total{outcome=\"exact_duplicate\"}"),
        1.0
    );
    assert_eq!(
        count("enricher_articles_total{outcome=\"near_duplicate\"}"),
        1.0
    );
    assert_eq!(
        count("enricher_articles_total{outcome=\"dead_lettered\"}"),
        2.0
    );
    assert_eq!(
        count("enricher_rejected_total{reason=\"invalid_json\"}"),
        1.0
    );
    assert_eq!(count("enricher_rejected_total{reason=\"too_large\"}"), 1.0);
    assert_eq!(
        count("enricher_rejected_total{reason=\"missing_content\"}"),
        0.0
    );
    // A loaded machine may see a message delivered again (a retried publish; on 2.9 a delivery
    // to a pull request that had just expired): the worker takes it up again and counts it,
    // and its bytes, once more. The outcomes above stay exact either way.
    let redelivered = count("enricher_redelivered_total");
    // Two published records, each with its copyright line taken out.
    assert_eq!(
        count("enricher_boilerplate_removed_total{kind=\"copyright\"}"),
        2.0
    );
    if redelivered == 0.0 {
        assert_eq!(count("enricher_input_bytes_total"), sent as f64);
    } else {
        assert!(count("enricher_input_bytes_total") > sent as f64);
    }
    assert!(count("enricher_output_bytes_total") > 0.0);
    // Counted per delivery: a redelivered message may add one.
    let per_delivery = |series: &str, expected: f64| {
        let v = count(series);
        assert!(
            v >= expected && v <= expected + redelivered,
            "{series}: {v}, expected {expected} (+{redelivered} redelivered)"
        );
    };
    per_delivery(
        "enricher_dedup_lookups_total{op=\"exact\",result=\"hit\"}",
        1.0,
    );
    per_delivery(
        "enricher_dedup_lookups_total{op=\"exact\",result=\"miss\"}",
        2.0,
    );
    per_delivery(
        "enricher_dedup_lookups_total{op=\"near\",result=\"hit\"}",
        1.0,
    );
    assert_eq!(
        count("enricher_dedup_lookups_total{op=\"exact\",result=\"error\"}"),
        0.0
    );
    per_delivery(
        "enricher_stage_duration_seconds_count{stage=\"end_to_end\"}",
        5.0,
    );
    per_delivery(
        "enricher_stage_duration_seconds_count{stage=\"clean\"}",
        3.0,
    );
    per_delivery(
        "enricher_stage_duration_seconds_count{stage=\"annotate\"}",
        3.0,
    );
    per_delivery(
        "enricher_stage_duration_seconds_count{stage=\"dedup\"}",
        3.0,
    );
    per_delivery(
        "enricher_stage_duration_seconds_count{stage=\"publish\"}",
        2.0,
    );
    assert!(count("enricher_stage_duration_seconds_sum{stage=\"annotate\"}") > 0.0);
    assert_eq!(count("enricher_inflight"), 0.0);
    assert_eq!(count("enricher_consumer_ack_pending"), 0.0);
    assert_eq!(count("enricher_consumer_pending"), 0.0);
    assert_eq!(count("enricher_nats_reconnects_total"), 0.0);
    // Labels come from closed sets: no id, URL or subject ever becomes one.
    for line in m.lines().filter(|l| !l.starts_with('#')) {
        assert!(
            !line.contains("story") && !line.contains("articles."),
            "{line}"
        );
    }

    // Lag: articles waiting while no worker consumes show as pending.
    worker.stop().await.unwrap();
    publish_articles(&js, &[article(1), article(2), article(3)]).await;
    let worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__NATS__CONSUMER__BATCH", "1"),
            ("ENRICHER__WORKER__MAX_INFLIGHT", "1"),
        ],
    ));
    let addr = worker.ops_addr().await;
    let m = scrape_until(addr, "all three consumed", |m| {
        metric(m, "enricher_articles_total{outcome=\"new\"}") == Some(3.0)
            && metric(m, "enricher_consumer_pending") == Some(0.0)
    })
    .await;
    assert_eq!(metric(&m, "enricher_inflight"), Some(0.0));
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn consumer_lag_shows_a_stuck_backlog() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__WORKER__MAX_INFLIGHT", "5"),
            ("ENRICHER__NATS__CONSUMER__BATCH", "5"),
            ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "30"),
            ("ENRICHER__NATS__CONSUMER__BACKOFF", "1s"),
        ],
    ));
    let addr = worker.ops_addr().await;
    let mut worker = worker;
    worker.ready().await;
    // No output stream: every publish fails, so articles wait, delivered or not (the lag).
    js.delete_stream("ENRICHED").await.unwrap();
    let backlog: Vec<serde_json::Value> = (0..50).map(article).collect();
    publish_articles(&js, &backlog).await;
    let m = scrape_until(addr, "the backlog as lag", |m| {
        let lag = metric(m, "enricher_consumer_pending").unwrap_or(0.0)
            + metric(m, "enricher_consumer_ack_pending").unwrap_or(0.0);
        // The server's count of redeliveries is polled; the worker counts one when it takes
        // the message up: both are waited for.
        lag >= 40.0
            && metric(m, "enricher_consumer_redelivered").unwrap_or(0.0) >= 1.0
            && metric(m, "enricher_redelivered_total").unwrap_or(0.0) >= 1.0
    })
    .await;
    assert!(metric(&m, "enricher_articles_total{outcome=\"retried\"}").unwrap() >= 1.0);
    assert!(metric(&m, "enricher_redelivered_total").unwrap() >= 1.0);
    assert_eq!(
        metric(&m, "enricher_articles_total{outcome=\"new\"}"),
        Some(0.0)
    );
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn readiness_follows_the_nats_server() {
    let mut server = NatsServer::start();
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    let addr = worker.ops_addr().await;
    assert_eq!(http_get(addr, "/healthz").await.unwrap().0, 200);
    worker.ready().await;
    let wait_status = |want: u16| async move {
        let deadline = Instant::now() + WAIT;
        loop {
            let (code, body) = http_get(addr, "/readyz").await.expect("readyz");
            if code == want {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "/readyz never answered {want}: {code} {body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    wait_status(200).await;

    server.kill();
    let body = wait_status(503).await;
    assert!(body.contains("NATS"), "{body}");
    // Alive all the while: only readiness changes.
    assert_eq!(http_get(addr, "/healthz").await.unwrap().0, 200);
    let (_, m) = http_get(addr, "/metrics").await.unwrap();
    assert_eq!(metric(&m, "enricher_nats_connected"), Some(0.0));
    assert_eq!(metric(&m, "enricher_ready"), Some(0.0));

    server.restart();
    wait_status(200).await;
    let (_, m) = http_get(addr, "/metrics").await.unwrap();
    assert_eq!(metric(&m, "enricher_nats_connected"), Some(1.0));
    assert!(metric(&m, "enricher_nats_reconnects_total").unwrap() >= 1.0);

    // Draining: not ready, and the endpoint goes away with the worker.
    let state = worker.state.clone();
    worker.stop().await.unwrap();
    assert!(state.not_ready_because().is_some());
    assert!(http_get(addr, "/healthz").await.is_err());
}
