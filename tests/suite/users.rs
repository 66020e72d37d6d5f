//! Employee accounts through the core, on both backends.

use crate::support;

use epic_events_api::ErrorCode;
use epic_events_core::entities::user;
use epic_events_core::paging::PageRequest;
use epic_events_core::permissions::Role;
use epic_events_core::services::user_service::{NewUserInput, UserChanges};
use sea_orm::{EntityTrait, QueryOrder};
use support::{TestDatabase, api_session, user_id};

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
    for username in ["sales2", "support1"] {
        let someone = api_session(&database, username).await;
        assert!(matches!(
            someone.crm.list_users(&someone.token, PageRequest::default()).await,
            Err(error) if error.code == ErrorCode::PermissionDenied
        ));
        assert!(matches!(
            someone
                .crm
                .create_user(&someone.token, newcomer(), Role::Support)
                .await,
            Err(error) if error.code == ErrorCode::PermissionDenied
        ));
    }
    let manager1 = api_session(&database, "manager1").await;
    let users = manager1
        .crm
        .list_users(&manager1.token, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(users.items.len(), 7);
    let supports: Vec<String> = manager1
        .crm
        .support_users(&manager1.token, PageRequest::default())
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
        let error = manager1
            .crm
            .create_user(&manager1.token, input, Role::Support)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{case}");
    }
    assert_eq!(all_users(&database).await, before);

    let created = manager1
        .crm
        .create_user(&manager1.token, newcomer(), Role::Support)
        .await
        .unwrap();
    assert_eq!(
        (created.username.as_str(), created.role_name.as_str()),
        ("support3", "support")
    );
    let signed_in = manager1
        .crm
        .sign_in(
            "support3".into(),
            "un mot de passe solide".into(),
            epic_events_api::formatting::Zone::of_this_machine(),
        )
        .await
        .unwrap()
        .user;
    assert_eq!(signed_in.role, Role::Support);
}

async fn management_modifies_users_within_the_rules(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = api_session(&database, "manager1").await;
    let sales1 = user_id(&database, "sales1").await;
    let sales2 = user_id(&database, "sales2").await;
    let before = all_users(&database).await;

    let error = manager1
        .crm
        .update_user(
            &manager1.token,
            sales2,
            UserChanges {
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
    let error = manager1
        .crm
        .update_user(
            &manager1.token,
            manager1.user.id,
            UserChanges {
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
    let sales2_session = api_session(&database, "sales2").await;
    let refused = sales2_session
        .crm
        .update_user(
            &sales2_session.token,
            sales1,
            UserChanges {
                first_name: Some("X".into()),
                ..Default::default()
            },
            None,
        )
        .await;
    assert!(
        matches!(&refused, Err(error) if error.code == ErrorCode::PermissionDenied),
        "{refused:?}"
    );
    assert_eq!(
        all_users(&database).await,
        before,
        "refusals change nothing"
    );

    let changed = manager1
        .crm
        .update_user(
            &manager1.token,
            sales1,
            UserChanges {
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
        manager1
            .crm
            .sign_in(
                "sales1".into(),
                "demo-epic-events".into(),
                epic_events_api::formatting::Zone::of_this_machine()
            )
            .await
            .is_err()
    );
    manager1
        .crm
        .sign_in(
            "sales1".into(),
            "nouveau mot de passe".into(),
            epic_events_api::formatting::Zone::of_this_machine(),
        )
        .await
        .unwrap();
}

async fn deletion_never_loses_records_nor_oneself(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = api_session(&database, "manager1").await;
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
        let error = manager1
            .crm
            .delete_user(&manager1.token, id)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{username}");
    }
    assert_eq!(all_users(&database).await.len(), 7);
    let sales1 = user_id(&database, "sales1").await;
    let support2 = api_session(&database, "support2").await;
    assert!(matches!(
        support2.crm.delete_user(&support2.token, sales1).await,
        Err(error) if error.code == ErrorCode::PermissionDenied
    ));
    manager1
        .crm
        .delete_user(&manager1.token, sales1)
        .await
        .unwrap();
    assert_eq!(all_users(&database).await.len(), 6);
}

async fn everyone_changes_their_own_password(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let support2 = api_session(&database, "support2").await;
    let error = support2
        .crm
        .change_own_password(
            &support2.token,
            "pas le bon".into(),
            "nouveau mot de passe".into(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "mot de passe actuel : est incorrect");
    let error = support2
        .crm
        .change_own_password(&support2.token, "demo-epic-events".into(), "court".into())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "mot de passe : doit contenir au moins 12 caractères"
    );
    support2
        .crm
        .change_own_password(
            &support2.token,
            "demo-epic-events".into(),
            "nouveau mot de passe".into(),
        )
        .await
        .unwrap();
    support2
        .crm
        .sign_in(
            "support2".into(),
            "nouveau mot de passe".into(),
            epic_events_api::formatting::Zone::of_this_machine(),
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
