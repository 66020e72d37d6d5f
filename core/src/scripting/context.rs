//! The bridge between rhai, which is synchronous, and the core, which is async: done once,
//! here.
//!
//! A script runs on a blocking thread of the tokio runtime (never on a worker thread), and
//! each call into the core waits for its future through the runtime's handle. The script
//! never holds a connection: the [`ScriptContext`] lives in the engine's tag, out of the
//! script's reach, and owns the run's transaction and session.

use epic_events_api::scripts::NamedFile;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rhai::{Dynamic, EvalAltResult, NativeCallContext, Position};

use super::output::ScriptOutput;
use super::records::ScriptRecord;
use super::sandbox::{ScriptLimits, ScriptMeter};
use crate::errors::CoreError;
use crate::handle::retry;
use crate::handle::{Session, Work};
use crate::paging::{MAXIMUM_PAGE_SIZE, Page, PageRequest};

/// What a registered function returns to the engine.
pub type ScriptResult<T> = Result<T, Box<EvalAltResult>>;

/// How long a call into the core may go on past the run's maximum duration, so that the
/// watchdog, not the call, says why the run stopped.
const STOPPED_CALL_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// The message of an unexpected failure; the details are in the log.
pub const UNEXPECTED_FAILURE: &str = "erreur inattendue ; le détail est dans le journal";

/// A refusal the script may catch: `catch (erreur)` receives `message`.
pub fn refusal(message: impl Into<String>) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(message.into()), Position::NONE).into()
}

/// Whether `error` ends the run: an unexpected failure, a conflict with another writer, a
/// database that does not answer or is damaged. After one, the transaction can no longer
/// be trusted (after a deadlock the database has already rolled it back).
fn stops_the_run(error: &CoreError) -> bool {
    matches!(
        error,
        CoreError::Unexpected(_)
            | CoreError::Busy { .. }
            | CoreError::NumberingBusy
            | CoreError::Unavailable
            | CoreError::Unconfirmed(_)
            | CoreError::DatabaseDamaged(_)
    )
}

/// The core's error as the script sees it. Refusals, bad input and a record changed since
/// it was read are catchable and carry the core's French message. An error that
/// [stops the run](stops_the_run) is an `ErrorSystem`, which a script cannot catch
/// directly; and since one raised inside a closure (`liste.map(|x| …)`) can be, the
/// context also remembers it (see [`ScriptContext::call`]).
pub fn from_core_error(error: CoreError) -> Box<EvalAltResult> {
    match error {
        CoreError::Unexpected(source) => {
            EvalAltResult::ErrorSystem(UNEXPECTED_FAILURE.to_owned(), source).into()
        }
        stopping if stops_the_run(&stopping) => {
            let message = stopping.to_string();
            EvalAltResult::ErrorSystem(message, Box::new(stopping)).into()
        }
        other => refusal(other.to_string()),
    }
}

/// Everything a run's registered functions need: the transaction every call goes through,
/// the signed-in session, the limits, the files the command line named and the output.
pub struct ScriptContext {
    runtime: tokio::runtime::Handle,
    /// The run's unit of work: every core call of the script goes through it
    /// ([`ScriptContext::call`]). The runner takes it back to commit or roll back —
    /// at once when the run is stopped, even if the script's thread has not returned yet.
    work: tokio::sync::Mutex<Option<Work>>,
    /// The signed-in user, with the run's journal.
    pub session: Session,
    /// The run's limits.
    pub limits: ScriptLimits,
    meter: Arc<ScriptMeter>,
    /// The files the command line named, with the contents the client sent: the only
    /// ones `lire_csv` may read.
    pub files: Vec<NamedFile>,
    output: Mutex<ScriptOutput>,
    expected_changes: Mutex<Option<usize>>,
    contention: AtomicBool,
    stopped: Mutex<Option<String>>,
    /// Bytes of files read by `lire_csv` so far: a run reads at most one file's worth.
    file_bytes_read: std::sync::atomic::AtomicU64,
    refused_call: Mutex<Option<(String, usize)>>,
}

