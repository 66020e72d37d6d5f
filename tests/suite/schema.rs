//! The schema's guarantees on both backends: uniqueness, foreign keys, checks, indexes,
//! exact money and program-maintained UTC timestamps.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use epic_events_core::authentication::password::hash_password;
use epic_events_core::entities::{contract, customer, event, permission, role, user};
use epic_events_core::money::Money;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, SqlErr, Statement,
};
use support::{Backend, TestDatabase, contract_id, customer_id, user_id};

fn amount(text: &str) -> Money {
    text.parse().unwrap()
}

/// Ids of a few demo records, found by their unique names.
struct DemoIds {
    sales_role: i32,
    sales2: i32,
    manager1: i32,
    support1: i32,
    maison_durand: i32,
    brasserie: i32,
    contract_with_events: i32,
    unsigned_contract: i32,
}

async fn demo_ids(database: &TestDatabase) -> DemoIds {
    let connection = &database.connection;
    DemoIds {
        sales_role: role::Entity::find()
            .filter(role::Column::Name.eq("sales"))
            .one(connection)
            .await
            .unwrap()
            .unwrap()
            .id,
        sales2: user_id(database, "sales2").await,
        manager1: user_id(database, "manager1").await,
        support1: user_id(database, "support1").await,
        maison_durand: customer_id(database, "Maison Durand").await,
        brasserie: customer_id(database, "Brasserie des Quais").await,
        contract_with_events: contract_id(database, "CTR-2026-0004").await,
        unsigned_contract: contract_id(database, "CTR-2026-0001").await,
    }
}

fn new_user(ids: &DemoIds, suffix: &str) -> user::ActiveModel {
    user::ActiveModel {
        role_id: Set(ids.sales_role),
        user_first_name: Set("Nouvel".into()),
        user_last_name: Set("Employé".into()),
        email: Set(format!("nouvel.employe.{suffix}@epic-events.fr")),
        phone_number: Set(format!("+33 7 00 00 00 {suffix}")),
        username: Set(format!("nouveau{suffix}")),
        password_hash: Set(hash_password("un mot de passe assez long").unwrap()),
        ..Default::default()
    }
}

fn new_customer(ids: &DemoIds, suffix: &str) -> customer::ActiveModel {
    customer::ActiveModel {
        user_sales_id: Set(ids.sales2),
        customer_first_name: Set("Alice".into()),
        customer_last_name: Set("Nouveau".into()),
        email: Set(format!("alice.{suffix}@exemple.fr")),
        phone_number: Set(format!("+33 5 00 00 00 {suffix}")),
        company_name: Set(format!("Entreprise {suffix}")),
        ..Default::default()
    }
}

fn new_contract(ids: &DemoIds, suffix: &str) -> contract::ActiveModel {
    contract::ActiveModel {
        customer_id: Set(ids.maison_durand),
        user_management_id: Set(ids.manager1),
        contract_number: Set(format!("CTR-TEST-{suffix}")),
        total_amount: Set(amount("100.00").into()),
        balance_due: Set(amount("100.00").into()),
        signed: Set(true),
        ..Default::default()
    }
}

fn new_event(ids: &DemoIds, suffix: &str) -> event::ActiveModel {
    let start = Utc.with_ymd_and_hms(2027, 5, 1, 18, 0, 0).unwrap();
    event::ActiveModel {
        contract_id: Set(ids.contract_with_events),
        customer_id: Set(ids.maison_durand),
        user_support_id: Set(Some(ids.support1)),
        event_name: Set("Cocktail".into()),
        event_number: Set(format!("EVT-TEST-{suffix}")),
        start_datetime: Set(start),
        end_datetime: Set(start + Duration::hours(4)),
        location: Set("Lyon".into()),
        attendees: Set(40),
        note: Set(String::new()),
        ..Default::default()
    }
}

