//! The fleet-shared dedup store (`dedup.store = "kv"`) against a real nats-server: replicas
//! racing on copies decide as one worker would, a claim left by a crashed worker is taken over
//! without losing or doubling the article, and near copies are found across replicas.

mod common;

use article_enricher::dedup::HashKey;
use article_enricher::ops::metrics::OutcomeKind;
use article_enricher::pipeline::clean::learned::SourceMemory;
use article_enricher::pipeline::{Pipeline, PipelineOptions};
use common::*;
use std::collections::BTreeMap;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

fn kv_config(url: &str, extra: &[(&str, &str)]) -> article_enricher::config::Config {
    let mut settings = vec![
        ("ENRICHER__DEDUP__STORE", "kv"),
        ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "3s"),
        (
            "ENRICHER__NATS__CONSUMER__BACKOFF",
            "[\"200ms\", \"500ms\", \"1s\"]",
        ),
        ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "50"),
    ];
    settings.extend_from_slice(extra);
    test_config(url, &settings)
}

/// Ids of the records in the output stream, with how often each was stored.
async fn output_counts(js: &async_nats::jetstream::Context) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in read_stream(js, "ENRICHED").await {
        *counts
            .entry(m.json()["id"].as_str().unwrap_or_default().to_string())
            .or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn three_replicas_racing_on_copies_publish_each_story_once() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut workers = Vec::new();
    for _ in 0..3 {
        let mut w = spawn_worker(kv_config(&server.url(), &[]));
        w.ready().await;
        workers.push(w);
    }
    // 40 stories, each sent three times (the copies differ only in id and typography),
    // interleaved so that copies of one story reach different replicas at once.
    let mut batch = Vec::new();
    for copy in 0..3 {
        for i in 0..40 {
            let mut a = article(i);
            a["id"] = format!("art-{i}-copy-{copy}").into();
            if copy == 1 {
                a["text"] = a["text"].as_str().unwrap().replace('"', "\u{201c}").into();
            }
            batch.push(a);
        }
    }
    publish_articles(&js, &batch).await;
    assert!(wait_consumer_idle(&js, WAIT).await, "input not drained");
    let counts = output_counts(&js).await;
    // Exactly one record per story, stored once.
    let mut stories: BTreeMap<String, usize> = BTreeMap::new();
    for (id, n) in &counts {
        assert_eq!(*n, 1, "{id} stored {n} times");
        let story = id
            .rsplit_once("-copy-")
            .map(|(s, _)| s.to_string())
            .unwrap();
        *stories.entry(story).or_insert(0) += 1;
    }
    assert_eq!(stories.len(), 40, "{counts:?}");
    assert!(stories.values().all(|n| *n == 1), "{stories:?}");
    for w in workers {
        w.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_claim_left_by_a_crashed_worker_is_taken_over_once_stale() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let config = kv_config(&server.url(), &[]);
    let mut worker = spawn_worker(config.clone());
    worker.ready().await;

    // What a worker that crashed between its claim and its publish leaves behind.
    let story = article(7);
    let processed = Pipeline::new(PipelineOptions::from_config(&config))
        .process(
            &serde_json::to_vec(&story).unwrap(),
            chrono::Utc::now(),
            &SourceMemory::default(),
        )
        .unwrap();
    let key = format!("{:032x}", HashKey::from_hash(&processed.hash).0);
    let kv = js.get_key_value("article_hashes").await.unwrap();
    let since = epoch_now().as_millis();
    kv.create(&key, format!("pending {since} crashed:1 art-7").into())
        .await
        .unwrap();

    publish_articles(&js, std::slice::from_ref(&story)).await;
    // Held back while the claim is fresh, published once it is stale (ack_wait = 3 s).
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(stream_len(&js, "ENRICHED").await, 0);
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(output_counts(&js).await.get("art-7"), Some(&1));
    // The claim is now done, naming the article.
    let value = kv.get(&key).await.unwrap().unwrap();
    assert_eq!(String::from_utf8_lossy(&value), "done art-7");

    // A copy that comes later is a duplicate of it: nothing more is published.
    let mut copy = story.clone();
    copy["id"] = "art-7-copy".into();
    publish_articles(&js, std::slice::from_ref(&copy)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(stream_len(&js, "ENRICHED").await, 1);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn a_worker_that_published_but_crashed_before_done_publishes_nothing_twice() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let config = kv_config(&server.url(), &[]);

    // First life: publish the story normally, then turn its claim back into a stale pending
    // one, as if the worker had died after the publish ack but before writing "done".
    let mut worker = spawn_worker(config.clone());
    worker.ready().await;
    let story = article(3);
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();
    let kv = js.get_key_value("article_hashes").await.unwrap();
    let mut keys = kv.keys().await.unwrap();
    use futures::StreamExt;
    let key = keys.next().await.unwrap().unwrap();
    kv.put(&key, "pending 1 crashed:1 art-3".into())
        .await
        .unwrap();

    // The redelivered copy takes the stale claim over and republishes with the same
    // Nats-Msg-Id: the output stream keeps one record.
    let mut worker = spawn_worker(config);
    worker.ready().await;
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(output_counts(&js).await.get("art-3"), Some(&1));
    assert_eq!(stream_len(&js, "ENRICHED").await, 1);
    let value = kv.get(&key).await.unwrap().unwrap();
    assert_eq!(String::from_utf8_lossy(&value), "done art-3");
    worker.stop().await.unwrap();
}

/// The same crash, but what comes next is a copy under another id: its publish is stored once
/// (same content hash), and the worker records it as a duplicate of the article whose record
/// the output stream holds, with a notice, instead of counting it as published.
#[tokio::test]
async fn a_copy_meeting_a_stale_claim_is_recorded_as_a_duplicate_of_the_stored_record() {
    let server = NatsServer::start();
    let (client, js) = connect(&server.url()).await;
    js.get_or_create_stream(async_nats::jetstream::stream::Config {
        name: "DUPLICATES".into(),
        subjects: vec!["articles.duplicates".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    let config = kv_config(
        &server.url(),
        &[(
            "ENRICHER__OUTPUT__DUPLICATES_SUBJECT",
            "articles.duplicates",
        )],
    );
    let mut worker = spawn_worker(config.clone());
    worker.ready().await;
    publish_articles(&js, &[article(3)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();
    let kv = js.get_key_value("article_hashes").await.unwrap();
    use futures::StreamExt;
    let key = kv.keys().await.unwrap().next().await.unwrap().unwrap();
    kv.put(&key, "pending 1 crashed:1 art-3".into())
        .await
        .unwrap();

    let mut worker = spawn_worker(config);
    worker.ready().await;
    let mut copy = article(3);
    copy["id"] = "copy-of-3".into();
    publish_articles(&js, &[copy]).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    let counts = output_counts(&js).await;
    assert_eq!(counts.get("art-3"), Some(&1));
    assert_eq!(counts.get("copy-of-3"), None);
    let notices = read_stream(&js, "DUPLICATES").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].json()["id"], "copy-of-3");
    assert_eq!(notices[0].json()["duplicate_of"], "art-3");
    let value = kv.get(&key).await.unwrap().unwrap();
    assert_eq!(String::from_utf8_lossy(&value), "done art-3");
    worker.stop().await.unwrap();
    drop(client);
}

#[tokio::test]
async fn near_copies_are_found_across_replicas() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let paras: Vec<String> = (0..40)
        .map(|i| format!("Paragraph {i} of the harbour story reports what council member {i} said about the ferry terminal."))
        .collect();
    let mut edited = paras.clone();
    edited[10] = "The second outlet rewrote this paragraph in its own words.".into();
    let story = serde_json::json!({"id": "story", "text": paras.join("\n\n")});
    let copy = serde_json::json!({"id": "edited", "text": edited.join("\n\n")});

    // One replica sees the story, another (with its own process memory) the copy.
    let mut a = spawn_worker(kv_config(&server.url(), &[]));
    a.ready().await;
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    a.stop().await.unwrap();
    let mut b = spawn_worker(kv_config(&server.url(), &[]));
    b.ready().await;
    publish_articles(&js, std::slice::from_ref(&copy)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    let out = read_stream(&js, "ENRICHED").await;
    let near = out[1].json();
    assert_eq!(near["duplicate"]["kind"], "near");
    assert_eq!(near["duplicate"]["of"], "story");
    b.stop().await.unwrap();
}

#[tokio::test]
async fn while_the_kv_bucket_is_unavailable_articles_wait_and_are_not_lost() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let config = kv_config(&server.url(), &[]);
    let mut worker = spawn_worker(config.clone());
    worker.ready().await;
    js.delete_stream("KV_article_hashes").await.unwrap();

    publish_articles(&js, &[article(1), article(2)]).await;
    // (A KV request to a missing bucket fails at the request timeout, 3 s here.)
    let deadline = std::time::Instant::now() + WAIT;
    while worker.state.metrics.outcome_count(OutcomeKind::Retried) == 0 {
        assert!(std::time::Instant::now() < deadline, "never retried");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Neither published unchecked nor dropped nor dead-lettered: nak'ed with backoff.
    assert_eq!(stream_len(&js, "ENRICHED").await, 0);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    assert!(worker.state.metrics.outcome_count(OutcomeKind::Retried) > 0);
    worker.stop().await.unwrap();

    // Once the bucket is back (a restarted replica re-creates it), both go through once.
    let mut worker = spawn_worker(config);
    worker.ready().await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    assert!(wait_consumer_idle(&js, WAIT).await);
    let counts = output_counts(&js).await;
    assert_eq!(counts.get("art-1"), Some(&1));
    assert_eq!(counts.get("art-2"), Some(&1));
    worker.stop().await.unwrap();
}

/// A crash after "done" but before the input's ack: the redelivery (the same message, on a
/// fresh replica with an empty cache) finds its own article done, acks it and publishes nothing.
#[tokio::test]
async fn a_worker_that_crashed_after_done_before_the_ack_acks_the_redelivery_only() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let config = kv_config(&server.url(), &[]);
    let mut worker = spawn_worker(config.clone());
    worker.ready().await;
    let story = article(5);
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    assert!(wait_consumer_idle(&js, WAIT).await);
    worker.stop().await.unwrap();

    // The same bytes again stand for the redelivery of the unacked message.
    let mut worker = spawn_worker(config);
    worker.ready().await;
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(stream_len(&js, "ENRICHED").await, 1);
    let m = &worker.state.metrics;
    assert_eq!(m.outcome_count(OutcomeKind::AlreadyPublished), 1);
    assert_eq!(m.outcome_count(OutcomeKind::New), 0);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    worker.stop().await.unwrap();
}

/// The fleet store under crashes: three worker processes on the KV store, SIGKILLed and
/// restarted in turn while stories and their copies stream in. Every story is published
/// exactly once (copies held back), nothing is dead-lettered, the input drains.
#[tokio::test]
async fn replicas_sigkilled_and_restarted_lose_nothing_and_publish_nothing_twice() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    ensure_input_stream(&js).await;
    let env = test_env(
        &server.url(),
        &[
            ("ENRICHER__DEDUP__STORE", "kv"),
            ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "2s"),
            ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "100"),
        ],
    );
    let stories = 600;
    // Each story twice: the original id and a copy, the copy 50 messages later.
    let mut batch = Vec::new();
    for i in 0..stories {
        batch.push(article(i));
        if i >= 50 {
            let mut copy = article(i - 50);
            copy["id"] = format!("art-{}-copy", i - 50).into();
            batch.push(copy);
        }
    }
    for i in stories - 50..stories {
        let mut copy = article(i);
        copy["id"] = format!("art-{i}-copy").into();
        batch.push(copy);
    }
    publish_articles(&js, &batch).await;

    let mut procs: Vec<WorkerProcess> = (0..3).map(|_| spawn_worker_process(&env)).collect();
    // Six kills at rising progress marks, round-robin over the replicas.
    for (k, mark) in [60u64, 120, 180, 240, 300, 360].into_iter().enumerate() {
        let got = wait_stream_len(&js, "ENRICHED", mark, WAIT).await;
        assert!(got >= mark, "stalled at {got}");
        let victim = k % procs.len();
        procs[victim].kill9();
        procs[victim] = spawn_worker_process(&env);
    }
    assert!(wait_consumer_idle(&js, WAIT).await, "input not drained");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let counts = output_counts(&js).await;
    let mut per_story: BTreeMap<String, usize> = BTreeMap::new();
    for (id, n) in &counts {
        assert_eq!(*n, 1, "{id} stored {n} times");
        *per_story
            .entry(id.trim_end_matches("-copy").to_string())
            .or_insert(0) += 1;
    }
    let lost: Vec<usize> = (0..stories)
        .filter(|i| !per_story.contains_key(&format!("art-{i}")))
        .collect();
    assert!(lost.is_empty(), "lost {} stories: {lost:?}", lost.len());
    let twice: Vec<_> = per_story.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "published twice: {twice:?}");
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
}

