//! Direct quotations and their speakers.
//!
//! Quotations are found between straight or typographic quote marks (“…”, "…", «…», „…“, ‘…’);
//! one running over several paragraphs, reopened at each, gives one quote per paragraph. The
//! speaker comes from a reporting verb after the quote ("…," Pompeo said / said Klinger /
//! according to X) or before it (X said: "…"; X told reporters the trip had gone "…"); a pronoun or
//! "the president" is the person last named; a quote the next paragraph continues keeps its
//! speaker; anonymous sources ("an official", "witnesses") give none. A short quoted term of one to
//! three words that nobody is said to say is a scare quote, not a quotation.

use super::entities::{Found, Kind, Mention};
use super::lexicon::{Lookup, WordSet, lower};
use crate::record::Quote;
use std::borrow::Cow;

/// Reporting verbs (the forms that introduce or close a quotation).
static VERBS: WordSet = WordSet::new(&[
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
    // Verbs that put words on something ("dismissed the remarks as \"baseless ranting\"").
    "referred",
    "refers",
    "dismissed",
    "labelled",
    "labeled",
    "branded",
    "dubbed",
    "termed",
    "decried",
    "hailed",
    "condemned",
    "denounced",
    "citing",
    "cited",
    "calling",
    "saying",
    "telling",
    "adding",
    "warning",
    "insisting",
    "noting",
    "arguing",
    "writing",
    "asking",
    "explaining",
    "declaring",
    "stressing",
    "urging",
]);
/// Nouns a name qualifies ("the Trump administration", "a Trump surrogate").
static MODIFIED: WordSet = WordSet::new(&[
    "administration",
    "campaign",
    "surrogate",
    "surrogates",
    "era",
    "presidency",
    "government",
    "team",
    "aide",
    "aides",
    "supporters",
    "camp",
    "family",
    "ally",
    "allies",
    "loyalist",
    "loyalists",
    "voters",
    "policy",
    "policies",
    "plan",
    "rally",
    "rallies",
    "adviser",
    "advisers",
    "advisor",
    "advisors",
    "cabinet",
    "regime",
    "doctrine",
    "years",
    "style",
]);

/// Unnamed sources: their quotes have no speaker.
static ANONYMOUS: WordSet = WordSet::new(&[
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
    "authorities",
    "prosecutors",
    "investigators",
    "officers",
    "police",
]);

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
    /// The quote is reopened in the same paragraph: the next quote goes on with it.
    continues: bool,
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

/// What a quotation mark can do where it stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    Open,
    Close,
    /// A straight quote between two spaces or two words: the state decides.
    Either,
}

/// The role of the quotation mark `c` at byte `i` of `p`, if it is one.
fn mark_at(p: &str, i: usize, c: char) -> Option<Mark> {
    // Nearly every character is no quotation mark: settle that before looking around.
    if !matches!(
        c,
        '“' | '„' | '«' | '「' | '『' | '”' | '»' | '」' | '』' | '‘' | '’' | '"'
    ) {
        return None;
    }
    let before = p[..i].chars().next_back();
    let after = p[i + c.len_utf8()..].chars().next();
    let space_before = before.is_none_or(|b| b.is_whitespace() || "([{—–-/".contains(b));
    let space_after = after.is_none_or(|a| a.is_whitespace() || ".,;:!?)]}…—–-".contains(a));
    match c {
        '“' | '„' | '«' | '「' | '『' => Some(Mark::Open),
        '”' | '»' | '」' | '』' => Some(Mark::Close),
        // A curly single quote opens at a word's start and closes at a word's end; inside a
        // word it is an apostrophe ("don’t").
        '‘' if space_before => Some(Mark::Open),
        '’' if !space_before && space_after => Some(Mark::Close),
        '"' => Some(match (space_before, space_after) {
            (true, false) => Mark::Open,
            (false, true) => Mark::Close,
            _ => Mark::Either,
        }),
        _ => None,
    }
}

