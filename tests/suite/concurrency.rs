//! Several people at once (SPEC §12): real concurrent writers — separate connections, or
//! separate `epic-events` processes — with the invariants checked afterwards; a second
//! connection holding a lock while a script or a shell action runs; a deadlock provoked on
//! purpose; SQLite writers queuing; a MySQL server that stops answering.

use crate::support;

use std::time::{Duration, Instant};

use epic_events_core::database;
use epic_events_core::entities::{contract, event};
use epic_events_core::errors::CoreError;
use epic_events_core::repositories::begin_write;
use epic_events_core::scripting::output::OutputFormat;
use epic_events_core::services::contract_service::{
    self, ContractChanges, ContractRow, NewContract,
};
use epic_events_core::services::event_service::{self, EventChanges, EventRow, NewEvent};
use epic_events_core::services::{Session, retry};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};
use support::{
    Backend, BinaryOutput, Script, TestDatabase, binary_command, chosen_client, client_over,
    customer_id, hold_contract, run_binary_in, run_command, session, sign_in,
};

/// How many writers run at once in these tests.
const WRITERS: usize = 16;

/// `count` connections of their own to `database`, as separate people would have.
async fn connections(database: &TestDatabase, count: usize) -> Vec<DatabaseConnection> {
    let mut connections = Vec::with_capacity(count);
    for _ in 0..count {
        connections.push(database::connect(&database.url).await.expect("connect"));
    }
    connections
}

/// A contract of `total` for Maison Durand by manager1, fully due.
async fn new_contract(database: &TestDatabase, total: &str, signed: bool) -> ContractRow {
    let manager1 = session(database, "manager1").await;
    let input = NewContract {
        customer_id: customer_id(database, "Maison Durand").await,
        total_amount: total.to_owned(),
        balance_due: None,
        signed,
    };
    contract_service::create(&database.connection, &manager1, &input)
        .await
        .expect("contract created")
}

/// An event without support for the signed contract `contract_id`, by sales2.
async fn new_event(database: &TestDatabase, contract_id: i32, name: &str) -> EventRow {
    let sales2 = session(database, "sales2").await;
    let input = NewEvent {
        contract_id,
        event_name: name.to_owned(),
        start: "2027-03-01T18:00:00Z".to_owned(),
        end: "2027-03-01T23:00:00Z".to_owned(),
        location: "Lyon".to_owned(),
        attendees: 80,
        note: String::new(),
    };
    event_service::create(&database.connection, &sales2, &input)
        .await
        .expect("event created")
}

/// The contract's row as stored now.
async fn stored_contract(database: &TestDatabase, id: i32) -> contract::Model {
    contract::Entity::find_by_id(id)
        .one(&database.connection)
        .await
        .unwrap()
        .expect("the contract exists")
}

/// Cents of a stored amount.
fn cents(amount: impl Into<epic_events_core::money::Money>) -> i64 {
    amount.into().cents()
}

/// Runs `source` as `session`'s user on `connection`, in one transaction, as `executer`
/// does: (outcome, results written).
async fn run_script(
    connection: &DatabaseConnection,
    session: &Session,
    source: &str,
    parameters: &[(&str, &str)],
) -> (
    Result<epic_events_api::scripts::ScriptOutcome, epic_events_api::scripts::ScriptFailure>,
    String,
) {
    let mut script = Script::new(&session.user.username, source).format(OutputFormat::Json);
    for (key, value) in parameters {
        script = script.parameter(key, *value);
    }
    let result = script.run_on(connection, session.user.clone()).await;
    (result.outcome, result.data)
}

