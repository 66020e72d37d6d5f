//! Speed at scale: whole-process runs of the release `epic-events` binary on the large data
//! set, each beside the same query through the database's own command-line client, in the
//! same run. `cargo bench --bench speed` (see docs/benchmarks.md).
//!
//! Environment: `EPIC_EVENTS_BENCH_MYSQL_URL` (default `mysql://root@127.0.0.1:3306`, the
//! database `epic_events_bench` is dropped and recreated on it, and `mariadb` queries it
//! there; `none` to skip MySQL; `jetable` for a throwaway MariaDB of the benchmark's own,
//! whose InnoDB buffer pool is `EPIC_EVENTS_BENCH_MYSQL_BUFFER_POOL`, default `1G`: it
//! holds the full data set, as a production server's pool would),
//! `EPIC_EVENTS_BENCH_RUNS` (runs per case, default 7), `EPIC_EVENTS_BENCH_SCALE`
//! (fraction of the full data set, default 1), `EPIC_EVENTS_BENCH_ONLY=concurrence` (only
//! the concurrent case, 8), `EPIC_EVENTS_BENCH_OPERATIONS` (operations per worker in case
//! 8, default 200).
//!
//! Case 8 runs in this process, through the library: 16 workers at once, each with its own
//! connection (as 16 people), running a fixed count of a mix of reads, edits and payments
//! on a few hot records, then checks that nothing was lost.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "../tests/shared/throwaway_mariadb.rs"]
mod throwaway_mariadb;

use throwaway_mariadb::ThrowawayMariadb;

const BINARY: &str = env!("CARGO_BIN_EXE_epic-events");

/// One measured command: its median and range of wall-clock milliseconds, and the largest
/// peak resident memory seen (KiB).
struct Measure {
    median: f64,
    minimum: f64,
    maximum: f64,
    peak_kib: u64,
}

impl Measure {
    fn text(&self) -> String {
        format!(
            "{:.1} ms ({:.1}–{:.1})",
            self.median, self.minimum, self.maximum
        )
    }
}

/// What a case must reach (issue 23's targets), judged on the medians of one run.
#[derive(Clone, Copy)]
enum Goal {
    /// At most this ratio to the raw client.
    Ratio(f64),
    /// At most this many milliseconds, the whole process.
    Milliseconds(f64),
}

impl Goal {
    /// The goal of `case` (its label's number, or its name) on `backend`, if it has one.
    fn of(case: &str, backend: &str) -> Option<Goal> {
        let mysql = backend == "MySQL";
        let number = case.split('.').next().unwrap_or_default();
        Some(match number {
            "3" | "4" | "9c" => Goal::Ratio(if mysql { 1.5 } else { 2.5 }),
            "5" => Goal::Ratio(if mysql { 1.2 } else { 1.5 }),
            "7" => Goal::Ratio(2.0),
            "9a" => Goal::Milliseconds(30.0),
            "9b" => Goal::Milliseconds(20.0),
            _ => return None,
        })
    }

    fn text(self) -> String {
        match self {
            Goal::Ratio(ratio) => format!("≤ {ratio}×"),
            Goal::Milliseconds(milliseconds) => format!("≤ {milliseconds} ms"),
        }
    }

    /// Whether `ours` (against `reference`) reaches it.
    fn met(self, ours: &Measure, reference: &Measure) -> bool {
        match self {
            Goal::Ratio(ratio) => ours.median / reference.median <= ratio,
            Goal::Milliseconds(milliseconds) => ours.median <= milliseconds,
        }
    }
}

/// A database to measure on.
struct Backend {
    name: &'static str,
    url: String,
    /// The raw client's command for `sql`.
    raw: Box<dyn Fn(&str) -> Command>,
}

