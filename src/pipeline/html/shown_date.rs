//! Which of a page's declared dates it shows its readers.
//!
//! Evergreen pages ("best VPNs", gift guides, reviews) are republished with updates: the page
//! then declares the first publication (`datePublished`) and the update (`dateModified`) but
//! shows readers only the update, next to the byline ("Updated on December 14, 2023"). That
//! shown date is the one the publisher stands behind and the one readers and hand-labelled
//! sets take as the article's date. So when the page shows the update's day and not the first
//! publication's, the update is the date; otherwise the first publication stays.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dom_query::{Document, NodeRef};

/// Visible text read for dates: enough for any article's header and body.
const MAX_TEXT: usize = 256 * 1024;

/// `published` or `modified` (raw declared strings), whichever the page shows (see the module
/// doc).
pub fn choose(
    doc: &Document,
    published: Option<String>,
    modified: Option<String>,
) -> Option<String> {
    let (Some(p), Some(m)) = (published.as_deref(), modified.as_deref()) else {
        return published.or(modified);
    };
    let (Some(p_at), Some(m_at)) = (
        crate::pipeline::dates::parse_date_str(p),
        crate::pipeline::dates::parse_date_str(m),
    ) else {
        return published;
    };
    let (p_days, m_days) = (days(p, p_at), days(m, m_at));
    if m_at <= p_at || m_days.iter().any(|d| p_days.contains(d)) {
        return published;
    }
    let text = visible_text(doc);
    if m_days.iter().any(|d| shown(&text, *d)) && !p_days.iter().any(|d| shown(&text, *d)) {
        modified
    } else {
        published
    }
}

/// The calendar days a declared date may be shown as: its day where it was written (the
/// `YYYY-MM-DD` it starts with) and its day in UTC.
fn days(raw: &str, at: DateTime<Utc>) -> Vec<NaiveDate> {
    let mut out = vec![at.date_naive()];
    if let Some(local) = raw
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| *d != out[0])
    {
        out.push(local);
    }
    out
}

/// Lower-cased text of the page's body without scripts, styles and templates, whitespace
/// collapsed, at most [`MAX_TEXT`] bytes.
fn visible_text(doc: &Document) -> String {
    let mut out = String::new();
    let body = doc.select("body");
    let mut stack: Vec<NodeRef> = body.nodes().to_vec();
    while let Some(node) = stack.pop() {
        if out.len() >= MAX_TEXT {
            break;
        }
        if node.is_text() {
            for word in node.text().split_whitespace() {
                out.push_str(&word.to_lowercase());
                out.push(' ');
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
        if matches!(
            name.as_str(),
            "script" | "style" | "noscript" | "template" | "svg" | "head"
        ) {
            continue;
        }
        // Children pushed in reverse so the text comes out in document order.
        let children: Vec<NodeRef> = node.children_it(false).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// Whether `text` shows `day` in a common written form: "December 14, 2023", "Dec. 14, 2023",
/// "14 December 2023", "2023-12-14", "12/14/2023", "14.12.2023".
fn shown(text: &str, day: NaiveDate) -> bool {
    let (y, m, d) = (day.year(), day.month(), day.day());
    let Some(month) = u8::try_from(m)
        .ok()
        .and_then(|m| chrono::Month::try_from(m).ok())
        .map(|m| m.name().to_lowercase())
    else {
        return false;
    };
    let abbr = &month[..3];
    let mut forms = vec![
        format!("{month} {d}, {y}"),
        format!("{month} {d} {y}"),
        format!("{abbr} {d}, {y}"),
        format!("{abbr}. {d}, {y}"),
        format!("{abbr} {d} {y}"),
        format!("{d} {month} {y}"),
        format!("{d} {month}, {y}"),
        format!("{d} {abbr} {y}"),
        format!("{d} {abbr}. {y}"),
        format!("{y}-{m:02}-{d:02}"),
        format!("{m}/{d}/{y}"),
        format!("{m:02}/{d:02}/{y}"),
        format!("{d}.{m}.{y}"),
        format!("{d:02}.{m:02}.{y}"),
    ];
    if m == 9 {
        forms.push(format!("sept. {d}, {y}"));
        forms.push(format!("sept {d}, {y}"));
    }
    forms.iter().any(|f| occurs_whole(text, f))
}

/// `needle` in `hay` with no digit glued to either end ("2 june" is not in "12 june").
fn occurs_whole(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(body: &str) -> Option<String> {
        let doc = Document::from(format!(
            "<html><head><script>var d = 'October 24, 2022';</script></head><body>{body}</body></html>"
        ));
        choose(
            &doc,
            Some("2022-10-24T19:16:43Z".into()),
            Some("2023-12-14T13:36:44Z".into()),
        )
    }

    #[test]
    fn the_update_a_page_shows_is_its_date() {
        assert_eq!(
            pick("<div class=byline>By Jo Ng <span>Updated on December 14, 2023</span></div><p>Story.</p>").as_deref(),
            Some("2023-12-14T13:36:44Z")
        );
        assert_eq!(
            pick("<p>By Jo Ng | Dec. 14, 2023</p>").as_deref(),
            Some("2023-12-14T13:36:44Z")
        );
        assert_eq!(
            pick("<p>Jo Ng, last updated 14 December 2023</p>").as_deref(),
            Some("2023-12-14T13:36:44Z")
        );
    }

    #[test]
    fn the_first_publication_stays_when_shown_or_when_nothing_is() {
        // Both shown: the first publication.
        assert_eq!(
            pick("<p>Published October 24, 2022</p><p>Updated December 14, 2023</p>").as_deref(),
            Some("2022-10-24T19:16:43Z")
        );
        // Neither shown (the script's date is not visible).
        assert_eq!(
            pick("<p>Story text.</p>").as_deref(),
            Some("2022-10-24T19:16:43Z")
        );
        // Another day of the same month is not the update's day.
        assert_eq!(
            pick("<p>Posted 4 December 2023</p><p>Event on 24 December 2023</p>").as_deref(),
            Some("2022-10-24T19:16:43Z")
        );
    }

    #[test]
    fn an_update_on_the_same_day_or_earlier_changes_nothing() {
        let doc = Document::from("<body><p>May 2, 2024</p></body>");
        assert_eq!(
            choose(
                &doc,
                Some("2024-05-01T23:00:00-05:00".into()),
                Some("2024-05-02T06:00:00Z".into())
            )
            .as_deref(),
            Some("2024-05-01T23:00:00-05:00")
        );
        assert_eq!(
            choose(&doc, Some("2024-06-01".into()), Some("2024-05-02".into())).as_deref(),
            Some("2024-06-01")
        );
        assert_eq!(
            choose(&doc, None, Some("2024-05-02".into())).as_deref(),
            Some("2024-05-02")
        );
    }
}
