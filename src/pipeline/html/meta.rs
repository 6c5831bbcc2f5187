//! What a page declares about itself: headline, authors, publication date.
//!
//! Sources, most trusted first: JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, ... also inside
//! `@graph`), `<meta>` tags (Open Graph, `article:*`, Parse.ly, Sailthru, Dublin Core, ...),
//! microdata (`itemprop`), `<time>` elements, byline elements, and the date in the URL's path.

use dom_query::{Document, Selection};
use serde_json::Value;

/// The declared metadata of a page.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageMeta {
    pub headline: Option<String>,
    pub og_title: Option<String>,
    pub authors: Vec<String>,
    /// The declared publication date as written (parsed later).
    pub published: Option<String>,
    /// The declared date of the last update, as written.
    pub modified: Option<String>,
    pub lang: Option<String>,
    pub site_name: Option<String>,
    /// The article's text as the page declares it (JSON-LD `articleBody`), when complete: a
    /// teaser cut with an ellipsis is not kept.
    pub article_body: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "Report",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "SocialMediaPosting",
    "Review",
    "MedicalWebPage",
    "Recipe",
    "HowTo",
    "VideoObject",
    "WebPage",
];

/// Reads the metadata of a parsed page. `is_site` tells the site's own name (an author of that
/// name is the publication, not a person).
pub fn read(doc: &Document, url: Option<&str>, is_site: &dyn Fn(&str) -> bool) -> PageMeta {
    let mut m = PageMeta::default();
    json_ld(doc, &mut m);
    meta_tags(doc, &mut m);
    m.authors = clean_authors(&m.authors, is_site);
    if m.authors.is_empty() {
        m.authors = clean_authors(&dom_authors(doc), is_site);
    }
    if m.published.is_none() {
        m.published = microdata_date(doc).or_else(|| url.and_then(date_from_url));
    }
    m.published = super::shown_date::choose(doc, m.published.take(), m.modified.clone());
    if m.lang.is_none() {
        m.lang = doc
            .select("html")
            .attr("lang")
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
    }
    m
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => o
            .get("name")
            .and_then(text_of)
            .or_else(|| o.get("@value").and_then(text_of)),
        Value::Array(a) => a.iter().find_map(text_of),
        _ => None,
    }
}

fn authors_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().flat_map(authors_of).collect(),
        Value::Object(o) => {
            // A Person or Organization; organisations as authors are the site, not a byline.
            let typ = o.get("@type").and_then(|t| t.as_str()).unwrap_or("Person");
            if typ.eq_ignore_ascii_case("Organization")
                || typ.eq_ignore_ascii_case("NewsMediaOrganization")
            {
                return Vec::new();
            }
            o.get("name").and_then(text_of).into_iter().collect()
        }
        Value::String(s) => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

fn is_article(o: &serde_json::Map<String, Value>) -> bool {
    let types: Vec<&str> = match o.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    types.iter().any(|t| ARTICLE_TYPES.contains(t))
}

fn json_ld(doc: &Document, m: &mut PageMeta) {
    let mut candidates: Vec<serde_json::Map<String, Value>> = Vec::new();
    for script in doc.select(r#"script[type="application/ld+json"]"#).iter() {
        let raw = script.text();
        let raw = raw
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>");
        if raw.len() > 1 << 20 {
            continue;
        }
        let v = match serde_json::from_str::<Value>(raw) {
            Ok(v) => v,
            // Pages often ship JSON-LD that is not strict JSON (raw newlines in strings,
            // trailing commas): read the few fields we need from it directly.
            Err(_) => {
                lenient_json_ld(raw, m);
                continue;
            }
        };
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(a) => stack.extend(a),
                Value::Object(mut o) => {
                    if let Some(g) = o.remove("@graph") {
                        stack.push(g);
                    }
                    if is_article(&o) {
                        candidates.push(o);
                    }
                }
                _ => {}
            }
            if candidates.len() > 32 {
                break;
            }
        }
    }
    // Articles before web pages.
    candidates.sort_by_key(|o| {
        let t = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
        t.contains("WebPage") as u8
    });
    for o in &candidates {
        if m.headline.is_none() {
            m.headline = o.get("headline").and_then(text_of);
        }
        if m.authors.is_empty()
            && let Some(a) = o.get("author").or_else(|| o.get("creator"))
        {
            m.authors = authors_of(a);
        }
        if m.published.is_none() {
            m.published = ["datePublished", "dateCreated", "uploadDate", "dateModified"]
                .iter()
                .find_map(|k| o.get(*k).and_then(text_of));
        }
        if m.modified.is_none() {
            m.modified = o.get("dateModified").and_then(text_of);
        }
        if m.lang.is_none() {
            m.lang = o.get("inLanguage").and_then(text_of);
        }
        if m.article_body.is_none() {
            m.article_body = o
                .get("articleBody")
                .and_then(|b| b.as_str())
                .map(body_text)
                .filter(|b| b.len() >= 200 && !is_teaser(b));
        }
    }
}

