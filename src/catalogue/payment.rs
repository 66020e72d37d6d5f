//! The fields of a payment recorded from a list (`enregistrer_paiements`): a line of the
//! list, its contract and what it left to pay.

use super::{Catalogue, Description, Value};
use crate::services::contract_service::RecordedPayment;

/// A field of a recorded payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
