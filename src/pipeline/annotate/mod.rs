//! Annotation of the cleaned body: language, entities, quotes and keywords.
//!
//! One pass each, linear in the text; the word lists are compiled in (see [`lexicon`]).

pub mod entities;
pub mod keywords;
pub mod lang;
pub mod lexicon;
pub mod quotes;

use crate::record::{Entity, Quote};

/// Everything the annotators add to a record.
#[derive(Debug, Clone, Default)]
pub struct Annotations {
    pub lang: Option<String>,
    pub lang_confidence: f64,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub keywords: Vec<String>,
}

/// Languages whose capitalisation marks names as in English (German capitalises every noun).
fn capitalisation_marks_names(lang: Option<&str>) -> bool {
    matches!(
        lang,
        Some(
            "en" | "fr"
                | "es"
                | "it"
                | "pt"
                | "nl"
                | "ca"
                | "ro"
                | "sv"
                | "da"
                | "nb"
                | "fi"
                | "pl"
                | "cs"
                | "sk"
                | "sl"
                | "hr"
                | "lt"
                | "lv"
                | "et"
                | "hu"
                | "tr"
                | "id"
                | "tl"
                | "af"
                | "cy"
        )
    )
}

/// Annotates a cleaned text (paragraphs separated by blank lines); the dateline's place, when
/// the cleaner found one, is a place whatever the lists say.
pub fn annotate(
    text: &str,
    paragraphs: &[String],
    title: Option<&str>,
    lang_hint: Option<&str>,
    dateline_place: Option<&str>,
) -> Annotations {
    let detected = lang::detect(title, paragraphs, lang_hint);
    let lang = detected.as_ref().map(|(l, _)| l.clone());
    let found = if capitalisation_marks_names(lang.as_deref()) {
        entities::recognise_with(text, dateline_place)
    } else {
        entities::Found {
            entities: Vec::new(),
            mentions: Vec::new(),
        }
    };
    let quotes = quotes::extract(text, &found);
    let keywords = keywords::extract(text, lang.as_deref(), &found.ranked());
    Annotations {
        lang_confidence: detected.as_ref().map_or(0.0, |(_, c)| *c),
        lang,
        entities: found.to_record(),
        quotes,
        keywords,
    }
}
