//! The interactive shell driven through the real binary with piped input, one journey per
//! role, checking what the screen said and what the database holds afterwards; the menus
//! each role sees against what the core allows; the main screens pinned by snapshots.

use crate::support;

use epic_events_core::entities::{contract, customer, event, user};
use epic_events_core::permissions::{Feature, allows};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use support::{
    BinaryOutput, TestDatabase, contract_id, event_id, run_binary_in, run_shell_in, session,
};

/// Runs the shell with `lines` as the user's input.
fn shell(database: &TestDatabase, lines: &[&str]) -> BinaryOutput {
    let directory = tempfile::tempdir().unwrap();
    let mut input = lines.join("\n");
    input.push('\n');
    let output = run_shell_in(Some(&database.url), directory.path(), &[], &input);
    // Piped, the shell's exit status says whether it showed an error.
    assert_eq!(
        output.success,
        !output.stdout.contains("Erreur : "),
        "{}",
        output.stdout
    );
    let ending = if output.success {
        "Au revoir.\n"
    } else {
        "affichée(s) ci-dessus\n"
    };
    assert!(output.stdout.ends_with(ending), "{}", output.stdout);
    assert!(
        !output.stdout.contains('\u{1b}'),
        "no escape code on a pipe"
    );
    output
}

/// The entries `(number, label)` of the first menu titled `title` after `after` in `text`.
fn menu(text: &str, after: &str, title: &str) -> Vec<(u32, String)> {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in\n{text}"));
    let text = &text[start..];
    let title_start = text
        .find(&format!("\n{title}"))
        .unwrap_or_else(|| panic!("no menu {title:?} in\n{text}"))
        + 1;
    text[title_start..]
        .lines()
        .skip(1)
        .map_while(|line| {
            let (number, label) = line.trim_start().split_once(". ")?;
            Some((number.parse().ok()?, label.to_owned()))
        })
        .collect()
}

const SIGN_IN: &[&str] = &["1"];

fn signed_in<'a>(username: &'a str, then: &[&'a str]) -> Vec<&'a str> {
    let mut lines = SIGN_IN.to_vec();
    lines.extend([username, "demo-epic-events"]);
    lines.extend_from_slice(then);
    lines.extend(["99", "2"]);
    lines
}

async fn sales_journey(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let partly_paid = contract_id(&database, "CTR-2026-0002").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "2",
                "7",
                "Claire",
                "Vasseur",
                "pas-une-adresse",
                "claire@vasseur.fr",
                "+33 3 20 00 00 01",
                "Vasseur Conseil",
                "1",
                "1",
                "Clara",
                "5",
                "Vasseur & Fils",
                "0",
                "0",
                "0",
                "3",
                "4",
                "0",
                "6",
                &partly_paid,
                "3",
                "Cocktail de printemps",
                "01/01/2020 18:00",
                "non",
                "10/04/2027 18:00",
                "10/04/2027 22:00",
                "Lyon",
                "50",
                "",
                "0",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        !screen.contains("demo-epic-events"),
        "the password is never shown"
    );
    // A wrong e-mail is asked again at once, before the next field.
    assert!(
        screen.contains(
            "Adresse e-mail : pas-une-adresse\nErreur : adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)\nAdresse e-mail : claire@vasseur.fr\nTéléphone"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("Client créé : n°4 Vasseur Conseil."),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Nouvelle valeur pour « prénom » (actuellement : Claire ; vide pour annuler) : Clara\n"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("  Prénom         : Clara\n"),
        "the detail is shown again after a change: {screen}"
    );
    assert!(
        screen.contains("  Entreprise     : Vasseur & Fils\n"),
        "{screen}"
    );
    let unpaid = &screen[screen
        .find("\nMes contrats non payés — 2 contrats — page 1/1\n")
        .expect("the unpaid list")..];
    // Each contract's state, its balance before its total, and no column naming the
    // viewer (all of them are Hugo Lefèvre's).
    assert!(
        unpaid.contains(
            "│ # │ Numéro        │ Client        │ Signé │ Reste à payer │ Montant total │"
        ),
        "{unpaid}"
    );
    assert!(
        unpaid.contains(
            "│ 1 │ CTR-2026-0001 │ Maison Durand │ non   │   12 000,00 € │   12 000,00 € │"
        ),
        "{unpaid}"
    );
    assert!(
        unpaid.contains(
            "│ 2 │ CTR-2026-0002 │ Maison Durand │ oui   │    3 250,50 € │    8 500,00 € │"
        ),
        "{unpaid}"
    );
    assert!(
        !unpaid[..unpaid.find("Que faire").unwrap()].contains("CTR-2026-0005"),
        "{unpaid}"
    );
    assert!(screen.contains("Évènement créé : EVT-"), "{screen}");
    assert!(
        screen.contains("Le 01/01/2020 18:00 est déjà passé : est-ce voulu ? Tapez « oui » pour confirmer : non\nDébut"),
        "a start in the past is confirmed: {screen}"
    );

    let created = customer::Entity::find()
        .filter(customer::Column::Email.eq("claire@vasseur.fr"))
        .one(&database.connection)
        .await
        .unwrap()
        .expect("the customer exists");
    assert_eq!(created.customer_first_name, "Clara");
    assert_eq!(created.company_name, "Vasseur & Fils");
    assert_eq!(
        created.user_sales_id,
        support::user_id(&database, "sales2").await
    );
    let cocktail = event::Entity::find()
        .filter(event::Column::EventName.eq("Cocktail de printemps"))
        .one(&database.connection)
        .await
        .unwrap()
        .expect("the event exists");
    assert_eq!(cocktail.contract_id.to_string(), partly_paid);
    assert_eq!(cocktail.location, "Lyon");
    assert_eq!(cocktail.attendees, 50);
    assert_eq!(
        cocktail.start_datetime.to_rfc3339(),
        "2027-04-10T18:00:00+00:00"
    );
    assert_eq!(cocktail.user_support_id, None);
}

async fn management_journey(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let atelier = support::customer_id(&database, "Atelier Lumière")
        .await
        .to_string();
    let seminar = event_id(&database, "EVT-2026-0001").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "1",
                "7",
                "Yanis",
                "Benali",
                "yanis.benali@epic-events.fr",
                "+33 6 40 00 00 01",
                "support3",
                "3",
                "un mot de passe solide",
                "un mot de passe solide",
                "0",
                "0",
                "3",
                "7",
                ".fr",
                "0",
                "atelier LUMIERE",
                "5 000",
                "",
                "",
                "7",
                "oui",
                "0",
                "0",
                "4",
                "3",
                "1",
                "1",
                "7",
                "2",
                "0",
                "0",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        !screen.contains("un mot de passe solide"),
        "passwords are never shown"
    );
    assert!(
        screen.contains("Utilisateur créé : n°8 support3."),
        "{screen}"
    );
    assert!(screen.contains("Contrat créé : CTR-"), "{screen}");
    // The customer is found by words, chosen, and confirmed.
    assert!(
        screen.contains("Quel client ?\n   1. Atelier Lumière — Sophie Laurent (n°1)\n   2. Maison Durand — Paul Durand (n°2)\n   3. Brasserie des Quais — Manon Petit (n°3)\n"),
        "{screen}"
    );
    assert!(
        screen.contains("Client choisi : Atelier Lumière (n°1), Sophie Laurent."),
        "{screen}"
    );
    // The role is chosen from a numbered list.
    assert!(
        screen.contains("  1. gestion   2. commercial   3. support\nRôle (1 à 3) : 3\n"),
        "{screen}"
    );
    // Signed from the contract's screen, said with its number.
    assert!(
        screen
            .lines()
            .any(|line| line.starts_with("Contrat CTR-") && line.ends_with(" signé.")),
        "{screen}"
    );
    assert!(
        screen.contains("Signer le contrat CTR-")
            && screen.contains("Une signature est définitive."),
        "{screen}"
    );
    assert!(screen.contains("  Signé          : oui\n"), "{screen}");
    // The support user is chosen from the numbered list of the team.
    assert!(
        screen.contains("Membres du support : qui assure cet évènement ?\n   1. Inès Fontaine (support1)\n   2. Thomas Mercier (support2)\n"),
        "{screen}"
    );
    assert!(
        screen.contains("  Support              : Thomas Mercier\n"),
        "{screen}"
    );

    let created = user::Entity::find()
        .filter(user::Column::Username.eq("support3"))
        .one(&database.connection)
        .await
        .unwrap()
        .expect("the user exists");
    assert_eq!(created.email, "yanis.benali@epic-events.fr");
    let support_role = epic_events_core::entities::role::Entity::find()
        .filter(epic_events_core::entities::role::Column::Name.eq("support"))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.role_id, support_role.id, "chosen as « 3. support »");
    let new_contract = contract::Entity::find()
        .filter(contract::Column::CustomerId.eq(atelier.parse::<i32>().unwrap()))
        .one(&database.connection)
        .await
        .unwrap()
        .expect("the contract exists");
    assert!(new_contract.signed);
    assert_eq!(new_contract.total_amount.to_string(), "5000.00");
    assert_eq!(new_contract.balance_due.to_string(), "5000.00");
    let assigned = event::Entity::find_by_id(seminar.parse::<i32>().unwrap())
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        assigned.user_support_id,
        Some(support::user_id(&database, "support2").await)
    );
}

