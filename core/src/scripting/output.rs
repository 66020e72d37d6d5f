//! What a script shows: tables for a person (tabled, French amounts and dates), or CSV and
//! JSON for other tools (exact amounts as text, RFC 3339 dates).
//!
//! Results (`afficher(…)` and the script's final value) go to the data output, standard
//! output for the command. Messages go to standard error, and so do the lines a script
//! prints when the data output is CSV or JSON, so that it stays machine-readable.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use rhai::Dynamic;
use rust_decimal::Decimal;

use super::files::CsvLine;
use super::records::{ScriptDate, ScriptRecord, record_fields};
use crate::catalogue::{Catalogue, Value};
use crate::formatting;
use epic_events_api::terminal::Terminal;

pub use epic_events_api::scripts::OutputFormat;

/// A value in a table, typed so that each format shows it its own way.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Decimal(Decimal),
    Boolean(bool),
    Date(DateTime<Utc>),
}

impl From<Value> for Cell {
    /// A record's field as a cell, as it would be once held by a script (see
    /// [`super::records::dynamic`]), without going through rhai.
    fn from(value: Value) -> Cell {
        match value {
            Value::Number(number) => Cell::Integer(number),
            Value::Text(text) | Value::Phone(text) => Cell::Text(text),
            Value::Money(amount) => Cell::Decimal(amount.amount()),
            Value::Decimal(amount) => Cell::Decimal(amount),
            Value::Moment(moment) => Cell::Date(moment),
            Value::YesNo(yes) => Cell::Boolean(yes),
            Value::Nothing => Cell::Empty,
        }
    }
}

impl Cell {
    fn from_value(value: &Dynamic) -> Cell {
        if value.is_unit() {
            Cell::Empty
        } else if let Ok(integer) = value.as_int() {
            Cell::Integer(integer)
        } else if let Ok(decimal) = value.as_decimal() {
            Cell::Decimal(decimal)
        } else if let Ok(boolean) = value.as_bool() {
            Cell::Boolean(boolean)
        } else if let Some(date) = value.read_lock::<ScriptDate>() {
            Cell::Date(date.0)
        } else if value.is_string() {
            Cell::Text(value.to_string())
        } else {
            Cell::Text(display(value))
        }
    }

    fn for_person(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => formatting::neutralise_control_characters(text).into_owned(),
            Cell::Integer(integer) => integer.to_string(),
            Cell::Decimal(decimal) => formatting::euros(*decimal),
            Cell::Boolean(true) => "oui".to_owned(),
            Cell::Boolean(false) => "non".to_owned(),
            Cell::Date(date) => formatting::date_time_in(*date, super::zone::current()),
        }
    }

    fn for_tools(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Integer(integer) => integer.to_string(),
            Cell::Decimal(decimal) => decimal.to_string(),
            Cell::Boolean(boolean) => boolean.to_string(),
            Cell::Date(date) => date.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }

    /// A cell of CSV for a French spreadsheet: decimal commas, dates in the run's zone,
    /// `oui`/`non`, text made safe.
    fn for_spreadsheet_csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => formatting::spreadsheet_safe(text).into_owned(),
            Cell::Integer(integer) => integer.to_string(),
            Cell::Decimal(decimal) => decimal.to_string().replace('.', ","),
            Cell::Boolean(boolean) => formatting::yes_no(*boolean).to_owned(),
            Cell::Date(date) => formatting::date_time_in(*date, super::zone::current()),
        }
    }

    /// A CSV cell: as for tools, text made safe for a spreadsheet (borrowed when it is
    /// already).
    fn for_csv(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(text) => formatting::spreadsheet_safe(text),
            other => other.for_tools().into(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Integer(integer) => (*integer).into(),
            Cell::Boolean(boolean) => (*boolean).into(),
            // Exact: a JSON number would become a float in most readers.
            other => other.for_tools().into(),
        }
    }

    fn is_number(&self) -> bool {
        matches!(self, Cell::Integer(_) | Cell::Decimal(_))
    }
}

/// How a value that is not a table shows: records by their summary, the rest by rhai.
fn display(value: &Dynamic) -> String {
    if let Some(date) = value.read_lock::<ScriptDate>() {
        return date.to_string();
    }
    value.to_string()
}

