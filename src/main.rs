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
            match transport::stdio::run_pipe(&config, stdin, std::io::BufWriter::new(stdout)) {
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
        Command::Run => {
            ops::telemetry::init(&config.log);
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("article-enricher: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
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
