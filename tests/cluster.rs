//! The fleet on a 3-node JetStream cluster (the compose `cluster` profile and the Helm
//! reference as local processes): streams and KV buckets at R3, worker processes given all
//! three nodes. The node leading the input stream is killed while articles flow, then comes
//! back: every article is published exactly once, copies are held back, nothing is
//! dead-lettered.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn a_three_node_cluster_loses_its_stream_leader_and_nothing_is_lost_or_doubled() {
    let mut cluster = NatsCluster::start(3);
    let env = test_env(
        &cluster.urls(),
        &[
            ("ENRICHER__DEDUP__STORE", "kv"),
            ("ENRICHER__NATS__STREAM__REPLICAS", "3"),
            ("ENRICHER__OUTPUT__REPLICAS", "3"),
            ("ENRICHER__DEDUP__KV__REPLICAS", "3"),
            ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "100"),
        ],
    );
    // Started while the cluster still elects its leaders: they wait for it, they do not exit.
    let workers: Vec<WorkerProcess> = (0..2).map(|_| spawn_worker_process(&env)).collect();
    let (_c, js) = connect_any(&cluster.urls()).await;
    cluster.wait_ready(&js).await;
    for w in &workers {
        w.ready().await;
    }

    let n = 600;
    let mut articles: Vec<_> = (0..n).map(article).collect();
    for i in 0..30 {
        let mut copy = article(i * 7);
        copy["id"] = format!("copy-{i}").into();
        articles.push(copy);
    }
    let (first, rest) = articles.split_at(articles.len() / 3);
    publish_until_acked(&js, first).await;

    // Kill the input stream's leader while the rest is published and processed.
    let leader = cluster
        .leader_of(&js, "ARTICLES")
        .await
        .expect("the input stream has a leader");
    cluster.nodes[leader].kill();
    publish_until_acked(&js, rest).await;
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64,
        "every story published while a node is down"
    );
    cluster.nodes[leader].restart();
    assert!(wait_consumer_idle(&js, WAIT).await);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in read_stream(&js, "ENRICHED").await {
        *per_id
            .entry(r.json()["id"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    assert_eq!(per_id.len(), n, "each story once, copies held back");
    assert!(per_id.values().all(|c| *c == 1), "nothing twice");
    // Each story is out under one id: its own, or (when a redelivery after the failover put the
    // copy first) its copy's.
    for i in 0..n {
        let copy = (i % 7 == 0 && i / 7 < 30).then(|| format!("copy-{}", i / 7));
        let out = usize::from(per_id.contains_key(&format!("art-{i}")))
            + copy.map_or(0, |c| usize::from(per_id.contains_key(&c)));
        assert_eq!(out, 1, "story {i} published once");
    }
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    for stream in [
        "ARTICLES",
        "ENRICHED",
        "ARTICLES_DLQ",
        "KV_article_hashes",
        "KV_article_bands",
    ] {
        assert_eq!(stream_replicas(&js, stream).await, 3, "{stream} at R3");
    }
}

/// A stream's replica count. A cluster that just lost a node may answer "timed out" while it
/// elects that stream's (or its metadata) leader, so a failed request is asked again for a while.
async fn stream_replicas(js: &async_nats::jetstream::Context, stream: &str) -> usize {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let info = match js.get_stream(stream).await {
            Ok(mut s) => s
                .info()
                .await
                .map(|i| i.config.num_replicas)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match info {
            Ok(replicas) => return replicas,
            Err(e) if std::time::Instant::now() < deadline => {
                eprintln!("{stream}: {e}; asking again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("{stream}: {e}"),
        }
    }
}