/// Signs `username` in for the binary in `directory`.
fn sign_in_binary(database: &TestDatabase, directory: &std::path::Path, username: &str) {
    let signed_in = run_binary_in(
        Some(&database.url),
        directory,
        &["connexion", "--utilisateur", username],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
}

/// Runs the binary in `directory` (signed in there) with extra environment variables.
fn run_binary_with(
    database: &TestDatabase,
    directory: &std::path::Path,
    arguments: &[&str],
    environment: &[(&str, &str)],
    input: &str,
) -> BinaryOutput {
    let mut command = binary_command(Some(&database.url), directory, arguments);
    command.envs(environment.iter().copied());
    run_command(command, input)
}

/// The shell of the binary, driven line by line while the test acts in between.
struct LiveShell {
    child: std::process::Child,
    input: Option<std::process::ChildStdin>,
    screen: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl LiveShell {
    fn start(
        database: &TestDatabase,
        directory: &std::path::Path,
        environment: &[(&str, &str)],
    ) -> Self {
        use std::io::Read;
        use std::process::Stdio;
        let mut command = binary_command(Some(&database.url), directory, &[]);
        // Screens and messages (on standard error when piped) together, in order.
        let (mut output, writer) = std::io::pipe().expect("a pipe");
        command
            .envs(environment.iter().copied())
            .stdin(Stdio::piped())
            .stdout(writer.try_clone().expect("the pipe's writer"))
            .stderr(writer);
        let mut child = command.spawn().expect("the shell starts");
        drop(command);
        let input = child.stdin.take().unwrap();
        let screen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let shared = std::sync::Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read) = output.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                shared
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        });
        Self {
            child,
            input: Some(input),
            screen,
            reader: Some(reader),
        }
    }

    fn type_lines(&mut self, lines: &[&str]) {
        use std::io::Write;
        let input = self.input.as_mut().unwrap();
        for line in lines {
            writeln!(input, "{line}").unwrap();
        }
        input.flush().unwrap();
    }

    fn screen(&self) -> String {
        self.screen.lock().unwrap().clone()
    }

    /// Waits until the screen shows `text` `count` times in all.
    fn wait_for(&self, text: &str, count: usize) {
        let started = Instant::now();
        while self.screen().matches(text).count() < count {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the screen never showed {text:?} {count} times:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Closes the input and waits for the end: the whole screen.
    fn finish(mut self) -> String {
        drop(self.input.take());
        let status = self.child.wait().unwrap();
        self.reader.take().unwrap().join().unwrap();
        // Piped, the shell's exit status says whether it showed an error.
        let screen = self.screen();
        assert_eq!(status.success(), !screen.contains("Erreur : "), "{screen}");
        screen
    }
}

/// Through the API, as the shell records a payment: each writer its own connection (its
/// own process, in a team); the core retries the conflicts.
async fn concurrent_payments_add_up_and_never_overpay(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let client = chosen_client();
    let token = sign_in(
        client_over(&database.connection, client).as_ref(),
        "manager1",
    )
    .await;
    // The writers, each with its connection (and its server, through a server), for every
    // round.
    let mut writers = Vec::with_capacity(WRITERS);
    for connection in connections(&database, WRITERS).await {
        writers.push(client_over(&connection, client));
    }
    for (total, payment, payment_cents, accepted) in [
        ("100.00", "10", 1000, 10),
        ("100.00", "60", 6000, 1),
        ("100.00", "7,50", 750, 13),
    ] {
        let contract = new_contract(&database, total, true).await;
        let mut workers = Vec::new();
        for crm in &writers {
            let crm = std::sync::Arc::clone(crm);
            let token = token.clone();
            let payment = payment.to_owned();
            workers.push(tokio::spawn(async move {
                crm.record_payment(&token, contract.id, payment).await
            }));
        }
        let mut paid = 0;
        for worker in workers {
            match worker.await.unwrap() {
                Ok(_) => paid += 1,
                Err(error) if error.code == epic_events_api::ErrorCode::Validation => {
                    assert_eq!(error.field.as_deref(), Some("montant payé"));
                    assert!(
                        error.message.contains("dépasse le reste à payer"),
                        "{error}"
                    );
                }
                Err(other) => panic!("a payment failed otherwise than by the balance: {other}"),
            }
        }
        let stored = stored_contract(&database, contract.id).await;

        assert_eq!(paid, accepted, "payments of {payment} on {total}");
        assert_eq!(
            cents(stored.total_amount) - cents(stored.balance_due),
            paid as i64 * payment_cents,
            "the accepted payments add up exactly to what was paid"
        );
        assert!(cents(stored.balance_due) >= 0);
        assert_eq!(stored.version, 1 + paid as i64, "one version per payment");
    }
}

/// Two servers on one database, as behind a load balancer: a session opened on one is
/// good on the other; payments sent to both at once add up and never overpay; a sign-out
/// on one ends the session on the other.
async fn two_servers_on_one_database_agree(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let mut servers = Vec::new();
    for connection in connections(&database, 2).await {
        servers.push(client_over(&connection, support::Client::Server));
    }
    let token = sign_in(servers[0].as_ref(), "manager1").await;
    let seen = servers[1]
        .session(&token)
        .await
        .expect("the session is good on the other server");
    assert_eq!(seen.user.username, "manager1");

    let contract = new_contract(&database, "100.00", true).await;
    let mut workers = Vec::new();
    for writer in 0..WRITERS {
        let crm = std::sync::Arc::clone(&servers[writer % 2]);
        let token = token.clone();
        workers.push(tokio::spawn(async move {
            crm.record_payment(&token, contract.id, "10".into()).await
        }));
    }
    let mut paid = 0;
    for worker in workers {
        match worker.await.unwrap() {
            Ok(_) => paid += 1,
            Err(error) => assert!(
                error.message.contains("dépasse le reste à payer"),
                "a payment failed otherwise than by the balance: {error}"
            ),
        }
    }
    assert_eq!(paid, 10);
    let stored = stored_contract(&database, contract.id).await;
    assert_eq!(cents(stored.balance_due), 0);
    assert_eq!(stored.version, 11, "one version per payment");

    servers[1].sign_out(&token).await.unwrap();
    let refused = servers[0]
        .session(&token)
        .await
        .expect_err("signed out on the other server");
    assert!(
        matches!(refused.code, epic_events_api::ErrorCode::SessionInvalid(_)),
        "{refused:?}"
    );
}

test_on_both_backends!(two_servers_on_one_database_agree);

/// Two imports of a file of payments (each a few locked statements per thousand lines) and
/// single payments, on the same contract at the same time: every one is kept, each import
/// whole, and they add up exactly to the contract's balance.
async fn imports_and_single_payments_at_once_add_up(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = new_contract(&database, "100.00", true).await;
    let manager1 = session(&database, "manager1").await;
    let directory = tempfile::tempdir().unwrap();
    // 800 payments of 0,05 €: 40 € per import.
    let file = directory.path().join("paiements.csv");
    let mut lines = String::from("numero;montant\n");
    for _ in 0..800 {
        lines.push_str(&format!("{};0,05\n", contract.contract_number));
    }
    std::fs::write(&file, lines).unwrap();
    let file = file.display().to_string();
    let source = "enregistrer_paiements(lire_csv(parametres.fichier)).len()";
    let connections = connections(&database, 3).await;
    let import = |connection: &DatabaseConnection| {
        let connection = connection.clone();
        let session = manager1.clone();
        let file = file.clone();
        tokio::spawn(async move {
            run_script(&connection, &session, source, &[("fichier", &file)])
                .await
                .0
        })
    };
    let (first, second) = (import(&connections[0]), import(&connections[1]));
    // Ten payments of 2 € meanwhile: 20 €.
    let singles = {
        let connection = connections[2].clone();
        let session = manager1.clone();
        let id = contract.id;
        tokio::spawn(async move {
            for _ in 0..10 {
                retry::retrying(|| {
                    contract_service::record_payment(&connection, &session, id, "2")
                })
                .await
                .expect("a single payment is kept");
            }
        })
    };
    for import in [first, second] {
        let outcome = import.await.unwrap();
        outcome.expect("each import is kept whole");
    }
    singles.await.unwrap();
    let stored = stored_contract(&database, contract.id).await;
    assert_eq!(
        cents(stored.balance_due),
        0,
        "40 + 40 + 20 = 100, nothing lost"
    );
    assert_eq!(
        stored.version,
        1 + 2 + 10,
        "one version per import and per payment"
    );
}

async fn payments_from_separate_processes_add_up(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = new_contract(&database, "100.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    sign_in_binary(&database, directory.path(), "manager1");
    let script = directory.path().join("paiement.rhai");
    std::fs::write(
        &script,
        "enregistrer_paiement(parse_int(parametres.contrat), \"10\");",
    )
    .unwrap();
    let contract_parameter = format!("contrat={}", contract.id);
    let runs: Vec<_> = (0..WRITERS)
        .map(|_| {
            let arguments = [
                "executer".to_owned(),
                script.display().to_string(),
                contract_parameter.clone(),
            ];
            let directory = directory.path().to_owned();
            let url = database.url.clone();
            std::thread::spawn(move || {
                let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
                run_binary_in(Some(&url), &directory, &arguments, "")
            })
        })
        .collect();
    let outputs: Vec<BinaryOutput> = runs.into_iter().map(|run| run.join().unwrap()).collect();
    let succeeded = outputs.iter().filter(|output| output.success).count();
    for output in outputs.iter().filter(|output| !output.success) {
        assert!(
            output.stderr.contains("dépasse le reste à payer"),
            "{output:?}"
        );
    }
    for output in outputs.iter().filter(|output| output.success) {
        assert!(output.stderr.starts_with("Enregistré :"), "{output:?}");
    }
    let stored = stored_contract(&database, contract.id).await;
    assert_eq!(succeeded, 10, "ten payments of 10 fit a balance of 100");
    assert_eq!(cents(stored.balance_due), 0);
}

async fn a_signature_and_a_payment_at_once_are_both_kept(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let sales2 = session(&database, "sales2").await;
    for _ in 0..8 {
        let contract = new_contract(&database, "100.00", false).await;
        let [signer, payer]: [DatabaseConnection; 2] =
            connections(&database, 2).await.try_into().unwrap();
        let (signing, paying) = (manager1.clone(), sales2.clone());
        let sign = tokio::spawn(async move {
            let changes = ContractChanges {
                signed: Some(true),
                ..Default::default()
            };
            retry::retrying(|| {
                contract_service::update(&signer, &signing, contract.id, &changes, None)
            })
            .await
        });
        let pay = tokio::spawn(async move {
            retry::retrying(|| contract_service::record_payment(&payer, &paying, contract.id, "30"))
                .await
        });
        sign.await.unwrap().expect("signed");
        pay.await.unwrap().expect("paid");
        let stored = stored_contract(&database, contract.id).await;
        assert!(stored.signed, "the signature is kept");
        assert_eq!(cents(stored.balance_due), 7000, "the payment is kept");
        assert_eq!(stored.version, 3);
    }
}

/// Two people change the name and the location of one event at once, from the same
/// screen: both changes are kept, and so is the search text both of them rewrite.
async fn two_people_editing_different_fields_both_keep_their_change(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let support1 = session(&database, "support1").await;
    let gala = support::event_id(&database, "EVT-2026-0002").await;
    for round in 0..8 {
        let seen = event_service::detail(&database.connection, &support1, gala)
            .await
            .unwrap();
        let [first, second]: [DatabaseConnection; 2] =
            connections(&database, 2).await.try_into().unwrap();
        let (location, name) = (format!("Salle {round}"), format!("Gala {round}"));
        let (seen_first, seen_second) = (seen.clone(), seen.clone());
        let (session_first, session_second) = (support1.clone(), support1.clone());
        let location_change = EventChanges {
            location: Some(location.clone()),
            ..Default::default()
        };
        let name_change = EventChanges {
            event_name: Some(name.clone()),
            ..Default::default()
        };
        let by_first = tokio::spawn(async move {
            retry::retrying(|| {
                event_service::update(
                    &first,
                    &session_first,
                    gala,
                    &location_change,
                    Some(&seen_first),
                )
            })
            .await
        });
        let by_second = tokio::spawn(async move {
            retry::retrying(|| {
                event_service::update(
                    &second,
                    &session_second,
                    gala,
                    &name_change,
                    Some(&seen_second),
                )
            })
            .await
        });
        by_first.await.unwrap().expect("the location is saved");
        by_second.await.unwrap().expect("the name is saved");
        let stored = event::Entity::find_by_id(gala)
            .one(&database.connection)
            .await
            .unwrap()
            .unwrap();
        // The search text (made of both fields, written by each change under the row's
        // lock) holds both changes too.
        assert_eq!(
            stored.search_text,
            format!("gala {round} salle {round}"),
            "round {round}"
        );
        assert_eq!((stored.location, stored.event_name), (location, name));
    }
}

async fn two_people_editing_the_same_field_the_second_is_refused(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let manager2 = session(&database, "manager2").await;
    let contract = new_contract(&database, "1000.00", true).await;

    // Read by both; changed by manager2 first; manager1's change from the old reading
    // is refused, saying who and when, and writes nothing.
    let seen = contract_service::detail(&database.connection, &manager1, contract.id)
        .await
        .unwrap();
    let changes = |balance: &str| ContractChanges {
        balance_due: Some(balance.to_owned()),
        ..Default::default()
    };
    contract_service::update(
        &database.connection,
        &manager2,
        contract.id,
        &changes("900"),
        Some(&seen),
    )
    .await
    .unwrap();
    let refused = contract_service::update(
        &database.connection,
        &manager1,
        contract.id,
        &changes("800"),
        Some(&seen),
    )
    .await;
    let message = refused.unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "le contrat {} a été modifié par Julien Roux le ",
            contract.contract_number
        )),
        "{message}"
    );
    assert!(message.ends_with("depuis que vous l'avez lu ; rien n'a été enregistré : relisez-le et refaites votre modification"), "{message}");
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        90000
    );

    // Sixteen people change it at once from the same reading: one wins, the others are
    // told, nothing is lost silently.
    let seen = contract_service::detail(&database.connection, &manager1, contract.id)
        .await
        .unwrap();
    let mut workers = Vec::new();
    for (index, connection) in connections(&database, WRITERS)
        .await
        .into_iter()
        .enumerate()
    {
        let (session, seen) = (manager1.clone(), seen.clone());
        let wanted = changes(&format!("{}", 100 + index));
        workers.push(tokio::spawn(async move {
            let saved = retry::retrying(|| {
                contract_service::update(&connection, &session, seen.id, &wanted, Some(&seen))
            })
            .await;
            (100 + index, saved)
        }));
    }
    let mut winners = Vec::new();
    for worker in workers {
        match worker.await.unwrap() {
            (value, Ok(_)) => winners.push(value),
            (_, Err(CoreError::Stale(stale))) => {
                assert_eq!(stale.changed_by.as_deref(), Some("Nathalie Girard"))
            }
            (_, Err(other)) => panic!("refused otherwise than as stale: {other}"),
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "exactly one change from the same reading is kept"
    );
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        winners[0] as i64 * 100
    );
}