impl ScriptContext {
    /// A context for one run.
    pub fn new(
        runtime: tokio::runtime::Handle,
        work: Work,
        session: Session,
        meter: Arc<ScriptMeter>,
        files: Vec<NamedFile>,
        output: ScriptOutput,
    ) -> Self {
        Self {
            runtime,
            work: tokio::sync::Mutex::new(Some(work)),
            session,
            limits: *meter.limits(),
            meter,
            files,
            output: Mutex::new(output),
            expected_changes: Mutex::new(None),
            contention: AtomicBool::new(false),
            stopped: Mutex::new(None),
            file_bytes_read: std::sync::atomic::AtomicU64::new(0),
            refused_call: Mutex::new(None),
        }
    }

    /// Notes a call that no function answered (`name` with `arguments` arguments, the
    /// object of a method call counted): rhai gives such a refusal no position, so the
    /// run finds its line in the script with [`ScriptContext::line_of_refused_call`].
    pub fn note_refused_call(&self, name: &str, arguments: usize) {
        if let Ok(mut refused) = self.refused_call.lock() {
            *refused = Some((name.to_owned(), arguments));
        }
    }

    /// The line of the first call in `ast` matching the last refused call, if any.
    pub fn line_of_refused_call(&self, ast: &rhai::AST) -> Option<usize> {
        use rhai::{ASTNode, Expr, Stmt};
        let (name, arguments) = self.refused_call.lock().ok()?.clone()?;
        let mut line = None;
        ast.walk(&mut |path: &[ASTNode]| {
            let found = match path.last() {
                Some(
                    ASTNode::Expr(Expr::FnCall(call, position))
                    | ASTNode::Stmt(Stmt::FnCall(call, position)),
                ) => (call.name == name && call.args.len() == arguments).then_some(position),
                Some(ASTNode::Expr(Expr::MethodCall(call, position))) => {
                    (call.name == name && call.args.len() + 1 == arguments).then_some(position)
                }
                _ => None,
            };
            line = found.and_then(|position| position.line());
            line.is_none()
        });
        line
    }

    /// The context of the run a registered function is called from.
    pub fn of(call: &NativeCallContext) -> ScriptResult<Arc<ScriptContext>> {
        call.tag()
            .and_then(|tag| tag.clone().try_cast::<Arc<ScriptContext>>())
            .ok_or_else(|| {
                refusal(
                    "cette fonction n'est disponible que dans un script exécuté par epic-events",
                )
            })
    }

    /// Calls the core with the run's unit of work and session, from the script's
    /// (blocking) thread, and waits for the answer at most
    /// [`crate::database::limits::call_deadline`]:
    /// `context.call(async |work, session| work.contracts().detail(session, id).await)`.
    /// The wait is the product's time, not the script's.
    ///
    /// A run the meter stopped (a limit) makes no call. Once a call failed in a way that
    /// [stops the run](stops_the_run), every later call fails the same way without
    /// reaching the database, even if the script caught the first error, and the run is
    /// never committed (see [`ScriptContext::stopped_by`]).
    pub fn call<T>(
        &self,
        operation: impl AsyncFnOnce(&Work, &Session) -> Result<T, CoreError>,
    ) -> ScriptResult<T> {
        if let Some(stop) = self.meter.stopped() {
            return Err(ScriptMeter::termination(stop));
        }
        if let Some(message) = self.stopped_by() {
            return Err(EvalAltResult::ErrorSystem(
                message.clone(),
                Box::new(std::io::Error::other(message)),
            )
            .into());
        }
        // A call is bounded by its own deadline, and by what is left of the run's maximum
        // duration (the call deadline may be set longer): past it, the call is given up.
        let remaining = self.meter.remaining() + STOPPED_CALL_GRACE;
        let result = self.meter.outside_script(|| {
            self.runtime.block_on(async {
                let work = self.work.lock().await;
                match work.as_ref() {
                    Some(work) => tokio::time::timeout(
                        remaining,
                        retry::bounded(operation(work, &self.session)),
                    )
                    .await
                    .ok(),
                    // The runner took the work back: the run was stopped meanwhile.
                    None => None,
                }
            })
        });
        let Some(result) = result else {
            // Given up past the run's maximum duration, or the work taken back: stopped.
            self.meter.stop(super::sandbox::Stop::MaximumDuration);
            let stop = self
                .meter
                .stopped()
                .unwrap_or(super::sandbox::Stop::MaximumDuration);
            return Err(ScriptMeter::termination(stop));
        };
        if let Err(error) = &result {
            // Where a script meets the core: a fault is reported here, once.
            crate::reporting::core_failure(error);
        }
        if let Err(error) = &result
            && stops_the_run(error)
        {
            if error.is_contention() {
                self.contention.store(true, Ordering::Relaxed);
            }
            let message = match error {
                CoreError::Unexpected(_) => UNEXPECTED_FAILURE.to_owned(),
                other => other.to_string(),
            };
            *self
                .stopped
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(message);
        }
        result.map_err(from_core_error)
    }

