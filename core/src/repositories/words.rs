//! Searching records by words: every search word must start one of the record's words
//! (« dur » finds Durand), regardless of letter case and accents. What a word is, and how
//! the databases index them, is said once, in the migration
//! `m20261207_000007_full_text_search`.
//!
//! A search is answered one of two ways, with the same records in the same order:
//! - **through the full-text index** (MariaDB's `FULLTEXT`, SQLite's FTS5): only the
//!   records holding the words are read. Fast for a rare word; slow for a frequent one,
//!   because the engine finds every record holding it before the page is sorted (the
//!   62,500 « seminaire » among 500,000 events took 0.3 s on MariaDB);
//! - **along the list's own order**, each record's words compared (`LIKE` on word
//!   starts), stopping once the page is full. Fast for a frequent word; a rare one reads
//!   the whole table (2 s for 500,000 events on MariaDB).
//!
//! [`WordSearch::planned`] chooses, from how often the words occur among the newest
//! records and the size of the page: the choice changes how fast a search is, never what
//! it finds.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, Iden, StatementBuilder,
};

/// How many of the newest records a plan looks at.
const SAMPLE: u64 = 2_000;

/// How many records a page read along the list's order compares for the cost of one
/// found through the index (read by its key, then sorted with the others).
const INDEX_ROW_COST: u64 = 4;

/// The words a search asks for, and how it is answered (see the module's documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordSearch {
    words: Vec<String>,
    through_index: bool,
}

impl WordSearch {
    /// The search for the words of `text` (as the records' words are made), answered
    /// along the list's order until [`WordSearch::planned`] or
    /// [`WordSearch::through_index`] says otherwise.
    pub fn new(text: &str) -> Self {
        WordSearch {
            words: migrations::words(text),
            through_index: false,
        }
    }

    /// The words searched for.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the full-text index answers it.
    pub fn is_through_index(&self) -> bool {
        self.through_index
    }

    /// This search answered through the full-text index (`true`), when it has a word the
    /// index holds, or along the list's order (`false`).
    pub fn through_index(mut self, through_index: bool) -> Self {
        self.through_index = through_index && !self.indexed_words().is_empty();
        self
    }

