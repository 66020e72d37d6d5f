//! Input rules shared by every write: each returns a [`CoreError::Validation`] naming the
//! field and the rule, in French.

use unicode_normalization::UnicodeNormalization;

use crate::errors::CoreError;

/// Maximum length of a first or last name (`varchar(100)`).
pub const NAME_MAXIMUM_LENGTH: usize = 100;
/// Maximum length of an e-mail address (`varchar(254)`).
pub const EMAIL_MAXIMUM_LENGTH: usize = 254;
/// Maximum length of a phone number as typed (`varchar(32)`).
pub const PHONE_MAXIMUM_LENGTH: usize = 32;
/// Minimum length of a username.
pub const USERNAME_MINIMUM_LENGTH: usize = 3;
/// Maximum length of a username (`varchar(50)`).
pub const USERNAME_MAXIMUM_LENGTH: usize = 50;
/// Minimum length of a password, in characters.
pub use epic_events_api::catalogue::user::PASSWORD_MINIMUM_LENGTH;
/// Maximum length of a password, so that hashing cannot be abused.
pub const PASSWORD_MAXIMUM_LENGTH: usize = 1024;

/// Text as the core stores it, whatever typed it: surrounding spaces trimmed, Unicode
/// composed (NFC: `e` + combining acute is stored as `é`, so that the same name is always
/// the same text), and refused — naming the field and the rule — when it holds a control
/// character (C0 and C1: escape sequences, BEL, NUL…), except the line breaks of a text
/// that allows them (`\n`, `\r\n` becoming `\n`), or a character that hides or reorders
/// text ([`is_hiding_or_reordering`]: zero-width characters, direction marks, overrides
/// and isolates…), which would make a list lie about what a record is called, or make two
/// names that read the same differ. The one text policy of every text field.
pub fn policed_text(
    field: &'static str,
    value: &str,
    line_breaks: bool,
) -> Result<String, CoreError> {
    let value = if line_breaks {
        value.replace("\r\n", "\n")
    } else {
        value.to_owned()
    };
    let value = value.trim();
    if value
        .chars()
        .any(|character| character.is_control() && !(line_breaks && character == '\n'))
    {
        return Err(CoreError::validation(
            field,
            if line_breaks {
                "ne peut pas contenir de caractères de contrôle (seuls les retours à la ligne sont permis)"
            } else {
                "ne peut pas contenir de caractères de contrôle"
            },
        ));
    }
    if let Some(hidden) = value
        .chars()
        .find(|character| is_hiding_or_reordering(*character))
    {
        return Err(CoreError::validation(
            field,
            format!(
                "ne peut pas contenir de caractère invisible ou qui change le sens de lecture \
                 (U+{:04X} trouvé)",
                u32::from(hidden)
            ),
        ));
    }
    Ok(value.nfc().collect())
}

pub use epic_events_api::formatting::is_hiding_or_reordering;

/// A required text of at most `maximum` characters, under the text policy
/// ([`policed_text`]), on one line.
pub fn required_text(
    field: &'static str,
    value: &str,
    maximum: usize,
) -> Result<String, CoreError> {
    let value = policed_text(field, value, false)?;
    if value.is_empty() {
        return Err(CoreError::validation(field, "est obligatoire"));
    }
    if value.chars().count() > maximum {
        return Err(CoreError::validation(
            field,
            format!("ne peut pas dépasser {maximum} caractères"),
        ));
    }
    Ok(value)
}

/// An optional text of at most `maximum` characters, under the text policy, line breaks
/// allowed (notes; the length rule is worded for them).
pub fn optional_text_with_lines(
    field: &'static str,
    value: &str,
    maximum: usize,
) -> Result<String, CoreError> {
    let value = policed_text(field, value, true)?;
    if value.chars().count() > maximum {
        return Err(CoreError::validation(
            field,
            format!("ne peuvent pas dépasser {maximum} caractères"),
        ));
    }
    Ok(value)
}

