//! The fields of a customer.

use super::{
    CREATED_AT, Catalogue, Description, Given, Input, SALES_USER, Typed, UPDATED_AT, Value,
    not_typed,
};
use crate::error::ApiError;
use crate::records::CustomerRow;

/// Maximum length of a company name (`varchar(150)`).
pub const COMPANY_NAME_MAXIMUM_LENGTH: usize = 150;

/// What to type for a phone number.
pub const PHONE_HINT: &str = "par exemple +33 6 12 34 56 78";

/// A field of a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    fn set(&mut self, field: CustomerField, value: Given) -> Result<(), ApiError> {
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
    fn set(&mut self, field: CustomerField, value: Given) -> Result<(), ApiError> {
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
