//! « Gestion des contrats »: lists, detail, creation, modification (amounts, signature,
//! payments), deletion, and creating an event for a signed contract.

use super::{Browse, Choice, CommandError, Deletion, Entry, FormField, Next, Shell, render};
use crate::formatting;
use crate::permissions::{Action, Feature, allows};
use crate::services::contract_service::{
    self, ContractChanges, ContractList, ContractRow, NewContract, field,
};
use crate::services::event_service::{self, NewEvent};
use crate::validation;

fn fields(contract: &ContractRow) -> Vec<(&'static str, String)> {
    vec![
        ("Numéro interne", contract.id.to_string()),
        ("Numéro", contract.contract_number.clone()),
        (
            "Client",
            format!(
                "{} (n°{})",
                contract.customer_company_name, contract.customer_id
            ),
        ),
        (
            "Commercial",
            format!("{} {}", contract.sales_first_name, contract.sales_last_name),
        ),
        (
            "Gestionnaire",
            format!(
                "{} {}",
                contract.management_first_name, contract.management_last_name
            ),
        ),
        ("Montant total", formatting::money(contract.total_amount)),
        ("Reste à payer", formatting::money(contract.balance_due)),
        ("Signé", render::yes_no(contract.signed)),
        ("Créé le", formatting::date_time(contract.created_at)),
        ("Modifié le", formatting::date_time(contract.updated_at)),
    ]
}

