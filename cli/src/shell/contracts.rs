//! « Gestion des contrats »: lists, detail, creation, modification of the amounts, the
//! business actions (recording a payment, signing), deletion, and creating an event for a
//! signed contract.

use super::Session;
use super::related::Related;
use super::{
    ALL, Answer, ApplicationError, CREATE, CREATE_EVENT, Choice, DELETE, Deletion, Entry,
    FOURTH_LIST, FormField, MINE, MODIFY, Next, Noun, PAGE_SIZE, RECORD_PAYMENT, SEARCH,
    SHOW_BY_NUMBER, SIGN, Shell, THIRD_LIST, render,
    widgets::{ALL_UNPAID, ALL_UNSIGNED, EXPORT},
};
use crate::paging::{Page, PageRequest};
use epic_events_api::catalogue::contract::{ContractChanges, ContractField, NewContract};
use epic_events_api::catalogue::event::{EventField, NewEvent};
use epic_events_api::catalogue::{Catalogue, Given, NumberedKind, Typed};
use epic_events_api::formatting;
use epic_events_api::lists::{ContractList, EventList};
use epic_events_api::money::Money;
use epic_events_api::records::{ContractRow, CustomerRow};
use epic_events_api::vocabulary::{Action, Feature};
use epic_events_api::{ApiError, ErrorCode, Record};

/// What the contract's screen shows.
const SCREEN: [ContractField; 10] = [
    ContractField::Id,
    ContractField::Number,
    ContractField::Customer,
    ContractField::SalesUser,
    ContractField::ManagementUser,
    ContractField::TotalAmount,
    ContractField::BalanceDue,
    ContractField::Signed,
    ContractField::CreatedAt,
    ContractField::UpdatedAt,
];

/// The contract's screen: its customer with the customer's number, to open it.
fn fields(contract: &ContractRow) -> Vec<(String, String)> {
    let mut fields = render::described(&SCREEN, contract);
    if let Some((_, customer)) = fields.get_mut(2) {
        customer.push_str(&format!(" (n°{})", contract.customer_id));
    }
    fields
}

/// The columns of a list of contracts, the most needed first (a narrow terminal leaves
/// out the last ones): what a contract is, its state, who follows it.
pub(super) const COLUMNS: [ContractField; 6] = [
    ContractField::Number,
    ContractField::Customer,
    ContractField::Signed,
    ContractField::BalanceDue,
    ContractField::SalesUser,
    ContractField::TotalAmount,
];