/// The header of the column `name` for a person: a record field's header from its
/// catalogue (`reste_a_payer` → `reste à payer`), or the words of a key the script made up.
fn column_header(name: &str) -> String {
    crate::catalogue::header_of_key(name)
        .map_or_else(|| formatting::identifier_words(name), str::to_owned)
}

/// Rows with named columns.
#[derive(Debug, Default, PartialEq)]
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// Whether the script chose its columns (`afficher(liste, colonnes)`): a person then
    /// sees them all, internal numbers included.
    chosen: bool,
}

/// A value of a row, made a cell only if its column is shown.
enum RowValue {
    /// A record's field.
    Field(Value),
    /// A CSV line's text.
    Text(String),
    /// A value of a map, or a plain value.
    Script(Dynamic),
}

impl RowValue {
    fn into_cell(self) -> Cell {
        match self {
            RowValue::Field(value) => Cell::from(value),
            RowValue::Text(text) => Cell::Text(text),
            RowValue::Script(value) => Cell::from_value(&value),
        }
    }
}

/// The named values of one row, or `None` for a value that is not a record or a map;
/// only those `chosen`, when some are.
fn row_fields(
    value: &Dynamic,
    chosen: Option<&[String]>,
) -> Option<Vec<(Cow<'static, str>, RowValue)>> {
    let is_chosen =
        |name: &str| chosen.is_none_or(|chosen| chosen.iter().any(|column| column == name));
    if let Some(fields) = record_fields(value, chosen) {
        return Some(
            fields
                .into_iter()
                .map(|(name, value)| (Cow::Borrowed(name), RowValue::Field(value)))
                .collect(),
        );
    }
    if let Some(line) = value.read_lock::<CsvLine>() {
        return Some(
            line.fields()
                .filter(|(name, _)| is_chosen(name))
                .map(|(name, text)| (Cow::Owned(name.to_owned()), RowValue::Text(text.to_owned())))
                .collect(),
        );
    }
    let map = value.read_lock::<rhai::Map>()?;
    Some(
        map.iter()
            .filter(|(name, _)| is_chosen(name))
            .map(|(name, value)| {
                (
                    Cow::Owned(name.to_string()),
                    RowValue::Script(value.clone()),
                )
            })
            .collect(),
    )
}

/// Every column of the rows `items`, each once, in the order first met.
fn every_column(items: &[Dynamic]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for item in items {
        let names: Vec<Cow<'static, str>> = match row_fields(item, None) {
            Some(fields) => fields.into_iter().map(|(name, _)| name).collect(),
            None => vec![Cow::Borrowed("valeur")],
        };
        for name in names {
            if !found.iter().any(|known| *known == name) {
                found.push(name.into_owned());
            }
        }
    }
    found
}

