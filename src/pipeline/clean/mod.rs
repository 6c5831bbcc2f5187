//! Cleaning: the story alone, its boilerplate listed by kind.
//!
//! Two phases, so that what is learned from the stream stays deterministic in `pipe`:
//! - [`draft`] (stateless, parallel): split the body into lines, cut the title's site name,
//!   recognise boilerplate lines by their structure ([`rules`]), related blocks, bylines and
//!   date lines, and inline boilerplate at a paragraph's start or end.
//! - [`Draft::apply_recall`] (after [`learned::SourceMemory`] was asked, in input order):
//!   lines the source repeats across its articles become `source_footer`, lines that are another
//!   story's headline become related links, and learned site names leave the title.

pub mod dateline;
pub mod kind;
pub mod learned;
pub mod rules;
pub mod title;

use crate::pipeline::normalize::{hash_form, paragraphs};
use crate::record::Removed;
use kind::Kind;
use rules::LineView;
use title::SiteHints;

/// One line of the body on its way through cleaning.
#[derive(Debug, Clone)]
pub struct DraftLine {
    pub view: LineView,
    /// The boilerplate kind of the whole line, if it is boilerplate.
    pub kind: Option<Kind>,
    /// Pieces cut from the start or end of the line (the rest stays a story paragraph).
    pub cut: Vec<(Kind, String)>,
    /// The line's text after inline cuts.
    pub kept: String,
}

/// The cleaned article before the learned state is applied.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub lines: Vec<DraftLine>,
    /// The title as sent, tidied (for learning its site segments).
    pub raw_title: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// A publication date read from a date line ("Published March 18, 2017").
    pub date_hint: Option<String>,
    hints: SiteHints,
}

/// The finished cleaning result.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    pub paragraphs: Vec<String>,
    /// Per paragraph, its hash form when the draft already took it (the paragraph is its line
    /// unchanged), so the content hash need not fold the body a second time.
    pub paragraph_keys: Vec<Option<String>>,
    pub removed: Vec<Removed>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub date_hint: Option<String>,
}

/// Lines at each end of the body where page furniture (bare dates) is looked for.
const EDGE: usize = 4;
/// Lines at the foot of the body where a site's own lines are looked for.
const FOOT: usize = 6;

/// First phase: recognise what the structure of each line tells.
pub fn draft(body: &str, title: Option<&str>, source: Option<&str>, url: Option<&str>) -> Draft {
    let hints = SiteHints::new(source, url);
    let raw_title = title.map(title::tidy_title).filter(|t| !t.is_empty());
    let clean_title = raw_title
        .as_deref()
        .map(|t| title::clean_title(t, &hints, &|_| false))
        .filter(|t| !t.is_empty());
    let title_keys: Vec<String> = [raw_title.as_deref(), clean_title.as_deref()]
        .into_iter()
        .flatten()
        .map(hash_form)
        .filter(|k| !k.is_empty())
        .collect();

    let mut lines: Vec<DraftLine> = paragraphs(body)
        .into_iter()
        .map(|p| DraftLine {
            view: LineView::new(&p),
            kind: None,
            cut: Vec::new(),
            kept: p,
        })
        .collect();
    let n = lines.len();
    let mut authors: Vec<String> = Vec::new();
    let mut date_hint = None;

    for (i, line) in lines.iter_mut().enumerate() {
        let edge = i < EDGE || i + EDGE >= n;
        let v = &line.view;
        let kind = if is_title_repeat(v, &title_keys, &hints) {
            Some(Kind::TitleRepeat)
        } else if let Some(names) = rules::parse_byline(&v.raw) {
            for name in names {
                if !authors.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
                    authors.push(name);
                }
            }
            Some(Kind::Byline)
        } else if rules::is_date_line(v) || edge && rules::is_bare_date(v) {
            if date_hint.is_none() {
                date_hint = date_of_line(&v.raw);
            }
            Some(Kind::Byline)
        } else {
            classify(v)
                .or_else(|| {
                    // The site speaking of itself at the foot of the page is its own
                    // boilerplate, recognised before the learner has seen the line often enough.
                    (i + FOOT > n
                        && v.words <= 35
                        && !rules::is_reported_speech(&v.key)
                        && hints.self_mention(&v.raw))
                    .then_some(Kind::SourceFooter)
                })
                .or_else(|| (i + FOOT > n && rules::is_author_bio(v)).then_some(Kind::Byline))
        };
        line.kind = kind;
    }
    mark_related_blocks(&mut lines);
    for line in lines.iter_mut().filter(|l| l.kind.is_none()) {
        cut_inline(line);
        for (kind, piece) in &line.cut {
            if *kind == Kind::Byline {
                for name in rules::parse_byline(piece).unwrap_or_default() {
                    if !authors.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
                        authors.push(name);
                    }
                }
            }
        }
    }
    Draft {
        lines,
        raw_title,
        title: clean_title,
        authors,
        date_hint,
        hints,
    }
}

