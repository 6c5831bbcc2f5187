//! The pure core: one message's bytes in, one [`Record`] (or a [`Rejection`]) out.
//!
//! No I/O, no clock, no randomness: the time stamp comes in as an argument. `pipe` mode, the
//! NATS worker, the benchmarks and the property tests all call [`Pipeline::process`], so they
//! can never disagree about what a message becomes.

pub mod dates;
pub mod fingerprint;
pub mod html;
pub mod normalize;
pub mod segment;
pub mod stats;
pub mod urls;

use crate::config::Config;
use crate::record::{Article, Extra, Record, RejectReason, Rejection, SCHEMA_VERSION};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// Limits and settings of the pipeline, taken from the configuration once.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Messages above this size are rejected as `too_large` before parsing.
    pub max_message_bytes: usize,
    /// Cleaned bodies above this size are rejected as `too_large`.
    pub max_text_bytes: usize,
    pub reading_wpm: u32,
}

impl PipelineOptions {
    pub fn from_config(c: &Config) -> Self {
        PipelineOptions {
            max_message_bytes: c.input.max_message_bytes.as_usize(),
            max_text_bytes: c.pipeline.max_text_bytes.as_usize(),
            reading_wpm: c.pipeline.reading_wpm,
        }
    }
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions::from_config(&Config::defaults())
    }
}

/// What the pipeline hands to the dedup store and the publisher.
#[derive(Debug, Clone)]
pub struct Processed {
    pub record: Record,
    /// blake3 of the hash form of the cleaned body (the record's `content_hash`).
    pub hash: [u8; 32],
    /// SimHash of the same (the record's `fingerprint`).
    pub fingerprint: u64,
}

/// The pipeline with its settings; cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Pipeline {
    opts: PipelineOptions,
}

impl Pipeline {
    pub fn new(opts: PipelineOptions) -> Self {
        Pipeline { opts }
    }

    pub fn options(&self) -> &PipelineOptions {
        &self.opts
    }

    /// Turns one input message into a record. `now` becomes `processed_at`.
    pub fn process(&self, bytes: &[u8], now: DateTime<Utc>) -> Result<Processed, Rejection> {
        let article = Article::parse(bytes, self.opts.max_message_bytes)?;
        let id_hint = article.id.as_deref().map(str::to_string);
        self.process_article(article, now).map_err(|r| {
            if r.id.is_none() {
                r.with_id(id_hint.as_deref())
            } else {
                r
            }
        })
    }

    fn process_article(&self, a: Article<'_>, now: DateTime<Utc>) -> Result<Processed, Rejection> {
        let has_text = a.text.as_deref().is_some_and(|t| !t.trim().is_empty());
        let mut page_title = None;
        let mut page_published = None;
        let body: Cow<str> = if has_text {
            a.text.clone().unwrap_or_default()
        } else {
            let page = html::extract(a.html.as_deref().unwrap_or_default(), a.url.as_deref());
            page_title = page.title;
            page_published = page.published;
            Cow::Owned(page.text)
        };

        let paragraphs = normalize::paragraphs(&body);
        let text = paragraphs.join("\n\n");
        if text.is_empty() {
            return Err(Rejection::new(
                RejectReason::EmptyAfterCleaning,
                "no text is left once the body is cleaned",
            ));
        }
        if text.len() > self.opts.max_text_bytes {
            return Err(Rejection::new(
                RejectReason::TooLarge,
                format!(
                    "cleaned text is {} bytes; the limit is {}",
                    text.len(),
                    self.opts.max_text_bytes
                ),
            ));
        }

        let hash_form = normalize::hash_form(&text);
        let hash = *blake3::hash(hash_form.as_bytes()).as_bytes();
        let content_hash = normalize::format_hash(&blake3::Hash::from(hash));
        let fingerprint = fingerprint::simhash(&hash_form);

        let url = a.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let canonical_url = url.and_then(urls::canonical_url);
        let source = a
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| url.and_then(urls::source_from_url));
        let id = match a.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => id.to_string(),
            None => derive_id(canonical_url.as_deref().or(url), &hash),
        };
        let title = a
            .title
            .as_deref()
            .map(tidy_title)
            .filter(|t| !t.is_empty())
            .or_else(|| {
                page_title
                    .as_deref()
                    .map(tidy_title)
                    .filter(|t| !t.is_empty())
            });
        let published_at = a
            .published_at
            .as_ref()
            .and_then(dates::parse_date)
            .or_else(|| page_published.as_deref().and_then(dates::parse_date_str))
            .map(|d| dates::format_rfc3339(&d));
        let stats = stats::stats(&paragraphs, self.opts.reading_wpm);
        let extra = Extra(
            a.extra
                .iter()
                .map(|(k, v)| (k.to_string(), (*v).to_owned()))
                .collect(),
        );

        let record = Record {
            schema_version: SCHEMA_VERSION,
            id,
            content_hash,
            fingerprint: fingerprint::format_fingerprint(fingerprint),
            url: url.map(str::to_string),
            canonical_url,
            source,
            title,
            text,
            removed: Vec::new(),
            lang: None,
            lang_confidence: None,
            published_at,
            authors: None,
            dateline: None,
            stats,
            entities: None,
            quotes: None,
            keywords: None,
            duplicate: None,
            processed_at: dates::format_rfc3339(&now),
            extra,
        };
        Ok(Processed {
            record,
            hash,
            fingerprint,
        })
    }
}