impl Shell {
    pub(super) fn contracts_menu(&mut self) -> Result<Next, ApplicationError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let entries = [
                Entry::when(ALL, "Tous les contrats", session.allows(Feature::Contracts)),
                Entry::when(MINE, "Mes contrats", session.allows(Feature::MyContracts)),
                Entry::when(
                    THIRD_LIST,
                    "Mes contrats non signés",
                    session.allows(Feature::MyUnsignedContracts),
                ),
                Entry::when(
                    FOURTH_LIST,
                    "Mes contrats non payés",
                    session.allows(Feature::MyUnpaidContracts),
                ),
                Entry::when(
                    SEARCH,
                    "Rechercher un contrat",
                    session.allows(Feature::Contracts),
                ),
                Entry::when(
                    SHOW_BY_NUMBER,
                    "Afficher un contrat (par son numéro)",
                    session.allows(Feature::Contracts),
                ),
                Entry::when(
                    CREATE,
                    "Créer un contrat",
                    session.allows(Feature::CreateContract),
                ),
                Entry::when(
                    ALL_UNSIGNED,
                    "Tous les contrats non signés",
                    session.allows(Feature::UnsignedContracts),
                ),
                Entry::when(
                    ALL_UNPAID,
                    "Tous les contrats non payés",
                    session.allows(Feature::UnpaidContracts),
                ),
                Entry::when(
                    EXPORT,
                    "Exporter tous les contrats vers un tableur (.xlsx)",
                    session.allows(Feature::Contracts),
                ),
            ];
            let next = match self.choose("Gestion des contrats", &entries, Some("Retour"))? {
                Choice::Entry(
                    number @ (ALL | MINE | THIRD_LIST | FOURTH_LIST | ALL_UNSIGNED | ALL_UNPAID),
                ) => {
                    let (title, which) = match number {
                        ALL => ("Tous les contrats", ContractList::All),
                        MINE => ("Mes contrats", ContractList::Mine),
                        THIRD_LIST => ("Mes contrats non signés", ContractList::MineUnsigned),
                        FOURTH_LIST => ("Mes contrats non payés", ContractList::MineUnpaid),
                        ALL_UNSIGNED => ("Tous les contrats non signés", ContractList::Unsigned),
                        _ => ("Tous les contrats non payés", ContractList::Unpaid),
                    };
                    self.contract_list(title, which)?
                }
                Choice::Entry(SEARCH) => match self
                    .ask("Rechercher (numéro CTR-… ou mots du client ; vide pour revenir)")?
                {
                    Answer::Text(words) => self.contract_pages(
                        &format!("Contrats — « {words} »"),
                        &COLUMNS,
                        |shell, session, page| {
                            shell.call(shell.crm.search_contracts(
                                &session.token,
                                words.clone(),
                                page,
                            ))
                        },
                    )?,
                    Answer::Cancel => Next::Back,
                    Answer::Quit => Next::Quit,
                },
                Choice::Entry(SHOW_BY_NUMBER) => match self.ask_reference(
                    "un contrat",
                    Some((NumberedKind::Contract.start(), &|shell, session, number| {
                        shell
                            .call(
                                shell
                                    .crm
                                    .contract_by_number(&session.token, number.to_owned()),
                            )
                            .map(|contract| contract.id)
                    })),
                )? {
                    Some(Ok(id)) => self.contract_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(EXPORT) => self.export("exporter_contrats", "contrats.xlsx")?,
                Choice::Entry(_) => self.create_contract()?,
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

    pub(super) fn contract_list(
        &mut self,
        title: &str,
        which: ContractList,
    ) -> Result<Next, ApplicationError> {
        self.contract_pages(title, &COLUMNS, |shell, session, page| {
            shell.call(shell.crm.list_contracts(&session.token, which, page))
        })
    }

    /// Pages through the contracts `fetch` gives, showing `columns`, each opening its
    /// screen.
    fn contract_pages(
        &mut self,
        title: &str,
        columns: &[ContractField],
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<ContractRow>, ApiError>,
    ) -> Result<Next, ApplicationError> {
        self.browse(
            title,
            Noun::of(epic_events_api::vocabulary::Resource::Contract),
            columns,
            fetch,
            |contract| contract.id,
            |shell, id| shell.contract_detail(id),
        )
    }

    pub(super) fn contract_detail(&mut self, id: i32) -> Result<Next, ApplicationError> {
        loop {
            let (session, contract) = match self
                .session_and(|shell, session| shell.call(shell.crm.contract(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Contrat {}", contract.contract_number));
            self.say(render::detail(&fields(&contract), self.width()).trim_end());
            let mut related = Related::default();
            if let Err(error) =
                self.related_events(&session, EventList::OfContract(id), &mut related)
            {
                self.refused(&error);
            }
            self.related_customer(
                contract.customer_id,
                &contract.customer_company_name,
                &mut related,
            );
            let may_update = self.call(self.crm.permits(
                &session.token,
                Record::Contract(contract.id),
                Action::Update,
            ));
            let mut entries = vec![
                Entry::when(MODIFY, "Modifier", may_update.clone()),
                Entry::when(
                    DELETE,
                    "Supprimer",
                    self.call(self.crm.permits(
                        &session.token,
                        Record::Contract(contract.id),
                        Action::Delete,
                    )),
                ),
                Entry::when(
                    CREATE_EVENT,
                    "Créer un évènement",
                    self.call(self.crm.may_create_event_for(&session.token, contract.id)),
                ),
            ];
            // The business actions: a payment while something is due, a signature until
            // signed.
            if !contract.balance_due.is_zero() {
                entries.push(Entry::when(
                    RECORD_PAYMENT,
                    "Enregistrer un paiement",
                    may_update.clone(),
                ));
            }
            if !contract.signed {
                entries.push(Entry::when(SIGN, "Signer le contrat", may_update));
            }
            entries.append(&mut related.entries);
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(MODIFY) => self.modify_contract(contract)?,
                Choice::Entry(DELETE) => {
                    let question = format!("Supprimer le contrat {} ?", contract.contract_number);
                    let deletion = self.delete_after_confirmation(
                        &question,
                        "Contrat supprimé.",
                        |shell| shell.call(shell.crm.may_delete_contract(&session.token, id)),
                        |shell| shell.call(shell.crm.delete_contract(&session.token, id)),
                    )?;
                    match deletion {
                        Deletion::Deleted => return Ok(Next::Back),
                        Deletion::Kept => Next::Back,
                        Deletion::Quit => Next::Quit,
                    }
                }
                Choice::Entry(CREATE_EVENT) => self.create_event(&contract)?,
                Choice::Entry(RECORD_PAYMENT) => self.record_payment(&contract)?,
                Choice::Entry(SIGN) => self.sign(&contract)?,
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

    /// Records a payment on the contract `contract` shows: the amount asked beside what is
    /// due now, a confirmation saying what will be left, then a receipt made from what the
    /// core saved. A refused amount (too much, not an amount) is explained and asked again.
    fn record_payment(&mut self, contract: &ContractRow) -> Result<Next, ApplicationError> {
        let id = contract.id;
        let number = contract.contract_number.clone();
        loop {
            // What is due now, not when the screen was drawn.
            let (_, contract) = match self
                .session_and(|shell, session| shell.call(shell.crm.contract(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Paiement sur le contrat {number} — reste à payer : {}",
                formatting::money(contract.balance_due)
            ));
            let amount = match self.ask("Montant reçu, par exemple 1 250,50 (vide pour annuler)")?
            {
                Answer::Text(amount) => amount,
                Answer::Cancel => {
                    self.say("Paiement annulé.");
                    return Ok(Next::Back);
                }
                Answer::Quit => return Ok(Next::Quit),
            };
            // Said before confirming when the amount reads as one and fits what is due;
            // otherwise the core's refusal says why.
            let paid = amount.parse::<Money>().ok();
            let left = paid.and_then(|paid| {
                let left = contract.balance_due.amount() - paid.amount();
                (!paid.is_zero() && !left.is_sign_negative()).then_some(left)
            });
            if let (Some(paid), Some(left)) = (paid, left) {
                let question = format!(
                    "Enregistrer un paiement de {} sur le contrat {number} ? Il restera {} à payer.",
                    formatting::money(paid),
                    formatting::euros(left)
                );
                match self.confirm(&question)? {
                    Some(true) => {}
                    Some(false) => {
                        self.say("Paiement annulé.");
                        return Ok(Next::Back);
                    }
                    None => return Ok(Next::Quit),
                }
            }
            loop {
                let Some(session) = self.session()? else {
                    return Ok(Next::SignedOut);
                };
                match self.call(self.crm.record_payment(&session.token, id, amount.clone())) {
                    Ok(saved) => {
                        let paid = paid
                            .map(formatting::money)
                            .unwrap_or_else(|| amount.clone());
                        self.success(&if saved.balance_due.is_zero() {
                            format!(
                                "Paiement de {paid} enregistré : le contrat {number} est soldé."
                            )
                        } else {
                            format!(
                                "Paiement de {paid} enregistré : reste {} à payer.",
                                formatting::money(saved.balance_due)
                            )
                        });
                        return Ok(Next::Back);
                    }
                    Err(refusal) if refusal.code == ErrorCode::Validation => {
                        self.refused(&refusal);
                        break;
                    }
                    Err(transient) if transient.is_transient() => {
                        self.refused(&transient);
                        match self.offer_retry()? {
                            Some(true) => continue,
                            Some(false) => return Ok(Next::Back),
                            None => return Ok(Next::Quit),
                        }
                    }
                    Err(other) => {
                        self.refused(&other);
                        return Ok(Next::Back);
                    }
                }
            }
        }
    }

    /// Signs the contract `contract` shows, once confirmed: a signature is final.
    fn sign(&mut self, contract: &ContractRow) -> Result<Next, ApplicationError> {
        let number = &contract.contract_number;
        let question = format!(
            "Signer le contrat {number} ({} pour {}) ? Une signature est définitive.",
            formatting::money(contract.total_amount),
            contract.customer_company_name
        );
        match self.confirm(&question)? {
            Some(true) => {}
            Some(false) => {
                self.say("Signature annulée.");
                return Ok(Next::Back);
            }
            None => return Ok(Next::Quit),
        }
        let Some(session) = self.session()? else {
            return Ok(Next::SignedOut);
        };
        let changes = ContractChanges {
            signed: Some(true),
            ..ContractChanges::default()
        };
        let signed =
            self.call(
                self.crm
                    .update_contract(&session.token, contract.id, changes, None),
            );
        self.report(signed, &format!("Contrat {number} signé."));
        Ok(Next::Back)
    }

    fn modify_contract(&mut self, contract: ContractRow) -> Result<Next, ApplicationError> {
        let id = contract.id;
        loop {
            // Shown as it is now: after a change, and after a refusal because someone else
            // changed it meanwhile; what is shown is what a change is made from.
            let (_, contract) = match self
                .session_and(|shell, session| shell.call(shell.crm.contract(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le contrat {}", contract.contract_number));
            self.say(render::detail(&fields(&contract), self.width()).trim_end());
            // Payments and the signature are actions of the contract's screen.
            let entries = [
                Entry::offered(1, super::capitalised(ContractField::TotalAmount.label())),
                Entry::offered(2, super::capitalised(ContractField::BalanceDue.label())),
            ];
            let choice = self.choose("Champ à modifier", &entries, Some("Retour"))?;
            let seen = &contract;
            let outcome = match choice {
                Choice::Entry(1) => self.change_field(
                    ContractField::TotalAmount.describe(),
                    Some(&ContractField::TotalAmount.read(&contract)),
                    |shell, session, value| {
                        let changes =
                            ContractChanges::of(ContractField::TotalAmount, Given::Text(value))?;
                        shell.call(shell.crm.update_contract(
                            &session.token,
                            id,
                            changes.clone(),
                            Some(seen.clone()),
                        ))
                    },
                )?,
                Choice::Entry(2) => self.change_field(
                    ContractField::BalanceDue.describe(),
                    Some(&ContractField::BalanceDue.read(&contract)),
                    |shell, session, value| {
                        let changes =
                            ContractChanges::of(ContractField::BalanceDue, Given::Text(value))?;
                        shell.call(shell.crm.update_contract(
                            &session.token,
                            id,
                            changes.clone(),
                            Some(seen.clone()),
                        ))
                    },
                )?,
                Choice::Entry(_) => continue,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
                Choice::Redisplay => continue,
            };
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_contract(&mut self) -> Result<Next, ApplicationError> {
        self.title("Nouveau contrat (un champ obligatoire laissé vide propose d'abandonner)");
        let customer = match self.choose_customer()? {
            Ok(Some(customer)) => customer,
            Ok(None) => {
                self.say("Saisie annulée.");
                return Ok(Next::Back);
            }
            Err(next) => return Ok(next),
        };
        self.success(&format!(
            "Client choisi : {} (n°{}), {} {}.",
            customer.company_name,
            customer.id,
            customer.customer_first_name,
            customer.customer_last_name
        ));
        // The customer is chosen: the rest of the form.
        let fields = &ContractField::TYPED_ON_CREATION[1..];
        let form = FormField::all(fields);
        let customer_id = customer.id;
        let created = self.form(&form, |shell, session, values| {
            let input = NewContract {
                customer_id,
                ..NewContract::filled(fields, values)?
            };
            shell.call(shell.crm.create_contract(&session.token, input.clone()))
        })?;
        match created {
            Ok(contract) => {
                self.success(&format!("Contrat créé : {}.", contract.contract_number));
                self.contract_detail(contract.id)
            }
            Err(next) => Ok(next),
        }
    }

    /// Asks for the customer of a new contract, by its number or by words of its name,
    /// company or e-mail (a numbered list to choose from when several match); `Ok(None)`
    /// when given up.
    fn choose_customer(&mut self) -> Result<Result<Option<CustomerRow>, Next>, ApplicationError> {
        loop {
            let typed = match self.ask(
                "Client : son numéro, ou des mots de son nom, de son entreprise ou de son e-mail",
            )? {
                Answer::Text(text) => text,
                Answer::Cancel => return Ok(Ok(None)),
                Answer::Quit => return Ok(Err(Next::Quit)),
            };
            let Some(session) = self.session()? else {
                return Ok(Err(Next::SignedOut));
            };
            let found = match typed.parse::<i32>() {
                Ok(id) => self
                    .call(self.crm.customer(&session.token, id))
                    .map(|customer| vec![customer]),
                Err(_) => self
                    .call(self.crm.search_customers(
                        &session.token,
                        typed.clone(),
                        PageRequest::first(PAGE_SIZE),
                    ))
                    .map(|page| page.items),
            };
            let mut found = match found {
                Ok(found) => found,
                Err(error) => {
                    self.refused(&error);
                    continue;
                }
            };
            match found.len() {
                0 => {
                    self.error(&format!("aucun client ne correspond à « {typed} »"));
                    continue;
                }
                1 => return Ok(Ok(found.pop())),
                _ => {}
            }
            let entries: Vec<Entry> = (1..)
                .zip(&found)
                .map(|(number, customer)| {
                    Entry::offered(
                        number,
                        format!(
                            "{} — {} {} (n°{})",
                            customer.company_name,
                            customer.customer_first_name,
                            customer.customer_last_name,
                            customer.id
                        ),
                    )
                })
                .collect();
            match self.choose("Quel client ?", &entries, Some("Retour"))? {
                Choice::Entry(number) => {
                    return Ok(Ok(found.into_iter().nth(number as usize - 1)));
                }
                Choice::Back | Choice::Redisplay => continue,
                Choice::Quit => return Ok(Err(Next::Quit)),
                Choice::SignedOut => return Ok(Err(Next::SignedOut)),
            }
        }
    }

    fn create_event(&mut self, contract: &ContractRow) -> Result<Next, ApplicationError> {
        self.title(&format!(
            "Nouvel évènement pour le contrat {} (un champ obligatoire laissé vide propose d'abandonner)",
            contract.contract_number
        ));
        let form = FormField::all(&EventField::TYPED_ON_CREATION);
        let contract_id = contract.id;
        let created = self.form(&form, |shell, session, values| {
            let input = NewEvent {
                contract_id,
                ..NewEvent::filled(&EventField::TYPED_ON_CREATION, values)?
            };
            shell.call(shell.crm.create_event(&session.token, input.clone()))
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
