//! The shell's widgets: numbered menus, questions, paged lists, forms and the change of
//! one field — the same everywhere, so that every screen behaves alike.

use std::fmt::Display;
use std::io::Write;

use super::console::Line;
use super::render;
use super::{ApplicationError, Next, PageRequest, Session, Shell};
use crate::formatting;
use crate::paging::{Page, SortOrder};
use crate::terminal::Prompt;
use epic_events_api::catalogue::{Catalogue, Description, FieldRef, Input, Referenced, Value};
use epic_events_api::scripts::Recognised;
use epic_events_api::{ApiError, ErrorCode};

/// An entry of a menu, with the number it always has.
pub(super) struct Entry {
    number: u32,
    /// The letter typed for it instead of its number (a list's « s. Page suivante »), so
    /// that the numbers stay those of the rows, however many a page shows.
    key: Option<&'static str>,
    label: String,
    state: EntryState,
}

pub(super) enum EntryState {
    /// Shown and chosen by its number.
    Offered,
    /// Not shown: the core refuses it to this user, with this message.
    Refused(String),
    /// Not shown, and no such choice here (no next page…).
    Absent,
    /// Chosen by its number but not listed with the others: a row of a list, whose
    /// number the table shows.
    Unlisted,
}

impl Entry {
    pub(super) fn offered(number: u32, label: impl Into<String>) -> Self {
        Self {
            number,
            key: None,
            label: label.into(),
            state: EntryState::Offered,
        }
    }

    /// Offered when the core says yes; hidden, with the core's refusal, otherwise.
    pub(super) fn when<E: Display>(
        number: u32,
        label: impl Into<String>,
        verdict: Result<(), E>,
    ) -> Self {
        Self {
            number,
            key: None,
            label: label.into(),
            state: match verdict {
                Ok(()) => EntryState::Offered,
                Err(refusal) => EntryState::Refused(refusal.to_string()),
            },
        }
    }

    /// A row of the list shown above the menu, opened by its number.
    pub(super) fn row(number: u32) -> Self {
        Self {
            number,
            key: None,
            label: String::new(),
            state: EntryState::Unlisted,
        }
    }

    /// Offered only if `present`.
    pub(super) fn present_if(number: u32, label: impl Into<String>, present: bool) -> Self {
        Self {
            number,
            key: None,
            label: label.into(),
            state: if present {
                EntryState::Offered
            } else {
                EntryState::Absent
            },
        }
    }

    /// Offered only if `present`, chosen by typing `key` (or its label); `number` is how
    /// the screen knows it, never shown.
    pub(super) fn keyed_if(
        number: u32,
        key: &'static str,
        label: impl Into<String>,
        present: bool,
    ) -> Self {
        Self {
            key: Some(key),
            ..Self::present_if(number, label, present)
        }
    }

    /// Whether `typed` names this entry by its key or its label (case and accents aside).
    fn named_by(&self, typed: &str) -> bool {
        self.key.is_some_and(|key| {
            let typed = formatting::folded(typed);
            typed == key || typed == formatting::folded(&self.label)
        })
    }
}

/// Why `line`, typed at a menu of `entries`, is neither a number nor a command, with what
/// was probably meant: an entry whose label it spells (`deconnexion`), or the nearest
/// command; `None` when it is a command (or `aide`, `quitter`), to run.
fn not_a_command(
    line: &str,
    entries: &[(&str, u32)],
    recognise: impl FnOnce(&str) -> Recognised,
) -> Option<String> {
    if matches!(line, "quitter" | "quitter()") {
        return None;
    }
    let nearest = match recognise(line) {
        Recognised::Command => return None,
        Recognised::NotACommand { nearest } => nearest,
    };
    let typed = formatting::folded(line);
    let entry = entries.iter().find(|(label, _)| {
        strsim::damerau_levenshtein(&formatting::folded(label), &typed) <= typed.chars().count() / 4
    });
    let hint = match (entry, nearest) {
        (Some((label, number)), _) => format!(" ; pour « {label} », tapez {number}"),
        (None, Some(command)) => format!(" ; vouliez-vous dire {command} ?"),
        (None, None) => String::new(),
    };
    Some(format!(
        "choix invalide : « {line} » n'est ni un numéro affiché ni une commande (« aide » les liste){hint}"
    ))
}

// The shell's one numbering scheme (README, « Les numéros du shell »): the same number
// for the same action on every screen.

/// « Retour », on every screen but the welcome and main menus.
pub(super) const BACK: u32 = 0;
/// « Déconnexion », on every screen of a session.
pub(super) const SIGN_OUT: u32 = 99;
/// Lists: rows are numbered from 1, as many as the terminal's height allows; the pages
/// are turned by letters (« s », « p »), these numbers being the screen's own, never
/// shown nor typed.
pub(super) const NEXT_PAGE: u32 = 1_000_001;
pub(super) const PREVIOUS_PAGE: u32 = 1_000_002;
/// A list's switch (« t » : the past events too), chosen by its key.
pub(super) const SWITCH: u32 = 1_000_003;
/// A list sorted by one of its columns (« o »), and a page jumped to by its number (« a »).
pub(super) const SORT: u32 = 1_000_004;
pub(super) const GO_TO_PAGE: u32 = 1_000_005;

/// A way of showing a list that the person turns on and off (the past events too, or
/// only those to come), by typing its key.
pub(super) struct Switch {
    /// The letter that turns it.
    pub key: &'static str,
    /// Whether it is on.
    pub on: std::cell::Cell<bool>,
    /// The list's title when it is off, then on.
    pub titles: [String; 2],
    /// The entry that turns it on, then off.
    pub entries: [&'static str; 2],
}

impl Switch {
    fn title(&self) -> String {
        self.titles[usize::from(self.on.get())].clone()
    }

