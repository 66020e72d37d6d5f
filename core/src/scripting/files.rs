//! The one file access scripts have: reading a CSV file that the command line named (as the
//! value of a parameter, `fichier=paiements.csv`), whose contents the client sent with the
//! run. The core opens no file of its own for a script: any other name is refused, so a
//! script cannot read what its user did not hand it.

use std::io::{BufRead, Read};
use std::sync::Arc;

use epic_events_api::scripts::NamedFile;

use rhai::{Array, Dynamic, Engine, INT};

use super::context::{ScriptResult, refusal};
use super::sandbox::ScriptLimits;

/// One line of a CSV file read by `lire_csv`: its values by the header's column names
/// (`ligne.numero`, `ligne["montant"]`, `"numero" in ligne`), and its line in the file
/// (`ligne.ligne_du_fichier`, for messages). A type of its own rather than a map, so that a
/// file of many lines is held in its own size, not measured against the limits of what a
/// script builds (a map's entries, a text's length, summed over the whole list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvLine {
    columns: Arc<[String]>,
    values: Box<[String]>,
    line: u64,
}

/// The rhai type name of [`CsvLine`].
pub const CSV_LINE_TYPE_NAME: &str = "LigneCsv";
/// The pseudo-field of a [`CsvLine`] giving its line in the file.
pub const LINE_IN_FILE: &str = "ligne_du_fichier";

impl CsvLine {
    /// The value of the column `name`, if the file has one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .position(|column| column == name)
            .map(|index| self.values[index].as_str())
    }

    /// Its line in the file (the header is line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// How many values it holds.
    pub fn width(&self) -> usize {
        self.values.len()
    }

    /// (column, value) in the file's order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().map(String::as_str))
    }
}

