//! One message's way through the worker: pipeline on the CPU pool, dedup claim, publish, and
//! only then the ack. Every path ends in exactly one of: acked after its output's publish ack,
//! terminated after its dead letter's publish ack, or nak'ed for a later retry.

use super::dead_letter::{self, Origin};
use super::pool::CpuPool;
use crate::config::NearPolicy;
use crate::dedup::{Claim, DedupStore, HashKey};
use crate::ops::metrics::{DedupOp, DedupResult, Metrics, OutcomeKind, Stage};
use crate::pipeline::clean::learned::SourceMemory;
use crate::pipeline::{Pipeline, Processed};
use crate::record::{Duplicate, DuplicateNotice, RejectReason, Rejection};
use crate::transport::subject::SubjectTemplate;
use async_nats::header::{HeaderMap, NATS_MESSAGE_ID};
use async_nats::jetstream::{
    self, AckKind, context::PublishErrorKind, message::PublishMessage as Publish,
};
use async_nats::{Client, Subject};
use bytes::Bytes;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tracing::{Instrument, debug, info, info_span, warn};

/// How a message arrived, and so how it is acknowledged.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// A JetStream delivery: acked through its reply subject.
    JetStream {
        reply: Subject,
        stream: String,
        stream_sequence: u64,
        delivered: i64,
    },
    /// A core-NATS message: nothing to acknowledge (at-most-once).
    Core,
}

/// One message as the worker sees it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub subject: Subject,
    pub payload: Bytes,
    pub headers: Option<HeaderMap>,
    pub delivery: Delivery,
}

impl Incoming {
    pub fn from_jetstream(msg: jetstream::Message) -> Incoming {
        let info = msg
            .info()
            .map(|i| (i.stream.to_string(), i.stream_sequence, i.delivered))
            .ok();
        let msg = msg.message;
        match (msg.reply, info) {
            (Some(reply), Some((stream, stream_sequence, delivered))) => Incoming {
                subject: msg.subject,
                payload: msg.payload,
                headers: msg.headers,
                delivery: Delivery::JetStream {
                    reply,
                    stream,
                    stream_sequence,
                    delivered,
                },
            },
            _ => Incoming {
                subject: msg.subject,
                payload: msg.payload,
                headers: msg.headers,
                delivery: Delivery::Core,
            },
        }
    }

    pub fn from_core(msg: async_nats::Message) -> Incoming {
        Incoming {
            subject: msg.subject,
            payload: msg.payload,
            headers: msg.headers,
            delivery: Delivery::Core,
        }
    }

    fn delivered(&self) -> i64 {
        match &self.delivery {
            Delivery::JetStream { delivered, .. } => *delivered,
            Delivery::Core => 1,
        }
    }
}

/// What became of a message (for logs, metrics and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new record was published (the stream may report it already held it: `duplicate_msg_id`).
    Published { duplicate_msg_id: bool, near: bool },
    /// A near duplicate under `near_duplicates = "drop"`: acked, not published.
    NearDuplicateDropped,
    /// An exact duplicate of an earlier article: not published.
    ExactDuplicate,
    /// A redelivery of an article this worker already published: acked, nothing republished.
    AlreadyPublished,
    /// Dead-lettered with this reason, then terminated.
    DeadLettered(RejectReason),
    /// Nak'ed for a later retry (transient failure, or a copy still in flight).
    Retry,
}

/// Where a handler sends what.
pub struct Outputs {
    pub subject: SubjectTemplate,
    pub dead_letter_subject: String,
    /// The duplicates notice subject, and whether a stream captures it (then publish acks are
    /// awaited; otherwise it is a plain fire-and-forget publish).
    pub duplicates: Option<(String, bool)>,
}

/// Everything a message needs on its way; shared by all in-flight messages.
pub struct Handler<S> {
    pub client: Client,
    pub js: jetstream::Context,
    pub pipeline: Arc<Pipeline>,
    /// What the stream taught (sources' own boilerplate, recent headlines), shared by all tasks.
    pub memory: Arc<SourceMemory>,
    pub pool: Arc<CpuPool>,
    pub store: Arc<S>,
    pub outputs: Outputs,
    /// Nak delays by delivery count.
    pub backoff: Vec<Duration>,
    /// The consumer's `max_deliver` (-1 or 0: unlimited), as the server reports it (an existing
    /// consumer may differ from our configuration).
    pub max_deliver: std::sync::atomic::AtomicI64,
    pub ack_wait: Duration,
    pub ack_timeout: Duration,
    /// How long a copy waits for another delivery's claim on its hash (`dedup.copy_wait`).
    pub copy_wait: Duration,
    pub metrics: Arc<Metrics>,
    /// Sent as `Enricher-Worker` with each record, for tracing a record to its replica.
    pub worker_id: String,
    /// Near-duplicate policy and similarity threshold.
    pub near: (NearPolicy, f64),
}

