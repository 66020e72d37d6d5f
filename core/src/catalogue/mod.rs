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

/// The core's rule of each field of a record type.
pub trait FieldRule: Catalogue {
    /// What a value the rule accepts becomes (the stored text, or nothing for the fields
    /// whose services read the typed value themselves).
    type Checked;

    /// `text`, typed for this field, when it meets the field's own rule (the rules across
    /// fields are the services', at the write).
    fn checked(self, text: &str) -> Result<Self::Checked, CoreError>;

    /// Whether `text` meets the field's own rule: what a form checks as soon as the field
    /// is typed (the write checks everything again, with the rules across fields).
    fn check(self, text: &str) -> Result<(), CoreError> {
        self.checked(text).map(drop)
    }
}

/// The fields stored as typed, in a column of their own.
pub trait StoredField: FieldRule {
    /// The entity's columns.
    type Column;

    /// The column a field typed as text is stored in (checked by [`FieldRule::checked`]).
    fn column(self) -> Option<Self::Column>;
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

            fn checked(self, _text: &str) -> Result<(), CoreError> {
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
