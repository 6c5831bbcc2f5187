//! Criterion benches of the pipeline core: HTML extraction, text cleaning, each annotator and
//! all of them together, and `process` as a whole, on real articles (short, median, long; for
//! the annotators, the articles nearest 5 KB), and the cost curve of `process` from 1 KB to 1 MB.
//!
//! Real pages and articles come from `../shared/data` (the developer sets; third-party text, not
//! committed). Without them the benches fall back to the committed seed article and a
//! synthetic page, so `cargo bench` always runs.
//!
//!     cargo bench --bench pipeline
//!     cargo bench --bench pipeline -- html     # one group

use article_enricher::pipeline::annotate::{self, entities, keywords, lang, quotes};
use article_enricher::pipeline::clean::learned::SourceMemory;
use article_enricher::pipeline::{Pipeline, PipelineOptions, clean, html};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::io::BufRead;
use std::path::Path;

fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

fn read_gz_lines(name: &str) -> Vec<serde_json::Value> {
    let Ok(f) = std::fs::File::open(data_dir().join(name)) else {
        return Vec::new();
    };
    std::io::BufReader::new(flate2::read::GzDecoder::new(f))
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

/// The shortest, the median and the longest of `items` by `size`.
fn short_median_long<T: Clone>(
    mut items: Vec<T>,
    size: impl Fn(&T) -> usize,
) -> Vec<(&'static str, T)> {
    if items.is_empty() {
        return Vec::new();
    }
    items.sort_by_key(|i| size(i));
    let n = items.len();
    vec![
        ("short", items[n / 20].clone()),
        ("median", items[n / 2].clone()),
        ("long", items[n - 1 - n / 20].clone()),
    ]
}

fn seed_text() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-article.txt"),
    )
    .unwrap_or_default()
}

fn html_pages() -> Vec<(&'static str, (String, Option<String>))> {
    let pages: Vec<(String, Option<String>)> = read_gz_lines("html-dev.jsonl.gz")
        .into_iter()
        .filter_map(|v| {
            Some((
                v["html"].as_str()?.to_string(),
                v["url"].as_str().map(String::from),
            ))
        })
        .collect();
    if pages.is_empty() {
        let body: String = seed_text()
            .split("\n\n")
            .map(|p| format!("<p>{p}</p>"))
            .collect();
        let page = format!(
            "<html><head><title>Seed</title></head><body><nav>Home</nav><article>{body}</article><footer>(c)</footer></body></html>"
        );
        return vec![("synthetic", (page, None))];
    }
    short_median_long(pages, |(h, _)| h.len())
}

fn texts() -> Vec<(&'static str, (String, Option<String>))> {
    let texts: Vec<(String, Option<String>)> = read_gz_lines("syndication-dev.jsonl.gz")
        .into_iter()
        .filter_map(|v| {
            Some((
                v["text"].as_str()?.to_string(),
                v["title"].as_str().map(String::from),
            ))
        })
        .collect();
    if texts.is_empty() {
        return vec![("seed", (seed_text(), None))];
    }
    short_median_long(texts, |(t, _)| t.len())
}

fn bench_html(c: &mut Criterion) {
    let mut g = c.benchmark_group("html_extract");
    let hints = clean::title::SiteHints::default();
    for (label, (page, url)) in html_pages() {
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{label}_{}KB", page.len() / 1024)),
            &page,
            |b, page| b.iter(|| html::extract(page, url.as_deref(), &hints)),
        );
    }
    g.finish();
}

fn bench_clean(c: &mut Criterion) {
    let mut g = c.benchmark_group("clean_text");
    for (label, (text, title)) in texts() {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{label}_{}B", text.len())),
            &text,
            |b, text| {
                b.iter(|| clean::draft(text, title.as_deref(), Some("example.com"), None).finish())
            },
        );
    }
    g.finish();
}

fn bench_process(c: &mut Criterion) {
    let pipeline = Pipeline::new(PipelineOptions::default());
    let memory = SourceMemory::default();
    let now = chrono::Utc::now();
    let mut g = c.benchmark_group("process");
    let mut inputs: Vec<(String, Vec<u8>)> = texts()
        .into_iter()
        .map(|(label, (text, title))| {
            let msg = serde_json::json!({"id": "bench", "source": "example.com", "title": title, "text": text});
            (format!("text_{label}"), serde_json::to_vec(&msg).unwrap_or_default())
        })
        .collect();
    inputs.extend(html_pages().into_iter().map(|(label, (page, url))| {
        let msg = serde_json::json!({"id": "bench", "url": url, "html": page});
        (
            format!("html_{label}"),
            serde_json::to_vec(&msg).unwrap_or_default(),
        )
    }));
    for (label, bytes) in inputs {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{label}_{}B", bytes.len())),
            &bytes,
            |b, bytes| b.iter(|| pipeline.process(bytes, now, &memory)),
        );
    }
    g.finish();
}

