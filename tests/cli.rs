//! The command line: help, `check-config` on good and broken configurations, secrets redacted.

use std::process::{Command, Output};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run article-enricher")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn help_names_every_subcommand() {
    let o = run(&["--help"], &[]);
    assert!(o.status.success());
    let t = text(&o);
    for cmd in ["run", "pipe", "check-config", "dlq"] {
        assert!(t.contains(cmd), "{cmd} missing from --help:\n{t}");
    }
    for cmd in ["run", "pipe", "check-config", "dlq"] {
        assert!(run(&[cmd, "--help"], &[]).status.success());
    }
    let t = text(&run(&["dlq", "replay", "--help"], &[]));
    for flag in ["--reason", "--limit", "--dry-run"] {
        assert!(
            t.contains(flag),
            "{flag} missing from dlq replay --help:\n{t}"
        );
    }
}

#[test]
fn check_config_prints_the_effective_config_with_secrets_redacted() {
    let o = run(
        &["check-config"],
        &[
            ("ENRICHER__NATS__URL", "nats://broker:4222"),
            ("ENRICHER__NATS__AUTH__USER", "enricher"),
            ("ENRICHER__NATS__AUTH__PASSWORD", "p4ss-w0rd-XYZ"),
        ],
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("nats://broker:4222"));
    assert!(t.contains("ack_wait"));
    assert!(t.contains("<redacted>"));
    assert!(!t.contains("p4ss-w0rd-XYZ"), "a secret leaked:\n{t}");
}

#[test]
fn nats_url_is_honoured_and_the_prefixed_variable_wins() {
    let o = run(
        &["check-config"],
        &[("NATS_URL", "nats://conventional:4222")],
    );
    assert!(text(&o).contains("nats://conventional:4222"));
    let o = run(
        &["check-config"],
        &[
            ("NATS_URL", "nats://conventional:4222"),
            ("ENRICHER__NATS__URL", "nats://prefixed:4222"),
        ],
    );
    let t = text(&o);
    assert!(t.contains("nats://prefixed:4222") && !t.contains("conventional"));
}

#[test]
fn check_config_reports_every_problem_with_its_path_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[nats]\nurl = \"nats://x:4222\"\ntypo_key = 1\n\
         [nats.consumer]\nack_wait = \"soon\"\nmax_deliver = 0\n\
         [worker]\nmax_inflight = \"many\"\n[input]\nmode = \"carrier-pigeon\"\n",
    )
    .unwrap();
    let o = run(&["--config", file.to_str().unwrap(), "check-config"], &[]);
    assert!(!o.status.success());
    let t = text(&o);
    for path in [
        "nats.typo_key",
        "nats.consumer.ack_wait",
        "nats.consumer.max_deliver",
        "worker.max_inflight",
        "input.mode",
    ] {
        assert!(t.contains(path), "{path} not reported:\n{t}");
    }
}

#[test]
fn check_config_reports_impossible_values_of_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[ops]\nlisten = \"everywhere\"\nlag_interval = \"0s\"\n\
         [nats.consumer]\nbatch = 0\n[dedup]\nwindow = \"0s\"\n",
    )
    .unwrap();
    let o = run(&["--config", file.to_str().unwrap(), "check-config"], &[]);
    assert!(!o.status.success());
    let t = text(&o);
    for path in [
        "ops.listen",
        "ops.lag_interval",
        "nats.consumer.batch",
        "dedup.window",
    ] {
        assert!(t.contains(path), "{path} not reported:\n{t}");
    }
}

#[test]
fn a_missing_or_unparsable_file_is_a_clear_error() {
    let o = run(
        &["--config", "/nonexistent/enricher.toml", "check-config"],
        &[],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("cannot read"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "[nats\nurl = ").unwrap();
    let o = run(&["--config", file.to_str().unwrap(), "check-config"], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not valid TOML"));
}

#[test]
fn run_without_a_server_exits_non_zero_with_a_message() {
    let o = run(
        &["run"],
        &[
            ("ENRICHER__NATS__URL", "nats://127.0.0.1:1"),
            ("ENRICHER__NATS__RETRY_ON_INITIAL_CONNECT", "false"),
            ("ENRICHER__NATS__CONNECT_TIMEOUT", "1s"),
            ("ENRICHER__OPS__LISTEN", "127.0.0.1:0"),
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("cannot connect to NATS"), "{}", text(&o));
}

/// `pipe` on a terminal draws a progress bar with the rate and counts by outcome; piped, its
/// standard error holds only the summary line. (`script` from util-linux gives it a terminal.)
#[test]
fn pipe_draws_progress_only_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut lines = String::new();
    for i in 0..600 {
        lines.push_str(&format!(
            "{{\"id\": \"a{i}\", \"text\": \"Council {i} met on Tuesday about the harbour.\"}}\n"
        ));
    }
    lines.push_str("not json\n");
    std::fs::write(&input, lines).unwrap();
    let bin = env!("CARGO_BIN_EXE_article-enricher");

    let piped = Command::new(bin)
        .arg("pipe")
        .env_clear()
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(piped.status.success());
    let err = String::from_utf8_lossy(&piped.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("lines=601 new=600 exact_duplicates=0 near_duplicates=0 rejected=1"));

    let typescript = dir.path().join("typescript");
    let cmd = format!("{bin} pipe < {} > /dev/null", input.display());
    let tty = Command::new("script")
        .args(["-qec", &cmd, typescript.to_str().unwrap()])
        .env_clear()
        .env("TERM", "xterm")
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    assert!(tty.status.success());
    let shown = std::fs::read_to_string(&typescript).unwrap_or_default()
        + &String::from_utf8_lossy(&tty.stdout);
    assert!(shown.contains("articles"), "no progress bar:\n{shown}");
    assert!(shown.contains("/s"), "no rate:\n{shown}");
    assert!(
        shown.contains("new ") && shown.contains("rejected "),
        "no counts:\n{shown}"
    );
    assert!(shown.contains("lines=601"), "no summary:\n{shown}");
}
