//! How amounts are stored: the one place that knows it.
//!
//! An amount is an API [`Money`] (exact, two decimals, never a float). In the database it
//! is `DECIMAL(12,2)` on MySQL and, because SQLite's decimal type is a float, a canonical
//! text such as `"1234.50"` on SQLite (see the schema migration). [`StoredMoney`], the
//! type of the entities' and rows' amount columns, and the SQL below are the only code
//! that knows this.

use std::fmt;

use rust_decimal::Decimal;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, QueryResult, TryGetError, TryGetable, Value};

pub use epic_events_api::money::{DECIMALS, Money, MoneyError, decimal_from_cents};

/// An amount as a column holds it: a [`Money`], with the database conversions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoredMoney(pub Money);

impl From<Money> for StoredMoney {
    fn from(money: Money) -> Self {
        StoredMoney(money)
    }
}

/// The canonical form, `1234.50`, as [`Money`] shows it.
impl fmt::Display for StoredMoney {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, formatter)
    }
}

impl From<StoredMoney> for Money {
    fn from(stored: StoredMoney) -> Self {
        stored.0
    }
}

/// SQL summing the amount column `column` (e.g. `contract.balance_due`) as an exact
/// integer number of cents (`NULL` over no row), on `backend`.
pub fn sum_of_cents_sql(backend: sea_orm::DbBackend, column: &str) -> String {
    match backend {
        // DECIMAL(12,2) × 100 is an exact integer.
        sea_orm::DbBackend::MySql => format!("CAST(SUM({column} * 100) AS SIGNED)"),
        // The canonical text `1234.50` without its dot is the number of cents.
        _ => format!("SUM(CAST(REPLACE({column}, '.', '') AS INTEGER))"),
    }
}

/// The SQL of lowering the amount column `column` by `amount`, exactly, as one
/// conditional statement can use it: `(new value, condition)`, the condition being that the
/// column holds at least `amount` (so the result is never negative). On MySQL, DECIMAL
/// arithmetic; on SQLite, where amounts are canonical text, integer cents turned back into
/// the canonical text.
pub fn subtraction_sql(
    backend: sea_orm::DbBackend,
    column: &str,
    amount: Money,
) -> (
    sea_orm::sea_query::SimpleExpr,
    sea_orm::sea_query::SimpleExpr,
) {
    use sea_orm::sea_query::Expr;
    match backend {
        sea_orm::DbBackend::MySql => (
            Expr::cust_with_values(format!("{column} - ?"), [amount.amount()]),
            Expr::cust_with_values(format!("{column} >= ?"), [amount.amount()]),
        ),
        _ => {
            let cents = format!("CAST(REPLACE({column}, '.', '') AS INTEGER)");
            (
                Expr::cust_with_values(
                    format!("printf('%d.%02d', ({cents} - ?) / 100, ({cents} - ?) % 100)"),
                    [amount.cents(), amount.cents()],
                ),
                Expr::cust_with_values(format!("{cents} >= ?"), [amount.cents()]),
            )
        }
    }
}

// --- Database conversions -------------------------------------------------------------
//
// Writing: a `Value::Decimal`, which MySQL stores exactly and which SeaORM binds as its
// text on SQLite (`"1234.50"`, always two decimals thanks to `Money::new`).
// Reading: MySQL returns a DECIMAL, SQLite the text; both become a `Money` without ever
// passing through a float.

impl From<StoredMoney> for Value {
    fn from(money: StoredMoney) -> Self {
        Value::Decimal(Some(money.0.amount()))
    }
}

impl TryGetable for StoredMoney {
    fn try_get_by<I: ColIdx>(result: &QueryResult, index: I) -> Result<Self, TryGetError> {
        // A DECIMAL column (MySQL) reads as `Decimal`. SQLite holds the exact text (a text
        // column whose format the schema checks), read as such: its `Decimal` reading goes
        // through a float and refuses text, at the cost of an error per amount (an export
        // reads 600,000 of them).
        let amount = if result.try_as_sqlite_row().is_some() {
            let text = String::try_get_by(result, index)?;
            Decimal::from_str_exact(&text).map_err(|error| invalid_stored_amount(&text, error))?
        } else {
            Decimal::try_get_by(result, index)?
        };
        Money::new(amount)
            .map(StoredMoney)
            .map_err(|error| invalid_stored_amount(&amount, error))
    }
}

fn invalid_stored_amount(value: &dyn fmt::Display, error: impl fmt::Display) -> TryGetError {
    TryGetError::DbErr(sea_orm::DbErr::Type(format!(
        "montant invalide en base ({value}) : {error}"
    )))
}

impl ValueType for StoredMoney {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        match value {
            Value::Decimal(Some(amount)) => Money::new(amount)
                .map(StoredMoney)
                .map_err(|_| ValueTypeErr),
            Value::String(Some(text)) => text.parse().map(StoredMoney).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "StoredMoney".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Decimal
    }

    fn column_type() -> ColumnType {
        ColumnType::Decimal(Some((12, DECIMALS)))
    }
}

impl Nullable for StoredMoney {
    fn null() -> Value {
        Value::Decimal(None)
    }
}

impl sea_orm::IntoActiveValue<StoredMoney> for StoredMoney {
    fn into_active_value(self) -> sea_orm::ActiveValue<StoredMoney> {
        sea_orm::ActiveValue::Set(self)
    }
}