async fn support_journey(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let gala = event_id(&database, "EVT-2026-0002").await;
    let inauguration = event_id(&database, "EVT-2026-0003").await;
    let before = event::Entity::find_by_id(inauguration)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    let inauguration_text = inauguration.to_string();
    let output = shell(
        &database,
        &signed_in(
            "support1",
            &[
                "4",
                "2",
                // The past events too: what is listed does not depend on today's date.
                "t",
                "1",
                "1",
                "5",
                "beaucoup",
                "300",
                "4",
                "Salle Wagram, 75017 Paris",
                "7",
                "0",
                "0",
                "0",
                "6",
                &inauguration_text,
                "1",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    let mine = &screen[screen
        .find("\nMes évènements, passés compris — 1 évènement — page 1/1\n")
        .expect("the list of my events")..];
    assert!(mine.contains("EVT-2026-0002"), "{mine}");
    assert!(
        !mine[..mine.find("Que faire").unwrap()].contains("EVT-2026-0003"),
        "{mine}"
    );
    assert!(
        screen.contains("Erreur : participants : « beaucoup » n'est pas un nombre entier"),
        "{screen}"
    );
    assert!(
        screen.contains("  Participants         : 300\n"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Erreur : le rôle support ne permet pas de modifier le champ « support » d'un évènement"
        ),
        "{screen}"
    );
    assert!(
        screen
            .contains("Erreur : vous ne pouvez modifier que les évènements qui vous sont assignés"),
        "{screen}"
    );
    let changed = event::Entity::find_by_id(gala)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.attendees, 300);
    assert_eq!(changed.location, "Salle Wagram, 75017 Paris");
    let untouched = event::Entity::find_by_id(inauguration)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched, before);
}

async fn menus_offer_what_the_core_allows(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    // (menu, number, feature) for every entry the core may hide.
    let table: [(&str, &str, u32, Feature); 14] = [
        ("Menu principal", "", 1, Feature::Users),
        ("Menu principal", "", 2, Feature::Customers),
        ("Menu principal", "", 3, Feature::Contracts),
        ("Menu principal", "", 4, Feature::Events),
        ("Gestion des clients", "2", 2, Feature::MyCustomers),
        ("Gestion des clients", "2", 7, Feature::CreateCustomer),
        ("Gestion des contrats", "3", 2, Feature::MyContracts),
        ("Gestion des contrats", "3", 3, Feature::MyUnsignedContracts),
        ("Gestion des contrats", "3", 4, Feature::MyUnpaidContracts),
        ("Gestion des contrats", "3", 7, Feature::CreateContract),
        ("Gestion des contrats", "3", 8, Feature::UnsignedContracts),
        ("Gestion des contrats", "3", 9, Feature::UnpaidContracts),
        ("Gestion des évènements", "4", 2, Feature::MyEvents),
        (
            "Gestion des évènements",
            "4",
            3,
            Feature::EventsWithoutSupport,
        ),
    ];
    let mut roles = Vec::new();
    for username in ["manager1", "sales2", "support1"] {
        roles.push((username, session(&database, username).await.actor));
    }
    // One shell per entry, the three roles at once.
    std::thread::scope(|scope| {
        for (username, actor) in &roles {
            let database = &database;
            scope.spawn(move || {
                for (title, opening, number, feature) in table {
                    let allowed = allows(actor, feature);
                    let mut then = Vec::new();
                    if !opening.is_empty() {
                        then.push(opening);
                    }
                    let typed = number.to_string();
                    then.push(&typed);
                    // Leave whatever the entry opened (an empty line cancels a form and
                    // is ignored by a menu), then the menus.
                    then.extend(["", "0", "0"]);
                    let output = shell(database, &signed_in(username, &then));
                    let shown = menu(&output.stdout, "Connecté en tant que", title);
                    let offered = shown
                        .iter()
                        .any(|(shown_number, _)| *shown_number == number);
                    assert_eq!(
                        offered,
                        allowed.is_ok(),
                        "{username}: {title} entry {number} ({feature:?}): {shown:?}"
                    );
                    if let Err(refusal) = allowed {
                        let expected = format!("Erreur : {refusal}");
                        assert!(
                            output.stdout.contains(&expected),
                            "{username} typing {number} in {title}: {}",
                            output.stdout
                        );
                    }
                }
            });
        }
    });
}

async fn main_screens(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let durand_paid = contract_id(&database, "CTR-2026-0004").await.to_string();
    let seminar = event_id(&database, "EVT-2026-0001").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "manager2",
            &[
                "3",
                "1",
                "0",
                "6",
                &durand_paid,
                "0",
                "0",
                "4",
                "3",
                // The past events too: what is listed does not depend on today's date.
                "t",
                "0",
                "6",
                &seminar,
                "0",
                "0",
            ],
        ),
    );
    let screens = support::without_timestamps(&output.stdout);
    insta::assert_snapshot!("manager2_contracts_and_events", screens);
    let output = shell(&database, &signed_in("support2", &["2", "0"]));
    insta::assert_snapshot!(
        "support2_welcome_and_menus",
        support::without_timestamps(&output.stdout)
    );
}

