//! The fields of an event.

use super::{
    CREATED_AT, Catalogue, Description, Given, Input, Typed, UPDATED_AT, Value, not_typed,
};
use crate::error::ApiError;
use crate::formatting::DATE_TIME_EXAMPLE;
use crate::records::EventRow;

/// Maximum length of an event name (`varchar(150)`).
pub const NAME_MAXIMUM_LENGTH: usize = 150;
/// Maximum length of a location (`varchar(255)`).
pub const LOCATION_MAXIMUM_LENGTH: usize = 255;
/// Maximum length of the notes.
pub const NOTE_MAXIMUM_LENGTH: usize = 5000;

/// The support user to assign to an event, as the user designates them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SupportUser {
    /// By id.
    Id(i32),
    /// By username or e-mail.
    Login(String),
}

/// What is typed to remove an event's support.
pub const NO_SUPPORT: &str = "aucun";

/// What a refused look-up by number names.
pub const NUMBER_LOOKUP_LABEL: &str = "numéro d'évènement";

/// A field of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EventField {
    /// Its internal number.
    Id,
    /// Its event number, `EVT-AAAA-NNNN`.
    Number,
    /// Its name.
    Name,
    /// The internal number of its contract.
    ContractId,
    /// Its contract: read, the contract number; given on creation, the contract's internal
    /// number.
    Contract,
    /// The customer's number.
    CustomerId,
    /// The customer's company.
    Customer,
    /// The customer's contact.
    Contact,
    /// The customer's e-mail address.
    ContactEmail,
    /// The customer's phone number.
    ContactPhone,
    /// The number of the customer's sales user.
    SalesUserId,
    /// The number of the assigned support user, if any.
    SupportId,
    /// The assigned support user: read, their name; given, who to assign.
    Support,
    /// When it starts.
    Start,
    /// When it ends.
    End,
    /// Where.
    Location,
    /// How many people are expected.
    Attendees,
    /// Notes, possibly empty.
    Note,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

use EventField::*;

impl EventField {
    /// What a sales user types to create an event for a contract, in the form's order.
    pub const TYPED_ON_CREATION: [Self; 6] = [Name, Start, End, Location, Attendees, Note];
    /// What changes on an existing event, in the modification screen's order (who may
    /// change which is the policy's: `permissions::may_edit_event_field`).
    pub const CHANGEABLE: [Self; 7] = [Name, Start, End, Location, Attendees, Note, Support];

    /// The field holding, as stored, what `self` changes: the support user's id for the
    /// support (whose name is shown), the field itself otherwise. What a change made from
    /// an event read earlier is compared on.
    pub fn stored(self) -> Self {
        match self {
            Support => SupportId,
            other => other,
        }
    }
}

