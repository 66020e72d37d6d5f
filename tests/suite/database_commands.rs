//! `epic-events base migrer | etat | reinitialiser`, run as a user would: through the binary.

use crate::support;

use std::collections::BTreeSet;

use epic_events_core::database::url::DatabaseUrl;
use epic_events_core::entities::{
    contract, customer, event, permission, role, role_permission, user,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use support::{TestDatabase, run_binary};

async fn assert_exactly_the_demo_data(database: &TestDatabase) {
    assert_eq!(database.count(role::Entity).await, 3);
    assert_eq!(database.count(permission::Entity).await, 15);
    assert_eq!(database.count(role_permission::Entity).await, 23);
    assert_eq!(database.count(user::Entity).await, 7);
    assert_eq!(database.count(customer::Entity).await, 3);
    assert_eq!(database.count(contract::Entity).await, 6);
    assert_eq!(database.count(event::Entity).await, 4);
    let usernames: BTreeSet<String> = user::Entity::find()
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.username)
        .collect();
    assert_eq!(
        usernames,
        [
            "manager1", "manager2", "sales1", "sales2", "sales3", "support1", "support2"
        ]
        .map(String::from)
        .into()
    );
}

/// Adds a customer that is not part of the demo data.
async fn add_extra_customer(database: &TestDatabase) {
    let sales = user::Entity::find()
        .all(&database.connection)
        .await
        .unwrap()[0]
        .id;
    customer::ActiveModel {
        user_sales_id: Set(sales),
        customer_first_name: Set("Extra".into()),
        customer_last_name: Set("Client".into()),
        email: Set("extra@exemple.fr".into()),
        phone_number: Set("+33 9 99 99 99 99".into()),
        company_name: Set("Extra SARL".into()),
        ..Default::default()
    }
    .insert(&database.connection)
    .await
    .unwrap();
}

async fn reset_twice_in_a_row_leaves_exactly_the_demo_data(backend: crate::support::Backend) {
    let mut database = TestDatabase::empty(backend).await;
    let first = database.run_binary(&["base", "reinitialiser", "--oui"], "");
    assert!(first.success, "{first:?}");
    assert!(first.stdout.contains("réinitialisée"), "{first:?}");
    database.reconnect().await;
    assert_exactly_the_demo_data(&database).await;
    add_extra_customer(&database).await;

    let second = database.run_binary(&["base", "reinitialiser", "--oui"], "");
    assert!(second.success, "{second:?}");
    database.reconnect().await;
    assert_exactly_the_demo_data(&database).await;
}

async fn reset_asks_for_confirmation_and_changes_nothing_without_it(
    backend: crate::support::Backend,
) {
    let mut database = TestDatabase::empty(backend).await;
    assert!(
        database
            .run_binary(&["base", "reinitialiser", "--oui"], "")
            .success
    );
    database.reconnect().await;
    add_extra_customer(&database).await;

    for answer in ["non\n", "", "o\n"] {
        let refused = database.run_binary(&["base", "reinitialiser"], answer);
        assert!(!refused.success, "{answer:?}: {refused:?}");
        assert!(
            refused.stderr.contains("Tapez « oui » pour confirmer"),
            "{refused:?}"
        );
        assert!(
            refused
                .stderr
                .contains("réinitialisation annulée : rien n'a été modifié"),
            "{refused:?}"
        );
        database.reconnect().await;
        assert_eq!(
            database.count(customer::Entity).await,
            4,
            "the extra customer is still there"
        );
    }

    let confirmed = database.run_binary(&["base", "reinitialiser"], "oui\n");
    assert!(confirmed.success, "{confirmed:?}");
    database.reconnect().await;
    assert_exactly_the_demo_data(&database).await;
}

