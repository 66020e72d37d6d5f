//! The limits of a script run hold whatever the script does — loops inside closures called
//! from built-ins (`map`, `filter`, `sort`, `reduce`), nested, inside `try … catch` — and a
//! run stopped by one releases its locks at once, on both backends.

use crate::support;

use std::time::{Duration, Instant};

use epic_events_core::catalogue::event::NewEvent;
use epic_events_core::scripting::sandbox::ScriptLimits;
use epic_events_core::services::event_service;
use sea_orm::{ConnectionTrait, TransactionTrait};
use support::{Backend, Script, TestDatabase, contract_id, customer_id, snapshot};

/// Scripts that walked around the limits before: each loop runs inside a closure that a
/// built-in calls, where rhai's own operation count is lost and where its error handling
/// let `catch` see the stop.
const CLOSURE_LOOPS: [(&str, &str); 8] = [
    (
        "map, une boucle courte à chaque tour, rattrapée",
        "loop { try { [1].map(|x| { let n = 0; while n < 1000000 { n += 1; } n }) } catch {} }",
    ),
    (
        "map, une boucle sans fin, rattrapée",
        "loop { try { [1].map(|x| { loop { } }) } catch (erreur) { print(erreur); } }",
    ),
    (
        "filter",
        "loop { try { [1, 2].filter(|x| { let n = 0; while n < 100000 { n += 1; } true }) } catch {} }",
    ),
    (
        "sort",
        "loop { try { [3, 1, 2].sort(|a, b| { let n = 0; while n < 100000 { n += 1; } a - b }) } catch {} }",
    ),
    (
        "reduce",
        "loop { try { [1, 2].reduce(|somme, x| { let n = 0; while n < 100000 { n += 1; } somme + x }, 0) } catch {} }",
    ),
    (
        "imbriquées",
        "loop { try { [1].map(|x| [1, 2].map(|y| [1].filter(|z| { let n = 0; while n < 100000 { n += 1; } true }))) } catch {} }",
    ),
    (
        "try dans la fonction appelée",
        "[1].map(|x| { loop { try { [1].map(|y| { loop { } }) } catch {} } })",
    ),
    (
        "rattrapée à la fin du script",
        "try { [1].map(|x| { loop { } }) } catch {} \"fini\"",
    ),
];

async fn closure_loops_stop_at_the_deadline(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let before = snapshot(&database).await;
    // Operations enough that the clock, not the count, stops them.
    let limits = ScriptLimits {
        maximum_operations: u64::MAX,
        ..ScriptLimits::default()
    };
    let manager1 = support::session(&database, "manager1").await.user;
    // All at once: each stops on its own clock.
    let runs = CLOSURE_LOOPS.map(|(name, body)| {
        let database = &database;
        let manager1 = manager1.clone();
        async move {
            let connection = epic_events_core::database::connect(&database.url)
                .await
                .unwrap();
            // Reading only: writers would wait for each other's lock (SQLite's is the
            // whole database's), which `a_stopped_run_releases_its_locks_at_once` tests.
            let source = format!("let contrats = contrats();\n{body}");
            let started = Instant::now();
            let result = Script::new("manager1", source)
                .limits(limits)
                .run_on(&connection, manager1)
                .await;
            (name, started.elapsed(), result)
        }
    });
    for (name, elapsed, result) in futures::future::join_all(runs).await {
        assert!(
            elapsed < limits.deadline + Duration::from_secs(1),
            "{name}: stopped after {elapsed:?}"
        );
        assert_eq!(
            result.failure(),
            "le script a dépassé le temps maximal d'exécution (2 s)",
            "{name}"
        );
        assert_eq!(result.data, "", "{name}: nothing of the run is shown");
    }
    assert_eq!(snapshot(&database).await, before);
}

