//! Named entities (person, place, organization) without a statistical model: capitalised spans,
//! split at titles ("U.S. Secretary of State Mike Pompeo" gives U.S. and Mike Pompeo), classified
//! by gazetteers, organisation and place cue words, titles and honorifics, first names and
//! reporting-verb contexts, then resolved within the article (a surname, or the family name of an
//! East Asian name, is the full name mentioned elsewhere; an acronym in brackets is its name).
//!
//! Nationality and group words ("North Korean", "Democrats") are not entities.

use super::lexicon::{
    COMMON_WORDS, DEMONYMS, FAMILY_FIRST, FIRST_NAMES, Lookup, ORGANIZATIONS, PEOPLE, PLACES,
    SURNAMES, TOWNS, WordSet, key, lower, with_key,
};
use crate::pipeline::segment::sentence_spans;
use crate::record::Entity;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Place,
    Organization,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Organization => "organization",
        }
    }
}

/// One mention of an entity in the text (byte offsets into the annotated text).
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// Index into [`Found::entities`].
    pub entity: usize,
}

/// An entity with everything the quote annotator needs.
#[derive(Debug, Clone)]
pub struct Found {
    pub entities: Vec<FoundEntity>,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone)]
pub struct FoundEntity {
    pub text: String,
    pub kind: Kind,
    pub count: u32,
    /// Lookup keys of every form that names it (full name, surname, acronym, ...).
    pub forms: Vec<String>,
    /// Titles and roles the text gives a person ("president", "foreign minister"), so that
    /// "the president" can be resolved to them.
    pub roles: Vec<String>,
}

impl Found {
    /// The entities, most mentioned first, then first mentioned.
    pub fn ranked(&self) -> Vec<FoundEntity> {
        self.order()
            .into_iter()
            .map(|i| self.entities[i].clone())
            .collect()
    }

    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.entities.len()).collect();
        // Most mentioned first, then first mentioned.
        // Where each entity is first mentioned (the earliest mention in the list's order).
        let mut first = vec![usize::MAX; self.entities.len()];
        for m in &self.mentions {
            if let Some(f) = first.get_mut(m.entity)
                && *f == usize::MAX
            {
                *f = m.start;
            }
        }
        order.sort_by_key(|i| (std::cmp::Reverse(self.entities[*i].count), first[*i]));
        order
    }

    pub fn to_record(&self) -> Vec<Entity> {
        self.order()
            .into_iter()
            .map(|i| {
                let e = &self.entities[i];
                Entity {
                    text: e.text.clone(),
                    kind: e.kind.as_str().into(),
                    count: e.count,
                }
            })
            .collect()
    }

    /// The entity a name refers to, by any of its forms.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        let k = key(name);
        self.entities.iter().position(|e| e.forms.contains(&k))
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    cap: bool,
    sent_start: bool,
    /// Something other than spaces stood between this token and the previous one.
    punct_before: bool,
    /// Followed by "'s".
    possessive: bool,
    /// The word went on as a lower-case compound ("Geneva-based"): the name ends here.
    breaks_after: bool,
    /// A month name that is a surname here ("Prime Minister May", "Theresa May").
    month_name: bool,
}

/// Lower-case words that may sit inside a name ("Bank of England", "Charles de Gaulle").
static CONNECTORS: WordSet = WordSet::new(&[
    "of", "for", "the", "de", "da", "di", "du", "des", "del", "della", "van", "von", "der", "den",
    "bin", "ibn", "al", "el", "le", "la", "y", "and", "&",
]);

/// Function words that are capitalised only because a sentence starts with them; dropped from
/// the front of a name candidate.
static FUNCTION: WordSet = WordSet::new(&[
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "nor",
    "in",
    "on",
    "at",
    "by",
    "for",
    "to",
    "of",
    "with",
    "from",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "since",
    "because",
    "although",
    "though",
    "however",
    "meanwhile",
    "so",
    "then",
    "yet",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "there",
    "here",
    "his",
    "her",
    "their",
    "our",
    "its",
    "my",
    "your",
    "what",
    "which",
    "who",
    "whom",
    "where",
    "why",
    "how",
    "all",
    "some",
    "many",
    "most",
    "both",
    "each",
    "every",
    "no",
    "not",
    "also",
    "even",
    "only",
    "just",
    "still",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "last",
    "next",
    "during",
    "under",
    "over",
    "about",
    "against",
    "between",
    "into",
    "through",
    "without",
    "within",
    "among",
    "amid",
    "despite",
    "unlike",
    "like",
    "according",
    "once",
    "whether",
    "unless",
    "until",
    "upon",
    "instead",
    "indeed",
    "moreover",
    "furthermore",
    "thus",
    "hence",
    "otherwise",
    "overall",
    "earlier",
    "later",
    "late",
    "early",
    "tonight",
    "dear",
    "hi",
    "hello",
    "yes",
    "oh",
    "well",
    "whoa",
    "wow",
    "ok",
    "okay",
    "please",
    "thanks",
    "sorry",
    "breaking",
    "update",
    "exclusive",
    "watch",
    "read",
    "related",
    "more",
    "see",
    "click",
    "follow",
    "share",
    "sign",
    "subscribe",
    "was",
    "is",
    "are",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "not",
    "never",
]);

/// Day and month names: never inside a name.
static CALENDAR: WordSet = WordSet::new(&[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]);

/// Last words of events, laws, documents, prizes and products: not entities (SPEC conventions).
static NOT_ENTITY_TAILS: WordSet = WordSet::new(&[
    "Act",
    "Acts",
    "Treaty",
    "Accord",
    "Accords",
    "Agreement",
    "Law",
    "Bill",
    "Constitution",
    "Olympics",
    "Games",
    "Championship",
    "Championships",
    "Cup",
    "Open",
    "Prize",
    "Award",
    "Awards",
    "War",
    "Wars",
    "Summit",
    "Declaration",
    "Statement",
    "Report",
    "Day",
    "Week",
    "Festival",
    "Census",
    "Amendment",
    "Protocol",
    "Convention",
    "Resolution",
    "Directive",
    "Regulation",
    "Doctrine",
    "Plan",
    "Index",
    "Tournament",
    "League",
    "Series",
    "Marathon",
    "Grand Prix",
    "Trophy",
    "Medal",
    "Scandal",
    "Crisis",
    "Revolution",
    "Election",
    "Elections",
    "Referendum",
    "Spring",
    "Christmas",
    "Easter",
    "Ramadan",
    "Eid",
    "Halloween",
    "Thanksgiving",
]);
/// First words of named storms and the like.
static NOT_ENTITY_HEADS: WordSet = WordSet::new(&[
    "Cyclone",
    "Hurricane",
    "Typhoon",
    "Storm",
    "Tropical",
    "Operation",
]);

/// All-capitals words that are no organisation.
static NOT_ACRONYMS: WordSet = WordSet::new(&[
    "TV",
    "OK",
    "HD",
    "GB",
    "MB",
    "KB",
    "TB",
    "CD",
    "DVD",
    "USB",
    "RAM",
    "CPU",
    "GPU",
    "LTE",
    "GPS",
    "PDF",
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "GDP",
    "VAT",
    "EUR",
    "USD",
    "GBP",
    "JPY",
    "AM",
    "PM",
    "UTC",
    "GMT",
    "EST",
    "PST",
    "EDT",
    "MP",
    "MPs",
    "MEP",
    "QC",
    "LGBT",
    "LGBTQ",
    "AIDS",
    "HIV",
    "COVID",
    "DNA",
    "RNA",
    "UV",
    "IQ",
    "ID",
    "PIN",
    "ATM",
    "SUV",
    "AI",
    "VR",
    "AR",
    "IT",
    "PR",
    "HR",
    "FAQ",
    "NB",
    "PS",
    "UFO",
    "ET",
    "PT",
    "CT",
    "MT",
    "BC",
    "AD",
    "PhD",
    "MD",
    "JD",
    "BA",
    "MA",
    "BS",
    "MS",
    "RIP",
    "LOL",
    "OMG",
    "VIP",
    "DIY",
    "ASAP",
    "FYI",
    "TBA",
    "TBD",
    "NA",
    "N/A",
    "DJ",
    "MC",
    "SOS",
    "XL",
    "II",
    "III",
    "IV",
    "VI",
    "VII",
    "VIII",
    "IX",
    "XI",
    "XII",
    "WATCH",
    "READ",
    "MORE",
    "NEW",
    "BREAKING",
    "UPDATE",
    "LIVE",
    "VIDEO",
    "PHOTOS",
    "EXCLUSIVE",
    "NOTE",
]);

fn is_cap_token(t: &str) -> bool {
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => true,
        // "al-Shabab", "el-Sisi" start lower but name something.
        Some(_) => {
            (t.starts_with("al-")
                || t.starts_with("el-")
                || t.starts_with("ad-")
                || t.starts_with("as-"))
                && t[3..].chars().next().is_some_and(char::is_uppercase)
        }
        None => false,
    }
}

static ABBREVIATIONS: WordSet = WordSet::new(&[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj", "Adm",
    "Prof", "Rev", "Jr", "Sr", "St", "Mt", "Corp", "Inc", "Ltd", "Co", "Ft",
]);

/// Whether a lower-case half after a hyphen ends the name before it: "Geneva-based",
/// "Kremlin-backed", "Paris-born", and text run together ("Pyongyang-has"); but "Moon Jae-in"
/// and "Aix-en-Provence" are names to the end.
fn ends_name(before: &str, after: &str) -> bool {
    let word: &str = after
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    if !word.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    if is_compound_suffix(word) {
        return true;
    }
    let chained = after[word.len()..].starts_with('-');
    let short = before.chars().count() <= 4 && word.chars().count() <= 4;
    !(chained || short)
}

