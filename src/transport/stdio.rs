//! `pipe` mode (SPEC): JSON Lines on standard input, one JSON line per input line on standard
//! output, in input order, through the same pipeline and the embedded dedup store.
//!
//! Lines are processed in chunks: the CPU work of a chunk runs in parallel, then dedup decisions
//! are taken one line after another in input order, so the first copy is always the original.

use crate::config::Config;
use crate::config::NearPolicy;
use crate::dedup::{Claim, EmbeddedStore, HashKey};
use crate::pipeline::clean::learned::{Recall, SourceMemory};
use crate::pipeline::{Pipeline, PipelineOptions, Prepared, Processed};
use crate::record::{
    Duplicate, DuplicateKind, PipeRejection, RejectReason, Rejection, RejectionBody,
};
use chrono::Utc;
use rayon::prelude::*;
use std::io::{self, BufRead, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Lines processed in parallel before their dedup decisions are taken in order.
const CHUNK: usize = 256;

/// Counts by outcome, printed as the summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PipeSummary {
    pub lines: u64,
    pub new: u64,
    pub exact_duplicates: u64,
    pub near_duplicates: u64,
    pub rejected: u64,
}

impl std::fmt::Display for PipeSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lines={} new={} exact_duplicates={} near_duplicates={} rejected={}",
            self.lines, self.new, self.exact_duplicates, self.near_duplicates, self.rejected
        )
    }
}

/// One input line, read with a bound: beyond `limit` bytes only the length is kept.
enum Line {
    Bytes(Vec<u8>),
    TooLong(usize),
}

/// Reads one line (without its `\n` or `\r\n`), keeping at most `limit + 1` bytes of it.
fn read_line(input: &mut impl BufRead, limit: usize) -> io::Result<Option<Line>> {
    let mut buf = Vec::new();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        total += part.len();
        if buf.len() <= limit {
            let room = (limit + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&part[..part.len().min(room)]);
        }
        let consumed = done.unwrap_or(chunk.len());
        input.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if total > limit {
        return Ok(Some(Line::TooLong(total)));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Bytes(buf)))
}

/// Runs `pipe` over `input`, writing to `output`. Returns the counts; I/O errors on the streams
/// are the only errors (a rejected line is an output line, not an error).
pub fn run_pipe(
    config: &Config,
    input: impl BufRead,
    output: impl Write,
) -> io::Result<PipeSummary> {
    run_pipe_with_progress(config, input, output, |_| {})
}

/// [`run_pipe`], calling `progress` with the counts so far after each chunk of lines (the
/// binary draws its progress bar from it).
pub fn run_pipe_with_progress(
    config: &Config,
    mut input: impl BufRead,
    mut output: impl Write,
    mut progress: impl FnMut(&PipeSummary),
) -> io::Result<PipeSummary> {
    let opts = PipelineOptions::from_config(config);
    let limit = opts.max_message_bytes;
    let pipeline = Pipeline::new(opts);
    let store = EmbeddedStore::new(config.dedup.window, config.dedup.max_entries)
        .with_memory_limit(config.dedup.max_memory.as_usize());
    let (near_policy, near_threshold) = (config.dedup.near_duplicates, config.dedup.near_threshold);
    let memory = SourceMemory::new(config.pipeline.memory_limits());
    let threads = config.pipeline_threads();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(crate::worker::PIPELINE_STACK)
        .thread_name(|i| format!("pipeline-{i}"))
        .build()
        .map_err(io::Error::other)?;

    let mut summary = PipeSummary::default();
    let mut out = Vec::with_capacity(1 << 16);
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match read_line(&mut input, limit)? {
                Some(line) => chunk.push(line),
                None => break,
            }
        }
        if chunk.is_empty() {
            break;
        }
        let now = Utc::now();
        // Phase 1 in parallel, phase 2 (learning) in input order, phase 3 in parallel.
        let prepared: Vec<Result<Prepared, Rejection>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|line| match line {
                    Line::Bytes(b) => guarded(|| pipeline.prepare(b, now)),
                    Line::TooLong(n) => Err(Rejection::new(
                        RejectReason::TooLarge,
                        format!("{n} bytes exceeds the limit of {limit}"),
                    )),
                })
                .collect()
        });
        let staged: Vec<(Result<Prepared, Rejection>, Option<Recall>)> = prepared
            .into_iter()
            .map(|p| {
                let recall = p.as_ref().ok().map(|p| pipeline.learn(p, &memory));
                (p, recall)
            })
            .collect();
        let results: Vec<Result<Processed, Rejection>> = pool.install(|| {
            staged
                .into_par_iter()
                .map(|(p, recall)| p.and_then(|p| guarded(|| pipeline.finish(p, recall.as_ref()))))
                .collect()
        });
        for result in results {
            summary.lines += 1;
            out.clear();
            match result {
                Ok(mut p) => {
                    let now = epoch_now();
                    match store.claim_sync(HashKey::from_hash(&p.hash), &p.record.id, now) {
                        Claim::New(token) => {
                            store.commit_sync(&token, now);
                            // (`pipe` writes one line per input line, so a near copy is
                            // written marked whatever the worker's policy.)
                            let near = p
                                .signature
                                .as_ref()
                                .filter(|_| near_policy != NearPolicy::Off)
                                .map(|sig| (sig, store.near_sync(sig, near_threshold, now)));
                            match near {
                                Some((_, Some(m))) => {
                                    summary.near_duplicates += 1;
                                    p.record.duplicate = Some(Duplicate::from(m));
                                }
                                Some((sig, None)) => {
                                    store.remember_near_sync(sig, &p.record.id, now);
                                    summary.new += 1;
                                }
                                None => summary.new += 1,
                            }
                        }
                        Claim::Duplicate { of } => {
                            summary.exact_duplicates += 1;
                            p.record.duplicate = Some(Duplicate {
                                kind: DuplicateKind::Exact,
                                of,
                                similarity: 1.0,
                            });
                        }
                        // Lines are decided one at a time: nothing is ever in flight here.
                        Claim::InFlight => summary.new += 1,
                    }
                    serde_json::to_writer(&mut out, &p.record).map_err(io::Error::other)?;
                }
                Err(r) => {
                    summary.rejected += 1;
                    let line = PipeRejection {
                        id: r.id.as_deref(),
                        line: summary.lines,
                        rejected: RejectionBody {
                            reason: r.reason,
                            detail: &r.detail,
                        },
                    };
                    serde_json::to_writer(&mut out, &line).map_err(io::Error::other)?;
                }
            }
            out.push(b'\n');
            output.write_all(&out)?;
        }
        progress(&summary);
    }
    output.flush()?;
    Ok(summary)
}