/// `articleBody` as text: entities decoded, tags dropped, line structure kept.
fn body_text(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    if decoded.contains('<') && decoded.contains('>') {
        // Some sites put HTML there; render it like any fragment.
        return super::render::render(&decoded);
    }
    decoded.into_owned()
}

/// A body cut short for a preview ("... sources of&hellip;", "[…]").
fn is_teaser(body: &str) -> bool {
    let t = body.trim_end();
    t.ends_with('…') || t.ends_with("...") || t.ends_with("[…]") || t.ends_with("[...]")
}

/// `"key": "value"` pairs from JSON-LD that does not parse: headline, datePublished, and the
/// first author name.
fn lenient_json_ld(raw: &str, m: &mut PageMeta) {
    fn string_after<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
        let at = raw.find(&format!("\"{key}\""))?;
        let rest = &raw[at + key.len() + 2..];
        let rest = rest.trim_start().strip_prefix(':')?.trim_start();
        let rest = rest.strip_prefix('"')?;
        let end = rest.find('"')?;
        Some(rest[..end].trim()).filter(|v| !v.is_empty() && v.len() < 300)
    }
    if m.published.is_none() {
        m.published = string_after(raw, "datePublished").map(str::to_string);
    }
    if m.headline.is_none() {
        m.headline = string_after(raw, "headline").map(str::to_string);
    }
    if m.authors.is_empty()
        && let Some(at) = raw.find("\"author\"")
        && let Some(name) = string_after(&raw[at..], "name")
    {
        m.authors = vec![name.to_string()];
    }
}

/// The page's `<meta>` tags that carry content, in document order: their `property`, `name`
/// and `itemprop` values and their trimmed `content`. Collected in one walk of the document:
/// looking up each wanted name with a selector of its own walked the whole page some 180 times.
struct MetaTags(Vec<([Option<String>; 3], String)>);

impl MetaTags {
    fn of(doc: &Document) -> MetaTags {
        let mut tags = Vec::new();
        for node in doc.select("meta").iter() {
            let Some(content) = node
                .attr("content")
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            let keys =
                ["property", "name", "itemprop"].map(|a| node.attr(a).map(|v| v.to_string()));
            if keys.iter().any(Option::is_some) {
                tags.push((keys, content));
            }
        }
        MetaTags(tags)
    }

    /// The content of the first tag naming one of `names` (earlier names first, then
    /// `property`, `name`, `itemprop`, then document order), names compared ignoring ASCII
    /// case as the `[attr="..." i]` selector does.
    fn content(&self, names: &[&str]) -> Option<String> {
        for name in names {
            for attr in 0..3 {
                for (keys, content) in &self.0 {
                    if keys[attr]
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case(name))
                    {
                        return Some(content.clone());
                    }
                }
            }
        }
        None
    }
}

