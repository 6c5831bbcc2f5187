//! The `article-enricher` binary: parses arguments, loads the configuration, sets up telemetry
//! once, and dispatches. Everything else lives in the library.

use article_enricher::config::Config;
use article_enricher::{ops, transport, worker};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Strips syndication boilerplate from scraped news articles, deduplicates them and annotates
/// them, between NATS JetStream subjects (`run`) or standard input and output (`pipe`).
#[derive(Parser, Debug)]
#[command(name = "article-enricher", version, about, long_about = None)]
struct Cli {
    /// A TOML file overriding the built-in defaults (see config/default.toml). Environment
    /// variables ENRICHER__SECTION__KEY override both.
    #[arg(long, short, global = true, env = "ENRICHER_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the NATS worker: consume scraped articles, publish enriched records.
    Run,
    /// Read JSON Lines articles on stdin, write one JSON line per input line on stdout.
    Pipe,
    /// Validate the configuration and print the effective values (secrets redacted).
    CheckConfig,
    /// Inspect and replay the dead-letter stream.
    Dlq {
        #[command(subcommand)]
        command: DlqCommand,
    },
}

#[derive(Subcommand, Debug)]
enum DlqCommand {
    /// List dead letters, oldest first: sequence, age, reason, source subject, detail.
    List {
        #[command(flatten)]
        select: Select,
    },
    /// Republish dead letters' original bytes to their source subjects, deleting each from the
    /// dead-letter stream only after the republish is acknowledged.
    Replay {
        #[command(flatten)]
        select: Select,
        /// Show what would be replayed; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(clap::Args, Debug)]
struct Select {
    /// Only dead letters with this reason (e.g. too_large, invalid_json, delivery_failed).
    #[arg(long, value_parser = parse_reason)]
    reason: Option<article_enricher::record::RejectReason>,
    /// At most this many, oldest first.
    #[arg(long)]
    limit: Option<usize>,
}

fn parse_reason(s: &str) -> Result<article_enricher::record::RejectReason, String> {
    ops::dlq::parse_reason(s).map_err(|e| e.to_string())
}

impl Select {
    fn selection(&self) -> ops::dlq::Selection {
        ops::dlq::Selection {
            reason: self.reason,
            limit: self.limit,
        }
    }
}

/// The worker's runtime. With one thread it runs on the current thread: the pulls, publishes and
/// acks then share one thread, with no work stealing between runtime threads to wake them.
fn worker_runtime(threads: usize) -> tokio::runtime::Builder {
    if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    }
}

/// The async runtime of a command, or `None` after saying why it cannot start.
fn runtime(mut builder: tokio::runtime::Builder) -> Option<tokio::runtime::Runtime> {
    builder
        .enable_all()
        .build()
        .map_err(|e| eprintln!("article-enricher: cannot start the runtime: {e}"))
        .ok()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "article-enricher: {} ({})",
                e,
                Config::describe_source(cli.config.as_ref())
            );
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::CheckConfig => {
            print!("{}", config.to_redacted_toml());
            eprintln!("configuration OK");
            ExitCode::SUCCESS
        }
        Command::Pipe => {
            ops::telemetry::init(&config.log);
            let stdin = std::io::stdin().lock();
            let stdout = std::io::stdout().lock();
            let bar = ops::progress::PipeProgress::for_stderr();
            let result = transport::stdio::run_pipe_with_progress(
                &config,
                stdin,
                std::io::BufWriter::new(stdout),
                |s| bar.update(s),
            );
            bar.finish();
            match result {
                Ok(summary) => {
                    eprintln!("article-enricher pipe: {summary}");
                    ExitCode::SUCCESS
                }
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("article-enricher pipe: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Dlq { command } => {
            ops::telemetry::init(&config.log);
            let Some(runtime) = runtime(tokio::runtime::Builder::new_current_thread()) else {
                return ExitCode::FAILURE;
            };
            let mut out = std::io::stdout().lock();
            let result = runtime.block_on(async {
                match command {
                    DlqCommand::List { select } => {
                        let n = ops::dlq::list(&config, &select.selection(), &mut out).await?;
                        eprintln!("article-enricher dlq: {n} dead letter(s) listed");
                        Ok::<_, anyhow::Error>(())
                    }
                    DlqCommand::Replay { select, dry_run } => {
                        let s = ops::dlq::replay(&config, &select.selection(), dry_run, &mut out)
                            .await?;
                        let what = if dry_run { " (dry run)" } else { "" };
                        eprintln!("article-enricher dlq replay{what}: {s}");
                        Ok(())
                    }
                }
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("article-enricher dlq: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Run => {
            ops::telemetry::init(&config.log);
            let Some(runtime) = runtime(worker_runtime(config.io_threads())) else {
                return ExitCode::FAILURE;
            };
            match runtime.block_on(worker::run(config, ops::shutdown::signal())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "worker failed");
                    eprintln!("article-enricher: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
