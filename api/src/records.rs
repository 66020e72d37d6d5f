//! The records as the core gives them: plain rows with the names of related records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::vocabulary::Role;

/// The signed-in user, as re-read by the core for each call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatedUser {
    /// `user.id`.
    pub id: i32,
    /// Sign-in name.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Current role.
    pub role: Role,
}

/// A customer with the name of their sales user, as lists and details show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    /// `customer.id`.
    pub id: i32,
    /// The sales user who created the customer and owns it; never changes.
    pub user_sales_id: i32,
    /// The contact's first name.
    pub customer_first_name: String,
    /// The contact's last name.
    pub customer_last_name: String,
    /// The contact's e-mail address.
    pub email: String,
    /// The contact's phone number (canonical, E.164).
    pub phone_number: String,
    /// The company.
    pub company_name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last modification time.
    pub updated_at: DateTime<Utc>,
    /// Its version: 1 at creation, incremented by every write of the core.
    pub version: i64,
    /// Who made that version.
    pub updated_by: Option<i32>,
    /// Sales user's first name.
    pub sales_first_name: String,
    /// Sales user's last name.
    pub sales_last_name: String,
}

/// A contract as lists and details show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRow {
    /// `contract.id`.
    pub id: i32,
    /// Its number, e.g. `CTR-2026-0001`.
    pub contract_number: String,
    /// The customer.
    pub customer_id: i32,
    /// The customer's company.
    pub customer_company_name: String,
    /// The customer's sales user.
    pub customer_sales_user_id: i32,
    /// Sales user's first name.
    pub sales_first_name: String,
    /// Sales user's last name.
    pub sales_last_name: String,
    /// The management user who created it.
    pub user_management_id: i32,
    /// Management user's first name.
    pub management_first_name: String,
    /// Management user's last name.
    pub management_last_name: String,
    /// Total amount.
    pub total_amount: Money,
    /// Amount still due.
    pub balance_due: Money,
    /// Signed or not.
    pub signed: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last modification time.
    pub updated_at: DateTime<Utc>,
    /// Its version (1 at creation, incremented by every write).
    pub version: i64,
    /// Who made that version.
    pub updated_by: Option<i32>,
}

/// An event as lists and details show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    /// `event.id`.
    pub id: i32,
    /// Its number, e.g. `EVT-2026-0001`.
    pub event_number: String,
    /// Its name.
    pub event_name: String,
    /// The contract.
    pub contract_id: i32,
    /// The contract's number.
    pub contract_number: String,
    /// The customer (the contract's).
    pub customer_id: i32,
    /// The customer's company.
    pub customer_company_name: String,
    /// The customer contact's first name.
    pub customer_first_name: String,
    /// The customer contact's last name.
    pub customer_last_name: String,
    /// The customer's e-mail address.
    pub customer_email: String,
    /// The customer's phone number (canonical).
    pub customer_phone_number: String,
    /// The customer's sales user.
    pub customer_sales_user_id: i32,
    /// The assigned support user, if any.
    pub user_support_id: Option<i32>,
    /// Support user's first name.
    pub support_first_name: Option<String>,
    /// Support user's last name.
    pub support_last_name: Option<String>,
    /// Start (UTC).
    pub start_datetime: DateTime<Utc>,
    /// End (UTC).
    pub end_datetime: DateTime<Utc>,
    /// Where.
    pub location: String,
    /// Expected attendees.
    pub attendees: i32,
    /// Notes.
    pub note: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last modification time.
    pub updated_at: DateTime<Utc>,
    /// Its version (1 at creation, incremented by every write).
    pub version: i64,
    /// Who made that version.
    pub updated_by: Option<i32>,
}

/// A user with their role's name, as lists and details show it (never the hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// `user.id`.
    pub id: i32,
    /// Sign-in name.
    pub username: String,
    /// First name.
    pub user_first_name: String,
    /// Last name.
    pub user_last_name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone_number: String,
    /// Stored role name.
    pub role_name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last modification time.
    pub updated_at: DateTime<Utc>,
    /// Its version (1 at creation, incremented by every write).
    pub version: i64,
    /// Who made that version.
    pub updated_by: Option<i32>,
}