/// Quotations of one paragraph (offsets relative to the whole text).
///
/// Marks are paired by where they stand, not only by alternation, so that a quotation reopened
/// within the paragraph (news style for a quote of several sentences: `said: "A. "B."`) gives two
/// quotes, the first marked as continued by the second.
fn scan_paragraph(p: &str, base: usize, paragraph: usize, out: &mut Vec<Found_>) {
    let mut current: Option<(usize, char)> = None;
    let push =
        |out: &mut Vec<Found_>, open: usize, c: char, end: usize, close: usize, continues| {
            let start = open + c.len_utf8();
            out.push(Found_ {
                start: base + start,
                end: base + end.max(start),
                open: base + open,
                close: base + close,
                paragraph,
                open_ended: false,
                continues,
            });
        };
    for (i, c) in p.char_indices() {
        let Some(mark) = mark_at(p, i, c) else {
            continue;
        };
        match current {
            None => {
                if mark != Mark::Close && !closing_for(c).is_empty() {
                    current = Some((i, c));
                }
            }
            Some((open, oc)) => {
                let closes = closing_for(oc).contains(&c) && mark != Mark::Open;
                let reopens = mark == Mark::Open && (c == oc || c == '"' && oc == '"');
                if closes {
                    push(out, open, oc, i, i + c.len_utf8(), false);
                    current = None;
                } else if reopens {
                    // The quote goes on in a new sentence: `..., "A. "B."`.
                    let end = p[..i].trim_end().len();
                    push(out, open, oc, end, end, true);
                    current = Some((i, c));
                }
            }
        }
    }
    // Unclosed: a quotation running on into the next paragraph (only when it opens the
    // paragraph, or continues one that did, as news style reopens each paragraph of a long
    // quote).
    if let Some((open, c)) = current
        && c != '‘'
        && (p[..open].trim().is_empty() || out.last().is_some_and(|q| q.continues))
    {
        let start = open + c.len_utf8();
        out.push(Found_ {
            start: base + start,
            end: base + p.len().max(start),
            open: base + open,
            close: base + p.len(),
            paragraph,
            open_ended: true,
            continues: false,
        });
    }
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
    /// "he", "she": at this offset.
    Pronoun(usize),
    /// "the president", "the foreign minister": the role's words, at this offset.
    Role(Vec<String>, usize),
    Anonymous,
}

struct Ctx<'a> {
    text: &'a str,
    found: &'a Found,
    /// Byte ranges of every quotation's content: nobody inside one speaks it.
    quoted: Vec<(usize, usize)>,
}

/// How many mentions back an antecedent is looked for: a pronoun or role refers to someone
/// named in the last paragraphs, and the bound keeps attribution linear in the text.
const LOOK_BACK_MENTIONS: usize = 200;