impl Table {
    /// `value` as a table: an array of records or maps (one row each), an array of plain
    /// values (one column, « valeur »), or a single record or map (one row). `None` for a
    /// plain value. `columns` chooses and orders the columns.
    fn from_value(value: &Dynamic, columns: Option<&[String]>) -> Result<Option<Table>, String> {
        let chosen_columns = columns.is_some();
        // The items are read where they are, not copied.
        let array = value.read_lock::<rhai::Array>();
        let items: &[Dynamic] = match &array {
            Some(array) => array.as_slice(),
            None if row_fields(value, columns).is_some() => std::slice::from_ref(value),
            None => return Ok(None),
        };
        // Bounded before any cell is made: a table is at most so many cells, whatever its
        // rows hold.
        let width = columns.map_or_else(
            || {
                items
                    .iter()
                    .take(100)
                    .map(|item| row_fields(item, None).map_or(1, |fields| fields.len()))
                    .max()
                    .unwrap_or(0)
            },
            <[String]>::len,
        );
        if items.len().saturating_mul(width.max(1)) > MAXIMUM_TABLE_CELLS {
            return Err(too_many_cells());
        }
        let named_rows: Vec<Vec<(Cow<'static, str>, RowValue)>> = items
            .iter()
            .map(|item| {
                row_fields(item, columns).unwrap_or_else(|| {
                    vec![(Cow::Borrowed("valeur"), RowValue::Script(item.clone()))]
                })
            })
            .collect();
        // Each column once, in the order first met.
        let mut found: Vec<String> = Vec::new();
        let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for row in &named_rows {
            for (name, _) in row {
                if known.insert(name) {
                    found.push(name.clone().into_owned());
                }
            }
        }
        let columns = match columns {
            None => found,
            Some(chosen) => {
                if !named_rows.is_empty()
                    && let Some(unknown) = chosen.iter().find(|name| !known.contains(name.as_str()))
                {
                    return Err(format!(
                        "afficher : colonne inconnue « {unknown} » (colonnes : {})",
                        every_column(items).join(", ")
                    ));
                }
                chosen.to_vec()
            }
        };
        if named_rows.len().saturating_mul(columns.len().max(1)) > MAXIMUM_TABLE_CELLS {
            return Err(too_many_cells());
        }
        let position: std::collections::HashMap<&str, usize> = columns
            .iter()
            .enumerate()
            .map(|(index, column)| (column.as_str(), index))
            .collect();
        // Where each value of a row goes, kept while the rows name the same fields in the
        // same order (records of one kind): looked up once, not for every row.
        let mut layout: Vec<(Cow<'static, str>, Option<usize>)> = Vec::new();
        let rows = named_rows
            .into_iter()
            .map(|row| {
                let same_layout = layout.len() == row.len()
                    && layout
                        .iter()
                        .zip(&row)
                        .all(|((known, _), (name, _))| known == name);
                if !same_layout {
                    layout = row
                        .iter()
                        .map(|(name, _)| (name.clone(), position.get(name.as_ref()).copied()))
                        .collect();
                }
                let mut cells = vec![Cell::Empty; columns.len()];
                for ((_, index), (_, value)) in layout.iter().zip(row) {
                    if let Some(index) = index {
                        cells[*index] = value.into_cell();
                    }
                }
                cells
            })
            .collect();
        Ok(Some(Table {
            columns,
            rows,
            chosen: chosen_columns,
        }))
    }

    /// How many cells it has.
    fn cells(&self) -> usize {
        self.rows.len() * self.columns.len()
    }

    /// Its one row as a card: « Header : value », one field a line.
    /// The columns a person sees: when the script did not choose them, not the internal
    /// numbers of related records (`client_id`), nor the record's own when it has one
    /// people know it by (`numero`: `CTR-…`, `EVT-…`).
    fn person_columns(&self) -> Vec<usize> {
        if self.chosen {
            return (0..self.columns.len()).collect();
        }
        let numbered = self.columns.iter().any(|column| column == "numero");
        (0..self.columns.len())
            .filter(|index| {
                let column = &self.columns[*index];
                let internal = column.ends_with("_id") || (numbered && column == "id");
                !internal
            })
            .collect()
    }

    /// The cell of `column` for a person: phone numbers formatted (`+33 1 42 00 00 01`).
    fn person_cell(column: &str, cell: &Cell) -> String {
        match cell {
            Cell::Text(text) if column.starts_with("telephone") => {
                formatting::neutralise_control_characters(&formatting::phone(text)).into_owned()
            }
            other => other.for_person(),
        }
    }

    fn card_for_person(&self, width: Option<usize>) -> String {
        let fields: Vec<(String, String)> = self
            .person_columns()
            .into_iter()
            .map(|index| {
                let column = &self.columns[index];
                // A card's labels are the screens' (« adresse e-mail »), a table's headers
                // short.
                let label = crate::catalogue::label_of_key(column)
                    .map_or_else(|| column_header(column), str::to_owned);
                (
                    formatting::capitalised(&label),
                    Self::person_cell(column, &self.rows[0][index]),
                )
            })
            .collect();
        formatting::fitted_card(&fields, width)
            .trim_end()
            .to_owned()
    }

    fn for_person(&self, width: Option<usize>) -> String {
        if self.rows.is_empty() {
            return "(aucun résultat)".to_owned();
        }
        let shown = self.person_columns();
        let headers: Vec<String> = shown
            .iter()
            .map(|index| column_header(&self.columns[*index]))
            .collect();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                shown
                    .iter()
                    .map(|index| Self::person_cell(&self.columns[*index], &row[*index]))
                    .collect()
            })
            .collect();
        let numeric: Vec<bool> = shown
            .iter()
            .map(|&index| {
                self.rows
                    .iter()
                    .map(|row| &row[index])
                    .filter(|cell| **cell != Cell::Empty)
                    .all(Cell::is_number)
            })
            .collect();
        formatting::table(&headers, &rows, &numeric, width)
    }