/// A first or last name.
pub fn person_name(field: &'static str, value: &str) -> Result<String, CoreError> {
    required_text(field, value, NAME_MAXIMUM_LENGTH)
}

/// An e-mail address, stored in lower case so that uniqueness ignores case.
pub fn email(field: &'static str, value: &str) -> Result<String, CoreError> {
    let value = required_text(field, value, EMAIL_MAXIMUM_LENGTH)?.to_lowercase();
    let valid = email_address::EmailAddress::parse_with_options(
        &value,
        email_address::Options::default()
            .without_display_text()
            .without_domain_literal(),
    )
    .is_ok_and(|address| address.domain().contains('.'));
    if valid {
        Ok(value)
    } else {
        Err(CoreError::validation(
            field,
            "n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)",
        ))
    }
}

/// A phone number, stored in one canonical form (E.164: `+33612345678`) so that the same
/// number typed with other spacing or a national prefix (`06 12 34 56 78`) is the same for
/// uniqueness; France is the region of a number typed without an international prefix.
/// Shown in the international format (`+33 6 12 34 56 78`, see `formatting::phone`).
pub fn phone_number(field: &'static str, value: &str) -> Result<String, CoreError> {
    let value = required_text(field, value, PHONE_MAXIMUM_LENGTH)?;
    // Digits and the usual separators only: the parser would read letters as a keypad's.
    let written_as_a_number = value.chars().enumerate().all(|(position, character)| {
        character.is_ascii_digit()
            || matches!(character, ' ' | '.' | '-' | '(' | ')')
            || (character == '+' && position == 0)
    });
    written_as_a_number
        .then(|| migrations::canonical_phone_number(&value))
        .flatten()
        .ok_or_else(|| {
        CoreError::validation(
            field,
            "n'est pas un numéro de téléphone valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)",
            )
        })
}

/// A username: 3 to 50 lower-case letters, digits, `.`, `_` or `-`.
pub fn username(field: &'static str, value: &str) -> Result<String, CoreError> {
    let value = value.trim().to_lowercase();
    let length = value.chars().count();
    let allowed = value.chars().all(|character| {
        character.is_ascii_lowercase()
            || character.is_ascii_digit()
            || matches!(character, '.' | '_' | '-')
    });
    if allowed && (USERNAME_MINIMUM_LENGTH..=USERNAME_MAXIMUM_LENGTH).contains(&length) {
        Ok(value)
    } else {
        Err(CoreError::validation(
            field,
            format!(
                "doit faire de {USERNAME_MINIMUM_LENGTH} à {USERNAME_MAXIMUM_LENGTH} caractères parmi les lettres minuscules sans accent, les chiffres, « . », « _ » et « - »"
            ),
        ))
    }
}

/// A new password: at least 12 characters. Never trimmed: spaces count.
pub fn new_password(field: &'static str, value: &str) -> Result<(), CoreError> {
    let length = value.chars().count();
    if length < PASSWORD_MINIMUM_LENGTH {
        return Err(CoreError::validation(
            field,
            format!("doit contenir au moins {PASSWORD_MINIMUM_LENGTH} caractères"),
        ));
    }
    if length > PASSWORD_MAXIMUM_LENGTH {
        return Err(CoreError::validation(
            field,
            format!("ne peut pas dépasser {PASSWORD_MAXIMUM_LENGTH} caractères"),
        ));
    }
    Ok(())
}

/// The label of a search's text in refusals.
pub const SEARCH_LABEL: &str = "recherche";
/// The longest text searched for.
pub const SEARCH_MAXIMUM_LENGTH: usize = 100;