impl Ctx<'_> {
    /// Mentions that lie within [from, to) (mentions are sorted by start).
    fn mentions_within(&self, from: usize, to: usize) -> impl DoubleEndedIterator<Item = &Mention> {
        let m = &self.found.mentions;
        let a = m.partition_point(|x| x.start < from);
        let b = m.partition_point(|x| x.start < to).max(a);
        m[a..b].iter().filter(move |x| x.end <= to)
    }

    /// The mention that starts at `at`.
    fn mention_at(&self, at: usize) -> Option<&Mention> {
        let m = &self.found.mentions;
        m.get(m.partition_point(|x| x.start < at))
            .filter(|x| x.start == at)
    }

    /// Mentions that end by `at`, nearest first, at most [`LOOK_BACK_MENTIONS`] of them.
    fn mentions_before(&self, at: usize) -> impl Iterator<Item = &Mention> {
        let m = &self.found.mentions;
        let b = m.partition_point(|x| x.start < at);
        m[b.saturating_sub(LOOK_BACK_MENTIONS)..b]
            .iter()
            .rev()
            .filter(move |x| x.end <= at)
    }

    /// The entity mentioned within [from, to), nearest to `near` (the verb, at one end of the
    /// range): a person standing in apposition beats an organisation nearer the verb
    /// ("Mohammed Abdiker, emergencies director of the IOM, said"; "said Green Party politician
    /// Harald Ebner").
    fn mention_in(&self, from: usize, to: usize, near: usize) -> Option<usize> {
        let in_range: Vec<&Mention> = self
            .mentions_within(from, to)
            .filter(|m| !self.is_quoted(m.start))
            .filter(|m| {
                self.found.entities[m.entity].kind != Kind::Place || self.speaks_as_place(m.entity)
            })
            .collect();
        let is_person = |m: &&Mention| self.found.entities[m.entity].kind == Kind::Person;
        let nearest = *in_range
            .iter()
            .min_by_key(|m| m.start.abs_diff(near).min(m.end.abs_diff(near)))?;
        if is_person(&nearest) {
            return Some(nearest.entity);
        }
        let person = if near >= to {
            // Verb after the range: a person followed by a comma heads the subject.
            in_range
                .iter()
                .filter(|m| is_person(m) && self.text[m.end..].starts_with(','))
                .max_by_key(|m| m.start)
        } else {
            // Verb before the range: a person later in the same phrase.
            in_range.iter().find(|m| {
                is_person(m)
                    && m.start > nearest.end
                    && !self.text[nearest.end..m.start].contains([',', ';', '.'])
            })
        };
        Some(person.map_or(nearest.entity, |m| m.entity))
    }

    /// Countries and governments speak ("North Korea said"); towns and rivers do not.
    fn speaks_as_place(&self, e: usize) -> bool {
        let t = &self.found.entities[e].text;
        super::lexicon::PLACES.has_key(t)
    }

    /// The person (or speaking entity) last mentioned before `at`.
    /// (A name that only qualifies a noun, "the Trump administration", refers to no one there.)
    fn last_person_before(&self, at: usize) -> Option<usize> {
        self.mentions_before(at)
            .filter(|m| {
                let next = words(&self.text[m.end..self.text.floor_char_boundary(m.end + 24)]);
                !(self.text[m.end..].starts_with(' ')
                    && next.first().is_some_and(|w| MODIFIED.contains(w)))
            })
            .find(|m| self.found.entities[m.entity].kind == Kind::Person)
            .map(|m| m.entity)
    }

    /// The person last named as the subject of a sentence in [from, to): within the first
    /// three words, before any verb ("Al Jazeera's Natacha Butler, reporting from Paris, said").
    fn subject_person_between(&self, from: usize, to: usize) -> Option<usize> {
        self.mentions_within(from, to)
            .rev()
            .filter(|m| self.found.entities[m.entity].kind == Kind::Person)
            .find(|m| {
                let lead = word_spans(&self.text[self.sentence_start(m.start)..m.start]);
                lead.len() <= 3 && !lead.iter().any(|(_, w)| is_verb(w))
            })
            .map(|m| m.entity)
    }

    fn is_quoted(&self, at: usize) -> bool {
        // Quotations are sorted and do not overlap: only the last one starting by `at` can hold it.
        let i = self.quoted.partition_point(|(s, _)| *s <= at);
        i > 0 && at < self.quoted[i - 1].1
    }

    /// The subject of a reporting verb in the words [from, to) next to it: the end of the range
    /// when the verb follows it ("the president said"), its start when the verb comes first
    /// ("said the president"). A pronoun or a role there names someone; a name is a speaker; an
    /// unnamed source ("an official") is nobody.
    fn subject_in(&self, from: usize, to: usize, near: usize) -> Option<Subject> {
        let spans = word_spans(&self.text[from..to]);
        let w: Vec<Cow<str>> = spans.iter().map(|(_, x)| lower(x)).collect();
        let verb_after = near >= to;
        // The words beside the verb: the last few before it, or the first few after it.
        let edge: std::ops::Range<usize> = if verb_after {
            w.len().saturating_sub(4)..w.len()
        } else {
            0..w.len().min(4)
        };
        if let Some(i) = edge
            .clone()
            .find(|&i| matches!(w[i].as_ref(), "he" | "she"))
        {
            return Some(Subject::Pronoun(from + spans[i].0));
        }
        // A name right before the verb ("the girl's mother Eleri said").
        if verb_after
            && let Some((at, _)) = spans.last()
            && let end = from + at + spans.last().map_or(0, |(_, x)| x.len())
            && let Some(m) = self.mentions_before(end).find(|m| m.end == end)
            && self.found.entities[m.entity].kind == Kind::Person
        {
            return Some(Subject::Entity(m.entity));
        }
        // "the president", "the State Duma deputy speaker", "the lord chancellor": the role,
        // not an organisation inside it.
        if let Some(role) = edge
            .clone()
            .rev()
            .find(|&i| super::entities::ROLE_WORDS.contains(w[i].as_ref()))
            && let Some(the) = w[..role].iter().rposition(|x| x == "the")
            && role - the <= 4
            && (!verb_after || role + 2 >= w.len())
        {
            return Some(Subject::Role(
                w[the + 1..=role].iter().map(|x| x.to_string()).collect(),
                from + spans[the].0,
            ));
        }
        if let Some(e) = self.mention_in(from, to, near) {
            return Some(Subject::Entity(e));
        }
        if edge.clone().any(|i| {
            ANONYMOUS.contains(w[i].as_ref()) || matches!(w[i].as_ref(), "they" | "we" | "i")
        }) {
            return Some(Subject::Anonymous);
        }
        None
    }

    /// The subject of a sentence's main clause, for a participle ("The president denied the
    /// claims, calling them \"fake news\""): its first name, role or pronoun.
    fn clause_subject(&self, from: usize, to: usize) -> Option<Subject> {
        let spans = word_spans(&self.text[from..to]);
        for (n, (at, word)) in spans.iter().enumerate() {
            let at = from + at;
            if self.is_quoted(at) {
                continue;
            }
            let low = lower(word);
            if matches!(low.as_ref(), "he" | "she") {
                return Some(Subject::Pronoun(at));
            }
            if ANONYMOUS.contains(low.as_ref()) {
                return Some(Subject::Anonymous);
            }
            if let Some(m) = self.mention_at(at)
                && (self.found.entities[m.entity].kind != Kind::Place
                    || self.speaks_as_place(m.entity))
            {
                return Some(Subject::Entity(m.entity));
            }
            if low == "the"
                && let Some(k) = spans[n + 1..]
                    .iter()
                    .take(4)
                    .position(|(_, x)| super::entities::ROLE_WORDS.contains(lower(x).as_ref()))
            {
                let role = spans[n + 1..=n + 1 + k]
                    .iter()
                    .map(|(_, x)| x.to_lowercase())
                    .collect();
                return Some(Subject::Role(role, at));
            }
        }
        None
    }

    /// The person a role names ("the president"): one the text gave that title, mentioned
    /// last before `at`; else the person last named.
    fn person_with_role(&self, role: &[String], at: usize) -> Option<usize> {
        const RANKS: &[&str] = &["vice", "deputy", "assistant", "associate"];
        let head = role
            .iter()
            .rev()
            .find(|w| super::entities::ROLE_WORDS.contains(&w.as_str()))?;
        let has = |w: &str| role.iter().any(|x| x == w);
        // Same head and rank; "former" must agree on the first try only.
        let fits = |r: &str, strict: bool| {
            let rw: Vec<&str> = r.split(' ').collect();
            rw.last() == Some(&head.as_str())
                && RANKS.iter().all(|k| rw.contains(k) == has(k))
                && (!strict || rw.contains(&"former") == has("former"))
        };
        let find = |strict: bool| {
            self.mentions_before(at)
                .find(|m| {
                    let e = &self.found.entities[m.entity];
                    e.kind == Kind::Person && e.roles.iter().any(|r| fits(r, strict))
                })
                .map(|m| m.entity)
        };
        find(true)
            .or_else(|| find(false))
            .or_else(|| self.last_person_before(at))
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
        self.text.floor_char_boundary(at + stop.min(240))
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
                *c == '\n'
                    || (matches!(c, '.' | '!' | '?')
                        && window[i + 1..].starts_with([' ', '-', '–', '—']))
            })
            .map_or(0, |(i, _)| i + 1);
        lo_b + start
    }
}

