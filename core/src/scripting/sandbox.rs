//! A rhai engine that cannot reach the file system, the network, the environment or other
//! processes, and that stops a runaway script: limits on operations, call depth, sizes and
//! time. `rhai::Engine::new()` alone is not a sandbox (`eval`, `import`).

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhai::module_resolvers::DummyModuleResolver;
use rhai::{Dynamic, Engine, EvalAltResult, Position};

/// Why the product stopped a run: one of its limits. Once a run is stopped it stays
/// stopped: every later operation of the script ends it again, so that no `try … catch`
/// (nor rhai's handling of a closure called from a built-in) can let it go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// More operations than [`ScriptLimits::maximum_operations`], closures included.
    Operations,
    /// More of the script's own time than [`ScriptLimits::deadline`].
    Deadline,
    /// Longer in all than [`ScriptLimits::maximum_duration`], database included.
    MaximumDuration,
    /// No one waits for the run any more (its client went away): it ends, rolled back.
    Abandoned,
}

impl Stop {
    const ALL: [Stop; 4] = [
        Stop::Operations,
        Stop::Deadline,
        Stop::MaximumDuration,
        Stop::Abandoned,
    ];

    fn code(self) -> u8 {
        match self {
            Stop::Operations => 1,
            Stop::Deadline => 2,
            Stop::MaximumDuration => 3,
            Stop::Abandoned => 4,
        }
    }

    fn from_code(code: u8) -> Option<Stop> {
        Stop::ALL.into_iter().find(|stop| stop.code() == code)
    }

    /// What the user reads: which limit stopped the run, in French.
    pub fn message(self, limits: &ScriptLimits) -> String {
        match self {
            Stop::Operations => format!(
                "le script a dépassé la limite de {} opérations (boucle sans fin ?)",
                limits.maximum_operations
            ),
            Stop::Deadline => format!(
                "le script a dépassé le temps maximal d'exécution ({})",
                crate::formatting::duration(limits.deadline)
            ),
            Stop::MaximumDuration => format!(
                "l'exécution a dépassé sa durée maximale ({}, base de données comprise)",
                crate::formatting::duration(limits.maximum_duration)
            ),
            Stop::Abandoned => {
                "l'exécution a été abandonnée : plus personne n'en attendait la fin".to_owned()
            }
        }
    }
}

/// How many operations apart the meter reads the clock: a few microseconds of the
/// script's time at most. Reading it at every operation made a plain loop twice as slow
/// (debug build: 1 million iterations, 0.7 s → 1.55 s); the watchdog reads it every
/// 50 ms from outside the engine anyway.
pub const CLOCK_READ_INTERVAL: u64 = 64;

/// The product's own measure of one run, and what enforces its limits: every operation
/// of the script counts — those of closures called from built-ins (`map`, `filter`,
/// `sort`…) too, which rhai's own counter loses —, the script's own time is read from the
/// clock at every operation, and a watchdog outside the engine
/// ([`ScriptMeter::check_clock`], called by the runner) stops a run that no operation
/// reaches any more.
#[derive(Debug)]
pub struct ScriptMeter {
    limits: ScriptLimits,
    /// When the run began, its earlier attempts included (a run met a conflict and
    /// started again): what the maximum duration counts from.
    run_started: Instant,
    /// When this attempt began: what the script's own time counts from.
    started: Instant,
    /// Time spent in the product's functions (the core, the database, output), done.
    outside_nanoseconds: AtomicU64,
    /// When the product's function running now started (nanoseconds since `started`,
    /// plus one), or 0 when the script itself runs.
    outside_since: AtomicU64,
    operations: AtomicU64,
    stopped: AtomicU8,
}

impl ScriptMeter {
    /// The meter of an attempt starting now, of a run that began at `run_started`.
    pub fn start(limits: ScriptLimits, run_started: Instant) -> Arc<Self> {
        Arc::new(Self {
            limits,
            run_started,
            started: Instant::now(),
            outside_nanoseconds: AtomicU64::new(0),
            outside_since: AtomicU64::new(0),
            operations: AtomicU64::new(0),
            stopped: AtomicU8::new(0),
        })
    }

    /// The limits it enforces.
    pub fn limits(&self) -> &ScriptLimits {
        &self.limits
    }

