//! What reaches Sentry: one event per user creation, user modification and contract
//! signature, and every unexpected error, once, where it is shown; nothing secret; nothing
//! when the DSN is unset (checked through the binary, against a stand-in Sentry server).

use crate::support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use epic_events_core::handle::EventList;
use epic_events_core::paging::PageRequest;
use epic_events_core::permissions::Role;
use epic_events_core::services::contract_service::{self, ContractChanges};
use epic_events_core::services::user_service::{self, NewUserInput, UserChanges};
use sea_orm::ConnectionTrait;
use support::{
    Backend, TestDatabase, binary_command, contract_id, run_binary_in, run_command, session,
};

const NEW_PASSWORD: &str = "un mot de passe solide";
const RESET_PASSWORD: &str = "un autre mot de passe";

/// Creates and modifies a user, signs a contract, changes another without signing it, then
/// provokes an unexpected database error. Returns the ids involved.
async fn operations(backend: Backend) -> (i32, i32, i32, i32) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let manager1 = session(&database, "manager1").await;
    let sales2 = session(&database, "sales2").await;
    let created = user_service::create(
        connection,
        &manager1,
        &NewUserInput {
            first_name: "Yanis".into(),
            last_name: "Benali".into(),
            email: "yanis.benali@epic-events.fr".into(),
            phone_number: "+33 6 40 00 00 01".into(),
            username: "support3".into(),
            password: NEW_PASSWORD.into(),
        },
        Role::Support,
    )
    .await
    .unwrap();
    user_service::update(
        connection,
        &manager1,
        created.id,
        &UserChanges {
            last_name: Some("Benali-Roy".into()),
            new_password: Some(RESET_PASSWORD.into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    contract_service::update(
        connection,
        &sales2,
        unsigned,
        &ContractChanges {
            signed: Some(true),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let already_signed = contract_id(&database, "CTR-2026-0002").await;
    contract_service::update(
        connection,
        &sales2,
        already_signed,
        &ContractChanges {
            balance_due: Some("0".into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();

    connection
        .execute_unprepared("DROP TABLE event")
        .await
        .unwrap();
    let failure = epic_events_core::handle::Core::over(connection.clone())
        .events()
        .list(&sales2, EventList::All, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        failure.to_string(),
        "erreur inattendue ; le détail est dans le journal"
    );
    // Building the error reported nothing: the boundary that shows it reports it, once
    // (the shell, a script's call, a command's end; see `reported_only_with_a_dsn` for a
    // script run through the binary).
    epic_events_core::reporting::core_failure(&failure);
    (manager1.user.id, sales2.user.id, created.id, unsigned)
}

fn run(backend: Backend) -> (i32, i32, i32, i32) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(operations(backend))
}

fn tag<'a>(event: &'a sentry::protocol::Event<'static>, name: &str) -> Option<&'a str> {
    event.tags.get(name).map(String::as_str)
}

fn reports_the_audited_operations(backend: Backend) {
    let mut ids = None;
    let events = sentry::test::with_captured_events(|| ids = Some(run(backend)));
    let (manager1, sales2, created_user, signed_contract) = ids.unwrap();

    let messages: Vec<Option<&str>> = events
        .iter()
        .map(|event| event.message.as_deref())
        .collect();
    assert_eq!(
        messages.iter().filter(|message| message.is_some()).count(),
        3,
        "three audit events: {messages:?}"
    );
    let find = |message: &str| {
        events
            .iter()
            .find(|event| event.message.as_deref() == Some(message))
            .unwrap_or_else(|| panic!("no {message:?} event in {messages:?}"))
    };
    let user_created = find("user created");
    assert_eq!(
        tag(user_created, "acting_user_id"),
        Some(manager1.to_string().as_str())
    );
    assert_eq!(
        tag(user_created, "user_id"),
        Some(created_user.to_string().as_str())
    );
    let user_updated = find("user updated");
    assert_eq!(tag(user_updated, "fields"), Some("user_last_name,password"));
    let signed = find("contract signed");
    assert_eq!(
        tag(signed, "acting_user_id"),
        Some(sales2.to_string().as_str())
    );
    assert_eq!(
        tag(signed, "contract_id"),
        Some(signed_contract.to_string().as_str())
    );

    let unexpected: Vec<_> = events
        .iter()
        .filter(|event| !event.exception.is_empty())
        .collect();
    assert_eq!(unexpected.len(), 1, "the database failure is reported once");
    // By its kind, with a fixed message: the driver's text (a table's name, a value) stays
    // in the local log.
    let exception = &unexpected[0].exception[0];
    assert!(exception.ty.starts_with("database: "), "{exception:?}");
    assert_eq!(
        exception.value.as_deref(),
        Some(epic_events_core::reporting::UNEXPECTED_ERROR_MESSAGE)
    );

    let everything = serde_json::to_string(&events).unwrap();
    for secret in [
        NEW_PASSWORD,
        RESET_PASSWORD,
        "demo-epic-events",
        "$argon2id$",
        "no such table",
        "doesn't exist",
        "Benali",
    ] {
        assert!(!everything.contains(secret), "{secret} reached Sentry");
    }
}

/// A stand-in for Sentry's server: accepts connections on a local port and keeps each
/// request it receives.
struct StandInSentry {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Whether `request` holds a whole HTTP request: its headers, and the body they announce
/// (`Content-Length` bytes, or chunks up to the last; a request with neither ends with its
/// headers).
fn is_whole_request(request: &[u8]) -> bool {
    let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") else {
        return false;
    };
    let headers = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
    if headers.contains("transfer-encoding: chunked") {
        return request.ends_with(b"\r\n0\r\n\r\n");
    }
    let length = headers
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    request.len() >= end + 4 + length
}

impl StandInSentry {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                stream
                    .set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                let mut request = Vec::new();
                let mut buffer = [0; 65536];
                // Until the request is whole (its headers and the body they announce), or
                // the client closes, or stops sending.
                while !is_whole_request(&request)
                    && let Ok(read) = stream.read(&mut buffer)
                    && read > 0
                {
                    request.extend_from_slice(&buffer[..read]);
                }
                // Kept before answering: once the program has its answer it may end, and the
                // test then looks at what was received.
                kept.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&request).into_owned());
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            }
        });
        Self { port, requests }
    }

    fn dsn(&self) -> String {
        format!("http://0123456789abcdef@127.0.0.1:{}/1", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Through the binary: a script meeting an unexpected failure sends one event to the
/// server `SENTRY_DSN` names, and nothing at all when it is unset.
fn reports_only_with_a_dsn(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let database = runtime.block_on(TestDatabase::with_demo_data(backend));
    let directory = tempfile::tempdir().unwrap();
    let signed_in = run_binary_in(
        Some(&database.url),
        directory.path(),
        &["connexion", "--utilisateur", "sales2"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    runtime
        .block_on(database.connection.execute_unprepared("DROP TABLE event"))
        .unwrap();
    let script = directory.path().join("evenements.rhai");
    std::fs::write(&script, "evenements()").unwrap();
    let script = script.display().to_string();
    let sentry = StandInSentry::start();

    let mut with_dsn = binary_command(
        Some(&database.url),
        directory.path(),
        &["executer", &script],
    );
    with_dsn.env("SENTRY_DSN", sentry.dsn());
    let reported = run_command(with_dsn, "");
    assert_eq!(reported.code, Some(1), "{reported:?}");
    assert!(
        reported.stderr.contains("erreur inattendue"),
        "{reported:?}"
    );
    let requests = sentry.requests();
    assert_eq!(requests.len(), 1, "one report: {requests:?}");
    assert!(
        requests[0].starts_with("POST /api/1/envelope/"),
        "{requests:?}"
    );
    assert!(requests[0].contains("exception"), "{requests:?}");
    assert!(!requests[0].contains("demo-epic-events"), "{requests:?}");
    // Neither the machine's name nor the driver's text.
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned();
    for forbidden in [
        "server_name",
        hostname.as_str(),
        "no such table",
        "doesn't exist",
    ] {
        assert!(
            !requests[0].contains(forbidden),
            "{forbidden}: {requests:?}"
        );
    }
    assert!(
        requests[0].contains(epic_events_core::reporting::UNEXPECTED_ERROR_MESSAGE),
        "{requests:?}"
    );

    // A value read from the database in an unexpected error (a role name another tool
    // wrote) does not reach Sentry either.
    runtime
        .block_on(
            database
                .connection
                .execute_unprepared("UPDATE role SET name = 'intrus' WHERE name = 'sales'"),
        )
        .unwrap();
    let mut who = binary_command(Some(&database.url), directory.path(), &["moi"]);
    who.env("SENTRY_DSN", sentry.dsn());
    let refused = run_command(who, "");
    assert_eq!(refused.code, Some(1), "{refused:?}");
    let requests = sentry.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(!requests[1].contains("intrus"), "{requests:?}");
    assert!(!requests[1].contains(hostname.as_str()), "{requests:?}");

    let without_dsn = binary_command(
        Some(&database.url),
        directory.path(),
        &["executer", &script],
    );
    let unreported = run_command(without_dsn, "");
    assert_eq!(unreported.code, Some(1), "{unreported:?}");
    assert!(
        unreported.stderr.contains("erreur inattendue"),
        "{unreported:?}"
    );
    assert_eq!(
        sentry.requests().len(),
        2,
        "nothing more was sent without a DSN"
    );
    assert!(epic_events_core::reporting::initialise_sentry(None).is_none());
}

#[test]
fn audited_operations_are_reported_on_sqlite() {
    reports_the_audited_operations(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    not(mysql_tests),
    ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
)]
fn audited_operations_are_reported_on_mysql() {
    support::require_mysql();
    reports_the_audited_operations(Backend::MySql);
}

#[test]
fn reported_only_with_a_dsn_on_sqlite() {
    reports_only_with_a_dsn(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    not(mysql_tests),
    ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
)]
fn reported_only_with_a_dsn_on_mysql() {
    support::require_mysql();
    reports_only_with_a_dsn(Backend::MySql);
}