async fn closure_loops_stop_at_the_operation_limit(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let before = snapshot(&database).await;
    // Time enough that the count, not the clock, stops them.
    let limits = ScriptLimits {
        maximum_operations: 200_000,
        deadline: Duration::from_secs(60),
        ..ScriptLimits::default()
    };
    for (name, body) in CLOSURE_LOOPS {
        let source = format!("signer_contrat({unsigned});\n{body}");
        let result = Script::new("manager1", source)
            .limits(limits)
            .run(&database)
            .await;
        assert_eq!(
            result.failure(),
            "le script a dépassé la limite de 200000 opérations (boucle sans fin ?)",
            "{name}"
        );
    }
    assert_eq!(snapshot(&database).await, before, "nothing written");
}

async fn a_run_stops_at_its_maximum_duration(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let before = snapshot(&database).await;
    let limits = ScriptLimits {
        maximum_operations: u64::MAX,
        deadline: Duration::from_secs(60),
        maximum_duration: Duration::from_secs(1),
        ..ScriptLimits::default()
    };
    let (_, body) = CLOSURE_LOOPS[1];
    let manager1 = support::session(&database, "manager1").await.user;
    let started = Instant::now();
    let result = Script::new("manager1", format!("signer_contrat({unsigned});\n{body}"))
        .limits(limits)
        .run_as(&database, manager1)
        .await;
    // Generous for a loaded machine: far from the 60 s deadline all the same.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        result.failure(),
        "l'exécution a dépassé sa durée maximale (1 s, base de données comprise)"
    );
    assert_eq!(snapshot(&database).await, before, "nothing written");
}

/// A run that wrote, then loops inside closures, holds its locks — the record's row on
/// MySQL, the database's write lock on SQLite, the numbering of events — only until its
/// limit stops it: another person's change of the same record, and their creation of an
/// event, wait for it and then go through, within their lock wait.
async fn a_stopped_run_releases_its_locks_at_once(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let customer = customer_id(&database, "Maison Durand").await;
    let contract = contract_id(&database, "CTR-2026-0002").await;
    let sales2 = support::session(&database, "sales2").await;
    let (_, endless) = CLOSURE_LOOPS[1];
    let source = format!(
        "modifier_client({customer}, #{{ nom: \"Pendant le script\" }});\n\
         creer_evenement(#{{ contrat: {contract}, nom: \"Pendant le script\", debut: \"01/06/2030 10:00\", \
         fin: \"01/06/2030 12:00\", lieu: \"Lyon\", participants: 10 }});\n{endless}"
    );
    let limits = ScriptLimits {
        maximum_operations: u64::MAX,
        ..ScriptLimits::default()
    };
    let started = Instant::now();
    let run = {
        let script = Script::new("sales2", source).limits(limits);
        let database = &database;
        let user = sales2.user.clone();
        async move { script.run_as(database, user).await }
    };
    // Other people: connections of their own.
    let (first, second) = (
        epic_events_core::database::connect(&database.url)
            .await
            .unwrap(),
        epic_events_core::database::connect(&database.url)
            .await
            .unwrap(),
    );
    let others = async {
        // The script holds its locks by now.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let change = async {
            first
                .execute_raw(sea_orm::Statement::from_sql_and_values(
                    first.get_database_backend(),
                    match backend {
                        Backend::MySql => "UPDATE customer SET customer_last_name = ? WHERE id = ?",
                        Backend::Sqlite => {
                            "UPDATE customer SET customer_last_name = ?1 WHERE id = ?2"
                        }
                    },
                    ["Après le script".into(), customer.into()],
                ))
                .await
                .expect("the other change goes through once the run is stopped");
            started.elapsed()
        };
        let creation = async {
            event_service::create(
                &second,
                &sales2,
                &NewEvent {
                    contract_id: contract,
                    event_name: "Créé pendant le script".to_owned(),
                    start: "02/06/2030 10:00".to_owned(),
                    end: "02/06/2030 12:00".to_owned(),
                    location: "Nantes".to_owned(),
                    attendees: 5,
                    note: String::new(),
                },
            )
            .await
            .expect("the other creation goes through once the run is stopped");
            started.elapsed()
        };
        tokio::join!(change, creation)
    };
    let (result, (changed_at, created_at)) = tokio::join!(run, others);
    assert_eq!(
        result.failure(),
        "le script a dépassé le temps maximal d'exécution (2 s)"
    );
    // Before their own lock wait (5 s, from 0.7 s) would have given up, with room for a
    // loaded machine.
    let limit = ScriptLimits::default().deadline + Duration::from_secs(3);
    for (what, at) in [("change", changed_at), ("creation", created_at)] {
        assert!(
            at > Duration::from_millis(1500),
            "the {what} waited for the run's lock: {at:?}"
        );
        assert!(at < limit, "the {what} went through at {at:?}");
    }
    let after = snapshot(&database).await;
    let stored = after
        .customers
        .iter()
        .find(|row| row.id == customer)
        .unwrap();
    assert_eq!(stored.customer_last_name, "Après le script");
    let names: Vec<&str> = after
        .events
        .iter()
        .map(|row| row.event_name.as_str())
        .collect();
    assert!(names.contains(&"Créé pendant le script"), "{names:?}");
    assert!(!names.contains(&"Pendant le script"), "{names:?}");
}

