//! Money: exact amounts in euros, the one place that knows how they are checked and
//! parsed.
//!
//! An amount is a [`rust_decimal::Decimal`] with at most two decimals, never a float. It
//! crosses the API (and JSON) as its canonical text, `"1234.50"`; how the databases store
//! it is the core's (`money.rs` there).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Number of decimals of every amount.
pub const DECIMALS: u32 = 2;

/// A non-negative amount of euros with at most two decimals that fits `DECIMAL(12,2)`.
///
/// ```
/// use epic_events_api::money::{Money, MoneyError};
///
/// let total: Money = "1 234,5 €".parse().unwrap();
/// assert_eq!(total.to_string(), "1234.50");
/// assert_eq!(total.cents(), 123_450);
/// assert_eq!("12,345".parse::<Money>(), Err(MoneyError::TooManyDecimals));
/// assert_eq!("-3".parse::<Money>(), Err(MoneyError::Negative));
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Money(Decimal);

/// Why a value is not a valid amount. The core turns it into a French message naming the
/// field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not a number.
    #[error("n'est pas un montant (exemple : 1234,50)")]
    NotANumber,
    /// The amount is below zero.
    #[error("ne peut pas être négatif")]
    Negative,
    /// The amount has more than two decimals.
    #[error("ne peut pas avoir plus de deux décimales")]
    TooManyDecimals,
    /// The amount is above [`Money::MAXIMUM`].
    #[error("ne peut pas dépasser 9 999 999 999,99 €")]
    TooLarge,
}

impl Money {
    /// The largest amount a `DECIMAL(12,2)` column holds.
    pub const MAXIMUM: Money = Money(Decimal::from_parts(3_567_587_327, 232, 0, false, 2));

    /// Zero euros.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Checks that `amount` is a valid amount and keeps it with exactly two decimals.
    pub fn new(amount: Decimal) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        if amount.normalize().scale() > DECIMALS {
            return Err(MoneyError::TooManyDecimals);
        }
        if amount > Self::MAXIMUM.0 {
            return Err(MoneyError::TooLarge);
        }
        let mut amount = amount.abs();
        amount.rescale(DECIMALS);
        Ok(Money(amount))
    }

    /// The amount as a decimal number of euros.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The amount in cents, exact.
    pub fn cents(self) -> i64 {
        // Every constructor keeps two decimals, so the mantissa is the number of cents; at
        // most 999_999_999_999, it always fits.
        <i64 as TryFrom<i128>>::try_from(self.0.mantissa()).expect("at most 12 digits")
    }
}

impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Money({})", self.0)
    }
}

/// The canonical form, `1234.50`: what SQLite stores and what scripts exchange.
impl fmt::Display for Money {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, formatter)
    }
}

/// Reads an amount typed by a person or written in a data file: `1234.5`, `1234,50`,
/// `1 234,50` (ordinary, non-breaking or narrow spaces between digit groups) and an
/// optional trailing `€`.
impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim().trim_end_matches('€').trim_end();
        let compact: String = trimmed
            .chars()
            .filter(|character| !matches!(character, ' ' | '\u{a0}' | '\u{202f}'))
            .map(|character| if character == ',' { '.' } else { character })
            .collect();
        let well_formed = !compact.is_empty()
            && compact
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && compact.chars().any(|c| c.is_ascii_digit());
        if !well_formed {
            return Err(MoneyError::NotANumber);
        }
        let amount = Decimal::from_str_exact(&compact).map_err(|_| MoneyError::NotANumber)?;
        Money::new(amount)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;

    fn try_from(amount: Decimal) -> Result<Self, Self::Error> {
        Money::new(amount)
    }
}

impl TryFrom<String> for Money {
    type Error = MoneyError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Money> for String {
    fn from(money: Money) -> Self {
        money.to_string()
    }
}

impl From<Money> for Decimal {
    fn from(money: Money) -> Self {
        money.0
    }
}

/// An exact amount of `cents` as a decimal number of euros. Totals are not [`Money`]: a sum
/// of many amounts may exceed what one contract holds.
pub fn decimal_from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, DECIMALS)
}

/// SQL summing the amount column `column` (e.g. `contract.balance_due`) as an exact
#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Result<Money, MoneyError> {
        text.parse()
    }

    #[test]
    fn accepts_french_and_canonical_forms() {
        assert_eq!(money("1234.5").unwrap().to_string(), "1234.50");
        assert_eq!(money("1 234,50 €").unwrap().to_string(), "1234.50");
        assert_eq!(money("1\u{202f}234,5").unwrap().to_string(), "1234.50");
        assert_eq!(money("0").unwrap(), Money::ZERO);
        assert_eq!(money("9999999999.99").unwrap(), Money::MAXIMUM);
        assert_eq!(Money::MAXIMUM.to_string(), "9999999999.99");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(money(""), Err(MoneyError::NotANumber));
        assert_eq!(money("douze"), Err(MoneyError::NotANumber));
        assert_eq!(money("1e5"), Err(MoneyError::NotANumber));
        assert_eq!(money("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(money("-0.01"), Err(MoneyError::Negative));
        assert_eq!(money("0.001"), Err(MoneyError::TooManyDecimals));
        assert_eq!(money("10000000000"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn keeps_trailing_zero_decimals_that_carry_no_value() {
        assert_eq!(money("12.500").unwrap().to_string(), "12.50");
    }

    #[test]
    fn counts_cents_exactly() {
        assert_eq!(Money::MAXIMUM.cents(), 999_999_999_999);
        assert_eq!(money("0.10").unwrap().cents(), 10);
        assert_eq!(money("7").unwrap().cents(), 700);
        assert_eq!(Money::default(), Money::ZERO);
        assert_eq!(Money::default().to_string(), "0.00");
    }
}
