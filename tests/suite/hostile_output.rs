//! Text written straight into the database by another tool — escape sequences, BEL, C1
//! controls, direction overrides, cells that look like formulas — never reaches an output
//! as it is: not a shell screen, not a script's table, CSV or JSON (checked on the bytes).

use crate::support;

use epic_events_core::scripting::output::OutputFormat;
use sea_orm::{ConnectionTrait, Statement};
use support::{Script, TestDatabase, customer_id, run_shell_in};

/// The company name another tool stored: a window-title escape, BEL, a C1 CSI, and a
/// right-to-left override.
const HOSTILE_COMPANY: &str = "Maison \u{1b}]0;piège\u{7} \u{9b}31m \u{202e}dnaruD";
/// A first name that a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://exemple.invalid\",\"Paul\")";

/// Whether `bytes` hold any of the hostile characters: ESC, BEL, C1 CSI (UTF-8 `C2 9B`), or
/// RIGHT-TO-LEFT OVERRIDE (UTF-8 `E2 80 AE`).
fn hostile_bytes(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    if bytes.contains(&0x1b) {
        found.push("ESC");
    }
    if bytes.contains(&0x07) {
        found.push("BEL");
    }
    if bytes.windows(2).any(|pair| pair == [0xc2, 0x9b]) {
        found.push("CSI");
    }
    if bytes.windows(3).any(|triple| triple == [0xe2, 0x80, 0xae]) {
        found.push("RLO");
    }
    found
}

async fn stored_hostile_text_never_reaches_an_output(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let durand = customer_id(&database, "Maison Durand").await;
    database
        .connection
        .execute_raw(Statement::from_sql_and_values(
            database.connection.get_database_backend(),
            "UPDATE customer SET company_name = ?, customer_first_name = ? WHERE id = ?",
            [HOSTILE_COMPANY.into(), FORMULA.into(), durand.into()],
        ))
        .await
        .unwrap();

    for format in [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::SpreadsheetCsv,
        OutputFormat::Json,
    ] {
        let run = Script::new(
            "sales2",
            format!("print(client({durand}).entreprise); mes_clients()"),
        )
        .format(format)
        .run(&database)
        .await;
        run.success();
        for (stream, text) in [("data", &run.data), ("messages", &run.messages)] {
            assert_eq!(
                hostile_bytes(text.as_bytes()),
                Vec::<&str>::new(),
                "{format:?} {stream}: {text}"
            );
        }
        match format {
            OutputFormat::Csv => {
                assert!(run.data.contains("'=HYPERLINK"), "{}", run.data);
                assert!(!run.data.contains(",=HYPERLINK"), "{}", run.data);
            }
            OutputFormat::Json => {
                // The same value for a JSON reader, escaped.
                assert!(run.data.contains("\\u001b]0;"), "{}", run.data);
                assert!(run.data.contains("\\u202e"), "{}", run.data);
                assert!(run.data.contains("\\u009b"), "{}", run.data);
                let parsed: serde_json::Value = serde_json::from_str(&run.data).unwrap();
                assert!(
                    parsed
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|row| row["entreprise"] == HOSTILE_COMPANY),
                    "{parsed}"
                );
            }
            OutputFormat::SpreadsheetCsv => {
                assert!(run.data.contains("'=HYPERLINK"), "{}", run.data);
                assert!(!run.data.contains(";=HYPERLINK"), "{}", run.data);
            }
            OutputFormat::Table => assert!(run.data.contains("Maison �]0;piège� �31m �dnaruD")),
            // A workbook's bytes are not text: checked by `exports_open_in_a_french_spreadsheet`.
            OutputFormat::Spreadsheet => {}
        }
    }

    // The shell: the list and the customer's screen.
    let directory = tempfile::tempdir().unwrap();
    let id = durand.to_string();
    let input = [
        "1",
        "sales2",
        "demo-epic-events",
        "2",
        "2",
        "0",
        "6",
        &id,
        "0",
        "0",
        "99",
        "2",
    ]
    .join("\n")
        + "\n";
    let output = run_shell_in(Some(&database.url), directory.path(), &[], &input);
    assert!(output.success, "{output:?}");
    assert!(output.stdout.contains("Client n°"), "{}", output.stdout);
    assert_eq!(
        hostile_bytes(output.stdout.as_bytes()),
        Vec::<&str>::new(),
        "{}",
        output.stdout
    );
}

test_on_both_backends!(stored_hostile_text_never_reaches_an_output);

/// A line of bytes that are not UTF-8, typed at a menu and in a form: refused, asked
/// again, and the session carries on.
async fn a_line_that_is_not_text_is_asked_again(backend: crate::support::Backend) {
    use std::io::Write;
    use std::process::Stdio;
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let mut command = support::binary_command(Some(&database.url), directory.path(), &[]);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input: Vec<u8> = b"1\nsales2\ndemo-epic-events\n".to_vec();
    // At the main menu, then in the customer form's first field.
    input.extend_from_slice(b"\xff\xfe\n2\n7\n\xc3\x28\nClaire\nVasseur\nclaire@vasseur.fr\n");
    input.extend_from_slice(b"+33 3 20 00 00 09\nVasseur Traiteur\n0\n0\n99\n2\n");
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).expect("the shell writes text");
    let stderr = String::from_utf8(output.stderr).expect("the shell writes text");
    // Piped, the refusals are errors on standard error, and the status says there were.
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr
            .matches(
                "saisie refusée : la ligne n'est pas du texte (octets hors UTF-8) ; recommencez"
            )
            .count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("Client créé : n°"), "{stderr}");
    assert!(stdout.ends_with("Au revoir.\n"), "{stdout}");
}

test_on_both_backends!(a_line_that_is_not_text_is_asked_again);
