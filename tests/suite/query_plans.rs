//! The lists of SPEC §6 use an index, not a full scan: each list's query, as the core runs
//! it, through MySQL's `EXPLAIN` and SQLite's `EXPLAIN QUERY PLAN`, on a generated data
//! set large enough for the planners to choose as they would in production.

use crate::support;

use std::time::{Duration, Instant};

use epic_events_core::database::administration;
use epic_events_core::entities::event;
use epic_events_core::paging::PageRequest;
use epic_events_core::repositories::contract_repository::{self, ContractFilter};
use epic_events_core::repositories::customer_repository;
use epic_events_core::repositories::event_repository::{self, EventFilter, EventOrder};
use epic_events_core::repositories::rows::ReadRows;
use epic_events_core::repositories::user_repository;
use epic_events_core::repositories::words::WordSearch;
use epic_events_core::seed::large_data;
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use support::{Backend, TestDatabase};

/// A plan's lines: MySQL's `table type key` per row, SQLite's detail per step.
async fn plan(database: &TestDatabase, statement: &Statement) -> Vec<String> {
    let connection = &database.connection;
    let backend = connection.get_database_backend();
    let prefix = match backend {
        DbBackend::MySql => "EXPLAIN ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    let explained = Statement {
        sql: format!("{prefix}{}", statement.sql),
        ..statement.clone()
    };
    let rows = connection.query_all_raw(explained).await.unwrap();
    rows.iter()
        .map(|row| match backend {
            DbBackend::MySql => format!(
                "{} {} {}",
                row.try_get::<Option<String>>("", "table")
                    .unwrap()
                    .unwrap_or_default(),
                row.try_get::<Option<String>>("", "type")
                    .unwrap()
                    .unwrap_or_default(),
                row.try_get::<Option<String>>("", "key")
                    .unwrap()
                    .unwrap_or_default(),
            ),
            _ => row.try_get::<String>("", "detail").unwrap(),
        })
        .collect()
}

/// Whether a plan line reads a whole table.
fn full_scan(backend: Backend, line: &str) -> bool {
    match backend {
        // `ALL`: every row, no index; a materialised subquery (`<subquery2>`) is the
        // subquery's own result, already found by index.
        Backend::MySql => line.split_whitespace().nth(1) == Some("ALL") && !line.starts_with('<'),
        // `SCAN t` without an index (`SCAN t USING INDEX …` walks an index).
        Backend::Sqlite => line.starts_with("SCAN ") && !line.contains("USING"),
    }
}

/// A database of its own with the generated data set: every user of the full data set,
/// so that « mine » is as selective as in production, and enough records for the
/// planners' statistics.
async fn generated_database(backend: Backend) -> TestDatabase {
    let (url, location) = TestDatabase::reserve(backend);
    let connection = administration::recreate(&url).await.unwrap();
    let database = TestDatabase::adopt(backend, url, connection, location);
    let scale = large_data::Scale {
        customers: 2_000,
        contracts: 6_000,
        events: 10_000,
        ..large_data::Scale::FULL
    };
    large_data::generate(&database.connection, scale, 3)
        .await
        .unwrap();
    database
}

