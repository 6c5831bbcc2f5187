//! The worker loop: pulls articles, hands each to a [`handle::Handler`] task, and owns the
//! delivery semantics around them: bounded in-flight work, rebuilding the pull when it breaks,
//! and a graceful drain on shutdown.
//!
//! [`run`] takes the configuration and a shutdown future, so tests run whole workers in-process
//! with their own trigger (the binary passes SIGTERM/SIGINT).

pub mod advisory;
pub mod dead_letter;
pub mod handle;
pub mod pool;

pub use pool::PIPELINE_STACK;

use crate::config::{Config, InputMode};
use crate::config::{DedupStoreKind, KvOutage};
use crate::dedup::{DedupStore, EmbeddedStore, KvSettings, KvStore};
use crate::ops::metrics::Metrics;
use crate::pipeline::clean::learned::SourceMemory;
use crate::pipeline::{Pipeline, PipelineOptions};
use crate::transport::nats::{self as natsx, ConnectionState};
use crate::transport::pull::{PullError, Pulled, Puller};
use crate::transport::subject::SubjectTemplate;
use anyhow::{Context as _, anyhow};
use futures::StreamExt;
use handle::{Handler, Incoming, Outputs};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::{info, warn};

/// Live state shared with the ops endpoint and tests.
#[derive(Debug)]
pub struct WorkerState {
    pub connection: Arc<ConnectionState>,
    /// A pull (or subscription) is open and has not reported a missed heartbeat.
    pub consuming: AtomicBool,
    /// Shutdown has begun: no new work is taken.
    pub draining: AtomicBool,
    pub metrics: Arc<Metrics>,
    /// Where the ops endpoint listens, once bound (`ops.listen` may ask for port 0).
    pub ops_addr: OnceLock<SocketAddr>,
    /// The input stream, once bound (it may be a user's stream found by subject).
    pub input_stream: OnceLock<String>,
}

impl Default for WorkerState {
    fn default() -> Self {
        let connection = Arc::new(ConnectionState::default());
        WorkerState {
            metrics: Arc::new(Metrics::new(connection.clone())),
            connection,
            consuming: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            ops_addr: OnceLock::new(),
            input_stream: OnceLock::new(),
        }
    }
}

impl WorkerState {
    /// Ready to take work: connected, consuming, not draining.
    pub fn is_ready(&self) -> bool {
        self.not_ready_because().is_none()
    }

    /// Why the worker cannot take work now, if it cannot.
    pub fn not_ready_because(&self) -> Option<&'static str> {
        if self.draining.load(Ordering::Relaxed) {
            Some("draining")
        } else if !self.connection.is_connected() {
            Some("not connected to NATS")
        } else if !self.consuming.load(Ordering::Relaxed) {
            Some("not consuming (no pull open, or its heartbeats stopped)")
        } else {
            None
        }
    }

    /// The metrics in the Prometheus text format, with the readiness gauges brought up to date.
    pub fn encode_metrics(&self) -> String {
        let m = &self.metrics;
        m.ready.set(i64::from(self.is_ready()));
        m.draining
            .set(i64::from(self.draining.load(Ordering::Relaxed)));
        m.encode()
    }
}

/// Runs the worker until `shutdown` resolves, then drains: stops pulling, finishes and acks
/// what is in flight (up to `worker.shutdown_timeout`) and closes the connection.
pub async fn run(config: Config, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
    run_with_state(config, shutdown, Arc::new(WorkerState::default())).await
}

/// [`run`], sharing its live state with the caller.
pub async fn run_with_state(
    config: Config,
    shutdown: impl Future<Output = ()> + Send,
    state: Arc<WorkerState>,
) -> anyhow::Result<()> {
    // Up before the connection, so /healthz answers and /readyz says why it is not ready while
    // the broker is still unreachable.
    let _ops = if config.ops.listen.is_empty() {
        None
    } else {
        let listener = crate::ops::http::bind(&config.ops.listen).await?;
        if let Ok(addr) = listener.local_addr() {
            let _ = state.ops_addr.set(addr);
        }
        Some(AbortOnDrop(tokio::spawn(crate::ops::http::serve(
            listener,
            state.clone(),
        ))))
    };
    match config.dedup.store {
        DedupStoreKind::Embedded => {
            let store = Arc::new(
                EmbeddedStore::new(config.dedup.window, config.dedup.max_entries)
                    .with_memory_limit(config.dedup.max_memory.as_usize()),
            );
            run_with_store(config, shutdown, state, store).await
        }
        DedupStoreKind::Kv => {
            let store = Arc::new(KvStore::new(KvSettings {
                bucket: config.dedup.kv.bucket.clone(),
                bands_bucket: config.dedup.kv.bands_bucket.clone(),
                replicas: config.dedup.kv.replicas,
                window: config.dedup.window,
                // A claim is stale once its delivery would have been redelivered anyway.
                pending_ttl: config.nats.consumer.ack_wait,
                cache_entries: config.dedup.kv.cache_entries,
                near_entries: config.dedup.max_entries,
                near_memory: config.dedup.max_memory.as_usize(),
                worker: worker_id(),
                fallback_to_embedded: (config.dedup.kv.on_outage == KvOutage::Embedded).then_some(
                    (
                        config.dedup.window,
                        config.dedup.max_entries,
                        config.dedup.max_memory.as_usize(),
                    ),
                ),
            }));
            run_with_store(config, shutdown, state, store).await
        }
    }
}

