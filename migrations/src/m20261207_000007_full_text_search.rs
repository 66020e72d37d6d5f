//! Word search through the databases' own full-text engines (issue 23).
//!
//! A record's `search_text` becomes the list of its words: its searched fields folded
//! (lower case, no accents), `œ`, `æ` and `ß` written `oe`, `ae` and `ss` as people type
//! them, every character that is not a letter or a digit a word break, the words joined
//! by single spaces (`Théâtre de l'Œuvre, 75008 Paris` → `theatre de l oeuvre 75008 paris`).
//! A search word matches a record when it starts one of these words (« dur » finds
//! Durand), every word of the search being required.
//!
//! Both backends index these words, each with its own engine, and give the same results
//! because the program, not the engines, decides what a word is:
//! - MySQL/MariaDB: a `FULLTEXT` index (InnoDB) on `search_text`, compared byte for byte
//!   (`utf8mb4_bin`: its default collation would take `oe` for `œ` and `ss` for `ß`), made
//!   without stop words (InnoDB's default list holds « com », « www », « with »).
//! - SQLite: an FTS5 table per searched table holding the same text (external content:
//!   the words are not stored twice), with FTS5's `ascii` tokenizer, which breaks words
//!   at the spaces the program put and nowhere else. Triggers keep it up to date in the
//!   writing transaction itself.
//!
//! InnoDB does not index words shorter than three characters (`innodb_ft_min_token_size`)
//! or longer than 84 (`innodb_ft_max_token_size`): words are cut to 84 characters here,
//! and a search word of one or two characters is matched against the stored text instead
//! of the index, on both backends (`repositories::words` in the core).
//!
//! A frequent word is found faster by reading the list in its order than through the
//! index: events, searched soonest first, get an index on their start for that
//! (`event_start_index`; it holds the id too, as every secondary index does on both
//! backends). Without it every page of a search sorted all the events.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261204_000005_search_text::{SEARCH_TEXT_LENGTH, SEARCHED, fill_search_texts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000007_full_text_search"
    }
}

/// The longest word the indexes hold (InnoDB's `innodb_ft_max_token_size`): longer words
/// are kept, and searched, by their first 84 characters.
pub const LONGEST_WORD: usize = 84;

/// The shortest word MariaDB's full-text index holds (InnoDB's `innodb_ft_min_token_size`,
/// 3 unless the server was configured otherwise): shorter search words are matched
/// against the stored text.
pub const SHORTEST_INDEXED_WORD: usize = 3;

/// The words of `text` as they are stored and searched: folded, `œ`/`æ`/`ß` spelt out,
/// broken at every character that is not a letter or a digit, each cut to
/// [`LONGEST_WORD`] characters.
pub fn words(text: &str) -> Vec<String> {
    let mut spelt = String::with_capacity(text.len());
    for character in crate::folded(text).chars() {
        match character {
            'œ' => spelt.push_str("oe"),
            'æ' => spelt.push_str("ae"),
            'ß' => spelt.push_str("ss"),
            letter_or_digit if letter_or_digit.is_alphanumeric() => spelt.push(letter_or_digit),
            _ => spelt.push(' '),
        }
    }
    spelt
        .split_whitespace()
        .map(|word| word.chars().take(LONGEST_WORD).collect())
        .collect()
}

/// The search text of a record whose searched fields are `parts`, in order: their
/// [`words`] joined by single spaces, as many whole words as the column holds.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    let mut length = 0;
    for part in parts {
        for word in words(part) {
            let word_length = word.chars().count();
            let needed = word_length + usize::from(!text.is_empty());
            if length + needed > SEARCH_TEXT_LENGTH as usize {
                return text;
            }
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&word);
            length += needed;
        }
    }
    text
}

/// The index of the events' starts, for searches read soonest first.
const START_INDEX: &str = "event_start_index";

/// The name of the FTS5 table holding the words of `table` on SQLite.
pub fn words_table(table: &str) -> String {
    format!("{table}_words")
}