    fn entry(&self) -> &'static str {
        self.entries[usize::from(self.on.get())]
    }
}
/// The menus of a record type (« Gestion des … »).
pub(super) const ALL: u32 = 1;
pub(super) const MINE: u32 = 2;
/// The third and fourth lists of a record type (« Mes contrats non signés »,
/// « Évènements sans support »; « Mes contrats non payés »).
pub(super) const THIRD_LIST: u32 = 3;
pub(super) const FOURTH_LIST: u32 = 4;
pub(super) const SEARCH: u32 = 5;
pub(super) const SHOW_BY_NUMBER: u32 = 6;
pub(super) const CREATE: u32 = 7;
/// « Exporter vers un tableur », in the menus of a record type.
pub(super) const EXPORT: u32 = 10;
/// Management's lists of every contract to sign, every contract to be paid.
pub(super) const ALL_UNSIGNED: u32 = 8;
pub(super) const ALL_UNPAID: u32 = 9;
/// A record's screen.
pub(super) const MODIFY: u32 = 1;
pub(super) const DELETE: u32 = 2;
pub(super) const CREATE_EVENT: u32 = 3;
/// A sales user's screen: « Confier ses clients à un autre commercial ».
pub(super) const REASSIGN_CUSTOMERS: u32 = 8;
/// A contract's business actions, on its screen.
pub(super) const RECORD_PAYMENT: u32 = 6;
pub(super) const SIGN: u32 = 7;

/// What kind of line is read.
#[derive(Clone, Copy, Debug)]
pub(super) enum Reading<'a> {
    /// A menu's choice or a typed command: completion and the history of commands.
    Choice,
    /// A form's field, starting from `initial`: no completion, no history.
    Field { initial: &'a str },
    /// A password: no echo.
    Secret,
}

/// What the user chose in a menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Choice {
    /// The entry with this number.
    Entry(u32),
    /// « 0. Retour ».
    Back,
    /// Leave the shell (Ctrl-D, end of input, `quitter`).
    Quit,
    /// The session ended while running a typed command.
    SignedOut,
    /// A typed command ran and showed its result: the screen is shown again whole (its
    /// record, its list), so that a number typed next acts on what is on screen — never
    /// on a record the command's output pushed out of sight.
    Redisplay,
}

/// An answer in a form.
pub(super) enum Answer {
    /// What was typed.
    Text(String),
    /// Nothing typed (or Ctrl-C): give up this form.
    Cancel,
    /// End of input: leave the shell.
    Quit,
}

impl Shell {
    // --- Input -----------------------------------------------------------------------

    /// Reads a line of the kind `reading` after `prompt`; a line that is not text is
    /// refused and asked again, so that what it returns is never [`Line::Unreadable`].
    pub(super) fn read(
        &mut self,
        prompt: &str,
        reading: Reading,
    ) -> Result<Line, ApplicationError> {
        let prompt = self.typeset(prompt).into_owned();
        loop {
            let prompt = self.prompt_line(&prompt);
            let line = match reading {
                Reading::Choice => self.console.read_line(&prompt),
                Reading::Field { initial } => {
                    self.console.read_field(&prompt, &Prompt::new(initial))
                }
                Reading::Secret => self.console.read_secret(&prompt),
            }
            .map_err(ApplicationError::Input)?;
            if line != Line::Unreadable {
                return Ok(line);
            }
            self.error(
                "saisie refusée : la ligne n'est pas du texte (octets hors UTF-8) ; recommencez",
            );
        }
    }

    /// The last line of `prompt` as the line editor shows it, its lines before written
    /// here: at a terminal too narrow for it and a little typing, the prompt is wrapped
    /// between words (never « po / ur confirmer »), leaving room to type after it.
    fn prompt_line(&mut self, prompt: &str) -> Prompt {
        /// The columns left to type in after a prompt, at least.
        const TYPING_ROOM: usize = 12;
        let Some(width) = self.width() else {
            return Prompt::new(prompt);
        };
        let neutralised = formatting::neutralise_control_characters(prompt);
        if textwrap::core::display_width(&neutralised) + TYPING_ROOM <= width {
            return Prompt::new(prompt);
        }
        let wrapped = render::wrapped(&neutralised, Some(width.saturating_sub(TYPING_ROOM)));
        let mut lines: Vec<&str> = wrapped.lines().collect();
        let last = lines.pop().unwrap_or_default();
        if !lines.is_empty() {
            let _ = writeln!(self.output, "{}", lines.join("\n"));
        }
        // The space a prompt ends with, which wrapping takes off.
        let spacing = if prompt.ends_with(' ') { " " } else { "" };
        Prompt::new(&format!("{last}{spacing}"))
    }

    /// Asks for a line; an empty line or Ctrl-C gives up. The label may name a record: it
    /// is neutralised like any text from data.
    pub(super) fn ask(&mut self, label: &str) -> Result<Answer, ApplicationError> {
        self.ask_from(label, "")
    }

    /// [`Shell::ask`], the line starting as `initial` (at a terminal, to edit).
    pub(super) fn ask_from(
        &mut self,
        label: &str,
        initial: &str,
    ) -> Result<Answer, ApplicationError> {
        self.flush();
        match self.read(&format!("{label} : "), Reading::Field { initial })? {
            Line::Text(text) if text.trim().is_empty() => Ok(Answer::Cancel),
            Line::Text(text) => Ok(Answer::Text(text.trim().to_owned())),
            Line::Interrupted | Line::Unreadable => Ok(Answer::Cancel),
            Line::End => Ok(Answer::Quit),
        }
    }

