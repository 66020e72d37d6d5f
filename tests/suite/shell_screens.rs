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
    use epic_events_core::entities::event;
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
            ("2", "Mes évènements à venir"),
            // The past events too: what is listed does not depend on today's date.
            (
                "t",
                "Mes évènements, passés compris — 1 évènement — page 1/1",
            ),
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

/// At 80 columns a list is fitted to the screen: no identifier, amount or date cut, long
/// names shortened with « … », one line per row, so that the title, the rows and the
/// prompt are on the screen together; a record asked for by a typed command reads as a
/// card.
async fn lists_fit_80_columns_and_records_read_as_cards(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
        sign_in(&mut terminal, "manager1");
        terminal.line("3");
        terminal.wait_for("Gestion des contrats");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("1");
        let screen = terminal.wait_for("Tous les contrats — 6 contrats — page 1/1");
        terminal.wait_for_prompt(CHOICE);
        let screen = terminal.screen().max(screen);
        for number in 1..=6 {
            let row = screen
                .lines()
                .find(|line| line.contains(&format!("CTR-2026-000{number}")))
                .unwrap_or_else(|| panic!("CTR-2026-000{number} whole on a line:\n{screen}"));
            assert!(row.contains(" €"), "{row}");
        }
        for amount in ["12 000,00 €", "3 250,50 €", "9 800,00 €"] {
            assert!(screen.contains(amount), "{amount} whole in:\n{screen}");
        }
        // In French typography: a narrow no-break space between the digit groups, a
        // no-break space before the euro sign and before « : ».
        let raw = terminal.raw_rows().join("\n");
        assert!(raw.contains("12\u{202f}000,00\u{a0}€"), "{raw:?}");
        assert!(raw.contains("«\u{a0}aide\u{a0}»)\u{a0}:"), "{raw:?}");
        assert!(
            screen.contains("Tous les contrats — 6 contrats"),
            "{screen}"
        );
        terminal.line("0");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("0");
        terminal.wait_for("Menu principal");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("4");
        terminal.wait_for("Gestion des évènements");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("1");
        terminal.wait_for_prompt(CHOICE);
        // The past events too: what is listed does not depend on today's date.
        terminal.line("t");
        terminal.wait_for("Tous les évènements, passés compris — 4 évènements — page 1/1");
        let screen = terminal.wait_for_prompt(CHOICE);
        // The whole page at once: title, header, four rows of one line each, the prompt.
        assert!(
            screen.contains("Tous les évènements, passés compris — 4 évènements — page 1/1"),
            "{screen}"
        );
        for (number, date) in [
            ("EVT-2026-0001", "18/03/2027 08:00"),
            ("EVT-2026-0002", "12/12/2026 18:00"),
            ("EVT-2026-0003", "22/01/2027 17:00"),
            ("EVT-2026-0004", "05/06/2027 10:00"),
        ] {
            let row = screen
                .lines()
                .find(|line| line.contains(number))
                .unwrap_or_else(|| panic!("{number} whole on a line:\n{screen}"));
            assert!(row.contains(date), "{date} whole beside {number}: {row}");
        }
        assert!(screen.contains('…'), "long names shortened:\n{screen}");
        terminal.line("0");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("0");
        terminal.wait_for("Menu principal");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("evenement(2)");
        let screen = terminal.wait_for("Lieu                 : Pavillon Ledoyen, 75008 Paris");
        assert!(
            screen.contains("  Support              : Inès Fontaine"),
            "{screen}"
        );
        assert!(!screen.contains('╭'), "a card, not a table:\n{screen}");
        terminal.wait_for_prompt(CHOICE);
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
}

test_on_both_backends!(lists_fit_80_columns_and_records_read_as_cards);

