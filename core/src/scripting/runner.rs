//! Running a script: one transaction per run, committed only when the whole script
//! succeeded, its expected number of changes (if it stated one) matches, and it is not a
//! simulation. Otherwise everything is rolled back and nothing is reported to Sentry.

use epic_events_api::formatting::Zone;
use std::sync::Arc;

use rhai::{Dynamic, Map, Scope};

use super::api;
use super::context::{ScriptContext, UNEXPECTED_FAILURE};
use super::errors::{french_message, line_of};
use super::output::ScriptOutput;
use super::sandbox::{ScriptLimits, Stop, meter_engine, unmetered_engine};
use super::spool::Spool;
use crate::database::limits;
use crate::errors::CoreError;
use crate::handle::retry;
use crate::handle::{AuthenticatedUser, Core, Journal, Work};
use epic_events_api::scripts::{
    Channel, NamedFile, OutputFormat, ScriptFailure, ScriptOutcome, ScriptRequest,
};

/// How often the watchdog reads a run's clock.
const WATCHDOG_PERIOD: std::time::Duration = std::time::Duration::from_millis(50);
/// How long a stopped run's thread is waited for before the run is abandoned: the engine
/// stops at its next operation, so only a built-in working for long, or a call into the
/// core (bounded by its own deadline), takes longer.
const STOPPED_RUN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// The name of the variable holding the command line's `clé=valeur` parameters.
pub const PARAMETERS_VARIABLE: &str = "parametres";

/// A script to run, and how. Its `Debug` shows neither the text nor the parameters'
/// values (a script creating an account holds a password).
#[derive(Clone, Default)]
pub struct ScriptRun {
    /// The script's text.
    pub source: String,
    /// The `clé=valeur` parameters, readable as `parametres.clé`.
    pub parameters: Vec<(String, String)>,
    /// The files the parameters name, with their contents: what `lire_csv` reads.
    pub files: Vec<NamedFile>,
    /// Run, then roll back and report what would have changed.
    pub simulation: bool,
    /// How results are written.
    pub format: OutputFormat,
    /// The sandbox's limits.
    pub limits: ScriptLimits,
    /// The zone the run reads and writes dates in (its session's).
    pub zone: Zone,
    /// The width tables and cards are fitted to (a terminal's), if any.
    pub width: Option<usize>,
    /// A final value that is a list of records is answered apart, not written.
    pub records_apart: bool,
}

impl std::fmt::Debug for ScriptRun {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parameters: Vec<&str> = self
            .parameters
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        formatter
            .debug_struct("ScriptRun")
            .field("source_length", &self.source.len())
            .field("parameters", &parameters)
            .field("files", &self.files)
            .field("simulation", &self.simulation)
            .field("format", &self.format)
            .field("limits", &self.limits)
            .field("zone", &self.zone)
            .field("width", &self.width)
            .field("records_apart", &self.records_apart)
            .finish()
    }
}

impl ScriptRun {
    /// The run a client asked for, within `limits`, in the session's `zone`.
    pub fn requested(request: ScriptRequest, limits: ScriptLimits, zone: Zone) -> Self {
        Self {
            source: request.text,
            parameters: request.parameters,
            files: request.files,
            simulation: request.simulation,
            format: request.format,
            limits,
            zone,
            width: request.width.map(usize::from),
            records_apart: request.records_apart,
        }
    }
}

/// A failure of the run itself, without a script line.
fn failure(message: impl Into<String>) -> ScriptFailure {
    ScriptFailure {
        message: message.into(),
        line: None,
        undone_changes: 0,
    }
}

/// An unexpected failure of the run: reported, and said without its detail.
fn unexpected(error: impl std::error::Error + Send + Sync + 'static) -> ScriptFailure {
    crate::reporting::unexpected_error(&error);
    failure(UNEXPECTED_FAILURE)
}

/// How many records `count` is, in French: « 1 enregistrement », « 3 enregistrements ».
fn records(count: usize) -> String {
    if count > 1 {
        format!("{count} enregistrements")
    } else {
        format!("{count} enregistrement")
    }
}

