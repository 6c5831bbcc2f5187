//! The SPEC types: the scraped [`Article`] coming in, the enriched [`Record`] going out, and the
//! [`Rejection`] of a message that cannot become a record.
//!
//! Input parsing borrows from the message bytes (`Cow`): the article body is never copied before
//! cleaning. Unknown input fields are kept as raw JSON so `extra` repeats them byte for byte.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The output schema version (SPEC: `schema_version`).
pub const SCHEMA_VERSION: u32 = 1;

/// The longest accepted `id`; a longer one is an `invalid_field` (ids travel in headers and keys).
pub const MAX_ID_BYTES: usize = 1024;

/// Why a message could not become a record. The wire names are SPEC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    InvalidJson,
    InvalidUtf8,
    NotAnObject,
    TooLarge,
    MissingContent,
    EmptyAfterCleaning,
    InvalidField,
    /// Not a content problem: the message kept failing until its last delivery (worker only).
    DeliveryFailed,
    /// A bug in the worker met this message (the pipeline panicked); the message is kept in the
    /// dead-letter subject for replay once fixed.
    InternalError,
}

impl RejectReason {
    pub const ALL: [RejectReason; 9] = [
        RejectReason::InvalidJson,
        RejectReason::InvalidUtf8,
        RejectReason::NotAnObject,
        RejectReason::TooLarge,
        RejectReason::MissingContent,
        RejectReason::EmptyAfterCleaning,
        RejectReason::InvalidField,
        RejectReason::DeliveryFailed,
        RejectReason::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::InvalidJson => "invalid_json",
            RejectReason::InvalidUtf8 => "invalid_utf8",
            RejectReason::NotAnObject => "not_an_object",
            RejectReason::TooLarge => "too_large",
            RejectReason::MissingContent => "missing_content",
            RejectReason::EmptyAfterCleaning => "empty_after_cleaning",
            RejectReason::InvalidField => "invalid_field",
            RejectReason::DeliveryFailed => "delivery_failed",
            RejectReason::InternalError => "internal_error",
        }
    }

    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message that cannot become a record: its reason, a human detail, and its id when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: RejectReason,
    pub detail: String,
    pub id: Option<String>,
}

impl Rejection {
    pub fn new(reason: RejectReason, detail: impl Into<String>) -> Self {
        Rejection {
            reason,
            detail: detail.into(),
            id: None,
        }
    }

    pub fn with_id(mut self, id: Option<&str>) -> Self {
        self.id = id.map(str::to_string);
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason, self.detail)
    }
}

/// `published_at` as sent: a date string or epoch seconds as a JSON number.
#[derive(Debug, Clone, PartialEq)]
pub enum DateInput<'a> {
    Text(Cow<'a, str>),
    Epoch(f64),
}

/// One scraped article as it came in (SPEC "Input"), borrowing from the message bytes.
#[derive(Debug, Default)]
pub struct Article<'a> {
    pub id: Option<Cow<'a, str>>,
    pub url: Option<Cow<'a, str>>,
    pub source: Option<Cow<'a, str>>,
    pub title: Option<Cow<'a, str>>,
    pub text: Option<Cow<'a, str>>,
    pub html: Option<Cow<'a, str>>,
    pub published_at: Option<DateInput<'a>>,
    pub lang: Option<Cow<'a, str>>,
    /// Every other field, in input order, as its raw JSON.
    pub extra: Vec<(Cow<'a, str>, &'a RawValue)>,
}

/// The names SPEC gives meaning to; everything else goes to `extra`.
pub const KNOWN_FIELDS: [&str; 8] = [
    "id",
    "url",
    "source",
    "title",
    "text",
    "html",
    "published_at",
    "lang",
];