/// The screens of the views document as each role sees them at 80×24, pinned by
/// snapshots: after each choice, the whole terminal as it is when the next choice is asked
/// (timestamps of records masked).
async fn main_screens_at_80_columns(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let journeys: [(&str, &[&str]); 3] = [
        (
            "manager1",
            &[
                "3", "1", "1", "1", "0", "0", "0", "0", "4", "3", "t", "1", "0", "0", "0", "1", "1",
            ],
        ),
        ("sales2", &["2", "2", "2", "0", "0", "0", "3", "4"]),
        ("support1", &["4", "2", "t", "1", "1"]),
    ];
    for (username, choices) in journeys {
        let directory = tempfile::tempdir().unwrap();
        let url = database.url.clone();
        let path = directory.path().to_path_buf();
        let screens = tokio::task::spawn_blocking(move || {
            let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
            sign_in(&mut terminal, username);
            let mut screens = format!("=== menu principal ===\n{}\n", terminal.screen());
            for choice in choices {
                terminal.line(choice);
                let screen = terminal.wait_for_prompt(CHOICE);
                screens.push_str(&format!("=== {choice} ===\n{screen}\n"));
            }
            terminal.keys("\u{4}");
            terminal.wait_for("Au revoir.");
            terminal.finish();
            screens
        })
        .await
        .unwrap();
        insta::assert_snapshot!(
            format!("screens_80x24_{username}"),
            support::without_timestamps(&screens)
        );
    }
}

test_on_both_backends!(main_screens_at_80_columns);

/// A window resized between two screens: the next screen fits the new size. At 120×40 a
/// list of 15 customers fits one page; made 60×24, the same list shows the rows that fit
/// (« page 1/2 ») in lines of at most 60 columns, turned by « s »; made 120×40 again,
/// one page, and no line cut that need not be.
async fn screens_follow_a_resized_terminal(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales1 = support::session(&database, "sales1").await;
    support::add_customers(
        &database,
        &sales1,
        (10..25).map(|number| {
            (
                number,
                format!("Entreprise au nom assez long pour être raccourci {number}"),
            )
        }),
    )
    .await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 120, 40);
        sign_in(&mut terminal, "sales1");
        terminal.line("2");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("2");
        let wide = terminal.wait_for_prompt(CHOICE);
        assert!(
            wide.contains("Mes clients — 15 clients — page 1/1"),
            "{wide}"
        );
        assert!(
            wide.contains("Entreprise au nom assez long pour être raccourci 24"),
            "{wide}"
        );
        assert!(!wide.contains("Page suivante"), "{wide}");

        terminal.resize(60, 24);
        terminal.line("0");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("2");
        let narrow = terminal.wait_for_prompt(CHOICE);
        assert!(
            narrow.contains("Mes clients — 15 clients — page 1/2"),
            "{narrow}"
        );
        assert!(narrow.contains(" s. Page suivante"), "{narrow}");
        for row in terminal.rows() {
            assert!(row.chars().count() <= 60, "{row:?} in\n{narrow}");
        }
        // The rows that fit 24 lines, numbered from 1: the table's last row is 9.
        assert!(narrow.contains("│ 9 │"), "{narrow}");
        assert!(!narrow.contains("│ 10 │"), "{narrow}");
        terminal.line("s");
        terminal.wait_for("page 2/2");
        // The whole screen, its menu and prompt drawn.
        let second = terminal.wait_for_prompt(CHOICE);
        assert!(second.contains(" p. Page précédente"), "{second}");
        assert!(second.contains("│ 6 │"), "{second}");
        assert!(!second.contains("│ 7 │"), "{second}");
        // A title and a question longer than the terminal are wrapped between words.
        terminal.line("1");
        let card = terminal.wait_for_prompt(CHOICE);
        assert!(card.contains("pour être\nraccourci 19"), "{card}");
        terminal.line("2");
        let question = terminal.wait_for_prompt("confirmer :");
        assert!(
            terminal
                .rows()
                .join(" ")
                .contains("Tapez « oui » pour confirmer"),
            "{question}"
        );
        for row in terminal.rows() {
            assert!(row.chars().count() <= 60, "{row:?} in\n{question}");
        }
        terminal.line("non");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("0");
        terminal.wait_for_prompt(CHOICE);
        // A typed command's list is a list like the menus': fitted, paged, then back to
        // the screen it was typed at.
        terminal.line("mes_clients()");
        let typed = terminal.wait_until(
            |screen| {
                screen.contains("mes_clients() — 15 clients — page 1/2")
                    && screen.ends_with("« aide ») :")
            },
            "the command's result as a list",
        );
        assert!(typed.contains("│ 9 │ Entre…ci 18"), "{typed}");
        assert!(typed.contains(" s. Page suivante"), "{typed}");
        for row in terminal.rows() {
            assert!(row.chars().count() <= 60, "{row:?} in\n{typed}");
        }
        terminal.line("0");
        terminal.wait_for("Mes clients — 15 clients — page 2/2");
        terminal.wait_for_prompt(CHOICE);

        terminal.resize(120, 40);
        terminal.line("0");
        terminal.wait_for_prompt(CHOICE);
        terminal.line("2");
        terminal.wait_for("page 1/1");
        let wide_again = terminal.wait_for_prompt(CHOICE);
        assert!(
            wide_again.contains("Entreprise au nom assez long pour être raccourci 24"),
            "{wide_again}"
        );
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
}

