//! Crashes, broker restarts, draining and auth: nothing lost, nothing published twice.

mod common;

use common::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

/// Every id 0..n appears exactly once downstream.
async fn assert_exactly_once(js: &async_nats::jetstream::Context, n: usize) {
    let ids = output_ids(js).await;
    let missing: Vec<usize> = (0..n)
        .filter(|i| !ids.contains_key(&format!("art-{i}")))
        .collect();
    let twice: Vec<(&String, &usize)> = ids.iter().filter(|(_, c)| **c > 1).collect();
    assert!(
        missing.is_empty(),
        "lost {} articles, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(twice.is_empty(), "published twice: {twice:?}");
    assert_eq!(ids.len(), n);
}

#[tokio::test]
async fn sigkill_mid_stream_then_restart_loses_nothing_and_publishes_nothing_twice() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    ensure_input_stream(&js).await;
    let env = test_env(
        &server.url(),
        &[("ENRICHER__NATS__CONSUMER__ACK_WAIT", "2s")],
    );
    let n = 3000;
    let articles: Vec<_> = (0..n).map(article).collect();
    publish_articles(&js, &articles).await;

    let mut w = spawn_worker_process(&env);
    // Kill it hard twice, mid-stream, at different points.
    for target in [300u64, 1200] {
        let got = wait_stream_len(&js, "ENRICHED", target, WAIT).await;
        assert!(got >= target, "worker stalled at {got}:\n{}", w.log());
        w.kill9();
        w = spawn_worker_process(&env);
    }
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64,
        "{}",
        w.log()
    );
    assert!(wait_consumer_idle(&js, WAIT).await);
    // Give any straggling redelivery time to (wrongly) publish again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_exactly_once(&js, n).await;
    assert_eq!(stream_len(&js, "ARTICLES_DLQ").await, 0);
}

#[tokio::test]
async fn nats_restart_mid_stream_loses_nothing() {
    let mut server = NatsServer::start();
    let url = server.url();
    let (_c, js) = connect(&url).await;
    ensure_input_stream(&js).await;
    let mut worker = spawn_worker(test_config(&url, &[]));
    worker.ready().await;
    let n = 2000;
    let first: Vec<_> = (0..n / 2).map(article).collect();
    publish_articles(&js, &first).await;
    assert!(wait_stream_len(&js, "ENRICHED", 200, WAIT).await >= 200);

    server.restart();
    // The worker reconnects by itself; a new client for the test.
    let (_c2, js) = connect(&url).await;
    let second: Vec<_> = (n / 2..n).map(article).collect();
    publish_articles(&js, &second).await;

    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64
    );
    assert!(wait_consumer_idle(&js, WAIT).await);
    assert!(worker.state.connection.reconnects() >= 1);
    assert_exactly_once(&js, n).await;
    worker.stop().await.unwrap();
}

#[tokio::test]
async fn sigterm_drains_in_flight_work_and_exits_zero() {
    let server = NatsServer::start();
    let (_c, js) = connect(&server.url()).await;
    ensure_input_stream(&js).await;
    let env = test_env(
        &server.url(),
        &[
            // A long ack_wait: anything left un-acked at exit would show as ack-pending.
            ("ENRICHER__NATS__CONSUMER__ACK_WAIT", "60s"),
            ("ENRICHER__WORKER__SHUTDOWN_TIMEOUT", "10s"),
        ],
    );
    let n = 3000;
    let articles: Vec<_> = (0..n).map(article).collect();
    publish_articles(&js, &articles).await;
    let mut w = spawn_worker_process(&env);
    assert!(wait_stream_len(&js, "ENRICHED", 200, WAIT).await >= 200);
    w.signal("TERM");
    let status = w
        .wait_timeout(Duration::from_secs(15))
        .expect("worker must exit within shutdown_timeout");
    assert!(status.success(), "exit status {status:?}\n{}", w.log());
    assert!(w.log().contains("draining"), "{}", w.log());

    // Nothing is left delivered-but-unacked: in-flight work was finished and acked, the
    // prefetched rest handed back.
    let stream = js.get_stream("ARTICLES").await.unwrap();
    let mut consumer = stream
        .get_consumer::<async_nats::jetstream::consumer::pull::Config>("enricher")
        .await
        .unwrap();
    let info = consumer.info().await.unwrap();
    assert_eq!(info.num_ack_pending, 0, "un-acked after drain");
    let done = stream_len(&js, "ENRICHED").await;
    // A work queue keeps exactly the articles not acked yet.
    let waiting = stream_len(&js, "ARTICLES").await;
    assert_eq!(
        waiting + done,
        n as u64,
        "every article is either done or waiting (dlq {})\n{}",
        stream_len(&js, "ARTICLES_DLQ").await,
        w.log()
    );

    // A new worker finishes the rest, each exactly once.
    let w2 = spawn_worker_process(&env);
    assert_eq!(
        wait_stream_len(&js, "ENRICHED", n as u64, WAIT).await,
        n as u64,
        "{}",
        w2.log()
    );
    assert_exactly_once(&js, n).await;
}

