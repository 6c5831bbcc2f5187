//! Keywords: up to ten characteristic terms or phrases, best first, by YAKE-style statistics
//! over the text itself (no corpus needed): a term scores for appearing often, early, in many
//! sentences and capitalised mid-sentence, and candidate phrases are runs of up to three
//! content words that start and end with no function word of the language. Named entities the
//! recogniser found are candidates too. Languages without a stopword list get their entities.

use super::lexicon::key;
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

/// Keywords of a text in language `lang`, with the entity names (fullest forms) as extra candidates.
pub fn extract(text: &str, lang: Option<&str>, entities: &[String]) -> Vec<String> {
    let Some(stop) = lang.and_then(|l| STOPWORDS.get(l)) else {
        return entities.iter().take(MAX).cloned().collect();
    };
    let mut words: HashMap<String, Stat> = HashMap::new();
    let mut phrases: HashMap<String, (f64, String, usize)> = HashMap::new();
    let mut pos = 0usize;
    for (si, sentence) in text.split(['.', '!', '?', '\n', ';', ':']).enumerate() {
        let toks: Vec<&str> = sentence
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
            .map(|t| t.trim_matches(|c: char| c == '\'' || c == '’' || c == '-'))
            .filter(|t| !t.is_empty())
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
            pos += 1;
            let k = key(t);
            if stop.contains(k.as_str()) || !is_word(t) || t.chars().all(|c| c.is_numeric()) {
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
        return entities.iter().take(MAX).cloned().collect();
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
    let entity_keys: HashSet<String> = entities.iter().map(|e| key(e)).collect();
    let mut scored: Vec<(f64, String)> = phrases
        .into_iter()
        .filter(|(_, (count, _, _))| *count >= 1.0)
        .map(|(k, (count, surface, _))| {
            let parts: Vec<&str> = k.split(' ').collect();
            let base = parts.iter().map(|w| relevance(w)).sum::<f64>() / parts.len() as f64;
            // Phrases must recur to beat their words; entity names are good keywords.
            let phrase_bonus = if parts.len() > 1 {
                (count - 1.0).max(0.0) * 0.5
            } else {
                0.0
            };
            let entity_bonus = if entity_keys.contains(&k) { 1.0 } else { 0.0 };
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
    for (_, surface) in scored {
        let k = key(&surface);
        // Skip a term contained in one already chosen, and a term that contains one only to
        // repeat it.
        if out.iter().any(|o| {
            let ok = key(o);
            ok == k
                || ok.split(' ').any(|w| w == k)
                || k.split(' ').all(|w| ok.split(' ').any(|x| x == w))
        }) {
            continue;
        }
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
        assert_eq!(
            extract("北京是首都", Some("zh"), &["北京".into()]),
            vec!["北京".to_string()]
        );
        assert!(extract("", Some("en"), &[]).is_empty());
    }
}
