//! Any text: language, entities, quotes and keywords never panic, and what they report is
//! well-formed (a confidence in 0..1, no empty entity or quote, at most ten keywords).
#![no_main]
use article_enricher::pipeline::annotate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    let joined = paragraphs.join("\n\n");
    let notes = annotate::annotate(&joined, &paragraphs, paragraphs.first().map(String::as_str), None, None);
    assert!((0.0..=1.0).contains(&notes.lang_confidence));
    assert!(notes.entities.iter().all(|e| e.count >= 1 && !e.text.trim().is_empty()));
    assert!(notes.quotes.iter().all(|q| !q.text.trim().is_empty()));
    assert!(notes.keywords.len() <= 10);
});