/// [`run`] with an explicit dedup store (the seam a fleet-shared store plugs into).
pub async fn run_with_store<S: DedupStore>(
    config: Config,
    shutdown: impl Future<Output = ()> + Send,
    state: Arc<WorkerState>,
    store: Arc<S>,
) -> anyhow::Result<()> {
    let inflight = config.worker.max_inflight;
    tokio::pin!(shutdown);
    let client = tokio::select! {
        c = natsx::connect(&config.nats, state.connection.clone(), inflight * 2) => c?,
        _ = &mut shutdown => return Ok(()),
    };
    info!(
        url = %natsx::redact_url(&config.nats.url),
        mode = ?config.input.mode,
        "connected"
    );
    let js = natsx::jetstream(client.clone(), &config);
    // `None`: shut down while waiting for the server.
    if set_up("the output streams", &mut shutdown, || {
        natsx::ensure_output_streams(&js, &config)
    })
    .await?
    .is_none()
    {
        return Ok(());
    }
    if set_up("the dedup store", &mut shutdown, || async {
        store.attach(&js).await.map_err(anyhow::Error::from)
    })
    .await?
    .is_none()
    {
        return Ok(());
    }

    let duplicates = if config.output.duplicates_subject.is_empty() {
        None
    } else {
        let subject = config.output.duplicates_subject.clone();
        let durable = js.stream_by_subject(subject.as_str()).await.is_ok();
        if !durable {
            warn!(%subject, "no stream captures the duplicates subject: notices are sent without acks");
        }
        Some((subject, durable))
    };
    let (max_deliver, ack_wait) = (
        config.nats.consumer.max_deliver,
        config.nats.consumer.ack_wait,
    );
    let handler = Arc::new(Handler {
        client: client.clone(),
        js: js.clone(),
        pipeline: Arc::new(Pipeline::new(PipelineOptions::from_config(&config))),
        memory: Arc::new(SourceMemory::new(config.pipeline.memory_limits())),
        pool: Arc::new(pool::CpuPool::new(config.pipeline_threads())?),
        store,
        outputs: Outputs {
            subject: SubjectTemplate::parse(&config.output.subject).map_err(|e| anyhow!(e))?,
            dead_letter_subject: config.output.dead_letter_subject.clone(),
            duplicates,
        },
        backoff: config.nats.consumer.backoff.clone(),
        max_deliver: std::sync::atomic::AtomicI64::new(max_deliver),
        ack_wait,
        ack_timeout: config.nats.request_timeout,
        copy_wait: config.dedup.copy_wait,
        metrics: state.metrics.clone(),
        worker_id: worker_id(),
        near: (config.dedup.near_duplicates, config.dedup.near_threshold),
    });

    let _poller = AbortOnDrop(tokio::spawn(poll_server_metrics(
        js.clone(),
        config.clone(),
        state.clone(),
        handler.store.clone(),
    )));
    // Before the first pull, so no article's latency pays for the lazily built tables.
    let pipeline = handler.pipeline.clone();
    if let Ok(records) = handler.pool.run(move || pipeline.warm_up()).await {
        tracing::debug!(records, "pipeline warmed up");
    }
    let mut tasks = JoinSet::new();
    let permits = Arc::new(Semaphore::new(inflight));
    match config.input.mode {
        InputMode::Jetstream => {
            consume_jetstream(
                &config,
                &js,
                &handler,
                &permits,
                &mut tasks,
                &state,
                &mut shutdown,
            )
            .await?
        }
        InputMode::Core => {
            consume_core(
                &config,
                &client,
                &handler,
                &permits,
                &mut tasks,
                &state,
                &mut shutdown,
            )
            .await?
        }
    }

    state.draining.store(true, Ordering::Relaxed);
    state.consuming.store(false, Ordering::Relaxed);
    info!(in_flight = tasks.len(), "draining");
    let drained = tokio::time::timeout(config.worker.shutdown_timeout, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        warn!(
            left = tasks.len(),
            "shutdown timeout: abandoning unfinished messages (they will be redelivered)"
        );
        tasks.abort_all();
    }
    if let Err(e) = tokio::time::timeout(Duration::from_secs(5), client.drain()).await {
        warn!(error = %e, "connection drain timed out");
    }
    info!(summary = %state.metrics.summary(), "stopped");
    Ok(())
}