impl<'a> Article<'a> {
    /// Parses and validates one message (SPEC "Input"). Each failure carries its SPEC reason.
    pub fn parse(bytes: &'a [u8], max_bytes: usize) -> Result<Article<'a>, Rejection> {
        if bytes.len() > max_bytes {
            return Err(Rejection::new(
                RejectReason::TooLarge,
                format!("{} bytes exceeds the limit of {max_bytes}", bytes.len()),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Rejection::new(
                RejectReason::InvalidUtf8,
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        // Validate the whole document first so "not an object" is only said of valid JSON.
        let raw: &RawValue = serde_json::from_str(trimmed).map_err(|e| {
            Rejection::new(RejectReason::InvalidJson, format!("not valid JSON: {e}"))
        })?;
        if json_depth_exceeds(raw.get().as_bytes(), MAX_DEPTH) {
            return Err(Rejection::new(
                RejectReason::InvalidJson,
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if !raw.get().starts_with('{') {
            return Err(Rejection::new(
                RejectReason::NotAnObject,
                format!("expected a JSON object, got {}", json_kind(raw.get())),
            ));
        }
        let fields: Fields<'a> = serde_json::from_str(raw.get()).map_err(|e| {
            Rejection::new(RejectReason::InvalidJson, format!("not valid JSON: {e}"))
        })?;

        let mut article = Article::default();
        for (key, value) in fields.0 {
            match key.as_ref() {
                "id" => article.id = string_field("id", value)?,
                "url" => article.url = string_field("url", value)?,
                "source" => article.source = string_field("source", value)?,
                "title" => article.title = string_field("title", value)?,
                "text" => article.text = string_field("text", value)?,
                "html" => article.html = string_field("html", value)?,
                "lang" => article.lang = string_field("lang", value)?,
                "published_at" => article.published_at = date_field(value)?,
                _ => article.extra.push((key, value)),
            }
        }
        if let Some(id) = article.id.as_ref().filter(|id| id.len() > MAX_ID_BYTES) {
            return Err(Rejection::new(
                RejectReason::InvalidField,
                format!("`id` is {} bytes; at most {MAX_ID_BYTES}", id.len()),
            ));
        }
        // A repeated key keeps its last value, as JSON.parse does; drop shadowed extras.
        if article.extra.len() > 1 {
            let mut seen = std::collections::HashSet::new();
            let mut kept: Vec<_> = article
                .extra
                .drain(..)
                .rev()
                .filter(|(k, _)| seen.insert(k.clone()))
                .collect();
            kept.reverse();
            article.extra = kept;
        }
        let has = |f: &Option<Cow<str>>| f.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !has(&article.text) && !has(&article.html) {
            return Err(Rejection::new(
                RejectReason::MissingContent,
                "neither `text` nor `html` holds content",
            )
            .with_id(article.id.as_deref()));
        }
        Ok(article)
    }
}

/// The top-level object as (key, raw value) pairs, in order, without building a map.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<CowStr<'de>>()? {
                    let v: &'de RawValue = m.next_value()?;
                    out.push((k.0, v));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A string that borrows from the input when it has no escapes (serde's `Cow` never borrows).
struct CowStr<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// Deepest nesting of arrays and objects accepted anywhere in a message. Real scraper fields
/// nest a few levels; anything deeper is hostile, and would burden every consumer downstream.
pub const MAX_DEPTH: usize = 64;

/// Nesting depth of a JSON text (strings skipped), stopping early past `limit`. Linear.
fn json_depth_exceeds(text: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn json_kind(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn string_field<'a>(name: &str, raw: &'a RawValue) -> Result<Option<Cow<'a, str>>, Rejection> {
    if raw.get() == "null" {
        return Ok(None);
    }
    if !raw.get().starts_with('"') {
        return Err(Rejection::new(
            RejectReason::InvalidField,
            format!("`{name}` must be a string, got {}", json_kind(raw.get())),
        ));
    }
    serde_json::from_str::<CowStr<'a>>(raw.get())
        .map(|c| Some(c.0))
        .map_err(|e| Rejection::new(RejectReason::InvalidField, format!("`{name}`: {e}")))
}

fn date_field(raw: &RawValue) -> Result<Option<DateInput<'_>>, Rejection> {
    let s = raw.get();
    if s == "null" {
        return Ok(None);
    }
    if s.starts_with('"') {
        return string_field("published_at", raw).map(|o| o.map(DateInput::Text));
    }
    match serde_json::from_str::<f64>(s) {
        Ok(n) if n.is_finite() => Ok(Some(DateInput::Epoch(n))),
        _ => Err(Rejection::new(
            RejectReason::InvalidField,
            format!(
                "`published_at` must be a date string or epoch seconds, got {}",
                json_kind(s)
            ),
        )),
    }
}

/// A piece of boilerplate taken out of the body (SPEC `removed[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub kind: String,
    pub text: String,
}

/// SPEC `dateline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    pub location: String,
    pub agency: Option<String>,
}

/// SPEC `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub words: u32,
    pub sentences: u32,
    pub paragraphs: u32,
    pub reading_time_s: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub text: String,
    pub kind: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub text: String,
    pub speaker: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateKind {
    Exact,
    Near,
}

/// SPEC `duplicate`: this record repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub kind: DuplicateKind,
    pub of: String,
    pub similarity: f64,
}

impl From<crate::dedup::NearMatch> for Duplicate {
    /// A near copy, its estimated similarity to three decimals (more would be noise).
    fn from(m: crate::dedup::NearMatch) -> Duplicate {
        Duplicate {
            kind: DuplicateKind::Near,
            of: m.of,
            similarity: (m.similarity * 1000.0).round() / 1000.0,
        }
    }
}

/// The enriched record (SPEC "Output"), field order as in SPEC.
///
/// Annotation fields that no stage fills yet are `None` and left out of the JSON rather than
/// given a placeholder value.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub schema_version: u32,
    pub id: String,
    pub content_hash: String,
    pub fingerprint: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub source: Option<String>,
    pub title: Option<String>,
    pub text: String,
    pub removed: Vec<Removed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang_confidence: Option<f64>,
    pub published_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Option<Dateline>>,
    pub stats: Stats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<Entity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<Quote>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<Duplicate>,
    pub processed_at: String,
    pub extra: Extra,
}

impl Record {
    /// The detected language code, when known.
    pub fn lang_code(&self) -> Option<&str> {
        self.lang.as_ref().and_then(|l| l.as_deref())
    }
}

/// Unknown input fields, serialized back verbatim as one JSON object.
#[derive(Debug, Clone, Default)]
pub struct Extra(pub Vec<(String, Box<RawValue>)>);

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A rejected line in `pipe` mode (SPEC).
#[derive(Debug, Serialize)]
pub struct PipeRejection<'a> {
    pub id: Option<&'a str>,
    pub line: u64,
    pub rejected: RejectionBody<'a>,
}

#[derive(Debug, Serialize)]
pub struct RejectionBody<'a> {
    pub reason: RejectReason,
    pub detail: &'a str,
}