fn meta_tags(doc: &Document, m: &mut PageMeta) {
    let tags = MetaTags::of(doc);
    m.og_title = tags.content(&[
        "og:title",
        "twitter:title",
        "parsely-title",
        "sailthru.title",
        "dc.title",
    ]);
    m.site_name = tags.content(&["og:site_name", "application-name"]);
    if m.published.is_none() {
        m.published = tags.content(&[
            "article:published_time",
            "og:article:published_time",
            "article:published",
            "datePublished",
            "parsely-pub-date",
            "sailthru.date",
            "pubdate",
            "publishdate",
            "publish-date",
            "publish_date",
            "publication_date",
            "date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "dcterms.date",
            "article.published",
            "cxenseparse:recs:publishtime",
            "og:published_time",
            "published_time",
            "originalpublicationdate",
            "article_date_original",
            "sailthru.date",
            "release_date",
            "created",
            "timestamp",
            "article:modified_time",
            "og:updated_time",
            "dateModified",
        ]);
    }
    if m.modified.is_none() {
        m.modified = tags.content(&[
            "article:modified_time",
            "og:updated_time",
            "dateModified",
            "modified_time",
            "updated_time",
            "last-modified",
            "dc.date.modified",
            "dcterms.modified",
        ]);
    }
    if m.authors.is_empty() {
        let raw = tags.content(&[
            "author",
            "article:author",
            "og:article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "dcterms.creator",
            "byl",
            "citation_author",
            "cxenseparse:author",
            "article.author",
            "author_name",
            "twitter:data1",
        ]);
        if let Some(a) = raw.filter(|a| !a.starts_with("http") && !a.starts_with('@')) {
            m.authors = vec![a];
        }
    }
    if m.lang.is_none() {
        m.lang = tags.content(&["og:locale", "language", "content-language", "dc.language"]);
    }
}

