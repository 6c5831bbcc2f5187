//! Main text and page metadata from raw HTML, for articles that arrive with `html` and no `text`.
//!
//! The page is parsed once (html5ever, through dom_query). Its declared metadata is read first
//! ([`meta`], with [`shown_date`] choosing between a first publication and an update), and the
//! stories an infinite-scroll page runs on into are dropped ([`next_stories`]). Then readability
//! (dom_smoothie) finds the article container, and [`render`] drops the furniture readability
//! keeps and writes one paragraph per block. The text then goes through the same cleaning as
//! any text article.

pub mod meta;
pub mod next_stories;
pub mod render;
pub mod shown_date;

use dom_query::Document;
use dom_smoothie::{Config, Readability};

/// Pages with more elements than this are not scored element by element (bounds the work on
/// hostile pages; real article pages have a few thousand).
const MAX_ELEMENTS: usize = 200_000;
/// Deepest element nesting accepted. Real pages nest a few dozen levels; the HTML parser's
/// scope checks grow with depth, so a hostile page nested thousands deep would cost quadratic
/// time. Refused before parsing.
pub const MAX_DEPTH: usize = 1_000;

/// Elements that never have a closing tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// What a page yields: its main text and what it declares about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HtmlExtract {
    pub text: String,
    /// The page's own headline (JSON-LD, Open Graph, or readability's guess).
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
}

/// An upper bound on the element nesting of `html`, by a linear scan of its tags (no parse).
/// Stops counting once `limit` is passed.
pub fn nesting_exceeds(html: &str, limit: usize) -> bool {
    let b = html.as_bytes();
    let mut depth = 0usize;
    // `str::find` of an ASCII char jumps from `<` to `<` with memchr.
    let mut from = 0;
    while let Some(p) = html[from..].find('<') {
        let i = from + p;
        from = i + 1;
        let Some(&next) = b.get(i + 1) else { break };
        if next == b'/' {
            depth = depth.saturating_sub(1);
        } else if next.is_ascii_alphabetic() {
            let end = b[i + 1..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(b.len(), |p| i + 1 + p);
            let name = &html[i + 1..end];
            let tag_end = b[end..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |p| end + p);
            let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
            if !self_closing && !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
        }
    }
    false
}

/// Word 4-shingles of a text, hashed.
fn shingles(text: &str) -> std::collections::HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    if words.len() < 4 {
        return std::iter::once(xxhash_rust::xxh3::xxh3_64(words.join(" ").as_bytes())).collect();
    }
    words
        .windows(4)
        .map(|w| xxhash_rust::xxh3::xxh3_64(w.join(" ").as_bytes()))
        .collect()
}

