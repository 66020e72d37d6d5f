//! The permission rules applied to the rights stored in the database, for each demo user.

use crate::support;

use chrono::Duration;
use epic_events_core::authentication::token::JwtSecret;
use epic_events_core::permissions::{Action, Resource, Target, authorize};
use epic_events_core::services::{authentication_service, authorization_service};
use support::TestDatabase;

/// For one user: each resource with the actions allowed on some record of it.
type Column = &'static [(Resource, &'static [Action])];

async fn stored_rights_give_each_role_its_column_of_the_matrix(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let secret = JwtSecret::new(vec![3; 32]).unwrap();
    // What each role may do on some record of each resource (SPEC §4, "—" = nothing).
    let expected: &[(&str, Column)] = &[
        (
            "manager1",
            &[
                (
                    Resource::User,
                    &[Action::Create, Action::Read, Action::Update, Action::Delete],
                ),
                (Resource::Customer, &[Action::Read]),
                (
                    Resource::Contract,
                    &[Action::Create, Action::Read, Action::Update, Action::Delete],
                ),
                (Resource::Event, &[Action::Read, Action::Update]),
            ],
        ),
        (
            "sales2",
            &[
                (Resource::User, &[]),
                (
                    Resource::Customer,
                    &[Action::Create, Action::Read, Action::Update, Action::Delete],
                ),
                (Resource::Contract, &[Action::Read, Action::Update]),
                (Resource::Event, &[Action::Create, Action::Read]),
            ],
        ),
        (
            "support1",
            &[
                (Resource::User, &[]),
                (Resource::Customer, &[Action::Read]),
                (Resource::Contract, &[Action::Read]),
                (Resource::Event, &[Action::Read, Action::Update]),
            ],
        ),
    ];
    for (username, rows) in expected {
        let (user, _) = authentication_service::sign_in(
            &database.connection,
            username,
            "demo-epic-events",
            epic_events_api::formatting::Zone::of_this_machine(),
            &epic_events_core::authentication::token::SessionKeys::new(
                secret.clone(),
                Duration::hours(1),
            ),
        )
        .await
        .unwrap();
        let actor = authorization_service::actor_for(&database.connection, &user)
            .await
            .unwrap();
        for (resource, allowed) in *rows {
            for action in Action::ALL {
                assert_eq!(
                    authorize(&actor, action, Target::AnyOf(*resource)).is_ok(),
                    allowed.contains(&action),
                    "{username} {action:?} {resource:?}"
                );
            }
        }
    }
}

test_on_both_backends!(stored_rights_give_each_role_its_column_of_the_matrix);