/// Words of `s` with their byte offsets.
fn word_spans(s: &str) -> Vec<(usize, &str)> {
    // About one word per six bytes of prose: sized once for the short stretches most calls
    // read, instead of grown word by word.
    let mut out = Vec::with_capacity((s.len() / 6 + 1).min(32));
    out.extend(word_iter(s));
    out
}

/// The words of [`word_spans`] one by one, for callers that read only the first few.
fn word_iter(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let trim = |w: &str| w.trim_end_matches(['\'', '’', '-']).len();
    let mut chars = s.char_indices();
    let mut start = None;
    // Once the chars run out, `start` is taken: every later call finds nothing.
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            let inner = matches!(c, '\'' | '’' | '-');
            match start {
                None if c.is_alphanumeric() => start = Some(i),
                Some(b) if !(c.is_alphanumeric() || inner) => {
                    start = None;
                    return Some((b, &s[b..b + trim(&s[b..i])]));
                }
                _ => {}
            }
        }
        start.take().map(|b| (b, &s[b..b + trim(&s[b..])]))
    })
}

/// "according to Molins", "according to the BBC": the name right after "to"; "according to
/// quotes published by ..." names no speaker.
fn according_to(ctx: &Ctx, from: usize, to: usize) -> Option<Subject> {
    let rest = &ctx.text[from..to];
    let after_to = rest
        .trim_start()
        .strip_prefix("to")?
        .trim_start_matches([' ', '-']);
    let after_the = after_to.strip_prefix("the ").unwrap_or(after_to);
    let name_at = to - after_the.len();
    // The name may follow capitalised titles ("according to Secretary-General Antonio Guterres").
    ctx.found
        .mentions
        .iter()
        .find(|m| {
            m.start >= name_at
                && m.start - name_at < 40
                && words(&ctx.text[name_at..m.start])
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        })
        .map(|m| Subject::Entity(m.entity))
}

