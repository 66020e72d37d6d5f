//! `epic-events executer` and `epic-events aide` through the binary: results on standard
//! output, messages on standard error, exit status, and the database afterwards.

use crate::support;

use support::{TestDatabase, event_supports, run_binary, run_binary_in};

fn scripts_directory() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts")
}

#[test]
fn help_lists_every_function_in_french_without_signing_in() {
    let help = run_binary(None, &["aide"], "");
    assert!(help.success, "{help:?}");
    for expected in [
        "Fonctions des scripts rhai",
        "creer_client(#{prenom, nom, email, telephone, entreprise})",
        "evenements_sans_support(#{lieu, du, au, apres, limite})",
        "enregistrer_paiement(id, montant)",
        "modifications_attendues(nombre)",
        "Contrat",
        "reste_a_payer",
    ] {
        assert!(
            help.stdout.contains(expected),
            "{expected}:\n{}",
            help.stdout
        );
    }
    let usage = run_binary(None, &["executer", "--help"], "");
    assert!(usage.stdout.contains("--simulation"), "{usage:?}");
    assert!(usage.stdout.contains("CLÉ=VALEUR"), "{usage:?}");
}

async fn scripts_run_as_the_signed_in_user(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let run =
        |arguments: &[&str]| run_binary_in(Some(&database.url), directory.path(), arguments, "");
    let assign = scripts_directory()
        .join("assigner_support.rhai")
        .display()
        .to_string();

    let without_session = run(&["executer", &assign, "support=support1", "tous=oui"]);
    assert_eq!(without_session.code, Some(1), "{without_session:?}");
    assert!(
        without_session.stderr.contains("reconnectez-vous"),
        "{without_session:?}"
    );

    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    let before = event_supports(&database).await;

    let simulation = run(&[
        "executer",
        &assign,
        "--simulation",
        "support=support1",
        "tous=oui",
        // The past events too: what is chosen does not depend on today's date.
        "passes=oui",
        "--format",
        "csv",
    ]);
    assert!(simulation.success, "{simulation:?}");
    assert!(
        simulation
            .stdout
            .starts_with("numero,debut,nom,client,lieu,support\nEVT-2026-0001,"),
        "{simulation:?}"
    );
    assert!(
        simulation.stderr.contains("Simulation : rien n'a été enregistré. Le script aurait :\n- modifié 2 évènements : EVT-2026-0001, EVT-2026-0004"),
        "{simulation:?}"
    );
    assert_eq!(event_supports(&database).await, before);

    let mismatch = run(&[
        "executer",
        &assign,
        "support=support1",
        "tous=oui",
        // The past events too: what is chosen does not depend on today's date.
        "passes=oui",
        "attendu=3",
    ]);
    assert_eq!(mismatch.code, Some(1), "{mismatch:?}");
    assert_eq!(
        mismatch.stderr,
        "Erreur : le script s'est arrêté : le script devait modifier 3 enregistrements mais en modifie 2 ; rien n'a été enregistré\n"
    );
    assert_eq!(event_supports(&database).await, before);

    let done = run(&[
        "executer",
        &assign,
        "support=support1",
        "tous=oui",
        // The past events too: what is chosen does not depend on today's date.
        "passes=oui",
        "attendu=2",
        "--format",
        "json",
    ]);
    assert!(done.success, "{done:?}");
    let assigned: serde_json::Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(assigned.as_array().unwrap().len(), 2);
    assert_eq!(assigned[0]["support"], "Inès Fontaine");
    assert_eq!(
        done.stderr,
        "Évènements sans support, passés compris\nEnregistré :\n- modifié 2 évènements : EVT-2026-0001, EVT-2026-0004\n"
    );
    assert!(
        event_supports(&database)
            .await
            .iter()
            .all(|(_, support)| support.is_some())
    );
}

async fn script_mistakes_are_french_and_change_nothing(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let run =
        |arguments: &[&str]| run_binary_in(Some(&database.url), directory.path(), arguments, "");
    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "sales2"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");

    let script = directory.path().join("essai.rhai");
    std::fs::write(&script, "let c = mes_contrats_non_payes();\nafficher(c, [\"numero\", \"reste_a_payer\"]);\nsupprimer_contrat(c[0].id);\n").unwrap();
    let refused = run(&["executer", script.to_str().unwrap()]);
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert_eq!(
        refused.stdout, "",
        "a run that stops shows no result: {refused:?}"
    );
    assert_eq!(
        refused.stderr,
        "Erreur : le script s'est arrêté : action refusée : le rôle commercial ne permet pas de supprimer ce contrat (ligne 3) ; rien n'a été enregistré\n"
    );

    std::fs::write(&script, "let x = ;").unwrap();
    let syntax = run(&["executer", script.to_str().unwrap()]);
    assert_eq!(syntax.code, Some(1));
    assert_eq!(
        syntax.stderr,
        "Erreur : le script s'est arrêté : erreur de syntaxe dans le script (ligne 1) ; rien n'a été enregistré\n"
    );

    let missing = run(&["executer", "absent.rhai"]);
    assert_eq!(missing.code, Some(1));
    assert_eq!(
        missing.stderr,
        "Erreur : impossible de lire le script « absent.rhai » (fichier introuvable)\n"
    );

    let bad_parameter = run(&["executer", script.to_str().unwrap(), "sans-egal"]);
    assert_eq!(bad_parameter.code, Some(2), "{bad_parameter:?}");
    assert!(
        bad_parameter.stderr.contains("sans-egal"),
        "{bad_parameter:?}"
    );
}

test_on_both_backends!(
    scripts_run_as_the_signed_in_user,
    script_mistakes_are_french_and_change_nothing
);

