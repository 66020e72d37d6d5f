//! The fields of a contract.

use super::{
    CREATED_AT, Catalogue, Description, Given, Input, SALES_USER, Typed, UPDATED_AT, Value,
    not_typed,
};
use crate::error::ApiError;
use crate::records::ContractRow;

/// The amount of a payment, as the payment screen and function name it.
pub const PAYMENT_LABEL: &str = "montant payé";
/// A payment on a contract: not a field, but typed like one.
pub const PAYMENT: Description = Description::typed(
    "montant",
    PAYMENT_LABEL,
    "montant payé",
    "montant reçu (décimal exact ou texte « 1 250,50 »)",
    Input::Amount,
)
.hinted("montant reçu, par exemple 1 250,50");
/// The contract number given to find a contract (`CTR-2026-0001`).
pub const NUMBER_LOOKUP_LABEL: &str = "numéro de contrat";

/// A field of a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ContractField {
    /// Its internal number.
    Id,
    /// Its contract number, `CTR-AAAA-NNNN`.
    Number,
    /// The customer's number.
    CustomerId,
    /// The customer's company.
    Customer,
    /// The number of the customer's sales user.
    SalesUserId,
    /// Their name.
    SalesUser,
    /// The number of the management user who created it.
    ManagementUserId,
    /// Their name.
    ManagementUser,
    /// The total amount.
    TotalAmount,
    /// What is left to pay.
    BalanceDue,
    /// Whether it is signed.
    Signed,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

use ContractField::*;

impl ContractField {
    /// What management types to create a contract, in the order the form asks it.
    pub const TYPED_ON_CREATION: [Self; 4] = [Customer, TotalAmount, BalanceDue, Signed];
    /// What changes on an existing contract.
    pub const CHANGEABLE: [Self; 3] = [TotalAmount, BalanceDue, Signed];
}

impl Catalogue for ContractField {
    type Row = ContractRow;
    const ALL: &'static [Self] = &[
        Id,
        Number,
        CustomerId,
        Customer,
        SalesUserId,
        SalesUser,
        ManagementUserId,
        ManagementUser,
        TotalAmount,
        BalanceDue,
        Signed,
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
                "numéro de contrat (CTR-AAAA-NNNN)",
            ),
            CustomerId => Description::read_only(
                "client_id",
                "numéro du client",
                "client id",
                "numéro du client",
            ),
            // Read, the customer's company; given (on creation), the customer's number.
            Customer => Description::typed(
                "client",
                "client",
                "client",
                "entreprise du client",
                Input::Reference,
            )
            .hinted("numéro du client"),
            SalesUserId => Description::read_only(
                "commercial_id",
                "numéro du commercial",
                "commercial id",
                "numéro du commercial du client",
            ),
            SalesUser => SALES_USER,
            ManagementUserId => Description::read_only(
                "gestionnaire_id",
                "numéro du gestionnaire",
                "gestionnaire id",
                "numéro du gestionnaire qui l'a créé",
            ),
            ManagementUser => Description::read_only(
                "gestionnaire",
                "gestionnaire",
                "gestionnaire",
                "prénom et nom du gestionnaire",
            ),
            TotalAmount => Description::typed(
                "montant_total",
                "montant total",
                "montant total",
                "montant total (décimal exact)",
                Input::Amount,
            )
            .hinted("par exemple 12 000,00"),
            BalanceDue => Description::typed(
                "reste_a_payer",
                "reste à payer",
                "reste à payer",
                "reste à payer (décimal exact)",
                Input::Amount,
            )
            .hinted("par exemple 3 250,50")
            .optional("le montant total"),
            Signed => Description::typed(
                "signe",
                "signé",
                "signé",
                "vrai si le contrat est signé",
                Input::YesNo,
            )
            .hinted("oui ou non")
            .optional("non"),
            CreatedAt => CREATED_AT,
            UpdatedAt => UPDATED_AT,
        }
    }

    fn read(self, row: &ContractRow) -> Value {
        let name = |first: &str, last: &str| Value::Text(format!("{first} {last}"));
        match self {
            Id => Value::Number(row.id.into()),
            Number => Value::Text(row.contract_number.clone()),
            CustomerId => Value::Number(row.customer_id.into()),
            Customer => Value::Text(row.customer_company_name.clone()),
            SalesUserId => Value::Number(row.customer_sales_user_id.into()),
            SalesUser => name(&row.sales_first_name, &row.sales_last_name),
            ManagementUserId => Value::Number(row.user_management_id.into()),
            ManagementUser => name(&row.management_first_name, &row.management_last_name),
            TotalAmount => Value::Money(row.total_amount),
            BalanceDue => Value::Money(row.balance_due),
            Signed => Value::YesNo(row.signed),
            CreatedAt => Value::Moment(row.created_at),
            UpdatedAt => Value::Moment(row.updated_at),
        }
    }
}