/// Our extraction against the page's declared `articleBody`:
/// - when we found only a small part of it (readability chose a fragment), the body is the
///   text;
/// - when we found all of it and much more (an infinite-scroll page carries the next stories),
///   only our paragraphs that belong to it stay;
/// - otherwise our extraction stands (it keeps the page's paragraph structure).
fn reconcile(ours: String, body: &str) -> String {
    let b = shingles(body);
    let o = shingles(&ours);
    if b.is_empty() {
        return ours;
    }
    let covered = b.iter().filter(|s| o.contains(s)).count() as f64 / b.len() as f64;
    if covered < 0.6 && body.len() as f64 > ours.len() as f64 * 1.2 {
        // The body's own lines become paragraphs.
        return body
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if covered >= 0.8 && ours.len() as f64 > body.len() as f64 * 1.5 {
        let kept: Vec<&str> = ours
            .split("\n\n")
            .filter(|p| {
                let s = shingles(p);
                !s.is_empty() && s.iter().filter(|x| b.contains(x)).count() * 2 >= s.len()
            })
            .collect();
        if !kept.is_empty() {
            return kept.join("\n\n");
        }
    }
    ours
}

/// Readability's text is taken as it is unless it is short and the page's long paragraphs say
/// far more that it does not hold: then readability chose a fragment (one slide of a gallery, a
/// byline box) and the paragraphs are the text.
fn fragment_fallback(ours: String, html: &str) -> String {
    if ours.len() >= 2000 {
        return ours;
    }
    let alt = render::paragraphs(html);
    if alt.len() < 500 || alt.len() < ours.len() * 2 {
        return ours;
    }
    let a = shingles(&alt);
    let o = shingles(&ours);
    let covered = a.iter().filter(|s| o.contains(s)).count() as f64 / a.len().max(1) as f64;
    if covered < 0.5 { alt } else { ours }
}

fn absolute_http(url: Option<&str>) -> Option<&str> {
    url.filter(|u| url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https")))
}

/// Extracts the main text (paragraphs separated by blank lines) and the declared metadata.
/// A page whose article cannot be found yields an empty text, which the pipeline rejects as
/// `empty_after_cleaning`; so does a page nested deeper than [`MAX_DEPTH`] (the pipeline checks
/// that first, to give it its own reason).
pub fn extract(
    html: &str,
    url: Option<&str>,
    site: &crate::pipeline::clean::title::SiteHints,
) -> HtmlExtract {
    let url = absolute_http(url);
    if nesting_exceeds(html, MAX_DEPTH) {
        return HtmlExtract::default();
    }
    let doc = Document::from(html);
    let meta = meta::read(&doc, url, &|s| site.names_site(s));
    let page_title = doc.select("head title").text();
    let headlines: Vec<&str> = [meta.headline.as_deref(), meta.og_title.as_deref()]
        .into_iter()
        .flatten()
        .chain([&*page_title])
        .collect();
    next_stories::remove(&doc, &headlines);
    let cfg = Config {
        keep_classes: true,
        disable_json_ld: true,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let (text, readability_title) = match Readability::with_document(doc, url, Some(cfg)) {
        Ok(mut reader) => match reader.parse() {
            Ok(article) => (render::render(&article.content), Some(article.title)),
            Err(_) => (String::new(), None),
        },
        Err(_) => (String::new(), None),
    };
    let text = fragment_fallback(text, html);
    let text = match meta.article_body.as_deref() {
        Some(body) => reconcile(text, body),
        None => text,
    };
    let title = meta
        .headline
        .clone()
        .or(meta.og_title.clone())
        .or(readability_title)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    HtmlExtract {
        text,
        title,
        authors: meta.authors,
        published: meta.published,
        lang: meta.lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_paragraphs_title_and_metadata() {
        let body = "<p>The council approved the new budget on Tuesday after a long debate about \
                    schools, roads and the harbour, which had been delayed for months.</p>"
            .repeat(4);
        let html = format!(
            "<html><head><title>Budget passes - Town News</title>\
             <meta name=\"author\" content=\"Jane Doe\">\
             <meta property=\"article:published_time\" content=\"2024-05-06T07:00:00Z\"></head>\
             <body><nav>Home | News</nav><article><h1>Budget passes</h1>{body}\
             <figure><figcaption>The town hall. Photo: Reuters</figcaption></figure></article>\
             <footer>Copyright 2024</footer></body></html>"
        );
        let x = extract(
            &html,
            Some("https://news.example/budget"),
            &Default::default(),
        );
        assert!(x.text.contains("The council approved the new budget"));
        assert!(!x.text.contains("Copyright 2024"));
        assert!(!x.text.contains("Photo: Reuters"));
        assert_eq!(x.authors, vec!["Jane Doe".to_string()]);
        assert_eq!(x.published.as_deref(), Some("2024-05-06T07:00:00Z"));
        assert!(x.title.is_some());
    }

    #[test]
    fn the_declared_body_reconciles_the_extraction() {
        let story = "The council approved the harbour plan on Tuesday after a long debate.\n\nConstruction starts in spring, the mayor said on Wednesday morning.";
        let next = "\n\nNext story: a farmer found a very large potato in his field last week.\n\nIt weighed four kilograms and went on show at the market.";
        // Infinite scroll: only what belongs to the body stays.
        assert_eq!(reconcile(format!("{story}{next}{next}"), story), story);
        // A fragment: the body is the text.
        let fragment =
            "Construction starts in spring, the mayor said on Wednesday morning.".to_string();
        let long_body = format!(
            "{story}\nResidents were divided about the cost of the project.\nThe vote was close."
        );
        assert!(reconcile(fragment, &long_body).contains("Residents were divided"));
        // A good extraction stands.
        assert_eq!(reconcile(story.to_string(), story), story);
    }

    #[test]
    fn a_gallery_that_readability_reads_as_a_fragment_falls_back_to_its_paragraphs() {
        let slide = |i: usize| {
            format!(
                "<div class=\"gallery-slide slide-{i}\"><h4>Couple {i}</h4><img src=\"x{i}.jpg\">\
                 <p class=\"wp-caption-text\">Credit: Agency</p><p>Couple number {i} met at a \
                 festival in the summer, and they have spoken openly about the arrangement in several \
                 interviews since then, most recently on a podcast.</p></div>"
            )
        };
        let slides: String = (0..8).map(slide).collect();
        let html = format!(
            "<html><body class=\"single has-sidebar react-widget\"><header><p>Site navigation \
             and a long tagline that is not part of any story at all, really.</p></header>\
             <article><div class=\"info-meta\">Oct 24, 2019 | By Jane Doe</div>\
             <div class=\"article-content carousel-gallery\">{slides}</div></article>\
             <div class=\"comments\"><p>A reader comment that goes on for quite a while about \
             nothing in particular, as comments do.</p></div></body></html>"
        );
        let x = extract(
            &html,
            Some("https://a.example/g/couples"),
            &Default::default(),
        );
        for i in 0..8 {
            assert!(
                x.text.contains(&format!("Couple number {i} met")),
                "{}",
                x.text
            );
        }
        assert!(!x.text.contains("A reader comment"));
        assert!(!x.text.contains("Site navigation"));
        // A page readability reads well keeps readability's text.
        let story = "<p>The council approved the harbour plan on Tuesday after a long debate \
                     about its cost and the schedule of the works.</p>"
            .repeat(5);
        let page = format!(
            "<html><body><article>{story}</article><div class=\"related\"><p>Another story \
             about something else entirely, with a long teaser paragraph here.</p></div></body></html>"
        );
        assert_eq!(
            fragment_fallback("ours".repeat(600), &page),
            "ours".repeat(600)
        );
    }

    #[test]
    fn hostile_nesting_is_refused_fast() {
        let html = format!("{}text{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        assert!(nesting_exceeds(&html, MAX_DEPTH));
        assert_eq!(
            extract(&html, None, &Default::default()),
            HtmlExtract::default()
        );
        assert!(!nesting_exceeds("<p>a<br>b<img src=x><b>c</b></p>", 3));
    }

    /// The scan before it jumped between `<` with `str::find` and compared tag names without
    /// lowercasing a copy: the answers must not change.
    fn nesting_exceeds_by_bytes(html: &str, limit: usize) -> bool {
        let b = html.as_bytes();
        let (mut depth, mut i) = (0usize, 0);
        while i + 1 < b.len() {
            if b[i] == b'<' {
                if b[i + 1] == b'/' {
                    depth = depth.saturating_sub(1);
                } else if b[i + 1].is_ascii_alphabetic() {
                    let end = b[i + 1..]
                        .iter()
                        .position(|c| !c.is_ascii_alphanumeric())
                        .map_or(b.len(), |p| i + 1 + p);
                    let name = html[i + 1..end].to_ascii_lowercase();
                    let tag_end = b[end..]
                        .iter()
                        .position(|&c| c == b'>')
                        .map_or(b.len(), |p| end + p);
                    let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
                    if !VOID.contains(&name.as_str()) && !self_closing {
                        depth += 1;
                        if depth > limit {
                            return true;
                        }
                    }
                }
            }
            i += 1;
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn nesting_scan_agrees_with_the_byte_scan(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<div>".to_string()),
                    proptest::strategy::Just("</div>".to_string()),
                    proptest::strategy::Just("<BR>".to_string()),
                    proptest::strategy::Just("<Img src=x/>".to_string()),
                    proptest::strategy::Just("<p/>".to_string()),
                    proptest::strategy::Just("<".to_string()),
                    proptest::strategy::Just("<é>".to_string()),
                    "[a-z<>/ é]{0,6}",
                ],
                0..60,
            ),
            limit in 0usize..8,
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(
                nesting_exceeds(&html, limit),
                nesting_exceeds_by_bytes(&html, limit)
            );
        }
    }

    #[test]
    fn garbage_yields_empty() {
        assert_eq!(
            extract(
                "<html><body><script>x()</script></body></html>",
                None,
                &Default::default()
            )
            .text
            .trim(),
            ""
        );
        assert_eq!(
            extract("", Some("not a url"), &Default::default())
                .text
                .trim(),
            ""
        );
    }
}