/// Bylines in the page itself: microdata and `rel=author`, links to author pages
/// (`/author/jane-doe`, `/staff/...`, `/writer/...`), elements whose class names an author or
/// byline. The first source that yields names wins.
fn dom_authors(doc: &Document) -> Vec<String> {
    let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let item = |s: &Selection| -> String {
        let name = s.select(r#"[itemprop="name"]"#);
        let t = if name.exists() {
            name.attr("content")
                .map(|c| c.to_string())
                .unwrap_or_else(|| name.text().to_string())
        } else {
            s.attr("content")
                .map(|c| c.to_string())
                .unwrap_or_else(|| s.text().to_string())
        };
        squash(&t)
    };
    const SOURCES: &[&str] = &[
        r#"[itemprop~="author"]"#,
        r#"[itemprop~="creator"]"#,
        r#"a[rel~="author"]"#,
        r#"a[href*="/author/"], a[href*="/authors/"], a[href*="/writer/"], a[href*="/writers/"], a[href*="/staff/"], a[href*="/journalist"], a[href*="/reporter"], a[href*="/contributor"], a[href*="/people/"], a[href*="/by/"], a[href*="/autor/"], a[href*="/auteur/"], a[href*="/redacteur"]"#,
        r#"[class*="byline" i] a, [class*="author-name" i], [class*="authorname" i], [class*="author__name" i], [class*="author" i] a"#,
        r#"[class*="byline" i], [class*="author" i]"#,
    ];
    for sel in SOURCES {
        let mut out: Vec<String> = Vec::new();
        for node in doc.select(sel).iter().take(12) {
            let t = item(&node);
            if !t.is_empty() && t.len() < 120 && !out.contains(&t) {
                out.push(t);
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    Vec::new()
}

fn microdata_date(doc: &Document) -> Option<String> {
    for sel in [
        r#"[itemprop="datePublished"]"#,
        "time[pubdate]",
        "article time[datetime]",
        "time[datetime]",
        r#"[class*="publish" i], [class*="dateline" i], [class*="timestamp" i], [class*="post-date" i], [class*="article-date" i], [class*="entry-date" i]"#,
    ] {
        for node in doc.select(sel).iter().take(3) {
            let v = node
                .attr("datetime")
                .or_else(|| node.attr("content"))
                .map(|s| s.to_string())
                .unwrap_or_else(|| node.text().to_string());
            let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            // Element text may carry a lead: "Updated on December 14, 2023".
            let lower = v.to_lowercase();
            let v = [
                "published on ",
                "published ",
                "updated on ",
                "updated ",
                "posted on ",
                "posted ",
            ]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| v[p.len()..].to_string()))
            .unwrap_or(v);
            if !v.is_empty() && v.len() < 80 && crate::pipeline::dates::parse_date_str(&v).is_some()
            {
                return Some(v);
            }
        }
    }
    byline_date(doc)
}

/// The date a visible byline carries ("By Jane Doe | February 28, 2023", "Jane Doe · 3 March
/// 2024"): the last resort before the URL, for pages that declare no date anywhere else.
fn byline_date(doc: &Document) -> Option<String> {
    for node in doc.select(r#"[class*="byline" i]"#).iter().take(3) {
        let text = node.text();
        if text.len() > 300 {
            continue;
        }
        for part in text.split(['|', '·', '•', '—', '\n']) {
            let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
            if (6..80).contains(&part.len())
                && part.chars().any(|c| c.is_ascii_digit())
                && crate::pipeline::dates::parse_date_str(&part).is_some()
            {
                return Some(part);
            }
        }
    }
    None
}

/// `/2023/12/05/`, `/2019-11-20/`, `/20191120/` in a URL path.
pub fn date_from_url(url: &str) -> Option<String> {
    let path = url::Url::parse(url).ok()?.path().to_string();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    for w in parts.windows(3) {
        let (y, mo, d) = (w[0], w[1], w[2]);
        if y.len() == 4 && y.starts_with(['1', '2']) && y.bytes().all(|b| b.is_ascii_digit()) {
            // "/2023/12/05/" or "/2023/dec/21/".
            let mo_n: u32 = match mo.parse() {
                Ok(n) => n,
                Err(_) => match MONTHS
                    .iter()
                    .position(|m| mo.to_ascii_lowercase().starts_with(m))
                {
                    Some(i) => i as u32 + 1,
                    None => continue,
                },
            };
            if (1..=12).contains(&mo_n) {
                let day: u32 = d
                    .get(..2)
                    .and_then(|s| s.parse().ok())
                    .filter(|d| (1..=31).contains(d))
                    .unwrap_or(0);
                if day > 0 && d.len() == 2 {
                    return Some(format!("{y}-{mo_n:02}-{day:02}"));
                }
            }
        }
    }
    for p in parts {
        let digits: String = p.chars().take(10).collect();
        if digits.len() == 10
            && digits.as_bytes()[4] == b'-'
            && digits.as_bytes()[7] == b'-'
            && crate::pipeline::dates::parse_date_str(&digits).is_some()
        {
            return Some(digits);
        }
    }
    None
}

/// Authors as single person names: "By Jane Doe and John Roe" gives two; URLs, handles, roles,
/// organisations and the site's own name are dropped.
pub fn clean_authors(raw: &[String], is_site: &dyn Fn(&str) -> bool) -> Vec<String> {
    const ROLES: &[&str] = &[
        "staff",
        "editor",
        "editors",
        "team",
        "desk",
        "newsroom",
        "admin",
        "contributor",
        "contributors",
        "contributing",
        "guest",
        "reporter",
        "reporters",
        "correspondent",
        "writer",
        "writers",
        "columnist",
        "journalist",
        "photographer",
        "producer",
        "senior",
        "associate",
        "managing",
        "news",
        "wire",
        "services",
        "agencies",
        "sponsored",
        "chief",
        "officer",
        "head",
        "director",
        "president",
        "founder",
        "ceo",
        "executive",
        "professor",
        "redazione",
        "redaktion",
        "rédaction",
        "redacción",
        "redação",
        "staf",
        "updated",
        "published",
        "view",
        "posts",
        "all",
        "more",
        "follow",
        "read",
        "bio",
        "profile",
        "about",
    ];
    let mut out: Vec<String> = Vec::new();
    for r in raw {
        let r = r.split_whitespace().collect::<Vec<_>>().join(" ");
        let r = r.trim().trim_start_matches(|c: char| !c.is_alphanumeric());
        let lower = r.to_lowercase();
        let r = [
            "by ",
            "von ",
            "par ",
            "por ",
            "di ",
            "written by ",
            "author: ",
            "words by ",
            "posted by ",
        ]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &r[p.len()..]))
        .unwrap_or(r);
        // A byline's tail after a bullet, pipe or dash is a date or a role.
        let r = r.split([' ', '\u{a0}']).collect::<Vec<_>>().join(" ");
        let r = ["•", "|", " — ", " – ", " - ", "·"]
            .iter()
            .fold(r.as_str(), |acc, sep| acc.split(sep).next().unwrap_or(acc))
            .trim()
            .to_string();
        for part in split_author_list(&r) {
            let p = part
                .trim()
                .trim_matches(|c: char| matches!(c, ',' | ';' | '|' | '-' | '–' | '—' | ':' | ' '));
            if p.is_empty() || p.len() > 60 || p.starts_with("http") || p.contains('@') {
                continue;
            }
            // Credentials and roles after a comma ("Jane Doe, MD", "Jane Doe, Staff Writer").
            let p = p
                .split(", ")
                .next()
                .unwrap_or(p)
                .trim()
                .trim_end_matches(',');
            let lower = p.to_lowercase();
            if lower
                .split_whitespace()
                .any(|w| ROLES.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
            {
                continue;
            }
            if is_site(p) || !crate::pipeline::clean::rules::looks_like_name(p) {
                continue;
            }
            if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
                out.push(p.to_string());
            }
        }
        if out.len() >= 8 {
            break;
        }
    }
    out
}

