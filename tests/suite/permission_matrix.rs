//! The whole permission matrix through the core services, then through scripts: every
//! role × resource × action × own / someone else's record. Each allowed case changes
//! exactly what it should; each refused case returns the permission error and leaves the
//! database unchanged; and a script gets the same outcome, with the same message, as the
//! service it calls.

use crate::support;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use epic_events_core::errors::CoreError;
use epic_events_core::paging::PageRequest;
use epic_events_core::permissions::{Action, Resource, Role, Target, authorize};
use epic_events_core::services::contract_service::{self, ContractChanges, NewContract};
use epic_events_core::services::customer_service::{
    self, CustomerChanges, CustomerList, NewCustomer,
};
use epic_events_core::services::event_service::{self, EventChanges, EventList, NewEvent};
use epic_events_core::services::user_service::{self, NewUserInput, UserChanges};
use support::{
    Backend, Script, TestDatabase, contract_id, customer_id, event_id, session, snapshot, user_id,
};

type Operation<'a> = Pin<Box<dyn Future<Output = Result<(), CoreError>> + Send + 'a>>;

macro_rules! operation {
    ($call:expr) => {
        Box::pin(async { $call.await.map(|_| ()) }) as Operation<'_>
    };
}

async fn ids(database: &TestDatabase) -> Ids {
    Ids {
        atelier: customer_id(database, "Atelier Lumière").await,
        brasserie: customer_id(database, "Brasserie des Quais").await,
        durand_partly_paid: contract_id(database, "CTR-2026-0002").await,
        durand_paid: contract_id(database, "CTR-2026-0003").await,
        brasserie_unpaid: contract_id(database, "CTR-2026-0005").await,
        gala: event_id(database, "EVT-2026-0002").await,
        inauguration: event_id(database, "EVT-2026-0003").await,
        sales1: user_id(database, "sales1").await,
        sales3: user_id(database, "sales3").await,
    }
}

/// Demo records used as "own" (from sales2's, support1's and manager1's point of view) and
/// "someone else's".
struct Ids {
    atelier: i32,
    brasserie: i32,
    durand_partly_paid: i32,
    durand_paid: i32,
    brasserie_unpaid: i32,
    gala: i32,
    inauguration: i32,
    sales1: i32,
    sales3: i32,
}

fn customer_input(suffix: &str) -> NewCustomer {
    NewCustomer {
        first_name: "Claire".into(),
        last_name: "Vasseur".into(),
        email: format!("claire{suffix}@vasseur.fr"),
        phone_number: format!("+33 3 20 00 00 {suffix}"),
        company_name: format!("Vasseur {suffix}"),
    }
}

fn event_input(contract_id: i32) -> NewEvent {
    NewEvent {
        contract_id,
        event_name: "Cocktail".into(),
        start: "2027-04-10T18:00:00+02:00".into(),
        end: "2027-04-10T22:00:00+02:00".into(),
        location: "Lyon".into(),
        attendees: 50,
        note: String::new(),
    }
}

fn user_input() -> NewUserInput {
    NewUserInput {
        first_name: "Yanis".into(),
        last_name: "Benali".into(),
        email: "yanis.benali@epic-events.fr".into(),
        phone_number: "+33 6 40 00 00 01".into(),
        username: "support3".into(),
        password: "un mot de passe solide".into(),
    }
}

/// One row of the matrix: what is tried, on whose record, and whether it must succeed;
/// the same attempt as a service call and as a script.
struct Case<'a> {
    resource: Resource,
    action: Action,
    own: bool,
    allowed: bool,
    operation: Operation<'a>,
    script: String,
}

fn case(
    resource: Resource,
    action: Action,
    own: bool,
    allowed: bool,
    operation: Operation<'_>,
    script: String,
) -> Case<'_> {
    Case {
        resource,
        action,
        own,
        allowed,
        operation,
        script,
    }
}

/// How the matrix calls the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// The Rust services.
    Services,
    /// A script run per case, calling the French API.
    Scripts,
}

fn customer_script(suffix: &str) -> String {
    format!(
        r#"creer_client(#{{ prenom: "Claire", nom: "Vasseur", email: "claire{suffix}@vasseur.fr", telephone: "+33 3 20 00 00 {suffix}", entreprise: "Vasseur {suffix}" }})"#
    )
}