/// Runs `run` as `user` on `core`: its outcome, and its output held in a [`Spool`], to be
/// read once the run is over.
///
/// The script runs on a blocking thread of the current tokio runtime (which must be
/// multi-threaded); its calls into the core wait on the runtime from there.
///
/// Everything the script writes is held until the run commits (see [`Spool`]): a run that
/// stops writes its error and no result, and a run that met a conflict with another writer
/// (a deadlock, a lock held past its bound, SQLite's busy database) is run again from the
/// start, at most [`retry::ATTEMPTS`] times in all, then stops with the French
/// « réessayez » message. A simulation shows what it wrote, then rolls back.
///
/// `prepared`, when given, is the engine of the first attempt, made meanwhile
/// ([`PreparedEngine::start`]).
pub async fn run(
    core: &Core,
    user: AuthenticatedUser,
    run: ScriptRun,
    prepared: Option<PreparedEngine>,
) -> Result<(ScriptOutcome, Spool), ScriptFailure> {
    let format = run.format;
    let width = run.width;
    let run_started = std::time::Instant::now();
    let mut prepared = prepared.filter(|prepared| prepared.limits == run.limits);
    let (outcome, spool) = retry::attempts(
        |attempt| {
            let spool = Spool::new();
            let attempt_output = ScriptOutput::new(
                format,
                Box::new(spool.writer(Channel::Data)),
                Box::new(spool.writer(Channel::Messages)),
            )
            .fitted_to(width);
            // The first attempt reads without taking SQLite's write lock (a report never
            // needs it); an attempt after a conflict takes it from the start, and waits
            // its turn.
            let waiting_for_writers = attempt > 1;
            let attempted = run_once(
                core,
                user.clone(),
                &run,
                attempt_output,
                waiting_for_writers,
                run_started,
                prepared.take(),
            );
            async move {
                match attempted.await {
                    Attempt::Done(outcome) => Ok((outcome, spool)),
                    Attempt::Conflict(failure) => Err((failure, true)),
                    Attempt::Failed(failure) => Err((failure, false)),
                }
            }
        },
        |(_, conflict): &(ScriptFailure, bool)| *conflict,
    )
    .await
    .map_err(|(failure, _)| failure)?;
    Ok((outcome, spool))
}

/// The engine of a run, with the product's functions but not yet its meter, made on a
/// blocking thread while the database opens the session and the run's unit of work:
/// making it (rhai's standard library, then the product's functions) takes about as long
/// as a first page's query (docs/benchmarks.md).
pub struct PreparedEngine {
    limits: ScriptLimits,
    making: tokio::task::JoinHandle<rhai::Engine>,
}

impl PreparedEngine {
    /// Starts making the engine of a run with `limits`.
    pub fn start(limits: ScriptLimits) -> Self {
        Self {
            limits,
            making: tokio::task::spawn_blocking(move || engine_with_functions(limits)),
        }
    }

    /// The engine, once made; made here if it is not ready within
    /// [`PREPARED_ENGINE_WAIT`] (a blocking pool busy with other runs must not keep the
    /// attempt's open transaction waiting, before its meter and watchdog start) or if
    /// its making was cancelled (the runtime shutting down). A panic while making it is
    /// the run's.
    async fn engine(mut self) -> rhai::Engine {
        match tokio::time::timeout(PREPARED_ENGINE_WAIT, &mut self.making).await {
            Ok(Ok(engine)) => engine,
            Ok(Err(error)) => match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => engine_with_functions(self.limits),
            },
            Err(_) => {
                // Not begun yet, it never will be; begun, it ends on its own.
                self.making.abort();
                engine_with_functions(self.limits)
            }
        }
    }
}

/// How long a run's first attempt waits for its prepared engine: making it takes about a
/// millisecond.
const PREPARED_ENGINE_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// A run's engine with `limits` and the product's functions, without its meter.
fn engine_with_functions(limits: ScriptLimits) -> rhai::Engine {
    let mut engine = unmetered_engine(limits);
    api::register(&mut engine);
    engine
}

/// How one attempt of a run ended.
enum Attempt {
    /// Committed (or simulated): the outcome.
    Done(ScriptOutcome),
    /// Stopped by a conflict with another writer: nothing was written; may be retried.
    Conflict(ScriptFailure),
    /// Stopped for any other reason: nothing was written.
    Failed(ScriptFailure),
}

impl Attempt {
    /// How a run that stopped on `error` ends: a conflict with another writer may be
    /// retried, anything else may not.
    fn stopped_by(error: CoreError) -> Self {
        // Outside the script's own calls (opening, committing): reported here, once.
        crate::reporting::core_failure(&error);
        if error.is_contention() {
            Attempt::Conflict(failure(error.to_string()))
        } else {
            Attempt::Failed(failure(error.to_string()))
        }
    }
}