test_on_both_backends!(and_through_json: sales_journey, management_journey, support_journey);
test_on_both_backends!(menus_offer_what_the_core_allows, main_screens);

async fn a_database_without_schema_is_explained(backend: crate::support::Backend) {
    let database = TestDatabase::empty(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let output = run_binary_in(Some(&database.url), directory.path(), &[], "1\n");
    assert_eq!(output.code, Some(1), "{output:?}");
    assert!(output.stderr.contains("n'a pas le schéma de cette version : appliquez les migrations avec « epic-events base migrer »"), "{output:?}");
}

test_on_both_backends!(a_database_without_schema_is_explained);

/// Piped, for automation: screens on standard output, messages and errors on standard
/// error, and a session that showed an error ends with a non-zero status.
async fn piped_sessions_report_refusals_on_standard_error_and_in_the_status(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let refused = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[],
        "1\nsales2\nmauvais-mot-de-passe\n2\n",
    );
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .starts_with("Erreur : identifiant ou mot de passe incorrect\n"),
        "{refused:?}"
    );
    assert!(
        refused.stderr.ends_with("affichée(s) ci-dessus\n"),
        "{refused:?}"
    );
    assert!(!refused.stdout.contains("Erreur"), "{refused:?}");
    assert!(refused.stdout.ends_with("Au revoir.\n"), "{refused:?}");

    // An action the core refuses (a sales user deleting a contract by a typed command).
    let action = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[],
        "1\nsales2\ndemo-epic-events\nsupprimer_contrat(1)\n99\n2\n",
    );
    assert_eq!(action.code, Some(1), "{action:?}");
    assert!(
        action.stderr.contains(
            "\nErreur : action refusée : le rôle commercial ne permet pas de supprimer ce contrat"
        ),
        "{action:?}"
    );
    assert!(!action.stdout.contains("Erreur"), "{action:?}");

    // The same session without a mistake ends with status 0; its greeting is a message.
    let fine = run_binary_in(
        Some(&database.url),
        directory.path(),
        &[],
        "1\nsales2\ndemo-epic-events\n99\n2\n",
    );
    assert_eq!(fine.code, Some(0), "{fine:?}");
    assert!(
        fine.stderr.starts_with("Bienvenue Hugo Lefèvre !"),
        "{fine:?}"
    );
    assert!(!fine.stderr.contains("Erreur"), "{fine:?}");
}

test_on_both_backends!(piped_sessions_report_refusals_on_standard_error_and_in_the_status);

/// A typed command that fails says « rien n'a été enregistré » only when it had changed
/// something, then undone.
async fn typed_commands_say_nothing_was_saved_only_after_a_change(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "aide fonctions",
                "client(999)",
                r#"modifier_client(1, #{prenom: "Zoé"}); throw "arrêt voulu""#,
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        screen.contains("Erreur : client n°999 introuvable (ligne 1)\n"),
        "{screen}"
    );
    // `aide fonctions` explains the menus and keys first, then the script functions.
    let help = &screen[screen.find("Aide du shell\n").expect("the shell's help")..];
    assert!(
        help.find("Les menus").unwrap() < help.find("Les touches").unwrap()
            && help.find("Les touches").unwrap() < help.find("\nClients\n").unwrap(),
        "{help}"
    );
    assert!(
        screen.contains("Erreur : arrêt voulu (ligne 1) ; rien n'a été enregistré\n"),
        "{screen}"
    );
    assert_eq!(
        customer::Entity::find_by_id(1)
            .one(&database.connection)
            .await
            .unwrap()
            .unwrap()
            .customer_first_name,
        "Sophie"
    );
}

test_on_both_backends!(typed_commands_say_nothing_was_saved_only_after_a_change);

