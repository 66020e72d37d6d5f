//! What reaches Sentry: one event per user creation, user modification and contract
//! signature, and every unexpected error; nothing secret; nothing when the DSN is unset.

use crate::support;

use std::sync::Arc;

use epic_events::paging::PageRequest;
use epic_events::permissions::Role;
use epic_events::services::contract_service::{self, ContractChanges};
use epic_events::services::event_service::{self, EventList};
use epic_events::services::user_service::{self, NewUserInput, UserChanges};
use sea_orm::ConnectionTrait;
use sentry::test::TestTransport;
use support::{Backend, TestDatabase, contract_id, mysql_server_url, session};

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
    let failure = event_service::list(connection, &sales2, EventList::All, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        failure.to_string(),
        "erreur inattendue ; le détail est dans le journal"
    );
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

    let everything = serde_json::to_string(&events).unwrap();
    for secret in [
        NEW_PASSWORD,
        RESET_PASSWORD,
        "demo-epic-events",
        "$argon2id$",
    ] {
        assert!(!everything.contains(secret), "{secret} reached Sentry");
    }
}

fn reports_nothing_without_a_dsn(backend: Backend) {
    let transport = TestTransport::new();
    let mut options = sentry::ClientOptions::default();
    options.transport = Some(Arc::new(transport.clone()));
    let hub = Arc::new(sentry::Hub::new(
        Some(Arc::new(options.into())),
        Arc::new(Default::default()),
    ));
    sentry::Hub::run(hub, || {
        run(backend);
    });
    assert!(transport.fetch_and_clear_envelopes().is_empty());
    assert!(epic_events::reporting::initialise_sentry(None).is_none());
}

#[test]
fn audited_operations_are_reported_on_sqlite() {
    reports_the_audited_operations(Backend::Sqlite);
}

#[test]
fn audited_operations_are_reported_on_mysql() {
    if mysql_server_url().is_some() {
        reports_the_audited_operations(Backend::MySql);
    }
}

#[test]
fn nothing_is_reported_without_a_dsn_on_sqlite() {
    reports_nothing_without_a_dsn(Backend::Sqlite);
}

#[test]
fn nothing_is_reported_without_a_dsn_on_mysql() {
    if mysql_server_url().is_some() {
        reports_nothing_without_a_dsn(Backend::MySql);
    }
}
