//! `number_sequence`: the last number given for each prefix of record numbers
//! (`CTR-2026-` → 41), incremented under its row lock by every creation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "number_sequence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub prefix: String,
    pub last_value: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
