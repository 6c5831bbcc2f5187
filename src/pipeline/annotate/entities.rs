//! Named entities (person, place, organization) without a statistical model: capitalised spans,
//! split at titles ("U.S. Secretary of State Mike Pompeo" gives U.S. and Mike Pompeo), classified
//! by gazetteers, organisation and place cue words, titles and honorifics, first names and
//! reporting-verb contexts, then resolved within the article (a surname, or the family name of an
//! East Asian name, is the full name mentioned elsewhere; an acronym in brackets is its name).
//!
//! Nationality and group words ("North Korean", "Democrats") are not entities.

use super::lexicon::{DEMONYMS, FIRST_NAMES, ORGANIZATIONS, PLACES, key};
use crate::pipeline::segment::sentence_spans;
use crate::record::Entity;
use std::collections::HashMap;

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
}

impl Found {
    pub fn to_record(&self) -> Vec<Entity> {
        let mut order: Vec<usize> = (0..self.entities.len()).collect();
        // Most mentioned first, then first mentioned.
        let first: HashMap<usize, usize> = self
            .mentions
            .iter()
            .rev()
            .map(|m| (m.entity, m.start))
            .collect();
        order.sort_by_key(|i| {
            (
                std::cmp::Reverse(self.entities[*i].count),
                first.get(i).copied().unwrap_or(usize::MAX),
            )
        });
        order
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
}

/// Lower-case words that may sit inside a name ("Bank of England", "Charles de Gaulle").
const CONNECTORS: &[&str] = &[
    "of", "for", "the", "de", "da", "di", "du", "des", "del", "della", "van", "von", "der", "den",
    "bin", "ibn", "al", "el", "le", "la", "y", "and", "&",
];

/// Function words that are capitalised only because a sentence starts with them; dropped from
/// the front of a name candidate.
const FUNCTION: &[&str] = &[
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
];

/// Day and month names: never inside a name.
const CALENDAR: &[&str] = &[
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
];

/// Last words of events, laws, documents, prizes and products: not entities (SPEC conventions).
const NOT_ENTITY_TAILS: &[&str] = &[
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
];
/// First words of named storms and the like.
const NOT_ENTITY_HEADS: &[&str] = &[
    "Cyclone",
    "Hurricane",
    "Typhoon",
    "Storm",
    "Tropical",
    "Operation",
];

/// All-capitals words that are no organisation.
const NOT_ACRONYMS: &[&str] = &[
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
];

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

const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj", "Adm",
    "Prof", "Rev", "Jr", "Sr", "St", "Mt", "Corp", "Inc", "Ltd", "Co", "Ft",
];