    fn nanoseconds_since_start(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Runs `work`, a function of the product (a call into the core, writing output),
    /// whose time is not the script's own.
    pub fn outside_script<T>(&self, work: impl FnOnce() -> T) -> T {
        let since = self.nanoseconds_since_start().saturating_add(1);
        // Nested calls (an export calling the core) count once, from the outermost.
        let outermost = self
            .outside_since
            .compare_exchange(0, since, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        let result = work();
        if outermost {
            let elapsed = self
                .nanoseconds_since_start()
                .saturating_add(1)
                .saturating_sub(since);
            self.outside_nanoseconds
                .fetch_add(elapsed, Ordering::AcqRel);
            self.outside_since.store(0, Ordering::Release);
        }
        result
    }

    /// Time since the run began, its earlier attempts included.
    pub fn total(&self) -> Duration {
        self.run_started.elapsed()
    }

    /// Time the script itself ran: the total less the time spent in the product's
    /// functions, the one running now included.
    pub fn script_time(&self) -> Duration {
        let now = self.nanoseconds_since_start();
        let since = self.outside_since.load(Ordering::Acquire);
        let current = if since == 0 {
            0
        } else {
            now.saturating_add(1).saturating_sub(since)
        };
        let outside = self
            .outside_nanoseconds
            .load(Ordering::Acquire)
            .saturating_add(current);
        Duration::from_nanos(now.saturating_sub(outside))
    }

    /// Operations counted so far.
    pub fn operations(&self) -> u64 {
        self.operations.load(Ordering::Relaxed)
    }

    /// Stops the run for `reason`, unless it was already stopped (the first reason stays).
    pub fn stop(&self, reason: Stop) {
        let _ =
            self.stopped
                .compare_exchange(0, reason.code(), Ordering::AcqRel, Ordering::Acquire);
    }

    /// Why the run was stopped, if it was.
    pub fn stopped(&self) -> Option<Stop> {
        Stop::from_code(self.stopped.load(Ordering::Acquire))
    }

    /// One operation of the script (rhai's progress callback, whatever evaluates it: the
    /// script, a function of the script, a closure called from a built-in): counted, and
    /// the clock read every [`CLOCK_READ_INTERVAL`] operations of this count, which only
    /// goes up (rhai's own count goes back down when a closure called from a built-in
    /// returns, which is how its limits were walked around). The reason to stop, once a
    /// limit is passed: from then on, every operation.
    pub fn operation(&self) -> Option<Stop> {
        let operations = self.operations.fetch_add(1, Ordering::Relaxed) + 1;
        if operations > self.limits.maximum_operations {
            self.stop(Stop::Operations);
        } else if operations.is_multiple_of(CLOCK_READ_INTERVAL) {
            self.check_clock();
        }
        match self.stopped.load(Ordering::Relaxed) {
            0 => None,
            code => Stop::from_code(code),
        }
    }

    /// Counts `units` of work the product did for the script (cells of a table written, lines
    /// of a file read, records listed…) as operations: a native call is not one operation
    /// whatever it costs. The reason to stop, once the limit is passed.
    pub fn add_work(&self, units: u64) -> Option<Stop> {
        let operations = self
            .operations
            .fetch_add(units, Ordering::Relaxed)
            .saturating_add(units);
        if operations > self.limits.maximum_operations {
            self.stop(Stop::Operations);
        }
        self.stopped()
    }

    /// How long the run may still last, by its maximum duration.
    pub fn remaining(&self) -> Duration {
        self.limits.maximum_duration.saturating_sub(self.total())
    }

    /// Reads the clock and stops the run past its time limits: at every operation, and
    /// from the runner's watchdog, outside the engine, for a run no operation reaches
    /// (a built-in working for long). The reason to stop, if it is stopped.
    pub fn check_clock(&self) -> Option<Stop> {
        if self.script_time() > self.limits.deadline {
            self.stop(Stop::Deadline);
        } else if self.total() > self.limits.maximum_duration {
            self.stop(Stop::MaximumDuration);
        }
        self.stopped()
    }

    /// The error that ends the script for `reason`: a termination, which no `catch` sees.
    pub fn termination(reason: Stop) -> Box<EvalAltResult> {
        EvalAltResult::ErrorTerminated(Dynamic::from(reason), Position::NONE).into()
    }
}

/// The limits of one script run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptLimits {
    /// Operations (rhai's unit of work) before the script is stopped.
    pub maximum_operations: u64,
    /// Depth of nested function calls.
    pub maximum_call_depth: usize,
    /// Depth of nested expressions.
    pub maximum_expression_depth: usize,
    /// Length of one string, in bytes.
    pub maximum_string_size: usize,
    /// Number of items of one array. rhai measures the whole array after each change, so a
    /// loop growing one item by item slows down as it grows and meets the deadline first.
    pub maximum_array_size: usize,
    /// Number of entries of one object map.
    pub maximum_map_size: usize,
    /// Time the script itself may run, not counting its waits for the database: what
    /// stops a runaway loop.
    pub deadline: Duration,
    /// Wall-clock time of the whole run, database included: a bulk update may take long,
    /// but not hold its transaction for ever.
    pub maximum_duration: Duration,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        Self {
            maximum_operations: 20_000_000,
            maximum_call_depth: 48,
            maximum_expression_depth: 64,
            maximum_string_size: 1024 * 1024,
            maximum_array_size: 100_000,
            maximum_map_size: 10_000,
            deadline: Duration::from_secs(2),
            maximum_duration: Duration::from_secs(10 * 60),
        }
    }
}

