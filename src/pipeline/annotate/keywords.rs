//! Keywords: up to ten characteristic terms or phrases, best first, by YAKE-style statistics
//! over the text itself (no corpus needed): a term scores for appearing often, early, in many
//! sentences and capitalised mid-sentence, and candidate phrases are runs of up to three
//! content words that start and end with no function word of the language. Named entities the
//! recogniser found are candidates too, under their fullest name ("Pompeo" counts for "Mike
//! Pompeo"). Words every news story uses (days, months, "said") are no keywords, and a keyword
//! that only repeats a word of a better one is left out. Languages without a stopword list get
//! their entities.

use super::entities::FoundEntity;
use super::lexicon::{DEMONYMS, WordSet, key, key_into};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::sync::LazyLock;

static STOPWORDS: LazyLock<FxHashMap<&'static str, FxHashSet<&'static str>>> =
    LazyLock::new(|| {
        include_str!("../../../config/data/stopwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(':'))
            .map(|(lang, words)| (lang.trim(), words.split_whitespace().collect()))
            .collect()
    });

/// Most keywords returned (SPEC).
pub const MAX: usize = 10;

/// Words of English news that characterise no story: dates, reporting verbs, counting words.
static NEWS_WORDS: WordSet = WordSet::new(&[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "asked",
    "according",
    "year",
    "years",
    "week",
    "weeks",
    "month",
    "months",
    "day",
    "days",
    "time",
    "times",
    "today",
    "yesterday",
    "tomorrow",
    "including",
    "also",
    "would",
    "could",
    "new",
    "last",
    "first",
    "one",
    "two",
    "three",
    "four",
    "five",
    "percent",
    "per",
    "cent",
    "mr",
    "mrs",
    "ms",
    "dr",
    "told",
    "just",
    "like",
    "may",
    "will",
    "can",
    "many",
    "much",
    "well",
    "still",
    "even",
    "back",
    "get",
    "got",
    "make",
    "made",
    "take",
    "took",
    "going",
    "way",
    "lot",
    "thing",
    "things",
    "people",
]);

/// Bits of [`WORD_LISTS`]: which lists a word's key is in.
const NEWS: u8 = 1;
const DEMONYM: u8 = 2;
const ROLE: u8 = 4;

/// [`NEWS_WORDS`], the demonyms and the role words as one map to the lists each key is in:
/// every distinct word of an article asks all three, so one lookup answers them.
static WORD_LISTS: LazyLock<FxHashMap<&'static str, u8>> = LazyLock::new(|| {
    let mut lists: FxHashMap<&'static str, u8> = FxHashMap::default();
    let demonyms = DEMONYMS.iter().map(String::as_str);
    for (words, bit) in [
        (NEWS_WORDS.words(), NEWS),
        (demonyms.collect(), DEMONYM),
        (super::entities::ROLE_WORDS.words(), ROLE),
    ] {
        for w in words {
            *lists.entry(w).or_default() |= bit;
        }
    }
    lists
});

/// `ln(n)`, looked up for the lengths words have: the scorer asks it of every distinct word.
fn ln_of_count(n: usize) -> f64 {
    static SMALL: LazyLock<[f64; 32]> = LazyLock::new(|| std::array::from_fn(|n| (n as f64).ln()));
    SMALL.get(n).copied().unwrap_or_else(|| (n as f64).ln())
}

fn is_word(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().any(|c| c.is_alphabetic())
}

/// What the tokenizer sees: a word (with its byte offset), or the end of a clause or of a
/// sentence.
enum Token<'a> {
    Word(usize, &'a str),
    Clause,
    Sentence,
}

/// What a char is to the tokenizer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// Letters, digits, hyphens and apostrophes.
    Word,
    Sentence,
    Clause,
    Other,
}

fn char_class(c: char) -> CharClass {
    match c {
        '-' | '\'' | '’' => CharClass::Word,
        '.' | '!' | '?' | '\n' | ';' | ':' => CharClass::Sentence,
        ',' | '(' | ')' | '"' | '“' | '”' | '—' | '–' => CharClass::Clause,
        c if c.is_alphanumeric() => CharClass::Word,
        _ => CharClass::Other,
    }
}