/// Lower-case second halves of compounds that make an adjective of the name before them.
fn is_compound_suffix(word: &str) -> bool {
    (word.len() > 3 && word.ends_with("ed"))
        || matches!(
            word,
            "born"
                | "bred"
                | "run"
                | "made"
                | "built"
                | "grown"
                | "owned"
                | "style"
                | "era"
                | "type"
                | "wide"
                | "like"
                | "area"
                | "class"
                | "level"
                | "specific"
                | "bound"
                | "speaking"
                | "language"
                | "centric"
                | "friendly"
                | "inspired"
                | "listed"
                | "sized"
                | "themed"
                | "focused"
                | "linked"
                | "esque"
                | "ish"
                | "ism"
                | "ist"
                | "ists"
        )
}

/// "R-Idaho", "D-N.Y.", "I-Vt.": a one-letter party before a hyphen and a capitalised state,
/// right after a bracket or a comma.
fn party_tag(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    i + 2 < b.len()
        && matches!(b[i], b'R' | b'D' | b'I')
        && b[i + 1] == b'-'
        && b[i + 2].is_ascii_uppercase()
        && text[..i].trim_end().ends_with(['(', ','])
}

/// Words of a sentence with offsets (relative to the whole text).
fn tokenize<'a>(text: &'a str, base: usize, out: &mut Vec<Tok<'a>>) {
    let mut i = 0;
    let mut first = true;
    let mut gap_start = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        // ASCII is settled byte by byte; only other chars are decoded.
        if bytes[i].is_ascii() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            continue;
        }
        // A party and state tag ("Sen. Mike Crapo (R-Idaho)"): the name is the state.
        if party_tag(text, i) {
            i += 2;
            continue;
        }
        let start = i;
        let mut j = i;
        let mut compound_cut: Option<usize> = None;
        while j < text.len() {
            if bytes[j].is_ascii_alphanumeric() {
                j += 1;
                continue;
            }
            let Some(d) = text[j..].chars().next() else {
                break;
            };
            if d.is_alphanumeric() || d == '&' && j > start {
                j += d.len_utf8();
                continue;
            }
            let after = &text[j + d.len_utf8()..];
            let next = after.chars().next();
            // Words run together by a lost space: "loyal to-Ali Abdullah Saleh".
            if d == '-' && next.is_some_and(char::is_uppercase) && FUNCTION.has_key(&text[start..j])
            {
                break;
            }
            if matches!(d, '\'' | '’' | '-') && next.is_some_and(char::is_alphanumeric) {
                // Possessive "'s" ends the word.
                if matches!(d, '\'' | '’')
                    && (after == "s"
                        || after.starts_with("s ")
                        || after.starts_with("s,")
                        || after.starts_with("s."))
                {
                    break;
                }
                // "Geneva-based", "Paris-born": the name is before the hyphen (but "Moon
                // Jae-in" and "Aix-en-Provence" are names to the end).
                if d == '-'
                    && compound_cut.is_none()
                    && text[start..j]
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                    && ends_name(&text[start..j], after)
                {
                    compound_cut = Some(j);
                }
                j += d.len_utf8();
                continue;
            }
            if d == '.' {
                let word = &text[start..j];
                let letters = word.chars().filter(|c| c.is_alphabetic()).count();
                let abbrev = (letters == 1
                    && word.chars().all(|c| c.is_alphabetic() && c.is_uppercase()))
                    || word.contains('.')
                    || ABBREVIATIONS.contains(&word);
                if abbrev {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        let word_end = compound_cut.unwrap_or(j);
        let word = &text[start..word_end];
        let rest = &text[j..];
        let possessive = rest.starts_with("'s") || rest.starts_with("’s");
        let gap = &text[gap_start..start];
        // Places joined by hyphens ("the China-Mongolia-Russia corridor") are each a name.
        if word.contains('-') && !PLACES.has_key(word) {
            let parts: Vec<&str> = word.split('-').collect();
            if parts.len() > 1 && parts.iter().all(|w| is_cap_token(w) && PLACES.has_key(w)) {
                let mut at = start;
                for (n, w) in parts.iter().enumerate() {
                    out.push(Tok {
                        text: w,
                        start: base + at,
                        end: base + at + w.len(),
                        cap: true,
                        sent_start: first && n == 0,
                        punct_before: n > 0 || gap.chars().any(|c| !c.is_whitespace()),
                        possessive: false,
                        breaks_after: true,
                        month_name: false,
                    });
                    at += w.len() + 1;
                }
                first = false;
                i = j;
                gap_start = i;
                continue;
            }
        }
        out.push(Tok {
            text: word,
            start: base + start,
            end: base + word_end,
            cap: is_cap_token(word),
            sent_start: first,
            punct_before: gap.chars().any(|c| !c.is_whitespace()),
            possessive,
            breaks_after: compound_cut.is_some(),
            month_name: false,
        });
        first = false;
        i = if possessive {
            j + rest.chars().take(2).map(char::len_utf8).sum::<usize>()
        } else {
            j
        };
        gap_start = i;
    }
}

/// A word in capitals of two letters or more ("PUT ON NOTICE").
fn is_shouted(word: &str) -> bool {
    word.chars().count() > 1 && !word.chars().any(char::is_lowercase)
}

/// A capitalised run of tokens (indices into the sentence's tokens).
type Span = std::ops::Range<usize>;

fn name_token(t: &Tok) -> bool {
    t.cap && (t.month_name || !CALENDAR.contains(&t.text))
}

/// Marks month names used as surnames: right after a title or a given name, and not before a
/// day number.
fn mark_month_names(toks: &mut [Tok]) {
    for i in 1..toks.len() {
        let prev = toks[i - 1];
        if toks[i].text == "May"
            && !toks[i].punct_before
            && (TITLES.contains(&prev.text) || FIRST_NAMES.has_key(prev.text))
            && !toks
                .get(i + 1)
                .is_some_and(|n| n.text.starts_with(|c: char| c.is_ascii_digit()))
        {
            toks[i].month_name = true;
        }
    }
}

/// The runs of name words of a sentence, into `out` (cleared first: one buffer serves every
/// sentence of an article).
fn spans(toks: &[Tok], out: &mut Vec<Span>) {
    out.clear();
    let mut i = 0;
    while i < toks.len() {
        // "9th Circuit Court of Appeals".
        let ordinal = {
            let t = toks[i].text;
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && matches!(&t[digits..], "st" | "nd" | "rd" | "th")
        } && toks
            .get(i + 1)
            .is_some_and(|t| name_token(t) && !t.punct_before);
        if !(name_token(&toks[i]) || ordinal) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut has_of = false;
        while j < toks.len()
            && !toks[j].punct_before
            && !toks[j - 1].breaks_after
            // A possessive ends a name, except inside one ("Sheriff's Office", "People's Party").
            && (!toks[j - 1].possessive || name_token(&toks[j]) && ORG_TAILS.contains(&toks[j].text))
        {
            // A capitalised function word starts the next sentence of text run together
            // ("... in Merseyside A Network Rail spokesman").
            if name_token(&toks[j])
                && !CONNECTORS.contains(&toks[j - 1].text)
                && FUNCTION.has_key(toks[j].text)
                && !FIRST_NAMES.has_key(toks[j].text)
                && !is_shouted(toks[j - 1].text)
                && !is_shouted(toks[j].text)
                && !toks[j].text.contains('.')
                && !TITLES.contains(&toks[j].text)
            {
                break;
            }
            if name_token(&toks[j]) {
                j += 1;
                continue;
            }
            // A connector joins only capitalised words on both sides.
            let w = toks[j].text;
            let next_ok = |k: usize| {
                toks.get(k)
                    .is_some_and(|n| name_token(n) && !n.punct_before)
            };
            // "and" joins inside a name with "of" ("Department of Health and Human Services")
            // or before an organisation's last word ("Ways and Means Committee").
            let org_ahead = || {
                let mut k = j + 1;
                while toks
                    .get(k)
                    .is_some_and(|n| name_token(n) && (k == j + 1 || !n.punct_before))
                {
                    k += 1;
                }
                k > j + 1 && ORG_TAILS.contains(&toks[k - 1].text)
            };
            let joins = CONNECTORS.contains(&w)
                && next_ok(j + 1)
                && (w != "and" || has_of || org_ahead())
                && (w != "the" || matches!(toks[j - 1].text, "of" | "for"));
            if joins {
                has_of |= w == "of" || w == "for";
                j += 2;
                continue;
            }
            if w == "of"
                && toks
                    .get(j + 1)
                    .is_some_and(|n| n.text == "the" && !n.punct_before)
                && next_ok(j + 2)
            {
                has_of = true;
                j += 3;
                continue;
            }
            break;
        }
        out.push(i..j);
        i = j;
    }
}

/// Last words that make a span an organisation.
static ORG_TAILS: WordSet = WordSet::new(&[
    "Ministry",
    "Department",
    "Agency",
    "Party",
    "Council",
    "Committee",
    "Commission",
    "University",
    "College",
    "School",
    "Academy",
    "Institute",
    "Institution",
    "Institutes",
    "Bank",
    "Court",
    "Association",
    "Union",
    "Organization",
    "Organisation",
    "Group",
    "Company",
    "Corporation",
    "Corp",
    "Corp.",
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "LLC",
    "PLC",
    "plc",
    "GmbH",
    "AG",
    "SA",
    "Airlines",
    "Airways",
    "Police",
    "police",
    "Army",
    "Navy",
    "Force",
    "Forces",
    "Service",
    "Services",
    "Office",
    "Foundation",
    "Federation",
    "Club",
    "News",
    "Times",
    "Post",
    "Journal",
    "Network",
    "Authority",
    "Board",
    "Bureau",
    "Parliament",
    "Senate",
    "Congress",
    "Assembly",
    "Cabinet",
    "Government",
    "Administration",
    "Center",
    "Centre",
    "Hospital",
    "Fund",
    "Trust",
    "Tribunal",
    "Coalition",
    "Alliance",
    "Movement",
    "Front",
    "Brigade",
    "Brigades",
    "Guard",
    "Guards",
    "Press",
    "Television",
    "TV",
    "Radio",
    "Broadcasting",
    "Channel",
    "Studios",
    "Records",
    "Motors",
    "Systems",
    "Technologies",
    "Technology",
    "Holdings",
    "Partners",
    "Capital",
    "Securities",
    "Pharmaceuticals",
    "Labs",
    "Media",
    "Caucus",
    "Society",
    "Church",
    "Consortium",
    "Initiative",
    "Team",
    "Squad",
    "Laboratory",
    "Observatory",
    "Enterprises",
    "Industries",
    "Mission",
    "Embassy",
    "Consulate",
    "Directorate",
    "Secretariat",
    "Chamber",
    "Exchange",
    "Reserve",
    "Gazette",
    "Herald",
    "Tribune",
    "Telegraph",
    "Guardian",
    "Observer",
    "Chronicle",
    "Daily",
    "Magazine",
    "Review",
    "Wire",
    "Co",
    "Co.",
    "Sharks",
    "United",
    "Rovers",
    "Wanderers",
    "Patriots",
    "Democrats",
    "Unionists",
    "Conservatives",
    "Socialists",
    "Liberals",
    "Greens",
    "Station",
    "Relief",
    "Watch",
    "International",
    "Global",
    "Rail",
    "Railways",
    "Energy",
    "Electric",
    "Insurance",
    "Solutions",
    "Software",
    "Games",
    "Entertainment",
    "Pictures",
    "Foods",
    "Brewing",
    "Mining",
    "Oil",
    "Gas",
    "Programme",
    "Program",
]);
/// First words that make a span an organisation ("Department of Justice", "Bank of England").
static ORG_HEADS: WordSet = WordSet::new(&[
    "Ministry",
    "Department",
    "Bank",
    "University",
    "Office",
    "Bureau",
    "Council",
    "Committee",
    "Commission",
    "Institute",
    "Board",
    "House",
    "Court",
    "Party",
    "Federation",
    "Association",
    "Union",
    "Friends",
    "Church",
    "Order",
    "Society",
    "Academy",
    "College",
    "Center",
    "Centre",
    "Agency",
    "Government",
    "Parliament",
    "Congress",
    "Americans",
    "Citizens",
    "Campaign",
    "Radio",
]);
/// Last words that make a span a place.
static PLACE_TAILS: WordSet = WordSet::new(&[
    "County",
    "City",
    "River",
    "Lake",
    "Island",
    "Islands",
    "Sea",
    "Ocean",
    "Mountains",
    "Mountain",
    "Mount",
    "Valley",
    "Province",
    "Region",
    "District",
    "Street",
    "Square",
    "Airport",
    "Dam",
    "Tower",
    "Towers",
    "Bridge",
    "Park",
    "Hotel",
    "Resort",
    "Stadium",
    "Arena",
    "Palace",
    "Castle",
    "Cathedral",
    "Beach",
    "Bay",
    "Gulf",
    "Peninsula",
    "Desert",
    "Strait",
    "Canal",
    "Avenue",
    "Road",
    "Boulevard",
    "Plaza",
    "Hill",
    "Hills",
    "Heights",
    "Coast",
    "Forest",
    "Falls",
    "Harbour",
    "Harbor",
    "Port",
    "Prison",
    "Jail",
    "Gaol",
    "Base",
    "Camp",
    "Border",
    "State",
    "Territory",
    "Oblast",
    "Prefecture",
    "Canyon",
    "Glacier",
    "Volcano",
    "Reef",
    "Wells",
    "Springs",
    "Village",
    "Town",
    "Township",
    "Borough",
    "Estate",
    "Gardens",
    "Mall",
    "Building",
    "Courthouse",
    "Wing",
    "Lane",
    "Quay",
    "Pier",
    "Dock",
    "Square",
    "Terminal",
    "Highway",
    "Motorway",
    "Tunnel",
    "Pass",
    "Plain",
    "Plateau",
    "Delta",
    "Basin",
    "Lagoon",
    "Fjord",
]);
static PLACE_HEADS: WordSet = WordSet::new(&[
    "Lake", "Mount", "Mt", "Mt.", "Port", "Fort", "Cape", "Gulf", "Isle", "Saint", "St", "St.",
    "Villa",
]);

/// Directions that, alone, stand for a place of the article ("the North" for North Korea).
static DIRECTIONS: WordSet = WordSet::new(&["north", "south", "east", "west"]);

/// `s` with each run of white space made one space (a name broken over a line reads as one).
fn squash_spaces(s: &str) -> Cow<'_, str> {
    // Most names are written with single spaces already: no copy for them.
    let mut after_space = true;
    let single = s.chars().all(|c| {
        let ok = !c.is_whitespace() || c == ' ' && !after_space;
        after_space = c.is_whitespace();
        ok
    });
    if single && (s.is_empty() || !after_space) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

fn last_word(s: &str) -> &str {
    match s.as_bytes().iter().rposition(|&b| b == b' ') {
        Some(at) => &s[at + 1..],
        None => s,
    }
}

/// `text.split(sep)` for a short ASCII separator, by a byte scan for its first byte: names and
/// paragraphs are shorter than a substring or char searcher takes to set up.
fn split_by_scan<'a>(text: &'a str, sep: &'static str) -> impl Iterator<Item = &'a str> {
    let sep_bytes = sep.as_bytes();
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        let (bytes, &first) = (r.as_bytes(), sep_bytes.first()?);
        let mut at = 0;
        while let Some(off) = bytes[at..].iter().position(|&b| b == first) {
            let i = at + off;
            if bytes[i..].starts_with(sep_bytes) {
                rest = Some(&r[i + sep.len()..]);
                return Some(&r[..i]);
            }
            at = i + 1;
        }
        rest = None;
        Some(r)
    })
}