/// rhai measures a map when it is merged (`+=`, `mixin`) or given a field (`objet.champ =
/// …`), not when a new key is set through an index (`objet[clé] = …`): a loop doing that
/// would grow a map without bound until the deadline. Every use of a variable checks
/// the size of the map it holds, and of `this` in a method (a constant-time count), so such
/// a loop stops one key past the limit, with the size-limit message. (A map nested in another and grown through an
/// index is measured when it is read into a variable or merged; until then, only the
/// deadline bounds it.)
fn hold_the_map_size_limit_under_index_assignment(engine: &mut Engine, maximum_map_size: usize) {
    #[allow(deprecated)] // rhai's word for « volatile », not for « going away »
    engine.on_var(move |name, _index, context| {
        let too_large = |value: &Dynamic| {
            value.is_map()
                && value
                    .read_lock::<rhai::Map>()
                    .is_some_and(|map| map.len() > maximum_map_size)
        };
        // The variable, and `this` in a method (which is not a variable).
        // (Searching by name is faster here than rhai's offset through `Scope::iter_raw`.)
        if context.scope().get(name).is_some_and(too_large)
            || context.this_ptr().is_some_and(too_large)
        {
            Err(
                EvalAltResult::ErrorDataTooLarge("Size of object map".into(), Position::NONE)
                    .into(),
            )
        } else {
            Ok(None)
        }
    });
}

/// What a script printed with `print` or `debug`, in order.
pub type PrintedLines = Arc<Mutex<Vec<String>>>;

/// A sandboxed engine for an attempt starting now of a run that began at `run_started`,
/// the lines the script prints, and the attempt's meter (the product's functions count
/// their time on it; the runner's watchdog reads its clock).
pub fn sandboxed_engine(
    limits: ScriptLimits,
    run_started: Instant,
) -> (Engine, PrintedLines, Arc<ScriptMeter>) {
    let mut engine = unmetered_engine(limits);
    let (printed, meter) = meter_engine(&mut engine, limits, run_started);
    (engine, printed, meter)
}

/// The sandboxed engine without its meter: its limits, no code from strings, no modules
/// from disk. It can be made before the attempt starts (the runner makes it while the
/// database opens the session), then given its meter by [`meter_engine`].
pub fn unmetered_engine(limits: ScriptLimits) -> Engine {
    let mut engine = Engine::new();
    // No code from strings, no modules from disk.
    engine.disable_symbol("eval");
    engine.set_module_resolver(DummyModuleResolver::new());

    // The operations are counted by the meter, which sees those of closures too; rhai's
    // own counter, which loses them, is not used.
    engine.set_max_operations(0);
    engine.set_max_call_levels(limits.maximum_call_depth);
    engine.set_max_expr_depths(
        limits.maximum_expression_depth,
        limits.maximum_expression_depth,
    );
    engine.set_max_string_size(limits.maximum_string_size);
    engine.set_max_array_size(limits.maximum_array_size);
    engine.set_max_map_size(limits.maximum_map_size);
    hold_the_map_size_limit_under_index_assignment(&mut engine, limits.maximum_map_size);
    engine
}

