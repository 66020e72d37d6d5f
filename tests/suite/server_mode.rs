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

/// The server trusts no token it did not sign and still stands behind: one signed with
/// another key, one without a signature (`alg: none`), a signed-out one, an expired one,
/// one whose user's password was reset, one of a deleted user — each refused, as « votre
/// session n'est plus valide ».
async fn the_server_refuses_every_untrustworthy_token(backend: support::Backend) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use epic_events_api::catalogue::user::{NewUserInput, UserChanges};
    use epic_events_api::formatting::Zone;
    use epic_events_api::vocabulary::Role;
    use epic_events_api::{Crm, Forwarding, SessionToken};
    use epic_events_cli::remote::Remote;
    use epic_events_core::authentication::token::{Claims, JwtSecret, sign};

    let database = TestDatabase::with_demo_data(backend).await;
    let server = support::start_server(support::client(&database, support::Client::Local));
    let crm = Forwarding::new(Remote::new(&server.address, Some(&server.authority)).unwrap());
    let sign_in = |login: &'static str, password: &'static str| {
        crm.sign_in(login.into(), password.into(), Zone::UTC)
    };
    let refused = async |token: &SessionToken, what: &str| {
        let error = crm.session(token).await.unwrap_err();
        assert!(error.session_ended().is_some(), "{what}: {error}");
    };
    let sales2 = sign_in("sales2", "demo-epic-events").await.unwrap();
    crm.session(&sales2.token).await.unwrap();

    // Signed with another key.
    let claims = Claims::new(
        sales2.user.id,
        "sales2",
        Role::Sales,
        0,
        Zone::UTC,
        chrono::Utc::now(),
        chrono::Duration::hours(1),
    );
    let other_key = JwtSecret::new(b"another secret, just as long as it must be".to_vec()).unwrap();
    refused(&sign(&claims, &other_key).unwrap(), "another key").await;
    // No signature at all.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    );
    refused(&SessionToken::new(unsigned), "alg none").await;
    // Expired, with the server's own key.
    let server_key = JwtSecret::new(vec![5; 32]).unwrap();
    let expired = Claims::new(
        sales2.user.id,
        "sales2",
        Role::Sales,
        0,
        Zone::UTC,
        chrono::Utc::now() - chrono::Duration::hours(2),
        chrono::Duration::hours(1),
    );
    refused(&sign(&expired, &server_key).unwrap(), "expired").await;
    // Signed out.
    let short_lived = sign_in("sales1", "demo-epic-events").await.unwrap();
    crm.sign_out(&short_lived.token).await.unwrap();
    refused(&short_lived.token, "signed out").await;

    // A password reset by management, then a deleted account.
    let manager = sign_in("manager1", "demo-epic-events").await.unwrap();
    let reset = UserChanges {
        new_password: Some("un mot de passe remis à zéro".into()),
        ..UserChanges::default()
    };
    crm.update_user(&manager.token, sales2.user.id, reset, None)
        .await
        .unwrap();
    refused(&sales2.token, "password reset").await;
    let newcomer = crm
        .create_user(
            &manager.token,
            NewUserInput {
                first_name: "Jeanne".into(),
                last_name: "Essai".into(),
                email: "jeanne.essai@epic-events.fr".into(),
                phone_number: "+33 6 11 22 33 44".into(),
                username: "jessai".into(),
                password: "un mot de passe solide".into(),
            },
            Role::Support,
        )
        .await
        .unwrap();
    let newcomers = sign_in("jessai", "un mot de passe solide").await.unwrap();
    crm.delete_user(&manager.token, newcomer.id).await.unwrap();
    refused(&newcomers.token, "deleted user").await;
}

test_on_both_backends!(the_server_refuses_every_untrustworthy_token);