/// The words of a name between its spaces, as `split(' ')` gives them.
fn space_split(text: &str) -> impl Iterator<Item = &str> {
    split_by_scan(text, " ")
}

/// A candidate name with what its context says about it.
#[derive(Debug, Clone)]
struct Candidate {
    text: String,
    start: usize,
    end: usize,
    words: usize,
    kind: Option<Kind>,
    /// Evidence from a lexicon (a known place, organisation or person).
    known: bool,
    /// Context evidence for a person (title, role word, speech verb).
    person_cue: bool,
    /// An acronym given in brackets right after it.
    acronym: Option<String>,
    /// A sentence-initial word no list knows: a mention only as a short form of a known name.
    weak: bool,
    /// The title or role given with the name ("president", "vice president", "spokesman").
    role: Option<String>,
}

/// Where `word` first stands between spaces in `text` (as `text.find(" word ")` answers), by
/// a scan of its bytes: a substring searcher costs more to set up than a name of a few words
/// takes to read.
fn find_spaced(text: &str, word: &str) -> Option<usize> {
    let (bytes, w) = (text.as_bytes(), word.as_bytes());
    (0..bytes.len()).find(|&i| {
        bytes[i] == b' '
            && bytes[i + 1..].starts_with(w)
            && bytes.get(i + 1 + w.len()) == Some(&b' ')
    })
}

/// The kind a name has by itself (lexicons and cue words), if any.
fn classify(text: &str, words: usize) -> Option<(Kind, bool)> {
    // The lists first: `Some(answer)` when one of them settles it.
    let listed = with_key(text, |k| {
        if DEMONYMS.contains(k) {
            Some(None)
        } else if ORGANIZATIONS.contains(k) {
            Some(Some((Kind::Organization, true)))
        } else if PLACES.contains(k) {
            Some(Some((Kind::Place, true)))
        } else if PEOPLE.contains(k) {
            Some(Some((Kind::Person, true)))
        } else {
            None
        }
    });
    if let Some(answer) = listed {
        return answer;
    }
    let first = space_split(text).next().unwrap_or(text);
    let last = last_word(text);
    // Where " of " first stands (once: most names have no "of").
    let of = find_spaced(text, "of");
    let for_at = || find_spaced(text, "for");
    if words >= 2 {
        if ORG_TAILS.contains(&last)
            || ORG_HEADS.contains(&first) && (of.is_some() || for_at().is_some())
        {
            return Some((Kind::Organization, false));
        }
        // "Tennessee Bureau of Investigation", "International Organization for Migration".
        let head = of.or_else(for_at).map(|at| &text[..at]);
        if let Some(head) = head
            && space_split(head).any(|w| ORG_TAILS.contains(&w) || ORG_HEADS.contains(&w))
        {
            return Some((Kind::Organization, false));
        }
        if PLACE_TAILS.contains(&last) || PLACE_HEADS.contains(&first) {
            return Some((Kind::Place, false));
        }
        // "Southern District of New York", "Province of Quebec".
        if let Some(head) = of.map(|at| &text[..at])
            && space_split(head).any(|w| PLACE_TAILS.contains(&w) || PLACE_HEADS.contains(&w))
        {
            return Some((Kind::Place, false));
        }
    }
    // An all-capitals word of 2 to 6 letters: an acronym, most often an organisation's.
    if words == 1
        && (2..=6).contains(&text.chars().filter(|c| c.is_alphabetic()).count())
        && text
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
        && !NOT_ACRONYMS.contains(&text)
    {
        return Some((Kind::Organization, false));
    }
    if (2..=4).contains(&words) && FIRST_NAMES.has_key(first) && of.is_none() {
        return Some((Kind::Person, false));
    }
    // A family name first ("Wang Shujin") or a known surname last ("Masood Hankin"), among words
    // that are all names.
    if (2..=3).contains(&words)
        && space_split(text).all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !TITLES.contains(&w)
                && with_key(w, |k| {
                    !COMMON_WORDS.contains(k) && !DEMONYMS.contains(k) && !PLACES.contains(k)
                })
        })
        && (FAMILY_FIRST.has_key(first) || SURNAMES.has_key(last) || PEOPLE.has_key(last))
    {
        return Some((Kind::Person, false));
    }
    None
}