async fn two_bulk_assignments_over_the_same_events_assign_each_once(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = new_contract(&database, "5000.00", true).await;
    for index in 0..12 {
        new_event(&database, contract.id, &format!("Atelier {index}")).await;
    }
    let manager1 = session(&database, "manager1").await;
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/assigner_support.rhai"
    ))
    .unwrap();
    let unassigned = |database: &TestDatabase| {
        let connection = database.connection.clone();
        async move {
            event::Entity::find()
                .all(&connection)
                .await
                .unwrap()
                .into_iter()
                .filter(|event| event.user_support_id.is_none())
                .count()
        }
    };
    let expected = unassigned(&database).await;
    assert_eq!(
        expected, 14,
        "12 new events and 2 of the demo data without support"
    );

    // With the expected count: one run assigns them all, the other finds them taken and
    // writes nothing.
    let expected_text = expected.to_string();
    let [first, second]: [DatabaseConnection; 2] =
        connections(&database, 2).await.try_into().unwrap();
    let (script_first, script_second) = (script.clone(), script.clone());
    let (session_first, session_second) = (manager1.clone(), manager1.clone());
    let (count_first, count_second) = (expected_text.clone(), expected_text.clone());
    let runs = [
        tokio::spawn(async move {
            run_script(
                &first,
                &session_first,
                &script_first,
                &[
                    ("support", "support1"),
                    ("tous", "oui"),
                    ("attendu", &count_first),
                ],
            )
            .await
        }),
        tokio::spawn(async move {
            run_script(
                &second,
                &session_second,
                &script_second,
                &[
                    ("support", "support2"),
                    ("tous", "oui"),
                    ("attendu", &count_second),
                ],
            )
            .await
        }),
    ];
    let mut outcomes = Vec::new();
    for run in runs {
        outcomes.push(run.await.unwrap());
    }
    let succeeded: Vec<usize> = (0..2).filter(|index| outcomes[*index].0.is_ok()).collect();
    assert_eq!(succeeded.len(), 1, "{outcomes:?}");
    let winner = succeeded[0];
    let loser = &outcomes[1 - winner];
    assert_eq!(
        loser.0.as_ref().unwrap_err().message,
        format!("le script devait modifier {expected} enregistrements mais en modifie 0")
    );
    assert_eq!(loser.1, "", "a stopped run shows no result");
    let winner_support = support::user_id(&database, ["support1", "support2"][winner]).await;
    let events = event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&database.connection)
        .await
        .unwrap();
    let assigned_now = events
        .iter()
        .filter(|event| event.user_support_id == Some(winner_support))
        .count();
    assert!(
        assigned_now >= expected,
        "every event is assigned, by the winner"
    );
    assert_eq!(unassigned(&database).await, 0);

    // Without it: both runs succeed, and the counts they report add up to the events
    // there were, each assigned once.
    let more = new_contract(&database, "5000.00", true).await;
    for index in 0..12 {
        new_event(&database, more.id, &format!("Séminaire {index}")).await;
    }
    let [first, second]: [DatabaseConnection; 2] =
        connections(&database, 2).await.try_into().unwrap();
    let (script_first, script_second) = (script.clone(), script.clone());
    let (session_first, session_second) = (manager1.clone(), manager1.clone());
    let runs = [
        tokio::spawn(async move {
            run_script(
                &first,
                &session_first,
                &script_first,
                &[("support", "support1"), ("tous", "oui")],
            )
            .await
        }),
        tokio::spawn(async move {
            run_script(
                &second,
                &session_second,
                &script_second,
                &[("support", "support2"), ("tous", "oui")],
            )
            .await
        }),
    ];
    let mut reported = 0;
    for run in runs {
        let (outcome, _) = run.await.unwrap();
        reported += outcome.expect("both runs succeed").changes.len();
    }
    assert_eq!(reported, 12, "the counts reported are true");
    assert_eq!(unassigned(&database).await, 0);
}