    fn write_csv(&self, output: &mut dyn Write, with_header: bool) -> std::io::Result<()> {
        if self.columns.is_empty() {
            // An empty list whose columns nobody named: nothing to write.
            return Ok(());
        }
        let mut writer = csv::Writer::from_writer(output);
        if with_header {
            writer.write_record(
                self.columns
                    .iter()
                    .map(|column| formatting::spreadsheet_safe(column).into_owned()),
            )?;
        }
        for row in &self.rows {
            // Field by field, so that a cell already safe is written from where it is.
            for cell in row {
                writer.write_field(cell.for_csv().as_bytes())?;
            }
            writer.write_record(None::<&[u8]>)?;
        }
        writer.flush()
    }

    /// The columns a spreadsheet shows: all but internal ids (`id`, `…_id`).
    fn spreadsheet_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|index| {
                let column = &self.columns[*index];
                column != "id" && !column.ends_with("_id")
            })
            .collect()
    }

    /// The header of a spreadsheet's column: in words, capitalised.
    fn spreadsheet_header(&self, index: usize) -> String {
        formatting::capitalised(&column_header(&self.columns[index]))
    }

    fn write_spreadsheet_csv(
        &self,
        output: &mut dyn Write,
        with_header: bool,
    ) -> std::io::Result<()> {
        let kept = self.spreadsheet_columns();
        if kept.is_empty() {
            return Ok(());
        }
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(output);
        if with_header {
            writer.write_record(kept.iter().map(|index| {
                formatting::spreadsheet_safe(&self.spreadsheet_header(*index)).into_owned()
            }))?;
        }
        for row in &self.rows {
            writer.write_record(kept.iter().map(|index| row[*index].for_spreadsheet_csv()))?;
        }
        writer.flush()
    }

    fn json_objects(&self) -> impl Iterator<Item = serde_json::Value> + '_ {
        self.rows.iter().map(|row| {
            serde_json::Value::Object(
                self.columns
                    .iter()
                    .cloned()
                    .zip(row.iter().map(Cell::to_json))
                    .collect(),
            )
        })
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(self.json_objects().collect())
    }
}

/// The most cells `afficher` writes in one table (an export writes any size).
pub const MAXIMUM_TABLE_CELLS: usize = 2_000_000;

/// The refusal of a table past [`MAXIMUM_TABLE_CELLS`].
fn too_many_cells() -> String {
    format!(
        "afficher : le tableau dépasserait {MAXIMUM_TABLE_CELLS} cases ; choisissez des colonnes, ou écrivez la liste avec un export"
    )
}

/// A result that could not be written, in French: the output's limit says so.
fn written_error(error: &std::io::Error) -> String {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<super::spool::OutputTooLarge>())
    {
        Some(too_large) => too_large.to_string(),
        None => format!(
            "impossible d'écrire le résultat ({})",
            crate::errors::french_io_error(error)
        ),
    }
}

/// Where a run writes, and how.
pub struct ScriptOutput {
    format: OutputFormat,
    /// The terminal's width tables and cards are fitted to, if they are read at one.
    width: Option<usize>,
    /// The workbook being written (`OutputFormat::Spreadsheet`), written out at the end;
    /// boxed, so that an output (held by the run's futures) stays small.
    book: Option<Box<Book>>,
    /// Whether CSV for a spreadsheet has begun with its byte order mark.
    marked: bool,
    data: Box<dyn Write + Send>,
    messages: Box<dyn Write + Send>,
    results_written: usize,
}

impl ScriptOutput {
    /// Results in `format` to `data`; messages to `messages`. Tables and messages, for a
    /// person, go through [`Terminal`]; CSV and JSON, for other tools, keep their own rules.
    pub fn new(
        format: OutputFormat,
        data: Box<dyn Write + Send>,
        messages: Box<dyn Write + Send>,
    ) -> Self {
        let data: Box<dyn Write + Send> = match format {
            OutputFormat::Table => Box::new(Terminal::new(data)),
            OutputFormat::Csv
            | OutputFormat::Json
            | OutputFormat::SpreadsheetCsv
            | OutputFormat::Spreadsheet => data,
        };
        Self {
            format,
            width: None,
            book: None,
            marked: false,
            data,
            messages: Box::new(Terminal::new(messages)),
            results_written: 0,
        }
    }

