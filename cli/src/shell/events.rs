//! « Gestion des évènements »: lists, detail, and modification — what the assigned
//! support user runs, or, for management, who supports the event.

use super::Session;
use super::related::Related;
use super::widgets::{EXPORT, Switch};
use super::{
    ALL, Answer, ApplicationError, Choice, Entry, MINE, MODIFY, Next, Noun, SEARCH, SHOW_BY_NUMBER,
    Shell, THIRD_LIST, render,
};
use crate::paging::{Page, PageRequest};
use epic_events_api::catalogue::event::NO_SUPPORT;
use epic_events_api::catalogue::event::{EventChanges, EventField};
use epic_events_api::catalogue::{Catalogue, Given, NumberedKind, Typed};
use epic_events_api::lists::{EventList, EventSearch};
use epic_events_api::records::EventRow;
use epic_events_api::vocabulary::{Action, Feature};
use epic_events_api::{ApiError, Record};

/// What the event's screen shows.
const SCREEN: [EventField; 16] = [
    EventField::Id,
    EventField::Number,
    EventField::Name,
    EventField::Contract,
    EventField::Customer,
    EventField::Contact,
    EventField::ContactEmail,
    EventField::ContactPhone,
    EventField::Start,
    EventField::End,
    EventField::Location,
    EventField::Attendees,
    EventField::Support,
    EventField::Note,
    EventField::CreatedAt,
    EventField::UpdatedAt,
];

/// The columns of a list of events.
pub(super) const COLUMNS: [EventField; 6] = [
    EventField::Number,
    EventField::Start,
    EventField::Name,
    EventField::Location,
    EventField::Support,
    EventField::Customer,
];