async fn twenty_runs_creating_two_records_each_take_distinct_numbers(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let sales2 = session(&database, "sales2").await;
    let durand = customer_id(&database, "Maison Durand").await;
    let signed = new_contract(&database, "9000.00", true).await;
    let contracts_script = format!(
        "creer_contrat(#{{client: {durand}, montant_total: \"100\"}}); creer_contrat(#{{client: {durand}, montant_total: \"200\"}});"
    );
    let events_script = format!(
        "for nom in [\"A\", \"B\"] {{ creer_evenement(#{{contrat: {}, nom: nom, debut: \"2027-05-01T10:00:00Z\", fin: \"2027-05-01T12:00:00Z\", lieu: \"Nantes\", participants: 10}}); }}",
        signed.id
    );
    let mut runs = Vec::new();
    for (index, connection) in connections(&database, 40).await.into_iter().enumerate() {
        let (session, script) = if index % 2 == 0 {
            (manager1.clone(), contracts_script.clone())
        } else {
            (sales2.clone(), events_script.clone())
        };
        runs.push(tokio::spawn(async move {
            run_script(&connection, &session, &script, &[]).await.0
        }));
    }
    for run in runs {
        let outcome = run.await.unwrap().expect("every creation succeeds");
        assert_eq!(outcome.changes.len(), 2);
    }
    let contracts = contract::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    let events = event::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    assert_eq!(contracts.len(), 6 + 1 + 40);
    assert_eq!(events.len(), 4 + 40);
    let mut contract_numbers: Vec<&str> = contracts
        .iter()
        .map(|row| row.contract_number.as_str())
        .collect();
    contract_numbers.sort_unstable();
    contract_numbers.dedup();
    assert_eq!(
        contract_numbers.len(),
        contracts.len(),
        "distinct contract numbers"
    );
    let mut event_numbers: Vec<&str> = events.iter().map(|row| row.event_number.as_str()).collect();
    event_numbers.sort_unstable();
    event_numbers.dedup();
    assert_eq!(event_numbers.len(), events.len(), "distinct event numbers");
}

