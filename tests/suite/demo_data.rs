//! The demo data set is exactly the one of SPEC §8, with the roles and permissions of
//! SPEC §4, on both backends.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use epic_events_core::authentication::password::verify_password;
use epic_events_core::entities::{
    contract, customer, event, permission, role, role_permission, user,
};
use sea_orm::{EntityTrait, QueryOrder};
use support::TestDatabase;

/// SPEC §4, written out independently of `seed/demo.toml`.
const EXPECTED_PERMISSIONS: &[(&str, &[&str])] = &[
    (
        "management",
        &[
            "user:create",
            "user:read",
            "user:update",
            "user:delete",
            "customer:read",
            "contract:create",
            "contract:read",
            "contract:update",
            "contract:delete",
            "event:read",
            "event:update",
        ],
    ),
    (
        "sales",
        &[
            "customer:create",
            "customer:read",
            "customer:update",
            "customer:delete",
            "contract:read",
            "contract:update",
            "event:create",
            "event:read",
        ],
    ),
    (
        "support",
        &[
            "customer:read",
            "contract:read",
            "event:read",
            "event:update",
        ],
    ),
];

const EXPECTED_USERS: &[(&str, &str)] = &[
    ("sales1", "sales"),
    ("sales2", "sales"),
    ("sales3", "sales"),
    ("manager1", "management"),
    ("manager2", "management"),
    ("support1", "support"),
    ("support2", "support"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Payment {
    Nothing,
    Partly,
    Fully,
}

/// A contract as SPEC §8 describes it: who created it, signed or not, how much is paid,
/// and the support user (or none) of each of its events.
type ContractShape = (&'static str, bool, Payment, Vec<Option<&'static str>>);

/// For each sales user, the shape of each of their customers (its contracts, sorted).
fn expected_distribution() -> BTreeMap<&'static str, Vec<Vec<ContractShape>>> {
    let mut sales2_customers = vec![
        vec![],
        vec![
            ("manager1", false, Payment::Nothing, vec![]),
            ("manager1", true, Payment::Partly, vec![]),
            ("manager1", true, Payment::Fully, vec![]),
            (
                "manager1",
                true,
                Payment::Fully,
                vec![None, Some("support1")],
            ),
        ],
    ];
    let mut sales3_customers = vec![vec![
        ("manager2", true, Payment::Nothing, vec![]),
        (
            "manager2",
            true,
            Payment::Fully,
            vec![None, Some("support2")],
        ),
    ]];
    for customers in [&mut sales2_customers, &mut sales3_customers] {
        for contracts in customers.iter_mut() {
            contracts.sort();
        }
        customers.sort();
    }
    BTreeMap::from([
        ("sales1", vec![]),
        ("sales2", sales2_customers),
        ("sales3", sales3_customers),
    ])
}

async fn roles_and_permissions_match_the_matrix(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let roles = role::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    let permissions = permission::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();
    let links = role_permission::Entity::find()
        .all(&database.connection)
        .await
        .unwrap();

    let role_names: BTreeMap<i32, &str> = roles
        .iter()
        .map(|row| (row.id, row.name.as_str()))
        .collect();
    let permission_names: BTreeMap<i32, &str> = permissions
        .iter()
        .map(|row| (row.id, row.name.as_str()))
        .collect();
    let stored: BTreeSet<(&str, &str)> = links
        .iter()
        .map(|link| {
            (
                role_names[&link.role_id],
                permission_names[&link.permission_id],
            )
        })
        .collect();
    let expected: BTreeSet<(&str, &str)> = EXPECTED_PERMISSIONS
        .iter()
        .flat_map(|(role_name, names)| names.iter().map(move |name| (*role_name, *name)))
        .collect();

    assert_eq!(
        role_names.values().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from(["management", "sales", "support"])
    );
    assert_eq!(stored, expected);
    assert_eq!(links.len(), expected.len(), "no duplicate link");
    assert_eq!(
        permission_names.values().copied().collect::<BTreeSet<_>>(),
        expected
            .iter()
            .map(|(_, name)| *name)
            .collect::<BTreeSet<_>>(),
        "every permission is held by some role, and no other exists"
    );
}

async fn users_have_their_roles_and_the_demo_password(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let roles: BTreeMap<i32, String> = role::Entity::find()
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    let users = user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(&database.connection)
        .await
        .unwrap();

    let stored: BTreeSet<(String, String)> = users
        .iter()
        .map(|row| (row.username.clone(), roles[&row.role_id].clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = EXPECTED_USERS
        .iter()
        .map(|(username, role_name)| (username.to_string(), role_name.to_string()))
        .collect();
    assert_eq!(stored, expected);

    let hashes: BTreeSet<&str> = users
        .iter()
        .map(|row| row.password_hash.as_phc_string())
        .collect();
    assert_eq!(hashes.len(), users.len(), "each account has its own salt");
    for row in &users {
        assert!(row.password_hash.as_phc_string().starts_with("$argon2id$"));
        assert!(
            verify_password("demo-epic-events", &row.password_hash),
            "{}",
            row.username
        );
        assert!(!verify_password("demo-epic-event", &row.password_hash));
        assert!(row.created_at <= row.updated_at);
    }
}

async fn customers_contracts_and_events_are_distributed_as_specified(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    assert_eq!(database.count(customer::Entity).await, 3);
    assert_eq!(database.count(contract::Entity).await, 6);
    assert_eq!(database.count(event::Entity).await, 4);

    let usernames: BTreeMap<i32, &'static str> = user::Entity::find()
        .all(connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let name = EXPECTED_USERS
                .iter()
                .find(|(username, _)| *username == row.username)
                .map(|(username, _)| *username)
                .expect("only demo users");
            (row.id, name)
        })
        .collect();
    let customers = customer::Entity::find().all(connection).await.unwrap();
    let contracts = contract::Entity::find().all(connection).await.unwrap();
    let events = event::Entity::find().all(connection).await.unwrap();

    let mut distribution: BTreeMap<&str, Vec<Vec<ContractShape>>> =
        BTreeMap::from([("sales1", vec![]), ("sales2", vec![]), ("sales3", vec![])]);
    for customer_row in &customers {
        let mut shapes: Vec<ContractShape> = contracts
            .iter()
            .filter(|row| row.customer_id == customer_row.id)
            .map(|row| {
                let payment = if row.balance_due.0.is_zero() {
                    Payment::Fully
                } else if row.balance_due == row.total_amount {
                    Payment::Nothing
                } else {
                    Payment::Partly
                };
                let mut supports: Vec<Option<&str>> = events
                    .iter()
                    .filter(|event_row| event_row.contract_id == row.id)
                    .map(|event_row| event_row.user_support_id.map(|id| usernames[&id]))
                    .collect();
                supports.sort();
                (
                    usernames[&row.user_management_id],
                    row.signed,
                    payment,
                    supports,
                )
            })
            .collect();
        shapes.sort();
        distribution
            .get_mut(usernames[&customer_row.user_sales_id])
            .expect("customers belong to sales users")
            .push(shapes);
    }
    for customers_of_one_sales_user in distribution.values_mut() {
        customers_of_one_sales_user.sort();
    }
    assert_eq!(distribution, expected_distribution());

    for event_row in &events {
        let contract_row = contracts
            .iter()
            .find(|row| row.id == event_row.contract_id)
            .unwrap();
        assert_eq!(
            event_row.customer_id, contract_row.customer_id,
            "customer derived from contract"
        );
        assert!(contract_row.signed, "events only on signed contracts");
        assert!(event_row.start_datetime < event_row.end_datetime);
    }
}

test_on_both_backends!(
    roles_and_permissions_match_the_matrix,
    users_have_their_roles_and_the_demo_password,
    customers_contracts_and_events_are_distributed_as_specified
);

#[test]
fn the_bundled_file_is_valid_and_complete() {
    let data = epic_events_core::seed::demo_data::DemoDataSet::bundled().unwrap();
    assert_eq!(data.users.len(), 7);
    assert_eq!(data.customers.len(), 3);
    assert_eq!(data.contracts.len(), 6);
    assert_eq!(data.events.len(), 4);
    assert_eq!(data.password, "demo-epic-events");
}

#[test]
fn a_malformed_demo_file_is_refused_in_french() {
    let error = epic_events_core::seed::demo_data::DemoDataSet::parse("password = 3").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("le jeu de données de démonstration est illisible")
    );
}
