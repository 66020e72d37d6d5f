//! The catalogue's rules: the core's side of each record's fields.
//!
//! The API's catalogue (`epic_events_api::catalogue`, re-exported here) names each
//! record's fields: keys, labels, headers, help, how a row reads, how typed values go into
//! a new record or a change set. The core adds what only it decides: the rule a typed value
//! must meet ([`FieldRule`]), the column a field typed as text is stored in
//! ([`StoredField`]), and the text a record is searched by ([`Searched`]).

pub use epic_events_api::catalogue::*;
pub use epic_events_api::catalogue::{payment, report};

pub mod contract;
pub mod customer;
pub mod event;
pub mod user;

use crate::errors::CoreError;
use epic_events_api::formatting::Zone;

/// The core's rule of each field of a record type.
pub trait FieldRule: Catalogue {
    /// What a value the rule accepts becomes (the stored text, or nothing for the fields
    /// whose services read the typed value themselves).
    type Checked;

    /// `text`, typed for this field by someone whose dates are in `zone`, when it meets
    /// the field's own rule (the rules across fields are the services', at the write).
    fn checked(self, text: &str, zone: Zone) -> Result<Self::Checked, CoreError>;

    /// `given` (typed text, or a script's typed value) when it meets the field's rule.
    fn accepted(self, given: &Given, zone: Zone) -> Result<Self::Checked, CoreError> {
        self.checked(&given.typed_text(), zone)
    }
}

/// A field's value, as its rule accepted it or as a row holds it, as a column stores it.
pub fn stored(value: Value) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    match value {
        Value::Number(number) => Expr::value(number),
        Value::Text(text) | Value::Phone(text) => Expr::value(text),
        Value::Money(amount) => Expr::value(crate::money::StoredMoney(amount)),
        Value::Decimal(decimal) => Expr::value(decimal),
        Value::Moment(moment) => Expr::value(moment),
        Value::YesNo(yes) => Expr::value(yes),
        Value::Nothing => Expr::value(Option::<i32>::None),
    }
}

/// The columns that change when the fields `values` (as their rules accepted them) are
/// written over `current`: the fields whose value differs, each in its column.
pub fn changed_columns<F: StoredField<Checked = Value>>(
    values: Vec<(F, Value)>,
    current: &F::Row,
) -> Vec<(F::Column, sea_orm::sea_query::SimpleExpr)> {
    values
        .into_iter()
        .filter(|(field, value)| field.read(current) != *value)
        .filter_map(|(field, value)| Some((field.column()?, stored(value))))
        .collect()
}

/// The value of `field` among `values`, when it is an amount (what an amount field's rule
/// and reading give).
pub fn money_of<F: Catalogue>(
    values: &[(F, Value)],
    field: F,
) -> Result<crate::money::Money, CoreError> {
    match values.iter().find(|(given, _)| *given == field) {
        Some((_, Value::Money(amount))) => Ok(*amount),
        _ => Err(not_of_its_kind(field)),
    }
}

/// The value of `field` among `values`, when it is a moment.
pub fn moment_of<F: Catalogue>(
    values: &[(F, Value)],
    field: F,
) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    match values.iter().find(|(given, _)| *given == field) {
        Some((_, Value::Moment(moment))) => Ok(*moment),
        _ => Err(not_of_its_kind(field)),
    }
}

/// The value of `field` among `values`, when it is yes or no.
pub fn yes_no_of<F: Catalogue>(values: &[(F, Value)], field: F) -> Result<bool, CoreError> {
    match values.iter().find(|(given, _)| *given == field) {
        Some((_, Value::YesNo(yes))) => Ok(*yes),
        _ => Err(not_of_its_kind(field)),
    }
}

/// A catalogue whose rule and reading of `field` disagree on its kind: a fault of the
/// program, not of the input.
fn not_of_its_kind<F: Catalogue>(field: F) -> CoreError {
    CoreError::unexpected(std::io::Error::other(format!(
        "the catalogue's value of {field:?} is not of its kind"
    )))
}

/// The fields stored as typed, in a column of their own.
pub trait StoredField: FieldRule {
    /// The entity's columns.
    type Column;

    /// The column a field typed as text is stored in (checked by [`FieldRule::checked`]).
    fn column(self) -> Option<Self::Column>;

    /// Whether no two records may hold the same value of this field (its column has a
    /// unique index, `<table>_<column>_unique`).
    fn unique(self) -> bool {
        false
    }
}

/// The columns with a unique index among `F`'s fields, each with its field's label: what
/// names the field a uniqueness refusal of the database is about.
pub fn unique_columns<F: StoredField>() -> Vec<(&'static str, &'static str)>
where
    F::Column: sea_orm::IdenStatic,
{
    F::ALL
        .iter()
        .filter(|field| field.unique())
        .filter_map(|field| Some((sea_orm::IdenStatic::as_str(&field.column()?), field.label())))
        .collect()
}

/// The text a record is searched by, as the core stores it.
pub trait Searched: Catalogue {
    /// The text `row` is searched by: its [`Catalogue::SEARCHED`] fields, folded (lower
    /// case, no accents), as the core stores it.
    fn search_text(row: &Self::Row) -> String {
        let values: Vec<String> = Self::SEARCHED
            .iter()
            .map(|field| crate::formatting::value(&field.read(row)))
            .collect();
        migrations::search_text(values.iter().map(String::as_str))
    }

    /// The search text of a record about to be stored with `values` (each field's stored
    /// text): the same as [`Catalogue::search_text`] of the row it makes.
    fn search_text_of(values: &[(Self, &str)]) -> String {
        migrations::search_text(Self::SEARCHED.iter().map(|field| {
            values
                .iter()
                .find(|(given, _)| given == field)
                .map_or("", |(_, value)| *value)
        }))
    }
}

impl<T: Catalogue> Searched for T {}

/// Nothing is typed into a report's or a payment's fields.
macro_rules! nothing_typed {
    ($($field:ty),*) => {
        $(impl FieldRule for $field {
            type Checked = ();

            fn checked(self, _text: &str, _zone: Zone) -> Result<(), CoreError> {
                Ok(())
            }
        })*
    };
}

nothing_typed!(
    report::UnpaidField,
    report::ActivityField,
    payment::PaymentField
);