async fn a_script_waits_for_a_held_lock_and_reads_the_row_as_locked(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let contract = new_contract(&database, "100.00", true).await;
    let (_holder, transaction) = hold_contract(&database, contract.id).await;
    let script_connection = database::connect(&database.url).await.unwrap();
    let script_session = manager1.clone();
    let source = format!(
        "let contrat = enregistrer_paiement({}, \"20\"); contrat.reste_a_payer",
        contract.id
    );
    let started = Instant::now();
    let run =
        tokio::spawn(
            async move { run_script(&script_connection, &script_session, &source, &[]).await },
        );
    // The other person pays 10 while holding the lock for 2 s, then commits.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!run.is_finished(), "the script waits for the lock");
    contract_service::record_payment(&transaction, &manager1, contract.id, "10")
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    let (outcome, data) = run.await.unwrap();
    outcome.expect("the script's payment is saved after the wait");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(
        data.trim(),
        "\"70.00\"",
        "the script read the balance after both payments"
    );
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        7000,
        "no payment lost"
    );
}

/// The assignment of support1 to `targets` by `session`, started on a connection of its
/// own, as another person's.
async fn spawn_bulk_assignment(
    database: &TestDatabase,
    session: &Session,
    targets: Vec<event_service::BulkTarget>,
) -> tokio::task::JoinHandle<Result<event_service::BulkAssignment, CoreError>> {
    let connection = database::connect(&database.url).await.unwrap();
    let session = session.clone();
    tokio::spawn(async move {
        event_service::assign_support_to_many(
            &connection,
            &session,
            targets,
            Some(&event_service::SupportUser::Login("support1".into())),
        )
        .await
    })
}

/// Each of `rows`, as a bulk assignment answered it, is the event as stored now.
async fn assert_answered_as_stored(database: &TestDatabase, rows: &[&EventRow]) {
    for row in rows {
        let stored = epic_events_core::repositories::event_repository::find(
            &database.connection,
            row.id,
            false,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(**row, stored, "answered as stored: {}", row.event_name);
    }
}

/// A bulk assignment meeting an event another person holds (their change under way) waits
/// for it, then keeps their change: the rows it answers — made from its locked reading and
/// its own statements, not read again — are the rows stored, the other change included.
/// The events are given as read before (as a script gives its list: the held one changes
/// meanwhile, so its reading is stale and it is read again; the other is still as read)
/// and by number only.
async fn a_bulk_assignment_waits_for_a_held_event_and_answers_the_rows_as_stored(
    backend: crate::support::Backend,
) {
    use epic_events_core::services::event_service::BulkTarget;
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let contract = new_contract(&database, "100.00", true).await;
    let held = new_event(&database, contract.id, "Tenu").await;
    let free = new_event(&database, contract.id, "Libre").await;
    let read = new_event(&database, contract.id, "Lu").await;
    let holder = database::connect(&database.url).await.unwrap();
    let transaction = begin_write(&holder).await.unwrap();
    let lock = match backend {
        Backend::MySql => format!("SELECT id FROM event WHERE id = {} FOR UPDATE", held.id),
        Backend::Sqlite => format!(
            "UPDATE event SET updated_at = updated_at WHERE id = {}",
            held.id
        ),
    };
    transaction.execute_unprepared(&lock).await.unwrap();
    let targets = vec![
        BulkTarget::seen(held.clone()),
        BulkTarget::current(free.id),
        BulkTarget::seen(read.clone()),
    ];
    let started = Instant::now();
    let bulk = spawn_bulk_assignment(&database, &manager1, targets).await;
    // The other person changes the held event's notes, holding it for 2 s, then commits.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !bulk.is_finished(),
        "the assignment waits for the held event"
    );
    transaction
        .execute_unprepared(&format!(
            "UPDATE event SET note = 'note de l''autre', version = version + 1 WHERE id = {}",
            held.id
        ))
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    let assigned = bulk
        .await
        .unwrap()
        .expect("assigned after the wait")
        .assigned;
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(assigned.len(), 3);
    assert_answered_as_stored(&database, &assigned.iter().collect::<Vec<_>>()).await;
    let held_now = assigned.iter().find(|row| row.id == held.id).unwrap();
    assert_eq!(held_now.note, "note de l'autre", "the other change is kept");
    assert_eq!(held_now.version, held.version + 2, "both changes counted");
    assert_eq!(
        held_now.support_last_name.as_deref(),
        Some("Fontaine"),
        "the support's name with the row"
    );
}

/// Events all given as read, all without support, as a script gives its list: while the
/// assignment waits, another person changes the notes of one and gives another a support
/// of their own. The assignment changes the first from its new version, leaves the second
/// to its new support, changes the third as read, and answers the rows as stored: each
/// event's version moved once per change kept.
async fn a_bulk_assignment_of_events_as_read_keeps_what_changed_meanwhile(
    backend: crate::support::Backend,
) {
    use epic_events_core::services::event_service::BulkTarget;
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let contract = new_contract(&database, "100.00", true).await;
    let noted = new_event(&database, contract.id, "Annoté").await;
    let taken = new_event(&database, contract.id, "Pris").await;
    let read = new_event(&database, contract.id, "Lu").await;
    let other_support = support::user_id(&database, "support2").await;
    let holder = database::connect(&database.url).await.unwrap();
    let transaction = begin_write(&holder).await.unwrap();
    transaction
        .execute_unprepared(&format!(
            "UPDATE event SET note = 'note de l''autre', version = version + 1 WHERE id = {}",
            noted.id
        ))
        .await
        .unwrap();
    transaction
        .execute_unprepared(&format!(
            "UPDATE event SET user_support_id = {other_support}, version = version + 1 \
             WHERE id = {}",
            taken.id
        ))
        .await
        .unwrap();
    let targets = vec![
        BulkTarget::seen(noted.clone()),
        BulkTarget::seen(taken.clone()),
        BulkTarget::seen(read.clone()),
    ];
    let bulk = spawn_bulk_assignment(&database, &manager1, targets).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!bulk.is_finished(), "the assignment waits for the changes");
    transaction.commit().await.unwrap();
    let outcome = bulk.await.unwrap().expect("assigned after the wait");
    let ids = |rows: &[EventRow]| rows.iter().map(|row| row.id).collect::<Vec<_>>();
    assert_eq!(ids(&outcome.assigned), vec![noted.id, read.id]);
    assert_eq!(ids(&outcome.taken), vec![taken.id]);
    assert_answered_as_stored(
        &database,
        &outcome
            .assigned
            .iter()
            .chain(&outcome.taken)
            .collect::<Vec<_>>(),
    )
    .await;
    let [noted_now, read_now] = [&outcome.assigned[0], &outcome.assigned[1]];
    assert_eq!(
        noted_now.note, "note de l'autre",
        "the other change is kept"
    );
    assert_eq!(
        noted_now.version,
        noted.version + 2,
        "two changes, two versions"
    );
    assert_eq!(
        read_now.version,
        read.version + 1,
        "one change, one version"
    );
    assert_eq!(read_now.support_last_name.as_deref(), Some("Fontaine"));
    let taken_now = &outcome.taken[0];
    assert_eq!(
        taken_now.user_support_id,
        Some(other_support),
        "left to its support"
    );
    assert_eq!(
        taken_now.version,
        taken.version + 1,
        "not changed by the assignment"
    );
}

