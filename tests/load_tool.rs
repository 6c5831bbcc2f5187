//! `enricher-load` against a real nats-server: it drives the worker and the null worker end to
//! end and reports every figure as `key=value`.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

fn load(url: &str, corpus: &std::path::Path) -> BTreeMap<String, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_enricher-load"))
        .args([
            "run",
            "--corpus",
            corpus.to_str().unwrap(),
            "--timeout",
            "60s",
        ])
        .env_clear()
        .envs(test_env(url, &[]))
        .output()
        .expect("run enricher-load");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn corpus(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("corpus.jsonl");
    let lines: Vec<String> = (0..n).map(|i| article(i).to_string()).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn assert_figures(f: &BTreeMap<String, String>, n: usize) {
    assert_eq!(f["articles"], n.to_string());
    assert_eq!(f["outputs"], n.to_string(), "{f:?}");
    assert_eq!(f["timed_out"], "false");
    for k in [
        "throughput_articles_per_s",
        "latency_p50_ms",
        "latency_p90_ms",
        "latency_p99_ms",
        "latency_max_ms",
    ] {
        let v: f64 = f[k].parse().unwrap_or_else(|_| panic!("{k}={}", f[k]));
        assert!(v > 0.0, "{k}={v}");
    }
    let p50: f64 = f["latency_p50_ms"].parse().unwrap();
    let max: f64 = f["latency_max_ms"].parse().unwrap();
    assert!(p50 <= max);
}

#[tokio::test]
async fn the_load_tool_measures_the_worker_end_to_end() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 200);
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;
    let url = server.url();
    let figures = tokio::task::spawn_blocking(move || load(&url, &corpus))
        .await
        .unwrap();
    assert_figures(&figures, 200);
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn the_null_worker_republishes_everything_unchanged() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 200);
    let log = dir.path().join("null.log");
    let mut null = Command::new(env!("CARGO_BIN_EXE_enricher-load"))
        .arg("null-worker")
        .env_clear()
        .envs(test_env(&server.url(), &[]))
        .stderr(std::fs::File::create(&log).unwrap())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("pulling")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "null worker never pulled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let url = server.url();
    let figures = tokio::task::spawn_blocking(move || load(&url, &corpus))
        .await
        .unwrap();
    assert_figures(&figures, 200);
    // Unchanged bytes: the input article, not a record.
    let out = read_stream(&js, "ENRICHED").await;
    assert_eq!(out.len(), 200);
    assert!(out[0].json().get("content_hash").is_none());
    let _ = Command::new("kill")
        .args(["-TERM", &null.id().to_string()])
        .status();
    let status = null.wait().unwrap();
    assert!(
        status.success(),
        "null worker did not stop cleanly on SIGTERM"
    );
}