    /// The same output, its tables and cards fitted to `width` columns (a terminal's).
    pub fn fitted_to(self, width: Option<usize>) -> Self {
        Self { width, ..self }
    }

    /// A line the script printed: with the results on a table output, with the messages
    /// otherwise.
    pub fn printed_line(&mut self, text: &str) -> std::io::Result<()> {
        let text = formatting::neutralise_control_characters(text);
        match self.format {
            OutputFormat::Table => writeln!(self.data, "{text}"),
            OutputFormat::Csv
            | OutputFormat::Json
            | OutputFormat::SpreadsheetCsv
            | OutputFormat::Spreadsheet => writeln!(self.messages, "{text}"),
        }
    }

    /// A message about the run (never data).
    pub fn message(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.messages, "{text}")
    }

    /// Writes `value` as a result; `columns` chooses the columns of a table. The number of
    /// cells written (the work done); an error names what is wrong with `columns`, or a
    /// table too large to write.
    pub fn result(&mut self, value: &Dynamic, columns: Option<&[String]>) -> Result<usize, String> {
        if value.is_unit() {
            return Ok(0);
        }
        let table = Table::from_value(value, columns)?;
        let cells = table.as_ref().map_or(1, Table::cells);
        let first = self.results_written == 0;
        self.results_written += 1;
        // One record (not a list of one) reads as a card, one field a line.
        let single = value.read_lock::<rhai::Array>().is_none();
        let written = match (self.format, table) {
            (OutputFormat::Table, Some(table)) if single && table.rows.len() == 1 => {
                writeln!(self.data, "{}", table.card_for_person(self.width))
            }
            (OutputFormat::Table, Some(table)) => {
                writeln!(self.data, "{}", table.for_person(self.width))
            }
            (OutputFormat::Table, None) => writeln!(
                self.data,
                "{}",
                formatting::neutralise_control_characters(&Cell::from_value(value).for_person())
            ),
            (OutputFormat::Csv, table) => {
                if !first {
                    let _ = writeln!(self.data);
                }
                let table = table.unwrap_or_else(|| Table {
                    columns: vec!["valeur".to_owned()],
                    rows: vec![vec![Cell::from_value(value)]],
                    chosen: false,
                });
                table.write_csv(&mut self.data, true)
            }
            (format @ (OutputFormat::SpreadsheetCsv | OutputFormat::Spreadsheet), table) => {
                let table = table.unwrap_or_else(|| Table {
                    columns: vec!["valeur".to_owned()],
                    rows: vec![vec![Cell::from_value(value)]],
                    chosen: false,
                });
                self.for_spreadsheet(format, &table, true, !first)
            }
            (OutputFormat::Json, table) => {
                let json = match table {
                    Some(table) => table.to_json(),
                    None => Cell::from_value(value).to_json(),
                };
                serde_json::to_string_pretty(&json)
                    .map_err(std::io::Error::from)
                    .and_then(|text| writeln!(self.data, "{}", formatting::json_escaped(text)))
            }
        };
        written
            .map(|()| cells)
            .map_err(|error| written_error(&error))
    }

    /// Writes the list `value` with `columns` and, under it, its `total` (a map of some
    /// of those columns): for a person and in CSV, a last row (a spreadsheet's habit); in
    /// JSON, an object `{"lignes": […], "total": {…}}`, so that a tool summing the rows
    /// never counts the total as one of them.
    pub fn result_with_total(
        &mut self,
        value: &Dynamic,
        columns: &[String],
        total: &rhai::Map,
    ) -> Result<usize, String> {
        let Some(mut table) = Table::from_value(value, Some(columns))? else {
            return Err("afficher : le total va avec une liste de lignes".to_owned());
        };
        if let Some(unknown) = total
            .keys()
            .find(|key| !columns.iter().any(|column| column == key.as_str()))
        {
            return Err(format!(
                "afficher : le total a une colonne « {unknown} » qui n'est pas affichée"
            ));
        }
        let total_row: Vec<Cell> = columns
            .iter()
            .map(|column| {
                total
                    .get(column.as_str())
                    .map_or(Cell::Empty, Cell::from_value)
            })
            .collect();
        let cells = table.cells() + columns.len();
        let first = self.results_written == 0;
        self.results_written += 1;
        let written = match self.format {
            OutputFormat::Json => {
                let json = serde_json::json!({
                    "lignes": table.to_json(),
                    "total": serde_json::Value::Object(
                        columns
                            .iter()
                            .cloned()
                            .zip(total_row.iter().map(Cell::to_json))
                            .collect(),
                    ),
                });
                serde_json::to_string_pretty(&json)
                    .map_err(std::io::Error::from)
                    .and_then(|text| writeln!(self.data, "{}", formatting::json_escaped(text)))
            }
            OutputFormat::Csv => {
                if !first {
                    let _ = writeln!(self.data);
                }
                table.rows.push(total_row);
                table.write_csv(&mut self.data, true)
            }
            OutputFormat::Table => {
                table.rows.push(total_row);
                writeln!(self.data, "{}", table.for_person(self.width))
            }
            format @ (OutputFormat::SpreadsheetCsv | OutputFormat::Spreadsheet) => {
                table.rows.push(total_row);
                self.for_spreadsheet(format, &table, true, !first)
            }
        };
        written
            .map(|()| cells)
            .map_err(|error| written_error(&error))
    }

    /// Writes one page of records of a list streamed page by page, `first` and `last`
    /// saying where the page stands, so that a long export never sits whole in memory: one
    /// CSV header, one JSON array, and a table per page for a person.
    pub fn streamed_records<T: ScriptRecord>(
        &mut self,
        records: &[T],
        first: bool,
        last: bool,
    ) -> Result<(), String> {
        let table = Table {
            columns: T::Field::ALL
                .iter()
                .map(|field| field.key().to_owned())
                .collect(),
            rows: records
                .iter()
                .map(|record| {
                    T::Field::ALL
                        .iter()
                        .map(|field| Cell::from(field.read(record)))
                        .collect()
                })
                .collect(),
            chosen: false,
        };
        let written = match self.format {
            OutputFormat::Table if table.rows.is_empty() && !first => Ok(()),
            OutputFormat::Table => writeln!(self.data, "{}", table.for_person(self.width)),
            OutputFormat::Csv => {
                if first && self.results_written > 0 {
                    let _ = writeln!(self.data);
                }
                table.write_csv(&mut self.data, first)
            }
            format @ (OutputFormat::SpreadsheetCsv | OutputFormat::Spreadsheet) => {
                let after_another = first && self.results_written > 0;
                self.for_spreadsheet(format, &table, first, after_another)
            }
            OutputFormat::Json => {
                let mut text = String::new();
                for (index, object) in table.json_objects().enumerate() {
                    if index > 0 || !first {
                        text.push_str(",\n");
                    }
                    text.push_str(&formatting::json_escaped(object.to_string()));
                }
                let opening = if first { "[\n" } else { "" };
                let closing = if last { "\n]\n" } else { "" };
                write!(self.data, "{opening}{text}{closing}")
            }
        };
        if last {
            self.results_written += 1;
        }
        written.map_err(|error| written_error(&error))
    }

    /// The format and the two outputs, to write elsewhere in the same format.
    pub fn into_parts(self) -> (OutputFormat, Box<dyn Write + Send>, Box<dyn Write + Send>) {
        (self.format, self.data, self.messages)
    }

    /// Writes `table` for a spreadsheet: in CSV after the byte order mark (once), an
    /// empty line between tables (`after_another`); in a workbook, on a new sheet when
    /// `starting` (else on the sheet begun).
    fn for_spreadsheet(
        &mut self,
        format: OutputFormat,
        table: &Table,
        starting: bool,
        after_another: bool,
    ) -> std::io::Result<()> {
        if format == OutputFormat::Spreadsheet {
            let book = self.book.get_or_insert_with(|| Box::new(Book::new()));
            if starting {
                book.start_sheet(table).map_err(std::io::Error::other)?;
            }
            return book.append(table).map_err(std::io::Error::other);
        }
        if !self.marked {
            self.data.write_all("\u{feff}".as_bytes())?;
            self.marked = true;
        }
        if after_another {
            writeln!(self.data)?;
        }
        table.write_spreadsheet_csv(&mut self.data, starting)
    }

    /// Flushes both outputs; a workbook is written whole, once, at the first flush after
    /// its last table (the run's end).
    pub fn flush(&mut self) -> std::io::Result<()> {
        if self.format == OutputFormat::Spreadsheet {
            let book = self.book.take().unwrap_or_else(|| Box::new(Book::new()));
            let bytes = book.into_bytes().map_err(std::io::Error::other)?;
            self.data.write_all(&bytes)?;
            // Written: a later flush writes nothing more.
            self.format = OutputFormat::SpreadsheetCsv;
            self.marked = true;
        }
        self.data.flush()?;
        self.messages.flush()
    }
}