impl Catalogue for EventField {
    type Row = EventRow;
    const SEARCHED: &'static [Self] = &[Name, Location];
    const ALL: &'static [Self] = &[
        Id,
        Number,
        Name,
        ContractId,
        Contract,
        CustomerId,
        Customer,
        Contact,
        ContactEmail,
        ContactPhone,
        SalesUserId,
        SupportId,
        Support,
        Start,
        End,
        Location,
        Attendees,
        Note,
        CreatedAt,
        UpdatedAt,
    ];

    fn describe(self) -> Description {
        match self {
            Id => Description::read_only("id", "numéro interne", "id", "numéro interne"),
            Number => Description::read_only(
                "numero",
                "numéro",
                "numéro",
                "numéro d'évènement (EVT-AAAA-NNNN)",
            ),
            Name => Description::typed("nom", "nom", "nom", "nom de l'évènement", Input::Text),
            ContractId => Description::read_only(
                "contrat_id",
                "numéro interne du contrat",
                "contrat id",
                "numéro interne du contrat",
            ),
            Contract => Description::typed(
                "contrat",
                "contrat",
                "contrat",
                "numéro du contrat",
                Input::Reference,
            )
            .hinted("numéro interne du contrat"),
            CustomerId => Description::read_only(
                "client_id",
                "numéro du client",
                "client id",
                "numéro du client",
            ),
            Customer => {
                Description::read_only("client", "client", "client", "entreprise du client")
            }
            Contact => Description::read_only(
                "contact",
                "contact",
                "contact",
                "prénom et nom du contact du client",
            ),
            ContactEmail => Description::read_only(
                "email_contact",
                "e-mail du contact",
                "e-mail du contact",
                "adresse e-mail du client",
            ),
            ContactPhone => Description::read_only(
                "telephone_contact",
                "téléphone du contact",
                "téléphone du contact",
                "numéro de téléphone du client",
            ),
            SalesUserId => Description::read_only(
                "commercial_id",
                "numéro du commercial",
                "commercial id",
                "numéro du commercial du client",
            ),
            SupportId => Description::read_only(
                "support_id",
                "numéro du support",
                "support id",
                "numéro du support assigné, ou () s'il n'y en a pas",
            ),
            Support => Description::typed(
                "support",
                "support",
                "support",
                "prénom et nom du support assigné, ou ()",
                Input::Reference,
            )
            .hinted("numéro ou identifiant d'un membre du support, ou « aucun »"),
            Start => Description::typed("debut", "début", "début", "début (Date)", Input::Moment)
                .hinted(DATE_TIME_EXAMPLE),
            End => Description::typed("fin", "fin", "fin", "fin (Date)", Input::Moment)
                .hinted(DATE_TIME_EXAMPLE),
            Location => Description::typed("lieu", "lieu", "lieu", "lieu", Input::Text),
            Attendees => Description::typed(
                "participants",
                "participants",
                "participants",
                "nombre de participants attendus",
                Input::WholeNumber,
            )
            .hinted("nombre de personnes attendues"),
            Note => Description::typed("notes", "notes", "notes", "notes", Input::Text)
                .optional("aucune"),
            CreatedAt => CREATED_AT,
            UpdatedAt => UPDATED_AT,
        }
    }

    fn read(self, row: &EventRow) -> Value {
        match self {
            Id => Value::Number(row.id.into()),
            Number => Value::Text(row.event_number.clone()),
            Name => Value::Text(row.event_name.clone()),
            ContractId => Value::Number(row.contract_id.into()),
            Contract => Value::Text(row.contract_number.clone()),
            CustomerId => Value::Number(row.customer_id.into()),
            Customer => Value::Text(row.customer_company_name.clone()),
            Contact => Value::Text(format!(
                "{} {}",
                row.customer_first_name, row.customer_last_name
            )),
            ContactEmail => Value::Text(row.customer_email.clone()),
            ContactPhone => Value::Phone(row.customer_phone_number.clone()),
            SalesUserId => Value::Number(row.customer_sales_user_id.into()),
            SupportId => row
                .user_support_id
                .map_or(Value::Nothing, |id| Value::Number(id.into())),
            Support => match (&row.support_first_name, &row.support_last_name) {
                (Some(first_name), Some(last_name)) => {
                    Value::Text(format!("{first_name} {last_name}"))
                }
                _ => Value::Nothing,
            },
            Start => Value::Moment(row.start_datetime),
            End => Value::Moment(row.end_datetime),
            Location => Value::Text(row.location.clone()),
            Attendees => Value::Number(row.attendees.into()),
            Note => Value::Text(row.note.clone()),
            CreatedAt => Value::Moment(row.created_at),
            UpdatedAt => Value::Moment(row.updated_at),
        }
    }
}

/// A new event, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewEvent {
    /// The signed contract it belongs to.
    pub contract_id: i32,
    /// Name.
    pub event_name: String,
    /// Start, `22/11/2026 14:30` or RFC 3339.
    pub start: String,
    /// End, same formats.
    pub end: String,
    /// Where.
    pub location: String,
    /// Expected attendees.
    pub attendees: i64,
    /// Notes (may be empty).
    pub note: String,
}