/// A new contract, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewContract {
    /// The customer's id.
    pub customer_id: i32,
    /// Total amount, as typed (`12 000,50`).
    pub total_amount: String,
    /// Amount still due, as typed; the total when `None`.
    pub balance_due: Option<String>,
    /// Signed at creation.
    pub signed: bool,
}

/// The fields to change on a contract; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractChanges {
    /// New total amount, as typed.
    pub total_amount: Option<String>,
    /// New amount still due, as typed.
    pub balance_due: Option<String>,
    /// `Some(true)` signs the contract; `Some(false)` is refused once signed.
    pub signed: Option<bool>,
}

impl ContractChanges {
    /// Each field this change sets, with its value as given.
    pub fn given(&self) -> Vec<(ContractField, Given)> {
        [
            (TotalAmount, self.total_amount.clone().map(Given::Text)),
            (BalanceDue, self.balance_due.clone().map(Given::Text)),
            (Signed, self.signed.map(Given::YesNo)),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value?)))
        .collect()
    }
}

impl Typed<ContractField> for NewContract {
    /// Sets `field` to `value`, as typed; an empty optional field keeps its default.
    fn set(&mut self, field: ContractField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        match field {
            Customer => {
                self.customer_id = i32::try_from(value.whole_number(label)?)
                    .map_err(|_| ApiError::validation(label, "n'est pas un numéro valide"))?;
            }
            TotalAmount => self.total_amount = value.text(label)?,
            BalanceDue => self.balance_due = Some(value.text(label)?),
            Signed => self.signed = value.yes_or_no(label)?,
            Id | Number | CustomerId | SalesUserId | SalesUser | ManagementUserId
            | ManagementUser | CreatedAt | UpdatedAt => return Err(not_typed(label)),
        }
        Ok(())
    }
}

impl Typed<ContractField> for ContractChanges {
    /// Changes `field` to `value`, as typed.
    fn set(&mut self, field: ContractField, value: Given) -> Result<(), ApiError> {
        let label = field.label();
        match field {
            TotalAmount => self.total_amount = Some(value.text(label)?),
            BalanceDue => self.balance_due = Some(value.text(label)?),
            Signed => self.signed = Some(value.yes_or_no(label)?),
            Id | Number | CustomerId | Customer | SalesUserId | SalesUser | ManagementUserId
            | ManagementUser | CreatedAt | UpdatedAt => return Err(not_typed(label)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_left_empty_where_optional_keeps_the_defaults() {
        let typed = ["3", "12 000,00", "", ""].map(str::to_owned);
        let contract = NewContract::filled(&ContractField::TYPED_ON_CREATION, &typed).unwrap();
        assert_eq!(
            contract,
            NewContract {
                customer_id: 3,
                total_amount: "12 000,00".into(),
                balance_due: None,
                signed: false,
            }
        );
        let typed = ["3", "12 000,00", "2 000", "oui"].map(str::to_owned);
        let contract = NewContract::filled(&ContractField::TYPED_ON_CREATION, &typed).unwrap();
        assert_eq!(contract.balance_due.as_deref(), Some("2 000"));
        assert!(contract.signed);
        let typed = ["trois", "12 000,00", "", ""].map(str::to_owned);
        let refused = NewContract::filled(&ContractField::TYPED_ON_CREATION, &typed).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "client : « trois » n'est pas un nombre entier"
        );
    }
}