/// An id for an article that came without one: from its URL when it has one (so re-scrapes of
/// a page keep their id), else from its content hash.
fn derive_id(url: Option<&str>, content_hash: &[u8; 32]) -> String {
    match url {
        Some(u) => format!("url-{}", &blake3::hash(u.as_bytes()).to_hex()[..16]),
        None => format!("hash-{}", &blake3::Hash::from(*content_hash).to_hex()[..16]),
    }
}

/// Title whitespace and control characters tidied.
fn tidy_title(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    normalize::tidy_paragraph(t, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn run(json: &str) -> Result<Processed, Rejection> {
        Pipeline::new(PipelineOptions::default()).process(json.as_bytes(), now())
    }

    #[test]
    fn a_plain_article_becomes_a_record() {
        let p = run(r#"{"id":"a1","url":"https://www.Example.com/x?utm_source=t#c","title":"  Hello  world ","text":"First para.\n\nSecond   para.","published_at":"Oct 8, 2018","lang":"en","feed":{"n":1}}"#).unwrap();
        let r = &p.record;
        assert_eq!(r.id, "a1");
        assert_eq!(r.text, "First para.\n\nSecond para.");
        assert_eq!(r.title.as_deref(), Some("Hello world"));
        assert_eq!(
            r.canonical_url.as_deref(),
            Some("https://www.example.com/x")
        );
        assert_eq!(r.source.as_deref(), Some("example.com"));
        assert_eq!(r.published_at.as_deref(), Some("2018-10-08T00:00:00Z"));
        assert_eq!(r.processed_at, "2026-01-02T03:04:05Z");
        assert_eq!(r.stats.paragraphs, 2);
        assert!(r.content_hash.starts_with("blake3:") && r.content_hash.len() == 71);
        assert_eq!(r.fingerprint.len(), 16);
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["extra"]["feed"]["n"], 1);
        assert_eq!(json["schema_version"], 1);
        // Fields later stages own are absent, never placeholders.
        assert!(json.get("entities").is_none());
    }

    #[test]
    fn copies_differing_in_typography_hash_alike() {
        let a = run(r#"{"text":"“Yes,” she said — it’s done.\n\nNext."}"#).unwrap();
        let b = run(r#"{"text":"\"yes,\"  SHE said - it's done.\r\nNext.  "}"#).unwrap();
        assert_eq!(a.record.content_hash, b.record.content_hash);
        assert_eq!(a.hash, b.hash);
        let c = run(r#"{"text":"\"yes,\" she said - it's done. Later."}"#).unwrap();
        assert_ne!(a.hash, c.hash);
    }

    #[test]
    fn ids_are_derived_when_absent() {
        let a = run(r#"{"url":"https://x.example/a?utm_source=1","text":"Body"}"#).unwrap();
        let b = run(r#"{"url":"https://X.example/a","text":"Other body"}"#).unwrap();
        assert_eq!(a.record.id, b.record.id);
        assert!(a.record.id.starts_with("url-"));
        let c = run(r#"{"text":"Body"}"#).unwrap();
        assert!(c.record.id.starts_with("hash-"));
    }

    #[test]
    fn rejections_carry_reason_and_id() {
        let r = run(r#"{"id":"z","text":"\u0007\u0000  "}"#).unwrap_err();
        assert_eq!(r.reason, RejectReason::EmptyAfterCleaning);
        assert_eq!(r.id.as_deref(), Some("z"));
        let big = format!(r#"{{"text":"{}"}}"#, "a ".repeat(2 << 20));
        let p = Pipeline::new(PipelineOptions {
            max_message_bytes: 64 << 20,
            ..Default::default()
        });
        assert_eq!(
            p.process(big.as_bytes(), now()).unwrap_err().reason,
            RejectReason::TooLarge
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let _ = Pipeline::new(PipelineOptions::default()).process(&bytes, now());
        }

        #[test]
        fn never_panics_on_any_text_and_title(text in "\\PC{0,800}", title in "\\PC{0,80}", url in "\\PC{0,40}") {
            let msg = serde_json::json!({"text": text, "title": title, "url": url, "published_at": title});
            let out = run(&msg.to_string());
            if let Ok(p) = out {
                prop_assert!(!p.record.text.is_empty());
                prop_assert!(!p.record.text.contains("\n\n\n"));
            }
        }

        #[test]
        fn typographic_variants_hash_alike(
            words in proptest::collection::vec("[A-Za-z0-9]{1,9}", 1..60),
            seed in any::<u64>(),
        ) {
            // Build one text, then a variant with other quotes, dashes, spaces, breaks and case.
            let mut plain = String::new();
            let mut fancy = String::new();
            for (i, w) in words.iter().enumerate() {
                let pick = (seed.rotate_left(i as u32 * 7) % 8) as u8;
                if i > 0 {
                    let (a, b) = match pick {
                        0 => (" - ", " \u{2014} "),
                        1 => (" \"", " \u{201c}"),
                        2 => ("' ", "\u{2019} "),
                        3 => ("\n\n", "\r\n"),
                        4 => (" ", "\u{a0}"),
                        5 => (" ", "   "),
                        _ => (" ", " "),
                    };
                    plain.push_str(a);
                    fancy.push_str(b);
                }
                plain.push_str(w);
                fancy.push_str(&if pick.is_multiple_of(2) { w.to_uppercase() } else { w.clone() });
            }
            let a = run(&serde_json::json!({"text": plain}).to_string());
            let b = run(&serde_json::json!({"text": fancy}).to_string());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert_eq!(a.record.content_hash, b.record.content_hash);
            }
        }
    }
}