/// `epic-events demo` on a fresh machine: the demo database is created beside the user,
/// whatever `DATABASE_URL` names, and the shell opens on it.
#[test]
fn demo_opens_the_shell_on_a_demo_database() {
    let directory = tempfile::tempdir().unwrap();
    let elsewhere = epic_events_core::database::url::DatabaseUrl::new(format!(
        "sqlite://{}?mode=rwc",
        directory.path().join("production.db").display()
    ))
    .unwrap();
    // « t »: the past events too, so that what is shown does not depend on today's date.
    let input = "1\nsupport2\ndemo-epic-events\n4\n2\nt\n0\n0\n99\n2\n";
    let output = run_shell_in(Some(&elsewhere), directory.path(), &["demo"], input);
    assert!(output.success, "{output:?}");
    assert!(
        output
            .stdout
            .starts_with("Base de démonstration créée : epic_events_demo.db."),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(
            "│ 1 │ EVT-2026-0003 │ 22/01/2027 17:00 │ Inauguration de la Brasserie des Quais │"
        ),
        "{}",
        output.stdout
    );
    assert!(directory.path().join("epic_events_demo.db").exists());
    assert!(
        !directory.path().join("production.db").exists(),
        "DATABASE_URL is left alone"
    );

    // Later runs keep the demo database as it is.
    let output = run_shell_in(Some(&elsewhere), directory.path(), &["demo"], "2\n");
    assert!(output.success, "{output:?}");
    assert!(
        output.stdout.starts_with("Bienvenue dans Epic Events CRM."),
        "{}",
        output.stdout
    );

    // A demo database made by an earlier version (without the latest migration) is
    // brought up to date, its data kept.
    let demo = epic_events_core::database::url::DatabaseUrl::new(format!(
        "sqlite://{}",
        directory.path().join("epic_events_demo.db").display()
    ))
    .unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let connection = epic_events_core::database::connect(&demo).await.unwrap();
        connection
            .execute_unprepared(
                "DROP TRIGGER customer_words_insert; DROP TRIGGER customer_words_delete; \
                 DROP TRIGGER customer_words_update; DROP TABLE customer_words; \
                 DROP TRIGGER event_words_insert; DROP TRIGGER event_words_delete; \
                 DROP TRIGGER event_words_update; DROP TABLE event_words; \
                 DROP TRIGGER user_words_insert; DROP TRIGGER user_words_delete; \
                 DROP TRIGGER user_words_update; DROP TABLE user_words; \
                 DROP INDEX event_start_index; \
                 DROP TABLE number_sequence; \
                 DROP TABLE revoked_session; \
                 ALTER TABLE user DROP COLUMN session_version; \
                 DELETE FROM seaql_migrations WHERE version IN \
                 ('m20261124_000003_concurrent_use', 'm20261124_000004_canonical_phone_numbers', \
                 'm20261204_000005_search_text', 'm20261206_000006_sessions', \
                 'm20261207_000007_full_text_search'); \
                 ALTER TABLE customer DROP COLUMN search_text; \
                 ALTER TABLE event DROP COLUMN search_text; \
                 ALTER TABLE user DROP COLUMN search_text; \
                 UPDATE customer SET phone_number = '01 42 00 00 01' WHERE id = 1; \
                 UPDATE customer SET phone_number = '+33 (0)4 78 00 00 02' WHERE id = 2; \
                 UPDATE user SET phone_number = 'pas un numéro' WHERE username = 'support2'",
            )
            .await
            .unwrap();
        for table in ["user", "customer", "contract", "event"] {
            for column in ["version", "updated_by"] {
                connection
                    .execute_unprepared(&format!("ALTER TABLE `{table}` DROP COLUMN {column}"))
                    .await
                    .unwrap();
            }
        }
    });
    // A payment, then a search (the search texts of stored rows were filled in).
    let input =
        "1\nmanager1\ndemo-epic-events\n3\n6\n2\n6\n100\noui\n0\n0\n2\n5\nlumiere\n0\n0\n99\n2\n";
    let output = run_shell_in(Some(&elsewhere), directory.path(), &["demo"], input);
    assert!(output.success, "{output:?}");
    // Its phone numbers were rewritten in the canonical form; a text that is not a number
    // was left as it was.
    let phones = tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::{ConnectionTrait, Statement};
        let connection = epic_events_core::database::connect(&demo).await.unwrap();
        let mut phones = Vec::new();
        for query in [
            "SELECT phone_number FROM customer WHERE id IN (1, 2) ORDER BY id",
            "SELECT phone_number FROM user WHERE username IN ('support2', 'sales1') ORDER BY username",
        ] {
            for row in connection
                .query_all_raw(Statement::from_string(
                    sea_orm::DatabaseBackend::Sqlite,
                    query,
                ))
                .await
                .unwrap()
            {
                phones.push(row.try_get::<String>("", "phone_number").unwrap());
            }
        }
        phones
    });
    assert_eq!(
        phones,
        [
            "+33142000001",
            "+33478000002",
            "+33610000001",
            "pas un numéro"
        ]
    );
    assert!(
        output
            .stdout
            .contains("Paiement de 100,00 € enregistré : reste 3 150,50 € à payer."),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("Reste à payer  : 3 150,50 €"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("Clients — « lumiere » — 1 client — page 1/1"),
        "{}",
        output.stdout
    );
}

async fn lists_page_by_ten(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales1 = session(&database, "sales1").await;
    support::add_customers(
        &database,
        &sales1,
        (10..22).map(|number| (number, format!("Entreprise {number}"))),
    )
    .await;
    let output = shell(
        &database,
        &signed_in("sales1", &["2", "1", "s", "3", "0", "P", "0", "0"]),
    );
    // Not at a terminal, ten rows a page. The first page, the second (« s »), a row of it
    // opened then left (back to the same page), the first page again (« P »: letter case
    // aside).
    let pages: Vec<&str> = output
        .stdout
        .split("\nTous les clients — 15 clients — page ")
        .skip(1)
        .collect();
    assert_eq!(pages.len(), 4, "{}", output.stdout);
    let table = |page: &str| page[..page.find("Que faire").unwrap()].to_owned();
    assert!(pages[0].starts_with("1/2\n") && pages[3].starts_with("1/2\n"));
    assert!(pages[1].starts_with("2/2\n") && pages[2].starts_with("2/2\n"));
    assert!(
        table(pages[0]).contains("Entreprise 16") && !table(pages[0]).contains("Entreprise 17"),
        "{}",
        pages[0]
    );
    assert!(
        table(pages[1]).contains("Entreprise 17") && table(pages[1]).contains("Entreprise 21"),
        "{}",
        pages[1]
    );
    assert!(
        pages[0].contains(" s. Page suivante") && !pages[0].contains("Page précédente"),
        "{}",
        pages[0]
    );
    assert!(
        pages[1].contains(" p. Page précédente") && !pages[1].contains("Page suivante"),
        "{}",
        pages[1]
    );
    // Row 3 of the second page is the 13th customer.
    assert!(
        pages[1].contains("\nClient n°13 — Entreprise 19\n"),
        "{}",
        pages[1]
    );
    assert_eq!(table(pages[2]), table(pages[1]));
    assert_eq!(table(pages[3]), table(pages[0]));
}

test_on_both_backends!(lists_page_by_ten);