/// The fields to change on an event; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventChanges {
    /// New name.
    pub event_name: Option<String>,
    /// New start.
    pub start: Option<String>,
    /// New end.
    pub end: Option<String>,
    /// New location.
    pub location: Option<String>,
    /// New number of attendees.
    pub attendees: Option<i64>,
    /// New notes.
    pub note: Option<String>,
    /// `Some(Some(user))` assigns a support user, `Some(None)` removes the assignment.
    /// In JSON: absent (no change), `null` (remove), or the user.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present"
    )]
    pub support: Option<Option<SupportUser>>,
}

impl EventChanges {
    /// Each field of the event's own this change sets, with its value as given (the
    /// support, a reference to another record, is given apart).
    pub fn given(&self) -> Vec<(EventField, Given)> {
        [
            (Name, self.event_name.clone().map(Given::Text)),
            (Start, self.start.clone().map(Given::Text)),
            (End, self.end.clone().map(Given::Text)),
            (Location, self.location.clone().map(Given::Text)),
            (Attendees, self.attendees.map(Given::WholeNumber)),
            (Note, self.note.clone().map(Given::Text)),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value?)))
        .collect()
    }

    /// Each changeable field, and whether this change sets it.
    pub fn requested(&self) -> [(EventField, bool); 7] {
        [
            (Name, self.event_name.is_some()),
            (Start, self.start.is_some()),
            (End, self.end.is_some()),
            (Location, self.location.is_some()),
            (Attendees, self.attendees.is_some()),
            (Note, self.note.is_some()),
            (Support, self.support.is_some()),
        ]
    }
}

/// Who `value` designates as support: a number, a username or e-mail, or nobody.
fn support_user(value: Given, label: &str) -> Result<Option<SupportUser>, ApiError> {
    match value {
        Given::WholeNumber(number) => i32::try_from(number)
            .map(|id| Some(SupportUser::Id(id)))
            .map_err(|_| ApiError::validation(label, "n'est pas un numéro valide")),
        Given::Text(text) => {
            let text = text.trim();
            Ok(if text.eq_ignore_ascii_case(NO_SUPPORT) {
                None
            } else if let Ok(id) = text.parse::<i32>() {
                Some(SupportUser::Id(id))
            } else {
                Some(SupportUser::Login(text.to_owned()))
            })
        }
        Given::YesNo(_) => Err(ApiError::validation(
            label,
            "se désigne par un numéro ou un identifiant",
        )),
    }
}

impl Typed<EventField> for NewEvent {
    /// Sets `field` to `value`, as typed.
    fn set(&mut self, field: EventField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        match field {
            Contract => {
                self.contract_id = i32::try_from(value.whole_number(label)?)
                    .map_err(|_| ApiError::validation(label, "n'est pas un numéro valide"))?;
            }
            Name => self.event_name = value.text(label)?,
            Start => self.start = value.text(label)?,
            End => self.end = value.text(label)?,
            Location => self.location = value.text(label)?,
            Attendees => self.attendees = value.whole_number(label)?,
            Note => self.note = value.text(label)?,
            Id | Number | ContractId | CustomerId | Customer | Contact | ContactEmail
            | ContactPhone | SalesUserId | SupportId | Support | CreatedAt | UpdatedAt => {
                return Err(not_typed(label));
            }
        }
        Ok(())
    }
}

impl Typed<EventField> for EventChanges {
    /// Changes `field` to `value`, as typed.
    fn set(&mut self, field: EventField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        match field {
            Name => self.event_name = Some(value.text(label)?),
            Start => self.start = Some(value.text(label)?),
            End => self.end = Some(value.text(label)?),
            Location => self.location = Some(value.text(label)?),
            Attendees => self.attendees = Some(value.whole_number(label)?),
            Note => self.note = Some(value.text(label)?),
            Support => self.support = Some(support_user(value, label)?),
            Id | Number | ContractId | Contract | CustomerId | Customer | Contact
            | ContactEmail | ContactPhone | SalesUserId | SupportId | CreatedAt | UpdatedAt => {
                return Err(not_typed(label));
            }
        }
        Ok(())
    }
}
