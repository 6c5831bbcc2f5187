//! `pipe` mode through the real binary: the golden test on the seed article, the README's
//! example, and SPEC's line-for-line contract.
//!
//! The golden file is the whole record (without `processed_at`); after an intended change of the
//! output, regenerate it with `UPDATE_GOLDEN=1 cargo test --test pipe_golden` and review the diff.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn pipe(input: &[u8]) -> (Vec<serde_json::Value>, std::process::ExitStatus) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .arg("pipe")
        .env("ENRICHER__LOG__LEVEL", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn article-enricher pipe");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect();
    (lines, out.status)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// The seed article as its scraper sent it: the headline as title, the page text verbatim.
fn seed_message() -> serde_json::Value {
    let text = fixture("seed-article.txt");
    let title = text.lines().next().unwrap().to_string();
    serde_json::json!({"id": "seed", "title": title, "text": text, "lang": "en"})
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn seed_article_golden() {
    let input = serde_json::to_vec(&seed_message()).unwrap();
    let (lines, status) = pipe(&input);
    assert!(status.success());
    assert_eq!(lines.len(), 1);
    let mut record = lines[0].clone();

    // Every story paragraph of the hand-made truth is in the cleaned text, intact.
    let truth: serde_json::Value =
        serde_json::from_str(&fixture("seed-article.truth.json")).unwrap();
    let text = norm(record["text"].as_str().unwrap());
    for p in truth["truth_paragraphs"].as_array().unwrap() {
        assert!(text.contains(&norm(p.as_str().unwrap())), "lost: {p}");
    }
    assert_eq!(record["title"], truth["title"]);

    // ...and nothing else: every boilerplate line of the seed is gone, listed with its kind.
    let paragraphs: Vec<&str> = record["text"].as_str().unwrap().split("\n\n").collect();
    assert_eq!(
        paragraphs.len(),
        truth["truth_paragraphs"].as_array().unwrap().len()
    );
    let removed: Vec<(String, String)> = record["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let headline = truth["title"].as_str().unwrap().to_string();
    let expected: Vec<(String, String)> = vec![
        ("title_repeat".into(), headline.clone()),
        ("title_repeat".into(), headline),
        (
            "related_link".into(),
            "More news: Korean delegation embarks on Pyongyang trip for summit anniversary".into(),
        ),
        (
            "related_link".into(),
            "More news: Cubs Lose Against Brewers, Face Must-Win Situation Tonight".into(),
        ),
        (
            "related_link".into(),
            "More news: Theresa May dances on stage in mockery of stilted moves".into(),
        ),
        ("related_block".into(), "Related Articles".into()),
    ];
    assert_eq!(removed, expected);
    for (_, line) in &removed {
        assert!(
            !paragraphs.contains(&line.as_str()),
            "still in the text: {line}"
        );
    }
    assert!(
        record["content_hash"]
            .as_str()
            .unwrap()
            .starts_with("blake3:")
    );

    // The rest of the record is pinned by the golden file.
    record.as_object_mut().unwrap().remove("processed_at");
    let golden_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-article.golden.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            &golden_path,
            serde_json::to_string_pretty(&record).unwrap() + "\n",
        )
        .unwrap();
    }
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&golden_path).expect("golden file")).unwrap();
    assert_eq!(
        record, golden,
        "the seed record changed; see the module docs to update"
    );
}

