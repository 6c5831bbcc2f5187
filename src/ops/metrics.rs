//! The worker's metrics, in the Prometheus text format under the `enricher_` prefix.
//!
//! Every label takes its values from a closed set (outcomes, reject reasons, boilerplate kinds,
//! stages), so a hostile stream cannot grow the series count; article ids and URLs are never
//! labels. Every series exists from the start at zero, so dashboards and `rate()` see it before
//! its first event. Hot-path counters are kept as handles (an atomic each), not looked up.

use crate::pipeline::clean::kind::Kind;
use crate::record::RejectReason;
use crate::transport::nats::ConnectionState;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Duration;

/// The content type of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

type Label = [(&'static str, &'static str); 1];
type Labels2 = [(&'static str, &'static str); 2];

/// What became of an article, as the `outcome` label says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Published as a new original.
    New,
    /// Published marked as a near copy (policy annotate).
    NearDuplicate,
    /// Acked unpublished as a near copy (policy drop).
    NearDuplicateDropped,
    ExactDuplicate,
    /// A redelivery of what this worker had already published.
    AlreadyPublished,
    DeadLettered,
    /// Nak'ed for a later retry.
    Retried,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 7] = [
        OutcomeKind::New,
        OutcomeKind::NearDuplicate,
        OutcomeKind::NearDuplicateDropped,
        OutcomeKind::ExactDuplicate,
        OutcomeKind::AlreadyPublished,
        OutcomeKind::DeadLettered,
        OutcomeKind::Retried,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::New => "new",
            OutcomeKind::NearDuplicate => "near_duplicate",
            OutcomeKind::NearDuplicateDropped => "near_duplicate_dropped",
            OutcomeKind::ExactDuplicate => "exact_duplicate",
            OutcomeKind::AlreadyPublished => "already_published",
            OutcomeKind::DeadLettered => "dead_lettered",
            OutcomeKind::Retried => "retried",
        }
    }
}

/// The timed stages of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Parsing, HTML extraction and cleaning (everything in the pipeline but annotation).
    Clean,
    Annotate,
    /// The dedup store's answers (exact claim and near lookup).
    Dedup,
    /// From sending the record to its publish ack.
    Publish,
    /// From receipt to the ack (or nak, or dead letter) of the input.
    EndToEnd,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Clean,
        Stage::Annotate,
        Stage::Dedup,
        Stage::Publish,
        Stage::EndToEnd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Clean => "clean",
            Stage::Annotate => "annotate",
            Stage::Dedup => "dedup",
            Stage::Publish => "publish",
            Stage::EndToEnd => "end_to_end",
        }
    }
}

/// Which dedup question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DedupOp {
    Exact,
    Near,
}

/// What the dedup store answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DedupResult {
    /// A copy was found.
    Hit,
    Miss,
    /// Another copy is being published right now (exact claims only).
    InFlight,
    /// The store could not answer.
    Error,
}

impl DedupResult {
    const ALL: [DedupResult; 4] = [
        DedupResult::Hit,
        DedupResult::Miss,
        DedupResult::InFlight,
        DedupResult::Error,
    ];

    fn as_str(self) -> &'static str {
        match self {
            DedupResult::Hit => "hit",
            DedupResult::Miss => "miss",
            DedupResult::InFlight => "in_flight",
            DedupResult::Error => "error",
        }
    }
}

/// The worker's metrics. Cheap to update from every task; encoded on each scrape.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    outcomes: Vec<Counter>,
    rejected: Vec<Counter>,
    redelivered: Counter,
    duplicate_msg_id: Counter,
    removed: Vec<Counter>,
    stages: Vec<Histogram>,
    dedup: Vec<Counter>,
    /// Messages being processed or awaiting their publish ack.
    pub inflight: Gauge,
    pub bytes_in: Counter,
    pub bytes_out: Counter,
    pub consumer_pending: Gauge,
    pub consumer_ack_pending: Gauge,
    pub consumer_redelivered: Gauge,
    pub consumer_waiting: Gauge,
    pub dead_letter_messages: Gauge,
    pub ready: Gauge,
    pub draining: Gauge,
    /// Decisions taken with the in-process store while the KV buckets were unreachable.
    pub dedup_fallbacks: Gauge,
}

