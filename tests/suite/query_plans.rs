//! The lists of SPEC §6 use an index, not a full scan: each list's query, as the core runs
//! it, through MySQL's `EXPLAIN` and SQLite's `EXPLAIN QUERY PLAN`, on a generated data
//! set large enough for the planners to choose as they would in production.

use crate::support;

use epic_events_core::database::administration;
use epic_events_core::paging::PageRequest;
use epic_events_core::repositories::contract_repository::{self, ContractFilter};
use epic_events_core::repositories::customer_repository;
use epic_events_core::repositories::event_repository::{self, EventFilter, EventOrder};
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

/// Searching by words (« durand », « lumiere ») matches them anywhere in a stored search
/// text: a B-tree index cannot serve a pattern that starts with a wildcard, so these
/// queries read the table holding the search text (MySQL: `ALL`, or its primary key in
/// the page's order; SQLite: its rowid, without sorting the result in a temporary
/// B-tree), stopping once a page is full when they read in key order. A rare word reads
/// the table through: that is the cost these plans state. (A search by contract number uses its index: see
/// `every_list_filter_uses_an_index`.)
async fn word_searches_read_in_key_order(backend: crate::support::Backend) {
    let database = generated_database(backend).await;
    let sea_backend = database.connection.get_database_backend();
    let first = PageRequest::first(20);
    let queries = [
        (
            "customers by words",
            "customer",
            customer_repository::search_query(None, Some("durand"), first, sea_backend)
                .build(sea_backend),
        ),
        (
            "contracts by customer words",
            "customer",
            contract_repository::list_query(
                &ContractFilter {
                    customer_matches: Some("durand".into()),
                    ..Default::default()
                },
                first,
                sea_backend,
            )
            .build(sea_backend),
        ),
        (
            "events by words",
            "event",
            event_repository::list_query(
                &EventFilter {
                    matching: Some("seminaire".into()),
                    ..Default::default()
                },
                EventOrder::Creation,
                first,
                sea_backend,
            )
            .build(sea_backend),
        ),
    ];
    for (name, table, statement) in &queries {
        let lines = plan(&database, statement).await;
        match backend {
            // The table holding the search text is read through (`ALL`), or along its
            // primary key for the page's order (`index PRIMARY`).
            Backend::MySql => assert!(
                lines.iter().any(|line| {
                    line.starts_with(&format!("{table} ALL"))
                        || line.starts_with(&format!("{table} index PRIMARY"))
                }),
                "{name}: {lines:?}"
            ),
            Backend::Sqlite => assert!(
                !lines.iter().any(|line| line.contains("TEMP B-TREE")),
                "{name}: {lines:?}"
            ),
        }
    }
    // The words really are found, regardless of letter case and accents.
    let found = customer_repository::search(&database.connection, None, "LEFEVRE", first)
        .await
        .unwrap();
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|row| row.customer_last_name == "Lefèvre" || row.company_name.contains("Lefèvre")),
        "{found:?}"
    );
}

test_on_both_backends!(slow: word_searches_read_in_key_order);
