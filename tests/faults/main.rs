//! Faults, load and hostile input, with real processes on loopback: nats-server (one node, or
//! a 3-node JetStream cluster with R3 streams and KV), several worker processes, a publisher
//! and a checker that accounts for every input id (published exactly once downstream, or a
//! recorded duplicate of a published story, or in the dead-letter stream with its reason and
//! original bytes). Each scenario prints `scenario=... articles=... faults=... lost=0
//! published_twice=0` and fails on anything else.
//!
//! CI runs every scenario at a few thousand articles. The long run (`cargo test --release
//! --test faults -- --ignored`, sized by `FAULTS_ARTICLES`) is what docs/RELIABILITY.md reports.

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod hostile;

use common::*;
use harness::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A scenario's inputs and the task publishing them.
struct Load {
    inputs: Arc<Vec<Input>>,
    task: tokio::task::JoinHandle<()>,
}

fn start_load(js: &async_nats::jetstream::Context, inputs: Vec<Input>, rate: Option<f64>) -> Load {
    let n = inputs.len();
    start_phased_load(js, inputs, vec![(n, rate)])
}

/// Publishes the inputs in phases: so many at such a rate, then the next.
fn start_phased_load(
    js: &async_nats::jetstream::Context,
    inputs: Vec<Input>,
    phases: Vec<(usize, Option<f64>)>,
) -> Load {
    let inputs = Arc::new(inputs);
    let (js, all) = (js.clone(), inputs.clone());
    let task = tokio::spawn(async move {
        let mut from = 0;
        for (count, rate) in phases {
            let to = (from + count).min(all.len());
            publish(&js, &all[from..to], rate).await;
            from = to;
        }
    });
    Load { inputs, task }
}

impl Load {
    fn done(&self) -> bool {
        self.task.is_finished()
    }

    async fn finish(self, js: &async_nats::jetstream::Context) -> Report {
        self.task.await.expect("publisher");
        check(js, &self.inputs).await
    }
}

/// One server with the harness's streams, and a client of it.
async fn single_node() -> (
    NatsServer,
    async_nats::Client,
    async_nats::jetstream::Context,
) {
    let server = NatsServer::start();
    let (client, js) = connect(&server.url()).await;
    prepare_streams(&js, 1).await;
    (server, client, js)
}

/// A 3-node cluster, ready, with the harness's streams at R3, and a client of it.
async fn three_nodes() -> (
    NatsCluster,
    async_nats::Client,
    async_nats::jetstream::Context,
) {
    let cluster = NatsCluster::start(3);
    let (client, js) = connect_any(&cluster.urls()).await;
    cluster.wait_ready(&js).await;
    prepare_streams(&js, 3).await;
    (cluster, client, js)
}

