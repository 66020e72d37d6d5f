//! The fields of the two reports' rows: unpaid contracts and activity, per sales user.

use super::{Catalogue, Description, SALES_USER, Value};
use rust_decimal::Decimal;

/// The sales user a line of a report is about.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SalesUser {
    /// `user.id`.
    pub id: i32,
    /// Sign-in name, for those who may read users (management) only: half of what signs
    /// in, it is not shown to the others.
    pub username: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// The unpaid contracts of one sales user's customers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnpaidContracts {
    /// Whose customers.
    pub sales_user: SalesUser,
    /// How many contracts have something left to pay.
    pub contracts: i64,
    /// Their total amounts, exact.
    pub total_amount: Decimal,
    /// What is left to pay on them, exact.
    pub balance_due: Decimal,
}

/// What one sales user brought in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SalesActivity {
    /// The sales user.
    pub sales_user: SalesUser,
    /// Number of their customers.
    pub customers: i64,
    /// Number of signed contracts of their customers.
    pub signed_contracts: i64,
    /// Total amount of those contracts, exact.
    pub signed_amount: Decimal,
    /// What is left to pay on them, exact.
    pub balance_due: Decimal,
}

/// The sales user's login name, for those who may read it; nothing for the others.
fn username(user: &SalesUser) -> Value {
    user.username.clone().map_or(Value::Nothing, Value::Text)
}

fn sales_user_name(user: &SalesUser) -> Value {
    Value::Text(format!("{} {}", user.first_name, user.last_name))
}

const SALES_USER_ID: Description = Description::read_only(
    "commercial_id",
    "numéro du commercial",
    "commercial id",
    "numéro du commercial",
);
const SALES_USERNAME: Description = Description::read_only(
    "identifiant",
    "identifiant",
    "identifiant",
    "nom de connexion du commercial (gestion seulement)",
);

/// A field of a row of unpaid contracts per sales user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UnpaidField {
    /// The sales user's number.
    SalesUserId,
    /// Their username.
    Username,
    /// Their name.
    SalesUser,
    /// How many unpaid contracts their customers have.
    Contracts,
    /// The sum of those contracts' totals.
    TotalAmount,
    /// The sum of what is left to pay on them.
    BalanceDue,
}

impl Catalogue for UnpaidField {
    type Row = UnpaidContracts;
    const ALL: &'static [Self] = &[
        Self::SalesUserId,
        Self::Username,
        Self::SalesUser,
        Self::Contracts,
        Self::TotalAmount,
        Self::BalanceDue,
    ];

    fn describe(self) -> Description {
        match self {
            Self::SalesUserId => SALES_USER_ID,
            Self::Username => SALES_USERNAME,
            Self::SalesUser => SALES_USER,
            Self::Contracts => Description::read_only(
                "contrats",
                "contrats",
                "contrats",
                "nombre de contrats non payés de ses clients",
            ),
            Self::TotalAmount => Description::read_only(
                "montant_total",
                "montant total",
                "montant total",
                "somme des montants totaux de ces contrats",
            ),
            Self::BalanceDue => Description::read_only(
                "reste_a_payer",
                "reste à payer",
                "reste à payer",
                "somme des restes à payer de ces contrats",
            ),
        }
    }

    fn read(self, row: &UnpaidContracts) -> Value {
        match self {
            Self::SalesUserId => Value::Number(row.sales_user.id.into()),
            Self::Username => username(&row.sales_user),
            Self::SalesUser => sales_user_name(&row.sales_user),
            Self::Contracts => Value::Number(row.contracts),
            Self::TotalAmount => Value::Decimal(row.total_amount),
            Self::BalanceDue => Value::Decimal(row.balance_due),
        }
    }
}

/// A field of a row of activity per sales user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ActivityField {
    /// The sales user's number.
    SalesUserId,
    /// Their username.
    Username,
    /// Their name.
    SalesUser,
    /// How many customers they have.
    Customers,
    /// How many signed contracts those customers have.
    SignedContracts,
    /// The sum of those contracts' totals.
    SignedAmount,
    /// What was paid on them.
    Collected,
    /// What is left to pay on them.
    BalanceDue,
}

impl Catalogue for ActivityField {
    type Row = SalesActivity;
    const ALL: &'static [Self] = &[
        Self::SalesUserId,
        Self::Username,
        Self::SalesUser,
        Self::Customers,
        Self::SignedContracts,
        Self::SignedAmount,
        Self::Collected,
        Self::BalanceDue,
    ];

    fn describe(self) -> Description {
        match self {
            Self::SalesUserId => SALES_USER_ID,
            Self::Username => SALES_USERNAME,
            Self::SalesUser => SALES_USER,
            Self::Customers => {
                Description::read_only("clients", "clients", "clients", "nombre de ses clients")
            }
            Self::SignedContracts => Description::read_only(
                "contrats_signes",
                "contrats signés",
                "contrats signés",
                "nombre de contrats signés de ses clients",
            ),
            Self::SignedAmount => Description::read_only(
                "montant_signe",
                "montant signé",
                "montant signé",
                "somme des montants totaux des contrats signés",
            ),
            Self::Collected => Description::read_only(
                "montant_encaisse",
                "montant encaissé",
                "montant encaissé",
                "ce qui a été payé sur ces contrats",
            ),
            Self::BalanceDue => Description::read_only(
                "reste_a_payer",
                "reste à payer",
                "reste à payer",
                "ce qui reste à payer sur ces contrats",
            ),
        }
    }

    fn read(self, row: &SalesActivity) -> Value {
        match self {
            Self::SalesUserId => Value::Number(row.sales_user.id.into()),
            Self::Username => username(&row.sales_user),
            Self::SalesUser => sales_user_name(&row.sales_user),
            Self::Customers => Value::Number(row.customers),
            Self::SignedContracts => Value::Number(row.signed_contracts),
            Self::SignedAmount => Value::Decimal(row.signed_amount),
            Self::Collected => Value::Decimal(row.signed_amount - row.balance_due),
            Self::BalanceDue => Value::Decimal(row.balance_due),
        }
    }
}