impl Shell {
    pub(super) fn events_menu(&mut self) -> Result<Next, ApplicationError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let entries = [
                Entry::when(ALL, "Tous les évènements", session.allows(Feature::Events)),
                Entry::when(MINE, "Mes évènements", session.allows(Feature::MyEvents)),
                Entry::when(
                    THIRD_LIST,
                    "Évènements sans support",
                    session.allows(Feature::EventsWithoutSupport),
                ),
                Entry::when(
                    SEARCH,
                    "Rechercher un évènement",
                    session.allows(Feature::Events),
                ),
                Entry::when(
                    SHOW_BY_NUMBER,
                    "Afficher un évènement (par son numéro)",
                    session.allows(Feature::Events),
                ),
                Entry::when(
                    EXPORT,
                    "Exporter tous les évènements vers un tableur (.xlsx)",
                    session.allows(Feature::Events),
                ),
            ];
            let next = match self.choose("Gestion des évènements", &entries, Some("Retour"))? {
                Choice::Entry(number @ (ALL | MINE | THIRD_LIST)) => {
                    let (title, which) = match number {
                        ALL => ("Tous les évènements", EventList::All),
                        MINE => ("Mes évènements", EventList::Mine),
                        _ => ("Évènements sans support", EventList::WithoutSupport),
                    };
                    self.event_list(title, which)?
                }
                Choice::Entry(SEARCH) => self.search_events()?,
                Choice::Entry(EXPORT) => self.export("exporter_evenements", "evenements.xlsx")?,
                Choice::Entry(_) => match self.ask_reference(
                    "un évènement",
                    Some((NumberedKind::Event.start(), &|shell, session, number| {
                        shell
                            .call(shell.crm.event_by_number(&session.token, number.to_owned()))
                            .map(|event| event.id)
                    })),
                )? {
                    Some(Ok(id)) => self.event_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
                Choice::Redisplay => Next::Back,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    /// Asks for words of the name or location and a range of start dates (each may be left
    /// empty, not all), then pages through the events that match, soonest first.
    fn search_events(&mut self) -> Result<Next, ApplicationError> {
        // Each date is checked by the core as soon as it is typed, and asked again when it
        // cannot be read.
        let mut search = EventSearch {
            soonest_first: true,
            ..EventSearch::default()
        };
        search.words = match self.ask("Mots du nom ou du lieu (vide : tous)")? {
            Answer::Text(text) => Some(text),
            Answer::Cancel => None,
            Answer::Quit => return Ok(Next::Quit),
        };
        for bound in [Bound::From, Bound::Until] {
            let question = match bound {
                Bound::From => {
                    "Début au plus tôt (JJ/MM/AAAA, l'heure si besoin : 14h30 ; vide : sans limite)"
                }
                Bound::Until => {
                    "Début au plus tard (JJ/MM/AAAA, jusqu'à 23h59, ou avec l'heure ; vide : sans limite)"
                }
            };
            loop {
                let text = match self.ask(question)? {
                    Answer::Text(text) => text,
                    Answer::Cancel => break,
                    Answer::Quit => return Ok(Next::Quit),
                };
                let criterion = match bound {
                    Bound::From => EventSearch {
                        starts_from: Some(text.clone()),
                        ..EventSearch::default()
                    },
                    Bound::Until => EventSearch {
                        starts_until: Some(text.clone()),
                        ..EventSearch::default()
                    },
                };
                let Some(session) = self.session()? else {
                    return Ok(Next::SignedOut);
                };
                match self.call(self.crm.check_event_search(&session.token, criterion)) {
                    Ok(()) => {
                        match bound {
                            Bound::From => search.starts_from = Some(text),
                            Bound::Until => search.starts_until = Some(text),
                        }
                        break;
                    }
                    Err(refusal) => self.refused(&refusal),
                }
            }
        }
        if search.words.is_none() && search.starts_from.is_none() && search.starts_until.is_none() {
            return Ok(Next::Back);
        }
        let mut described = Vec::new();
        if let Some(words) = &search.words {
            described.push(format!("« {words} »"));
        }
        if let Some(from) = &search.starts_from {
            described.push(format!("du {from}"));
        }
        if let Some(until) = &search.starts_until {
            described.push(format!("au {until}"));
        }
        self.event_pages(
            &format!("Évènements — {}", described.join(" ")),
            |shell, session, page| {
                shell.call(shell.crm.search_events(
                    &session.token,
                    EventList::All,
                    search.clone(),
                    page,
                ))
            },
        )
    }

    /// Pages through the events `fetch` gives, each opening its screen.
    fn event_pages(
        &mut self,
        title: &str,
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<EventRow>, ApiError>,
    ) -> Result<Next, ApplicationError> {
        self.browse(
            title,
            Noun::of(epic_events_api::vocabulary::Resource::Event),
            &COLUMNS,
            fetch,
            |event| event.id,
            |shell, id| shell.event_detail(id),
        )
    }

    pub(super) fn event_list(
        &mut self,
        title: &str,
        which: EventList,
    ) -> Result<Next, ApplicationError> {
        // Soonest first, those to come unless the past ones are asked for (« t »).
        let switch = Switch {
            key: "t",
            on: std::cell::Cell::new(false),
            titles: [
                format!("{title} à venir"),
                format!("{title}, passés compris"),
            ],
            entries: [
                "Afficher aussi les évènements passés",
                "N'afficher que les évènements à venir",
            ],
        };
        // Events nobody supports: no column of « — aucun — ».
        let columns: Vec<EventField> = COLUMNS
            .into_iter()
            .filter(|column| which != EventList::WithoutSupport || *column != EventField::Support)
            .collect();
        self.browse_switching(
            title,
            Noun::of(epic_events_api::vocabulary::Resource::Event),
            &columns,
            Some(&switch),
            true,
            |shell, session, page| {
                let search = EventSearch {
                    soonest_first: true,
                    upcoming_only: !switch.on.get(),
                    ..EventSearch::default()
                };
                shell.call(shell.crm.search_events(&session.token, which, search, page))
            },
            |event| event.id,
            |shell, id| shell.event_detail(id),
        )
    }

    pub(super) fn event_detail(&mut self, id: i32) -> Result<Next, ApplicationError> {
        loop {
            let (session, event) = match self
                .session_and(|shell, session| shell.call(shell.crm.event(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Évènement {} — {}",
                event.event_number, event.event_name
            ));
            self.say(render::detail(&render::described(&SCREEN, &event), self.width()).trim_end());
            let mut related = Related::default();
            self.related_contract(event.contract_id, &event.contract_number, &mut related);
            self.related_customer(
                event.customer_id,
                &event.customer_company_name,
                &mut related,
            );
            let mut entries = vec![Entry::when(
                MODIFY,
                "Modifier",
                self.call(self.crm.permits(
                    &session.token,
                    Record::Event(event.id),
                    Action::Update,
                )),
            )];
            entries.append(&mut related.entries);
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(MODIFY) => self.modify_event(event)?,
                Choice::Entry(number) => match related.opening(number) {
                    Some(opening) => self.open_related(opening)?,
                    None => Next::Back,
                },
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
                Choice::Redisplay => Next::Back,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn modify_event(&mut self, event: EventRow) -> Result<Next, ApplicationError> {
        let id = event.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (session, event) = match self
                .session_and(|shell, session| shell.call(shell.crm.event(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier l'évènement {}", event.event_number));
            self.say(render::detail(&render::described(&SCREEN, &event), self.width()).trim_end());
            let entries: Vec<Entry> = (1..)
                .zip(EventField::CHANGEABLE)
                .map(|(number, field)| {
                    Entry::when(
                        number,
                        super::capitalised(field.label()),
                        self.call(self.crm.permits_event_field(&session.token, field)),
                    )
                })
                .collect();
            let field = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(number) => match EventField::CHANGEABLE.get(number as usize - 1) {
                    Some(field) => *field,
                    None => continue,
                },
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
                Choice::Redisplay => continue,
            };
            if field == EventField::Support {
                match self.change_support(&session, &event)? {
                    Ok(()) => continue,
                    Err(next) => return Ok(next),
                }
            }
            let seen = &event;
            let current = field.read(&event);
            let outcome =
                self.change_field(field.describe(), Some(&current), |shell, session, value| {
                    let changes = EventChanges::of(field, Given::Text(value))?;
                    shell.call(shell.crm.update_event(
                        &session.token,
                        id,
                        changes.clone(),
                        Some(seen.clone()),
                    ))
                })?;
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    /// Who supports `event`, chosen from the numbered list of the support team (or
    /// nobody); the change is made from `event` as shown.
    fn change_support(
        &mut self,
        session: &Session,
        event: &EventRow,
    ) -> Result<Result<(), Next>, ApplicationError> {
        let found = self.call(self.crm.support_users(
            &session.token,
            PageRequest::first(crate::paging::MAXIMUM_PAGE_SIZE),
        ));
        let team = match found {
            Ok(page) => page.items,
            Err(error) => {
                self.refused(&error);
                return Ok(Ok(()));
            }
        };
        let mut entries: Vec<Entry> = (1..)
            .zip(&team)
            .map(|(number, user)| {
                let marker = if Some(user.id) == event.user_support_id {
                    " — actuellement"
                } else {
                    ""
                };
                Entry::offered(
                    number,
                    format!(
                        "{} {} ({}){marker}",
                        user.user_first_name, user.user_last_name, user.username
                    ),
                )
            })
            .collect();
        let nobody = team.len() as u32 + 1;
        entries.push(Entry::present_if(
            nobody,
            "Aucun support (le retirer)",
            event.user_support_id.is_some(),
        ));
        let given = match self.choose(
            "Membres du support : qui assure cet évènement ?",
            &entries,
            Some("Retour"),
        )? {
            Choice::Entry(number) if number == nobody => Given::Text(NO_SUPPORT.to_owned()),
            Choice::Entry(number) => match team.get(number as usize - 1) {
                Some(user) => Given::WholeNumber(user.id.into()),
                None => return Ok(Ok(())),
            },
            // The event is shown again, its support unchanged.
            Choice::Back | Choice::Redisplay => return Ok(Ok(())),
            Choice::Quit => return Ok(Err(Next::Quit)),
            Choice::SignedOut => return Ok(Err(Next::SignedOut)),
        };
        let changes = match EventChanges::of(EventField::Support, given) {
            Ok(changes) => changes,
            Err(error) => {
                self.refused(&error);
                return Ok(Ok(()));
            }
        };
        let id = event.id;
        let changed = self.call(self.crm.update_event(
            &session.token,
            id,
            changes.clone(),
            Some(event.clone()),
        ));
        self.report(changed, "Modification enregistrée.");
        Ok(Ok(()))
    }
}

/// A bound of the start dates a search asks for.
#[derive(Clone, Copy)]
enum Bound {
    From,
    Until,
}
