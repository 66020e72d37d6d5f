//! How values are shown to a French-speaking user: the one place for date formats.

use chrono::{DateTime, Local, Utc};

/// `22/11/2026 14:30`, in the machine's local time.
pub fn date_time(value: DateTime<Utc>) -> String {
    value
        .with_timezone(&Local)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// `12 345,67 €`: digits grouped by three, a decimal comma, two decimals.
pub fn money(amount: crate::money::Money) -> String {
    let canonical = amount.to_string();
    let (units, cents) = canonical.split_once('.').unwrap_or((&canonical, "00"));
    let mut grouped = String::new();
    for (position, digit) in units.chars().enumerate() {
        if position > 0 && (units.len() - position) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    format!("{grouped},{cents} €")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_the_french_way() {
        let show = |text: &str| money(text.parse().unwrap());
        assert_eq!(show("0"), "0,00 €");
        assert_eq!(show("999.5"), "999,50 €");
        assert_eq!(show("1000"), "1 000,00 €");
        assert_eq!(show("12345.67"), "12 345,67 €");
        assert_eq!(show("9999999999.99"), "9 999 999 999,99 €");
    }
}
