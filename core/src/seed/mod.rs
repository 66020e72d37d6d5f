//! The data sets the program brings: the demo data (`seed/demo.toml`) and the large
//! generated set of the benchmark. Application code above the database layer: it writes
//! through the catalogue's rules, the policy's roles and the password hashing, as the
//! services would.

pub mod demo_data;
pub mod large_data;

use sea_orm::DatabaseConnection;

use crate::database::url::DatabaseUrl;
use crate::database::{DatabaseError, administration};

/// Drops and recreates the database named by `url`, migrates it and loads the demo data.
///
/// Destroys every record: callers must have asked for confirmation.
pub async fn reset(url: &DatabaseUrl) -> Result<DatabaseConnection, DatabaseError> {
    let database = administration::recreate(url).await?;
    demo_data::load(&database, &demo_data::DemoDataSet::bundled()?).await?;
    Ok(database)
}
