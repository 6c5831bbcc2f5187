//! The Kubernetes manifests under deploy/kubernetes/ validate against the Kubernetes schemas
//! (kubernetes-validate from PyPI, which bundles them; `.ci/run` installs it), and agree with the
//! worker: its configuration file loads, probes and port match the ops endpoint, the grace
//! period outlasts the drain, and KEDA watches the workers' consumer.

use article_enricher::config::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes")
}

fn yaml(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The worker's configuration as the ConfigMap gives it.
fn configmap_config() -> Config {
    let cm = yaml("configmap.yaml");
    let toml = cm["data"]["config.toml"].as_str().expect("config.toml");
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), toml).expect("write");
    Config::load_from(Some(file.path()), Vec::<(String, String)>::new())
        .unwrap_or_else(|e| panic!("the ConfigMap's config.toml does not load: {e}"))
}

#[test]
fn core_manifests_validate_against_the_kubernetes_schemas() {
    let bin = std::env::var("KUBERNETES_VALIDATE").unwrap_or_else(|_| "kubernetes-validate".into());
    let files = [
        "configmap.yaml",
        "secret.yaml",
        "deployment.yaml",
        "pdb.yaml",
    ];
    let out = Command::new(&bin)
        .arg("--strict")
        .args(files.iter().map(|f| dir().join(f)))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {bin} (pip install kubernetes-validate, or set KUBERNETES_VALIDATE): {e}")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    for f in files {
        assert!(
            text.lines().any(|l| l.contains(f) && l.contains("passed")),
            "{f} not validated:\n{text}"
        );
    }
}

#[test]
fn the_deployment_agrees_with_the_worker() {
    let config = configmap_config();
    assert_eq!(config.nats.stream.replicas, 3);
    assert_eq!(config.dedup.kv.replicas, 3);
    let d = yaml("deployment.yaml");
    let pod = &d["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let port = c["ports"][0]["containerPort"].as_u64().expect("port");
    assert!(config.ops.listen.ends_with(&format!(":{port}")));
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    let grace = pod["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("grace");
    assert!(
        grace > config.worker.shutdown_timeout.as_secs() + 5,
        "the kubelet must not SIGKILL a draining worker"
    );
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
    assert!(c["resources"]["requests"]["cpu"].is_string());
    assert!(c["resources"]["limits"]["memory"].is_string());
    // The Secret's key is the credentials file the worker is pointed at.
    let secret = yaml("secret.yaml");
    let env = c["env"].as_array().expect("env");
    let creds = env
        .iter()
        .find(|e| e["name"] == "ENRICHER__NATS__AUTH__CREDENTIALS_FILE")
        .and_then(|e| e["value"].as_str())
        .expect("credentials file");
    let key = Path::new(creds)
        .file_name()
        .and_then(|f| f.to_str())
        .expect("file name");
    assert!(secret["stringData"][key].is_string());
    let pdb = yaml("pdb.yaml");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"],
        d["spec"]["selector"]["matchLabels"]
    );
}

#[test]
fn keda_scales_the_deployment_on_the_workers_consumer_lag() {
    let config = configmap_config();
    let so = yaml("scaledobject.yaml");
    assert_eq!(so["apiVersion"], "keda.sh/v1alpha1");
    assert_eq!(so["kind"], "ScaledObject");
    assert_eq!(
        so["spec"]["scaleTargetRef"]["name"],
        yaml("deployment.yaml")["metadata"]["name"]
    );
    let t = &so["spec"]["triggers"][0];
    assert_eq!(t["type"], "nats-jetstream");
    let m = &t["metadata"];
    assert_eq!(m["stream"], config.nats.stream.name.as_str());
    assert_eq!(m["consumer"], config.nats.consumer.durable.as_str());
    for key in ["natsServerMonitoringEndpoint", "account", "lagThreshold"] {
        assert!(m[key].is_string(), "{key}");
    }
    let min = so["spec"]["minReplicaCount"].as_u64().expect("min");
    let pdb_min = yaml("pdb.yaml")["spec"]["minAvailable"]
        .as_u64()
        .expect("minAvailable");
    assert!(min >= pdb_min, "KEDA never scales below what the PDB keeps");
    // The NATS chart values give the 3-node JetStream cluster the manifests expect.
    let nats = yaml("nats-helm-values.yaml");
    assert_eq!(nats["config"]["cluster"]["enabled"], true);
    assert_eq!(nats["config"]["cluster"]["replicas"], 3);
    assert_eq!(nats["config"]["jetstream"]["enabled"], true);
    assert_eq!(nats["config"]["monitor"]["port"], 8222);
    assert!(
        m["natsServerMonitoringEndpoint"]
            .as_str()
            .is_some_and(|e| e.ends_with(":8222"))
    );
    assert_eq!(config.nats.url.split(',').count(), 3);
}
