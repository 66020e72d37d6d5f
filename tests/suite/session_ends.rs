//! Sessions end when they should, through the binary, as people on several workstations
//! of one installation (one signing secret) see it: a password reset, one's own password
//! change, a role change and a deletion end every session of that user; signing out ends
//! that session for good, even for a copy of its token; a token made with the secret
//! for ten years, or dated in the future, is refused.

use crate::support;

use std::path::PathBuf;

use chrono::{Duration, Utc};
use epic_events_core::authentication::token::{self, Claims, JwtSecret};
use epic_events_core::permissions::Role;
use support::{BinaryOutput, TestDatabase, binary_command, run_command, user_id};

/// The installation's signing secret, shared by every workstation.
const SECRET: &str = "le secret de signature partagé par les postes de test";

/// A workstation: its own working and configuration directory.
struct Workstation {
    directory: tempfile::TempDir,
}

impl Workstation {
    fn new() -> Self {
        Self {
            directory: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, database: &TestDatabase, arguments: &[&str], input: &str) -> BinaryOutput {
        let mut command = binary_command(Some(&database.url), self.directory.path(), arguments);
        command.env("EPIC_EVENTS_JWT_SECRET", SECRET);
        run_command(command, input)
    }

    fn sign_in(&self, database: &TestDatabase, username: &str, password: &str) {
        let output = self.run(
            database,
            &["connexion", "--utilisateur", username],
            &format!("{password}\n"),
        );
        assert!(output.success, "{username}: {output:?}");
    }

    /// Runs `source` as the signed-in user.
    fn execute(&self, database: &TestDatabase, source: &str) -> BinaryOutput {
        let script = self.directory.path().join("script.rhai");
        std::fs::write(&script, source).unwrap();
        self.run(database, &["executer", script.to_str().unwrap()], "")
    }

    fn token_file(&self) -> PathBuf {
        self.directory.path().join("config").join("session.jwt")
    }

    /// `moi`'s refusal: asserts that the session is refused for `reason`, with the French
    /// « reconnectez-vous ».
    fn refused(&self, database: &TestDatabase, reason: &str) {
        let output = self.run(database, &["moi"], "");
        assert_eq!(output.code, Some(1), "{output:?}");
        assert_eq!(
            output.stderr,
            format!(
                "Erreur : votre session n'est plus valide ({reason}) : reconnectez-vous avec « epic-events connexion »\n"
            ),
            "{output:?}"
        );
    }

    fn accepted(&self, database: &TestDatabase, username: &str) {
        let output = self.run(database, &["moi"], "");
        assert!(output.success, "{output:?}");
        assert!(
            output.stdout.starts_with(&format!("{username} — ")),
            "{output:?}"
        );
    }
}

fn copy_token(from: &Workstation, to: &Workstation) {
    std::fs::create_dir_all(to.token_file().parent().unwrap()).unwrap();
    std::fs::copy(from.token_file(), to.token_file()).unwrap();
}

async fn sessions_end_when_they_should(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let (office, laptop, manager) = (Workstation::new(), Workstation::new(), Workstation::new());
    let sales2 = user_id(&database, "sales2").await;
    let sales1 = user_id(&database, "sales1").await;
    manager.sign_in(&database, "manager1", "demo-epic-events");
    let changed = "mot de passe, rôle ou identifiant changé depuis la connexion";

    // A manager resets sales2's password: both of sales2's sessions end.
    office.sign_in(&database, "sales2", "demo-epic-events");
    laptop.sign_in(&database, "sales2", "demo-epic-events");
    office.accepted(&database, "sales2");
    let reset = manager.execute(
        &database,
        &format!(
            r#"modifier_utilisateur({sales2}, #{{mot_de_passe: "un mot de passe remis à zéro"}})"#
        ),
    );
    assert!(reset.success, "{reset:?}");
    office.refused(&database, changed);
    laptop.refused(&database, changed);

    // sales2 changes their own password: their other session ends, and this one too.
    office.sign_in(&database, "sales2", "un mot de passe remis à zéro");
    laptop.sign_in(&database, "sales2", "un mot de passe remis à zéro");
    let own = office.execute(
        &database,
        r#"changer_mon_mot_de_passe("un mot de passe remis à zéro", "le mien, bien à moi")"#,
    );
    assert!(own.success, "{own:?}");
    laptop.refused(&database, changed);
    office.refused(&database, changed);
    office.sign_in(&database, "sales2", "le mien, bien à moi");
    office.accepted(&database, "sales2");

    // A manager makes sales1 (who owns nothing) a support user, then deletes the account.
    laptop.sign_in(&database, "sales1", "demo-epic-events");
    let role = manager.execute(
        &database,
        &format!(r#"modifier_utilisateur({sales1}, #{{role: "support"}})"#),
    );
    assert!(role.success, "{role:?}");
    laptop.refused(&database, changed);
    laptop.sign_in(&database, "sales1", "demo-epic-events");
    laptop.accepted(&database, "sales1");
    let deleted = manager.execute(&database, &format!("supprimer_utilisateur({sales1})"));
    assert!(deleted.success, "{deleted:?}");
    laptop.refused(&database, "utilisateur supprimé");

    // Changing a name does not end anything.
    let renamed = manager.execute(
        &database,
        &format!(r#"modifier_utilisateur({sales2}, #{{prenom: "Hugues"}})"#),
    );
    assert!(renamed.success, "{renamed:?}");
    office.accepted(&database, "sales2");

    // Signing out ends the session for good: a copy of its token is refused.
    copy_token(&office, &laptop);
    laptop.accepted(&database, "sales2");
    let signed_out = office.run(&database, &["deconnexion"], "");
    assert!(signed_out.success, "{signed_out:?}");
    assert_eq!(signed_out.stdout, "Vous êtes déconnecté.\n");
    laptop.refused(&database, "session fermée par une déconnexion");
}

async fn tokens_made_with_the_secret_must_still_be_ordinary(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let workstation = Workstation::new();
    workstation.sign_in(&database, "manager1", "demo-epic-events");
    let manager1 = user_id(&database, "manager1").await;
    let secret = JwtSecret::new(SECRET.as_bytes().to_vec()).unwrap();
    let forge = |issued: chrono::DateTime<Utc>, lifetime: Duration| {
        let claims = Claims::new(
            manager1,
            "manager1",
            Role::Management,
            0,
            epic_events_api::formatting::Zone::UTC,
            issued,
            lifetime,
        );
        std::fs::write(
            workstation.token_file(),
            token::sign(&claims, &secret).unwrap().expose(),
        )
        .unwrap();
    };
    // What the secret signs for the configured lifetime (480 minutes) is accepted.
    forge(Utc::now() - Duration::minutes(1), Duration::minutes(480));
    workstation.accepted(&database, "manager1");
    for (what, issued, lifetime) in [
        ("ten years", Utc::now(), Duration::days(3650)),
        ("a minute too long", Utc::now(), Duration::minutes(481)),
        (
            "issued tomorrow",
            Utc::now() + Duration::days(1),
            Duration::minutes(60),
        ),
    ] {
        forge(issued, lifetime);
        let output = workstation.run(&database, &["moi"], "");
        assert_eq!(output.code, Some(1), "{what}: {output:?}");
        assert!(
            output
                .stderr
                .contains("(jeton invalide) : reconnectez-vous"),
            "{what}: {output:?}"
        );
    }
}

/// In the shell: one's own password changed from the menu keeps the session (the shell
/// signs in again with the new one); changed by a typed command, it ends it, and the shell
/// says how to sign in again there.
async fn the_shell_after_a_password_change(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    let input = [
        "1", "sales1", "demo-epic-events",
        // « 5. Changer mon mot de passe »: current, new, confirmation.
        "5", "demo-epic-events", "un nouveau mot de passe", "un nouveau mot de passe",
        // Still signed in: the customers' menu, back.
        "2", "0",
        r#"changer_mon_mot_de_passe("un nouveau mot de passe", "encore un autre mot de passe")"#,
        // The next screen finds the session ended: back to the welcome screen, and quit.
        "2", "2",
    ]
    .join("\n")
        + "\n";
    let output = support::run_shell_in(Some(&database.url), directory.path(), &[], &input);
    let screens = output.stdout;
    let changed = screens.find("Mot de passe changé.").expect(&screens);
    let after_change = &screens[changed..];
    assert!(after_change.contains("Gestion des clients"), "{screens}");
    assert!(
        after_change.contains(
            "Erreur : votre session n'est plus valide (mot de passe, rôle ou identifiant changé depuis la connexion) : reconnectez-vous (« 1. Se connecter »)"
        ),
        "{screens}"
    );
    assert!(screens.contains("\nAu revoir.\n"), "{screens}");
}

test_on_both_backends!(
    the_shell_after_a_password_change,
    sessions_end_when_they_should,
    tokens_made_with_the_secret_must_still_be_ordinary,
);
