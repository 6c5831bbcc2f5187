//! Direct quotations and their speakers.
//!
//! Quotations are found between straight or typographic quote marks (“…”, "…", «…», „…“, ‘…’);
//! one running over several paragraphs, reopened at each, gives one quote per paragraph. The
//! speaker comes from a reporting verb after the quote ("…," Pompeo said / said Klinger /
//! according to X) or before it (X said: "…"; X told reporters the trip had gone "…"); a pronoun or
//! "the president" is the person last named; a quote the next paragraph continues keeps its
//! speaker; anonymous sources ("an official", "witnesses") give none. A short quoted term of one to
//! three words that nobody is said to say is a scare quote, not a quotation.

use super::entities::{Found, Kind};
use crate::record::Quote;

/// Reporting verbs (the forms that introduce or close a quotation).
const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "asks",
    "explained",
    "explains",
    "noted",
    "notes",
    "stated",
    "states",
    "wrote",
    "writes",
    "tweeted",
    "tweets",
    "posted",
    "argued",
    "argues",
    "insisted",
    "insists",
    "warned",
    "warns",
    "claimed",
    "claims",
    "admitted",
    "recalled",
    "recalls",
    "replied",
    "replies",
    "responded",
    "continued",
    "concluded",
    "confirmed",
    "denied",
    "announced",
    "acknowledged",
    "urged",
    "stressed",
    "suggested",
    "described",
    "called",
    "accused",
    "declared",
    "remarked",
    "commented",
    "observed",
    "predicted",
    "vowed",
    "pledged",
    "promised",
    "joked",
    "complained",
    "conceded",
    "countered",
    "maintained",
    "cautioned",
    "emphasised",
    "emphasized",
    "lamented",
    "quipped",
    "shouted",
    "yelled",
    "whispered",
    "read",
    "reads",
    "thundered",
    "boasted",
    "blasted",
    "slammed",
    "charged",
    "demanded",
    "pointed",
    "testified",
    "agreed",
    "disagreed",
    "expressed",
    "hoped",
    "hopes",
    "believes",
    "believed",
    "thinks",
    "thought",
    "feels",
    "felt",
    "added:",
];
const PRONOUNS_PERSON: &[&str] = &["he", "she", "him", "her", "his"];
/// Unnamed sources: their quotes have no speaker.
const ANONYMOUS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "witness",
    "witnesses",
    "aide",
    "aides",
    "resident",
    "residents",
    "people",
    "someone",
    "one",
    "observers",
    "analysts",
    "experts",
    "critics",
    "supporters",
    "protesters",
    "demonstrators",
    "neighbours",
    "neighbors",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "representative",
    "insider",
    "insiders",
    "person",
    "man",
    "woman",
    "statement",
    "report",
    "letter",
    "sign",
    "banner",
    "placard",
];

#[derive(Debug, Clone)]
struct Found_ {
    /// Byte offsets of the content (between the marks).
    start: usize,
    end: usize,
    /// Byte offsets of the marks themselves.
    open: usize,
    close: usize,
    paragraph: usize,
    /// The quote runs to the end of its paragraph without a closing mark.
    open_ended: bool,
}

fn closing_for(c: char) -> &'static [char] {
    match c {
        '"' => &['"'],
        '“' => &['”', '"'],
        '„' => &['“', '”'],
        '«' => &['»'],
        '»' => &['«'],
        '‘' => &['’'],
        '「' => &['」'],
        '『' => &['』'],
        _ => &[],
    }
}

fn is_opening(text: &str, i: usize, c: char) -> bool {
    match c {
        '“' | '„' | '«' | '「' | '『' => true,
        '"' => true,
        // A curly single quote opens only at a word's start (not an apostrophe).
        '‘' => text[..i]
            .chars()
            .last()
            .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–')),
        _ => false,
    }
}