fn runs() -> usize {
    std::env::var("EPIC_EVENTS_BENCH_RUNS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(7)
}

/// Runs the program's command and the raw client's alternately, `runs` times each after
/// one warm-up run of each, feeding `input` to the program's; panics if a run fails.
///
/// Alternately, not one series after the other: on a shared machine a slow spell then
/// falls on both sides of a ratio, not on one (docs/benchmarks.md, « The command »).
fn measure_pair(
    label: &str,
    runs: usize,
    input: &str,
    ours: &dyn Fn() -> Command,
    reference: &dyn Fn() -> Command,
) -> (Measure, Measure) {
    let (mut our_runs, mut reference_runs) = (Runs::default(), Runs::default());
    for run in 0..=runs {
        let counted = run > 0;
        our_runs.add(time_once(label, input, ours()), counted);
        reference_runs.add(time_once(label, "", reference()), counted);
    }
    (our_runs.measure(), reference_runs.measure())
}

/// The wall-clock milliseconds and peak resident memory (KiB) of each counted run.
#[derive(Default)]
struct Runs {
    milliseconds: Vec<f64>,
    peak_kib: u64,
}

impl Runs {
    fn add(&mut self, (milliseconds, kib): (f64, u64), counted: bool) {
        if counted {
            self.milliseconds.push(milliseconds);
            self.peak_kib = self.peak_kib.max(kib);
        }
    }

    fn measure(mut self) -> Measure {
        self.milliseconds.sort_by(f64::total_cmp);
        let times = &self.milliseconds;
        Measure {
            median: times[times.len() / 2],
            minimum: times[0],
            maximum: times[times.len() - 1],
            peak_kib: self.peak_kib,
        }
    }
}

/// Runs `command` once under `/usr/bin/time`, feeding it `input`: its wall-clock
/// milliseconds and peak resident memory (KiB); panics if it fails.
fn time_once(label: &str, input: &str, command: Command) -> (f64, u64) {
    let program = command.get_program().to_owned();
    let arguments: Vec<_> = command
        .get_args()
        .map(|argument| argument.to_owned())
        .collect();
    let mut timed = Command::new("/usr/bin/time");
    timed.arg("-f").arg("%M").arg(program).args(arguments);
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(directory) = command.get_current_dir() {
        timed.current_dir(directory);
    }
    timed.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let output = run_with_input(timed, input);
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{label} failed:\n{stderr}");
    let kib = stderr
        .lines()
        .last()
        .and_then(|line| line.trim().parse::<u64>().ok())
        .unwrap_or(0);
    (elapsed, kib)
}

fn epic_events(backend: &Backend, config: &Path, arguments: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(arguments)
        .env("DATABASE_URL", &backend.url)
        .env("EPIC_EVENTS_CONFIG_DIR", config)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("EPIC_EVENTS_JWT_SECRET");
    command
}

/// Starts `command` (its standard input piped), writes `input` to it, and waits for its end.
fn run_with_input(mut command: Command, input: &str) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .ok();
    child.wait_with_output().expect("the command ends")
}