/// Context around a span.
struct Around {
    person_cue: bool,
    speech_after: bool,
    /// After a locative preposition ("in Bowen", "near Proserpine") or with a place noun.
    locative: bool,
    /// With a place noun: "the town of Ayr", "the Bowen area".
    place_word: bool,
    /// A role word given with it ("leader Kim Jong Un", "Jane Doe, a lawyer for ...").
    role: Option<String>,
    /// Followed by a comma and a known place ("Bowen, Queensland").
    place_after: bool,
}

/// Prepositions that put a place after them.
static LOCATIVES: WordSet = WordSet::new(&[
    "in",
    "near",
    "outside",
    "across",
    "around",
    "throughout",
    "toward",
    "towards",
    "into",
    "inside",
]);

fn context(toks: &[Tok], p: &Span, phrase: &str, titled: bool, text: &str) -> Around {
    let before = p.start.checked_sub(1).map(|i| lower(toks[i].text));
    let after = toks.get(p.end).map(|t| lower(t.text));
    let after2 = toks.get(p.end + 1).map(|t| lower(t.text));
    let role_before = before.as_deref().is_some_and(|b| ROLE_WORDS.contains(&b));
    let speech = |w: Option<&str>| w.is_some_and(|a| SPEECH.contains(&a));
    let speech_after = speech(after.as_deref())
        || matches!(
            after.as_deref(),
            Some("also" | "has" | "had" | "then" | "later" | "previously")
        ) && speech(after2.as_deref());
    let speech_before = before
        .as_deref()
        .is_some_and(|b| matches!(b, "said" | "says" | "told" | "added" | "asked"));
    let known_other = with_key(phrase, |k| ORGANIZATIONS.contains(k) || PLACES.contains(k));
    let gap_after = |i: usize| -> &str {
        match (toks.get(i.wrapping_sub(1)), toks.get(i)) {
            (Some(a), Some(b)) => text[a.end..b.start].trim(),
            _ => "",
        }
    };
    // "Ziyed Ben Belgacem, who ...", "Belgacem, 39, a ...": someone.
    let described = after.as_deref() == Some("who") && gap_after(p.end) == ","
        || toks.get(p.end).is_some_and(|n| {
            gap_after(p.end) == ","
                && n.text.len() <= 3
                && n.text.chars().all(|c| c.is_ascii_digit())
                && text[n.end..].starts_with(',')
        });
    // "Jane Doe, the chief spokesman for ...", "John Roe, UN humanitarian chief, said".
    let appositive = if gap_after(p.end) == "," {
        toks[p.end..]
            .iter()
            .take(5)
            .enumerate()
            .take_while(|(n, t)| *n == 0 || !t.punct_before)
            .map(|(_, t)| t)
            .find(|t| !t.cap && ROLE_WORDS.contains(&t.text))
            .map(|t| t.text.to_string())
    } else {
        None
    };
    let described = described || appositive.is_some();
    let before2 = p.start.checked_sub(2).map(|i| lower(toks[i].text));
    // "the town of Ayr", "the Bowen area", "Orly airport".
    let place_word = before.as_deref() == Some("of")
        && before2.as_deref().is_some_and(|b| PLACE_NOUNS.contains(&b))
        || toks.get(p.end).is_some_and(|n| {
            !n.cap && gap_after(p.end).is_empty() && PLACE_NOUNS.contains(&n.text)
        });
    let locative = place_word || before.as_deref().is_some_and(|b| LOCATIVES.contains(&b));
    let place_after = toks.get(p.end).is_some_and(|n| {
        n.cap
            && text[toks[p.end - 1].end..n.start].trim() == ","
            && (PLACES.has_key(n.text)
                || toks.get(p.end + 1).is_some_and(|m| {
                    m.cap && !m.punct_before && PLACES.has_key(&text[n.start..m.end])
                }))
    });
    Around {
        person_cue: titled
            || role_before
            || (speech_after || speech_before || described) && !known_other,
        speech_after: speech_after && !known_other,
        locative,
        place_word,
        place_after,
        role: appositive.or(before
            .filter(|b| ROLE_WORDS.contains(b.as_ref()))
            .map(Cow::into_owned)),
    }
}

/// Common nouns for places, around a place's name ("the town of Ayr", "the Bowen area").
static PLACE_NOUNS: WordSet = WordSet::new(&[
    "town",
    "city",
    "village",
    "suburb",
    "district",
    "region",
    "province",
    "county",
    "area",
    "airport",
    "port",
    "island",
    "capital",
    "municipality",
    "commune",
    "state",
]);

/// Words that are never a person's name on their own, whatever verb follows them ("Officials
/// said", "Neighbours told", "Democrats argued").
fn never_a_person(word: &str, initial: bool) -> bool {
    let k = key(word);
    if DEMONYMS.contains(&k)
        || COMMON_WORDS.contains(&k)
        || ORG_TAILS.contains(&word)
        || PLACE_TAILS.contains(&word)
        || NOT_PERSONS.contains(&k.as_str())
        // The plural of a title ("MPs", "Senators") is a group, not someone.
        || word.strip_suffix('s').is_some_and(|w| TITLES.contains(&w))
    {
        return true;
    }
    let named = || SURNAMES.contains(&k) || PEOPLE.contains(&k) || FIRST_NAMES.contains(&k);
    // A sentence-initial adverb or plural noun ("Certainly", "Residents").
    initial
        && (k.ends_with("ly") || k.ends_with('s') && !k.ends_with("ss") && !k.ends_with("us"))
        && !named()
}

/// Plural and collective nouns that speak in news text.
static NOT_PERSONS: WordSet = WordSet::new(&[
    "officials",
    "official",
    "authorities",
    "police",
    "residents",
    "neighbours",
    "neighbors",
    "witnesses",
    "analysts",
    "experts",
    "critics",
    "investigators",
    "prosecutors",
    "lawmakers",
    "legislators",
    "sources",
    "observers",
    "scientists",
    "researchers",
    "doctors",
    "activists",
    "protesters",
    "protestors",
    "supporters",
    "opponents",
    "voters",
    "leaders",
    "members",
    "families",
    "parents",
    "students",
    "teachers",
    "workers",
    "employees",
    "fans",
    "players",
    "users",
    "customers",
    "people",
    "everyone",
    "nobody",
    "someone",
    "anyone",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "government",
    "ministry",
    "statement",
    "report",
    "reports",
    "study",
    "data",
    "figures",
    "polls",
    "survey",
]);

/// Emits the candidates of one part of a span (a name, or modifiers before a title).
/// Longest run of capitalised words read as one name: names are short ("Department of Health
/// and Human Services" is seven words), and the splitting below looks at every cut of a run.
const MAX_NAME_WORDS: usize = 12;

