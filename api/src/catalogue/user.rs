//! The fields of a user account.

use super::customer::PHONE_HINT;
use super::{
    CREATED_AT, Catalogue, Description, Given, Input, Typed, UPDATED_AT, Value, not_typed,
};
use crate::error::ApiError;
use crate::records::UserRow;
use crate::vocabulary::Role;

/// The fewest characters a password has.
pub const PASSWORD_MINIMUM_LENGTH: usize = 12;

/// The password rule, said in its prompt before anything is typed.
pub const PASSWORD_HINT: &str = "12 caractères au moins";

/// The current password, asked before changing one's own.
pub const CURRENT_PASSWORD_LABEL: &str = "mot de passe actuel";

/// A field of a user account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UserField {
    /// Its number.
    Id,
    /// The sign-in name (unique).
    Username,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// E-mail (unique, ignoring case).
    Email,
    /// Phone (unique).
    PhoneNumber,
    /// The role.
    Role,
    /// The password: typed, never read.
    Password,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

use UserField::*;

impl UserField {
    /// What management types to create an account, in the form's order.
    pub const TYPED_ON_CREATION: [Self; 7] = [
        FirstName,
        LastName,
        Email,
        PhoneNumber,
        Username,
        Role,
        Password,
    ];
    /// What changes on an account, in the modification screen's order (the password is
    /// reset by its own action).
    pub const CHANGEABLE: [Self; 6] = [FirstName, LastName, Email, PhoneNumber, Username, Role];
}

impl Catalogue for UserField {
    type Row = UserRow;
    const SEARCHED: &'static [Self] = &[LastName, FirstName, Username, Email];
    /// Every field shown; the password is typed only.
    const ALL: &'static [Self] = &[
        Id,
        Username,
        FirstName,
        LastName,
        Email,
        PhoneNumber,
        Role,
        CreatedAt,
        UpdatedAt,
    ];

    fn describe(self) -> Description {
        match self {
            Id => Description::read_only("id", "numéro", "id", "numéro"),
            Username => Description::typed(
                "identifiant",
                "identifiant",
                "identifiant",
                "nom de connexion",
                Input::Text,
            )
            .hinted("lettres minuscules, chiffres, « . », « _ », « - »"),
            FirstName => Description::typed("prenom", "prénom", "prénom", "prénom", Input::Text),
            LastName => Description::typed("nom", "nom", "nom", "nom", Input::Text),
            Email => Description::typed(
                "email",
                "adresse e-mail",
                "email",
                "adresse e-mail",
                Input::Text,
            ),
            PhoneNumber => Description::typed(
                "telephone",
                "téléphone",
                "téléphone",
                "téléphone",
                Input::Text,
            )
            .hinted(PHONE_HINT),
            Role => Description::typed(
                "role",
                "rôle",
                "rôle",
                "« gestion », « commercial » ou « support »",
                Input::Text,
            )
            .hinted("gestion, commercial ou support")
            .chosen_from(&["gestion", "commercial", "support"]),
            Password => Description::typed(
                "mot_de_passe",
                "mot de passe",
                "mot de passe",
                "mot de passe (jamais relu)",
                Input::Secret,
            )
            .hinted(PASSWORD_HINT),
            CreatedAt => CREATED_AT,
            UpdatedAt => UPDATED_AT,
        }
    }

    fn read(self, row: &UserRow) -> Value {
        match self {
            Id => Value::Number(row.id.into()),
            Username => Value::Text(row.username.clone()),
            FirstName => Value::Text(row.user_first_name.clone()),
            LastName => Value::Text(row.user_last_name.clone()),
            Email => Value::Text(row.email.clone()),
            PhoneNumber => Value::Phone(row.phone_number.clone()),
            Role => Value::Text(Role::from_name(&row.role_name).map_or_else(
                || row.role_name.clone(),
                |role| role.french_label().to_owned(),
            )),
            Password => Value::Nothing,
            CreatedAt => Value::Moment(row.created_at),
            UpdatedAt => Value::Moment(row.updated_at),
        }
    }
}

