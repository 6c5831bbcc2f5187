//! Any bytes: parsing a message never panics; it is an article or a rejection with a reason.
#![no_main]
use article_enricher::record::Article;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(r) = Article::parse(data, 1 << 20) {
        assert!(!r.detail.is_empty());
    }
});