    /// Asks for a password, without echo.
    pub(super) fn ask_secret(&mut self, label: &str) -> Result<Answer, ApplicationError> {
        self.flush();
        match self.read(&format!("{label} : "), Reading::Secret)? {
            Line::Text(text) if text.is_empty() => Ok(Answer::Cancel),
            Line::Text(text) => Ok(Answer::Text(text)),
            Line::Interrupted | Line::Unreadable => Ok(Answer::Cancel),
            Line::End => Ok(Answer::Quit),
        }
    }

    /// Asks for a yes/no confirmation of something destructive: only « oui » confirms.
    pub(super) fn confirm(&mut self, question: &str) -> Result<Option<bool>, ApplicationError> {
        match self.ask(&format!("{question} Tapez « oui » pour confirmer"))? {
            Answer::Text(text) => Ok(Some(text.eq_ignore_ascii_case("oui"))),
            Answer::Cancel => Ok(Some(false)),
            Answer::Quit => Ok(None),
        }
    }

    pub(super) fn flush(&mut self) {
        let _ = self.output.flush();
    }

    /// Shows `entries` (the offered ones) under `title` with « 0. Retour » when `back` is
    /// given, and reads a choice. A number hidden from this user gets the core's refusal;
    /// anything that is not a number runs as a typed command.
    pub(super) fn choose(
        &mut self,
        title: &str,
        entries: &[Entry],
        back: Option<&str>,
    ) -> Result<Choice, ApplicationError> {
        self.title(title);
        for entry in entries {
            if let EntryState::Offered = entry.state {
                let key = match entry.key {
                    Some(key) => format!("{key:>2}."),
                    None => format!("{:>2}.", entry.number),
                };
                self.entry(&key, &entry.label);
            }
        }
        if let Some(back) = back {
            self.entry(" 0.", back);
        }
        // Signing out is offered on every screen of a session, always as 99.
        let signed_in = self.token.is_some();
        if signed_in {
            self.entry(&format!("{SIGN_OUT}."), "Déconnexion");
        }
        loop {
            self.flush();
            let line = match self.read(
                "Votre choix (un numéro, ou une commande ; « aide ») : ",
                Reading::Choice,
            )? {
                Line::Text(line) => line.trim().to_owned(),
                Line::Interrupted | Line::Unreadable => continue,
                Line::End => return Ok(Choice::Quit),
            };
            if line.is_empty() {
                continue;
            }
            if let Some(request) = super::typed_commands::HelpRequest::of(&line) {
                let mut shown: Vec<(String, String)> = Vec::new();
                let rows: Vec<u32> = entries
                    .iter()
                    .filter(|entry| matches!(entry.state, EntryState::Unlisted))
                    .map(|entry| entry.number)
                    .collect();
                match (rows.first(), rows.last()) {
                    (Some(first), Some(last)) if first != last => shown.push((
                        format!("{first}–{last}"),
                        "ouvre la ligne de ce numéro".to_owned(),
                    )),
                    (Some(first), _) => {
                        shown.push((first.to_string(), "ouvre la ligne".to_owned()));
                    }
                    _ => {}
                }
                for entry in entries {
                    if let EntryState::Offered = entry.state {
                        let key = entry
                            .key
                            .map_or_else(|| entry.number.to_string(), str::to_owned);
                        shown.push((key, entry.label.clone()));
                    }
                }
                if let Some(back) = back {
                    shown.push((BACK.to_string(), back.to_owned()));
                }
                if signed_in {
                    shown.push((SIGN_OUT.to_string(), "Déconnexion".to_owned()));
                }
                self.help(request, title, &shown);
                continue;
            }
            // « q »: back where there is a way back, leave at the welcome screen.
            if line.eq_ignore_ascii_case("q") {
                match (back, signed_in) {
                    (Some(_), _) => return Ok(Choice::Back),
                    (None, false) => return Ok(Choice::Quit),
                    (None, true) => {
                        self.error(&format!(
                            "« q » : tapez {SIGN_OUT} pour vous déconnecter, ou « quitter » pour fermer le shell"
                        ));
                        continue;
                    }
                }
            }
            if let Some(entry) = entries.iter().find(|entry| entry.named_by(&line)) {
                match entry.state {
                    EntryState::Offered => return Ok(Choice::Entry(entry.number)),
                    _ => {
                        let absent = format!("« {line} » n'est pas proposé sur cet écran");
                        self.error(&absent);
                        continue;
                    }
                }
            }
            if line.chars().all(|character| character.is_ascii_digit()) {
                let number: u32 = line.parse().unwrap_or(u32::MAX);
                if number == BACK && back.is_some() {
                    return Ok(Choice::Back);
                }
                if number == SIGN_OUT && signed_in {
                    self.sign_out();
                    self.say("Vous êtes déconnecté.");
                    return Ok(Choice::SignedOut);
                }
                match entries
                    .iter()
                    .find(|entry| entry.number == number && entry.key.is_none())
                {
                    Some(Entry {
                        state: EntryState::Offered | EntryState::Unlisted,
                        ..
                    }) => return Ok(Choice::Entry(number)),
                    Some(Entry {
                        state: EntryState::Refused(refusal),
                        ..
                    }) => {
                        let refusal = refusal.clone();
                        self.error(&refusal);
                    }
                    _ => self.error("choix invalide : tapez l'un des numéros affichés"),
                }
                continue;
            }
            let mut offered: Vec<(&str, u32)> = entries
                .iter()
                .filter(|entry| matches!(entry.state, EntryState::Offered))
                .map(|entry| (entry.label.as_str(), entry.number))
                .collect();
            if signed_in {
                offered.push(("Déconnexion", SIGN_OUT));
            }
            // The core says what is a command (a script that parses and calls only
            // functions that exist); if it cannot answer, that is said, and nothing is
            // run.
            let mut unanswered = None;
            let recognise =
                |line: &str| match self.call(self.crm.recognise_command(line.to_owned())) {
                    Ok(recognised) => recognised,
                    Err(error) => {
                        unanswered = Some(error);
                        Recognised::NotACommand { nearest: None }
                    }
                };
            let refusal = not_a_command(&line, &offered, recognise);
            if let Some(error) = unanswered {
                self.refused(&error);
                continue;
            }
            if let Some(message) = refusal {
                self.error(&message);
                continue;
            }
            return Ok(match self.typed_command(&line)? {
                Some(Choice::Quit) => Choice::Quit,
                Some(Choice::SignedOut) => Choice::SignedOut,
                _ => Choice::Redisplay,
            });
        }
    }

