//! Contracts through the core, for each role, on both backends.

use crate::support;

use chrono::{Datelike, Utc};
use epic_events_api::{ApiError, ErrorCode};
use epic_events_core::entities::contract;
use epic_events_core::paging::PageRequest;
use epic_events_core::services::contract_service::{
    self, ContractChanges, ContractList, NewContract,
};
use sea_orm::{EntityTrait, QueryOrder};
use support::{ApiSession, TestDatabase, api_session, contract_id, session};

async fn all_contracts(database: &TestDatabase) -> Vec<contract::Model> {
    contract::Entity::find()
        .order_by_asc(contract::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
}

/// The numbers of the contracts listed, without the `CTR-2026-000` prefix.
async fn listed(someone: &ApiSession, which: ContractList) -> Vec<String> {
    let page = someone
        .crm
        .list_contracts(&someone.token, which, PageRequest::first(100))
        .await
        .unwrap();
    page.items
        .iter()
        .map(|row| {
            row.contract_number
                .trim_start_matches("CTR-2026-000")
                .to_owned()
        })
        .collect()
}

/// (user, numbers of: mine, mine unsigned, mine unpaid).
type Expected = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

fn is_permission_denied<T: std::fmt::Debug>(outcome: &Result<T, ApiError>) -> bool {
    matches!(outcome, Err(error) if error.code == ErrorCode::PermissionDenied)
}

async fn filters_return_each_users_contracts(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    // (user, mine, mine unsigned, mine unpaid)
    let expected: [Expected; 7] = [
        ("manager1", &["1", "2", "3", "4"], &["1"], &["1", "2"]),
        ("manager2", &["5", "6"], &[], &["5"]),
        ("sales1", &[], &[], &[]),
        ("sales2", &["1", "2", "3", "4"], &["1"], &["1", "2"]),
        ("sales3", &["5", "6"], &[], &["5"]),
        ("support1", &["4"], &[], &[]),
        ("support2", &["6"], &[], &[]),
    ];
    for (username, mine, unsigned, unpaid) in expected {
        let someone = api_session(&database, username).await;
        assert_eq!(
            listed(&someone, ContractList::All).await,
            ["1", "2", "3", "4", "5", "6"],
            "{username}"
        );
        assert_eq!(
            listed(&someone, ContractList::Mine).await,
            mine,
            "{username} mine"
        );
        assert_eq!(
            listed(&someone, ContractList::MineUnsigned).await,
            unsigned,
            "{username} unsigned"
        );
        assert_eq!(
            listed(&someone, ContractList::MineUnpaid).await,
            unpaid,
            "{username} unpaid"
        );
    }

    let sales2 = api_session(&database, "sales2").await;
    let unpaid = sales2
        .crm
        .list_contracts(
            &sales2.token,
            ContractList::MineUnpaid,
            PageRequest::default(),
        )
        .await
        .unwrap();
    let balances: Vec<String> = unpaid
        .items
        .iter()
        .map(|row| row.balance_due.to_string())
        .collect();
    assert_eq!(balances, ["12000.00", "3250.50"]);
    assert_eq!(unpaid.items[0].customer_company_name, "Maison Durand");
    assert_eq!(
        (
            unpaid.items[0].management_last_name.as_str(),
            unpaid.items[0].sales_last_name.as_str()
        ),
        ("Girard", "Lefèvre")
    );

    // Sorted by an amount: as numbers on both backends (SQLite holds amounts as text,
    // where « 9800.00 » would come after « 12000.00 »), ties by number.
    use epic_events_api::catalogue::FieldRef;
    use epic_events_core::paging::SortOrder;
    let by_balance = sales2
        .crm
        .list_contracts(
            &sales2.token,
            ContractList::All,
            PageRequest::numbered(
                1,
                10,
                Some(SortOrder {
                    field: FieldRef::Contract(contract_service::ContractField::BalanceDue),
                    descending: true,
                }),
            ),
        )
        .await
        .unwrap();
    let balances: Vec<String> = by_balance
        .items
        .iter()
        .map(|row| format!("{} {}", row.contract_number, row.balance_due))
        .collect();
    assert_eq!(
        balances,
        [
            "CTR-2026-0001 12000.00",
            "CTR-2026-0005 9800.00",
            "CTR-2026-0002 3250.50",
            "CTR-2026-0006 0.00",
            "CTR-2026-0004 0.00",
            "CTR-2026-0003 0.00",
        ]
    );
}

async fn only_management_creates_contracts_with_a_generated_number(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales2 = api_session(&database, "sales2").await;
    let atelier = sales2
        .crm
        .contract(&sales2.token, contract_id(&database, "CTR-2026-0001").await)
        .await
        .unwrap()
        .customer_id;
    let input = NewContract {
        customer_id: atelier,
        total_amount: "5 000,50".into(),
        balance_due: None,
        signed: false,
    };
    let before = all_contracts(&database).await;
    for username in ["sales2", "support1"] {
        let someone = api_session(&database, username).await;
        let outcome = someone
            .crm
            .create_contract(&someone.token, input.clone())
            .await;
        assert!(is_permission_denied(&outcome), "{username}: {outcome:?}");
    }
    assert_eq!(all_contracts(&database).await, before);

    let manager2 = api_session(&database, "manager2").await;
    let created = manager2
        .crm
        .create_contract(&manager2.token, input.clone())
        .await
        .unwrap();
    let year = Utc::now().year();
    let expected_number = if year == 2026 {
        "CTR-2026-0007".to_owned()
    } else {
        format!("CTR-{year}-0001")
    };
    assert_eq!(created.contract_number, expected_number);
    assert_eq!(created.total_amount.to_string(), "5000.50");
    assert_eq!(
        created.balance_due, created.total_amount,
        "nothing paid yet"
    );
    assert_eq!(created.user_management_id, manager2.user.id);
    assert!(!created.signed);
    let next = manager2
        .crm
        .create_contract(&manager2.token, input.clone())
        .await
        .unwrap();
    assert_ne!(next.contract_number, created.contract_number);

    let missing = NewContract {
        customer_id: 999_999,
        ..input
    };
    let error = manager2
        .crm
        .create_contract(&manager2.token, missing)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "client : le client n°999999 n'existe pas"
    );
}