/// Keys live for the dedup window (the bucket's max_age): a copy after it is new again.
#[tokio::test]
async fn claims_expire_with_the_dedup_window() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(kv_config(
        &server.url(),
        &[
            ("ENRICHER__DEDUP__WINDOW", "2s"),
            ("ENRICHER__OUTPUT__DUPLICATE_WINDOW", "1s"),
            ("ENRICHER__DEDUP__KV__CACHE_ENTRIES", "0"),
        ],
    ));
    worker.ready().await;
    let story = article(5);
    publish_articles(&js, std::slice::from_ref(&story)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 1, WAIT).await, 1);
    let mut copy = story.clone();
    copy["id"] = "art-5-copy".into();
    publish_articles(&js, std::slice::from_ref(&copy)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert_eq!(
        stream_len(&js, "ENRICHED").await,
        1,
        "copy within the window"
    );

    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut late = story.clone();
    late["id"] = "art-5-late".into();
    publish_articles(&js, std::slice::from_ref(&late)).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    assert_eq!(output_counts(&js).await.get("art-5-late"), Some(&1));
    worker.stop().await.unwrap();
}

/// With `on_outage = "embedded"` a replica keeps deciding with its own memory while the bucket
/// is gone: stories go out, its own copies are still held back.
#[tokio::test]
async fn on_outage_embedded_keeps_deciding_locally() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(kv_config(
        &server.url(),
        &[("ENRICHER__DEDUP__KV__ON_OUTAGE", "embedded")],
    ));
    worker.ready().await;
    js.delete_stream("KV_article_hashes").await.unwrap();
    js.delete_stream("KV_article_bands").await.unwrap();
    publish_articles(&js, &[article(1), article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    let mut copy = article(1);
    copy["id"] = "art-1-copy".into();
    publish_articles(&js, std::slice::from_ref(&copy)).await;
    assert!(wait_consumer_idle(&js, WAIT).await);
    let counts = output_counts(&js).await;
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    worker.stop().await.unwrap();
}

/// Wall time since the Unix epoch, as the stores take it.
fn epoch_now() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
}

