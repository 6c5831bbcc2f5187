//! Any markup: extraction never panics (pages nested past the limit are refused before it).
#![no_main]
use article_enricher::pipeline::{clean, html};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = std::str::from_utf8(data) else {
        return;
    };
    if html::nesting_exceeds(page, html::MAX_DEPTH) {
        return;
    }
    let hints = clean::title::SiteHints::new(Some("fuzz.example"), Some("https://fuzz.example/a"));
    let _ = html::extract(page, Some("https://fuzz.example/2024/05/06/a"), &hints);
});
