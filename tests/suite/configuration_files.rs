//! The configuration directory, used as a careful Unix program does: refused when others
//! may write in it, and no link planted at the name of a file the program writes — the
//! session token, the generated secret, the log, the shell's history — is followed: the
//! file it points to stays as it was.

use crate::support;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use support::terminal::Terminal;
use support::{TestDatabase, run_binary_in};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
}

async fn a_configuration_directory_others_may_write_in_is_refused(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let config = directory.path().join("config");
    std::fs::create_dir(&config).unwrap();
    for (permissions, shown) in [(0o770, "770"), (0o707, "707"), (0o777, "777")] {
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(permissions)).unwrap();
        let output = run_binary_in(
            Some(&database.url),
            directory.path(),
            &["connexion", "--utilisateur", "manager1"],
            "demo-epic-events\n",
        );
        assert_eq!(output.code, Some(1), "{output:?}");
        assert_eq!(
            output.stderr,
            format!(
                "Erreur : le dossier de configuration {path} est modifiable par d'autres utilisateurs (droits {shown}) : rendez-le privé avec « chmod 700 {path} »\n",
                path = config.display()
            )
        );
        assert_eq!(
            std::fs::read_dir(&config).unwrap().count(),
            0,
            "nothing written there"
        );
    }
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o700)).unwrap();
    let output = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(output.success, "{output:?}");
}

async fn links_planted_in_the_configuration_directory_are_never_followed(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let config = directory.path().join("config");
    std::fs::create_dir(&config).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o700)).unwrap();
    let targets = directory.path().join("cibles");
    std::fs::create_dir(&targets).unwrap();
    let planted = [
        "session.jwt",
        "jwt-secret",
        "epic-events.log",
        "historique-manager1",
    ];
    for name in planted {
        let target = targets.join(name);
        std::fs::write(&target, format!("{name} : à ne pas toucher\n")).unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        symlink(&target, config.join(name)).unwrap();
    }
    let run = |arguments: &[&str], input: &str| {
        run_binary_in(Some(&database.url), directory.path(), arguments, input)
    };

    // The secret is read, never through a link: refused, with what to do.
    let refused = run(
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("c'est un lien symbolique ou un fichier qui n'est pas à vous : supprimez-le"),
        "{refused:?}"
    );
    std::fs::remove_file(config.join("jwt-secret")).unwrap();

    // The token replaces the link at its name; the log is not written through one.
    let signed_in = run(
        &["connexion", "--utilisateur", "manager1"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    assert!(!is_link(&config.join("session.jwt")));
    assert_eq!(mode(&config.join("session.jwt")), 0o600);
    assert_eq!(mode(&config.join("jwt-secret")), 0o600);
    let me = run(&["moi"], "");
    assert!(me.success, "{me:?}");
    assert!(is_link(&config.join("epic-events.log")));

    // The shell at a terminal: a typed command is remembered, but not through the link.
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
        terminal.wait_for_prompt("« aide ») :");
        terminal.line("1");
        terminal.wait_for_prompt("(vide pour revenir) :");
        terminal.line("manager1");
        terminal.wait_for_prompt("Mot de passe :");
        terminal.secret_line("demo-epic-events");
        terminal.wait_for("Menu principal");
        terminal.wait_for_prompt("« aide ») :");
        terminal.line("moi()");
        terminal.wait_for("Identifiant");
        terminal.wait_for_prompt("« aide ») :");
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
    assert!(is_link(&config.join("historique-manager1")));

    let signed_out = run(&["deconnexion"], "");
    assert!(signed_out.success, "{signed_out:?}");
    for name in planted {
        let target = targets.join(name);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            format!("{name} : à ne pas toucher\n"),
            "{name}"
        );
        assert_eq!(mode(&target), 0o644, "{name}");
    }
    // No temporary file left behind in the directory.
    let left: Vec<String> = std::fs::read_dir(&config)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `.env` is read from the working directory only: one two levels up does not redirect
/// the program to another database.
#[test]
fn dot_env_is_read_from_the_working_directory_only() {
    let directory = tempfile::tempdir().unwrap();
    let working = directory.path().join("a").join("b");
    std::fs::create_dir_all(&working).unwrap();
    std::fs::write(
        directory.path().join(".env"),
        "DATABASE_URL=sqlite://intrus.db?mode=rwc\n",
    )
    .unwrap();
    let status = support::run_binary_in(None, &working, &["base", "etat"], "");
    assert!(status.success, "{status:?}");
    assert!(
        status
            .stdout
            .starts_with("Base : sqlite://epic_events.db?mode=rwc\n"),
        "{status:?}"
    );
    std::fs::write(
        working.join(".env"),
        "DATABASE_URL=sqlite://ici.db?mode=rwc\n",
    )
    .unwrap();
    let status = support::run_binary_in(None, &working, &["base", "etat"], "");
    assert!(
        status
            .stdout
            .starts_with("Base : sqlite://ici.db?mode=rwc\n"),
        "{status:?}"
    );
    assert!(!directory.path().join("intrus.db").exists());
}

/// A database URL that does not parse is shown and logged with nothing after its scheme:
/// its password never appears.
#[test]
fn an_unparseable_database_url_never_shows_its_password() {
    let directory = tempfile::tempdir().unwrap();
    let mut command = support::binary_command(None, directory.path(), &["base", "etat"]);
    command.env("DATABASE_URL", "mysql://root:S3cretPW@[bad/nodb");
    let output = support::run_command(command, "");
    assert_eq!(output.code, Some(1), "{output:?}");
    assert_eq!(
        output.stderr,
        "Erreur : DATABASE_URL n'est pas une adresse valide (« mysql://… ») : mysql://utilisateur:mot-de-passe@hôte:port/base\n"
    );
    let log = std::fs::read_to_string(directory.path().join("config").join("epic-events.log"))
        .unwrap_or_default();
    for shown in [&output.stdout, &output.stderr, &log] {
        assert!(!shown.contains("S3cret"), "{shown}");
    }
}

test_on_both_backends!(
    a_configuration_directory_others_may_write_in_is_refused,
    links_planted_in_the_configuration_directory_are_never_followed,
);

/// A number of database connections that is not one is refused at start, in French,
/// naming the variable and its range.
#[test]
fn a_bad_number_of_connections_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    for value in ["0", "zéro", "1001"] {
        let mut command = support::binary_command(None, directory.path(), &["moi"]);
        command.env("EPIC_EVENTS_DATABASE_CONNECTIONS", value);
        let output = support::run_command(command, "");
        assert!(!output.success, "{value}: {output:?}");
        assert_eq!(
            output.stderr.trim(),
            "Erreur : EPIC_EVENTS_DATABASE_CONNECTIONS doit être un nombre entier de connexions entre 1 et 1000",
            "{value}"
        );
    }
}