/// Words of a sentence with offsets (relative to the whole text).
fn tokenize<'a>(text: &'a str, base: usize, out: &mut Vec<Tok<'a>>) {
    let mut i = 0;
    let mut first = true;
    let mut gap_start = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut j = i;
        let mut compound_cut: Option<usize> = None;
        while j < text.len() {
            let Some(d) = text[j..].chars().next() else {
                break;
            };
            if d.is_alphanumeric() || d == '&' && j > start {
                j += d.len_utf8();
                continue;
            }
            let after = &text[j + d.len_utf8()..];
            let next = after.chars().next();
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
                // "Geneva-based", "Paris-born": the name is before the hyphen.
                if d == '-'
                    && next.is_some_and(char::is_lowercase)
                    && text[start..j]
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                    && compound_cut.is_none()
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
        out.push(Tok {
            text: word,
            start: base + start,
            end: base + word_end,
            cap: is_cap_token(word),
            sent_start: first,
            punct_before: gap.chars().any(|c| !c.is_whitespace()),
            possessive,
            breaks_after: compound_cut.is_some(),
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

/// A capitalised run of tokens (indices into the sentence's tokens).
type Span = std::ops::Range<usize>;

fn name_token(t: &Tok) -> bool {
    t.cap && !CALENDAR.contains(&t.text)
}

fn spans(toks: &[Tok]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let ordinal = toks[i]
            .text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
            && toks[i].text.ends_with(['h', 't', 'd'])
            && toks
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
            let joins = CONNECTORS.contains(&w)
                && next_ok(j + 1)
                && (w != "and" && w != "&" || has_of || w == "&")
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
    out
}

/// Last words that make a span an organisation.
const ORG_TAILS: &[&str] = &[
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
];
/// First words that make a span an organisation ("Department of Justice", "Bank of England").
const ORG_HEADS: &[&str] = &[
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
];
/// Last words that make a span a place.
const PLACE_TAILS: &[&str] = &[
    "County",
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
];
const PLACE_HEADS: &[&str] = &[
    "Lake", "Mount", "Mt", "Mt.", "Port", "Fort", "Cape", "Gulf", "Isle", "Saint", "St", "St.",
    "Villa",
];

/// Directions that, alone, stand for a place of the article ("the North" for North Korea).
const DIRECTIONS: &[&str] = &["north", "south", "east", "west"];

fn last_word(s: &str) -> &str {
    s.rsplit(' ').next().unwrap_or(s)
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
}

/// The kind a name has by itself (lexicons and cue words), if any.
fn classify(text: &str, words: usize) -> Option<(Kind, bool)> {
    let k = key(text);
    if DEMONYMS.contains(&k) {
        return None;
    }
    if ORGANIZATIONS.contains(&k) {
        return Some((Kind::Organization, true));
    }
    if PLACES.contains(&k) {
        return Some((Kind::Place, true));
    }
    if super::lexicon::PEOPLE.contains(&k) {
        return Some((Kind::Person, true));
    }
    let first = text.split(' ').next().unwrap_or(text);
    let last = last_word(text);
    if words >= 2 {
        if ORG_TAILS.contains(&last)
            || ORG_HEADS.contains(&first) && (text.contains(" of ") || text.contains(" for "))
        {
            return Some((Kind::Organization, false));
        }
        // "Tennessee Bureau of Investigation", "International Organization for Migration".
        let head = text
            .split(" of ")
            .next()
            .filter(|_| text.contains(" of "))
            .or_else(|| {
                text.split(" for ")
                    .next()
                    .filter(|_| text.contains(" for "))
            });
        if let Some(head) = head
            && head
                .split(' ')
                .any(|w| ORG_TAILS.contains(&w) || ORG_HEADS.contains(&w))
            {
                return Some((Kind::Organization, false));
            }
        if PLACE_TAILS.contains(&last) || PLACE_HEADS.contains(&first) {
            return Some((Kind::Place, false));
        }
    }
    // An all-capitals word of 2 to 6 letters: an acronym, most often an organisation's.
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if words == 1
        && (2..=6).contains(&letters.len())
        && letters.iter().all(|c| c.is_uppercase())
        && !NOT_ACRONYMS.contains(&text)
    {
        return Some((Kind::Organization, false));
    }
    if (2..=4).contains(&words) && FIRST_NAMES.contains(&key(first)) && !text.contains(" of ") {
        return Some((Kind::Person, false));
    }
    None
}

/// Context around a span.
struct Around {
    person_cue: bool,
    speech_after: bool,
}

fn context(toks: &[Tok], p: &Span, phrase: &str, titled: bool) -> Around {
    let before = p.start.checked_sub(1).map(|i| toks[i].text.to_lowercase());
    let after = toks.get(p.end).map(|t| t.text.to_lowercase());
    let after2 = toks.get(p.end + 1).map(|t| t.text.to_lowercase());
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
    let known_other = ORGANIZATIONS.contains(&key(phrase)) || PLACES.contains(&key(phrase));
    Around {
        person_cue: titled || role_before || (speech_after || speech_before) && !known_other,
        speech_after: speech_after && !known_other,
    }
}

/// Emits the candidates of one part of a span (a name, or modifiers before a title).
fn emit(toks: &[Tok], p: Span, titled: bool, text: &str, headline: bool, out: &mut Vec<Candidate>) {
    let mut p = p;
    // Group words at either end ("Republican Florida", "Alabama Republican").
    while p.end > p.start && (DEMONYMS.contains(&key(toks[p.start].text)) && p.end - p.start > 1) {
        p.start += 1;
    }
    while p.end > p.start + 1 && DEMONYMS.contains(&key(toks[p.end - 1].text)) {
        p.end -= 1;
    }
    while p.end > p.start && !toks[p.end - 1].cap {
        p.end -= 1;
    }
    if p.start >= p.end {
        return;
    }
    let phrase_of = |p: &Span| -> String {
        text[toks[p.start].start..toks[p.end - 1].end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let phrase = phrase_of(&p);
    let words = p.end - p.start;
    // Events, laws, storms: no entity (nor their parts: "Korean War", "Affordable Care Act").
    if NOT_ENTITY_TAILS.contains(&last_word(&phrase))
        || words > 1 && NOT_ENTITY_HEADS.contains(&toks[p.start].text)
    {
        return;
    }
    // Two known names joined by "and" ("Department of Justice and Homeland Security").
    if let Some(and) = (p.start..p.end).find(|&i| matches!(toks[i].text, "and" | "&")) {
        let (l, r) = (p.start..and, and + 1..p.end);
        let known = |s: &Span| {
            !s.is_empty() && classify(&phrase_of(s), s.end - s.start).is_some_and(|(_, k)| k)
        };
        if known(&l) || known(&r) {
            emit(toks, l, titled, text, headline, out);
            emit(toks, r, false, text, headline, out);
            return;
        }
    }
    let mut class = classify(&phrase, words);
    // A person's name after words that are no name ("Communications Hope Hicks", "Norway Teimuraz
    // Ramishvili"): the name starts at its first name; a known place or organisation before it
    // is an entity of its own.
    if words >= 3 && class.is_none_or(|(k, known)| k == Kind::Person && !known) {
        if let Some(fi) =
            (p.start + 1..p.end - 1).find(|&i| FIRST_NAMES.contains(&key(toks[i].text)))
        {
            let head = p.start..fi;
            if classify(&phrase_of(&head), head.end - head.start).is_some_and(|(_, k)| k) {
                emit(toks, head, false, text, headline, out);
            }
            emit(toks, fi..p.end, titled, text, headline, out);
            return;
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
    let around = context(toks, &p, &phrase, titled);
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
    // (A speech verb after it says it is someone: "Nauert also said".)
    if words == 1
        && initial
        && !class.is_some_and(|(_, known)| known)
        && !titled
        && !around.speech_after
    {
        return;
    }
    if class.is_none() && around.person_cue && !phrase.chars().any(|c| c.is_ascii_digit()) {
        class = Some((Kind::Person, false));
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
        text: phrase,
        start: toks[p.start].start,
        end: toks[p.end - 1].end,
        words,
        kind: class.map(|(k, _)| k),
        known: class.is_some_and(|(_, k)| k),
        person_cue: around.person_cue,
        acronym: acronym.map(|a| a.text.to_string()),
    });
}

/// Finds the candidates of one sentence.
fn sentence_candidates(toks: &[Tok], text: &str, out: &mut Vec<Candidate>) {
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
    for span in spans(toks) {
        let mut s = span.clone();
        // Function words capitalised by their place ("The", "But", "In").
        while s.start < s.end {
            let t = &toks[s.start];
            let droppable = (t.sent_start || t.punct_before || s.start == span.start)
                && FUNCTION.contains(&key(t.text).as_str())
                && !t.text.contains('.')
                && !TITLES.contains(&t.text);
            let known_whole = PLACES.contains(&key(&text[t.start..toks[s.end - 1].end]))
                || ORGANIZATIONS.contains(&key(&text[t.start..toks[s.end - 1].end]));
            if droppable && !known_whole {
                s.start += 1;
            } else {
                break;
            }
        }
        while s.end > s.start && !toks[s.end - 1].cap {
            s.end -= 1;
        }
        if s.start >= s.end {
            continue;
        }
        // Split at titles: modifiers | title words | name. A title word after "of"/"for" is
        // part of a name ("Department of Justice").
        // Nor is one before an organisation or place word ("Sheriff's Office", "Justice Department").
        let titled: Vec<bool> = (s.start..s.end)
            .map(|i| {
                TITLES.contains(&toks[i].text)
                    && !(i > s.start && CONNECTORS.contains(&toks[i - 1].text))
                    && !toks.get(i + 1).is_some_and(|n| {
                        i + 1 < s.end
                            && (ORG_TAILS.contains(&n.text) || PLACE_TAILS.contains(&n.text))
                    })
            })
            .collect();
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
            name_start = (name_start + 2).min(s.end);
            while name_start < s.end && TITLES.contains(&toks[name_start].text) {
                name_start += 1;
            }
        }
        while name_start < s.end && !toks[name_start].cap {
            name_start += 1;
        }
        let person_title = toks[f..=l].iter().any(|t| PERSON_TITLES.contains(&t.text));
        if s.start < f {
            emit(toks, s.start..f, false, text, headline, out);
        }
        if name_start < s.end {
            emit(toks, name_start..s.end, person_title, text, headline, out);
        }
    }
}

/// Recognises the entities of a text (paragraphs separated by blank lines).
pub fn recognise(text: &str) -> Found {
    let mut cands: Vec<Candidate> = Vec::new();
    let mut toks = Vec::new();
    let mut para_start = 0;
    for para in text.split("\n\n") {
        for (s, e) in sentence_spans(para) {
            toks.clear();
            tokenize(&para[s..e], para_start + s, &mut toks);
            sentence_candidates(&toks, text, &mut cands);
        }
        para_start += para.len() + 2;
    }
    resolve(cands)
}

/// Groups candidates into entities: full names first, then short forms resolved to them.
fn resolve(cands: Vec<Candidate>) -> Found {
    #[derive(Default)]
    struct Pending {
        text: String,
        forms: Vec<String>,
        votes: HashMap<Kind, u32>,
        mentions: Vec<(usize, usize)>,
        person_cue: bool,
        first_name: bool,
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
            // "Le Pen" after "Marine Le Pen", "Isgur Flores" after "Sarah Isgur Flores".
            (c.words >= 2).then(|| {
                ents.iter().position(|e| {
                    e.votes.contains_key(&Kind::Person)
                        && e.text.split(' ').count() > c.words
                        && key(&e.text).ends_with(&format!(" {}", key(&c.text)))
                })
            })?
        });
        let idx = match existing {
            Some(idx) => idx,
            None => {
                ents.push(Pending {
                    text: c.text.clone(),
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
            *e.votes.entry(k).or_insert(0) += if c.known { 3 } else { 1 };
        }
        e.person_cue |= c.person_cue;
        e.first_name |= FIRST_NAMES.contains(&key(c.text.split(' ').next().unwrap_or("")));
        if c.text.split(' ').count() > e.text.split(' ').count() {
            e.text = c.text.clone();
        }
        e.mentions.push((c.start, c.end));
        counted[i] = true;
    }
    // Short forms of people: surname and (for names such as Kim Jong Un, Moon Jae-in) family
    // name; of places: "the North" for North Korea.
    let mut short: HashMap<String, Option<usize>> = HashMap::new();
    for (idx, e) in ents.iter().enumerate() {
        let words: Vec<&str> = e.text.split(' ').collect();
        let top = e
            .votes
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .map(|(k, _)| *k);
        let personish =
            top == Some(Kind::Person) || top.is_none() && (e.person_cue || e.first_name);
        let mut add = |w: &str| {
            let k = key(w);
            if k.chars().count() > 1 && !FUNCTION.contains(&k.as_str()) && !by_form.contains_key(&k)
            {
                let slot = short.entry(k).or_insert(Some(idx));
                if *slot != Some(idx) {
                    *slot = None; // ambiguous between two entities
                }
            }
        };
        if personish && words.len() >= 2 {
            add(words[0]);
            add(words[words.len() - 1]);
        }
        if e.votes.contains_key(&Kind::Place)
            && words.len() == 2
            && DIRECTIONS.contains(&key(words[0]).as_str())
        {
            add(words[0]);
        }
    }
    for (k, v) in short {
        if let Some(idx) = v {
            by_form.insert(k.clone(), idx);
            ents[idx].forms.push(k);
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
        let idx = match by_form.get(&f) {
            Some(&idx) => idx,
            None => {
                let kind = c.kind.or(c.person_cue.then_some(Kind::Person));
                match kind {
                    Some(Kind::Person)
                        if !(c.known || c.person_cue || FIRST_NAMES.contains(&key(&c.text))) =>
                    {
                        continue;
                    }
                    Some(_) => {
                        ents.push(Pending {
                            text: c.text.clone(),
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
            *e.votes.entry(k).or_insert(0) += if e.mentions.is_empty() && c.known {
                3
            } else {
                1
            };
        }
        e.person_cue |= c.person_cue;
        e.mentions.push((c.start, c.end));
    }
    // Kinds: the votes; a name with no vote but a person cue on any of its mentions is a person;
    // one with neither is dropped.
    let mut entities = Vec::new();
    let mut mentions = Vec::new();
    for e in ents {
        let kind = e
            .votes
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .map(|(k, _)| *k)
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
        });
    }
    mentions.sort_by_key(|m| m.start);
    Found { entities, mentions }
}

/// Titles before a name (capitalised in the text).
const TITLES: &[&str] = &[
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
];
/// Titles that, alone before a name, make it a person ("President Trump", "Mr Kim").
const PERSON_TITLES: &[&str] = &[
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
];
/// Lower-case role words right before a name ("leader Kim Jong Un", "said spokesman Sean Spicer").
pub const ROLE_WORDS: &[&str] = &[
    "leader",
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
];
/// Verbs of speech that make the name beside them a person.
const SPEECH: &[&str] = &[
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
];

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
}