/// A list sorted by one of its columns (« o »; the same column again: the other way), and
/// a page reached by its number (« a »), then the page before it (« p »).
async fn lists_sort_by_a_column_and_jump_to_a_page(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales1 = session(&database, "sales1").await;
    // Created in an order that is not the companies' alphabetical order.
    support::add_customers(
        &database,
        &sales1,
        (0..25)
            .map(|index| (index * 7) % 25)
            .map(|number| (number, format!("Société {number:02}"))),
    )
    .await;
    let output = shell(
        &database,
        &signed_in(
            "sales1",
            &[
                "2", "2", "o", "1", "a", "3", "p", "o", "1", "a", "9", "", "0", "0",
            ],
        ),
    );
    let screen = &output.stdout;
    let page = |heading: &str| -> String {
        let start = screen
            .find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no {heading:?} in\n{screen}"));
        let page = &screen[start..];
        page[..page.find("Que faire").unwrap()].to_owned()
    };
    let companies = |table: &str| -> Vec<String> {
        table
            .lines()
            .filter_map(|line| {
                let at = line.find("Société ")?;
                Some(line[at..at + "Société 00".len()].to_owned())
            })
            .collect()
    };
    let names = |range: std::ops::Range<u32>| -> Vec<String> {
        range.map(|number| format!("Société {number:02}")).collect()
    };
    let rising = page("Mes clients — par entreprise croissant — 25 clients — page 1/3");
    assert_eq!(companies(&rising), names(0..10));
    let third = page("Mes clients — par entreprise croissant — 25 clients — page 3/3");
    assert_eq!(companies(&third), names(20..25));
    let second = page("Mes clients — par entreprise croissant — 25 clients — page 2/3");
    assert_eq!(companies(&second), names(10..20));
    let falling = page("Mes clients — par entreprise décroissant — 25 clients — page 1/3");
    assert_eq!(
        companies(&falling),
        names(15..25).into_iter().rev().collect::<Vec<_>>()
    );
    assert!(
        screen.contains("Erreur : « 9 » n'est pas une page de 1 à 3"),
        "{screen}"
    );
    assert!(
        screen.contains("   1. Entreprise (décroissant)"),
        "{screen}"
    );
}

test_on_both_backends!(lists_sort_by_a_column_and_jump_to_a_page);

async fn deletion_asks_for_confirmation(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let atelier = support::customer_id(&database, "Atelier Lumière")
        .await
        .to_string();
    let durand = support::customer_id(&database, "Maison Durand")
        .await
        .to_string();
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "2", "6", &atelier, "2", "non", "2", "oui", "6", &durand, "2", "0", "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(screen.contains("Supprimer le client Atelier Lumière ? Tapez « oui » pour confirmer : non\nSuppression annulée."), "{screen}");
    assert!(screen.contains("Client supprimé."), "{screen}");
    assert!(screen.contains("Erreur : le client Maison Durand ne peut pas être supprimé : 4 contrats lui sont rattachés"), "{screen}");
    // The core said no before anything was asked.
    assert!(
        !screen.contains("Supprimer le client Maison Durand ?"),
        "{screen}"
    );
    let remaining: Vec<String> = customer::Entity::find()
        .order_by_asc(customer::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.company_name)
        .collect();
    assert_eq!(remaining, ["Maison Durand", "Brasserie des Quais"]);
}

test_on_both_backends!(deletion_asks_for_confirmation);

/// A record's screen offers its related records, each opened in one step, and « Retour »
/// comes back through them to the list's page.
async fn related_records_open_from_a_record(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "support1",
            // Tous les clients, Maison Durand (row 2), its first event, back, its first
            // contract, that contract's customer, back ×3 to the list, back ×2.
            &[
                "2", "1", "2", "31", "0", "21", "41", "0", "0", "0", "0", "0",
            ],
        ),
    );
    let screen = &output.stdout;
    let customer = &screen[screen.find("\nClient n°2 — Maison Durand\n").unwrap()..];
    for entry in [
        "  21. Contrat CTR-2026-0001 — 12 000,00 € — reste 12 000,00 € — non signé\n",
        "  22. Contrat CTR-2026-0002 — 8 500,00 € — reste 3 250,50 € — signé\n",
        "  24. Contrat CTR-2026-0004 — 15 000,00 € — reste 0,00 € — signé\n",
        "  31. Évènement EVT-2026-0001 — 18/03/2027 08:00 — Séminaire annuel Maison Durand\n",
        "  32. Évènement EVT-2026-0002 — ",
    ] {
        assert!(customer.contains(entry), "{entry} in {customer}");
    }
    let event = &screen[screen.find("\nÉvènement EVT-2026-0001 — ").unwrap()..];
    assert!(
        event.contains("  E-mail du contact    : paul.durand@maison-durand.fr\n"),
        "{event}"
    );
    assert!(
        event.contains("  Téléphone du contact : +33 4 78 00 00 02\n"),
        "{event}"
    );
    assert!(event.contains("  21. Contrat CTR-2026-0004\n"), "{event}");
    assert!(event.contains("  41. Client Maison Durand\n"), "{event}");
    let contract = &screen[screen.find("\nContrat CTR-2026-0001\n").unwrap()..];
    assert!(
        contract.contains("  41. Client Maison Durand\n"),
        "{contract}"
    );
    // The customer screen three times (first, after the event, after the contract's
    // customer and the contract), then the list again.
    assert_eq!(
        screen.matches("\nClient n°2 — Maison Durand\n").count(),
        4,
        "{screen}"
    );
    assert_eq!(
        screen
            .matches("\nTous les clients — 3 clients — page 1/1\n")
            .count(),
        2,
        "{screen}"
    );
}

test_on_both_backends!(related_records_open_from_a_record);

