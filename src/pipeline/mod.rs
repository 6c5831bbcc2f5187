//! The pure core: one message's bytes in, one [`Record`] (or a [`Rejection`]) out.
//!
//! No I/O, no clock, no randomness: the time stamp comes in as an argument. `pipe` mode, the
//! NATS worker, the benchmarks and the property tests all call [`Pipeline::process`], so they
//! can never disagree about what a message becomes.

pub mod annotate;
pub mod clean;
pub mod dates;
pub mod fingerprint;
pub mod html;
pub mod minhash;
pub mod normalize;
pub mod segment;
pub mod stats;
pub mod urls;

use crate::config::Config;
use crate::record::{Article, Extra, Record, RejectReason, Rejection, SCHEMA_VERSION};
use chrono::{DateTime, Utc};
use clean::learned::{Recall, SourceMemory};

/// Limits and settings of the pipeline, taken from the configuration once.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Messages above this size are rejected as `too_large` before parsing.
    pub max_message_bytes: usize,
    /// Cleaned bodies above this size are rejected as `too_large`.
    pub max_text_bytes: usize,
    pub reading_wpm: u32,
    /// Run the annotators (`pipeline.annotate`).
    pub annotate: bool,
}

impl PipelineOptions {
    pub fn from_config(c: &Config) -> Self {
        PipelineOptions {
            max_message_bytes: c.input.max_message_bytes.as_usize(),
            max_text_bytes: c.pipeline.max_text_bytes.as_usize(),
            reading_wpm: c.pipeline.reading_wpm,
            annotate: c.pipeline.annotate,
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
    /// MinHash of the same, for near-duplicate detection (`None` for an empty hash form).
    pub signature: Option<minhash::Signature>,
    /// Time spent in the annotators (the worker's stage metrics; it never shapes the record).
    pub annotate_time: std::time::Duration,
}

/// An article after the stateless first phase: parsed, extracted and drafted.
#[derive(Debug)]
pub struct Prepared {
    id: Option<String>,
    url: Option<String>,
    source: Option<String>,
    published: Option<DateTime<Utc>>,
    lang_hint: Option<String>,
    extra: Extra,
    draft: clean::Draft,
    page: html::HtmlExtract,
    /// SimHash of the drafted lines: tells the learner copies of one story apart.
    draft_fingerprint: u64,
    now: DateTime<Utc>,
}

impl Prepared {
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
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

    /// Turns one input message into a record: [`prepare`](Self::prepare), [`learn`](Self::learn)
    /// against `memory`, [`finish`](Self::finish). `now` becomes `processed_at`.
    pub fn process(
        &self,
        bytes: &[u8],
        now: DateTime<Utc>,
        memory: &SourceMemory,
    ) -> Result<Processed, Rejection> {
        let prepared = self.prepare(bytes, now)?;
        let recall = self.learn(&prepared, memory);
        self.finish(prepared, Some(&recall))
    }

    /// Runs a small built-in article and page through every stage and drops the records, so the
    /// tables built on first use (regexes, word lists, the language detector's) exist before a
    /// real article waits on them. Without it the first articles after every start or restart
    /// each carry that one-off cost (about 0.1 s of CPU) in their latency. Returns how many of
    /// the two samples came out as records (both, unless a rule change rejects one: a sample
    /// rejected early would leave the later stages cold).
    pub fn warm_up(&self) -> usize {
        const TEXT: &str = "WASHINGTON (Reuters) - \u{201c}We will meet again next week,\u{201d} \
            Secretary of State Mike Pompeo told reporters on Tuesday, according to the State \
            Department.\n\nThe talks in Singapore and Tokyo followed a summit between President \
            Donald Trump and North Korean leader Kim Jong Un, officials said.\n\nReporting by \
            Jane Doe; Editing by John Roe\n\nOriginally published at example.com. Share this \
            article on Facebook.";
        const PAGE: &str = "<html lang=\"en\"><head><title>Talks resume | Example News</title>\
            <meta property=\"article:published_time\" content=\"2024-05-01T10:00:00Z\">\
            <meta name=\"author\" content=\"Jane Doe\"></head><body><article><h1>Talks \
            resume</h1><p>By Jane Doe</p><p>Officials from both countries met in Geneva on \
            Monday to resume the talks, the ministry said in a statement.</p><p>\u{201c}It was \
            a good start,\u{201d} the minister said.</p></article><footer>Copyright 2024 \
            Example News. All rights reserved.</footer></body></html>";
        let memory = clean::learned::SourceMemory::default();
        let now = Utc::now();
        let mut records = 0;
        for (field, body) in [("text", TEXT), ("html", PAGE)] {
            let msg = serde_json::json!({
                "id": "warm-up",
                "url": "https://example.com/2024/05/01/talks-resume",
                "title": "Talks resume",
                field: body,
            });
            if let Ok(bytes) = serde_json::to_vec(&msg) {
                records += usize::from(self.process(&bytes, now, &memory).is_ok());
            }
        }
        records
    }

    /// Phase 1 (stateless): parse, validate, extract from HTML, draft the cleaning.
    pub fn prepare(&self, bytes: &[u8], now: DateTime<Utc>) -> Result<Prepared, Rejection> {
        let a = Article::parse(bytes, self.opts.max_message_bytes)?;
        let id =
            a.id.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        let url = a
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        let source = a
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| url.as_deref().and_then(urls::source_from_url));
        let has_text = a.text.as_deref().is_some_and(|t| !t.trim().is_empty());
        let site = clean::title::SiteHints::new(source.as_deref(), url.as_deref());
        let mut page = if has_text {
            html::HtmlExtract::default()
        } else {
            let raw = a.html.as_deref().unwrap_or_default();
            if html::nesting_exceeds(raw, html::MAX_DEPTH) {
                return Err(Rejection::new(
                    RejectReason::InvalidField,
                    format!(
                        "`html` nests elements deeper than {} levels",
                        html::MAX_DEPTH
                    ),
                )
                .with_id(id.as_deref()));
            }
            html::extract(raw, url.as_deref(), &site)
        };
        // The authors a scraper sends (`author`/`authors`, kept verbatim in `extra` too) are the
        // ones its selectors found for this page: they beat the page's metadata and the bylines.
        let declared = declared_authors(&a.extra, &site);
        if !declared.is_empty() {
            page.authors = declared;
        }
        let body: &str = if has_text {
            a.text.as_deref().unwrap_or_default()
        } else {
            &page.text
        };
        // For a page, its own headline (JSON-LD, Open Graph) beats the scraper's `<title>`,
        // which carries site names and SEO variants; a text article keeps the title it came with.
        let sent_title = a.title.as_deref().filter(|t| !t.trim().is_empty());
        let title = if has_text {
            sent_title.or(page.title.as_deref())
        } else {
            page.title.as_deref().or(sent_title)
        };
        let draft = clean::draft(body, title, source.as_deref(), url.as_deref());
        let draft_fingerprint = fingerprint::simhash(&draft.line_keys().join(" "));
        Ok(Prepared {
            published: a.published_at.as_ref().and_then(dates::parse_date),
            lang_hint: a.lang.as_deref().map(str::to_string).or(page.lang.clone()),
            extra: Extra(
                a.extra
                    .iter()
                    .map(|(k, v)| (k.to_string(), (*v).to_owned()))
                    .collect(),
            ),
            id,
            url,
            source,
            draft,
            page,
            draft_fingerprint,
            now,
        })
    }

    /// Phase 2 (stateful, cheap, in input order): what the stream taught about this article's
    /// lines and title, and the learning from it.
    pub fn learn(&self, p: &Prepared, memory: &SourceMemory) -> Recall {
        let keys = p.draft.line_keys();
        memory.recall_and_learn(
            p.source.as_deref(),
            &keys,
            &p.draft.title_edges(),
            p.draft.title_key().as_deref(),
            p.draft_fingerprint,
        )
    }

    /// Phase 3 (stateless): the cleaned text, its hash, and the record.
    pub fn finish(&self, p: Prepared, recall: Option<&Recall>) -> Result<Processed, Rejection> {
        let id_hint = p.id.clone();
        self.finish_inner(p, recall).map_err(|r| {
            if r.id.is_none() {
                r.with_id(id_hint.as_deref())
            } else {
                r
            }
        })
    }

    fn finish_inner(&self, p: Prepared, recall: Option<&Recall>) -> Result<Processed, Rejection> {
        let cleaned = match recall {
            Some(r) => p.draft.apply_recall(r),
            None => p.draft.finish(),
        };
        let paragraphs = cleaned.paragraphs;
        let paragraph_keys = cleaned.paragraph_keys;
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

        // The dateline lead stays in the text but not in the hash, so copies that keep, change
        // or drop it hash alike.
        let dateline = clean::dateline::detect(&paragraphs[0]).map(|(d, _)| d);
        let hash_form = hash_form_with_keys(&paragraphs, &paragraph_keys);
        let hash = *blake3::hash(hash_form.as_bytes()).as_bytes();
        let content_hash = normalize::format_hash(&blake3::Hash::from(hash));
        let words = minhash::word_bounds(&hash_form);
        let fingerprint = fingerprint::simhash_of_words(&hash_form, &words);
        let signature = minhash::signature_of_words(&hash_form, &words);

        let canonical_url = p.url.as_deref().and_then(urls::canonical_url);
        let id = match p.id {
            Some(id) => id,
            None => derive_id(canonical_url.as_deref().or(p.url.as_deref()), &hash),
        };
        let published_at = p
            .published
            .or_else(|| p.page.published.as_deref().and_then(dates::parse_date_str))
            .or_else(|| cleaned.date_hint.as_deref().and_then(dates::parse_date_str))
            .map(|d| dates::format_rfc3339(&d));
        // What the page declares about its authors beats bylines read from the text.
        let authors = if p.page.authors.is_empty() {
            cleaned.authors
        } else {
            p.page.authors.clone()
        };
        let stats = stats::stats(&paragraphs, self.opts.reading_wpm);
        let annotate_started = std::time::Instant::now();
        let notes = self.opts.annotate.then(|| {
            annotate::annotate(
                &text,
                &paragraphs,
                cleaned.title.as_deref(),
                p.lang_hint.as_deref(),
                dateline.as_ref().map(|d| d.location.as_str()),
            )
        });
        let annotate_time = annotate_started.elapsed();
        let (lang, lang_confidence, entities, quotes, keywords) = match notes {
            Some(n) => (
                Some(n.lang),
                Some(n.lang_confidence),
                Some(n.entities),
                Some(n.quotes),
                Some(n.keywords),
            ),
            None => (None, None, None, None, None),
        };

        let record = Record {
            schema_version: SCHEMA_VERSION,
            id,
            content_hash,
            fingerprint: fingerprint::format_fingerprint(fingerprint),
            url: p.url,
            canonical_url,
            source: p.source,
            title: cleaned.title,
            text,
            removed: cleaned.removed,
            lang,
            lang_confidence,
            published_at,
            authors: Some(authors),
            dateline: Some(dateline),
            stats,
            entities,
            quotes,
            keywords,
            duplicate: None,
            processed_at: dates::format_rfc3339(&p.now),
            extra: p.extra,
        };
        Ok(Processed {
            record,
            hash,
            fingerprint,
            signature,
            annotate_time,
        })
    }
}

/// The hash form of a cleaned body: what `content_hash` and the fingerprint are taken over.
///
/// Normalised beyond typography, case and whitespace in two ways, so that copies of one story
/// hash alike even when their cleaning differed at the margins:
/// - the dateline lead of the first paragraph is left out (copies keep, change or drop it); it
///   is cut from the upper-cased paragraph, so letter case cannot change where the cut falls;
/// - the body's sentences are hashed, not its short non-sentence lines (fewer than 10 words,
///   no sentence punctuation: other stories' headlines, link texts, notes), which one copy may
///   carry as residue while another lost them. When such lines are most of the text (a list,
///   a table), everything is hashed.
pub fn hash_form_of(paragraphs: &[String]) -> String {
    hash_form_with_keys(paragraphs, &[])
}

/// [`hash_form_of`], given the hash forms of some paragraphs already taken (`keys[i]` is
/// `hash_form(&paragraphs[i])` where it is `Some`).
fn hash_form_with_keys(paragraphs: &[String], keys: &[Option<String>]) -> String {
    fn is_sentence(p: &str) -> bool {
        let t = p.trim_end_matches(['"', '\'', ')', ']', '»', '”', '’', ' ']);
        t.ends_with(['.', '!', '?', '…', '。', '！', '？', ':', ';'])
            || segment::has_more_words_than(p, 9)
    }
    let total: usize = paragraphs.iter().map(|p| p.len()).sum();
    let sentences: usize = paragraphs
        .iter()
        .filter(|p| is_sentence(p))
        .map(|p| p.len())
        .sum();
    let all = sentences * 2 < total;
    let mut out = String::with_capacity(total);
    for (i, p) in paragraphs.iter().enumerate() {
        if !all && !is_sentence(p) {
            continue;
        }
        if i == 0 {
            let upper = p.to_uppercase();
            let lead = clean::dateline::hash_lead_len(&upper);
            normalize::push_hash_form(&upper[lead..], &mut out);
        } else if let Some(key) = keys.get(i).and_then(Option::as_deref) {
            normalize::push_hash_key(key, &mut out);
        } else {
            normalize::push_hash_form(p, &mut out);
        }
    }
    out
}

/// The authors an input declares outside SPEC's fields: `authors` or `author`, as a string
/// ("Jane Doe and John Roe"), an array of strings, or schema.org-style `{"name": ...}` objects.
/// Bounded: a few names of sane length, whatever the scraper sends.
fn declared_authors(
    extra: &[(std::borrow::Cow<'_, str>, &serde_json::value::RawValue)],
    site: &clean::title::SiteHints,
) -> Vec<String> {
    const MAX_NAMES: usize = 20;
    const MAX_NAME_BYTES: usize = 200;
    let Some((_, raw)) = ["authors", "author"]
        .iter()
        .find_map(|want| extra.iter().find(|(k, _)| k == want))
    else {
        return Vec::new();
    };
    let name_of = |v: &serde_json::Value| -> Option<String> {
        let s = match v {
            serde_json::Value::String(s) => s.as_str(),
            serde_json::Value::Object(o) => o.get("name")?.as_str()?,
            _ => return None,
        };
        let s = s.trim();
        (!s.is_empty() && s.len() <= MAX_NAME_BYTES).then(|| s.to_string())
    };
    let names: Vec<String> = match serde_json::from_str::<serde_json::Value>(raw.get()) {
        Ok(serde_json::Value::Array(items)) => {
            items.iter().take(MAX_NAMES).filter_map(name_of).collect()
        }
        Ok(v) => name_of(&v).into_iter().collect(),
        Err(_) => Vec::new(),
    };
    html::meta::clean_authors(&names, &|s| site.names_site(s))
}

/// An id for an article that came without one: from its URL when it has one (so re-scrapes of
/// a page keep their id), else from its content hash.
fn derive_id(url: Option<&str>, content_hash: &[u8; 32]) -> String {
    match url {
        Some(u) => format!("url-{}", &blake3::hash(u.as_bytes()).to_hex()[..16]),
        None => format!("hash-{}", &blake3::Hash::from(*content_hash).to_hex()[..16]),
    }
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
        Pipeline::new(PipelineOptions::default()).process(
            json.as_bytes(),
            now(),
            &SourceMemory::default(),
        )
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
        // Every annotation is there, empty when the text names nothing.
        assert_eq!(json["lang"], "en");
        assert!(json["entities"].as_array().is_some_and(|e| e.is_empty()));
        assert!(json["quotes"].as_array().is_some_and(|q| q.is_empty()));
        assert!(json["keywords"].is_array());
    }

    #[test]
    fn authors_a_scraper_sends_fill_authors_and_stay_in_extra() {
        let body = "By Someone Else\n\nThe council met on Tuesday to discuss the budget.";
        let cases = [
            (
                r#""author":"Jane Doe and John Roe""#,
                &["Jane Doe", "John Roe"][..],
            ),
            (r#""authors":["Jane Doe","Staff"]"#, &["Jane Doe"]),
            (r#""author":[{"name":"Ann Lee"}]"#, &["Ann Lee"]),
            // Nothing usable declared: the byline in the text still counts.
            (r#""author":42"#, &["Someone Else"]),
            (r#""author":"""#, &["Someone Else"]),
        ];
        for (field, want) in cases {
            let json = format!(
                r#"{{"url":"https://news.example.com/a","text":{},{field}}}"#,
                serde_json::to_string(body).unwrap()
            );
            let p = run(&json).unwrap();
            assert_eq!(
                p.record.authors,
                Some(want.iter().map(|s| s.to_string()).collect()),
                "{field}"
            );
            let out = serde_json::to_value(&p.record).unwrap();
            let (key, value) = field.split_once(':').unwrap();
            let value: serde_json::Value = serde_json::from_str(value).unwrap();
            assert_eq!(out["extra"][key.trim_matches('"')], value, "{field}");
        }
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
    fn residue_lines_and_datelines_do_not_split_copies() {
        let a = run(r#"{"text":"WASHINGTON (Reuters) - The Senate voted on the bill late on Tuesday night.\n\nSenate passes bill in late vote\n\nThe vote was 51 to 49, officials said."}"#).unwrap();
        let b = run(r#"{"text":"The Senate voted on the bill late on Tuesday night.\n\nThe vote was 51 to 49, officials said."}"#).unwrap();
        assert_eq!(a.hash, b.hash);
        // A text of short lines only still hashes all of it.
        let c = run(r#"{"text":"Apples\n\nPears"}"#).unwrap();
        let d = run(r#"{"text":"Apples\n\nPlums"}"#).unwrap();
        assert_ne!(c.hash, d.hash);
    }

    #[test]
    fn warm_up_samples_go_through_every_stage() {
        let p = Pipeline::new(PipelineOptions::default());
        // Both samples come out as records, so no stage after a rejection stays cold.
        assert_eq!(p.warm_up(), 2);
        // And the pipeline works as before afterwards.
        let memory = clean::learned::SourceMemory::default();
        let out = p.process(
            br#"{"id":"a","text":"Officials met in Geneva on Monday, the ministry said."}"#,
            now(),
            &memory,
        );
        assert!(out.is_ok(), "{out:?}");
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
            p.process(big.as_bytes(), now(), &SourceMemory::default())
                .unwrap_err()
                .reason,
            RejectReason::TooLarge
        );
    }

    #[test]
    fn annotators_off_leave_the_annotations_out_and_the_rest_alike() {
        let msg = r#"{"id":"a","title":"Talks resume","text":"WASHINGTON (Reuters) - Secretary of State Mike Pompeo met Kim Jong Un in Pyongyang on Sunday.\n\n\"We made progress,\" Pompeo said after the talks."}"#;
        let on = run(msg).expect("record");
        let off = Pipeline::new(PipelineOptions {
            annotate: false,
            ..Default::default()
        })
        .process(msg.as_bytes(), now(), &SourceMemory::default())
        .expect("record")
        .record;
        assert!(on.record.entities.as_ref().is_some_and(|e| !e.is_empty()));
        assert!(on.record.quotes.as_ref().is_some_and(|q| !q.is_empty()));
        let json = serde_json::to_value(&off).expect("json");
        for field in ["lang", "lang_confidence", "entities", "quotes", "keywords"] {
            assert!(json.get(field).is_none(), "{field} is in {json}");
        }
        assert_eq!(off.text, on.record.text);
        assert_eq!(off.content_hash, on.record.content_hash);
        assert_eq!(off.dateline, on.record.dateline);
        assert_eq!(off.stats, on.record.stats);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let _ = Pipeline::new(PipelineOptions::default()).process(&bytes, now(), &SourceMemory::default());
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

        /// The keys the draft took are the hash forms of the paragraphs they stand for, so the
        /// content hash is the same with them as without.
        #[test]
        fn the_draft_s_keys_hash_as_the_paragraphs(
            pieces in proptest::collection::vec(prop::sample::select(&[
                "The council met on Tuesday \u{201c}to vote\u{201d} on the plan.",
                "WASHINGTON (Reuters) - Talks resumed.",
                "Officials said the talks would go on. (Reporting by Jane Doe; Editing by Tom Roe)",
                "The mayor spoke to reporters. \u{a9} 2024 Example News",
                "Prices rose 3% in May. ABC News' Jane Doe contributed to this report.",
                "By Jane Doe",
                "Read more: the budget",
                "\u{dc}n\u{ef}code \u{ff37}\u{ff49}\u{ff44}\u{ff45} text\u{200b} and \u{fb01} ligatures.",
                "Short line",
                "Advertisement",
            ][..]), 1..12),
            extra in "\\PC{0,60}",
        ) {
            let mut text = pieces.join("\n\n");
            text.push_str("\n\n");
            text.push_str(&extra);
            let cleaned = clean::draft(&text, None, None, None).finish();
            for (p, k) in cleaned.paragraphs.iter().zip(&cleaned.paragraph_keys) {
                if let Some(k) = k {
                    prop_assert_eq!(k, &normalize::hash_form(p));
                }
            }
            prop_assert_eq!(
                hash_form_with_keys(&cleaned.paragraphs, &cleaned.paragraph_keys),
                hash_form_of(&cleaned.paragraphs)
            );
        }

        #[test]
        fn hash_form_ignores_typography_case_whitespace_and_breaks(
            words in proptest::collection::vec("[A-Za-z0-9]{1,9}", 1..60),
            seed in any::<u64>(),
        ) {
            let (plain, fancy) = variants(&words, seed, true);
            let split = |t: &str| normalize::paragraphs(t);
            prop_assert_eq!(hash_form_of(&split(&plain)), hash_form_of(&split(&fancy)));
        }

        #[test]
        fn copies_of_a_story_hash_alike_through_the_whole_pipeline(
            words in proptest::collection::vec(prop::sample::select(STORY_WORDS), 8..80),
            seed in any::<u64>(),
        ) {
            let (plain, fancy) = variants(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>(), seed, false);
            let a = run(&serde_json::json!({"text": plain}).to_string());
            let b = run(&serde_json::json!({"text": fancy}).to_string());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert_eq!(a.record.content_hash, b.record.content_hash);
            }
        }
    }

    /// Ordinary story words (none of them a boilerplate cue on its own).
    const STORY_WORDS: &[&str] = &[
        "the",
        "council",
        "voted",
        "on",
        "tuesday",
        "to",
        "approve",
        "plan",
        "after",
        "months",
        "of",
        "debate",
        "residents",
        "were",
        "divided",
        "mayor",
        "harbour",
        "cost",
        "city",
        "said",
        "will",
        "build",
        "new",
        "bridge",
        "river",
        "summer",
        "police",
        "school",
        "children",
        "minister",
    ];

    /// One text as two copies: the second with other quotes, dashes, spaces, line breaks and
    /// letter case. `any_case` flips the case of single words; otherwise of whole sentences.
    fn variants(words: &[String], seed: u64, any_case: bool) -> (String, String) {
        let mut plain = String::new();
        let mut fancy = String::new();
        let mut upper_sentence = false;
        for (i, w) in words.iter().enumerate() {
            let pick = (seed.rotate_left(i as u32 * 7) % 9) as u8;
            if i > 0 {
                let (a, b) = match pick {
                    0 => (" - ", " \u{2014} "),
                    1 => (" \"", " \u{201c}"),
                    2 => ("' ", "\u{2019} "),
                    3 => (".\n\n", ".\r\n"),
                    4 => (" ", "\u{a0}"),
                    5 => (" ", "   "),
                    6 => (". ", ".  "),
                    _ => (" ", " "),
                };
                plain.push_str(a);
                fancy.push_str(b);
                if a.starts_with('.') {
                    upper_sentence = seed.rotate_left(i as u32).is_multiple_of(3);
                }
            }
            plain.push_str(w);
            let upper = if any_case {
                pick.is_multiple_of(2)
            } else {
                upper_sentence
            };
            fancy.push_str(&if upper { w.to_uppercase() } else { w.clone() });
        }
        plain.push('.');
        fancy.push('.');
        (plain, fancy)
    }
}
