//! The NATS connection (auth, TLS, connection state) and the provisioning of streams and the
//! durable consumer.
//!
//! Provisioning never changes what exists: an existing stream or consumer is used as it is, and
//! a stream that already captures our subjects under another name (users often create their own)
//! is bound to instead of failing on overlapping subjects.

use crate::config::{Config, NatsConfig, Retention, Storage};
use anyhow::{Context as _, anyhow, bail};
use async_nats::jetstream::{
    self, ErrorCode,
    consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull},
    context::{ConsumerInfoErrorKind, GetStreamByNameErrorKind, GetStreamErrorKind},
    stream::{self, DiscardPolicy, RetentionPolicy, StorageType},
};
use async_nats::{Client, ConnectOptions, Event};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A provisioning failure that retrying cannot cure: the server refused our request (a bad
/// setting, a conflicting existing object). The worker exits on it instead of retrying forever.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// What the connection's event callback has seen; read by readiness and metrics.
#[derive(Debug, Default)]
pub struct ConnectionState {
    connected: AtomicBool,
    reconnects: AtomicU64,
    disconnects: AtomicU64,
    lame_duck: AtomicBool,
    slow_consumer: AtomicU64,
}

impl ConnectionState {
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }
    pub fn disconnects(&self) -> u64 {
        self.disconnects.load(Ordering::Relaxed)
    }
    pub fn slow_consumer_events(&self) -> u64 {
        self.slow_consumer.load(Ordering::Relaxed)
    }
    pub fn lame_duck(&self) -> bool {
        self.lame_duck.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event) {
        match event {
            Event::Connected => {
                if self.disconnects.load(Ordering::Relaxed) > 0 {
                    self.reconnects.fetch_add(1, Ordering::Relaxed);
                }
                self.connected.store(true, Ordering::Relaxed);
                self.lame_duck.store(false, Ordering::Relaxed);
                tracing::info!("connected to NATS");
            }
            Event::Disconnected => {
                self.connected.store(false, Ordering::Relaxed);
                self.disconnects.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("disconnected from NATS: reconnecting");
            }
            Event::LameDuckMode => {
                self.lame_duck.store(true, Ordering::Relaxed);
                tracing::warn!("NATS server entered lame duck mode");
            }
            Event::SlowConsumer(sid) => {
                // One event per dropped message can come by the thousand a second: log the
                // 1st, 2nd, 4th, 8th ... (the metric counts every one).
                let n = self.slow_consumer.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(
                        sid,
                        events = n,
                        "slow consumer: the client dropped messages"
                    );
                }
            }
            Event::Closed => {
                self.connected.store(false, Ordering::Relaxed);
                tracing::info!("NATS connection closed");
            }
            Event::Draining => tracing::info!("draining the NATS connection"),
            Event::ServerError(e) => tracing::warn!(error = %e, "NATS server error"),
            Event::ClientError(e) => tracing::warn!(error = %e, "NATS client error"),
        }
    }
}

/// Connects with the configured auth and TLS. `subscription_capacity` bounds each
/// subscription's buffer (core mode relies on it to bound memory).
///
/// When the server is not reachable yet and `retry_on_initial_connect` is on, retries with
/// backoff; a refusal that retrying cannot cure (bad credentials, TLS, a bad address) fails at
/// once with a clear message, so a misconfigured worker exits instead of spinning.
pub async fn connect(
    cfg: &NatsConfig,
    state: Arc<ConnectionState>,
    subscription_capacity: usize,
) -> anyhow::Result<Client> {
    use async_nats::ConnectErrorKind as K;
    let servers: Vec<async_nats::ServerAddr> = cfg
        .url
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .with_context(|| format!("bad NATS server address `{}`", redact_url(s)))
        })
        .collect::<anyhow::Result<_>>()?;
    // async-nats ignores credentials in the URL; users put them there (NATS_URL) all the time.
    let url_auth = servers.iter().find_map(|s| {
        s.username()
            .map(|u| (u.to_string(), s.password().map(str::to_string)))
    });
    let mut delay = Duration::from_millis(250);
    loop {
        let mut opts = options(cfg, state.clone(), subscription_capacity).await?;
        let explicit = !cfg.auth.user.is_empty()
            || cfg.auth.token.is_set()
            || cfg.auth.nkey_seed.is_set()
            || !cfg.auth.credentials_file.is_empty();
        if let (false, Some((user, pass))) = (explicit, url_auth.clone()) {
            opts = match pass {
                Some(pass) => opts.user_and_password(user, pass),
                None => opts.token(user),
            };
        }
        match opts.connect(servers.clone()).await {
            Ok(client) => {
                state.connected.store(true, Ordering::Relaxed);
                return Ok(client);
            }
            Err(e) => {
                let url = redact_url(&cfg.url);
                match e.kind() {
                    K::AuthorizationViolation | K::Authentication => {
                        bail!("NATS at {url} refused the credentials ({e}): check nats.auth")
                    }
                    K::Tls => bail!("TLS with NATS at {url} failed ({e}): check nats.tls"),
                    // A handshake the server refused (no or a wrong client certificate) or a
                    // server certificate we do not trust: retrying will not change either.
                    K::Io if tls_refused(&e.to_string()) => {
                        bail!("TLS with NATS at {url} was refused ({e}): check nats.tls")
                    }
                    K::ServerParse => bail!("bad NATS server address {url}: {e}"),
                    _ if !cfg.retry_on_initial_connect => {
                        bail!("cannot connect to NATS at {url}: {e}")
                    }
                    _ => {
                        tracing::warn!(%url, error = %e, retry_in = ?delay, "NATS not reachable yet");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(5));
                    }
                }
            }
        }
    }
}

