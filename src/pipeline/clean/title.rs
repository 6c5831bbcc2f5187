//! Titles: site names cut from the ends ("Story - Site", "Site | Story", "Story | Section |
//! Site"), page numbers, entity debris and whitespace.
//!
//! A segment is cut only when it names the publishing site: it matches the `source` or the URL's
//! host (also as an abbreviation: "HuffPost" for huffingtonpost.com, "DW" for dw.com), or the
//! source has used it under its other titles (learned, see `learned.rs`). " - Ryan" in
//! "Republicans working on changes - Ryan" names no site and stays.

use crate::pipeline::normalize::tidy_paragraph;

/// What identifies the site: its source name and URL host.
#[derive(Debug, Clone, Default)]
pub struct SiteHints {
    /// Letters-and-digits forms of the names: "midvalecourier", "huffingtonpost", "bbc".
    names: Vec<String>,
}

impl SiteHints {
    pub fn new(source: Option<&str>, url: Option<&str>) -> SiteHints {
        let mut names = Vec::new();
        let mut push = |s: &str| {
            let n = squash(s);
            if n.len() >= 2
                && !names.contains(&n)
                && !matches!(n.as_str(), "www" | "com" | "co" | "org" | "net" | "news")
            {
                names.push(n);
            }
        };
        if let Some(s) = source {
            push(s);
            // A domain as source: its labels too ("bbc.co.uk" gives "bbc").
            if s.contains('.') && !s.contains(' ') {
                for label in s.split('.') {
                    if label.len() > 2 {
                        push(label);
                    }
                }
            }
        }
        if let Some(host) = url
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
        {
            let labels: Vec<&str> = host.split('.').collect();
            // Every label but the public suffix part: "abcnews" and "go" of abcnews.go.com.
            let suffix_labels = psl::suffix_str(&host).map_or(1, |s| s.split('.').count());
            for label in labels
                .iter()
                .take(labels.len().saturating_sub(suffix_labels))
            {
                if *label != "www" && !label.starts_with("www") && *label != "m" && *label != "amp"
                {
                    push(label);
                }
            }
        }
        SiteHints { names }
    }

    /// Whether `line` is the site speaking of itself: it opens with the site's name ("The
    /// Harbor Ledger is reader-funded ...", "Ironbridge Herald: independent since 1888").
    /// (A line that merely carries the site's address, "Contact the writer at x@site", is left to
    /// the learner: reporters' contact lines look the same and belong to their stories.)
    pub fn self_mention(&self, line: &str) -> bool {
        if line.starts_with(['(', '[']) {
            return false;
        }
        let words: Vec<&str> = line.split_whitespace().take(6).collect();
        for k in 1..=words.len().min(5) {
            let head = squash(&words[..k].join(" "));
            let head = head
                .strip_prefix("the")
                .filter(|r| r.len() >= 3)
                .unwrap_or(&head);
            if head.len() >= 3 && self.names.iter().any(|n| n == head) {
                return true;
            }
        }
        false
    }

    /// Whether `segment` names this site.
    pub fn names_site(&self, segment: &str) -> bool {
        let words = segment.split_whitespace().count();
        if words == 0 || words > 6 {
            return false;
        }
        let s = squash(segment);
        let s = s.strip_prefix("the").filter(|r| r.len() >= 2).unwrap_or(&s);
        if s.len() < 2 {
            return false;
        }
        self.names.iter().any(|n| {
            let n = n.strip_prefix("the").filter(|r| r.len() >= 2).unwrap_or(n);
            s == n
                || (n.len() >= 4 && s.contains(n))
                || (s.len() >= 4 && n.contains(s))
                || (s.len() >= 2 && is_abbreviation(s, n))
        })
    }
}

/// Lower-case letters and digits only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// "huffpost" abbreviates "huffingtonpost"; "dw" abbreviates "dw"; "cnbc" abbreviates "cnbc":
/// same first letter, and the letters of `short` appear in order in `long`, covering its end.
fn is_abbreviation(short: &str, long: &str) -> bool {
    if short.len() > long.len() || short.chars().next() != long.chars().next() {
        return false;
    }
    let mut it = long.chars();
    let in_order = short.chars().all(|c| it.by_ref().any(|d| d == c));
    // Short forms must keep most of the name: at least half its letters, or be initials of
    // at most 4 letters ("dw", "cnn").
    in_order
        && (short.len() * 2 >= long.len() || short.len() <= 4)
        && short.chars().last() == long.chars().last()
        || in_order && short.len() <= 3
}

