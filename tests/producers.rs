//! Real scrapers as producers, end to end: a Scrapy crawl (integrations/scrapy, from PyPI) and
//! the Node crawler (integrations/node, the official @nats-io clients from npm) crawl a local
//! news site (tests/fixtures/site: syndicated copies, boilerplate, a raw-HTML page), publish to
//! a spawned nats-server, and a worker enriches what they stored.
//!
//! The Python and Node packages are installed on first use (`.ci/run` does it up front):
//! Scrapy into `target/scrapy-venv` (or the interpreter in `ENRICHER_SCRAPY_PYTHON`), the Node
//! packages with `npm ci`.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A static web server over `tests/fixtures/site` on a free loopback port, for the crawlers.
struct FixtureSite {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl FixtureSite {
    fn start() -> FixtureSite {
        let root = repo().join("tests/fixtures/site");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(conn) = conn {
                    let root = root.clone();
                    std::thread::spawn(move || serve(conn, &root));
                }
            }
        });
        FixtureSite { addr, stop }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for FixtureSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// One GET: `/` is the front page, other paths are files under `root`; anything else is a 404.
fn serve(mut conn: TcpStream, root: &Path) {
    let mut reader = BufReader::new(&conn);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let file = if path == "/" {
        Some(root.join("index.html"))
    } else {
        let rel = path.trim_start_matches('/');
        let safe = !rel.split('/').any(|p| p.is_empty() || p == "..");
        safe.then(|| root.join(rel))
    };
    let response = match file.and_then(|f| std::fs::read(f).ok()) {
        Some(body) => {
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend_from_slice(&body);
            r
        }
        None => b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
            .to_vec(),
    };
    let _ = conn.write_all(&response);
}

/// The interpreter with Scrapy and the pipeline package installed (installed on first use,
/// once: the tests of this file run in parallel, and two installs into one venv race).
fn scrapy_python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(install_scrapy_python).clone()
}

fn install_scrapy_python() -> PathBuf {
    if let Some(p) = std::env::var_os("ENRICHER_SCRAPY_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repo().join("target/scrapy-venv");
    let python = venv.join("bin/python");
    let package = repo().join("integrations/scrapy");
    let installed = Command::new(&python)
        .args(["-c", "import scrapy, nats, article_enricher_scrapy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "python3 -m venv failed (Debian: apt-get install python3-venv)"
        );
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-c"])
            .arg(package.join("constraints.txt"))
            .arg("-e")
            .arg(&package)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pip install of integrations/scrapy failed");
    }
    python
}

/// The Node crawler's directory, its packages installed (`npm ci` on first use).
/// The Node crawler's directory with its packages installed (once, as for Scrapy above).
fn node_crawler() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(install_node_crawler).clone()
}

fn install_node_crawler() -> PathBuf {
    let dir = repo().join("integrations/node");
    if !dir.join("node_modules/@nats-io/jetstream").is_dir() {
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed for the Node crawler test (Debian: apt-get install nodejs npm)")
            .success();
        assert!(ok, "npm ci in integrations/node failed");
    }
    dir
}

fn text_of(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a crawler command to its end (it may take a while to start: Python imports).
async fn run_crawler(mut cmd: Command) -> String {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("spawn crawler"))
        .await
        .expect("crawler thread");
    let text = text_of(&out);
    assert!(out.status.success(), "crawler failed:\n{text}");
    text
}

fn scrapy_crawl(site: &FixtureSite, nats_url: &str) -> Command {
    let mut cmd = Command::new(scrapy_python());
    cmd.current_dir(repo().join("integrations/scrapy"))
        .args(["-m", "scrapy", "runspider", "example/news_spider.py", "-a"])
        .arg(format!("start_url={}", site.url()))
        .args([
            "-s",
            &format!("NATS_URL={nats_url}"),
            "-s",
            "LOG_LEVEL=INFO",
        ]);
    cmd
}

fn node_crawl(site: &FixtureSite, nats_url: &str) -> Command {
    let dir = node_crawler();
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("crawl.mjs"))
        .arg(site.url())
        .env("NATS_URL", nats_url)
        .current_dir(dir);
    cmd
}

/// Waits until the worker has taken every stored input, then returns the enriched records.
async fn enriched(js: &async_nats::jetstream::Context, at_least: u64) -> Vec<Value> {
    wait_stream_len(js, "ENRICHED", at_least, Duration::from_secs(30)).await;
    assert!(
        wait_consumer_idle(js, Duration::from_secs(30)).await,
        "the worker never caught up"
    );
    read_stream(js, "ENRICHED")
        .await
        .iter()
        .map(Stored::json)
        .collect()
}

fn record<'a>(records: &'a [Value], title: &str) -> &'a Value {
    let found: Vec<&Value> = records.iter().filter(|r| r["title"] == title).collect();
    assert_eq!(
        found.len(),
        1,
        "one record titled {title:?} in {records:#?}"
    );
    found[0]
}

