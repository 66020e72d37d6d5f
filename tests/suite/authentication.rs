//! Sign-in, sessions and the first management account, on both backends.

use crate::support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use epic_events_core::authentication::token::{self, Claims, JwtSecret, SessionKeys, SessionToken};
use epic_events_core::entities::{role, user};
use epic_events_core::errors::{CoreError, SessionProblem};
use epic_events_core::permissions::Role;
use epic_events_core::services::authentication_service::{
    self, AuthenticatedUser, authenticate, sign_in,
};
use epic_events_core::services::user_service::NewUserInput;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use support::TestDatabase;

const DEMO_PASSWORD: &str = "demo-epic-events";

fn secret() -> JwtSecret {
    JwtSecret::new(b"a test secret that is long enough for HS256".to_vec()).unwrap()
}

fn other_secret() -> JwtSecret {
    JwtSecret::new(b"another secret, just as long, but not the same one".to_vec()).unwrap()
}

/// The keys of these tests: sessions of eight hours.
fn keys() -> SessionKeys {
    SessionKeys::new(secret(), Duration::hours(8))
}

async fn signed_in(database: &TestDatabase, login: &str) -> (AuthenticatedUser, SessionToken) {
    sign_in(
        &database.connection,
        login,
        DEMO_PASSWORD,
        epic_events_api::formatting::Zone::of_this_machine(),
        &keys(),
    )
    .await
    .unwrap_or_else(|error| panic!("{login} cannot sign in: {error}"))
}

fn session_problem(outcome: Result<AuthenticatedUser, CoreError>) -> SessionProblem {
    match outcome {
        Err(CoreError::SessionInvalid(problem)) => problem,
        other => panic!("expected a refused session, got {other:?}"),
    }
}

/// `token` with its payload replaced by `edit(payload)`, signature unchanged.
fn with_payload(token: &SessionToken, edit: impl Fn(&mut serde_json::Value)) -> SessionToken {
    let parts: Vec<&str> = token.expose().split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    edit(&mut payload);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    SessionToken::new(format!("{}.{payload}.{}", parts[0], parts[2]))
}

