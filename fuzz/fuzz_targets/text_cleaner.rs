//! Any text: cleaning never panics, and cleaning its own output again changes nothing.
#![no_main]
use article_enricher::pipeline::clean;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (title, body) = text.split_once('\u{1}').unwrap_or((text, text));
    let once = clean::draft(body, Some(title), Some("fuzz.example"), None).finish();
    let joined = once.paragraphs.join("\n\n");
    let twice = clean::draft(&joined, once.title.as_deref(), Some("fuzz.example"), None).finish();
    assert!(twice.paragraphs.join("\n\n").len() <= joined.len());
});
