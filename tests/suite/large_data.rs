//! The large data set generator (`epic-events base generer`), at a small scale, on both
//! backends: the counts asked for, valid under the invariants, and usable by the core.

use crate::support;

use epic_events_core::database::administration;
use epic_events_core::entities::{contract, customer, event, user};
use epic_events_core::paging::PageRequest;
use epic_events_core::seed::large_data;
use epic_events_core::services::contract_service::{self, ContractList};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use support::TestDatabase;

async fn generates_a_valid_data_set(backend: crate::support::Backend) {
    let (url, location) = TestDatabase::reserve(backend);
    let connection = administration::recreate(&url).await.unwrap();
    let database = TestDatabase::adopt(backend, url, connection, location);
    let scale = large_data::Scale::times(0.005);
    let generated = large_data::generate(&database.connection, scale, 7)
        .await
        .unwrap();
    assert_eq!(
        generated.rows.map(|(_, count)| count),
        [
            scale.managers + scale.sales + scale.support,
            scale.customers,
            scale.contracts,
            scale.events
        ]
    );
    assert_eq!(
        database.count(user::Entity).await as usize,
        generated.rows[0].1
    );
    assert_eq!(database.count(customer::Entity).await as usize, 500);
    assert_eq!(database.count(contract::Entity).await as usize, 1500);
    assert_eq!(database.count(event::Entity).await as usize, 2500);

    let contracts = contract::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    let events = event::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    for event in &events {
        let contract = contracts
            .iter()
            .find(|row| row.id == event.contract_id)
            .unwrap();
        assert!(contract.signed, "events only for signed contracts");
        assert_eq!(event.customer_id, contract.customer_id);
        assert!(event.start_datetime < event.end_datetime);
    }
    assert!(
        contracts
            .iter()
            .all(|row| row.balance_due <= row.total_amount)
    );
    assert!(contracts.iter().any(|row| !row.signed));
    assert!(
        contracts
            .iter()
            .any(|row| row.signed && row.balance_due.0.is_zero())
    );
    assert!(contracts.iter().any(|row| row.signed
        && !row.balance_due.0.is_zero()
        && row.balance_due < row.total_amount));
    let without_support = events
        .iter()
        .filter(|row| row.user_support_id.is_none())
        .count();
    assert!(
        (600..=1100).contains(&without_support),
        "about a third: {without_support}"
    );

    // The generated accounts sign in, and the core lists their records.
    let sales = support::session(&database, "commercial001").await;
    let mine = contract_service::list(
        &database.connection,
        &sales,
        ContractList::Mine,
        PageRequest::first(1000),
    )
    .await
    .unwrap();
    assert!(
        mine.items
            .iter()
            .all(|row| row.customer_sales_user_id == sales.user.id)
    );
    let all = contract::Entity::find()
        .count(&database.connection)
        .await
        .unwrap();
    assert!((mine.items.len() as u64) < all);
}

async fn exports_stream_every_page(backend: crate::support::Backend) {
    use epic_events_core::scripting::output::OutputFormat;
    let (url, location) = TestDatabase::reserve(backend);
    let connection = administration::recreate(&url).await.unwrap();
    let database = TestDatabase::adopt(backend, url, connection, location);
    // More rows than one export page (5,000) of contracts and of events.
    large_data::generate(&database.connection, large_data::Scale::times(0.02), 11)
        .await
        .unwrap();

    let csv = support::Script::new("gestion001", "exporter_contrats();")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    csv.success();
    let lines: Vec<&str> = csv.data.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 6000,
        "one header, every contract over two pages"
    );
    assert!(lines[0].starts_with("id,numero,client_id,"), "{}", lines[0]);
    assert!(
        lines[5000].starts_with("5000,") && lines[5001].starts_with("5001,"),
        "{} / {}",
        lines[5000],
        lines[5001]
    );

    let json = support::Script::new("gestion001", "exporter_evenements(); print(\"fini\");")
        .format(OutputFormat::Json)
        .run(&database)
        .await;
    json.success();
    let events: serde_json::Value = serde_json::from_str(&json.data).expect("one JSON array");
    assert_eq!(events.as_array().unwrap().len(), 10000);
    assert_eq!(json.messages, "fini\n");
}

/// A reading of a full page made from a thread that may pause, as a script's or the
/// command line's (SQLite's rows are then taken in batches, `repositories::reading`),
/// gives every row in order, as the same reading taking each row as it comes.
async fn a_paused_reading_takes_every_row_in_order(backend: crate::support::Backend) {
    let database = TestDatabase::migrated(backend).await;
    large_data::generate(&database.connection, large_data::Scale::times(0.005), 3)
        .await
        .unwrap();
    let manager = support::session(&database, "gestion001").await;
    let read = async || {
        contract_service::list(
            &database.connection,
            &manager,
            ContractList::All,
            PageRequest::first(1000),
        )
        .await
        .unwrap()
        .items
    };
    let as_they_come = read().await;
    let paused = {
        let _pause = epic_events_core::repositories::reading::may_pause();
        read().await
    };
    assert_eq!(paused.len(), 1000);
    assert!(paused.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert_eq!(paused, as_they_come);
}

/// A bulk assignment of more events than one statement writes on MySQL (a thousand; on
/// SQLite one statement writes them all): every event without support gets the support
/// asked, once, as a new version by the manager; no other event changes.
async fn a_bulk_assignment_of_thousands_assigns_each_once(backend: crate::support::Backend) {
    let database = TestDatabase::migrated(backend).await;
    large_data::generate(&database.connection, large_data::Scale::times(0.01), 5)
        .await
        .unwrap();
    let events = async || {
        event::Entity::find()
            .order_by_asc(event::Column::Id)
            .all(&database.connection)
            .await
            .unwrap()
    };
    let (manager, support) = (
        support::user_id(&database, "gestion001").await,
        support::user_id(&database, "support001").await,
    );
    let before = events().await;
    let without_support = before
        .iter()
        .filter(|event| event.user_support_id.is_none())
        .count();
    let run = support::Script::new(
        "gestion001",
        r#"let assignes = assigner_support_en_masse(evenements_sans_support(), "support001");
        print(assignes.len());"#,
    )
    .run(&database)
    .await;
    run.success();
    let assigned: usize = run.data.trim().parse().expect(&run.data);
    assert!(assigned > 1000, "{assigned} events assigned");
    assert_eq!(assigned, without_support);
    let after = events().await;
    assert_eq!(before.len(), after.len());
    let mut changed = 0;
    for (was, now) in before.iter().zip(&after) {
        assert_eq!(was.id, now.id);
        if now.version == was.version {
            assert_eq!(now, was);
            continue;
        }
        changed += 1;
        assert_eq!(was.user_support_id, None, "event {}", was.id);
        assert_eq!(now.user_support_id, Some(support), "event {}", was.id);
        assert_eq!(now.version, was.version + 1, "event {}", was.id);
        assert_eq!(now.updated_by, Some(manager), "event {}", was.id);
    }
    assert_eq!(changed, assigned);
    assert!(after.iter().all(|event| event.user_support_id.is_some()));
}

test_on_both_backends!(generates_a_valid_data_set);
test_on_both_backends!(a_bulk_assignment_of_thousands_assigns_each_once);
test_on_both_backends!(a_paused_reading_takes_every_row_in_order);
test_on_both_backends!(slow: exports_stream_every_page);
