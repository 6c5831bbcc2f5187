//! Operations: telemetry set up once, the shutdown signal, metrics, the HTTP endpoint
//! (health, readiness, metrics, status page) and the dead-letter tools.

pub mod dlq;
pub mod http;
pub mod metrics;
pub mod progress;
pub mod shutdown;
pub mod telemetry;
