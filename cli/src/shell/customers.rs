//! « Gestion des clients »: lists, detail, creation, modification, deletion.

use super::Session;
use super::related::Related;
use super::{
    ALL, Answer, ApplicationError, CREATE, Choice, DELETE, Deletion, Entry, FormField, MINE,
    MODIFY, Next, Noun, SEARCH, SHOW_BY_NUMBER, Shell, render, widgets::EXPORT,
};
use crate::paging::{Page, PageRequest};
use epic_events_api::catalogue::customer::{CustomerChanges, CustomerField, NewCustomer};
use epic_events_api::catalogue::{Catalogue, Given, Typed};
use epic_events_api::lists::{ContractList, CustomerList, EventList};
use epic_events_api::records::CustomerRow;
use epic_events_api::vocabulary::{Action, Feature};
use epic_events_api::{ApiError, Record};

/// What the customer's screen shows.
const SCREEN: [CustomerField; 9] = [
    CustomerField::Id,
    CustomerField::CompanyName,
    CustomerField::FirstName,
    CustomerField::LastName,
    CustomerField::Email,
    CustomerField::PhoneNumber,
    CustomerField::SalesUser,
    CustomerField::CreatedAt,
    CustomerField::UpdatedAt,
];

/// The columns of a list of customers.
pub(super) const COLUMNS: [CustomerField; 5] = [
    CustomerField::CompanyName,
    CustomerField::LastName,
    CustomerField::FirstName,
    CustomerField::PhoneNumber,
    CustomerField::SalesUser,
];

