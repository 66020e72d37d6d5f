//! The demo data set of SPEC §8, read from `seed/demo.toml` and written in one transaction.
//!
//! The file is embedded in the binary so that `base reinitialiser` works from any
//! directory. Passwords are hashed with argon2id at load time, one salt per account.

use crate::catalogue::Searched;

use crate::catalogue::customer::CustomerField;
use crate::catalogue::event::EventField;
use crate::catalogue::user::UserField;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait,
};
use serde::Deserialize;

use super::DatabaseError;
use crate::authentication::password::{self, PasswordHash};
use crate::entities::{contract, customer, event, role, user};
use crate::money::Money;
use crate::permissions::Resource;

/// The bundled data file.
const BUNDLED_DEMO_DATA: &str = include_str!("../../../seed/demo.toml");

/// The demo data set, as written in `seed/demo.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoDataSet {
    /// The password of every demo account.
    pub password: String,
    /// Employees.
    pub users: Vec<DemoUser>,
    /// Customers.
    pub customers: Vec<DemoCustomer>,
    /// Contracts.
    pub contracts: Vec<DemoContract>,
    /// Events.
    pub events: Vec<DemoEvent>,
}

/// An employee account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    /// Sign-in name.
    pub username: String,
    /// Role name (`management`, `sales` or `support`).
    pub role: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone_number: String,
}

/// A customer, owned by a sales user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoCustomer {
    /// Company name (unique; how contracts refer to the customer).
    pub company_name: String,
    /// Username of the owning sales user.
    pub sales: String,
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// Contact's e-mail address.
    pub email: String,
    /// Contact's phone number.
    pub phone_number: String,
}

/// A contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoContract {
    /// Contract number (unique; how events refer to the contract).
    pub contract_number: String,
    /// Company name of the customer.
    pub customer: String,
    /// Username of the management user who created it.
    pub management: String,
    /// Total amount, e.g. `"12000.00"`.
    pub total_amount: String,
    /// Amount still due.
    pub balance_due: String,
    /// Whether it is signed.
    pub signed: bool,
}

/// An event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoEvent {
    /// Event number.
    pub event_number: String,
    /// Contract number.
    pub contract: String,
    /// Username of the assigned support user, if any.
    #[serde(default)]
    pub support: Option<String>,
    /// Name.
    pub event_name: String,
    /// Start, RFC 3339.
    pub start: DateTime<FixedOffset>,
    /// End, RFC 3339.
    pub end: DateTime<FixedOffset>,
    /// Where it takes place.
    pub location: String,
    /// Expected number of attendees.
    pub attendees: i32,
    /// Free notes.
    pub note: String,
}

/// The demo data file is malformed or contradicts the data model.
#[derive(Debug, thiserror::Error)]
pub enum DemoDataError {
    /// The file is not valid TOML for a [`DemoDataSet`].
    #[error("le jeu de données de démonstration est illisible : {0}")]
    Malformed(String),
    /// The file is readable but violates a rule of the data model.
    #[error("le jeu de données de démonstration est incohérent : {0}")]
    Inconsistent(String),
    /// Hashing a password failed.
    #[error(transparent)]
    Hashing(#[from] password::PasswordHashingError),
}

/// A phone number of the data set, in the canonical form the core stores.
fn canonical_phone(text: &str) -> Result<String, DatabaseError> {
    migrations::canonical_phone_number(text).ok_or_else(|| {
        inconsistent(format!(
            "« {text} » n'est pas un numéro de téléphone valide"
        ))
    })
}

impl DemoDataSet {
    /// The data set shipped in `seed/demo.toml`.
    pub fn bundled() -> Result<Self, DemoDataError> {
        Self::parse(BUNDLED_DEMO_DATA)
    }

    /// Reads a data set from TOML text.
    pub fn parse(text: &str) -> Result<Self, DemoDataError> {
        toml::from_str(text).map_err(|error| DemoDataError::Malformed(error.to_string()))
    }
}

impl From<DemoDataError> for DatabaseError {
    fn from(error: DemoDataError) -> Self {
        DatabaseError::DemoData(Box::new(error))
    }
}

fn inconsistent(message: String) -> DatabaseError {
    DemoDataError::Inconsistent(message).into()
}

/// Looks a name up in one of the maps built while loading.
fn find<'map, K, T>(
    map: &'map HashMap<K, T>,
    kind: &str,
    name: &str,
) -> Result<&'map T, DatabaseError>
where
    K: Borrow<str> + Hash + Eq,
{
    map.get(name)
        .ok_or_else(|| inconsistent(format!("{kind} « {name} » inconnu")))
}

