//! Hostile text planted by SQL in every text column of every record type — as another
//! tool, or someone with the database's password, could write it — never reaches a
//! terminal as it is: not a list, a record's screen, its related records, a modification
//! screen or the current value it shows, a refusal, a stale-record or deletion message,
//! `executer`'s summaries and simulation report, a typed command's output, nor a table's
//! or a card's headers taken from data. Checked on the bytes, by a rule of this test's
//! own: no C0 control but the line break and the tab, no DEL, no C1 control, no character
//! that hides or reorders text.

use crate::support;

use sea_orm::{ConnectionTrait, Statement};
use support::{
    Backend, TestDatabase, contract_id, customer_id, event_id, run_binary_in, run_shell_in, user_id,
};

/// What another tool wrote after each planted value's own words: a window title, BEL, a
/// screen clear, a carriage return, a C1 CSI, DEL, direction overrides and isolates,
/// marks, zero-width and invisible characters, a line separator.
const PAYLOAD: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\r\u{9b}31m\u{7f}\u{202e}\u{2066}\u{200f}\u{200b}\u{2060}\u{feff}\u{2028}\u{61c}fin";

/// A shorter payload, for the columns of 32 characters (numbers, phones).
const SHORT_PAYLOAD: &str = "\u{1b}[2J\u{7}\u{9b}\u{202e}\u{200b}";

/// The columns of 32 characters, known by the words planted in them.
const SHORT_COLUMNS: [&str; 4] = [
    "CTR-2026-0002",
    "EVT-2026-0002",
    "+33478000002",
    "+33610000099",
];

/// `words` followed by the payload (the short one in the short columns).
fn hostile(words: &str) -> String {
    if SHORT_COLUMNS.contains(&words) {
        format!("{words}{SHORT_PAYLOAD}")
    } else {
        format!("{words}{PAYLOAD}")
    }
}

/// The characters of `text` no terminal output may hold, with where they are.
fn forbidden(text: &str) -> Vec<(usize, String)> {
    text.char_indices()
        .filter(|(_, character)| {
            let code = u32::from(*character);
            let c0 = code < 0x20 && !matches!(character, '\n' | '\t');
            let c1 = (0x7f..=0x9f).contains(&code);
            let hiding = matches!(
                code,
                0x061c | 0x00ad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064
                    | 0x2066..=0x206f | 0xfeff | 0xe0000..=0xe007f
            );
            c0 || c1 || hiding
        })
        .map(|(index, character)| {
            let start = text[..index]
                .char_indices()
                .rev()
                .nth(30)
                .map_or(0, |(start, _)| start);
            (
                index,
                format!(
                    "U+{:04X} after «{}»",
                    u32::from(character),
                    &text[start..index]
                ),
            )
        })
        .collect()
}

fn assert_neutral(what: &str, text: &str) {
    let found = forbidden(text);
    assert!(
        found.is_empty(),
        "{what}: {} forbidden characters, the first: {:?}\n{text}",
        found.len(),
        found.first()
    );
}