/// A change the core refuses leaves no lock behind, even in a run that catches the refusal
/// and goes on: another person's change of those records goes through while the run goes
/// on, not once it is over.
///
/// Told by what the database answers, not by a stopwatch: the other person waits at most
/// one second for a lock, and the run goes on for seconds after its refusals, so a held
/// lock fails their change however slow the machine is, and a free one lets it through.
async fn a_refused_change_leaves_no_lock(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let durand = customer_id(&database, "Maison Durand").await;
    let contract = contract_id(&database, "CTR-2026-0002").await;
    // sales3 is not Maison Durand's sales user.
    let sales3 = support::session(&database, "sales3").await.user;
    let (_, endless) = CLOSURE_LOOPS[1];
    let source = format!(
        "let refus = 0;\n\
         try {{ enregistrer_paiement({contract}, \"1\") }} catch {{ refus += 1 }}\n\
         try {{ enregistrer_paiements([#{{numero: \"CTR-2026-0002\", montant: \"1\"}}]) }} catch {{ refus += 1 }}\n\
         try {{ modifier_client({durand}, #{{nom: \"Pris\"}}) }} catch {{ refus += 1 }}\n\
         try {{ supprimer_client({durand}) }} catch {{ refus += 1 }}\n\
         if refus != 4 {{ throw `${{refus}} refus` }}\n{endless}"
    );
    let limits = ScriptLimits {
        maximum_operations: u64::MAX,
        deadline: Duration::from_secs(5),
        ..ScriptLimits::default()
    };
    let script_connection = epic_events_core::database::connect(&database.url)
        .await
        .unwrap();
    let other = epic_events_core::database::connect(&database.url)
        .await
        .unwrap();
    let run_over = std::sync::atomic::AtomicBool::new(false);
    let run = async {
        let result = Script::new("sales3", source)
            .limits(limits)
            .run_on(&script_connection, sales3)
            .await;
        run_over.store(true, std::sync::atomic::Ordering::SeqCst);
        result
    };
    let others = async {
        // The four refusals take milliseconds; the run then loops for five seconds.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let transaction = other.begin().await.unwrap();
        transaction
            .execute_unprepared(match backend {
                Backend::MySql => "SET SESSION innodb_lock_wait_timeout = 1",
                Backend::Sqlite => "PRAGMA busy_timeout = 1000",
            })
            .await
            .unwrap();
        for sql in [
            format!("UPDATE contract SET signed = signed WHERE id = {contract}"),
            format!("UPDATE customer SET customer_last_name = 'Durand' WHERE id = {durand}"),
        ] {
            if let Err(error) = transaction.execute_unprepared(&sql).await {
                panic!("the other change waited for a lock the run held: {error}");
            }
        }
        transaction.commit().await.unwrap();
        run_over.load(std::sync::atomic::Ordering::SeqCst)
    };
    let (result, run_was_over) = tokio::join!(run, others);
    assert!(
        !run_was_over,
        "the other changes went through only once the run was over"
    );
    assert_eq!(
        result.failure(),
        "le script a dépassé le temps maximal d'exécution (5 s)"
    );
}