/// Contracts and events are asked for by the numbers people see (`CTR-…`, `EVT-…`, in any
/// letter case), or their internal number.
async fn contracts_and_events_are_found_by_their_numbers(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "3",
                "6",
                "ctr-2026-0002",
                "0",
                "6",
                "CTR-2026-0999",
                "",
                "0",
                "4",
                "6",
                "EVT-2026-0003",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(screen.contains("\nContrat CTR-2026-0002\n"), "{screen}");
    assert!(
        screen.contains(
            "Erreur : numéro de contrat : aucun contrat ne porte le numéro « CTR-2026-0999 »"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("\nÉvènement EVT-2026-0003 — Inauguration de la Brasserie des Quais\n"),
        "{screen}"
    );
}

test_on_both_backends!(contracts_and_events_are_found_by_their_numbers);

/// Searching from every « Gestion des … » menu, regardless of letter case and accents:
/// a customer by part of its company without the accent, opened from the results and
/// left back to them; contracts by number and by customer; events by words and dates.
async fn searches_ignore_case_and_accents(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "2",
                "5",
                "LUMIERE",
                "1",
                "0",
                "0",
                "5",
                "durand PAUL",
                "1",
                "31",
                "0",
                "0",
                "0",
                "0",
                "3",
                "5",
                "ctr-2026-000",
                "0",
                "5",
                "quais",
                "0",
                "0",
                "4",
                "5",
                "chateau",
                "",
                "",
                "0",
                "5",
                "",
                "01/01/2027 00:00",
                "01/04/2027 00:00",
                "0",
                "5",
                "",
                "hier",
                "",
                "",
                "0",
                "0",
                "1",
                "5",
                "fontaine",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    for expected in [
        "Clients — « LUMIERE » — 1 client — page 1/1",
        "│ 1 │ Atelier Lumière │ Laurent │ Sophie │",
        "Client n°1 — Atelier Lumière",
        "Clients — « durand PAUL » — 1 client — page 1/1",
        "Contrats — « ctr-2026-000 » — 6 contrats — page 1/1",
        "Contrats — « quais » — 2 contrats — page 1/1",
        "Évènements — « chateau » — 1 évènement — page 1/1",
        "│ 1 │ EVT-2026-0001 │ 18/03/2027 08:00 │ Séminaire annuel Maison Durand",
        "Évènements — du 01/01/2027 00:00 au 01/04/2027 00:00 — 2 évènements — page 1/1",
        "Erreur : début au plus tôt : n'est pas une date valide",
        "Utilisateurs — « fontaine » — 1 utilisateur — page 1/1",
    ] {
        assert!(screen.contains(expected), "{expected} in {screen}");
    }
    // Found without its accent, opened, its event opened from its screen, then back
    // through them to the same results.
    assert_eq!(
        screen
            .matches("Clients — « durand PAUL » — 1 client — page 1/1")
            .count(),
        2,
        "{screen}"
    );
    assert!(
        screen.contains("\nÉvènement EVT-2026-0001 — Séminaire annuel Maison Durand\n"),
        "{screen}"
    );
    // Opened from the results and left: the results again.
    assert_eq!(
        screen
            .matches("Clients — « LUMIERE » — 1 client — page 1/1")
            .count(),
        2,
        "{screen}"
    );
}

test_on_both_backends!(searches_ignore_case_and_accents);

async fn a_typed_command_with_a_password_is_not_echoed(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "support2",
            &[r#"changer_mon_mot_de_passe("demo-epic-events", "un nouveau mot de passe")"#],
        ),
    );
    assert!(
        !output.stdout.contains("un nouveau mot de passe"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("(ligne masquée : elle contient un mot de passe)"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("Enregistré :\n- modifié 1 utilisateur : support2"),
        "{}",
        output.stdout
    );
    let secret = epic_events_core::authentication::token::JwtSecret::new(vec![5; 32]).unwrap();
    let signed_in = epic_events_core::services::authentication_service::sign_in(
        &database.connection,
        "support2",
        "un nouveau mot de passe",
        epic_events_api::formatting::Zone::of_this_machine(),
        &epic_events_core::authentication::token::SessionKeys::new(
            secret.clone(),
            chrono::Duration::hours(1),
        ),
    )
    .await;
    assert!(signed_in.is_ok(), "the new password works");
}

test_on_both_backends!(a_typed_command_with_a_password_is_not_echoed);

/// A typed command run from a record's screen shows its result, then the record's screen
/// again, whole: the number typed next acts on the record on screen — never on one the
/// command's output pushed out of sight (issue: after `client(4)`, `1` began changing
/// another record).
async fn a_number_after_a_typed_command_acts_on_the_record_on_screen(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let durand = support::customer_id(&database, "Maison Durand").await;
    let lumiere = support::customer_id(&database, "Atelier Lumière").await;
    let first_name = |id: i32| {
        let database = &database;
        async move {
            customer::Entity::find_by_id(id)
                .one(&database.connection)
                .await
                .unwrap()
                .unwrap()
                .customer_first_name
        }
    };
    let lumiere_before = first_name(lumiere).await;
    let command = format!("client({lumiere})");
    let durand_text = durand.to_string();
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "2",
                "6",
                &durand_text,
                "1",
                &command,
                "1",
                "Jeanne",
                "0",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    // The command's result, then Maison Durand's screen again before the field's prompt.
    let command_result = screen
        .find("Atelier Lumière")
        .unwrap_or_else(|| panic!("no result of the command:\n{screen}"));
    let after = &screen[command_result..];
    let again = after
        .find("Modifier le client Maison Durand")
        .unwrap_or_else(|| panic!("the record's screen was not shown again:\n{after}"));
    let prompt = after
        .find("Nouvelle valeur pour « prénom »")
        .unwrap_or_else(|| panic!("no prompt:\n{after}"));
    assert!(again < prompt, "{after}");
    assert_eq!(first_name(durand).await, "Jeanne", "{screen}");
    assert_eq!(first_name(lumiere).await, lumiere_before, "{screen}");
}

test_on_both_backends!(a_number_after_a_typed_command_acts_on_the_record_on_screen);

/// Recording a payment and signing are actions of the contract's screen: the amount is
/// asked beside what is due, a refused amount is explained and asked again, the
/// confirmation says what will be left, « non » writes nothing, and the receipt says what
/// the core saved; a paid contract offers no payment, a signed one no signature.
async fn payments_and_signatures_are_actions_of_the_contract_screen(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "3",
                "6",
                "CTR-2026-0002",
                "6",
                "5000",
                "1 250,50",
                "non",
                "6",
                "1 250,50",
                "oui",
                "6",
                "2000",
                "oui",
                "0",
                "6",
                "CTR-2026-0001",
                "7",
                "non",
                "7",
                "oui",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        screen.contains("Paiement sur le contrat CTR-2026-0002 — reste à payer : 3 250,50 €"),
        "{screen}"
    );
    // Too much: the core's refusal, then the amount asked again.
    let refusal = screen
        .find("Erreur : montant payé")
        .unwrap_or_else(|| panic!("no refusal:\n{screen}"));
    assert!(
        screen[refusal..].contains("dépasse le reste à payer"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Enregistrer un paiement de 1 250,50 € sur le contrat CTR-2026-0002 ? Il restera 2 000,00 € à payer."
        ),
        "{screen}"
    );
    assert!(screen.contains("Paiement annulé."), "{screen}");
    assert!(
        screen.contains("Paiement de 1 250,50 € enregistré : reste 2 000,00 € à payer."),
        "{screen}"
    );
    assert!(
        screen.contains("Paiement de 2 000,00 € enregistré : le contrat CTR-2026-0002 est soldé."),
        "{screen}"
    );
    // Paid: the screen shown after the receipt offers no payment any more.
    let paid = &screen[screen.find("est soldé.").unwrap()..];
    let paid_menu = &paid[..paid.find("Votre choix").unwrap()];
    assert!(paid_menu.contains("Reste à payer  : 0,00 €"), "{paid_menu}");
    assert!(
        !paid_menu.contains("Enregistrer un paiement"),
        "{paid_menu}"
    );

    assert!(
        screen.contains(
            "Signer le contrat CTR-2026-0001 (12 000,00 € pour Maison Durand) ? Une signature est définitive."
        ),
        "{screen}"
    );
    assert!(screen.contains("Signature annulée."), "{screen}");
    assert!(screen.contains("Contrat CTR-2026-0001 signé."), "{screen}");
    let signed = &screen[screen.find("Contrat CTR-2026-0001 signé.").unwrap()..];
    let signed_menu = &signed[..signed.find("Votre choix").unwrap()];
    assert!(
        signed_menu.contains("Signé          : oui"),
        "{signed_menu}"
    );
    assert!(!signed_menu.contains("Signer le contrat"), "{signed_menu}");

    let stored = |number: &'static str| {
        let database = &database;
        async move {
            contract::Entity::find()
                .filter(contract::Column::ContractNumber.eq(number))
                .one(&database.connection)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let paid = stored("CTR-2026-0002").await;
    assert_eq!(paid.balance_due.to_string(), "0.00");
    assert!(stored("CTR-2026-0001").await.signed);
}

test_on_both_backends!(payments_and_signatures_are_actions_of_the_contract_screen);

/// A mistyped password is said, then asked again for the same username — not a trip back
/// to « Accueil » to type `1` and the username again; an empty password then lets the
/// person type another username.
async fn a_wrong_password_is_asked_again(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let input = "1\nsales2\nmauvais-secret-1\ndemo-epic-events\n99\n2\n";
    let output = run_shell_in(Some(&database.url), directory.path(), &[], input);
    assert!(
        output.stdout.contains("Connecté en tant que sales2"),
        "{output:?}"
    );
    assert_eq!(
        output.stdout.matches("\nConnexion\n").count(),
        1,
        "{output:?}"
    );
    assert!(
        output
            .stdout
            .contains("Mot de passe (vide pour changer d'identifiant) : "),
        "{output:?}"
    );
    assert_eq!(
        output
            .stdout
            .matches("Erreur : identifiant ou mot de passe incorrect\n")
            .count(),
        1,
        "{output:?}"
    );

    let input = "1\nsales2\nmauvais-secret-1\n\nsupport1\ndemo-epic-events\n99\n2\n";
    let output = run_shell_in(Some(&database.url), directory.path(), &[], input);
    assert!(
        output.stdout.contains("Connecté en tant que support1"),
        "{output:?}"
    );
    assert!(
        !output.stdout.contains("Connecté en tant que sales2"),
        "{output:?}"
    );
}

test_on_both_backends!(a_wrong_password_is_asked_again);

/// « Exporter … vers un tableur » in a menu asks for a file name and writes every record
/// there as a workbook; a file already there is replaced only once confirmed.
async fn menus_export_to_a_workbook(backend: crate::support::Backend) {
    use calamine::Reader;
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let lines = signed_in(
        "manager1",
        &["3", "10", "contrats", "10", "contrats.xlsx", "non", "", "0"],
    );
    let input = lines.join("\n") + "\n";
    let output = run_shell_in(Some(&database.url), directory.path(), &[], &input);
    assert!(output.success, "{output:?}");
    assert_eq!(
        output
            .stdout
            .matches("Classeur enregistré : contrats.xlsx (")
            .count(),
        1,
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains(
            "« contrats.xlsx » existe déjà : le remplacer ? Tapez « oui » pour confirmer"
        ),
        "{}",
        output.stdout
    );
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(directory.path().join("contrats.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("Résultat 1").unwrap();
    assert_eq!(sheet.rows().count(), 7, "a header and six contracts");
}

test_on_both_backends!(menus_export_to_a_workbook);

/// Help in context: `aide`, `?` or `help` on a screen explains that screen's entries and
/// keys, then points to `aide fonctions` and `aide NOM`; `aide NOM` details a function (or
/// says which was meant); « q » goes back; `epic-events aide NOM` does the same outside.
async fn help_is_about_the_screen_at_hand(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "2",
                "?",
                "help creer_client",
                "aide(\"mes_clients\")",
                "2",
                "aide",
                "q",
                "q",
            ],
        ),
    );
    let screen = &output.stdout;
    let clients = &screen[screen
        .find("Aide — Gestion des clients\n")
        .expect("the help of the customers' menu")..];
    assert!(
        clients.contains("      5  Rechercher un client\n"),
        "{clients}"
    );
    assert!(clients.contains("      0  Retour\n"), "{clients}");
    assert!(clients.contains("« aide fonctions »"), "{clients}");
    assert!(clients.contains("« aide NOM »"), "{clients}");
    assert!(
        screen.contains("creer_client(#{prenom, nom, email, telephone, entreprise})\n    "),
        "{screen}"
    );
    assert!(screen.contains("mes_clients()\n    "), "{screen}");
    let list = &screen[screen
        .find("Aide — Que faire ?")
        .expect("the help of a list")..];
    assert!(list.contains("ouvre la ligne"), "{list}");
    // « q » twice: from the list back to the menu, from the menu back to the main menu.
    assert_eq!(screen.matches("\nMenu principal — ").count(), 2, "{screen}");
    assert!(!screen.contains("Erreur"), "{screen}");

    let output = run_binary_in(
        Some(&database.url),
        tempfile::tempdir().unwrap().path(),
        &["aide", "creer_client"],
        "",
    );
    assert!(output.success, "{output:?}");
    assert!(
        output
            .stdout
            .starts_with("creer_client(#{prenom, nom, email, telephone, entreprise})\n    "),
        "{output:?}"
    );
    let output = run_binary_in(
        Some(&database.url),
        tempfile::tempdir().unwrap().path(),
        &["aide", "creer_clien"],
        "",
    );
    assert_eq!(output.code, Some(1), "{output:?}");
    assert!(
        output
            .stderr
            .contains("aucune fonction « creer_clien » ; vouliez-vous dire creer_client ?"),
        "{output:?}"
    );
}

test_on_both_backends!(help_is_about_the_screen_at_hand);

/// Forms forgive a slip: an empty required field after others were typed asks whether to
/// give up (« non »: the field again, nothing lost); the password's rule is in its prompt;
/// dates are read as typed: a day alone, `18h`, `18h30`.
async fn forms_forgive_slips(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let contract = contract_id(&database, "CTR-2026-0002").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "2",
                "7",
                "Claire",
                "",
                "non",
                "Vasseur",
                "claire@vasseur.fr",
                "+33 3 20 00 00 09",
                "Vasseur & Fils",
                "0",
                "0",
                // An event on a signed contract: a start at « 18h », an end a day alone.
                "3",
                "6",
                &contract,
                "3",
                "Cocktail",
                "20/05/2027 18h",
                "21/05/2027",
                "Lille",
                "40",
                "",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        screen.contains("Ce champ est obligatoire. Abandonner la saisie et ce qui a été tapé ? Tapez « oui » pour confirmer"),
        "{screen}"
    );
    assert!(
        screen.contains("Client n°"),
        "created after the slip: {screen}"
    );
    assert!(
        screen.contains("  Début                : 20/05/2027 18:00\n"),
        "{screen}"
    );
    assert!(
        screen.contains("  Fin                  : 21/05/2027 23:59\n"),
        "{screen}"
    );

    let output = shell(
        &database,
        &signed_in("manager1", &["1", "7", "Jean", "", "oui", "0"]),
    );
    assert!(
        output.stdout.contains("Saisie annulée."),
        "{}",
        output.stdout
    );
    let output = shell(&database, &signed_in("manager1", &["1", "7", "", "0"]));
    assert!(
        !output.stdout.contains("Abandonner la saisie"),
        "nothing typed: given up at once\n{}",
        output.stdout
    );
}