fn is_verb(w: &str) -> bool {
    VERBS.contains(lower(w).as_ref())
}

/// The subject of a reporting verb at `verb_at..verb_end` in the sentence before a quote: before
/// the verb ("Pompeo said"), else after it ("said Pompeo"); after "according to", only a name.
fn subject_of_verb(
    ctx: &Ctx,
    s_start: usize,
    verb: &str,
    verb_at: usize,
    to: usize,
) -> Option<Subject> {
    let verb_end = verb_at + verb.len();
    if verb.eq_ignore_ascii_case("according") {
        return according_to(ctx, verb_end, to);
    }
    if verb.ends_with("ing") {
        // "Telling his relatives he had been up to some \"mischief\", he drove on": a participle
        // opening the sentence has its subject after the phrase.
        if ctx.text[s_start..verb_at].trim().is_empty() {
            let after = to + ctx.text[to..].find(',').unwrap_or(0);
            return ctx.clause_subject(after, ctx.sentence_end(after));
        }
        return ctx.clause_subject(s_start, verb_at);
    }
    ctx.subject_in(s_start, verb_at, verb_at)
        .or_else(|| ctx.subject_in(verb_end, to, verb_end))
}

/// Finds the speaker of one quotation. Returns the subject and whether a reporting verb tied it
/// to someone (attributed, even to an anonymous source).
fn attribute(ctx: &Ctx, q: &Found_) -> (Option<Subject>, bool) {
    let text = ctx.text;
    let s_start = ctx.sentence_start(q.open);
    let before = &text[s_start..q.open];
    let before_words = word_spans(before);
    let verb_like = |w: &str| is_verb(w) || w.eq_ignore_ascii_case("according");

    // A verb right before the quote speaks it: X said: "..." / he shouted "..." / X told
    // reporters: "...". It beats an "according to" after the quote, which names who reported it.
    let n = before_words.len();
    if let Some(&(at, verb)) = before_words[n.saturating_sub(5)..]
        .iter()
        .rev()
        .find(|(_, w)| is_verb(w))
        && let Some(subject) = subject_of_verb(ctx, s_start, verb, s_start + at, q.open)
    {
        return (Some(subject), true);
    }

    // After the quote: "...," Pompeo said / said Klinger / he added / according to X. Not when
    // the quote closed its sentence and a new one starts.
    let content = text[q.start..q.end].trim_end();
    let rest = text[q.close..].trim_start_matches([' ', '\t', '-', '–', '—']);
    let closes_sentence = content.ends_with('.')
        && rest
            .chars()
            .next()
            .is_none_or(|c| c.is_uppercase() || matches!(c, '\n' | '"' | '“'));
    if !closes_sentence {
        let after_end = ctx.sentence_end(q.close);
        let after = &text[q.close..after_end];
        if let Some((at, verb)) = word_iter(after).take(12).find(|(_, w)| verb_like(w)) {
            let verb_at = q.close + at;
            let verb_end = verb_at + verb.len();
            let window = text.floor_char_boundary((verb_end + 80).min(after_end));
            let subject = if verb.eq_ignore_ascii_case("according") {
                according_to(ctx, verb_end, after_end)
            } else {
                ctx.subject_in(q.close, verb_at, verb_at)
                    .or_else(|| ctx.subject_in(verb_end, window, verb_end))
            };
            // A verb alone ties a quote to someone only when it has a subject ("..., and
            // promised to work with lawmakers" has none here: look before the quote).
            if subject.is_some() {
                return (subject, true);
            }
        }
    }

    // Before the quote, in its sentence: X said the trip had gone "...".
    if let Some(&(at, verb)) = before_words.iter().rev().find(|(_, w)| verb_like(w)) {
        let subject = subject_of_verb(ctx, s_start, verb, s_start + at, q.open);
        return (subject.clone(), subject.is_some());
    }
    // A quote that opens its sentence after one that reports someone's words: "X said the
    // decision rested with Y. \"He can ...\"".
    if before.trim().is_empty() && s_start > 0 {
        let p_start = ctx.sentence_start(s_start.saturating_sub(1));
        let prev = &text[p_start..s_start];
        if !prev.contains(['"', '“', '”'])
            && !prev.contains('\n')
            && let Some(&(at, verb)) = word_spans(prev).iter().rev().find(|(_, w)| is_verb(w))
        {
            let subject = subject_of_verb(ctx, p_start, verb, p_start + at, s_start);
            if matches!(subject, Some(Subject::Entity(_))) {
                return (subject, true);
            }
        }
    }
    // No reporting verb: the subject of the quote's sentence says it ("On Tuesday, Ms Le Pen
    // dismissed the efforts as \"...\""), though that alone does not make a quotation of a
    // short quoted term.
    if let Some(e) = ctx.subject_person_between(s_start, q.open) {
        return (Some(Subject::Entity(e)), false);
    }
    let lead: Vec<String> = words(&text[s_start..q.open])
        .iter()
        .take(5)
        .map(|w| w.to_lowercase())
        .collect();
    if let Some(end) = lead
        .iter()
        .position(|w| super::entities::ROLE_WORDS.contains(&w.as_str()))
        && lead.first().is_some_and(|w| w == "the")
    {
        return (Some(Subject::Role(lead[1..=end].to_vec(), s_start)), false);
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
    let ctx = Ctx {
        text,
        found,
        quoted: {
            // Sorted and merged where they nest or touch, so one binary search answers.
            let mut q: Vec<(usize, usize)> = spans.iter().map(|q| (q.start, q.end)).collect();
            q.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::with_capacity(q.len());
            for (s, e) in q {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            merged
        },
    };
    let mut out: Vec<Quote> = Vec::new();
    let mut prev: Option<(usize, Option<String>, bool)> = None; // (paragraph, speaker, open_ended)
    let mut prev_close: Option<usize> = None;
    // Per output quote: (paragraph, goes on in the next quote, attributed).
    let mut paragraphs: Vec<(usize, bool, bool)> = Vec::new();
    for (qi, q) in spans.iter().enumerate() {
        let content = text[q.start..q.end].trim();
        let n_words = words(content).len();
        if n_words == 0 {
            continue;
        }
        let (subject, attributed) = attribute(&ctx, q);
        // The last quote's speaker, when that quote was just before this one.
        let recent = prev_close
            .filter(|c| q.open.saturating_sub(*c) < 250)
            .and(prev.as_ref().and_then(|p| p.1.clone()));
        let mut speaker = match subject {
            Some(Subject::Entity(e)) => Some(found.entities[e].text.clone()),
            // "he said" goes on with the speaker of the quote just before, else names the
            // person last named before the pronoun.
            // A person named as a sentence's subject since that quote takes over.
            Some(Subject::Pronoun(at)) => match (&recent, prev_close) {
                (Some(_), Some(since)) => ctx
                    .subject_person_between(since, at)
                    .map(|e| found.entities[e].text.clone())
                    .or(recent),
                _ => ctx
                    .last_person_before(at)
                    .map(|e| found.entities[e].text.clone()),
            },
            Some(Subject::Role(role, at)) => ctx
                .person_with_role(&role, at)
                .map(|e| found.entities[e].text.clone())
                .or(recent),
            Some(Subject::Anonymous) | None => None,
        };
        let mut attributed = attributed;
        // A quote split by its attribution ("X," he said, "Y.") or continued from the
        // paragraph before: the same speaker.
        if !attributed && let Some((pp, ps, open_ended)) = &prev {
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
        prev_close = Some(q.close);
        out.push(Quote {
            text: content.trim_end_matches([',', ' ']).to_string(),
            speaker,
        });
        paragraphs.push((q.paragraph, q.open_ended || q.continues, attributed));
    }
    // A quotation running over paragraphs or sentences is often attributed only at its end: a
    // quote that goes on with no speaker takes the speaker of its continuation.
    for i in (0..out.len().saturating_sub(1)).rev() {
        let (p, goes_on, attributed) = paragraphs[i];
        if goes_on
            && !attributed
            && out[i].speaker.is_none()
            && (paragraphs[i + 1].0 == p + 1 || paragraphs[i + 1].0 == p)
        {
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

        /// The word iterator gives the words the collecting loop it replaced gave.
        #[test]
        fn word_iter_is_the_word_loop(s in "([a-zA-Z0-9]{1,5}|[ '’.,-]|\\PC){0,40}") {
            let mut want = Vec::new();
            let mut start = None;
            let trim = |w: &str| w.trim_end_matches(['\'', '’', '-']).len();
            for (i, c) in s.char_indices() {
                let inner = matches!(c, '\'' | '’' | '-');
                match start {
                    None if c.is_alphanumeric() => start = Some(i),
                    Some(b) if !(c.is_alphanumeric() || inner) => {
                        want.push((b, &s[b..b + trim(&s[b..i])]));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(b) = start {
                want.push((b, &s[b..b + trim(&s[b..])]));
            }
            proptest::prop_assert_eq!(word_iter(&s).collect::<Vec<_>>(), want.clone());
            proptest::prop_assert_eq!(word_spans(&s), want);
        }
    }

    /// Reuters and AP style: "according to", a role for the speaker, a participle clause.
    #[test]
    fn according_to_roles_and_participles() {
        let v = q(
            "Prime Minister Justin Trudeau spoke in Ottawa. The government will \"do whatever it takes to protect jobs,\" according to Trudeau.",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("Justin Trudeau"));
        let v = q(
            "President Emmanuel Macron met the unions on Monday. \"We will not give up on this reform,\" the president said.",
        );
        assert_eq!(v[0].1.as_deref(), Some("Emmanuel Macron"), "{v:?}");
        let v = q(
            "Senator Elizabeth Warren attacked the bill on Tuesday, calling it \"a giveaway to the biggest banks in the country\".",
        );
        assert_eq!(v[0].1.as_deref(), Some("Elizabeth Warren"), "{v:?}");
    }

    /// Guardian style: curly quotes, a quote reopened after its first sentence, and a quote
    /// that names someone inside it (who does not speak it).
    #[test]
    fn curly_reopened_and_names_inside() {
        let v = q(
            "Angela Rayner, the deputy leader, said: “This is a scandal. “Ministers must answer for it.”\n\n“Boris Johnson has questions to answer,” said Keir Starmer.",
        );
        assert_eq!(v.len(), 3, "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("Angela Rayner"), "{v:?}");
        assert_eq!(v[1].1.as_deref(), Some("Angela Rayner"), "{v:?}");
        assert_eq!(v[2].1.as_deref(), Some("Keir Starmer"), "{v:?}");
    }

    /// Linear in the text: thousands of quotes finish (timings live in the benches).
    #[test]
    fn many_quotes_finish() {
        let text = "\"It is fine,\" said Kim. ".repeat(20_000);
        let found = recognise(&text);
        assert_eq!(extract(&text, &found).len(), 20_000);
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
