//! Events, with their contract number, customer and support user's name.

use sea_orm::sea_query::{Alias, Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};

use super::rows::ReadRows;
use super::words::WordSearch;
pub use epic_events_api::records::EventRow;

use crate::entities::{contract, customer, event, user};
use crate::paging::PageRequest;
use crate::repositories::contains_pattern;
use epic_events_api::catalogue::FieldRef;
use epic_events_api::catalogue::event::EventField;

/// Which events, before paging. All conditions given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Of the customer with this id.
    pub customer_id: Option<i32>,
    /// Of the contract with this id.
    pub contract_id: Option<i32>,
    /// Assigned to this support user.
    pub support_user_id: Option<i32>,
    /// Of the customers of this sales user.
    pub customer_sales_user_id: Option<i32>,
    /// Only events without a support user.
    pub without_support_only: bool,
    /// Whose name or location holds every word of this, regardless of letter case and
    /// accents.
    pub matching: Option<WordSearch>,
    /// The location contains this text (letter case ignored).
    pub location_contains: Option<String>,
    /// Starting at or after this moment.
    pub starts_from: Option<chrono::DateTime<chrono::Utc>>,
    /// Starting at or before this moment.
    pub starts_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// In which order a list of events comes; pages follow each other by the last id seen in
/// both orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventOrder {
    /// By id: creation order.
    #[default]
    Creation,
    /// By start, then id: the soonest first. A page after the event last seen starts
    /// after its start and id, `after`, which the caller read (the page request's
    /// `after_id` is not used): the index on the start then bounds the page, instead of
    /// every page reading from the start of the list.
    SoonestFirst {
        /// The start and id of the event last seen, or `None` for the first page.
        after: Option<(chrono::DateTime<chrono::Utc>, i32)>,
    },
}

// LEFT JOINs keep the listed table driving the plan (see `contract_repository`). The
// row's own columns are named: `search_text` is the search's, never read back.
fn with_names() -> Select<event::Entity> {
    let support = Alias::new("support");
    event::Entity::find()
        .select_only()
        .columns([
            event::Column::Id,
            event::Column::ContractId,
            event::Column::CustomerId,
            event::Column::UserSupportId,
            event::Column::EventName,
            event::Column::EventNumber,
            event::Column::StartDatetime,
            event::Column::EndDatetime,
            event::Column::Location,
            event::Column::Attendees,
            event::Column::Note,
            event::Column::CreatedAt,
            event::Column::UpdatedAt,
            event::Column::Version,
            event::Column::UpdatedBy,
        ])
        .join(JoinType::LeftJoin, event::Relation::Contract.def())
        .join(JoinType::LeftJoin, event::Relation::Customer.def())
        .join_as(
            JoinType::LeftJoin,
            event::Relation::UserSupport.def(),
            support.clone(),
        )
        .column_as(contract::Column::ContractNumber, "contract_number")
        .column_as(customer::Column::CompanyName, "customer_company_name")
        .column_as(customer::Column::CustomerFirstName, "customer_first_name")
        .column_as(customer::Column::CustomerLastName, "customer_last_name")
        .column_as(customer::Column::Email, "customer_email")
        .column_as(customer::Column::PhoneNumber, "customer_phone_number")
        .column_as(customer::Column::UserSalesId, "customer_sales_user_id")
        .column_as(
            Expr::col((support.clone(), user::Column::UserFirstName)),
            "support_first_name",
        )
        .column_as(
            Expr::col((support, user::Column::UserLastName)),
            "support_last_name",
        )
}