/// Registers [`CsvLine`]: indexing and property access by column name, `in`, `keys()`.
pub fn register_csv_line(engine: &mut Engine) {
    engine.register_type_with_name::<CsvLine>(CSV_LINE_TYPE_NAME);
    engine.register_indexer_get(|line: &mut CsvLine, name: &str| -> ScriptResult<Dynamic> {
        if name == LINE_IN_FILE {
            return Ok(Dynamic::from(INT::try_from(line.line).unwrap_or(INT::MAX)));
        }
        line.get(name)
            .map(|value| Dynamic::from(value.to_owned()))
            .ok_or_else(|| {
                refusal(format!(
                    "colonne inconnue « {name} » (colonnes : {})",
                    line.columns.join(", ")
                ))
            })
    });
    engine.register_fn("contains", |line: &mut CsvLine, name: &str| {
        line.get(name).is_some()
    });
    engine.register_fn("keys", |line: &mut CsvLine| -> Array {
        line.columns
            .iter()
            .map(|column| Dynamic::from(column.clone()))
            .collect()
    });
    engine.register_fn("to_string", |line: &mut CsvLine| {
        line.fields()
            .map(|(column, value)| format!("{column} : {value}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    engine.register_fn("to_debug", |line: &mut CsvLine| format!("{line:?}"));
}

/// Reads the CSV file `path` among the `files` the run was given, one [`CsvLine`] per
/// line, keyed by the header's column names as keys ([`column_key`]: « Reste à payer »,
/// as `--format csv-tableur` and spreadsheets write it, is `reste_a_payer`). The delimiter
/// is `;` when the header has one (as French spreadsheets write), `,` otherwise. Values
/// are texts, trimmed.
///
/// The file's size is checked before anything is read, and counted against what the run
/// may read.
pub fn read_csv(
    path: &str,
    files: &[NamedFile],
    limits: &ScriptLimits,
    count_bytes: impl FnOnce(u64) -> ScriptResult<()>,
) -> ScriptResult<Array> {
    let not_given = || {
        refusal(format!(
            "lire_csv : le fichier « {path} » n'a pas été donné sur la ligne de commande \
             (donnez-le en paramètre, par exemple fichier={path})"
        ))
    };
    let file = files
        .iter()
        .find(|file| file.name == path)
        .ok_or_else(not_given)?;
    let unreadable = |error: std::io::Error| {
        refusal(format!(
            "lire_csv : impossible de lire « {path} » ({})",
            crate::errors::french_io_error(&error)
        ))
    };
    // The client sends at most the API's largest file and one byte more: a file cut
    // there is refused, never read as if whole.
    let maximum_size = maximum_file_size(limits).min(epic_events_api::scripts::MAXIMUM_FILE_SIZE);
    let too_large = || {
        refusal(format!(
            "lire_csv : le fichier « {path} » est trop volumineux (plus de {})",
            crate::formatting::size(maximum_size)
        ))
    };
    let size = file.contents.len() as u64;
    if size > maximum_size {
        return Err(too_large());
    }
    count_bytes(size)?;
    let mut input = (&file.contents[..]).take(maximum_size + 1);
    // The header decides the delimiter; a byte order mark before it is skipped.
    let mut header = Vec::new();
    input.read_until(b'\n', &mut header).map_err(unreadable)?;
    let header = header
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&header)
        .to_vec();
    let delimiter = if header.contains(&b';') { b';' } else { b',' };
    let not_text = || refusal(format!("lire_csv : « {path} » n'est pas un texte UTF-8"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(std::io::Read::chain(&header[..], input));
    let invalid = |error: csv::Error| {
        if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
            return not_text();
        }
        let line = error
            .position()
            .map(|position| format!(" (ligne {})", position.line()))
            .unwrap_or_default();
        refusal(format!(
            "lire_csv : « {path} » n'est pas un CSV valide{line}"
        ))
    };
    let columns: Arc<[String]> = reader
        .headers()
        .map_err(invalid)?
        .iter()
        .map(column_key)
        .collect();
    if columns.len() > MAXIMUM_COLUMNS {
        return Err(refusal(format!(
            "lire_csv : « {path} » a plus de {MAXIMUM_COLUMNS} colonnes"
        )));
    }
    let maximum_lines = limits
        .maximum_array_size
        .min(MAXIMUM_CELLS / columns.len().max(1));
    let mut lines = Array::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(invalid)? {
        if lines.len() >= maximum_lines {
            return Err(refusal(format!(
                "lire_csv : « {path} » a plus de {maximum_lines} lignes de {} colonnes",
                columns.len()
            )));
        }
        let line = record.position().map_or(0, |position| position.line());
        lines.push(Dynamic::from(CsvLine {
            columns: Arc::clone(&columns),
            values: record.iter().map(str::to_owned).collect(),
            line,
        }));
    }
    if reader.position().byte() > maximum_size {
        return Err(too_large());
    }
    Ok(lines)
}

/// The key a column's header names: its words in lower case, without accents, joined by
/// « _ » (`Numéro` → `numero`, `Reste à payer` → `reste_a_payer`), as the records' keys
/// are written.
pub fn column_key(header: &str) -> String {
    epic_events_api::formatting::folded(header)
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The most columns a file read by `lire_csv` may have.
pub const MAXIMUM_COLUMNS: usize = 1_000;
/// The most values (lines × columns) a file read by `lire_csv` may hold.
pub const MAXIMUM_CELLS: usize = 2_000_000;

/// The largest file `lire_csv` reads: 64 times the longest text a script may hold.
pub fn maximum_file_size(limits: &ScriptLimits) -> u64 {
    u64::try_from(limits.maximum_string_size)
        .unwrap_or(u64::MAX)
        .saturating_mul(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: ScriptResult<Array>) -> String {
        match *result.unwrap_err() {
            rhai::EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
            other => panic!("{other:?}"),
        }
    }

    fn named(name: &str, contents: &[u8]) -> NamedFile {
        NamedFile {
            name: name.to_owned(),
            contents: contents.to_vec(),
        }
    }

    #[test]
    fn reads_only_the_files_named_on_the_command_line() {
        let files = [named(
            "paiements.csv",
            "\u{feff}numero;montant\nCTR-2026-0002 ; 1 250,50\n".as_bytes(),
        )];
        let limits = ScriptLimits::default();

        let rows = read_csv("paiements.csv", &files, &limits, |_| Ok(())).unwrap();
        let row = rows[0].read_lock::<CsvLine>().unwrap();
        assert_eq!(row.get("numero"), Some("CTR-2026-0002"));
        assert_eq!(row.get("montant"), Some("1 250,50"));
        assert_eq!(row.line(), 2);

        let refused = message(read_csv("autre.csv", &files, &limits, |_| Ok(())));
        assert!(
            refused.contains("n'a pas été donné sur la ligne de commande"),
            "{refused}"
        );
        let refused = message(read_csv("/etc/passwd", &files, &limits, |_| Ok(())));
        assert!(refused.contains("n'a pas été donné"), "{refused}");
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_read() {
        let limits = ScriptLimits {
            maximum_string_size: 1024,
            ..ScriptLimits::default()
        };
        let files = [named("gros.csv", &vec![b'a'; 1024 * 1024])];
        let refused = message(read_csv("gros.csv", &files, &limits, |_| {
            panic!("counted before its size was checked")
        }));
        assert!(refused.contains("est trop volumineux"), "{refused}");
    }
}
