//! The fields of each record type, described once.
//!
//! Each record type has one enum of its fields ([`customer::CustomerField`],
//! [`contract::ContractField`], [`event::EventField`], [`user::UserField`], and the two
//! reports' in [`report`]). For each field it gives:
//! - its script key (`telephone`), French label (`téléphone`), column header and help line,
//!   what to type and whether it may be left empty ([`Description`]);
//! - how it reads from a row ([`Catalogue::read`], a plain [`Value`]);
//! - for the fields people change, how a typed value goes into the change set
//!   (`CustomerChanges::set`, …), and for creation into the new record (`NewCustomer::set`).
//!
//! The shell's forms, detail screens and modification screens, the script API's inputs,
//! records, signatures and help, the output headers and the services' validation messages
//! all take names from here. A field name never appears as a string literal elsewhere.
//!
//! Who may change which field is the policy's ([`crate::permissions`]), not the catalogue's.

pub mod contract;
pub mod customer;
pub mod event;
pub mod payment;
pub mod report;
pub mod user;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::error::ApiError;
use crate::money::Money;

/// A kind of record the system numbers: its prefix and its number's form, once (the
/// services, the shell, the large-data generator ask here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NumberedKind {
    /// `CTR-2026-0001`.
    Contract,
    /// `EVT-2026-0001`.
    Event,
}

impl NumberedKind {
    /// `CTR-`: what every number of this kind starts with (how a typed number is
    /// recognised).
    pub fn start(self) -> &'static str {
        match self {
            NumberedKind::Contract => "CTR-",
            NumberedKind::Event => "EVT-",
        }
    }

    /// `CTR-2026-`: the prefix of the numbers given in `year`.
    pub fn prefix_of_year(self, year: i32) -> String {
        format!("{}{year}-", self.start())
    }

    /// `CTR-2026-0042`: the number `sequence` of `year`.
    pub fn number(self, year: i32, sequence: i64) -> String {
        format_number(&self.prefix_of_year(year), sequence)
    }
}

/// The number `sequence` under `prefix`, at least four digits.
pub fn format_number(prefix: &str, sequence: i64) -> String {
    format!("{prefix}{sequence:04}")
}

/// A field's value as read from a row: plain data, shown by each front end its own way.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// An id or a count.
    Number(i64),
    /// Text.
    Text(String),
    /// A phone number, stored canonical (E.164: `+33612345678`).
    Phone(String),
    /// An amount of money.
    Money(Money),
    /// A sum that is not a stored amount (report totals).
    Decimal(Decimal),
    /// A moment.
    Moment(DateTime<Utc>),
    /// Yes or no.
    YesNo(bool),
    /// No value (an event without support).
    Nothing,
}

/// What a person or a script types for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Input {
    /// Free text, checked by the core's rule for the field.
    Text,
    /// An amount (`12 000,50`).
    Amount,
    /// A whole number (`1 200`).
    WholeNumber,
    /// Oui or non (`true` / `false` in scripts).
    YesNo,
    /// A date and time (`22/11/2026 14:30`, or a `Date` in scripts).
    Moment,
    /// The number of another record.
    Reference,
    /// A secret, never shown or echoed.
    Secret,
    /// Computed by the core or set once: not typed.
    ReadOnly,
}

/// One field, as everyone who shows, asks or reads it names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Description {
    /// The key scripts use, without accents (`reste_a_payer`).
    pub key: &'static str,
    /// The French name in messages, prompts and screens (`reste à payer`).
    pub label: &'static str,
    /// The column header in script tables (`reste à payer`).
    pub header: &'static str,
    /// One line of French for the scripts' help.
    pub help: &'static str,
    /// What to type, shown next to the prompt.
    pub hint: Option<&'static str>,
    /// What is typed.
    pub input: Input,
    /// What leaving it empty on creation means, when it may be left empty (`non`).
    pub when_empty: Option<&'static str>,
    /// The values it takes, when they are few (a role): offered as a numbered list.
    pub choices: &'static [&'static str],
}

impl Description {
    /// A field read only (ids, names of related records, dates kept by the core).
    pub const fn read_only(
        key: &'static str,
        label: &'static str,
        header: &'static str,
        help: &'static str,
    ) -> Self {
        Self {
            key,
            label,
            header,
            help,
            hint: None,
            input: Input::ReadOnly,
            when_empty: None,
            choices: &[],
        }
    }

