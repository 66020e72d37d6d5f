//! SeaORM entities, one file per table of SPEC §3. Data only: no permission, no validation.
//!
//! Amounts are [`StoredMoney`](crate::money::StoredMoney), date-times UTC, and `created_at` /
//! `updated_at` are set here, by [`maintain_timestamps!`], on every insert and update made
//! through an active model. Bulk statements (`insert_many`, `update_many`) bypass that hook
//! and must set both columns themselves.

pub mod contract;
pub mod customer;
pub mod event;
pub mod number_sequence;
pub mod permission;
pub mod revoked_session;
pub mod role;
pub mod role_permission;
pub mod user;

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant as stored: UTC, whole seconds, so that it reads back identical on
/// both backends (MySQL `DATETIME` has no fractional seconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// Implements `ActiveModelBehavior` so that `created_at` is set on insert and `updated_at`
/// on every save: the program, not the user nor the database, maintains them.
macro_rules! maintain_timestamps {
    () => {
        #[sea_orm::prelude::async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(mut self, _database: &C, insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                let now = crate::entities::now();
                if insert && self.created_at.is_not_set() {
                    self.created_at = sea_orm::ActiveValue::Set(now);
                }
                self.updated_at = sea_orm::ActiveValue::Set(now);
                Ok(self)
            }
        }
    };
}
pub(crate) use maintain_timestamps;
