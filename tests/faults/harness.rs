//! The fault harness: a corpus with known fates, a publisher that loses nothing, a fleet of
//! worker processes to kill, a TCP proxy to pause or cut, and the checker that accounts for
//! every input id.

use crate::common::*;
use async_nats::jetstream::{self, consumer};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What must become of an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// One story; every input of a group carries the same story (exact copies differing only
    /// in boilerplate and typography), so exactly one record per group may come out.
    Story { group: usize },
    /// Malformed: dead-lettered with this reason.
    Rejected { reason: &'static str },
}

pub struct Input {
    pub id: String,
    pub bytes: Vec<u8>,
    pub fate: Fate,
}

/// A small deterministic PRNG (splitmix64): the same corpus and the same fault moments for a
/// seed, run after run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.below(hi - lo + 1))
    }
}

const WORDS: &[&str] = &[
    "council", "harbour", "budget", "school", "river", "bridge", "station", "market", "union",
    "festival", "hospital", "library", "court", "mayor", "farmers", "rail", "energy", "housing",
    "museum", "police", "weather", "storm", "tunnel", "airport", "clinic", "teachers", "water",
    "forest", "factory", "election", "ferry", "stadium", "tax", "parking", "garden", "bakery",
    "students", "nurses", "drivers", "pensions", "canal", "orchard", "quarry", "bus", "tram",
];

/// One story's paragraphs: distinct vocabulary per story, so stories are neither exact nor
/// near copies of one another.
fn story(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..4)
        .map(|p| {
            let words: Vec<&str> = (0..40)
                .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
                .collect();
            format!(
                "Report {n}-{p}: the {} said on Tuesday that {}. \"It's {},\" she said.",
                words[0],
                words[1..39].join(" "),
                words[39]
            )
        })
        .collect()
}