fn emit(toks: &[Tok], p: Span, titled: bool, text: &str, headline: bool, out: &mut Vec<Candidate>) {
    // A longer run is a title-case line or a list of names: each word on its own.
    if p.end - p.start > MAX_NAME_WORDS {
        for i in p {
            emit(toks, i..i + 1, false, text, headline, out);
        }
        return;
    }
    let mut p = p;
    let phrase_of = |p: &Span| squash_spaces(&text[toks[p.start].start..toks[p.end - 1].end]);
    // Group words at either end ("Republican Florida", "Alabama Republican"), unless they are
    // part of the name ("Russian Federation", "Scottish Conservative Party").
    // (The whole run's class, kept: most runs lose no word below and need it again.)
    let whole = (p.end - p.start > 1).then(|| {
        let phrase = phrase_of(&p);
        let class = classify(&phrase, p.end - p.start);
        (p.clone(), phrase, class)
    });
    let keeps_group = whole
        .as_ref()
        .is_some_and(|(_, _, c)| c.is_some_and(|(k, known)| known || k != Kind::Person));
    if p.end - p.start > 1 && !keeps_group {
        while p.end - p.start > 1 && DEMONYMS.has_key(toks[p.start].text) {
            p.start += 1;
        }
    }
    while p.end > p.start + 1 && DEMONYMS.has_key(toks[p.end - 1].text) {
        p.end -= 1;
    }
    // Letters after a name ("Jonas Hankin QC", "Jane Doe MP").
    while p.end - p.start > 2 && POST_NOMINALS.contains(&toks[p.end - 1].text) {
        p.end -= 1;
    }
    while p.end > p.start && !toks[p.end - 1].cap {
        p.end -= 1;
    }
    if p.start >= p.end {
        return;
    }
    let (phrase, whole_class) = match whole {
        Some((span, phrase, class)) if span == p => (phrase, Some(class)),
        _ => (phrase_of(&p), None),
    };
    let words = p.end - p.start;
    // Events, laws, storms: no entity (nor their parts: "Korean War", "Affordable Care Act").
    let tail = last_word(&phrase);
    // ... but a known place or organisation that names one is mentioned ("the Singapore Summit
    // Joint Statement").
    if words > 1 && NOT_ENTITY_TAILS.contains(&tail) {
        for cut in (p.start + 1..p.end).rev() {
            let head = p.start..cut;
            if classify(&phrase_of(&head), head.len()).is_some_and(|(_, known)| known) {
                emit(toks, head, false, text, headline, out);
                break;
            }
        }
    }
    if NOT_ENTITY_TAILS.contains(&tail)
        || words > 1
            && NOT_ENTITY_HEADS.contains(&toks[p.start].text)
            && !ORG_TAILS.contains(&tail)
            && !PLACE_TAILS.contains(&tail)
    {
        return;
    }
    // Two known names joined by "and" ("Department of Justice and Homeland Security").
    if let Some(and) = (p.start..p.end).find(|&i| matches!(toks[i].text, "and" | "&")) {
        let (l, r) = (p.start..and, and + 1..p.end);
        let known = |s: &Span| {
            !s.is_empty() && classify(&phrase_of(s), s.end - s.start).is_some_and(|(_, k)| k)
        };
        // ("Department of Health and Human Services" is one name.)
        let l_has_of = toks[l.clone()]
            .iter()
            .any(|t| matches!(t.text, "of" | "for"));
        if known(&r) || known(&l) && !l_has_of {
            emit(toks, l, titled, text, headline, out);
            emit(toks, r, false, text, headline, out);
            return;
        }
    }
    let mut class = whole_class.unwrap_or_else(|| classify(&phrase, words));
    // Someone of somewhere ("Smith of Slough"): two names.
    if words >= 3
        && class.is_none_or(|(k, known)| !known && k != Kind::Place)
        && let Some(of) = (p.start + 1..p.end - 1).find(|&i| toks[i].text == "of")
    {
        let mut r = of + 1..p.end;
        if toks[r.start].text == "the" {
            r.start += 1;
        }
        let head_is_org = toks[p.start..of].iter().any(|t| {
            ORG_TAILS.contains(&t.text)
                || ORG_HEADS.contains(&t.text)
                || PLACE_TAILS.contains(&t.text)
                || PLACE_HEADS.contains(&t.text)
        });
        let right = (!r.is_empty())
            .then(|| classify(&phrase_of(&r), r.len()))
            .flatten();
        // ... or a thing of an organisation ("the Code of the World Anti-Doping Agency").
        if !head_is_org
            && right.is_some_and(|(k, known)| known && k == Kind::Place || k == Kind::Organization)
        {
            emit(toks, p.start..of, titled, text, headline, out);
            emit(toks, r, false, text, headline, out);
            return;
        }
    }
    // A person's name after words that are no name ("Communications Hope Hicks", "Norway
    // Ivan Petrov"): the name starts at its first name; a known place or organisation before it
    // is an entity of its own. A name that starts with a given or family name is one name ("Nancy Jane Lewellyn", "Kim
    // Jong Un", "Ali Abdullah Saleh").
    let name_first = {
        let k = key(toks[p.start].text);
        FIRST_NAMES.contains(&k) || FAMILY_FIRST.contains(&k)
    };
    if words >= 3 && !name_first && class.is_none_or(|(k, known)| k == Kind::Person && !known) {
        if let Some(fi) = (p.start + 1..p.end - 1).find(|&i| FIRST_NAMES.has_key(toks[i].text)) {
            let head = p.start..fi;
            // A head that is a place or an organisation by itself ("Scottish Conservative
            // Party Richard Cook").
            let head_known = classify(&phrase_of(&head), head.end - head.start)
                .is_some_and(|(k, known)| known || k != Kind::Person);
            // Only words that are no name may go ("Communications Hope Hicks").
            let head_not_name = toks[head.clone()].iter().all(|t| {
                let k = key(t.text);
                COMMON_WORDS.contains(&k)
                    || TITLES.contains(&t.text)
                    || ORG_TAILS.contains(&t.text)
                    || ORG_HEADS.contains(&t.text)
            });
            if head_known || head_not_name {
                if head_known {
                    emit(toks, head, false, text, headline, out);
                }
                emit(toks, fi..p.end, titled, text, headline, out);
                return;
            }
        }
        for cut in p.start + 1..p.end - 1 {
            let head = p.start..cut;
            if classify(&phrase_of(&head), cut - p.start)
                .is_some_and(|(k, known)| known && k != Kind::Person)
            {
                emit(toks, head, false, text, headline, out);
                emit(toks, cut..p.end, titled, text, headline, out);
                return;
            }
        }
    }
    // A title-case headline line capitalises everything: only known names count there.
    if headline && !class.is_some_and(|(_, known)| known) {
        if words > 1 {
            for i in p.clone() {
                emit(toks, i..i + 1, false, text, headline, out);
            }
        }
        return;
    }
    let around = context(toks, &p, &phrase, titled, text);
    // A town the lists know is a place where the context says so ("in Bowen", "Slough,
    // Berkshire"); an unknown word with both cues is one too.
    if class.is_none() && !DEMONYMS.has_key(last_word(&phrase)) {
        let town = TOWNS.has_key(&phrase);
        let at_from = toks[..p.start]
            .last()
            .is_some_and(|b| matches!(b.text, "at" | "from"));
        if town && (around.locative || around.place_after || at_from) {
            class = Some((Kind::Place, true));
        } else if around.place_word || around.locative && around.place_after {
            class = Some((Kind::Place, false));
        } else if words == 1
            && DIRECTIONS.has_key(&phrase)
            && p.start > 0
            && toks[p.start - 1].text == "the"
        {
            // "the West", "the North": a region (or the article's country, resolved later).
            class = Some((Kind::Place, false));
        }
    }
    // Shouting in capitals ("READ MORE", "PUT ON NOTICE") that no list knows is no name.
    let all_caps = words > 1
        && phrase
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if all_caps && !class.is_some_and(|(_, known)| known) {
        return;
    }
    // A lone sentence-initial word ("Certainly", "Neighbours") is a name only if some list or a
    // title says so.
    let initial = toks[p.start].sent_start
        || toks[p.start].punct_before
            && matches!(
                text[..toks[p.start].start].trim_end().chars().last(),
                Some('"' | '“' | '‘' | '(' | '—' | '-' | ':')
            );
    // (A speech verb after it says it is someone: "Nauert also said", but not "Officials said".)
    let no_person = words == 1 && !titled && never_a_person(&phrase, initial);
    let speech_after = around.speech_after && !no_person;
    let person_cue = around.person_cue && !no_person;
    let weak =
        words == 1 && initial && !class.is_some_and(|(_, known)| known) && !titled && !speech_after;
    // "Germany's Angelique Kerber", "Britain's Theresa May": someone of a country.
    let of_country = p.start > 0
        && toks[p.start - 1].possessive
        && PLACES.has_key(toks[p.start - 1].text)
        && (2..=3).contains(&words);
    if class.is_none()
        && !weak
        && (person_cue || of_country)
        && !phrase.chars().any(|c| c.is_ascii_digit())
    {
        // A name with an organisation's word or acronym in it speaks for the organisation
        // ("Radio Ulster told", "Greenpeace EU said").
        let org_word = toks[p.clone()].iter().any(|t| {
            ORG_TAILS.contains(&t.text)
                || ORGANIZATIONS.has_key(t.text)
                || t.text.len() >= 2
                    && t.text.chars().all(|c| c.is_ascii_uppercase())
                    && !NOT_ACRONYMS.contains(&t.text)
        });
        class = Some((
            if org_word && !titled {
                Kind::Organization
            } else {
                Kind::Person
            },
            false,
        ));
    }
    let acronym = toks.get(p.end).filter(|n| {
        n.text.len() >= 2
            && n.text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
            && text[toks[p.end - 1].end..n.start].trim() == "("
    });
    out.push(Candidate {
        text: phrase.into_owned(),
        start: toks[p.start].start,
        end: toks[p.end - 1].end,
        words,
        kind: class.map(|(k, _)| k),
        known: class.is_some_and(|(_, k)| k),
        person_cue: person_cue && !weak,
        acronym: acronym.map(|a| a.text.to_string()),
        weak,
        role: around.role,
    });
}