/// The query of a page of the list (read through `repositories::page_of`; the query-plan
/// tests explain it).
pub fn list_query(
    filter: &EventFilter,
    order: EventOrder,
    page: PageRequest,
    backend: DbBackend,
) -> Select<event::Entity> {
    let mut query = with_names();
    if let Some(id) = filter.customer_id {
        query = query.filter(event::Column::CustomerId.eq(id));
    }
    if let Some(id) = filter.contract_id {
        query = query.filter(event::Column::ContractId.eq(id));
    }
    if let Some(id) = filter.support_user_id {
        query = query.filter(event::Column::UserSupportId.eq(id));
    }
    if let Some(id) = filter.customer_sales_user_id {
        query = query.filter(customer::Column::UserSalesId.eq(id));
    }
    if filter.without_support_only {
        query = query.filter(event::Column::UserSupportId.is_null());
    }
    if let Some(search) = &filter.matching {
        query = query.filter(search.condition::<event::Entity>(backend));
    }
    if let Some(text) = &filter.location_contains {
        query = query.filter(event::Column::Location.like(contains_pattern(text)));
    }
    if let Some(moment) = filter.starts_from {
        query = query.filter(event::Column::StartDatetime.gte(moment));
    }
    if let Some(moment) = filter.starts_until {
        query = query.filter(event::Column::StartDatetime.lte(moment));
    }
    super::ordered(query, page, backend, event::Column::Id, sort_key, |query| {
        let query = match order {
            EventOrder::Creation => match page.after_id() {
                Some(after_id) => query.filter(event::Column::Id.gt(after_id)),
                None => query,
            },
            EventOrder::SoonestFirst { after } => match after {
                // The rows after the last one seen in (start, id) order, written so that
                // the start's index bounds them (`start >= seen start`).
                Some((start, after_id)) => query.filter(
                    Condition::all()
                        .add(event::Column::StartDatetime.gte(start))
                        .add(
                            Condition::any()
                                .add(event::Column::StartDatetime.gt(start))
                                .add(event::Column::Id.gt(after_id)),
                        ),
                ),
                None => query,
            }
            .order_by_asc(event::Column::StartDatetime),
        };
        query.order_by_asc(event::Column::Id)
    })
}

/// What a list of events is sorted by when a person chooses `field` (its columns).
pub fn sort_key(field: FieldRef, backend: DbBackend) -> Option<SimpleExpr> {
    let FieldRef::Event(field) = field else {
        return None;
    };
    let own = |column: event::Column| Expr::col((event::Entity, column));
    let text = |column: event::Column| super::text_order((event::Entity, column), backend);
    Some(match field {
        EventField::Number => own(event::Column::EventNumber),
        EventField::Name => text(event::Column::EventName),
        EventField::Start => own(event::Column::StartDatetime),
        EventField::End => own(event::Column::EndDatetime),
        EventField::Location => text(event::Column::Location),
        EventField::Attendees => own(event::Column::Attendees),
        EventField::Customer => {
            super::text_order((customer::Entity, customer::Column::CompanyName), backend)
        }
        EventField::Support => {
            super::text_order((Alias::new("support"), user::Column::UserLastName), backend)
        }
        _ => return None,
    })
}

/// The event `id`. With `for_update`, its row is read and locked until the end of the
/// transaction by one locking read, and its own columns are those of that read (see
/// `contract_repository::find`).
pub async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<Option<EventRow>, DbErr> {
    Ok(find_many(connection, &[id], for_update).await?.pop())
}

/// The id of the event numbered `number`, if there is one (its unique index).
pub async fn id_of_number(
    connection: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<i32>, DbErr> {
    Ok(event::Entity::find()
        .filter(event::Column::EventNumber.eq(number))
        .one(connection)
        .await?
        .map(|event| event.id))
}

/// The events whose ids are in `ids` (at most a thousand), in id order. With
/// `for_update`, their rows (and only theirs, not their contracts', customers' or users')
/// are read and locked until the end of the transaction, and their own columns are those
/// of that locking read (on MySQL; on SQLite see `repositories::locks_rows`).
pub async fn find_many(
    connection: &impl ConnectionTrait,
    ids: &[i32],
    for_update: bool,
) -> Result<Vec<EventRow>, DbErr> {
    let stored = if for_update && super::locks_rows(connection) {
        Some(
            event::Entity::find()
                .filter(event::Column::Id.is_in(ids.iter().copied()))
                .order_by_asc(event::Column::Id)
                .lock_exclusive()
                .all(connection)
                .await?,
        )
    } else {
        None
    };
    let rows = with_names()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(event::Column::Id)
        .all_rows::<EventRow>(connection)
        .await?;
    Ok(match stored {
        None => rows,
        Some(stored) => {
            let mut stored = stored.into_iter().peekable();
            rows.into_iter()
                .filter_map(|row| {
                    while stored.next_if(|model| model.id < row.id).is_some() {}
                    stored
                        .next_if(|model| model.id == row.id)
                        .map(|model| super::rows::merged_event(row, model))
                })
                .collect()
        }
    })
}

/// What decides a change to an event: its support user and its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EventState {
    /// The event.
    pub id: i32,
    /// Its support user.
    pub user_support_id: Option<i32>,
    /// Its version: equal to the version of an earlier reading, the event's own columns
    /// are still those of that reading (every write makes a new version).
    pub version: i64,
}

