//! A rhai engine that cannot reach the file system, the network, the environment or other
//! processes, and that stops a runaway script: limits on operations, call depth, sizes and
//! time. `rhai::Engine::new()` alone is not a sandbox (`eval`, `import`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhai::module_resolvers::DummyModuleResolver;
use rhai::{Dynamic, Engine, EvalAltResult, Position};

/// What stopped a script that ran out of its own time (the value of rhai's termination
/// token).
pub const DEADLINE_TOKEN: &str = "deadline";
/// What stopped a run that lasted too long in all, database included.
pub const MAXIMUM_DURATION_TOKEN: &str = "maximum duration";

/// The time of one run: in all, and spent waiting for the core (the database).
#[derive(Debug)]
pub struct ScriptClock {
    started: Instant,
    waiting_nanoseconds: AtomicU64,
}

impl ScriptClock {
    fn start() -> Self {
        Self {
            started: Instant::now(),
            waiting_nanoseconds: AtomicU64::new(0),
        }
    }

    /// Counts `duration` spent waiting for the core: it is not the script's own time.
    pub fn add_waiting(&self, duration: Duration) {
        let nanoseconds = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        self.waiting_nanoseconds
            .fetch_add(nanoseconds, Ordering::Relaxed);
    }

    /// Time since the run started.
    pub fn total(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time the script itself ran: the total less the time spent in the core.
    pub fn script_time(&self) -> Duration {
        self.total().saturating_sub(Duration::from_nanos(
            self.waiting_nanoseconds.load(Ordering::Relaxed),
        ))
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

/// A sandboxed engine for one run starting now, the lines the script prints, and the
/// run's clock (the core calls count their waits on it).
pub fn sandboxed_engine(limits: ScriptLimits) -> (Engine, PrintedLines, Arc<ScriptClock>) {
    let mut engine = Engine::new();
    // No code from strings, no modules from disk.
    engine.disable_symbol("eval");
    engine.set_module_resolver(DummyModuleResolver::new());

    engine.set_max_operations(limits.maximum_operations);
    engine.set_max_call_levels(limits.maximum_call_depth);
    engine.set_max_expr_depths(
        limits.maximum_expression_depth,
        limits.maximum_expression_depth,
    );
    engine.set_max_string_size(limits.maximum_string_size);
    engine.set_max_array_size(limits.maximum_array_size);
    engine.set_max_map_size(limits.maximum_map_size);
    hold_the_map_size_limit_under_index_assignment(&mut engine, limits.maximum_map_size);

    let clock = Arc::new(ScriptClock::start());
    let progress_clock = Arc::clone(&clock);
    let next_check = AtomicU64::new(0);
    engine.on_progress(move |operations| {
        // Reading the clock at every operation would slow scripts down: every 4096 or so
        // (the count may advance by more than one at a time).
        if operations < next_check.load(Ordering::Relaxed) {
            return None;
        }
        next_check.store(operations.saturating_add(4096), Ordering::Relaxed);
        if progress_clock.script_time() > limits.deadline {
            Some(Dynamic::from(DEADLINE_TOKEN))
        } else if progress_clock.total() > limits.maximum_duration {
            Some(Dynamic::from(MAXIMUM_DURATION_TOKEN))
        } else {
            None
        }
    });

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
    (engine, printed, clock)
}