/// A failure that a retry may cure.
#[derive(Debug)]
struct Transient(String);

impl<S: DedupStore> Handler<S> {
    /// Handles one message to its end. Never panics on input; never returns before the message
    /// is acked, terminated or nak'ed (or, in core mode, published or dead-lettered).
    pub async fn handle(&self, msg: Incoming) -> Outcome {
        let seq = match &msg.delivery {
            Delivery::JetStream {
                stream_sequence, ..
            } => *stream_sequence,
            Delivery::Core => 0,
        };
        let span = info_span!(
            "article",
            seq,
            delivered = msg.delivered(),
            id = tracing::field::Empty
        );
        let started = Instant::now();
        let m = &self.metrics;
        m.inflight.inc();
        m.bytes_in.inc_by(msg.payload.len() as u64);
        let outcome = self
            .with_progress(&msg, self.process(&msg).instrument(span.clone()))
            .await;
        m.inflight.dec();
        m.stage(Stage::EndToEnd, started.elapsed());
        self.count(&outcome, msg.delivered());
        let _guard = span.enter();
        debug!(?outcome, "done");
        outcome
    }

    fn count(&self, outcome: &Outcome, delivered: i64) {
        let m = &self.metrics;
        if delivered > 1 {
            m.redelivered();
        }
        let kind = match outcome {
            Outcome::Published {
                duplicate_msg_id,
                near,
            } => {
                if *duplicate_msg_id {
                    m.duplicate_msg_id();
                }
                if *near {
                    OutcomeKind::NearDuplicate
                } else {
                    OutcomeKind::New
                }
            }
            Outcome::NearDuplicateDropped => OutcomeKind::NearDuplicateDropped,
            Outcome::ExactDuplicate => OutcomeKind::ExactDuplicate,
            Outcome::AlreadyPublished => OutcomeKind::AlreadyPublished,
            Outcome::DeadLettered(reason) => {
                m.rejected(*reason);
                OutcomeKind::DeadLettered
            }
            Outcome::Retry => OutcomeKind::Retried,
        };
        m.outcome(kind);
    }