/// The state of the events `ids` (at most a thousand), in id order, read with nothing
/// else (no join): with `for_update`, their rows are locked until the end of the
/// transaction (on MySQL; on SQLite see `repositories::locks_rows`).
pub async fn states(
    connection: &impl super::reading::Store,
    ids: &[i32],
    for_update: bool,
) -> Result<Vec<EventState>, DbErr> {
    let mut query = event::Entity::find()
        .select_only()
        .columns([
            event::Column::Id,
            event::Column::UserSupportId,
            event::Column::Version,
        ])
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(event::Column::Id);
    if for_update && super::locks_rows(connection) {
        query = query.lock_exclusive();
    }
    super::reading::all(connection, &query).await
}

/// Sets the support user of the events `ids` in one statement, as a new version of each
/// by `author` at `at`. Returns how many changed.
///
/// The ids are bound padded to a power of two by repeating the last one (the same rows):
/// a connection keeps every statement it prepared, one per number of values bound, and a
/// statement of thousands of values weighs megabytes. Lists of any length then make at
/// most one statement per power of two, not one per length, in a server that runs for
/// days.
pub async fn set_support_of_many(
    connection: &impl ConnectionTrait,
    ids: &[i32],
    support_user_id: Option<i32>,
    author: i32,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    super::write_versions_at::<event::Entity>(
        connection,
        event::Column::Id.is_in(padded_to_a_power_of_two(ids)),
        vec![(event::Column::UserSupportId, Expr::value(support_user_id))],
        author,
        at,
    )
    .await
}

/// `ids`, then its last id again until their number is a power of two.
fn padded_to_a_power_of_two(ids: &[i32]) -> Vec<i32> {
    let mut padded = ids.to_vec();
    if let Some(&last) = ids.last() {
        padded.resize(ids.len().next_power_of_two(), last);
    }
    padded
}

/// The highest event number starting with `prefix` (by length, then text).
pub async fn last_number_with_prefix(
    connection: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<String>, DbErr> {
    Ok(event::Entity::find()
        .filter(event::Column::EventNumber.starts_with(prefix))
        .order_by_desc(Expr::cust("LENGTH(event_number)"))
        .order_by_desc(event::Column::EventNumber)
        .one(connection)
        .await?
        .map(|row| row.event_number))
}

/// Inserts an event.
pub async fn insert(
    connection: &impl ConnectionTrait,
    new_event: event::ActiveModel,
) -> Result<event::Model, DbErr> {
    new_event.insert(connection).await
}

/// Writes the changed columns of the event `id` as a new version by `author`.
pub async fn update(
    connection: &impl ConnectionTrait,
    id: i32,
    changes: Vec<(event::Column, SimpleExpr)>,
    author: i32,
) -> Result<bool, DbErr> {
    super::write_version::<event::Entity>(connection, id, changes, None, author).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_padded_to_a_power_of_two_with_the_last_one() {
        assert_eq!(super::padded_to_a_power_of_two(&[]), Vec::<i32>::new());
        assert_eq!(super::padded_to_a_power_of_two(&[7]), vec![7]);
        assert_eq!(
            super::padded_to_a_power_of_two(&[4, 9, 2]),
            vec![4, 9, 2, 2]
        );
        assert_eq!(
            super::padded_to_a_power_of_two(&[1, 2, 3, 4]),
            vec![1, 2, 3, 4]
        );
        assert_eq!(super::padded_to_a_power_of_two(&[1; 1000]).len(), 1024);
    }
}