/// A background task that ends with the scope holding it.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Reads what only the server knows (consumer lag, dead letters held) into the metrics every
/// `ops.lag_interval`, and what the store counts. Failures only leave the gauges as they were.
async fn poll_server_metrics<S: DedupStore>(
    js: async_nats::jetstream::Context,
    config: Config,
    state: Arc<WorkerState>,
    store: Arc<S>,
) {
    let metrics = &state.metrics;
    let mut tick = tokio::time::interval(config.ops.lag_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let durable = config.nats.consumer.durable.clone();
    let mut consumer: Option<async_nats::jetstream::consumer::PullConsumer> = None;
    loop {
        tick.tick().await;
        metrics.dedup_fallbacks.set(store.fallbacks() as i64);
        if let Some(stream) = state.input_stream.get() {
            if consumer.is_none() {
                consumer = js
                    .get_consumer_from_stream(durable.as_str(), stream.as_str())
                    .await
                    .ok();
            }
            if let Some(c) = consumer.as_mut() {
                match c.info().await {
                    Ok(info) => {
                        let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
                        metrics.consumer_pending.set(gauge(info.num_pending));
                        metrics
                            .consumer_ack_pending
                            .set(gauge(info.num_ack_pending as u64));
                        metrics
                            .consumer_redelivered
                            .set(gauge(info.num_redelivered as u64));
                        metrics.consumer_waiting.set(gauge(info.num_waiting as u64));
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "consumer info unavailable");
                        consumer = None;
                    }
                }
            }
        }
        // Getting the stream fetches its info: one request per tick.
        if let Ok(dlq) = js
            .get_stream(config.output.dead_letter_stream.as_str())
            .await
        {
            let held = dlq.cached_info().state.messages;
            metrics
                .dead_letter_messages
                .set(i64::try_from(held).unwrap_or(i64::MAX));
        }
    }
}

/// This worker instance in record headers: host (the pod name in Kubernetes) and process id.
fn worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}-{}", std::process::id())
}

/// Waits for a free in-flight slot, or shutdown.
async fn acquire(
    permits: &Arc<Semaphore>,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    tokio::select! {
        biased;
        _ = shutdown => None,
        p = permits.clone().acquire_owned() => p.ok(),
    }
}

