//! Conflicts are retried, then explained: a deadlock, a lock wait past its bound or
//! SQLite's busy database retries the whole transaction a bounded number of times, with
//! jitter, then ends in the French « réessayez » message of [`CoreError::Busy`]. Every
//! attempt is bounded in time, so a server that stopped answering becomes
//! [`CoreError::Unavailable`] instead of a wait without end.
//!
//! Only a whole transaction is retried — a shell action, a script run — never a statement
//! inside one: a deadlock has rolled the whole transaction back (a savepoint inside it is
//! gone too).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::database::limits;
use crate::errors::CoreError;

/// How many times in all a transaction is tried before its conflict is explained.
pub const ATTEMPTS: u32 = 4;

static RETRIED: AtomicU64 = AtomicU64::new(0);

/// How many attempts (of a shell action, a script run…) were retried because of a
/// conflict since the process started (for the benchmark's figures and the tests).
pub fn retried_count() -> u64 {
    RETRIED.load(Ordering::Relaxed)
}

/// Counts one retried attempt.
pub fn count_retry() {
    RETRIED.fetch_add(1, Ordering::Relaxed);
}

/// The pause before the attempt after `attempt` (1-based): 20 ms, 40 ms, 80 ms… plus as
/// much again at random, so that writers which collided do not collide again.
pub fn pause_after(attempt: u32) -> Duration {
    let base = 20u64 << attempt.saturating_sub(1).min(6);
    Duration::from_millis(base + fastrand::u64(0..=base))
}

tokio::task_local! {
    /// Set once the call under way sent its commit (see [`commit_started`]).
    static COMMITTING: Arc<AtomicBool>;
}

/// Notes that the call under way is committing: if its deadline passes now, the change
/// may be saved ([`CoreError::Unconfirmed`]), not certainly not ([`CoreError::Unavailable`]).
pub fn commit_started() {
    let _ = COMMITTING.try_with(|committing| committing.store(true, Ordering::Relaxed));
}

/// `call` bounded by [`limits::call_deadline`]: past it, [`CoreError::Unavailable`], or
/// [`CoreError::Unconfirmed`] when the deadline passed during a commit.
pub async fn bounded<T>(call: impl Future<Output = Result<T, CoreError>>) -> Result<T, CoreError> {
    let committing = Arc::new(AtomicBool::new(false));
    let scoped = COMMITTING.scope(Arc::clone(&committing), call);
    match tokio::time::timeout(limits::call_deadline(), scoped).await {
        Ok(result) => result,
        Err(_) if committing.load(Ordering::Relaxed) => {
            tracing::warn!("the database did not confirm a commit in time");
            Err(CoreError::Unconfirmed(None))
        }
        Err(_) => {
            tracing::warn!(
                deadline_seconds = limits::call_deadline().as_secs(),
                "the database did not answer in time"
            );
            Err(CoreError::Unavailable)
        }
    }
}

/// Runs `transaction` (which opens, and commits or drops, its own transaction) until it
/// ends otherwise than by a conflict, at most [`ATTEMPTS`] times; each attempt is bounded
/// (see [`bounded`]).
pub async fn retrying<T, Attempt>(mut transaction: impl FnMut() -> Attempt) -> Result<T, CoreError>
where
    Attempt: Future<Output = Result<T, CoreError>>,
{
    attempts(|_| bounded(transaction()), CoreError::is_contention).await
}

/// The one retry loop: runs `attempt(n)` (`n` from 1) until it ends otherwise than by an
/// error `is_conflict` says is one, at most [`ATTEMPTS`] times, pausing with jitter
/// between attempts (a shell action through [`retrying`], a script run as a whole).
pub async fn attempts<T, E, Attempt>(
    mut attempt: impl FnMut(u32) -> Attempt,
    is_conflict: impl Fn(&E) -> bool,
) -> Result<T, E>
where
    Attempt: Future<Output = Result<T, E>>,
{
    let mut number = 1;
    loop {
        match attempt(number).await {
            Err(error) if is_conflict(&error) && number < ATTEMPTS => {
                count_retry();
                tokio::time::sleep(pause_after(number)).await;
                number += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_deadline_passed_during_a_commit_is_not_a_plain_failure() {
        limits::set_statement_bound(std::time::Duration::from_secs(1));
        // Both at once: each waits for the whole deadline.
        let (before_commit, during_commit) = tokio::join!(
            bounded(async {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Ok(())
            }),
            bounded(async {
                commit_started();
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Ok(())
            }),
        );
        assert!(matches!(before_commit, Err(CoreError::Unavailable)));
        assert!(matches!(during_commit, Err(CoreError::Unconfirmed(None))));
        limits::set_statement_bound(limits::DEFAULT_STATEMENT_BOUND);
    }
}