impl Shell {
    pub(super) fn customers_menu(&mut self) -> Result<Next, ApplicationError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let entries = [
                Entry::when(ALL, "Tous les clients", session.allows(Feature::Customers)),
                Entry::when(MINE, "Mes clients", session.allows(Feature::MyCustomers)),
                Entry::when(
                    SEARCH,
                    "Rechercher un client",
                    session.allows(Feature::Customers),
                ),
                Entry::when(
                    SHOW_BY_NUMBER,
                    "Afficher un client (par son numéro)",
                    session.allows(Feature::Customers),
                ),
                Entry::when(
                    CREATE,
                    "Créer un client",
                    session.allows(Feature::CreateCustomer),
                ),
                Entry::when(
                    EXPORT,
                    "Exporter tous les clients vers un tableur (.xlsx)",
                    session.allows(Feature::Customers),
                ),
            ];
            let next = match self.choose("Gestion des clients", &entries, Some("Retour"))? {
                Choice::Entry(ALL) => self.customer_list("Tous les clients", CustomerList::All)?,
                Choice::Entry(MINE) => self.customer_list("Mes clients", CustomerList::Mine)?,
                Choice::Entry(SEARCH) => match self.ask(
                    "Rechercher (mots du nom, de l'entreprise ou de l'e-mail ; vide pour revenir)",
                )? {
                    Answer::Text(words) => self.customer_pages(
                        &format!("Clients — « {words} »"),
                        |shell, session, page| {
                            shell.call(shell.crm.search_customers(
                                &session.token,
                                words.clone(),
                                page,
                            ))
                        },
                    )?,
                    Answer::Cancel => Next::Back,
                    Answer::Quit => Next::Quit,
                },
                Choice::Entry(SHOW_BY_NUMBER) => match self.ask_id("un client")? {
                    Some(Ok(id)) => self.customer_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(EXPORT) => self.export("exporter_clients", "clients.xlsx")?,
                Choice::Entry(_) => self.create_customer()?,
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

    fn customer_list(
        &mut self,
        title: &str,
        which: CustomerList,
    ) -> Result<Next, ApplicationError> {
        self.customer_pages(title, |shell, session, page| {
            shell.call(shell.crm.list_customers(&session.token, which, page))
        })
    }

    /// Pages through the customers `fetch` gives, each opening its screen.
    fn customer_pages(
        &mut self,
        title: &str,
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<CustomerRow>, ApiError>,
    ) -> Result<Next, ApplicationError> {
        self.browse(
            title,
            Noun::of(epic_events_api::vocabulary::Resource::Customer),
            &COLUMNS,
            fetch,
            |customer| customer.id,
            |shell, id| shell.customer_detail(id),
        )
    }

    pub(super) fn customer_detail(&mut self, id: i32) -> Result<Next, ApplicationError> {
        loop {
            let (session, customer) = match self
                .session_and(|shell, session| shell.call(shell.crm.customer(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Client n°{} — {}",
                customer.id, customer.company_name
            ));
            self.say(
                render::detail(&render::described(&SCREEN, &customer), self.width()).trim_end(),
            );
            let mut related = Related::default();
            let found = self
                .related_contracts(&session, ContractList::OfCustomer(id), &mut related)
                .and_then(|()| {
                    self.related_events(&session, EventList::OfCustomer(id), &mut related)
                });
            if let Err(error) = found {
                self.refused(&error);
            }
            let mut entries = vec![
                Entry::when(
                    MODIFY,
                    "Modifier",
                    self.call(self.crm.permits(
                        &session.token,
                        Record::Customer(customer.id),
                        Action::Update,
                    )),
                ),
                Entry::when(
                    DELETE,
                    "Supprimer",
                    self.call(self.crm.permits(
                        &session.token,
                        Record::Customer(customer.id),
                        Action::Delete,
                    )),
                ),
            ];
            entries.append(&mut related.entries);
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(MODIFY) => self.modify_customer(customer)?,
                Choice::Entry(DELETE) => {
                    let question = format!("Supprimer le client {} ?", customer.company_name);
                    let deletion = self.delete_after_confirmation(
                        &question,
                        "Client supprimé.",
                        |shell| shell.call(shell.crm.may_delete_customer(&session.token, id)),
                        |shell| shell.call(shell.crm.delete_customer(&session.token, id)),
                    )?;
                    match deletion {
                        Deletion::Deleted => return Ok(Next::Back),
                        Deletion::Kept => Next::Back,
                        Deletion::Quit => Next::Quit,
                    }
                }
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

    fn modify_customer(&mut self, customer: CustomerRow) -> Result<Next, ApplicationError> {
        let id = customer.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (_, customer) = match self
                .session_and(|shell, session| shell.call(shell.crm.customer(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le client {}", customer.company_name));
            self.say(
                render::detail(&render::described(&SCREEN, &customer), self.width()).trim_end(),
            );
            let entries: Vec<Entry> = (1..)
                .zip(CustomerField::TYPED)
                .map(|(number, field)| Entry::offered(number, super::capitalised(field.label())))
                .collect();
            let chosen = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(number) => match CustomerField::TYPED.get(number as usize - 1) {
                    Some(field) => *field,
                    None => continue,
                },
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
                Choice::Redisplay => continue,
            };
            let seen = &customer;
            let current = chosen.read(&customer);
            let outcome = self.change_field(
                chosen.describe(),
                Some(&current),
                |shell, session, value| {
                    let changes = CustomerChanges::of(chosen, Given::Text(value))?;
                    shell.call(shell.crm.update_customer(
                        &session.token,
                        id,
                        changes.clone(),
                        Some(seen.clone()),
                    ))
                },
            )?;
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_customer(&mut self) -> Result<Next, ApplicationError> {
        self.title("Nouveau client (un champ laissé vide propose d'abandonner)");
        let form = FormField::all(&CustomerField::TYPED);
        let created = self.form(&form, |shell, session, values| {
            let input = NewCustomer::filled(&CustomerField::TYPED, values)?;
            shell.call(shell.crm.create_customer(&session.token, input.clone()))
        })?;
        match created {
            Ok(customer) => {
                self.success(&format!(
                    "Client créé : n°{} {}.",
                    customer.id, customer.company_name
                ));
                self.customer_detail(customer.id)
            }
            Err(next) => Ok(next),
        }
    }
}
