//! `epic-events executer` and `epic-events aide`.

use std::io::Write;

use std::io::Read;

use epic_events_api::Crm;
use epic_events_api::scripts::{
    Channel, MAXIMUM_FILE_SIZE, NamedFile, OutputFormat, OutputStream, ScriptRequest,
};

use super::ApplicationError;
use super::session::stored_token;
use crate::command_line::{Format, ScriptArguments};
use crate::session_store::SessionStore;

fn output_format(format: Format) -> OutputFormat {
    match format {
        Format::Table => OutputFormat::Table,
        Format::Csv => OutputFormat::Csv,
        Format::Json => OutputFormat::Json,
        Format::CsvTableur => OutputFormat::SpreadsheetCsv,
        Format::Tableur => OutputFormat::Spreadsheet,
    }
}

/// The files the parameters name (a value naming a readable file), with their contents:
/// the client reads them and sends them with the run, at most [`MAXIMUM_FILE_SIZE`] bytes
/// and one more of each (the core refuses a larger file).
pub fn named_files(parameters: &[(String, String)]) -> Result<Vec<NamedFile>, ApplicationError> {
    let mut files: Vec<NamedFile> = Vec::new();
    for (_, value) in parameters {
        let path = std::path::Path::new(value);
        if !path.is_file() || files.iter().any(|file| file.name == *value) {
            continue;
        }
        let unreadable =
            ApplicationError::file(format!("impossible de lire le fichier « {value} »"));
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let mut contents = Vec::new();
        file.take(MAXIMUM_FILE_SIZE + 1)
            .read_to_end(&mut contents)
            .map_err(ApplicationError::file(format!(
                "impossible de lire le fichier « {value} »"
            )))?;
        files.push(NamedFile {
            name: value.clone(),
            contents,
        });
    }
    Ok(files)
}

/// Writes a run's output as it comes: results to `data`, messages to `messages`.
pub async fn write_output(
    mut output: OutputStream,
    data: &mut dyn Write,
    messages: &mut dyn Write,
) -> Result<(), ApplicationError> {
    while let Some(chunk) = futures_util::StreamExt::next(&mut output).await {
        let chunk = chunk.map_err(|error| {
            ApplicationError::Cancelled(format!(
                "enregistré, mais impossible de lire le résultat ({})",
                crate::private_directory::french_io_error(&error)
            ))
        })?;
        let written = match chunk.channel {
            Channel::Data => data.write_all(&chunk.bytes),
            Channel::Messages => messages.write_all(&chunk.bytes),
        };
        match written {
            // The reader went away (`executer … | head`): what it read is all it wanted.
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(error) => {
                return Err(ApplicationError::Cancelled(format!(
                    "enregistré, mais impossible d'écrire le résultat ({})",
                    crate::private_directory::french_io_error(&error)
                )));
            }
            Ok(()) => {}
        }
    }
    let _ = data.flush();
    let _ = messages.flush();
    Ok(())
}

/// Runs a script file as the signed-in user: results on standard output, messages on
/// standard error.
pub async fn execute(
    arguments: &ScriptArguments,
    store: &SessionStore,
    crm: &dyn Crm,
) -> Result<(), ApplicationError> {
    let text =
        std::fs::read_to_string(&arguments.fichier).map_err(ApplicationError::file(format!(
            "impossible de lire le script « {} »",
            arguments.fichier.display()
        )))?;
    // A workbook is a file's bytes, never a terminal's.
    if arguments.format == Format::Tableur
        && arguments.sortie.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(ApplicationError::Cancelled(
            "le format tableur écrit un classeur .xlsx : donnez --sortie FICHIER.xlsx, ou redirigez la sortie vers un fichier".to_owned(),
        ));
    }
    // The core checks the session when the run starts: one reading of the user.
    let token = stored_token(store)?;
    let request = ScriptRequest {
        text,
        files: named_files(&arguments.parametres)?,
        parameters: arguments.parametres.clone(),
        simulation: arguments.simulation,
        format: output_format(arguments.format),
        // Tables read at a terminal are fitted to it; piped, they keep their width.
        width: match arguments.format {
            Format::Table if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
                terminal_size::terminal_size().map(|(width, _)| width.0)
            }
            _ => None,
        },
        records_apart: false,
    };
    let run = crm.run_script(&token, request).await?;
    let outcome = run.result.map_err(ApplicationError::Script)?;
    match &arguments.sortie {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(ApplicationError::file(format!(
                "impossible d'écrire « {} »",
                path.display()
            )))?;
            let mut file = std::io::BufWriter::new(file);
            write_output(run.output, &mut file, &mut std::io::stderr()).await?;
            file.flush().map_err(ApplicationError::file(format!(
                "impossible d'écrire « {} »",
                path.display()
            )))?;
        }
        None => write_output(run.output, &mut std::io::stdout(), &mut std::io::stderr()).await?,
    }
    if let Some(summary) = outcome.summary() {
        writeln!(crate::terminal::stderr(), "{summary}")?;
    }
    Ok(())
}

/// How to call the function `name` (each of its forms) and what it does; why not, with
/// the nearest name, when there is no such function.
pub fn function_help(
    functions: &[epic_events_api::scripts::ScriptFunction],
    name: &str,
) -> Result<String, String> {
    let name = name
        .trim()
        .trim_matches(|character| matches!(character, '"' | '(' | ')'));
    let forms: Vec<_> = functions
        .iter()
        .filter(|function| function.name == name)
        .collect();
    if forms.is_empty() {
        let nearest = functions
            .iter()
            .map(|function| function.name.as_str())
            .min_by_key(|candidate| strsim::damerau_levenshtein(candidate, name))
            .filter(|candidate| strsim::damerau_levenshtein(candidate, name) <= name.len() / 3 + 1);
        return Err(match nearest {
            Some(nearest) => format!(
                "aucune fonction « {name} » ; vouliez-vous dire {nearest} ? (« aide » les liste toutes)"
            ),
            None => format!("aucune fonction « {name} » (« aide » les liste toutes)"),
        });
    }
    let mut text = String::new();
    for form in forms {
        text.push_str(&format!("{}\n    {}\n", form.signature, form.description));
    }
    Ok(text)
}

/// Prints the script functions with their descriptions.
pub async fn help(crm: &dyn Crm, output: &mut dyn Write) -> Result<(), ApplicationError> {
    write!(output, "{}", crm.script_help().await?)?;
    Ok(())
}