/// The malformed inputs the corpus mixes in, with the reason each must be rejected for.
fn hostile(k: usize, id: &str) -> (Vec<u8>, &'static str) {
    match k % 7 {
        0 => (
            format!(r#"{{"id":"{id}","text":"truncated"#).into_bytes(),
            "invalid_json",
        ),
        1 => {
            let mut b = format!(r#"{{"id":"{id}","text":"caf"#).into_bytes();
            b.extend_from_slice(b"\xe9 \xff\xfe\"}");
            (b, "invalid_utf8")
        }
        2 => (
            format!(r#"["{id}","not an object"]"#).into_bytes(),
            "not_an_object",
        ),
        3 => (
            format!(r#"{{"id":"{id}","title":"no body"}}"#).into_bytes(),
            "missing_content",
        ),
        4 => (
            format!(r#"{{"id":"{id}","text":["wrong","type"]}}"#).into_bytes(),
            "invalid_field",
        ),
        5 => (
            format!(r#"{{"id":"{id}","text":"Share this article\n\nAdvertisement"}}"#).into_bytes(),
            "empty_after_cleaning",
        ),
        _ => (
            format!(r#"{{"id":"{id}","text":"   \n\t  "}}"#).into_bytes(),
            "missing_content",
        ),
    }
}

/// `n` inputs for run `run`: mostly new stories, one in ten an exact copy of an earlier story
/// (other boilerplate, curly quotes, other case), one in fifty malformed.
pub fn corpus(run: &str, n: usize, seed: u64) -> Vec<Input> {
    let mut rng = Rng::new(seed);
    let mut stories: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("{run}-{i}");
        if i % 50 == 13 {
            let (bytes, reason) = hostile(i / 50, &id);
            out.push(Input {
                id,
                bytes,
                fate: Fate::Rejected { reason },
            });
            continue;
        }
        let (group, body) = if i % 10 == 7 && !stories.is_empty() {
            let g = rng.below(stories.len() as u64) as usize;
            // The same story as another site prints it: curly quotes and apostrophes, an en
            // dash, non-breaking spaces, a paragraph in capitals, and its own boilerplate.
            let mut paras: Vec<String> = stories[g]
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let p = p
                        .replacen('"', "\u{201c}", 1)
                        .replacen('"', "\u{201d}", 1)
                        .replace('\'', "\u{2019}")
                        .replacen('-', "\u{2013}", 1);
                    match k {
                        0 => p.to_uppercase(),
                        1 => p.replace(' ', "\u{a0}"),
                        _ => p,
                    }
                })
                .collect();
            paras.insert(2, "Share this article on Facebook".into());
            paras.push("Copyright 2026 The Example Wire. All rights reserved.".into());
            (g, paras)
        } else {
            let paras = story(&mut rng, stories.len());
            stories.push(paras.clone());
            (stories.len() - 1, paras)
        };
        let a = serde_json::json!({
            "id": id,
            "url": format!("https://news{}.example/{run}/{i}", i % 5),
            "title": format!("Story {group} of the day"),
            "text": body.join("\n\n"),
            "published_at": "2026-11-30T08:00:00Z",
        });
        out.push(Input {
            id,
            bytes: serde_json::to_vec(&a).expect("json"),
            fate: Fate::Story { group },
        });
    }
    out
}

/// Publishes inputs with their id as `Nats-Msg-Id`, at most `window` acks outstanding, at
/// `rate` per second (as fast as possible when `None`), retrying each until the stream acks
/// it: a producer that loses nothing while servers restart.
pub async fn publish(js: &jetstream::Context, inputs: &[Input], rate: Option<f64>) {
    let started = Instant::now();
    let window = 256;
    for (chunk_no, chunk) in inputs.chunks(window).enumerate() {
        if let Some(r) = rate {
            let due = Duration::from_secs_f64((chunk_no * window) as f64 / r);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                tokio::time::sleep(wait).await;
            }
        }
        let mut pending: Vec<&Input> = chunk.iter().collect();
        let deadline = Instant::now() + Duration::from_secs(120);
        while !pending.is_empty() {
            let sends = pending.iter().map(|input| async move {
                let mut h = async_nats::HeaderMap::new();
                h.insert("Nats-Msg-Id", input.id.as_str());
                let ack = js
                    .publish_with_headers("articles.raw.faults", h, input.bytes.clone().into())
                    .await;
                match ack {
                    Ok(ack) => ack.await.is_ok(),
                    Err(_) => false,
                }
            });
            let acked = futures::future::join_all(sends).await;
            pending = pending
                .into_iter()
                .zip(acked)
                .filter(|(_, ok)| !ok)
                .map(|(i, _)| i)
                .collect();
            if !pending.is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "{} inputs never acked by the input stream",
                    pending.len()
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// The input stream's retention: a work queue, as the worker provisions it by default, or
/// with `FAULTS_INPUT_RETENTION=limits` a limits stream, where an ack moves the consumer on
/// without removing the message (nats-server 2.15.1 can drop a work queue's undelivered last
/// message while recovering from a SIGKILL: docs/RELIABILITY.md).
pub fn input_retention() -> jetstream::stream::RetentionPolicy {
    match std::env::var("FAULTS_INPUT_RETENTION").as_deref() {
        Ok("limits") => jetstream::stream::RetentionPolicy::Limits,
        _ => jetstream::stream::RetentionPolicy::WorkQueue,
    }
}

/// The streams the harness reads, created before the workers start: the duplicates notice
/// stream (so every exact duplicate leaves a durable trace), and the input stream.
pub async fn prepare_streams(js: &jetstream::Context, replicas: usize) {
    let create = |name: &str, subject: &str, retention| {
        js.get_or_create_stream(jetstream::stream::Config {
            name: name.into(),
            subjects: vec![subject.into()],
            retention,
            num_replicas: replicas,
            duplicate_window: Duration::from_secs(600),
            ..Default::default()
        })
    };
    create("ARTICLES", "articles.raw.>", input_retention())
        .await
        .expect("input stream");
    create(
        "DUPLICATES",
        "articles.duplicates",
        jetstream::stream::RetentionPolicy::Limits,
    )
    .await
    .expect("duplicates stream");
}

/// Settings every harness worker gets on top of the test settings.
/// The fleet shares one dedup memory (the KV store), as production replicas do: every copy is
/// caught by whichever replica takes it, and leaves a notice.
pub const HARNESS_SETTINGS: [(&str, &str); 5] = [
    ("ENRICHER__DEDUP__STORE", "kv"),
    (
        "ENRICHER__OUTPUT__DUPLICATES_SUBJECT",
        "articles.duplicates",
    ),
    ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "3s"),
    ("ENRICHER__NATS__CONSUMER__MAX_DELIVER", "100"),
    ("ENRICHER__WORKER__SHUTDOWN_TIMEOUT", "10s"),
];

/// Worker processes of the real binary sharing one durable consumer.
pub struct Fleet {
    pub env: Vec<(String, String)>,
    pub workers: Vec<WorkerProcess>,
    pub faults: usize,
}

impl Fleet {
    pub async fn start(urls: &str, size: usize, extra: &[(&str, &str)]) -> Fleet {
        let settings: Vec<(&str, &str)> = HARNESS_SETTINGS
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect();
        let env = test_env(urls, &settings);
        let workers: Vec<WorkerProcess> = (0..size).map(|_| spawn_worker_process(&env)).collect();
        for w in &workers {
            w.ready().await;
        }
        Fleet {
            env,
            workers,
            faults: 0,
        }
    }

    /// Keeps worker `i`'s log in `FAULTS_LOG_DIR`, when set, before its process is replaced
    /// (its temporary directory goes with it): the long run's evidence.
    fn keep_log(&self, i: usize) {
        if let Some(dir) = std::env::var_os("FAULTS_LOG_DIR") {
            let dir = std::path::PathBuf::from(dir);
            let _ = std::fs::create_dir_all(&dir);
            let name = format!("worker-{i}-{}.log", self.faults);
            let _ = std::fs::write(dir.join(name), self.workers[i].log());
        }
    }

    /// SIGKILL, then a fresh process in its place.
    pub fn kill_and_restart(&mut self, i: usize) {
        self.workers[i].kill9();
        self.keep_log(i);
        self.workers[i] = spawn_worker_process(&self.env);
        self.faults += 1;
    }

    /// SIGTERM: the worker must drain and exit 0 in time; then a fresh process in its place.
    pub async fn terminate_and_restart(&mut self, i: usize) {
        self.workers[i].signal("TERM");
        let status = self.workers[i].wait_timeout(Duration::from_secs(20));
        assert!(
            status.is_some_and(|s| s.success()),
            "SIGTERM did not end the worker cleanly ({status:?}):\n{}",
            self.workers[i].log()
        );
        self.keep_log(i);
        self.workers[i] = spawn_worker_process(&self.env);
        // A long run's replica first catches up on a long KV history.
        self.workers[i].ready_within(Duration::from_secs(120)).await;
        self.faults += 1;
    }

    /// Panics if a worker died on its own (a crash, not an injected fault).
    pub fn assert_alive(&mut self) {
        for w in &mut self.workers {
            if let Ok(Some(status)) = w.child.try_wait() {
                panic!("a worker exited by itself ({status}):\n{}", w.log());
            }
        }
    }

    /// Largest resident set of the workers now, in bytes.
    pub fn max_rss(&self) -> u64 {
        self.workers
            .iter()
            .filter_map(|w| rss_bytes(w.child.id()))
            .max()
            .unwrap_or(0)
    }

    pub fn logs(&self) -> String {
        self.workers
            .iter()
            .map(WorkerProcess::log)
            .collect::<Vec<_>>()
            .join("\n----\n")
    }
}

pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// What the proxy does with the bytes between the workers and the server.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
pub enum Link {
    Open = 0,
    /// Connections stay up but nothing moves: a stalled network path.
    Paused = 1,
    /// Every connection is closed and new ones refused: a cut.
    Cut = 2,
}

/// A TCP proxy on a free loopback port in front of a server.
pub struct Proxy {
    pub port: u16,
    link: Arc<AtomicU8>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let link = Arc::new(AtomicU8::new(Link::Open as u8));
        let l = link.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if l.load(Ordering::Relaxed) == Link::Cut as u8 {
                    continue; // dropped: refused
                }
                let l = l.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::select! {
                        _ = pipe(cr, sw, l.clone()) => {}
                        _ = pipe(sr, cw, l) => {}
                    }
                });
            }
        });
        Proxy { port, link, task }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, link: Link) {
        self.link.store(link as u8, Ordering::Relaxed);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies one direction, holding bytes while paused and closing on a cut.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    link: Arc<AtomicU8>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = tokio::select! {
            r = from.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            _ = wait_cut(&link) => return,
        };
        loop {
            match link.load(Ordering::Relaxed) {
                x if x == Link::Cut as u8 => return,
                x if x == Link::Paused as u8 => tokio::time::sleep(Duration::from_millis(20)).await,
                _ => break,
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

async fn wait_cut(link: &AtomicU8) {
    while link.load(Ordering::Relaxed) != Link::Cut as u8 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the checker found: every input accounted for, or the ways it was not.
#[derive(Debug, Default)]
pub struct Report {
    pub articles: usize,
    pub published: usize,
    pub duplicates: usize,
    pub dead_lettered: usize,
    /// Stories dead-lettered after every delivery failed (accounted: the bytes are there to
    /// replay, but they say a fault lasted longer than the retries).
    pub dead_lettered_transient: usize,
    pub lost: Vec<String>,
    /// Inputs with more than one record, and stories with records under several ids.
    pub twice: Vec<String>,
    /// Accounted for in a way its fate forbids (a malformed input published, a wrong reason,
    /// a duplicate notice pointing at nothing published).
    pub wrong: Vec<String>,
}

impl Report {
    pub fn assert_clean(&self, what: &str, faults: usize) {
        println!(
            "scenario={what} articles={} faults={faults} published={} duplicates={} dead_lettered={} dead_lettered_transient={} lost={} published_twice={} wrong={}",
            self.articles,
            self.published,
            self.duplicates,
            self.dead_lettered,
            self.dead_lettered_transient,
            self.lost.len(),
            self.twice.len(),
            self.wrong.len()
        );
        let sample = |v: &Vec<String>| v.iter().take(10).cloned().collect::<Vec<_>>();
        let faults_found = [
            ("lost", &self.lost),
            ("published twice", &self.twice),
            ("wrongly accounted", &self.wrong),
        ];
        let found: Vec<String> = faults_found
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(what, v)| format!("{what} {}: {:?}", v.len(), sample(v)))
            .collect();
        assert!(found.is_empty(), "{what}: {}", found.join("; "));
    }
}

/// Streams every message of `stream` through `f` (an ordered consumer: no per-message
/// requests, so a million records read in seconds). A work queue, which takes only consumers
/// that ack and only one at a time, is read by a consumer that never acks, so its messages stay;
/// its own consumer must be gone first.
pub async fn each_message(
    js: &jetstream::Context,
    stream: &str,
    mut f: impl FnMut(&async_nats::jetstream::Message),
) {
    let Ok(mut s) = js.get_stream(stream).await else {
        return;
    };
    let Ok(info) = s.info().await else { return };
    let total = info.state.messages;
    if total == 0 {
        return;
    }
    let mut msgs = if info.config.retention == jetstream::stream::RetentionPolicy::WorkQueue {
        s.create_consumer(consumer::pull::Config {
            ack_policy: consumer::AckPolicy::Explicit,
            max_ack_pending: -1,
            ack_wait: Duration::from_secs(3600),
            ..Default::default()
        })
        .await
        .expect("a reader of the work queue")
        .messages()
        .await
        .expect("messages")
        .map(|m| m.map_err(|e| e.to_string()))
        .boxed()
    } else {
        s.create_consumer(consumer::pull::OrderedConfig::default())
            .await
            .expect("ordered consumer")
            .messages()
            .await
            .expect("messages")
            .map(|m| m.map_err(|e| e.to_string()))
            .boxed()
    };
    let mut seen = 0;
    while seen < total {
        match tokio::time::timeout(Duration::from_secs(30), msgs.next()).await {
            Ok(Some(Ok(m))) => {
                f(&m);
                seen += 1;
            }
            other => panic!(
                "reading {stream}: {seen} of {total}: {:?}",
                other.map(|o| o.map(|r| r.map(|_| ())))
            ),
        }
    }
}

/// Whether the fleet has finished: the consumer holds nothing and has acked (or terminated)
/// everything up to the input stream's last message, or the stream is empty. Its pending
/// counts alone can read zero for a moment after a server restart while a message still
/// waits; the stream's own count can stay above zero on 2.9, which may keep a few acked
/// work-queue messages after a restart; and a server recovering from SIGKILL may lose its
/// last message outright (then the stream is empty though the ack floor stops short of it).
pub async fn drained(js: &jetstream::Context) -> bool {
    let Ok(mut stream) = js.get_stream("ARTICLES").await else {
        return false;
    };
    let Ok((messages, last_sequence)) = stream
        .info()
        .await
        .map(|i| (i.state.messages, i.state.last_sequence))
    else {
        return false;
    };
    let last = if messages == 0 { 0 } else { last_sequence };
    let Ok(mut consumer) = stream
        .get_consumer::<consumer::pull::Config>("enricher")
        .await
    else {
        return false;
    };
    consumer.info().await.is_ok_and(|c| {
        c.num_pending == 0 && c.num_ack_pending == 0 && c.ack_floor.stream_sequence >= last
    })
}

/// What moves while the fleet works: the outputs' lengths and the consumer's delivered
/// sequence and pending counts.
async fn progress(js: &jetstream::Context) -> Option<[u64; 6]> {
    let mut c: consumer::PullConsumer = js
        .get_stream("ARTICLES")
        .await
        .ok()?
        .get_consumer("enricher")
        .await
        .ok()?;
    let ci = c.info().await.ok()?.clone();
    Some([
        stream_len(js, "ENRICHED").await,
        stream_len(js, "DUPLICATES").await,
        stream_len(js, "ARTICLES_DLQ").await,
        ci.delivered.stream_sequence,
        ci.num_pending,
        ci.num_ack_pending as u64,
    ])
}

/// Whether the fleet has finished: [`drained`], or nothing is left to deliver and nothing has
/// moved for `QUIET` (2.9.10 can keep acknowledgements pending for messages it has already
/// removed, so its ack floor never reaches the end). Either way the accounting that follows
/// says whether anything was lost.
#[derive(Default)]
pub struct Settle {
    last: Option<([u64; 6], Instant)>,
}

impl Settle {
    const QUIET: Duration = Duration::from_secs(60);

    pub async fn done(&mut self, js: &jetstream::Context) -> bool {
        if drained(js).await {
            return true;
        }
        let Some(now) = progress(js).await.filter(|p| p[4] == 0) else {
            self.last = None;
            return false;
        };
        match self.last {
            Some((before, since)) if before == now => {
                let quiet = since.elapsed() >= Self::QUIET;
                if quiet {
                    println!(
                        "settled without draining: nothing moved for {:?} ({now:?})",
                        Self::QUIET
                    );
                }
                quiet
            }
            _ => {
                self.last = Some((now, Instant::now()));
                false
            }
        }
    }
}

async fn wait_drained(js: &jetstream::Context, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut settle = Settle::default();
    while !settle.done(js).await {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// The input stream's state and its consumer's: first and last sequence, the id of the last
/// stored input (`None` once it left the stream), and the consumer's delivered sequence, ack
/// floor and pending counts. Printed after each fault once the publisher is done, it pins down
/// the fault after which an undelivered message left the stream; printed for a loss, it is the
/// broker's side of the story.
pub struct TailState {
    pub first_sequence: u64,
    pub last_sequence: u64,
    pub messages: u64,
    pub deleted: u64,
    /// The `Nats-Msg-Id` of the message at `last_sequence`, if it is still stored.
    pub last_id: Option<String>,
    /// The consumer's delivered stream sequence (0 when unknown).
    pub delivered: u64,
    /// The consumer's ack floor and pending counts, or why they are unknown.
    pub consumer: String,
}

impl TailState {
    pub fn last_stored(&self) -> bool {
        self.last_id.is_some()
    }
}

impl std::fmt::Display for TailState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tail: first={} last={} messages={} deleted={} last_stored={:?} delivered={} {}",
            self.first_sequence,
            self.last_sequence,
            self.messages,
            self.deleted,
            self.last_id,
            self.delivered,
            self.consumer
        )
    }
}

/// [`TailState`] as the broker reports it now, or why it cannot be read.
pub async fn tail_state(js: &jetstream::Context) -> Result<TailState, String> {
    let mut stream = js
        .get_stream("ARTICLES")
        .await
        .map_err(|e| format!("tail: input stream unreachable: {e}"))?;
    let st = stream
        .info()
        .await
        .map(|i| i.state.clone())
        .map_err(|e| format!("tail: input stream info unreachable: {e}"))?;
    let last_id = match stream.get_raw_message(st.last_sequence).await {
        Ok(m) => Some(
            m.headers
                .get("Nats-Msg-Id")
                .map_or_else(String::new, |v| v.as_str().to_string()),
        ),
        Err(_) => None,
    };
    let (delivered, consumer) = match stream
        .get_consumer::<consumer::pull::Config>("enricher")
        .await
    {
        Ok(mut c) => match c.info().await {
            Ok(ci) => (
                ci.delivered.stream_sequence,
                format!(
                    "ack_floor={} pending={} ack_pending={} redelivered={}",
                    ci.ack_floor.stream_sequence,
                    ci.num_pending,
                    ci.num_ack_pending,
                    ci.num_redelivered
                ),
            ),
            Err(e) => (0, format!("consumer info: {e}")),
        },
        Err(e) => (0, format!("consumer: {e}")),
    };
    Ok(TailState {
        first_sequence: st.first_sequence,
        last_sequence: st.last_sequence,
        messages: st.messages,
        deleted: st.deleted_count.unwrap_or(0),
        last_id,
        delivered,
        consumer,
    })
}

/// [`tail_state`] as one line, for the logs.
pub async fn tail_line(js: &jetstream::Context) -> String {
    match tail_state(js).await {
        Ok(t) => t.to_string(),
        Err(e) => e,
    }
}

/// What the broker says about lost inputs, for the long run's evidence: [`tail_state`], and
/// whether a lost id turns up after all (a record arriving late would mean the checker stopped
/// too early, not a loss).
pub async fn explain_lost(js: &jetstream::Context, lost: &[String]) {
    if lost.is_empty() {
        return;
    }
    println!("lost: {}", tail_line(js).await);
    tokio::time::sleep(Duration::from_secs(30)).await;
    let mut late = Vec::new();
    let lost: HashSet<&str> = lost.iter().map(String::as_str).collect();
    each_message(js, "ENRICHED", |m| {
        let r: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
        if let Some(id) = r["id"].as_str().filter(|id| lost.contains(id)) {
            late.push(id.to_string());
        }
    })
    .await;
    println!("lost: published 30 s after the check: {late:?}");
}

/// Waits until the fleet has taken every input, then accounts for each one.
pub async fn check(js: &jetstream::Context, inputs: &[Input]) -> Report {
    assert!(
        wait_drained(js, Duration::from_secs(180)).await,
        "the workers never caught up ({} inputs stored)",
        stream_len(js, "ARTICLES").await
    );
    // A redelivery still in flight somewhere would show up now, not after the check.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(wait_drained(js, Duration::from_secs(60)).await);
    account(js, inputs).await
}

/// Accounts for each input in the streams as they are now (no waiting for the fleet).
pub async fn account(js: &jetstream::Context, inputs: &[Input]) -> Report {
    let mut records: HashMap<String, usize> = HashMap::new();
    let mut hashes_seen: HashMap<String, Vec<String>> = HashMap::new();
    each_message(js, "ENRICHED", |m| {
        let r: serde_json::Value = serde_json::from_slice(&m.payload).expect("record JSON");
        let id = r["id"].as_str().unwrap_or_default().to_string();
        *records.entry(id.clone()).or_default() += 1;
        let hash = r["content_hash"].as_str().unwrap_or_default().to_string();
        hashes_seen.entry(hash).or_default().push(id);
    })
    .await;
    let mut duplicate_of: HashMap<String, String> = HashMap::new();
    each_message(js, "DUPLICATES", |m| {
        let n: serde_json::Value = serde_json::from_slice(&m.payload).expect("notice JSON");
        duplicate_of.insert(
            n["id"].as_str().unwrap_or_default().into(),
            n["duplicate_of"].as_str().unwrap_or_default().into(),
        );
    })
    .await;
    let by_bytes: HashMap<blake3::Hash, &Input> =
        inputs.iter().map(|i| (blake3::hash(&i.bytes), i)).collect();
    let mut dead: HashMap<String, String> = HashMap::new();
    let mut report = Report {
        articles: inputs.len(),
        ..Default::default()
    };
    each_message(js, "ARTICLES_DLQ", |m| {
        let reason = m
            .headers
            .as_ref()
            .and_then(|h| h.get("Enricher-Reason"))
            .map(|v| v.as_str().to_string())
            .unwrap_or_default();
        match by_bytes.get(&blake3::hash(&m.payload)) {
            Some(input) => {
                dead.insert(input.id.clone(), reason);
            }
            None => report.wrong.push(format!(
                "a dead letter whose bytes match no input ({reason})"
            )),
        }
    })
    .await;

    let mut group_records: HashMap<usize, Vec<&str>> = HashMap::new();
    for input in inputs {
        let id = input.id.as_str();
        let n = records.get(id).copied().unwrap_or(0);
        let dup = duplicate_of.get(id);
        let dlq = dead.get(id);
        if n > 1 {
            report.twice.push(format!("{id} ×{n}"));
        }
        match (&input.fate, n, dup, dlq) {
            (_, 0, None, None) => report.lost.push(id.to_string()),
            (Fate::Story { group }, 1, None, None) => {
                report.published += 1;
                group_records.entry(*group).or_default().push(id);
            }
            (Fate::Story { group }, n, _, _) if n > 1 => {
                group_records.entry(*group).or_default().push(id);
            }
            (Fate::Story { .. }, 0, Some(of), None) => {
                if records.get(of).copied().unwrap_or(0) == 0 {
                    report
                        .wrong
                        .push(format!("{id}: a duplicate of {of}, which was never published"));
                }
                report.duplicates += 1;
            }
            (Fate::Story { .. }, 0, None, Some(reason)) if reason == "delivery_failed" => {
                report.dead_lettered_transient += 1;
            }
            (Fate::Rejected { reason }, 0, None, Some(got)) => {
                if got != reason {
                    report
                        .wrong
                        .push(format!("{id}: dead-lettered as {got}, expected {reason}"));
                }
                report.dead_lettered += 1;
            }
            (fate, n, dup, dlq) => report.wrong.push(format!(
                "{id}: {fate:?} came out as {n} record(s), duplicate of {dup:?}, dead letter {dlq:?}"
            )),
        }
    }
    for (group, ids) in group_records {
        if ids.len() > 1 {
            report
                .twice
                .push(format!("story {group} published as {}", ids.join(", ")));
        }
    }
    let mut seen_hashes = HashSet::new();
    for (hash, ids) in hashes_seen {
        if ids.len() > 1 && seen_hashes.insert(hash.clone()) {
            report
                .twice
                .push(format!("content {hash} published {} times", ids.len()));
        }
    }
    report
}