/// An I/O error that is a TLS handshake refusal. async-nats reports these as I/O errors carrying
/// rustls' message, so they are told apart by it.
fn tls_refused(error: &str) -> bool {
    error.contains("received fatal alert") || error.contains("invalid peer certificate")
}

async fn options(
    cfg: &NatsConfig,
    state: Arc<ConnectionState>,
    subscription_capacity: usize,
) -> anyhow::Result<ConnectOptions> {
    let auth = &cfg.auth;
    let mut opts = if !auth.credentials_file.is_empty() {
        ConnectOptions::with_credentials_file(&auth.credentials_file)
            .await
            .with_context(|| format!("cannot read credentials file `{}`", auth.credentials_file))?
    } else {
        ConnectOptions::new()
    };
    if !auth.user.is_empty() {
        opts = opts.user_and_password(auth.user.clone(), auth.password.expose().to_string());
    }
    if auth.token.is_set() {
        opts = opts.token(auth.token.expose().to_string());
    }
    if auth.nkey_seed.is_set() {
        opts = opts.nkey(auth.nkey_seed.expose().to_string());
    }
    let tls = &cfg.tls;
    if tls.required {
        opts = opts.require_tls(true);
    }
    if !tls.ca_file.is_empty() {
        opts = opts.add_root_certificates(tls.ca_file.clone().into());
    }
    if !tls.cert_file.is_empty() {
        opts =
            opts.add_client_certificate(tls.cert_file.clone().into(), tls.key_file.clone().into());
    }
    Ok(opts
        .name(&cfg.name)
        .connection_timeout(cfg.connect_timeout)
        .request_timeout(Some(cfg.request_timeout))
        .subscription_capacity(subscription_capacity.max(64))
        .event_callback(move |event| {
            let state = state.clone();
            async move { state.on_event(&event) }
        }))
}

