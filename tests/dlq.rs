//! `dlq list` and `dlq replay` against a real nats-server: a rejected article comes back once
//! its cause is fixed, and an interrupted replay loses nothing and publishes nothing twice.

mod common;

use common::*;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

fn cli(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(test_env(url, &[]))
        .output()
        .expect("run article-enricher")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Dead-letters `articles` as too large, plus one invalid JSON message, with a worker whose
/// size limit is tiny; the worker is stopped afterwards.
async fn dead_letter(server: &NatsServer, articles: &[serde_json::Value]) {
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[("ENRICHER__INPUT__MAX_MESSAGE_BYTES", "100")],
    ));
    worker.ready().await;
    publish_articles(&js, articles).await;
    publish_raw(&js, &[b"{\"text\": \"unterminated".to_vec()]).await;
    let n = articles.len() as u64 + 1;
    assert_eq!(wait_stream_len(&js, "ARTICLES_DLQ", n, WAIT).await, n);
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn replay_round_trips_a_rejected_article_after_the_cause_is_fixed() {
    let server = NatsServer::start();
    let url = server.url();
    let (_c, js) = connect(&url).await;
    let articles: Vec<serde_json::Value> = (0..3).map(article).collect();
    dead_letter(&server, &articles).await;

    let o = cli(&url, &["dlq", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listing = stdout(&o);
    assert_eq!(listing.lines().count(), 1 + 4, "{listing}");
    assert_eq!(listing.matches("too_large").count(), 3, "{listing}");
    assert_eq!(listing.matches("invalid_json").count(), 1, "{listing}");
    assert_eq!(listing.matches("articles.raw.test").count(), 4, "{listing}");
    assert!(listing.contains("exceeds the limit"), "{listing}");

    let o = cli(&url, &["dlq", "list", "--reason", "invalid_json"]);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    let o = cli(&url, &["dlq", "list", "--reason", "no_such_reason"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("too_large"), "{}", stderr(&o));

    // A dry run changes nothing.
    let o = cli(
        &url,
        &["dlq", "replay", "--reason", "too_large", "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches("would replay").count(), 3);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 4);
    assert_eq!(stream_len(&js, "ARTICLES").await, 0);

    // The cause fixed: a worker with the default size limit.
    let mut worker = spawn_worker(test_config(&url, &[]));
    worker.ready().await;
    let o = cli(
        &url,
        &["dlq", "replay", "--reason", "too_large", "--limit", "1"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("replayed=1"), "{}", stderr(&o));
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 3);
    let o = cli(&url, &["dlq", "replay", "--reason", "too_large"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("replayed=2"), "{}", stderr(&o));
    assert_eq!(wait_stream_len(&js, "ENRICHED", 3, WAIT).await, 3);
    assert!(wait_consumer_idle(&js, WAIT).await);

    let ids = output_ids(&js).await;
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        vec![
            ("art-0".to_string(), 1),
            ("art-1".to_string(), 1),
            ("art-2".to_string(), 1)
        ]
    );
    // What was not selected stays.
    let left = read_stream(&js, "ARTICLES_DLQ").await;
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].header("Enricher-Reason").as_deref(),
        Some("invalid_json")
    );
    // The replayed record is the original article, byte for byte.
    let out = read_stream(&js, "ENRICHED").await;
    assert_eq!(out[0].json()["extra"]["crawler"]["run"], 0);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn a_replay_that_crashed_after_republishing_does_not_republish() {
    let server = NatsServer::start();
    let url = server.url();
    let (_c, js) = connect(&url).await;
    dead_letter(&server, &[article(7)]).await;
    let letters = read_stream(&js, "ARTICLES_DLQ").await;
    let too_large = letters
        .iter()
        .position(|l| l.header("Enricher-Reason").as_deref() == Some("too_large"))
        .unwrap();
    let mut stream = js.get_stream("ARTICLES_DLQ").await.unwrap();
    let first = stream.info().await.unwrap().state.first_sequence;
    let seq = first + too_large as u64;

    // What a replay killed between its publish ack and its delete leaves behind: the copy in the
    // input stream, the dead letter still in place.
    let mut h = async_nats::HeaderMap::new();
    h.insert("Nats-Msg-Id", format!("replay:ARTICLES_DLQ:{seq}"));
    js.publish_with_headers("articles.raw.test", h, letters[too_large].payload.clone())
        .await
        .unwrap()
        .await
        .unwrap();

    let o = cli(&url, &["dlq", "replay", "--reason", "too_large"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("replayed=0 already_replayed=1"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stream_len(&js, "ARTICLES").await, 1, "republished twice");
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 1);

    let mut worker = spawn_worker(test_config(&url, &[]));
    worker.ready().await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(stream_len(&js, "ENRICHED").await, 1);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn a_killed_replay_run_again_loses_nothing() {
    let server = NatsServer::start();
    let url = server.url();
    let (_c, js) = connect(&url).await;
    let articles: Vec<serde_json::Value> = (0..300).map(article).collect();
    dead_letter(&server, &articles).await;
    let mut worker = spawn_worker(test_config(&url, &[]));
    worker.ready().await;

    // SIGKILL the replay once the first dead letters are gone (wherever it then is).
    let mut child = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .args(["dlq", "replay", "--reason", "too_large"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(test_env(&url, &[]))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    while stream_len(&js, "ARTICLES_DLQ").await > 290 && Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    eprintln!(
        "replay killed with {} dead letters left",
        stream_len(&js, "ARTICLES_DLQ").await
    );

    let o = cli(&url, &["dlq", "replay", "--reason", "too_large"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(wait_stream_len(&js, "ENRICHED", 300, WAIT).await, 300);
    assert!(wait_consumer_idle(&js, WAIT).await);
    let ids = output_ids(&js).await;
    assert_eq!(ids.len(), 300);
    assert!(ids.values().all(|n| *n == 1), "published twice: {ids:?}");
    // Only the invalid JSON message is left.
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 1);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_not_a_hang() {
    let port = free_port();
    let started = Instant::now();
    let o = cli(&format!("nats://127.0.0.1:{port}"), &["dlq", "list"]);
    assert!(!o.status.success());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!stderr(&o).is_empty());
}