fn split_author_list(s: &str) -> Vec<&str> {
    let mut parts = vec![s];
    for sep in [" and ", " & ", ";", "|", " und ", " et ", " y ", " e "] {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    // Commas separate names when every piece is a full name ("Jane Doe, John Roe"), not when
    // a credential follows ("Jane Doe, PhD").
    parts
        .into_iter()
        .flat_map(|p| {
            let pieces: Vec<&str> = p.split(", ").collect();
            if pieces.len() > 1 && pieces.iter().all(|x| x.split_whitespace().count() >= 2) {
                pieces
            } else {
                vec![p]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visible_byline_dates_a_page_that_declares_nothing_else() {
        let page = |byline: &str| {
            format!(
                "<html><body><h1>Title</h1><span class=\"article-byline\">{byline}</span>\
                 <p>Text.</p></body></html>"
            )
        };
        let m = meta(&page("By Nick Levine | February 28, 2023"), None);
        assert!(
            m.published.as_deref().is_some_and(|d| d.contains("2023")),
            "{m:?}"
        );
        let m = meta(&page("Jane Doe · 3 March 2024"), None);
        assert!(m.published.is_some(), "{m:?}");
        // A byline without a date dates nothing; the URL's date still counts.
        assert_eq!(meta(&page("By Nick Levine"), None).published, None);
        let m = meta(
            &page("By Nick Levine"),
            Some("https://a.example/2021/05/06/story"),
        );
        assert!(m.published.is_some());
    }

    fn meta(html: &str, url: Option<&str>) -> PageMeta {
        read(&Document::from(html), url, &|s| s == "Town News")
    }

    #[test]
    fn json_ld_wins() {
        let m = meta(
            r#"<html lang="en"><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},{"@type":"NewsArticle","headline":"Storm hits coast","datePublished":"2023-12-05T10:00:00Z","author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}]}]}</script>
               <meta property="article:published_time" content="2020-01-01"><meta name="author" content="Someone Else"></head><body></body></html>"#,
            None,
        );
        assert_eq!(m.headline.as_deref(), Some("Storm hits coast"));
        assert_eq!(
            m.authors,
            vec!["Jane Doe".to_string(), "John Roe".to_string()]
        );
        assert_eq!(m.published.as_deref(), Some("2023-12-05T10:00:00Z"));
        assert_eq!(m.lang.as_deref(), Some("en"));
    }

    #[test]
    fn meta_tags_and_microdata() {
        let m = meta(
            r#"<html><head><meta property="og:title" content="Title - Site"><meta name="author" content="By Jane Doe and John Roe"><meta property="article:published_time" content="2021-03-04T05:06:07+02:00"></head></html>"#,
            None,
        );
        assert_eq!(
            m.authors,
            vec!["Jane Doe".to_string(), "John Roe".to_string()]
        );
        assert_eq!(m.published.as_deref(), Some("2021-03-04T05:06:07+02:00"));
        assert_eq!(m.og_title.as_deref(), Some("Title - Site"));
        let m = meta(
            r#"<html><body><span itemprop="author"><span itemprop="name">Ann Lee</span></span><time datetime="2019-11-20T01:00:00Z">Nov 20</time></body></html>"#,
            None,
        );
        assert_eq!(m.authors, vec!["Ann Lee".to_string()]);
        assert_eq!(m.published.as_deref(), Some("2019-11-20T01:00:00Z"));
    }

    #[test]
    fn meta_tags_are_chosen_by_name_then_attribute_then_order() {
        let doc = Document::from(
            r#"<html><head>
            <meta name="twitter:title" content="Twitter title">
            <meta itemprop="OG:Title" content="By itemprop">
            <meta property="og:title" content="   ">
            <meta name="og:title" content="By name">
            <meta property="OG:TITLE" content=" By property ">
            <meta property="og:title" content="A later one">
            </head><body><meta name="dc.title" content="In the body"></body></html>"#,
        );
        let tags = MetaTags::of(&doc);
        // An earlier name wins over a later one; `property` over `name` over `itemprop`;
        // names ignore ASCII case; empty content does not count; content is trimmed.
        assert_eq!(
            tags.content(&["og:title", "twitter:title"]).as_deref(),
            Some("By property")
        );
        assert_eq!(
            tags.content(&["twitter:title", "og:title"]).as_deref(),
            Some("Twitter title")
        );
        assert_eq!(tags.content(&["dc.title"]).as_deref(), Some("In the body"));
        assert_eq!(tags.content(&["og:site_name"]), None);
    }

    #[test]
    fn author_pages_and_byline_classes() {
        let m = meta(
            r#"<html><body><div class="attribution"><span class="author"><a href="https://x.com/staff/123/craig-meyer/" class="authors">Craig Meyer</a></span></div></body></html>"#,
            None,
        );
        assert_eq!(m.authors, vec!["Craig Meyer".to_string()]);
        let m = meta(
            r#"<html><body><p class="story-meta__authors">By <span class="vcard"><a href="/x">John Sakellariadis</a></span></p></body></html>"#,
            None,
        );
        assert_eq!(m.authors, vec!["John Sakellariadis".to_string()]);
    }

    #[test]
    fn url_dates_and_author_cleaning() {
        assert_eq!(
            date_from_url("https://x.com/2023/12/05/story").as_deref(),
            Some("2023-12-05")
        );
        assert_eq!(
            date_from_url("https://x.com/news/2019-11-20-story").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(date_from_url("https://x.com/a/b"), None);
        assert_eq!(
            date_from_url("http://www.politifact.com/article/2023/dec/21/story/").as_deref(),
            Some("2023-12-21")
        );
        let no_site = |_: &str| false;
        assert_eq!(
            clean_authors(
                &[
                    "By Jane Doe, Staff Writer".into(),
                    "https://x.com/jd".into(),
                    "Jane Doe".into()
                ],
                &no_site
            ),
            vec!["Jane Doe".to_string()]
        );
        assert_eq!(
            clean_authors(&["Jane Doe, John Roe & Ann Lee".into()], &no_site),
            vec![
                "Jane Doe".to_string(),
                "John Roe".to_string(),
                "Ann Lee".to_string()
            ]
        );
        assert_eq!(
            clean_authors(
                &["Andrew Bosworth, Chief Technology Officer, Head of Reality Labs".into()],
                &no_site
            ),
            vec!["Andrew Bosworth".to_string()]
        );
        assert_eq!(
            clean_authors(
                &[
                    "The Worcester Telegram & Gazette".into(),
                    "USA TODAY".into(),
                    "Sponsored".into()
                ],
                &no_site
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            clean_authors(
                &["By Ryan Sparks • December 20, 2023 7:00 am".into()],
                &no_site
            ),
            vec!["Ryan Sparks".to_string()]
        );
        assert_eq!(
            clean_authors(&["ForbesIndia".into()], &|s: &str| s == "ForbesIndia"),
            Vec::<String>::new()
        );
    }
}
