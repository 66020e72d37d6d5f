//! The server mode, as a workstation uses it: the program given only a server's address.

use crate::support;

use support::{TestDatabase, run_binary_in, through_server};

/// A workstation with only the server's address signs in, says who it is, runs a bundled
/// script; its configuration directory then holds its session and nothing of the
/// database: no URL, no signing secret.
async fn a_workstation_holds_only_the_address_and_its_session(backend: support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    through_server(async {
        let signed_in = run_binary_in(
            Some(&database.url),
            directory.path(),
            &["connexion", "--utilisateur", "manager2"],
            "demo-epic-events\n",
        );
        assert!(signed_in.success, "{signed_in:?}");
        let me = run_binary_in(Some(&database.url), directory.path(), &["moi"], "");
        assert!(me.success, "{me:?}");
        assert!(me.stdout.starts_with("manager2 — "), "{}", me.stdout);
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scripts/impayes_par_commercial.rhai")
            .display()
            .to_string();
        let report = run_binary_in(
            Some(&database.url),
            directory.path(),
            &["executer", &script, "--format", "csv"],
            "",
        );
        assert!(report.success, "{report:?}");
        assert!(
            report.stdout.contains("Hugo Lefèvre,2,"),
            "{}",
            report.stdout
        );
    })
    .await;

    let config = directory.path().join("config");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&config).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        assert!(
            !text.contains(database.url.expose()),
            "{name} holds the database's URL"
        );
        names.push(name);
    }
    names.sort();
    assert!(names.contains(&"session.jwt".to_owned()), "{names:?}");
    assert!(
        !names.iter().any(|name| name.contains("secret")),
        "a signing secret on the workstation: {names:?}"
    );
}

test_on_both_backends!(a_workstation_holds_only_the_address_and_its_session);

/// In plain HTTP the server listens on a loopback address only: anything else is refused
/// at start-up, in French, before the database is touched.
#[test]
fn plain_http_is_refused_beyond_the_loopback() {
    let output = support::run_binary(None, &["serveur", "--adresse", "0.0.0.0:0"], "");
    assert!(!output.success, "{output:?}");
    assert!(
        output
            .stderr
            .contains("le serveur ne parle qu'en HTTP simple pour l'instant"),
        "{}",
        output.stderr
    );
    let output = support::run_binary(None, &["serveur", "--adresse", "pas une adresse"], "");
    assert!(!output.success, "{output:?}");
    assert!(
        output.stderr.contains("n'est pas une adresse d'écoute"),
        "{}",
        output.stderr
    );
}
