//! Dead-letter redrive: `dlq list` and `dlq replay`.
//!
//! A dead letter holds the original bytes and headers naming why it failed and where it came
//! from (see [`crate::worker::dead_letter`]). Replay republishes the bytes to their source
//! subject and deletes the dead letter only after the input stream acknowledged the copy, so an
//! interrupted replay loses nothing. The copy carries `Nats-Msg-Id: replay:<stream>:<seq>`: a
//! replay run again after a crash between the republish and the delete is dropped by the input
//! stream's duplicate window (and past that window the worker's content-hash dedup stops the
//! second record).

use crate::config::Config;
use crate::record::RejectReason;
use crate::transport::nats::{self as natsx, ConnectionState};
use crate::worker::dead_letter::{HDR_DETAIL, HDR_ORIGINAL_MSG_ID, HDR_SOURCE_SUBJECT, reason_of};
use anyhow::{Context as _, anyhow, bail};
use async_nats::HeaderMap;
use async_nats::header::NATS_MESSAGE_ID;
use async_nats::jetstream::{self, consumer, message::PublishMessage as Publish};
use bytes::Bytes;
use futures::StreamExt;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// Header on a replayed copy naming the dead letter it came from.
pub const HDR_REPLAYED_FROM: &str = "Enricher-Replayed-From";

/// Which dead letters a command looks at.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only this reason (a SPEC reason name).
    pub reason: Option<RejectReason>,
    /// At most this many (oldest first).
    pub limit: Option<usize>,
}

/// One dead letter as listed.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub sequence: u64,
    pub reason: Option<RejectReason>,
    pub detail: String,
    pub source_subject: Option<String>,
    /// Seconds since it was dead-lettered (by the stream's clock).
    pub age_secs: i64,
    pub payload: Bytes,
    pub headers: HeaderMap,
}

/// What a replay did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplaySummary {
    pub replayed: u64,
    /// Republished copies the input stream already held (a replay run again after a crash).
    pub already_replayed: u64,
    /// Dead letters without a source subject, left where they are.
    pub skipped: u64,
}

impl std::fmt::Display for ReplaySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "replayed={} already_replayed={} skipped={}",
            self.replayed, self.already_replayed, self.skipped
        )
    }
}

async fn connect(config: &Config) -> anyhow::Result<(async_nats::Client, jetstream::Context)> {
    let mut nats = config.nats.clone();
    // A command line tool reports an unreachable server instead of waiting for it.
    nats.retry_on_initial_connect = false;
    let client = natsx::connect(&nats, Arc::new(ConnectionState::default()), 1024).await?;
    let js = natsx::jetstream(client.clone(), config);
    Ok((client, js))
}

/// Reads the selected dead letters, oldest first, as they stand now (letters added meanwhile,
/// e.g. by a replayed article failing again, are left for the next run).
async fn read(
    stream: &jetstream::stream::Stream,
    sel: &Selection,
) -> anyhow::Result<Vec<DeadLetter>> {
    let state = stream.cached_info().state.clone();
    let mut out = Vec::new();
    if state.messages == 0 {
        return Ok(out);
    }
    let consumer = stream
        .create_consumer(consumer::pull::OrderedConfig {
            deliver_policy: consumer::DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .context("cannot read the dead-letter stream")?;
    let mut messages = consumer.messages().await?;
    let now = time_now();
    while let Some(next) = tokio::time::timeout(Duration::from_secs(10), messages.next())
        .await
        .map_err(|_| anyhow!("timed out reading the dead-letter stream"))?
    {
        let msg = next?;
        let info = msg.info().map_err(|e| anyhow!("{e}"))?;
        let (sequence, pending, published) = (
            info.stream_sequence,
            info.pending,
            info.published.unix_timestamp(),
        );
        let headers = msg.headers.clone().unwrap_or_default();
        let reason = reason_of(&headers);
        let wanted = sel.reason.is_none_or(|r| reason == Some(r));
        if wanted {
            out.push(DeadLetter {
                sequence,
                reason,
                detail: header(&headers, HDR_DETAIL).unwrap_or_default(),
                source_subject: header(&headers, HDR_SOURCE_SUBJECT),
                age_secs: (now - published).max(0),
                payload: msg.payload.clone(),
                headers,
            });
        }
        let full = sel.limit.is_some_and(|l| out.len() >= l);
        if full || pending == 0 || sequence >= state.last_sequence {
            break;
        }
    }
    Ok(out)
}

fn time_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).map(|v| v.as_str().to_string())
}

/// The dead-letter stream (getting it fetches its current state).
async fn open(
    js: &jetstream::Context,
    config: &Config,
) -> anyhow::Result<jetstream::stream::Stream> {
    let name = &config.output.dead_letter_stream;
    js.get_stream(name.as_str())
        .await
        .with_context(|| format!("cannot open the dead-letter stream {name}"))
}