async fn role_id(database: &TestDatabase, role: Role) -> i32 {
    role::Entity::find()
        .filter(role::Column::Name.eq(role.name()))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn the_right_password_signs_in_with_username_or_email(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for login in [
        "sales2",
        "SALES2",
        "hugo.lefevre@epic-events.fr",
        " Hugo.Lefevre@Epic-Events.fr ",
    ] {
        let (user, token) = signed_in(&database, login).await;
        assert_eq!(user.username, "sales2");
        assert_eq!(user.role, Role::Sales);
        assert_eq!(
            (user.first_name.as_str(), user.last_name.as_str()),
            ("Hugo", "Lefèvre")
        );
        let claims = token::verify(&token, &keys()).unwrap();
        assert_eq!(claims.sub, user.id.to_string());
        assert_eq!(
            (claims.role.as_str(), claims.username.as_str()),
            ("sales", "sales2")
        );
        assert_eq!(
            (claims.iss.as_str(), claims.aud.as_str()),
            (token::ISSUER, token::AUDIENCE)
        );
        assert_eq!(claims.exp - claims.iat, 8 * 3600);
        assert_eq!(
            authenticate(&database.connection, Some(&token), &keys())
                .await
                .unwrap(),
            user
        );
    }
    for username in ["manager1", "support1"] {
        let (user, _) = signed_in(&database, username).await;
        assert_eq!(user.username, username);
    }
}

async fn unknown_user_and_wrong_password_get_the_same_message(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let attempt = |login: &'static str, password: &'static str| {
        let connection = database.connection.clone();
        async move {
            sign_in(
                &connection,
                login,
                password,
                epic_events_api::formatting::Zone::of_this_machine(),
                &keys(),
            )
            .await
            .unwrap_err()
        }
    };
    let wrong_password = attempt("sales2", "demo-epic-event").await;
    let unknown_user = attempt("sales9", DEMO_PASSWORD).await;
    let empty = attempt("", "").await;
    assert!(matches!(wrong_password, CoreError::WrongCredentials));
    assert_eq!(
        wrong_password.to_string(),
        "identifiant ou mot de passe incorrect"
    );
    assert_eq!(unknown_user.to_string(), wrong_password.to_string());
    assert_eq!(empty.to_string(), wrong_password.to_string());
}

async fn untrustworthy_tokens_are_refused(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let (sales2, token) = signed_in(&database, "sales2").await;

    let expired = token::sign(
        &Claims::new(
            sales2.id,
            "sales2",
            Role::Sales,
            0,
            epic_events_api::formatting::Zone::UTC,
            Utc::now() - Duration::hours(9),
            Duration::hours(8),
        ),
        &secret(),
    )
    .unwrap();
    let just_expired = token::sign(
        &Claims::new(
            sales2.id,
            "sales2",
            Role::Sales,
            0,
            epic_events_api::formatting::Zone::UTC,
            Utc::now() - Duration::seconds(62),
            Duration::seconds(60),
        ),
        &secret(),
    )
    .unwrap();
    let promoted = with_payload(&token, |payload| payload["role"] = "management".into());
    let someone_else = with_payload(&token, |payload| payload["sub"] = "4".into());
    let prolonged = with_payload(&token, |payload| {
        payload["exp"] = (Utc::now() + Duration::days(365)).timestamp().into()
    });
    let foreign = sign_in(
        connection,
        "sales2",
        DEMO_PASSWORD,
        epic_events_api::formatting::Zone::of_this_machine(),
        &SessionKeys::new(other_secret(), Duration::hours(8)),
    )
    .await
    .unwrap()
    .1;
    let payload = token.expose().split('.').nth(1).unwrap();
    let unsigned = SessionToken::new(format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
    ));
    let wrong_audience = token::sign(
        &Claims {
            aud: "another-application".into(),
            ..token::verify(&token, &keys()).unwrap()
        },
        &secret(),
    )
    .unwrap();

    let cases = [
        ("expired", expired, SessionProblem::Expired),
        (
            "expired two seconds ago",
            just_expired,
            SessionProblem::Expired,
        ),
        ("payload altered (role)", promoted, SessionProblem::Invalid),
        (
            "payload altered (user)",
            someone_else,
            SessionProblem::Invalid,
        ),
        (
            "payload altered (expiry)",
            prolonged,
            SessionProblem::Invalid,
        ),
        (
            "signed with another secret",
            foreign,
            SessionProblem::Invalid,
        ),
        ("alg none", unsigned, SessionProblem::Invalid),
        ("another audience", wrong_audience, SessionProblem::Invalid),
        (
            "not a token",
            SessionToken::new("garbage".into()),
            SessionProblem::Invalid,
        ),
    ];
    for (case, bad_token, expected) in cases {
        let problem = session_problem(authenticate(connection, Some(&bad_token), &keys()).await);
        assert_eq!(problem, expected, "{case}");
    }
    assert_eq!(
        session_problem(authenticate(connection, None, &keys()).await),
        SessionProblem::Missing
    );
    // The genuine token still works: the refusals above are about the alterations.
    assert_eq!(
        authenticate(connection, Some(&token), &keys())
            .await
            .unwrap(),
        sales2
    );

    let message = CoreError::SessionInvalid(SessionProblem::Expired).to_string();
    assert!(message.contains("reconnectez-vous"), "{message}");
}