test_on_both_backends!(forms_forgive_slips);

/// A form says what it can know as soon as it is typed: an e-mail already someone's before
/// the password is asked; a username the core stores in lower case; a balance above the
/// total and an end before the start right after the second of the two is typed; a date a
/// search cannot read before the next question.
async fn forms_check_each_field_as_soon_as_it_can(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "1",
                "7",
                "Camille",
                "Bernard",
                "CAMILLE.BERNARD@epic-events.fr",
                "camille.b@epic-events.fr",
                "+33 6 40 00 00 02",
                "Camille.B",
                "3",
                "un mot de passe solide",
                "un mot de passe solide",
                "0",
                "0",
                "3",
                "7",
                "atelier LUMIERE",
                "100",
                "200",
                "50",
                "",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    let refused_email = screen
        .find("Erreur : adresse e-mail : cette valeur est déjà utilisée")
        .unwrap_or_else(|| panic!("{screen}"));
    let password_asked = screen.find("Mot de passe (").unwrap();
    assert!(
        refused_email < password_asked,
        "refused when typed, not after the password\n{screen}"
    );
    assert!(
        screen.contains("Identifiant enregistré en minuscules : « camille.b »"),
        "{screen}"
    );
    assert!(
        screen.contains("Utilisateur créé : n°8 camille.b."),
        "{screen}"
    );
    let refused_balance = screen
        .find("ne peut pas dépasser le montant total (100,00 €)")
        .unwrap_or_else(|| panic!("{screen}"));
    let signed_asked = screen[refused_balance..].find("Signé");
    assert!(signed_asked.is_some(), "{screen}");
    assert!(
        !screen[..refused_balance].contains("Signé ("),
        "refused before the next field\n{screen}"
    );
    assert!(screen.contains("Contrat créé : CTR-"), "{screen}");

    let contract = contract_id(&database, "CTR-2026-0002").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "sales2",
            &[
                "3",
                "6",
                &contract,
                "3",
                "Cocktail",
                "20/05/2027 18h",
                "19/05/2027",
                "21/05/2027",
                "Lille",
                "40",
                "",
                "0",
                "0",
                "0",
                "4",
                "5",
                "",
                "32/13/2027",
                "01/01/2027",
                "",
                "0",
                "0",
            ],
        ),
    );
    let screen = &output.stdout;
    let refused_end = screen
        .find("fin : doit être postérieure au début")
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        !screen[..refused_end].contains("Lieu"),
        "refused before the location is asked\n{screen}"
    );
    assert!(screen.contains("Évènement créé : EVT-"), "{screen}");
    let refused_date = screen
        .find("32/13/2027")
        .and_then(|typed| screen[typed..].find("Erreur").map(|at| typed + at))
        .unwrap_or_else(|| panic!("{screen}"));
    let until_asked = screen
        .find("Début au plus tard")
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(refused_date < until_asked, "{screen}");
    assert!(screen.contains("Évènements — du 01/01/2027"), "{screen}");
}

