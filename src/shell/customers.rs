//! « Gestion des clients »: lists, detail, creation, modification, deletion.

use super::{Browse, Choice, CommandError, Deletion, Entry, FormField, Next, Shell, render};
use crate::formatting;
use crate::permissions::{Action, Feature, allows};
use crate::services::customer_service::{
    self, CustomerChanges, CustomerList, CustomerRow, NewCustomer, field,
};

fn fields(customer: &CustomerRow) -> Vec<(&'static str, String)> {
    vec![
        ("Numéro", customer.id.to_string()),
        ("Entreprise", customer.company_name.clone()),
        ("Prénom", customer.customer_first_name.clone()),
        ("Nom", customer.customer_last_name.clone()),
        ("Adresse e-mail", customer.email.clone()),
        ("Téléphone", customer.phone_number.clone()),
        (
            "Commercial",
            format!("{} {}", customer.sales_first_name, customer.sales_last_name),
        ),
        ("Créé le", formatting::date_time(customer.created_at)),
        ("Modifié le", formatting::date_time(customer.updated_at)),
    ]
}

/// The editable fields, by their number on the modification screen.
const EDITABLE: [(u32, &str); 5] = [
    (1, field::FIRST_NAME),
    (2, field::LAST_NAME),
    (3, field::EMAIL),
    (4, field::PHONE_NUMBER),
    (5, field::COMPANY_NAME),
];

fn changes(field_name: &str, value: String) -> CustomerChanges {
    let mut changes = CustomerChanges::default();
    match field_name {
        field::FIRST_NAME => changes.first_name = Some(value),
        field::LAST_NAME => changes.last_name = Some(value),
        field::EMAIL => changes.email = Some(value),
        field::PHONE_NUMBER => changes.phone_number = Some(value),
        _ => changes.company_name = Some(value),
    }
    changes
}

impl Shell<'_> {
    pub(super) fn customers_menu(&mut self) -> Result<Next, CommandError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let entries = [
                Entry::when(
                    1,
                    "Tous les clients",
                    allows(&session.actor, Feature::Customers),
                ),
                Entry::when(
                    2,
                    "Mes clients",
                    allows(&session.actor, Feature::MyCustomers),
                ),
                Entry::when(
                    3,
                    "Afficher un client (par son numéro)",
                    allows(&session.actor, Feature::Customers),
                ),
                Entry::when(
                    4,
                    "Créer un client",
                    allows(&session.actor, Feature::CreateCustomer),
                ),
            ];
            let next = match self.choose("Gestion des clients", &entries, Some("Retour"))? {
                Choice::Entry(number @ (1 | 2)) => {
                    let (title, which) = if number == 1 {
                        ("Tous les clients", CustomerList::All)
                    } else {
                        ("Mes clients", CustomerList::Mine)
                    };
                    match self.customer_list(title, which)? {
                        Browse::Open(id) => self.customer_detail(id)?,
                        Browse::Done(next) => next,
                    }
                }
                Choice::Entry(3) => match self.ask_id("un client")? {
                    Some(Ok(id)) => self.customer_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(_) => self.create_customer()?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn customer_list(&mut self, title: &str, which: CustomerList) -> Result<Browse, CommandError> {
        self.browse(
            title,
            "un client",
            &["n°", "Nom", "Prénom", "Entreprise", "Commercial"],
            &[true, false, false, false, false],
            |shell, session, page| {
                shell.block_on(customer_service::list(
                    &shell.connection,
                    session,
                    which,
                    page,
                ))
            },
            |customer: &CustomerRow| {
                vec![
                    customer.id.to_string(),
                    customer.customer_last_name.clone(),
                    customer.customer_first_name.clone(),
                    customer.company_name.clone(),
                    format!("{} {}", customer.sales_first_name, customer.sales_last_name),
                ]
            },
        )
    }

    fn customer_detail(&mut self, id: i32) -> Result<Next, CommandError> {
        loop {
            let (session, customer) = match self.session_and(|shell, session| {
                shell.block_on(customer_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Client n°{} — {}",
                customer.id, customer.company_name
            ));
            self.say(render::detail(&fields(&customer)).trim_end());
            let entries = [
                Entry::when(
                    1,
                    "Modifier",
                    customer_service::permits(&session, Action::Update, &customer),
                ),
                Entry::when(
                    2,
                    "Supprimer",
                    customer_service::permits(&session, Action::Delete, &customer),
                ),
            ];
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(1) => self.modify_customer(customer)?,
                Choice::Entry(_) => {
                    let question = format!("Supprimer le client {} ?", customer.company_name);
                    let deletion =
                        self.delete_after_confirmation(&question, "Client supprimé.", |shell| {
                            shell
                                .write(|| customer_service::delete(&shell.connection, &session, id))
                        })?;
                    match deletion {
                        Deletion::Deleted => return Ok(Next::Back),
                        Deletion::Kept => Next::Back,
                        Deletion::Quit => Next::Quit,
                    }
                }
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn modify_customer(&mut self, customer: CustomerRow) -> Result<Next, CommandError> {
        let id = customer.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (_, customer) = match self.session_and(|shell, session| {
                shell.block_on(customer_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le client {}", customer.company_name));
            self.say(render::detail(&fields(&customer)).trim_end());
            let entries: Vec<Entry> = EDITABLE
                .iter()
                .map(|(number, name)| Entry::offered(*number, super::capitalised(name)))
                .collect();
            let chosen = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(number) => EDITABLE
                    .iter()
                    .find(|(candidate, _)| *candidate == number)
                    .map_or(field::FIRST_NAME, |(_, name)| *name),
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
            };
            let seen = &customer;
            let outcome = self.change_field(chosen, None, |shell, session, value| {
                let changes = changes(chosen, value);
                shell.write(|| {
                    customer_service::update(&shell.connection, session, id, &changes, Some(seen))
                })
            })?;
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_customer(&mut self) -> Result<Next, CommandError> {
        self.title("Nouveau client (laissez un champ vide pour annuler)");
        let form = [
            FormField::required(field::FIRST_NAME),
            FormField::required(field::LAST_NAME),
            FormField::required(field::EMAIL),
            FormField::hinted(field::PHONE_NUMBER, "par exemple +33 6 12 34 56 78"),
            FormField::required(field::COMPANY_NAME),
        ];
        let created = self.form(&form, |shell, session, values| {
            let input = NewCustomer {
                first_name: values[0].clone(),
                last_name: values[1].clone(),
                email: values[2].clone(),
                phone_number: values[3].clone(),
                company_name: values[4].clone(),
            };
            shell.write(|| customer_service::create(&shell.connection, session, &input))
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