test_on_both_backends!(screens_follow_a_resized_terminal);

/// `executer` at a terminal fits its tables to it; piped, they keep their width.
async fn reports_fit_the_terminal(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/impayes_par_commercial.rhai")
        .to_string_lossy()
        .into_owned();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(
            &url,
            &path,
            &["connexion", "--utilisateur", "manager1"],
            50,
            24,
        );
        terminal.wait_for_prompt("Mot de passe :");
        terminal.secret_line("demo-epic-events");
        assert!(terminal.finish());
        let terminal = Terminal::start(&url, &path, &["executer", &script], 50, 40);
        let screen = terminal.wait_for("Total");
        assert!(screen.contains("╭"), "{screen}");
        for row in terminal.rows() {
            assert!(row.chars().count() <= 50, "{row:?} in\n{screen}");
        }
        assert!(terminal.finish());
    })
    .await
    .unwrap();
}

test_on_both_backends!(reports_fit_the_terminal);

/// Tab with several names that match: what they share is completed, a second Tab lists
/// them all (as bash does), instead of cycling through them unseen.
async fn tab_lists_the_names_that_match(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let url = database.url.clone();
    let path = directory.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut terminal = Terminal::start(&url, &path, &[], 80, 24);
        sign_in(&mut terminal, "sales2");
        terminal.keys("mes_co");
        terminal.keys(TAB);
        terminal.wait_until(
            |_| terminal.cursor_row().ends_with("mes_contrats"),
            "what the names share completed",
        );
        terminal.keys(TAB);
        let listed = terminal.wait_for("mes_contrats_non_signes");
        assert!(listed.contains("mes_contrats_non_payes"), "{listed}");
        terminal.keys("\u{15}");
        terminal.keys("\u{4}");
        terminal.wait_for("Au revoir.");
        terminal.finish();
    })
    .await
    .unwrap();
}

test_on_both_backends!(tab_lists_the_names_that_match);

/// What no screen may show, whatever the terminal's size: a line wider than the terminal,
/// a table row wrapped (not ending with its border), or a contract or event number, an
/// amount, a date or a time cut.
fn assert_whole(screen: &str, width: usize, context: &str) {
    let fail = |what: &str| panic!("{what} at {width} columns ({context}):\n{screen}");
    for line in screen.lines() {
        if line.chars().count() > width {
            fail(&format!("{line:?} is wider than the terminal"));
        }
        if line.starts_with('│') && !line.ends_with('│') {
            fail(&format!("{line:?} is a table row cut"));
        }
    }
    let characters: Vec<char> = screen.chars().collect();
    let digits = |from: usize, count: usize| {
        characters
            .get(from..from + count)
            .is_some_and(|found| found.iter().all(char::is_ascii_digit))
    };
    for (at, _) in characters.iter().enumerate() {
        let rest: String = characters[at..characters.len().min(at + 4)]
            .iter()
            .collect();
        if (rest == "CTR-" || rest == "EVT-")
            && !(digits(at + 4, 4) && characters.get(at + 8) == Some(&'-') && digits(at + 9, 4))
        {
            fail(&format!("a number cut at {at}"));
        }
        if characters[at] == '€'
            && !(at >= 5
                && characters[at - 1] == ' '
                && digits(at - 3, 2)
                && characters[at - 4] == ','
                && digits(at - 5, 1))
        {
            fail(&format!("an amount cut at {at}"));
        }
        // A date: « JJ/MM/AAAA »; a time after a date: « HH:MM ».
        if at >= 2
            && characters[at] == '/'
            && digits(at - 2, 2)
            && characters.get(at + 3) == Some(&'/')
            && !digits(at + 4, 4)
        {
            fail(&format!("a date cut at {at}"));
        }
        if characters[at] == ':' && at >= 2 && digits(at - 2, 2) && !digits(at + 1, 2) {
            fail(&format!("a time cut at {at}"));
        }
    }
}

