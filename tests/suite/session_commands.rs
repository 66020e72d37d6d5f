//! `connexion`, `moi`, `deconnexion` and `base premier-gestionnaire` through the binary.

use crate::support;

use std::os::unix::fs::PermissionsExt;

use epic_events_core::entities::user;
use epic_events_core::permissions::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::{BinaryOutput, TestDatabase, run_binary_in};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn sign_in_who_am_i_and_sign_out(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let run = |arguments: &[&str], input: &str| {
        run_binary_in(Some(&database.url), directory.path(), arguments, input)
    };
    let token_file = directory.path().join("config/session.jwt");
    let secret_file = directory.path().join("config/jwt-secret");
    let mut outputs: Vec<BinaryOutput> = Vec::new();

    let refused = run(
        &["connexion", "--utilisateur", "sales2"],
        "pas-le-bon-mot-de-passe\n",
    );
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("Erreur : identifiant ou mot de passe incorrect"),
        "{refused:?}"
    );
    assert!(!token_file.exists());
    let unknown = run(
        &["connexion", "--utilisateur", "personne"],
        "demo-epic-events\n",
    );
    assert_eq!(
        unknown.stderr.lines().last(),
        refused.stderr.lines().last(),
        "same message"
    );
    outputs.extend([refused, unknown]);

    let signed_in = run(
        &["connexion", "--utilisateur", "sales2"],
        "demo-epic-events\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    assert!(
        signed_in
            .stdout
            .contains("Connecté en tant que sales2 (rôle : commercial)"),
        "{signed_in:?}"
    );
    assert_eq!(mode(&token_file), 0o600);
    assert_eq!(mode(&secret_file), 0o600);
    let token = std::fs::read_to_string(&token_file).unwrap();
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    outputs.push(signed_in);

    let me = run(&["moi"], "");
    assert!(me.success, "{me:?}");
    assert_eq!(me.stdout, "sales2 — Hugo Lefèvre, rôle : commercial\n");
    outputs.push(me);

    // Signing in by e-mail, with the login typed at the prompt, replaces the session.
    let by_email = run(
        &["connexion"],
        "nathalie.girard@epic-events.fr\ndemo-epic-events\n",
    );
    assert!(by_email.success, "{by_email:?}");
    assert!(
        by_email
            .stderr
            .contains("Nom d'utilisateur ou adresse e-mail : "),
        "{by_email:?}"
    );
    let me = run(&["moi"], "");
    assert_eq!(me.stdout, "manager1 — Nathalie Girard, rôle : gestion\n");
    let second_token = std::fs::read_to_string(&token_file).unwrap();
    outputs.extend([by_email, me]);

    let signed_out = run(&["deconnexion"], "");
    assert!(signed_out.success);
    assert_eq!(signed_out.stdout, "Vous êtes déconnecté.\n");
    assert!(!token_file.exists());
    let again = run(&["deconnexion"], "");
    assert_eq!(again.stdout, "Aucune session n'était ouverte.\n");
    let me = run(&["moi"], "");
    assert_eq!(me.code, Some(1));
    assert!(me.stderr.contains("reconnectez-vous"), "{me:?}");
    outputs.extend([signed_out, again, me]);

    // Nothing secret in what was printed or logged.
    let hash = user::Entity::find()
        .filter(user::Column::Username.eq("sales2"))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let log = std::fs::read_to_string(directory.path().join("config/epic-events.log")).unwrap();
    assert!(log.contains("signed in"), "the log is written: {log}");
    let mut everything = log;
    for output in &outputs {
        everything.push_str(&output.stdout);
        everything.push_str(&output.stderr);
    }
    for (what, secret_text) in [
        ("password", "demo-epic-events"),
        ("wrong password", "pas-le-bon-mot-de-passe"),
        ("token", token.trim()),
        ("second token", second_token.trim()),
        ("token signature", token.trim().rsplit('.').next().unwrap()),
        ("secret", secret.trim()),
        ("hash", hash.as_phc_string()),
    ] {
        assert!(
            !everything.contains(secret_text),
            "the {what} appears in the output or the log"
        );
    }
}

async fn first_manager_through_the_command(backend: crate::support::Backend) {
    let database = TestDatabase::migrated(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let run = |arguments: &[&str], input: &str| {
        run_binary_in(Some(&database.url), directory.path(), arguments, input)
    };
    let fields = "Élise\nMarchand\nelise.marchand@epic-events.fr\n+33 6 99 00 00 01\nemarchand\n";

    let mismatch = run(
        &["base", "premier-gestionnaire"],
        &format!("{fields}un mot de passe solide\nun autre mot de passe\n"),
    );
    assert_eq!(mismatch.code, Some(1), "{mismatch:?}");
    assert!(
        mismatch
            .stderr
            .contains("mot de passe : les deux saisies diffèrent"),
        "{mismatch:?}"
    );
    let too_short = run(
        &["base", "premier-gestionnaire"],
        &format!("{fields}court\ncourt\n"),
    );
    assert!(
        too_short
            .stderr
            .contains("mot de passe : doit contenir au moins 12 caractères"),
        "{too_short:?}"
    );
    let interrupted = run(&["base", "premier-gestionnaire"], "Élise\n");
    assert!(
        interrupted.stderr.contains("saisie interrompue"),
        "{interrupted:?}"
    );
    assert_eq!(database.count(user::Entity).await, 0);

    let created = run(
        &["base", "premier-gestionnaire"],
        &format!("{fields}un mot de passe solide\nun mot de passe solide\n"),
    );
    assert!(created.success, "{created:?}");
    assert!(
        created
            .stdout
            .contains("Compte de gestion « emarchand » créé."),
        "{created:?}"
    );
    assert!(
        !created.stdout.contains("un mot de passe solide")
            && !created.stderr.contains("un mot de passe solide")
    );

    let signed_in = run(
        &["connexion", "--utilisateur", "emarchand"],
        "un mot de passe solide\n",
    );
    assert!(signed_in.success, "{signed_in:?}");
    let me = run(&["moi"], "");
    assert_eq!(
        me.stdout,
        format!("emarchand — Élise Marchand, rôle : {}\n", Role::Management)
    );

    let refused = run(
        &["base", "premier-gestionnaire"],
        &format!("{fields}un mot de passe solide\nun mot de passe solide\n"),
    );
    assert_eq!(refused.code, Some(1));
    assert!(
        refused
            .stderr
            .contains("la base contient déjà des utilisateurs"),
        "{refused:?}"
    );
    assert_eq!(database.count(user::Entity).await, 1);
}

test_on_both_backends!(
    sign_in_who_am_i_and_sign_out,
    first_manager_through_the_command
);