/// Hides `user:password@` in a URL for logs.
pub fn redact_url(url: &str) -> String {
    url.split(',')
        .map(|u| match (u.find("://"), u.rfind('@')) {
            (Some(s), Some(at)) if at > s => format!("{}<redacted>@{}", &u[..s + 3], &u[at + 1..]),
            (None, Some(at)) => format!("<redacted>@{}", &u[at + 1..]),
            _ => u.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The JetStream context with our timeouts, waiting (not failing) when too many publish acks
/// are outstanding.
pub fn jetstream(client: Client, cfg: &Config) -> jetstream::Context {
    jetstream::ContextBuilder::new()
        .timeout(cfg.nats.request_timeout)
        .max_ack_inflight(cfg.worker.max_inflight.max(1) * 2)
        .backpressure_on_inflight(true)
        .build(client)
}

fn is_stream_not_found(kind: &GetStreamErrorKind) -> bool {
    matches!(kind, GetStreamErrorKind::JetStream(e) if e.error_code() == ErrorCode::STREAM_NOT_FOUND)
}

/// Finds the stream named `name`, else a stream that captures `probe_subject` under another
/// name, else creates one from `create` when `provision` is on. Returns the stream bound to.
pub async fn ensure_stream(
    js: &jetstream::Context,
    name: &str,
    probe_subjects: &[String],
    provision: bool,
    create: impl FnOnce() -> stream::Config,
) -> anyhow::Result<stream::Stream> {
    match js.get_stream(name).await {
        Ok(s) => return Ok(s),
        Err(e) if is_stream_not_found(&e.kind()) => {}
        Err(e) => return Err(anyhow!("cannot look up stream {name}: {e}")),
    }
    for subject in probe_subjects {
        match js.stream_by_subject(subject.as_str()).await {
            Ok(other) => {
                tracing::info!(
                    stream = %other, subject = %subject,
                    "binding to an existing stream that already captures the subjects"
                );
                return js
                    .get_stream(&other)
                    .await
                    .map_err(|e| anyhow!("cannot bind to stream {other}: {e}"));
            }
            Err(e) if e.kind() == GetStreamByNameErrorKind::NotFound => {}
            Err(e) => return Err(anyhow!("cannot look up streams by subject {subject}: {e}")),
        }
    }
    if !provision {
        return Err(Refused(format!(
            "stream {name} does not exist and no stream captures {}; create it or set provisioning on",
            probe_subjects.join(", ")
        ))
        .into());
    }
    let config = create();
    match js.create_stream(config.clone()).await {
        Ok(s) => {
            tracing::info!(stream = %name, subjects = ?config.subjects, "created stream");
            Ok(s)
        }
        // Another replica created it between our lookup and our create: use theirs.
        Err(e) => match js.get_stream(name).await {
            Ok(s) => Ok(s),
            Err(_)
                if matches!(
                    e.kind(),
                    jetstream::context::CreateStreamErrorKind::JetStream(ref js_err)
                        if !cluster_settling(js_err.error_code())
                ) =>
            {
                Err(Refused(format!("the server refused to create stream {name}: {e}")).into())
            }
            Err(_) => Err(anyhow!("cannot create stream {name}: {e}")),
        },
    }
}

/// JetStream errors a cluster gives while it elects leaders or while nodes are missing: worth
/// retrying, unlike a configuration the server refuses.
fn cluster_settling(code: jetstream::ErrorCode) -> bool {
    use jetstream::ErrorCode as C;
    [
        C::CLUSTER_NOT_AVAILABLE,
        C::CLUSTER_NO_PEERS,
        C::INSUFFICIENT_RESOURCES,
        C::CLUSTER_NOT_LEADER,
        C::CLUSTER_NOT_ACTIVE,
    ]
    .contains(&code)
}

/// The input stream, by name or by the subjects it captures.
pub async fn ensure_input_stream(
    js: &jetstream::Context,
    cfg: &Config,
) -> anyhow::Result<stream::Stream> {
    let s = &cfg.nats.stream;
    ensure_stream(js, &s.name, &s.subjects, s.provision, || stream::Config {
        name: s.name.clone(),
        subjects: s.subjects.clone(),
        retention: match s.retention {
            Retention::Workqueue => RetentionPolicy::WorkQueue,
            Retention::Limits => RetentionPolicy::Limits,
        },
        storage: storage(s.storage),
        max_age: s.max_age,
        max_bytes: s.max_bytes,
        num_replicas: s.replicas,
        duplicate_window: Duration::from_secs(120),
        description: Some("scraped articles for article-enricher".into()),
        ..Default::default()
    })
    .await
}

fn storage(s: Storage) -> StorageType {
    match s {
        Storage::File => StorageType::File,
        Storage::Memory => StorageType::Memory,
    }
}

/// The output stream (enriched records) and the dead-letter stream. Without a stream capturing
/// them, a publish has no ack, and we would never ack our input.
pub async fn ensure_output_streams(js: &jetstream::Context, cfg: &Config) -> anyhow::Result<()> {
    let o = &cfg.output;
    let probe = vec![
        crate::transport::subject::SubjectTemplate::parse(&o.subject)
            .map_err(|e| anyhow!(e))?
            .render(Some("en"), Some("probe")),
    ];
    ensure_stream(js, &o.stream, &probe, o.provision, || stream::Config {
        name: o.stream.clone(),
        subjects: o.stream_subjects.clone(),
        max_age: o.max_age,
        duplicate_window: o.duplicate_window,
        num_replicas: o.replicas,
        description: Some("enriched article records".into()),
        ..Default::default()
    })
    .await?;
    ensure_stream(
        js,
        &o.dead_letter_stream,
        std::slice::from_ref(&o.dead_letter_subject),
        o.provision,
        || stream::Config {
            name: o.dead_letter_stream.clone(),
            subjects: vec![o.dead_letter_subject.clone()],
            max_age: Duration::from_secs(30 * 86_400),
            duplicate_window: Duration::from_secs(600),
            num_replicas: o.replicas,
            // Dead letters are never dropped to make room.
            discard: DiscardPolicy::New,
            description: Some("articles the enricher could not process, original bytes".into()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The durable pull consumer every replica shares; created when missing (if provisioning).
pub async fn ensure_consumer(
    stream: &mut stream::Stream,
    cfg: &Config,
) -> anyhow::Result<PullConsumer> {
    let c = &cfg.nats.consumer;
    match stream.consumer_info(&c.durable).await {
        Ok(_) => {
            return stream
                .get_consumer(&c.durable)
                .await
                .map_err(|e| anyhow!("cannot bind consumer {}: {e}", c.durable));
        }
        Err(e) => match e.kind() {
            ConsumerInfoErrorKind::NotFound => {}
            _ => return Err(anyhow!("cannot look up consumer {}: {e}", c.durable)),
        },
    }
    if !cfg.nats.stream.provision {
        bail!(
            "consumer {} does not exist and nats.stream.provision is off",
            c.durable
        );
    }
    let info = stream
        .info()
        .await
        .context("cannot read the input stream's info")?;
    let stream_subjects = info.config.subjects.clone();
    let ours = &cfg.nats.stream.subjects;
    // Filter only when the stream captures more than our subjects (a stream bound by subject).
    let (filter_subject, filter_subjects) = if &stream_subjects == ours {
        (String::new(), Vec::new())
    } else if ours.len() == 1 {
        (ours[0].clone(), Vec::new())
    } else {
        (String::new(), ours.clone())
    };
    let config = pull::Config {
        durable_name: Some(c.durable.clone()),
        description: Some("article-enricher workers".into()),
        ack_policy: AckPolicy::Explicit,
        deliver_policy: DeliverPolicy::All,
        ack_wait: c.ack_wait,
        max_deliver: c.max_deliver,
        backoff: c.backoff.clone(),
        max_ack_pending: c.max_ack_pending,
        filter_subject,
        filter_subjects,
        ..Default::default()
    };
    match stream.create_consumer(config).await {
        Ok(consumer) => {
            tracing::info!(consumer = %c.durable, "created durable consumer");
            Ok(consumer)
        }
        Err(e) => match stream.get_consumer(&c.durable).await {
            Ok(consumer) => Ok(consumer),
            Err(_) if matches!(e.kind(), jetstream::stream::ConsumerErrorKind::JetStream(_)) => {
                Err(Refused(format!(
                    "the server refused to create consumer {}: {e}",
                    c.durable
                ))
                .into())
            }
            Err(_) => Err(anyhow!("cannot create consumer {}: {e}", c.durable)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_refusals_are_told_from_unreachable_servers() {
        assert!(tls_refused(
            "IO error: received fatal alert: BadCertificate"
        ));
        assert!(tls_refused(
            "IO error: invalid peer certificate: UnknownIssuer"
        ));
        assert!(!tls_refused("IO error: Connection refused (os error 111)"));
    }

    #[test]
    fn a_settling_cluster_is_retried_a_refusal_is_not() {
        use jetstream::ErrorCode as C;
        assert!(cluster_settling(C::CLUSTER_NOT_AVAILABLE));
        assert!(cluster_settling(C::CLUSTER_NO_PEERS));
        // R3 on a single server, a stream name in use with other settings: never.
        assert!(!cluster_settling(C::STREAM_REPLICAS_NOT_SUPPORTED));
        assert!(!cluster_settling(C::STREAM_NAME_EXIST));
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("nats://alice:secret@host:4222"),
            "nats://<redacted>@host:4222"
        );
        assert_eq!(redact_url("host:4222"), "host:4222");
        assert_eq!(
            redact_url("nats://a:b@h1:1,nats://h2:2"),
            "nats://<redacted>@h1:1,nats://h2:2"
        );
    }
}
