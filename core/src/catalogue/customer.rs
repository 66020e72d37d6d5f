//! The rules of a customer's fields.

pub use epic_events_api::catalogue::customer::*;

use super::{Catalogue, FieldRule, StoredField, not_typed};
#[cfg(test)]
use super::{Given, Typed};
use crate::entities::customer::Column;
use crate::errors::CoreError;
use crate::validation;
use CustomerField::*;
use epic_events_api::formatting::Zone;

impl FieldRule for CustomerField {
    type Checked = String;

    /// `text` as stored, when the core's rule for the field accepts it.
    fn checked(self, text: &str, _zone: Zone) -> Result<String, CoreError> {
        let label = self.label();
        match self {
            FirstName | LastName => validation::person_name(label, text),
            Email => validation::email(label, text),
            PhoneNumber => validation::phone_number(label, text),
            CompanyName => validation::required_text(label, text, COMPANY_NAME_MAXIMUM_LENGTH),
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => Err(not_typed(label).into()),
        }
    }
}

impl StoredField for CustomerField {
    type Column = Column;

    /// The column a typed field is stored in.
    fn column(self) -> Option<Column> {
        match self {
            FirstName => Some(Column::CustomerFirstName),
            LastName => Some(Column::CustomerLastName),
            Email => Some(Column::Email),
            PhoneNumber => Some(Column::PhoneNumber),
            CompanyName => Some(Column::CompanyName),
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => None,
        }
    }

    fn unique(self) -> bool {
        matches!(self, Email | PhoneNumber | CompanyName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a new customer field needs, checked for every typed field: a column, a rule,
    /// a place in the new record and in the change set, and a value read back from a row.
    #[test]
    fn every_typed_field_is_stored_checked_and_given() {
        let mut new_customer = NewCustomer::default();
        let mut changes = CustomerChanges::default();
        for field in CustomerField::TYPED {
            assert!(field.column().is_some(), "{field:?} has no column");
            assert!(
                CustomerField::ALL.contains(&field),
                "{field:?} is not shown"
            );
            let value = format!("valeur de {}", field.key());
            new_customer.set(field, Given::Text(value.clone())).unwrap();
            changes.set(field, Given::Text(value.clone())).unwrap();
            assert!(
                new_customer.given().contains(&(field, value.as_str())),
                "{field:?} is not given on creation"
            );
            assert!(
                changes.given().contains(&(field, value.as_str())),
                "{field:?} is not given in a change"
            );
        }
        assert_eq!(changes.given().len(), CustomerField::TYPED.len());
        assert_eq!(new_customer.given().len(), CustomerField::TYPED.len());
        for field in CustomerField::ALL {
            if !CustomerField::TYPED.contains(field) {
                assert!(field.column().is_none());
                assert!(changes.set(*field, Given::Text("x".into())).is_err());
            }
        }
    }

    #[test]
    fn a_refused_value_names_the_field() {
        let error = CustomerField::Email
            .checked("pas une adresse", Zone::UTC)
            .unwrap_err();
        assert!(
            error.to_string().starts_with("adresse e-mail : "),
            "{error}"
        );
        let error = CustomerField::Id.checked("3", Zone::UTC).unwrap_err();
        assert!(error.to_string().starts_with("numéro : "), "{error}");
    }
}
