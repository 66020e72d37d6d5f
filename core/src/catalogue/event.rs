//! The rules of an event's fields.

pub use epic_events_api::catalogue::event::*;

use super::{Catalogue, FieldRule, StoredField, Value, not_typed};
use crate::entities::event::Column;
use crate::errors::CoreError;
use crate::formatting::DATE_TIME_EXAMPLE;
use crate::validation;
use EventField::*;
use epic_events_api::formatting::{DayBound, Zone};

/// A date-time as typed (`22/11/2026 14:30` in `zone`, `22/11/2026 14h30`, or RFC 3339),
/// for `field`; a date alone is its first minute.
pub fn date_time(
    field: &'static str,
    text: &str,
    zone: Zone,
) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    moment(field, text, zone, DayBound::Start)
}

/// [`date_time`] for an end or an « au » bound: a date alone is its last minute.
pub fn date_time_until(
    field: &'static str,
    text: &str,
    zone: Zone,
) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    moment(field, text, zone, DayBound::End)
}

fn moment(
    field: &'static str,
    text: &str,
    zone: Zone,
    alone: DayBound,
) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    crate::formatting::parse_moment_in(text, zone, alone).ok_or_else(|| {
        CoreError::validation(
            field,
            format!("n'est pas une date valide ({DATE_TIME_EXAMPLE})"),
        )
    })
}

/// A number of attendees: not negative, and as the database stores it.
pub fn attendees(value: i64) -> Result<i32, CoreError> {
    if value < 0 {
        return Err(CoreError::validation(
            EventField::Attendees.label(),
            "ne peut pas être négatif",
        ));
    }
    i32::try_from(value)
        .map_err(|_| CoreError::validation(EventField::Attendees.label(), "est trop grand"))
}

/// The notes: free text, line breaks allowed, possibly empty.
pub fn note(text: &str) -> Result<String, CoreError> {
    validation::optional_text_with_lines(EventField::Note.label(), text, NOTE_MAXIMUM_LENGTH)
}

impl FieldRule for EventField {
    type Checked = Value;

    /// Whether `text`, typed for this field, meets the field's own rule (the rules across
    /// fields — an end after the start — are the service's, at the write).
    fn checked(self, text: &str, zone: Zone) -> Result<Value, CoreError> {
        let label = self.label();
        match self {
            Name => validation::required_text(label, text, NAME_MAXIMUM_LENGTH).map(Value::Text),
            Location => {
                validation::required_text(label, text, LOCATION_MAXIMUM_LENGTH).map(Value::Text)
            }
            Start => date_time(label, text, zone).map(Value::Moment),
            End => date_time_until(label, text, zone).map(Value::Moment),
            Attendees => attendees(crate::formatting::read_whole_number(label, text)?)
                .map(|attendees| Value::Number(attendees.into())),
            Note => note(text).map(Value::Text),
            // The contract is given by reference, the support apart (a lookup).
            Contract => Ok(Value::Number(
                crate::formatting::read_whole_number::<i32>(label, text)?.into(),
            )),
            Support => Ok(Value::Text(text.trim().to_owned())),
            Id | Number | ContractId | CustomerId | Customer | Contact | ContactEmail
            | ContactPhone | SalesUserId | SupportId | CreatedAt | UpdatedAt => {
                Err(not_typed(label).into())
            }
        }
    }
}

impl StoredField for EventField {
    type Column = Column;

    /// The column a field of the event's own is stored in (the support by its id, apart).
    fn column(self) -> Option<Column> {
        match self {
            Name => Some(Column::EventName),
            Start => Some(Column::StartDatetime),
            End => Some(Column::EndDatetime),
            Location => Some(Column::Location),
            Attendees => Some(Column::Attendees),
            Note => Some(Column::Note),
            Id | Number | ContractId | Contract | CustomerId | Customer | Contact
            | ContactEmail | ContactPhone | SalesUserId | SupportId | Support | CreatedAt
            | UpdatedAt => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Given, Typed};

    #[test]
    fn every_field_of_the_events_own_is_stored_checked_and_given() {
        for (field, typed) in [
            (Name, "Gala"),
            (Start, "22/11/2027 14:30"),
            (End, "22/11/2027 18:00"),
            (Location, "Lyon"),
            (Attendees, "1 200"),
            (Note, "ligne 1\nligne 2"),
        ] {
            assert!(EventField::CHANGEABLE.contains(&field));
            assert!(field.column().is_some(), "{field:?} has no column");
            let changes = EventChanges::of(field, Given::Text(typed.into())).unwrap();
            let given = changes.given();
            assert_eq!(given.len(), 1, "{field:?}");
            assert_eq!(given[0].0, field);
            assert_eq!(
                field.accepted(&given[0].1, Zone::UTC).unwrap(),
                field.checked(typed, Zone::UTC).unwrap()
            );
        }
        assert_eq!(
            Attendees.checked("1 200", Zone::UTC).unwrap(),
            Value::Number(1200)
        );
        // The support is a reference, written apart.
        assert!(Support.column().is_none());
        let changes = EventChanges::of(Support, Given::Text("support1".into())).unwrap();
        assert!(changes.given().is_empty());
    }
}