/// Inserts `model` and returns the SQL error class of the failure, if any.
async fn insert_outcome<A>(database: &TestDatabase, model: A) -> Result<(), Option<SqlErr>>
where
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    match model.insert(&database.connection).await {
        Ok(_) => Ok(()),
        Err(error) => Err(error.sql_err()),
    }
}

fn is_unique_violation(outcome: &Result<(), Option<SqlErr>>) -> bool {
    matches!(outcome, Err(Some(SqlErr::UniqueConstraintViolation(_))))
}

fn is_foreign_key_violation(outcome: &Result<(), Option<SqlErr>>) -> bool {
    matches!(outcome, Err(Some(SqlErr::ForeignKeyConstraintViolation(_))))
}

async fn unique_columns_refuse_duplicates(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = demo_ids(&database).await;

    // Controls: fresh rows are accepted, so the refusals below are due to the duplicate.
    assert_eq!(
        insert_outcome(&database, new_user(&ids, "01")).await,
        Ok(())
    );
    assert_eq!(
        insert_outcome(&database, new_customer(&ids, "01")).await,
        Ok(())
    );
    assert_eq!(
        insert_outcome(&database, new_contract(&ids, "01")).await,
        Ok(())
    );
    assert_eq!(
        insert_outcome(&database, new_event(&ids, "01")).await,
        Ok(())
    );

    let users_before = database.count(user::Entity).await;
    let user_cases: Vec<(&str, user::ActiveModel)> = vec![
        (
            "user e-mail",
            user::ActiveModel {
                email: Set("camille.bernard@epic-events.fr".into()),
                ..new_user(&ids, "02")
            },
        ),
        (
            "user e-mail, other case",
            user::ActiveModel {
                email: Set("Camille.Bernard@EPIC-events.fr".into()),
                ..new_user(&ids, "02")
            },
        ),
        (
            "user phone",
            user::ActiveModel {
                phone_number: Set("+33610000001".into()),
                ..new_user(&ids, "02")
            },
        ),
        (
            "username",
            user::ActiveModel {
                username: Set("sales1".into()),
                ..new_user(&ids, "02")
            },
        ),
        (
            "username, other case",
            user::ActiveModel {
                username: Set("SALES1".into()),
                ..new_user(&ids, "02")
            },
        ),
    ];
    for (case, model) in user_cases {
        let outcome = insert_outcome(&database, model).await;
        assert!(is_unique_violation(&outcome), "{case}: {outcome:?}");
    }
    assert_eq!(database.count(user::Entity).await, users_before);

    let customer_cases: Vec<(&str, customer::ActiveModel)> = vec![
        (
            "customer e-mail",
            customer::ActiveModel {
                email: Set("paul.durand@maison-durand.fr".into()),
                ..new_customer(&ids, "02")
            },
        ),
        (
            "customer phone",
            customer::ActiveModel {
                phone_number: Set("+33478000002".into()),
                ..new_customer(&ids, "02")
            },
        ),
        (
            "company name",
            customer::ActiveModel {
                company_name: Set("Maison Durand".into()),
                ..new_customer(&ids, "02")
            },
        ),
        (
            "company name, other case",
            customer::ActiveModel {
                company_name: Set("MAISON DURAND".into()),
                ..new_customer(&ids, "02")
            },
        ),
    ];
    for (case, model) in customer_cases {
        let outcome = insert_outcome(&database, model).await;
        assert!(is_unique_violation(&outcome), "{case}: {outcome:?}");
    }

    let outcome = insert_outcome(
        &database,
        contract::ActiveModel {
            contract_number: Set("CTR-2026-0001".into()),
            ..new_contract(&ids, "02")
        },
    )
    .await;
    assert!(
        is_unique_violation(&outcome),
        "contract number: {outcome:?}"
    );

    let outcome = insert_outcome(
        &database,
        event::ActiveModel {
            event_number: Set("EVT-2026-0001".into()),
            ..new_event(&ids, "02")
        },
    )
    .await;
    assert!(is_unique_violation(&outcome), "event number: {outcome:?}");

    let outcome = insert_outcome(
        &database,
        role::ActiveModel {
            name: Set("sales".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(is_unique_violation(&outcome), "role name: {outcome:?}");
    let outcome = insert_outcome(
        &database,
        permission::ActiveModel {
            name: Set("event:read".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(
        is_unique_violation(&outcome),
        "permission name: {outcome:?}"
    );
}

async fn foreign_keys_refuse_missing_or_inconsistent_rows(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = demo_ids(&database).await;
    const MISSING: i32 = 999_999;

    let cases: Vec<(&str, Result<(), Option<SqlErr>>)> = vec![
        (
            "user → role",
            insert_outcome(
                &database,
                user::ActiveModel {
                    role_id: Set(MISSING),
                    ..new_user(&ids, "10")
                },
            )
            .await,
        ),
        (
            "customer → sales user",
            insert_outcome(
                &database,
                customer::ActiveModel {
                    user_sales_id: Set(MISSING),
                    ..new_customer(&ids, "10")
                },
            )
            .await,
        ),
        (
            "contract → customer",
            insert_outcome(
                &database,
                contract::ActiveModel {
                    customer_id: Set(MISSING),
                    ..new_contract(&ids, "10")
                },
            )
            .await,
        ),
        (
            "contract → management user",
            insert_outcome(
                &database,
                contract::ActiveModel {
                    user_management_id: Set(MISSING),
                    ..new_contract(&ids, "11")
                },
            )
            .await,
        ),
        (
            "event → contract",
            insert_outcome(
                &database,
                event::ActiveModel {
                    contract_id: Set(MISSING),
                    ..new_event(&ids, "10")
                },
            )
            .await,
        ),
        (
            "event → customer",
            insert_outcome(
                &database,
                event::ActiveModel {
                    customer_id: Set(MISSING),
                    ..new_event(&ids, "11")
                },
            )
            .await,
        ),
        (
            "event → support user",
            insert_outcome(
                &database,
                event::ActiveModel {
                    user_support_id: Set(Some(MISSING)),
                    ..new_event(&ids, "12")
                },
            )
            .await,
        ),
        (
            "event's customer is not its contract's",
            insert_outcome(
                &database,
                event::ActiveModel {
                    customer_id: Set(ids.brasserie),
                    ..new_event(&ids, "13")
                },
            )
            .await,
        ),
    ];
    for (case, outcome) in &cases {
        assert!(is_foreign_key_violation(outcome), "{case}: {outcome:?}");
    }

    // Nothing referenced can be deleted.
    let deletions: Vec<(&str, Result<sea_orm::DeleteResult, DbErr>)> = vec![
        (
            "user who owns customers",
            user::Entity::delete_by_id(ids.sales2)
                .exec(&database.connection)
                .await,
        ),
        (
            "customer with contracts",
            customer::Entity::delete_by_id(ids.maison_durand)
                .exec(&database.connection)
                .await,
        ),
        (
            "contract with events",
            contract::Entity::delete_by_id(ids.contract_with_events)
                .exec(&database.connection)
                .await,
        ),
        (
            "role with users",
            role::Entity::delete_by_id(ids.sales_role)
                .exec(&database.connection)
                .await,
        ),
    ];
    for (case, outcome) in deletions {
        let error = outcome.expect_err(case);
        assert!(
            matches!(
                error.sql_err(),
                Some(SqlErr::ForeignKeyConstraintViolation(_))
            ),
            "{case}: {error:?}"
        );
    }
    assert_eq!(database.count(user::Entity).await, 7);
    assert_eq!(database.count(customer::Entity).await, 3);
    assert_eq!(database.count(contract::Entity).await, 6);
    assert_eq!(database.count(event::Entity).await, 4);
    assert_eq!(database.count(role::Entity).await, 3);

    // Control: an unreferenced contract can be deleted.
    contract::Entity::delete_by_id(ids.unsigned_contract)
        .exec(&database.connection)
        .await
        .unwrap();
}

async fn check_constraints_refuse_impossible_values(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = demo_ids(&database).await;
    let start = Utc.with_ymd_and_hms(2027, 5, 1, 18, 0, 0).unwrap();

    let balance_above_total = contract::ActiveModel {
        total_amount: Set(amount("100.00").into()),
        balance_due: Set(amount("100.01").into()),
        ..new_contract(&ids, "20")
    };
    assert!(
        balance_above_total
            .insert(&database.connection)
            .await
            .is_err()
    );
    let end_before_start = event::ActiveModel {
        end_datetime: Set(start - Duration::minutes(1)),
        ..new_event(&ids, "20")
    };
    assert!(end_before_start.insert(&database.connection).await.is_err());
    let no_duration = event::ActiveModel {
        end_datetime: Set(start),
        ..new_event(&ids, "21")
    };
    assert!(no_duration.insert(&database.connection).await.is_err());
    let negative_attendees = event::ActiveModel {
        attendees: Set(-1),
        ..new_event(&ids, "22")
    };
    assert!(
        negative_attendees
            .insert(&database.connection)
            .await
            .is_err()
    );

    // Raw SQL that bypasses `Money` is refused too.
    let text = |value: &str| match backend {
        Backend::Sqlite => format!("'{value}'"),
        Backend::MySql => value.to_owned(),
    };
    let mut refused = vec!["-1.00", "15000.01"];
    if backend == Backend::Sqlite {
        // Only canonical text on SQLite, so that it converts exactly to cents.
        refused.extend([
            "12",
            "12.5",
            "1.2e3",
            "12.345",
            "abc",
            "1.00.00",
            "99999999999.00",
        ]);
    }
    for value in refused {
        let sql = format!(
            "UPDATE contract SET balance_due = {} WHERE id = {}",
            text(value),
            ids.contract_with_events
        );
        let outcome = database.connection.execute_unprepared(&sql).await;
        assert!(outcome.is_err(), "balance_due = {value} accepted");
    }
    let accepted = format!(
        "UPDATE contract SET balance_due = {} WHERE id = {}",
        text("14999.99"),
        ids.contract_with_events
    );
    database
        .connection
        .execute_unprepared(&accepted)
        .await
        .unwrap();
}

async fn amounts_round_trip_exactly(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = demo_ids(&database).await;
    let tenth = amount("0.10");
    let fifth = amount("0.20");
    let sum = Money::new(tenth.amount() + fifth.amount()).unwrap();
    assert_eq!(sum.to_string(), "0.30");

    let mut amounts = vec![
        sum,
        Money::MAXIMUM,
        Money::ZERO,
        amount("0.01"),
        amount("0.99"),
        amount("35.70"),
        amount("100"),
        amount("4444181581.77"),
    ];
    // A deterministic spread of values over the whole range, including every cent digit.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let cents = (state % 1_000_000_000_000) as i64;
        amounts.push(Money::new(Decimal::new(cents, 2)).unwrap());
    }

    for (index, total) in amounts.iter().enumerate() {
        contract::ActiveModel {
            contract_number: Set(format!("CTR-ROUND-{index:04}")),
            total_amount: Set((*total).into()),
            balance_due: Set((*total).into()),
            ..new_contract(&ids, "30")
        }
        .insert(&database.connection)
        .await
        .unwrap_or_else(|error| panic!("{total}: {error:?}"));
    }
    let stored = contract::Entity::find()
        .filter(contract::Column::ContractNumber.starts_with("CTR-ROUND-"))
        .all(&database.connection)
        .await
        .unwrap();
    assert_eq!(stored.len(), amounts.len());
    for row in stored {
        let index: usize = row.contract_number["CTR-ROUND-".len()..].parse().unwrap();
        assert_eq!(row.total_amount.0, amounts[index]);
        assert_eq!(
            row.total_amount.to_string(),
            amounts[index].to_string(),
            "scale kept"
        );
        assert_eq!(row.balance_due.0, amounts[index]);
    }

    // SQL arithmetic on stored amounts is exact too (integer cents on SQLite).
    let sum_sql = match backend {
        Backend::MySql => {
            "SELECT CAST(SUM(total_amount) * 100 AS SIGNED) AS cents FROM contract WHERE contract_number LIKE 'CTR-ROUND-%'"
        }
        Backend::Sqlite => {
            "SELECT SUM(CAST(REPLACE(total_amount, '.', '') AS INTEGER)) AS cents FROM contract WHERE contract_number LIKE 'CTR-ROUND-%'"
        }
    };
    let row = database
        .connection
        .query_one_raw(Statement::from_string(
            database.connection.get_database_backend(),
            sum_sql,
        ))
        .await
        .unwrap()
        .unwrap();
    let sql_cents: i64 = row.try_get("", "cents").unwrap();
    let expected_cents: i64 = amounts.iter().map(|money| money.cents()).sum();
    assert_eq!(sql_cents, expected_cents);
}

async fn timestamps_are_utc_and_maintained_by_the_program(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = demo_ids(&database).await;
    let before = Utc::now() - Duration::seconds(1);
    let inserted = new_customer(&ids, "40")
        .insert(&database.connection)
        .await
        .unwrap();
    assert!(inserted.created_at >= before && inserted.created_at <= Utc::now());
    assert_eq!(inserted.created_at, inserted.updated_at);

    let long_ago: DateTime<Utc> = Utc.with_ymd_and_hms(2020, 1, 2, 3, 4, 5).unwrap();
    let old = customer::ActiveModel {
        created_at: Set(long_ago),
        ..new_customer(&ids, "41")
    }
    .insert(&database.connection)
    .await
    .unwrap();
    let mut changed: customer::ActiveModel = old.into();
    changed.customer_first_name = Set("Albane".into());
    let updated = changed.update(&database.connection).await.unwrap();
    let reread = customer::Entity::find_by_id(updated.id)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reread.created_at, long_ago, "created_at never changes");
    assert!(
        reread.updated_at >= before,
        "updated_at follows each update"
    );
    assert_eq!(reread.customer_first_name, "Albane");

    // Event dates come back as the same instant, in UTC, on both backends.
    let gala = event::Entity::find()
        .filter(event::Column::EventNumber.eq("EVT-2026-0002"))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gala.start_datetime,
        Utc.with_ymd_and_hms(2026, 12, 12, 18, 0, 0).unwrap()
    );
    assert_eq!(
        gala.end_datetime,
        Utc.with_ymd_and_hms(2026, 12, 13, 0, 0, 0).unwrap()
    );
}

async fn foreign_keys_and_filtered_columns_are_indexed(backend: crate::support::Backend) {
    let database = TestDatabase::migrated(backend).await;
    let foreign_keys = foreign_keys(&database).await;
    let expected: BTreeSet<(String, Vec<String>, String)> = [
        ("user", vec!["role_id"], "role"),
        ("customer", vec!["user_sales_id"], "user"),
        ("contract", vec!["customer_id"], "customer"),
        ("contract", vec!["user_management_id"], "user"),
        ("event", vec!["contract_id"], "contract"),
        ("event", vec!["customer_id"], "customer"),
        ("event", vec!["contract_id", "customer_id"], "contract"),
        ("event", vec!["user_support_id"], "user"),
        ("role_permission", vec!["role_id"], "role"),
        ("role_permission", vec!["permission_id"], "permission"),
    ]
    .into_iter()
    .map(|(table, columns, referenced)| {
        (
            table.to_owned(),
            columns.into_iter().map(str::to_owned).collect(),
            referenced.to_owned(),
        )
    })
    .collect();
    assert_eq!(foreign_keys, expected);

    let indexes = indexes(&database).await;
    let leads_an_index = |table: &str, columns: &[String]| {
        indexes.iter().any(|(index_table, index_columns)| {
            index_table == table && index_columns.starts_with(columns)
        })
    };
    for (table, columns, _) in &foreign_keys {
        assert!(
            leads_an_index(table, columns),
            "no index for the foreign key {table}{columns:?}"
        );
    }
    // Columns used by the "mine", "unsigned", "unpaid", "my events" and
    // "without support" filters.
    for (table, columns) in [
        ("contract", vec!["customer_id", "signed"]),
        ("contract", vec!["customer_id", "balance_due"]),
        ("contract", vec!["user_management_id", "signed"]),
        ("contract", vec!["user_management_id", "balance_due"]),
        ("customer", vec!["user_sales_id"]),
        ("event", vec!["user_support_id", "start_datetime"]),
    ] {
        let columns: Vec<String> = columns.into_iter().map(str::to_owned).collect();
        assert!(
            leads_an_index(table, &columns),
            "no index on {table}{columns:?}"
        );
    }
}

test_on_both_backends!(
    unique_columns_refuse_duplicates,
    foreign_keys_refuse_missing_or_inconsistent_rows,
    check_constraints_refuse_impossible_values,
    amounts_round_trip_exactly,
    timestamps_are_utc_and_maintained_by_the_program,
    foreign_keys_and_filtered_columns_are_indexed
);

/// (table, columns, referenced table) of every foreign key.
async fn foreign_keys(database: &TestDatabase) -> BTreeSet<(String, Vec<String>, String)> {
    let sql = match database.backend {
        Backend::MySql => {
            "SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS key_name, \
             COLUMN_NAME AS column_name, REFERENCED_TABLE_NAME AS referenced \
             FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
             AND TABLE_NAME <> 'seaql_migrations' \
             ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION"
        }
        Backend::Sqlite => {
            "SELECT m.name AS table_name, CAST(f.id AS TEXT) AS key_name, \
             f.\"from\" AS column_name, f.\"table\" AS referenced \
             FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f \
             WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq"
        }
    };
    let mut grouped = BTreeMap::<(String, String), (Vec<String>, String)>::new();
    for row in query(database, sql).await {
        let table: String = row.try_get("", "table_name").unwrap();
        let key: String = row.try_get("", "key_name").unwrap();
        let column: String = row.try_get("", "column_name").unwrap();
        let referenced: String = row.try_get("", "referenced").unwrap();
        let entry = grouped
            .entry((table, key))
            .or_insert((Vec::new(), referenced));
        entry.0.push(column);
    }
    grouped
        .into_iter()
        .map(|((table, _), (columns, referenced))| (table, columns, referenced))
        .collect()
}

/// (table, columns in order) of every index, primary keys included.
async fn indexes(database: &TestDatabase) -> Vec<(String, Vec<String>)> {
    let sql = match database.backend {
        Backend::MySql => {
            "SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, COLUMN_NAME AS column_name \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
        }
        Backend::Sqlite => {
            "SELECT m.name AS table_name, l.name AS index_name, i.name AS column_name \
             FROM sqlite_master AS m, pragma_index_list(m.name) AS l, pragma_index_info(l.name) AS i \
             WHERE m.type = 'table' ORDER BY m.name, l.name, i.seqno"
        }
    };
    let mut grouped = BTreeMap::<(String, String), Vec<String>>::new();
    for row in query(database, sql).await {
        let table: String = row.try_get("", "table_name").unwrap();
        let index: String = row.try_get("", "index_name").unwrap();
        let column: String = row.try_get("", "column_name").unwrap();
        grouped.entry((table, index)).or_default().push(column);
    }
    grouped
        .into_iter()
        .map(|((table, _), columns)| (table, columns))
        .collect()
}

async fn query(database: &TestDatabase, sql: &str) -> Vec<sea_orm::QueryResult> {
    database
        .connection
        .query_all_raw(Statement::from_string(
            database.connection.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
}
