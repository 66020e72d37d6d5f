//! Figures computed by the database over many rows: sums and counts per sales user, in
//! one query each, never row by row.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

use crate::money::sum_of_cents_sql;

/// Unpaid contracts of the customers of one sales user.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct UnpaidBySalesUserRow {
    /// The sales user.
    pub sales_user_id: i32,
    /// Their username.
    pub username: String,
    /// Their first name.
    pub first_name: String,
    /// Their last name.
    pub last_name: String,
    /// Number of contracts with something left to pay.
    pub contracts: i64,
    /// Sum of the total amounts of those contracts, in cents.
    pub total_amount_cents: i64,
    /// Sum of what is left to pay on them, in cents.
    pub balance_due_cents: i64,
}

/// The unpaid contracts (balance due above zero) per sales user of their customers, for
/// the sales users who have any, by name.
pub async fn unpaid_by_sales_user(
    connection: &impl ConnectionTrait,
) -> Result<Vec<UnpaidBySalesUserRow>, DbErr> {
    let backend = connection.get_database_backend();
    let sql = format!(
        "SELECT `user`.`id` AS sales_user_id, `user`.`username` AS username, \
                `user`.`user_first_name` AS first_name, `user`.`user_last_name` AS last_name, \
                COUNT(*) AS contracts, \
                {total} AS total_amount_cents, {balance} AS balance_due_cents \
         FROM `contract` \
         JOIN `customer` ON `customer`.`id` = `contract`.`customer_id` \
         JOIN `user` ON `user`.`id` = `customer`.`user_sales_id` \
         WHERE `contract`.`balance_due` <> ? \
         GROUP BY `user`.`id`, `user`.`username`, `user`.`user_first_name`, `user`.`user_last_name` \
         ORDER BY `user`.`user_last_name`, `user`.`user_first_name`, `user`.`id`",
        total = sum_of_cents_sql(backend, "`contract`.`total_amount`"),
        balance = sum_of_cents_sql(backend, "`contract`.`balance_due`"),
    );
    UnpaidBySalesUserRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [crate::money::StoredMoney(crate::money::Money::ZERO).into()],
    ))
    .all(connection)
    .await
}

/// What one sales user brought in.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct SalesActivityRow {
    /// The sales user.
    pub sales_user_id: i32,
    /// Their username.
    pub username: String,
    /// Their first name.
    pub first_name: String,
    /// Their last name.
    pub last_name: String,
    /// Number of their customers.
    pub customers: i64,
    /// Number of signed contracts of their customers.
    pub signed_contracts: i64,
    /// Sum of the total amounts of those contracts, in cents.
    pub signed_amount_cents: i64,
    /// Sum of what is left to pay on them, in cents.
    pub balance_due_cents: i64,
}

/// Every sales user (even one without customers) with their customers and signed
/// contracts, by name.
pub async fn activity_by_sales_user(
    connection: &impl ConnectionTrait,
    sales_role_name: &str,
) -> Result<Vec<SalesActivityRow>, DbErr> {
    let backend = connection.get_database_backend();
    let sql = format!(
        "SELECT `user`.`id` AS sales_user_id, `user`.`username` AS username, \
                `user`.`user_first_name` AS first_name, `user`.`user_last_name` AS last_name, \
                COALESCE(customers.customers, 0) AS customers, \
                COALESCE(signed.contracts, 0) AS signed_contracts, \
                COALESCE(signed.total_amount_cents, 0) AS signed_amount_cents, \
                COALESCE(signed.balance_due_cents, 0) AS balance_due_cents \
         FROM `user` \
         JOIN `role` ON `role`.`id` = `user`.`role_id` \
         LEFT JOIN (SELECT `customer`.`user_sales_id` AS sales_user_id, COUNT(*) AS customers \
                    FROM `customer` GROUP BY `customer`.`user_sales_id`) AS customers \
                ON customers.sales_user_id = `user`.`id` \
         LEFT JOIN (SELECT `customer`.`user_sales_id` AS sales_user_id, COUNT(*) AS contracts, \
                           {total} AS total_amount_cents, {balance} AS balance_due_cents \
                    FROM `contract` JOIN `customer` ON `customer`.`id` = `contract`.`customer_id` \
                    WHERE `contract`.`signed` = ? \
                    GROUP BY `customer`.`user_sales_id`) AS signed \
                ON signed.sales_user_id = `user`.`id` \
         WHERE `role`.`name` = ? \
         ORDER BY `user`.`user_last_name`, `user`.`user_first_name`, `user`.`id`",
        total = sum_of_cents_sql(backend, "`contract`.`total_amount`"),
        balance = sum_of_cents_sql(backend, "`contract`.`balance_due`"),
    );
    SalesActivityRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [true.into(), sales_role_name.into()],
    ))
    .all(connection)
    .await
}
