//! `customer`: a company contact, owned by the sales user who created it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The sales user who created the customer and owns it; never changes.
    pub user_sales_id: i32,
    pub customer_first_name: String,
    pub customer_last_name: String,
    #[sea_orm(unique)]
    pub email: String,
    #[sea_orm(unique)]
    pub phone_number: String,
    #[sea_orm(unique)]
    pub company_name: String,
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
        belongs_to = "super::user::Entity",
        from = "Column::UserSalesId",
        to = "super::user::Column::Id"
    )]
    UserSales,
    #[sea_orm(has_many = "super::contract::Entity")]
    Contract,
    #[sea_orm(has_many = "super::event::Entity")]
    Event,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserSales.def()
    }
}

impl Related<super::contract::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contract.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

super::maintain_timestamps!();