async fn migrate_then_report_the_status(backend: crate::support::Backend) {
    let database = TestDatabase::empty(backend).await;
    let status = database.run_binary(&["base", "etat"], "");
    assert!(status.success, "{status:?}");
    assert!(
        status
            .stdout
            .contains("m20261122_000001_create_schema               en attente"),
        "{status:?}"
    );
    assert!(
        status.stdout.contains("7 migrations en attente"),
        "{status:?}"
    );

    let migrate = database.run_binary(&["base", "migrer"], "");
    assert!(migrate.success, "{migrate:?}");
    assert!(
        migrate
            .stdout
            .contains("Migration appliquée : m20261122_000001_create_schema"),
        "{migrate:?}"
    );
    assert!(
        migrate
            .stdout
            .contains("Migration appliquée : m20261122_000002_seed_roles_and_permissions"),
        "{migrate:?}"
    );
    assert!(
        migrate
            .stdout
            .contains("Migration appliquée : m20261124_000003_concurrent_use"),
        "{migrate:?}"
    );
    assert_eq!(
        database.count(user::Entity).await,
        0,
        "migrating loads no demo data"
    );
    assert_eq!(
        database.count(role::Entity).await,
        3,
        "but creates the roles"
    );

    let again = database.run_binary(&["base", "migrer"], "");
    assert!(
        again.stdout.contains("le schéma est déjà à jour"),
        "{again:?}"
    );
    let status = database.run_binary(&["base", "etat"], "");
    assert!(status.stdout.contains("appliquée le "), "{status:?}");
    assert!(status.stdout.contains("Schéma à jour."), "{status:?}");
}

test_on_both_backends!(
    reset_twice_in_a_row_leaves_exactly_the_demo_data,
    reset_asks_for_confirmation_and_changes_nothing_without_it,
    migrate_then_report_the_status
);

/// Slow by design: connecting to a port nobody listens on takes seconds.
mod slow {
    use super::*;

    #[test]
    fn an_unreachable_server_gives_a_short_french_message() {
        let url =
            DatabaseUrl::new("mysql://crm:motdepasse-secret@127.0.0.1:1/epic_events").unwrap();
        // The connection attempt lasts a few seconds: run both commands at once.
        let runs: Vec<_> = [
            &["base", "etat"][..],
            &["base", "reinitialiser", "--oui"][..],
        ]
        .into_iter()
        .map(|arguments| {
            let url = url.clone();
            std::thread::spawn(move || run_binary(Some(&url), arguments, ""))
        })
        .collect();
        for run in runs {
            let output = run.join().unwrap();
            assert!(!output.success);
            assert_eq!(output.code, Some(1));
            assert!(
                output.stderr.starts_with(
                    "Erreur : impossible d'utiliser la base de données mysql://crm:***@127.0.0.1:1"
                ) && output.stderr.ends_with(
                    " : le serveur ne répond pas à cette adresse : vérifiez DATABASE_URL et que le serveur est démarré\n"
                ),
                "{output:?}"
            );
            assert!(!output.stderr.contains("motdepasse-secret"), "{output:?}");
            assert!(!output.stderr.contains("SqlxError"), "{output:?}");
            assert_eq!(output.stderr.lines().count(), 1, "{output:?}");
        }
    }
}

#[test]
fn without_database_url_the_sqlite_file_of_the_working_directory_is_used() {
    let output = run_binary(None, &["base", "etat"], "");
    assert!(output.success, "{output:?}");
    assert!(
        output
            .stdout
            .starts_with("Base : sqlite://epic_events.db?mode=rwc"),
        "{output:?}"
    );
}

#[test]
fn usage_errors_are_french_with_status_2() {
    let output = run_binary(None, &["base", "detruire"], "");
    assert_eq!(output.code, Some(2));
    assert!(
        output
            .stderr
            .contains("Erreur : commande inconnue : « detruire »"),
        "{output:?}"
    );
    let help = run_binary(None, &["--help"], "");
    assert!(help.success);
    assert!(
        help.stdout.contains("Utilisation : epic-events"),
        "{help:?}"
    );
}