/// `dlq list`: one line per dead letter.
pub async fn list(config: &Config, sel: &Selection, out: &mut impl Write) -> anyhow::Result<usize> {
    let (client, js) = connect(config).await?;
    let letters = read(&open(&js, config).await?, sel).await?;
    writeln!(
        out,
        "{:>8}  {:>8}  {:<22}  {:<30}  DETAIL",
        "SEQ", "AGE", "REASON", "SOURCE SUBJECT"
    )?;
    for l in &letters {
        writeln!(
            out,
            "{:>8}  {:>8}  {:<22}  {:<30}  {}",
            l.sequence,
            age(l.age_secs),
            l.reason.map_or("unknown", RejectReason::as_str),
            l.source_subject.as_deref().unwrap_or("-"),
            one_line(&l.detail, 120),
        )?;
    }
    let _ = client.drain().await;
    Ok(letters.len())
}

/// `dlq replay`: republishes each selected dead letter to its source subject, then deletes it.
/// Stops at the first failure (what is left stays in the dead-letter stream).
pub async fn replay(
    config: &Config,
    sel: &Selection,
    dry_run: bool,
    out: &mut impl Write,
) -> anyhow::Result<ReplaySummary> {
    let (client, js) = connect(config).await?;
    let stream = open(&js, config).await?;
    let letters = read(&stream, sel).await?;
    let stream_name = config.output.dead_letter_stream.clone();
    let mut summary = ReplaySummary::default();
    for l in letters {
        let Some(subject) = l.source_subject.clone().filter(|s| !s.is_empty()) else {
            writeln!(out, "skip {}: no source subject", l.sequence)?;
            summary.skipped += 1;
            continue;
        };
        if dry_run {
            writeln!(
                out,
                "would replay {} ({}) to {subject}",
                l.sequence,
                l.reason.map_or("unknown", RejectReason::as_str)
            )?;
            summary.replayed += 1;
            continue;
        }
        let headers = replay_headers(&l.headers, &stream_name, l.sequence);
        let ack = js
            .send_publish(
                subject.clone(),
                Publish::build().payload(l.payload).headers(headers),
            )
            .await
            .with_context(|| format!("replaying {} to {subject}", l.sequence))?
            .await
            .with_context(|| format!("replaying {} to {subject}: no publish ack", l.sequence))?;
        // Only now, with the copy stored, may the dead letter go.
        stream
            .delete_message(l.sequence)
            .await
            .with_context(|| format!("replayed {} but could not delete it", l.sequence))?;
        if ack.duplicate {
            summary.already_replayed += 1;
        } else {
            summary.replayed += 1;
        }
        writeln!(
            out,
            "replayed {} to {subject} (stream sequence {})",
            l.sequence, ack.sequence
        )?;
    }
    let _ = client.drain().await;
    Ok(summary)
}

/// The headers of a replayed copy: the producer's own headers as the dead letter kept them,
/// the original message id for tracing, and a message id of the replay itself.
fn replay_headers(dead: &HeaderMap, stream: &str, seq: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, values) in dead.iter() {
        let n: &str = name.as_ref();
        if n.starts_with("Nats-") || n.starts_with("Enricher-") {
            continue;
        }
        for v in values {
            h.append(n, v.as_str());
        }
    }
    if let Some(orig) = dead.get(HDR_ORIGINAL_MSG_ID) {
        h.insert(HDR_ORIGINAL_MSG_ID, orig.as_str());
    }
    h.insert(HDR_REPLAYED_FROM, format!("{stream}:{seq}"));
    h.insert(NATS_MESSAGE_ID, format!("replay:{stream}:{seq}"));
    h
}

fn age(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

fn one_line(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// Parses `--reason`.
pub fn parse_reason(s: &str) -> anyhow::Result<RejectReason> {
    match RejectReason::parse(s) {
        Some(r) => Ok(r),
        None => bail!(
            "unknown reason `{s}`; one of: {}",
            RejectReason::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::dead_letter::HDR_REASON;

    #[test]
    fn replay_headers_keep_the_producers_and_drop_ours() {
        let mut dead = HeaderMap::new();
        dead.insert("X-Trace", "t1");
        dead.insert(HDR_REASON, "too_large");
        dead.insert(HDR_ORIGINAL_MSG_ID, "orig-1");
        dead.insert("Nats-Msg-Id", "dlq:ARTICLES:9");
        let h = replay_headers(&dead, "ARTICLES_DLQ", 4);
        assert_eq!(h.get("X-Trace").unwrap().as_str(), "t1");
        assert!(h.get(HDR_REASON).is_none());
        assert_eq!(h.get(HDR_ORIGINAL_MSG_ID).unwrap().as_str(), "orig-1");
        assert_eq!(
            h.get(NATS_MESSAGE_ID).unwrap().as_str(),
            "replay:ARTICLES_DLQ:4"
        );
        assert_eq!(h.get(HDR_REPLAYED_FROM).unwrap().as_str(), "ARTICLES_DLQ:4");
    }

    #[test]
    fn ages_and_reasons_read_well() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(600), "10m");
        assert_eq!(age(10_000), "2h");
        assert_eq!(age(900_000), "10d");
        assert_eq!(one_line("a\nb", 10), "a b");
        assert!(parse_reason("too_large").is_ok());
        assert!(
            parse_reason("nope")
                .unwrap_err()
                .to_string()
                .contains("too_large")
        );
    }
}