/// Gives `engine` (from [`unmetered_engine`]) the meter of an attempt starting now of a
/// run that began at `run_started`: the lines the script prints, and the meter.
pub fn meter_engine(
    engine: &mut Engine,
    limits: ScriptLimits,
    run_started: Instant,
) -> (PrintedLines, Arc<ScriptMeter>) {
    let meter = ScriptMeter::start(limits, run_started);
    let progress_meter = Arc::clone(&meter);
    engine.on_progress(move |_| progress_meter.operation().map(Dynamic::from));

    let printed: PrintedLines = Arc::default();
    let print_sink = Arc::clone(&printed);
    engine.on_print(move |text| {
        if let Ok(mut lines) = print_sink.lock() {
            lines.push(text.to_owned());
        }
    });
    let debug_sink = Arc::clone(&printed);
    engine.on_debug(move |text, _source, _position| {
        if let Ok(mut lines) = debug_sink.lock() {
            lines.push(text.to_owned());
        }
    });
    (printed, meter)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1,000 closure calls from `map`, of 1,000 operations each.
    const LOOPS_IN_CLOSURES: &str =
        "for i in 0..1000 { [1].map(|x| { let n = 0; while n < 1000 { n += 1; } n }); }";

    /// What `docs/script-limits.md` says of rhai 1.27, checked: should rhai change, this
    /// test says so, and the product's workarounds can be revisited.
    #[test]
    fn rhai_loses_the_operations_of_closures_called_from_built_ins() {
        // A million operations, in closures; the loop around them, a few thousand.
        let mut engine = Engine::new();
        engine.set_max_operations(100_000);
        let run = engine.run(LOOPS_IN_CLOSURES);
        assert!(
            run.is_ok(),
            "rhai now counts the operations of closures called from built-ins: {run:?}"
        );
        let mut engine = Engine::new();
        #[allow(deprecated)] // rhai's word for « volatile »
        engine.on_missing_function(|name, _, _, _| Err(format!("{name} : appel refusé").into()));
        engine.on_progress(|count| (count > 1000).then(|| Dynamic::from("stop")));
        let caught = engine
            .eval::<String>(r#"let m = ""; try { [1].map(|x| { loop {} }) } catch (e) { m = e } m"#)
            .unwrap();
        assert_eq!(
            caught, "map : appel refusé",
            "rhai's missing-function hook no longer sees terminations"
        );
    }

    #[test]
    fn the_meter_counts_every_operation_closures_included() {
        let limits = ScriptLimits {
            maximum_operations: 100_000,
            ..ScriptLimits::default()
        };
        let (engine, _, meter) = sandboxed_engine(limits, Instant::now());
        // The termination comes out of `map` wrapped in rhai's « error in function call »,
        // which a `catch` could take: the meter, stopped, ends the run again at the next
        // operation, and the runner ends it with the reason whatever came out.
        let error = engine.run(LOOPS_IN_CLOSURES).unwrap_err();
        let mut inner: &EvalAltResult = &error;
        while let EvalAltResult::ErrorInFunctionCall(_, _, wrapped, _) = inner {
            inner = wrapped;
        }
        assert!(
            matches!(inner, EvalAltResult::ErrorTerminated(..)),
            "{error:?}"
        );
        assert_eq!(meter.stopped(), Some(Stop::Operations));
        assert!(meter.operations() > 100_000);
    }

    #[test]
    fn the_time_spent_in_the_product_is_not_the_scripts() {
        let meter = ScriptMeter::start(ScriptLimits::default(), Instant::now());
        meter.outside_script(|| std::thread::sleep(Duration::from_millis(50)));
        assert!(meter.total() >= Duration::from_millis(50));
        assert!(
            meter.script_time() < Duration::from_millis(20),
            "{:?}",
            meter.script_time()
        );
        // While a function of the product runs, its time is not the script's either.
        let meter = Arc::clone(&meter);
        let watcher = Arc::clone(&meter);
        let during = std::thread::spawn(move || {
            watcher.outside_script(|| std::thread::sleep(Duration::from_millis(100)))
        });
        std::thread::sleep(Duration::from_millis(60));
        assert!(
            meter.script_time() < Duration::from_millis(40),
            "{:?}",
            meter.script_time()
        );
        during.join().unwrap();
    }

    #[test]
    fn the_first_reason_to_stop_stays() {
        let meter = ScriptMeter::start(ScriptLimits::default(), Instant::now());
        assert_eq!(meter.stopped(), None);
        meter.stop(Stop::Deadline);
        meter.stop(Stop::Operations);
        assert_eq!(meter.stopped(), Some(Stop::Deadline));
        assert_eq!(
            meter.operation(),
            Some(Stop::Deadline),
            "every operation ends it again"
        );
    }
}
