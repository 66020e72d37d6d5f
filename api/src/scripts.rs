//! Script runs: what a client sends (the script's text, its parameters, the contents of
//! the files it names) and what the core answers (the output, in order, and what the run
//! changed or why it stopped).

use serde::{Deserialize, Serialize};

use crate::vocabulary::Resource;

/// What happened to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChangeKind {
    /// The record was created.
    Created,
    /// One or more of its fields changed.
    Modified,
    /// The record was deleted.
    Deleted,
}

impl ChangeKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [ChangeKind; 3] = [
        ChangeKind::Created,
        ChangeKind::Modified,
        ChangeKind::Deleted,
    ];

    /// The French past participle, masculine: « créé », « modifié », « supprimé ».
    pub fn french_participle(self) -> &'static str {
        match self {
            ChangeKind::Created => "créé",
            ChangeKind::Modified => "modifié",
            ChangeKind::Deleted => "supprimé",
        }
    }
}

/// One write of the core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The kind of record.
    pub resource: Resource,
    /// What happened to it.
    pub kind: ChangeKind,
    /// Its id.
    pub id: i32,
    /// How users know it: a number (`CTR-2026-0001`), a company, a username.
    pub label: String,
}

/// A script to run, as the client sends it. Its `Debug` shows neither the text nor the
/// parameters' values (a script creating an account holds a password).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptRequest {
    /// The script's text.
    pub text: String,
    /// The `clé=valeur` parameters, readable as `parametres.clé`.
    pub parameters: Vec<(String, String)>,
    /// The files the parameters name (a value naming a readable file), with their
    /// contents: what `lire_csv` reads. The client reads them; the core never opens a
    /// file of the client's.
    pub files: Vec<NamedFile>,
    /// Run, then roll back and report what would have changed.
    pub simulation: bool,
    /// How results are written.
    pub format: OutputFormat,
    /// The width of the terminal the tables and cards are read on, to fit them to it
    /// (free text shortened, identifiers, amounts and dates never cut); `None` when the
    /// output is not a terminal: tables keep their natural width.
    #[serde(default)]
    pub width: Option<u16>,
    /// A final value that is a list of users, customers, contracts or events is not
    /// written but answered apart ([`ScriptOutcome::records`]), for the shell to show it
    /// as its own lists: paged, each row opening its record's screen.
    #[serde(default)]
    pub records_apart: bool,
}

/// The largest file a client sends with a run (`lire_csv` reads at most this much; the
/// core refuses larger files): 64 Mio.
pub const MAXIMUM_FILE_SIZE: u64 = 64 << 20;

impl std::fmt::Debug for ScriptRequest {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parameters: Vec<&str> = self
            .parameters
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        formatter
            .debug_struct("ScriptRequest")
            .field("text_length", &self.text.len())
            .field("parameters", &parameters)
            .field("files", &self.files)
            .field("simulation", &self.simulation)
            .field("format", &self.format)
            .field("width", &self.width)
            .field("records_apart", &self.records_apart)
            .finish()
    }
}

/// A file a script's parameter names, and its contents.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedFile {
    /// The name the parameter gives (`paiements.csv`).
    pub name: String,
    /// Its bytes, as read by the client (base64 text in JSON).
    #[serde(with = "base64_text")]
    pub contents: Vec<u8>,
}

/// Bytes as base64 text, the way files cross the API.
mod base64_text {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Debug for NamedFile {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NamedFile")
            .field("name", &self.name)
            .field("length", &self.contents.len())
            .finish()
    }
}

/// How a run writes its results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutputFormat {
    /// Tables for a person.
    #[default]
    Table,
    /// Comma-separated values with a header line; tables separated by an empty line.
    Csv,
    /// One JSON array of objects per table.
    Json,
    /// CSV for a French spreadsheet: `;` between cells, a byte order mark, decimal
    /// commas, dates in the session's zone (`JJ/MM/AAAA HH:MM`), `oui`/`non`, headers in
    /// words, no internal ids.
    SpreadsheetCsv,
    /// An Excel workbook (`.xlsx`), a sheet per table: typed cells (amounts as numbers in
    /// euros, dates as dates in the session's zone, `oui`/`non`), headers in words, no
    /// internal ids.
    Spreadsheet,
}

impl OutputFormat {
    /// Whether its results are for a spreadsheet (French headers, no internal ids).
    pub fn is_for_spreadsheets(self) -> bool {
        matches!(
            self,
            OutputFormat::SpreadsheetCsv | OutputFormat::Spreadsheet
        )
    }
}

/// Which output a piece of a run's output is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Results (standard output of `executer`).
    Data,
    /// Messages and printed lines (standard error of `executer` in CSV/JSON).
    Messages,
}

/// A piece of a run's output, in the order the run wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputChunk {
    /// Which output.
    pub channel: Channel,
    /// What was written (UTF-8 text, already neutralised by the core for a terminal).
    pub bytes: Vec<u8>,
}

/// A run's output, read piece by piece once the run is over: an export of any size is
/// never held whole (the core keeps it on disk beyond a megabyte), and a remote client
/// reads it as the response body arrives.
pub type OutputStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<OutputChunk>> + Send>>;

/// A run the core carried out: how it ended, and its output (empty when it stopped:
/// nothing of a stopped run is shown but its error).
pub struct ScriptRun {
    /// What the run changed (or, in a simulation, would have), or why it stopped.
    pub result: Result<ScriptOutcome, ScriptFailure>,
    /// Its output, in order.
    pub output: OutputStream,
}

