//! Employee accounts through the core, on both backends.

use crate::support;

use chrono::Duration;
use epic_events_core::authentication::token::JwtSecret;
use epic_events_core::entities::user;
use epic_events_core::errors::CoreError;
use epic_events_core::paging::PageRequest;
use epic_events_core::permissions::Role;
use epic_events_core::services::authentication_service::sign_in;
use epic_events_core::services::user_service::{self, NewUserInput, UserChanges};
use sea_orm::{EntityTrait, QueryOrder};
use support::{TestDatabase, session, user_id};

fn secret() -> JwtSecret {
    JwtSecret::new(vec![5; 32]).unwrap()
}

async fn all_users(database: &TestDatabase) -> Vec<user::Model> {
    user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
}

fn newcomer() -> NewUserInput {
    NewUserInput {
        first_name: "Yanis".into(),
        last_name: "Benali".into(),
        email: "yanis.benali@epic-events.fr".into(),
        phone_number: "+33 6 40 00 00 01".into(),
        username: "support3".into(),
        password: "un mot de passe solide".into(),
    }
}

async fn only_management_reads_and_creates_users(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    for username in ["sales2", "support1"] {
        let someone = session(&database, username).await;
        assert!(matches!(
            user_service::list(connection, &someone, PageRequest::default()).await,
            Err(CoreError::PermissionDenied(_))
        ));
        assert!(matches!(
            user_service::create(connection, &someone, &newcomer(), Role::Support).await,
            Err(CoreError::PermissionDenied(_))
        ));
    }
    let manager1 = session(&database, "manager1").await;
    let users = user_service::list(connection, &manager1, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(users.items.len(), 7);
    let supports: Vec<String> =
        user_service::support_users(connection, &manager1, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|row| row.username)
            .collect();
    assert_eq!(supports, ["support1", "support2"]);

    let before = all_users(&database).await;
    let bad: Vec<(&str, NewUserInput, &str)> = vec![
        (
            "duplicate username",
            NewUserInput {
                username: "Support1".into(),
                ..newcomer()
            },
            "identifiant : cette valeur est déjà utilisée",
        ),
        (
            "duplicate e-mail",
            NewUserInput {
                email: "ines.fontaine@epic-events.fr".into(),
                ..newcomer()
            },
            "adresse e-mail : cette valeur est déjà utilisée",
        ),
        (
            "duplicate phone",
            NewUserInput {
                phone_number: "+33 6 30 00 00 01".into(),
                ..newcomer()
            },
            "téléphone : cette valeur est déjà utilisée",
        ),
        (
            "short password",
            NewUserInput {
                password: "court".into(),
                ..newcomer()
            },
            "mot de passe : doit contenir au moins 12 caractères",
        ),
        (
            "username with spaces",
            NewUserInput {
                username: "yanis benali".into(),
                ..newcomer()
            },
            "identifiant : doit faire de 3 à 50 caractères parmi les lettres minuscules sans accent, les chiffres, « . », « _ » et « - »",
        ),
    ];
    for (case, input, message) in bad {
        let error = user_service::create(connection, &manager1, &input, Role::Support)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{case}");
    }
    assert_eq!(all_users(&database).await, before);

    let created = user_service::create(connection, &manager1, &newcomer(), Role::Support)
        .await
        .unwrap();
    assert_eq!(
        (created.username.as_str(), created.role_name.as_str()),
        ("support3", "support")
    );
    let (signed_in, _) = sign_in(
        connection,
        "support3",
        "un mot de passe solide",
        &epic_events_core::authentication::token::SessionKeys::new(
            secret().clone(),
            Duration::hours(1),
        ),
    )
    .await
    .unwrap();
    assert_eq!(signed_in.role, Role::Support);
}

async fn management_modifies_users_within_the_rules(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let manager1 = session(&database, "manager1").await;
    let sales1 = user_id(&database, "sales1").await;
    let sales2 = user_id(&database, "sales2").await;
    let before = all_users(&database).await;

    let error = user_service::update(
        connection,
        &manager1,
        sales2,
        &UserChanges {
            role: Some(Role::Support),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "le rôle de sales2 ne peut pas changer : 2 clients lui sont rattachés"
    );
    let error = user_service::update(
        connection,
        &manager1,
        manager1.user.id,
        &UserChanges {
            role: Some(Role::Sales),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "rôle : vous ne pouvez pas changer votre propre rôle"
    );
    let sales2_session = session(&database, "sales2").await;
    let refused = user_service::update(
        connection,
        &sales2_session,
        sales1,
        &UserChanges {
            first_name: Some("X".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert!(
        matches!(refused, Err(CoreError::PermissionDenied(_))),
        "{refused:?}"
    );
    assert_eq!(
        all_users(&database).await,
        before,
        "refusals change nothing"
    );

    let changed = user_service::update(
        connection,
        &manager1,
        sales1,
        &UserChanges {
            last_name: Some("Bernard-Roy".into()),
            role: Some(Role::Support),
            new_password: Some("nouveau mot de passe".into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (changed.user_last_name.as_str(), changed.role_name.as_str()),
        ("Bernard-Roy", "support")
    );
    assert!(
        sign_in(
            connection,
            "sales1",
            "demo-epic-events",
            &epic_events_core::authentication::token::SessionKeys::new(
                secret().clone(),
                Duration::hours(1)
            ),
        )
        .await
        .is_err()
    );
    sign_in(
        connection,
        "sales1",
        "nouveau mot de passe",
        &epic_events_core::authentication::token::SessionKeys::new(
            secret().clone(),
            Duration::hours(1),
        ),
    )
    .await
    .unwrap();
}

async fn deletion_never_loses_records_nor_oneself(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let manager1 = session(&database, "manager1").await;
    let cases = [
        (
            "manager1",
            "vous ne pouvez pas supprimer votre propre compte".to_owned(),
        ),
        (
            "sales2",
            "l'utilisateur sales2 ne peut pas être supprimé : 2 clients lui sont rattachés"
                .to_owned(),
        ),
        (
            "manager2",
            "l'utilisateur manager2 ne peut pas être supprimé : 2 contrats lui sont rattachés"
                .to_owned(),
        ),
        (
            "support1",
            "l'utilisateur support1 ne peut pas être supprimé : 1 évènement lui est rattaché"
                .to_owned(),
        ),
    ];
    for (username, message) in cases {
        let id = user_id(&database, username).await;
        let error = user_service::delete(connection, &manager1, id)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{username}");
    }
    assert_eq!(all_users(&database).await.len(), 7);
    let sales1 = user_id(&database, "sales1").await;
    let support2 = session(&database, "support2").await;
    assert!(matches!(
        user_service::delete(connection, &support2, sales1).await,
        Err(CoreError::PermissionDenied(_))
    ));
    user_service::delete(connection, &manager1, sales1)
        .await
        .unwrap();
    assert_eq!(all_users(&database).await.len(), 6);
}

async fn everyone_changes_their_own_password(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let support2 = session(&database, "support2").await;
    let error = user_service::change_own_password(
        connection,
        &support2,
        "pas le bon",
        "nouveau mot de passe",
    )
    .await
    .unwrap_err();
    assert_eq!(error.to_string(), "mot de passe actuel : est incorrect");
    let error =
        user_service::change_own_password(connection, &support2, "demo-epic-events", "court")
            .await
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "mot de passe : doit contenir au moins 12 caractères"
    );
    user_service::change_own_password(
        connection,
        &support2,
        "demo-epic-events",
        "nouveau mot de passe",
    )
    .await
    .unwrap();
    sign_in(
        connection,
        "support2",
        "nouveau mot de passe",
        &epic_events_core::authentication::token::SessionKeys::new(
            secret().clone(),
            Duration::hours(1),
        ),
    )
    .await
    .unwrap();
}

test_on_both_backends!(
    only_management_reads_and_creates_users,
    management_modifies_users_within_the_rules,
    deletion_never_loses_records_nor_oneself,
    everyone_changes_their_own_password
);