/// The seed's annotations, written out: the people, places and quotes a reader finds in it.
#[test]
fn seed_article_annotations() {
    let input = serde_json::to_vec(&seed_message()).unwrap();
    let (lines, _) = pipe(&input);
    let record = &lines[0];
    assert_eq!(record["lang"], "en");
    let entities: Vec<(String, String, u64)> = record["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
                e["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let kind_of = |name: &str| {
        entities
            .iter()
            .find(|(t, _, _)| t == name)
            .map(|(_, k, n)| (k.as_str(), *n))
    };
    for (name, kind) in [
        ("Mike Pompeo", "person"),
        ("Kim Jong Un", "person"),
        ("Trump", "person"),
        ("Moon Jae-in", "person"),
        ("Xi Jinping", "person"),
        ("Shinzo Abe", "person"),
        ("Nauert", "person"),
        ("Klinger", "person"),
        ("North Korea", "place"),
        ("South Korea", "place"),
        ("Pyongyang", "place"),
        ("Tokyo", "place"),
        ("Singapore", "place"),
        ("China", "place"),
        ("Seoul", "place"),
        ("Washington", "place"),
    ] {
        assert_eq!(
            kind_of(name).map(|(k, _)| k),
            Some(kind),
            "{name}: {entities:?}"
        );
    }
    // Short forms count for the full name ("Pompeo" for "Mike Pompeo", "Kim" for "Kim Jong Un").
    assert!(kind_of("Mike Pompeo").unwrap().1 >= 9, "{entities:?}");
    assert!(kind_of("Kim Jong Un").unwrap().1 >= 8, "{entities:?}");
    for not_entity in [
        "Pompeo",
        "Kim",
        "Moon",
        "North Korean",
        "Korean",
        "Japanese",
        "Chinese",
    ] {
        assert!(kind_of(not_entity).is_none(), "{not_entity}: {entities:?}");
    }

    let quotes: Vec<(String, Option<String>)> = record["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap().to_string(),
                q["speaker"].as_str().map(String::from),
            )
        })
        .collect();
    let speaker = |start: &str| {
        quotes
            .iter()
            .find(|(t, _)| t.starts_with(start))
            .unwrap_or_else(|| panic!("quote {start:?} not found in {quotes:?}"))
            .1
            .clone()
    };
    assert_eq!(
        speaker("Most importantly, both the leaders believe"),
        Some("Mike Pompeo".into())
    );
    assert_eq!(
        speaker("So this is, I think, a good outcome"),
        Some("Mike Pompeo".into())
    );
    assert_eq!(
        speaker("irreversible, decisive progress"),
        Some("Moon Jae-in".into())
    );
    assert_eq!(
        speaker("If there is a second meeting"),
        Some("Nauert".into())
    );
    assert_eq!(
        speaker("South Korea seems overly eager"),
        Some("Klinger".into())
    );
    assert_eq!(
        speaker("confirm that it has been irreversibly dismantled"),
        Some("Kim Jong Un".into())
    );
    // Said by an official who declined to be named, and by nobody the text names.
    assert_eq!(speaker("better than the last time"), None);
    assert_eq!(speaker("long haul"), None);
    assert_eq!(speaker("I am really pleased for this opportunity"), None);
}

#[test]
fn one_line_per_input_line_in_order_and_exit_zero() {
    let example =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/articles.jsonl"))
            .unwrap();
    let n_in = example
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let (lines, status) = pipe(&example);
    assert!(status.success(), "pipe exits 0 whatever it rejected");
    assert_eq!(lines.len(), n_in);
    assert_eq!(lines[0]["id"], "harbor-1");
    assert_eq!(lines[0]["extra"]["crawl"]["spider"], "harbor");
    assert_eq!(lines[2]["published_at"], "2024-05-08T08:00:00Z");
    assert_eq!(lines[3]["rejected"]["reason"], "missing_content");
    assert_eq!(lines[3]["id"], "broken-1");
    assert_eq!(lines[3]["line"], 4);
    assert_eq!(lines[4]["rejected"]["reason"], "invalid_json");
    assert!(lines[4]["id"].is_null());
}

#[test]
fn exact_copies_are_flagged_and_point_at_the_first() {
    let seed = seed_message();
    let mut copy = seed.clone();
    copy["id"] = "seed-copy".into();
    // Typography and whitespace only.
    copy["text"] = seed["text"]
        .as_str()
        .unwrap()
        .replace('\'', "\u{2019}")
        .replace("\n\n", "\r\n")
        .replace(". ", ".  ")
        .into();
    let input = format!("{}\n{}\n", seed, copy);
    let (lines, _) = pipe(input.as_bytes());
    assert!(lines[0].get("duplicate").is_none());
    assert_eq!(lines[1]["duplicate"]["kind"], "exact");
    assert_eq!(lines[1]["duplicate"]["of"], "seed");
    assert_eq!(lines[0]["content_hash"], lines[1]["content_hash"]);
}