async fn a_shell_payment_waits_for_a_held_lock_and_nothing_is_lost(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager2 = session(&database, "manager2").await;
    let contract = new_contract(&database, "100.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    let mut shell = LiveShell::start(&database, directory.path(), &[]);
    let id = contract.id.to_string();
    shell.type_lines(&["1", "manager1", "demo-epic-events", "3", "6", &id, "6"]);
    shell.wait_for("Montant reçu", 1);
    shell.type_lines(&["20"]);
    shell.wait_for("Tapez « oui » pour confirmer", 1);
    let (_holder, transaction) = hold_contract(&database, contract.id).await;
    shell.type_lines(&["oui"]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !shell.screen().contains("Paiement de 20,00 € enregistré"),
        "the shell waits for the lock"
    );
    contract_service::record_payment(&transaction, &manager2, contract.id, "10")
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    // The receipt says what is left now, both payments made.
    shell.wait_for("Paiement de 20,00 € enregistré : reste 70,00 € à payer.", 1);
    shell.type_lines(&["0", "0", "99", "2"]);
    let screen = shell.finish();
    assert!(
        screen.contains("Reste à payer  : 70,00"),
        "the screen shows both payments:\n{screen}"
    );
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        7000
    );
}

async fn a_lock_held_past_every_retry_ends_in_french_and_writes_nothing(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = new_contract(&database, "100.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    sign_in_binary(&database, directory.path(), "manager1");
    let script = directory.path().join("paiement.rhai");
    std::fs::write(
        &script,
        format!("enregistrer_paiement({}, \"20\");", contract.id),
    )
    .unwrap();
    let (_holder, transaction) = hold_contract(&database, contract.id).await;
    let started = Instant::now();
    let output = tokio::task::block_in_place(|| {
        run_binary_with(
            &database,
            directory.path(),
            &["executer", script.to_str().unwrap()],
            &[("EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS", "2")],
            "",
        )
    });
    let waited = started.elapsed();
    transaction.rollback().await.unwrap();
    assert_eq!(output.code, Some(1), "{output:?}");
    let expected = match backend {
        Backend::MySql => {
            "la fiche est en cours de modification par quelqu'un d'autre ; réessayez dans un instant"
        }
        Backend::Sqlite => {
            "base occupée : quelqu'un d'autre enregistre en ce moment ; réessayez dans un instant"
        }
    };
    assert_eq!(
        output.stderr,
        format!("Erreur : le script s'est arrêté : {expected} ; rien n'a été enregistré\n"),
        "{output:?}"
    );
    assert!(waited < Duration::from_secs(30), "bounded: {waited:?}");
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        10000,
        "nothing written"
    );
}

