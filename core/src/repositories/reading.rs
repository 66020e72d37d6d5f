//! Reading many rows at once, and what the services and repositories read through.
//!
//! SQLite's driver (sqlx) runs a statement on a thread of its own and hands its rows over
//! one at a time, through a channel. A reader that awaits each row finds the channel empty
//! after every row, so the two threads wake each other for each row: two thread switches
//! per row. An export of 300,000 contracts made 73,000 voluntary switches, and each thread
//! stood idle half the time (docs/benchmarks.md, « Rows taken as they come »).
//!
//! [`all`] takes the first rows of a reading as they come, so a page of a few dozen rows
//! is not delayed. Past those, it takes every row already waiting. When none is, it lets
//! the driver read ahead for a moment, then gives way to the runtime once (so the call's
//! deadline can end it, as it could any wait) and looks again. It pauses this way only on
//! a thread that said it may, for as long as it says so ([`may_pause`]): a script's
//! thread while it runs the script, the command line's. A thread of the runtime runs
//! other tasks too, so its readings take rows as they come. MySQL's driver reads in the
//! reader's own task, so there is nothing to wait for there.

use std::cell::Cell;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{FutureExt, Stream, StreamExt};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, FromQueryResult, QueryResult,
    QueryTrait, Statement, StreamTrait, TransactionTrait,
};

/// The rows a reading takes as they come before it lets the driver read ahead.
const ROWS_TAKEN_AS_THEY_COME: usize = 64;

/// How long a reading lets SQLite's driver read ahead when no row is waiting. That is
/// some 25–60 rows at the driver's pace (docs/benchmarks.md), well within the page of rows
/// it may hold (`database::connect`).
const READ_AHEAD: Duration = Duration::from_micros(200);

thread_local! {
    static MAY_PAUSE: Cell<bool> = const { Cell::new(false) };
}

/// Says that the current thread does nothing but wait for the core calls it makes (a
/// script's thread, the command line's) until the guard is dropped: a long reading made
/// from it meanwhile may pause it while SQLite's driver reads ahead. A thread of the
/// runtime, which runs other tasks too, must never say so; a thread of its blocking pool
/// may, for as long as its closure runs (the pool may later make it one of the
/// runtime's).
pub fn may_pause() -> MayPause {
    MayPause {
        before: MAY_PAUSE.replace(true),
    }
}

/// Puts the thread back as it was when dropped (see [`may_pause`]).
pub struct MayPause {
    before: bool,
}

impl Drop for MayPause {
    fn drop(&mut self) {
        MAY_PAUSE.set(self.before);
    }
}

/// The rows of a statement, as the driver hands them over.
pub type RowStream<'a> = Pin<Box<dyn Stream<Item = Result<QueryResult, DbErr>> + Send + 'a>>;

/// What the services and repositories work through: the core's connection, or a unit of
/// work's transaction; a transaction begun from either is one too.
pub trait Store:
    ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + Sync
{
    /// The rows of `statement`, as the driver hands them over.
    fn rows(
        &self,
        statement: Statement,
    ) -> Pin<Box<dyn Future<Output = Result<RowStream<'_>, DbErr>> + Send + '_>>;
}

impl<T> Store for T
where
    T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + StreamTrait,
{
    fn rows(
        &self,
        statement: Statement,
    ) -> Pin<Box<dyn Future<Output = Result<RowStream<'_>, DbErr>> + Send + '_>> {
        Box::pin(async move {
            let rows: RowStream<'_> = Box::pin(self.stream_raw(statement).await?);
            Ok(rows)
        })
    }
}

/// Every row `query` reads, as `M`.
pub async fn all<M: FromQueryResult>(
    connection: &impl Store,
    query: &impl QueryTrait,
) -> Result<Vec<M>, DbErr> {
    all_of(connection, query.build(connection.get_database_backend())).await
}