    /// Keeps a slow message from being redelivered elsewhere while we still work on it.
    async fn with_progress(
        &self,
        msg: &Incoming,
        work: impl std::future::Future<Output = Outcome>,
    ) -> Outcome {
        let Delivery::JetStream { reply, .. } = &msg.delivery else {
            return work.await;
        };
        tokio::pin!(work);
        let every = (self.ack_wait / 2).max(Duration::from_millis(100));
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tokio::select! {
                out = &mut work => return out,
                _ = tick.tick() => {
                    let _ = self.client.publish(reply.clone(), Bytes::from(AckKind::Progress)).await;
                }
            }
        }
    }

    async fn process(&self, msg: &Incoming) -> Outcome {
        let payload = msg.payload.clone();
        let pipeline = self.pipeline.clone();
        let memory = self.memory.clone();
        let now = chrono::Utc::now();
        let result = self
            .pool
            .run(move || {
                let started = Instant::now();
                let processed = pipeline.process(&payload, now, &memory)?;
                let took = started.elapsed();
                let bytes = serde_json::to_vec(&processed.record).map_err(|e| {
                    Rejection::new(RejectReason::InvalidField, format!("cannot serialize: {e}"))
                })?;
                Ok::<_, Rejection>((processed, bytes, took))
            })
            .await;
        let (processed, bytes) = match result {
            Ok(Ok((processed, bytes, took))) => {
                let m = &self.metrics;
                m.stage(Stage::Annotate, processed.annotate_time);
                m.stage(Stage::Clean, took.saturating_sub(processed.annotate_time));
                (processed, bytes)
            }
            Ok(Err(rejection)) => return self.dead_letter(msg, rejection).await,
            Err(panicked) => {
                let r = Rejection::new(RejectReason::InternalError, panicked.to_string());
                return self.dead_letter(msg, r).await;
            }
        };
        tracing::Span::current().record("id", processed.record.id.as_str());

        match self.deliver(msg, &processed, bytes).await {
            Ok(outcome) => outcome,
            Err(Transient(why)) => self.retry(msg, why).await,
        }
    }

    /// Claims the hash; while another delivery holds the claim (a copy of a story often arrives
    /// many times at once), polls it with growing pauses for up to `copy_wait`. The holder
    /// settles within a publish round trip, so the copy is then decided here as a duplicate (or
    /// as the new first copy, if the holder gave up) instead of a nak and a redelivery a backoff
    /// later.
    async fn claim_settled(
        &self,
        key: HashKey,
        id: &str,
    ) -> Result<Claim, crate::dedup::DedupError> {
        let deadline = Instant::now() + self.copy_wait;
        let mut pause = Duration::from_millis(2);
        loop {
            let claim = self.store.claim(key, id, epoch_now()).await;
            let now = Instant::now();
            if !matches!(claim, Ok(Claim::InFlight)) || now >= deadline {
                return claim;
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    /// Lets the next copy claim the hash (a failed release only delays it until the claim is
    /// stale).
    async fn release_claim(&self, token: crate::dedup::ClaimToken) {
        if let Err(e) = self.store.release(token).await {
            warn!(error = %e, "could not release the dedup claim");
        }
    }

    /// Claim, publish, commit, ack.
    async fn deliver(
        &self,
        msg: &Incoming,
        p: &Processed,
        bytes: Vec<u8>,
    ) -> Result<Outcome, Transient> {
        let key = HashKey::from_hash(&p.hash);
        let id = &p.record.id;
        let m = &self.metrics;
        let asked = Instant::now();
        let claim = self.claim_settled(key, id).await;
        m.dedup(
            DedupOp::Exact,
            match &claim {
                Ok(Claim::New(_)) => DedupResult::Miss,
                Ok(Claim::InFlight) => DedupResult::InFlight,
                Ok(Claim::Duplicate { .. }) => DedupResult::Hit,
                Err(_) => DedupResult::Error,
            },
        );
        if !matches!(claim, Ok(Claim::New(_))) {
            m.stage(Stage::Dedup, asked.elapsed());
        }
        let claim = claim.map_err(|e| Transient(e.to_string()))?;
        let token = match claim {
            Claim::New(token) => token,
            Claim::InFlight => {
                return Err(Transient(
                    "a copy of this article is being published".into(),
                ));
            }
            Claim::Duplicate { of } if &of == id => {
                // We published it before, but its ack did not reach the server.
                self.ack(msg).await;
                return Ok(Outcome::AlreadyPublished);
            }
            Claim::Duplicate { of } => {
                self.notify_duplicate(p, &of).await?;
                self.ack(msg).await;
                return Ok(Outcome::ExactDuplicate);
            }
        };

        // Near copies: asked only for a new content hash, under the claim, so two near copies
        // racing on replicas are decided as one worker would (the earlier committed original).
        let (policy, threshold) = self.near;
        let sig = p.signature.as_ref().filter(|_| policy != NearPolicy::Off);
        let near = match sig {
            Some(sig) => match self.store.near(sig, threshold, epoch_now()).await {
                Ok(found) => {
                    let result = if found.is_some() {
                        DedupResult::Hit
                    } else {
                        DedupResult::Miss
                    };
                    m.dedup(DedupOp::Near, result);
                    found
                }
                Err(e) => {
                    m.dedup(DedupOp::Near, DedupResult::Error);
                    self.release_claim(token).await;
                    return Err(Transient(e.to_string()));
                }
            },
            None => None,
        };
        m.stage(Stage::Dedup, asked.elapsed());
        let mut bytes = bytes;
        if let Some(m) = &near {
            info!(of = %m.of, similarity = m.similarity, "near duplicate");
            if policy == NearPolicy::Drop {
                // Its exact copies must not count as copies of an unpublished article.
                self.release_claim(token).await;
                self.ack(msg).await;
                return Ok(Outcome::NearDuplicateDropped);
            }
            let mut record = p.record.clone();
            record.duplicate = Some(Duplicate::from(m.clone()));
            bytes = match serde_json::to_vec(&record) {
                Ok(b) => b,
                Err(e) => {
                    self.release_claim(token).await;
                    return Err(Transient(format!("could not serialise the record: {e}")));
                }
            };
        }

        let subject = self
            .outputs
            .subject
            .render(p.record.lang_code(), p.record.source.as_deref());
        let mut headers = HeaderMap::new();
        headers.insert(NATS_MESSAGE_ID, p.record.content_hash.as_str());
        headers.insert("Enricher-Article-Id", id.as_str());
        headers.insert("Content-Type", "application/json");
        headers.insert("Enricher-Worker", self.worker_id.as_str());
        let out_bytes = bytes.len() as u64;
        let sending = Instant::now();
        let published = async {
            self.js
                .send_publish(
                    subject,
                    Publish::build().payload(bytes.into()).headers(headers),
                )
                .await
                .map_err(|e| (e.kind(), e.to_string()))?
                .await
                .map_err(|e| (e.kind(), e.to_string()))
        }
        .await;
        m.stage(Stage::Publish, sending.elapsed());
        match published {
            Ok(ack) => {
                // The output stream already held a record of this content: one published whose
                // done mark never got written (its worker crashed, or the commit failed). If it
                // is another article's, this one is its duplicate, and is recorded as such.
                let first = match ack.duplicate {
                    true => self.stored_article_id(&ack.stream, ack.sequence).await,
                    false => None,
                };
                if let Some(of) = first.filter(|of| of != id) {
                    let token = crate::dedup::ClaimToken {
                        id: of.clone(),
                        ..token
                    };
                    self.commit(token).await?;
                    self.notify_duplicate(p, &of).await?;
                    self.ack(msg).await;
                    return Ok(Outcome::ExactDuplicate);
                }
                m.bytes_out.inc_by(out_bytes);
                m.removed(p.record.removed.iter().map(|r| r.kind.as_str()));
                // Only originals are remembered, so `of` always names a published original.
                let remember = async {
                    match sig.filter(|_| near.is_none()) {
                        Some(sig) => self.store.remember_near(sig, id, epoch_now()).await,
                        None => Ok(()),
                    }
                };
                let (committed, remembered) = tokio::join!(self.commit(token), remember);
                if let Err(e) = remembered {
                    warn!(error = %e, "could not remember the article for near copies");
                }
                // Not acked without its done mark: a later copy would find no mark and, past the
                // output stream's duplicate window, publish the story again. The redelivery
                // republishes (stored once: same Nats-Msg-Id) and commits.
                committed?;
                self.ack(msg).await;
                Ok(Outcome::Published {
                    duplicate_msg_id: ack.duplicate,
                    near: near.is_some(),
                })
            }
            Err((kind, why)) => {
                self.release_claim(token).await;
                if kind == PublishErrorKind::MaxPayloadExceeded {
                    let r = Rejection::new(
                        RejectReason::TooLarge,
                        format!("the enriched record exceeds the server's max_payload: {why}"),
                    )
                    .with_id(Some(id));
                    return Ok(self.dead_letter(msg, r).await);
                }
                Err(Transient(format!("publish failed: {why}")))
            }
        }
    }

    /// Writes the done mark, retrying briefly (a server restart, a leader election), since the
    /// record is already out and only the mark is missing.
    async fn commit(&self, token: crate::dedup::ClaimToken) -> Result<(), Transient> {
        let mut delay = Duration::from_millis(100);
        for attempt in 1.. {
            match self.store.commit(token.clone(), epoch_now()).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt >= 6 => {
                    warn!(error = %e, "could not record the published hash");
                    return Err(Transient(format!("recording the published hash: {e}")));
                }
                Err(_) => {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
        Ok(())
    }

    /// The article id of a stored record (its `Enricher-Article-Id` header), or `None` when it
    /// cannot be read.
    async fn stored_article_id(&self, stream: &str, sequence: u64) -> Option<String> {
        let stream = self.js.get_stream_no_info(stream).await.ok()?;
        match stream.get_raw_message(sequence).await {
            Ok(m) => m
                .headers
                .get("Enricher-Article-Id")
                .map(|v| v.as_str().to_string()),
            Err(e) => {
                warn!(error = %e, "could not read the stored record a publish duplicated");
                None
            }
        }
    }

    async fn notify_duplicate(&self, p: &Processed, of: &str) -> Result<(), Transient> {
        let Some((subject, durable)) = &self.outputs.duplicates else {
            return Ok(());
        };
        let r = &p.record;
        let notice = DuplicateNotice {
            id: &r.id,
            url: r.url.as_deref(),
            source: r.source.as_deref(),
            content_hash: &r.content_hash,
            duplicate_of: of,
        };
        let body: Bytes = serde_json::to_vec(&notice).unwrap_or_default().into();
        if *durable {
            let mut h = HeaderMap::new();
            h.insert(NATS_MESSAGE_ID, format!("dup:{}", r.id));
            self.js
                .send_publish(subject.clone(), Publish::build().payload(body).headers(h))
                .await
                .map_err(|e| Transient(format!("duplicate notice: {e}")))?
                .await
                .map_err(|e| Transient(format!("duplicate notice: {e}")))?;
        } else {
            self.client
                .publish(subject.clone(), body)
                .await
                .map_err(|e| Transient(format!("duplicate notice: {e}")))?;
        }
        Ok(())
    }

    /// Sends the original bytes to the dead-letter subject, then terminates the message. If the
    /// dead letter cannot be stored, the message is nak'ed instead: it is never dropped.
    async fn dead_letter(&self, msg: &Incoming, rejection: Rejection) -> Outcome {
        let (stream, seq) = match &msg.delivery {
            Delivery::JetStream {
                stream,
                stream_sequence,
                ..
            } => (Some(stream.as_str()), Some(*stream_sequence)),
            Delivery::Core => (None, None),
        };
        let origin = Origin {
            subject: msg.subject.as_str(),
            stream,
            stream_sequence: seq,
            delivered: matches!(msg.delivery, Delivery::JetStream { .. }).then(|| msg.delivered()),
            headers: msg.headers.as_ref(),
        };
        warn!(reason = %rejection.reason, detail = %rejection.detail, "dead-lettering");
        match dead_letter::publish(
            &self.js,
            &self.outputs.dead_letter_subject,
            msg.payload.clone(),
            &rejection,
            &origin,
        )
        .await
        {
            Ok(()) => {
                self.terminate(msg).await;
                Outcome::DeadLettered(rejection.reason)
            }
            Err(e) => {
                warn!(error = %e, "could not dead-letter; will retry");
                self.nak(msg).await;
                Outcome::Retry
            }
        }
    }

    /// A transient failure: nak with a delay growing with the delivery count; on the last
    /// delivery the message is dead-lettered instead, since the server would not deliver it again.
    async fn retry(&self, msg: &Incoming, why: String) -> Outcome {
        let max_deliver = self.max_deliver.load(std::sync::atomic::Ordering::Relaxed);
        let last = max_deliver > 0 && msg.delivered() >= max_deliver;
        if last || matches!(msg.delivery, Delivery::Core) {
            let r = Rejection::new(
                RejectReason::DeliveryFailed,
                format!("delivery {} of {max_deliver}: {why}", msg.delivered()),
            );
            return self.dead_letter(msg, r).await;
        }
        warn!(reason = %why, "transient failure: retrying later");
        self.nak(msg).await;
        Outcome::Retry
    }

    fn nak_delay(&self, delivered: i64) -> Duration {
        let i = usize::try_from(delivered.max(1) - 1).unwrap_or(0);
        self.backoff
            .get(i)
            .or(self.backoff.last())
            .copied()
            .unwrap_or(Duration::from_secs(1))
    }

    async fn nak(&self, msg: &Incoming) {
        if let Delivery::JetStream {
            reply, delivered, ..
        } = &msg.delivery
        {
            let kind = AckKind::Nak(Some(self.nak_delay(*delivered)));
            if let Err(e) = self.client.publish(reply.clone(), Bytes::from(kind)).await {
                warn!(error = %e, "nak failed: the message will be redelivered after ack_wait");
            }
        }
    }

    async fn ack(&self, msg: &Incoming) {
        self.confirm(msg, AckKind::Ack).await;
    }

    async fn terminate(&self, msg: &Incoming) {
        self.confirm(msg, AckKind::Term).await;
    }

    /// An ack the server confirms (the protocol of `double_ack`, over the client's shared
    /// request inbox instead of one subscription per ack). If it fails, the message comes back
    /// and is recognised as already handled.
    async fn confirm(&self, msg: &Incoming, kind: AckKind) {
        if let Delivery::JetStream { reply, .. } = &msg.delivery {
            let request = async_nats::Request::new()
                .payload(Bytes::from(kind))
                .timeout(Some(self.ack_timeout));
            if let Err(e) = self.client.send_request(reply.clone(), request).await {
                warn!(error = %e, "ack not confirmed: the message may be redelivered");
            }
        }
    }
}

pub fn epoch_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}