/// Quotations of one paragraph (offsets relative to the whole text).
fn scan_paragraph(p: &str, base: usize, paragraph: usize, out: &mut Vec<Found_>) {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if !is_opening(p, i, c) {
            k += 1;
            continue;
        }
        let closers = closing_for(c);
        let content_start = i + c.len_utf8();
        let close = chars[k + 1..].iter().find(|(j, d)| {
            closers.contains(d)
                // A closing curly single quote must end a word, not sit inside one ("don’t").
                && (*d != '’' || p[j + d.len_utf8()..].chars().next().is_none_or(|n| !n.is_alphanumeric()))
        });
        match close {
            Some(&(j, d)) => {
                out.push(Found_ {
                    start: base + content_start,
                    end: base + j,
                    open: base + i,
                    close: base + j + d.len_utf8(),
                    paragraph,
                    open_ended: false,
                });
                k = chars
                    .iter()
                    .position(|(x, _)| *x == j)
                    .map_or(chars.len(), |x| x + 1);
            }
            None => {
                // Unclosed: a quotation running on into the next paragraph (only when it opens
                // the paragraph, as news style reopens each paragraph of a long quote).
                if p[..i].trim().is_empty() && c != '‘' {
                    out.push(Found_ {
                        start: base + content_start,
                        end: base + p.len(),
                        open: base + i,
                        close: base + p.len(),
                        paragraph,
                        open_ended: true,
                    });
                }
                break;
            }
        }
    }
}

/// The largest char boundary of `text` at or below `i`.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Who the words next to a reporting verb name: an entity mentioned there, a pronoun, a role,
/// or an anonymous source.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    Entity(usize),
    Pronoun,
    Role,
    Anonymous,
}

struct Ctx<'a> {
    text: &'a str,
    found: &'a Found,
}

impl Ctx<'_> {
    /// The entity mentioned within [from, to), nearest to `near`.
    fn mention_in(&self, from: usize, to: usize, near: usize) -> Option<usize> {
        self.found
            .mentions
            .iter()
            .filter(|m| m.start >= from && m.end <= to)
            .filter(|m| {
                self.found.entities[m.entity].kind != Kind::Place || self.speaks_as_place(m.entity)
            })
            .min_by_key(|m| m.start.abs_diff(near).min(m.end.abs_diff(near)))
            .map(|m| m.entity)
    }

    /// Countries and governments speak ("North Korea said"); towns and rivers do not.
    fn speaks_as_place(&self, e: usize) -> bool {
        let t = &self.found.entities[e].text;
        super::lexicon::PLACES.contains(&super::lexicon::key(t))
    }

    /// The person (or speaking entity) last mentioned before `at`.
    fn last_person_before(&self, at: usize) -> Option<usize> {
        self.found
            .mentions
            .iter()
            .rev()
            .filter(|m| m.end <= at)
            .find(|m| self.found.entities[m.entity].kind == Kind::Person)
            .map(|m| m.entity)
    }

    fn subject_in(&self, from: usize, to: usize, near: usize) -> Option<Subject> {
        if let Some(e) = self.mention_in(from, to, near) {
            return Some(Subject::Entity(e));
        }
        let w: Vec<String> = words(&self.text[from..to])
            .iter()
            .map(|w| w.to_lowercase())
            .collect();
        if w.iter().any(|x| PRONOUNS_PERSON.contains(&x.as_str())) {
            return Some(Subject::Pronoun);
        }
        if w.iter().any(|x| ANONYMOUS.contains(&x.as_str())) {
            return Some(Subject::Anonymous);
        }
        if w.iter().any(|x| matches!(x.as_str(), "they" | "we" | "i")) {
            return Some(Subject::Anonymous);
        }
        // "the president", "the foreign minister": a role that names someone already named.
        if w.len() <= 4
            && w.first().is_some_and(|x| x == "the")
            && w.iter()
                .any(|x| super::entities::ROLE_WORDS.contains(&x.as_str()))
        {
            return Some(Subject::Role);
        }
        None
    }

    /// Byte offset of the end of the sentence containing `at` (bounded).
    fn sentence_end(&self, at: usize) -> usize {
        let rest = &self.text[at..];
        let stop = rest
            .char_indices()
            .find(|(i, c)| {
                matches!(c, '\n')
                    || (matches!(c, '.' | '!' | '?')
                        && rest[i + 1..].starts_with(' ')
                        && rest[i + 1..]
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(|n| n.is_uppercase() || matches!(n, '"' | '“')))
            })
            .map_or(rest.len(), |(i, _)| i);
        floor(self.text, at + stop.min(240))
    }

    fn sentence_start(&self, at: usize) -> usize {
        let head = &self.text[..at];
        let mut lo_b = at.saturating_sub(300);
        while !self.text.is_char_boundary(lo_b) {
            lo_b += 1;
        }
        let window = &head[lo_b..];
        let start = window
            .char_indices()
            .rev()
            .find(|(i, c)| {
                *c == '\n' || (matches!(c, '.' | '!' | '?') && window[i + 1..].starts_with(' '))
            })
            .map_or(0, |(i, _)| i + 1);
        lo_b + start
    }
}