impl Metrics {
    /// Metrics reading the connection's state at each scrape.
    pub fn new(connection: Arc<ConnectionState>) -> Metrics {
        let mut registry = Registry::with_prefix("enricher");
        registry.register(
            "build",
            "The running version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );

        let outcomes_family = Family::<Label, Counter>::default();
        let outcomes = OutcomeKind::ALL
            .iter()
            .map(|o| outcomes_family.get_or_create_owned(&[("outcome", o.as_str())]))
            .collect();
        registry.register("articles", "Articles handled, by outcome", outcomes_family);

        let rejected_family = Family::<Label, Counter>::default();
        let rejected = RejectReason::ALL
            .iter()
            .map(|r| rejected_family.get_or_create_owned(&[("reason", r.as_str())]))
            .collect();
        registry.register(
            "rejected",
            "Articles dead-lettered, by reason",
            rejected_family,
        );

        let redelivered = Counter::default();
        registry.register(
            "redelivered",
            "Deliveries that were not an article's first",
            redelivered.clone(),
        );
        let duplicate_msg_id = Counter::default();
        registry.register(
            "output_duplicate_msg_id",
            "Records the output stream already held (its Nats-Msg-Id window dropped the copy)",
            duplicate_msg_id.clone(),
        );

        let removed_family = Family::<Label, Counter>::default();
        let removed = Kind::ALL
            .iter()
            .map(|k| removed_family.get_or_create_owned(&[("kind", k.as_str())]))
            .collect();
        registry.register(
            "boilerplate_removed",
            "Pieces of boilerplate taken out of published records, by kind",
            removed_family,
        );

        // 50 µs to ~7.5 s: annotating a short article up to publishing through a slow cluster.
        let stage_family = Family::<Label, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_05, 2.5, 14))
        });
        let stages = Stage::ALL
            .iter()
            .map(|s| stage_family.get_or_create_owned(&[("stage", s.as_str())]))
            .collect();
        registry.register(
            "stage_duration_seconds",
            "Time per article in each stage",
            stage_family,
        );

        let dedup_family = Family::<Labels2, Counter>::default();
        let mut dedup = Vec::new();
        for op in ["exact", "near"] {
            for r in DedupResult::ALL {
                dedup.push(dedup_family.get_or_create_owned(&[("op", op), ("result", r.as_str())]));
            }
        }
        registry.register(
            "dedup_lookups",
            "Questions to the dedup store, by question and answer",
            dedup_family,
        );

        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let inflight = gauge(
            &mut registry,
            "inflight",
            "Messages being processed or awaiting their publish ack",
        );
        let bytes_in = counter(&mut registry, "input_bytes", "Bytes of input messages");
        let bytes_out = counter(&mut registry, "output_bytes", "Bytes of published records");
        let consumer_pending = gauge(
            &mut registry,
            "consumer_pending",
            "Messages in the input stream not yet delivered to the consumer (lag)",
        );
        let consumer_ack_pending = gauge(
            &mut registry,
            "consumer_ack_pending",
            "Messages delivered to the consumer and not yet acknowledged",
        );
        let consumer_redelivered = gauge(
            &mut registry,
            "consumer_redelivered",
            "Messages the consumer has redelivered and not yet had acknowledged",
        );
        let consumer_waiting = gauge(
            &mut registry,
            "consumer_waiting",
            "Pull requests waiting on the consumer (all replicas)",
        );
        let dead_letter_messages = gauge(
            &mut registry,
            "dead_letter_messages",
            "Messages held in the dead-letter stream",
        );
        let ready = gauge(
            &mut registry,
            "ready",
            "1 while connected, consuming and not draining (what /readyz answers)",
        );
        let draining = gauge(&mut registry, "draining", "1 once shutdown has begun");
        let dedup_fallbacks = gauge(
            &mut registry,
            "dedup_fallbacks",
            "Dedup decisions taken by the in-process store while the KV buckets were unreachable",
        );
        registry.register_collector(Box::new(ConnectionCollector(connection)));

        Metrics {
            registry,
            outcomes,
            rejected,
            redelivered,
            duplicate_msg_id,
            removed,
            stages,
            dedup,
            inflight,
            bytes_in,
            bytes_out,
            consumer_pending,
            consumer_ack_pending,
            consumer_redelivered,
            consumer_waiting,
            dead_letter_messages,
            ready,
            draining,
            dedup_fallbacks,
        }
    }

    pub fn outcome(&self, o: OutcomeKind) {
        self.outcomes[o as usize].inc();
    }

    pub fn outcome_count(&self, o: OutcomeKind) -> u64 {
        self.outcomes[o as usize].get()
    }

    pub fn rejected(&self, reason: RejectReason) {
        if let Some(i) = RejectReason::ALL.iter().position(|r| *r == reason) {
            self.rejected[i].inc();
        }
    }

    pub fn rejected_count(&self, reason: RejectReason) -> u64 {
        RejectReason::ALL
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.rejected[i].get())
    }

    pub fn redelivered(&self) {
        self.redelivered.inc();
    }

    pub fn duplicate_msg_id(&self) {
        self.duplicate_msg_id.inc();
    }

    /// Counts a record's removed pieces by their SPEC kind (an unknown name counts as `other`).
    pub fn removed<'a>(&self, kinds: impl IntoIterator<Item = &'a str>) {
        for name in kinds {
            let i = Kind::ALL
                .iter()
                .position(|k| k.as_str() == name)
                .unwrap_or(Kind::ALL.len() - 1);
            self.removed[i].inc();
        }
    }

    pub fn stage(&self, stage: Stage, took: Duration) {
        self.stages[stage as usize].observe(took.as_secs_f64());
    }

    pub fn dedup(&self, op: DedupOp, result: DedupResult) {
        let i = op as usize * DedupResult::ALL.len() + result as usize;
        self.dedup[i].inc();
    }

    /// All articles that reached an outcome.
    pub fn handled(&self) -> u64 {
        self.outcomes.iter().map(Counter::get).sum()
    }

    /// The Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail; an encoder error would be a bug in a label.
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(error = %e, "could not encode the metrics");
        }
        out
    }

    /// One line for the logs.
    pub fn summary(&self) -> String {
        let mut s = format!("handled={}", self.handled());
        for o in OutcomeKind::ALL {
            let n = self.outcome_count(o);
            if n > 0 {
                s.push_str(&format!(" {}={n}", o.as_str()));
            }
        }
        let redelivered = self.redelivered.get();
        if redelivered > 0 {
            s.push_str(&format!(" redelivered={redelivered}"));
        }
        s
    }
}