async fn sales_users_modify_only_their_customers_contracts(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let signing = ContractChanges {
        signed: Some(true),
        ..Default::default()
    };
    let before = all_contracts(&database).await;
    for username in ["sales1", "sales3", "support1"] {
        let someone = api_session(&database, username).await;
        let outcome = someone
            .crm
            .update_contract(&someone.token, unsigned, signing.clone(), None)
            .await;
        assert!(is_permission_denied(&outcome), "{username}: {outcome:?}");
    }
    assert_eq!(
        all_contracts(&database).await,
        before,
        "refusals change nothing"
    );

    let sales2 = api_session(&database, "sales2").await;
    let signed = sales2
        .crm
        .update_contract(&sales2.token, unsigned, signing, None)
        .await
        .unwrap();
    assert!(signed.signed);
    let paid = sales2
        .crm
        .update_contract(
            &sales2.token,
            unsigned,
            ContractChanges {
                balance_due: Some("11000".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(paid.balance_due.to_string(), "11000.00");
    assert!(paid.signed, "signature kept");

    // Management modifies any contract.
    let manager2 = api_session(&database, "manager2").await;
    let changed = manager2
        .crm
        .update_contract(
            &manager2.token,
            unsigned,
            ContractChanges {
                total_amount: Some("13000".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(changed.total_amount.to_string(), "13000.00");
}

async fn bad_amounts_and_unsigning_are_refused(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = api_session(&database, "manager1").await;
    let partly_paid = contract_id(&database, "CTR-2026-0002").await;
    let cases: Vec<(&str, ContractChanges, &str)> = vec![
        (
            "negative total",
            ContractChanges {
                total_amount: Some("-1".into()),
                ..Default::default()
            },
            "montant total : ne peut pas être négatif",
        ),
        (
            "three decimals",
            ContractChanges {
                balance_due: Some("10,005".into()),
                ..Default::default()
            },
            "reste à payer : ne peut pas avoir plus de deux décimales",
        ),
        (
            "not a number",
            ContractChanges {
                total_amount: Some("beaucoup".into()),
                ..Default::default()
            },
            "montant total : n'est pas un montant (exemple : 1234,50)",
        ),
        (
            "too large",
            ContractChanges {
                total_amount: Some("10000000000".into()),
                ..Default::default()
            },
            "montant total : ne peut pas dépasser 9 999 999 999,99 €",
        ),
        (
            "balance above total",
            ContractChanges {
                balance_due: Some("8500.01".into()),
                ..Default::default()
            },
            "reste à payer : ne peut pas dépasser le montant total (8 500,00 €)",
        ),
        (
            "total below balance",
            ContractChanges {
                total_amount: Some("3000".into()),
                ..Default::default()
            },
            "reste à payer : ne peut pas dépasser le montant total (3 000,00 €)",
        ),
        (
            "unsigning",
            ContractChanges {
                signed: Some(false),
                ..Default::default()
            },
            "signé : un contrat signé ne peut pas redevenir non signé",
        ),
    ];
    let before = all_contracts(&database).await;
    for (case, changes, message) in cases {
        let error = manager1
            .crm
            .update_contract(&manager1.token, partly_paid, changes, None)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{case}");
        assert_eq!(
            all_contracts(&database).await,
            before,
            "{case}: nothing written"
        );
    }
}

async fn only_management_deletes_and_never_a_contract_with_events(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let paid_without_event = contract_id(&database, "CTR-2026-0003").await;
    let with_events = contract_id(&database, "CTR-2026-0004").await;
    let sales2 = api_session(&database, "sales2").await;
    let outcome = sales2
        .crm
        .delete_contract(&sales2.token, paid_without_event)
        .await;
    assert!(is_permission_denied(&outcome), "{outcome:?}");
    let manager2 = api_session(&database, "manager2").await;
    let error = manager2
        .crm
        .delete_contract(&manager2.token, with_events)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "le contrat CTR-2026-0004 ne peut pas être supprimé : 2 évènements lui sont rattachés"
    );
    assert_eq!(all_contracts(&database).await.len(), 6);
    manager2
        .crm
        .delete_contract(&manager2.token, paid_without_event)
        .await
        .unwrap();
    assert_eq!(all_contracts(&database).await.len(), 5);
}

async fn everyone_lists_all_unsigned_and_unpaid_contracts(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for username in ["manager2", "sales1", "support2"] {
        let me = api_session(&database, username).await;
        assert_eq!(
            listed(&me, ContractList::Unsigned).await,
            ["1"],
            "{username}"
        );
        assert_eq!(
            listed(&me, ContractList::Unpaid).await,
            ["1", "2", "5"],
            "{username}"
        );
        let found = me
            .crm
            .contract_by_number(&me.token, " ctr-2026-0005 ".into())
            .await
            .unwrap();
        assert_eq!(found.contract_number, "CTR-2026-0005");
    }
}

async fn payments_lower_the_balance_for_those_who_may_modify(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let partly_paid = contract_id(&database, "CTR-2026-0002").await;
    let other_customer = contract_id(&database, "CTR-2026-0005").await;
    // A session's journal is below the trait: the two payments it counts go through the
    // core's service, on a core session; the refusals go through the API.
    let sales2 = session(&database, "sales2").await;
    let paid =
        contract_service::record_payment(&database.connection, &sales2, partly_paid, "1 000,25")
            .await
            .unwrap();
    assert_eq!(paid.balance_due.to_string(), "2250.25");
    assert_eq!(paid.total_amount.to_string(), "8500.00");
    let paid =
        contract_service::record_payment(&database.connection, &sales2, partly_paid, "2250.25")
            .await
            .unwrap();
    assert!(paid.balance_due.is_zero());
    assert_eq!(
        sales2.journal.changes().len(),
        2,
        "each payment is journalled"
    );
    let sales2_api = api_session(&database, "sales2").await;
    let refused = sales2_api
        .crm
        .record_payment(&sales2_api.token, other_customer, "1".into())
        .await;
    assert!(is_permission_denied(&refused), "{refused:?}");
    let support1 = api_session(&database, "support1").await;
    let refused = support1
        .crm
        .record_payment(&support1.token, partly_paid, "1".into())
        .await;
    assert!(is_permission_denied(&refused), "{refused:?}");
}

async fn numbers_step_past_those_taken_during_a_long_transaction(backend: crate::support::Backend) {
    use sea_orm::TransactionTrait;
    // SQLite serialises writers: another connection cannot create a contract while a
    // transaction is open, so the race exists on MySQL only.
    if backend == support::Backend::Sqlite {
        return;
    }
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = session(&database, "manager1").await;
    let atelier = support::customer_id(&database, "Atelier Lumière").await;
    let input = NewContract {
        customer_id: atelier,
        total_amount: "100".into(),
        balance_due: None,
        signed: false,
    };
    let long = database.connection.begin().await.unwrap();
    // The transaction's snapshot starts here, as a script run's does.
    contract_service::list(&long, &manager1, ContractList::All, PageRequest::first(10))
        .await
        .unwrap();
    let meanwhile = contract_service::create(&database.connection, &manager1, &input)
        .await
        .unwrap();
    let inside = contract_service::create(&long, &manager1, &input)
        .await
        .unwrap();
    long.commit().await.unwrap();
    let year = Utc::now().year();
    assert_eq!(meanwhile.contract_number, format!("CTR-{year}-0007"));
    assert_eq!(inside.contract_number, format!("CTR-{year}-0008"));
}

test_on_both_backends!(
    filters_return_each_users_contracts,
    only_management_creates_contracts_with_a_generated_number,
    sales_users_modify_only_their_customers_contracts,
    bad_amounts_and_unsigning_are_refused,
    only_management_deletes_and_never_a_contract_with_events,
    everyone_lists_all_unsigned_and_unpaid_contracts,
    payments_lower_the_balance_for_those_who_may_modify,
    numbers_step_past_those_taken_during_a_long_transaction
);
