//! The records related to the one on screen — a customer's contracts and events, a
//! contract's events and customer, an event's contract and customer — offered as entries
//! of its menu, each opening that record (numbers in the README: 21–25 contracts, 31–35
//! events, 41 the customer; 4 and 5 the whole lists when there are more).

use super::Session;
use super::widgets::Entry;
use super::{ApplicationError, Next, Shell};
use crate::formatting;
use crate::paging::{Page, PageRequest};
use epic_events_api::ApiError;
use epic_events_api::catalogue::contract::ContractField;
use epic_events_api::catalogue::event::EventField;
use epic_events_api::catalogue::{Catalogue, Value};
use epic_events_api::lists::{ContractList, EventList};
use epic_events_api::records::{ContractRow, EventRow};

/// How many related records of a kind a record's screen shows.
const SHOWN: u64 = 5;
/// The first number of related contracts, of related events, and the customer's.
const FIRST_CONTRACT: u32 = 21;
const FIRST_EVENT: u32 = 31;
pub(super) const CUSTOMER: u32 = 41;
/// « Tous ses contrats », « Tous ses évènements », when there are more than shown.
pub(super) const ALL_CONTRACTS: u32 = 4;
pub(super) const ALL_EVENTS: u32 = 5;

/// A record a screen's menu can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Opening {
    Customer(i32),
    Contract(i32),
    Event(i32),
    /// The whole list (paged) of a customer's contracts.
    Contracts(ContractList),
    /// The whole list of a customer's events.
    Events(EventList),
}

/// The entries of related records, and what each number opens.
#[derive(Default)]
pub(super) struct Related {
    pub entries: Vec<Entry>,
    pub openings: Vec<(u32, Opening)>,
}

impl Related {
    fn push(&mut self, number: u32, label: String, opening: Opening) {
        self.entries.push(Entry::offered(number, label));
        self.openings.push((number, opening));
    }

    /// What `number` opens, if it is one of these.
    pub fn opening(&self, number: u32) -> Option<Opening> {
        self.openings
            .iter()
            .find(|(candidate, _)| *candidate == number)
            .map(|(_, opening)| *opening)
    }
}

/// Values of a record, separated by « — ».
fn line(values: &[Value]) -> String {
    values
        .iter()
        .map(formatting::value)
        .collect::<Vec<_>>()
        .join(" — ")
}

impl Shell {
    /// The first contracts of `list`, and « Tous ses contrats » when there are more.
    pub(super) fn related_contracts(
        &self,
        session: &Session,
        list: ContractList,
        related: &mut Related,
    ) -> Result<(), ApiError> {
        let page: Page<ContractRow> = self.call(self.crm.list_contracts(
            &session.token,
            list,
            PageRequest::first(SHOWN).counting(),
        ))?;
        for (contract, number) in page.items.iter().zip(FIRST_CONTRACT..) {
            let [number_text, total, balance] = [
                ContractField::Number,
                ContractField::TotalAmount,
                ContractField::BalanceDue,
            ]
            .map(|field| formatting::value(&field.read(contract)));
            let signed = if contract.signed {
                "signé"
            } else {
                "non signé"
            };
            let label = format!("Contrat {number_text} — {total} — reste {balance} — {signed}");
            related.push(number, self.fitted(&label), Opening::Contract(contract.id));
        }
        let total = page.total.unwrap_or_default();
        if total > SHOWN {
            related.push(
                ALL_CONTRACTS,
                format!("Tous ses contrats ({})", formatting::whole_number(total)),
                Opening::Contracts(list),
            );
        }
        Ok(())
    }

    /// The first events of `list`, and « Tous ses évènements » when there are more.
    pub(super) fn related_events(
        &self,
        session: &Session,
        list: EventList,
        related: &mut Related,
    ) -> Result<(), ApiError> {
        let page: Page<EventRow> = self.call(self.crm.list_events(
            &session.token,
            list,
            PageRequest::first(SHOWN).counting(),
        ))?;
        for (event, number) in page.items.iter().zip(FIRST_EVENT..) {
            let values = [EventField::Number, EventField::Start, EventField::Name]
                .map(|field| field.read(event));
            let label = format!("Évènement {}", line(&values));
            related.push(number, self.fitted(&label), Opening::Event(event.id));
        }
        let total = page.total.unwrap_or_default();
        if total > SHOWN {
            related.push(
                ALL_EVENTS,
                format!("Tous ses évènements ({})", formatting::whole_number(total)),
                Opening::Events(list),
            );
        }
        Ok(())
    }

    /// The customer `id`, named `company`.
    pub(super) fn related_customer(&self, id: i32, company: &str, related: &mut Related) {
        related.push(
            CUSTOMER,
            self.fitted(&format!("Client {company}")),
            Opening::Customer(id),
        );
    }

    /// The contract `id`, numbered `number`.
    pub(super) fn related_contract(&self, id: i32, number: &str, related: &mut Related) {
        related.push(
            FIRST_CONTRACT,
            format!("Contrat {number}"),
            Opening::Contract(id),
        );
    }

    /// `label` shortened to fit the terminal beside its number (« 21. » and the
    /// indentation take 7 columns).
    fn fitted(&self, label: &str) -> String {
        match self.width() {
            Some(width) => formatting::shortened(label, width.saturating_sub(7).max(20)),
            None => label.to_owned(),
        }
    }

    /// Opens what a related entry names; back here afterwards.
    pub(super) fn open_related(&mut self, opening: Opening) -> Result<Next, ApplicationError> {
        match opening {
            Opening::Customer(id) => self.customer_detail(id),
            Opening::Contract(id) => self.contract_detail(id),
            Opening::Event(id) => self.event_detail(id),
            Opening::Contracts(list) => self.contract_list("Ses contrats", list),
            Opening::Events(list) => self.event_list("Ses évènements", list),
        }
    }
}
