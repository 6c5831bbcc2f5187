//! The compose deployment's NATS users (config/nats/nats.conf): the worker does all its work
//! with only the subjects its role allows, a scraper can only publish raw articles, a reader
//! can only read records. The server must log no permission violation by the worker.

mod common;

use common::*;
use std::time::Duration;

const PASSWORDS: [(&str, &str); 4] = [
    ("$ENRICHER_NATS_PASSWORD", "\"worker-pw-1\""),
    ("$SCRAPER_NATS_PASSWORD", "\"scraper-pw-2\""),
    ("$READER_NATS_PASSWORD", "\"reader-pw-3\""),
    ("$ADMIN_NATS_PASSWORD", "\"admin-pw-4\""),
];

/// The shipped server config, its password variables filled in (compose takes them from the
/// environment).
fn server() -> NatsServer {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/nats/nats.conf");
    let mut conf = std::fs::read_to_string(path).expect("config/nats/nats.conf");
    for (var, value) in PASSWORDS {
        assert!(conf.contains(var), "{var} is no longer used");
        conf = conf.replace(var, value);
    }
    NatsServer::start_with_config(Some(&conf))
}

fn url_as(server: &NatsServer, user: &str, password: &str) -> String {
    server
        .url()
        .replace("nats://", &format!("nats://{user}:{password}@"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_gets_only_what_it_needs() {
    let server = server();
    // The worker as compose runs it: shared KV dedup, provisioning its streams and buckets.
    let mut worker = spawn_worker(test_config(
        &url_as(&server, "enricher", "worker-pw-1"),
        &[
            ("ENRICHER__DEDUP__STORE", "kv"),
            (
                "ENRICHER__OUTPUT__DUPLICATES_SUBJECT",
                "articles.duplicates",
            ),
        ],
    ));
    worker.ready().await;

    // A scraper publishes articles (a copy and a broken one among them) and gets its acks.
    let (_s, scraper) = connect(&url_as(&server, "scraper", "scraper-pw-2")).await;
    let mut copy = article(1);
    copy["id"] = "copy-of-1".into();
    let mut batch: Vec<serde_json::Value> = (0..20).map(article).collect();
    batch.push(copy);
    publish_articles(&scraper, &batch).await;
    publish_raw(&scraper, &[b"{broken".to_vec()]).await;

    let (_a, admin) = connect(&url_as(&server, "admin", "admin-pw-4")).await;
    assert!(wait_consumer_idle(&admin, Duration::from_secs(60)).await);
    assert_eq!(stream_len(&admin, "ENRICHED").await, 20, "{}", server.log());
    assert_eq!(stream_len(&admin, "ARTICLES_DLQ").await, 1);
    // A restarted replica follows the KV history too (the watch is allowed).
    worker.stop().await.expect("worker stops");
    let mut worker = spawn_worker(test_config(
        &url_as(&server, "enricher", "worker-pw-1"),
        &[("ENRICHER__DEDUP__STORE", "kv")],
    ));
    worker.ready().await;
    worker.stop().await.expect("worker stops");
    let log = server.log();
    // (2.9 logs "Permissions Violation for Publish to ...", 2.15 "Publish Violation - Subject".)
    assert!(
        !log.contains("Violation"),
        "the worker needed a subject its role does not allow:\n{log}"
    );

    // The scraper cannot forge records; nothing it tries lands in ENRICHED.
    let forged = scraper
        .publish(
            "articles.enriched.en",
            b"{\"id\":\"forged\"}".to_vec().into(),
        )
        .await;
    if let Ok(ack) = forged {
        assert!(ack.await.is_err(), "a scraper stored a record");
    }
    // The reader reads records but cannot publish articles.
    let (_r, reader) = connect(&url_as(&server, "reader", "reader-pw-3")).await;
    let records = read_stream_via_consumer(&reader).await;
    assert_eq!(records, 20);
    let sneaked = reader
        .publish(
            "articles.raw.x",
            serde_json::to_vec(&article(99)).unwrap().into(),
        )
        .await;
    if let Ok(ack) = sneaked {
        assert!(ack.await.is_err(), "a reader published an article");
    }
    assert_eq!(stream_len(&admin, "ENRICHED").await, 20);
    let log = server.log();
    let violations: Vec<&str> = log.lines().filter(|l| l.contains("Violation")).collect();
    assert_eq!(violations.len(), 2, "{log}");
    assert!(violations[0].contains("articles.enriched.en"), "{log}");
    assert!(violations[1].contains("articles.raw.x"), "{log}");
}

/// Reads ENRICHED through a pull consumer, as a downstream service would.
async fn read_stream_via_consumer(js: &async_nats::jetstream::Context) -> usize {
    use async_nats::jetstream::consumer::pull;
    use futures::StreamExt;
    let stream = js
        .get_stream("ENRICHED")
        .await
        .expect("reader sees ENRICHED");
    let consumer = stream
        .create_consumer(pull::Config {
            durable_name: Some("reader".into()),
            ..Default::default()
        })
        .await
        .expect("reader creates its consumer");
    let mut msgs = consumer
        .fetch()
        .max_messages(100)
        .expires(Duration::from_secs(2))
        .messages()
        .await
        .expect("fetch");
    let mut n = 0;
    while let Some(m) = msgs.next().await {
        m.expect("message").ack().await.expect("ack");
        n += 1;
    }
    n
}

/// docker-compose.yml runs every NATS node with this file, gives each the passwords, and has the
/// workers log in as `enricher` with the password the server expects.
#[test]
fn compose_uses_the_permissions_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docker-compose.yml");
    let c: serde_json::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(path).expect("compose")).expect("yaml");
    let services = c["services"].as_object().expect("services");
    for (name, s) in services.iter().filter(|(n, _)| n.starts_with("nats")) {
        let cmd: Vec<&str> = s["command"]
            .as_array()
            .expect("command")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let conf = cmd.iter().position(|a| *a == "-c").map(|i| cmd[i + 1]);
        assert_eq!(conf, Some("/etc/nats/nats.conf"), "{name}: {cmd:?}");
        let mounted = s["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .any(|v| v.as_str() == Some("./config/nats/nats.conf:/etc/nats/nats.conf:ro"));
        assert!(mounted, "{name} does not mount config/nats/nats.conf");
        for (var, _) in PASSWORDS {
            let var = var.trim_start_matches('$');
            assert!(s["environment"][var].is_string(), "{name} lacks {var}");
        }
    }
    for name in ["enricher", "enricher-cluster"] {
        let env = &services[name]["environment"];
        assert_eq!(env["ENRICHER__NATS__AUTH__USER"], "enricher", "{name}");
        assert_eq!(
            env["ENRICHER__NATS__AUTH__PASSWORD"],
            services["nats"]["environment"]["ENRICHER_NATS_PASSWORD"],
            "{name}: the password the server expects"
        );
    }
}
