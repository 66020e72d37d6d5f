//! The records scripts receive from the core, with fields that read in French
//! (`contrat.montant_total`, `evenement.lieu`, `client.entreprise`), and the `Date` type.
//!
//! Each record type's fields are its catalogue's ([`crate::catalogue`]): the same list makes
//! the rhai getters, the columns of tables, CSV and JSON, and the help.

use chrono::{DateTime, Utc};
use rhai::{Dynamic, Engine, INT};

use crate::catalogue::contract::ContractField;
use crate::catalogue::customer::CustomerField;
use crate::catalogue::event::EventField;
use crate::catalogue::payment::PaymentField;
use crate::catalogue::report::{ActivityField, UnpaidField};
use crate::catalogue::user::UserField;
use crate::catalogue::{Catalogue, Value};
use crate::formatting;
use crate::handle::{
    ContractRow, CustomerRow, EventRow, RecordedPayment, SalesActivity, UnpaidContracts, UserRow,
};

/// A moment, as scripts see it: shown in French (`22/11/2026 14:30`, in the run's zone),
/// compared with `<`, `==`…, written as RFC 3339 in CSV and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScriptDate(pub DateTime<Utc>);

impl std::fmt::Display for ScriptDate {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&formatting::date_time_in(self.0, super::zone::current()))
    }
}

/// A record type scripts receive: its fields are its catalogue's.
pub trait ScriptRecord: Clone + Send + Sync + 'static {
    /// The rhai type name (`Contrat`), shown by `type_of` and in the help.
    const TYPE_NAME: &'static str;
    /// Its fields.
    type Field: Catalogue<Row = Self>;
    /// How `print` shows the record: a short French description.
    fn summary(&self) -> String;
}

/// A field's value as scripts hold it: numbers as integers, amounts as exact decimals,
/// moments as `Date`, an absent value as `()`.
pub fn dynamic(value: Value) -> Dynamic {
    match value {
        Value::Number(number) => Dynamic::from(number as INT),
        Value::Text(text) | Value::Phone(text) => Dynamic::from(text),
        Value::Money(amount) => Dynamic::from_decimal(amount.amount()),
        Value::Decimal(amount) => Dynamic::from_decimal(amount),
        Value::Moment(moment) => Dynamic::from(ScriptDate(moment)),
        Value::YesNo(yes) => Dynamic::from_bool(yes),
        Value::Nothing => Dynamic::UNIT,
    }
}

fn full_name(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}")
}

impl ScriptRecord for UserRow {
    const TYPE_NAME: &'static str = "Utilisateur";
    type Field = UserField;

    fn summary(&self) -> String {
        format!(
            "Utilisateur n°{} {} ({}, {})",
            self.id,
            self.username,
            full_name(&self.user_first_name, &self.user_last_name),
            formatting::value(&UserField::Role.read(self))
        )
    }
}

impl ScriptRecord for CustomerRow {
    const TYPE_NAME: &'static str = "Client";
    type Field = CustomerField;

    fn summary(&self) -> String {
        format!(
            "Client n°{} {} ({})",
            self.id,
            self.company_name,
            full_name(&self.customer_first_name, &self.customer_last_name)
        )
    }
}

impl ScriptRecord for ContractRow {
    const TYPE_NAME: &'static str = "Contrat";
    type Field = ContractField;

    fn summary(&self) -> String {
        format!(
            "Contrat {} ({}, {}, reste à payer {}, {})",
            self.contract_number,
            self.customer_company_name,
            formatting::money(self.total_amount),
            formatting::money(self.balance_due),
            if self.signed { "signé" } else { "non signé" }
        )
    }
}

impl ScriptRecord for EventRow {
    const TYPE_NAME: &'static str = "Évènement";
    type Field = EventField;

    fn summary(&self) -> String {
        format!(
            "Évènement {} « {} » ({}, {}, {})",
            self.event_number,
            self.event_name,
            self.customer_company_name,
            formatting::date_time_in(self.start_datetime, super::zone::current()),
            self.location
        )
    }
}

impl ScriptRecord for UnpaidContracts {
    const TYPE_NAME: &'static str = "ImpayésCommercial";
    type Field = UnpaidField;

    fn summary(&self) -> String {
        format!(
            "{} {} : {} contrat(s) non payé(s)",
            self.sales_user.first_name, self.sales_user.last_name, self.contracts
        )
    }
}

impl ScriptRecord for RecordedPayment {
    const TYPE_NAME: &'static str = "Paiement";
    type Field = PaymentField;

    fn summary(&self) -> String {
        format!(
            "Paiement de {} sur le contrat {} (reste {})",
            formatting::money(self.amount),
            self.contract_number,
            formatting::money(self.balance_due)
        )
    }
}

impl ScriptRecord for SalesActivity {
    const TYPE_NAME: &'static str = "ActivitéCommerciale";
    type Field = ActivityField;

    fn summary(&self) -> String {
        format!(
            "{} {} : {} client(s), {} contrat(s) signé(s)",
            self.sales_user.first_name,
            self.sales_user.last_name,
            self.customers,
            self.signed_contracts
        )
    }
}

