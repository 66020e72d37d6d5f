//! The one file access scripts have: reading a CSV file that the command line named (as the
//! value of a parameter, `fichier=paiements.csv`). Any other path is refused, so a script
//! cannot read what its user did not hand it.

use std::path::{Path, PathBuf};

use rhai::{Array, Dynamic, Map};

use super::context::{ScriptResult, refusal};
use super::sandbox::ScriptLimits;

/// The parameter values that name existing files, canonicalised: the files a run may read.
pub fn files_named_in(parameters: &[(String, String)]) -> Vec<PathBuf> {
    parameters
        .iter()
        .filter_map(|(_, value)| Path::new(value).canonicalize().ok())
        .filter(|path| path.is_file())
        .collect()
}

/// Reads the CSV file `path` into an array of maps, one per line, keyed by the header's
/// column names. The delimiter is `;` when the header has one (as French spreadsheets
/// write), `,` otherwise. Values are texts, trimmed.
pub fn read_csv(path: &str, readable: &[PathBuf], limits: &ScriptLimits) -> ScriptResult<Array> {
    let not_given = || {
        refusal(format!(
            "lire_csv : le fichier « {path} » n'a pas été donné sur la ligne de commande \
             (donnez-le en paramètre, par exemple fichier={path})"
        ))
    };
    let canonical = Path::new(path).canonicalize().map_err(|_| not_given())?;
    if !readable.contains(&canonical) {
        return Err(not_given());
    }
    let bytes = std::fs::read(&canonical).map_err(|error| {
        refusal(format!(
            "lire_csv : impossible de lire « {path} » ({error})"
        ))
    })?;
    if bytes.len() > limits.maximum_string_size * 64 {
        return Err(refusal(format!(
            "lire_csv : le fichier « {path} » est trop volumineux"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| refusal(format!("lire_csv : « {path} » n'est pas un texte UTF-8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let invalid = |error: csv::Error| {
        let line = error
            .position()
            .map(|position| format!(" (ligne {})", position.line()))
            .unwrap_or_default();
        refusal(format!(
            "lire_csv : « {path} » n'est pas un CSV valide{line}"
        ))
    };
    let columns: Vec<String> = reader
        .headers()
        .map_err(invalid)?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Array::new();
    for record in reader.records() {
        let record = record.map_err(invalid)?;
        if rows.len() >= limits.maximum_array_size {
            return Err(refusal(format!(
                "lire_csv : « {path} » a plus de {} lignes",
                limits.maximum_array_size
            )));
        }
        let row: Map = columns
            .iter()
            .zip(record.iter())
            .map(|(column, value)| (column.as_str().into(), Dynamic::from(value.to_owned())))
            .collect();
        rows.push(row.into());
    }
    Ok(rows)
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

    #[test]
    fn reads_only_the_files_named_on_the_command_line() {
        let directory = tempfile::tempdir().unwrap();
        let given = directory.path().join("paiements.csv");
        std::fs::write(&given, "\u{feff}numero;montant\nCTR-2026-0002 ; 1 250,50\n").unwrap();
        let other = directory.path().join("autre.csv");
        std::fs::write(&other, "a,b\n1,2\n").unwrap();
        let parameters = vec![("fichier".to_owned(), given.display().to_string())];
        let readable = files_named_in(&parameters);
        let limits = ScriptLimits::default();

        let rows = read_csv(&given.display().to_string(), &readable, &limits).unwrap();
        let row = rows[0].read_lock::<Map>().unwrap();
        assert_eq!(row["numero"].to_string(), "CTR-2026-0002");
        assert_eq!(row["montant"].to_string(), "1 250,50");

        let refused = message(read_csv(&other.display().to_string(), &readable, &limits));
        assert!(
            refused.contains("n'a pas été donné sur la ligne de commande"),
            "{refused}"
        );
        let refused = message(read_csv("/etc/passwd", &readable, &limits));
        assert!(refused.contains("n'a pas été donné"), "{refused}");
    }
}
