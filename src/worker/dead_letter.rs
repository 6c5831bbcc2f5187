//! The dead-letter subject: a message that cannot become a record goes there with its original
//! bytes untouched and headers naming why, where it came from and how often it was delivered.
//!
//! Dead letters are published through JetStream with `Nats-Msg-Id = dlq:<stream>:<sequence>`, so
//! a message dead-lettered twice (a crash between the dead letter and the term, or the
//! max-deliveries backstop racing the last delivery) is stored once.

use crate::record::{RejectReason, Rejection};
use async_nats::header::{HeaderMap, NATS_MESSAGE_ID};
use async_nats::jetstream::{self, message::PublishMessage as Publish};
use bytes::Bytes;

pub const HDR_REASON: &str = "Enricher-Reason";
pub const HDR_DETAIL: &str = "Enricher-Detail";
pub const HDR_SOURCE_SUBJECT: &str = "Enricher-Source-Subject";
pub const HDR_SOURCE_STREAM: &str = "Enricher-Source-Stream";
pub const HDR_STREAM_SEQUENCE: &str = "Enricher-Stream-Sequence";
pub const HDR_DELIVERED: &str = "Enricher-Delivered";
pub const HDR_ARTICLE_ID: &str = "Enricher-Article-Id";
pub const HDR_FAILED_AT: &str = "Enricher-Failed-At";
/// The input's own `Nats-Msg-Id`, kept under another name so the dead-letter stream does not
/// interpret it; a replay restores it.
pub const HDR_ORIGINAL_MSG_ID: &str = "Enricher-Original-Msg-Id";

/// Where a dead letter came from.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    pub subject: &'a str,
    pub stream: Option<&'a str>,
    pub stream_sequence: Option<u64>,
    pub delivered: Option<i64>,
    pub headers: Option<&'a HeaderMap>,
}

/// Header values are one line; details can be long error texts.
fn header_value(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(512)
        .collect();
    if out.len() < s.len() && s.chars().count() > 512 {
        out.push('…');
    }
    out
}

/// The headers of a dead letter.
pub fn headers(rejection: &Rejection, origin: &Origin<'_>, now: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(orig) = origin.headers {
        for (name, values) in orig.iter() {
            let n: &str = name.as_ref();
            if n.eq_ignore_ascii_case(NATS_MESSAGE_ID.as_ref()) {
                if let Some(v) = values.first() {
                    h.insert(HDR_ORIGINAL_MSG_ID, v.as_str());
                }
            } else if !n.starts_with("Nats-") && !n.starts_with("Enricher-") {
                for v in values {
                    h.append(n, v.as_str());
                }
            }
        }
    }
    h.insert(HDR_REASON, rejection.reason.as_str());
    h.insert(HDR_DETAIL, header_value(&rejection.detail));
    h.insert(HDR_SOURCE_SUBJECT, header_value(origin.subject));
    if let Some(s) = origin.stream {
        h.insert(HDR_SOURCE_STREAM, s);
    }
    if let Some(seq) = origin.stream_sequence {
        h.insert(HDR_STREAM_SEQUENCE, seq.to_string());
    }
    if let Some(d) = origin.delivered {
        h.insert(HDR_DELIVERED, d.to_string());
    }
    if let Some(id) = &rejection.id {
        h.insert(HDR_ARTICLE_ID, header_value(id));
    }
    h.insert(HDR_FAILED_AT, now);
    if let (Some(stream), Some(seq)) = (origin.stream, origin.stream_sequence) {
        h.insert(NATS_MESSAGE_ID, format!("dlq:{stream}:{seq}"));
    }
    h
}

/// Publishes the dead letter and waits for the dead-letter stream's ack.
pub async fn publish(
    js: &jetstream::Context,
    subject: &str,
    payload: Bytes,
    rejection: &Rejection,
    origin: &Origin<'_>,
) -> anyhow::Result<()> {
    let now = crate::pipeline::dates::format_rfc3339(&chrono::Utc::now());
    let h = headers(rejection, origin, &now);
    js.send_publish(
        subject.to_string(),
        Publish::build().payload(payload).headers(h),
    )
    .await?
    .await?;
    Ok(())
}

/// The reason of a dead letter, read back from its headers (`dlq list` and `replay`).
pub fn reason_of(h: &HeaderMap) -> Option<RejectReason> {
    h.get(HDR_REASON)
        .and_then(|v| RejectReason::parse(v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_everything_and_stay_one_line() {
        let mut orig = HeaderMap::new();
        orig.insert("Nats-Msg-Id", "abc");
        orig.insert("X-Trace", "t1");
        let r = Rejection::new(RejectReason::InvalidJson, "bad\r\nthing").with_id(Some("a-1"));
        let h = headers(
            &r,
            &Origin {
                subject: "articles.raw.x",
                stream: Some("ARTICLES"),
                stream_sequence: Some(42),
                delivered: Some(2),
                headers: Some(&orig),
            },
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(h.get(HDR_REASON).unwrap().as_str(), "invalid_json");
        assert_eq!(h.get(HDR_DETAIL).unwrap().as_str(), "bad  thing");
        assert_eq!(
            h.get(HDR_SOURCE_SUBJECT).unwrap().as_str(),
            "articles.raw.x"
        );
        assert_eq!(h.get(HDR_STREAM_SEQUENCE).unwrap().as_str(), "42");
        assert_eq!(h.get(HDR_DELIVERED).unwrap().as_str(), "2");
        assert_eq!(h.get(HDR_ARTICLE_ID).unwrap().as_str(), "a-1");
        assert_eq!(h.get(HDR_ORIGINAL_MSG_ID).unwrap().as_str(), "abc");
        assert_eq!(h.get("X-Trace").unwrap().as_str(), "t1");
        assert_eq!(h.get(NATS_MESSAGE_ID).unwrap().as_str(), "dlq:ARTICLES:42");
        assert_eq!(reason_of(&h), Some(RejectReason::InvalidJson));
    }

    #[test]
    fn long_details_are_cut() {
        let v = header_value(&"x".repeat(5000));
        assert!(v.chars().count() <= 513);
    }
}