/// Registers the record type `T`: its name, a read-only getter per field (also readable
/// as `record["field"]`), `print` and `to_string`. Assigning a field is refused: records are read-only copies.
pub fn register_record<T: ScriptRecord>(engine: &mut Engine) {
    engine.register_type_with_name::<T>(T::TYPE_NAME);
    for field in T::Field::ALL {
        let field = *field;
        engine.register_get(field.key(), move |record: &mut T| {
            dynamic(field.read(record))
        });
    }
    engine.register_indexer_get(
        |record: &mut T, name: &str| -> Result<Dynamic, Box<rhai::EvalAltResult>> {
            T::Field::from_key(name)
                .map(|field| dynamic(field.read(record)))
                .ok_or_else(|| {
                    rhai::EvalAltResult::ErrorRuntime(
                        format!(
                            "champ inconnu « {name} » pour un enregistrement {}",
                            T::TYPE_NAME
                        )
                        .into(),
                        rhai::Position::NONE,
                    )
                    .into()
                })
        },
    );
    engine.register_fn("to_string", |record: &mut T| record.summary());
    engine.register_fn("to_debug", |record: &mut T| record.summary());
}

/// A record's fields with their values, in table order.
pub type NamedValues = Vec<(&'static str, Value)>;

/// A record type's name and its fields with their descriptions, for the help.
pub type TypeDescription = (&'static str, Vec<(&'static str, &'static str)>);

/// What the rest of the scripting layer needs of one record type, without naming it.
struct RecordType {
    register: fn(&mut Engine),
    fields_of: fn(&Dynamic, Option<&[String]>) -> Option<NamedValues>,
    describe: fn() -> TypeDescription,
}

impl RecordType {
    const fn of<T: ScriptRecord>() -> Self {
        Self {
            register: register_record::<T>,
            fields_of: fields_of::<T>,
            describe: describe::<T>,
        }
    }
}

/// Every record type scripts receive: the one list to extend with a new one.
const RECORD_TYPES: [RecordType; 7] = [
    RecordType::of::<UserRow>(),
    RecordType::of::<CustomerRow>(),
    RecordType::of::<ContractRow>(),
    RecordType::of::<EventRow>(),
    RecordType::of::<UnpaidContracts>(),
    RecordType::of::<SalesActivity>(),
    RecordType::of::<RecordedPayment>(),
];

fn fields_of<T: ScriptRecord>(value: &Dynamic, chosen: Option<&[String]>) -> Option<NamedValues> {
    let record = value.read_lock::<T>()?;
    Some(
        T::Field::ALL
            .iter()
            .filter(|field| {
                chosen.is_none_or(|chosen| chosen.iter().any(|name| name == field.key()))
            })
            .map(|field| (field.key(), field.read(&record)))
            .collect(),
    )
}

fn describe<T: ScriptRecord>() -> TypeDescription {
    (
        T::TYPE_NAME,
        T::Field::ALL
            .iter()
            .map(|field| (field.key(), field.describe().help))
            .collect(),
    )
}

/// The fields of a record held in `value`, as (name, value) in table order, if `value` is
/// one of the record types; only those `chosen` (still in table order) when some are: a
/// list shown with a few columns reads only those, not every field of every record.
pub fn record_fields(value: &Dynamic, chosen: Option<&[String]>) -> Option<NamedValues> {
    RECORD_TYPES
        .iter()
        .find_map(|record_type| (record_type.fields_of)(value, chosen))
}

/// `value` as a list of records of one kind that has screens of its own (users,
/// customers, contracts, events), for the shell to show as its lists; `None` for anything
/// else, an empty list included (its kind is unknown).
pub fn listed(value: &Dynamic) -> Option<epic_events_api::scripts::ListedRecords> {
    use epic_events_api::scripts::ListedRecords;
    fn all<T: Clone + 'static>(array: &rhai::Array) -> Option<Vec<T>> {
        array
            .iter()
            .map(|item| item.read_lock::<T>().map(|row| row.clone()))
            .collect()
    }
    let array = value.read_lock::<rhai::Array>()?;
    if array.is_empty() {
        return None;
    }
    all::<UserRow>(&array)
        .map(ListedRecords::Users)
        .or_else(|| all::<CustomerRow>(&array).map(ListedRecords::Customers))
        .or_else(|| all::<ContractRow>(&array).map(ListedRecords::Contracts))
        .or_else(|| all::<EventRow>(&array).map(ListedRecords::Events))
}

/// Every record type with its fields, for the help: (type name, [(field, description)]).
pub fn record_types() -> Vec<TypeDescription> {
    RECORD_TYPES
        .iter()
        .map(|record_type| (record_type.describe)())
        .collect()
}

/// Registers every record type and the `Date` type with its comparisons.
pub fn register_all(engine: &mut Engine) {
    for record_type in &RECORD_TYPES {
        (record_type.register)(engine);
    }

    engine.register_type_with_name::<ScriptDate>("Date");
    engine.register_fn("to_string", |date: &mut ScriptDate| date.to_string());
    engine.register_fn("to_debug", |date: &mut ScriptDate| date.to_string());
    engine.register_fn("==", |a: ScriptDate, b: ScriptDate| a == b);
    engine.register_fn("!=", |a: ScriptDate, b: ScriptDate| a != b);
    engine.register_fn("<", |a: ScriptDate, b: ScriptDate| a < b);
    engine.register_fn("<=", |a: ScriptDate, b: ScriptDate| a <= b);
    engine.register_fn(">", |a: ScriptDate, b: ScriptDate| a > b);
    engine.register_fn(">=", |a: ScriptDate, b: ScriptDate| a >= b);
}
