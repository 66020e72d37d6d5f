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
            .contains("sans certificat, le serveur parle HTTP simple"),
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

/// The client trusts the system's authorities, or the one it is given: a server whose
/// certificate another authority signed is refused, in French, before anything is sent;
/// plain HTTP is for this machine only.
async fn a_client_refuses_a_certificate_it_does_not_trust(backend: support::Backend) {
    use epic_events_api::{Crm, Forwarding};
    use epic_events_cli::remote::Remote;
    let database = TestDatabase::with_demo_data(backend).await;
    let server = support::start_server(support::client(&database, support::Client::Local));

    let untrusting = Forwarding::new(Remote::new(&server.address, None).unwrap());
    let refused = untrusting.ready().await.unwrap_err();
    assert!(
        refused
            .message
            .starts_with("certificat du serveur non reconnu"),
        "{refused}"
    );
    assert!(!refused.is_transient(), "waiting would not change it");

    let trusting = Forwarding::new(Remote::new(&server.address, Some(&server.authority)).unwrap());
    trusting.ready().await.unwrap();
    let signed_in = trusting
        .sign_in(
            "sales2".into(),
            "demo-epic-events".into(),
            epic_events_api::formatting::Zone::UTC,
        )
        .await
        .unwrap();
    assert_eq!(signed_in.user.username, "sales2");

    let plain = Remote::new("http://192.0.2.7:8443", None).err().unwrap();
    assert!(
        plain.message.contains("doit être joint en https://"),
        "{plain}"
    );
}

test_on_both_backends!(a_client_refuses_a_certificate_it_does_not_trust);

/// Sign-in attempts are throttled: ten a minute for one account, then « trop de
/// tentatives », the same for an account that does not exist; another account still signs
/// in.
async fn the_eleventh_sign_in_in_a_minute_is_throttled(backend: support::Backend) {
    use epic_events_api::formatting::Zone;
    use epic_events_api::{Crm, ErrorCode, Forwarding};
    use epic_events_cli::remote::Remote;
    let database = TestDatabase::with_demo_data(backend).await;
    let server = support::start_server(support::client(&database, support::Client::Local));
    let crm = Forwarding::new(Remote::new(&server.address, Some(&server.authority)).unwrap());
    for login in ["sales2", "personne"] {
        for attempt in 1..=10 {
            let refused = crm
                .sign_in(login.into(), "pas le bon mot de passe".into(), Zone::UTC)
                .await
                .unwrap_err();
            assert_eq!(
                refused.code,
                ErrorCode::WrongCredentials,
                "{login} {attempt}"
            );
        }
        let throttled = crm
            .sign_in(login.into(), "demo-epic-events".into(), Zone::UTC)
            .await
            .unwrap_err();
        assert_eq!(throttled.code, ErrorCode::TooManyAttempts, "{login}");
        assert_eq!(
            throttled.message,
            "trop de tentatives de connexion : réessayez dans une minute"
        );
    }
    let other = crm
        .sign_in("sales1".into(), "demo-epic-events".into(), Zone::UTC)
        .await
        .unwrap();
    assert_eq!(other.user.username, "sales1");
}

test_on_both_backends!(the_eleventh_sign_in_in_a_minute_is_throttled);