/// The single-line recognisers, most specific first.
fn classify(v: &LineView) -> Option<Kind> {
    if rules::is_cookie_notice(v) {
        Some(Kind::CookieNotice)
    } else if rules::is_copyright(v) {
        Some(Kind::Copyright)
    } else if rules::is_syndication_notice(v) {
        Some(Kind::SyndicationNotice)
    } else if rules::is_origin_notice(v) {
        Some(Kind::OriginNotice)
    } else if rules::is_wire_credit(v) {
        Some(Kind::WireCredit)
    } else if rules::is_newsletter_prompt(v) {
        Some(Kind::NewsletterPrompt)
    } else if rules::is_advertisement(v) {
        Some(Kind::Advertisement)
    } else if rules::is_share_prompt(v) {
        Some(Kind::SharePrompt)
    } else if rules::is_comments_prompt(v) {
        Some(Kind::CommentsPrompt)
    } else if rules::is_image_credit(v) {
        Some(Kind::ImageCredit)
    } else if rules::is_tags(v) {
        Some(Kind::Tags)
    } else if rules::is_related_link(v) {
        Some(Kind::RelatedLink)
    } else if rules::is_block_header(v) {
        Some(Kind::RelatedBlock)
    } else if rules::is_other_furniture(v) {
        Some(Kind::Other)
    } else {
        None
    }
}

/// The headline repeated in the body: the title as sent or cleaned, in any case, or the line
/// with its own site suffix cut.
fn is_title_repeat(v: &LineView, title_keys: &[String], hints: &SiteHints) -> bool {
    if title_keys.is_empty() || v.words > 40 {
        return false;
    }
    if title_keys.contains(&v.key) {
        return true;
    }
    // Only a line that starts or ends like the title can be it with a site name around it.
    if !title_keys
        .iter()
        .any(|k| v.key.starts_with(k.as_str()) || v.key.ends_with(k.as_str()))
    {
        return false;
    }
    let cut = hash_form(&title::clean_title(&v.raw, hints, &|_| false));
    title_keys.contains(&cut)
}

/// Where `needle` last occurs in `hay`, found from the byte `needle[anchor]` with `memrchr`.
/// Every paragraph's end is searched for a few short needles, most often absent; anchored on
/// their rarer byte (the last of "©", the "." of ". ") that is a vector scan instead of a
/// Two-Way search from the end.
fn rfind_by_byte(hay: &str, needle: &str, anchor: usize) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let mut end = hay.len();
    while let Some(at) = memchr::memrchr(needle[anchor], &hay[..end]) {
        if let Some(start) = at.checked_sub(anchor)
            && hay[start..].starts_with(needle)
        {
            return Some(start);
        }
        end = at;
    }
    None
}

