//! `event`: an event run under a signed contract, possibly assigned to a support user.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    /// Always the customer of the contract (derived, and enforced by a composite foreign
    /// key).
    pub customer_id: i32,
    pub user_support_id: Option<i32>,
    pub event_name: String,
    #[sea_orm(unique)]
    pub event_number: String,
    pub start_datetime: DateTimeUtc,
    pub end_datetime: DateTimeUtc,
    pub location: String,
    pub attendees: i32,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// 1 at creation, incremented by every write of the core: a change made from the
    /// record as it was read carries the version it saw.
    pub version: i64,
    /// Who made the current version (a trace, not a relation; `None` for the `base`
    /// commands' rows).
    pub updated_by: Option<i32>,
    /// The words it is searched by, folded (lower case, no accents): kept by the core on
    /// every write (`catalogue::search_text`).
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::contract::Entity",
        from = "Column::ContractId",
        to = "super::contract::Column::Id"
    )]
    Contract,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserSupportId",
        to = "super::user::Column::Id"
    )]
    UserSupport,
}

impl Related<super::contract::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contract.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserSupport.def()
    }
}

super::maintain_timestamps!();