/// A request body larger than the server takes is refused from its announced length,
/// before it is read: the server never holds 100 MB for it.
async fn a_hundred_megabyte_request_is_refused_unread(backend: support::Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let database = TestDatabase::with_demo_data(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(epic_events_server::serve(
        listener,
        support::client(&database, support::Client::Local),
        Default::default(),
        std::future::pending(),
    ));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /v1/appel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{",
        )
        .await
        .unwrap();
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("an answer before the body is sent")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // The same server, in plain HTTP on this machine, serves a client.
    use epic_events_api::Crm;
    let client = epic_events_api::Forwarding::new(
        epic_events_cli::remote::Remote::new(&format!("http://{address}"), None).unwrap(),
    );
    client.ready().await.unwrap();
}

test_on_both_backends!(a_hundred_megabyte_request_is_refused_unread);

/// A request that arrives too slowly — a client that stops sending half-way — is
/// abandoned once its time is up, with a French answer, for a call and for a script run
/// alike; the server goes on serving.
async fn a_request_that_stops_arriving_is_abandoned(backend: support::Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let database = TestDatabase::with_demo_data(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limit = std::time::Duration::from_secs(1);
    tokio::spawn(epic_events_server::serve(
        listener,
        support::client(&database, support::Client::Local),
        epic_events_server::TimeLimits {
            call: limit,
            script: limit,
        },
        std::future::pending(),
    ));
    for path in ["/v1/appel", "/v1/script"] {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let started = std::time::Instant::now();
        stream
            .write_all(
                format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"").as_bytes(),
            )
            .await
            .unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0; 4096];
        while !String::from_utf8_lossy(&answer).contains("réessayez") {
            let read = tokio::time::timeout(limit * 10, stream.read(&mut buffer))
                .await
                .unwrap_or_else(|_| panic!("{path}: no answer for a request that stopped"))
                .unwrap();
            assert!(read > 0, "{path}: closed without an answer");
            answer.extend_from_slice(&buffer[..read]);
        }
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(
            started.elapsed() >= limit,
            "{path}: {:?}",
            started.elapsed()
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        assert!(
            answer.contains(
                "la requête est arrivée trop lentement : le serveur l'a abandonnée au bout de 1 s"
            ),
            "{path}: {answer}"
        );
    }

    // The server goes on serving.
    use epic_events_api::Crm;
    let client = epic_events_api::Forwarding::new(
        epic_events_cli::remote::Remote::new(&format!("http://{address}"), None).unwrap(),
    );
    client.ready().await.unwrap();
}

test_on_both_backends!(a_request_that_stops_arriving_is_abandoned);

/// The tables the server's account reads and writes, and those it only reads: what the
/// README's `GRANT` statements give it, and nothing else.
const WRITTEN_TABLES: [&str; 6] = [
    "user",
    "customer",
    "contract",
    "event",
    "number_sequence",
    "revoked_session",
];
const READ_TABLES: [&str; 4] = ["role", "permission", "role_permission", "seaql_migrations"];

/// Drops the MySQL account `name` when dropped (from a thread of its own: drop may run in
/// a runtime).
struct ServerAccount {
    server_url: String,
    name: String,
}

impl Drop for ServerAccount {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let url = epic_events_core::database::url::DatabaseUrl::new(server_url).unwrap();
                let server = epic_events_core::database::connect(&url).await.unwrap();
                let _ = sea_orm::ConnectionTrait::execute_unprepared(
                    &server,
                    &format!("DROP USER IF EXISTS '{name}'@'%'"),
                )
                .await;
            });
        })
        .join();
    }
}