/// The notice sent to `output.duplicates_subject` for an exact duplicate.
#[derive(Debug, Serialize)]
pub struct DuplicateNotice<'a> {
    pub id: &'a str,
    pub url: Option<&'a str>,
    pub source: Option<&'a str>,
    pub content_hash: &'a str,
    pub duplicate_of: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(bytes: &[u8]) -> RejectReason {
        Article::parse(bytes, 1 << 20).unwrap_err().reason
    }

    #[test]
    fn every_rejection_reason_of_parsing() {
        assert_eq!(reason(b"{\"text\": \"abc\""), RejectReason::InvalidJson);
        assert_eq!(reason(b""), RejectReason::InvalidJson);
        assert_eq!(
            reason(b"{\"text\": \"\xff\xfe\"}"),
            RejectReason::InvalidUtf8
        );
        assert_eq!(reason(b"[1,2]"), RejectReason::NotAnObject);
        assert_eq!(reason(b"\"text\""), RejectReason::NotAnObject);
        assert_eq!(reason(b"null"), RejectReason::NotAnObject);
        assert_eq!(reason(b"{\"title\": \"x\"}"), RejectReason::MissingContent);
        assert_eq!(
            reason(b"{\"text\": \"  \\n \"}"),
            RejectReason::MissingContent
        );
        assert_eq!(reason(b"{\"text\": 5}"), RejectReason::InvalidField);
        assert_eq!(
            reason(b"{\"text\": \"a\", \"id\": 7}"),
            RejectReason::InvalidField
        );
        assert_eq!(
            reason(b"{\"text\": \"a\", \"published_at\": [1]}"),
            RejectReason::InvalidField
        );
        assert_eq!(
            Article::parse(b"{\"text\": \"abc\"}", 5)
                .unwrap_err()
                .reason,
            RejectReason::TooLarge
        );
    }

    #[test]
    fn deep_nesting_is_invalid_json_not_a_crash() {
        let deep = format!(
            "{{\"text\":\"a\",\"x\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(reason(deep.as_bytes()), RejectReason::InvalidJson);
    }

    #[test]
    fn fields_borrow_and_extras_keep_order_and_bytes() {
        let input = br#"{"id":"a1","text":"Hello","zeta":1.50,"alpha":{"b":[1,2]},"lang":null}"#;
        let a = Article::parse(input, 1 << 20).unwrap();
        assert!(matches!(a.text, Some(Cow::Borrowed("Hello"))));
        assert_eq!(a.lang, None);
        let extra: Vec<(&str, &str)> = a.extra.iter().map(|(k, v)| (k.as_ref(), v.get())).collect();
        assert_eq!(extra, vec![("zeta", "1.50"), ("alpha", r#"{"b":[1,2]}"#)]);
    }

    #[test]
    fn epoch_numbers_and_strings_are_dates() {
        let a = Article::parse(br#"{"text":"x","published_at":1539000000}"#, 1 << 20).unwrap();
        assert_eq!(a.published_at, Some(DateInput::Epoch(1539000000.0)));
        let a = Article::parse(br#"{"text":"x","published_at":"2018-10-08"}"#, 1 << 20).unwrap();
        assert!(matches!(a.published_at, Some(DateInput::Text(_))));
    }

    #[test]
    fn html_alone_is_content() {
        assert!(Article::parse(br#"{"html":"<p>x</p>"}"#, 1 << 20).is_ok());
    }

    #[test]
    fn reasons_round_trip() {
        for r in RejectReason::ALL {
            assert_eq!(RejectReason::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
    }
}