/// Runs `command` with its standard output closed before it writes anything, as
/// `epic-events … | head -0` would.
fn run_with_closed_output(mut command: std::process::Command) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::Stdio;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped standard error")
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn a_closed_pipe_ends_help_normally() {
    let directory = tempfile::tempdir().unwrap();
    let (code, stderr) =
        run_with_closed_output(support::binary_command(None, directory.path(), &["aide"]));
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
}

async fn a_closed_pipe_ends_a_script_normally(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    let script = directory.path().join("beaucoup.rhai");
    std::fs::write(
        &script,
        "let lignes = []; for i in 0..20000 { lignes.push(i) } lignes",
    )
    .unwrap();
    let script = script.display().to_string();
    let command = support::binary_command(
        Some(&database.url),
        directory.path(),
        &["executer", &script, "--format", "csv"],
    );
    let (code, stderr) = run_with_closed_output(command);
    assert_eq!(
        (code, stderr.as_str()),
        (Some(0), ""),
        "the reader went away: a normal end"
    );
}

test_on_both_backends!(a_closed_pipe_ends_a_script_normally);

/// `--format tableur` writes an Excel workbook with typed cells — amounts as numbers in
/// euros, dates as dates in the person's zone, `oui`/`non` —, French headers and no
/// internal id; `--format csv-tableur` the same for a French spreadsheet's CSV (`;`, a byte
/// order mark, decimal commas, local dates). A workbook is refused at a terminal.
async fn exports_open_in_a_french_spreadsheet(backend: crate::support::Backend) {
    use calamine::{Data, DataType, Reader};
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    let script = directory.path().join("export.rhai");
    std::fs::write(&script, "exporter_contrats();").unwrap();
    let script = script.display().to_string();
    let workbook_path = directory.path().join("contrats.xlsx");
    let written = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[
            "executer",
            &script,
            "--format",
            "tableur",
            "--sortie",
            &workbook_path.display().to_string(),
        ],
        "",
    );
    assert!(written.success, "{written:?}");
    assert!(written.stdout.is_empty(), "{written:?}");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&workbook_path).unwrap();
    let sheet = workbook.worksheet_range("Résultat 1").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert!(headers.contains(&"Numéro".to_owned()), "{headers:?}");
    assert!(headers.contains(&"Reste à payer".to_owned()), "{headers:?}");
    assert!(
        !headers
            .iter()
            .any(|header| header == "Id" || header.ends_with(" id")),
        "no internal id: {headers:?}"
    );
    assert_eq!(rows.len(), 7, "a header and six contracts");
    let column = |name: &str| headers.iter().position(|header| header == name).unwrap();
    let second = rows
        .iter()
        .find(|row| row[column("Numéro")] == Data::String("CTR-2026-0002".into()))
        .unwrap();
    assert_eq!(second[column("Reste à payer")], Data::Float(3250.5));
    assert_eq!(second[column("Signé")], Data::String("oui".into()));
    let created = &second[column("Créé le")];
    assert!(created.is_datetime(), "{created:?}");

    let csv = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["executer", &script, "--format", "csv-tableur"],
        "",
    );
    assert!(csv.success, "{csv:?}");
    assert!(csv.stdout.starts_with('\u{feff}'), "{:?}", csv.stdout);
    let header = csv.stdout.lines().next().unwrap();
    assert!(header.contains(";Reste à payer;"), "{header}");
    assert!(!header.contains("id"), "{header}");
    let line = csv
        .stdout
        .lines()
        .find(|line| line.starts_with("CTR-2026-0002;"))
        .unwrap();
    assert!(line.contains(";3250,50;"), "{line}");
    assert!(line.contains(";oui;"), "{line}");
    // Dates in the person's zone (the tests' programs run in UTC), the French way.
    assert!(
        line.split(';')
            .any(|cell| cell.len() == 16 && cell.as_bytes()[2] == b'/'),
        "{line}"
    );
}

test_on_both_backends!(exports_open_in_a_french_spreadsheet);

/// What a manager exports for a French spreadsheet (`--format csv-tableur`: a byte order
/// mark, `;`, « Numéro », decimal commas) is read back by the payment import as it is:
/// every balance exported as paid leaves nothing to pay.
async fn french_csv_round_trips_through_the_payment_import(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    let export = directory.path().join("export.rhai");
    std::fs::write(
        &export,
        "afficher(contrats().filter(|contrat| contrat.reste_a_payer > 0)\
         .map(|contrat| #{numero: contrat.numero, montant: contrat.reste_a_payer}));",
    )
    .unwrap();
    let payments = directory.path().join("paiements.csv");
    let exported = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[
            "executer",
            &export.display().to_string(),
            "--format",
            "csv-tableur",
            "--sortie",
            &payments.display().to_string(),
        ],
        "",
    );
    assert!(exported.success, "{exported:?}");
    let written = std::fs::read_to_string(&payments).unwrap();
    assert!(
        written.starts_with("\u{feff}Montant;Numéro\n"),
        "{written:?}"
    );
    assert!(written.contains("3250,50;CTR-2026-0002\n"), "{written:?}");
    let import = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/importer_paiements.rhai")
        .display()
        .to_string();
    let imported = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[
            "executer",
            &import,
            &format!("fichier={}", payments.display()),
            "attendu=3",
        ],
        "",
    );
    assert!(imported.success, "{imported:?}");
    let check = directory.path().join("check.rhai");
    std::fs::write(
        &check,
        "contrats().filter(|contrat| contrat.reste_a_payer > 0).len()",
    )
    .unwrap();
    let left = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["executer", &check.display().to_string()],
        "",
    );
    assert_eq!(left.stdout.trim(), "0", "{left:?}");
}

test_on_both_backends!(french_csv_round_trips_through_the_payment_import);