/// The server's database account has data rights on the business tables and nothing
/// else: the server works with it (sign-in, a creation, a payment, a script, a sign-out),
/// and it can neither drop nor alter a table nor grant a right.
async fn the_servers_database_account_cannot_change_the_schema_or_grant() {
    use epic_events_api::formatting::Zone;
    use epic_events_api::{Crm, Forwarding};
    use sea_orm::ConnectionTrait;
    let database = TestDatabase::with_demo_data(support::Backend::MySql).await;
    let server_url = support::mysql_server_url().expect("a MySQL server");
    let database_name = database
        .url
        .expose()
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let account = ServerAccount {
        server_url,
        name: format!(
            "srv_{}",
            &database_name[database_name.len().saturating_sub(20)..]
        ),
    };
    let password = "un mot de passe de serveur";
    let root = &database.connection;
    root.execute_unprepared(&format!(
        "CREATE USER '{}'@'%' IDENTIFIED BY '{password}'",
        account.name
    ))
    .await
    .unwrap();
    for table in WRITTEN_TABLES {
        root.execute_unprepared(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON `{database_name}`.`{table}` TO '{}'@'%'",
            account.name
        ))
        .await
        .unwrap();
    }
    for table in READ_TABLES {
        root.execute_unprepared(&format!(
            "GRANT SELECT ON `{database_name}`.`{table}` TO '{}'@'%'",
            account.name
        ))
        .await
        .unwrap();
    }
    let url = epic_events_core::database::url::DatabaseUrl::new(format!(
        "mysql://{}:{}@127.0.0.1:3306/{database_name}",
        account.name,
        password.replace(' ', "%20")
    ))
    .unwrap();

    // The server works with it, through HTTPS.
    let keys = epic_events_core::authentication::token::SessionKeys::new(
        epic_events_core::authentication::token::JwtSecret::new(vec![7; 32]).unwrap(),
        chrono::Duration::hours(1),
    );
    let core = std::sync::Arc::new(epic_events_core::local::LocalCrm::connecting(
        url.clone(),
        keys,
    ));
    let server = support::start_server(core);
    let crm = Forwarding::new(
        epic_events_cli::remote::Remote::new(&server.address, Some(&server.authority)).unwrap(),
    );
    crm.ready().await.unwrap();
    let manager = crm
        .sign_in("manager1".into(), "demo-epic-events".into(), Zone::UTC)
        .await
        .unwrap();
    let contract = crm
        .contract_by_number(&manager.token, "CTR-2026-0002".into())
        .await
        .unwrap();
    crm.record_payment(&manager.token, contract.id, "10".into())
        .await
        .unwrap();
    let run = crm
        .run_script(
            &manager.token,
            epic_events_api::scripts::ScriptRequest {
                text: "utilisateurs().len()".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    run.result.unwrap();
    let sales = crm
        .sign_in("sales2".into(), "demo-epic-events".into(), Zone::UTC)
        .await
        .unwrap();
    crm.create_customer(
        &sales.token,
        epic_events_api::catalogue::customer::NewCustomer {
            first_name: "Rose".into(),
            last_name: "Serveur".into(),
            email: "rose@serveur.fr".into(),
            phone_number: "+33 6 70 00 00 01".into(),
            company_name: "Serveur et Fils".into(),
        },
    )
    .await
    .unwrap();
    crm.sign_out(&sales.token).await.unwrap();

    // And it cannot change the schema or give rights.
    let account_connection = epic_events_core::database::connect(&url).await.unwrap();
    for statement in [
        "DROP TABLE customer".to_owned(),
        "ALTER TABLE customer ADD COLUMN site_web VARCHAR(100)".to_owned(),
        format!(
            "GRANT SELECT ON `{database_name}`.`customer` TO '{}'@'%'",
            account.name
        ),
        "CREATE TABLE intrus (id INT)".to_owned(),
    ] {
        assert!(
            account_connection
                .execute_unprepared(&statement)
                .await
                .is_err(),
            "the server's account could run: {statement}"
        );
    }
    account_connection.close().await.ok();
}

test_on_mysql!(slow: the_servers_database_account_cannot_change_the_schema_or_grant);

/// A server process, killed when dropped if it still runs (a test that failed).
struct ServerProcess(std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The real server, `epic-events serveur` in plain HTTP on a loopback port over
/// `database`, started in `directory`, once it answers; its address.
async fn started_server_process(
    database: &TestDatabase,
    directory: &std::path::Path,
) -> (ServerProcess, String) {
    use epic_events_api::{Crm, Forwarding};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = ServerProcess(
        support::binary_command(
            Some(&database.url),
            directory,
            &["serveur", "--adresse", &format!("127.0.0.1:{port}")],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap(),
    );
    let address = format!("http://127.0.0.1:{port}");
    let crm = Forwarding::new(epic_events_cli::remote::Remote::new(&address, None).unwrap());
    for _ in 0..100 {
        if crm.ready().await.is_ok() {
            return (server, address);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

/// Forty creations, with some work between them so that the run lasts: `reads` readings
/// of every customer (time in the product's functions, not the script's own), and a loop
/// of `steps` (the script's own). `marker` makes the addresses its own.
fn forty_creations(marker: &str, reads: u32, steps: u32) -> String {
    format!(
        r#"for i in 0..40 {{ creer_client(#{{ prenom: "Paul", nom: "Arrêt", email: `paul.{marker}${{i}}@exemple.fr`, telephone: `+33 6 12 00 ${{10 + i}} 00`, entreprise: `Arrêt ${{i}}` }}); for k in 0..{reads} {{ clients(); }} let n = 0; for j in 0..{steps} {{ n += 1; }} }}"#
    )
}

/// SIGTERM during a script run: the server lets the run end — its forty creations all
/// written, never part of them — answers it, then stops.
async fn sigterm_during_a_run_lets_it_end_whole(backend: support::Backend) {
    use epic_events_api::formatting::Zone;
    use epic_events_api::{Crm, Forwarding};
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let (mut server, address) = started_server_process(&database, directory.path()).await;
    let crm = Forwarding::new(epic_events_cli::remote::Remote::new(&address, None).unwrap());
    let sales = crm
        .sign_in("sales2".into(), "demo-epic-events".into(), Zone::UTC)
        .await
        .unwrap();
    let before = database
        .count(epic_events_core::entities::customer::Entity)
        .await;
    let started = std::time::Instant::now();
    let run = crm.run_script(
        &sales.token,
        epic_events_api::scripts::ScriptRequest {
            text: forty_creations("arret", 10, 2_000),
            ..Default::default()
        },
    );
    let terminate = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let signalled = std::process::Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status()
            .unwrap();
        assert!(signalled.success());
    };
    let (run, ()) = tokio::join!(run, terminate);
    let run = run.expect("the run under way is answered");
    assert!(
        started.elapsed() > std::time::Duration::from_millis(500),
        "the run ended before the signal: {:?}",
        started.elapsed()
    );
    run.result.expect("the run ended whole");
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let after = database
        .count(epic_events_core::entities::customer::Entity)
        .await;
    assert_eq!(after - before, 40, "every creation of the run, or none");
}

test_on_both_backends!(sigterm_during_a_run_lets_it_end_whole);

/// A workstation killed while its script runs on the server: the run is given up and
/// rolled back — none of its forty creations written, then or later — and the lock it
/// held is released for the others at once, not at the run's natural end.
async fn a_client_killed_mid_run_leaves_nothing_written(backend: support::Backend) {
    use epic_events_api::formatting::Zone;
    use epic_events_api::{Crm, Forwarding};
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let (server, address) = started_server_process(&database, directory.path()).await;
    let crm = Forwarding::new(epic_events_cli::remote::Remote::new(&address, None).unwrap());
    let sales = crm
        .sign_in("sales2".into(), "demo-epic-events".into(), Zone::UTC)
        .await
        .unwrap();
    // Its time is the database's, not the script's own: a loaded machine must not hit
    // the 2 s limit on the script's own time.
    let script = forty_creations("abandon", 80, 500);

    // How long the run lasts, measured on a simulation of it (rolled back).
    let started = std::time::Instant::now();
    let simulated = crm
        .run_script(
            &sales.token,
            epic_events_api::scripts::ScriptRequest {
                text: script.clone(),
                simulation: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    simulated.result.expect("the simulation runs");
    let natural = started.elapsed();
    assert!(
        natural > std::time::Duration::from_secs(1),
        "the run is too short to be interrupted: {natural:?}"
    );

    // The workstation: signed in with the server's address only, running the script.
    let workstation = tempfile::tempdir().unwrap();
    // The server named on the command line (`--serveur`), as a person would try it.
    let command = |arguments: &[&str]| {
        let arguments: Vec<&str> = ["--serveur", address.as_str()]
            .into_iter()
            .chain(arguments.iter().copied())
            .collect();
        support::binary_command(None, workstation.path(), &arguments)
    };
    let signed_in = support::run_command(
        command(&["connexion", "--utilisateur", "sales2"]),
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    std::fs::write(workstation.path().join("creations.rhai"), &script).unwrap();
    let before = database
        .count(epic_events_core::entities::customer::Entity)
        .await;
    let mut client = command(&["executer", "creations.rhai"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the run is under way on the server: its log says so (the simulation's
    // run was the first).
    let log = directory.path().join("config/epic-events.log");
    let logged = |line: &'static str, times: usize| {
        let log = log.clone();
        async move {
            for _ in 0..200 {
                if std::fs::read_to_string(&log)
                    .is_ok_and(|text| text.matches(line).count() >= times)
                {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            panic!("the server's log never said « {line} » {times} times");
        }
    };
    logged("script run started", 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        client.try_wait().unwrap().is_none(),
        "the client ended before it was killed"
    );
    client.kill().unwrap();
    client.wait().unwrap();
    let killed = std::time::Instant::now();
    logged("script run given up", 1).await;

    // Another creation, which waits for the run's lock on SQLite: it passes before the
    // run would have ended on its own.
    crm.create_customer(
        &sales.token,
        epic_events_api::catalogue::customer::NewCustomer {
            first_name: "Léa".into(),
            last_name: "Après".into(),
            email: "lea.apres@exemple.fr".into(),
            phone_number: "+33 6 70 00 00 02".into(),
            company_name: "Après et Fils".into(),
        },
    )
    .await
    .expect("the lock of the given-up run is released");
    if backend == support::Backend::Sqlite {
        assert!(
            killed.elapsed() < natural / 2,
            "the run held its lock {:?} after its client was killed (its natural length: {natural:?})",
            killed.elapsed()
        );
    }
    // Long after the run's natural end, still none of its creations.
    tokio::time::sleep(natural.saturating_sub(killed.elapsed()) + natural).await;
    let after = database
        .count(epic_events_core::entities::customer::Entity)
        .await;
    assert_eq!(
        after - before,
        1,
        "the killed client's run wrote {} creations",
        after - before - 1
    );
    drop(server);
}

test_on_both_backends!(slow: a_client_killed_mid_run_leaves_nothing_written);
