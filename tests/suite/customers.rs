//! Customers through the core, for each role, on both backends.

use crate::support;

use epic_events_api::{ApiError, ErrorCode};
use epic_events_core::entities::customer;
use epic_events_core::paging::{Page, PageRequest};

use epic_events_core::services::customer_service::{
    CustomerChanges, CustomerList, CustomerRow, NewCustomer,
};
use sea_orm::EntityTrait;
use support::{TestDatabase, api_session, customer_id};

async fn all_customers(database: &TestDatabase) -> Vec<customer::Model> {
    customer::Entity::find()
        .all(&database.connection)
        .await
        .unwrap()
}

fn new_customer(suffix: &str) -> NewCustomer {
    NewCustomer {
        first_name: "Claire".into(),
        last_name: "Vasseur".into(),
        email: format!("claire.vasseur{suffix}@vasseur-traiteur.fr"),
        phone_number: format!("+33 3 20 00 00 {suffix}"),
        company_name: format!("Vasseur Traiteur {suffix}"),
    }
}

fn companies(page: &Page<CustomerRow>) -> Vec<String> {
    page.items
        .iter()
        .map(|row| row.company_name.clone())
        .collect()
}

fn is_permission_denied(outcome: &Result<impl std::fmt::Debug, ApiError>) -> bool {
    matches!(outcome, Err(error) if error.code == ErrorCode::PermissionDenied)
}

async fn only_sales_users_create_customers_and_own_them(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let before = all_customers(&database).await;
    for username in ["manager1", "support1"] {
        let someone = api_session(&database, username).await;
        let outcome = someone
            .crm
            .create_customer(&someone.token, new_customer("01"))
            .await;
        assert!(is_permission_denied(&outcome), "{username}: {outcome:?}");
        assert_eq!(
            all_customers(&database).await,
            before,
            "{username} changed nothing"
        );
    }
    let sales1 = api_session(&database, "sales1").await;
    let created = sales1
        .crm
        .create_customer(&sales1.token, new_customer("01"))
        .await
        .unwrap();
    assert_eq!(created.user_sales_id, sales1.user.id);
    assert_eq!(
        (
            created.sales_first_name.as_str(),
            created.sales_last_name.as_str()
        ),
        ("Camille", "Bernard")
    );
    assert_eq!(created.company_name, "Vasseur Traiteur 01");
    assert_eq!(all_customers(&database).await.len(), before.len() + 1);
}