test_on_both_backends!(forms_check_each_field_as_soon_as_it_can);

/// A typed command's list of records is a list like the menus': counted, paged, each row
/// opening its record's screen, « Retour » coming back to it, then to the screen the
/// command was typed at; other values are written as they are.
async fn typed_command_lists_open_like_the_menus(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "contrats()",
                "2",
                "0",
                "0",
                "evenements().len()",
                "3",
                "mes_clients()",
            ],
        ),
    );
    let screen = &output.stdout;
    let list = "\ncontrats() — 6 contrats — page 1/1\n";
    assert_eq!(
        screen.matches(list).count(),
        2,
        "shown, then again\n{screen}"
    );
    let opened = screen
        .find("\nContrat CTR-2026-0002\n")
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(screen.find(list).unwrap() < opened, "{screen}");
    assert!(
        screen[opened..].contains("   6. Enregistrer un paiement"),
        "the contract's own screen\n{screen}"
    );
    // Back at the main menu after the list: « 3 » is its entry, not a row of the list.
    assert!(screen.contains("\n4\n"), "{screen}");
    assert!(screen.contains("\nGestion des contrats\n"), "{screen}");
    // A list the core cannot type (empty): written as it is.
    assert!(
        screen.contains("mes_clients()\n(aucun résultat)\n"),
        "{screen}"
    );
}

test_on_both_backends!(typed_command_lists_open_like_the_menus);

/// A sales user leaving: from their screen, management hands all their customers to a
/// colleague, after confirming; then the account can be deleted.
async fn management_hands_customers_over_from_a_sales_users_screen(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let hugo = support::user_id(&database, "sales2").await.to_string();
    let output = shell(
        &database,
        &signed_in(
            "manager1",
            &[
                "1", "6", &hugo, "8", "sales9", "sales3", "oui", "2", "oui", "0",
            ],
        ),
    );
    let screen = &output.stdout;
    assert!(
        screen.contains("   8. Confier ses clients à un autre commercial\n"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Confier tous les clients de Hugo Lefèvre à Léa Moreau ? Tapez « oui » pour confirmer"
        ),
        "{screen}"
    );
    assert!(
        screen.contains(" clients confiés à Léa Moreau."),
        "{screen}"
    );
    assert!(screen.contains("Utilisateur supprimé."), "{screen}");
}

test_on_both_backends!(management_hands_customers_over_from_a_sales_users_screen);