/// Finds the candidates of one sentence.
fn sentence_candidates(toks: &[Tok], text: &str, runs: &mut Vec<Span>, out: &mut Vec<Candidate>) {
    // A title-case line ("Kislyak Is Not A Spy, Says Official"): no full stop, nearly every
    // word capitalised.
    let word_toks = toks
        .iter()
        .filter(|t| t.text.chars().any(char::is_alphabetic))
        .count();
    let caps = toks.iter().filter(|t| t.cap).count();
    let ends_stop = toks
        .last()
        .is_some_and(|t| text[t.end..].trim_start().starts_with('.'));
    let headline = word_toks >= 5 && caps * 10 >= word_toks * 8 && !ends_stop;
    spans(toks, runs);
    for span in runs.iter().cloned() {
        let mut s = span.clone();
        // Function words capitalised by their place ("The", "But", "In").
        while s.start < s.end {
            let t = &toks[s.start];
            let droppable = (t.sent_start || t.punct_before || s.start == span.start)
                && FUNCTION.has_key(t.text)
                && !t.text.contains('.')
                && !TITLES.contains(&t.text);
            let known_whole = || {
                with_key(&text[t.start..toks[s.end - 1].end], |k| {
                    PLACES.contains(k) || ORGANIZATIONS.contains(k)
                })
            };
            if droppable && !known_whole() {
                s.start += 1;
            } else {
                break;
            }
        }
        // A caption run into the next sentence ("Roger Federer In all, ...").
        while s.end > s.start + 1 && {
            let t = &toks[s.end - 1];
            !t.cap || FUNCTION.has_key(t.text) && !TITLES.contains(&t.text)
        } {
            s.end -= 1;
        }
        if s.start >= s.end || !toks[s.end - 1].cap {
            continue;
        }
        // Split at titles: modifiers | title words | name. A title word after "of"/"for" is
        // part of a name ("Department of Justice").
        // Nor is one before an organisation or place word ("Sheriff's Office", "Justice Department").
        let mut titled: Vec<bool> = (s.start..s.end)
            .map(|i| {
                is_title(toks[i].text)
                    && !(i > s.start && CONNECTORS.contains(&toks[i - 1].text))
                    && !toks.get(i + 1).is_some_and(|n| {
                        i + 1 < s.end
                            && (ORG_TAILS.contains(&n.text) || PLACE_TAILS.contains(&n.text))
                    })
            })
            .collect();
        // "Foreign", "Prime", "Former" are titles only before another title ("Foreign
        // Minister"), not in "China Foreign Affairs University".
        for n in (0..titled.len()).rev() {
            if titled[n] && TITLE_MODIFIERS.contains(&toks[s.start + n].text) {
                titled[n] = titled.get(n + 1).copied().unwrap_or(false);
            }
        }
        let (Some(f), Some(l)) = (
            titled.iter().position(|t| *t),
            titled.iter().rposition(|t| *t),
        ) else {
            emit(toks, s, false, text, headline, out);
            continue;
        };
        let (f, l) = (s.start + f, s.start + l);
        // A title's complement ("Secretary of State", "Minister for Trade").
        let mut name_start = l + 1;
        if name_start < s.end && matches!(toks[name_start].text, "of" | "for") {
            let from = name_start + 1;
            // The name starts at its first name ("Secretary of Homeland Security John Kelly"),
            // else it is the last two words of a long run ("Director of Strategic
            // Communications Hope Hicks"), else it follows a one-word complement.
            let first_name = (from + 1..s.end).find(|&i| FIRST_NAMES.has_key(toks[i].text));
            name_start = match first_name {
                Some(i) => i,
                None if s.end - from >= 4 => s.end - 2,
                None => (from + 1).min(s.end),
            };
            while name_start < s.end && is_title(toks[name_start].text) {
                name_start += 1;
            }
            // A complement that is itself a known name ("Homeland Security").
            if name_start > from + 1 {
                let c = from..name_start;
                let phrase = text[toks[c.start].start..toks[c.end - 1].end].to_string();
                if classify(&phrase, c.len()).is_some_and(|(k, known)| known && k != Kind::Person) {
                    emit(toks, c, false, text, headline, out);
                }
            }
        }
        while name_start < s.end && !toks[name_start].cap {
            name_start += 1;
        }
        let person_title = toks[f..=l]
            .iter()
            .any(|t| t.text.split('-').any(|w| PERSON_TITLES.contains(&w)));
        if s.start < f {
            emit(toks, s.start..f, false, text, headline, out);
        }
        if name_start < s.end {
            let from = out.len();
            emit(toks, name_start..s.end, person_title, text, headline, out);
            // "former Ukrainian President Viktor Yanukovich" is "the former president".
            let former = s.start > 0 && matches!(toks[s.start - 1].text, "former" | "ex");
            let role = former
                .then_some("former".to_string())
                .into_iter()
                .chain(
                    toks[f..=l]
                        .iter()
                        .map(|t| t.text.trim_end_matches('.').to_lowercase()),
                )
                .collect::<Vec<_>>()
                .join(" ");
            for c in &mut out[from..] {
                c.role = Some(role.clone());
            }
        }
    }
}

/// The paragraphs of a text, as `text.split("\n\n")` gives them.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    split_by_scan(text, "\n\n")
}

/// Recognises the entities of a text (paragraphs separated by blank lines).
pub fn recognise(text: &str) -> Found {
    recognise_with(text, None)
}

/// As [`recognise`], with the place of the article's dateline ("HOCHFILZEN, February 8 /TASS/"),
/// which is a place though no list knows it.
pub fn recognise_with(text: &str, dateline_place: Option<&str>) -> Found {
    // One candidate name per 50 to 60 bytes of news text: sized with room once instead of grown
    // (growing copies every candidate).
    let mut cands: Vec<Candidate> = Vec::with_capacity(text.len() / 40 + 4);
    let mut toks = Vec::new();
    let mut runs = Vec::new();
    let mut para_start = 0;
    for para in paragraphs(text) {
        for (s, e) in sentence_spans(para) {
            toks.clear();
            tokenize(&para[s..e], para_start + s, &mut toks);
            mark_month_names(&mut toks);
            sentence_candidates(&toks, text, &mut runs, &mut cands);
        }
        para_start += para.len() + 2;
    }
    if let Some(place) = dateline_place
        && let Some(start) = text
            .get(..300.min(text.len()))
            .and_then(|lead| lead.find(place))
    {
        let end = start + place.len();
        match cands.iter_mut().find(|c| c.start == start) {
            Some(c) => {
                c.kind = Some(Kind::Place);
                c.known = true;
                c.weak = false;
            }
            None => cands.push(Candidate {
                text: display_case(place),
                start,
                end,
                words: place.split_whitespace().count(),
                kind: Some(Kind::Place),
                known: true,
                person_cue: false,
                acronym: None,
                weak: false,
                role: None,
            }),
        }
    }
    resolve(cands)
}

/// "HOCHFILZEN" reads "Hochfilzen", "NEW YORK" "New York"; other spellings stay.
fn display_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if word_start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = !c.is_alphabetic();
    }
    out
}

/// Groups candidates into entities: full names first, then short forms resolved to them.
fn resolve(cands: Vec<Candidate>) -> Found {
    /// Votes per kind: a kind with none has no vote.
    #[derive(Default)]
    struct Votes([u32; 3]);
    impl Votes {
        const KINDS: [Kind; 3] = [Kind::Person, Kind::Place, Kind::Organization];
        /// A kind's slot (a match, so a new kind cannot be left without one).
        fn slot(k: Kind) -> usize {
            match k {
                Kind::Person => 0,
                Kind::Place => 1,
                Kind::Organization => 2,
            }
        }
        fn add(&mut self, k: Kind, n: u32) {
            self.0[Self::slot(k)] += n;
        }
        fn has(&self, k: Kind) -> bool {
            self.0[Self::slot(k)] > 0
        }
        /// The kind with most votes; of equal counts, the first kind.
        fn top(&self) -> Option<Kind> {
            Self::KINDS
                .into_iter()
                .filter(|k| self.has(*k))
                .max_by_key(|k| (self.0[Self::slot(*k)], std::cmp::Reverse(*k)))
        }
    }
    #[derive(Default)]
    struct Pending {
        text: String,
        /// The lookup key of `text` and its number of words, kept with it: short forms are
        /// matched against every person so far.
        text_key: String,
        text_words: usize,
        forms: Vec<String>,
        votes: Votes,
        mentions: Vec<(usize, usize)>,
        person_cue: bool,
        first_name: bool,
        roles: Vec<String>,
    }
    /// The entity among `candidates` mentioned last before `at` (the nearest antecedent), else
    /// the first mentioned after it.
    fn nearest(ents: &[Pending], candidates: &[usize], at: usize) -> Option<usize> {
        let last_before = |i: &usize| {
            ents[*i]
                .mentions
                .iter()
                .map(|m| m.0)
                .filter(|s| *s < at)
                .max()
        };
        candidates
            .iter()
            .copied()
            .filter(|i| last_before(i).is_some())
            .max_by_key(|i| last_before(i))
            .or_else(|| {
                candidates.iter().copied().min_by_key(|i| {
                    ents[*i]
                        .mentions
                        .iter()
                        .map(|m| m.0)
                        .min()
                        .unwrap_or(usize::MAX)
                })
            })
    }
    let mut ents: Vec<Pending> = Vec::new();
    let mut by_form: HashMap<String, usize> = HashMap::new();
    let form = |t: &str| super::lexicon::canonical(&key(t)).to_string();

    // Longest names first, so short forms find them.
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by_key(|i| (std::cmp::Reverse(cands[*i].words), cands[*i].start));
    let mut counted = vec![false; cands.len()];
    for &i in &order {
        let c = &cands[i];
        if c.words < 2 {
            // Single words wait until every longer name and its short forms are known.
            continue;
        }
        let f = form(&c.text);
        let existing = by_form.get(&f).copied().or_else(|| {
            // "Le Pen" after "Marine Le Pen", "Isgur Flores" after "Sarah Isgur Flores"; of two
            // such names, the one named last.
            let tail = format!(" {}", key(&c.text));
            let owners: Vec<usize> = (0..ents.len())
                .filter(|&e| {
                    ents[e].votes.has(Kind::Person)
                        && ents[e].text_words > c.words
                        && ents[e].text_key.ends_with(&tail)
                })
                .collect();
            nearest(&ents, &owners, c.start)
        });
        let idx = match existing {
            Some(idx) => idx,
            None => {
                ents.push(Pending {
                    text: c.text.clone(),
                    text_key: key(&c.text),
                    text_words: c.text.split(' ').count(),
                    forms: vec![f.clone()],
                    ..Default::default()
                });
                let idx = ents.len() - 1;
                by_form.insert(f.clone(), idx);
                if let Some(a) = &c.acronym {
                    let ak = form(a);
                    by_form.entry(ak.clone()).or_insert(idx);
                    ents[idx].forms.push(ak);
                }
                idx
            }
        };
        let e = &mut ents[idx];
        if let Some(k) = c.kind {
            e.votes.add(k, if c.known { 3 } else { 1 });
        }
        e.person_cue |= c.person_cue;
        if let Some(r) = &c.role
            && !e.roles.contains(r)
        {
            e.roles.push(r.clone());
        }
        e.first_name |= FIRST_NAMES.has_key(c.text.split(' ').next().unwrap_or(""));
        let words = c.text.split(' ').count();
        if words > e.text_words {
            e.text = c.text.clone();
            e.text_key = key(&c.text);
            e.text_words = words;
        }
        e.mentions.push((c.start, c.end));
        counted[i] = true;
    }
    // Short forms of people: surname and (for names such as Kim Jong Un, Moon Jae-in) family
    // name; of places: "the North" for North Korea.
    let mut short: HashMap<String, Vec<usize>> = HashMap::new();
    for (idx, e) in ents.iter().enumerate() {
        let words: Vec<&str> = e.text.split(' ').collect();
        let top = e.votes.top();
        let personish =
            top == Some(Kind::Person) || top.is_none() && (e.person_cue || e.first_name);
        let mut add = |w: &str| {
            let k = key(w);
            if k.chars().count() > 1 && !FUNCTION.contains(&k.as_str()) && !by_form.contains_key(&k)
            {
                let owners = short.entry(k).or_default();
                if !owners.contains(&idx) {
                    owners.push(idx);
                }
            }
        };
        if personish && words.len() >= 2 {
            add(words[0]);
            add(words[words.len() - 1]);
        }
        if e.votes.has(Kind::Place) && words.len() == 2 && DIRECTIONS.has_key(words[0]) {
            add(words[0]);
        }
        // Organisations by their initials ("WADA", "DUP") and their last word ("the
        // Commission" for the European Commission).
        if top == Some(Kind::Organization) && words.len() >= 2 {
            let initials: String = words
                .iter()
                .flat_map(|w| w.split('-'))
                .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
                .collect();
            if initials.chars().count() >= 3 {
                add(&initials);
            }
            let last = words[words.len() - 1];
            if ORG_TAILS.contains(&last) && last.chars().next().is_some_and(char::is_uppercase) {
                add(last);
            }
        }
    }
    // A short form two entities share ("Kim" of Kim Jong Un and Kim Yo Jong) names the one
    // mentioned last before it.
    let mut shared: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, owners) in short {
        if let [idx] = owners[..] {
            by_form.insert(k.clone(), idx);
            ents[idx].forms.push(k);
        } else {
            shared.insert(k, owners);
        }
    }
    // Single words: a short form of a known entity, else an entity of their own when their
    // kind is known (a person needs a list, a title, a role word or a speech verb).
    for &i in &order {
        let c = &cands[i];
        if c.words >= 2 || counted[i] {
            continue;
        }
        let f = form(&c.text);
        let idx = match by_form
            .get(&f)
            .copied()
            .or_else(|| shared.get(&f).and_then(|o| nearest(&ents, o, c.start)))
        {
            Some(idx) => idx,
            None if c.weak => continue,
            None => {
                let kind = c.kind.or(c.person_cue.then_some(Kind::Person));
                match kind {
                    Some(Kind::Person)
                        if !(c.known || c.person_cue || FIRST_NAMES.has_key(&c.text)) =>
                    {
                        continue;
                    }
                    Some(_) => {
                        ents.push(Pending {
                            text: c.text.clone(),
                            text_key: key(&c.text),
                            text_words: c.text.split(' ').count(),
                            forms: vec![f.clone()],
                            ..Default::default()
                        });
                        by_form.insert(f.clone(), ents.len() - 1);
                        ents.len() - 1
                    }
                    None => continue,
                }
            }
        };
        let e = &mut ents[idx];
        if let Some(k) = c.kind {
            // A short form's own lexicon kind is weak evidence for the full name's kind.
            e.votes.add(
                k,
                if e.mentions.is_empty() && c.known {
                    3
                } else {
                    1
                },
            );
        }
        e.person_cue |= c.person_cue;
        if let Some(r) = &c.role
            && !e.roles.contains(r)
        {
            e.roles.push(r.clone());
        }
        e.mentions.push((c.start, c.end));
    }
    // Kinds: the votes; a name with no vote but a person cue on any of its mentions is a person;
    // one with neither is dropped.
    let mut entities = Vec::new();
    let mut mentions = Vec::new();
    for e in ents {
        let kind = e
            .votes
            .top()
            .or((e.person_cue || e.first_name).then_some(Kind::Person));
        let Some(kind) = kind else { continue };
        let idx = entities.len();
        for (start, end) in &e.mentions {
            mentions.push(Mention {
                start: *start,
                end: *end,
                entity: idx,
            });
        }
        entities.push(FoundEntity {
            text: e.text,
            kind,
            count: e.mentions.len() as u32,
            forms: e.forms,
            roles: e.roles,
        });
    }
    mentions.sort_by_key(|m| m.start);
    Found { entities, mentions }
}

