//! How the API's rows are read from a query's result: the columns each row takes, by
//! name, and the amounts through [`StoredMoney`]. The rows are the API's plain data; the
//! database's conversions stay here, in the core.

use sea_orm::sqlx::{Row, ValueRef};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryResult, Select, TryGetable,
};

use crate::entities::{contract, customer, event, user};
use crate::money::StoredMoney;
use epic_events_api::records::{ContractRow, CustomerRow, EventRow, UserRow};

/// The nullable column `name` of `result`. A NULL is `None` at once: sea-orm reads it as
/// an error whose message it formats (the column's name), then turns that error into
/// `None`, for every NULL it reads — four in each event without support (its support, the
/// support's names, its last author), 40,000 in case 7's list. Any other value, and a
/// column the query does not have, are read as sea-orm reads them.
fn nullable<T: TryGetable>(
    result: &QueryResult,
    prefix: &str,
    name: &str,
) -> Result<Option<T>, DbErr> {
    let null = prefix.is_empty()
        && match (result.try_as_sqlite_row(), result.try_as_mysql_row()) {
            (Some(row), _) => row.try_get_raw(name).is_ok_and(|value| value.is_null()),
            (_, Some(row)) => row.try_get_raw(name).is_ok_and(|value| value.is_null()),
            _ => false,
        };
    if null {
        return Ok(None);
    }
    result.try_get(prefix, name)
}

/// A row of the API as a query reads it: `.into_model::<Read<ContractRow>>()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read<T>(pub T);

impl<T> Read<T> {
    /// The row read.
    pub fn into_row(self) -> T {
        self.0
    }
}

impl FromQueryResult for Read<CustomerRow> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Read(CustomerRow {
            id: result.try_get(prefix, "id")?,
            user_sales_id: result.try_get(prefix, "user_sales_id")?,
            customer_first_name: result.try_get(prefix, "customer_first_name")?,
            customer_last_name: result.try_get(prefix, "customer_last_name")?,
            email: result.try_get(prefix, "email")?,
            phone_number: result.try_get(prefix, "phone_number")?,
            company_name: result.try_get(prefix, "company_name")?,
            created_at: result.try_get(prefix, "created_at")?,
            updated_at: result.try_get(prefix, "updated_at")?,
            version: result.try_get(prefix, "version")?,
            updated_by: nullable(result, prefix, "updated_by")?,
            sales_first_name: result.try_get(prefix, "sales_first_name")?,
            sales_last_name: result.try_get(prefix, "sales_last_name")?,
        }))
    }
}

/// `row` with the customer's own columns taken from `stored` (read under its lock).
pub fn merged_customer(row: CustomerRow, stored: customer::Model) -> CustomerRow {
    CustomerRow {
        id: stored.id,
        user_sales_id: stored.user_sales_id,
        customer_first_name: stored.customer_first_name,
        customer_last_name: stored.customer_last_name,
        email: stored.email,
        phone_number: stored.phone_number,
        company_name: stored.company_name,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        version: stored.version,
        updated_by: stored.updated_by,
        ..row
    }
}

impl FromQueryResult for Read<ContractRow> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let money =
            |name: &str| -> Result<_, DbErr> { Ok(result.try_get::<StoredMoney>(prefix, name)?.0) };
        Ok(Read(ContractRow {
            id: result.try_get(prefix, "id")?,
            contract_number: result.try_get(prefix, "contract_number")?,
            customer_id: result.try_get(prefix, "customer_id")?,
            customer_company_name: result.try_get(prefix, "customer_company_name")?,
            customer_sales_user_id: result.try_get(prefix, "customer_sales_user_id")?,
            sales_first_name: result.try_get(prefix, "sales_first_name")?,
            sales_last_name: result.try_get(prefix, "sales_last_name")?,
            user_management_id: result.try_get(prefix, "user_management_id")?,
            management_first_name: result.try_get(prefix, "management_first_name")?,
            management_last_name: result.try_get(prefix, "management_last_name")?,
            total_amount: money("total_amount")?,
            balance_due: money("balance_due")?,
            signed: result.try_get(prefix, "signed")?,
            created_at: result.try_get(prefix, "created_at")?,
            updated_at: result.try_get(prefix, "updated_at")?,
            version: result.try_get(prefix, "version")?,
            updated_by: nullable(result, prefix, "updated_by")?,
        }))
    }
}

/// `row` with the contract's own columns taken from `stored` (read under its lock).
pub fn merged_contract(row: ContractRow, stored: contract::Model) -> ContractRow {
    ContractRow {
        contract_number: stored.contract_number,
        total_amount: stored.total_amount.0,
        balance_due: stored.balance_due.0,
        signed: stored.signed,
        updated_at: stored.updated_at,
        version: stored.version,
        updated_by: stored.updated_by,
        ..row
    }
}

