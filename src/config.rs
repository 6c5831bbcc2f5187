//! Layered configuration: `config/default.toml` (compiled in) < `--config FILE` < `NATS_URL`
//! < `ENRICHER__SECTION__KEY` environment variables.
//!
//! Loading never stops at the first problem: an operator fixing a config file wants every unknown
//! key, wrong type and impossible value at once, each with its dotted path
//! (`nats.consumer.ack_wait`), which is what `check-config` prints.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Value;

/// The defaults, also shipped as `config/default.toml` for reference.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");
/// Prefix of the environment overrides; `__` separates path segments.
pub const ENV_PREFIX: &str = "ENRICHER__";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub nats: NatsConfig,
    pub input: InputConfig,
    pub output: OutputConfig,
    pub worker: WorkerConfig,
    pub pipeline: PipelineConfig,
    pub dedup: DedupConfig,
    pub ops: OpsConfig,
    pub log: LogConfig,
}

/// `ops`: the operations endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpsConfig {
    /// `host:port` of `/healthz`, `/readyz`, `/metrics` and the status page; empty: none.
    pub listen: String,
    /// How often consumer lag and the dead-letter count are read from the server.
    #[serde(with = "humantime_serde")]
    pub lag_interval: Duration,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NatsConfig {
    pub url: String,
    pub name: String,
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    pub retry_on_initial_connect: bool,
    pub auth: AuthConfig,
    pub tls: TlsConfig,
    pub stream: StreamConfig,
    pub consumer: ConsumerConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthConfig {
    pub user: String,
    pub password: Secret,
    pub token: Secret,
    pub nkey_seed: Secret,
    pub credentials_file: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TlsConfig {
    pub required: bool,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Retention {
    Workqueue,
    Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    File,
    Memory,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamConfig {
    pub name: String,
    pub subjects: Vec<String>,
    pub provision: bool,
    pub retention: Retention,
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
    pub max_bytes: i64,
    pub replicas: usize,
    pub storage: Storage,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumerConfig {
    pub durable: String,
    #[serde(with = "humantime_serde")]
    pub ack_wait: Duration,
    pub max_deliver: i64,
    #[serde(with = "duration_list")]
    pub backoff: Vec<Duration>,
    pub max_ack_pending: i64,
    pub batch: usize,
    #[serde(with = "humantime_serde")]
    pub heartbeat: Duration,
    #[serde(with = "humantime_serde")]
    pub expires: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputMode {
    Jetstream,
    Core,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputConfig {
    pub mode: InputMode,
    pub core_subjects: Vec<String>,
    pub queue_group: String,
    pub max_message_bytes: ByteSize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputConfig {
    pub subject: String,
    pub duplicates_subject: String,
    pub dead_letter_subject: String,
    pub provision: bool,
    pub stream: String,
    pub stream_subjects: Vec<String>,
    pub dead_letter_stream: String,
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
    #[serde(with = "humantime_serde")]
    pub duplicate_window: Duration,
    pub replicas: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerConfig {
    pub max_inflight: usize,
    pub threads: usize,
    /// Threads of the async runtime, which only moves messages (0: one per four cores).
    #[serde(default)]
    pub io_threads: usize,
    #[serde(with = "humantime_serde")]
    pub shutdown_timeout: Duration,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PipelineConfig {
    pub max_text_bytes: ByteSize,
    pub reading_wpm: u32,
    /// Fill `lang`, `entities`, `quotes` and `keywords`. Off, records leave them out: for
    /// pipelines that only want clean, deduplicated text, at a fraction of the CPU.
    #[serde(default = "default_true")]
    pub annotate: bool,
    /// Heap bytes of what the cleaner learns per source (footers, site names); the least
    /// recently seen sources are forgotten first.
    #[serde(default = "default_learn_memory")]
    pub learn_memory: ByteSize,
}

fn default_true() -> bool {
    true
}

fn default_learn_memory() -> ByteSize {
    ByteSize(crate::pipeline::clean::learned::DEFAULT_MAX_BYTES as u64)
}

impl PipelineConfig {
    /// The bounds of the cleaner's learned memory.
    pub fn memory_limits(&self) -> crate::pipeline::clean::learned::MemoryLimits {
        crate::pipeline::clean::learned::MemoryLimits {
            max_bytes: self.learn_memory.as_usize(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DedupStoreKind {
    Embedded,
    Kv,
}

/// `dedup.kv`: the fleet-shared store in JetStream KV.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KvConfig {
    /// Bucket of content hashes.
    pub bucket: String,
    /// Bucket of near-duplicate band keys.
    pub bands_bucket: String,
    /// Replicas of the buckets (3 on a 3-node JetStream cluster).
    pub replicas: usize,
    /// Done keys cached in this process, so hot duplicates cost no round trip.
    pub cache_entries: usize,
    /// What to do while the buckets cannot be reached.
    pub on_outage: KvOutage,
}

/// `dedup.kv.on_outage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KvOutage {
    /// Nak with backoff until the buckets are back (nothing is decided without them).
    Retry,
    /// Decide with an in-process store meanwhile, counting each such decision (copies reaching
    /// other replicas may then be published twice; the output's Nats-Msg-Id window still
    /// stores exact copies once).
    Embedded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DedupConfig {
    pub store: DedupStoreKind,
    #[serde(with = "humantime_serde")]
    pub window: Duration,
    pub max_entries: usize,
    /// Heap bytes the embedded store (and the KV store's local near-duplicate index) may hold.
    pub max_memory: ByteSize,
    /// What to do with a near-duplicate of an earlier article.
    pub near_duplicates: NearPolicy,
    /// Estimated Jaccard similarity (word 5-gram shingles) from which a copy is "near".
    pub near_threshold: f64,
    /// How long an exact copy waits for another delivery's claim on its hash to settle
    /// (published or given up) before it is nak'ed for a later retry.
    #[serde(with = "humantime_serde")]
    pub copy_wait: Duration,
    pub kv: KvConfig,
}

/// `dedup.near_duplicates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NearPolicy {
    /// Publish the record, marked `duplicate: {kind: "near", ...}`.
    Annotate,
    /// Do not publish it (ack it, count it, log it).
    Drop,
    /// No near-duplicate detection.
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

/// A string that never prints: `Debug` and `Serialize` show `<redacted>` when it is set.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself; call only where it is handed to the NATS client.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_set(&self) -> bool {
        !self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_set() { "<redacted>" } else { "\"\"" })
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.is_set() { "<redacted>" } else { "" })
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A byte count written as an integer or with a unit: `4194304`, `"512KiB"`, `"4MiB"`, `"1GB"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Result<ByteSize, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let num: u64 = num
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{s}` is not a size (e.g. 4194304, \"512KiB\", \"4MiB\")"))?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "kib" => 1 << 10,
            "m" | "mb" => 1_000_000,
            "mib" => 1 << 20,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            other => return Err(format!("unknown size unit `{other}` in `{s}`")),
        };
        num.checked_mul(mult)
            .map(ByteSize)
            .ok_or_else(|| format!("size `{s}` is too large"))
    }
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a size: an integer or a string such as \"4MiB\"")
        })? {
            Raw::N(n) => Ok(ByteSize(n)),
            Raw::S(s) => ByteSize::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

mod duration_list {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(v: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| humantime::format_duration(*d).to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| humantime::parse_duration(s).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// One problem found in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Dotted path of the key (`nats.consumer.ack_wait`), or the file for syntax errors.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found while loading; never empty.
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for issue in &self.0 {
            writeln!(f, "  - {issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// The built-in defaults alone (used by `pipe` without `--config`, and by tests).
    pub fn defaults() -> Config {
        Config::load_from(None, std::iter::empty()).expect("the built-in defaults are valid")
    }

    /// Loads the layers from the real environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigErrors> {
        Config::load_from(file, std::env::vars())
    }

    /// Loads the layers with an explicit environment, so tests need not touch the process's.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigErrors> {
        let defaults: Value = toml::from_str(DEFAULT_TOML).map_err(|e| {
            ConfigErrors(vec![ConfigIssue {
                path: "config/default.toml".into(),
                message: e.to_string(),
            }])
        })?;
        let mut merged = defaults.clone();
        let mut issues = Vec::new();

        if let Some(path) = file {
            match std::fs::read_to_string(path) {
                Ok(text) => match toml::from_str::<Value>(&text) {
                    Ok(v) => merge(&mut merged, v),
                    Err(e) => issues.push(ConfigIssue {
                        path: path.display().to_string(),
                        message: format!("not valid TOML: {}", e.message()),
                    }),
                },
                Err(e) => issues.push(ConfigIssue {
                    path: path.display().to_string(),
                    message: format!("cannot read: {e}"),
                }),
            }
        }

        let env: Vec<(String, String)> = env.into_iter().collect();
        // The conventional variable of the NATS tools; the prefixed one below wins over it.
        if let Some((_, url)) = env.iter().find(|(k, _)| k == "NATS_URL") {
            set_path(&mut merged, &["nats", "url"], Value::String(url.clone()));
        }
        let mut overrides: Vec<&(String, String)> = env
            .iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        // Stable: for a key given twice (only possible in tests), the later one wins.
        overrides.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, raw) in overrides {
            let path: Vec<String> = key[ENV_PREFIX.len()..]
                .split("__")
                .map(|s| s.to_ascii_lowercase())
                .collect();
            if path.iter().any(|p| p.is_empty()) {
                issues.push(ConfigIssue {
                    path: key.clone(),
                    message: "malformed variable name (empty segment)".into(),
                });
                continue;
            }
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            let value = env_value(lookup(&defaults, &refs), raw);
            set_path(&mut merged, &refs, value);
        }

        if !issues.is_empty() {
            return Err(ConfigErrors(issues));
        }
        let (config, mut issues) = deserialize_collecting(merged, &defaults);
        let Some(config) = config else {
            return Err(ConfigErrors(issues));
        };
        issues.extend(config.validate());
        if issues.is_empty() {
            Ok(config)
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// Impossible values and combinations, all of them.
    pub fn validate(&self) -> Vec<ConfigIssue> {
        let mut out = Vec::new();
        let mut bad = |path: &str, message: String| {
            out.push(ConfigIssue {
                path: path.into(),
                message,
            })
        };
        let n = &self.nats;
        if n.url.trim().is_empty() {
            bad("nats.url", "must not be empty".into());
        }
        for (path, d) in [
            ("nats.connect_timeout", n.connect_timeout),
            ("nats.request_timeout", n.request_timeout),
            ("nats.consumer.ack_wait", n.consumer.ack_wait),
            ("nats.consumer.heartbeat", n.consumer.heartbeat),
            ("nats.consumer.expires", n.consumer.expires),
            ("worker.shutdown_timeout", self.worker.shutdown_timeout),
            ("dedup.window", self.dedup.window),
            ("output.duplicate_window", self.output.duplicate_window),
        ] {
            if d.is_zero() {
                bad(path, "must be greater than zero".into());
            }
        }
        let auth = &n.auth;
        let methods = [
            !auth.user.is_empty() || auth.password.is_set(),
            auth.token.is_set(),
            auth.nkey_seed.is_set(),
            !auth.credentials_file.is_empty(),
        ];
        if methods.iter().filter(|m| **m).count() > 1 {
            bad(
                "nats.auth",
                "set only one of user/password, token, nkey_seed, credentials_file".into(),
            );
        }
        if auth.user.is_empty() == auth.password.is_set() {
            bad("nats.auth.password", "user and password go together".into());
        }
        for (path, file) in [
            ("nats.auth.credentials_file", &auth.credentials_file),
            ("nats.tls.ca_file", &n.tls.ca_file),
            ("nats.tls.cert_file", &n.tls.cert_file),
            ("nats.tls.key_file", &n.tls.key_file),
        ] {
            if !file.is_empty() && !Path::new(file).is_file() {
                bad(path, format!("file `{file}` does not exist"));
            }
        }
        if n.tls.cert_file.is_empty() != n.tls.key_file.is_empty() {
            bad(
                "nats.tls.key_file",
                "cert_file and key_file go together".into(),
            );
        }
        let s = &n.stream;
        if s.name.is_empty() || s.name.contains(['.', '*', '>', ' ']) {
            bad(
                "nats.stream.name",
                format!("`{}` is not a valid stream name", s.name),
            );
        }
        check_subjects(&mut bad, "nats.stream.subjects", &s.subjects);
        if s.replicas == 0 || s.replicas > 5 {
            bad("nats.stream.replicas", "must be 1 to 5".into());
        }
        let c = &n.consumer;
        if c.durable.is_empty() || c.durable.contains(['.', '*', '>', ' ']) {
            bad(
                "nats.consumer.durable",
                format!("`{}` is not a valid consumer name", c.durable),
            );
        }
        if c.max_deliver < 1 {
            bad(
                "nats.consumer.max_deliver",
                "must be at least 1 (the last delivery of a failing message is dead-lettered)"
                    .into(),
            );
        } else if c.backoff.len() as i64 >= c.max_deliver {
            bad(
                "nats.consumer.backoff",
                format!(
                    "has {} steps but max_deliver is {}: the server requires fewer steps than deliveries",
                    c.backoff.len(),
                    c.max_deliver
                ),
            );
        }
        if c.backoff.iter().any(|d| d.is_zero()) {
            bad(
                "nats.consumer.backoff",
                "steps must be greater than zero".into(),
            );
        }
        if c.max_ack_pending < 1 {
            bad("nats.consumer.max_ack_pending", "must be at least 1".into());
        }
        if c.batch == 0 {
            bad("nats.consumer.batch", "must be at least 1".into());
        }
        if !c.heartbeat.is_zero() && c.heartbeat * 2 > c.expires {
            bad(
                "nats.consumer.heartbeat",
                "must be at most half of nats.consumer.expires".into(),
            );
        }
        if !self.ops.listen.is_empty() && self.ops.listen.parse::<std::net::SocketAddr>().is_err() {
            bad(
                "ops.listen",
                format!(
                    "`{}` is not host:port with an IP address (e.g. 0.0.0.0:9090), or empty to disable",
                    self.ops.listen
                ),
            );
        }
        if self.ops.lag_interval.is_zero() {
            bad("ops.lag_interval", "must be greater than zero".into());
        }
        if self.input.mode == InputMode::Core {
            check_subjects(&mut bad, "input.core_subjects", &self.input.core_subjects);
            if self.input.queue_group.is_empty() {
                bad("input.queue_group", "must not be empty".into());
            }
        }
        if self.input.max_message_bytes.0 == 0 {
            bad(
                "input.max_message_bytes",
                "must be greater than zero".into(),
            );
        }
        let o = &self.output;
        if let Err(e) = crate::transport::subject::SubjectTemplate::parse(&o.subject) {
            bad("output.subject", e);
        }
        if o.dead_letter_subject.is_empty() {
            bad("output.dead_letter_subject", "must not be empty".into());
        }
        let inputs = match self.input.mode {
            InputMode::Jetstream => &s.subjects,
            InputMode::Core => &self.input.core_subjects,
        };
        // Publishing where we consume would feed our own output back in.
        for (path, subject) in [
            ("output.subject", o.subject.as_str()),
            ("output.dead_letter_subject", o.dead_letter_subject.as_str()),
            ("output.duplicates_subject", o.duplicates_subject.as_str()),
        ] {
            let probe = subject.replace("{lang}", "en").replace("{source}", "x");
            if !probe.is_empty()
                && inputs
                    .iter()
                    .any(|pattern| crate::transport::subject::matches(pattern, &probe))
            {
                bad(
                    path,
                    format!(
                        "`{subject}` is consumed by the input subjects: the worker would read its own output"
                    ),
                );
            }
        }
        if o.provision {
            check_subjects(&mut bad, "output.stream_subjects", &o.stream_subjects);
            for (path, name) in [
                ("output.stream", &o.stream),
                ("output.dead_letter_stream", &o.dead_letter_stream),
            ] {
                if name.is_empty() || name.contains(['.', '*', '>', ' ']) {
                    bad(path, format!("`{name}` is not a valid stream name"));
                }
            }
            if o.replicas == 0 || o.replicas > 5 {
                bad("output.replicas", "must be 1 to 5".into());
            }
        }
        if self.worker.max_inflight == 0 {
            bad("worker.max_inflight", "must be at least 1".into());
        }
        if self.pipeline.max_text_bytes.0 == 0 {
            bad(
                "pipeline.max_text_bytes",
                "must be greater than zero".into(),
            );
        }
        if self.pipeline.reading_wpm == 0 {
            bad("pipeline.reading_wpm", "must be greater than zero".into());
        }
        if self.pipeline.learn_memory.0 < 64 << 10 {
            bad("pipeline.learn_memory", "must be at least 64KiB".into());
        }
        if self.dedup.max_entries == 0 {
            bad("dedup.max_entries", "must be at least 1".into());
        }
        if self.dedup.max_memory.0 < 1 << 20 {
            bad("dedup.max_memory", "must be at least 1MiB".into());
        }
        if self.dedup.kv.replicas == 0 || self.dedup.kv.replicas > 5 {
            bad(
                "dedup.kv.replicas",
                format!("{} is not a replica count (1 to 5)", self.dedup.kv.replicas),
            );
        }
        for (path, name) in [
            ("dedup.kv.bucket", &self.dedup.kv.bucket),
            ("dedup.kv.bands_bucket", &self.dedup.kv.bands_bucket),
        ] {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                bad(
                    path,
                    format!("`{name}` is not a KV bucket name (letters, digits, _ and -)"),
                );
            }
        }
        if !(self.dedup.near_threshold > 0.0 && self.dedup.near_threshold <= 1.0) {
            bad(
                "dedup.near_threshold",
                format!(
                    "{} is not a similarity in (0, 1]",
                    self.dedup.near_threshold
                ),
            );
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            bad(
                "log.level",
                format!("`{}` is not a log filter", self.log.level),
            );
        }
        out
    }

    /// The effective configuration as TOML, secrets redacted.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }

    /// Number of pipeline threads: `worker.threads`, or one per core.
    pub fn pipeline_threads(&self) -> usize {
        if self.worker.threads > 0 {
            self.worker.threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }

    /// Threads of the async runtime: `worker.io_threads`, or one per four cores. Moving a
    /// message costs a fraction of processing it, and every extra runtime thread adds wake-ups
    /// and context switches on cores the pipeline needs.
    pub fn io_threads(&self) -> usize {
        if self.worker.io_threads > 0 {
            self.worker.io_threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| (n.get() / 4).max(1))
        }
    }

    /// The file path from `--config`, for messages.
    pub fn describe_source(file: Option<&PathBuf>) -> String {
        file.map_or_else(|| "built-in defaults".into(), |p| p.display().to_string())
    }
}

fn check_subjects(bad: &mut impl FnMut(&str, String), path: &str, subjects: &[String]) {
    if subjects.is_empty() {
        bad(path, "must name at least one subject".into());
    }
    for s in subjects {
        if let Err(e) = crate::transport::subject::validate_pattern(s) {
            bad(path, e);
        }
    }
}

/// Deserializes `merged`, collecting every type error: after each error the offending value is
/// replaced by its default (or removed) and deserialization is retried, so one bad key does not
/// hide the next. Unknown keys are gathered by `serde_ignored` on the final pass.
fn deserialize_collecting(
    mut merged: Value,
    defaults: &Value,
) -> (Option<Config>, Vec<ConfigIssue>) {
    let mut issues = Vec::new();
    for _ in 0..256 {
        let mut unknown = Vec::new();
        let result: Result<Config, _> = {
            let de = merged.clone();
            let mut track = serde_path_to_error::Track::new();
            let tracked = serde_path_to_error::Deserializer::new(de, &mut track);
            serde_ignored::deserialize(tracked, |path| unknown.push(path.to_string()))
                .map_err(|e| (track.path().to_string(), e))
        };
        match result {
            Ok(config) => {
                for path in unknown {
                    issues.push(ConfigIssue {
                        path,
                        message: "unknown key".into(),
                    });
                }
                return (Some(config), issues);
            }
            Err((path, err)) => {
                let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
                issues.push(ConfigIssue {
                    path: if path.is_empty() || path == "." {
                        "(root)".into()
                    } else {
                        path.clone()
                    },
                    message: clean_serde_message(&err.to_string()),
                });
                // Repair at the path (or its nearest existing parent) so the next pass goes on.
                let mut repaired = false;
                for len in (1..=segments.len()).rev() {
                    let prefix = &segments[..len];
                    if let Some(def) = lookup(defaults, prefix) {
                        set_path(&mut merged, prefix, def.clone());
                        repaired = true;
                        break;
                    }
                }
                if !repaired {
                    return (None, issues);
                }
            }
        }
    }
    (None, issues)
}

fn clean_serde_message(msg: &str) -> String {
    // toml's messages carry a multi-line snippet of the whole document; the first line says it.
    msg.lines().next().unwrap_or(msg).trim().to_string()
}

/// Deep merge: tables merge key by key, anything else replaces.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Table(b), Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn lookup<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.as_table()?.get(*k))
}

fn set_path(root: &mut Value, path: &[&str], value: Value) {
    let mut cur = root;
    for (i, key) in path.iter().enumerate() {
        let Value::Table(t) = cur else { return };
        if i + 1 == path.len() {
            t.insert((*key).to_string(), value);
            return;
        }
        cur = t
            .entry((*key).to_string())
            .or_insert_with(|| Value::Table(Default::default()));
    }
}

/// Types an environment value after the default at its path, so `ENRICHER__WORKER__MAX_INFLIGHT=64`
/// is an integer and `ENRICHER__NATS__URL=...` stays a string. A value that does not fit is kept
/// as a string, and deserialization then reports it with its path.
fn env_value(default: Option<&Value>, raw: &str) -> Value {
    let raw_trim = raw.trim();
    match default {
        Some(Value::String(_)) => Value::String(raw.to_string()),
        Some(Value::Integer(_)) => raw_trim
            .parse::<i64>()
            .map(Value::Integer)
            .unwrap_or_else(|_| Value::String(raw.to_string())),
        Some(Value::Float(_)) => raw_trim
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::String(raw.to_string())),
        Some(Value::Boolean(_)) => match raw_trim.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Value::Boolean(true),
            "false" | "0" | "no" | "off" => Value::Boolean(false),
            _ => Value::String(raw.to_string()),
        },
        Some(Value::Array(_)) => {
            if raw_trim.starts_with('[') {
                toml::from_str::<toml::Table>(&format!("v = {raw_trim}"))
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or_else(|| Value::String(raw.to_string()))
            } else if raw_trim.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Array(
                    raw_trim
                        .split(',')
                        .map(|s| Value::String(s.trim().to_string()))
                        .collect(),
                )
            }
        }
        _ => Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn write_tmp(text: &str) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn defaults_load_and_validate() {
        let c = Config::defaults();
        assert_eq!(c.nats.stream.name, "ARTICLES");
        assert_eq!(c.nats.consumer.durable, "enricher");
        assert_eq!(c.nats.consumer.ack_wait, Duration::from_secs(30));
        assert_eq!(c.input.max_message_bytes, ByteSize(4 << 20));
        assert_eq!(c.output.subject, "articles.enriched.{lang}");
    }

    #[test]
    fn thread_counts_default_to_the_cores_and_follow_the_settings() {
        let c = Config::load_from(None, env(&[])).unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(c.pipeline_threads(), cores);
        assert_eq!(c.io_threads(), (cores / 4).max(1));
        let c = Config::load_from(
            None,
            env(&[
                ("ENRICHER__WORKER__THREADS", "3"),
                ("ENRICHER__WORKER__IO_THREADS", "2"),
            ]),
        )
        .unwrap();
        assert_eq!((c.pipeline_threads(), c.io_threads()), (3, 2));
    }

    #[test]
    fn layers_override_in_order() {
        let f = write_tmp("[nats]\nurl = \"nats://file:4222\"\n[worker]\nmax_inflight = 7\n");
        let c = Config::load_from(Some(f.path()), env(&[])).unwrap();
        assert_eq!(c.nats.url, "nats://file:4222");
        assert_eq!(c.worker.max_inflight, 7);

        let c = Config::load_from(Some(f.path()), env(&[("NATS_URL", "nats://conv:1")])).unwrap();
        assert_eq!(c.nats.url, "nats://conv:1");

        let c = Config::load_from(
            Some(f.path()),
            env(&[
                ("NATS_URL", "nats://conv:1"),
                ("ENRICHER__NATS__URL", "nats://env:2"),
                ("ENRICHER__WORKER__MAX_INFLIGHT", "9"),
                ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "45s"),
                ("ENRICHER__NATS__CONSUMER__BACKOFF", "1s, 2s"),
                ("ENRICHER__OUTPUT__PROVISION", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(c.nats.url, "nats://env:2");
        assert_eq!(c.worker.max_inflight, 9);
        assert_eq!(c.nats.consumer.ack_wait, Duration::from_secs(45));
        assert_eq!(
            c.nats.consumer.backoff,
            vec![Duration::from_secs(1), Duration::from_secs(2)]
        );
        assert!(!c.output.provision);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let f = write_tmp(
            "[nats]\nbogus = 1\n[nats.consumer]\nack_wait = 12\nmax_deliver = \"x\"\nbatch = 0\n\
             [worker]\nmax_inflight = 0\n[output]\nsubject = \"articles.raw.{lang}\"\n",
        );
        let err =
            Config::load_from(Some(f.path()), env(&[("ENRICHER__LOG__NOPE", "1")])).unwrap_err();
        let paths: Vec<&str> = err.0.iter().map(|i| i.path.as_str()).collect();
        for want in [
            "nats.consumer.ack_wait",
            "nats.consumer.max_deliver",
            "nats.bogus",
            "log.nope",
            "worker.max_inflight",
            "output.subject",
        ] {
            assert!(paths.contains(&want), "missing {want} in {paths:?}");
        }
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let f = write_tmp("[nats\nurl=");
        let err = Config::load_from(Some(f.path()), env(&[])).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert!(err.0[0].message.contains("not valid TOML"));
    }

    #[test]
    fn secrets_never_render() {
        let c = Config::load_from(
            None,
            env(&[
                ("ENRICHER__NATS__AUTH__USER", "alice"),
                ("ENRICHER__NATS__AUTH__PASSWORD", "hunter2-secret"),
            ]),
        )
        .unwrap();
        let shown = c.to_redacted_toml();
        assert!(!shown.contains("hunter2-secret"));
        assert!(shown.contains("<redacted>"));
        assert!(!format!("{c:?}").contains("hunter2-secret"));
        assert_eq!(c.nats.auth.password.expose(), "hunter2-secret");
    }

    #[test]
    fn two_auth_methods_are_refused() {
        let err = Config::load_from(
            None,
            env(&[
                ("ENRICHER__NATS__AUTH__TOKEN", "t"),
                ("ENRICHER__NATS__AUTH__NKEY_SEED", "SU..."),
            ]),
        )
        .unwrap_err();
        assert!(err.0.iter().any(|i| i.path == "nats.auth"));
    }

    #[test]
    fn byte_sizes_parse() {
        assert_eq!(ByteSize::parse("4MiB").unwrap(), ByteSize(4 << 20));
        assert_eq!(ByteSize::parse("512 KiB").unwrap(), ByteSize(512 << 10));
        assert_eq!(ByteSize::parse("1000").unwrap(), ByteSize(1000));
        assert!(ByteSize::parse("4XB").is_err());
        assert!(ByteSize::parse("").is_err());
    }
}