/// Starts a worker that must give up: it exits non-zero within `secs` seconds and its log gives
/// `reason`. Returns the log.
fn refused_worker(env: &[(String, String)], reason: &str, secs: u64) -> String {
    let mut p = spawn_worker_process(env);
    let status = p
        .wait_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|| panic!("never exited: {}", p.log()));
    let log = p.log();
    assert!(!status.success(), "{log}");
    assert!(log.contains(reason), "a clear reason ({reason}): {log}");
    log
}

#[tokio::test]
async fn user_and_password_auth() {
    let server = NatsServer::start_with_config(Some(
        "authorization { user: enricher, password: \"s3cret-pw\" }\n",
    ));
    let authed = format!("nats://enricher:s3cret-pw@127.0.0.1:{}", server.port);
    let (_c, js) = connect(&authed).await;

    // Credentials in the URL (as NATS_URL often carries them) work.
    let mut from_url = spawn_worker(test_config(&authed, &[]));
    from_url.ready().await;
    from_url.stop().await.unwrap();

    // Without credentials: a clear refusal, not a retry loop.
    let config = test_config(&server.url(), &[]);
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        article_enricher::worker::run(config, std::future::pending()),
    )
    .await
    .expect("a refused worker must give up, not retry forever")
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("refused the credentials"),
        "{err:#}"
    );

    // The process exits non-zero and says so; the password never shows.
    let log = refused_worker(
        &test_env(
            &server.url(),
            &[
                ("ENRICHER__NATS__AUTH__USER", "enricher"),
                ("ENRICHER__NATS__AUTH__PASSWORD", "wrong-pw-xyz"),
            ],
        ),
        "refused the credentials",
        10,
    );
    assert!(!log.contains("wrong-pw-xyz"));

    // With them: works.
    let mut worker = spawn_worker(test_config(
        &server.url(),
        &[
            ("ENRICHER__NATS__AUTH__USER", "enricher"),
            ("ENRICHER__NATS__AUTH__PASSWORD", "s3cret-pw"),
        ],
    ));
    worker.ready().await;
    publish_articles(&js, &[article(1), article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    worker.stop().await.unwrap();
}

/// A server requiring `auth` refuses a worker without it and one with a `wrong` secret (non-zero
/// exit, a clear reason, no secret in any log line), takes one with `secret` under the setting
/// `key`, and `check-config` never shows it.
async fn auth_is_required_and_used(server_auth: &str, key: &str, secret: &str, wrong: &str) {
    let server = NatsServer::start_with_config(Some(server_auth));
    let opts = async_nats::ConnectOptions::new();
    let opts = if key.ends_with("NKEY_SEED") {
        opts.nkey(secret.to_string())
    } else {
        opts.token(secret.to_string())
    };
    let client = opts.connect(server.url()).await.expect("authorised client");
    let js = async_nats::jetstream::new(client);

    refused_worker(&test_env(&server.url(), &[]), "refused", 10);
    let log = refused_worker(&test_env(&server.url(), &[(key, wrong)]), "refused", 10);
    assert!(!log.contains(wrong), "a secret leaked: {log}");

    let env = test_env(&server.url(), &[(key, secret)]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .arg("check-config")
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("check-config");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        !shown.contains(secret),
        "check-config shows the secret:\n{shown}"
    );
    assert!(shown.contains("<redacted>"));

    let worker = spawn_worker_process(&env);
    worker.ready().await;
    publish_articles(&js, &[article(1), article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    assert!(
        !worker.log().contains(secret),
        "a secret leaked: {}",
        worker.log()
    );
}

#[tokio::test]
async fn token_auth() {
    let token = "t0ken-abc-987654";
    auth_is_required_and_used(
        &format!("authorization {{ token: \"{token}\" }}\n"),
        "ENRICHER__NATS__AUTH__TOKEN",
        token,
        "not-the-token-123",
    )
    .await;
}

#[tokio::test]
async fn nkey_auth() {
    // Key pairs made in the test: the server knows the user's public key, the worker its seed;
    // the seed of another user is refused.
    let user = nkeys::KeyPair::new_user();
    let other = nkeys::KeyPair::new_user();
    auth_is_required_and_used(
        &format!(
            "authorization {{ users = [ {{ nkey: \"{}\" }} ] }}\n",
            user.public_key()
        ),
        "ENRICHER__NATS__AUTH__NKEY_SEED",
        &user.seed().expect("seed"),
        &other.seed().expect("seed"),
    )
    .await;
}

/// Test certificates: a CA, a server certificate for 127.0.0.1 and a client certificate, as PEM
/// files in `dir`.
fn make_certificates(dir: &std::path::Path) -> [std::path::PathBuf; 5] {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa,
        KeyPair,
    };
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf = |names: Vec<String>, usage: ExtendedKeyUsagePurpose| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(names).unwrap();
        params.extended_key_usages = vec![usage];
        let cert = params.signed_by(&key, &ca).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = leaf(
        vec!["127.0.0.1".into(), "localhost".into()],
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let (client_cert, client_key) =
        leaf(vec!["enricher".into()], ExtendedKeyUsagePurpose::ClientAuth);
    let files = [
        ("ca.pem", ca.pem()),
        ("server.pem", server_cert),
        ("server-key.pem", server_key),
        ("client.pem", client_cert),
        ("client-key.pem", client_key),
    ];
    files.map(|(name, pem)| {
        let p = dir.join(name);
        std::fs::write(&p, pem).unwrap();
        p
    })
}

#[tokio::test]
async fn mutual_tls() {
    let certs = tempfile::tempdir().unwrap();
    let [ca, server_cert, server_key, client_cert, client_key] = make_certificates(certs.path());
    let server = NatsServer::start_with_config(Some(&format!(
        "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  ca_file: \"{}\"\n  verify: true\n}}\n",
        server_cert.display(),
        server_key.display(),
        ca.display()
    )));
    let url = format!("tls://127.0.0.1:{}", server.port);
    let s = |p: &std::path::Path| p.display().to_string();
    let client = async_nats::ConnectOptions::new()
        .add_root_certificates(ca.clone())
        .add_client_certificate(client_cert.clone(), client_key.clone())
        .connect(url.as_str())
        .await
        .expect("the test's client connects with its certificate");
    let js = async_nats::jetstream::new(client);

    // The server's CA but no client certificate: refused, non-zero exit, a reason.
    refused_worker(
        &test_env(&url, &[("ENRICHER__NATS__TLS__CA_FILE", &s(&ca))]),
        "TLS",
        15,
    );

    // A server certificate it cannot trust (no CA given): refused the same way.
    refused_worker(&test_env(&url, &[]), "TLS", 15);

    let worker = spawn_worker_process(&test_env(
        &url,
        &[
            ("ENRICHER__NATS__TLS__CA_FILE", &s(&ca)),
            ("ENRICHER__NATS__TLS__CERT_FILE", &s(&client_cert)),
            ("ENRICHER__NATS__TLS__KEY_FILE", &s(&client_key)),
        ],
    ));
    worker.ready().await;
    publish_articles(&js, &[article(1), article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
}

/// A NATS JWT (v2) for `subject`, issued and signed by `issuer`, with `nats` as its claims.
fn jwt(issuer: &nkeys::KeyPair, subject: &str, name: &str, nats: serde_json::Value) -> String {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let header = b64(br#"{"typ":"JWT","alg":"ed25519-nkey"}"#);
    let claims = serde_json::json!({
        "jti": format!("{name}{now}").to_uppercase(),
        "iat": now,
        "iss": issuer.public_key(),
        "name": name,
        "sub": subject,
        "nats": nats,
    });
    let body = b64(&serde_json::to_vec(&claims).expect("claims"));
    let signed = format!("{header}.{body}");
    let sig = issuer.sign(signed.as_bytes()).expect("sign");
    format!("{signed}.{}", b64(&sig))
}

/// A `.creds` file's text: the user's JWT and its NKey seed, as `nsc` writes them.
fn creds(user_jwt: &str, seed: &str) -> String {
    format!(
        "-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n\
         ************************* IMPORTANT *************************\n\
         NKEY Seed printed below can be used to sign and prove identity.\n\n\
         -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
    )
}

#[tokio::test]
async fn credentials_file_auth() {
    // Operator mode, keys and JWTs made here: an operator, an account with JetStream, a user of
    // it. A user signed by an account the server does not know is refused.
    let operator = nkeys::KeyPair::new_operator();
    let account = nkeys::KeyPair::new_account();
    let stranger_account = nkeys::KeyPair::new_account();
    let (user, stranger) = (nkeys::KeyPair::new_user(), nkeys::KeyPair::new_user());
    let op_jwt = jwt(
        &operator,
        &operator.public_key(),
        "op",
        serde_json::json!({"type": "operator", "version": 2}),
    );
    let acct_jwt = jwt(
        &operator,
        &account.public_key(),
        "news",
        serde_json::json!({"type": "account", "version": 2, "limits": {
            "subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1,
            "wildcards": true, "conn": -1, "leaf": -1,
            "mem_storage": -1, "disk_storage": -1, "streams": -1, "consumer": -1
        }}),
    );
    // JetStream needs a system account.
    let system = nkeys::KeyPair::new_account();
    let sys_jwt = jwt(
        &operator,
        &system.public_key(),
        "SYS",
        serde_json::json!({"type": "account", "version": 2}),
    );
    let user_claims = serde_json::json!({"type": "user", "version": 2,
        "pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1});
    let user_jwt = jwt(&account, &user.public_key(), "worker", user_claims.clone());
    let stranger_jwt = jwt(&stranger_account, &stranger.public_key(), "x", user_claims);
    let server = NatsServer::start_with_config(Some(&format!(
        "operator: {op_jwt}\nsystem_account: {sys}\nresolver: MEMORY\n\
         resolver_preload: {{\n  {acct}: {acct_jwt}\n  {sys}: {sys_jwt}\n}}\n",
        sys = system.public_key(),
        acct = account.public_key(),
    )));

    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("worker.creds");
    let bad = dir.path().join("stranger.creds");
    let seed = user.seed().expect("seed");
    std::fs::write(&good, creds(&user_jwt, &seed)).expect("write");
    std::fs::write(&bad, creds(&stranger_jwt, &stranger.seed().expect("seed"))).expect("write");

    let key = "ENRICHER__NATS__AUTH__CREDENTIALS_FILE";
    refused_worker(&test_env(&server.url(), &[]), "refused", 10);
    let bad_path = bad.to_string_lossy().to_string();
    let log = refused_worker(&test_env(&server.url(), &[(key, &bad_path)]), "refused", 10);
    assert!(
        !log.contains(&stranger.seed().expect("seed")),
        "a seed leaked: {log}"
    );

    let good_path = good.to_string_lossy().to_string();
    let env = test_env(&server.url(), &[(key, &good_path)]);
    let worker = spawn_worker_process(&env);
    worker.ready().await;
    let client = async_nats::ConnectOptions::with_credentials_file(&good)
        .await
        .expect("creds")
        .connect(server.url())
        .await
        .expect("authorised client");
    let js = async_nats::jetstream::new(client);
    publish_articles(&js, &[article(1), article(2)]).await;
    assert_eq!(wait_stream_len(&js, "ENRICHED", 2, WAIT).await, 2);
    assert!(
        !worker.log().contains(&seed),
        "a seed leaked: {}",
        worker.log()
    );
}