/// A capitalised word that is a title or an organisation's or place's kind ("President",
/// "Department", "International"), not a name.
pub fn is_org_or_title_word(word: &str) -> bool {
    ORG_OR_TITLE_WORDS.contains(&word)
}

/// The lists [`is_org_or_title_word`] asks, as one (the keyword scorer asks it of every
/// distinct word of an article).
static ORG_OR_TITLE_WORDS: WordSet =
    WordSet::union(&[&TITLES, &ORG_TAILS, &ORG_HEADS, &PLACE_TAILS]);

/// A title word, or titles joined by a hyphen ("Secretary-General", "Attorney-General").
fn is_title(word: &str) -> bool {
    TITLES.contains(&word) || word.contains('-') && word.split('-').all(|w| TITLES.contains(&w))
}

/// Title words that only qualify another title.
static TITLE_MODIFIERS: WordSet = WordSet::new(&[
    "Vice",
    "Prime",
    "Crown",
    "Foreign",
    "Defence",
    "Defense",
    "Interior",
    "Finance",
    "Trade",
    "Health",
    "Education",
    "Energy",
    "Economy",
    "Transport",
    "Home",
    "Labor",
    "Labour",
    "Agriculture",
    "Environment",
    "Culture",
    "Sports",
    "Former",
    "Acting",
    "Ex",
    "First",
    "Grand",
    "Supreme",
    "Managing",
    "Assistant",
    "Associate",
]);

/// Honours and offices written after a name.
static POST_NOMINALS: WordSet = WordSet::new(&[
    "QC", "KC", "SC", "MP", "MEP", "MSP", "MLA", "TD", "OBE", "MBE", "CBE", "KBE", "DBE", "PhD",
]);