/// A TCP proxy in front of `server`, for pausing and cutting the workers' network path.
async fn proxy_to(server: &NatsServer) -> Proxy {
    let port: u16 = server
        .url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    Proxy::start(port).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_sigkilled_at_random_moments() {
    let (server, _c, js) = single_node().await;
    let mut fleet = Fleet::start(&server.url(), 3, &[]).await;
    let load = start_load(&js, corpus("kill", 3000, 1), Some(400.0));
    let mut rng = Rng::new(11);
    while !load.done() {
        tokio::time::sleep(rng.millis(300, 1200)).await;
        fleet.kill_and_restart(rng.below(3) as usize);
    }
    // Once more while the backlog drains.
    fleet.kill_and_restart(0);
    let report = load.finish(&js).await;
    report.assert_clean("workers_sigkilled", fleet.faults);
    assert!(fleet.faults >= 5, "only {} kills", fleet.faults);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_sigterm_restarts() {
    let (server, _c, js) = single_node().await;
    let mut fleet = Fleet::start(&server.url(), 3, &[]).await;
    let load = start_load(&js, corpus("roll", 3000, 2), Some(400.0));
    for round in 0..2 {
        for i in 0..3 {
            tokio::time::sleep(Duration::from_millis(400 + 100 * round)).await;
            fleet.terminate_and_restart(i).await;
        }
    }
    let report = load.finish(&js).await;
    fleet.assert_alive();
    report.assert_clean("rolling_sigterm", fleet.faults);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_server_killed_and_restarted() {
    let (mut server, _c, js) = single_node().await;
    let mut fleet = Fleet::start(&server.url(), 2, &[]).await;
    let load = start_load(&js, corpus("nats", 3000, 3), Some(400.0));
    let mut faults = 0;
    for pause in [1500, 3000] {
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.kill();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        server.restart();
        faults += 1;
    }
    let report = load.finish(&js).await;
    fleet.assert_alive();
    report.assert_clean("nats_restarted", faults);
}

fn cluster_settings() -> [(&'static str, &'static str); 4] {
    [
        ("ENRICHER__DEDUP__STORE", "kv"),
        ("ENRICHER__NATS__STREAM__REPLICAS", "3"),
        ("ENRICHER__OUTPUT__REPLICAS", "3"),
        ("ENRICHER__DEDUP__KV__REPLICAS", "3"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_stream_leader_and_another_node_killed() {
    let (mut cluster, _c, js) = three_nodes().await;
    let mut fleet = Fleet::start(&cluster.urls(), 2, &cluster_settings()).await;
    let load = start_load(&js, corpus("node", 2000, 4), Some(250.0));
    let mut faults = 0;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let leader = cluster
        .leader_of(&js, "ARTICLES")
        .await
        .expect("the input stream has a leader");
    cluster.nodes[leader].kill();
    faults += 1;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    cluster.nodes[leader].restart();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let other = (leader + 1) % 3;
    cluster.nodes[other].kill();
    faults += 1;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    cluster.nodes[other].restart();
    let report = load.finish(&js).await;
    fleet.assert_alive();
    report.assert_clean("cluster_node_killed", faults);
}

/// Two of three nodes down: no quorum, so the KV buckets (and the streams) are unavailable
/// until they return. Articles wait; nothing is decided without the shared dedup store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_quorum_lost_so_kv_is_unavailable() {
    let (mut cluster, _c, js) = three_nodes().await;
    let mut fleet = Fleet::start(&cluster.urls(), 2, &cluster_settings()).await;
    let load = start_load(&js, corpus("quorum", 1500, 5), Some(250.0));
    tokio::time::sleep(Duration::from_millis(2000)).await;
    cluster.nodes[1].kill();
    cluster.nodes[2].kill();
    tokio::time::sleep(Duration::from_millis(4000)).await;
    cluster.nodes[1].restart();
    cluster.nodes[2].restart();
    let report = load.finish(&js).await;
    fleet.assert_alive();
    report.assert_clean("kv_unavailable", 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_path_paused_then_cut() {
    let (server, _c, js) = single_node().await;
    let proxy = proxy_to(&server).await;
    let mut fleet = Fleet::start(&proxy.url(), 2, &[]).await;
    let load = start_load(&js, corpus("net", 3000, 6), Some(400.0));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Longer than ack_wait (3 s): the server redelivers what the stalled workers hold.
    proxy.set(Link::Paused);
    tokio::time::sleep(Duration::from_millis(4000)).await;
    proxy.set(Link::Open);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.set(Link::Cut);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    proxy.set(Link::Open);
    let report = load.finish(&js).await;
    fleet.assert_alive();
    report.assert_clean("network_paused_and_cut", 2);
}

/// The output stream is full (discard new): publishes fail, the inputs are nak'ed with
/// backoff and go through once there is room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_stream_full_then_room_again() {
    let (server, _c, js) = single_node().await;
    let full = async_nats::jetstream::stream::Config {
        name: "ENRICHED".into(),
        subjects: vec!["articles.enriched.>".into()],
        max_messages: 500,
        discard: async_nats::jetstream::stream::DiscardPolicy::New,
        duplicate_window: Duration::from_secs(600),
        ..Default::default()
    };
    js.create_stream(full.clone()).await.expect("output stream");
    let fleet = Fleet::start(&server.url(), 2, &[]).await;
    let load = start_load(&js, corpus("full", 2000, 7), None);
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", 500, Duration::from_secs(60)).await,
        500
    );
    // Publishes are refused for a while...
    tokio::time::sleep(Duration::from_secs(3)).await;
    let refused = fleet.logs().matches("transient failure").count();
    assert!(refused > 0, "no publish was refused:\n{}", fleet.logs());
    // ... then the stream gets room.
    js.update_stream(async_nats::jetstream::stream::Config {
        max_messages: -1,
        ..full
    })
    .await
    .expect("update");
    let report = load.finish(&js).await;
    report.assert_clean("output_full", 1);
    assert_eq!(
        report.dead_lettered_transient, 0,
        "retries outlasted the fault"
    );
}

/// Nobody reads the outputs fast (a slow core subscriber, an idle durable consumer) while a
/// backlog is worked off: the workers' memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_downstream_keeps_memory_bounded() {
    let (server, client, js) = single_node().await;
    let fleet = Fleet::start(&server.url(), 2, &[]).await;
    let mut slow = client.subscribe("articles.enriched.>").await.expect("sub");
    let reader = tokio::spawn(async move {
        use futures::StreamExt;
        while slow.next().await.is_some() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let load = start_load(&js, corpus("slow", 3000, 8), None);
    let mut peak = 0;
    while !load.done() || !drained(&js).await {
        peak = peak.max(fleet.max_rss());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = load.finish(&js).await;
    reader.abort();
    report.assert_clean("slow_downstream", 0);
    println!("slow_downstream peak_worker_rss_mb={}", peak >> 20);
    assert!(peak < 150 << 20, "a worker grew to {} MB", peak >> 20);
}

/// A steady rate, then a burst published as fast as the producer can (several times what the
/// fleet sustains), then steady again: the backlog is worked off, memory stays bounded,
/// nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_ten_times_the_rate() {
    let (server, _c, js) = single_node().await;
    let fleet = Fleet::start(&server.url(), 2, &[]).await;
    let inputs = corpus("burst", 5000, 9);
    let (steady, burst) = (600, 3400);
    let load = start_phased_load(
        &js,
        inputs,
        vec![(steady, Some(200.0)), (burst, None), (1000, Some(200.0))],
    );
    let mut peak = 0;
    // The burst starts once the steady phase is stored; time it, then time the fleet's drain.
    let mut burst_started = None;
    let mut burst_stored = None;
    while !load.done() {
        peak = peak.max(fleet.max_rss());
        let stored = stream_len(&js, "ARTICLES").await + stream_len(&js, "ENRICHED").await;
        if burst_started.is_none() && stored >= steady as u64 {
            burst_started = Some((Instant::now(), stream_len(&js, "ENRICHED").await));
        }
        if burst_stored.is_none() && stored >= (steady + burst) as u64 * 9 / 10 {
            burst_stored = Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = load.finish(&js).await;
    if let (Some((t0, out0)), Some(t1)) = (burst_started, burst_stored) {
        let publish_rate = burst as f64 * 0.9 / t1.duration_since(t0).as_secs_f64().max(0.001);
        let drained = stream_len(&js, "ENRICHED").await.saturating_sub(out0);
        let fleet_rate = drained as f64 / t0.elapsed().as_secs_f64().max(0.001);
        println!(
            "burst publish_rate={publish_rate:.0}/s fleet_rate={fleet_rate:.0}/s peak_worker_rss_mb={}",
            peak >> 20
        );
    }
    report.assert_clean("burst_10x", 0);
    assert!(peak < 150 << 20, "a worker grew to {} MB", peak >> 20);
}

/// The broker a long run injects server faults into.
enum Broker {
    /// One server: killed and restarted.
    Single(NatsServer),
    /// A 3-node cluster at R3: one node killed and restarted, often the input stream's leader.
    Cluster(NatsCluster),
}

impl Broker {
    /// `keep`: copy the killed server's input stream store there first (see
    /// [`keep_input_store`]).
    async fn kill_and_restart(
        &mut self,
        js: &async_nats::jetstream::Context,
        rng: &mut Rng,
        keep: Option<&std::path::Path>,
    ) {
        match self {
            Broker::Single(server) => {
                server.kill();
                if let Some(keep) = keep {
                    keep_input_store(server, keep);
                }
                tokio::time::sleep(rng.millis(500, 3000)).await;
                server.restart();
            }
            Broker::Cluster(cluster) => {
                let leader = cluster.leader_of(js, "ARTICLES").await;
                let node = match leader {
                    Some(l) if rng.below(2) == 0 => l,
                    _ => rng.below(cluster.nodes.len() as u64) as usize,
                };
                println!("  node n{node} killed (input stream leader: {leader:?})");
                cluster.nodes[node].kill();
                if let Some(keep) = keep {
                    keep_input_store(&cluster.nodes[node], keep);
                }
                tokio::time::sleep(rng.millis(1000, 4000)).await;
                cluster.nodes[node].restart();
            }
        }
    }

    fn keep_logs(&self, dir: &std::path::Path) {
        match self {
            Broker::Single(server) => {
                let _ = std::fs::write(dir.join("server.log"), server.log());
            }
            Broker::Cluster(cluster) => {
                for (i, node) in cluster.nodes.iter().enumerate() {
                    let _ = std::fs::write(dir.join(format!("server-n{i}.log")), node.log());
                }
            }
        }
    }
}

/// Copies the killed server's input stream store into `keep` (`input-store-before-restart`,
/// replacing the last copy) before it restarts. When the input stream's tail then turns out
/// gone, the long run renames the copy, so the broker's recovery can be replayed on the very
/// files it started from (`nats-server -js -sd COPY`).
fn keep_input_store(server: &NatsServer, keep: &std::path::Path) {
    // The store's layout under `-sd` is `jetstream/<account>/streams/<stream>`; a copy of the
    // one stream in that layout is a store a fresh server recovers.
    let streams = std::path::Path::new("jetstream/$G/streams");
    let to = keep.join("input-store-before-restart");
    let _ = std::fs::remove_dir_all(&to);
    let _ = std::fs::create_dir_all(to.join(streams));
    let from = server.dir().join("js").join(streams).join("ARTICLES");
    let to = to.join(streams);
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(&from)
        .arg(&to)
        .status();
    if !copied.is_ok_and(|s| s.success()) {
        println!("  could not copy {} to {}", from.display(), to.display());
    }
}

/// After a restart: whether the input stream's last message, stored and undelivered before
/// it, is gone now (the broker dropped it while recovering). Then the copy that
/// [`keep_input_store`] made in `keep` is renamed after the moment, and kept.
fn keep_store_if_tail_lost(
    before: Option<&TailState>,
    after: &TailState,
    t: f64,
    keep: Option<&std::path::Path>,
) {
    let Some(before) = before else { return };
    // Undelivered before the restart, not delivered since, and no longer stored.
    let lost = before.last_stored()
        && before.delivered < before.last_sequence
        && !after.last_stored()
        && after.delivered < before.last_sequence;
    if !lost {
        return;
    }
    println!("  the input stream's undelivered last message is gone after this restart");
    if let Some(keep) = keep {
        let to = keep.join(format!("input-store-tail-lost-at-{t:.0}s"));
        match std::fs::rename(keep.join("input-store-before-restart"), &to) {
            Ok(()) => println!("  the store it recovered from is kept in {}", to.display()),
            Err(e) => println!("  no store copy kept: {e}"),
        }
    }
}

fn articles_for_long_run() -> usize {
    std::env::var("FAULTS_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// The long run on one server: `FAULTS_ARTICLES` (1,000,000 by default) through a fleet of
/// three workers behind a proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: cargo test --release --test faults long_run -- --ignored --nocapture"]
async fn long_run_with_many_faults() {
    let (server, _c, js) = single_node().await;
    let proxies = vec![proxy_to(&server).await];
    let fleet = Fleet::start(&proxies[0].url(), 3, &[]).await;
    long_run("long_run", Broker::Single(server), proxies, fleet, &js).await;
}

/// The long run on a 3-node cluster with R3 streams and KV buckets: the workers reach each
/// node through its own proxy, and server faults kill one node at a time (half of the time
/// the input stream's leader), so no acknowledged message has a single copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: cargo test --release --test faults long_run -- --ignored --nocapture"]
async fn long_run_on_a_cluster() {
    let (cluster, _c, js) = three_nodes().await;
    let mut proxies = Vec::new();
    for node in &cluster.nodes {
        proxies.push(proxy_to(node).await);
    }
    let urls: Vec<String> = proxies.iter().map(Proxy::url).collect();
    let fleet = Fleet::start(&urls.join(","), 3, &cluster_settings()).await;
    long_run(
        "long_run_cluster",
        Broker::Cluster(cluster),
        proxies,
        fleet,
        &js,
    )
    .await;
}

/// A fault every few seconds (SIGKILL, SIGTERM, the broker killed, the network paused or cut)
/// until every article is through. Each fault is printed with its time, and `FAULTS_LOG_DIR`
/// keeps every worker's log and the servers', to match a failure to a fault.
async fn long_run(
    name: &str,
    mut broker: Broker,
    proxies: Vec<Proxy>,
    mut fleet: Fleet,
    js: &async_nats::jetstream::Context,
) {
    let n = articles_for_long_run();
    let started = Instant::now();
    let load = start_load(js, corpus(name, n, 42), None);
    let mut rng = Rng::new(4242);
    let mut faults = [0usize; 5];
    let mut peak = 0;
    let set_links = |link: Link| proxies.iter().for_each(|p| p.set(link));
    // Faults go on until the publisher is done and the fleet has worked off the backlog.
    let mut settle = Settle::default();
    let mut last_tail: Option<TailState> = None;
    // `FAULTS_KEEP_STORE`: a directory for the input store of each killed server, once the
    // publisher is done (see `keep_input_store`).
    let keep_dir = std::env::var_os("FAULTS_KEEP_STORE").map(std::path::PathBuf::from);
    while !(load.done() && settle.done(js).await) {
        tokio::time::sleep(rng.millis(2000, 6000)).await;
        peak = peak.max(fleet.max_rss());
        let kind = rng.below(10);
        println!(
            "fault t={:.1}s kind={kind} (0-4 sigkill, 5-6 sigterm, 7 server, 8 pause, 9 cut)",
            started.elapsed().as_secs_f64()
        );
        match kind {
            0..=4 => {
                fleet.kill_and_restart(rng.below(3) as usize);
                faults[0] += 1;
            }
            5 | 6 => {
                fleet.terminate_and_restart(rng.below(3) as usize).await;
                faults[1] += 1;
            }
            7 => {
                let keep = keep_dir.as_deref().filter(|_| load.done());
                broker.kill_and_restart(js, &mut rng, keep).await;
                faults[2] += 1;
            }
            8 => {
                set_links(Link::Paused);
                tokio::time::sleep(rng.millis(1000, 5000)).await;
                set_links(Link::Open);
                faults[3] += 1;
            }
            _ => {
                set_links(Link::Cut);
                tokio::time::sleep(rng.millis(500, 3000)).await;
                set_links(Link::Open);
                faults[4] += 1;
            }
        }
        if load.done() {
            match tail_state(js).await {
                Ok(now) => {
                    println!("  {now}");
                    if kind == 7 {
                        let t = started.elapsed().as_secs_f64();
                        keep_store_if_tail_lost(last_tail.as_ref(), &now, t, keep_dir.as_deref());
                    }
                    last_tail = Some(now);
                }
                Err(e) => println!("  {e}"),
            }
        }
    }
    let report = load.finish(js).await;
    explain_lost(js, &report.lost).await;
    if let Some(dir) = std::env::var_os("FAULTS_LOG_DIR") {
        let dir = std::path::PathBuf::from(dir);
        broker.keep_logs(&dir);
        for (i, w) in fleet.workers.iter().enumerate() {
            let _ = std::fs::write(dir.join(format!("worker-{i}-final.log")), w.log());
        }
    }
    println!(
        "{name} articles={n} input_retention={:?} secs={} sigkill={} sigterm={} server_kill={} network_pause={} network_cut={} peak_worker_rss_mb={}",
        input_retention(),
        started.elapsed().as_secs(),
        faults[0],
        faults[1],
        faults[2],
        faults[3],
        faults[4],
        peak >> 20
    );
    report.assert_clean(name, faults.iter().sum());
}

/// The broker alone, no worker: a work-queue stream of `FAULTS_TAIL_MESSAGES` (300,000 by
/// default) consumed in order at `FAULTS_TAIL_RATE` a second by a plain pull consumer while the
/// server is SIGKILLed and restarted every few seconds. After each restart the stream's last
/// message, which nobody has been delivered yet, must still be there. nats-server 2.15.1 fails
/// this (docs/RELIABILITY.md): the long runs' one lost story is the broker's, not the worker's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "diagnostic: cargo test --release --test faults broker_alone -- --ignored --nocapture"]
async fn broker_alone_keeps_an_undelivered_tail_across_sigkills() {
    use async_nats::jetstream::{consumer, stream};
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let (n, rate) = (
        env("FAULTS_TAIL_MESSAGES", 300_000),
        env("FAULTS_TAIL_RATE", 3_000),
    );
    let mut server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    js.get_or_create_stream(stream::Config {
        name: "TAILQ".into(),
        subjects: vec!["tailq.>".into()],
        retention: stream::RetentionPolicy::WorkQueue,
        ..Default::default()
    })
    .await
    .expect("stream");
    let body = bytes::Bytes::from(vec![b'x'; 2_000]);
    for chunk in (0..n).collect::<Vec<_>>().chunks(512) {
        let acks = futures::future::join_all(chunk.iter().map(|i| {
            let (js, body) = (js.clone(), body.clone());
            async move {
                let mut h = async_nats::HeaderMap::new();
                h.insert("Nats-Msg-Id", format!("tail-{i}").as_str());
                js.publish_with_headers(format!("tailq.{i}"), h, body)
                    .await
                    .expect("publish")
                    .await
                    .expect("stored")
            }
        }))
        .await;
        assert_eq!(acks.len(), chunk.len());
    }
    let stream = js.get_stream("TAILQ").await.expect("stream");
    stream
        .create_consumer(consumer::pull::Config {
            durable_name: Some("c".into()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: Duration::from_secs(2),
            ..Default::default()
        })
        .await
        .expect("consumer");
    // The consumer: batches at `rate`, acked one by one, until the tail is acked.
    let consuming = {
        let js = js.clone();
        tokio::spawn(async move {
            let mut acked = 0u64;
            while acked < n {
                let batch = async {
                    let c: consumer::PullConsumer =
                        js.get_stream("TAILQ").await?.get_consumer("c").await?;
                    let mut msgs = c
                        .fetch()
                        .max_messages(100)
                        .expires(Duration::from_secs(1))
                        .messages()
                        .await?;
                    // Acked out of order, as concurrent workers do, and one in fifty left
                    // for redelivery, so the store deletes from the middle.
                    let mut batch = Vec::new();
                    while let Some(m) = msgs.next().await {
                        batch.push(m?);
                    }
                    let mut got = 0;
                    for (k, m) in batch.iter().rev().enumerate() {
                        if (k as u64 + acked) % 50 != 7 || m.info().is_ok_and(|i| i.delivered > 1) {
                            m.ack().await?;
                            got += 1;
                        }
                    }
                    Ok::<u64, Box<dyn std::error::Error + Send + Sync>>(got)
                };
                match batch.await {
                    Ok(got) => acked += got,
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
                tokio::time::sleep(Duration::from_secs_f64(100.0 / rate as f64)).await;
            }
        })
    };
    use futures::StreamExt;
    let mut rng = Rng::new(7);
    let mut kills = 0;
    let lost_at = loop {
        tokio::time::sleep(rng.millis(2000, 5000)).await;
        if consuming.is_finished() {
            break None;
        }
        server.kill();
        tokio::time::sleep(rng.millis(200, 1500)).await;
        server.restart();
        kills += 1;
        // Wait for the stream to answer again, then look at its tail.
        let deadline = Instant::now() + Duration::from_secs(120);
        let (state, delivered) = loop {
            let info = async {
                let mut s = js.get_stream("TAILQ").await.ok()?;
                let st = s.info().await.ok()?.state.clone();
                let mut c: consumer::PullConsumer = s.get_consumer("c").await.ok()?;
                let delivered = c.info().await.ok()?.delivered.stream_sequence;
                let present = s.get_raw_message(st.last_sequence).await.is_ok();
                Some((st, delivered, present))
            };
            match info.await {
                Some((st, d, present)) => {
                    println!(
                        "kill {kills}: first={} last={} messages={} delivered={d} tail_present={present}",
                        st.first_sequence, st.last_sequence, st.messages
                    );
                    if !present && d < st.last_sequence {
                        break (Some(st), d);
                    }
                    break (None, d);
                }
                None if Instant::now() > deadline => panic!("the server never came back"),
                None => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        if let Some(st) = state {
            break Some((kills, st, delivered));
        }
    };
    consuming.abort();
    if let Some((kill, st, delivered)) = lost_at {
        let warnings: Vec<String> = server
            .log()
            .lines()
            .filter(|l| l.contains("[WRN] Filestore [TAILQ]"))
            .map(String::from)
            .collect();
        panic!(
            "after SIGKILL {kill} the stream lost its last message {} (messages={}, delivered through {delivered}); store warnings: {warnings:#?}",
            st.last_sequence, st.messages
        );
    }
    println!("broker_alone kills={kills} messages={n}: the tail survived every restart");
}

/// Accounts for a long run's inputs on a server left running after the run was stopped
/// (`FAULTS_CHECK_URL`, with `FAULTS_ARTICLES` and `FAULTS_CHECK_RUN`, "long_run" or
/// "long_run_cluster", as the run had them): the checker's verdict without its wait for the
/// fleet to finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "diagnostic: FAULTS_CHECK_URL=nats://127.0.0.1:PORT cargo test --release --test faults account_for -- --ignored --nocapture"]
async fn account_for_a_stopped_long_run() {
    let Ok(url) = std::env::var("FAULTS_CHECK_URL") else {
        panic!("FAULTS_CHECK_URL names the server of the stopped run");
    };
    let run = std::env::var("FAULTS_CHECK_RUN").unwrap_or_else(|_| "long_run".into());
    let (_c, js) = connect(&url).await;
    println!("{}", tail_line(&js).await);
    let inputs = corpus(&run, articles_for_long_run(), 42);
    let mut report = account(&js, &inputs).await;
    // A run stopped before the end leaves inputs in the stream that no worker has handled yet:
    // not lost, only not reached. The run is over, so its consumer goes, letting the stream be
    // read (a work queue allows one consumer at a time).
    if let Ok(stream) = js.get_stream("ARTICLES").await {
        let _ = stream.delete_consumer("enricher").await;
    }
    let by_bytes: std::collections::HashMap<blake3::Hash, &str> = inputs
        .iter()
        .map(|i| (blake3::hash(&i.bytes), i.id.as_str()))
        .collect();
    let mut waiting = std::collections::HashSet::new();
    each_message(&js, "ARTICLES", |m| {
        if let Some(id) = by_bytes.get(&blake3::hash(&m.payload)) {
            waiting.insert(id.to_string());
        }
    })
    .await;
    report.lost.retain(|id| !waiting.contains(id));
    println!("not reached (still in the input stream): {}", waiting.len());
    explain_lost(&js, &report.lost).await;
    report.assert_clean(&run, 0);
}
