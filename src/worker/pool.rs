//! The CPU pool: pipeline work runs here, never on the async runtime's threads, so a slow
//! article cannot stall acks, heartbeats or publishes of the others.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Stack size of pipeline threads: generous, so deeply nested input meets our own depth limits
/// long before the stack's.
pub const PIPELINE_STACK: usize = 16 << 20;

pub struct CpuPool {
    pool: rayon::ThreadPool,
}

/// The closure panicked (a bug, never an input's fault): its message, for the dead letter.
#[derive(Debug, thiserror::Error)]
#[error("pipeline panicked: {0}")]
pub struct Panicked(pub String);

impl CpuPool {
    pub fn new(threads: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .stack_size(PIPELINE_STACK)
            .thread_name(|i| format!("pipeline-{i}"))
            .build()?;
        Ok(CpuPool { pool })
    }

    /// Runs `f` on the pool and awaits its result.
    pub async fn run<F, R>(&self, f: F) -> Result<R, Panicked>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.pool.spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            });
            let _ = tx.send(result);
        });
        match rx.await {
            Ok(r) => r.map_err(Panicked),
            Err(_) => Err(Panicked("the pipeline thread went away".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn results_and_panics_come_back() {
        let pool = CpuPool::new(2).unwrap();
        assert_eq!(pool.run(|| 2 + 2).await.unwrap(), 4);
        let err = pool.run(|| -> u8 { panic!("boom") }).await.unwrap_err();
        assert!(err.0.contains("boom"));
        // The pool survives a panic.
        assert_eq!(pool.run(|| 1).await.unwrap(), 1);
    }
}