/// Titles before a name (capitalised in the text).
static TITLES: WordSet = WordSet::new(&[
    "President",
    "Vice",
    "Secretary",
    "Minister",
    "Prime",
    "Sen.",
    "Senator",
    "Rep.",
    "Representative",
    "Gov.",
    "Governor",
    "Mayor",
    "Ambassador",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Sheikh",
    "Emir",
    "Ayatollah",
    "Chairman",
    "Chairwoman",
    "Chief",
    "Director",
    "Commissioner",
    "Judge",
    "Justice",
    "Deputy",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Speaker",
    "Leader",
    "Commander",
    "Gen.",
    "General",
    "Col.",
    "Colonel",
    "Lt.",
    "Lieutenant",
    "Maj.",
    "Major",
    "Capt.",
    "Captain",
    "Sgt.",
    "Sergeant",
    "Adm.",
    "Admiral",
    "Dr.",
    "Dr",
    "Mr.",
    "Mr",
    "Mrs.",
    "Mrs",
    "Ms.",
    "Ms",
    "Miss",
    "Prof.",
    "Professor",
    "Rev.",
    "Reverend",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Baroness",
    "Baron",
    "Coach",
    "Detective",
    "Inspector",
    "Constable",
    "Sheriff",
    "Prosecutor",
    "Attorney",
    "CEO",
    "Founder",
    "Archbishop",
    "Bishop",
    "Cardinal",
    "Father",
    "Officer",
    "Agent",
    "Adviser",
    "Advisor",
    "Counselor",
    "Envoy",
    "Congressman",
    "Congresswoman",
    "Councillor",
    "Councilman",
    "Councilwoman",
    "Lawmaker",
    "MP",
    "MEP",
    "Premier",
    "Crown",
    "Foreign",
    "Defence",
    "Defense",
    "Interior",
    "Finance",
    "Trade",
    "Health",
    "Education",
    "Energy",
    "Economy",
    "Transport",
    "Home",
    "Justice",
    "Labor",
    "Labour",
    "Agriculture",
    "Environment",
    "Culture",
    "Sports",
    "Executive",
    "Managing",
    "Senior",
    "Assistant",
    "Associate",
    "Acting",
    "Former",
    "Ex",
    "First",
    "Grand",
    "Supreme",
    "Head",
    "Coach",
    "Manager",
    "Striker",
    "Midfielder",
    "Goalkeeper",
    "Defender",
    "Forward",
    "Midfielder",
    "Star",
    "Singer",
    "Actor",
    "Actress",
    "Rapper",
]);
/// Titles that, alone before a name, make it a person ("President Trump", "Mr Kim").
static PERSON_TITLES: WordSet = WordSet::new(&[
    "President",
    "Secretary",
    "Minister",
    "Sen.",
    "Senator",
    "Rep.",
    "Gov.",
    "Governor",
    "Mayor",
    "Ambassador",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Sheikh",
    "Emir",
    "Ayatollah",
    "Chairman",
    "Chairwoman",
    "Director",
    "Commissioner",
    "Judge",
    "Spokesman",
    "Spokeswoman",
    "Speaker",
    "Leader",
    "Commander",
    "Gen.",
    "General",
    "Col.",
    "Lt.",
    "Maj.",
    "Capt.",
    "Sgt.",
    "Adm.",
    "Dr.",
    "Dr",
    "Mr.",
    "Mr",
    "Mrs.",
    "Mrs",
    "Ms.",
    "Ms",
    "Miss",
    "Prof.",
    "Professor",
    "Rev.",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Baroness",
    "Coach",
    "Detective",
    "Inspector",
    "Sheriff",
    "Prosecutor",
    "CEO",
    "Archbishop",
    "Bishop",
    "Cardinal",
    "Congressman",
    "Congresswoman",
    "Premier",
    "Officer",
    "Agent",
    "Envoy",
    "Lawmaker",
    "Attorney",
]);
/// Lower-case role words right before a name ("leader Kim Jong Un", "said spokesman Sean Spicer").
pub static ROLE_WORDS: WordSet = WordSet::new(&[
    "leader",
    "speaker",
    "president",
    "minister",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chief",
    "director",
    "chairman",
    "chairwoman",
    "coach",
    "manager",
    "captain",
    "officer",
    "analyst",
    "lawyer",
    "attorney",
    "prosecutor",
    "judge",
    "ambassador",
    "envoy",
    "commissioner",
    "commander",
    "general",
    "colonel",
    "sergeant",
    "chef",
    "founder",
    "author",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "professor",
    "researcher",
    "scientist",
    "economist",
    "expert",
    "adviser",
    "advisor",
    "aide",
    "deputy",
    "lawmaker",
    "legislator",
    "candidate",
    "activist",
    "actor",
    "actress",
    "singer",
    "rapper",
    "star",
    "player",
    "striker",
    "midfielder",
    "goalkeeper",
    "defender",
    "champion",
    "boss",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "dictator",
    "father",
    "mother",
    "son",
    "daughter",
    "wife",
    "husband",
    "brother",
    "sister",
    "widow",
    "parents",
    "sons",
    "daughters",
    "brothers",
    "sisters",
    "resident",
    "student",
    "teacher",
    "doctor",
    "nurse",
    "mp",
    "mep",
    "colleague",
    "rival",
    "opponent",
    "predecessor",
    "successor",
    "counterpart",
    "official",
    "executive",
    "ceo",
]);
/// Verbs of speech that make the name beside them a person.
static SPEECH: WordSet = WordSet::new(&[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "asked",
    "asks",
    "explained",
    "noted",
    "stated",
    "wrote",
    "writes",
    "tweeted",
    "argued",
    "insisted",
    "warned",
    "claimed",
    "claims",
    "admitted",
    "recalled",
    "replied",
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
    "believes",
    "thinks",
    "described",
    "called",
    "praised",
    "criticized",
    "criticised",
    "accused",
    "vowed",
    "pledged",
    "hopes",
    "hoped",
    "wants",
    "wanted",
    "met",
    "visited",
    "spoke",
    "speaks",
    "testified",
]);

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(text: &str) -> Vec<(String, &'static str, u32)> {
        let f = recognise(text);
        let mut v: Vec<(String, &'static str, u32)> = f
            .entities
            .iter()
            .map(|e| (e.text.clone(), e.kind.as_str(), e.count))
            .collect();
        v.sort();
        v
    }

    fn has(v: &[(String, &'static str, u32)], text: &str, kind: &str) -> bool {
        v.iter().any(|(t, k, _)| t == text && *k == kind)
    }

    #[test]
    fn titles_split_and_short_forms_resolve() {
        let v = ents(
            "U.S. Secretary of State Mike Pompeo said on Monday North Korean leader Kim Jong Un was ready. Pompeo met Kim in Pyongyang. \"It went well,\" Pompeo said.",
        );
        assert!(has(&v, "Mike Pompeo", "person"), "{v:?}");
        assert!(has(&v, "Kim Jong Un", "person"), "{v:?}");
        assert!(has(&v, "U.S.", "place"), "{v:?}");
        assert!(has(&v, "Pyongyang", "place"), "{v:?}");
        let pompeo = v.iter().find(|e| e.0 == "Mike Pompeo").unwrap();
        assert_eq!(pompeo.2, 3);
        assert!(!v.iter().any(|e| e.0.contains("Korean")), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "Pompeo" || e.0 == "Kim"), "{v:?}");
    }

    #[test]
    fn organisations_and_places_by_cues() {
        let v = ents(
            "The Department of Justice and the Tennessee Bureau of Investigation said the Shelby County Sheriff's Office had acted. The International Organization for Migration (IOM) helped. IOM said more.",
        );
        assert!(has(&v, "Department of Justice", "organization"), "{v:?}");
        assert!(
            has(&v, "Tennessee Bureau of Investigation", "organization"),
            "{v:?}"
        );
        assert!(
            has(
                &v,
                "International Organization for Migration",
                "organization"
            ),
            "{v:?}"
        );
        assert!(!v.iter().any(|e| e.0 == "IOM"), "acronym resolves: {v:?}");
    }

    #[test]
    fn speech_verbs_make_people_and_common_words_do_not() {
        let v = ents(
            "Nauert also said she could not comment. However, the talks went on. \"It is bad,\" said Klinger. The North has refused.",
        );
        assert!(has(&v, "Nauert", "person"), "{v:?}");
        assert!(has(&v, "Klinger", "person"), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "However" || e.0 == "The"), "{v:?}");
    }

    /// AP style: party tags after lawmakers, a state capital dateline-free lead.
    #[test]
    fn party_tags_and_us_politics() {
        let v = ents(
            "Sen. Mike Crapo (R-Idaho) said the Senate Banking Committee would hold hearings. Crapo added that the Federal Reserve had been consulted. Rep. Maxine Waters, D-Calif., disagreed.",
        );
        assert!(has(&v, "Mike Crapo", "person"), "{v:?}");
        assert!(has(&v, "Maxine Waters", "person"), "{v:?}");
        assert!(has(&v, "Federal Reserve", "organization"), "{v:?}");
        assert!(has(&v, "Senate Banking Committee", "organization"), "{v:?}");
        let crapo = v.iter().find(|e| e.0 == "Mike Crapo").map(|e| e.2);
        assert_eq!(crapo, Some(2), "{v:?}");
        assert!(!v.iter().any(|e| e.0.contains("R-Idaho")), "{v:?}");
    }

    /// Guardian and BBC style: appositive roles and "Mr" short forms.
    #[test]
    fn appositives_and_honorifics() {
        let v = ents(
            "The prime minister, Boris Johnson, told MPs the plan would work. Mr Johnson said Downing Street had listened. Labour's leader, Keir Starmer, called it a mess.",
        );
        assert!(has(&v, "Boris Johnson", "person"), "{v:?}");
        assert!(has(&v, "Keir Starmer", "person"), "{v:?}");
        let johnson = v.iter().find(|e| e.0 == "Boris Johnson").map(|e| e.2);
        assert_eq!(johnson, Some(2), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "Mr Johnson"), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "MPs"), "{v:?}");
        let found = recognise(
            "The prime minister, Boris Johnson, told MPs the plan would work. Mr Johnson said Downing Street had listened.",
        );
        let boris = found.entities.iter().find(|e| e.text == "Boris Johnson");
        assert!(
            boris.is_some_and(|e| e.roles.iter().any(|r| r.contains("minister"))),
            "{:?}",
            found.entities
        );
    }

    /// Reuters style: companies by their legal suffix, small towns by their context.
    #[test]
    fn companies_and_towns_by_context() {
        let v = ents(
            "Shares of Acme Robotics Inc rose after the company opened a plant in Bowen, Queensland. Flooding hit residents of Bowen on Tuesday.",
        );
        assert!(has(&v, "Acme Robotics Inc", "organization"), "{v:?}");
        assert!(has(&v, "Bowen", "place"), "{v:?}");
        assert!(has(&v, "Queensland", "place"), "{v:?}");
        assert!(!v.iter().any(|e| e.0 == "Tuesday"), "{v:?}");
    }

    /// Nationality words are no entities, alone or in front of a name; countries are places.
    #[test]
    fn demonyms_are_not_entities() {
        let v = ents(
            "German Chancellor Angela Merkel met French officials in Berlin. The Germans and the French agreed. Germany will pay.",
        );
        assert!(has(&v, "Angela Merkel", "person"), "{v:?}");
        assert!(has(&v, "Berlin", "place"), "{v:?}");
        assert!(has(&v, "Germany", "place"), "{v:?}");
        assert!(
            !v.iter()
                .any(|e| ["German", "French", "Germans"].contains(&e.0.as_str())),
            "{v:?}"
        );
    }

    proptest::proptest! {
        /// The byte scans split a name as `split` and `rsplit` do.
        #[test]
        fn space_splits_are_split(text in "( |a|é|\\PC){0,30}") {
            proptest::prop_assert_eq!(
                space_split(&text).collect::<Vec<_>>(),
                text.split(' ').collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(last_word(&text), text.rsplit(' ').next().unwrap_or(&text));
        }

        /// The byte scan finds a spaced word where the substring search does.
        #[test]
        fn spaced_words_are_found_as_by_find(text in "(of|for|o|f| |\\PC){0,40}") {
            for word in ["of", "for"] {
                proptest::prop_assert_eq!(find_spaced(&text, word), text.find(&format!(" {word} ")));
            }
        }

        /// The byte scan splits where `split("\n\n")` does, runs of breaks included.
        #[test]
        fn paragraphs_are_split_on_blank_lines(s in "[a\n ]{0,20}") {
            proptest::prop_assert_eq!(
                paragraphs(&s).collect::<Vec<_>>(),
                s.split("\n\n").collect::<Vec<_>>()
            );
        }

        /// Borrowing a name that is already single-spaced gives what squashing it would.
        #[test]
        fn squash_spaces_is_split_and_join(s in "[ a\t\n\u{a0}\u{2003}é]{0,12}") {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = squash_spaces(&s);
            proptest::prop_assert_eq!(got.as_ref(), want.as_str());
        }

        /// Any text in any script: no panic, and every entity is text of the input (or its
        /// display form) with a count of at least one.
        #[test]
        fn never_panics_and_names_come_from_the_text(text in "\\PC{0,500}") {
            let found = recognise(&text);
            for e in &found.entities {
                proptest::prop_assert!(e.count >= 1);
                proptest::prop_assert!(!e.text.is_empty());
            }
            let _ = found.to_record();
            let _ = found.ranked();
        }
    }

    /// Linear in the text: a long run of capitalised words and many short sentences finish
    /// (timings live in the benches).
    #[test]
    fn hostile_shapes_finish() {
        let caps = "Alpha Beta Gamma ".repeat(20_000);
        let sentences = "Pompeo said. ".repeat(20_000);
        let quotes = "\"A\" said Kim. ".repeat(10_000);
        for t in [caps, sentences, quotes] {
            let _ = recognise(&t);
        }
    }
}
