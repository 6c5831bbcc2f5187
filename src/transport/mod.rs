//! Adapters at the edges: where messages come from and go to.

pub mod nats;
pub mod pull;
pub mod stdio;
pub mod subject;
