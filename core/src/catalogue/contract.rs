//! The rules of a contract's fields.

pub use epic_events_api::catalogue::contract::*;

use super::{Catalogue, FieldRule, StoredField, Value, not_typed};
use crate::entities::contract::Column;
use crate::errors::CoreError;
use crate::money::Money;
use ContractField::*;
use epic_events_api::formatting::Zone;

/// An amount as typed (`1 250,50`), for `field`.
pub fn amount(field: &'static str, text: &str) -> Result<Money, CoreError> {
    text.parse()
        .map_err(|error: crate::money::MoneyError| CoreError::validation(field, error.to_string()))
}

impl FieldRule for ContractField {
    type Checked = Value;

    /// Whether `text`, typed for this field, meets the field's own rule (the balance
    /// within the total, the customer's existence are the service's, at the write).
    fn checked(self, text: &str, _zone: Zone) -> Result<Value, CoreError> {
        let label = self.label();
        match self {
            TotalAmount | BalanceDue => amount(label, text).map(Value::Money),
            Signed => Ok(Value::YesNo(crate::formatting::read_yes_or_no(
                label, text,
            )?)),
            Customer => Ok(Value::Number(
                crate::formatting::read_whole_number::<i32>(label, text)?.into(),
            )),
            Id | Number | CustomerId | SalesUserId | SalesUser | ManagementUserId
            | ManagementUser | CreatedAt | UpdatedAt => Err(not_typed(label).into()),
        }
    }
}

impl StoredField for ContractField {
    type Column = Column;

    /// The column a changeable field is stored in (the customer is set once, by
    /// reference; the number by the numbering).
    fn column(self) -> Option<Column> {
        match self {
            TotalAmount => Some(Column::TotalAmount),
            BalanceDue => Some(Column::BalanceDue),
            Signed => Some(Column::Signed),
            Id | Number | CustomerId | Customer | SalesUserId | SalesUser | ManagementUserId
            | ManagementUser | CreatedAt | UpdatedAt => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Given, Typed};

    #[test]
    fn every_changeable_field_is_stored_checked_and_given() {
        for (field, typed) in [
            (TotalAmount, "1 250,50"),
            (BalanceDue, "0"),
            (Signed, "oui"),
        ] {
            assert!(ContractField::CHANGEABLE.contains(&field));
            assert!(field.column().is_some(), "{field:?} has no column");
            let changes = ContractChanges::of(field, Given::Text(typed.into())).unwrap();
            let given = changes.given();
            assert_eq!(given.len(), 1, "{field:?}");
            assert_eq!(given[0].0, field);
            assert_eq!(
                field.accepted(&given[0].1, Zone::UTC).unwrap(),
                field.checked(typed, Zone::UTC).unwrap()
            );
        }
        assert_eq!(
            TotalAmount.checked("1 250,50", Zone::UTC).unwrap(),
            Value::Money("1250.50".parse().unwrap())
        );
        assert!(Customer.column().is_none() && Number.checked("CTR-1", Zone::UTC).is_err());
    }
}