/// The product's functions count the work they do for a script against its operation
/// limit: a loop of calls that each do much (listing, writing a table, reading a file)
/// meets the limit as a loop of operations would; and a run reads at most one file's worth.
async fn the_products_functions_count_their_work(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let limits = ScriptLimits {
        maximum_operations: 5_000,
        deadline: Duration::from_secs(60),
        ..ScriptLimits::default()
    };
    let result = Script::new("manager1", "loop { afficher(contrats()) }")
        .limits(limits)
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "le script a dépassé la limite de 5000 opérations (boucle sans fin ?)"
    );
    assert_eq!(result.data, "", "nothing of the run is shown");

    // Files of 64 Kio at most, and 64 Kio in all.
    let limits = ScriptLimits {
        maximum_string_size: 1024,
        ..ScriptLimits::default()
    };
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("lignes.csv");
    let mut text = String::from("numero;montant\n");
    while text.len() < 40 * 1024 {
        text.push_str("CTR-2026-0001;1\n");
    }
    std::fs::write(&file, text).unwrap();
    let once = Script::new("manager1", "lire_csv(parametres.fichier).len()")
        .parameter("fichier", file.display().to_string())
        .limits(limits)
        .run(&database)
        .await;
    once.success();
    let twice = Script::new(
        "manager1",
        "let a = lire_csv(parametres.fichier); let b = lire_csv(parametres.fichier);",
    )
    .parameter("fichier", file.display().to_string())
    .limits(limits)
    .run(&database)
    .await;
    assert_eq!(
        twice.failure(),
        "lire_csv : un script lit au plus 64 Kio de fichiers en tout"
    );
}

/// A run whose thread waits in a call into the core (another person holds the record
/// it pays) when its maximum duration passes: the watchdog stops it from outside the
/// engine, the run is not tried again as a conflict would be, and it ends once that call's
/// own bound (the lock wait) is over — its work taken back and rolled back.
///
/// MySQL only: on SQLite no call waits inside a run (a transaction that has read gets
/// « busy » at once when it meets another writer, and the run starts again waiting for
/// the lock before its script runs: `concurrency.rs` tests that).
async fn a_run_waiting_in_the_core_stops_at_its_maximum_duration() {
    let database = TestDatabase::with_demo_data(Backend::MySql).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let held = contract_id(&database, "CTR-2026-0002").await;
    let before = snapshot(&database).await;
    let manager1 = support::session(&database, "manager1").await.user;
    let limits = ScriptLimits {
        maximum_duration: Duration::from_secs(1),
        ..ScriptLimits::default()
    };
    let (_holder, transaction) = support::hold_contract(&database, held).await;
    let script_connection = epic_events_core::database::connect(&database.url)
        .await
        .unwrap();
    let started = Instant::now();
    let result = Script::new(
        "manager1",
        format!("signer_contrat({unsigned});\nenregistrer_paiement({held}, \"10\");"),
    )
    .limits(limits)
    .run_on(&script_connection, manager1)
    .await;
    let elapsed = started.elapsed();
    transaction.rollback().await.unwrap();
    assert_eq!(
        result.failure(),
        "l'exécution a dépassé sa durée maximale (1 s, base de données comprise)"
    );
    let lock_wait = epic_events_core::database::limits::lock_wait();
    assert!(
        elapsed < lock_wait + Duration::from_secs(2),
        "ended with the call's own bound: {elapsed:?}"
    );
    assert_eq!(snapshot(&database).await, before, "nothing written");
}

test_on_both_backends!(the_products_functions_count_their_work);

test_on_both_backends!(
    slow: closure_loops_stop_at_the_deadline,
    closure_loops_stop_at_the_operation_limit,
    a_run_stops_at_its_maximum_duration,
    a_stopped_run_releases_its_locks_at_once,
    a_refused_change_leaves_no_lock,
);

test_on_mysql!(slow: a_run_waiting_in_the_core_stops_at_its_maximum_duration);