    // --- Lists -----------------------------------------------------------------------

    /// Pages through a list, as many rows at a time as the terminal's height allows now
    /// (ten when not at a terminal), with how many rows it has and which page this is
    /// (« 31 contrats — page 2/4 »). A row opens by its number with `open`; coming back
    /// from it shows the same page again; « s » and « p » turn the pages. `columns` are the fields
    /// shown; numbers and amounts are aligned right.
    pub(super) fn browse<F: Referenced>(
        &mut self,
        title: &str,
        noun: Noun,
        columns: &[F],
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<F::Row>, ApiError>,
        id_of: impl Fn(&F::Row) -> i32,
        open: impl FnMut(&mut Self, i32) -> Result<Next, ApplicationError>,
    ) -> Result<Next, ApplicationError> {
        self.browse_switching(title, noun, columns, None, true, fetch, id_of, open)
    }

    /// [`Shell::browse`] over `rows` already read (a typed command's result): paged and
    /// opened like the other lists, in the order the command gave them (not sorted again:
    /// a command sorts its result itself).
    pub(super) fn browse_held<F: Referenced>(
        &mut self,
        title: &str,
        noun: Noun,
        columns: &[F],
        rows: Vec<F::Row>,
        id_of: impl Fn(&F::Row) -> i32,
        open: impl FnMut(&mut Self, i32) -> Result<Next, ApplicationError>,
    ) -> Result<Next, ApplicationError>
    where
        F::Row: Clone,
    {
        let total = rows.len() as u64;
        let fetch = |_: &Self, _: &Session, request: PageRequest| {
            let start = request.skip().min(total);
            let end = (start + request.size()).min(total);
            Ok(Page {
                items: rows[start as usize..end as usize].to_vec(),
                next: (end < total).then(|| PageRequest::from_row(end, request.size())),
                total: Some(total),
            })
        };
        self.browse_switching(title, noun, columns, None, false, fetch, id_of, open)
    }

