//! The status page in a real headless browser (Debian's chromium driven by playwright-core):
//! under load it shows live throughput, the dedup ratio, rejects by reason, lag and latency,
//! loads nothing from elsewhere and raises no script error. The screenshot is kept as
//! `target/test-artifacts/status-page.png`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// playwright-core from the committed lockfile (installed on first use).
fn ensure_playwright() {
    let dir = browser_dir();
    if dir.join("node_modules/playwright-core").is_dir() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .expect("npm is needed for the browser test (Debian: apt-get install nodejs npm)");
    assert!(status.success(), "npm ci in tests/browser failed");
}

fn chromium() -> String {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).exists(),
        "headless Chromium is needed at {path} (Debian: apt-get install chromium; or set CHROMIUM)"
    );
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_shows_live_figures_in_a_real_browser() {
    let chromium = chromium();
    ensure_playwright();
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    let mut worker = spawn_worker(test_config(&server.url(), &[]));
    worker.ready().await;
    let addr = worker.ops_addr().await;

    // Load: new articles, exact copies of them, and now and then a broken message.
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (js, stop) = (js.clone(), stop.clone());
        tokio::spawn(async move {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let mut batch: Vec<Vec<u8>> = (i..i + 20)
                    .map(|n| serde_json::to_vec(&article(n)).unwrap())
                    .collect();
                let mut copy = article(i);
                copy["id"] = format!("copy-{i}").into();
                batch.push(serde_json::to_vec(&copy).unwrap());
                batch.push(b"{\"text\": ".to_vec());
                publish_raw(&js, &batch).await;
                i += 20;
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            i
        })
    };

    let artefacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("test-artifacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let shot = artefacts.join("status-page.png");
    let _ = std::fs::remove_file(&shot);
    let url = format!("http://{addr}/");
    let out = tokio::process::Command::new("node")
        .arg(browser_dir().join("status_page.mjs"))
        .args([url.as_str(), shot.to_str().unwrap(), "30000"])
        .env("CHROMIUM", &chromium)
        .output()
        .await
        .expect("node is needed for the browser test");
    stop.store(true, Ordering::Relaxed);
    let published = load.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser run failed:\n{stdout}\n{stderr}"
    );
    let shown: serde_json::Value = serde_json::from_str(stdout.trim()).expect("page figures");

    let number = |k: &str| -> f64 {
        shown[k]
            .as_str()
            .unwrap_or_default()
            .replace([',', '%', ' '], "")
            .parse()
            .unwrap_or(f64::NAN)
    };
    assert!(published > 0);
    assert!(number("throughput") > 0.0, "{shown}");
    assert!(number("handled") > 0.0, "{shown}");
    // Every 21st article is an exact copy: the ratio shows, and is not zero.
    assert!(number("dedup_ratio") > 0.0, "{shown}");
    assert!(number("lag_pending") >= 0.0, "{shown}");
    for k in ["latency_p50", "latency_p99"] {
        let v = shown[k].as_str().unwrap_or_default();
        assert!(v.ends_with('s') && v != "–", "{k}: {shown}");
    }
    assert!(
        shown["rejects"].as_str().unwrap().contains("invalid_json"),
        "{shown}"
    );
    assert!(
        shown["outcomes"]
            .as_str()
            .unwrap()
            .contains("exact duplicate"),
        "{shown}"
    );
    assert_eq!(shown["nats_connected"], "yes", "{shown}");
    assert_eq!(shown["state"], "ready", "{shown}");
    assert_eq!(
        shown["errors"],
        serde_json::json!([]),
        "script errors: {shown}"
    );
    assert_eq!(
        shown["external"],
        serde_json::json!([]),
        "external requests: {shown}"
    );
    let png = std::fs::read(&shot).expect("screenshot kept");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    worker.stop().await.unwrap();
}
