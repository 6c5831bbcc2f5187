//! The compose file's `cluster` profile has the shape tests/cluster.rs runs as local processes:
//! three JetStream nodes routed to each other, and workers given all three with streams and KV
//! at R3.

use std::path::Path;

fn compose() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docker-compose.yml");
    let text = std::fs::read_to_string(&path).expect("docker-compose.yml");
    serde_yaml_ng::from_str(&text).expect("docker-compose.yml parses")
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_cluster_profile_is_three_routed_jetstream_nodes_and_r3_workers() {
    let c = compose();
    let services = &c["services"];
    let nodes = ["nats-1", "nats-2", "nats-3"];
    for (i, name) in nodes.iter().enumerate() {
        let s = &services[*name];
        assert_eq!(strings(&s["profiles"]), vec!["cluster"], "{name}");
        let cmd = strings(&s["command"]);
        let after = |flag: &str| {
            cmd.iter()
                .position(|a| a == flag)
                .and_then(|p| cmd.get(p + 1))
                .cloned()
                .unwrap_or_else(|| panic!("{name} lacks {flag}: {cmd:?}"))
        };
        assert!(cmd.iter().any(|a| a == "-js"), "{name}: JetStream on");
        assert_eq!(after("--name"), *name, "distinct server names");
        assert_eq!(after("--cluster_name"), "enricher");
        let routes = after("--routes");
        for other in nodes {
            assert!(
                routes.contains(&format!("nats://{other}:6222")),
                "{name} routes to {other}"
            );
        }
        assert!(after("--cluster").ends_with(":6222"));
        assert!(
            s["volumes"][0]
                .as_str()
                .is_some_and(|v| v.starts_with(&format!("nats-{}-data:", i + 1))),
            "{name} keeps its own store"
        );
        assert!(
            s["healthcheck"]["test"]
                .to_string()
                .contains("js-enabled-only")
        );
    }
    let w = &services["enricher-cluster"];
    assert_eq!(strings(&w["profiles"]), vec!["cluster"]);
    let env = &w["environment"];
    let url = env["NATS_URL"].as_str().expect("NATS_URL");
    for n in nodes {
        assert!(
            url.contains(&format!("nats://{n}:4222")),
            "workers know {n}"
        );
        assert_eq!(
            w["depends_on"][n]["condition"], "service_healthy",
            "workers wait for {n}"
        );
    }
    for key in [
        "ENRICHER__NATS__STREAM__REPLICAS",
        "ENRICHER__OUTPUT__REPLICAS",
        "ENRICHER__DEDUP__KV__REPLICAS",
    ] {
        assert_eq!(env[key], "3", "{key}");
    }
    assert_eq!(env["ENRICHER__DEDUP__STORE"], "kv");
    assert_eq!(w["deploy"]["replicas"], 3);
    // The environment is a configuration the worker accepts.
    let vars: Vec<(String, String)> = env
        .as_object()
        .expect("environment map")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let config = article_enricher::config::Config::load_from(None, vars).expect("valid config");
    assert_eq!(config.nats.stream.replicas, 3);
    assert_eq!(config.dedup.kv.replicas, 3);
    assert_eq!(config.nats.url.split(',').count(), 3);
}