    /// This search answered the faster way for a page of `page_size` records of `E` (a
    /// table with a search text). How often the words occur among the newest records
    /// tells how many records each way would read: along the order, until the page is
    /// full (the whole table if the words are not found); through the index, every record
    /// holding them.
    pub async fn planned<E: EntityTrait + Default>(
        self,
        connection: &impl ConnectionTrait,
        page_size: u64,
    ) -> Result<Self, DbErr> {
        if self.indexed_words().is_empty() {
            return Ok(self.through_index(false));
        }
        #[derive(FromQueryResult)]
        struct Sampled {
            sampled: i64,
            found: i64,
            newest: Option<i32>,
        }
        let table = E::default().table_name().to_owned();
        let sample = Alias::new("sample");
        let newest = Query::select()
            .columns([Alias::new("id"), Alias::new("search_text")])
            .from(Alias::new(&table))
            .order_by(Alias::new("id"), Order::Desc)
            .limit(SAMPLE)
            .to_owned();
        let counting = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("sampled"))
            .expr_as(
                Func::count(Expr::case(self.compared(&sample.to_string()), 1)),
                Alias::new("found"),
            )
            .expr_as(
                Func::max(Expr::col((sample.clone(), Alias::new("id")))),
                Alias::new("newest"),
            )
            .from_subquery(newest, sample)
            .to_owned();
        let backend = connection.get_database_backend();
        let Some(Sampled {
            sampled,
            found,
            newest: Some(newest),
        }) = Sampled::find_by_statement(StatementBuilder::build(&counting, &backend))
            .one(connection)
            .await?
        else {
            return Ok(self.through_index(false));
        };
        let sampled = u64::try_from(sampled).unwrap_or(0).clamp(1, SAMPLE);
        let found = u64::try_from(found).unwrap_or(0);
        // The ids tell how many records the table holds, near enough.
        let records = Ord::max(u64::try_from(newest).unwrap_or(0), sampled);
        let along_order = page_size
            .saturating_mul(sampled)
            .checked_div(found)
            .map_or(records, |until_full| Ord::min(records, until_full));
        let through_index = found.saturating_mul(records) / sampled;
        Ok(self.through_index(through_index.saturating_mul(INDEX_ROW_COST) < along_order))
    }

    /// The condition « the record of `E` holds every word », as this search answers it.
    pub fn condition<E: EntityTrait + Default>(&self, backend: DbBackend) -> sea_orm::Condition {
        self.condition_by::<E>(backend, None)
    }

    /// The condition « the record of `E` that `key` designates (a column of another table
    /// of the query, `E` joined to it) holds every word », as this search answers it:
    /// through the index, the records of `E` found are looked up by `key`'s own index.
    pub fn condition_through<E: EntityTrait + Default>(
        &self,
        backend: DbBackend,
        key: (&str, &str),
    ) -> sea_orm::Condition {
        self.condition_by::<E>(backend, Some(key))
    }

    fn condition_by<E: EntityTrait + Default>(
        &self,
        backend: DbBackend,
        key: Option<(&str, &str)>,
    ) -> sea_orm::Condition {
        let table = E::default().table_name().to_owned();
        if !self.through_index {
            return self.compared(&table);
        }
        // The words the index does not hold are compared on the records it found.
        let mut condition = sea_orm::Condition::all();
        for word in self.short_words() {
            condition = condition.add(starts_a_word(&table, word));
        }
        let indexed = self.indexed_words();
        let (key_table, key_column) = key.unwrap_or((&table, "id"));
        let key = Expr::col((Alias::new(key_table), Alias::new(key_column)));
        match backend {
            DbBackend::MySql => {
                // `+word*`: required, and a word's start. Words hold letters and digits
                // only, none of the boolean mode's operators.
                let query = indexed
                    .iter()
                    .map(|word| format!("+{word}*"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let matches = Expr::cust_with_values(
                    format!("MATCH(`{table}`.`search_text`) AGAINST (? IN BOOLEAN MODE)"),
                    [query],
                );
                if key_table == table {
                    return condition.add(matches);
                }
                condition.add(
                    key.in_subquery(
                        Query::select()
                            .column(Alias::new("id"))
                            .from(Alias::new(&table))
                            .and_where(matches)
                            .to_owned(),
                    ),
                )
            }
            _ => {
                // `"word"*`: a word's start; several are all required.
                let query = indexed
                    .iter()
                    .map(|word| format!("\"{word}\"*"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let words_table = migrations::words_table(&table);
                condition.add(
                    key.in_subquery(
                        Query::select()
                            .expr(Expr::cust("rowid"))
                            .from(Alias::new(&words_table))
                            .and_where(Expr::cust_with_values(
                                format!("\"{words_table}\" MATCH ?"),
                                [query],
                            ))
                            .to_owned(),
                    ),
                )
            }
        }
    }

    /// The condition « every word starts a word of `table`'s search text », compared on
    /// each record.
    fn compared(&self, table: &str) -> sea_orm::Condition {
        self.words
            .iter()
            .fold(sea_orm::Condition::all(), |condition, word| {
                condition.add(starts_a_word(table, word))
            })
    }

    /// The words the full-text index holds (MariaDB's holds none shorter than
    /// [`migrations::SHORTEST_INDEXED_WORD`]).
    fn indexed_words(&self) -> Vec<&str> {
        self.words
            .iter()
            .filter(|word| word.chars().count() >= migrations::SHORTEST_INDEXED_WORD)
            .map(String::as_str)
            .collect()
    }

    /// The words the full-text index does not hold.
    fn short_words(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|word| word.chars().count() < migrations::SHORTEST_INDEXED_WORD)
            .map(String::as_str)
    }
}

/// The condition « `word` starts one of the words of `table`'s search text » (words are
/// separated by single spaces; they hold letters and digits only, none of `LIKE`'s
/// wildcards).
fn starts_a_word(table: &str, word: &str) -> sea_orm::Condition {
    let column = Expr::col((Alias::new(table), Alias::new("search_text")));
    sea_orm::Condition::any()
        .add(column.clone().like(format!("{word}%")))
        .add(column.like(format!("% {word}%")))
}

/// A query of the events' ids under `condition`, built for `backend`.
#[cfg(test)]
fn built(condition: sea_orm::Condition, backend: DbBackend) -> sea_orm::Statement {
    let query = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("event"))
        .cond_where(condition)
        .to_owned();
    StatementBuilder::build(&query, &backend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::event;

    #[test]
    fn short_words_are_compared_and_the_others_looked_up() {
        let search = WordSearch::new("Séminaire de L'ŒUVRE").through_index(true);
        assert_eq!(search.words(), ["seminaire", "de", "l", "oeuvre"]);
        let mysql = built(
            search.condition::<event::Entity>(DbBackend::MySql),
            DbBackend::MySql,
        );
        assert!(
            mysql
                .sql
                .contains("MATCH(`event`.`search_text`) AGAINST (? IN BOOLEAN MODE)"),
            "{}",
            mysql.sql
        );
        assert!(format!("{:?}", mysql.values).contains("+seminaire* +oeuvre*"));
        assert!(format!("{:?}", mysql.values).contains("% de%"));
        let sqlite = built(
            search.condition::<event::Entity>(DbBackend::Sqlite),
            DbBackend::Sqlite,
        );
        assert!(
            sqlite.sql.contains("\"event_words\" MATCH ?"),
            "{}",
            sqlite.sql
        );
        assert!(format!("{:?}", sqlite.values).contains("\\\"seminaire\\\"* \\\"oeuvre\\\"*"));
    }

    #[test]
    fn a_search_of_short_words_only_cannot_use_the_index() {
        let search = WordSearch::new("de la").through_index(true);
        assert!(!search.is_through_index());
        let statement = built(
            search.condition::<event::Entity>(DbBackend::MySql),
            DbBackend::MySql,
        );
        assert!(!statement.sql.contains("MATCH"), "{}", statement.sql);
    }
}