fn run_once(mut command: Command, input: &str) -> String {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let output = run_with_input(command, input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn script(directory: &Path, name: &str, text: &str) -> String {
    let path = directory.join(name);
    std::fs::write(&path, text).expect("write a bench script");
    path.display().to_string()
}

/// The columns of a contract as the export writes them, for the raw client, joined as the
/// core joins them.
const CONTRACT_COLUMNS_SQL: &str = "SELECT contract.id, contract.contract_number, contract.customer_id, customer.company_name, customer.user_sales_id, sales.user_first_name, sales.user_last_name, contract.user_management_id, management.user_first_name, management.user_last_name, contract.total_amount, contract.balance_due, contract.signed, contract.created_at, contract.updated_at FROM contract LEFT JOIN customer ON customer.id = contract.customer_id LEFT JOIN `user` AS sales ON sales.id = customer.user_sales_id LEFT JOIN `user` AS management ON management.id = contract.user_management_id";

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let workspace = tempfile_directory();
    let scale = std::env::var("EPIC_EVENTS_BENCH_SCALE").unwrap_or_else(|_| "1".to_owned());
    let runs = runs();
    let mut backends = Vec::new();
    let sqlite_file = workspace.join("bench.db");
    let sqlite_path = sqlite_file.display().to_string();
    backends.push(Backend {
        name: "SQLite",
        url: format!("sqlite://{sqlite_path}?mode=rwc"),
        raw: Box::new(move |sql| {
            // The schema's foreign keys enforced, as the program enforces them: sqlite3
            // leaves them off by default, and an `UPDATE` of a referencing column then
            // skips the check and its statement journal (case 7: 0.09 s instead of
            // 0.15 s on the full data set, docs/benchmarks.md). Reads are the same.
            let mut command = Command::new("sqlite3");
            command
                .arg("-csv")
                .args(["-cmd", "PRAGMA foreign_keys = ON"])
                .arg(&sqlite_path)
                .arg(sql);
            command
        }),
    });
    let mut mysql_server = std::env::var("EPIC_EVENTS_BENCH_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned());
    // A server of the benchmark's own, whose buffer pool holds the data set (313 MiB with
    // its indexes at full scale), as a production server's would.
    let throwaway = (mysql_server == "jetable").then(|| {
        let buffer_pool = std::env::var("EPIC_EVENTS_BENCH_MYSQL_BUFFER_POOL")
            .unwrap_or_else(|_| "1G".to_owned());
        let server = ThrowawayMariadb::start(&workspace, &buffer_pool).expect(
            "EPIC_EVENTS_BENCH_MYSQL_URL=jetable : il faut le serveur MariaDB (mariadbd, mariadb-install-db)",
        );
        eprintln!(
            "== MySQL : serveur jetable, pool InnoDB de {buffer_pool}, port {}",
            server.port
        );
        mysql_server = server.url();
        server
    });
    if mysql_server != "none" {
        // The raw client reaches the same server as the program: its host, port, user and
        // password are the address's.
        let server = url::Url::parse(&mysql_server)
            .expect("EPIC_EVENTS_BENCH_MYSQL_URL : une adresse mysql://utilisateur@hôte:port");
        let host = match server.host() {
            // Without the brackets of the address.
            Some(url::Host::Ipv6(address)) => address.to_string(),
            Some(host) => host.to_string(),
            None => "127.0.0.1".to_owned(),
        };
        let port = server.port().unwrap_or(3306).to_string();
        let user = match server.username() {
            "" => "root".to_owned(),
            user => percent_encoding::percent_decode_str(user)
                .decode_utf8_lossy()
                .into_owned(),
        };
        let password = server.password().map(|password| {
            percent_encoding::percent_decode_str(password)
                .decode_utf8_lossy()
                .into_owned()
        });
        backends.push(Backend {
            name: "MySQL",
            url: format!("{}/epic_events_bench", mysql_server.trim_end_matches('/')),
            raw: Box::new(move |sql| {
                let mut command = Command::new("mariadb");
                command
                    .args(["-h", &host, "-P", &port, "-u", &user])
                    .args(["--batch", "epic_events_bench", "-e"])
                    .arg(sql);
                // In the environment, not on the command line other processes can read.
                if let Some(password) = &password {
                    command.env("MYSQL_PWD", password);
                }
                command
            }),
        });
    }

    let only_concurrency = std::env::var("EPIC_EVENTS_BENCH_ONLY").as_deref() == Ok("concurrence");
    let mut concurrency_rows = Vec::new();
    for backend in &backends {
        let url = match backend.name {
            "MySQL" => backend
                .url
                .replace("epic_events_bench", "epic_events_bench_concurrence"),
            _ => format!(
                "sqlite://{}?mode=rwc",
                workspace.join("concurrence.db").display()
            ),
        };
        eprintln!("== {} : cas 8, 16 personnes à la fois", backend.name);
        concurrency_rows.push(concurrent::measure(backend.name, &url));
    }
    if only_concurrency {
        concurrent::print(&concurrency_rows);
        drop(throwaway);
        let _ = std::fs::remove_dir_all(&workspace);
        return;
    }

    let mut table: Vec<[String; 7]> = Vec::new();
    let (mut goals_met, mut goals_missed) = (0, 0);
    for backend in &backends {
        eprintln!("== {} : génération du jeu de données", backend.name);
        let started = Instant::now();
        let generated = run_once(
            epic_events(
                backend,
                &workspace.join("config-base"),
                &["base", "generer", "--oui", "--echelle", &scale],
            ),
            "",
        );
        eprintln!(
            "{} ({:.1} s)",
            generated.trim(),
            started.elapsed().as_secs_f64()
        );

        let manager = workspace.join(format!("config-gestion-{}", backend.name));
        let sales = workspace.join(format!("config-commercial-{}", backend.name));
        run_once(
            epic_events(
                backend,
                &manager,
                &["connexion", "--utilisateur", "gestion001"],
            ),
            "demo-epic-events\n",
        );
        run_once(
            epic_events(
                backend,
                &sales,
                &["connexion", "--utilisateur", "commercial001"],
            ),
            "demo-epic-events\n",
        );

        let raw_value = |sql: &str| -> String {
            let output = (backend.raw)(sql).output().expect("raw client");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.lines().last().unwrap_or_default().trim().to_owned()
        };
        let sales_id = raw_value("SELECT id FROM `user` WHERE username = 'commercial001'");
        let support_id = raw_value("SELECT id FROM `user` WHERE username = 'support001'");
        let deep = raw_value("SELECT MAX(id) - 50000 FROM contract");
        // Search: a frequent word, a word found once (the last event's number, which no
        // other event's holds), the start of a contract number shared by about ten.
        let rare_word = raw_value("SELECT MAX(id) FROM event");
        let last_number =
            raw_value("SELECT contract_number FROM contract ORDER BY id DESC LIMIT 1");
        let number_prefix = last_number[..last_number.len() - 1].to_owned();
        let sql_without_support_dates = |offset: usize| {
            format!(
                "SELECT start_datetime FROM event WHERE user_support_id IS NULL ORDER BY start_datetime, id LIMIT 1 OFFSET {offset}"
            )
        };
        let unassigned: usize =
            raw_value("SELECT COUNT(*) FROM event WHERE user_support_id IS NULL")
                .parse()
                .expect("a count");
        let bulk_first = raw_value(&sql_without_support_dates(0));
        let bulk_last = raw_value(&sql_without_support_dates(unassigned.min(10_000) - 1));
        let bulk_ids_sql = format!(
            "SELECT id FROM event WHERE user_support_id IS NULL AND start_datetime >= '{bulk_first}' AND start_datetime <= '{bulk_last}'"
        );
        let bulk_ids: Vec<String> = {
            let output = (backend.raw)(&bulk_ids_sql).output().expect("raw client");
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter(|line| {
                    line.trim().chars().all(|c| c.is_ascii_digit()) && !line.trim().is_empty()
                })
                .map(|line| line.trim().to_owned())
                .collect()
        };
        let french = |stored: &str| {
            // 2025-03-04 08:00:00 (MySQL) or 2025-03-04T08:00:00+00:00 (SQLite) → 04/03/2025 08:00
            let digits: String = stored.chars().take(16).collect();
            format!(
                "{}/{}/{} {}",
                &digits[8..10],
                &digits[5..7],
                &digits[0..4],
                &digits[11..16]
            )
        };

        let page = |limit_after: &str| {
            script(
                &workspace,
                &format!("page-{}-{limit_after}.rhai", backend.name),
                &format!("afficher(contrats(#{{ {limit_after} }}));"),
            )
        };
        let first_page = page("limite: 20");
        let deep_page = page(&format!("apres: {deep}, limite: 20"));
        let unpaid = script(
            &workspace,
            "unpaid.rhai",
            "afficher(mes_contrats_non_payes(#{ limite: 20 }));",
        );
        let without_support = script(
            &workspace,
            "without.rhai",
            "afficher(evenements_sans_support(#{ limite: 20 }));",
        );
        let export = script(&workspace, "export.rhai", "exporter_contrats();");
        let frequent_search = script(
            &workspace,
            "frequent.rhai",
            "afficher(chercher_evenements(#{ texte: \"seminaire\", limite: 20 }));",
        );
        let rare_search = script(
            &workspace,
            &format!("rare-{}.rhai", backend.name),
            &format!("afficher(chercher_evenements(#{{ texte: \"{rare_word}\", limite: 20 }}));"),
        );
        let prefix_search = script(
            &workspace,
            &format!("prefix-{}.rhai", backend.name),
            &format!("afficher(chercher_contrats(\"{number_prefix}\"));"),
        );
        // What one would type at the raw client: a frequent word by reading in start order
        // (word starts compared), a rare one through the full-text index.
        let events_search_sql = |condition: &str| {
            format!(
                "SELECT event.*, contract.contract_number, customer.company_name, support.user_first_name FROM event LEFT JOIN contract ON contract.id = event.contract_id LEFT JOIN customer ON customer.id = event.customer_id LEFT JOIN `user` AS support ON support.id = event.user_support_id WHERE {condition} ORDER BY event.start_datetime, event.id LIMIT 21"
            )
        };
        let frequent_condition =
            "(event.search_text LIKE 'seminaire%' OR event.search_text LIKE '% seminaire%')"
                .to_owned();
        let rare_condition = if backend.name == "MySQL" {
            format!("MATCH(event.search_text) AGAINST ('+{rare_word}*' IN BOOLEAN MODE)")
        } else {
            format!(
                "event.id IN (SELECT rowid FROM event_words WHERE event_words MATCH '\"{rare_word}\"*')"
            )
        };
        let report = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scripts/impayes_par_commercial.rhai")
            .display()
            .to_string();
        let bulk = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scripts/assigner_support.rhai")
            .display()
            .to_string();
        let (bulk_from, bulk_until) = (french(&bulk_first), french(&bulk_last));

        let page_sql = |condition: &str| {
            format!("{CONTRACT_COLUMNS_SQL} WHERE {condition} ORDER BY contract.id LIMIT 21")
        };
        let zero = if backend.name == "MySQL" {
            "0"
        } else {
            "'0.00'"
        };
        let unpaid_report_sql = format!(
            "SELECT `user`.id, `user`.username, `user`.user_first_name, `user`.user_last_name, COUNT(*), {}, {} FROM contract JOIN customer ON customer.id = contract.customer_id JOIN `user` ON `user`.id = customer.user_sales_id WHERE contract.balance_due <> {zero} GROUP BY `user`.id, `user`.username, `user`.user_first_name, `user`.user_last_name ORDER BY `user`.user_last_name, `user`.user_first_name, `user`.id",
            if backend.name == "MySQL" {
                "SUM(contract.total_amount)"
            } else {
                "SUM(CAST(REPLACE(contract.total_amount, '.', '') AS INTEGER))"
            },
            if backend.name == "MySQL" {
                "SUM(contract.balance_due)"
            } else {
                "SUM(CAST(REPLACE(contract.balance_due, '.', '') AS INTEGER))"
            },
        );
        let bulk_sql = format!(
            "BEGIN; UPDATE event SET user_support_id = {support_id} WHERE id IN ({}); ROLLBACK;",
            bulk_ids.join(",")
        );

        type Case<'a> = (&'a str, Box<dyn Fn() -> Command + 'a>, &'a str, String);
        let cases: Vec<Case> = vec![
            ("1. démarrage → premier menu → quitter", Box::new(|| epic_events(backend, &manager, &[])), "2\n", "SELECT 1".to_owned()),
            ("2. connexion (argon2id)", Box::new(|| epic_events(backend, &manager, &["connexion", "--utilisateur", "gestion001"])), "demo-epic-events\n", "SELECT id, password_hash FROM `user` WHERE username = 'gestion001'".to_owned()),
            ("3. première page, tous les contrats", Box::new(|| epic_events(backend, &manager, &["executer", &first_page, "--format", "csv"])), "", page_sql("1 = 1")),
            ("3. page profonde, tous les contrats", Box::new(|| epic_events(backend, &manager, &["executer", &deep_page, "--format", "csv"])), "", page_sql(&format!("contract.id > {deep}"))),
            ("4. Mes contrats non payés (commercial)", Box::new(|| epic_events(backend, &sales, &["executer", &unpaid, "--format", "csv"])), "", page_sql(&format!("customer.user_sales_id = {sales_id} AND contract.balance_due <> {zero}"))),
            ("4. Évènements sans support (gestion)", Box::new(|| epic_events(backend, &manager, &["executer", &without_support, "--format", "csv"])), "", "SELECT event.*, contract.contract_number, customer.company_name, support.user_first_name FROM event LEFT JOIN contract ON contract.id = event.contract_id LEFT JOIN customer ON customer.id = event.customer_id LEFT JOIN `user` AS support ON support.id = event.user_support_id WHERE event.user_support_id IS NULL ORDER BY event.start_datetime, event.id LIMIT 21".to_owned()),
            ("5. export CSV des contrats", Box::new(|| epic_events(backend, &manager, &["executer", &export, "--format", "csv"])), "", format!("{CONTRACT_COLUMNS_SQL} ORDER BY contract.id")),
            ("6. impayés par commercial", Box::new(|| epic_events(backend, &manager, &["executer", &report, "--format", "csv"])), "", unpaid_report_sql),
            ("7. assignation de 10 000 évènements (simulation)", Box::new(|| epic_events(backend, &manager, &["executer", &bulk, "--simulation", "--format", "csv", "support=support001", &format!("du={bulk_from}"), &format!("au={bulk_until}")])), "", bulk_sql),
            ("9a. recherche d'un mot fréquent (« seminaire »), première page", Box::new(|| epic_events(backend, &manager, &["executer", &frequent_search, "--format", "csv"])), "", events_search_sql(&frequent_condition)),
            ("9b. recherche d'un mot rare (le numéro du dernier évènement)", Box::new(|| epic_events(backend, &manager, &["executer", &rare_search, "--format", "csv"])), "", events_search_sql(&rare_condition)),
            ("9c. recherche par début de numéro de contrat", Box::new(|| epic_events(backend, &manager, &["executer", &prefix_search, "--format", "csv"])), "", format!("{CONTRACT_COLUMNS_SQL} WHERE contract.contract_number >= '{number_prefix}' AND contract.contract_number < '{number_prefix}:' ORDER BY contract.id")),
        ];
        for (label, make, input, sql) in &cases {
            eprintln!("-- {} : {label}", backend.name);
            let (ours, reference) =
                measure_pair(label, runs, input, make.as_ref(), &|| (backend.raw)(sql));
            let goal = match Goal::of(label, backend.name) {
                Some(goal) if goal.met(&ours, &reference) => {
                    goals_met += 1;
                    format!("{} : tenu", goal.text())
                }
                Some(goal) => {
                    goals_missed += 1;
                    format!("{} : manqué", goal.text())
                }
                None => "—".to_owned(),
            };
            table.push([
                (*label).to_owned(),
                backend.name.to_owned(),
                ours.text(),
                reference.text(),
                format!("{:.2}", ours.median / reference.median),
                goal,
                format!("{} / {}", ours.peak_kib / 1024, reference.peak_kib / 1024),
            ]);
        }
        eprintln!("({} évènements assignés dans le cas 7)", bulk_ids.len());
        if backend.name == "MySQL" {
            // Leave nothing behind on the server.
            let _ = (backend.raw)("DROP DATABASE IF EXISTS epic_events_bench").output();
        }
    }

    println!(
        "\n| cas | base | epic-events (médiane, min–max) | client brut | rapport | objectif | mémoire max Mio (epic-events / brut) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for [case, backend, ours, raw, ratio, goal, memory] in &table {
        println!("| {case} | {backend} | {ours} | {raw} | {ratio} | {goal} | {memory} |");
    }
    if !table.is_empty() {
        println!(
            "\nobjectifs : {goals_met} tenu{}, {goals_missed} manqué{}",
            if goals_met > 1 { "s" } else { "" },
            if goals_missed > 1 { "s" } else { "" }
        );
    }
    concurrent::print(&concurrency_rows);
    drop(throwaway);
    let _ = std::fs::remove_dir_all(&workspace);
}

/// Case 8: sixteen people at once.
mod concurrent {
    use std::time::{Duration, Instant};

    use epic_events_core::database;
    use epic_events_core::database::url::DatabaseUrl;
    use epic_events_core::entities::{contract, event};
    use epic_events_core::errors::CoreError;
    use epic_events_core::paging::PageRequest;
    use epic_events_core::scripting::runner::{self, ScriptRun};
    use epic_events_core::services::contract_service::{self, ContractList, NewContract};
    use epic_events_core::services::event_service::{
        self, BulkTarget, EventChanges, NewEvent, SupportUser,
    };
    use epic_events_core::services::{Session, authentication_service, retry};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    const WORKERS: usize = 16;
    /// Contracts paid and events edited: few, so that people meet on them.
    const HOT_RECORDS: usize = 8;

    /// What one backend's run gave.
    pub struct Figures {
        backend: &'static str,
        operations: usize,
        elapsed: Duration,
        latencies: Vec<Duration>,
        retried: u64,
        reported: usize,
        invariants: String,
    }

    fn operations_per_worker() -> usize {
        std::env::var("EPIC_EVENTS_BENCH_OPERATIONS")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(200)
    }

    async fn session(connection: &sea_orm::DatabaseConnection, username: &str) -> Session {
        let keys = epic_events_core::authentication::token::SessionKeys::new(
            epic_events_core::authentication::token::JwtSecret::new(vec![7; 32]).unwrap(),
            chrono::Duration::hours(1),
        );
        let (user, _) = authentication_service::sign_in(
            connection,
            username,
            "demo-epic-events",
            epic_events_api::formatting::Zone::of_this_machine(),
            &keys,
        )
        .await
        .expect("sign-in");
        Session::open(
            connection,
            user,
            epic_events_api::formatting::Zone::of_this_machine(),
        )
        .await
        .expect("session")
    }

    /// Runs the case on `url` (recreated with the demo data) and checks its invariants.
    pub fn measure(backend: &'static str, url: &str) -> Figures {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(backend, url))
    }

    async fn run(backend: &'static str, url: &str) -> Figures {
        let url = DatabaseUrl::new(url).unwrap();
        let connection = epic_events_core::seed::reset(&url)
            .await
            .expect("demo data");
        let manager = session(&connection, "manager1").await;
        let support = session(&connection, "support1").await;
        let sales = session(&connection, "sales2").await;
        let durand = epic_events_core::entities::customer::Entity::find()
            .filter(epic_events_core::entities::customer::Column::CompanyName.eq("Maison Durand"))
            .one(&connection)
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut contracts = Vec::new();
        for _ in 0..HOT_RECORDS {
            let input = NewContract {
                customer_id: durand,
                total_amount: "1000000.00".to_owned(),
                balance_due: None,
                signed: true,
            };
            contracts.push(
                contract_service::create(&connection, &manager, &input)
                    .await
                    .unwrap()
                    .id,
            );
        }
        let mut events = Vec::new();
        for index in 0..HOT_RECORDS {
            let input = NewEvent {
                contract_id: contracts[0],
                event_name: format!("Réunion {index}"),
                start: "2027-01-10T09:00:00Z".to_owned(),
                end: "2027-01-10T12:00:00Z".to_owned(),
                location: "Paris".to_owned(),
                attendees: 20,
                note: String::new(),
            };
            events.push(
                event_service::create(&connection, &sales, &input)
                    .await
                    .unwrap()
                    .id,
            );
        }
        let targets: Vec<BulkTarget> = events.iter().copied().map(BulkTarget::current).collect();
        event_service::assign_support_to_many(
            &connection,
            &manager,
            targets,
            Some(&SupportUser::Login("support1".into())),
        )
        .await
        .unwrap();

        let per_worker = operations_per_worker();
        let retried_before = retry::retried_count();
        let started = Instant::now();
        let mut workers = Vec::new();
        for worker in 0..WORKERS {
            let own = database::connect(&url).await.unwrap();
            let (manager, support) = (manager.clone(), support.clone());
            let (contracts, events) = (contracts.clone(), events.clone());
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_worker);
                let (mut paid, mut edited, mut reported) =
                    (vec![0u32; HOT_RECORDS], vec![0u32; HOT_RECORDS], 0usize);
                for operation in 0..per_worker {
                    let hot = (worker + operation) % HOT_RECORDS;
                    let began = Instant::now();
                    match operation % 8 {
                        // Half reads: a record and a first page, as screens do.
                        0 | 2 | 4 | 6 => {
                            contract_service::detail(&own, &manager, contracts[hot])
                                .await
                                .unwrap();
                            contract_service::list(
                                &own,
                                &manager,
                                ContractList::All,
                                PageRequest::first(20),
                            )
                            .await
                            .unwrap();
                        }
                        // A payment of 1,00 €.
                        1 | 5 => match retry::retrying(|| {
                            contract_service::record_payment(&own, &manager, contracts[hot], "1")
                        })
                        .await
                        {
                            Ok(_) => paid[hot] += 1,
                            Err(error) if error.is_transient() => reported += 1,
                            Err(error) => panic!("payment: {error}"),
                        },
                        // Every eighth operation: an import paying two contracts in one
                        // script run, in an order that differs between workers, so that
                        // runs meet each other's locks (deadlocks on MySQL).
                        7 => {
                            let other = (hot + 1) % HOT_RECORDS;
                            let (first, second) = if worker % 2 == 0 {
                                (hot, other)
                            } else {
                                (other, hot)
                            };
                            let source = format!(
                                "enregistrer_paiement({}, \"1\"); enregistrer_paiement({}, \"1\");",
                                contracts[first], contracts[second]
                            );
                            let run = ScriptRun {
                                source,
                                ..Default::default()
                            };
                            match runner::run(
                                &epic_events_core::handle::Core::over(own.clone()),
                                manager.user.clone(),
                                run,
                                None,
                            )
                            .await
                            {
                                Ok(_) => {
                                    paid[first] += 1;
                                    paid[second] += 1;
                                }
                                Err(failure) if failure.message.contains("réessayez") => {
                                    reported += 1
                                }
                                Err(failure) => panic!("import: {failure}"),
                            }
                        }
                        // An edit of the notes made from the event as read.
                        _ => {
                            let seen = event_service::detail(&own, &support, events[hot])
                                .await
                                .unwrap();
                            let changes = EventChanges {
                                note: Some(format!("note {worker}-{operation}")),
                                ..Default::default()
                            };
                            match retry::retrying(|| {
                                event_service::update(
                                    &own,
                                    &support,
                                    events[hot],
                                    &changes,
                                    Some(&seen),
                                )
                            })
                            .await
                            {
                                Ok(_) => edited[hot] += 1,
                                Err(CoreError::Stale(_)) => reported += 1,
                                Err(error) if error.is_transient() => reported += 1,
                                Err(error) => panic!("edit: {error}"),
                            }
                        }
                    }
                    latencies.push(began.elapsed());
                }
                (latencies, paid, edited, reported)
            }));
        }
        let mut latencies = Vec::new();
        let (mut paid, mut edited, mut reported) =
            (vec![0u32; HOT_RECORDS], vec![0u32; HOT_RECORDS], 0);
        for worker in workers {
            let (own_latencies, own_paid, own_edited, own_reported) = worker.await.unwrap();
            latencies.extend(own_latencies);
            for index in 0..HOT_RECORDS {
                paid[index] += own_paid[index];
                edited[index] += own_edited[index];
            }
            reported += own_reported;
        }
        let elapsed = started.elapsed();
        let retried = retry::retried_count() - retried_before;

        // Nothing lost: every accepted payment is in the balance, every accepted change
        // made one version.
        for (index, id) in contracts.iter().enumerate() {
            let stored = contract::Entity::find_by_id(*id)
                .one(&connection)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                stored.total_amount.0.cents() - stored.balance_due.0.cents(),
                i64::from(paid[index]) * 100,
                "payments on contract {id}"
            );
            assert_eq!(
                stored.version,
                1 + i64::from(paid[index]),
                "versions of contract {id}"
            );
        }
        for (index, id) in events.iter().enumerate() {
            let stored = event::Entity::find_by_id(*id)
                .one(&connection)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                stored.version,
                2 + i64::from(edited[index]),
                "versions of event {id}"
            );
        }
        let payments: u32 = paid.iter().sum();
        let edits: u32 = edited.iter().sum();
        if backend == "MySQL" {
            let name = url.expose().rsplit('/').next().unwrap().to_owned();
            use sea_orm::ConnectionTrait;
            let _ = connection
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                .await;
        }
        latencies.sort_unstable();
        Figures {
            backend,
            operations: latencies.len(),
            elapsed,
            latencies,
            retried,
            reported,
            invariants: format!(
                "vérifiés : {payments} paiements, {edits} modifications, rien de perdu"
            ),
        }
    }

    fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
        let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
        sorted[index].as_secs_f64() * 1000.0
    }

    /// The table of case 8.
    pub fn print(rows: &[Figures]) {
        println!(
            "\n| cas 8 : 16 personnes à la fois | base | opérations | opérations/s | p50 | p95 | conflits réessayés | conflits signalés | invariants |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        for row in rows {
            println!(
                "| lectures, modifications, paiements | {} | {} | {:.0} | {:.1} ms | {:.1} ms | {} | {} | {} |",
                row.backend,
                row.operations,
                row.operations as f64 / row.elapsed.as_secs_f64(),
                percentile(&row.latencies, 0.5),
                percentile(&row.latencies, 0.95),
                row.retried,
                row.reported,
                row.invariants
            );
        }
    }
}

fn tempfile_directory() -> PathBuf {
    let directory = std::env::temp_dir().join(format!("epic-events-bench-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("a working directory");
    directory
}