fn kv_store(worker: &str) -> article_enricher::dedup::KvStore {
    article_enricher::dedup::KvStore::new(article_enricher::dedup::KvSettings {
        bucket: "article_hashes".into(),
        bands_bucket: "article_bands".into(),
        replicas: 1,
        window: Duration::from_secs(3600),
        pending_ttl: Duration::from_secs(30),
        cache_entries: 100,
        near_entries: 1000,
        near_memory: 1 << 20,
        worker: worker.into(),
        fallback_to_embedded: None,
    })
}

/// Polls `store.near` until it finds an original (the bands bucket is followed asynchronously).
async fn wait_near(
    store: &article_enricher::dedup::KvStore,
    sig: &article_enricher::pipeline::minhash::Signature,
) -> Option<article_enricher::dedup::NearMatch> {
    use article_enricher::dedup::DedupStore;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if let Some(m) = store.near(sig, 0.6, epoch_now()).await.unwrap() {
            return Some(m);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test]
async fn replicas_follow_each_others_originals_live_and_across_a_server_restart() {
    use article_enricher::dedup::DedupStore;
    use article_enricher::pipeline::minhash::signature;
    let mut server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let text = |tag: &str, n: usize| -> String {
        (0..n)
            .map(|i| format!("{tag}{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Both replicas carry the same worker name, as a restarted container does.
    let a = kv_store("host-1");
    let b = kv_store("host-1");
    a.attach(&js).await.unwrap();
    b.attach(&js).await.unwrap();

    let first = signature(&text("first", 300)).unwrap();
    assert_eq!(b.near(&first, 0.6, epoch_now()).await.unwrap(), None);
    a.remember_near(&first, "story-1", epoch_now())
        .await
        .unwrap();
    let m = wait_near(&b, &first).await.expect("b sees a's original");
    assert_eq!(m.of, "story-1");

    // The server goes away and comes back: the watch resumes and sees what came after.
    server.kill();
    server.restart();
    let (_c2, js2) = connect(&server.url()).await;
    let second = signature(&text("second", 300)).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while a
        .remember_near(&second, "story-2", epoch_now())
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "a cannot write after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let m = wait_near(&b, &second)
        .await
        .expect("b follows after the restart");
    assert_eq!(m.of, "story-2");

    // A replica started later loads the history.
    let c = kv_store("host-2");
    c.attach(&js2).await.unwrap();
    for (sig, of) in [(&first, "story-1"), (&second, "story-2")] {
        let found = c.near(sig, 0.6, epoch_now()).await.unwrap();
        assert_eq!(found.map(|m| m.of).as_deref(), Some(of));
    }
    let unrelated = signature(&text("other", 300)).unwrap();
    assert_eq!(c.near(&unrelated, 0.6, epoch_now()).await.unwrap(), None);
}

#[tokio::test]
async fn a_claim_that_vanished_before_its_commit_still_gets_the_done_mark() {
    use article_enricher::dedup::{Claim, DedupStore, HashKey};
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let a = kv_store("host-1");
    a.attach(&js).await.unwrap();
    let key = HashKey(0x5eed);
    let Claim::New(token) = a.claim(key, "story-1", epoch_now()).await.unwrap() else {
        panic!("a first sighting is a new claim");
    };
    // The claim goes away behind the worker's back, as when a broker loses its last writes in
    // a crash; the record is out, so the commit must still leave a done mark.
    let kv = js.get_key_value("article_hashes").await.unwrap();
    let k = format!("{:032x}", key.0);
    kv.purge(&k).await.unwrap();
    a.commit(token, epoch_now()).await.unwrap();
    let value = kv.get(&k).await.unwrap().expect("a done mark");
    assert_eq!(String::from_utf8_lossy(&value), "done story-1");

    // A copy on another replica is a duplicate of it, not a new story.
    let b = kv_store("host-2");
    b.attach(&js).await.unwrap();
    match b.claim(key, "copy-1", epoch_now()).await.unwrap() {
        Claim::Duplicate { of } => assert_eq!(of, "story-1"),
        other => panic!("the copy was {other:?}"),
    }

    // Taken over by another delivery meanwhile: the commit leaves the new holder's claim alone.
    let key2 = HashKey(0x5eee);
    let Claim::New(stale) = a.claim(key2, "story-2", epoch_now()).await.unwrap() else {
        panic!("a first sighting is a new claim");
    };
    let k2 = format!("{:032x}", key2.0);
    kv.put(&k2, "pending 1 host-3:1 story-2".into())
        .await
        .unwrap();
    a.commit(stale, epoch_now()).await.unwrap();
    let value = kv.get(&k2).await.unwrap().expect("the new holder's claim");
    assert_eq!(
        String::from_utf8_lossy(&value),
        "pending 1 host-3:1 story-2"
    );
}