/// The name of the full-text index of `table` on MySQL.
fn words_index(table: &str) -> String {
    format!("{table}_search_words")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if backend == DbBackend::MySql {
            for (table, _) in SEARCHED {
                manager
                    .get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE `{table}` MODIFY search_text VARCHAR({SEARCH_TEXT_LENGTH}) \
                         CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''"
                    ))
                    .await?;
            }
        }
        fill_search_texts(manager, |parts| search_text(parts.iter().copied())).await?;
        manager
            .create_index(
                Index::create()
                    .name(START_INDEX)
                    .table(Alias::new("event"))
                    .col(Alias::new("start_datetime"))
                    .to_owned(),
            )
            .await?;
        match backend {
            DbBackend::MySql => {
                // The stop words are the index's, chosen when it is made: none. The
                // setting is the connection's, so the statements share one.
                let pinned = manager.begin().await?;
                let connection = pinned.get_connection();
                connection
                    .execute_unprepared("SET SESSION innodb_ft_enable_stopword = OFF")
                    .await?;
                for (table, _) in SEARCHED {
                    connection
                        .execute_unprepared(&format!(
                            "CREATE FULLTEXT INDEX `{}` ON `{table}` (search_text)",
                            words_index(table)
                        ))
                        .await?;
                }
                connection
                    .execute_unprepared("SET SESSION innodb_ft_enable_stopword = DEFAULT")
                    .await?;
                pinned.commit().await?;
            }
            _ => {
                let connection = manager.get_connection();
                for (table, _) in SEARCHED {
                    let words = words_table(table);
                    connection
                        .execute_unprepared(&format!(
                            "CREATE VIRTUAL TABLE \"{words}\" USING fts5(search_text, \
                             content='{table}', content_rowid='id', tokenize='ascii');
                             INSERT INTO \"{words}\"(\"{words}\") VALUES ('rebuild');
                             CREATE TRIGGER \"{words}_insert\" AFTER INSERT ON \"{table}\" BEGIN
                                 INSERT INTO \"{words}\"(rowid, search_text)
                                     VALUES (new.id, new.search_text);
                             END;
                             CREATE TRIGGER \"{words}_delete\" AFTER DELETE ON \"{table}\" BEGIN
                                 INSERT INTO \"{words}\"(\"{words}\", rowid, search_text)
                                     VALUES ('delete', old.id, old.search_text);
                             END;
                             CREATE TRIGGER \"{words}_update\" AFTER UPDATE OF search_text
                                 ON \"{table}\" BEGIN
                                 INSERT INTO \"{words}\"(\"{words}\", rowid, search_text)
                                     VALUES ('delete', old.id, old.search_text);
                                 INSERT INTO \"{words}\"(rowid, search_text)
                                     VALUES (new.id, new.search_text);
                             END;"
                        ))
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(START_INDEX)
                    .table(Alias::new("event"))
                    .to_owned(),
            )
            .await?;
        let connection = manager.get_connection();
        for (table, _) in SEARCHED {
            match manager.get_database_backend() {
                DbBackend::MySql => {
                    connection
                        .execute_unprepared(&format!(
                            "DROP INDEX `{}` ON `{table}`",
                            words_index(table)
                        ))
                        .await?;
                    connection
                        .execute_unprepared(&format!(
                            "ALTER TABLE `{table}` MODIFY search_text \
                             VARCHAR({SEARCH_TEXT_LENGTH}) NOT NULL DEFAULT ''"
                        ))
                        .await?;
                }
                _ => {
                    let words = words_table(table);
                    connection
                        .execute_unprepared(&format!(
                            "DROP TRIGGER \"{words}_insert\"; DROP TRIGGER \"{words}_delete\";
                             DROP TRIGGER \"{words}_update\"; DROP TABLE \"{words}\";"
                        ))
                        .await?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_broken_at_anything_but_letters_and_digits() {
        assert_eq!(
            words("Théâtre de l'Œuvre, 75008 Paris"),
            ["theatre", "de", "l", "oeuvre", "75008", "paris"]
        );
        assert_eq!(words("paul@durand.fr"), ["paul", "durand", "fr"]);
        assert_eq!(words("Séminaire n°12"), ["seminaire", "n", "12"]);
        assert_eq!(words("Straße\u{202e}Æther\u{0}"), ["strasse", "aether"]);
        assert_eq!(words("東京都 Москва"), ["東京都", "москва"]);
        assert!(words(" -- ").is_empty());
        let long = "a".repeat(200);
        assert_eq!(words(&long), ["a".repeat(LONGEST_WORD)]);
    }

    #[test]
    fn a_search_text_holds_whole_words_within_the_column() {
        assert_eq!(
            search_text(["Durand", "Paul", "Maison Durand", "paul@durand.fr"]),
            "durand paul maison durand paul durand fr"
        );
        let many = "mot ".repeat(400);
        let text = search_text([many.as_str()]);
        assert!(text.chars().count() <= SEARCH_TEXT_LENGTH as usize);
        assert!(text.split(' ').all(|word| word == "mot"), "{text}");
    }
}
