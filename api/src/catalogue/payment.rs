//! The fields of a payment recorded from a list (`enregistrer_paiements`): a line of the
//! list, its contract and what it left to pay.

use super::{Catalogue, Description, Value};
use crate::money::Money;

/// One payment of a list to record (`enregistrer_paiements`, a file of payments).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentLine {
    /// Its line in the file, or its rank in the list: shown with the result.
    pub line: i64,
    /// How a refusal names it: « ligne 12 », « paiement 3 ».
    pub source: String,
    /// The contract's number (`CTR-2026-0001`, in any letter case).
    pub number: String,
    /// The amount paid, as typed (`1 250,50`).
    pub amount: String,
}

/// A payment recorded from a list, with what it left to pay on its contract.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordedPayment {
    /// Its line in the file, or its rank in the list.
    pub line: i64,
    /// The contract's id.
    pub contract_id: i32,
    /// The contract's number.
    pub contract_number: String,
    /// The customer's company.
    pub customer: String,
    /// The amount paid.
    pub amount: Money,
    /// What was left to pay on the contract after this payment.
    pub balance_due: Money,
}

/// A field of a recorded payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PaymentField {
    /// The line of the list (of the file) it came from.
    Line,
    /// The contract's number.
    Number,
    /// The contract's customer.
    Customer,
    /// The amount paid.
    Paid,
    /// What was left to pay on the contract after it.
    BalanceDue,
}

impl Catalogue for PaymentField {
    type Row = RecordedPayment;
    const ALL: &'static [Self] = &[
        Self::Line,
        Self::Number,
        Self::Customer,
        Self::Paid,
        Self::BalanceDue,
    ];

    fn describe(self) -> Description {
        match self {
            Self::Line => Description::read_only(
                "ligne",
                "ligne",
                "ligne",
                "la ligne du fichier (ou le rang dans la liste) du paiement",
            ),
            Self::Number => {
                Description::read_only("numero", "numéro", "numéro", "numéro du contrat payé")
            }
            Self::Customer => {
                Description::read_only("client", "client", "client", "entreprise du client")
            }
            Self::Paid => Description::read_only("paye", "payé", "payé", "montant payé"),
            Self::BalanceDue => Description::read_only(
                "reste_a_payer",
                "reste à payer",
                "reste à payer",
                "reste à payer du contrat après ce paiement",
            ),
        }
    }

    fn read(self, row: &RecordedPayment) -> Value {
        match self {
            Self::Line => Value::Number(row.line),
            Self::Number => Value::Text(row.contract_number.clone()),
            Self::Customer => Value::Text(row.customer.clone()),
            Self::Paid => Value::Money(row.amount),
            Self::BalanceDue => Value::Money(row.balance_due),
        }
    }
}
