//! The shell as a person sees it: a pseudo-terminal of 80×24 whose output a terminal
//! emulator renders, and assertions on the screen (`support::terminal`).

use crate::support;

use support::TestDatabase;
use support::terminal::{TAB, Terminal, UP};

const CHOICE: &str = "« aide ») :";

/// Signs `username` in at the welcome screen; the main menu is shown after.
fn sign_in(terminal: &mut Terminal, username: &str) {
    terminal.wait_for_prompt(CHOICE);
    terminal.line("1");
    terminal.wait_for_prompt("(vide pour revenir) :");
    terminal.line(username);
    terminal.wait_for_prompt("Mot de passe :");
    terminal.secret_line("demo-epic-events");
    terminal.wait_for("Menu principal");
    terminal.wait_for_prompt(CHOICE);
}

/// A typo at a menu is « choix invalide », with what was meant when it is close; typed
/// commands are remembered, what is typed in a form's field is not, and a field gets
/// neither the history of commands nor their completion.
async fn typos_history_and_fields(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
        sign_in(&mut terminal, "sales2");
        terminal.line("abc");
        let screen = terminal.wait_for("choix invalide");
        assert!(
            screen.contains("Erreur : choix invalide : « abc » n'est ni un numéro affiché ni"),
            "{screen}"
        );
        assert!(!screen.contains("variable inconnue"), "{screen}");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("deconnexion");
        terminal.wait_for("pour « Déconnexion », tapez 99");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("mes_contrat()");
        terminal.wait_for("vouliez-vous dire mes_contrats() ?");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("mes_clients().len()");
        terminal.wait_for("mes_clients().len()\n2\n\nMenu principal");
        terminal.wait_for_prompt(CHOICE);
        // The history of commands is there at a menu…
        terminal.keys(UP);
        terminal.wait_until(
            |_| terminal.cursor_row().ends_with("mes_clients().len()"),
            "the last command recalled",
        );
        terminal.keys("\u{15}"); // Ctrl-U: the line emptied
        terminal.wait_for_prompt(CHOICE);
        // … not in a form's field, where Tab completes nothing either.
        terminal.line("2");
        terminal.wait_for("Gestion des clients");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("7");
        terminal.wait_for_prompt("Prénom :");
        terminal.keys(UP);
        terminal.keys("mes_");
        terminal.keys(TAB);
        terminal.keys("x");
        terminal.wait_until(
            |_| terminal.cursor_row().ends_with("Prénom : mes_x"),
            "the field as typed, nothing added",
        );
        terminal.keys("\u{15}");
        terminal.line("Claire");
        terminal.wait_for_prompt("Nom :");
        terminal.line("Vasseur");
        terminal.wait_for_prompt("Adresse e-mail :");
        terminal.line("claire@vasseur.fr");
        terminal.wait_for_prompt(":");
        terminal.line("+33 3 20 00 00 09");
        terminal.wait_for_prompt(":");
        terminal.line("Vasseur Traiteur");
        terminal.wait_for("Client créé");
        terminal.wait_for_prompt(CHOICE);
        // Ctrl-D leaves.
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
    let history =
        std::fs::read_to_string(directory.path().join("config/historique-sales2")).unwrap();
    assert!(history.contains("mes_clients().len()"), "{history}");
    for typed in [
        "Claire",
        "Vasseur",
        "claire@vasseur.fr",
        "abc",
        "deconnexion",
    ] {
        assert!(
            !history.contains(typed),
            "{typed} in the history:\n{history}"
        );
    }
}

test_on_both_backends!(typos_history_and_fields);

/// A modification screen's prompt starts from the current value, to edit; « - » empties
/// an optional field; after each change the screen shows the new value.
async fn modification_prompts_start_from_the_current_value(backend: crate::support::Backend) {
    use epic_events::entities::event;
    use sea_orm::EntityTrait;
    let database = TestDatabase::with_demo_data(backend).await;
    let gala = support::event_id(&database, "EVT-2026-0002").await;
    let before = event::Entity::find_by_id(gala)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert!(!before.note.is_empty());
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    let attendees = before.attendees.to_string();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
        sign_in(&mut terminal, "support1");
        // Gestion des évènements, Mes évènements, row 1, Modifier, Participants.
        for (choice, then) in [
            ("4", "Gestion des évènements"),
            ("2", "Mes évènements — 1 évènement — page 1/1"),
            ("1", "Évènement EVT-2026-0002"),
            ("1", "Champ à modifier"),
        ] {
            terminal.line(choice);
            terminal.wait_for(then);
            terminal.wait_for_prompt(CHOICE);
        }
        terminal.line("5");
        let prompt = format!("annuler) : {attendees}");
        terminal.wait_until(
            |_| terminal.cursor_row().ends_with(&prompt),
            "the current number of attendees, to edit",
        );
        // Ctrl-U empties the line; 1 200, as French writes it.
        terminal.keys("\u{15}");
        terminal.line("1 200");
        terminal.wait_for("Participants         : 1200");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("6");
        terminal.wait_for("« - » pour vider");
        terminal.keys("\u{15}");
        terminal.line("-");
        terminal.wait_until(
            |screen| screen.lines().any(|row| row == "  Notes                :"),
            "the notes emptied",
        );
        terminal.wait_for_prompt(CHOICE);
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
    let after = event::Entity::find_by_id(gala)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.attendees, 1200);
    assert_eq!(after.note, "");
}

test_on_both_backends!(modification_prompts_start_from_the_current_value);