/// An Excel workbook being written: a sheet per table, rows written in order to temporary
/// files (rust_xlsxwriter's constant memory), so that a large export never sits whole in
/// memory before the end.
struct Book {
    workbook: rust_xlsxwriter::Workbook,
    sheets: usize,
    /// The columns of the sheet begun (indexes in its table) and its next row.
    columns: Vec<usize>,
    next_row: u32,
    header: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
    moment: rust_xlsxwriter::Format,
}

/// Rows a sheet holds at most (Excel's limit); a longer table goes on to another sheet.
const SHEET_ROWS: u32 = 1_048_576;

impl Book {
    fn new() -> Self {
        use rust_xlsxwriter::Format;
        Self {
            workbook: rust_xlsxwriter::Workbook::new(),
            sheets: 0,
            columns: Vec::new(),
            next_row: 0,
            header: Format::new().set_bold(),
            // Excel stores formats in its own (English) notation and shows them the way
            // of the reader's locale: `12 000,00 €` in French.
            money: Format::new().set_num_format("#,##0.00\\ \"€\""),
            moment: Format::new().set_num_format("dd/mm/yyyy\\ hh:mm"),
        }
    }

    /// Begins a sheet for `table`: its headers in words, in bold, on the first row.
    fn start_sheet(&mut self, table: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
        self.sheets += 1;
        self.columns = table.spreadsheet_columns();
        let name = format!("Résultat {}", self.sheets);
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (position, index) in self.columns.iter().enumerate() {
            let header = table.spreadsheet_header(*index);
            let column = position as u16;
            let width = match table.rows.first().map(|row| &row[*index]) {
                Some(Cell::Date(_)) => 17.0,
                Some(Cell::Decimal(_)) => 15.0,
                _ => (header.chars().count() as f64 + 4.0).max(12.0),
            };
            sheet.set_column_width(column, width)?;
            sheet.write_string_with_format(0, column, header, &self.header)?;
        }
        self.next_row = 1;
        Ok(())
    }