    /// [`Shell::browse`], with a `switch` the person turns on and off by its key (« t » :
    /// the past events too); the list starts again from its first page at each turn, and
    /// its title is the switch's. Any list can be sorted by one of its columns (« o »; the
    /// same column again reverses the order) and a page reached by its number (« a »).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn browse_switching<F: Referenced>(
        &mut self,
        title: &str,
        noun: Noun,
        columns: &[F],
        switch: Option<&Switch>,
        sortable: bool,
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<F::Row>, ApiError>,
        id_of: impl Fn(&F::Row) -> i32,
        mut open: impl FnMut(&mut Self, i32) -> Result<Next, ApplicationError>,
    ) -> Result<Next, ApplicationError> {
        // The page shown: its request (its size is the terminal's at each showing), its
        // number, and how many rows the pages before it showed.
        let mut request = PageRequest::first(self.page_size());
        let mut position: u64 = 1;
        let mut shown_before: u64 = 0;
        // The pages turned to before this one, to come back to each as it was.
        let mut previous: Vec<(PageRequest, u64)> = Vec::new();
        let mut sort: Option<SortOrder> = None;
        let mut counting = true;
        let mut total: Option<u64> = None;
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let size = self.page_size();
            request = request.resized(size);
            let asked = if counting {
                counting = false;
                request.counting()
            } else {
                request
            };
            let page = match fetch(self, &session, asked) {
                Ok(page) => page,
                Err(error) if sort.is_some() => {
                    // An order the core refuses: the list's own again.
                    self.refused(&error);
                    sort = None;
                    request = PageRequest::first(size);
                    (position, shown_before, counting) = (1, 0, true);
                    previous.clear();
                    continue;
                }
                Err(error) => {
                    self.refused(&error);
                    return Ok(Next::Back);
                }
            };
            total = page.total.or(total);
            let mut title = match switch {
                Some(switch) => switch.title(),
                None => title.to_owned(),
            };
            if let Some(sort) = sort
                && let Some(field) = columns.iter().find(|field| field.reference() == sort.field)
            {
                let direction = if sort.descending {
                    "décroissant"
                } else {
                    "croissant"
                };
                title = format!("{title} — par {} {direction}", field.label());
            }
            let pages = total.map(|total| {
                position - 1 + total.saturating_sub(shown_before).div_ceil(size).max(1)
            });
            self.title(&match (total, pages) {
                (Some(total), Some(pages)) => format!(
                    "{title} — {} — page {position}/{pages}",
                    noun.counted(total)
                ),
                _ => format!("{title} — page {position}"),
            });
            if page.items.is_empty() {
                self.say(&format!("(aucun {})", noun.singular()));
            } else {
                let table = self.list_table(&session, columns, &page.items);
                self.say(&table);
            }
            let mut entries: Vec<Entry> = (1..=page.items.len() as u32).map(Entry::row).collect();
            entries.push(Entry::keyed_if(
                NEXT_PAGE,
                "s",
                "Page suivante",
                page.next.is_some(),
            ));
            entries.push(Entry::keyed_if(
                PREVIOUS_PAGE,
                "p",
                "Page précédente",
                position > 1,
            ));
            entries.push(Entry::keyed_if(
                GO_TO_PAGE,
                "a",
                "Aller à la page…",
                pages.is_some_and(|pages| pages > 1),
            ));
            entries.push(Entry::keyed_if(
                SORT,
                "o",
                "Trier par une colonne",
                sortable && (page.items.len() > 1 || position > 1),
            ));
            if let Some(switch) = switch {
                entries.push(Entry::keyed_if(SWITCH, switch.key, switch.entry(), true));
            }
            let prompt = match page.items.len() {
                0 => "Que faire ?".to_owned(),
                1 => "Que faire ? (1 ouvre la ligne)".to_owned(),
                2 => "Que faire ? (1 ou 2 ouvre la ligne de ce n°)".to_owned(),
                rows => format!("Que faire ? (1 à {rows} ouvre la ligne de ce n°)"),
            };
            match self.choose(&prompt, &entries, Some("Retour"))? {
                Choice::Entry(NEXT_PAGE) => {
                    if let Some(next) = page.next {
                        previous.push((request, page.items.len() as u64));
                        shown_before += page.items.len() as u64;
                        position += 1;
                        request = next;
                    }
                }
                Choice::Entry(PREVIOUS_PAGE) => {
                    if let Some((before, rows)) = previous.pop() {
                        request = before;
                        shown_before = shown_before.saturating_sub(rows);
                        position -= 1;
                    } else if position > 1 {
                        // Reached by its number: the page before, by its number too.
                        position -= 1;
                        request = PageRequest::numbered(position, size, sort);
                        shown_before = (position - 1) * size;
                    }
                }
                Choice::Entry(GO_TO_PAGE) => {
                    let Some(pages) = pages else { continue };
                    match self.ask_page_number(pages)? {
                        Ok(Some(number)) => {
                            position = number;
                            request = PageRequest::numbered(number, size, sort);
                            shown_before = (number - 1) * size;
                            previous.clear();
                        }
                        Ok(None) => {}
                        Err(next) => return Ok(next),
                    }
                }
                Choice::Entry(SORT) => match self.ask_sort_column(columns, sort)? {
                    Ok(Some(chosen)) => {
                        sort = Some(chosen);
                        request = PageRequest::numbered(1, size, sort);
                        (position, shown_before) = (1, 0);
                        previous.clear();
                    }
                    Ok(None) => {}
                    Err(next) => return Ok(next),
                },
                Choice::Entry(SWITCH) => {
                    if let Some(switch) = switch {
                        switch.on.set(!switch.on.get());
                        request = PageRequest::numbered(1, size, sort);
                        (position, shown_before, counting, total) = (1, 0, true, None);
                        previous.clear();
                    }
                }
                Choice::Entry(row) => {
                    let Some(item) = page.items.get(row as usize - 1) else {
                        continue;
                    };
                    match open(self, id_of(item))? {
                        // Back to the same page, counted again (the record may be gone).
                        Next::Back => counting = true,
                        other => return Ok(other),
                    }
                }
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
                Choice::Redisplay => continue,
            }
        }
    }

    /// The table of a list's `rows`, numbered from 1, in `columns` (less a column naming
    /// the viewer on every row), fitted to the terminal.
    fn list_table<F: Catalogue>(
        &self,
        session: &Session,
        columns: &[F],
        rows: &[F::Row],
    ) -> String {
        // A column naming the viewer on every row (« Mes clients »: their sales user)
        // says nothing: left out.
        let viewer = Value::Text(format!(
            "{} {}",
            session.user.first_name, session.user.last_name
        ));
        let shown: Vec<usize> = (0..columns.len())
            .filter(|index| !rows.iter().all(|row| columns[*index].read(row) == viewer))
            .collect();
        let mut headers = vec!["#".to_owned()];
        headers.extend(
            shown
                .iter()
                .map(|index| capitalised(columns[*index].label())),
        );
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|row| {
                shown
                    .iter()
                    .map(|index| columns[*index].read(row))
                    .collect()
            })
            .collect();
        let mut right_aligned = vec![true];
        right_aligned.extend(values[0].iter().map(|value| {
            matches!(
                value,
                Value::Number(_) | Value::Money(_) | Value::Decimal(_)
            )
        }));
        let cells = values
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let mut cells = vec![(index + 1).to_string()];
                cells.extend(row.iter().map(formatting::value));
                cells
            })
            .collect();
        render::table(&headers, cells, &right_aligned, self.width())
    }

    /// Asks which page of `pages` to show; `Ok(None)` when given up.
    fn ask_page_number(
        &mut self,
        pages: u64,
    ) -> Result<Result<Option<u64>, Next>, ApplicationError> {
        loop {
            let text = match self.ask(&format!(
                "Aller à la page (1 à {pages} ; vide pour revenir)"
            ))? {
                Answer::Text(text) => text,
                Answer::Cancel => return Ok(Ok(None)),
                Answer::Quit => return Ok(Err(Next::Quit)),
            };
            match text.trim().parse::<u64>() {
                Ok(number) if (1..=pages).contains(&number) => return Ok(Ok(Some(number))),
                _ => self.error(&format!("« {text} » n'est pas une page de 1 à {pages}")),
            }
        }
    }

    /// Asks which of `columns` to sort a list by: the one it is sorted by (`current`) the
    /// other way round, any other rising; `Ok(None)` when given up.
    fn ask_sort_column<F: Referenced>(
        &mut self,
        columns: &[F],
        current: Option<SortOrder>,
    ) -> Result<Result<Option<SortOrder>, Next>, ApplicationError> {
        let entries: Vec<Entry> = (1..)
            .zip(columns)
            .map(|(number, field)| {
                let way = match current {
                    Some(sort) if sort.field == field.reference() && !sort.descending => {
                        " (décroissant)"
                    }
                    _ => "",
                };
                Entry::offered(number, format!("{}{way}", capitalised(field.label())))
            })
            .collect();
        Ok(match self.choose("Trier par", &entries, Some("Retour"))? {
            Choice::Entry(number) => {
                let Some(field) = columns.get(number as usize - 1) else {
                    return Ok(Ok(None));
                };
                let field = field.reference();
                let descending =
                    current.is_some_and(|sort| sort.field == field && !sort.descending);
                Ok(Some(SortOrder { field, descending }))
            }
            Choice::Back | Choice::Redisplay => Ok(None),
            Choice::Quit => Err(Next::Quit),
            Choice::SignedOut => Err(Next::SignedOut),
        })
    }

    /// Asks for the number of `what` (« un client »); `None` when given up, `Err(next)` to
    /// leave.
    pub(super) fn ask_id(
        &mut self,
        what: &str,
    ) -> Result<Option<Result<i32, Next>>, ApplicationError> {
        self.ask_reference(what, None)
    }

    /// Asks for `what` (« un contrat ») by its internal number or, when `numbered` is
    /// given, by the number it carries (`CTR-2026-0002`), which `numbered.1` looks up in
    /// the core; `None` when given up, `Err(next)` to leave.
    pub(super) fn ask_reference(
        &mut self,
        what: &str,
        numbered: Option<(&str, LookUp<'_>)>,
    ) -> Result<Option<Result<i32, Next>>, ApplicationError> {
        let question = match numbered {
            Some((prefix, _)) => {
                format!("Numéro d'{what} ({prefix}… ou numéro interne ; vide pour revenir)")
            }
            None => format!("Numéro d'{what} (vide pour revenir)"),
        };
        loop {
            let text = match self.ask(&question)? {
                Answer::Text(text) => text,
                Answer::Cancel => return Ok(None),
                Answer::Quit => return Ok(Some(Err(Next::Quit))),
            };
            if let Ok(id) = text.parse::<i32>()
                && id > 0
            {
                return Ok(Some(Ok(id)));
            }
            match numbered {
                Some((prefix, look_up))
                    if text.to_uppercase().starts_with(&prefix.to_uppercase()) =>
                {
                    let Some(session) = self.session()? else {
                        return Ok(Some(Err(Next::SignedOut)));
                    };
                    match look_up(self, &session, &text) {
                        Ok(id) => return Ok(Some(Ok(id))),
                        Err(error) => self.refused(&error),
                    }
                }
                _ => self.error(&format!("« {text} » n'est pas un numéro")),
            }
        }
    }

    // --- Forms -----------------------------------------------------------------------

    /// Asks each field of `fields` in turn, then submits them; when the core refuses a
    /// field's value, says why and asks that field again. `None` when given up.
    pub(super) fn form<T>(
        &mut self,
        fields: &[FormField],
        mut submit: impl FnMut(&Self, &Session, &[String]) -> Result<T, ApiError>,
    ) -> Result<Result<T, Next>, ApplicationError> {
        let mut values: Vec<String> = Vec::with_capacity(fields.len());
        for field in fields {
            match self.ask_required(field, fields, &values)? {
                Ok(text) => values.push(text),
                Err(next) => return Ok(Err(next)),
            }
        }
        loop {
            let Some(session) = self.session()? else {
                return Ok(Err(Next::SignedOut));
            };
            match submit(self, &session, &values) {
                Ok(created) => return Ok(Ok(created)),
                Err(error) if error.code == ErrorCode::Validation && error.field.is_some() => {
                    self.error(&error.message);
                    let field = error.field.unwrap_or_default();
                    let Some(index) = fields.iter().position(|candidate| candidate.name == field)
                    else {
                        return Ok(Err(Next::Back));
                    };
                    // Asked again with the other fields as typed.
                    let mut others = values.clone();
                    others[index].clear();
                    match self.ask_required(&fields[index], fields, &others)? {
                        Ok(text) => values[index] = text,
                        Err(next) => return Ok(Err(next)),
                    }
                }
                Err(transient) if transient.is_transient() => {
                    self.refused(&transient);
                    match self.offer_retry()? {
                        Some(true) => continue,
                        Some(false) => {
                            self.say("Saisie annulée.");
                            return Ok(Err(Next::Back));
                        }
                        None => return Ok(Err(Next::Quit)),
                    }
                }
                Err(other) => {
                    self.refused(&other);
                    return Ok(Err(Next::Back));
                }
            }
        }
    }

    /// Asks `field` of the form `fields`, in which `typed` was typed so far (in the order
    /// of `fields`; empty for a field not typed), until it is answered; `Err(next)` when
    /// the form is given up or the shell left.
    fn ask_required(
        &mut self,
        field: &FormField,
        fields: &[FormField],
        typed: &[String],
    ) -> Result<Result<String, Next>, ApplicationError> {
        let before: Vec<(FieldRef, String)> = fields
            .iter()
            .zip(typed)
            // A password is not sent again: no rule relates it to another field.
            .filter(|(field, text)| !text.is_empty() && !field.secret)
            .filter_map(|(field, text)| Some((field.check?, text.clone())))
            .collect();
        loop {
            match self.ask_field(field, &before)? {
                Answer::Text(text) => return Ok(Ok(text)),
                Answer::Cancel => match self.give_up_form(typed)? {
                    Some(true) => return Ok(Err(Next::Back)),
                    Some(false) => continue,
                    None => return Ok(Err(Next::Quit)),
                },
                Answer::Quit => return Ok(Err(Next::Quit)),
            }
        }
    }

    /// After an empty answer to a required field: whether to give the form up (`true`,
    /// said), or ask the field again (`false`); `None` at the end of input. Nothing typed
    /// yet: given up at once; otherwise only once confirmed, so that one slip of Enter
    /// never throws away what was typed.
    fn give_up_form(&mut self, typed: &[String]) -> Result<Option<bool>, ApplicationError> {
        if typed.iter().any(|value| !value.is_empty()) {
            match self
                .confirm("Ce champ est obligatoire. Abandonner la saisie et ce qui a été tapé ?")?
            {
                Some(true) => {}
                Some(false) => return Ok(Some(false)),
                None => return Ok(None),
            }
        }
        self.say("Saisie annulée.");
        Ok(Some(true))
    }

    /// Asks `field`, typed after the fields `before` of its form (each with its text),
    /// until the core accepts what is typed or it is left empty.
    pub(super) fn ask_field(
        &mut self,
        field: &FormField,
        before: &[(FieldRef, String)],
    ) -> Result<Answer, ApplicationError> {
        let answer = if field.choices.is_empty() {
            let prompt = prompt(capitalised(field.name), field.hint, field.when_empty);
            if field.secret {
                self.ask_secret(&prompt)?
            } else {
                self.ask(&prompt)?
            }
        } else {
            self.ask_choice(field.name, field.choices, "")?
        };
        let text = match (answer, field.when_empty.is_some()) {
            (Answer::Cancel, true) => return Ok(Answer::Text(String::new())),
            (Answer::Text(text), _) => text,
            (answer, _) => return Ok(answer),
        };
        // The core's rules for this field and the fields before it, at once: a wrong
        // value is asked again before the next field.
        if let Some(checked) = field.check {
            let Some(session) = self.session()? else {
                return Ok(Answer::Quit);
            };
            match self.call(self.crm.check_typed(
                &session.token,
                checked,
                text.clone(),
                before.to_vec(),
            )) {
                Ok(Some(note)) => self.say(&capitalised(&note)),
                Ok(None) => {}
                Err(refusal) => {
                    self.refused(&refusal);
                    return self.ask_field(field, before);
                }
            }
        }
        if field.secret {
            return match self.ask_secret(&format!("{} (confirmation)", capitalised(field.name)))? {
                Answer::Text(again) if again == text => Ok(Answer::Text(text)),
                Answer::Quit => Ok(Answer::Quit),
                Answer::Cancel => Ok(Answer::Cancel),
                _ => {
                    self.error(&format!("{} : les deux saisies diffèrent", field.name));
                    self.ask_field(field, before)
                }
            };
        }
        if field.moment {
            return match self.confirm_if_past(&text)? {
                Some(true) => Ok(Answer::Text(text)),
                Some(false) => self.ask_field(field, before),
                None => Ok(Answer::Quit),
            };
        }
        Ok(Answer::Text(text))
    }

    /// Shows `choices` numbered and asks for one (its number or itself); the answer is the
    /// choice's text, or what was typed when it is not a number shown.
    pub(super) fn ask_choice(
        &mut self,
        name: &str,
        choices: &[&str],
        initial: &str,
    ) -> Result<Answer, ApplicationError> {
        let listed: Vec<String> = (1..)
            .zip(choices)
            .map(|(number, choice)| format!("{number}. {choice}"))
            .collect();
        self.say(&format!("  {}", listed.join("   ")));
        let question = format!("{} (1 à {})", capitalised(name), choices.len());
        Ok(match self.ask_from(&question, initial)? {
            Answer::Text(text) => match text.parse::<usize>() {
                Ok(number) if (1..=choices.len()).contains(&number) => {
                    Answer::Text(choices[number - 1].to_owned())
                }
                _ => Answer::Text(text),
            },
            other => other,
        })
    }

    /// When `text` names a moment already past, asks whether it is meant; `Some(true)`
    /// when it is not past or confirmed, `None` at the end of input.
    pub(super) fn confirm_if_past(&mut self, text: &str) -> Result<Option<bool>, ApplicationError> {
        match crate::formatting::past_moment(text) {
            Some(moment) => self.confirm(&format!("Le {moment} est déjà passé : est-ce voulu ?")),
            None => Ok(Some(true)),
        }
    }

    /// Asks a new value for `field` and applies it; when the core refuses it, says
    /// why and asks again; when the database is busy or does not answer, offers to try
    /// again with the same value. `Ok(None)` when given up or refused otherwise (a record
    /// changed meanwhile: the caller shows it again as it is now).
    pub(super) fn change_field<T>(
        &mut self,
        field: Description,
        current: Option<&Value>,
        mut apply: impl FnMut(&Self, &Session, String) -> Result<T, ApiError>,
    ) -> Result<Result<Option<T>, Next>, ApplicationError> {
        let name = field.label;
        let optional = field.when_empty.is_some();
        // At a terminal the current value is already typed, to edit; piped, it is said.
        let current = current.map(formatting::editable).unwrap_or_default();
        let mut notes: Vec<String> = Vec::new();
        if let Some(hint) = field.hint {
            notes.push(hint.to_owned());
        }
        if !self.interactive && !current.is_empty() {
            notes.push(format!("actuellement : {current}"));
        }
        if optional {
            notes.push("« - » pour vider".to_owned());
        }
        notes.push(if self.interactive {
            "Ctrl-C ou vide pour annuler".to_owned()
        } else {
            "vide pour annuler".to_owned()
        });
        let label = format!("Nouvelle valeur pour « {name} » ({})", notes.join(" ; "));
        let initial = if self.interactive {
            current
        } else {
            String::new()
        };
        loop {
            let answer = if field.choices.is_empty() {
                self.ask_from(&label, &initial)?
            } else {
                self.ask_choice(name, field.choices, "")?
            };
            let value = match answer {
                // The current value sent back as it was: nothing to change.
                Answer::Text(value) if !initial.is_empty() && value == initial => {
                    return Ok(Ok(None));
                }
                Answer::Text(value) if optional && value == "-" => String::new(),
                Answer::Text(value) => value,
                Answer::Cancel => return Ok(Ok(None)),
                Answer::Quit => return Ok(Err(Next::Quit)),
            };
            if matches!(field.input, Input::Moment) {
                match self.confirm_if_past(&value)? {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Err(Next::Quit)),
                }
            }
            loop {
                let Some(session) = self.session()? else {
                    return Ok(Err(Next::SignedOut));
                };
                match apply(self, &session, value.clone()) {
                    Ok(updated) => {
                        self.success("Modification enregistrée.");
                        return Ok(Ok(Some(updated)));
                    }
                    Err(error) if error.code == ErrorCode::Validation => {
                        self.refused(&error);
                        break;
                    }
                    Err(transient) if transient.is_transient() => {
                        self.refused(&transient);
                        match self.offer_retry()? {
                            Some(true) => continue,
                            Some(false) => return Ok(Ok(None)),
                            None => return Ok(Err(Next::Quit)),
                        }
                    }
                    Err(other) => {
                        self.refused(&other);
                        return Ok(Ok(None));
                    }
                }
            }
        }
    }

    /// Asks the core whether the record can be deleted (`possible`) and says why not
    /// when it cannot, before anything is asked; then asks `question`, and deletes with
    /// `delete` only on « oui »; says what happened.
    pub(super) fn delete_after_confirmation(
        &mut self,
        question: &str,
        done: &str,
        possible: impl FnOnce(&Self) -> Result<(), ApiError>,
        delete: impl FnOnce(&Self) -> Result<(), ApiError>,
    ) -> Result<Deletion, ApplicationError> {
        if let Err(refusal) = possible(self) {
            self.refused(&refusal);
            return Ok(Deletion::Kept);
        }
        match self.confirm(question)? {
            Some(true) => {
                let deleted = delete(self);
                Ok(match self.report(deleted, done) {
                    Some(()) => Deletion::Deleted,
                    None => Deletion::Kept,
                })
            }
            Some(false) => {
                self.say("Suppression annulée.");
                Ok(Deletion::Kept)
            }
            None => Ok(Deletion::Quit),
        }
    }

    /// After a change: the core's refusal, or the confirmation.
    pub(super) fn report<T>(&mut self, outcome: Result<T, ApiError>, done: &str) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.success(done);
                Some(value)
            }
            Err(error) => {
                self.refused(&error);
                None
            }
        }
    }
}