/// Finds the speaker of one quotation. Returns the subject and whether a reporting verb tied it
/// to someone (attributed, even to an anonymous source).
fn attribute(ctx: &Ctx, q: &Found_) -> (Option<Subject>, bool) {
    let text = ctx.text;
    // After the quote: "...," Pompeo said / said Klinger / he added / according to X.
    let after_end = ctx.sentence_end(q.close);
    let after = &text[q.close..after_end];
    let after_words = words(after);
    if let Some(vi) = after_words.iter().take(9).position(|w| {
        VERBS.contains(&w.to_lowercase().as_str()) || w.eq_ignore_ascii_case("according")
    }) {
        let verb = after_words[vi];
        let verb_at = q.close + after.find(verb).unwrap_or(0);
        let verb_end = verb_at + verb.len();
        // Subject before the verb ("Pompeo said"), else after it ("said Klinger").
        let before_verb = ctx.subject_in(q.close, verb_at, verb_at);
        let subject = match before_verb {
            Some(s) => Some(s),
            None => ctx.subject_in(
                verb_end,
                floor(text, (verb_end + 80).min(after_end)),
                verb_end,
            ),
        };
        // A verb alone ties a quote to someone only when it has a subject.
        return (subject.clone(), subject.is_some());
    }
    // Before the quote, in its sentence: X said: "..." / X said the trip had gone "...".
    let s_start = ctx.sentence_start(q.open);
    let before = &text[s_start..q.open];
    let before_words = words(before);
    if let Some(vi) = before_words.iter().rposition(|w| {
        VERBS.contains(&w.to_lowercase().as_str()) || w.eq_ignore_ascii_case("according")
    }) {
        let verb = before_words[vi];
        let verb_at = s_start + before.rfind(verb).unwrap_or(0);
        let subject = if verb.eq_ignore_ascii_case("according") {
            ctx.subject_in(verb_at, q.open, verb_at)
        } else {
            ctx.subject_in(s_start, verb_at, verb_at)
                .or_else(|| ctx.subject_in(verb_at + verb.len(), q.open, verb_at))
        };
        return (subject.clone(), subject.is_some());
    }
    (None, false)
}

