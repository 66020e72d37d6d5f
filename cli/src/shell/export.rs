//! « Exporter vers un tableur » in the menus of a record type: every record of the list,
//! written by the core as an Excel workbook (the script function `exporter_…`, with the
//! session's rights), saved in a file the person names.

use std::io::Write;

use epic_events_api::scripts::{OutputFormat, ScriptRequest};

use super::{Answer, ApplicationError, Next, Shell};

impl Shell {
    /// Asks for a file name (`suggested` by default), then writes every record `function`
    /// exports (`exporter_clients`) there as a workbook; a file already there is replaced
    /// only once confirmed.
    pub(super) fn export(
        &mut self,
        function: &str,
        suggested: &str,
    ) -> Result<Next, ApplicationError> {
        let path = loop {
            let name = match self.ask_from(
                "Nom du fichier du classeur (.xlsx ; vide pour revenir)",
                suggested,
            )? {
                Answer::Text(name) => name,
                Answer::Cancel => return Ok(Next::Back),
                Answer::Quit => return Ok(Next::Quit),
            };
            let mut path = std::path::PathBuf::from(&name);
            if path.extension().is_none() {
                path.set_extension("xlsx");
            }
            if path.exists() {
                match self.confirm(&format!(
                    "« {} » existe déjà : le remplacer ?",
                    path.display()
                ))? {
                    Some(true) => break path,
                    Some(false) => continue,
                    None => return Ok(Next::Quit),
                }
            }
            break path;
        };
        let Some(session) = self.session()? else {
            return Ok(Next::SignedOut);
        };
        self.say("Export en cours…");
        let request = ScriptRequest {
            text: format!("{function}();"),
            format: OutputFormat::Spreadsheet,
            ..ScriptRequest::default()
        };
        let run = match self.call(self.crm.run_script(&session.token, request)) {
            Ok(run) => run,
            Err(error) => {
                self.refused(&error);
                return Ok(Next::Back);
            }
        };
        if let Err(failure) = run.result {
            self.error(&failure.to_string());
            return Ok(Next::Back);
        }
        let written = std::fs::File::create(&path).and_then(|file| {
            let mut file = std::io::BufWriter::new(file);
            let mut messages = std::io::sink();
            self.runtime
                .block_on(crate::commands::script::write_output(
                    run.output,
                    &mut file,
                    &mut messages,
                ))
                .map_err(|error| std::io::Error::other(error.to_string()))?;
            file.flush()?;
            file.get_ref().metadata()
        });
        match written {
            Ok(metadata) => self.success(&format!(
                "Classeur enregistré : {} ({}).",
                path.display(),
                crate::formatting::size(metadata.len())
            )),
            Err(error) => self.error(&format!(
                "impossible d'écrire « {} » ({})",
                path.display(),
                crate::private_directory::french_io_error(&error)
            )),
        }
        Ok(Next::Back)
    }
}