fn date_of_line(raw: &str) -> Option<String> {
    // "Published: March 18, 2017 3:45 PM" -> the part after the lead word and colon.
    let t = raw.trim();
    let start = t
        .find(|c: char| c.is_ascii_digit())
        .map(|d| {
            // Back up to a month name before the first digit.
            t[..d].rfind([':', ' ']).map_or(0, |s| {
                let head = &t[..s];
                head.rfind(' ').map_or(0, |w| w + 1)
            })
        })
        .unwrap_or(0);
    let candidates = [t, &t[start..]];
    for c in candidates {
        let c = c.trim_matches(|ch: char| matches!(ch, '|' | '-' | '·' | '•' | ',' | ' ' | ':'));
        if let Some(d) = crate::pipeline::dates::parse_date_str(c) {
            return Some(crate::pipeline::dates::format_rfc3339(&d));
        }
    }
    // Drop the lead word(s) up to the first digit or month and retry.
    let words: Vec<&str> = t.split_whitespace().collect();
    for skip in 1..words.len().min(4) {
        let rest = words[skip..].join(" ");
        let rest = rest.trim_matches(|ch: char| matches!(ch, '|' | '-' | ',' | ' ' | ':'));
        if let Some(d) = crate::pipeline::dates::parse_date_str(rest) {
            return Some(crate::pipeline::dates::format_rfc3339(&d));
        }
    }
    None
}

/// A block of links to other stories: a header ("Related Articles") and the headlines under it.
/// Items are taken when the block runs to the end of the text (through other boilerplate), or
/// when they are bulleted; a header in the middle of a story does not swallow its paragraphs.
fn mark_related_blocks(lines: &mut [DraftLine]) {
    let n = lines.len();
    let mut i = 0;
    while i < n {
        if lines[i].kind != Some(Kind::RelatedBlock) {
            i += 1;
            continue;
        }
        let mut items = Vec::new();
        let mut j = i + 1;
        while j < n {
            if lines[j].kind.is_some() {
                // Other boilerplate inside the block keeps its kind and does not end the block.
                j += 1;
                continue;
            }
            if rules::is_headline_like(&lines[j].view.raw) {
                items.push(j);
                j += 1;
            } else {
                break;
            }
        }
        let to_end = j == n;
        for k in items {
            let (_, bullet) = rules::strip_bullet(&lines[k].view.raw);
            if to_end || bullet {
                lines[k].kind = Some(Kind::RelatedBlock);
            }
        }
        i = j.max(i + 1);
    }
}

/// Boilerplate glued to the start or end of a story paragraph: "Advertisement" before the text,
/// "(Reporting by ...)" or "© 2018 X" after it, "(Photo: ...)" before it.
/// A byline with its date run into the story: "By Jane Doe ProPublica, March 17, 2017, 2:13 p.m.
/// Former ...". The length of the byline, when the line starts with one.
fn leading_byline(s: &str) -> Option<usize> {
    static DATED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:By|BY) ([^.]{3,80}?),?\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.m\.|[AaPp][Mm])(?:\s+[A-Z]{2,4}\b)?)?",
        )
        .expect("static regex")
    });
    let m = DATED.captures(s)?;
    let whole = m.get(0)?;
    let rest = s[whole.end()..].trim_start_matches([' ', ',', '|', '-', '–', '—']);
    (rest.len() > 20 && rules::parse_byline(&format!("By {}", &m[1])).is_some())
        .then_some(whole.end())
}