/// Runs one stage for one line; a panic (a bug, never the input's fault) rejects that line with
/// its message instead of ending the whole run.
fn guarded<T>(f: impl FnOnce() -> Result<T, Rejection>) -> Result<T, Rejection> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(Rejection::new(
            RejectReason::InternalError,
            format!("pipeline panicked: {msg}"),
        ))
    })
}

fn epoch_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe(input: &str) -> (Vec<serde_json::Value>, PipeSummary) {
        let mut out = Vec::new();
        let s = run_pipe(&Config::defaults(), input.as_bytes(), &mut out).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, s)
    }

    #[test]
    fn one_line_out_per_line_in_and_first_copy_wins() {
        let input = concat!(
            "{\"id\":\"a\",\"text\":\"Same story.\"}\n",
            "not json\n",
            "\n",
            "{\"id\":\"b\",\"text\":\"SAME   story.\"}\r\n",
            "{\"id\":\"c\",\"text\":\"Other story.\"}"
        );
        let (lines, s) = pipe(input);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0]["id"], "a");
        assert!(lines[0].get("duplicate").is_none());
        assert_eq!(lines[1]["rejected"]["reason"], "invalid_json");
        assert_eq!(lines[1]["line"], 2);
        assert_eq!(lines[2]["rejected"]["reason"], "invalid_json");
        assert_eq!(lines[3]["duplicate"]["kind"], "exact");
        assert_eq!(lines[3]["duplicate"]["of"], "a");
        assert_eq!(lines[4]["id"], "c");
        assert_eq!(
            s,
            PipeSummary {
                lines: 5,
                new: 2,
                exact_duplicates: 1,
                near_duplicates: 0,
                rejected: 2
            }
        );
    }

    /// A lightly edited copy is marked near and points at the first; another story is not.
    #[test]
    fn near_copies_are_marked_with_their_original() {
        let story: Vec<String> = (0..60)
            .map(|i| format!("Sentence {i} of the harbour story tells what council member {i} said about the ferry."))
            .collect();
        let mut edited = story.clone();
        edited[30] = "A sentence the second outlet wrote in its own words about the vote.".into();
        edited.truncate(55);
        let other: Vec<String> = (0..60)
            .map(|i| format!("Line {i} reports a football match where team {i} scored late goals."))
            .collect();
        let line = |id: &str, paras: &[String]| {
            serde_json::json!({"id": id, "text": paras.join("\n\n")}).to_string()
        };
        let input = [line("a", &story), line("b", &edited), line("c", &other)].join("\n");
        let (lines, s) = pipe(&input);
        assert!(lines[0].get("duplicate").is_none());
        assert_eq!(lines[1]["duplicate"]["kind"], "near");
        assert_eq!(lines[1]["duplicate"]["of"], "a");
        let sim = lines[1]["duplicate"]["similarity"].as_f64().unwrap();
        assert!((0.6..1.0).contains(&sim), "{sim}");
        assert!(lines[2].get("duplicate").is_none());
        assert_eq!((s.new, s.near_duplicates), (2, 1));
    }

    #[test]
    fn over_long_lines_are_rejected_without_being_held() {
        let mut cfg = Config::defaults();
        cfg.input.max_message_bytes = crate::config::ByteSize(100);
        let input = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n",
            "x".repeat(10_000)
        );
        let mut out = Vec::new();
        let s = run_pipe(&cfg, input.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["rejected"]["reason"], "too_large");
        assert_eq!(lines[1]["text"], "ok");
        assert_eq!(s.rejected, 1);
    }

    #[test]
    fn order_is_kept_across_chunks() {
        let input: String = (0..1000)
            .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"Story number {i}.\"}}\n"))
            .collect();
        let (lines, _) = pipe(&input);
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(l["id"], i.to_string());
        }
    }
}
