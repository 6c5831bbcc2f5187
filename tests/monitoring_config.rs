//! The shipped monitoring files (Prometheus config and alert rules, the Grafana dashboard, the
//! compose `monitoring` profile) parse, and every metric they query is one the worker exposes.

use article_enricher::worker::WorkerState;
use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> serde_json::Value {
    serde_yaml_ng::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Series names the worker exposes (`enricher_x_total`, `enricher_y_bucket`, ...).
fn exposed() -> BTreeSet<String> {
    WorkerState::default()
        .encode_metrics()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split(['{', ' ']).next().unwrap().to_string())
        .collect()
}

/// `enricher_*` names a PromQL expression uses.
fn used(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(i) = rest.find("enricher_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        out.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    out
}

fn balanced(expr: &str) -> bool {
    let mut depth = 0i32;
    for c in expr.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

fn check_expr(expr: &str, exposed: &BTreeSet<String>, what: &str) {
    assert!(balanced(expr), "{what}: unbalanced expression {expr}");
    for name in used(expr) {
        assert!(
            exposed.contains(&name),
            "{what}: {name} is not exposed by the worker"
        );
    }
}

#[test]
fn alert_rules_cover_the_operators_worries_and_use_real_metrics() {
    let exposed = exposed();
    let rules = yaml("config/prometheus/alerts.yml");
    let rules = rules["groups"][0]["rules"].as_array().expect("rules");
    let names: Vec<&str> = rules.iter().map(|r| r["alert"].as_str().unwrap()).collect();
    for wanted in [
        "EnricherConsumerStalled",
        "EnricherDeadLettersGrowing",
        "EnricherReconnectStorm",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing: {names:?}");
    }
    for r in rules {
        let expr = r["expr"].as_str().expect("expr");
        check_expr(expr, &exposed, r["alert"].as_str().unwrap());
        assert!(r["labels"]["severity"].is_string());
        assert!(r["annotations"]["summary"].is_string());
    }
}

#[test]
fn the_dashboard_queries_real_metrics() {
    let exposed = exposed();
    let dash: serde_json::Value =
        serde_json::from_str(&read("config/grafana/dashboards/article-enricher.json")).unwrap();
    let panels = dash["panels"].as_array().expect("panels");
    assert!(panels.len() >= 10);
    let mut ids = BTreeSet::new();
    let mut queried = BTreeSet::new();
    for p in panels {
        assert!(ids.insert(p["id"].as_u64().unwrap()), "duplicate panel id");
        for t in p["targets"].as_array().expect("targets") {
            let expr = t["expr"].as_str().unwrap();
            check_expr(expr, &exposed, p["title"].as_str().unwrap());
            queried.extend(used(expr));
        }
    }
    // What an operator looks at first is on it.
    for m in [
        "enricher_articles_total",
        "enricher_rejected_total",
        "enricher_consumer_pending",
        "enricher_stage_duration_seconds_bucket",
        "enricher_nats_reconnects_total",
        "enricher_dead_letter_messages",
        "enricher_boilerplate_removed_total",
    ] {
        assert!(queried.contains(m), "{m} is on no panel");
    }
}

#[test]
fn compose_wires_prometheus_and_grafana_as_an_optional_profile() {
    let compose = yaml("docker-compose.yml");
    let services = &compose["services"];
    for s in ["prometheus", "grafana"] {
        assert_eq!(
            services[s]["profiles"],
            serde_json::json!(["monitoring"]),
            "{s} must be optional"
        );
        for v in services[s]["volumes"].as_array().unwrap() {
            let v = v.as_str().unwrap();
            if let Some(local) = v.strip_prefix("./") {
                let local = local.split(':').next().unwrap();
                assert!(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(local).exists(),
                    "{s} mounts {local}, which does not exist"
                );
            }
        }
    }
    assert!(services["enricher"]["profiles"].is_null());
    let prom = yaml("config/prometheus/prometheus.yml");
    assert_eq!(prom["rule_files"][0], "/etc/prometheus/alerts.yml");
    let sd = &prom["scrape_configs"][0]["dns_sd_configs"][0];
    assert_eq!(sd["names"][0], "enricher");
    assert_eq!(sd["port"], 9090);
    let ds = yaml("config/grafana/provisioning/datasources/prometheus.yml");
    assert_eq!(ds["datasources"][0]["url"], "http://prometheus:9090");
}