fn cut_inline(line: &mut DraftLine) {
    let text = line.kept.clone();
    let mut rest: &str = &text;
    // Leading pieces.
    loop {
        let trimmed = rest.trim_start();
        let mut cut_at = None;
        for word in [
            "Advertisement",
            "ADVERTISEMENT",
            "Advertisements",
            "Werbung",
            "Anzeige",
            "Publicité",
            "Publicidad",
        ] {
            if let Some(after) = trimmed.strip_prefix(word)
                && after.starts_with([' ', ':', '-', '–'])
                && after
                    .trim_start_matches([' ', ':', '-', '–'])
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c == '"' || c == '“')
            {
                cut_at = Some((Kind::Advertisement, word.len()));
            }
        }
        if cut_at.is_none()
            && let Some(len) = leading_byline(trimmed)
        {
            cut_at = Some((Kind::Byline, len));
        }
        if cut_at.is_none()
            && trimmed.starts_with('(')
            && let Some(close) = trimmed.find(')')
        {
            let inner = &trimmed[..=close];
            let v = LineView::new(inner);
            if close < 120 && rules::is_image_credit(&v) && trimmed[close + 1..].trim().len() > 20 {
                cut_at = Some((Kind::ImageCredit, close + 1));
            }
        }
        match cut_at {
            Some((kind, len)) => {
                line.cut.push((kind, trimmed[..len].trim().to_string()));
                rest = trimmed[len..].trim_start_matches([' ', ':', '-', '–']);
            }
            None => break,
        }
    }
    // Trailing pieces.
    let mut body = rest.trim_end().to_string();
    loop {
        let mut cut = None;
        if body.ends_with(')')
            && let Some(open) = body.rfind('(')
        {
            let inner = &body[open..];
            let v = LineView::new(inner);
            // Only full credits ("(Reporting by ...)", "(Photo: ...)") are cut from a
            // paragraph's end; a bare "(dpa)" is part of how the agency's text reads.
            let full = inner.contains(" by ") || inner.contains(':');
            if full
                && body[..open].trim().len() > 20
                && (rules::is_wire_credit(&v) || rules::is_image_credit(&v))
            {
                let kind = if rules::is_wire_credit(&v) {
                    Kind::WireCredit
                } else {
                    Kind::ImageCredit
                };
                cut = Some((kind, open));
            }
        }
        // A contributors' line run into the last paragraph: "... on Friday. ABC News' Jane
        // Doe contributed to this report."
        if cut.is_none()
            && let Some(pos) = rfind_by_byte(body.trim_end_matches(['.', ' ']), ". ", 0)
            && pos > 20
        {
            let last = &body[pos + 2..];
            if last.contains("contributed") && rules::is_wire_credit(&LineView::new(last)) {
                cut = Some((Kind::WireCredit, pos + 1));
            }
        }
        if cut.is_none() {
            for word in [" Advertisement", " ADVERTISEMENT"] {
                if body.ends_with(word) && body.len() > word.len() + 20 {
                    cut = Some((Kind::Advertisement, body.len() - word.len()));
                }
            }
        }
        if cut.is_none()
            && let Some(pos) = rfind_by_byte(&body, " ©", 2)
        {
            let tail = &body[pos..];
            if !crate::pipeline::segment::has_more_words_than(tail, 12)
                && body[..pos].trim_end().ends_with(['.', '!', '?', '"', '”'])
            {
                cut = Some((Kind::Copyright, pos));
            }
        }
        match cut {
            Some((kind, at)) => {
                line.cut.push((kind, body[at..].trim().to_string()));
                body.truncate(at);
                let t = body.trim_end().len();
                body.truncate(t);
            }
            None => break,
        }
    }
    if !line.cut.is_empty() {
        line.kept = body;
    }
}