/// Opens the run's unit of work; a conflict there may be retried.
async fn begin(core: &Core, waiting_for_writers: bool) -> Result<Work, Attempt> {
    retry::bounded(core.begin_work(waiting_for_writers))
        .await
        .map_err(Attempt::stopped_by)
}

/// Stops a run's script when dropped.
struct StopWhenOver(Arc<super::sandbox::ScriptMeter>);

impl Drop for StopWhenOver {
    fn drop(&mut self) {
        self.0.stop(Stop::Abandoned);
    }
}

/// One attempt of `run`, writing to `output`.
async fn run_once(
    core: &Core,
    user: AuthenticatedUser,
    run: &ScriptRun,
    output: ScriptOutput,
    waiting_for_writers: bool,
    run_started: std::time::Instant,
    prepared: Option<PreparedEngine>,
) -> Attempt {
    let journal = Journal::holding_notices();
    let work = match begin(core, waiting_for_writers).await {
        Ok(work) => work,
        Err(attempt) => return attempt,
    };
    let session = match retry::bounded(work.open_session(user, run.zone, journal.clone())).await {
        Ok(session) => session,
        Err(error) => return Attempt::stopped_by(error),
    };
    let mut engine = match prepared {
        Some(prepared) => prepared.engine().await,
        None => engine_with_functions(run.limits),
    };
    // The script's meter starts here, once the transaction is open: waiting for another
    // writer's lock at the start is not the script's own time.
    let (_, meter) = meter_engine(&mut engine, run.limits, run_started);
    // Whether this attempt ends or is given up by its caller (a client gone: the server
    // drops the request's future), nothing of its script goes on: its thread stops at its
    // next operation, and its work, never committed then, is rolled back when dropped.
    let _stop_when_over = StopWhenOver(Arc::clone(&meter));
    let ast = match engine.compile(&run.source) {
        Ok(ast) => ast,
        Err(error) => {
            work.rollback().await;
            return Attempt::Failed(ScriptFailure {
                message: "erreur de syntaxe dans le script".to_owned(),
                line: error.position().line(),
                undone_changes: 0,
            });
        }
    };
    let context = Arc::new(ScriptContext::new(
        tokio::runtime::Handle::current(),
        work,
        session,
        Arc::clone(&meter),
        run.files.clone(),
        output,
    ));

    engine.set_default_tag(Dynamic::from(Arc::clone(&context)));
    let print_context = Arc::clone(&context);
    engine.on_print(move |text| {
        let _ = print_context.output().printed_line(text);
    });
    let debug_context = Arc::clone(&context);
    engine.on_debug(move |text, _, _| {
        let _ = debug_context.output().printed_line(text);
    });
    let parameters: Map = run
        .parameters
        .iter()
        .map(|(key, value)| (key.as_str().into(), Dynamic::from(value.clone())))
        .collect();
    let limits = run.limits;
    let zone = run.zone;
    let script_context = Arc::clone(&context);
    let script_meter = Arc::clone(&meter);
    let records_apart = run.records_apart;
    let mut script = tokio::task::spawn_blocking(move || {
        // The run's dates, read and shown in its session's zone, on this thread.
        let _zone = super::zone::entered(zone);
        // While it runs the script, this thread only waits for the script's calls: its
        // long readings may pause it while SQLite's driver reads ahead.
        let _may_pause = crate::repositories::reading::may_pause();
        let mut scope = Scope::new();
        scope.push_constant(PARAMETERS_VARIABLE, parameters);
        let result = engine
            .eval_ast_with_scope::<Dynamic>(&mut scope, &ast)
            .map_err(|error| ScriptFailure {
                message: french_message(&error, &limits),
                line: line_of(&error).or_else(|| script_context.line_of_refused_call(&ast)),
                undone_changes: 0,
            })
            .and_then(|value| {
                if records_apart && let Some(listed) = super::records::listed(&value) {
                    return Ok(Some(listed));
                }
                script_context.outside_script(|| {
                    script_context
                        .output()
                        .result(&value, None)
                        .map(|_| None)
                        .map_err(failure)
                })
            });
        // The engine holds the context (tag, print callbacks): release it on this thread.
        drop(engine);
        drop(script_context);
        // Whatever the script did with the error (caught it, in a closure or not), a run
        // its meter stopped ends with the reason, never with success.
        match script_meter.stopped() {
            Some(stop) => Err(ScriptFailure {
                message: stop.message(&limits),
                line: result.err().and_then(|failure| failure.line),
                undone_changes: 0,
            }),
            None => result,
        }
    });
    // The watchdog, outside the engine: it reads the meter's clock, so that a run no
    // operation reaches any more (a built-in working for long) is stopped too; a stopped
    // run whose thread does not return within the grace period is abandoned: its work is
    // taken back and rolled back below, and its thread ends on its own.
    let watchdog = async {
        let mut ticks = tokio::time::interval(WATCHDOG_PERIOD);
        while meter.check_clock().is_none() {
            ticks.tick().await;
        }
        tokio::time::sleep(STOPPED_RUN_GRACE).await;
    };
    let evaluated = tokio::select! {
        joined = &mut script => joined.map_err(unexpected).flatten(),
        () = watchdog => {
            let stop = meter.stopped().unwrap_or(Stop::MaximumDuration);
            Err(failure(stop.message(&limits)))
        }
    };

    let (work, mut output, met_contention, stopped_by, expected_changes) =
        match Arc::try_unwrap(context) {
            Ok(context) => {
                let met_contention = context.met_contention();
                let stopped_by = context.stopped_by();
                let expected_changes = context.expected_changes();
                let (work, output) = context.finish();
                (
                    work,
                    Some(output),
                    met_contention,
                    stopped_by,
                    expected_changes,
                )
            }
            // Abandoned: the script's thread still holds the context. Its work is taken
            // back (once its call into the core, if any, is over) and rolled back; what
            // it wrote is dropped.
            Err(context) => (context.take_work().await, None, false, None, None),
        };
    if let Some(output) = output.as_mut() {
        let _ = output.flush();
    }
    let Some(work) = work else {
        return Attempt::Failed(unexpected(std::io::Error::other(
            "the script's work was taken before its end",
        )));
    };

    // A run stopped by a failure of the database is never committed, even if the script
    // caught the error (through a closure) and went on.
    let (evaluated, listed) = match (evaluated, stopped_by) {
        (Ok(_), Some(message)) => (Err(failure(message)), None),
        (Ok(listed), None) => (Ok(()), listed),
        (Err(failure), _) => (Err(failure), None),
    };
    let checked = evaluated.and_then(|()| match expected_changes {
        Some(expected) if expected != journal.changed_record_count() => Err(failure(format!(
            "le script devait modifier {} mais en modifie {}",
            records(expected),
            journal.changed_record_count()
        ))),
        _ => Ok(()),
    });
    let outcome = ScriptOutcome {
        changes: journal.changes(),
        committed: !run.simulation,
        records: listed,
    };
    match checked {
        Ok(()) if !run.simulation => match retry::bounded(work.commit()).await {
            Ok(()) => {
                journal.release_notices();
                Attempt::Done(outcome)
            }
            Err(error) => {
                journal.discard_notices();
                Attempt::stopped_by(error)
            }
        },
        other => {
            journal.discard_notices();
            // A rollback that fails or does not answer leaves nothing committed either:
            // the transaction ends with its connection. Its error is expected after a
            // deadlock (the database already rolled back, savepoints included): neither
            // reported nor shown.
            let _ = tokio::time::timeout(limits::call_deadline(), work.rollback()).await;
            match other {
                Ok(()) => Attempt::Done(outcome),
                // A run its limits stopped is not run again, conflict or not.
                Err(failure) if met_contention && meter.stopped().is_none() => {
                    Attempt::Conflict(failure)
                }
                Err(failure) => Attempt::Failed(ScriptFailure {
                    undone_changes: journal.changed_record_count(),
                    ..failure
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first attempt whose engine the blocking pool has not begun making (every thread
    /// of it busy with other runs) makes one itself rather than wait, its transaction
    /// open, for a thread to be free.
    #[test]
    fn a_run_does_not_wait_for_a_busy_pool_to_make_its_engine() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(1)
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (release, held) = std::sync::mpsc::channel::<()>();
            let busy = tokio::task::spawn_blocking(move || {
                // Held until released, or for a minute should the engine wait for it.
                let _ = held.recv_timeout(std::time::Duration::from_secs(60));
            });
            let prepared = PreparedEngine::start(ScriptLimits::default());
            let engine = prepared.engine().await;
            assert!(
                !busy.is_finished(),
                "the engine was made without the pool's only thread"
            );
            assert_eq!(engine.eval::<rhai::INT>("1 + 1").unwrap(), 2);
            release.send(()).unwrap();
            busy.await.unwrap();
        });
    }
}
