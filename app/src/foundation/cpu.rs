//! Work that keeps a core busy (rendering and sanitising Markdown, highlighting passages,
//! comparing and merging revisions, finding quotes) runs here instead of on the async workers:
//! on tokio's blocking threads, at most [`lanes`] jobs at a time, within a time budget.
//!
//! Why: the async workers are as many as the cores and serve every request. A long job on one
//! of them stalls every request queued behind it, `/health` included (two readers of a deeply
//! nested section made it time out for 34 s). Here a long job only occupies a lane, and at
//! least half the cores stay free for requests.
//!
//! A job that overruns its budget cannot be stopped (threads are not cancellable): it runs on,
//! holding its lane until it ends, and the caller goes ahead with its fallback. So every job is
//! also bounded by its own algorithm (the nesting cap, diff deadlines, linear quote search);
//! the budget bounds what a reader waits, the wait for a free lane included.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

/// How long a reader waits for a job before getting its fallback.
pub const READ_BUDGET: Duration = Duration::from_secs(2);

/// How many jobs run at once: half the cores, at least one; the rest serve requests.
pub fn lanes() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().div_ceil(2))
}

fn lane_permits() -> Arc<Semaphore> {
    static LANES: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(LANES.get_or_init(|| Arc::new(Semaphore::new(lanes()))))
}

/// Why a job gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfinished {
    /// It did not finish within its budget (it may still be running).
    OverBudget,
    /// It panicked; the log says where.
    Failed,
}

/// Runs `work` on a CPU lane and returns its result, unless `budget` (the wait for a lane
/// included) runs out first. `what` names the job in the log.
pub async fn run<T, F>(what: &'static str, budget: Duration, work: F) -> Result<T, Unfinished>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(lane_permits(), what, budget, work).await
}

/// [`run`] on a given set of lanes. The process has one set; the lane's own tests use theirs,
/// so a job they keep busy on purpose (sleeping, panicking) never holds a lane every other
/// test of the process waits on.
async fn run_on<T, F>(
    lanes: Arc<Semaphore>,
    what: &'static str,
    budget: Duration,
    work: F,
) -> Result<T, Unfinished>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let deadline = tokio::time::Instant::now() + budget;
    let permit = match tokio::time::timeout_at(deadline, lanes.acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        // The semaphore is never closed.
        Ok(Err(_)) => return Err(Unfinished::Failed),
        Err(_) => {
            tracing::warn!(
                job = what,
                ?budget,
                "no CPU lane came free within the budget"
            );
            return Err(Unfinished::OverBudget);
        }
    };
    let job = tokio::task::spawn_blocking(move || {
        // Held until the work ends, even if nobody waits for it any more.
        let _lane = permit;
        work()
    });
    match tokio::time::timeout_at(deadline, job).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            tracing::error!(job = what, %error, "CPU job failed");
            Err(Unfinished::Failed)
        }
        Err(_) => {
            tracing::warn!(job = what, ?budget, "CPU job overran its budget");
            Err(Unfinished::OverBudget)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own_lane() -> Arc<Semaphore> {
        Arc::new(Semaphore::new(1))
    }

    #[tokio::test]
    async fn a_job_gives_its_result() {
        assert_eq!(run("sum", READ_BUDGET, || 2 + 2).await, Ok(4));
    }

    #[tokio::test]
    async fn a_job_over_budget_is_given_up_on() {
        let slow = run_on(own_lane(), "slow", Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(300));
        });
        assert_eq!(slow.await, Err(Unfinished::OverBudget));
    }

    #[tokio::test]
    async fn a_job_waiting_for_a_busy_lane_past_its_budget_is_given_up_on() {
        let lane = own_lane();
        let busy = lane.clone().acquire_owned().await;
        let waiting = run_on(lane, "waits", Duration::from_millis(20), || 1);
        assert_eq!(waiting.await, Err(Unfinished::OverBudget));
        drop(busy);
    }

    #[tokio::test]
    async fn a_job_that_panics_is_reported_as_failed() {
        // A budget far beyond the job: printing a panic's backtrace on a loaded machine can
        // take seconds (it did on CI), and this is about the panic, not the time.
        let failing = run_on(own_lane(), "panics", Duration::from_secs(60), || -> u8 {
            panic!("boom")
        });
        assert_eq!(failing.await, Err(Unfinished::Failed));
    }

    #[test]
    fn there_is_always_a_lane() {
        assert!(lanes() >= 1);
    }
}