/// Plants the payload in every text column of the records the demo users see: a
/// customer (Maison Durand: every column), a contract (its number), an event (the gala:
/// number, name, location, notes), and users (manager2: every column; the names of
/// manager1, sales2 and support1, who sign in by their username, kept).
async fn plant(database: &TestDatabase) -> Planted {
    let durand = customer_id(database, "Maison Durand").await;
    let contract = contract_id(database, "CTR-2026-0002").await;
    let gala = event_id(database, "EVT-2026-0002").await;
    let manager2 = user_id(database, "manager2").await;
    let updates: Vec<(&str, Vec<sea_orm::Value>)> = vec![
        (
            "UPDATE customer SET customer_first_name = ?, customer_last_name = ?, email = ?, \
             phone_number = ?, company_name = ? WHERE id = ?",
            vec![
                hostile("Paul").into(),
                hostile("Durand").into(),
                hostile("paul@durand.fr").into(),
                hostile("+33478000002").into(),
                hostile("Maison Durand").into(),
                durand.into(),
            ],
        ),
        (
            "UPDATE contract SET contract_number = ? WHERE id = ?",
            vec![hostile("CTR-2026-0002").into(), contract.into()],
        ),
        (
            "UPDATE event SET event_number = ?, event_name = ?, location = ?, note = ? \
             WHERE id = ?",
            vec![
                hostile("EVT-2026-0002").into(),
                hostile("Soirée de gala").into(),
                hostile("Lyon").into(),
                hostile("Prévoir le vestiaire").into(),
                gala.into(),
            ],
        ),
        (
            "UPDATE user SET username = ?, user_first_name = ?, user_last_name = ?, email = ?, \
             phone_number = ? WHERE id = ?",
            vec![
                hostile("manager2").into(),
                hostile("Julien").into(),
                hostile("Roux").into(),
                hostile("julien@roux.fr").into(),
                hostile("+33610000099").into(),
                manager2.into(),
            ],
        ),
    ];
    let mut updates = updates;
    for username in ["manager1", "sales2", "support1"] {
        let id = user_id(database, username).await;
        updates.push((
            "UPDATE user SET user_first_name = ?, user_last_name = ? WHERE id = ?",
            vec![
                hostile(&format!("Prénom de {username}")).into(),
                hostile(&format!("Nom de {username}")).into(),
                id.into(),
            ],
        ));
    }
    for (sql, values) in updates {
        let sql = match database.backend {
            Backend::MySql => sql.to_owned(),
            // `?` placeholders are SQLite's too; `user` is a keyword to quote there.
            Backend::Sqlite => sql.replace("UPDATE user ", "UPDATE \"user\" "),
        };
        let sql = match database.backend {
            Backend::MySql => sql.replace("UPDATE user ", "UPDATE `user` "),
            Backend::Sqlite => sql,
        };
        database
            .connection
            .execute_raw(Statement::from_sql_and_values(
                database.connection.get_database_backend(),
                sql,
                values,
            ))
            .await
            .unwrap();
    }
    Planted {
        contract,
        customer: durand,
    }
}

/// The ids of the records planted, whose numbers changed.
struct Planted {
    contract: i32,
    customer: i32,
}

/// Runs the shell with `lines` typed, and returns what it wrote (standard output and
/// standard error, together, as a person reads them).
fn shell(database: &TestDatabase, lines: &[&str]) -> String {
    let directory = tempfile::tempdir().unwrap();
    let input = lines.join("\n") + "\n";
    let output = run_shell_in(Some(&database.url), directory.path(), &[], &input);
    assert!(
        output.stdout.contains("\nAu revoir.\n"),
        "{}",
        &output.stdout[output.stdout.len().saturating_sub(3000)..]
    );
    output.stdout
}

/// `words` and the payload as every output shows it: each forbidden character as `�`.
fn shown(words: &str) -> String {
    hostile(words)
        .chars()
        .map(|character| {
            if forbidden(&character.to_string()).is_empty() {
                character
            } else {
                '\u{fffd}'
            }
        })
        .collect()
}