/// What a person searches for: the text policy, not empty, at most
/// [`SEARCH_MAXIMUM_LENGTH`] characters, with at least one word (letters or digits: the
/// rest only separates words).
pub fn search_words(text: &str) -> Result<String, CoreError> {
    let text = required_text(SEARCH_LABEL, text, SEARCH_MAXIMUM_LENGTH)?;
    if migrations::words(&text).is_empty() {
        return Err(CoreError::validation(
            SEARCH_LABEL,
            "doit contenir au moins une lettre ou un chiffre",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("e-mail", " Jean.Dupont@Exemple.fr ").unwrap(),
            "jean.dupont@exemple.fr"
        );
        for bad in [
            "",
            "jean",
            "jean@",
            "@exemple.fr",
            "jean@exemple",
            "jean dupont@exemple.fr",
            "Jean <jean@exemple.fr>",
        ] {
            assert!(email("e-mail", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert!(phone_number("téléphone", "+33 6 12 34 56 78").is_ok());
        assert!(phone_number("téléphone", "01.42.00.00.01").is_ok());
        for bad in [
            "",
            "12345",
            "+33 6 12 34 56 78 90 12 34",
            "06 12 ab 56 78",
            "6+33",
        ] {
            assert!(phone_number("téléphone", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(username("identifiant", "Manager3").unwrap(), "manager3");
        assert!(username("identifiant", "ab").is_err());
        assert!(username("identifiant", "jean dupont").is_err());
        assert!(username("identifiant", "élodie").is_err());
        assert!(new_password("mot de passe", "onze-caract").is_err());
        assert!(new_password("mot de passe", "douze-caract").is_ok());
    }

    #[test]
    fn messages_name_the_field_and_the_rule() {
        let error = person_name("prénom", "   ").unwrap_err();
        assert_eq!(error.to_string(), "prénom : est obligatoire");
        let error = person_name("nom", &"x".repeat(101)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "nom : ne peut pas dépasser 100 caractères"
        );
    }

    #[test]
    fn one_text_policy() {
        assert_eq!(
            required_text("nom", " Ame\u{301}lie ", 100).unwrap(),
            "Amélie"
        );
        for hostile in [
            "a\u{1b}[2J",
            "a\u{7}",
            "a\u{0}b",
            "a\u{85}b",
            "a\nb",
            "a\tb",
        ] {
            let refused = required_text("nom", hostile, 100).unwrap_err().to_string();
            assert_eq!(
                refused, "nom : ne peut pas contenir de caractères de contrôle",
                "{hostile:?}"
            );
        }
        for (hostile, found) in [
            ("\u{202e}abc", "202E"),
            ("a\u{202a}b", "202A"),
            ("\u{2066}x\u{2069}", "2066"),
            ("\u{2068}x", "2068"),
            ("Du\u{200b}rand", "200B"),
            ("a\u{200e}b", "200E"),
            ("a\u{61c}b", "061C"),
            ("a\u{2028}b", "2028"),
            ("a\u{2063}b", "2063"),
            ("\u{feff}Durand", "FEFF"),
            ("Dur\u{ad}and", "00AD"),
            ("a\u{e0041}b", "E0041"),
        ] {
            let refused = required_text("nom", hostile, 100).unwrap_err().to_string();
            assert_eq!(
                refused,
                format!(
                    "nom : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+{found} trouvé)"
                ),
                "{hostile:?}"
            );
        }
        // What French text uses is not hidden: no-break spaces, ligatures, accents.
        assert!(!is_hiding_or_reordering('€') && !is_hiding_or_reordering('\u{202f}'));
        assert_eq!(
            required_text("nom", "Œuvre\u{a0}: 12\u{202f}000 €", 100).unwrap(),
            "Œuvre\u{a0}: 12\u{202f}000 €"
        );
        assert_eq!(
            optional_text_with_lines("notes", "un\r\ndeux\n", 10).unwrap(),
            "un\ndeux"
        );
        assert!(optional_text_with_lines("notes", "un\rdeux", 10).is_err());
        assert!(optional_text_with_lines("notes", "un\u{1b}deux", 10).is_err());
        assert_eq!(optional_text_with_lines("notes", "", 10).unwrap(), "");
    }
}
