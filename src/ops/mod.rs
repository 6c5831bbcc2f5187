//! Operations: telemetry set up once, and the shutdown signal.

pub mod shutdown;
pub mod telemetry;