async fn a_conflict_caught_inside_a_closure_still_stops_the_run(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let held = new_contract(&database, "100.00", true).await;
    let free = new_contract(&database, "100.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    sign_in_binary(&database, directory.path(), "manager1");
    let script = directory.path().join("rattrape.rhai");
    // The conflict is raised inside a closure, where rhai lets `catch` take it: the run
    // must still end without committing the payment made before.
    std::fs::write(
        &script,
        format!(
            "enregistrer_paiement({}, \"5\");\ntry {{ [1].map(|x| enregistrer_paiement({}, \"20\")); }} catch (erreur) {{ print(`rattrapé : ${{erreur}}`); }}\n\"fini\"",
            free.id, held.id
        ),
    )
    .unwrap();
    let (_holder, transaction) = hold_contract(&database, held.id).await;
    let output = tokio::task::block_in_place(|| {
        run_binary_with(
            &database,
            directory.path(),
            &["executer", script.to_str().unwrap()],
            &[("EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS", "2")],
            "",
        )
    });
    transaction.rollback().await.unwrap();
    assert_eq!(output.code, Some(1), "{output:?}");
    assert!(
        output
            .stderr
            .contains("réessayez dans un instant ; rien n'a été enregistré"),
        "{output:?}"
    );
    assert_eq!(output.stdout, "", "nothing of the run left it: {output:?}");
    assert_eq!(
        cents(stored_contract(&database, free.id).await.balance_due),
        10000,
        "the earlier payment was not committed"
    );
    assert_eq!(
        cents(stored_contract(&database, held.id).await.balance_due),
        10000
    );
}

async fn a_support_user_being_assigned_keeps_their_role_until_the_assignment_ends(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let manager2 = session(&database, "manager2").await;
    let input = epic_events_core::services::user_service::NewUserInput {
        first_name: "Zoé".into(),
        last_name: "Garnier".into(),
        email: "zoe.garnier@epic-events.fr".into(),
        phone_number: "+33 6 30 00 00 09".into(),
        username: "support9".into(),
        password: "un-mot-de-passe-solide".into(),
    };
    let newcomer = epic_events_core::services::user_service::create(
        &database.connection,
        &manager1,
        &input,
        epic_events_core::permissions::Role::Support,
    )
    .await
    .unwrap();
    let gala = support::event_id(&database, "EVT-2026-0001").await;
    // One manager assigns the newcomer to an event and has not committed yet…
    let holder = database::connect(&database.url).await.unwrap();
    let transaction = begin_write(&holder).await.unwrap();
    let assignment = EventChanges {
        support: Some(Some(
            epic_events_core::services::event_service::SupportUser::Login("support9".into()),
        )),
        ..Default::default()
    };
    event_service::update(&transaction, &manager2, gala, &assignment, None)
        .await
        .unwrap();
    // …while another makes them a sales person: that waits for the assignment, then
    // sees it and refuses.
    let other = database::connect(&database.url).await.unwrap();
    let session_other = manager1.clone();
    let role_change = tokio::spawn(async move {
        let changes = epic_events_core::services::user_service::UserChanges {
            role: Some(epic_events_core::permissions::Role::Sales),
            ..Default::default()
        };
        retry::retrying(|| {
            epic_events_core::services::user_service::update(
                &other,
                &session_other,
                newcomer.id,
                &changes,
                None,
            )
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !role_change.is_finished(),
        "the role change waits for the assignment"
    );
    transaction.commit().await.unwrap();
    let refused = role_change.await.unwrap().unwrap_err();
    assert_eq!(
        refused.to_string(),
        "le rôle de support9 ne peut pas changer : 1 évènement lui est rattaché"
    );
    let stored = event::Entity::find_by_id(gala)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user_support_id, Some(newcomer.id));
}

async fn the_shell_keeps_the_session_and_the_typed_value_through_a_busy_database(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = new_contract(&database, "100.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    let mut shell = LiveShell::start(
        &database,
        directory.path(),
        &[("EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS", "2")],
    );
    let id = contract.id.to_string();
    shell.type_lines(&["1", "manager1", "demo-epic-events", "3", "6", &id, "6"]);
    shell.wait_for("Montant reçu", 1);
    shell.type_lines(&["20"]);
    shell.wait_for("Tapez « oui » pour confirmer", 1);
    let (_holder, transaction) = hold_contract(&database, contract.id).await;
    shell.type_lines(&["oui"]);
    shell.wait_for("Réessayer avec la même saisie ?", 1);
    transaction.rollback().await.unwrap();
    shell.type_lines(&["oui"]);
    shell.wait_for("Paiement de 20,00 € enregistré : reste 80,00 € à payer.", 1);
    shell.type_lines(&["0", "0", "99", "2"]);
    let screen = shell.finish();
    let busy = match backend {
        Backend::MySql => {
            "Erreur : la fiche est en cours de modification par quelqu'un d'autre ; réessayez dans un instant"
        }
        Backend::Sqlite => {
            "Erreur : base occupée : quelqu'un d'autre enregistre en ce moment ; réessayez dans un instant"
        }
    };
    assert!(screen.contains(busy), "{screen}");
    assert_eq!(
        screen.matches("\nAccueil\n").count(),
        2,
        "signed out only when asked:\n{screen}"
    );
    assert!(screen.contains("Vous êtes déconnecté."), "{screen}");
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        8000,
        "the value typed before is saved"
    );
}

async fn the_shell_refuses_a_change_made_from_an_outdated_screen_and_shows_it_again(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager2 = session(&database, "manager2").await;
    let contract = new_contract(&database, "1000.00", true).await;
    let directory = tempfile::tempdir().unwrap();
    let mut shell = LiveShell::start(&database, directory.path(), &[]);
    let id = contract.id.to_string();
    shell.type_lines(&["1", "manager1", "demo-epic-events", "3", "6", &id, "1", "2"]);
    shell.wait_for("Nouvelle valeur pour « reste à payer »", 1);
    // Someone else changes the balance while this screen shows 1 000,00 €.
    let changes = ContractChanges {
        balance_due: Some("400".into()),
        ..Default::default()
    };
    contract_service::update(&database.connection, &manager2, contract.id, &changes, None)
        .await
        .unwrap();
    shell.type_lines(&["500"]);
    shell.wait_for("refaites votre modification", 1);
    shell.wait_for("Champ à modifier", 2);
    shell.type_lines(&["0", "0", "0", "99", "2"]);
    let screen = shell.finish();
    let refusal = format!(
        "Erreur : le contrat {} a été modifié par Julien Roux le ",
        contract.contract_number
    );
    assert!(screen.contains(&refusal), "{screen}");
    let after = &screen[screen.find(&refusal).unwrap()..];
    assert!(
        after.contains("Reste à payer  : 400,00"),
        "the screen shows the new value:\n{after}"
    );
    assert!(!screen.contains("Modification enregistrée."));
    assert_eq!(
        cents(stored_contract(&database, contract.id).await.balance_due),
        40000,
        "the other change is kept"
    );
}

test_on_both_backends!(and_through_json: concurrent_payments_add_up_and_never_overpay);
test_on_both_backends!(
    payments_from_separate_processes_add_up,
    a_signature_and_a_payment_at_once_are_both_kept,
    two_people_editing_different_fields_both_keep_their_change,
    two_people_editing_the_same_field_the_second_is_refused,
    two_bulk_assignments_over_the_same_events_assign_each_once,
    twenty_runs_creating_two_records_each_take_distinct_numbers,
    a_script_waits_for_a_held_lock_and_reads_the_row_as_locked,
    a_bulk_assignment_waits_for_a_held_event_and_answers_the_rows_as_stored,
    a_bulk_assignment_of_events_as_read_keeps_what_changed_meanwhile,
    a_shell_payment_waits_for_a_held_lock_and_nothing_is_lost,
    a_support_user_being_assigned_keeps_their_role_until_the_assignment_ends,
    the_shell_refuses_a_change_made_from_an_outdated_screen_and_shows_it_again,
);
test_on_both_backends!(imports_and_single_payments_at_once_add_up);

test_on_both_backends!(
    slow:
    a_lock_held_past_every_retry_ends_in_french_and_writes_nothing,
    a_conflict_caught_inside_a_closure_still_stops_the_run,
    the_shell_keeps_the_session_and_the_typed_value_through_a_busy_database,
);

mod deadlock {
    use super::*;

    /// A deadlock between a script run and another connection: the script, the lighter
    /// transaction, is chosen as the victim; its run is retried as a whole and succeeds,
    /// each payment applied once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(mysql_tests),
        ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
    )]
    async fn mysql() {
        support::require_mysql();
        let database = TestDatabase::with_demo_data(Backend::MySql).await;
        let manager1 = session(&database, "manager1").await;
        let first = new_contract(&database, "100.00", true).await;
        let second = new_contract(&database, "100.00", true).await;
        let retried_before = retry::retried_count();

        // The other person changes the first contract and many rows besides (a heavier
        // transaction), and keeps the lock.
        let holder = database::connect(&database.url).await.unwrap();
        let transaction = holder.begin().await.unwrap();
        transaction
            .execute_unprepared(&format!(
                "UPDATE contract SET balance_due = balance_due - 5 WHERE id = {}",
                first.id
            ))
            .await
            .unwrap();
        transaction
            .execute_unprepared("UPDATE customer SET updated_at = updated_at + INTERVAL 1 SECOND")
            .await
            .unwrap();
        transaction
            .execute_unprepared("UPDATE user SET updated_at = updated_at + INTERVAL 1 SECOND")
            .await
            .unwrap();

        // The script pays the second contract, then the first (where it waits).
        let script_connection = database::connect(&database.url).await.unwrap();
        let source = format!(
            "enregistrer_paiement({}, \"20\"); enregistrer_paiement({}, \"30\");",
            second.id, first.id
        );
        let run =
            tokio::spawn(
                async move { run_script(&script_connection, &manager1, &source, &[]).await },
            );
        tokio::time::sleep(Duration::from_millis(800)).await;
        // Now the other person wants the second contract: a deadlock.
        transaction
            .execute_unprepared(&format!(
                "UPDATE contract SET balance_due = balance_due - 7 WHERE id = {}",
                second.id
            ))
            .await
            .expect("the other person's transaction survives: the script is the victim");
        transaction.commit().await.unwrap();
        let (outcome, _) = run.await.unwrap();
        outcome.expect("the script succeeds after its retry");
        assert!(
            retry::retried_count() > retried_before,
            "the run was retried"
        );
        assert_eq!(
            cents(stored_contract(&database, first.id).await.balance_due),
            10000 - 500 - 3000
        );
        assert_eq!(
            cents(stored_contract(&database, second.id).await.balance_due),
            10000 - 700 - 2000
        );
    }
}

