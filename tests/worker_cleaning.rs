//! Cleaning through the running worker: a source's own footer stops appearing in its records
//! once the worker has seen it under enough of that source's articles.

mod common;

use common::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const FOOTER: &str = "Our newsroom runs on reader support. Chip in at pinecrest.example/give today";

/// Six different stories (the learner ignores copies of one story).
const STORIES: [&str; 6] = [
    "The council met for session 0 on Tuesday to debate the harbour budget and the new ferry pier.",
    "Flooding closed session 1 of the county fair after the river rose two metres overnight.",
    "A local bakery won session 2 of the regional bread contest with a rye loaf baked in a wood oven.",
    "Police said session 3 of the road safety campaign would target speeding near primary schools.",
    "The library will extend its opening hours from session 4 onwards, the head librarian announced.",
    "Farmers warned in session 5 that the dry spring could halve this year's potato harvest.",
];

fn story(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("pine-{i}"),
        "source": "Pinecrest Tribune",
        "title": format!("Local news {i}"),
        "text": format!("{}\n\n{FOOTER}", STORIES[i]),
    })
}

#[tokio::test]
async fn a_sources_footer_is_learned_and_then_stripped() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    // One pipeline thread and one message in flight: articles are seen in publish order.
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__WORKER__MAX_INFLIGHT", "1"),
            ("ENRICHER__WORKER__THREADS", "1"),
        ],
    ));
    worker.ready().await;
    let n = 6;
    for i in 0..n {
        publish_articles(&js, &[story(i)]).await;
        assert_eq!(
            wait_stream_len(&js, "ENRICHED", i as u64 + 1, WAIT).await,
            i as u64 + 1
        );
    }
    let records: Vec<serde_json::Value> = read_stream(&js, "ENRICHED")
        .await
        .iter()
        .map(|m| m.json())
        .collect();
    assert_eq!(records.len(), n);
    for (i, r) in records.iter().enumerate() {
        let text = r["text"].as_str().unwrap();
        let removed: Vec<(&str, &str)> = r["removed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["kind"].as_str().unwrap(), x["text"].as_str().unwrap()))
            .collect();
        assert!(text.contains(&format!("session {i}")), "story kept");
        if i < 2 {
            // Not seen often enough yet.
            assert!(
                text.contains(FOOTER),
                "record {i} should still carry the footer"
            );
        } else {
            assert!(
                !text.contains(FOOTER),
                "record {i} still carries the footer"
            );
            assert_eq!(removed, vec![("source_footer", FOOTER)]);
        }
    }
    worker.stop().await.unwrap();
}
