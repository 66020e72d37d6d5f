//! The shell in a real pseudo-terminal: rustyline's line editing, the password read
//! without echo, typed commands kept in the user's history (never a password), colours on
//! a terminal, Ctrl-D to leave.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use support::TestDatabase;

const TIMEOUT_MS: u64 = 20_000;

// rexpect reads the terminal byte by byte as Latin-1: the texts awaited below are ASCII
// (so they stop before the no-break space French typography puts before « : »).

async fn a_session_at_a_terminal(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.expose().to_owned();
    let config = directory.path().join("config");
    let config_for_thread = config.clone();
    let working_directory = directory.path().to_path_buf();
    // rexpect blocks: keep it off the runtime's threads.
    let transcript = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic-events"));
        command
            .current_dir(&working_directory)
            .env("DATABASE_URL", url)
            .env("EPIC_EVENTS_CONFIG_DIR", &config_for_thread)
            .env("TZ", "UTC")
            .env("TERM", "xterm")
            .env_remove("NO_COLOR")
            .env_remove("EPIC_EVENTS_JWT_SECRET");
        let mut terminal = rexpect::session::spawn_command(command, Some(TIMEOUT_MS)).unwrap();
        let mut transcript = String::new();
        let mut expect = |terminal: &mut rexpect::session::PtySession, needle: &str| {
            let before = terminal
                .exp_string(needle)
                .unwrap_or_else(|error| panic!("waiting for {needle:?}: {error}\n{transcript}"));
            transcript.push_str(&before);
            transcript.push_str(needle);
        };
        expect(&mut terminal, "Votre choix");
        terminal.send_line("1").unwrap();
        expect(
            &mut terminal,
            "Nom d'utilisateur ou adresse e-mail (vide pour revenir)",
        );
        terminal.send_line("sales2").unwrap();
        expect(&mut terminal, "Mot de passe");
        // Ctrl-C at the password prompt gives up signing in, without killing the shell.
        terminal.send_control('c').unwrap();
        expect(&mut terminal, "Votre choix");
        terminal.send_line("1").unwrap();
        expect(
            &mut terminal,
            "Nom d'utilisateur ou adresse e-mail (vide pour revenir)",
        );
        terminal.send_line("sales2").unwrap();
        expect(&mut terminal, "Mot de passe");
        terminal.send_line("demo-epic-events").unwrap();
        expect(&mut terminal, "en tant que sales2");
        expect(&mut terminal, "Votre choix");
        terminal.send_line("mes_clients().len()").unwrap();
        // The menu shown again after the result (rustyline redraws the prompt, with the
        // line, at each key typed: « Votre choix » alone would match one of those).
        expect(&mut terminal, "Menu principal");
        expect(&mut terminal, "Votre choix");
        terminal.send_line("5").unwrap();
        expect(&mut terminal, "Mot de passe actuel");
        terminal.send_line("secret-incorrect-1").unwrap();
        expect(&mut terminal, "Mot de passe");
        terminal.send_line("nouveau-secret-2026").unwrap();
        expect(&mut terminal, "Mot de passe (confirmation)");
        terminal.send_line("nouveau-secret-2026").unwrap();
        expect(&mut terminal, "est incorrect");
        expect(&mut terminal, "Votre choix");
        // Ctrl-D leaves the shell.
        terminal.send_control('d').unwrap();
        expect(&mut terminal, "Au revoir.");
        terminal.exp_eof().unwrap();
        transcript
    })
    .await
    .unwrap();

    for secret in [
        "demo-epic-events",
        "secret-incorrect-1",
        "nouveau-secret-2026",
    ] {
        assert!(
            !transcript.contains(secret),
            "{secret} was echoed:\n{transcript}"
        );
    }
    assert!(
        transcript.contains("\u{1b}["),
        "colours on a terminal:\n{transcript}"
    );
    assert!(
        transcript.contains("\n2\r\n") || transcript.contains("\r\n2\r\n"),
        "the command ran:\n{transcript:?}"
    );

    let history = config.join("historique-sales2");
    let kept = std::fs::read_to_string(&history).unwrap();
    assert!(kept.contains("mes_clients().len()"), "{kept}");
    assert!(!kept.contains("demo-epic-events"), "{kept}");
    assert_eq!(
        std::fs::metadata(&history).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

async fn no_colours_with_no_color(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.expose().to_owned();
    let working_directory = directory.path().to_path_buf();
    let transcript = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic-events"));
        command
            .current_dir(&working_directory)
            .env("DATABASE_URL", url)
            .env("EPIC_EVENTS_CONFIG_DIR", working_directory.join("config"))
            .env("TERM", "xterm")
            .env("NO_COLOR", "1");
        let mut terminal = rexpect::session::spawn_command(command, Some(TIMEOUT_MS)).unwrap();
        let transcript = terminal.exp_string("Votre choix").unwrap();
        terminal.send_line("2").unwrap();
        terminal.exp_string("Au revoir.").unwrap();
        transcript
    })
    .await
    .unwrap();
    assert!(transcript.contains("Accueil"), "{transcript:?}");
    // rustyline's own cursor codes remain; the shell's colours do not.
    for colour in ["\u{1b}[1m", "\u{1b}[36m", "\u{1b}[0m"] {
        assert!(!transcript.contains(colour), "{colour:?} in {transcript:?}");
    }
}

test_on_both_backends!(a_session_at_a_terminal, no_colours_with_no_color);
