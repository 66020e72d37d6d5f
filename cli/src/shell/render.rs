//! How the shell shows things: titles, messages, record details and tables, in French
//! formats, with colours only where they can be seen (anstream drops them when standard
//! output is not a terminal, and when `NO_COLOR` is set).

use anstyle::{AnsiColor, Style};

use crate::formatting;
use epic_events_api::catalogue::Catalogue;

/// Screen titles.
pub const TITLE: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
/// Errors and refusals.
pub const ERROR: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
/// Confirmations of a change.
pub const SUCCESS: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Menu numbers.
pub const NUMBER: Style = Style::new().bold();

/// `text` cut into lines of at most `width` columns at its spaces (never inside a word,
/// an amount — whose spaces do not break — or a number), or as it is when the width is
/// unknown (not a terminal).
pub fn wrapped(text: &str, width: Option<usize>) -> String {
    match width {
        Some(width) => {
            let options = textwrap::Options::new(width.max(20))
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .break_words(false);
            textwrap::fill(text, options)
        }
        None => text.to_owned(),
    }
}

/// The fields `fields` of `row`, with their labels, as [`detail`] shows them.
pub fn described<F: Catalogue>(fields: &[F], row: &F::Row) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|field| {
            (
                super::capitalised(field.label()),
                formatting::value(&field.read(row)),
            )
        })
        .collect()
}

/// A record, one « label : value » line per field, labels aligned, values wrapped to fit
/// `width` (`formatting::fitted_card`).
pub fn detail(fields: &[(impl AsRef<str>, String)], width: Option<usize>) -> String {
    formatting::fitted_card(fields, width)
}

/// A table of `rows` under `headers`, fitted to `width` when given; numeric columns (by
/// `right_aligned`) to the right.
pub fn table(
    headers: &[&str],
    rows: Vec<Vec<String>>,
    right_aligned: &[bool],
    width: Option<usize>,
) -> String {
    let headers: Vec<String> = headers.iter().map(|header| (*header).to_owned()).collect();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|cell| formatting::neutralise_control_characters(cell).into_owned())
                .collect()
        })
        .collect();
    formatting::table(&headers, &rows, right_aligned, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_align_and_neutralise() {
        let text = detail(
            &[
                ("Nom", "Durand\u{1b}]0;titre\u{7}".to_owned()),
                ("Notes", "ligne 1\nligne 2".to_owned()),
            ],
            None,
        );
        assert_eq!(
            text,
            "  Nom   : Durand\u{fffd}]0;titre\u{fffd}\n  Notes : ligne 1\n          ligne 2\n"
        );
    }

    #[test]
    fn messages_break_at_spaces_only() {
        let message = "Erreur : le contrat CTR-2026-0002 a été modifié par Julien Roux le 24/11/2026 06:32 depuis que vous l'avez lu ; reste 3\u{202f}000,00\u{a0}€";
        let lines: Vec<String> = wrapped(message, Some(40))
            .lines()
            .map(str::to_owned)
            .collect();
        assert!(
            lines.iter().all(|line| line.chars().count() <= 40),
            "{lines:?}"
        );
        assert!(lines.iter().any(|line| line.contains("CTR-2026-0002")));
        assert!(lines.iter().any(|line| line.contains("24/11/2026")));
        assert!(
            lines
                .iter()
                .any(|line| line.contains("3\u{202f}000,00\u{a0}€"))
        );
        assert_eq!(lines.join(" "), message);
        assert_eq!(wrapped(message, None), message);
    }

    #[test]
    fn tables_fit_the_width() {
        let rows = vec![vec![
            "1".to_owned(),
            "Séminaire annuel de la Maison Durand au château".to_owned(),
        ]];
        let text = table(&["n°", "nom"], rows, &[true, false], Some(30));
        assert!(
            text.lines().all(|line| line.chars().count() <= 30),
            "{text}"
        );
    }
}
