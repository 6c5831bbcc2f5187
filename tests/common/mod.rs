//! Test helpers: a real `nats-server -js` per test on a free port with its own store (the
//! pattern of the nats.rs test helper), in-process and out-of-process workers, a publisher and
//! a collector.
//!
//! The server binary comes from `NATS_SERVER_BIN`, else `nats-server` on PATH. Every server and
//! worker process is killed when its handle drops, so a failing test leaves nothing behind.
#![allow(dead_code)]

use article_enricher::config::Config;
use article_enricher::worker::{self, WorkerState};
use async_nats::jetstream::{self, consumer::pull, stream::Stream};
use futures::StreamExt;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub fn nats_server_bin() -> PathBuf {
    std::env::var_os("NATS_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("nats-server"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A nats-server child process with JetStream and its own store directory.
pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    dir: TempDir,
    config: Option<PathBuf>,
}

impl NatsServer {
    pub fn start() -> NatsServer {
        Self::start_with_config(None)
    }

    /// Starts with extra server configuration (e.g. an `authorization { ... }` block).
    pub fn start_with_config(extra: Option<&str>) -> NatsServer {
        Self::start_on(free_port(), extra)
    }

    /// [`Self::start_with_config`] on a given client port.
    pub fn start_on(port: u16, extra: Option<&str>) -> NatsServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = extra.map(|text| {
            let p = dir.path().join("server.conf");
            std::fs::write(&p, text).expect("write server config");
            p
        });
        let mut s = NatsServer {
            child: None,
            port,
            dir,
            config,
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        let store = self.dir.path().join("js");
        let log = self.dir.path().join("server.log");
        let mut cmd = Command::new(nats_server_bin());
        if let Some(conf) = &self.config {
            cmd.arg("-c").arg(conf);
        }
        cmd.args([
            "-a",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-js",
            "-sd",
        ])
        .arg(&store)
        .arg("-l")
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let before = self.log().matches("Server is ready").count();
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {} (set NATS_SERVER_BIN or put nats-server on PATH): {e}",
                nats_server_bin().display()
            )
        });
        self.child = Some(child);
        // Ready when our server says so (a bare TCP check could meet another process); the
        // log is appended across restarts, so count the announcements. A restart first
        // recovers its store, which takes a while once it holds a long run's million messages.
        let deadline = Instant::now() + Duration::from_secs(180);
        while self.log().matches("Server is ready").count() <= before {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("nats-server exited ({status}): {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "nats-server did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kills the server and starts it again on the same port with the same store.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Short timings for tests, as `ENRICHER__...` variables.
const TEST_SETTINGS: [(&str, &str); 11] = [
    ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "5s"),
    ("ENRICHER__NATS__CONSUMER__BACKOFF", "200ms,500ms,1s"),
    ("ENRICHER__NATS__CONSUMER__HEARTBEAT", "1s"),
    ("ENRICHER__NATS__CONSUMER__EXPIRES", "5s"),
    ("ENRICHER__NATS__REQUEST_TIMEOUT", "3s"),
    ("ENRICHER__WORKER__SHUTDOWN_TIMEOUT", "10s"),
    ("ENRICHER__WORKER__THREADS", "1"),
    ("ENRICHER__LOG__LEVEL", "info,html5ever=error"),
    ("ENRICHER__NATS__RETRY_ON_INITIAL_CONNECT", "true"),
    // A free port each, so workers run side by side.
    ("ENRICHER__OPS__LISTEN", "127.0.0.1:0"),
    ("ENRICHER__OPS__LAG_INTERVAL", "300ms"),
];

/// The environment a worker process needs: the test settings pointed at `url`, then `extra`
/// (later entries win).
pub fn test_env(url: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    std::iter::once(("ENRICHER__NATS__URL", url))
        .chain(TEST_SETTINGS)
        .chain(extra.iter().copied())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The same settings as a configuration, for in-process workers.
pub fn test_config(url: &str, extra: &[(&str, &str)]) -> Config {
    Config::load_from(None, test_env(url, extra)).unwrap_or_else(|e| panic!("test config: {e}"))
}

/// A worker running in this process, stopped through its shutdown future.
pub struct InProcessWorker {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
    pub state: Arc<WorkerState>,
}

pub fn spawn_worker(config: Config) -> InProcessWorker {
    // Logs only when asked for (RUST_LOG=...), through the test harness's capture.
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = Arc::new(WorkerState::default());
    let s = state.clone();
    let handle = tokio::spawn(async move {
        worker::run_with_state(
            config,
            async {
                let _ = rx.await;
            },
            s,
        )
        .await
    });
    InProcessWorker {
        stop: Some(tx),
        handle,
        state,
    }
}

impl InProcessWorker {
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match tokio::time::timeout(Duration::from_secs(30), &mut self.handle).await {
            Ok(joined) => joined?,
            Err(_) => anyhow::bail!("worker did not stop within 30 s"),
        }
    }

    /// Waits until the worker is consuming; fails with the worker's error if it exited.
    pub async fn ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.state.is_ready() {
            if self.handle.is_finished() {
                let result = (&mut self.handle).await;
                panic!("worker exited before it was ready: {result:?}");
            }
            assert!(Instant::now() < deadline, "worker never became ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A worker as a separate process of the real binary (for signals).
pub struct WorkerProcess {
    pub child: Child,
    log: PathBuf,
    _dir: TempDir,
}

pub fn spawn_worker_process(env: &[(String, String)]) -> WorkerProcess {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("worker.log");
    let file = std::fs::File::create(&log).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .arg("run")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("spawn worker");
    WorkerProcess {
        child,
        log,
        _dir: dir,
    }
}

impl WorkerProcess {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for exit; `None` on timeout.
    pub fn wait_timeout(&mut self, d: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + d;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until the log shows the worker pulling.
    pub async fn ready(&self) {
        self.ready_within(Duration::from_secs(30)).await;
    }

    /// [`Self::ready`], for a worker that may first have much to catch up on.
    pub async fn ready_within(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !(self.log().contains("pulling") || self.log().contains("subscribed")) {
            assert!(
                Instant::now() < deadline,
                "worker process never became ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test client; `nats://user:pass@host:port` credentials are honoured.
pub async fn connect(url: &str) -> (async_nats::Client, jetstream::Context) {
    let addr: async_nats::ServerAddr = url.parse().expect("server address");
    let mut opts = async_nats::ConnectOptions::new();
    if let (Some(u), Some(p)) = (addr.username(), addr.password()) {
        opts = opts.user_and_password(u.into(), p.into());
    }
    let client = opts.connect(addr).await.expect("connect");
    let js = jetstream::new(client.clone());
    (client, js)
}

/// A distinct article with several paragraphs.
pub fn article(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("art-{i}"),
        "url": format!("https://news.example/story/{i}?utm_source=feed"),
        "title": format!("Story number {i} - News Example"),
        "text": format!(
            "Council {i} met on Tuesday to discuss the harbour plan.\n\n\
             \"We will build it,\" the mayor said of project {i}.\n\n\
             Residents of district {i} were divided about the cost."
        ),
        "published_at": "2024-05-06T07:08:09Z",
        "lang": "en",
        "crawler": {"run": i},
    })
}

/// Creates the input stream as the worker would, so publishing before the worker starts works.
pub async fn ensure_input_stream(js: &jetstream::Context) -> Stream {
    js.get_or_create_stream(jetstream::stream::Config {
        name: "ARTICLES".into(),
        subjects: vec!["articles.raw.>".into()],
        retention: jetstream::stream::RetentionPolicy::WorkQueue,
        ..Default::default()
    })
    .await
    .expect("input stream")
}

/// Publishes raw payloads to `articles.raw.test` and waits for every publish ack.
pub async fn publish_raw(js: &jetstream::Context, payloads: &[Vec<u8>]) {
    let mut acks = Vec::new();
    for p in payloads {
        acks.push(
            js.publish("articles.raw.test", p.clone().into())
                .await
                .expect("publish"),
        );
    }
    for a in acks {
        a.await.expect("publish ack");
    }
}

pub async fn publish_articles(js: &jetstream::Context, articles: &[serde_json::Value]) {
    let payloads: Vec<Vec<u8>> = articles
        .iter()
        .map(|a| serde_json::to_vec(a).unwrap())
        .collect();
    publish_raw(js, &payloads).await;
}

/// Number of messages a stream holds (0 when it does not exist).
pub async fn stream_len(js: &jetstream::Context, name: &str) -> u64 {
    match js.get_stream(name).await {
        Ok(mut s) => s.info().await.map(|i| i.state.messages).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Waits until `stream` holds at least `n` messages; returns how many it holds.
pub async fn wait_stream_len(
    js: &jetstream::Context,
    name: &str,
    n: u64,
    timeout: Duration,
) -> u64 {
    let deadline = Instant::now() + timeout;
    loop {
        let len = stream_len(js, name).await;
        if len >= n || Instant::now() > deadline {
            return len;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the input consumer has nothing pending and nothing unacked.
pub async fn wait_consumer_idle(js: &jetstream::Context, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(stream) = js.get_stream("ARTICLES").await
            && let Ok(mut c) = stream.get_consumer::<pull::Config>("enricher").await
            && let Ok(info) = c.info().await
            && info.num_pending == 0
            && info.num_ack_pending == 0
        {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A stored message: subject, headers and payload.
pub struct Stored {
    pub subject: String,
    pub headers: Option<async_nats::HeaderMap>,
    pub payload: bytes::Bytes,
}

impl Stored {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload).expect("stored JSON")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|v| v.as_str().to_string())
    }
}

/// Every message of a stream, in order.
pub async fn read_stream(js: &jetstream::Context, name: &str) -> Vec<Stored> {
    let Ok(mut stream) = js.get_stream(name).await else {
        return Vec::new();
    };
    let Ok(info) = stream.info().await else {
        return Vec::new();
    };
    let (first, last) = (info.state.first_sequence, info.state.last_sequence);
    let mut out = Vec::new();
    if info.state.messages == 0 {
        return out;
    }
    for seq in first..=last {
        if let Ok(m) = stream.get_raw_message(seq).await {
            out.push(Stored {
                subject: m.subject.to_string(),
                headers: Some(m.headers),
                payload: m.payload,
            });
        }
    }
    out
}

/// Ids of the records in the output stream, with how often each appears.
pub async fn output_ids(js: &jetstream::Context) -> std::collections::BTreeMap<String, usize> {
    let mut ids = std::collections::BTreeMap::new();
    for m in read_stream(js, "ENRICHED").await {
        let id = m.json()["id"].as_str().unwrap_or_default().to_string();
        *ids.entry(id).or_insert(0) += 1;
    }
    ids
}

/// Reads `n` messages from a core subscription, or fewer when `timeout` passes.
pub async fn take(
    sub: &mut async_nats::Subscriber,
    n: usize,
    timeout: Duration,
) -> Vec<async_nats::Message> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while out.len() < n {
        match tokio::time::timeout_at(deadline, sub.next()).await {
            Ok(Some(m)) => out.push(m),
            _ => break,
        }
    }
    out
}

/// A plain HTTP/1.1 GET (the ops endpoint speaks nothing fancier): status and body.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// The value of one series (`name{labels}` exactly as exposed) in a Prometheus text scrape.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

impl InProcessWorker {
    /// The ops endpoint's address, once the worker has bound it.
    pub async fn ops_addr(&self) -> std::net::SocketAddr {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(a) = self.state.ops_addr.get() {
                return *a;
            }
            assert!(
                Instant::now() < deadline,
                "the ops endpoint was never bound"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A 3-node JetStream cluster on loopback ports, each node with its own store, as the compose
/// file's `cluster` profile and the NATS Helm chart run it.
pub struct NatsCluster {
    pub nodes: Vec<NatsServer>,
}

impl NatsCluster {
    pub fn start(size: usize) -> NatsCluster {
        let client_ports: Vec<u16> = (0..size).map(|_| free_port()).collect();
        let route_ports: Vec<u16> = (0..size).map(|_| free_port()).collect();
        let routes: Vec<String> = route_ports
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect();
        let nodes = (0..size)
            .map(|i| {
                let conf = format!(
                    "server_name: n{i}\ncluster {{\n  name: enricher\n  listen: 127.0.0.1:{}\n  routes: [{}]\n}}\n",
                    route_ports[i],
                    routes.join(", ")
                );
                NatsServer::start_on(client_ports[i], Some(&conf))
            })
            .collect();
        NatsCluster { nodes }
    }

    /// Every node's client URL, comma-separated (what `nats.url` takes).
    pub fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(NatsServer::url)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Waits until the cluster has a JetStream meta leader and can place an R3 stream.
    pub async fn wait_ready(&self, js: &jetstream::Context) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let probe = js
                .get_or_create_stream(jetstream::stream::Config {
                    name: "READY_PROBE".into(),
                    subjects: vec!["ready.probe".into()],
                    num_replicas: self.nodes.len(),
                    ..Default::default()
                })
                .await;
            if probe.is_ok() {
                let _ = js.delete_stream("READY_PROBE").await;
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the cluster never became ready: {:?}",
                probe.err()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The node that leads `stream` now.
    pub async fn leader_of(&self, js: &jetstream::Context, stream: &str) -> Option<usize> {
        let mut s = js.get_stream(stream).await.ok()?;
        let info = s.info().await.ok()?;
        let leader = info.cluster.as_ref()?.leader.clone()?;
        leader.strip_prefix('n')?.parse().ok()
    }
}

/// Connects to any of several comma-separated servers.
pub async fn connect_any(urls: &str) -> (async_nats::Client, jetstream::Context) {
    let addrs: Vec<async_nats::ServerAddr> = urls
        .split(',')
        .map(|u| u.parse().expect("server address"))
        .collect();
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(addrs)
        .await
        .expect("connect");
    let js = jetstream::new(client.clone());
    (client, js)
}

/// Publishes each article with its id as `Nats-Msg-Id`, retrying until the stream acks it (a
/// retry after a lost ack is stored once): a producer that loses nothing while nodes fail.
pub async fn publish_until_acked(js: &jetstream::Context, articles: &[serde_json::Value]) {
    for a in articles {
        let id = a["id"].as_str().unwrap_or_default().to_string();
        let payload = serde_json::to_vec(a).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", id.as_str());
            let sent = async {
                let ack = js
                    .publish_with_headers("articles.raw.test", headers, payload.clone().into())
                    .await?;
                ack.await
            }
            .await;
            match sent {
                Ok(_) => break,
                Err(e) => {
                    assert!(Instant::now() < deadline, "cannot publish {id}: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}