/// What a confirmed deletion ended with.
pub(super) enum Deletion {
    /// The record is gone: leave its screen.
    Deleted,
    /// Not confirmed, or refused by the core: the record stays.
    Kept,
    /// End of input.
    Quit,
}

/// Finds the internal number of a record from the number it carries (`CTR-2026-0002`).
pub(super) type LookUp<'a> = &'a dyn Fn(&Shell, &Session, &str) -> Result<i32, ApiError>;

/// What a list holds, to count it in French: « 31 contrats », « 1 contrat », « aucun
/// contrat » (the nouns are the vocabulary's).
#[derive(Clone, Copy, Debug)]
pub(super) struct Noun(epic_events_api::vocabulary::Resource);

impl Noun {
    /// The noun of `resource`.
    pub(super) fn of(resource: epic_events_api::vocabulary::Resource) -> Self {
        Self(resource)
    }

    /// « contrat ».
    pub(super) fn singular(self) -> &'static str {
        self.0.french_noun()
    }

    pub(super) fn counted(self, count: u64) -> String {
        match count {
            0 => format!("aucun {}", self.singular()),
            1 => format!("1 {}", self.singular()),
            many => format!(
                "{} {}",
                formatting::whole_number(many),
                self.0.french_plural()
            ),
        }
    }
}

