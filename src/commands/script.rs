//! `epic-events executer` and `epic-events aide`.

use std::io::Write;

use super::ApplicationError;
use super::session::signed_in;
use crate::command_line::{Format, ScriptArguments};
use crate::config::Configuration;
use crate::scripting::output::{OutputFormat, ScriptOutput};
use crate::scripting::runner::{self, ScriptRun};
use crate::scripting::{api, sandbox::ScriptLimits};

fn output_format(format: Format) -> OutputFormat {
    match format {
        Format::Table => OutputFormat::Table,
        Format::Csv => OutputFormat::Csv,
        Format::Json => OutputFormat::Json,
    }
}

/// Runs a script file as the signed-in user: results on standard output, messages on
/// standard error.
pub async fn execute(
    arguments: &ScriptArguments,
    configuration: &Configuration,
) -> Result<(), ApplicationError> {
    let source =
        std::fs::read_to_string(&arguments.fichier).map_err(ApplicationError::file(format!(
            "impossible de lire le script « {} »",
            arguments.fichier.display()
        )))?;
    let (core, user) = signed_in(configuration).await?;
    let output = ScriptOutput::new(
        output_format(arguments.format),
        Box::new(std::io::stdout()),
        Box::new(std::io::stderr()),
    );
    let run = ScriptRun {
        source,
        parameters: arguments.parametres.clone(),
        simulation: arguments.simulation,
        limits: ScriptLimits::default(),
    };
    let outcome = runner::run(&core, user, run, output)
        .await
        .map_err(ApplicationError::Script)?;
    if let Some(summary) = outcome.summary() {
        writeln!(crate::terminal::stderr(), "{summary}")?;
    }
    Ok(())
}

/// Prints the script functions with their descriptions.
pub fn help(output: &mut dyn Write) -> Result<(), ApplicationError> {
    write!(output, "{}", api::help())?;
    Ok(())
}