/// Every row `statement` reads, as `M`.
async fn all_of<M: FromQueryResult>(
    connection: &impl Store,
    statement: Statement,
) -> Result<Vec<M>, DbErr> {
    if connection.get_database_backend() != DbBackend::Sqlite || !MAY_PAUSE.get() {
        return M::find_by_statement(statement).all(connection).await;
    }
    let mut stream = connection.rows(statement).await?;
    let mut rows = Vec::new();
    loop {
        let next = if rows.len() < ROWS_TAKEN_AS_THEY_COME {
            stream.next().await
        } else {
            match stream.next().now_or_never() {
                Some(next) => next,
                None => {
                    #[cfg(test)]
                    tests::PAUSES.set(tests::PAUSES.get() + 1);
                    std::thread::sleep(READ_AHEAD);
                    // The runtime may now end the call, past its deadline.
                    tokio::task::yield_now().await;
                    continue;
                }
            }
        };
        match next {
            Some(row) => rows.push(M::from_query_result(&row?, "")?),
            None => return Ok(rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use sea_orm::{Database, DbBackend, FromQueryResult, Statement};

    thread_local! {
        pub static PAUSES: Cell<usize> = const { Cell::new(0) };
    }

    #[derive(FromQueryResult)]
    struct Numbered {
        number: i64,
        counted: i64,
    }

    /// The numbers 1 to `count`, each but the first `quick` counting to 3,000 before it
    /// comes (`counted`, 0 for the quick ones): rows slower to come than to take.
    fn slow_numbers(count: u32, quick: u32) -> Statement {
        Statement::from_string(
            DbBackend::Sqlite,
            format!(
                "WITH RECURSIVE numbers(number) AS \
                   (SELECT 1 UNION ALL SELECT number + 1 FROM numbers WHERE number < {count}) \
                 SELECT number, CASE WHEN number <= {quick} THEN 0 ELSE \
                   (WITH RECURSIVE counting(step) AS \
                     (SELECT 1 UNION ALL SELECT step + 1 FROM counting \
                      WHERE step < 3000 + number - number) \
                     SELECT COUNT(*) FROM counting) END AS counted \
                 FROM numbers"
            ),
        )
    }

    /// Rows slower to come than to take (each counts to 3,000 first): a reading from a
    /// thread that may pause finds none waiting, pauses, and still takes every row, in
    /// order.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_paused_reading_takes_every_row_in_order() {
        let connection = Database::connect("sqlite::memory:").await.unwrap();
        let statement = slow_numbers(1000, 0);
        let _pause = super::may_pause();
        let rows: Vec<Numbered> = super::all_of(&connection, statement).await.unwrap();
        assert_eq!(
            rows.iter().map(|row| row.number).collect::<Vec<_>>(),
            (1..=1000).collect::<Vec<_>>()
        );
        assert!(rows.iter().all(|row| row.counted == 3000));
        assert!(PAUSES.get() > 0, "the reading never paused");
    }

    /// A deadline passed while a reading pauses ends it at its next pause, as it would
    /// end a reading taking rows as they come: the rows after the 64th come slowly here
    /// (about a millisecond each in a test build, 536 of them).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deadline_ends_a_paused_reading() {
        let connection = Database::connect("sqlite::memory:").await.unwrap();
        let statement = slow_numbers(600, 64);
        let _pause = super::may_pause();
        let read = super::all_of::<Numbered>(&connection, statement);
        let ended = tokio::time::timeout(std::time::Duration::from_millis(100), read).await;
        assert!(ended.is_err(), "the reading went on past its deadline");
        assert!(PAUSES.get() > 0, "the reading never paused");
    }

    #[test]
    fn a_thread_may_pause_while_it_says_so() {
        assert!(!super::MAY_PAUSE.get());
        {
            let _pause = super::may_pause();
            assert!(super::MAY_PAUSE.get());
            {
                let _again = super::may_pause();
            }
            assert!(super::MAY_PAUSE.get(), "still said by the outer guard");
        }
        assert!(!super::MAY_PAUSE.get());
    }
}
