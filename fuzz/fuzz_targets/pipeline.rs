//! Any message: the whole pipeline never panics; every input is a record or a rejection.
#![no_main]
use article_enricher::pipeline::clean::learned::SourceMemory;
use article_enricher::pipeline::{Pipeline, PipelineOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pipeline = Pipeline::new(PipelineOptions::default());
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let _ = pipeline.process(data, now, &SourceMemory::default());
});
