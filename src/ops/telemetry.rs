//! Logging, set up once per process. Logs always go to standard error: standard output belongs
//! to `pipe` mode's records.

use crate::config::{LogConfig, LogFormat};
use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber: `RUST_LOG` when set, else `log.level`; `log.format` picks
/// human-readable or JSON lines. Calling it twice is harmless (the second call is ignored).
pub fn init(log: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match log.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.with_target(false).try_init(),
    };
}