    /// Writes the rows of `table` on the sheet begun, typed: numbers, amounts in euros,
    /// dates in the run's zone, `oui`/`non`, text.
    fn append(&mut self, table: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
        if self.sheets == 0 {
            self.start_sheet(table)?;
        }
        let zone = super::zone::current();
        for row in &table.rows {
            if self.next_row == SHEET_ROWS {
                self.start_sheet(table)?;
            }
            let index = self.sheets - 1;
            let sheet = self.workbook.worksheet_from_index(index)?;
            for (position, column) in self.columns.iter().enumerate() {
                let column_number = position as u16;
                let row_number = self.next_row;
                match &row[*column] {
                    Cell::Empty => {}
                    // Read by a person: nothing that hides or reorders text.
                    Cell::Text(text) => {
                        let text = formatting::neutralise_control_characters(text);
                        sheet.write_string(row_number, column_number, text.as_ref())?;
                    }
                    Cell::Integer(integer) => {
                        sheet.write_number(row_number, column_number, *integer as f64)?;
                    }
                    // A spreadsheet's numbers are binary; the amount's shortest decimal
                    // form is what it shows, the same as the exact one to the cent.
                    Cell::Decimal(amount) => {
                        let number =
                            rust_decimal::prelude::ToPrimitive::to_f64(amount).unwrap_or_default();
                        sheet.write_number_with_format(
                            row_number,
                            column_number,
                            number,
                            &self.money,
                        )?;
                    }
                    Cell::Boolean(value) => {
                        sheet.write_string(
                            row_number,
                            column_number,
                            formatting::yes_no(*value),
                        )?;
                    }
                    Cell::Date(moment) => {
                        sheet.write_datetime_with_format(
                            row_number,
                            column_number,
                            zone.local(*moment),
                            &self.moment,
                        )?;
                    }
                }
            }
            self.next_row += 1;
        }
        Ok(())
    }

