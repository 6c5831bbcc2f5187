//! The deployment topology of `docker-compose.yml` as local processes: one nats-server and
//! several worker processes on one durable consumer. The work is split, nothing is lost and
//! nothing is published twice.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

async fn split_between(workers: usize, n: usize, store: &str) {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let env = test_env(&server.url(), &[("ENRICHER__DEDUP__STORE", store)]);
    let procs: Vec<WorkerProcess> = (0..workers).map(|_| spawn_worker_process(&env)).collect();
    for p in &procs {
        p.ready().await;
    }
    // Copies of some stories too: exact dedup across the fleet must hold within one consumer.
    let mut articles: Vec<_> = (0..n).map(article).collect();
    for i in 0..50 {
        let mut copy = article(i);
        copy["id"] = format!("copy-{i}").into();
        articles.push(copy);
    }
    publish_articles(&js, &articles).await;
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64
    );
    assert!(wait_consumer_idle(&js, WAIT).await);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let records = read_stream(&js, "ENRICHED").await;
    let mut per_worker: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        *per_worker
            .entry(r.header("Enricher-Worker").unwrap())
            .or_default() += 1;
        *per_id
            .entry(r.json()["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(records.len(), n, "each story once, copies held back");
    assert!(per_id.values().all(|c| *c == 1));
    assert_eq!(
        per_worker.len(),
        workers,
        "every replica took part: {per_worker:?}"
    );
    assert!(
        per_worker.values().all(|c| *c >= n / (workers * 5)),
        "work is split: {per_worker:?}"
    );
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
}

#[tokio::test]
async fn two_worker_processes_split_the_work() {
    split_between(2, 2000, "embedded").await;
}

/// The compose file's shape: one server, three replicas sharing the KV dedup store.
#[tokio::test]
async fn three_replicas_on_one_server_like_docker_compose() {
    split_between(3, 3000, "kv").await;
}
