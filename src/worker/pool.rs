//! The CPU pool: pipeline work runs here, never on the async runtime's threads, so a slow
//! article cannot stall acks, heartbeats or publishes of the others.
//!
//! Why not rayon's `spawn`: every result would wake the async runtime on its own, and each wake
//! costs both sides a system call and a context switch, and gets its publish and ack written to
//! the server in a socket write of their own (the server then pays a wake-up for each). Here a
//! thread that finishes an article while more are queued holds its result back, up to
//! [`HOLD_RESULTS`], and hands the held results over together: the runtime wakes once for them and
//! their publishes go out in one write. An idle pool hands each result over at once, so a lone
//! article waits for nothing.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Stack size of pipeline threads: generous, so deeply nested input meets our own depth limits
/// long before the stack's.
pub const PIPELINE_STACK: usize = 16 << 20;

/// Results a busy thread holds back at most. An article waits for at most this many others
/// (about 2 ms on a 3 KB article), far below the latency target, and the runtime is woken and
/// the server written to once per this many articles under load.
pub const HOLD_RESULTS: usize = 8;

/// A queued job: runs the work and returns what hands its result to the waiting task.
type Job = Box<dyn FnOnce() -> Handover + Send>;
type Handover = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// The pool was dropped: threads finish the queue and exit.
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // Jobs run outside the lock and catch their panics, so a poisoned lock holds a
        // consistent queue.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_empty(&self) -> bool {
        self.lock().jobs.is_empty()
    }

    /// The next job, waiting for one; `None` once the pool is closed and drained.
    fn next(&self) -> Option<Job> {
        let mut queue = self.lock();
        loop {
            if let Some(job) = queue.jobs.pop_front() {
                return Some(job);
            }
            if queue.closed {
                return None;
            }
            queue = self
                .ready
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

pub struct CpuPool {
    shared: Arc<Shared>,
}

/// The closure panicked (a bug, never an input's fault): its message, for the dead letter.
#[derive(Debug, thiserror::Error)]
#[error("pipeline panicked: {0}")]
pub struct Panicked(pub String);

impl CpuPool {
    pub fn new(threads: usize) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared::default());
        for i in 0..threads.max(1) {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("pipeline-{i}"))
                .stack_size(PIPELINE_STACK)
                .spawn(move || work(&shared))?;
        }
        Ok(CpuPool { shared })
    }

    /// Runs `f` on the pool and awaits its result.
    pub async fn run<F, R>(&self, f: F) -> Result<R, Panicked>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            });
            Box::new(move || {
                let _ = tx.send(result);
            })
        });
        self.shared.lock().jobs.push_back(job);
        self.shared.ready.notify_one();
        match rx.await {
            Ok(r) => r.map_err(Panicked),
            Err(_) => Err(Panicked("the pipeline thread went away".into())),
        }
    }
}

impl Drop for CpuPool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

/// A pipeline thread: runs jobs in turn, holding results back while more jobs wait.
fn work(shared: &Shared) {
    let mut held: Vec<Handover> = Vec::with_capacity(HOLD_RESULTS);
    let hand_over = |held: &mut Vec<Handover>| held.drain(..).for_each(|h| h());
    loop {
        let job = {
            let mut queue = shared.lock();
            match queue.jobs.pop_front() {
                Some(job) => job,
                None => {
                    drop(queue);
                    // Nothing waits: the held results go now, before this thread sleeps.
                    hand_over(&mut held);
                    match shared.next() {
                        Some(job) => job,
                        None => return,
                    }
                }
            }
        };
        held.push(job());
        if held.len() >= HOLD_RESULTS || shared.is_empty() {
            hand_over(&mut held);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn results_and_panics_come_back() {
        let pool = CpuPool::new(2).unwrap();
        assert_eq!(pool.run(|| 2 + 2).await.unwrap(), 4);
        let err = pool.run(|| -> u8 { panic!("boom") }).await.unwrap_err();
        assert!(err.0.contains("boom"));
        // The pool survives a panic.
        assert_eq!(pool.run(|| 1).await.unwrap(), 1);
    }

    /// A busy thread holds results back, but never more than `HOLD_RESULTS`: with one thread and
    /// a full queue, the job after the held ones can only finish once the first result reached
    /// its task. Holding more would leave it waiting (and the test failing on its timeout).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn held_results_are_handed_over_in_bounded_batches() {
        let pool = Arc::new(CpuPool::new(1).unwrap());
        let (first_arrived, wait_first) = std::sync::mpsc::channel::<()>();
        let wait_first = Arc::new(Mutex::new(wait_first));
        // Keeps the thread busy until every job is queued, so it holds results from the start.
        let (queued, wait_queued) = std::sync::mpsc::channel::<()>();
        let jobs = 3 * HOLD_RESULTS;
        let mut wait_queued = Some(wait_queued);
        let mut results = Vec::new();
        for i in 0..jobs {
            let (pool, wait_first) = (pool.clone(), wait_first.clone());
            let wait_queued = if i == 0 { wait_queued.take() } else { None };
            let first_arrived = first_arrived.clone();
            // Spawned so that they are all queued at once.
            results.push(tokio::spawn(async move {
                let got = pool
                    .run(move || {
                        if let Some(w) = wait_queued {
                            let _ = w.recv_timeout(Duration::from_secs(10));
                        }
                        if i == HOLD_RESULTS {
                            // Only the hand-over of the held results lets this one on.
                            let w = wait_first.lock().unwrap();
                            return w.recv_timeout(Duration::from_secs(10)).is_ok();
                        }
                        true
                    })
                    .await
                    .unwrap();
                if i == 0 {
                    let _ = first_arrived.send(());
                }
                got
            }));
        }
        while pool.shared.lock().jobs.len() < jobs - 1 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let _ = queued.send(());
        for (i, r) in results.into_iter().enumerate() {
            assert!(
                r.await.unwrap(),
                "job {i} waited for a result held too long"
            );
        }
    }

    /// An idle pool holds nothing back: a lone job's result arrives while the thread waits.
    #[tokio::test]
    async fn a_lone_result_is_not_held() {
        let pool = CpuPool::new(1).unwrap();
        for i in 0..20 {
            let got = tokio::time::timeout(Duration::from_secs(10), pool.run(move || i)).await;
            assert_eq!(got.ok().and_then(Result::ok), Some(i));
        }
    }
}