impl std::fmt::Debug for ScriptRun {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ScriptRun")
            .field("result", &self.result)
            .finish_non_exhaustive()
    }
}

/// What a run did (or, in a simulation, would have done).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptOutcome {
    /// Every write, in order.
    pub changes: Vec<Change>,
    /// Whether the writes were committed (not in a simulation).
    pub committed: bool,
    /// The run's final value, when it was asked apart ([`ScriptRequest::records_apart`])
    /// and is a list of records of one kind.
    #[serde(default)]
    pub records: Option<ListedRecords>,
}

/// A list of records of one kind, as a command's final value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListedRecords {
    /// Users.
    Users(Vec<crate::records::UserRow>),
    /// Customers.
    Customers(Vec<crate::records::CustomerRow>),
    /// Contracts.
    Contracts(Vec<crate::records::ContractRow>),
    /// Events.
    Events(Vec<crate::records::EventRow>),
}

/// A run that stopped: nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}{}", line.map(|line| format!(" (ligne {line})")).unwrap_or_default())]
pub struct ScriptFailure {
    /// Why, in French: the core's own message for a refusal.
    pub message: String,
    /// The script line where it stopped, when known.
    pub line: Option<usize>,
    /// How many records the run had changed before it stopped: changes undone (none
    /// for a run that only read).
    pub undone_changes: usize,
}

fn plural(count: usize, singular: &str) -> String {
    if count > 1 {
        format!("{count} {singular}s")
    } else {
        format!("{count} {singular}")
    }
}

/// How many labels a summary line lists before « … et N autres ».
const LISTED_LABELS: usize = 10;

impl ScriptOutcome {
    /// The changes as French lines, one per kind of record and of change: « modifié 2
    /// contrats : CTR-2026-0002, CTR-2026-0005 ». A record changed twice counts once.
    pub fn change_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for resource in Resource::ALL {
            for kind in ChangeKind::ALL {
                let mut seen = std::collections::HashSet::new();
                let mut labels: Vec<(i32, &str)> = Vec::new();
                for change in &self.changes {
                    if change.resource == resource && change.kind == kind && seen.insert(change.id)
                    {
                        labels.push((change.id, &change.label));
                    }
                }
                if labels.is_empty() {
                    continue;
                }
                let listed: Vec<&str> = labels
                    .iter()
                    .take(LISTED_LABELS)
                    .map(|(_, label)| *label)
                    .collect();
                let others = labels.len().saturating_sub(LISTED_LABELS);
                let more = if others > 0 {
                    format!(" … et {others} autres")
                } else {
                    String::new()
                };
                lines.push(format!(
                    "{} {} : {}{more}",
                    kind.french_participle(),
                    plural(labels.len(), resource.french_noun()),
                    listed.join(", ")
                ));
            }
        }
        lines
    }

    /// What to tell the user once the run is over, or `None` when a committed run changed
    /// nothing (a report).
    pub fn summary(&self) -> Option<String> {
        let lines = self.change_lines();
        match (self.committed, lines.is_empty()) {
            (true, true) => None,
            (true, false) => Some(format!("Enregistré :\n- {}", lines.join("\n- "))),
            (false, true) => Some(
                "Simulation : rien n'a été enregistré ; le script ne modifierait rien.".to_owned(),
            ),
            (false, false) => Some(format!(
                "Simulation : rien n'a été enregistré. Le script aurait :\n- {}",
                lines.join("\n- ")
            )),
        }
    }
}

/// What a line typed at a menu is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recognised {
    /// A command, to run.
    Command,
    /// Not a command; the nearest command (`mes_contrats()`), when one is close.
    NotACommand {
        /// The nearest command, when one is close.
        nearest: Option<String>,
    },
}

/// A function scripts and typed commands call, as help and completion show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptFunction {
    /// Its name (`creer_client`).
    pub name: String,
    /// How it is called (`creer_client(#{prenom, nom, …})`).
    pub signature: String,
    /// What it does, in French.
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Resource;

    fn change(resource: Resource, kind: ChangeKind, id: i32, label: &str) -> Change {
        Change {
            resource,
            kind,
            id,
            label: label.to_owned(),
        }
    }

    #[test]
    fn a_requests_debug_shows_no_text_nor_value() {
        let request = ScriptRequest {
            text: r#"creer_utilisateur(#{mot_de_passe: "secret-12-caracteres"})"#.into(),
            parameters: vec![("cle".into(), "valeur-cachee".into())],
            ..ScriptRequest::default()
        };
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("valeur-cachee"),
            "{shown}"
        );
        assert!(shown.contains("cle"), "{shown}");
    }

    #[test]
    fn summaries_group_records_by_kind() {
        let outcome = ScriptOutcome {
            changes: vec![
                change(Resource::Event, ChangeKind::Modified, 1, "EVT-2026-0001"),
                change(Resource::Contract, ChangeKind::Modified, 2, "CTR-2026-0002"),
                change(Resource::Event, ChangeKind::Modified, 4, "EVT-2026-0004"),
                change(Resource::Event, ChangeKind::Modified, 1, "EVT-2026-0001"),
            ],
            committed: false,
            records: None,
        };
        assert_eq!(
            outcome.summary().unwrap(),
            "Simulation : rien n'a été enregistré. Le script aurait :\n\
             - modifié 1 contrat : CTR-2026-0002\n\
             - modifié 2 évènements : EVT-2026-0001, EVT-2026-0004"
        );
        let report = ScriptOutcome {
            changes: Vec::new(),
            committed: true,
            records: None,
        };
        assert_eq!(report.summary(), None);
    }
}
