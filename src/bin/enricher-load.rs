//! `enricher-load`: drives a running worker fleet through NATS and measures it end to end.
//!
//! - `enricher-load run --corpus FILE`: publishes a JSON Lines corpus to the input subject (as
//!   fast as possible or at `--rate`), each article under a fresh id (`load-<run>-<n>`) so its
//!   record can be matched, and measures from each publish to its record's arrival on the output
//!   subjects: throughput, latency percentiles, and the end state of the consumer.
//! - `enricher-load null-worker`: consumes the input like the worker (the same durable consumer,
//!   pull engine, in-flight bound, publish with `Nats-Msg-Id`, confirmed ack) with no processing:
//!   the ceiling NATS sets on this machine, for the ratio worker ÷ null worker.
//!
//! Every figure is printed as one `key=value` line on standard output.

use article_enricher::config::Config;
use article_enricher::transport::nats::{self as natsx, ConnectionState};
use article_enricher::transport::pull::{Pulled, Puller};
use async_nats::header::{HeaderMap, NATS_MESSAGE_ID};
use async_nats::jetstream::{self, AckKind, message::PublishMessage as Publish};
use bytes::Bytes;
use clap::{Parser, Subcommand};
use futures::StreamExt;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

#[derive(Parser, Debug)]
#[command(
    name = "enricher-load",
    about = "Load and measure article-enricher through NATS"
)]
struct Cli {
    /// The worker's configuration (the same layers: file, NATS_URL, ENRICHER__...): subjects,
    /// stream and consumer names come from it.
    #[arg(long, short, global = true, env = "ENRICHER_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Publish a corpus and measure the fleet end to end.
    Run {
        /// JSON Lines articles (`.gz` is read through gzip).
        #[arg(long)]
        corpus: PathBuf,
        /// Articles to publish (the corpus is cycled; 0 = the corpus once).
        #[arg(long, default_value_t = 0)]
        count: usize,
        /// Articles per second (0 = as fast as the publish acks allow).
        #[arg(long, default_value_t = 0.0)]
        rate: f64,
        /// Subject to publish to.
        #[arg(long, default_value = "articles.raw.load")]
        subject: String,
        /// Publish acks in flight at once.
        #[arg(long, default_value_t = 1024)]
        window: usize,
        /// Give up waiting for the fleet after this long.
        #[arg(long, default_value = "300s", value_parser = humantime::parse_duration)]
        timeout: Duration,
    },
    /// Consume and republish with no processing, as the worker does (the NATS ceiling).
    NullWorker,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("enricher-load: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("enricher-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Command::Run {
                corpus,
                count,
                rate,
                subject,
                window,
                timeout,
            } => {
                let articles = read_corpus(&corpus, count)?;
                run(&config, articles, rate, &subject, window, timeout).await
            }
            Command::NullWorker => null_worker(&config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("enricher-load: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The corpus as JSON objects, cycled to `count` (0: once).
fn read_corpus(path: &PathBuf, count: usize) -> anyhow::Result<Vec<serde_json::Value>> {
    let file = std::fs::File::open(path)?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut articles = Vec::new();
    for line in reader.lines() {
        let line = line?;
        if let Ok(v @ serde_json::Value::Object(_)) = serde_json::from_str(&line) {
            articles.push(v);
        }
    }
    anyhow::ensure!(
        !articles.is_empty(),
        "no JSON objects in {}",
        path.display()
    );
    let n = if count == 0 { articles.len() } else { count };
    Ok(articles.iter().cycle().take(n).cloned().collect())
}

async fn connect(config: &Config) -> anyhow::Result<(async_nats::Client, jetstream::Context)> {
    let client = natsx::connect(
        &config.nats,
        Arc::new(ConnectionState::default()),
        config.worker.max_inflight * 2,
    )
    .await?;
    let js = natsx::jetstream(client.clone(), config);
    Ok((client, js))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

async fn run(
    config: &Config,
    articles: Vec<serde_json::Value>,
    rate: f64,
    subject: &str,
    window: usize,
    timeout: Duration,
) -> anyhow::Result<()> {
    let (client, js) = connect(config).await?;
    // The records arrive on the output subjects; a core subscription sees every one.
    let mut outputs = client
        .subscribe(
            config
                .output
                .stream_subjects
                .first()
                .cloned()
                .unwrap_or_else(|| "articles.enriched.>".into()),
        )
        .await?;
    let run_id = std::process::id();
    let payloads: Vec<(String, Bytes)> = articles
        .into_iter()
        .enumerate()
        .map(|(n, mut a)| {
            let id = format!("load-{run_id}-{n}");
            a["id"] = id.clone().into();
            (id, Bytes::from(serde_json::to_vec(&a).unwrap_or_default()))
        })
        .collect();
    let total = payloads.len();
    let bytes_in: usize = payloads.iter().map(|(_, p)| p.len()).sum();
    let sent: Arc<std::sync::Mutex<HashMap<String, Instant>>> =
        Arc::new(std::sync::Mutex::new(HashMap::with_capacity(total)));

    // Receiver: output arrival times by id.
    let receiver = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut last = None;
            while let Some(msg) = outputs.next().await {
                let now = Instant::now();
                let id = msg
                    .headers
                    .as_ref()
                    .and_then(|h| h.get("Enricher-Article-Id"))
                    .map(|v| v.as_str().to_string());
                let Some(id) = id else { continue };
                let at = sent.lock().ok().and_then(|mut s| s.remove(&id));
                if let Some(at) = at {
                    latencies.push(now - at);
                    last = Some(now);
                }
            }
            (latencies, last)
        })
    };

    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(window.max(1)));
    let mut acks = tokio::task::JoinSet::new();
    for (n, (id, payload)) in payloads.into_iter().enumerate() {
        if rate > 0.0 {
            let due = started + Duration::from_secs_f64(n as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
        let permit = permits.clone().acquire_owned().await?;
        if let Ok(mut s) = sent.lock() {
            s.insert(id.clone(), Instant::now());
        }
        let mut h = HeaderMap::new();
        h.insert(NATS_MESSAGE_ID, id.as_str());
        let ack = js
            .send_publish(
                subject.to_string(),
                Publish::build().payload(payload).headers(h),
            )
            .await?;
        acks.spawn(async move {
            let r = ack.await;
            drop(permit);
            r
        });
        while let Some(done) = acks.try_join_next() {
            done??;
        }
    }
    while let Some(done) = acks.join_next().await {
        done??;
    }
    let published = started.elapsed();

    // Done when the consumer has nothing pending or unacked (every article decided).
    let deadline = started + timeout;
    let stream = config.nats.stream.name.clone();
    let durable = config.nats.consumer.durable.clone();
    let mut consumer: jetstream::consumer::PullConsumer = js
        .get_consumer_from_stream(durable.as_str(), stream.as_str())
        .await?;
    let mut timed_out = false;
    loop {
        let info = consumer.info().await?;
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            break;
        }
        if Instant::now() > deadline {
            timed_out = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drained = started.elapsed();
    // Let the last records arrive on the subscription.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = client.drain().await;
    let (mut latencies, last_output) = receiver.await?;
    latencies.sort();
    let outputs = latencies.len();
    let wall = last_output
        .map(|t| t - started)
        .unwrap_or(drained)
        .max(drained.min(Duration::from_secs(3600)));
    let secs = drained.as_secs_f64().max(1e-9);

    println!("articles={total}");
    println!("bytes_in={bytes_in}");
    println!("outputs={outputs}");
    println!("publish_s={:.3}", published.as_secs_f64());
    println!("elapsed_s={:.3}", drained.as_secs_f64());
    println!("wall_s={:.3}", wall.as_secs_f64());
    println!("throughput_articles_per_s={:.1}", total as f64 / secs);
    println!(
        "throughput_mib_per_s={:.2}",
        bytes_in as f64 / secs / (1 << 20) as f64
    );
    println!("latency_p50_ms={}", ms(percentile(&latencies, 50.0)));
    println!("latency_p90_ms={}", ms(percentile(&latencies, 90.0)));
    println!("latency_p99_ms={}", ms(percentile(&latencies, 99.0)));
    println!(
        "latency_max_ms={}",
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!("timed_out={timed_out}");
    anyhow::ensure!(!timed_out, "the fleet did not finish within {timeout:?}");
    Ok(())
}

/// Consumes like the worker, republishes each payload unchanged with a `Nats-Msg-Id`, and acks
/// after the publish ack, until SIGTERM or SIGINT.
async fn null_worker(config: &Config) -> anyhow::Result<()> {
    let (client, js) = connect(config).await?;
    natsx::ensure_output_streams(&js, config).await?;
    let mut stream = natsx::ensure_input_stream(&js, config).await?;
    let consumer = natsx::ensure_consumer(&mut stream, config).await?;
    let c = &config.nats.consumer;
    let mut puller = Puller::new(&client, consumer, c.expires, c.heartbeat).await?;
    let inflight = config.worker.max_inflight.max(1);
    let batch = c.batch.min(inflight).max(1);
    let permits = Arc::new(Semaphore::new(inflight));
    let ack_timeout = config.nats.request_timeout;
    let shutdown = article_enricher::ops::shutdown::signal();
    tokio::pin!(shutdown);
    eprintln!("null worker: pulling");
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        if !puller.is_pulling() {
            let free = permits.available_permits().clamp(1, batch);
            puller.request(free).await?;
        }
        let event = tokio::select! {
            _ = &mut shutdown => break,
            e = puller.next() => e,
        };
        match event {
            Ok(Pulled::Message(msg)) => {
                let permit = permits.clone().acquire_owned().await?;
                let (js, client) = (js.clone(), client.clone());
                tasks.spawn(async move {
                    let Some(reply) = msg.reply.clone() else {
                        return;
                    };
                    // The producer's message id names the article (the load tool sets it);
                    // the worker sends the article id the same way.
                    let id = msg
                        .headers
                        .as_ref()
                        .and_then(|h| h.get(NATS_MESSAGE_ID))
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_else(|| reply.to_string());
                    let mut h = HeaderMap::new();
                    h.insert(NATS_MESSAGE_ID, id.as_str());
                    h.insert("Enricher-Article-Id", id.as_str());
                    let published = async {
                        js.send_publish(
                            "articles.enriched.und",
                            Publish::build().payload(msg.payload.clone()).headers(h),
                        )
                        .await?
                        .await?;
                        Ok::<_, anyhow::Error>(())
                    }
                    .await;
                    let kind = if published.is_ok() {
                        AckKind::Ack
                    } else {
                        AckKind::Nak(None)
                    };
                    let request = async_nats::Request::new()
                        .payload(Bytes::from(kind))
                        .timeout(Some(ack_timeout));
                    let _ = client.send_request(reply, request).await;
                    drop(permit);
                });
            }
            Ok(Pulled::RequestDone) => {}
            Err(e) => {
                eprintln!("null worker: pull failed ({e}); rebuilding");
                puller.close().await;
                let mut stream = natsx::ensure_input_stream(&js, config).await?;
                let consumer = natsx::ensure_consumer(&mut stream, config).await?;
                puller = Puller::new(&client, consumer, c.expires, c.heartbeat).await?;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    puller.close().await;
    let _ = client.drain().await;
    Ok(())
}
