//! The rules of an event's fields.

pub use epic_events_api::catalogue::event::*;

use super::{Catalogue, FieldRule};
use crate::errors::CoreError;
use crate::formatting::DATE_TIME_EXAMPLE;
use crate::validation;
use EventField::*;

/// A date-time as typed (`22/11/2026 14:30` or RFC 3339), for `field`.
pub fn date_time(
    field: &'static str,
    text: &str,
) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    crate::formatting::parse_date_time(text).ok_or_else(|| {
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
    type Checked = ();

    /// Whether `text`, typed for this field, meets the field's own rule (the rules across
    /// fields — an end after the start — are the service's, at the write).
    fn checked(self, text: &str) -> Result<(), CoreError> {
        let label = self.label();
        match self {
            Name => validation::required_text(label, text, NAME_MAXIMUM_LENGTH).map(drop),
            Location => validation::required_text(label, text, LOCATION_MAXIMUM_LENGTH).map(drop),
            Start | End => date_time(label, text).map(drop),
            Attendees => attendees(crate::formatting::read_whole_number(label, text)?).map(drop),
            Note => note(text).map(drop),
            _ => Ok(()),
        }
    }
}
