//! « Gestion des évènements »: lists, detail, and modification — what the assigned
//! support user runs, or, for management, who supports the event.

use super::{Browse, Choice, CommandError, Entry, Next, Shell, render};
use crate::errors::CoreError;
use crate::formatting;
use crate::paging::PageRequest;
use crate::permissions::{Action, EventField, Feature, allows};
use crate::services::event_service::{self, EventChanges, EventList, EventRow, SupportUser};
use crate::services::user_service::{self, UserRow};
use crate::validation;

fn support_name(event: &EventRow) -> String {
    match (&event.support_first_name, &event.support_last_name) {
        (Some(first_name), Some(last_name)) => format!("{first_name} {last_name}"),
        _ => "— aucun —".to_owned(),
    }
}

fn fields(event: &EventRow) -> Vec<(&'static str, String)> {
    vec![
        ("Numéro interne", event.id.to_string()),
        ("Numéro", event.event_number.clone()),
        ("Nom", event.event_name.clone()),
        ("Contrat", event.contract_number.clone()),
        ("Client", event.customer_company_name.clone()),
        (
            "Contact",
            format!("{} {}", event.customer_first_name, event.customer_last_name),
        ),
        ("Début", formatting::date_time(event.start_datetime)),
        ("Fin", formatting::date_time(event.end_datetime)),
        ("Lieu", event.location.clone()),
        ("Participants", event.attendees.to_string()),
        ("Support", support_name(event)),
        ("Notes", event.note.clone()),
        ("Créé le", formatting::date_time(event.created_at)),
        ("Modifié le", formatting::date_time(event.updated_at)),
    ]
}

/// The fields of the modification screen, by number.
const EDITABLE: [(u32, EventField); 7] = [
    (1, EventField::Name),
    (2, EventField::Start),
    (3, EventField::End),
    (4, EventField::Location),
    (5, EventField::Attendees),
    (6, EventField::Note),
    (7, EventField::Support),
];

fn changes(field: EventField, value: String) -> Result<EventChanges, CoreError> {
    let mut changes = EventChanges::default();
    match field {
        EventField::Name => changes.event_name = Some(value),
        EventField::Start => changes.start = Some(value),
        EventField::End => changes.end = Some(value),
        EventField::Location => changes.location = Some(value),
        EventField::Attendees => {
            changes.attendees = Some(validation::whole_number(field.french_name(), &value)?);
        }
        EventField::Note => changes.note = Some(value),
        EventField::Support => {
            let value = value.trim();
            changes.support = Some(if value.eq_ignore_ascii_case("aucun") {
                None
            } else if let Ok(id) = value.parse::<i32>() {
                Some(SupportUser::Id(id))
            } else {
                Some(SupportUser::Login(value.to_owned()))
            });
        }
    }
    Ok(changes)
}

impl Shell<'_> {
    pub(super) fn events_menu(&mut self) -> Result<Next, CommandError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let actor = &session.actor;
            let entries = [
                Entry::when(1, "Tous les évènements", allows(actor, Feature::Events)),
                Entry::when(2, "Mes évènements", allows(actor, Feature::MyEvents)),
                Entry::when(
                    3,
                    "Évènements sans support",
                    allows(actor, Feature::EventsWithoutSupport),
                ),
                Entry::when(
                    4,
                    "Afficher un évènement (par son numéro)",
                    allows(actor, Feature::Events),
                ),
            ];
            let next = match self.choose("Gestion des évènements", &entries, Some("Retour"))? {
                Choice::Entry(number @ 1..=3) => {
                    let (title, which) = match number {
                        1 => ("Tous les évènements", EventList::All),
                        2 => ("Mes évènements", EventList::Mine),
                        _ => ("Évènements sans support", EventList::WithoutSupport),
                    };
                    match self.event_list(title, which)? {
                        Browse::Open(id) => self.event_detail(id)?,
                        Browse::Done(next) => next,
                    }
                }
                Choice::Entry(_) => match self.ask_id("un évènement")? {
                    Some(Ok(id)) => self.event_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn event_list(&mut self, title: &str, which: EventList) -> Result<Browse, CommandError> {
        self.browse(
            title,
            "un évènement",
            &["n°", "Numéro", "Nom", "Début", "Client", "Support"],
            &[true, false, false, false, false, false],
            |shell, session, page| {
                shell.block_on(event_service::list(&shell.connection, session, which, page))
            },
            |event: &EventRow| {
                vec![
                    event.id.to_string(),
                    event.event_number.clone(),
                    event.event_name.clone(),
                    formatting::date_time(event.start_datetime),
                    event.customer_company_name.clone(),
                    support_name(event),
                ]
            },
        )
    }

    pub(super) fn event_detail(&mut self, id: i32) -> Result<Next, CommandError> {
        loop {
            let (session, event) = match self.session_and(|shell, session| {
                shell.block_on(event_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Évènement {} — {}",
                event.event_number, event.event_name
            ));
            self.say(render::detail(&fields(&event)).trim_end());
            let entries = [Entry::when(
                1,
                "Modifier",
                event_service::permits(&session, Action::Update, &event),
            )];
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(_) => self.modify_event(event)?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn modify_event(&mut self, event: EventRow) -> Result<Next, CommandError> {
        let id = event.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (session, event) = match self.session_and(|shell, session| {
                shell.block_on(event_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier l'évènement {}", event.event_number));
            self.say(render::detail(&fields(&event)).trim_end());
            let entries: Vec<Entry> = EDITABLE
                .iter()
                .map(|(number, field)| {
                    Entry::when(
                        *number,
                        super::capitalised(field.french_name()),
                        event_service::permits_field(&session, *field),
                    )
                })
                .collect();
            let field = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(number) => EDITABLE
                    .iter()
                    .find(|(candidate, _)| *candidate == number)
                    .map_or(EventField::Name, |(_, field)| *field),
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
            };
            let hint = match field {
                EventField::Start | EventField::End => Some(formatting::DATE_TIME_EXAMPLE),
                EventField::Support => {
                    self.show_support_users(&session);
                    Some("numéro ou identifiant d'un membre du support, ou « aucun »")
                }
                _ => None,
            };
            let seen = &event;
            let outcome =
                self.change_field(field.french_name(), hint, |shell, session, value| {
                    let changes = changes(field, value)?;
                    shell.write(|| {
                        event_service::update(&shell.connection, session, id, &changes, Some(seen))
                    })
                })?;
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    /// The support team, to choose who supports an event.
    fn show_support_users(&mut self, session: &crate::services::Session) {
        let found = self.block_on(user_service::support_users(
            &self.connection,
            session,
            PageRequest::first(crate::paging::MAXIMUM_PAGE_SIZE),
        ));
        match found {
            Ok(page) => {
                let rows = page
                    .items
                    .iter()
                    .map(|user: &UserRow| {
                        vec![
                            user.id.to_string(),
                            user.username.clone(),
                            format!("{} {}", user.user_first_name, user.user_last_name),
                        ]
                    })
                    .collect();
                let table = render::table(
                    &["n°", "Identifiant", "Nom"],
                    rows,
                    &[true, false, false],
                    self.width,
                );
                self.say("Membres du support :");
                self.say(&table);
            }
            Err(error) => self.error(&error.to_string()),
        }
    }
}