    /// A field people type.
    pub const fn typed(
        key: &'static str,
        label: &'static str,
        header: &'static str,
        help: &'static str,
        input: Input,
    ) -> Self {
        Self {
            key,
            label,
            header,
            help,
            hint: None,
            input,
            when_empty: None,
            choices: &[],
        }
    }

    /// With what to type shown next to the prompt.
    pub const fn hinted(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Takes one of `choices`, offered as a numbered list.
    pub const fn chosen_from(mut self, choices: &'static [&'static str]) -> Self {
        self.choices = choices;
        self
    }

    /// May be left empty on creation, meaning `meaning`.
    pub const fn optional(mut self, meaning: &'static str) -> Self {
        self.when_empty = Some(meaning);
        self
    }
}

/// When a record was created: every record type has it.
pub(crate) const CREATED_AT: Description =
    Description::read_only("cree_le", "créé le", "créé le", "date de création");

/// When a record last changed: every record type has it.
pub(crate) const UPDATED_AT: Description = Description::read_only(
    "modifie_le",
    "modifié le",
    "modifié le",
    "date de dernière modification",
);

/// The name of the sales user a customer (and its contracts and reports) belongs to.
pub(crate) const SALES_USER: Description = Description::read_only(
    "commercial",
    "commercial",
    "commercial",
    "prénom et nom du commercial",
);

/// The fields of one record type. The rule of each field (what a typed value must be)
/// is the core's.
pub trait Catalogue: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    /// The row the fields are read from.
    type Row;
    /// Every field, in the order tables show them.
    const ALL: &'static [Self];
    /// The field's names and what is typed.
    fn describe(self) -> Description;
    /// The field's value in `row`.
    fn read(self, row: &Self::Row) -> Value;

    /// The script key.
    fn key(self) -> &'static str {
        self.describe().key
    }

    /// The French label.
    fn label(self) -> &'static str {
        self.describe().label
    }

    /// The field with the script key `key`.
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|field| field.key() == key)
    }

    /// The fields a record is found by in a search, in order (none: not searched).
    const SEARCHED: &'static [Self] = &[];
}

/// A field that is present, `null` included: `Some(None)` for `null`, `Some(Some(v))` for a
/// value (an absent field is `None`, by `#[serde(default)]`). What tells « remove » from
/// « no change » in JSON.
fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A field of any record type people type: what a form asks the core to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldRef {
    /// A customer's.
    Customer(customer::CustomerField),
    /// A contract's.
    Contract(contract::ContractField),
    /// An event's.
    Event(event::EventField),
    /// A user's.
    User(user::UserField),
}

/// The [`FieldRef`] of each record type's fields.
pub trait Referenced: Catalogue {
    /// This field, of any record type.
    fn reference(self) -> FieldRef;
}

impl Referenced for customer::CustomerField {
    fn reference(self) -> FieldRef {
        FieldRef::Customer(self)
    }
}

impl Referenced for contract::ContractField {
    fn reference(self) -> FieldRef {
        FieldRef::Contract(self)
    }
}

impl Referenced for event::EventField {
    fn reference(self) -> FieldRef {
        FieldRef::Event(self)
    }
}

impl Referenced for user::UserField {
    fn reference(self) -> FieldRef {
        FieldRef::User(self)
    }
}

/// A value given for a field: typed text from the shell, or a script's typed value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Given {
    /// As typed; read by the field's rule (a whole number in French grouping, oui/non…).
    Text(String),
    /// A whole number.
    WholeNumber(i64),
    /// Yes or no.
    YesNo(bool),
}

impl Given {
    /// As a person would have typed it (`oui`, `1200`): what a field's rule reads.
    pub fn typed_text(&self) -> String {
        match self {
            Given::Text(text) => text.clone(),
            Given::WholeNumber(number) => number.to_string(),
            Given::YesNo(true) => "oui".to_owned(),
            Given::YesNo(false) => "non".to_owned(),
        }
    }

    /// As text, for fields read as text (amounts and moments are read by the core's rules).
    pub fn text(self, label: &str) -> Result<String, ApiError> {
        match self {
            Given::Text(text) => Ok(text),
            Given::WholeNumber(number) => Ok(number.to_string()),
            Given::YesNo(_) => Err(ApiError::validation(label, "doit être un texte")),
        }
    }

    /// As a whole number.
    pub fn whole_number(self, label: &str) -> Result<i64, ApiError> {
        match self {
            Given::Text(text) => crate::formatting::read_whole_number(label, &text),
            Given::WholeNumber(number) => Ok(number),
            Given::YesNo(_) => Err(ApiError::validation(label, "doit être un nombre entier")),
        }
    }

