//! Exact-duplicate memory behind one small trait, so the worker does not care whether it is the
//! embedded in-process store or a store the fleet shares.
//!
//! A claim is tied to delivery: the worker claims a content hash *before* publishing, and
//! commits the claim only after the publish ack arrived, or releases it when publishing failed.
//! A claim that is neither committed nor released (a crash) never turns an article into a
//! "duplicate" of an article that was never published: see each store for how it recovers.

pub mod embedded;
pub mod kv;

use crate::pipeline::minhash::Signature;
use std::future::Future;
use std::time::Duration;

pub use embedded::EmbeddedStore;
pub use kv::{KvSettings, KvStore};

/// A content hash as the stores key it: the first 16 bytes of the blake3 hash (collisions at
/// 2^-64 after 2^32 articles are far below any other failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashKey(pub u128);

impl HashKey {
    pub fn from_hash(hash: &[u8; 32]) -> HashKey {
        let mut b = [0u8; 16];
        b.copy_from_slice(&hash[..16]);
        HashKey(u128::from_le_bytes(b))
    }
}

/// Proof of a claim, handed back on commit or release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    pub key: HashKey,
    pub token: u64,
    /// The claiming article's id (a shared store writes it into the done key without reading
    /// the claim back).
    pub id: String,
}

/// The answer to "has this content been seen?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First sighting: publish it, then commit (or release on failure).
    New(ClaimToken),
    /// Already published under article `of`.
    Duplicate { of: String },
    /// Another delivery holds the claim and has not published yet: retry later.
    InFlight,
}

/// An earlier article this one nearly repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMatch {
    pub of: String,
    /// Estimated Jaccard similarity of the two bodies' shingle sets.
    pub similarity: f64,
}

#[derive(Debug, thiserror::Error)]
#[error("dedup store unavailable: {0}")]
pub struct DedupError(pub String);

/// The store every worker talks to. `now` is wall time since the Unix epoch, passed in so the
/// stores stay deterministic under test.
pub trait DedupStore: Send + Sync + 'static {
    /// Binds the store to the worker's JetStream context once connected (a store that lives in
    /// NATS creates or binds its buckets here).
    fn attach(
        &self,
        _js: &async_nats::jetstream::Context,
    ) -> impl Future<Output = Result<(), DedupError>> + Send {
        async { Ok(()) }
    }

    /// Decisions taken without the shared store during an outage (a store with a fallback
    /// counts them; the metrics show them).
    fn fallbacks(&self) -> u64 {
        0
    }

    fn claim(
        &self,
        key: HashKey,
        id: &str,
        now: Duration,
    ) -> impl Future<Output = Result<Claim, DedupError>> + Send;
    fn commit(
        &self,
        token: ClaimToken,
        now: Duration,
    ) -> impl Future<Output = Result<(), DedupError>> + Send;
    fn release(&self, token: ClaimToken) -> impl Future<Output = Result<(), DedupError>> + Send;

    /// The most similar earlier original within the window whose estimated similarity is at
    /// least `threshold`.
    fn near(
        &self,
        sig: &Signature,
        threshold: f64,
        now: Duration,
    ) -> impl Future<Output = Result<Option<NearMatch>, DedupError>> + Send;

    /// Remembers a published original for later near copies (called after its commit; a crash
    /// in between only costs the flag on its later near copies, never an article).
    fn remember_near(
        &self,
        sig: &Signature,
        id: &str,
        now: Duration,
    ) -> impl Future<Output = Result<(), DedupError>> + Send;
}