/// The role a user typed (`gestion`, `commercial`, `support`, or the stored names).
pub fn parse_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::validation(
            UserField::Role.label(),
            format!(
                "« {} » n'est pas un rôle (gestion, commercial ou support)",
                text.trim()
            ),
        )
    })
}

/// The fields of a new user account, as typed.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewUserInput {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone_number: String,
    /// Sign-in name.
    pub username: String,
    /// Password in clear, hashed before storage.
    pub password: String,
}

impl NewUserInput {
    /// Each field typed as text, with its value.
    pub fn given(&self) -> [(UserField, &str); 5] {
        [
            (FirstName, &self.first_name),
            (LastName, &self.last_name),
            (Email, &self.email),
            (PhoneNumber, &self.phone_number),
            (Username, &self.username),
        ]
    }
}

impl std::fmt::Debug for NewUserInput {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NewUserInput")
            .field("username", &self.username)
            .field("password", &"<masqué>")
            .finish_non_exhaustive()
    }
}

/// A new account as a form or a script fills it: its fields and its role.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewUser {
    /// The account's fields.
    pub input: NewUserInput,
    /// Its role, once given.
    pub role: Option<Role>,
}

impl NewUser {
    /// The role given, which is required.
    pub fn role(&self) -> Result<Role, ApiError> {
        self.role.ok_or_else(|| {
            ApiError::validation(
                UserField::Role.label(),
                "est obligatoire (gestion, commercial ou support)",
            )
        })
    }
}

/// The fields to change on a user; `None` leaves a field as it is.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserChanges {
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New e-mail.
    pub email: Option<String>,
    /// New phone.
    pub phone_number: Option<String>,
    /// New username.
    pub username: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// A new password (reset by management).
    pub new_password: Option<String>,
}

impl UserChanges {
    /// Each field typed as text given a new value, with that value.
    pub fn given(&self) -> Vec<(UserField, &str)> {
        [
            (FirstName, &self.first_name),
            (LastName, &self.last_name),
            (Email, &self.email),
            (PhoneNumber, &self.phone_number),
            (Username, &self.username),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value.as_deref()?)))
        .collect()
    }
}

impl std::fmt::Debug for UserChanges {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UserChanges")
            .field("username", &self.username)
            .field("role", &self.role)
            .field(
                "new_password",
                &self.new_password.as_ref().map(|_| "<masqué>"),
            )
            .finish_non_exhaustive()
    }
}

impl Typed<UserField> for NewUser {
    /// Sets `field` to `value`, as typed.
    fn set(&mut self, field: UserField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        let slot = match field {
            FirstName => &mut self.input.first_name,
            LastName => &mut self.input.last_name,
            Email => &mut self.input.email,
            PhoneNumber => &mut self.input.phone_number,
            Username => &mut self.input.username,
            Password => &mut self.input.password,
            Role => {
                self.role = Some(parse_role(&value.text(label)?)?);
                return Ok(());
            }
            Id | CreatedAt | UpdatedAt => return Err(not_typed(label)),
        };
        *slot = value.text(label)?;
        Ok(())
    }
}

impl Typed<UserField> for UserChanges {
    /// Changes `field` to `value`, as typed.
    fn set(&mut self, field: UserField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        let slot = match field {
            FirstName => &mut self.first_name,
            LastName => &mut self.last_name,
            Email => &mut self.email,
            PhoneNumber => &mut self.phone_number,
            Username => &mut self.username,
            Password => &mut self.new_password,
            Role => {
                self.role = Some(parse_role(&value.text(label)?)?);
                return Ok(());
            }
            Id | CreatedAt | UpdatedAt => return Err(not_typed(label)),
        };
        *slot = Some(value.text(label)?);
        Ok(())
    }
}

#[cfg(test)]
mod password_rule_tests {
    use super::*;

    /// The prompt says the rule the core applies.
    #[test]
    fn the_hint_says_the_minimum_length() {
        assert!(PASSWORD_HINT.starts_with(&format!("{PASSWORD_MINIMUM_LENGTH} ")));
    }
}