impl Shell<'_> {
    pub(super) fn contracts_menu(&mut self) -> Result<Next, CommandError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let actor = &session.actor;
            let entries = [
                Entry::when(1, "Tous les contrats", allows(actor, Feature::Contracts)),
                Entry::when(2, "Mes contrats", allows(actor, Feature::MyContracts)),
                Entry::when(
                    3,
                    "Mes contrats non signés",
                    allows(actor, Feature::MyUnsignedContracts),
                ),
                Entry::when(
                    4,
                    "Mes contrats non payés",
                    allows(actor, Feature::MyUnpaidContracts),
                ),
                Entry::when(
                    5,
                    "Afficher un contrat (par son numéro)",
                    allows(actor, Feature::Contracts),
                ),
                Entry::when(
                    6,
                    "Créer un contrat",
                    allows(actor, Feature::CreateContract),
                ),
            ];
            let next = match self.choose("Gestion des contrats", &entries, Some("Retour"))? {
                Choice::Entry(number @ 1..=4) => {
                    let (title, which) = match number {
                        1 => ("Tous les contrats", ContractList::All),
                        2 => ("Mes contrats", ContractList::Mine),
                        3 => ("Mes contrats non signés", ContractList::MineUnsigned),
                        _ => ("Mes contrats non payés", ContractList::MineUnpaid),
                    };
                    match self.contract_list(title, which)? {
                        Browse::Open(id) => self.contract_detail(id)?,
                        Browse::Done(next) => next,
                    }
                }
                Choice::Entry(5) => match self.ask_id("un contrat")? {
                    Some(Ok(id)) => self.contract_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(_) => self.create_contract()?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn contract_list(&mut self, title: &str, which: ContractList) -> Result<Browse, CommandError> {
        let with_balance = which == ContractList::MineUnpaid;
        let mut headers = vec![
            "n°",
            "Numéro",
            "Montant total",
            "Client",
            "Gestion",
            "Commercial",
        ];
        let mut right = vec![true, false, true, false, false, false];
        if with_balance {
            headers.push("Reste à payer");
            right.push(true);
        }
        self.browse(
            title,
            "un contrat",
            &headers,
            &right,
            |shell, session, page| {
                shell.block_on(contract_service::list(
                    &shell.connection,
                    session,
                    which,
                    page,
                ))
            },
            |contract: &ContractRow| {
                let mut row = vec![
                    contract.id.to_string(),
                    contract.contract_number.clone(),
                    formatting::money(contract.total_amount),
                    contract.customer_company_name.clone(),
                    format!(
                        "{} {}",
                        contract.management_first_name, contract.management_last_name
                    ),
                    format!("{} {}", contract.sales_first_name, contract.sales_last_name),
                ];
                if with_balance {
                    row.push(formatting::money(contract.balance_due));
                }
                row
            },
        )
    }

    fn contract_detail(&mut self, id: i32) -> Result<Next, CommandError> {
        loop {
            let (session, contract) = match self.session_and(|shell, session| {
                shell.block_on(contract_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Contrat {}", contract.contract_number));
            self.say(render::detail(&fields(&contract)).trim_end());
            let entries = [
                Entry::when(
                    1,
                    "Modifier",
                    contract_service::permits(&session, Action::Update, &contract),
                ),
                Entry::when(
                    2,
                    "Supprimer",
                    contract_service::permits(&session, Action::Delete, &contract),
                ),
                Entry::when(
                    3,
                    "Créer un évènement",
                    event_service::may_create_for(&session, &contract),
                ),
            ];
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(1) => self.modify_contract(contract)?,
                Choice::Entry(2) => {
                    let question = format!("Supprimer le contrat {} ?", contract.contract_number);
                    let deletion =
                        self.delete_after_confirmation(&question, "Contrat supprimé.", |shell| {
                            shell
                                .write(|| contract_service::delete(&shell.connection, &session, id))
                        })?;
                    match deletion {
                        Deletion::Deleted => return Ok(Next::Back),
                        Deletion::Kept => Next::Back,
                        Deletion::Quit => Next::Quit,
                    }
                }
                Choice::Entry(_) => self.create_event(&contract)?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn modify_contract(&mut self, contract: ContractRow) -> Result<Next, CommandError> {
        let id = contract.id;
        loop {
            // Shown as it is now: after a change, and after a refusal because someone else
            // changed it meanwhile; what is shown is what a change is made from.
            let (_, contract) = match self.session_and(|shell, session| {
                shell.block_on(contract_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le contrat {}", contract.contract_number));
            self.say(render::detail(&fields(&contract)).trim_end());
            let entries = [
                Entry::offered(1, "Montant total"),
                Entry::offered(2, "Reste à payer"),
                Entry::present_if(3, "Signer le contrat", !contract.signed),
                Entry::offered(4, "Enregistrer un paiement"),
            ];
            let choice = self.choose("Champ à modifier", &entries, Some("Retour"))?;
            let seen = &contract;
            let outcome = match choice {
                Choice::Entry(1) => self.change_field(
                    field::TOTAL_AMOUNT,
                    Some("par exemple 12 000,00"),
                    |shell, session, value| {
                        let changes = ContractChanges {
                            total_amount: Some(value),
                            ..Default::default()
                        };
                        shell.write(|| {
                            contract_service::update(
                                &shell.connection,
                                session,
                                id,
                                &changes,
                                Some(seen),
                            )
                        })
                    },
                )?,
                Choice::Entry(2) => self.change_field(
                    field::BALANCE_DUE,
                    Some("par exemple 3 250,50"),
                    |shell, session, value| {
                        let changes = ContractChanges {
                            balance_due: Some(value),
                            ..Default::default()
                        };
                        shell.write(|| {
                            contract_service::update(
                                &shell.connection,
                                session,
                                id,
                                &changes,
                                Some(seen),
                            )
                        })
                    },
                )?,
                Choice::Entry(3) => {
                    let question = format!(
                        "Signer le contrat {} ? Une signature est définitive.",
                        contract.contract_number
                    );
                    match self.confirm(&question)? {
                        Some(true) => {
                            let Some(session) = self.session()? else {
                                return Ok(Next::SignedOut);
                            };
                            let changes = ContractChanges {
                                signed: Some(true),
                                ..Default::default()
                            };
                            let signed = self.write(|| {
                                contract_service::update(
                                    &self.connection,
                                    &session,
                                    id,
                                    &changes,
                                    None,
                                )
                            });
                            Ok(self.report(signed, "Contrat signé."))
                        }
                        Some(false) => {
                            self.say("Signature annulée.");
                            Ok(None)
                        }
                        None => return Ok(Next::Quit),
                    }
                }
                Choice::Entry(_) => self.change_field(
                    field::PAYMENT,
                    Some("montant reçu, par exemple 1 250,50"),
                    |shell, session, value| {
                        shell.write(|| {
                            contract_service::record_payment(&shell.connection, session, id, &value)
                        })
                    },
                )?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
            };
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_contract(&mut self) -> Result<Next, CommandError> {
        self.title("Nouveau contrat (laissez un champ obligatoire vide pour annuler)");
        let form = [
            FormField::hinted(field::CUSTOMER, "numéro du client"),
            FormField::hinted(field::TOTAL_AMOUNT, "par exemple 12 000,00"),
            FormField::optional(field::BALANCE_DUE, "vide : le montant total"),
            FormField::optional(field::SIGNED, "oui ou non ; vide : non"),
        ];
        let created = self.form(&form, |shell, session, values| {
            let input = NewContract {
                customer_id: validation::whole_number(field::CUSTOMER, &values[0])?,
                total_amount: values[1].clone(),
                balance_due: (!values[2].is_empty()).then(|| values[2].clone()),
                signed: validation::yes_or_no(field::SIGNED, &values[3])?,
            };
            shell.write(|| contract_service::create(&shell.connection, session, &input))
        })?;
        match created {
            Ok(contract) => {
                self.success(&format!("Contrat créé : {}.", contract.contract_number));
                self.contract_detail(contract.id)
            }
            Err(next) => Ok(next),
        }
    }

    fn create_event(&mut self, contract: &ContractRow) -> Result<Next, CommandError> {
        use crate::services::event_service::field as event_field;
        self.title(&format!(
            "Nouvel évènement pour le contrat {} (laissez un champ obligatoire vide pour annuler)",
            contract.contract_number
        ));
        let form = [
            FormField::required(event_field::NAME),
            FormField::hinted(event_field::START, formatting::DATE_TIME_EXAMPLE),
            FormField::hinted(event_field::END, formatting::DATE_TIME_EXAMPLE),
            FormField::required(event_field::LOCATION),
            FormField::hinted(event_field::ATTENDEES, "nombre de personnes attendues"),
            FormField::optional(event_field::NOTE, "facultatives"),
        ];
        let contract_id = contract.id;
        let created = self.form(&form, |shell, session, values| {
            let input = NewEvent {
                contract_id,
                event_name: values[0].clone(),
                start: values[1].clone(),
                end: values[2].clone(),
                location: values[3].clone(),
                attendees: validation::whole_number(event_field::ATTENDEES, &values[4])?,
                note: values[5].clone(),
            };
            shell.write(|| event_service::create(&shell.connection, session, &input))
        })?;
        match created {
            Ok(event) => {
                self.success(&format!("Évènement créé : {}.", event.event_number));
                self.event_detail(event.id)
            }
            Err(next) => Ok(next),
        }
    }
}