/// The connection's counters, read at each scrape (the NATS client's event callback keeps them).
#[derive(Debug)]
struct ConnectionCollector(Arc<ConnectionState>);

impl Collector for ConnectionCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let c = &self.0;
        let gauges = [
            (
                "nats_connected",
                "1 while connected to a NATS server",
                i64::from(c.is_connected()),
            ),
            (
                "nats_lame_duck",
                "1 while the server announces lame duck mode",
                i64::from(c.lame_duck()),
            ),
        ];
        for (name, help, v) in gauges {
            let g = prometheus_client::metrics::gauge::ConstGauge::new(v);
            g.encode(encoder.encode_descriptor(name, help, None, g.metric_type())?)?;
        }
        let counters = [
            (
                "nats_reconnects",
                "Reconnections after a lost connection",
                c.reconnects(),
            ),
            ("nats_disconnects", "Connections lost", c.disconnects()),
            (
                "nats_slow_consumer",
                "Slow-consumer events (the client dropped messages)",
                c.slow_consumer_events(),
            ),
        ];
        for (name, help, v) in counters {
            let m = ConstCounter::new(v);
            m.encode(encoder.encode_descriptor(name, help, None, m.metric_type())?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
    }

    #[test]
    fn every_series_exists_at_zero_and_counts() {
        let m = Metrics::new(Arc::new(ConnectionState::default()));
        let text = m.encode();
        assert_eq!(
            value(&text, "enricher_articles_total{outcome=\"new\"}"),
            Some(0.0)
        );
        assert_eq!(
            value(&text, "enricher_rejected_total{reason=\"invalid_json\"}"),
            Some(0.0)
        );
        assert_eq!(value(&text, "enricher_nats_connected"), Some(0.0));
        m.outcome(OutcomeKind::New);
        m.outcome(OutcomeKind::New);
        m.outcome(OutcomeKind::DeadLettered);
        m.rejected(RejectReason::TooLarge);
        m.removed(["wire_credit", "not-a-kind"]);
        m.stage(Stage::EndToEnd, Duration::from_millis(3));
        m.dedup(DedupOp::Near, DedupResult::Hit);
        let text = m.encode();
        assert_eq!(
            value(&text, "enricher_articles_total{outcome=\"new\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&text, "enricher_rejected_total{reason=\"too_large\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "enricher_boilerplate_removed_total{kind=\"other\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(
                &text,
                "enricher_stage_duration_seconds_count{stage=\"end_to_end\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &text,
                "enricher_dedup_lookups_total{op=\"near\",result=\"hit\"}"
            ),
            Some(1.0)
        );
        assert_eq!(m.handled(), 3);
        assert!(m.summary().contains("new=2"));
    }

    #[test]
    fn the_series_count_is_fixed() {
        let m = Metrics::new(Arc::new(ConnectionState::default()));
        let before = m.encode().lines().count();
        for _ in 0..100 {
            m.removed(["made-up-kind"]);
        }
        assert_eq!(m.encode().lines().count(), before);
    }
}
