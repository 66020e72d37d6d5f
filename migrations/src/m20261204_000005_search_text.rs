//! Search regardless of letter case and accents, alike on both backends: each customer,
//! event and user carries `search_text`, the words people search it by, folded (lower
//! case, accents removed: `Théâtre` → `theatre`). MySQL's collations ignore accents but
//! SQLite's do not; a stored folded text compares the same on both. The program keeps it
//! up to date on every write; rows stored before are filled here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000005_search_text"
    }
}

/// `text` for comparing regardless of letter case and accents: the program's one folding
/// (decomposed, combining marks removed, lower case), which people's typing goes through too.
pub use epic_events_api::formatting::folded;

/// The longest search text kept (longer records are searched by their first words).
pub const SEARCH_TEXT_LENGTH: u32 = 1000;

/// The search text of a record whose searched fields are `parts`, in order, as this
/// migration made it: the fields folded, as they are (the full-text search of
/// `m20261207_000007_full_text_search` keeps their words only).
fn folded_search_text(parts: &[&str]) -> String {
    let text = folded(&parts.join(" "));
    text.chars().take(SEARCH_TEXT_LENGTH as usize).collect()
}

/// The tables with a search text, and the columns it is made of (as of this migration:
/// the program's catalogues say which fields are searched from now on).
pub(crate) const SEARCHED: [(&str, &[&str]); 3] = [
    (
        "customer",
        &[
            "customer_last_name",
            "customer_first_name",
            "company_name",
            "email",
        ],
    ),
    ("event", &["event_name", "location"]),
    (
        "user",
        &["user_last_name", "user_first_name", "username", "email"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in SEARCHED {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(
                            ColumnDef::new(Alias::new("search_text"))
                                .string_len(SEARCH_TEXT_LENGTH)
                                .not_null()
                                .default(""),
                        )
                        .to_owned(),
                )
                .await?;
        }
        fill_search_texts(manager, folded_search_text).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in SEARCHED {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("search_text"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Stores in every row of the searched tables the search text `text_of` makes of its
/// searched columns (as of this migration), one row at a time.
pub(crate) async fn fill_search_texts(
    manager: &SchemaManager<'_>,
    text_of: fn(&[&str]) -> String,
) -> Result<(), DbErr> {
    let connection = manager.get_connection();
    let backend = connection.get_database_backend();
    for (table, columns) in SEARCHED {
        let quoted = match backend {
            sea_orm_migration::sea_orm::DbBackend::MySql => format!("`{table}`"),
            _ => format!("\"{table}\""),
        };
        let rows = connection
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT id, {} FROM {quoted}", columns.join(", ")),
            ))
            .await?;
        for row in &rows {
            let id: i32 = row.try_get("", "id")?;
            let mut parts = Vec::with_capacity(columns.len());
            for column in columns {
                parts.push(row.try_get::<String>("", column)?);
            }
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            connection
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    format!("UPDATE {quoted} SET search_text = ? WHERE id = ?"),
                    [text_of(&parts).into(), id.into()],
                ))
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searching_ignores_case_and_accents() {
        assert_eq!(folded("Théâtre de l'Œuvre"), "theatre de l'œuvre");
        assert_eq!(folded("ATELIER LUMIÈRE"), "atelier lumiere");
        assert_eq!(
            folded_search_text(&["Durand", "Paul", "Maison Durand", "paul@durand.fr"]),
            "durand paul maison durand paul@durand.fr"
        );
    }
}