/// Separators between a headline and a site name.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " // ", " « ", " » ", " ~ ", " ｜ ",
];

/// Entities decoded, tags dropped, whitespace tidied.
pub fn tidy_title(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let mut no_tags = String::with_capacity(decoded.len());
    let mut in_tag = false;
    for c in decoded.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => no_tags.push(c),
            _ => {}
        }
    }
    if in_tag {
        // A lone "<" was text, not a tag.
        no_tags = decoded.to_string();
    }
    let mut out = String::with_capacity(no_tags.len());
    tidy_paragraph(&no_tags, &mut out);
    out
}

/// Splits a title at its separators: the segments and the separators between them.
fn segments(title: &str) -> (Vec<&str>, Vec<&str>) {
    let mut segs = Vec::new();
    let mut seps = Vec::new();
    let mut rest = title;
    // The next separator in one pass (a search per separator was a share of the cleaner).
    static SEPARATOR: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| super::rules::phrase_finder(SEPARATORS));
    loop {
        match SEPARATOR.find(rest) {
            Some(sep) => {
                segs.push(&rest[..sep.start()]);
                seps.push(sep.as_str());
                rest = &rest[sep.end()..];
            }
            None => {
                segs.push(rest);
                break;
            }
        }
    }
    (segs, seps)
}

fn is_page_number(seg: &str) -> bool {
    let s = seg.trim().to_lowercase();
    let mut words = s.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next()),
        (Some("part" | "page" | "seite" | "página" | "pagina" | "page:" | "teil"), Some(n), None) if n.chars().all(|c| c.is_ascii_digit())
    )
}

/// A tagline segment: a list ("News, Scores, Highlights, Stats, and Rumors").
fn is_tagline(seg: &str) -> bool {
    seg.matches(", ").count() >= 2 && seg.split_whitespace().count() <= 10
}

/// Cleans a scraped title: entities, whitespace, and site names at either end.
/// `extra_site` is a site suffix the source was seen using (learned), if any.
pub fn clean_title(raw: &str, hints: &SiteHints, learned: &dyn Fn(&str) -> bool) -> String {
    let title = tidy_title(raw);
    let (mut segs, mut seps) = segments(&title);
    let is_site = |s: &str| hints.names_site(s) || learned(s);
    let mut cut_site = false;
    // From the end: page numbers, site names, and the taglines before a site name.
    while segs.len() > 1 {
        let last = segs[segs.len() - 1];
        let sep = seps[seps.len() - 1];
        let cut = is_page_number(last)
            || is_site(last)
            || (cut_site && sep.trim() == "|" && is_tagline(last));
        if !cut {
            break;
        }
        cut_site |= is_site(last);
        segs.pop();
        seps.pop();
    }
    // From the start: "Site | Story", "Site - Story".
    while segs.len() > 1 && is_site(segs[0]) {
        segs.remove(0);
        seps.remove(0);
    }
    let mut out = String::with_capacity(title.len());
    for (i, s) in segs.iter().enumerate() {
        if i > 0 {
            out.push_str(seps[i - 1]);
        }
        out.push_str(s);
    }
    // "Site: Story" with a colon only when the prefix is the site.
    if let Some((head, tail)) = out.split_once(": ")
        && is_site(head)
        && !tail.trim().is_empty()
    {
        out = tail.trim().to_string();
    }
    let out = out.trim().to_string();
    if out.is_empty() { title } else { out }
}

