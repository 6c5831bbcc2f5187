//! # article-enricher
//!
//! A streaming worker for news-scraping pipelines: scraped articles in from NATS JetStream,
//! cleaned, deduplicated and annotated records out, with nothing lost on the way.
//!
//! # Layout
//!
//! Data flows one way, from the transports at the edges through the pure core and back out:
//!
//! - [`config`]: layered configuration (built-in defaults < file < environment).
//! - [`record`]: the SPEC types: [`record::Article`] in, [`record::Record`] out,
//!   [`record::Rejection`] for what cannot become a record.
//! - [`pipeline`]: the pure, synchronous core, `bytes -> Result<Processed, Rejection>`; no I/O,
//!   no clock. One module per stage.
//! - [`dedup`]: the duplicate memory behind the [`dedup::DedupStore`] trait.
//! - [`transport`]: the adapters: the JetStream pull consumer and core-NATS subscription
//!   ([`transport::nats`]), standard input and output for `pipe` ([`transport::stdio`]).
//! - [`worker`]: the loop that owns delivery semantics: bounded in-flight work, ack only after
//!   the publish ack, nak with backoff, dead-letter then terminate, graceful drain.
//! - [`ops`]: telemetry and shutdown signals.
//!
//! The binary (`src/main.rs`) only parses arguments, loads the configuration, sets up
//! telemetry and calls [`worker::run`] or [`transport::stdio::run_pipe`]; tests call the same
//! entry points with their own configuration and shutdown future.

pub mod config;
pub mod dedup;
pub mod ops;
pub mod pipeline;
pub mod record;
pub mod transport;
pub mod worker;
