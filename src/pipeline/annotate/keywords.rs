//! Keywords: up to ten characteristic terms or phrases, best first, by YAKE-style statistics
//! over the text itself (no corpus needed): a term scores for appearing often, early, in many
//! sentences and capitalised mid-sentence, and candidate phrases are runs of up to three
//! content words that start and end with no function word of the language. Named entities the
//! recogniser found are candidates too, under their fullest name ("Pompeo" counts for "Mike
//! Pompeo"). Words every news story uses (days, months, "said") are no keywords, and a keyword
//! that only repeats a word of a better one is left out. Languages without a stopword list get
//! their entities.

use super::entities::FoundEntity;
use super::lexicon::{DEMONYMS, key};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static STOPWORDS: LazyLock<HashMap<&'static str, HashSet<&'static str>>> = LazyLock::new(|| {
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
const NEWS_WORDS: &[&str] = &[
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
];

#[derive(Default)]
struct Stat {
    count: f64,
    first: usize,
    sentences: HashSet<usize>,
    caps: f64,
    surface: String,
}

fn is_word(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().any(|c| c.is_alphabetic())
}

/// Keywords of a text in language `lang`, with the entities found in it (most mentioned first)
/// as extra candidates.
pub fn extract(text: &str, lang: Option<&str>, entities: &[FoundEntity]) -> Vec<String> {
    let Some(stop) = lang.and_then(|l| STOPWORDS.get(l)) else {
        return entities.iter().take(MAX).map(|e| e.text.clone()).collect();
    };
    let mut words: HashMap<String, Stat> = HashMap::new();
    let mut phrases: HashMap<String, (f64, String, usize)> = HashMap::new();
    let mut pos = 0usize;
    for (si, sentence) in text.split(['.', '!', '?', '\n', ';', ':']).enumerate() {
        // Words, with a phrase break ("") at commas, brackets and quotation marks.
        let toks: Vec<&str> = sentence
            .split_inclusive([',', '(', ')', '"', '“', '”', '—', '–'])
            .flat_map(|clause| {
                clause
                    .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
                    .map(|t| t.trim_matches(|c: char| c == '\'' || c == '’' || c == '-'))
                    .filter(|t| !t.is_empty())
                    .chain(std::iter::once(""))
            })
            .collect();
        let mut run: Vec<&str> = Vec::new();
        let flush = |run: &mut Vec<&str>,
                     phrases: &mut HashMap<String, (f64, String, usize)>,
                     pos: usize| {
            for n in 1..=3.min(run.len()) {
                for w in run.windows(n) {
                    let k = w.iter().map(|x| key(x)).collect::<Vec<_>>().join(" ");
                    let e = phrases.entry(k).or_insert((0.0, w.join(" "), pos));
                    e.0 += 1.0;
                }
            }
            run.clear();
        };
        for (ti, t) in toks.iter().enumerate() {
            if t.is_empty() {
                flush(&mut run, &mut phrases, pos);
                continue;
            }
            pos += 1;
            let k = key(t);
            // "I'm", "he's", "don't": a function word with its contraction.
            let contracted = k
                .split_once('\'')
                .is_some_and(|(w, _)| stop.contains(w) || w.ends_with("n"));
            if stop.contains(k.as_str())
                || contracted
                || lang == Some("en") && NEWS_WORDS.contains(&k.as_str())
                || !is_word(t)
                || t.chars().all(|c| c.is_numeric())
            {
                flush(&mut run, &mut phrases, pos);
                continue;
            }
            let s = words.entry(k).or_default();
            if s.count == 0.0 {
                s.first = pos;
                s.surface = t.to_string();
            }
            s.count += 1.0;
            s.sentences.insert(si);
            if ti > 0 && t.chars().next().is_some_and(char::is_uppercase) {
                s.caps += 1.0;
            }
            run.push(t);
        }
        flush(&mut run, &mut phrases, pos);
    }
    if words.is_empty() {
        return entities.iter().take(MAX).map(|e| e.text.clone()).collect();
    }
    let mean = words.values().map(|s| s.count).sum::<f64>() / words.len() as f64;
    let n_sent = words
        .values()
        .flat_map(|s| s.sentences.iter())
        .collect::<HashSet<_>>()
        .len()
        .max(1) as f64;
    // Word relevance (higher is better).
    let relevance = |w: &str| -> f64 {
        let Some(s) = words.get(w) else { return 0.0 };
        let freq = s.count / (mean + 1.0);
        let spread = s.sentences.len() as f64 / n_sent;
        let early = 1.0 / (1.0 + (s.first as f64).ln_1p() / 4.0);
        let case = s.caps / s.count;
        (freq + spread) * early * (1.0 + case) * (s.surface.chars().count() as f64).ln()
    };
    // Every form of an entity counts for its fullest name.
    let mut entity_of: HashMap<String, usize> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        entity_of.insert(key(&e.text), i);
        for f in &e.forms {
            entity_of.entry(f.clone()).or_insert(i);
        }
    }
    let mut merged: HashMap<String, (f64, String, f64)> = HashMap::new(); // key -> (count, surface, entity bonus)
    for (k, (count, surface, _)) in phrases {
        // A nationality or group word, alone or opening a phrase, says little ("North Korean
        // statements").
        let first = k.split(' ').next().unwrap_or("");
        if DEMONYMS.contains(&k) || DEMONYMS.contains(first) && count < 3.0 {
            continue;
        }
        // A title or role ("President", "Department") names no topic, nor does a phrase it
        // runs into ("President jumped"); a phrase changes case only after its first word
        // ("Alleged rape", not "informed European").
        if entity_of.contains_key(&k) {
            // names are judged below
        } else if surface.split(' ').any(|w| {
            super::entities::ROLE_WORDS.contains(&key(w).as_str())
                || super::entities::is_org_or_title_word(w)
        }) {
            continue;
        } else {
            let caps: Vec<bool> = surface
                .split(' ')
                .map(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            if caps.len() > 1 && caps[1..].iter().any(|c| *c != caps[1])
                || caps.len() > 1 && !caps[0] && caps[1]
            {
                continue;
            }
        }
        match entity_of.get(&k) {
            Some(&i) => {
                let e = &entities[i];
                let slot = merged
                    .entry(key(&e.text))
                    .or_insert((0.0, e.text.clone(), 0.0));
                slot.0 += count;
                // The most mentioned entities are what the story is about.
                slot.2 = 1.0 + (f64::from(e.count)).ln_1p() / 2.0;
            }
            None => {
                let slot = merged.entry(k).or_insert((0.0, surface, 0.0));
                slot.0 += count;
            }
        }
    }
    let mut scored: Vec<(f64, String)> = merged
        .into_iter()
        .map(|(k, (count, surface, entity_bonus))| {
            let parts: Vec<&str> = k.split(' ').collect();
            let base = parts.iter().map(|w| relevance(w)).sum::<f64>() / parts.len() as f64;
            // Phrases must recur to beat their words.
            let phrase_bonus = if parts.len() > 1 {
                (count - 1.0).max(0.0) * 0.5
            } else {
                0.0
            };
            let single_penalty = if parts.len() == 1 && count < 2.0 {
                0.5
            } else {
                1.0
            };
            (
                (base + phrase_bonus) * single_penalty + entity_bonus,
                surface,
            )
        })
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    // Names take at most six places, so that the story's subject terms show too.
    let is_entity = |s: &str| entity_of.contains_key(&key(s));
    let mut names = 0;
    let others = scored.iter().filter(|(_, s)| !is_entity(s)).count();
    for (_, surface) in scored {
        let k = key(&surface);
        if is_entity(&surface) && names >= 6 && others > out.len() - names {
            continue;
        }
        // Each word characterises once: skip a term whose words a better one already used
        // ("North Korean leader" after "North Korea" and "Kim Jong Un").
        let words: Vec<&str> = k.split(' ').collect();
        let stem = |w: &str| w.trim_end_matches("'s").trim_end_matches('s').to_string();
        if words.iter().any(|w| used.contains(&stem(w))) {
            continue;
        }
        used.extend(words.iter().map(|w| stem(w)));
        names += usize::from(is_entity(&surface));
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
}