async fn hostile_text_never_reaches_a_screen(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = plant(&database).await.contract.to_string();
    #[rustfmt::skip]
    let manager1 = shell(&database, &[
        "1", "manager1", "demo-epic-events",
        // Users: all of them, manager2's screen, each text field's current value.
        "1", "1", "5", "1", "1", "", "2", "", "3", "", "4", "", "5", "", "0", "0", "0", "0",
        // Customers: Maison Durand's screen, its contract (current amount, the deletion
        // question), its customer and its event; a search.
        "2", "1", "2", "22", "1", "1", "", "0", "2", "non", "41", "0", "0", "32", "0", "0",
        "0", "5", "durand", "0", "0",
        // Contracts: all of them, the contract's screen.
        "3", "1", "2", "0", "0", "6", &contract, "0", "0",
        // Events: all of them, the gala's screen, the choice of its support; those
        // without support.
        "4", "1", "2", "1", "7", "0", "0", "0", "0", "3", "0", "0",
        // Typed commands: a card, tables and cards whose headers are a map's keys, a
        // change and its summary, a list.
        &format!("contrat({contract})"),
        r#"afficher([#{"\u001b]0;titre\u0007": 1, "\u202ecolonne\u200b": 2}])"#,
        r#"afficher(#{"cl\u001b[2Jé": "valeur\r\u0085"})"#,
        &format!(r#"modifier_contrat({contract}, #{{montant_total: "9000"}})"#),
        "mes_contrats()",
        "99", "2",
    ]);
    #[rustfmt::skip]
    let sales2 = shell(&database, &[
        "1", "sales2", "demo-epic-events",
        // Their customer's screen, each field's current value, a refused deletion.
        "2", "2", "2", "1", "1", "", "2", "", "3", "", "4", "", "5", "", "0", "2", "0", "0", "0",
        // The same refusal, typed.
        "supprimer_client(2)",
        "99", "2",
    ]);
    #[rustfmt::skip]
    let support1 = shell(&database, &[
        "1", "support1", "demo-epic-events",
        // Their event's screen (with the customer's e-mail and phone), each text field's
        // current value, its customer.
        "4", "2", "1", "1", "1", "", "4", "", "6", "", "0", "41", "0", "0", "0", "0",
        "99", "2",
    ]);
    for (what, text) in [
        ("manager1's screens", &manager1),
        ("sales2's screens", &sales2),
        ("support1's screens", &support1),
    ] {
        assert_neutral(what, text);
    }
    // Each planted value was shown (so the screens above did show them).
    let everything = format!("{manager1}{sales2}{support1}");
    for words in [
        "Paul",
        "Durand",
        "paul@durand.fr",
        "+33478000002",
        "Maison Durand",
        "CTR-2026-0002",
        "EVT-2026-0002",
        "Soirée de gala",
        "Lyon",
        "Prévoir le vestiaire",
        "manager2",
        "Julien",
        "Roux",
        "julien@roux.fr",
        "+33610000099",
        "Prénom de manager1",
        "Nom de sales2",
        "Prénom de support1",
    ] {
        assert!(
            everything.contains(&shown(words)),
            "{words} was never shown:\n{everything}"
        );
    }
    for expected in [
        // Current values of modification screens.
        format!("(actuellement : {} ;", shown("Julien")),
        format!("(actuellement : {} ;", shown("Prévoir le vestiaire")),
        // The deletion question, the refusal of a deletion, typed or chosen.
        format!("Supprimer le contrat {} ?", shown("CTR-2026-0002")),
        format!(
            "le client {} ne peut pas être supprimé",
            shown("Maison Durand")
        ),
        // A typed change's summary.
        format!("- modifié 1 contrat : {}", shown("CTR-2026-0002")),
        // Headers from a map's keys.
        "\u{fffd}]0;titre\u{fffd}".to_owned(),
        "\u{fffd}colonne\u{fffd}".to_owned(),
        "Cl\u{fffd}[2Jé : valeur\u{fffd}\u{fffd}".to_owned(),
    ] {
        assert!(
            everything.contains(&expected),
            "{expected} missing:\n{everything}"
        );
    }
}

/// `executer` as `username` (signed in first, in `directory`) with `arguments`: what it
/// wrote on standard output and on standard error.
fn execute(
    database: &TestDatabase,
    directory: &std::path::Path,
    arguments: &[&str],
) -> (String, String) {
    let mut all = vec!["executer"];
    all.extend_from_slice(arguments);
    let output = run_binary_in(Some(&database.url), directory, &all, "");
    (output.stdout, output.stderr)
}

async fn hostile_text_never_reaches_a_command_s_output(backend: Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let Planted {
        contract,
        customer: durand,
    } = plant(&database).await;
    let mut outputs: Vec<(String, String)> = Vec::new();
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path();
    let sign_in = |username: &str| {
        let output = run_binary_in(
            Some(&database.url),
            path,
            &["connexion", "--utilisateur", username],
            "demo-epic-events\n",
        );
        assert!(output.success, "{output:?}");
        (output.stdout, output.stderr)
    };
    let script = |name: &str, source: &str| {
        let file = path.join(name);
        std::fs::write(&file, source).unwrap();
        file.display().to_string()
    };
    // The user's own name: at sign-in and from `moi`.
    outputs.push(sign_in("manager1"));
    let me = run_binary_in(Some(&database.url), path, &["moi"], "");
    outputs.push((me.stdout, me.stderr));
    // A change's summary, and the same run simulated.
    let change = script(
        "changer.rhai",
        &format!(
            r#"modifier_contrat({contract}, #{{montant_total: "9000"}}); print(contrat({contract}).numero);"#
        ),
    );
    outputs.push(execute(&database, path, &["--simulation", &change]));
    outputs.push(execute(&database, path, &[&change]));
    // A change refused because the record changed since the script read it: the message
    // names the record and who changed it.
    let stale = script(
        "perime.rhai",
        &format!(
            r#"let lu = contrat({contract});
               modifier_contrat({contract}, #{{montant_total: "9100"}});
               modifier_contrat(lu, #{{montant_total: "9200"}});"#
        ),
    );
    outputs.push(execute(&database, path, &[&stale]));
    // A CSV file whose header and cells hold the payload, shown as a table and a card.
    let csv = path.join("donnees.csv");
    std::fs::write(
        &csv,
        format!(
            "\"numero{PAYLOAD}\";montant\n\"{}\";1\n",
            hostile("CTR-2026-0002")
        ),
    )
    .unwrap();
    let csv_argument = format!("fichier={}", csv.display());
    let read = script(
        "lire.rhai",
        "let lignes = lire_csv(parametres.fichier); afficher(lignes); afficher(lignes[0]);",
    );
    outputs.push(execute(&database, path, &[&read, &csv_argument]));
    // A refused deletion, as sales2.
    outputs.push(sign_in("sales2"));
    let delete = script("supprimer.rhai", &format!("supprimer_client({durand});"));
    outputs.push(execute(&database, path, &[&delete]));

    for (index, (stdout, stderr)) in outputs.iter().enumerate() {
        assert_neutral(&format!("output {index}"), stdout);
        assert_neutral(&format!("errors {index}"), stderr);
    }
    let everything: String = outputs
        .iter()
        .map(|(stdout, stderr)| format!("{stdout}{stderr}"))
        .collect();
    for expected in [
        format!("Bienvenue {}", shown("Prénom de manager1")),
        format!("manager1 — {}", shown("Prénom de manager1")),
        format!(
            "Le script aurait :\n- modifié 1 contrat : {}",
            shown("CTR-2026-0002")
        ),
        format!(
            "Enregistré :\n- modifié 1 contrat : {}",
            shown("CTR-2026-0002")
        ),
        format!(
            "le contrat {} a été modifié par {}",
            shown("CTR-2026-0002"),
            shown("Prénom de manager1")
        ),
        // A header names its column by its letters and digits only (`lire_csv`'s keys):
        // the payload's control and bidi characters are dropped from it.
        "│ numéro 0 pwned 2j 31m fin │ montant │".to_owned(),
        "  Numéro 0 pwned 2j 31m fin : ".to_owned(),
        format!(
            "le client {} ne peut pas être supprimé",
            shown("Maison Durand")
        ),
    ] {
        assert!(
            everything.contains(&expected),
            "{expected} missing:\n{everything}"
        );
    }
}

test_on_both_backends!(
    hostile_text_never_reaches_a_screen,
    hostile_text_never_reaches_a_command_s_output,
);