async fn only_the_owner_modifies_or_deletes_a_customer(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let atelier = customer_id(&database, "Atelier Lumière").await;
    let before = all_customers(&database).await;
    let changes = CustomerChanges {
        first_name: Some("Sophia".into()),
        ..Default::default()
    };
    for username in ["sales1", "sales3", "manager1", "support1"] {
        let someone = api_session(&database, username).await;
        let update = someone
            .crm
            .update_customer(&someone.token, atelier, changes.clone(), None)
            .await;
        assert!(is_permission_denied(&update), "{username}: {update:?}");
        let deletion = someone.crm.delete_customer(&someone.token, atelier).await;
        assert!(is_permission_denied(&deletion), "{username}: {deletion:?}");
    }
    assert_eq!(
        all_customers(&database).await,
        before,
        "refusals change nothing"
    );

    let sales2 = api_session(&database, "sales2").await;
    let updated = sales2
        .crm
        .update_customer(
            &sales2.token,
            atelier,
            CustomerChanges {
                first_name: Some("Sophia".into()),
                email: Some("Sophia.Laurent@Atelier-Lumiere.fr".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(updated.customer_first_name, "Sophia");
    assert_eq!(updated.email, "sophia.laurent@atelier-lumiere.fr");
    assert_eq!(
        updated.company_name, "Atelier Lumière",
        "other fields unchanged"
    );
    assert_eq!(updated.user_sales_id, sales2.user.id);

    sales2
        .crm
        .delete_customer(&sales2.token, atelier)
        .await
        .unwrap();
    assert_eq!(all_customers(&database).await.len(), before.len() - 1);
    let gone = sales2
        .crm
        .customer(&sales2.token, atelier)
        .await
        .unwrap_err();
    assert_eq!(gone.to_string(), format!("client n°{atelier} introuvable"));
}

async fn a_customer_with_contracts_cannot_be_deleted(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales2 = api_session(&database, "sales2").await;
    let durand = customer_id(&database, "Maison Durand").await;
    let error = sales2
        .crm
        .delete_customer(&sales2.token, durand)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "le client Maison Durand ne peut pas être supprimé : 4 contrats lui sont rattachés"
    );
    assert_eq!(all_customers(&database).await.len(), 3);
}

async fn bad_customer_input_is_refused_with_its_field_and_rule(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales2 = api_session(&database, "sales2").await;
    let cases: Vec<(&str, NewCustomer, &str)> = vec![
        (
            "malformed e-mail",
            NewCustomer {
                email: "claire.vasseur".into(),
                ..new_customer("02")
            },
            "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)",
        ),
        (
            "duplicate e-mail",
            NewCustomer {
                email: "Paul.Durand@maison-durand.fr".into(),
                ..new_customer("02")
            },
            "adresse e-mail : cette valeur est déjà utilisée",
        ),
        (
            "duplicate phone",
            NewCustomer {
                phone_number: "+33 4 78 00 00 02".into(),
                ..new_customer("02")
            },
            "téléphone : cette valeur est déjà utilisée",
        ),
        (
            "duplicate company",
            NewCustomer {
                company_name: "maison durand".into(),
                ..new_customer("02")
            },
            "entreprise : cette valeur est déjà utilisée",
        ),
        (
            "empty first name",
            NewCustomer {
                first_name: "  ".into(),
                ..new_customer("02")
            },
            "prénom : est obligatoire",
        ),
        (
            "over-long last name",
            NewCustomer {
                last_name: "x".repeat(101),
                ..new_customer("02")
            },
            "nom : ne peut pas dépasser 100 caractères",
        ),
        (
            "over-long company",
            NewCustomer {
                company_name: "y".repeat(151),
                ..new_customer("02")
            },
            "entreprise : ne peut pas dépasser 150 caractères",
        ),
        (
            "malformed phone",
            NewCustomer {
                phone_number: "appelez-moi".into(),
                ..new_customer("02")
            },
            "téléphone : n'est pas un numéro de téléphone valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)",
        ),
    ];
    let before = all_customers(&database).await;
    for (case, input, message) in cases {
        let error = sales2
            .crm
            .create_customer(&sales2.token, input)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{case}");
        assert_eq!(
            all_customers(&database).await,
            before,
            "{case}: nothing written"
        );
    }
    let durand = customer_id(&database, "Maison Durand").await;
    let error = sales2
        .crm
        .update_customer(
            &sales2.token,
            durand,
            CustomerChanges {
                company_name: Some("Atelier Lumière".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "entreprise : cette valeur est déjà utilisée"
    );
    assert_eq!(all_customers(&database).await, before);

    // Text that looks like SQL is only text.
    let injection = "'; DROP TABLE user; --";
    let created = sales2
        .crm
        .create_customer(
            &sales2.token,
            NewCustomer {
                company_name: injection.into(),
                ..new_customer("03")
            },
        )
        .await
        .unwrap();
    assert_eq!(created.company_name, injection);
    assert_eq!(
        database
            .count(epic_events_core::entities::user::Entity)
            .await,
        7
    );
}

async fn lists_filter_and_page_in_the_database(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for (username, mine) in [
        ("sales1", vec![]),
        ("sales2", vec!["Atelier Lumière", "Maison Durand"]),
        ("sales3", vec!["Brasserie des Quais"]),
        ("manager1", vec![]),
        ("support1", vec![]),
    ] {
        let someone = api_session(&database, username).await;
        let page = someone
            .crm
            .list_customers(&someone.token, CustomerList::Mine, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(companies(&page), mine, "{username}");
        let all = someone
            .crm
            .list_customers(&someone.token, CustomerList::All, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(all.items.len(), 3, "{username} reads every customer");
    }

    let support1 = api_session(&database, "support1").await;
    let first = support1
        .crm
        .list_customers(&support1.token, CustomerList::All, PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(companies(&first), ["Atelier Lumière", "Maison Durand"]);
    let next = first.next.expect("a second page");
    let second = support1
        .crm
        .list_customers(&support1.token, CustomerList::All, next)
        .await
        .unwrap();
    assert_eq!(companies(&second), ["Brasserie des Quais"]);
    assert_eq!(second.next, None);
    assert_eq!(second.items[0].sales_last_name, "Moreau");

    // Sorted by a column, in pages read by offset; a page by its number.
    use epic_events_api::catalogue::FieldRef;
    use epic_events_core::paging::SortOrder;
    let by_company = |descending| {
        Some(SortOrder {
            field: FieldRef::Customer(
                epic_events_api::catalogue::customer::CustomerField::CompanyName,
            ),
            descending,
        })
    };
    let first = support1
        .crm
        .list_customers(
            &support1.token,
            CustomerList::All,
            PageRequest::numbered(1, 2, by_company(true)),
        )
        .await
        .unwrap();
    assert_eq!(companies(&first), ["Maison Durand", "Brasserie des Quais"]);
    let second = support1
        .crm
        .list_customers(&support1.token, CustomerList::All, first.next.unwrap())
        .await
        .unwrap();
    assert_eq!(companies(&second), ["Atelier Lumière"]);
    assert_eq!(second.next, None);
    let numbered = support1
        .crm
        .list_customers(
            &support1.token,
            CustomerList::All,
            PageRequest::numbered(2, 2, by_company(false)),
        )
        .await
        .unwrap();
    assert_eq!(companies(&numbered), ["Maison Durand"]);
    // A column of another record: refused, naming the sort.
    let refused = support1
        .crm
        .list_customers(
            &support1.token,
            CustomerList::All,
            PageRequest::numbered(
                1,
                2,
                Some(SortOrder {
                    field: FieldRef::Event(epic_events_api::catalogue::event::EventField::Start),
                    descending: false,
                }),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Validation);
    assert_eq!(
        refused.message,
        "tri : cette liste ne se trie pas par cette colonne"
    );
}

/// A list sorted by a text column reads in French order on both backends: accents and
/// letter case ignored (`Alice`, `Émile`, `étienne`, `Zoé`), not SQLite's byte order.
async fn text_columns_sort_in_french_order(backend: crate::support::Backend) {
    use epic_events_api::catalogue::FieldRef;
    use epic_events_api::catalogue::customer::CustomerField;
    use epic_events_core::paging::SortOrder;
    use epic_events_core::services::customer_service;
    let database = TestDatabase::with_demo_data(backend).await;
    let sales1 = support::session(&database, "sales1").await;
    for (number, company) in ["Zoé", "étienne", "Alice", "Émile", "bernard"]
        .into_iter()
        .enumerate()
    {
        customer_service::create(
            &database.connection,
            &sales1,
            &NewCustomer {
                first_name: "Client".into(),
                last_name: "Tri".into(),
                email: format!("tri{number}@exemple.fr"),
                phone_number: format!("+33 5 00 00 01 0{number}"),
                company_name: company.into(),
            },
        )
        .await
        .unwrap();
    }
    let someone = api_session(&database, "sales1").await;
    for (descending, expected) in [
        (false, ["Alice", "bernard", "Émile", "étienne", "Zoé"]),
        (true, ["Zoé", "étienne", "Émile", "bernard", "Alice"]),
    ] {
        let page = someone
            .crm
            .list_customers(
                &someone.token,
                CustomerList::Mine,
                PageRequest::numbered(
                    1,
                    10,
                    Some(SortOrder {
                        field: FieldRef::Customer(CustomerField::CompanyName),
                        descending,
                    }),
                ),
            )
            .await
            .unwrap();
        assert_eq!(companies(&page), expected, "descending: {descending}");
    }
}

test_on_both_backends!(
    text_columns_sort_in_french_order,
    only_sales_users_create_customers_and_own_them,
    only_the_owner_modifies_or_deletes_a_customer,
    a_customer_with_contracts_cannot_be_deleted,
    bad_customer_input_is_refused_with_its_field_and_rule,
    lists_filter_and_page_in_the_database
);

/// Management hands a departing sales user's customers to a colleague — all, or those
/// chosen —; nobody else may, only to and from sales users, and a chosen customer that is
/// not the giver's stops everything with nothing written.
async fn management_hands_a_sales_users_customers_to_another(backend: crate::support::Backend) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = crate::support::api_session(&database, "manager1").await;
    let sales2 = crate::support::api_session(&database, "sales2").await;
    let (hugo, lea, support1) = (
        crate::support::user_id(&database, "sales2").await,
        crate::support::user_id(&database, "sales3").await,
        crate::support::user_id(&database, "support1").await,
    );
    let customers_of = |id: i32| {
        let connection = database.connection.clone();
        async move {
            let mut ids: Vec<i32> = customer::Entity::find()
                .filter(customer::Column::UserSalesId.eq(id))
                .all(&connection)
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.id)
                .collect();
            ids.sort();
            ids
        }
    };
    let hugos = customers_of(hugo).await;
    let leas = customers_of(lea).await;
    assert!(hugos.len() >= 2, "{hugos:?}");

    let refused = sales2
        .crm
        .reassign_customers(&sales2.token, hugo, lea, None)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "action refusée : le rôle commercial ne permet pas de modifier cet utilisateur"
    );
    for (to, expected) in [
        (
            hugo,
            "commercial repreneur : est déjà le commercial de ces clients",
        ),
        (
            support1,
            "commercial repreneur : « support1 » n'est pas un commercial",
        ),
    ] {
        let refused = manager1
            .crm
            .reassign_customers(&manager1.token, hugo, to, None)
            .await
            .unwrap_err();
        assert_eq!(refused.to_string(), expected);
    }
    // One of Léa's among the chosen: nothing moves.
    let refused = manager1
        .crm
        .reassign_customers(&manager1.token, hugo, lea, Some(vec![hugos[0], leas[0]]))
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "clients : le client n°{} n'est pas un client de Hugo Lefèvre",
            leas[0]
        )
    );
    assert_eq!(customers_of(hugo).await, hugos);

    // The first one chosen, then all the others.
    let handed = manager1
        .crm
        .reassign_customers(&manager1.token, hugo, lea, Some(vec![hugos[0]]))
        .await
        .unwrap();
    assert_eq!(handed, 1);
    let handed = manager1
        .crm
        .reassign_customers(&manager1.token, hugo, lea, None)
        .await
        .unwrap();
    assert_eq!(handed as usize, hugos.len() - 1);
    assert!(customers_of(hugo).await.is_empty());
    let mut all: Vec<i32> = leas.iter().chain(&hugos).copied().collect();
    all.sort();
    assert_eq!(customers_of(lea).await, all);
    // Léa now sees them as hers; Hugo no longer may change them.
    let customer = manager1
        .crm
        .customer(&manager1.token, hugos[0])
        .await
        .unwrap();
    assert_eq!(customer.user_sales_id, lea);
}

test_on_both_backends!(and_through_json: management_hands_a_sales_users_customers_to_another);

/// A reassignment waits for a customer row someone else holds, and loses nothing: the
/// other change is kept and every customer is handed.
async fn a_reassignment_waits_for_a_held_customer_and_loses_nothing(
    backend: crate::support::Backend,
) {
    use sea_orm::{ColumnTrait, QueryFilter};
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = crate::support::session(&database, "manager1").await;
    let hugo = crate::support::user_id(&database, "sales2").await;
    let lea = crate::support::user_id(&database, "sales3").await;
    let held = customer::Entity::find()
        .filter(customer::Column::UserSalesId.eq(hugo))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    let holder = epic_events_core::database::connect(&database.url)
        .await
        .unwrap();
    let transaction = epic_events_core::repositories::begin_write(&holder)
        .await
        .unwrap();
    let statement = match database.backend {
        crate::support::Backend::MySql => {
            format!("SELECT id FROM customer WHERE id = {} FOR UPDATE", held.id)
        }
        crate::support::Backend::Sqlite => {
            format!(
                "UPDATE customer SET updated_at = updated_at WHERE id = {}",
                held.id
            )
        }
    };
    sea_orm::ConnectionTrait::execute_unprepared(&transaction, &statement)
        .await
        .unwrap();
    let connection = epic_events_core::database::connect(&database.url)
        .await
        .unwrap();
    let session = manager1.clone();
    let started = std::time::Instant::now();
    let run = tokio::spawn(async move {
        epic_events_core::services::customer_service::reassign(
            &connection,
            &session,
            hugo,
            lea,
            None,
        )
        .await
    });
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        !run.is_finished(),
        "the reassignment waits for the held row"
    );
    // The holder changes the customer's first name meanwhile, then commits.
    sea_orm::ConnectionTrait::execute_unprepared(
        &transaction,
        &format!(
            "UPDATE customer SET customer_first_name = 'Pendant', version = version + 1 WHERE id = {}",
            held.id
        ),
    )
    .await
    .unwrap();
    transaction.commit().await.unwrap();
    let handed = run
        .await
        .unwrap()
        .expect("the reassignment ends after the wait");
    assert!(handed >= 1);
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    let after = customer::Entity::find_by_id(held.id)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.customer_first_name, "Pendant",
        "the other change is kept"
    );
    assert_eq!(after.user_sales_id, lea, "and the customer handed");
    assert_eq!(after.version, held.version + 2);
    let left = customer::Entity::find()
        .filter(customer::Column::UserSalesId.eq(hugo))
        .all(&database.connection)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

test_on_both_backends!(a_reassignment_waits_for_a_held_customer_and_loses_nothing);
