//! Phone numbers in one canonical form (E.164, `+33612345678`), so that uniqueness compares
//! numbers rather than spellings: the same number typed with other spacing or a national
//! prefix (`06 12 34 56 78`) is the same. Rows stored before are rewritten; France is the
//! region of a number written without an international prefix. A stored text that is not a
//! valid number, or whose canonical form another row of the table already has, is left as
//! it is (a person corrects it by editing the record, where the rule applies).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000004_canonical_phone_numbers"
    }
}

/// `text` as E.164, when it is a valid number (France by default).
pub fn canonical_phone_number(text: &str) -> Option<String> {
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::FR), text.trim()).ok()?;
    phonenumber::is_valid(&parsed)
        .then(|| parsed.format().mode(phonenumber::Mode::E164).to_string())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let connection = manager.get_connection();
        let backend = connection.get_database_backend();
        for table in ["user", "customer"] {
            let quoted = match backend {
                sea_orm_migration::sea_orm::DbBackend::MySql => format!("`{table}`"),
                _ => format!("\"{table}\""),
            };
            let rows = connection
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT id, phone_number FROM {quoted}"),
                ))
                .await?;
            let mut taken: std::collections::HashSet<String> = rows
                .iter()
                .filter_map(|row| row.try_get::<String>("", "phone_number").ok())
                .collect();
            for row in &rows {
                let id: i32 = row.try_get("", "id")?;
                let stored: String = row.try_get("", "phone_number")?;
                let Some(canonical) = canonical_phone_number(&stored) else {
                    continue;
                };
                if canonical == stored || taken.contains(&canonical) {
                    continue;
                }
                connection
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        format!("UPDATE {quoted} SET phone_number = ? WHERE id = ?"),
                        [canonical.clone().into(), id.into()],
                    ))
                    .await?;
                taken.remove(&stored);
                taken.insert(canonical);
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The spellings were not kept: the canonical numbers stay, which every version reads.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_number_in_five_spellings_is_one() {
        for spelling in [
            "+33 6 12 34 56 78",
            "06 12 34 56 78",
            "0612345678",
            "+33612345678",
            "06.12.34.56.78",
            "(0)6-12-34-56-78",
        ] {
            assert_eq!(
                canonical_phone_number(spelling).as_deref(),
                Some("+33612345678"),
                "{spelling}"
            );
        }
        assert_eq!(
            canonical_phone_number("+1 202 555 0142").as_deref(),
            Some("+12025550142")
        );
        assert_eq!(canonical_phone_number("12"), None);
        assert_eq!(canonical_phone_number("téléphone"), None);
    }
}