/// [`char_class`] of every ASCII byte, looked up instead of matched.
static ASCII_CLASS: [CharClass; 128] = {
    let mut table = [CharClass::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        table[b] = if c.is_ascii_alphanumeric() || c == '-' || c == '\'' {
            CharClass::Word
        } else if matches!(c, '.' | '!' | '?' | '\n' | ';' | ':') {
            CharClass::Sentence
        } else if matches!(c, ',' | '(' | ')' | '"') {
            CharClass::Clause
        } else {
            CharClass::Other
        };
        b += 1;
    }
    table
};

/// Calls `f` for each word (letters, digits, inner hyphens and apostrophes) and each clause or
/// sentence boundary of `text`, in one pass. ASCII is classed by a table a byte at a time; only
/// other chars are decoded (news prose is nearly all ASCII).
fn for_each_token<'a>(text: &'a str, mut f: impl FnMut(Token<'a>)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0;
    // The text ends as if at a line break.
    while i <= bytes.len() {
        let (class, len) = match bytes.get(i) {
            None => (CharClass::Sentence, 1),
            Some(&b) if b.is_ascii() => (ASCII_CLASS[usize::from(b)], 1),
            Some(_) => match text[i..].chars().next() {
                Some(c) => (char_class(c), c.len_utf8()),
                None => break,
            },
        };
        if class == CharClass::Word {
            start.get_or_insert(i);
            i += len;
            continue;
        }
        if let Some(s) = start.take() {
            let edge = |c: char| c == '\'' || c == '’' || c == '-';
            let w = text[s..i].trim_start_matches(edge);
            let t = w.trim_end_matches(edge);
            if !t.is_empty() {
                f(Token::Word(i - w.len(), t));
            }
        }
        match class {
            CharClass::Sentence => f(Token::Sentence),
            CharClass::Clause => f(Token::Clause),
            CharClass::Word | CharClass::Other => {}
        }
        i += len;
    }
}

/// One distinct word of the text.
struct Word<'a> {
    surface: &'a str,
    count: f64,
    first: usize,
    /// Sentences it occurs in (counted once each).
    sentences: u32,
    last_sentence: usize,
    caps: f64,
    /// A stopword, news word, number or contraction: it breaks phrases.
    stop: bool,
    /// A nationality or group word ("Korean").
    demonym: bool,
    /// A title, role or organisation word ("President", "Department").
    title: bool,
    /// Written with a capital.
    cap: bool,
}

/// A candidate phrase of one to three words (word ids), with how often it occurs and where first.
#[derive(Clone, Copy)]
struct Phrase {
    count: f64,
    /// Token index of its first occurrence.
    at: usize,
}

/// A candidate keyword: (score, first token, words, entity index).
type Scored = (f64, usize, usize, Option<usize>);