async fn a_deleted_or_changed_user_must_sign_in_again(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;

    // sales1 owns nothing, so the account can be deleted.
    let (sales1, sales1_token) = signed_in(&database, "sales1").await;
    user::Entity::delete_by_id(sales1.id)
        .exec(connection)
        .await
        .unwrap();
    assert_eq!(
        session_problem(authenticate(connection, Some(&sales1_token), &keys()).await),
        SessionProblem::UserDeleted
    );

    let (support2, support2_token) = signed_in(&database, "support2").await;
    let mut changed = user::Entity::find_by_id(support2.id)
        .one(connection)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    changed.role_id = Set(role_id(&database, Role::Management).await);
    changed.update(connection).await.unwrap();
    assert_eq!(
        session_problem(authenticate(connection, Some(&support2_token), &keys()).await),
        SessionProblem::UserChanged
    );

    let (support1, support1_token) = signed_in(&database, "support1").await;
    let mut renamed = user::Entity::find_by_id(support1.id)
        .one(connection)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    renamed.username = Set("support-one".into());
    renamed.update(connection).await.unwrap();
    assert_eq!(
        session_problem(authenticate(connection, Some(&support1_token), &keys()).await),
        SessionProblem::UserChanged
    );

    // Signing in again gives a working session with the new role.
    let (again, token) = signed_in(&database, "support2").await;
    assert_eq!(again.role, Role::Management);
    assert_eq!(
        authenticate(connection, Some(&token), &keys())
            .await
            .unwrap(),
        again
    );
}

async fn the_first_manager_is_created_only_on_an_empty_database(backend: crate::support::Backend) {
    let database = TestDatabase::migrated(backend).await;
    let connection = &database.connection;
    let input = NewUserInput {
        first_name: " Élise ".into(),
        last_name: "Marchand".into(),
        email: "Elise.Marchand@Epic-Events.fr".into(),
        phone_number: "+33 6 99 00 00 01".into(),
        username: "EMarchand".into(),
        password: "un mot de passe solide".into(),
    };
    let short_password = NewUserInput {
        password: "trop court".into(),
        ..input.clone()
    };
    let error = authentication_service::create_first_manager(connection, &short_password)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "mot de passe : doit contenir au moins 12 caractères"
    );
    let bad_email = NewUserInput {
        email: "elise.marchand".into(),
        ..input.clone()
    };
    let error = authentication_service::create_first_manager(connection, &bad_email)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("adresse e-mail : n'est pas une adresse e-mail valide"),
        "{error}"
    );
    assert_eq!(
        database.count(user::Entity).await,
        0,
        "nothing written on bad input"
    );

    assert!(
        authentication_service::first_manager_needed(connection)
            .await
            .unwrap()
    );
    let manager = authentication_service::create_first_manager(connection, &input)
        .await
        .unwrap();
    assert_eq!(manager.role, Role::Management);
    assert_eq!(manager.username, "emarchand");
    assert_eq!(manager.first_name, "Élise");
    let stored = user::Entity::find_by_id(manager.id)
        .one(connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.email, "elise.marchand@epic-events.fr");
    assert!(
        stored
            .password_hash
            .as_phc_string()
            .starts_with("$argon2id$")
    );

    let (signed_in_manager, _) = sign_in(
        connection,
        "emarchand",
        "un mot de passe solide",
        epic_events_api::formatting::Zone::of_this_machine(),
        &keys(),
    )
    .await
    .unwrap();
    assert_eq!(signed_in_manager, manager);

    let second = NewUserInput {
        username: "second".into(),
        email: "second@epic-events.fr".into(),
        phone_number: "+33 6 99 00 00 02".into(),
        ..input
    };
    let error = authentication_service::create_first_manager(connection, &second)
        .await
        .unwrap_err();
    assert!(matches!(error, CoreError::Conflict(_)), "{error:?}");
    assert!(
        !authentication_service::first_manager_needed(connection)
            .await
            .unwrap()
    );
    assert_eq!(database.count(user::Entity).await, 1);
}

test_on_both_backends!(
    the_right_password_signs_in_with_username_or_email,
    unknown_user_and_wrong_password_get_the_same_message,
    untrustworthy_tokens_are_refused,
    a_deleted_or_changed_user_must_sign_in_again,
    the_first_manager_is_created_only_on_an_empty_database
);