/// At 80×24, 100×30 and 120×40, every list each role sees (every « Gestion des … » menu's
/// lists, the past events too), the card of its first row, a typed command's list and a
/// report show nothing cut and no line wider than the terminal.
async fn every_screen_fits_each_terminal_size(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for (width, height) in [(80_u16, 24_u16), (100, 30), (120, 40)] {
        for username in ["manager1", "sales2", "support1"] {
            let directory = tempfile::tempdir().unwrap();
            let url = database.url.clone();
            let path = directory.path().to_path_buf();
            tokio::task::spawn_blocking(move || {
                let mut terminal = Terminal::start(&url, &path, &[], width, height);
                sign_in(&mut terminal, username);
                let width = usize::from(width);
                let mut lists_seen = 0;
                for menu in ["1", "2", "3", "4"] {
                    terminal.line(menu);
                    let screen = terminal.wait_for_prompt(CHOICE);
                    if !screen.contains("Gestion des") {
                        // Not offered to this role: refused, the main menu again.
                        continue;
                    }
                    let lists: Vec<String> = screen
                        .lines()
                        .filter_map(|line| {
                            let (number, label) = line.trim_start().split_once(". ")?;
                            let is_list = ["Tous les", "Toutes", "Mes ", "sans support"]
                                .iter()
                                .any(|words| label.contains(words))
                                && !label.contains("Exporter");
                            (is_list && number.parse::<u32>().is_ok()).then(|| number.to_owned())
                        })
                        .collect();
                    for list in lists {
                        terminal.line(&list);
                        let screen = terminal.wait_for_prompt(CHOICE);
                        let context = format!("{username}, menu {menu}, list {list}");
                        assert_whole(&screen, width, &context);
                        lists_seen += 1;
                        let mut depth = 1;
                        if screen.contains(" t. Afficher aussi") {
                            terminal.line("t");
                            let screen = terminal.wait_for_prompt(CHOICE);
                            assert_whole(&screen, width, &format!("{context}, t"));
                        }
                        if screen.contains("│ 1 │") || terminal.screen().contains("│ 1 │") {
                            terminal.line("1");
                            let card = terminal.wait_for_prompt(CHOICE);
                            assert_whole(&card, width, &format!("{context}, card"));
                            depth += 1;
                        }
                        for _ in 0..depth {
                            terminal.line("0");
                            terminal.wait_for_prompt(CHOICE);
                        }
                    }
                    terminal.line("0");
                    terminal.wait_for("Menu principal");
                    terminal.wait_for_prompt(CHOICE);
                }
                assert!(lists_seen >= 4, "{username} saw {lists_seen} lists");
                for command in ["contrats()", "impayes_par_commercial()"] {
                    terminal.line(command);
                    let screen = terminal.wait_until(
                        |screen| screen.contains('╰') && screen.ends_with(CHOICE),
                        command,
                    );
                    assert_whole(&screen, width, &format!("{username}, {command}"));
                    if command == "contrats()" {
                        terminal.line("0");
                        terminal.wait_for("Menu principal");
                        terminal.wait_for_prompt(CHOICE);
                    }
                }
                terminal.keys("\u{4}");
                terminal.wait_for("Au revoir.");
                terminal.finish();
            })
            .await
            .unwrap();
        }
    }
}

test_on_both_backends!(every_screen_fits_each_terminal_size);

/// The checker of [`every_screen_fits_each_terminal_size`] sees each kind of cut.
#[test]
fn the_screen_checker_sees_what_is_cut() {
    let whole = "│ CTR-2026-0001 │ 12 000,00 € │ 18/03/2027 08:00 │";
    assert_whole(whole, 80, "whole");
    for cut in [
        "│ CTR-20\n26-0001 │",
        "│   12 \n000,00 € │",
        "│ 18/03/\n2027 08:00 │",
        "│ 18/03/2027 08:\n00 │",
        "│ a row wrapped",
        &"x".repeat(81),
    ] {
        let caught = std::panic::catch_unwind(|| assert_whole(cut, 80, "cut"));
        assert!(caught.is_err(), "{cut:?} passed");
    }
}