/// Each cause of a database that cannot be used has its own true sentence.
#[test]
fn each_unusable_database_says_why() {
    let directory = tempfile::tempdir().unwrap();
    let text_file = directory.path().join("notes.db");
    std::fs::write(&text_file, "bonjour, ceci n'est pas une base\n".repeat(200)).unwrap();
    let url = DatabaseUrl::new(format!("sqlite://{}", text_file.display())).unwrap();
    let output = run_binary(Some(&url), &["base", "etat"], "");
    assert_eq!(output.code, Some(1), "{output:?}");
    assert!(
        output
            .stderr
            .ends_with(" : ce fichier n'est pas une base SQLite\n"),
        "{output:?}"
    );

    // A real database whose pages were overwritten.
    let damaged = directory.path().join("abimee.db");
    let damaged_url = DatabaseUrl::new(format!("sqlite://{}?mode=rwc", damaged.display())).unwrap();
    let reset = run_binary(Some(&damaged_url), &["base", "reinitialiser", "--oui"], "");
    assert!(reset.success, "{reset:?}");
    let mut bytes = std::fs::read(&damaged).unwrap();
    for byte in bytes.iter_mut().skip(4096 * 3).take(4096 * 4) {
        *byte = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let output = run_binary(
        Some(&damaged_url),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert_eq!(output.code, Some(1), "{output:?}");
    assert!(
        output.stderr.ends_with(
            "le fichier de la base de données est endommagé : restaurez une sauvegarde\n"
        ),
        "{output:?}"
    );

    let Some(server) = support::mysql_server_url() else {
        return;
    };
    let unknown = DatabaseUrl::new(format!("{server}/epic_events_absente_de_ce_serveur")).unwrap();
    let output = run_binary(Some(&unknown), &["base", "etat"], "");
    assert!(
        output
            .stderr
            .contains(" : cette base n'existe pas sur le serveur : "),
        "{output:?}"
    );
    let mut wrong_password = url::Url::parse(&server).unwrap();
    wrong_password
        .set_password(Some("pas-le-bon-mot-de-passe"))
        .unwrap();
    let denied = DatabaseUrl::new(format!(
        "{}/epic_events",
        wrong_password.as_str().trim_end_matches('/')
    ))
    .unwrap();
    let output = run_binary(Some(&denied), &["base", "etat"], "");
    assert!(
        output.stderr.ends_with(
            " : accès refusé : vérifiez l'utilisateur et le mot de passe de DATABASE_URL\n"
        ),
        "{output:?}"
    );
    assert!(
        !output.stderr.contains("pas-le-bon-mot-de-passe"),
        "{output:?}"
    );
}

/// `base generer` says what it wrote with counts the French way, and at a terminal shows
/// how far it is while it works (then clears its bar).
async fn generation_counts_read_the_french_way(backend: crate::support::Backend) {
    let mut database = TestDatabase::empty(backend).await;
    let generated = database.run_binary(&["base", "generer", "--echelle", "0.02", "--oui"], "");
    assert!(generated.success, "{generated:?}");
    assert!(
        generated
            .stdout
            .contains("2 000 clients, 6 000 contrats, 10 000 évènements"),
        "{generated:?}"
    );
    let duration = says_seconds_to_the_tenth(&generated.stdout);
    assert!(duration, "« remplie en N,N s »: {generated:?}");
    database.reconnect().await;
    assert_eq!(database.count(customer::Entity).await, 2_000);
}

/// Whether `text` says « remplie en N,N s » (a decimal comma, one decimal).
fn says_seconds_to_the_tenth(text: &str) -> bool {
    text.split("remplie en ").nth(1).is_some_and(|rest| {
        let seconds = rest.split(" s :\n").next().unwrap_or_default();
        seconds.split_once(',').is_some_and(|(units, tenths)| {
            !units.is_empty()
                && units
                    .chars()
                    .all(|digit| digit.is_ascii_digit() || digit == ' ')
                && tenths.len() == 1
                && tenths.chars().all(|digit| digit.is_ascii_digit())
        })
    })
}

test_on_both_backends!(generation_counts_read_the_french_way);

/// At a terminal, `base generer` shows how far it is while it works, then clears the bar
/// and says what it wrote.
async fn generation_shows_its_progress_at_a_terminal(backend: crate::support::Backend) {
    let database = TestDatabase::empty(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let terminal = crate::support::terminal::Terminal::start(
            &url,
            &path,
            &["base", "generer", "--echelle", "0.05", "--oui"],
            80,
            24,
        );
        let working = terminal.wait_for("lignes écrites sur 45 010");
        assert!(working.contains(" %"), "{working}");
        let done = terminal.wait_for("Mot de passe de tous les comptes");
        assert!(
            !done.contains("lignes écrites"),
            "the bar is cleared:\n{done}"
        );
        assert!(done.contains("5 000 clients"), "{done}");
        assert!(terminal.finish());
    })
    .await
    .unwrap();
}

test_on_both_backends!(slow: generation_shows_its_progress_at_a_terminal);