    /// As yes or no; empty text is no.
    pub fn yes_or_no(self, label: &str) -> Result<bool, ApiError> {
        match self {
            Given::Text(text) => crate::formatting::read_yes_or_no(label, &text),
            Given::YesNo(value) => Ok(value),
            Given::WholeNumber(_) => Err(ApiError::validation(label, "doit être oui ou non")),
        }
    }
}

/// A new record or a change set that typed values go into, field by field.
pub trait Typed<F: Catalogue>: Default {
    /// Puts `value`, as typed, into `field`; refused (naming the field) when the field is
    /// not typed or the value is not of its kind. The core's rule for the field is applied
    /// when the record is written.
    fn set(&mut self, field: F, value: Given) -> Result<(), ApiError>;

    /// The record or change set with `field` set to `value` only.
    fn of(field: F, value: Given) -> Result<Self, ApiError> {
        let mut typed = Self::default();
        typed.set(field, value)?;
        Ok(typed)
    }

    /// The record or change set with each of `fields` set to its value in `values`, in
    /// order, as a form typed them: an optional field left empty keeps its default (what
    /// its [`Description::when_empty`] says).
    fn filled(fields: &[F], values: &[String]) -> Result<Self, ApiError> {
        let mut typed = Self::default();
        for (field, value) in fields.iter().zip(values) {
            if value.trim().is_empty() && field.describe().when_empty.is_some() {
                continue;
            }
            typed.set(*field, Given::Text(value.clone()))?;
        }
        Ok(typed)
    }
}

/// The refusal of a value given for a field that is not typed.
pub fn not_typed(label: &str) -> ApiError {
    ApiError::validation(label, "ne se saisit pas")
}

/// `#{prenom, nom, …}`: how the fields `fields` are given to a script function.
pub fn map_signature<F: Catalogue>(fields: &[F]) -> String {
    let keys: Vec<&str> = fields.iter().map(|field| field.key()).collect();
    format!("#{{{}}}", keys.join(", "))
}

/// The description of the field whose script key is `key`, in whichever catalogue has it.
fn description_of_key(key: &str) -> Option<Description> {
    fn find<F: Catalogue>(key: &str) -> Option<Description> {
        F::from_key(key).map(Catalogue::describe)
    }
    find::<customer::CustomerField>(key)
        .or_else(|| find::<contract::ContractField>(key))
        .or_else(|| find::<event::EventField>(key))
        .or_else(|| find::<user::UserField>(key))
        .or_else(|| find::<report::UnpaidField>(key))
        .or_else(|| find::<report::ActivityField>(key))
        .or_else(|| find::<payment::PaymentField>(key))
}

/// The column header of the script key `key` when a record type has a field of that key.
pub fn header_of_key(key: &str) -> Option<&'static str> {
    description_of_key(key).map(|description| description.header)
}

/// The label of the field whose key is `key` (`email` → « adresse e-mail »), as a
/// record's screen shows it, in whichever catalogue has it.
pub fn label_of_key(key: &str) -> Option<&'static str> {
    description_of_key(key).map(|description| description.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_are_unique_and_plain<F: Catalogue>() {
        let mut keys: Vec<&str> = F::ALL.iter().map(|field| field.key()).collect();
        assert!(
            keys.iter()
                .all(|key| key.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
            "{keys:?}"
        );
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count, "a key is given twice");
        for field in F::ALL {
            assert_eq!(F::from_key(field.key()), Some(*field));
            assert!(!field.label().is_empty() && !field.describe().help.is_empty());
        }
    }

    #[test]
    fn every_catalogue_has_unique_plain_keys() {
        keys_are_unique_and_plain::<customer::CustomerField>();
        keys_are_unique_and_plain::<contract::ContractField>();
        keys_are_unique_and_plain::<event::EventField>();
        keys_are_unique_and_plain::<user::UserField>();
        keys_are_unique_and_plain::<report::UnpaidField>();
        keys_are_unique_and_plain::<report::ActivityField>();
        keys_are_unique_and_plain::<payment::PaymentField>();
    }

    #[test]
    fn a_key_shared_by_two_records_has_one_header() {
        assert_eq!(header_of_key("reste_a_payer"), Some("reste à payer"));
        assert_eq!(header_of_key("cree_le"), Some("créé le"));
        assert_eq!(header_of_key("inconnu"), None);
    }
}
