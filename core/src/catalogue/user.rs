//! The rules of a user's fields.

pub use epic_events_api::catalogue::user::*;

use super::{Catalogue, FieldRule, StoredField, not_typed};
use crate::entities::user::Column;
use crate::errors::CoreError;
use crate::validation;
use UserField::*;
use epic_events_api::formatting::Zone;

impl FieldRule for UserField {
    type Checked = String;

    /// `text` as stored, when the core's rule for the field accepts it (a password: as
    /// typed, once its rule holds; it is hashed before storage).
    fn checked(self, text: &str, _zone: Zone) -> Result<String, CoreError> {
        let label = self.label();
        match self {
            FirstName | LastName => validation::person_name(label, text),
            Email => validation::email(label, text),
            PhoneNumber => validation::phone_number(label, text),
            Username => validation::username(label, text),
            Password => validation::new_password(label, text).map(|()| text.to_owned()),
            Role => Ok(parse_role(text).map(|role| role.name().to_owned())?),
            Id | CreatedAt | UpdatedAt => Err(not_typed(label).into()),
        }
    }
}

impl StoredField for UserField {
    type Column = Column;

    /// The column a field typed as text is stored in as typed (checked by [`FieldRule::checked`]);
    /// the role is stored by reference and the password as a hash, by the service.
    fn column(self) -> Option<Column> {
        match self {
            FirstName => Some(Column::UserFirstName),
            LastName => Some(Column::UserLastName),
            Email => Some(Column::Email),
            PhoneNumber => Some(Column::PhoneNumber),
            Username => Some(Column::Username),
            Id | Role | Password | CreatedAt | UpdatedAt => None,
        }
    }

    fn unique(self) -> bool {
        matches!(self, Email | PhoneNumber | Username)
    }
}