impl FromQueryResult for Read<EventRow> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Read(EventRow {
            id: result.try_get(prefix, "id")?,
            event_number: result.try_get(prefix, "event_number")?,
            event_name: result.try_get(prefix, "event_name")?,
            contract_id: result.try_get(prefix, "contract_id")?,
            contract_number: result.try_get(prefix, "contract_number")?,
            customer_id: result.try_get(prefix, "customer_id")?,
            customer_company_name: result.try_get(prefix, "customer_company_name")?,
            customer_first_name: result.try_get(prefix, "customer_first_name")?,
            customer_last_name: result.try_get(prefix, "customer_last_name")?,
            customer_email: result.try_get(prefix, "customer_email")?,
            customer_phone_number: result.try_get(prefix, "customer_phone_number")?,
            customer_sales_user_id: result.try_get(prefix, "customer_sales_user_id")?,
            user_support_id: nullable(result, prefix, "user_support_id")?,
            support_first_name: nullable(result, prefix, "support_first_name")?,
            support_last_name: nullable(result, prefix, "support_last_name")?,
            start_datetime: result.try_get(prefix, "start_datetime")?,
            end_datetime: result.try_get(prefix, "end_datetime")?,
            location: result.try_get(prefix, "location")?,
            attendees: result.try_get(prefix, "attendees")?,
            note: result.try_get(prefix, "note")?,
            created_at: result.try_get(prefix, "created_at")?,
            updated_at: result.try_get(prefix, "updated_at")?,
            version: result.try_get(prefix, "version")?,
            updated_by: nullable(result, prefix, "updated_by")?,
        }))
    }
}

/// `row` with the event's own columns taken from `stored` (read under its lock).
pub fn merged_event(row: EventRow, stored: event::Model) -> EventRow {
    EventRow {
        event_name: stored.event_name,
        user_support_id: stored.user_support_id,
        start_datetime: stored.start_datetime,
        end_datetime: stored.end_datetime,
        location: stored.location,
        attendees: stored.attendees,
        note: stored.note,
        updated_at: stored.updated_at,
        version: stored.version,
        updated_by: stored.updated_by,
        ..row
    }
}

impl FromQueryResult for Read<UserRow> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Read(UserRow {
            id: result.try_get(prefix, "id")?,
            username: result.try_get(prefix, "username")?,
            user_first_name: result.try_get(prefix, "user_first_name")?,
            user_last_name: result.try_get(prefix, "user_last_name")?,
            email: result.try_get(prefix, "email")?,
            phone_number: result.try_get(prefix, "phone_number")?,
            role_name: result.try_get(prefix, "role_name")?,
            created_at: result.try_get(prefix, "created_at")?,
            updated_at: result.try_get(prefix, "updated_at")?,
            version: result.try_get(prefix, "version")?,
            updated_by: nullable(result, prefix, "updated_by")?,
        }))
    }
}

/// `row` with the user's own columns taken from `stored` (read under its lock; the role's
/// name comes from the joined read).
pub fn merged_user(row: UserRow, stored: user::Model) -> UserRow {
    UserRow {
        username: stored.username,
        user_first_name: stored.user_first_name,
        user_last_name: stored.user_last_name,
        email: stored.email,
        phone_number: stored.phone_number,
        updated_at: stored.updated_at,
        version: stored.version,
        updated_by: stored.updated_by,
        ..row
    }
}

/// Reading a query's rows as the API's rows.
pub trait ReadRows: Sized {
    /// The first row, if any.
    fn one_row<T>(
        self,
        connection: &impl ConnectionTrait,
    ) -> impl Future<Output = Result<Option<T>, DbErr>>
    where
        Read<T>: FromQueryResult;

    /// Every row.
    fn all_rows<T>(
        self,
        connection: &impl ConnectionTrait,
    ) -> impl Future<Output = Result<Vec<T>, DbErr>>
    where
        Read<T>: FromQueryResult;
}

impl<E: EntityTrait> ReadRows for Select<E> {
    async fn one_row<T>(self, connection: &impl ConnectionTrait) -> Result<Option<T>, DbErr>
    where
        Read<T>: FromQueryResult,
    {
        Ok(self
            .into_model::<Read<T>>()
            .one(connection)
            .await?
            .map(Read::into_row))
    }

    async fn all_rows<T>(self, connection: &impl ConnectionTrait) -> Result<Vec<T>, DbErr>
    where
        Read<T>: FromQueryResult,
    {
        Ok(self
            .into_model::<Read<T>>()
            .all(connection)
            .await?
            .into_iter()
            .map(Read::into_row)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};

    /// A NULL reads as `None`, a value as itself, a column the query does not have as
    /// `None` (as sea-orm reads it), a value of the wrong type as an error.
    async fn reads_nullable_columns(connection: &DatabaseConnection) {
        let backend = connection.get_database_backend();
        let row = connection
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT NULL AS absent, 7 AS seven, 'texte' AS text",
            ))
            .await
            .unwrap()
            .unwrap();
        let absent: Option<i32> = super::nullable(&row, "", "absent").unwrap();
        let seven: Option<i32> = super::nullable(&row, "", "seven").unwrap();
        let text: Option<String> = super::nullable(&row, "", "text").unwrap();
        let missing: Option<String> = super::nullable(&row, "", "missing").unwrap();
        let mistyped: Result<Option<i32>, DbErr> = super::nullable(&row, "", "text");
        assert_eq!(
            (absent, seven, text, missing),
            (None, Some(7), Some("texte".to_owned()), None)
        );
        assert!(mistyped.is_err(), "a text read as a number: {mistyped:?}");
    }

    #[tokio::test]
    async fn nullable_columns_read_alike_on_sqlite() {
        reads_nullable_columns(&Database::connect("sqlite::memory:").await.unwrap()).await;
    }

    /// On the server `EPIC_EVENTS_TEST_MYSQL_URL` names; ignored without it, as the suite's
    /// MySQL variants are.
    #[tokio::test]
    #[cfg_attr(
        not(mysql_tests),
        ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
    )]
    async fn nullable_columns_read_alike_on_mysql() {
        let url = std::env::var("EPIC_EVENTS_TEST_MYSQL_URL")
            .expect("EPIC_EVENTS_TEST_MYSQL_URL names the MySQL server of the tests");
        reads_nullable_columns(&Database::connect(url).await.unwrap()).await;
    }
}