/// The cost curve: `process` on texts of 1 KB to 1 MB, built from whole distinct paragraphs of
/// real articles in corpus order (the seed article's, repeated, without the developer sets). Equal
/// bytes per second across the sizes is what linear time looks like.
fn bench_cost_curve(c: &mut Criterion) {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for v in read_gz_lines("syndication-dev.jsonl.gz") {
        for p in v["text"].as_str().unwrap_or_default().split("\n\n") {
            let p = p.trim();
            if p.split_whitespace().count() >= 8 && seen.insert(p.to_string()) {
                paragraphs.push(p.to_string());
            }
        }
    }
    if paragraphs.is_empty() {
        paragraphs = seed_text()
            .split("\n\n")
            .map(str::to_string)
            .filter(|p| !p.trim().is_empty())
            .collect();
    }
    if paragraphs.is_empty() {
        return;
    }
    let pipeline = Pipeline::new(PipelineOptions::default());
    let now = chrono::Utc::now();
    let mut g = c.benchmark_group("cost_curve");
    g.sample_size(10);
    for kb in [1usize, 4, 16, 64, 256, 1024] {
        let mut text = String::new();
        for p in paragraphs.iter().cycle() {
            if text.len() + p.len() + 2 > kb * 1024 && !text.is_empty() {
                break;
            }
            text.push_str(p);
            text.push_str("\n\n");
        }
        let msg = serde_json::json!({"id": "bench", "source": "example.com", "title": "Cost curve", "text": text});
        let bytes = serde_json::to_vec(&msg).unwrap_or_default();
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kb}KB")),
            &bytes,
            |b, bytes| {
                // A fresh memory per size: what the stream taught at one size does not spill into
                // the next.
                let memory = SourceMemory::default();
                b.iter(|| pipeline.process(bytes, now, &memory))
            },
        );
    }
    g.finish();
}

/// Cleaned article texts of about 5 KB (the annotators' target size), else the seed.
fn annotation_texts() -> Vec<(String, String)> {
    let mut texts: Vec<String> = read_gz_lines("annotations-dev.jsonl.gz")
        .into_iter()
        .chain(
            read_gz_lines("syndication-dev.jsonl.gz")
                .into_iter()
                .take(400),
        )
        .filter_map(|v| v["text"].as_str().map(String::from))
        .map(|t| {
            clean::draft(&t, None, None, None)
                .finish()
                .paragraphs
                .join("\n\n")
        })
        .collect();
    texts.sort_by_key(|t| t.len().abs_diff(5 * 1024));
    texts.truncate(3);
    if texts.is_empty() {
        let seed = seed_text();
        texts.push(
            clean::draft(&seed, None, None, None)
                .finish()
                .paragraphs
                .join("\n\n"),
        );
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("{i}_{}B", t.len()), t))
        .collect()
}

fn bench_annotate(c: &mut Criterion) {
    let mut g = c.benchmark_group("annotate");
    for (label, text) in annotation_texts() {
        let paragraphs: Vec<String> = text.split("\n\n").map(String::from).collect();
        let found = entities::recognise(&text);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("all", &label), &text, |b, text| {
            b.iter(|| annotate::annotate(text, &paragraphs, None, None, None))
        });
        g.bench_with_input(BenchmarkId::new("lang", &label), &text, |b, _| {
            b.iter(|| lang::detect(None, &paragraphs, None))
        });
        g.bench_with_input(BenchmarkId::new("entities", &label), &text, |b, text| {
            b.iter(|| entities::recognise(text))
        });
        g.bench_with_input(BenchmarkId::new("quotes", &label), &text, |b, text| {
            b.iter(|| quotes::extract(text, &found))
        });
        let ranked = found.ranked();
        g.bench_with_input(BenchmarkId::new("keywords", &label), &text, |b, text| {
            b.iter(|| keywords::extract(text, Some("en"), &ranked))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_html,
    bench_clean,
    bench_annotate,
    bench_process,
    bench_cost_curve
);
criterion_main!(benches);