    /// Counts `units` of work done for the script by a function of the product (cells of a
    /// table, lines of a file, records listed or written) against its operation limit; the
    /// run's termination once it is passed.
    pub fn count_work(&self, units: usize) -> ScriptResult<()> {
        match self
            .meter
            .add_work(u64::try_from(units).unwrap_or(u64::MAX))
        {
            Some(stop) => Err(ScriptMeter::termination(stop)),
            None => Ok(()),
        }
    }

    /// Counts `bytes` more read from files by `lire_csv`; refused past what one file may
    /// hold (`files::maximum_file_size`): a run reading the same file again and again
    /// would hold it in memory again and again.
    pub fn count_file_bytes(&self, bytes: u64) -> ScriptResult<()> {
        let read = self
            .file_bytes_read
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes);
        if read > super::files::maximum_file_size(&self.limits) {
            return Err(refusal(format!(
                "lire_csv : un script lit au plus {} de fichiers en tout",
                crate::formatting::size(super::files::maximum_file_size(&self.limits))
            )));
        }
        Ok(())
    }

    /// Runs `work`, a function of the product that is not a call into the core (writing
    /// results, reading a file): its time is not the script's own.
    pub fn outside_script<T>(&self, work: impl FnOnce() -> T) -> T {
        self.meter.outside_script(work)
    }

    /// The run's unit of work, taken back by the runner: to commit or roll back once the
    /// script is over, or at once when a stopped run's thread does not return. The
    /// script's calls after that fail.
    pub async fn take_work(&self) -> Option<Work> {
        self.work.lock().await.take()
    }

    /// Whether the run was stopped: by one of its limits, or by a failure of the
    /// database.
    pub fn is_stopped(&self) -> bool {
        self.meter.stopped().is_some() || self.stopped_by().is_some()
    }

    /// Whether a call of this run met a conflict with another writer: the run may be
    /// retried as a whole.
    pub fn met_contention(&self) -> bool {
        self.contention.load(Ordering::Relaxed)
    }

    /// The message of the error that stopped the run, if a call failed in a way that
    /// [stops it](stops_the_run): such a run is never committed, whatever the script did
    /// afterwards.
    pub fn stopped_by(&self) -> Option<String> {
        self.stopped
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Every page of a list, fetched page by page (each page a bounded query), as an array
    /// of records; refused past the array limit rather than loaded whole.
    pub fn all_pages<T>(
        &self,
        mut fetch: impl AsyncFnMut(&Work, &Session, PageRequest) -> Result<Page<T>, CoreError>,
    ) -> ScriptResult<rhai::Array>
    where
        T: Clone + Send + Sync + 'static,
    {
        let mut items = rhai::Array::new();
        let mut request = Some(PageRequest::first(MAXIMUM_PAGE_SIZE));
        while let Some(page_request) = request {
            let page = self.call(async |work, session| fetch(work, session, page_request).await)?;
            self.count_work(page.items.len())?;
            if items.len() + page.items.len() > self.limits.maximum_array_size {
                return Err(refusal(format!(
                    "la liste dépasse {} éléments : précisez votre recherche",
                    self.limits.maximum_array_size
                )));
            }
            items.extend(page.items.into_iter().map(Dynamic::from));
            request = page.next;
        }
        Ok(items)
    }

    /// The page `request` of a list, or every page when `None`.
    pub fn pages<T>(
        &self,
        request: Option<PageRequest>,
        mut fetch: impl AsyncFnMut(&Work, &Session, PageRequest) -> Result<Page<T>, CoreError>,
    ) -> ScriptResult<rhai::Array>
    where
        T: Clone + Send + Sync + 'static,
    {
        match request {
            Some(request) => Ok(self
                .call(async |work, session| fetch(work, session, request).await)?
                .items
                .into_iter()
                .map(Dynamic::from)
                .collect()),
            None => self.all_pages(fetch),
        }
    }

    /// Writes every page of a list to the output as it comes, without keeping the list:
    /// an export of any size, in batches of [`crate::paging::EXPORT_BATCH_SIZE`] rows
    /// (a few MiB of records, whatever the export's size). Its time is the
    /// product's, not the script's. The next page is read while the last one is written,
    /// on a thread of its own: the database's time and the writing's overlap, so that an
    /// export goes at the pace of the slower of the two rather than of their sum.
    pub fn export<T>(
        &self,
        mut fetch: impl AsyncFnMut(&Work, &Session, PageRequest) -> Result<Page<T>, CoreError>,
    ) -> ScriptResult<()>
    where
        T: ScriptRecord,
    {
        self.outside_script(|| {
            // A writer that failed (output too large) stops the reading before its next
            // call into the core, and says why below.
            let writer_failed = AtomicBool::new(false);
            let writer_failed = &writer_failed;
            // Dates are written in the run's zone, which is its thread's.
            let zone = super::zone::current();
            std::thread::scope(|scope| {
                // At most one page waits between the one read and the one written: memory
                // stays flat.
                let (pages, to_write) = std::sync::mpsc::sync_channel::<(Vec<T>, bool)>(1);
                let writer = scope.spawn(move || -> Result<(), String> {
                    let _zone = super::zone::entered(zone);
                    let mut first = true;
                    for (items, last) in to_write {
                        let written = self.output().streamed_records(&items, first, last);
                        if written.is_err() {
                            writer_failed.store(true, Ordering::Relaxed);
                            return written;
                        }
                        first = false;
                    }
                    Ok(())
                });
                let read = (|| -> ScriptResult<()> {
                    let mut request = Some(PageRequest::export_batch());
                    while let Some(page_request) = request {
                        if writer_failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let page = self
                            .call(async |work, session| fetch(work, session, page_request).await)?;
                        self.count_work(page.items.len())?;
                        request = page.next;
                        if pages.send((page.items, request.is_none())).is_err() {
                            break;
                        }
                    }
                    Ok(())
                })();
                drop(pages);
                // A panic of the writer is the run's, as it was when the run's thread wrote.
                let written = writer
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                read?;
                written.map_err(refusal)
            })
        })
    }

    /// The run's output.
    pub fn output(&self) -> MutexGuard<'_, ScriptOutput> {
        self.output
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Declares how many records the run must change; checked before anything is written.
    pub fn expect_changes(&self, count: usize) {
        *self
            .expected_changes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(count);
    }

    /// The number of changed records the script declared, if it did.
    pub fn expected_changes(&self) -> Option<usize> {
        *self
            .expected_changes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The output and unit of work (unless taken back already), once the script is over.
    pub fn finish(self) -> (Option<Work>, ScriptOutput) {
        let output = self
            .output
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (self.work.into_inner(), output)
    }
}