mod stopped_server {
    //! A MySQL server that stops answering (SIGSTOP) in the middle of a script run: the run
    //! ends with a French message within the documented bound, nothing written. The server
    //! is a throwaway MariaDB started for this test, never the shared one.

    use super::*;
    use crate::support::throwaway_mariadb::ThrowawayMariadb;
    use std::process::{Command, Stdio};

    /// A throwaway MariaDB this test may stop and let go on.
    struct ThrowawayServer(ThrowawayMariadb);

    impl ThrowawayServer {
        fn start() -> Option<Self> {
            let parent = std::env::temp_dir();
            let Some(server) = ThrowawayMariadb::start(&parent, "32M") else {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI must have MariaDB's server binaries for this test"
                );
                return None;
            };
            Some(Self(server))
        }

        fn port(&self) -> u16 {
            self.0.port
        }

        fn signal(&self, signal: &str) {
            let sent = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(self.0.process_id().to_string())
                .status()
                .unwrap();
            assert!(sent.success());
        }
    }

    /// Waits until the number of connections using the database `epic_events` meets `wanted`.
    async fn wait_for_connections(observer: &DatabaseConnection, wanted: impl Fn(i64) -> bool) {
        let started = Instant::now();
        loop {
            let count = observer
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::MySql,
                    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = 'epic_events'",
                ))
                .await
                .unwrap()
                .and_then(|row| row.try_get::<i64>("", "n").ok())
                .unwrap_or(0);
            if wanted(count) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "connections to epic_events: {count}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    mod slow {
        use super::*;

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[cfg_attr(
            not(mysql_tests),
            ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
        )]
        async fn mysql() {
            support::require_mysql();
            let Some(server) = ThrowawayServer::start() else {
                eprintln!("no MariaDB server binary: skipped");
                return;
            };
            let url = epic_events_core::database::url::DatabaseUrl::new(format!(
                "mysql://root@127.0.0.1:{}/epic_events",
                server.port()
            ))
            .unwrap();
            let directory = tempfile::tempdir().unwrap();
            let reset = run_binary_in(
                Some(&url),
                directory.path(),
                &["base", "reinitialiser", "--oui"],
                "",
            );
            assert!(reset.success, "{reset:?}");
            let signed_in = run_binary_in(
                Some(&url),
                directory.path(),
                &["connexion", "--utilisateur", "manager1"],
                "demo-epic-events\n",
            );
            assert!(signed_in.success, "{signed_in:?}");
            let script = directory.path().join("long.rhai");
            // A payment, then reading until the server stops answering.
            std::fs::write(&script, "enregistrer_paiement(2, \"50\");\nlet n = 0;\nwhile n < 1000000 { contrats(); n += 1; }\n").unwrap();

            // Nobody else is connected to the database when the run starts.
            let observer = database::connect(
                &epic_events_core::database::url::DatabaseUrl::new(format!(
                    "mysql://root@127.0.0.1:{}",
                    server.port()
                ))
                .unwrap(),
            )
            .await
            .unwrap();
            wait_for_connections(&observer, |count| count == 0).await;
            let child = binary_command(
                Some(&url),
                directory.path(),
                &["executer", script.to_str().unwrap()],
            )
            .env("EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            // Stop the server once the run is under way: its connection is open on the
            // database (then give it a moment to record its payment and start reading).
            wait_for_connections(&observer, |count| count > 0).await;
            tokio::time::sleep(Duration::from_millis(700)).await;
            server.signal("STOP");
            let stopped_at = Instant::now();
            let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
                .await
                .unwrap();
            let waited = stopped_at.elapsed();
            server.signal("CONT");
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_eq!(output.status.code(), Some(1), "{stderr}");
            assert_eq!(
                stderr,
                "Erreur : le script s'est arrêté : base injoignable : la base de données ne répond pas ; réessayez dans un instant ; rien n'a été enregistré\n"
            );
            // The documented bound: a call waits at most the statement bound plus a lock wait
            // (2 + 1 s here), and the rollback as much again.
            assert!(
                waited < Duration::from_secs(12),
                "ended {waited:?} after the server stopped"
            );
            assert!(output.stdout.is_empty(), "nothing of the run left it");

            let connection = database::connect(&url).await.unwrap();
            let stored = contract::Entity::find_by_id(2)
                .one(&connection)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                stored.balance_due.to_string(),
                "3250.50",
                "the payment was not committed"
            );
        }
    }
}
