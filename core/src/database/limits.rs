//! How long the program waits for the database: the bounds that turn a held lock or a
//! server that stopped answering into a French message instead of a wait without end.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// How long a statement waits for a row lock held by someone else (InnoDB's
/// `innodb_lock_wait_timeout`, 50 s by default) or for SQLite's write lock (the busy
/// timeout), before the attempt is given up and retried — at most; see [`lock_wait`].
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// How long a command waits for a free connection of the pool (which also bounds
/// reaching the server).
pub const ACQUIRE_WAIT: Duration = Duration::from_secs(5);

/// The default bound on one statement, and on one call into the core.
pub const DEFAULT_STATEMENT_BOUND: Duration = Duration::from_secs(30);

static STATEMENT_BOUND_MILLISECONDS: AtomicU64 =
    AtomicU64::new(DEFAULT_STATEMENT_BOUND.as_millis() as u64);

/// Sets the bound on one statement for the whole process (from
/// `EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS`); connections opened afterwards use it.
pub fn set_statement_bound(bound: Duration) {
    STATEMENT_BOUND_MILLISECONDS.store(
        bound.as_millis().clamp(1_000, u64::MAX.into()) as u64,
        Ordering::Relaxed,
    );
}

/// The bound on one statement: MariaDB stops a statement running longer
/// (`max_statement_time`).
pub fn statement_bound() -> Duration {
    Duration::from_millis(STATEMENT_BOUND_MILLISECONDS.load(Ordering::Relaxed))
}

/// The bound on a lock wait: [`LOCK_WAIT`], or half the statement bound when that is
/// shorter (whole seconds, at least one).
pub fn lock_wait() -> Duration {
    let half = (statement_bound() / 2).as_secs().max(1);
    Duration::from_secs(half).min(LOCK_WAIT)
}

/// The longest the program waits for one call into the core (a shell action, one
/// function of a script, a commit) before saying that the database does not answer: the
/// statement bound plus a lock wait. It is what ends the wait when the server itself
/// stopped answering, since then no server-side bound can.
pub fn call_deadline() -> Duration {
    statement_bound() + lock_wait()
}

/// The default number of connections a process keeps to the database at most: a command
/// uses one or two; a server serving many people shares them (requests wait their turn,
/// up to [`ACQUIRE_WAIT`]).
pub const DEFAULT_POOL_SIZE: u32 = 10;

/// The most connections accepted for one process.
pub const MAXIMUM_POOL_SIZE: u32 = 1000;

static POOL_SIZE: AtomicU32 = AtomicU32::new(DEFAULT_POOL_SIZE);

/// Sets the number of connections each pool opened afterwards keeps at most (from
/// `EPIC_EVENTS_DATABASE_CONNECTIONS`): several servers on one database must stay within
/// its `max_connections` together.
pub fn set_pool_size(size: u32) {
    POOL_SIZE.store(size.clamp(1, MAXIMUM_POOL_SIZE), Ordering::Relaxed);
}

/// The number of connections a pool keeps at most.
pub fn pool_size() -> u32 {
    POOL_SIZE.load(Ordering::Relaxed)
}