fn event_script(contract_id: i32) -> String {
    format!(
        r#"creer_evenement(#{{ contrat: {contract_id}, nom: "Cocktail", debut: "2027-04-10T18:00:00+02:00", fin: "2027-04-10T22:00:00+02:00", lieu: "Lyon", participants: 50, notes: "" }})"#
    )
}

fn user_script(username: &str, email: &str, phone: &str, role: &str) -> String {
    format!(
        r#"creer_utilisateur(#{{ prenom: "Yanis", nom: "Benali", email: "{email}", telephone: "{phone}", identifiant: "{username}", mot_de_passe: "un mot de passe solide", role: "{role}" }})"#
    )
}

/// Runs the matrix for `username` via `via` on a new demo database; returns each case's
/// outcome: `Ok` or the refusal's French message.
async fn run_matrix(backend: Backend, username: &str, via: Via) -> Vec<Result<(), String>> {
    use Action::*;
    use Resource::*;
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let me = session(&database, username).await;
    let ids = ids(&database).await;
    let role = me.user.role;
    let (management, sales, support) = (
        role == Role::Management,
        role == Role::Sales,
        role == Role::Support,
    );
    let page = PageRequest::default();
    let all_contracts = contract_service::ContractList::All;

    // "Own" means: sales2's customers and what belongs to them, support1's assigned event,
    // manager1's own account and contracts. Reads first, then creations, updates, deletions.
    let cases = vec![
        case(
            User,
            Read,
            true,
            management,
            operation!(user_service::detail(connection, &me, me.user.id)),
            format!("utilisateur({})", me.user.id),
        ),
        case(
            User,
            Read,
            false,
            management,
            operation!(user_service::list(connection, &me, page)),
            "utilisateurs()".to_owned(),
        ),
        case(
            Customer,
            Read,
            true,
            true,
            operation!(customer_service::detail(connection, &me, ids.atelier)),
            format!("client({})", ids.atelier),
        ),
        case(
            Customer,
            Read,
            false,
            true,
            operation!(customer_service::list(
                connection,
                &me,
                CustomerList::All,
                page
            )),
            "clients()".to_owned(),
        ),
        case(
            Contract,
            Read,
            true,
            true,
            operation!(contract_service::detail(
                connection,
                &me,
                ids.durand_partly_paid
            )),
            format!("contrat({})", ids.durand_partly_paid),
        ),
        case(
            Contract,
            Read,
            false,
            true,
            operation!(contract_service::list(connection, &me, all_contracts, page)),
            "contrats()".to_owned(),
        ),
        case(
            Event,
            Read,
            true,
            true,
            operation!(event_service::detail(connection, &me, ids.gala)),
            format!("evenement({})", ids.gala),
        ),
        case(
            Event,
            Read,
            false,
            true,
            operation!(event_service::list(connection, &me, EventList::All, page)),
            "evenements()".to_owned(),
        ),
        case(
            User,
            Create,
            true,
            management,
            operation!(user_service::create(
                connection,
                &me,
                &user_input(),
                Role::Support
            )),
            user_script(
                "support3",
                "yanis.benali@epic-events.fr",
                "+33 6 40 00 00 01",
                "support",
            ),
        ),
        case(
            User,
            Create,
            false,
            management,
            operation!(user_service::create(
                connection,
                &me,
                &NewUserInput {
                    username: "sales4".into(),
                    email: "sales4@epic-events.fr".into(),
                    phone_number: "+33 6 40 00 00 02".into(),
                    ..user_input()
                },
                Role::Sales
            )),
            user_script(
                "sales4",
                "sales4@epic-events.fr",
                "+33 6 40 00 00 02",
                "commercial",
            ),
        ),
        // A customer is created for its creator: "someone else's" cannot even be expressed.
        case(
            Customer,
            Create,
            true,
            sales,
            operation!(customer_service::create(
                connection,
                &me,
                &customer_input("01")
            )),
            customer_script("01"),
        ),
        case(
            Customer,
            Create,
            false,
            sales,
            operation!(customer_service::create(
                connection,
                &me,
                &customer_input("02")
            )),
            customer_script("02"),
        ),
        case(
            Contract,
            Create,
            true,
            management,
            operation!(contract_service::create(
                connection,
                &me,
                &NewContract {
                    customer_id: ids.atelier,
                    total_amount: "100".into(),
                    balance_due: None,
                    signed: false
                }
            )),
            format!(
                r#"creer_contrat(#{{ client: {}, montant_total: "100", signe: false }})"#,
                ids.atelier
            ),
        ),
        case(
            Contract,
            Create,
            false,
            management,
            operation!(contract_service::create(
                connection,
                &me,
                &NewContract {
                    customer_id: ids.brasserie,
                    total_amount: "100".into(),
                    balance_due: None,
                    signed: false
                }
            )),
            format!(
                r#"creer_contrat(#{{ client: {}, montant_total: "100", signe: false }})"#,
                ids.brasserie
            ),
        ),
        case(
            Event,
            Create,
            true,
            sales,
            operation!(event_service::create(
                connection,
                &me,
                &event_input(ids.durand_partly_paid)
            )),
            event_script(ids.durand_partly_paid),
        ),
        case(
            Event,
            Create,
            false,
            false,
            operation!(event_service::create(
                connection,
                &me,
                &event_input(ids.brasserie_unpaid)
            )),
            event_script(ids.brasserie_unpaid),
        ),
        case(
            User,
            Update,
            true,
            management,
            operation!(user_service::update(
                connection,
                &me,
                me.user.id,
                &UserChanges {
                    first_name: Some("Nat".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_utilisateur({}, #{{ prenom: "Nat" }})"#,
                me.user.id
            ),
        ),
        case(
            User,
            Update,
            false,
            management,
            operation!(user_service::update(
                connection,
                &me,
                ids.sales3,
                &UserChanges {
                    first_name: Some("Léna".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_utilisateur({}, #{{ prenom: "Léna" }})"#,
                ids.sales3
            ),
        ),
        case(
            Customer,
            Update,
            true,
            sales,
            operation!(customer_service::update(
                connection,
                &me,
                ids.atelier,
                &CustomerChanges {
                    first_name: Some("Sophia".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_client({}, #{{ prenom: "Sophia" }})"#,
                ids.atelier
            ),
        ),
        case(
            Customer,
            Update,
            false,
            false,
            operation!(customer_service::update(
                connection,
                &me,
                ids.brasserie,
                &CustomerChanges {
                    first_name: Some("Manu".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_client({}, #{{ prenom: "Manu" }})"#,
                ids.brasserie
            ),
        ),
        case(
            Contract,
            Update,
            true,
            management || sales,
            operation!(contract_service::update(
                connection,
                &me,
                ids.durand_partly_paid,
                &ContractChanges {
                    balance_due: Some("3000".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_contrat({}, #{{ reste_a_payer: "3000" }})"#,
                ids.durand_partly_paid
            ),
        ),
        case(
            Contract,
            Update,
            false,
            management,
            operation!(contract_service::update(
                connection,
                &me,
                ids.brasserie_unpaid,
                &ContractChanges {
                    balance_due: Some("9000".into()),
                    ..Default::default()
                },
                None
            )),
            format!(
                r#"modifier_contrat({}, #{{ reste_a_payer: "9000" }})"#,
                ids.brasserie_unpaid
            ),
        ),
        case(
            Event,
            Update,
            true,
            support || management,
            if management {
                operation!(event_service::update(
                    connection,
                    &me,
                    ids.gala,
                    &EventChanges {
                        support: Some(None),
                        ..Default::default()
                    },
                    None
                ))
            } else {
                operation!(event_service::update(
                    connection,
                    &me,
                    ids.gala,
                    &EventChanges {
                        attendees: Some(260),
                        ..Default::default()
                    },
                    None
                ))
            },
            if management {
                format!("retirer_support({})", ids.gala)
            } else {
                format!("modifier_evenement({}, #{{ participants: 260 }})", ids.gala)
            },
        ),
        case(
            Event,
            Update,
            false,
            management,
            if management {
                operation!(event_service::update(
                    connection,
                    &me,
                    ids.inauguration,
                    &EventChanges {
                        support: Some(None),
                        ..Default::default()
                    },
                    None
                ))
            } else {
                operation!(event_service::update(
                    connection,
                    &me,
                    ids.inauguration,
                    &EventChanges {
                        attendees: Some(90),
                        ..Default::default()
                    },
                    None
                ))
            },
            if management {
                format!("retirer_support({})", ids.inauguration)
            } else {
                format!(
                    "modifier_evenement({}, #{{ participants: 90 }})",
                    ids.inauguration
                )
            },
        ),
        case(
            User,
            Delete,
            true,
            false,
            operation!(user_service::delete(connection, &me, me.user.id)),
            format!("supprimer_utilisateur({})", me.user.id),
        ),
        case(
            User,
            Delete,
            false,
            management,
            operation!(user_service::delete(connection, &me, ids.sales1)),
            format!("supprimer_utilisateur({})", ids.sales1),
        ),
        case(
            Customer,
            Delete,
            true,
            sales,
            operation!(customer_service::delete(connection, &me, ids.atelier)),
            format!("supprimer_client({})", ids.atelier),
        ),
        case(
            Customer,
            Delete,
            false,
            false,
            operation!(customer_service::delete(connection, &me, ids.brasserie)),
            format!("supprimer_client({})", ids.brasserie),
        ),
        case(
            Contract,
            Delete,
            true,
            management,
            operation!(contract_service::delete(connection, &me, ids.durand_paid)),
            format!("supprimer_contrat({})", ids.durand_paid),
        ),
        case(
            Contract,
            Delete,
            false,
            management,
            operation!(contract_service::delete(
                connection,
                &me,
                ids.brasserie_unpaid
            )),
            format!("supprimer_contrat({})", ids.brasserie_unpaid),
        ),
    ];

    let covered: BTreeSet<(Resource, Action, bool)> = cases
        .iter()
        .map(|case| (case.resource, case.action, case.own))
        .collect();
    assert_eq!(
        covered.len(),
        30,
        "every combination but deleting an event, which has no operation"
    );

    let mut outcomes = Vec::new();
    for Case {
        resource,
        action,
        own,
        allowed,
        operation,
        script,
    } in cases
    {
        let label = format!("{username} {action:?} {resource:?} (own: {own}) via {via:?}");
        let before = snapshot(&database).await;
        let outcome = match via {
            Via::Services => match operation.await {
                Ok(()) => Ok(()),
                Err(CoreError::PermissionDenied(denied)) => {
                    Err(CoreError::PermissionDenied(denied).to_string())
                }
                // Management holds the right to delete users, but never its own account:
                // that refusal is a rule of deletion, not of permission.
                Err(CoreError::Conflict(message))
                    if management && (resource, action, own) == (User, Delete, true) =>
                {
                    Err(message)
                }
                Err(other) => panic!("{label}: expected a permission refusal, got « {other} »"),
            },
            Via::Scripts => {
                drop(operation);
                Script::new(username, script.clone())
                    .run(&database)
                    .await
                    .outcome
                    .map(|_| ())
                    .map_err(|failure| failure.message)
            }
        };
        let after = snapshot(&database).await;
        if allowed {
            if let Err(message) = &outcome {
                panic!("{label}: refused with « {message} » ({script})");
            }
            let expected = match action {
                Read => (0, 0),
                Create => (0, 1),
                Update => (1, 1),
                Delete => (1, 0),
            };
            assert_eq!(
                before.difference(&after, resource),
                expected,
                "{label}: wrong effect"
            );
            for other in Resource::ALL.into_iter().filter(|other| *other != resource) {
                assert_eq!(
                    before.difference(&after, other),
                    (0, 0),
                    "{label}: touched {other:?}"
                );
            }
        } else {
            assert!(outcome.is_err(), "{label}: allowed");
            assert_eq!(before, after, "{label}: the database changed");
        }
        outcomes.push(outcome);
    }

    // Nobody may delete an event: there is no such operation, and the rules agree.
    assert!(authorize(&me.actor, Delete, Target::AnyOf(Event)).is_err());
    outcomes
}

/// The matrix through the services, then through scripts on another demo database: the
/// same cases allowed and refused, with the same messages.
async fn services_and_scripts_agree(backend: Backend, username: &str) {
    let through_services = run_matrix(backend, username, Via::Services).await;
    let through_scripts = run_matrix(backend, username, Via::Scripts).await;
    assert_eq!(through_services, through_scripts);
    assert!(
        through_scripts.iter().any(Result::is_err) && through_scripts.iter().any(Result::is_ok),
        "{through_scripts:?}"
    );
}

async fn management_column(backend: crate::support::Backend) {
    services_and_scripts_agree(backend, "manager1").await;
}

async fn sales_column(backend: crate::support::Backend) {
    services_and_scripts_agree(backend, "sales2").await;
}

async fn support_column(backend: crate::support::Backend) {
    services_and_scripts_agree(backend, "support1").await;
}

test_on_both_backends!(slow and_through_json: management_column, sales_column, support_column);