/// Keywords of a text in language `lang`, with the entities found in it (most mentioned first)
/// as extra candidates.
///
/// Linear in the text: each distinct word is interned once and phrases are keyed by word ids.
pub fn extract(text: &str, lang: Option<&str>, entities: &[FoundEntity]) -> Vec<String> {
    let Some(stop) = lang.and_then(|l| STOPWORDS.get(l)) else {
        return entities.iter().take(MAX).map(|e| e.text.clone()).collect();
    };
    let english = lang == Some("en");
    // The text in ASCII lower case, made once: the key of a word in plain ASCII (no dots: a
    // dot ends a token) is the same stretch of it, with nothing to fold or copy.
    let lower = text.to_ascii_lowercase();
    // Keyed by the article's own words: a hasher seeded per process, so no text crafted
    // offline can make it collide.
    let mut ids: foldhash::HashMap<Cow<str>, u32> =
        foldhash::HashMap::with_capacity_and_hasher(text.len() / 8, Default::default());
    // Sized for news prose (a distinct word per 8-12 bytes, a token or break per 4-5) so that
    // neither grows: growing copies the whole vector.
    let mut words: Vec<Word> = Vec::with_capacity(text.len() / 8);
    // Tokens of the text in order: (word id, surface); `None` breaks a phrase.
    let mut toks: Vec<Option<(u32, &str)>> = Vec::with_capacity(text.len() / 3);
    let mut sentence = 0usize;
    let mut first_in_sentence = true;
    let mut pos = 0usize;
    let mut buf = String::new();
    for_each_token(text, |ev| {
        let (at, t) = match ev {
            Token::Sentence => {
                sentence += 1;
                first_in_sentence = true;
                if toks.last().is_some_and(Option::is_some) {
                    toks.push(None);
                }
                return;
            }
            Token::Clause => {
                if toks.last().is_some_and(Option::is_some) {
                    toks.push(None);
                }
                return;
            }
            Token::Word(at, t) => (at, t),
        };
        pos += 1;
        let plain = t.is_ascii().then(|| lower.get(at..at + t.len())).flatten();
        let k: &str = match plain {
            Some(k) => k,
            None => {
                key_into(t, &mut buf);
                &buf
            }
        };
        let id = match ids.get(k) {
            Some(&id) => id,
            None => {
                // "I'm", "he's", "don't": a function word with its contraction (a plain
                // loop: short words, and a char searcher is dear to set up).
                let contracted = k.bytes().position(|b| b == b'\'').is_some_and(|at| {
                    let w = &k[..at];
                    stop.contains(w) || w.ends_with('n')
                });
                let listed = WORD_LISTS.get(k).copied().unwrap_or(0);
                let is_stop = stop.contains(k)
                    || contracted
                    || english && listed & NEWS != 0
                    || !is_word(t)
                    || t.chars().all(|c| c.is_numeric());
                let id = words.len() as u32;
                words.push(Word {
                    surface: t,
                    count: 0.0,
                    first: pos,
                    sentences: 0,
                    last_sentence: usize::MAX,
                    caps: 0.0,
                    stop: is_stop,
                    // (Read only for words of phrases, which are no stopwords.)
                    demonym: !is_stop && listed & DEMONYM != 0,
                    title: !is_stop
                        && (listed & ROLE != 0 || super::entities::is_org_or_title_word(t)),
                    cap: t.chars().next().is_some_and(char::is_uppercase),
                });
                ids.insert(
                    plain.map_or_else(|| Cow::Owned(k.to_string()), Cow::Borrowed),
                    id,
                );
                id
            }
        };
        let w = &mut words[id as usize];
        if w.stop {
            if toks.last().is_some_and(Option::is_some) {
                toks.push(None);
            }
        } else {
            w.count += 1.0;
            if w.last_sentence != sentence {
                w.sentences += 1;
                w.last_sentence = sentence;
            }
            if !first_in_sentence && t.chars().next().is_some_and(char::is_uppercase) {
                w.caps += 1.0;
            }
            toks.push(Some((id, t)));
        }
        first_in_sentence = false;
    });
    toks.push(None);
    let content = words.iter().filter(|w| !w.stop).count();
    if content == 0 {
        return entities.iter().take(MAX).map(|e| e.text.clone()).collect();
    }
    let mean = words
        .iter()
        .filter(|w| !w.stop)
        .map(|w| w.count)
        .sum::<f64>()
        / content as f64;
    // The tokenizer ends the text with a sentence boundary, so `sentence` counts them all.
    let n_sent = sentence.max(1) as f64;
    // Word relevance (higher is better).
    let relevance: Vec<f64> = words
        .iter()
        .map(|w| {
            if w.stop {
                return 0.0;
            }
            let freq = w.count / (mean + 1.0);
            let spread = f64::from(w.sentences) / n_sent;
            let early = 1.0 / (1.0 + (w.first as f64).ln_1p() / 4.0);
            let case = w.caps / w.count;
            (freq + spread) * early * (1.0 + case) * ln_of_count(w.surface.chars().count())
        })
        .collect();

    // Candidate phrases: runs of one to three content words.
    let mut phrases: FxHashMap<[u32; 3], Phrase> =
        FxHashMap::with_capacity_and_hasher(toks.len() * 2, Default::default());
    let mut run_start = 0;
    for i in 0..=toks.len() {
        if toks.get(i).is_some_and(Option::is_some) {
            continue;
        }
        for start in run_start..i {
            for n in 1..=3.min(i - start) {
                let mut k = [u32::MAX; 3];
                for (j, slot) in k.iter_mut().enumerate().take(n) {
                    *slot = toks[start + j].map_or(u32::MAX, |(id, _)| id);
                }
                phrases
                    .entry(k)
                    .or_insert(Phrase {
                        count: 0.0,
                        at: start,
                    })
                    .count += 1.0;
            }
        }
        run_start = i + 1;
    }
    let surface_of = |at: usize, n: usize| -> String {
        let mut out = String::new();
        for (_, s) in toks[at..at + n].iter().flatten() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s);
        }
        out
    };

    // Every form of an entity counts for its fullest name (forms of up to three words, as
    // phrases are).
    let mut entity_of: FxHashMap<[u32; 3], usize> = FxHashMap::default();
    let mut part_key = String::new();
    let mut form_ids = |form: &str| -> Option<[u32; 3]> {
        let mut k = [u32::MAX; 3];
        let mut parts = form.split(' ');
        for slot in k.iter_mut() {
            let Some(part) = parts.next() else { break };
            key_into(part, &mut part_key);
            *slot = *ids.get(part_key.as_str())?;
        }
        (parts.next().is_none() && k[0] != u32::MAX).then_some(k)
    };
    for (i, e) in entities.iter().enumerate() {
        for f in std::iter::once(e.text.as_str()).chain(e.forms.iter().map(String::as_str)) {
            if let Some(k) = form_ids(f) {
                entity_of.entry(k).or_insert(i);
            }
        }
    }

    let mean_relevance = |k: &[u32]| -> f64 {
        let known: (f64, usize) = k
            .iter()
            .filter_map(|id| relevance.get(*id as usize))
            .fold((0.0, 0), |(s, n), r| (s + r, n + 1));
        if known.1 == 0 {
            0.0
        } else {
            known.0 / known.1 as f64
        }
    };
    // Entities gather the counts of all their forms: entity index -> (count, words of its
    // fullest name).
    let mut entity_counts: FxHashMap<usize, f64> = FxHashMap::default();
    // Surfaces are built only for the winners.
    let mut scored: Vec<Scored> = Vec::with_capacity(phrases.len() + entities.len());
    // A phrase's key, built in one buffer for all phrases.
    let mut whole = String::new();
    for (k, ph) in &phrases {
        let n = k.iter().take_while(|x| **x != u32::MAX).count();
        if let Some(&i) = entity_of.get(k) {
            *entity_counts.entry(i).or_insert(0.0) += ph.count;
            continue;
        }
        let ws = [
            &words[k[0] as usize],
            words.get(k[1] as usize).unwrap_or(&words[k[0] as usize]),
            words.get(k[2] as usize).unwrap_or(&words[k[0] as usize]),
        ];
        let ws = &ws[..n];
        // A nationality or group word, alone or opening a phrase, says little ("North Korean
        // statements").
        if ws[0].demonym && (n == 1 || ph.count < 3.0) {
            continue;
        }
        // A title or role ("President", "Department") names no topic, nor does a phrase it
        // runs into ("President jumped"); a phrase changes case only after its first word
        // ("Alleged rape", not "informed European").
        if ws.iter().any(|w| w.title) {
            continue;
        }
        if n > 1 && (ws[1..].iter().any(|w| w.cap != ws[1].cap) || !ws[0].cap && ws[1].cap) {
            continue;
        }
        if n > 1 && ws.iter().all(|w| w.cap) && {
            whole.clear();
            for w in ws {
                if !whole.is_empty() {
                    whole.push(' ');
                }
                key_into(w.surface, &mut part_key);
                whole.push_str(&part_key);
            }
            DEMONYMS.contains(whole.as_str())
        } {
            continue;
        }
        // Phrases must recur to beat their words.
        let phrase_bonus = if n > 1 {
            (ph.count - 1.0).max(0.0) * 0.5
        } else {
            0.0
        };
        let single_penalty = if n == 1 && ph.count < 2.0 { 0.5 } else { 1.0 };
        let score = (mean_relevance(&k[..n]) + phrase_bonus) * single_penalty;
        if score > 0.0 {
            scored.push((score, ph.at, n, None));
        }
    }
    for (i, count) in entity_counts {
        let e = &entities[i];
        let ek: Vec<u32> = e
            .text
            .split(' ')
            .filter_map(|part| {
                key_into(part, &mut part_key);
                ids.get(part_key.as_str()).copied()
            })
            .collect();
        let phrase_bonus = if ek.len() > 1 {
            (count - 1.0).max(0.0) * 0.5
        } else {
            0.0
        };
        let single_penalty = if ek.len() <= 1 && count < 2.0 {
            0.5
        } else {
            1.0
        };
        // The most mentioned entities are what the story is about.
        let entity_bonus = 1.0 + f64::from(e.count).ln_1p() / 2.0;
        let score = (mean_relevance(&ek) + phrase_bonus) * single_penalty + entity_bonus;
        scored.push((score, 0, 0, Some(i)));
    }
    // Best first. No two candidates tie on all four fields (a phrase is one start and length,
    // an entity one index), so an unstable order is the same order.
    let best_first = |a: &Scored, b: &Scored| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.3.cmp(&b.3))
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    };
    // Only the first few candidates are ever read: order those, and the rest only if the
    // first run out (most articles have thousands of candidate phrases).
    let head = (MAX * 8).min(scored.len());
    if head < scored.len() {
        scored.select_nth_unstable_by(head - 1, best_first);
    }
    scored[..head].sort_unstable_by(best_first);
    let mut out: Vec<String> = Vec::new();
    let mut used: FxHashSet<String> = FxHashSet::default();
    // Names take at most six places, so that the story's subject terms show too.
    let others = scored.iter().filter(|c| c.3.is_none()).count();
    let mut names = 0;
    for i in 0..scored.len() {
        if i == head {
            scored[head..].sort_unstable_by(best_first);
        }
        let (_, at, n, entity) = scored[i];
        let is_entity = entity.is_some();
        if is_entity && names >= 6 && others > out.len() - names {
            continue;
        }
        // Each word characterises once: skip a term whose words a better one already used
        // ("North Korean leader" after "North Korea" and "Kim Jong Un").
        let surface = match entity {
            Some(i) => entities[i].text.clone(),
            None => surface_of(at, n),
        };
        let k = key(&surface);
        let stem = |w: &str| w.trim_end_matches("'s").trim_end_matches('s').to_string();
        let parts: Vec<String> = k.split(' ').map(stem).collect();
        if parts.iter().any(|w| used.contains(w)) {
            continue;
        }
        used.extend(parts);
        names += usize::from(is_entity);
        out.push(surface);
        if out.len() == MAX {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characteristic_terms_first() {
        let text = "The harbour plan was approved by the council. The harbour plan costs 48 million. \
                    Residents said the harbour would change the town. The council will vote again on the ferry terminal.";
        let k = extract(text, Some("en"), &[]);
        assert!(k.len() <= MAX);
        assert!(
            k.iter().any(|x| x.to_lowercase().contains("harbour")),
            "{k:?}"
        );
        assert!(!k.iter().any(|x| x.eq_ignore_ascii_case("the")), "{k:?}");
    }

    /// A word is one candidate however it is cased or accented, whether its key comes from the
    /// text's lower-case copy (plain ASCII) or from folding (accents, curly apostrophes).
    #[test]
    fn spellings_of_a_word_are_one_candidate() {
        let text = "The café opened early. Later the Café closed its doors. Crowds outside the CAFÉ \
                    grew. The harbour was quiet; the Harbour pilots slept. HARBOUR fees rose.";
        let k = extract(text, Some("en"), &[]);
        let cafe = k
            .iter()
            .filter(|x| x.to_lowercase().contains("caf"))
            .count();
        let harbour = k
            .iter()
            .filter(|x| x.to_lowercase().split(' ').any(|w| w == "harbour"))
            .count();
        assert_eq!((cafe, harbour), (1, 1), "{k:?}");
        // Counted together, each word's three mentions put it above every word said once.
        let top: Vec<String> = k.iter().take(2).map(|x| x.to_lowercase()).collect();
        assert!(
            top.iter().any(|x| x.contains("caf")) && top.iter().any(|x| x.contains("harbour")),
            "{k:?}"
        );
    }

    #[test]
    fn languages_without_stopwords_get_entities() {
        let beijing = FoundEntity {
            text: "北京".into(),
            kind: super::super::entities::Kind::Place,
            count: 1,
            forms: vec!["北京".into()],
            roles: Vec::new(),
        };
        assert_eq!(
            extract("北京是首都", Some("zh"), &[beijing]),
            vec!["北京".to_string()]
        );
        assert!(extract("", Some("en"), &[]).is_empty());
    }

    /// Entities count under their fullest name, and news words (days, "said") are no keywords.
    #[test]
    fn entities_under_full_names_and_no_news_words() {
        let text = "Mike Pompeo said on Monday the talks in Pyongyang went well. Pompeo said denuclearization talks would go on. Pompeo met Kim Jong Un. Kim said denuclearization was possible.";
        let found = super::super::entities::recognise(text);
        let k = extract(text, Some("en"), &found.ranked());
        assert!(k.contains(&"Mike Pompeo".to_string()), "{k:?}");
        assert!(!k.contains(&"Pompeo".to_string()), "{k:?}");
        assert!(k.iter().any(|x| x == "denuclearization"), "{k:?}");
        assert!(
            !k.iter()
                .any(|x| x.eq_ignore_ascii_case("said") || x == "Monday"),
            "{k:?}"
        );
    }

    /// A German text gets German stopwords, not English ones.
    #[test]
    fn other_languages_use_their_stopwords() {
        let text = "Die Regierung hat den Haushalt beschlossen. Der Haushalt sieht höhere Ausgaben für die Bahn vor. Die Bahn soll schneller werden.";
        let k = extract(text, Some("de"), &[]);
        assert!(k.iter().any(|x| x == "Haushalt" || x == "Bahn"), "{k:?}");
        assert!(!k.iter().any(|x| x.eq_ignore_ascii_case("die")), "{k:?}");
    }

    /// The char walk `for_each_token` replaced: the oracle of its byte walk.
    fn tokens_by_chars(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), '\n')))
        {
            if c.is_alphanumeric() || c == '-' || c == '\'' || c == '’' {
                start.get_or_insert(i);
                continue;
            }
            if let Some(s) = start.take() {
                let edge = |c: char| c == '\'' || c == '’' || c == '-';
                let w = text[s..i].trim_start_matches(edge);
                let t = w.trim_end_matches(edge);
                if !t.is_empty() {
                    out.push(format!("{}:{t}", i - w.len()));
                }
            }
            match c {
                '.' | '!' | '?' | '\n' | ';' | ':' => out.push("S".into()),
                ',' | '(' | ')' | '"' | '“' | '”' | '—' | '–' => out.push("C".into()),
                _ => {}
            }
        }
        out
    }

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_token(text, |t| {
            out.push(match t {
                Token::Word(at, w) => format!("{at}:{w}"),
                Token::Clause => "C".into(),
                Token::Sentence => "S".into(),
            })
        });
        out
    }

    /// The one map answers as the three lists it was made from, for every word of each.
    #[test]
    fn word_lists_answer_as_their_lists() {
        let roles = super::super::entities::ROLE_WORDS.words();
        let all = NEWS_WORDS
            .words()
            .into_iter()
            .chain(DEMONYMS.iter().map(String::as_str))
            .chain(roles.iter().copied())
            .chain(["harbour", "korea", "ministry", ""]);
        for w in all {
            let listed = WORD_LISTS.get(w).copied().unwrap_or(0);
            assert_eq!(listed & NEWS != 0, NEWS_WORDS.contains(w), "{w}");
            assert_eq!(listed & DEMONYM != 0, DEMONYMS.contains(w), "{w}");
            assert_eq!(listed & ROLE != 0, roles.contains(&w), "{w}");
        }
        assert_eq!(WORD_LISTS.get("said").copied(), Some(NEWS));
        assert_eq!(WORD_LISTS.get("korean").copied(), Some(DEMONYM));
    }

    #[test]
    fn looked_up_logarithms_are_the_computed_ones() {
        for n in 0..100usize {
            assert_eq!(ln_of_count(n).to_bits(), (n as f64).ln().to_bits(), "{n}");
        }
    }

    #[test]
    fn the_ascii_table_is_the_char_classes() {
        for b in 0u8..128 {
            assert!(
                ASCII_CLASS[usize::from(b)] == char_class(char::from(b)),
                "{b}"
            );
        }
    }

    #[test]
    fn tokens_of_mixed_scripts() {
        let text = "Ça va — l’été 2024: “Kim’s” co-op, 東京… 'twas done-";
        assert_eq!(tokens(text), tokens_by_chars(text));
        // An apostrophe inside a word keeps it whole.
        assert!(
            tokens(text).contains(&"11:l’été".to_string()),
            "{:?}",
            tokens(text)
        );
    }

    proptest::proptest! {
        /// Any text: no panic, at most ten keywords, each taken from the text.
        #[test]
        fn never_panics_and_keywords_come_from_the_text(text in "\\PC{0,500}") {
            let found = super::super::entities::recognise(&text);
            let k = extract(&text, Some("en"), &found.ranked());
            proptest::prop_assert!(k.len() <= MAX);
            for w in &k {
                proptest::prop_assert!(!w.is_empty());
            }
        }

        /// Reading ASCII bytewise finds the words and breaks the char walk finds.
        #[test]
        fn byte_walk_is_the_char_walk(text in "(\\PC|[a-z .,'’-]){0,200}") {
            proptest::prop_assert_eq!(tokens(&text), tokens_by_chars(&text));
        }
    }
}