/// What the worker must make of the fixture site, whichever crawler brought it: the two copies
/// of the bridge story collapse to one record, boilerplate gone, fields filled.
fn assert_site_enriched(records: &[Value], section: Option<&str>) {
    assert_eq!(
        records.len(),
        2,
        "two stories (one syndicated twice): {records:#?}"
    );

    let bridge = record(records, "Harbour bridge reopens after two years of repairs");
    let text = bridge["text"].as_str().expect("text");
    for gone in [
        "More news",
        "Read more",
        "Share this",
        "Copyright",
        "originally published",
    ] {
        assert!(!text.contains(gone), "{gone:?} left in:\n{text}");
    }
    for kept in [
        "corroded cables",
        "I get an hour of my day back",
        "30-tonne weight limit",
    ] {
        assert!(text.contains(kept), "{kept:?} lost from:\n{text}");
    }
    assert!(!bridge["removed"].as_array().expect("removed").is_empty());
    assert_eq!(bridge["authors"], serde_json::json!(["Ana Ruiz"]));
    assert_eq!(bridge["published_at"], "2026-11-20T08:30:00Z");
    assert_eq!(bridge["dateline"]["location"], "MIDVALE");
    let speakers: Vec<&Value> = bridge["quotes"]
        .as_array()
        .expect("quotes")
        .iter()
        .map(|q| &q["speaker"])
        .collect();
    assert!(
        speakers.contains(&&Value::from("Elena Brandt")),
        "{speakers:?}"
    );

    let library = record(records, "City library opens a night school for adults");
    let text = library["text"].as_str().expect("text");
    assert!(text.contains("Head librarian Oskar Lind"), "{text}");
    for gone in ["cookies", "newsletter", "Most read", "Copyright"] {
        assert!(!text.contains(gone), "{gone:?} left in:\n{text}");
    }
    assert_eq!(library["authors"], serde_json::json!(["Priya Nair"]));
    assert_eq!(library["published_at"], "2026-11-24T17:05:00Z");
    assert_eq!(library["lang"], "en");

    if let Some(section) = section {
        // What the scraper sent beyond SPEC's fields rides along in `extra`.
        assert_eq!(bridge["extra"]["section"], "world");
        assert_eq!(library["extra"]["section"], section);
    }
}

#[test]
fn the_scrapy_pipelines_own_unit_tests_pass() {
    let out = Command::new(scrapy_python())
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(repo().join("integrations/scrapy"))
        .output()
        .expect("python");
    assert!(out.status.success(), "{}", text_of(&out));
}

#[test]
fn the_node_crawlers_own_unit_tests_pass() {
    let out = Command::new("node")
        .args(["--test", "test/"])
        .current_dir(node_crawler())
        .output()
        .expect("node");
    assert!(out.status.success(), "{}", text_of(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrapy_crawl_is_enriched_and_a_recrawl_is_stored_once() {
    let server = NatsServer::start();
    let site = FixtureSite::start();
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;
    let (_client, js) = connect(&server.url()).await;

    let log = run_crawler(scrapy_crawl(&site, &server.url())).await;
    assert!(log.contains("'enricher/published': 3"), "{log}");
    assert!(log.contains("'item_scraped_count': 3"), "{log}");
    let records = enriched(&js, 2).await;
    assert_site_enriched(&records, Some("local"));
    for r in &records {
        assert_eq!(
            r["source"], "127.0.0.1",
            "the source comes from the page's URL"
        );
    }

    // A second crawl finds every page unchanged: its publishes fall in the input stream's
    // duplicate window (per-item Nats-Msg-Id), so nothing new is stored or enriched.
    let log = run_crawler(scrapy_crawl(&site, &server.url())).await;
    assert!(log.contains("'enricher/duplicate': 3"), "{log}");
    assert_eq!(enriched(&js, 2).await.len(), 2);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    worker.stop().await.expect("worker stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_crawl_is_enriched_and_a_recrawl_is_stored_once() {
    let server = NatsServer::start();
    let site = FixtureSite::start();
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;
    let (_client, js) = connect(&server.url()).await;

    let out = run_crawler(node_crawl(&site, &server.url())).await;
    assert!(out.contains("subject=articles.raw.127_0_0_1"), "{out}");
    assert!(
        out.contains("published=3") && out.contains("failed=0"),
        "{out}"
    );
    let records = enriched(&js, 2).await;
    assert_site_enriched(&records, None);
    for r in &records {
        assert_eq!(
            r["extra"],
            serde_json::json!({}),
            "the crawler sends SPEC fields only"
        );
    }

    let out = run_crawler(node_crawl(&site, &server.url())).await;
    assert!(
        out.contains("duplicate=3") && out.contains("published=0"),
        "{out}"
    );
    assert_eq!(enriched(&js, 2).await.len(), 2);
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
    worker.stop().await.expect("worker stops cleanly");
}
