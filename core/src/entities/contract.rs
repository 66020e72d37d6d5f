//! `contract`: what a customer owes for its events. Created by a management user.

use sea_orm::entity::prelude::*;

use crate::money::StoredMoney;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    /// The management user who created the contract; never changes.
    pub user_management_id: i32,
    #[sea_orm(unique)]
    pub contract_number: String,
    pub total_amount: StoredMoney,
    pub balance_due: StoredMoney,
    /// One-way: a signed contract is never unsigned.
    pub signed: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// 1 at creation, incremented by every write of the core: a change made from the
    /// record as it was read carries the version it saw.
    pub version: i64,
    /// Who made the current version (a trace, not a relation; `None` for the `base`
    /// commands' rows).
    pub updated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserManagementId",
        to = "super::user::Column::Id"
    )]
    UserManagement,
    #[sea_orm(has_many = "super::event::Entity")]
    Event,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserManagement.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

super::maintain_timestamps!();
