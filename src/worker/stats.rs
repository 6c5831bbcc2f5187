//! Outcome counters of the worker, kept as atomics so every in-flight task can count without a
//! lock. They feed the shutdown summary (and the metrics endpoint).

use super::handle::Outcome;
use crate::record::RejectReason;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct WorkerStats {
    pub received: AtomicU64,
    pub redelivered: AtomicU64,
    pub published: AtomicU64,
    pub published_duplicate_msg_id: AtomicU64,
    pub exact_duplicates: AtomicU64,
    /// Published marked near (policy annotate) or dropped (policy drop).
    pub near_duplicates: AtomicU64,
    pub already_published: AtomicU64,
    pub dead_lettered: AtomicU64,
    pub retried: AtomicU64,
    pub rejected: [AtomicU64; RejectReason::ALL.len()],
}

impl WorkerStats {
    pub fn record(&self, outcome: &Outcome, delivered: i64) {
        let add = |c: &AtomicU64| {
            c.fetch_add(1, Ordering::Relaxed);
        };
        add(&self.received);
        if delivered > 1 {
            add(&self.redelivered);
        }
        match outcome {
            Outcome::Published {
                duplicate_msg_id,
                near,
            } => {
                add(&self.published);
                if *near {
                    add(&self.near_duplicates);
                }
                if *duplicate_msg_id {
                    add(&self.published_duplicate_msg_id);
                }
            }
            Outcome::ExactDuplicate => add(&self.exact_duplicates),
            Outcome::NearDuplicateDropped => add(&self.near_duplicates),
            Outcome::AlreadyPublished => add(&self.already_published),
            Outcome::DeadLettered(reason) => {
                add(&self.dead_lettered);
                if let Some(i) = RejectReason::ALL.iter().position(|r| r == reason) {
                    add(&self.rejected[i]);
                }
            }
            Outcome::Retry => add(&self.retried),
        }
    }

    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    /// One line for the logs.
    pub fn summary(&self) -> String {
        format!(
            "received={} published={} exact_duplicates={} near_duplicates={} dead_lettered={} retried={} redelivered={}",
            Self::get(&self.received),
            Self::get(&self.published),
            Self::get(&self.exact_duplicates),
            Self::get(&self.near_duplicates),
            Self::get(&self.dead_lettered),
            Self::get(&self.retried),
            Self::get(&self.redelivered),
        )
    }
}