/// Finds the quotations of a text (paragraphs separated by blank lines) and their speakers.
pub fn extract(text: &str, found: &Found) -> Vec<Quote> {
    let mut spans = Vec::new();
    let mut base = 0;
    for (i, p) in text.split("\n\n").enumerate() {
        scan_paragraph(p, base, i, &mut spans);
        base += p.len() + 2;
    }
    let ctx = Ctx { text, found };
    let mut out: Vec<Quote> = Vec::new();
    let mut prev: Option<(usize, Option<String>, bool)> = None; // (paragraph, speaker, open_ended)
    let mut paragraphs: Vec<(usize, bool, bool)> = Vec::new(); // per output quote
    for (qi, q) in spans.iter().enumerate() {
        let content = text[q.start..q.end].trim();
        let n_words = words(content).len();
        if n_words == 0 {
            continue;
        }
        let (subject, attributed) = attribute(&ctx, q);
        let mut speaker = match subject {
            Some(Subject::Entity(e)) => Some(found.entities[e].text.clone()),
            Some(Subject::Pronoun) | Some(Subject::Role) => {
                // The person last named, or the last speaker.
                ctx.last_person_before(q.open)
                    .map(|e| found.entities[e].text.clone())
                    .or_else(|| prev.as_ref().and_then(|p| p.1.clone()))
            }
            Some(Subject::Anonymous) | None => None,
        };
        let mut attributed = attributed;
        // A quote split by its attribution ("X," he said, "Y.") or continued from the
        // paragraph before: the same speaker.
        if !attributed
            && let Some((pp, ps, open_ended)) = &prev {
                let same_sentence =
                    *pp == q.paragraph && qi > 0 && text[spans[qi - 1].close..q.open].len() < 80;
                let continued = *open_ended && q.paragraph == pp + 1;
                if same_sentence || continued {
                    speaker = ps.clone();
                    attributed = true;
                }
            }
        // A quoted term of one to three words that nobody says is a scare quote or a title.
        if n_words < 4 && !attributed {
            continue;
        }
        prev = Some((q.paragraph, speaker.clone(), q.open_ended));
        out.push(Quote {
            text: content.trim_end_matches([',', ' ']).to_string(),
            speaker,
        });
        paragraphs.push((q.paragraph, q.open_ended, attributed));
    }
    // A quotation running over paragraphs is often attributed only at its end: an open-ended
    // quote with no speaker takes the speaker of its continuation.
    for i in (0..out.len().saturating_sub(1)).rev() {
        let (p, open_ended, attributed) = paragraphs[i];
        if open_ended && !attributed && out[i].speaker.is_none() && paragraphs[i + 1].0 == p + 1 {
            out[i].speaker = out[i + 1].speaker.clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::entities::recognise;
    use super::*;

    fn q(text: &str) -> Vec<(String, Option<String>)> {
        let found = recognise(text);
        extract(text, &found)
            .into_iter()
            .map(|q| (q.text, q.speaker))
            .collect()
    }

    #[test]
    fn verbs_after_and_before() {
        let v = q(
            "\"Most importantly, there is progress,\" Pompeo said. \"So this is good,\" said Mike Pompeo.",
        );
        assert_eq!(
            v[0],
            (
                "Most importantly, there is progress".into(),
                Some("Mike Pompeo".into())
            )
        );
        assert_eq!(v[1].1.as_deref(), Some("Mike Pompeo"));
        let v = q("Secretary of State Mike Pompeo told reporters: \"We will meet again soon.\"");
        assert_eq!(v[0].1.as_deref(), Some("Mike Pompeo"));
    }

    #[test]
    fn pronouns_split_and_continued_quotes() {
        let v = q(
            "President Donald Trump signed the order. \"It is a shame,\" he said, \"and it will stop.\"\n\n\"This continues here without a close.\n\n\"And ends here,\" Trump added.",
        );
        assert_eq!(v.len(), 4, "{v:?}");
        assert!(
            v.iter().all(|x| x.1.as_deref() == Some("Donald Trump")),
            "{v:?}"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_script(
            pieces in proptest::collection::vec(("[\\u{0600}-\\u{06ff}\\u{3040}-\\u{30ff}a-z ]{0,400}", proptest::sample::select(vec!["\"", "“", "”", "«", "»", "„", "‘", "’", "「", "」", " said ", ". ", "\n\n"])), 0..12),
        ) {
            let text: String = pieces.iter().flat_map(|(a, b)| [a.as_str(), *b]).collect();
            let found = recognise(&text);
            let _ = extract(&text, &found);
        }
    }

    #[test]
    fn scare_quotes_and_anonymous_sources() {
        let v = q(
            "The plan was called a \"success\" by nobody in particular. An official said the trip had gone \"better than the last time\" and would be a \"long haul\".",
        );
        assert_eq!(
            v.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            vec!["better than the last time", "long haul"]
        );
        assert!(v.iter().all(|x| x.1.is_none()));
        let v = q("Protesters carried a sign reading \"We will not go away quietly\".");
        assert_eq!(v.len(), 1);
    }
}