    /// The workbook's file (an empty sheet if no table was written).
    fn into_bytes(mut self: Box<Self>) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        if self.sheets == 0 {
            self.workbook.add_worksheet().set_name("Résultat")?;
        }
        self.workbook.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn rows() -> Dynamic {
        let mut first = rhai::Map::new();
        first.insert("nom".into(), "Quai \u{1b}[31m".into());
        first.insert(
            "montant".into(),
            Dynamic::from_decimal("1234.5".parse().unwrap()),
        );
        first.insert("nombre".into(), Dynamic::from(3_i64));
        let mut second = rhai::Map::new();
        second.insert("nom".into(), "Durand, \"fils\"".into());
        second.insert(
            "montant".into(),
            Dynamic::from_decimal("0.10".parse().unwrap()),
        );
        second.insert("nombre".into(), Dynamic::UNIT);
        Dynamic::from_array(vec![first.into(), second.into()])
    }

    fn written(format: OutputFormat, columns: Option<&[String]>) -> String {
        let data = Buffer::default();
        let mut output =
            ScriptOutput::new(format, Box::new(data.clone()), Box::new(Buffer::default()));
        output.result(&rows(), columns).unwrap();
        data.text()
    }

    #[test]
    fn tables_are_french_and_safe() {
        let columns = ["nom".to_owned(), "montant".to_owned()];
        let text = written(OutputFormat::Table, Some(&columns));
        assert!(text.contains("1 234,50 €"), "{text}");
        assert!(text.contains("0,10 €"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(!text.contains("nombre"), "{text}");
    }

    #[test]
    fn csv_is_exact_quoted_and_neutral() {
        let text = written(OutputFormat::Csv, None);
        assert_eq!(
            text,
            "montant,nom,nombre\n1234.5,Quai \u{fffd}[31m,3\n0.10,\"Durand, \"\"fils\"\"\",\n"
        );
    }

    #[test]
    fn json_keeps_amounts_exact() {
        let columns = ["nom".to_owned(), "montant".to_owned(), "nombre".to_owned()];
        let value: serde_json::Value =
            serde_json::from_str(&written(OutputFormat::Json, Some(&columns))).unwrap();
        assert_eq!(value[1]["montant"], "0.10");
        assert_eq!(value[0]["nombre"], 3);
        assert_eq!(value[1]["nombre"], serde_json::Value::Null);
        let keys: Vec<&String> = value[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["nom", "montant", "nombre"]);
    }

    #[test]
    fn empty_lists_in_each_format() {
        let empty = Dynamic::from_array(Vec::new());
        let columns = ["numero".to_owned()];
        for (format, columns, expected) in [
            (OutputFormat::Table, None, "(aucun résultat)\n"),
            (OutputFormat::Csv, None, ""),
            (OutputFormat::Csv, Some(&columns[..]), "numero\n"),
            (OutputFormat::Json, None, "[]\n"),
        ] {
            let data = Buffer::default();
            let mut output =
                ScriptOutput::new(format, Box::new(data.clone()), Box::new(Buffer::default()));
            output.result(&empty, columns).unwrap();
            assert_eq!(data.text(), expected, "{format:?}");
        }
    }

    #[test]
    fn unknown_columns_are_named() {
        let data = Buffer::default();
        let mut output = ScriptOutput::new(
            OutputFormat::Table,
            Box::new(data),
            Box::new(Buffer::default()),
        );
        let error = output
            .result(&rows(), Some(&["montnat".to_owned()]))
            .unwrap_err();
        assert!(error.contains("colonne inconnue « montnat »"), "{error}");
    }

    /// Rows read for a few chosen columns only still name every column they have when one
    /// chosen is not among them.
    #[test]
    fn an_unknown_column_among_chosen_ones_names_every_column() {
        let mut output = ScriptOutput::new(
            OutputFormat::Csv,
            Box::new(Buffer::default()),
            Box::new(Buffer::default()),
        );
        let error = output
            .result(&rows(), Some(&["nom".to_owned(), "montnat".to_owned()]))
            .unwrap_err();
        assert!(
            error.contains("« montnat » (colonnes : montant, nom, nombre)"),
            "{error}"
        );
    }
}