/// Runs a setup step until it succeeds: a failure the server may get over (a cluster electing
/// its leaders answers "timed out" for a while, a node restarts) is retried with backoff, a
/// refusal (a configuration the server will never accept) ends the worker. `None` on shutdown.
async fn set_up<T, Fut>(
    what: &str,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
    mut step: impl FnMut() -> Fut,
) -> anyhow::Result<Option<T>>
where
    Fut: Future<Output = anyhow::Result<T>>,
{
    let mut delay = Duration::from_millis(200);
    loop {
        // A step can take long (a fleet replica catching up on a long KV history): a SIGTERM
        // meanwhile ends the worker at once; nothing has been taken from the stream yet.
        let outcome = tokio::select! {
            outcome = step() => outcome,
            _ = &mut *shutdown => return Ok(None),
        };
        match outcome {
            Ok(v) => return Ok(Some(v)),
            Err(e) if e.downcast_ref::<natsx::Refused>().is_some() => {
                return Err(e.context(format!("cannot set up {what}")));
            }
            Err(e) => {
                warn!(error = %format!("{e:#}"), retry_in = ?delay, "cannot set up {what} yet");
                tokio::select! {
                    _ = &mut *shutdown => return Ok(None),
                    _ = tokio::time::sleep(delay) => {}
                }
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// Binds (or provisions) the stream and consumer. Returns the consumer, its `max_deliver` (the
/// consumer may predate our configuration) and the stream's name (it may be a user's stream).
async fn open_consumer(
    js: &async_nats::jetstream::Context,
    config: &Config,
) -> anyhow::Result<(async_nats::jetstream::consumer::PullConsumer, i64, String)> {
    let mut stream = natsx::ensure_input_stream(js, config).await?;
    let mut consumer = natsx::ensure_consumer(&mut stream, config).await?;
    let info = consumer.info().await?.clone();
    Ok((consumer, info.config.max_deliver, info.stream_name))
}

/// Reserves in-flight capacity for the next pull request: at least half a batch (so requests
/// are not dribbled out one message at a time), plus whatever else is free, up to a batch.
async fn reserve(
    permits: &Arc<Semaphore>,
    batch: usize,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> Option<OwnedSemaphorePermit> {
    let min = (batch / 2).max(1);
    let mut permit = tokio::select! {
        biased;
        _ = shutdown => return None,
        p = permits.clone().acquire_many_owned(min as u32) => p.ok()?,
    };
    let extra = permits.available_permits().min(batch - min);
    if extra > 0
        && let Ok(more) = permits.clone().try_acquire_many_owned(extra as u32)
    {
        permit.merge(more);
    }
    Some(permit)
}

async fn consume_jetstream<S: DedupStore>(
    config: &Config,
    js: &async_nats::jetstream::Context,
    handler: &Arc<Handler<S>>,
    permits: &Arc<Semaphore>,
    tasks: &mut JoinSet<()>,
    state: &Arc<WorkerState>,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> anyhow::Result<()> {
    let c = &config.nats.consumer;
    let batch = c.batch.min(config.worker.max_inflight).max(1);
    let mut retry_delay = Duration::from_millis(200);
    let mut advisory_started = false;
    let spawn = |tasks: &mut JoinSet<()>,
                 msg: async_nats::Message,
                 permit: Option<OwnedSemaphorePermit>| {
        let handler = handler.clone();
        let incoming = Incoming::from_jetstream(async_nats::jetstream::Message {
            message: msg,
            context: handler.js.clone(),
        });
        tasks.spawn(async move {
            handler.handle(incoming).await;
            drop(permit);
        });
    };
    'rebuild: loop {
        let opened = match open_consumer(js, config).await {
            Ok((consumer, max_deliver, stream)) => {
                Puller::new(&handler.client, consumer, c.expires, c.heartbeat)
                    .await
                    .map(|p| (p, max_deliver, stream))
                    .map_err(anyhow::Error::from)
            }
            Err(e) => Err(e),
        };
        let (mut puller, max_deliver, stream_name) = match opened {
            Ok(opened) => opened,
            Err(e) if e.downcast_ref::<natsx::Refused>().is_some() => {
                return Err(e.context("cannot set up the input consumer"));
            }
            Err(e) => {
                warn!(error = %format!("{e:#}"), retry_in = ?retry_delay, "cannot open the pull consumer");
                tokio::select! {
                    _ = &mut *shutdown => return Ok(()),
                    _ = tokio::time::sleep(retry_delay) => {}
                }
                retry_delay = (retry_delay * 2).min(Duration::from_secs(10));
                continue 'rebuild;
            }
        };
        if max_deliver != c.max_deliver {
            warn!(
                consumer_max_deliver = max_deliver,
                configured = c.max_deliver,
                "the existing consumer's max_deliver differs from the configuration; the consumer's applies"
            );
        }
        handler.max_deliver.store(max_deliver, Ordering::Relaxed);
        let _ = state.input_stream.set(stream_name.clone());
        if !advisory_started {
            advisory_started = true;
            tokio::spawn(advisory::run(
                handler.client.clone(),
                js.clone(),
                stream_name.clone(),
                c.durable.clone(),
                config.output.dead_letter_subject.clone(),
            ));
        }
        info!(stream = %stream_name, consumer = %c.durable, "pulling");
        // Capacity reserved for the outstanding request; each delivered message takes one.
        let mut reserved: Option<OwnedSemaphorePermit> = None;
        let failure = loop {
            while tasks.try_join_next().is_some() {}
            if !puller.is_pulling() {
                reserved = None;
                let Some(permit) = reserve(permits, batch, shutdown).await else {
                    break None;
                };
                if let Err(e) = puller.request(permit.num_permits()).await {
                    break Some(e);
                }
                state.consuming.store(true, Ordering::Relaxed);
                reserved = Some(permit);
            }
            let event = tokio::select! {
                biased;
                _ = &mut *shutdown => break None,
                event = puller.next() => event,
            };
            match event {
                Ok(Pulled::Message(msg)) => {
                    retry_delay = Duration::from_millis(200);
                    let permit = reserved.as_mut().and_then(|r| r.split(1));
                    spawn(tasks, msg, permit);
                }
                Ok(Pulled::RequestDone) => reserved = None,
                Err(e) => break Some(e),
            }
        };
        match failure {
            // Shutdown: ask for nothing more, take on what was already delivered to us.
            None => {
                for msg in puller.drain_delivered(Duration::from_millis(100)).await {
                    let permit = reserved.as_mut().and_then(|r| r.split(1));
                    spawn(tasks, msg, permit);
                }
                puller.close().await;
                return Ok(());
            }
            Some(e) => {
                state.consuming.store(false, Ordering::Relaxed);
                warn!(error = %e, retry_in = ?retry_delay, "pull failed: rebuilding it");
                drop(reserved);
                puller.close().await;
                if let PullError::Refused(_) = e {
                    return Err(anyhow!("cannot pull from the consumer: {e}"));
                }
                tokio::select! {
                    _ = &mut *shutdown => return Ok(()),
                    _ = tokio::time::sleep(retry_delay) => {}
                }
                retry_delay = (retry_delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

async fn consume_core<S: DedupStore>(
    config: &Config,
    client: &async_nats::Client,
    handler: &Arc<Handler<S>>,
    permits: &Arc<Semaphore>,
    tasks: &mut JoinSet<()>,
    state: &Arc<WorkerState>,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> anyhow::Result<()> {
    let mut subs = futures::stream::SelectAll::new();
    for subject in &config.input.core_subjects {
        let sub = client
            .queue_subscribe(subject.clone(), config.input.queue_group.clone())
            .await
            .with_context(|| format!("cannot subscribe to {subject}"))?;
        subs.push(sub);
    }
    state.consuming.store(true, Ordering::Relaxed);
    info!(subjects = ?config.input.core_subjects, group = %config.input.queue_group, "subscribed (core NATS, at-most-once)");
    let spawn = |tasks: &mut JoinSet<()>, msg, permit| {
        let handler = handler.clone();
        tasks.spawn(async move {
            handler.handle(Incoming::from_core(msg)).await;
            drop(permit);
        });
    };
    loop {
        while tasks.try_join_next().is_some() {}
        let Some(permit) = acquire(permits, shutdown).await else {
            break;
        };
        let next = tokio::select! {
            biased;
            _ = &mut *shutdown => break,
            next = subs.next() => next,
        };
        match next {
            Some(msg) => spawn(tasks, msg, permit),
            None => break,
        }
    }
    // Stop the server sending more, then finish what is already buffered here: in core mode a
    // message dropped from our buffer is lost for good.
    for sub in subs.iter_mut() {
        let _ = sub.unsubscribe().await;
    }
    let _ = client.flush().await;
    while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(200), subs.next()).await {
        match permits.clone().acquire_owned().await {
            Ok(permit) => spawn(tasks, msg, permit),
            Err(_) => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shutdown during a set-up step that hangs (a replica catching up on a long KV history)
    /// ends the set-up at once, as during the waits between retries.
    #[tokio::test]
    async fn shutdown_ends_a_set_up_step_that_hangs() {
        let shutdown = tokio::time::sleep(Duration::from_millis(50));
        tokio::pin!(shutdown);
        let outcome = tokio::time::timeout(
            Duration::from_secs(10),
            set_up("a hanging step", &mut shutdown, || {
                std::future::pending::<anyhow::Result<()>>()
            }),
        )
        .await;
        assert!(matches!(outcome, Ok(Ok(None))), "{outcome:?}");
    }

    #[tokio::test]
    async fn set_up_retries_until_the_step_succeeds_and_stops_on_a_refusal() {
        let shutdown = std::future::pending::<()>();
        tokio::pin!(shutdown);
        let mut tries = 0;
        let got = set_up("a settling step", &mut shutdown, || {
            tries += 1;
            let t = tries;
            async move {
                if t < 3 {
                    Err(anyhow!("cluster not available"))
                } else {
                    Ok(t)
                }
            }
        })
        .await;
        assert_eq!(got.ok().flatten(), Some(3));
        let refused = set_up("a refused step", &mut shutdown, || async {
            Err::<(), _>(anyhow::Error::from(natsx::Refused("no such stream".into())))
        })
        .await;
        assert!(refused.is_err());
    }
}