/// A field of a creation form, named as its catalogue names it (so that a refusal of that
/// field asks it again).
pub(super) struct FormField {
    name: &'static str,
    hint: Option<&'static str>,
    when_empty: Option<&'static str>,
    secret: bool,
    /// A date and time: one already past is confirmed.
    moment: bool,
    /// The field whose rule alone the core checks as soon as it is typed.
    check: Option<FieldRef>,
    /// The values it takes, offered as a numbered list.
    choices: &'static [&'static str],
}

impl FormField {
    /// The field `description` describes (checked when the form is submitted).
    pub(super) fn of(description: Description) -> Self {
        Self {
            name: description.label,
            hint: description.hint,
            when_empty: description.when_empty,
            secret: matches!(description.input, Input::Secret),
            moment: matches!(description.input, Input::Moment),
            check: None,
            choices: description.choices,
        }
    }

    /// The fields `fields` of a record, in order, each checked by the core as soon as it
    /// is typed.
    pub(super) fn all<F: Referenced>(fields: &[F]) -> Vec<Self> {
        fields
            .iter()
            .map(|&field| Self {
                check: Some(field.reference()),
                ..Self::of(field.describe())
            })
            .collect()
    }
}

/// The prompt of a field: its label, what to type, and what leaving it empty does.
fn prompt(label: String, hint: Option<&str>, when_empty: Option<&str>) -> String {
    match (hint, when_empty) {
        (Some(hint), Some(empty)) => format!("{label} ({hint} ; vide : {empty})"),
        (Some(hint), None) => format!("{label} ({hint})"),
        (None, Some(empty)) => format!("{label} (vide : {empty})"),
        (None, None) => label,
    }
}

pub(super) use crate::formatting::capitalised;