async fn every_list_filter_uses_an_index(backend: crate::support::Backend) {
    let database = generated_database(backend).await;
    let sea_backend = database.connection.get_database_backend();
    let first = PageRequest::first(20);
    let deep = PageRequest::after(2_000, 20);
    // Ids of a management, a sales and a support user (management first, then sales).
    let (manager, sales, support) = (1, 45, 150);

    let mut queries: Vec<(&str, Statement)> = vec![
        (
            "customers, deep page",
            customer_repository::list_query(None, deep, sea_backend).build(sea_backend),
        ),
        (
            "my customers",
            customer_repository::list_query(Some(sales), first, sea_backend).build(sea_backend),
        ),
        (
            "contracts, deep page",
            contract_repository::list_query(&ContractFilter::default(), deep, sea_backend)
                .build(sea_backend),
        ),
    ];
    let contract_filters = [
        (
            "contracts by number (CTR-2026-0123…)",
            ContractFilter {
                number_starts_with: Some(format!("CTR-{}-0123", chrono::Utc::now().format("%Y"))),
                ..Default::default()
            },
        ),
        (
            "my contracts (management)",
            ContractFilter {
                management_user_id: Some(manager),
                ..Default::default()
            },
        ),
        (
            "my contracts (sales)",
            ContractFilter {
                customer_sales_user_id: Some(sales),
                ..Default::default()
            },
        ),
        (
            "my contracts (support)",
            ContractFilter {
                event_support_user_id: Some(support),
                ..Default::default()
            },
        ),
        (
            "my unsigned contracts (management)",
            ContractFilter {
                management_user_id: Some(manager),
                unsigned_only: true,
                ..Default::default()
            },
        ),
        (
            "my unsigned contracts (sales)",
            ContractFilter {
                customer_sales_user_id: Some(sales),
                unsigned_only: true,
                ..Default::default()
            },
        ),
        (
            "my unpaid contracts (management)",
            ContractFilter {
                management_user_id: Some(manager),
                unpaid_only: true,
                ..Default::default()
            },
        ),
        (
            "my unpaid contracts (sales)",
            ContractFilter {
                customer_sales_user_id: Some(sales),
                unpaid_only: true,
                ..Default::default()
            },
        ),
        (
            "my unpaid contracts (support)",
            ContractFilter {
                event_support_user_id: Some(support),
                unpaid_only: true,
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in contract_filters {
        queries.push((
            name,
            contract_repository::list_query(&filter, first, sea_backend).build(sea_backend),
        ));
    }
    let event_filters = [
        (
            "events, deep page",
            EventFilter::default(),
            EventOrder::Creation,
            deep,
        ),
        (
            "my events (support)",
            EventFilter {
                support_user_id: Some(support),
                ..Default::default()
            },
            EventOrder::Creation,
            first,
        ),
        (
            "my events (sales)",
            EventFilter {
                customer_sales_user_id: Some(sales),
                ..Default::default()
            },
            EventOrder::Creation,
            first,
        ),
        (
            "events without support",
            EventFilter {
                without_support_only: true,
                ..Default::default()
            },
            EventOrder::Creation,
            first,
        ),
        (
            "events without support, soonest first",
            EventFilter {
                without_support_only: true,
                ..Default::default()
            },
            EventOrder::SoonestFirst { after: None },
            first,
        ),
        (
            "events without support, soonest first, a later page",
            EventFilter {
                without_support_only: true,
                ..Default::default()
            },
            EventOrder::SoonestFirst {
                after: Some((chrono::Utc::now(), 1000)),
            },
            first,
        ),
    ];
    for (name, filter, order, page) in event_filters {
        queries.push((
            name,
            event_repository::list_query(&filter, order, page, sea_backend).build(sea_backend),
        ));
    }

    let mut failures = Vec::new();
    for (name, statement) in &queries {
        let lines = plan(&database, statement).await;
        if lines.iter().any(|line| full_scan(backend, line)) {
            failures.push(format!("{name}: {lines:?}"));
        }
    }
    assert!(failures.is_empty(), "full scans:\n{}", failures.join("\n"));
}

test_on_both_backends!(every_list_filter_uses_an_index);

/// The queries of a search by `words`, answered through the full-text index or along
/// the list's order: customers, contracts by their customer's words, events soonest
/// first, users.
fn word_queries(
    words: &WordSearch,
    backend: DbBackend,
) -> [(&'static str, &'static str, Statement); 4] {
    let first = PageRequest::first(20);
    [
        (
            "customers by words",
            "customer",
            customer_repository::search_query(None, Some(words), first, backend).build(backend),
        ),
        (
            "contracts by customer words",
            "customer",
            contract_repository::list_query(
                &ContractFilter {
                    customer_matches: Some(words.clone()),
                    ..Default::default()
                },
                first,
                backend,
            )
            .build(backend),
        ),
        (
            "events by words",
            "event",
            event_repository::list_query(
                &EventFilter {
                    matching: Some(words.clone()),
                    ..Default::default()
                },
                EventOrder::SoonestFirst { after: None },
                first,
                backend,
            )
            .build(backend),
        ),
        (
            "users by words",
            "user",
            user_repository::search_query(None, Some(words), first, backend).build(backend),
        ),
    ]
}

/// Word searches use the databases' own full-text engines (MariaDB's `FULLTEXT` index,
/// SQLite's FTS5 table) when their words are rare, and read the list in its order,
/// stopping once the page is full, when they are frequent (the index would find every
/// record holding them before the page is sorted). The plan of each search is chosen from
/// the newest records.
async fn word_searches_use_the_full_text_index(backend: crate::support::Backend) {
    let database = generated_database(backend).await;
    let connection = &database.connection;
    let sea_backend = connection.get_database_backend();
    let last_event: i32 = connection
        .query_one_raw(Statement::from_string(
            sea_backend,
            "SELECT MAX(id) AS id FROM event",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    if backend == Backend::MySql {
        // The words the program sends to the index are the ones InnoDB holds.
        let bounds = connection
            .query_one_raw(Statement::from_string(
                sea_backend,
                "SELECT @@innodb_ft_min_token_size AS shortest, @@innodb_ft_max_token_size AS longest",
            ))
            .await
            .unwrap()
            .unwrap();
        let shortest: u64 = bounds.try_get("", "shortest").unwrap();
        let longest: u64 = bounds.try_get("", "longest").unwrap();
        assert!(
            shortest <= migrations::SHORTEST_INDEXED_WORD as u64,
            "{shortest}"
        );
        assert!(longest >= migrations::LONGEST_WORD as u64, "{longest}");
    }
    // Chosen: a frequent word along the order, a rare one (the last event's number, a
    // word of its name) through the index.
    let frequent = WordSearch::new("seminaire")
        .planned::<event::Entity>(connection, 20)
        .await
        .unwrap();
    assert!(!frequent.is_through_index());
    let rare = WordSearch::new(&last_event.to_string())
        .planned::<event::Entity>(connection, 20)
        .await
        .unwrap();
    assert!(rare.is_through_index());

    let indexed = WordSearch::new("durand").through_index(true);
    for (name, table, statement) in &word_queries(&indexed, sea_backend) {
        let lines = plan(&database, statement).await;
        match backend {
            Backend::MySql => assert!(
                lines
                    .iter()
                    .any(|line| line == &format!("{table} fulltext {table}_search_words")),
                "{name}: {lines:?}"
            ),
            Backend::Sqlite => assert!(
                lines
                    .iter()
                    .any(|line| line.contains(&format!("{table}_words VIRTUAL TABLE INDEX"))),
                "{name}: {lines:?}"
            ),
        }
    }
    let along = WordSearch::new("durand").through_index(false);
    for (name, table, statement) in &word_queries(&along, sea_backend) {
        let lines = plan(&database, statement).await;
        match backend {
            // The table holding the search text is read through (`ALL`), or along an
            // index in the page's order (`index`).
            Backend::MySql => assert!(
                lines.iter().any(|line| {
                    line.starts_with(&format!("{table} ALL"))
                        || line.starts_with(&format!("{table} index "))
                }),
                "{name}: {lines:?}"
            ),
            Backend::Sqlite => assert!(
                !lines.iter().any(|line| line.contains("VIRTUAL TABLE")),
                "{name}: {lines:?}"
            ),
        }
    }
}

test_on_both_backends!(slow: word_searches_use_the_full_text_index);

/// A word search finds the same records in the same order through the full-text index
/// and along the list's order, and the same on both backends (the snapshot is shared):
/// frequent and rare words, starts of words, several words, words of one or two letters
/// (which MariaDB's index does not hold), accents, letter case, `œ`, e-mail addresses.
async fn word_searches_find_the_same_records_either_way(backend: crate::support::Backend) {
    let database = generated_database(backend).await;
    let connection = &database.connection;
    let sea_backend = connection.get_database_backend();
    let mut found = String::new();
    for text in [
        "seminaire",
        "SÉMIN",
        "soiree gala",
        "chateau lyon",
        "salle des fetes",
        "de",
        "n 1234",
        "1234",
        "99",
        "lefevre",
        "LEFÈVRE paris",
        "durand",
        "dur",
        "theatre",
        "oeuvre",
        "fr",
        "exemple fr",
        "zzzz",
        "support001",
        "ulier",
    ] {
        let mut counts = Vec::new();
        for (name, _, _) in word_queries(&WordSearch::new(text), sea_backend) {
            let found_by = async |through_index: bool| -> Vec<i32> {
                let words = WordSearch::new(text).through_index(through_index);
                let page = PageRequest::first(1000);
                let ids: Vec<i32> = match name {
                    "customers by words" => {
                        customer_repository::search_query(None, Some(&words), page, sea_backend)
                            .all_rows::<customer_repository::CustomerRow>(connection)
                            .await
                            .unwrap()
                            .iter()
                            .map(|row| row.id)
                            .collect()
                    }
                    "contracts by customer words" => contract_repository::list_query(
                        &ContractFilter {
                            customer_matches: Some(words),
                            ..Default::default()
                        },
                        page,
                        sea_backend,
                    )
                    .all_rows::<contract_repository::ContractRow>(connection)
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.id)
                    .collect(),
                    "events by words" => event_repository::list_query(
                        &EventFilter {
                            matching: Some(words),
                            ..Default::default()
                        },
                        EventOrder::SoonestFirst { after: None },
                        page,
                        sea_backend,
                    )
                    .all_rows::<event_repository::EventRow>(connection)
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.id)
                    .collect(),
                    _ => user_repository::search_query(None, Some(&words), page, sea_backend)
                        .all_rows::<user_repository::UserRow>(connection)
                        .await
                        .unwrap()
                        .iter()
                        .map(|row| row.id)
                        .collect(),
                };
                ids
            };
            let scanned = found_by(false).await;
            // InnoDB's full-text index once answered nothing for the first word right
            // after the bulk load (one CI run; not seen again in 20 runs at once): it is
            // asked again for up to 5 s, so that only a lasting difference fails.
            let asked = Instant::now();
            let mut indexed = found_by(true).await;
            while indexed != scanned && asked.elapsed() < Duration::from_secs(5) {
                tokio::time::sleep(Duration::from_millis(200)).await;
                indexed = found_by(true).await;
            }
            assert_eq!(indexed, scanned, "{name} « {text} »");
            let ids = &indexed;
            counts.push(format!(
                "{name}: {} {:?}",
                ids.len(),
                &ids[..ids.len().min(3)]
            ));
        }
        found.push_str(&format!("« {text} »\n  {}\n", counts.join("\n  ")));
    }
    insta::assert_snapshot!("word_search_results", found);
}

test_on_both_backends!(slow: word_searches_find_the_same_records_either_way);
