//! The fields of a customer.

use super::{
    CREATED_AT, Catalogue, Description, Given, Input, SALES_USER, Typed, UPDATED_AT, Value,
    not_typed,
};
use crate::entities::customer::Column;
use crate::errors::CoreError;
use crate::repositories::customer_repository::CustomerRow;
use crate::validation;

/// Maximum length of a company name (`varchar(150)`).
pub const COMPANY_NAME_MAXIMUM_LENGTH: usize = 150;

/// What to type for a phone number.
pub const PHONE_HINT: &str = "par exemple +33 6 12 34 56 78";

/// A field of a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomerField {
    /// Its number.
    Id,
    /// The company's name (unique).
    CompanyName,
    /// The contact's first name.
    FirstName,
    /// The contact's last name.
    LastName,
    /// The contact's e-mail (unique, ignoring case).
    Email,
    /// The contact's phone (unique).
    PhoneNumber,
    /// The number of the sales user who owns the customer.
    SalesUserId,
    /// Their name.
    SalesUser,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

use CustomerField::*;

impl CustomerField {
    /// What a sales user types, in the order forms ask it.
    pub const TYPED: [Self; 5] = [FirstName, LastName, Email, PhoneNumber, CompanyName];

    /// The column a typed field is stored in.
    pub fn column(self) -> Option<Column> {
        match self {
            FirstName => Some(Column::CustomerFirstName),
            LastName => Some(Column::CustomerLastName),
            Email => Some(Column::Email),
            PhoneNumber => Some(Column::PhoneNumber),
            CompanyName => Some(Column::CompanyName),
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => None,
        }
    }

    /// `text` as stored, when the core's rule for the field accepts it.
    pub fn checked(self, text: &str) -> Result<String, CoreError> {
        let label = self.label();
        match self {
            FirstName | LastName => validation::person_name(label, text),
            Email => validation::email(label, text),
            PhoneNumber => validation::phone_number(label, text),
            CompanyName => validation::required_text(label, text, COMPANY_NAME_MAXIMUM_LENGTH),
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => Err(not_typed(label)),
        }
    }
}

impl Catalogue for CustomerField {
    type Row = CustomerRow;
    const SEARCHED: &'static [Self] = &[LastName, FirstName, CompanyName, Email];
    const ALL: &'static [Self] = &[
        Id,
        CompanyName,
        FirstName,
        LastName,
        Email,
        PhoneNumber,
        SalesUserId,
        SalesUser,
        CreatedAt,
        UpdatedAt,
    ];

    fn check(self, text: &str) -> Result<(), CoreError> {
        self.checked(text).map(drop)
    }

    fn describe(self) -> Description {
        match self {
            Id => Description::read_only("id", "numéro", "id", "numéro"),
            CompanyName => Description::typed(
                "entreprise",
                "entreprise",
                "entreprise",
                "nom de l'entreprise",
                Input::Text,
            ),
            FirstName => Description::typed(
                "prenom",
                "prénom",
                "prénom",
                "prénom du contact",
                Input::Text,
            ),
            LastName => Description::typed("nom", "nom", "nom", "nom du contact", Input::Text),
            Email => Description::typed(
                "email",
                "adresse e-mail",
                "email",
                "adresse e-mail du contact",
                Input::Text,
            ),
            PhoneNumber => Description::typed(
                "telephone",
                "téléphone",
                "téléphone",
                "téléphone du contact",
                Input::Text,
            )
            .hinted(PHONE_HINT),
            SalesUserId => Description::read_only(
                "commercial_id",
                "numéro du commercial",
                "commercial id",
                "numéro du commercial",
            ),
            SalesUser => SALES_USER,
            CreatedAt => CREATED_AT,
            UpdatedAt => UPDATED_AT,
        }
    }

    fn read(self, row: &CustomerRow) -> Value {
        match self {
            Id => Value::Number(row.id.into()),
            CompanyName => Value::Text(row.company_name.clone()),
            FirstName => Value::Text(row.customer_first_name.clone()),
            LastName => Value::Text(row.customer_last_name.clone()),
            Email => Value::Text(row.email.clone()),
            PhoneNumber => Value::Phone(row.phone_number.clone()),
            SalesUserId => Value::Number(row.user_sales_id.into()),
            SalesUser => Value::Text(format!("{} {}", row.sales_first_name, row.sales_last_name)),
            CreatedAt => Value::Moment(row.created_at),
            UpdatedAt => Value::Moment(row.updated_at),
        }
    }
}

/// A new customer, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewCustomer {
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// Contact's e-mail.
    pub email: String,
    /// Contact's phone.
    pub phone_number: String,
    /// Company name.
    pub company_name: String,
}

impl NewCustomer {
    /// Each typed field with its value.
    pub fn given(&self) -> [(CustomerField, &str); 5] {
        [
            (FirstName, &self.first_name),
            (LastName, &self.last_name),
            (Email, &self.email),
            (PhoneNumber, &self.phone_number),
            (CompanyName, &self.company_name),
        ]
    }
}

/// The fields to change on a customer; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New e-mail.
    pub email: Option<String>,
    /// New phone.
    pub phone_number: Option<String>,
    /// New company name.
    pub company_name: Option<String>,
}

impl CustomerChanges {
    /// Each field given a new value, with that value.
    pub fn given(&self) -> Vec<(CustomerField, &str)> {
        [
            (FirstName, &self.first_name),
            (LastName, &self.last_name),
            (Email, &self.email),
            (PhoneNumber, &self.phone_number),
            (CompanyName, &self.company_name),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value.as_deref()?)))
        .collect()
    }
}

impl Typed<CustomerField> for NewCustomer {
    /// Sets `field` to `value`, as typed.
    fn set(&mut self, field: CustomerField, value: Given) -> Result<(), CoreError> {
        let slot = match field {
            FirstName => &mut self.first_name,
            LastName => &mut self.last_name,
            Email => &mut self.email,
            PhoneNumber => &mut self.phone_number,
            CompanyName => &mut self.company_name,
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => {
                return Err(not_typed(field.label()));
            }
        };
        *slot = value.text(field.label())?;
        Ok(())
    }
}

impl Typed<CustomerField> for CustomerChanges {
    /// Changes `field` to `value`, as typed.
    fn set(&mut self, field: CustomerField, value: Given) -> Result<(), CoreError> {
        let slot = match field {
            FirstName => &mut self.first_name,
            LastName => &mut self.last_name,
            Email => &mut self.email,
            PhoneNumber => &mut self.phone_number,
            CompanyName => &mut self.company_name,
            Id | SalesUserId | SalesUser | CreatedAt | UpdatedAt => {
                return Err(not_typed(field.label()));
            }
        };
        *slot = Some(value.text(field.label())?);
        Ok(())
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
        let error = CustomerField::Email.checked("pas une adresse").unwrap_err();
        assert!(
            error.to_string().starts_with("adresse e-mail : "),
            "{error}"
        );
        let error = CustomerField::Id.checked("3").unwrap_err();
        assert!(error.to_string().starts_with("numéro : "), "{error}");
    }
}