/// Writes `data` into an empty, migrated database, in one transaction: on any error nothing
/// is written.
pub async fn load(database: &DatabaseConnection, data: &DemoDataSet) -> Result<(), DatabaseError> {
    // Hash before opening the transaction: argon2 is deliberately slow.
    let password_hashes = data
        .users
        .iter()
        .map(|_| password::hash_password(&data.password))
        .collect::<Result<Vec<PasswordHash>, _>>()
        .map_err(DemoDataError::from)?;

    let transaction = database.begin().await?;

    // The roles come from the migrations.
    let role_ids: HashMap<String, i32> = role::Entity::find()
        .all(&transaction)
        .await?
        .into_iter()
        .map(|row| (row.name, row.id))
        .collect();

    // username → (id, role name)
    let mut users = HashMap::new();
    for (demo_user, password_hash) in data.users.iter().zip(password_hashes) {
        let role_id = *find(&role_ids, "rôle", &demo_user.role)?;
        let inserted = user::ActiveModel {
            role_id: Set(role_id),
            user_first_name: Set(demo_user.first_name.clone()),
            user_last_name: Set(demo_user.last_name.clone()),
            email: Set(demo_user.email.clone()),
            phone_number: Set(canonical_phone(&demo_user.phone_number)?),
            username: Set(demo_user.username.clone()),
            password_hash: Set(password_hash),
            search_text: Set(UserField::search_text_of(&[
                (UserField::FirstName, &demo_user.first_name),
                (UserField::LastName, &demo_user.last_name),
                (UserField::Email, &demo_user.email),
                (UserField::Username, &demo_user.username),
            ])),
            ..Default::default()
        }
        .insert(&transaction)
        .await?;
        users.insert(
            demo_user.username.as_str(),
            (inserted.id, demo_user.role.as_str()),
        );
    }
    let user_with_role = |username: &str, expected_role: &str| {
        let (id, role_name) = *find(&users, Resource::User.french_noun(), username)?;
        if role_name == expected_role {
            Ok(id)
        } else {
            Err(inconsistent(format!(
                "« {username} » a le rôle {role_name}, {expected_role} attendu"
            )))
        }
    };

    let mut customer_ids = HashMap::new();
    for demo_customer in &data.customers {
        let inserted = customer::ActiveModel {
            user_sales_id: Set(user_with_role(&demo_customer.sales, "sales")?),
            customer_first_name: Set(demo_customer.first_name.clone()),
            customer_last_name: Set(demo_customer.last_name.clone()),
            email: Set(demo_customer.email.clone()),
            phone_number: Set(canonical_phone(&demo_customer.phone_number)?),
            company_name: Set(demo_customer.company_name.clone()),
            search_text: Set(CustomerField::search_text_of(&[
                (CustomerField::FirstName, &demo_customer.first_name),
                (CustomerField::LastName, &demo_customer.last_name),
                (CustomerField::Email, &demo_customer.email),
                (CustomerField::CompanyName, &demo_customer.company_name),
            ])),
            ..Default::default()
        }
        .insert(&transaction)
        .await?;
        customer_ids.insert(demo_customer.company_name.as_str(), inserted.id);
    }

    // contract number → (id, customer id, signed)
    let mut contracts = HashMap::new();
    for demo_contract in &data.contracts {
        let amount = |field: &str, text: &str| {
            text.parse::<Money>().map_err(|error| {
                inconsistent(format!(
                    "{} : {field} {error}",
                    demo_contract.contract_number
                ))
            })
        };
        let total_amount = amount("montant total", &demo_contract.total_amount)?;
        let balance_due = amount("reste à payer", &demo_contract.balance_due)?;
        if balance_due > total_amount {
            return Err(inconsistent(format!(
                "{} : le reste à payer dépasse le montant total",
                demo_contract.contract_number
            )));
        }
        let customer_id = *find(
            &customer_ids,
            Resource::Customer.french_noun(),
            &demo_contract.customer,
        )?;
        let inserted = contract::ActiveModel {
            customer_id: Set(customer_id),
            user_management_id: Set(user_with_role(&demo_contract.management, "management")?),
            contract_number: Set(demo_contract.contract_number.clone()),
            total_amount: Set(total_amount.into()),
            balance_due: Set(balance_due.into()),
            signed: Set(demo_contract.signed),
            ..Default::default()
        }
        .insert(&transaction)
        .await?;
        contracts.insert(
            demo_contract.contract_number.as_str(),
            (inserted.id, customer_id, demo_contract.signed),
        );
    }

    for demo_event in &data.events {
        let (contract_id, customer_id, signed) = *find(
            &contracts,
            Resource::Contract.french_noun(),
            &demo_event.contract,
        )?;
        if !signed {
            return Err(inconsistent(format!(
                "{} : le contrat {} n'est pas signé",
                demo_event.event_number, demo_event.contract
            )));
        }
        let start = demo_event.start.with_timezone(&Utc);
        let end = demo_event.end.with_timezone(&Utc);
        if start >= end || demo_event.attendees < 0 {
            return Err(inconsistent(format!(
                "{} : dates ou nombre de participants invalides",
                demo_event.event_number
            )));
        }
        let user_support_id = match &demo_event.support {
            Some(username) => Some(user_with_role(username, "support")?),
            None => None,
        };
        event::ActiveModel {
            contract_id: Set(contract_id),
            customer_id: Set(customer_id),
            user_support_id: Set(user_support_id),
            event_name: Set(demo_event.event_name.clone()),
            event_number: Set(demo_event.event_number.clone()),
            start_datetime: Set(start),
            end_datetime: Set(end),
            location: Set(demo_event.location.clone()),
            attendees: Set(demo_event.attendees),
            note: Set(demo_event.note.clone()),
            search_text: Set(EventField::search_text_of(&[
                (EventField::Name, &demo_event.event_name),
                (EventField::Location, &demo_event.location),
            ])),
            ..Default::default()
        }
        .insert(&transaction)
        .await?;
    }

    transaction.commit().await?;
    Ok(())
}