/// The candidate site segments of a title (its last and first segments), for learning which
/// ones a source repeats.
pub fn edge_segments(raw: &str) -> Vec<String> {
    let title = tidy_title(raw);
    let (segs, _) = segments(&title);
    if segs.len() < 2 {
        return Vec::new();
    }
    let mut out = vec![segs[segs.len() - 1].trim().to_string()];
    if segs[0].split_whitespace().count() <= 5 {
        out.push(segs[0].trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str, source: Option<&str>, url: Option<&str>) -> String {
        clean_title(raw, &SiteHints::new(source, url), &|_| false)
    }

    #[test]
    fn site_suffixes_and_prefixes_go() {
        assert_eq!(
            clean("Quotable | Midvale Courier", Some("Midvale Courier"), None),
            "Quotable"
        );
        assert_eq!(
            clean(
                "Why Erdogan's Spat Is Significant - The Harbor Ledger",
                Some("The Harbor Ledger"),
                None
            ),
            "Why Erdogan's Spat Is Significant"
        );
        assert_eq!(
            clean(
                "Hotels With Pools | HuffPost",
                Some("huffingtonpost.com"),
                None
            ),
            "Hotels With Pools"
        );
        assert_eq!(
            clean("Greeks in bank run - DW", Some("dw.com"), None),
            "Greeks in bank run"
        );
        assert_eq!(
            clean(
                "Superior tech needed - China Daily",
                Some("europe.chinadaily.com.cn"),
                None
            ),
            "Superior tech needed"
        );
        assert_eq!(
            clean("Beyonce performs | ABC News", Some("abcnews.go.com"), None),
            "Beyonce performs"
        );
        assert_eq!(
            clean(
                "Opposition leader detained - news agency director | TASS",
                Some("tass.com"),
                None
            ),
            "Opposition leader detained - news agency director"
        );
        assert_eq!(
            clean(
                "Story title - CNN",
                None,
                Some("https://edition.cnn.com/2017/x")
            ),
            "Story title"
        );
        assert_eq!(
            clean(
                "Dolphins HC: Hill OK | News, Scores, Highlights, Stats, and Rumors | Bleacher Report",
                None,
                Some("https://bleacherreport.com/a")
            ),
            "Dolphins HC: Hill OK"
        );
        assert_eq!(
            clean(
                "Couples In Open Relationships | Celebuzz - Part 2",
                None,
                Some("https://www.celebuzz.com/g/x")
            ),
            "Couples In Open Relationships"
        );
        assert_eq!(
            clean("Reuters | Oil prices fall", Some("reuters.com"), None),
            "Oil prices fall"
        );
        assert_eq!(
            clean("  Tom &amp; Jerry&#39;s  <b>day</b> ", None, None),
            "Tom & Jerry's day"
        );
    }

    #[test]
    fn headline_parts_stay() {
        assert_eq!(
            clean(
                "Republicans working on changes to healthcare overhaul bill - Ryan",
                Some("rte.ie"),
                None
            ),
            "Republicans working on changes to healthcare overhaul bill - Ryan"
        );
        assert_eq!(
            clean("France: Suspect arrested", Some("cnn.com"), None),
            "France: Suspect arrested"
        );
        assert_eq!(
            clean("Only a site name | CNN", Some("Nobody"), None),
            "Only a site name | CNN"
        );
        assert_eq!(clean("CNN", Some("cnn.com"), None), "CNN");
    }

    #[test]
    fn learned_suffixes_apply() {
        let learned = |s: &str| s == "Evening Post Online";
        assert_eq!(
            clean_title(
                "A story - Evening Post Online",
                &SiteHints::new(Some("epo"), None),
                &learned
            ),
            "A story"
        );
    }

    #[test]
    fn abbreviations() {
        assert!(is_abbreviation("huffpost", "huffingtonpost"));
        assert!(is_abbreviation("dw", "dw"));
        assert!(!is_abbreviation("ryan", "rte"));
    }

    proptest::proptest! {
        /// Against the search per separator it replaced.
        #[test]
        fn segments_split_where_the_searches_did(title in "([a-c]| \\| | - | – | — | :: | · | • | // | « | » | ~ | ｜ | |:|/){0,14}") {
            let mut segs = Vec::new();
            let mut seps = Vec::new();
            let mut rest = title.as_str();
            loop {
                let next = SEPARATORS
                    .iter()
                    .filter_map(|s| rest.find(s).map(|i| (i, *s)))
                    .min_by_key(|(i, _)| *i);
                match next {
                    Some((i, sep)) => {
                        segs.push(&rest[..i]);
                        seps.push(sep);
                        rest = &rest[i + sep.len()..];
                    }
                    None => {
                        segs.push(rest);
                        break;
                    }
                }
            }
            proptest::prop_assert_eq!(segments(&title), (segs, seps));
        }
    }
}
