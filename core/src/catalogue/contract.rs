//! The rules of a contract's fields.

pub use epic_events_api::catalogue::contract::*;

use super::{Catalogue, FieldRule};
use crate::errors::CoreError;
use crate::money::Money;
use ContractField::*;

/// An amount as typed (`1 250,50`), for `field`.
pub fn amount(field: &'static str, text: &str) -> Result<Money, CoreError> {
    text.parse()
        .map_err(|error: crate::money::MoneyError| CoreError::validation(field, error.to_string()))
}

impl FieldRule for ContractField {
    type Checked = ();

    /// Whether `text`, typed for this field, meets the field's own rule (the balance
    /// within the total, the customer's existence are the service's, at the write).
    fn checked(self, text: &str) -> Result<(), CoreError> {
        let label = self.label();
        match self {
            TotalAmount | BalanceDue => amount(label, text).map(drop),
            Signed => Ok(crate::formatting::read_yes_or_no(label, text).map(drop)?),
            Customer => Ok(crate::formatting::read_whole_number::<i32>(label, text).map(drop)?),
            _ => Ok(()),
        }
    }
}