impl Draft {
    /// The hash forms of the lines the memory is asked about (all lines, boilerplate included).
    pub fn line_keys(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.view.key.as_str()).collect()
    }

    /// Hash forms of the title's end segments (site-name candidates).
    pub fn title_edges(&self) -> Vec<String> {
        self.raw_title
            .as_deref()
            .map(title::edge_segments)
            .unwrap_or_default()
            .iter()
            .map(|s| hash_form(s))
            .collect()
    }

    /// The hash form of the cleaned title, which other stories may link to.
    pub fn title_key(&self) -> Option<String> {
        self.title
            .as_deref()
            .map(hash_form)
            .filter(|k| !k.is_empty())
    }

    /// Second phase: apply what the stream taught, then assemble the result.
    pub fn apply_recall(mut self, recall: &learned::Recall) -> Cleaned {
        let n = self.lines.len();
        for (i, line) in self.lines.iter_mut().enumerate() {
            if line.kind.is_some() {
                continue;
            }
            if recall.footer.get(i).copied().unwrap_or(false) {
                line.kind = Some(Kind::SourceFooter);
            } else if recall.other_headline.get(i).copied().unwrap_or(false) {
                // A headline among the last lines is part of a block of links; elsewhere it is
                // a link injected into the story.
                line.kind = Some(if i + 3 >= n {
                    Kind::RelatedBlock
                } else {
                    Kind::RelatedLink
                });
            }
        }
        // Learned lines may close a block of links that looked open before.
        mark_related_blocks(&mut self.lines);
        if !recall.site_segments.is_empty()
            && let Some(raw) = &self.raw_title
        {
            let learned = |s: &str| recall.site_segments.contains(&hash_form(s));
            self.title =
                Some(title::clean_title(raw, &self.hints, &learned)).filter(|t| !t.is_empty());
        }
        self.finish()
    }

    /// Assembles the result without learned state (tests, and articles with no memory).
    pub fn finish(self) -> Cleaned {
        let mut paragraphs = Vec::with_capacity(self.lines.len());
        let mut paragraph_keys = Vec::with_capacity(self.lines.len());
        let mut removed = Vec::new();
        for line in self.lines {
            let uncut = line.cut.is_empty();
            for (kind, text) in line.cut {
                removed.push(Removed {
                    kind: kind.as_str().into(),
                    text,
                });
            }
            match line.kind {
                Some(kind) => removed.push(Removed {
                    kind: kind.as_str().into(),
                    text: line.view.raw,
                }),
                None if !line.kept.trim().is_empty() => {
                    // Nothing cut: `kept` is the line the key was taken of.
                    paragraph_keys.push(uncut.then_some(line.view.key));
                    paragraphs.push(line.kept);
                }
                None => {}
            }
        }
        Cleaned {
            paragraphs,
            paragraph_keys,
            removed,
            title: self.title,
            authors: self.authors,
            date_hint: self.date_hint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(body: &str, title: Option<&str>) -> Cleaned {
        draft(
            body,
            title,
            Some("Example News"),
            Some("https://example.com/a"),
        )
        .finish()
    }

    fn kinds(c: &Cleaned) -> Vec<(&str, &str)> {
        c.removed
            .iter()
            .map(|r| (r.kind.as_str(), r.text.as_str()))
            .collect()
    }

    #[test]
    fn a_syndicated_copy_comes_out_clean() {
        let body = "Storm hits coast - Example News\n\nBy Jane Doe and John Roe\n\nPublished March 18, 2017\n\n\
                    Advertisement\n\nThe storm reached the coast on Tuesday night, officials said.\n\n\
                    Read more: Council approves harbor plan after late vote\n\n\
                    \"We are ready,\" the mayor said.\n\nPhoto: Reuters\n\nShare this article\n\n\
                    (Reporting by Jane Doe; Editing by John Roe)\n\n© 2017 Example News. All rights reserved.\n\n\
                    Tags: Storm, Coast, Weather\n\nRelated Articles\n\n• Ferry services suspended\n\n- Schools closed on Friday\n\nLeave a comment";
        let c = clean(body, Some("Storm hits coast - Example News"));
        assert_eq!(
            c.paragraphs,
            vec![
                "The storm reached the coast on Tuesday night, officials said.".to_string(),
                "\"We are ready,\" the mayor said.".to_string()
            ]
        );
        assert_eq!(c.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(
            c.authors,
            vec!["Jane Doe".to_string(), "John Roe".to_string()]
        );
        assert_eq!(c.date_hint.as_deref(), Some("2017-03-18T00:00:00Z"));
        let k: Vec<&str> = kinds(&c).iter().map(|(k, _)| *k).collect();
        assert_eq!(
            k,
            vec![
                "title_repeat",
                "byline",
                "byline",
                "advertisement",
                "related_link",
                "image_credit",
                "share_prompt",
                "wire_credit",
                "copyright",
                "tags",
                "related_block",
                "related_block",
                "related_block",
                "comments_prompt"
            ]
        );
    }

    #[test]
    fn hard_negatives_stay() {
        let story = [
            "Related to the dispute, officials said a separate review of the case would be completed later this year.",
            "\"Read more about it in the report,\" she said.",
            "Critics say current copyright law was written long before cases like this one could have been imagined.",
            "The newsletter's editor, who asked not to be named, said readers had raised the issue for months.",
            "More news on the negotiations is expected later this week, a spokesperson said.",
            "By the end of the day, no further statement had been issued.",
            "Share prices in the sector fell after the announcement, before recovering in afternoon trading.",
            "Advertisement spending has been falling for several years, according to industry figures.",
            "Photo identification rules were also discussed at the meeting.",
            "Comments made earlier in the week had already drawn criticism from opposition politicians.",
            "Originally published in a small regional paper, the allegations were later picked up by national media.",
            "Tags attached to the shipment showed it had left the port several weeks earlier.",
            "Sign-up rates for the programme were lower than expected, officials admitted.",
            "All rights to the property were transferred to the local authority in the 1990s, records show.",
        ];
        let c = clean(&story.join("\n\n"), Some("A story"));
        assert_eq!(c.paragraphs.len(), story.len(), "removed: {:?}", c.removed);
    }

    #[test]
    fn a_header_mid_story_does_not_swallow_it() {
        let body = "First paragraph of the story is here and it is long enough.\n\nTop Stories\n\nThe vote\n\n\
                    The council voted on Tuesday to approve the plan after months of debate.";
        let c = clean(body, None);
        assert_eq!(c.paragraphs.len(), 3, "{:?}", c.removed);
    }

    #[test]
    fn inline_pieces_are_cut() {
        let body = "Advertisement The council met on Tuesday to discuss the plan.\n\n\
                    The mayor said the vote would come soon. (Reporting by Jane Doe; Editing by Ann Lee)";
        let c = clean(body, None);
        assert_eq!(
            c.paragraphs,
            vec![
                "The council met on Tuesday to discuss the plan.".to_string(),
                "The mayor said the vote would come soon.".to_string()
            ]
        );
        assert_eq!(c.removed.len(), 2);
    }

    #[test]
    fn run_in_bylines_and_sign_offs_are_cut() {
        let body = "By Maria Lopez, The Gazette, March 17, 2017, 2:13 p.m. The council met on Tuesday to discuss the plan.\n\n\
                    The mayor said the vote would come soon. ab/cd (AP, Reuters)\n\n\
                    The plan goes to a vote next week. Reuters' Ann Lee contributed to this report.";
        let d = draft(body, None, None, None);
        assert_eq!(d.authors, vec!["Maria Lopez".to_string()]);
        let c = d.finish();
        assert_eq!(
            c.paragraphs,
            vec![
                "The council met on Tuesday to discuss the plan.".to_string(),
                // An editors' sign-off with its agencies is the publisher's own: it stays.
                "The mayor said the vote would come soon. ab/cd (AP, Reuters)".to_string(),
                "The plan goes to a vote next week.".to_string()
            ]
        );
        // A story sentence that starts with "By" and a date stays.
        let story = "By March 17, 2017, the council had met four times to discuss the plan for the harbour.";
        assert_eq!(clean(story, None).paragraphs, vec![story.to_string()]);
    }

    #[test]
    fn learned_footers_and_headlines_apply() {
        let d = draft(
            "Story text that is long enough to be a story.\n\nOur newsroom is reader-funded.\n\nOther story headline here",
            Some("T"),
            Some("s"),
            None,
        );
        let recall = learned::Recall {
            footer: vec![false, true, false],
            other_headline: vec![false, false, true],
            site_segments: vec![],
        };
        let c = d.apply_recall(&recall);
        assert_eq!(c.paragraphs.len(), 1);
        assert_eq!(
            kinds(&c),
            vec![
                ("source_footer", "Our newsroom is reader-funded."),
                ("related_block", "Other story headline here")
            ]
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const STORY: &[&str] = &[
        "The council voted on Tuesday to approve the harbour plan after months of debate.",
        "\"We are ready to start,\" the mayor said after the vote.",
        "Residents were divided about the cost, which could reach 48 million.",
        "Construction is expected to begin next spring and last three years.",
        "Opponents said the money would be better spent on schools and buses.",
        "By the end of the day, no further statement had been issued.",
        "Share prices in the sector fell after the announcement.",
        "Related to the dispute, officials said a review would follow.",
    ];
    const BOILERPLATE: &[&str] = &[
        "Advertisement",
        "Share this article",
        "By Jane Doe",
        "Read more: Storm hits the coast",
        "© 2024 Example News. All rights reserved.",
        "Tags: Harbour, Council",
        "Sign up for our daily newsletter",
        "Leave a comment",
        "Photo: Reuters",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "Related Articles",
        "Ferry services suspended",
        "This article was originally published on Example News.",
        "Published March 18, 2017",
    ];

    proptest! {
        #[test]
        fn rfind_by_byte_is_rfind(hay in "([a-c. ]|©|é|\\. ){0,40}") {
            prop_assert_eq!(rfind_by_byte(&hay, ". ", 0), hay.rfind(". "));
            prop_assert_eq!(rfind_by_byte(&hay, " ©", 2), hay.rfind(" ©"));
        }

        /// Cleaning a cleaned text finds nothing more to remove.
        #[test]
        fn cleaning_is_idempotent(
            top in proptest::collection::vec(prop::sample::select(BOILERPLATE), 0..4),
            story in proptest::collection::vec(prop::sample::select(STORY), 1..8),
            middle in proptest::collection::vec(prop::sample::select(BOILERPLATE), 0..3),
            bottom in proptest::collection::vec(prop::sample::select(BOILERPLATE), 0..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let at = cut.index(story.len());
            let lines: Vec<&str> = top.iter().chain(&story[..at]).chain(&middle).chain(&story[at..]).chain(&bottom).copied().collect();
            let once = draft(&lines.join("\n\n"), Some("Harbour plan approved"), Some("Example News"), None).finish();
            let again = draft(&once.paragraphs.join("\n\n"), Some("Harbour plan approved"), Some("Example News"), None).finish();
            prop_assert_eq!(&again.paragraphs, &once.paragraphs, "second pass removed {:?}", again.removed);
            // Every story line survives the first pass.
            for s in &story {
                prop_assert!(once.paragraphs.iter().any(|p| p == s), "lost {}", s);
            }
        }

        /// Any text: no panic, and nothing is invented (every kept paragraph comes from the input).
        #[test]
        fn never_panics_and_never_invents(text in "\\PC{0,600}", title in "\\PC{0,60}") {
            let c = draft(&text, Some(&title), Some("s"), Some("https://s.example/a")).finish();
            for p in &c.paragraphs {
                prop_assert!(text.split_whitespace().collect::<String>().contains(&p.split_whitespace().collect::<String>()));
            }
        }
    }

    /// Hostile shapes finish (linear-time structures; the cost curve is in the benches).
    #[test]
    fn hostile_shapes_finish() {
        let long_line = "word ".repeat(200_000);
        let many_lines = "Short line\n".repeat(50_000);
        let dots = "a.".repeat(200_000);
        let seps = " - |".repeat(50_000);
        for t in [long_line, many_lines, dots, seps] {
            let c = draft(&t, Some(&t[..t.len().min(5000)]), Some("x"), None).finish();
            assert!(c.paragraphs.len() + c.removed.len() > 0);
        }
    }
}
