//! Events: everyone reads them; a sales user creates them for a signed contract of their
//! customer; the assigned support user runs them; management chooses the support user.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend};

use super::journal::ChangeKind;
use super::{Current, Session, commit, numbering, refuse_before_locking, refuse_if_stale};
use crate::catalogue::Searched;
use crate::catalogue::event::NUMBER_LOOKUP_LABEL;
pub use crate::catalogue::event::{EventChanges, EventField, NewEvent, SupportUser};
use crate::catalogue::{
    Catalogue, FieldRule, Given, NumberedKind, Value, changed_columns, moment_of,
};
use crate::entities::event;
use crate::errors::CoreError;
use crate::paging::{Page, PageRequest};
use crate::permissions::{
    Action, Ownership, PermissionDenied, Resource, Role, Target, authorize, may_edit_event_field,
    ownership,
};
use crate::repositories::contract_repository::{self, ContractRow};
pub use crate::repositories::event_repository::EventRow;
use crate::repositories::event_repository::{self, EventFilter, EventOrder};
use crate::repositories::reading::Store;
use crate::repositories::words::WordSearch;
use crate::repositories::{begin_write, page_of, store_search_text, user_repository};
use crate::validation;

pub use crate::catalogue::event::{
    LOCATION_MAXIMUM_LENGTH, NAME_MAXIMUM_LENGTH, NOTE_MAXIMUM_LENGTH,
};
use crate::catalogue::event::{attendees, date_time, date_time_until};

/// The criteria of a search, as users know them.
pub mod criterion {
    pub const LOCATION: &str = "lieu recherché";
    pub const STARTS_FROM: &str = "début au plus tôt";
    pub const STARTS_UNTIL: &str = "début au plus tard";
    pub const AFTER: &str = "après";
}

pub use epic_events_api::lists::{EventList, EventSearch};

pub(crate) fn check_dates(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), CoreError> {
    if start >= end {
        return Err(CoreError::validation(
            EventField::End.label(),
            "doit être postérieure au début",
        ));
    }
    Ok(())
}

/// A page of events, in creation order.
pub async fn list(
    connection: &impl Store,
    session: &Session,
    which: EventList,
    page: PageRequest,
) -> Result<Page<EventRow>, CoreError> {
    search(connection, session, which, &EventSearch::default(), page).await
}

/// A page of the events of `which` that meet `search`.
pub async fn search(
    connection: &impl Store,
    session: &Session,
    which: EventList,
    search: &EventSearch,
    page: PageRequest,
) -> Result<Page<EventRow>, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::Event))?;
    let me = session.user.id;
    let mut filter = match which {
        EventList::All => EventFilter::default(),
        EventList::Mine => match ownership(session.user.role, Resource::Event) {
            Ownership::AssignedToMe => EventFilter {
                support_user_id: Some(me),
                ..Default::default()
            },
            Ownership::OfMyCustomers => EventFilter {
                customer_sales_user_id: Some(me),
                ..Default::default()
            },
            Ownership::CreatedBy | Ownership::Nothing => return Ok(Page::empty()),
        },
        EventList::WithoutSupport => EventFilter {
            without_support_only: true,
            ..Default::default()
        },
        EventList::OfCustomer(customer_id) => EventFilter {
            customer_id: Some(customer_id),
            ..Default::default()
        },
        EventList::OfContract(contract_id) => EventFilter {
            contract_id: Some(contract_id),
            ..Default::default()
        },
    };
    narrow(&mut filter, search, session.zone)?;
    if let Some(words) = filter.matching.take() {
        filter.matching = Some(
            words
                .planned::<event::Entity>(connection, page.size())
                .await?,
        );
    }
    // In start order a page continues from the start of the event last seen: that event
    // must exist, or the page would silently come back empty.
    let order = if search.soonest_first {
        let after = match page.after_id() {
            Some(after_id) => match event_repository::find(connection, after_id, false).await? {
                Some(seen) => Some((seen.start_datetime, seen.id)),
                None => {
                    return Err(CoreError::validation(
                        criterion::AFTER,
                        format!("l'évènement n°{after_id} n'existe pas (plus)"),
                    ));
                }
            },
            None => None,
        };
        EventOrder::SoonestFirst { after }
    } else {
        EventOrder::Creation
    };
    page_of(
        connection,
        |page| {
            event_repository::list_query(&filter, order, page, connection.get_database_backend())
        },
        event_repository::sort_key,
        page,
        |row: &EventRow| row.id,
    )
    .await
}

/// Narrows `filter` to the events `search` asks for, each criterion read by its rule for
/// someone whose dates are in `zone`.
fn narrow(
    filter: &mut EventFilter,
    search: &EventSearch,
    zone: epic_events_api::formatting::Zone,
) -> Result<(), CoreError> {
    if let Some(words) = &search.words {
        filter.matching = Some(WordSearch::new(&validation::search_words(words)?));
    }
    if let Some(text) = &search.location_contains {
        filter.location_contains = Some(validation::required_text(
            criterion::LOCATION,
            text,
            LOCATION_MAXIMUM_LENGTH,
        )?);
    }
    if let Some(text) = &search.starts_from {
        filter.starts_from = Some(date_time(criterion::STARTS_FROM, text, zone)?);
    }
    if search.upcoming_only {
        let now = chrono::Utc::now();
        filter.starts_from = Some(filter.starts_from.map_or(now, |from| from.max(now)));
    }
    if let Some(text) = &search.starts_until {
        filter.starts_until = Some(date_time_until(criterion::STARTS_UNTIL, text, zone)?);
    }
    Ok(())
}

/// Whether `search` can be run: each criterion given meets its rule (what a search form
/// checks as each criterion is typed).
pub fn check_search(session: &Session, search: &EventSearch) -> Result<(), CoreError> {
    narrow(&mut EventFilter::default(), search, session.zone)
}

/// One event.
pub async fn detail(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<EventRow, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::Event))?;
    find(connection, id, false).await
}

/// The event numbered `number` (`EVT-2026-0001`, letter case ignored).
pub async fn detail_by_number(
    connection: &impl ConnectionTrait,
    session: &Session,
    number: &str,
) -> Result<EventRow, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::Event))?;
    let number = number.trim().to_uppercase();
    match event_repository::id_of_number(connection, &number).await? {
        Some(id) => find(connection, id, false).await,
        None => Err(CoreError::validation(
            NUMBER_LOOKUP_LABEL,
            format!("aucun évènement ne porte le numéro « {number} »"),
        )),
    }
}

async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<EventRow, CoreError> {
    event_repository::find(connection, id, for_update)
        .await?
        .ok_or(CoreError::NotFound {
            what: Resource::Event,
            id,
        })
}

/// Whether `session` may do `action` on `event` as it is: what the services check, and
/// what the shell asks before offering an action.
pub fn permits(
    session: &Session,
    action: Action,
    event: &EventRow,
) -> Result<(), PermissionDenied> {
    authorize(
        &session.actor,
        action,
        Target::Event {
            customer_sales_user_id: event.customer_sales_user_id,
            support_user_id: event.user_support_id,
        },
    )
}

/// Whether `session` may change `field` of an event it may modify: the support user runs
/// the event, management chooses who that is. What [`update`] checks, and what the shell
/// asks before offering a field.
pub fn permits_field(session: &Session, field: EventField) -> Result<(), PermissionDenied> {
    if may_edit_event_field(session.user.role, field) {
        Ok(())
    } else {
        Err(PermissionDenied::Field {
            role: session.user.role,
            field,
        })
    }
}

/// Whether `session` may create an event for `contract`: one of their customers' contracts,
/// and signed.
pub fn may_create_for(session: &Session, contract: &ContractRow) -> Result<(), CoreError> {
    authorize(
        &session.actor,
        Action::Create,
        Target::Event {
            customer_sales_user_id: contract.customer_sales_user_id,
            support_user_id: None,
        },
    )?;
    if !contract.signed {
        return Err(CoreError::validation(
            EventField::Contract.label(),
            format!(
                "le contrat {} n'est pas signé : un évènement n'est créé que pour un contrat signé",
                contract.contract_number
            ),
        ));
    }
    Ok(())
}

/// Creates an event for a signed contract of one of the signed-in sales user's customers.
pub async fn create(
    connection: &impl Store,
    session: &Session,
    input: &NewEvent,
) -> Result<EventRow, CoreError> {
    authorize(
        &session.actor,
        Action::Create,
        Target::AnyOf(Resource::Event),
    )?;
    let transaction = begin_write(connection).await?;
    let highest_stored = |prefix: String| {
        let transaction = &transaction;
        async move { event_repository::last_number_with_prefix(transaction, &prefix).await }
    };
    // The number first, then the contract: every creation takes its locks in this order.
    let number = numbering::reserve(&transaction, NumberedKind::Event, &highest_stored).await?;
    // Locked: the contract cannot be deleted while its event is being created.
    let contract = contract_repository::find(&transaction, input.contract_id, true)
        .await?
        .ok_or_else(|| {
            CoreError::validation(
                EventField::Contract.label(),
                format!("le contrat n°{} n'existe pas", input.contract_id),
            )
        })?;
    may_create_for(session, &contract)?;
    // Each field by its rule, then the rule across fields.
    let values = [
        (EventField::Name, Given::Text(input.event_name.clone())),
        (EventField::Start, Given::Text(input.start.clone())),
        (EventField::End, Given::Text(input.end.clone())),
        (EventField::Location, Given::Text(input.location.clone())),
        (EventField::Attendees, Given::WholeNumber(input.attendees)),
        (EventField::Note, Given::Text(input.note.clone())),
    ]
    .into_iter()
    .map(|(field, given)| Ok((field, field.accepted(&given, session.zone)?)))
    .collect::<Result<Vec<(EventField, Value)>, CoreError>>()?;
    let (start, end) = (
        moment_of(&values, EventField::Start)?,
        moment_of(&values, EventField::End)?,
    );
    check_dates(start, end)?;
    let text_of = |field: EventField| match values.iter().find(|(given, _)| *given == field) {
        Some((_, Value::Text(text))) => text.clone(),
        _ => String::new(),
    };
    let (event_name, location, note) = (
        text_of(EventField::Name),
        text_of(EventField::Location),
        text_of(EventField::Note),
    );
    let attendees = attendees(input.attendees)?;

    let created = numbering::insert_numbered(&transaction, number, &highest_stored, |number| {
        event_repository::insert(
            &transaction,
            event::ActiveModel {
                contract_id: Set(contract.id),
                customer_id: Set(contract.customer_id),
                user_support_id: Set(None),
                event_name: Set(event_name.clone()),
                event_number: Set(number),
                start_datetime: Set(start),
                end_datetime: Set(end),
                location: Set(location.clone()),
                attendees: Set(attendees),
                note: Set(note.clone()),
                updated_by: Set(Some(session.user.id)),
                search_text: Set(EventField::search_text_of(&[
                    (EventField::Name, &event_name),
                    (EventField::Location, &location),
                ])),
                ..Default::default()
            },
        )
    })
    .await?;
    // Read before the commit: after it, a failure could not tell whether it was saved.
    let created_row = find(&transaction, created.id, false).await?;
    commit(transaction).await?;
    tracing::info!(
        user_id = session.user.id,
        event_id = created.id,
        "event created"
    );
    session.journal.record(
        Resource::Event,
        ChangeKind::Created,
        created.id,
        &created.event_number,
    );
    Ok(created_row)
}

/// Modifies an event: its assigned support user changes what they run; management changes
/// who supports it.
///
/// `seen` is the event as the person (or script) read it before deciding the change, if
/// the change was made from it: when a field the change sets has changed since, the change
/// is refused ([`CoreError::Stale`]) and nothing is written. Changes to other fields made
/// meanwhile are kept: only the fields that change are written.
pub async fn update(
    connection: &impl Store,
    session: &Session,
    id: i32,
    changes: &EventChanges,
    seen: Option<&EventRow>,
) -> Result<EventRow, CoreError> {
    refuse_before_locking(
        session,
        Action::Update,
        Resource::Event,
        find(connection, id, false),
        |event| permits(session, Action::Update, event),
    )
    .await?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    permits(session, Action::Update, &current)?;
    let requested = changes.requested();
    for (event_field, changed) in requested {
        if changed {
            permits_field(session, event_field)?;
        }
    }
    if let Some(seen) = seen {
        // Each field compared by its catalogue, as stored (the support by its id).
        let fields: Vec<(bool, bool)> = requested
            .iter()
            .map(|(field, set)| {
                let stored = field.stored();
                (*set, stored.read(seen) != stored.read(&current))
            })
            .collect();
        let now = Current {
            what: "l'évènement",
            label: &current.event_number,
            version: current.version,
            updated_by: current.updated_by,
            updated_at: current.updated_at,
            zone: session.zone,
        };
        refuse_if_stale(&transaction, seen.version, now, &fields).await?;
    }

    // The fields of the event's own as they will be: as given (their rules applied),
    // else as they are; then the rule across fields.
    let mut values: Vec<(EventField, Value)> = [
        EventField::Name,
        EventField::Start,
        EventField::End,
        EventField::Location,
        EventField::Attendees,
        EventField::Note,
    ]
    .iter()
    .map(|field| (*field, field.read(&current)))
    .collect();
    for (field, value) in changes.given() {
        let accepted = field.accepted(&value, session.zone)?;
        if let Some(slot) = values.iter_mut().find(|(changed, _)| *changed == field) {
            slot.1 = accepted;
        }
    }
    check_dates(
        moment_of(&values, EventField::Start)?,
        moment_of(&values, EventField::End)?,
    )?;
    let mut columns = changed_columns(values, &current);
    if let Some(support) = &changes.support {
        let support_id = match support {
            Some(user) => Some(support_user_id(&transaction, user).await?),
            None => None,
        };
        if support_id != current.user_support_id {
            columns.push((event::Column::UserSupportId, Expr::value(support_id)));
        }
    }
    // Nothing differs: nothing is written, and nothing counts as modified.
    if columns.is_empty() {
        return Ok(current);
    }
    event_repository::update(&transaction, id, columns, session.user.id).await?;
    let updated = find(&transaction, id, false).await?;
    store_search_text::<event::Entity>(&transaction, id, EventField::search_text(&updated)).await?;
    commit(transaction).await?;
    session.journal.record(
        Resource::Event,
        ChangeKind::Modified,
        id,
        &current.event_number,
    );
    tracing::info!(user_id = session.user.id, event_id = id, "event updated");
    Ok(updated)
}

/// The id of `user`, who must be a member of the support team.
///
/// Called inside the write transaction that assigns them: the user's row is locked in
/// share mode until it ends, so that they can be neither deleted nor given another role
/// meanwhile (a role change counts the events they support once this assignment is
/// committed), and the role checked is the one read under that lock.
async fn support_user_id(
    connection: &impl ConnectionTrait,
    user: &SupportUser,
) -> Result<i32, CoreError> {
    Ok(support_user(connection, user).await?.id)
}

/// The support user `user` designates, read with their role locked (see
/// [`support_user_id`]).
async fn support_user(
    connection: &impl ConnectionTrait,
    user: &SupportUser,
) -> Result<crate::entities::user::Model, CoreError> {
    let (found, shown) = match user {
        SupportUser::Id(id) => (
            user_repository::find_with_role_by_id(connection, *id).await?,
            format!("n°{id}"),
        ),
        SupportUser::Login(login) => (
            user_repository::find_with_role_by_login(connection, login).await?,
            format!("« {} »", login.trim()),
        ),
    };
    let locked_role = match &found {
        Some((user, _)) => user_repository::role_id_locked(connection, user.id).await?,
        None => None,
    };
    match (found, locked_role) {
        (Some((user, role)), Some(locked_role))
            if role.name == Role::Support.name() && role.id == locked_role =>
        {
            Ok(user)
        }
        (Some(_), Some(_)) => Err(CoreError::validation(
            EventField::Support.label(),
            format!("l'utilisateur {shown} n'est pas un membre du support"),
        )),
        _ => Err(CoreError::validation(
            EventField::Support.label(),
            format!("aucun utilisateur {shown}"),
        )),
    }
}

/// How many events one statement of a bulk assignment reads, and on MySQL writes.
const BULK_CHUNK: usize = 1000;

/// How many events one statement of a bulk assignment writes on SQLite. Each statement
/// journals again the pages an earlier one journaled (the events' indexes): for 10,000
/// events, one statement writes 34,599 pages where ten wrote 42,789 (docs/benchmarks.md).
/// A power of two, as the lists of ids are padded to one
/// (`event_repository::set_support_of_many`), and with the statement's four other values
/// within what one statement may bind (32,766).
const SQLITE_BULK_WRITE_CHUNK: usize = 16_384;
const _: () =
    assert!(SQLITE_BULK_WRITE_CHUNK.is_power_of_two() && SQLITE_BULK_WRITE_CHUNK + 4 <= 32_766);

/// An event a bulk assignment is asked to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkTarget {
    /// The event.
    pub id: i32,
    /// The event as it was read when it was chosen, if it was chosen from a reading made
    /// by the core in the same unit of work (a script's records cannot be made or changed
    /// by the script). The assignment then applies only if its support user has not
    /// changed since: the criteria it was chosen by are checked again under lock. While
    /// its version is unchanged, its row is that reading's, not read again.
    pub seen: Option<EventRow>,
}

impl BulkTarget {
    /// The event `id` as it is when the assignment runs.
    pub fn current(id: i32) -> Self {
        Self { id, seen: None }
    }

    /// The event `row`, as it was read.
    pub fn seen(row: EventRow) -> Self {
        Self {
            id: row.id,
            seen: Some(row),
        }
    }
}

/// What a bulk assignment did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkAssignment {
    /// The events now supported as asked, as they are after the assignment; an event
    /// given as read and unchanged since (its version) keeps the names of its contract
    /// and customer as they were read (see [`BulkTarget::seen`]).
    pub assigned: Vec<EventRow>,
    /// The events left alone because their support changed since they were read (someone
    /// else assigned them meanwhile), as they are now.
    pub taken: Vec<EventRow>,
}

/// Assigns `support` (or nobody, with `None`) to every event of `targets` at once, in one
/// transaction: the same rules as [`update`] for each event (management only, the support
/// field only, a support user), checked for all under their locks before anything is
/// written, then one statement per thousand events (on SQLite, per 16,384) instead of
/// several queries per event.
/// An event whose support changed since it was read is not changed (see [`BulkTarget`]).
pub async fn assign_support_to_many(
    connection: &impl Store,
    session: &Session,
    targets: Vec<BulkTarget>,
    support: Option<&SupportUser>,
) -> Result<BulkAssignment, CoreError> {
    authorize(
        &session.actor,
        Action::Update,
        Target::AnyOf(Resource::Event),
    )?;
    permits_field(session, EventField::Support)?;
    // Each event once, in id order; an event given twice is taken as first given (a
    // record read earlier, or its number). Sorted by key and position, then moved: the
    // targets themselves are large.
    let mut order: Vec<(i32, usize)> = targets
        .iter()
        .enumerate()
        .map(|(position, target)| (target.id, position))
        .collect();
    order.sort_unstable();
    order.dedup_by_key(|(id, _)| *id);
    let mut given: Vec<Option<BulkTarget>> = targets.into_iter().map(Some).collect();
    let mut unique: Vec<BulkTarget> = order
        .iter()
        .filter_map(|(_, position)| given[*position].take())
        .collect();
    let transaction = begin_write(connection).await?;
    let support_user = match support {
        Some(user) => Some(support_user(&transaction, user).await?),
        None => None,
    };
    let support_id = support_user.as_ref().map(|user| user.id);
    let mut changing: Vec<EventRow> = Vec::new();
    let mut kept: Vec<EventRow> = Vec::new();
    let mut taken: Vec<EventRow> = Vec::new();
    for chunk in unique.chunks_mut(BULK_CHUNK) {
        let ids: Vec<i32> = chunk.iter().map(|target| target.id).collect();
        // Each event's support and version, read and locked with nothing else; in id
        // order, as `ids`: the first id without its event is the first that differs.
        let states = event_repository::states(&transaction, &ids, true).await?;
        if let Some(missing) = ids
            .iter()
            .zip(
                states
                    .iter()
                    .map(|state| Some(state.id))
                    .chain(std::iter::repeat(None)),
            )
            .find_map(|(id, read)| (read != Some(*id)).then_some(*id))
        {
            return Err(CoreError::NotFound {
                what: Resource::Event,
                id: missing,
            });
        }
        // An event read earlier at the same version is as it was read (its contract's
        // and customer's names too, as read then); the others are read now, under the
        // lock just taken. The rules for changing an event look at its support user,
        // which is the locked reading's either way (same version, same support); were
        // they to look at its customer's sales user, read that under the lock too.
        let still_seen: Vec<bool> = chunk
            .iter()
            .zip(&states)
            .map(|(target, state)| {
                target
                    .seen
                    .as_ref()
                    .is_some_and(|seen| seen.version == state.version)
            })
            .collect();
        let unread: Vec<i32> = chunk
            .iter()
            .zip(&still_seen)
            .filter(|(_, still)| !**still)
            .map(|(target, _)| target.id)
            .collect();
        let mut read = if unread.is_empty() {
            Vec::new()
        } else {
            event_repository::find_many(&transaction, &unread, false).await?
        }
        .into_iter();
        for ((target, state), still) in chunk.iter_mut().zip(&states).zip(still_seen) {
            let seen_support = target.seen.as_ref().map(|seen| seen.user_support_id);
            // The targets are the assignment's own: a row still as read is taken, not
            // copied.
            let event = match target.seen.take().filter(|_| still) {
                Some(seen) => seen,
                None => read
                    .find(|event| event.id == target.id)
                    .ok_or(CoreError::NotFound {
                        what: Resource::Event,
                        id: target.id,
                    })?,
            };
            permits(session, Action::Update, &event)?;
            match seen_support {
                Some(seen) if seen != state.user_support_id => taken.push(event),
                _ if state.user_support_id == support_id => kept.push(event),
                _ => changing.push(event),
            }
        }
    }
    let changing_ids: Vec<i32> = changing.iter().map(|event| event.id).collect();
    let at = crate::entities::now();
    let write_chunk = match transaction.get_database_backend() {
        DbBackend::Sqlite => SQLITE_BULK_WRITE_CHUNK,
        _ => BULK_CHUNK,
    };
    for chunk in changing_ids.chunks(write_chunk) {
        event_repository::set_support_of_many(&transaction, chunk, support_id, session.user.id, at)
            .await?;
    }
    // The events as the statements left them: read under lock, then changed by them
    // only (a new version by this user, now, with this support), so not read again.
    let (support_first_name, support_last_name) = match &support_user {
        Some(user) => (
            Some(user.user_first_name.clone()),
            Some(user.user_last_name.clone()),
        ),
        None => (None, None),
    };
    let mut assigned: Vec<EventRow> = changing
        .into_iter()
        .map(|event| EventRow {
            user_support_id: support_id,
            support_first_name: support_first_name.clone(),
            support_last_name: support_last_name.clone(),
            version: event.version + 1,
            updated_by: Some(session.user.id),
            updated_at: at,
            ..event
        })
        .collect();
    let changed = assigned.len();
    commit(transaction).await?;
    for event in &assigned {
        session.journal.record(
            Resource::Event,
            ChangeKind::Modified,
            event.id,
            &event.event_number,
        );
    }
    assigned.extend(kept);
    assigned.sort_unstable_by_key(|event| event.id);
    tracing::info!(
        user_id = session.user.id,
        events = changed,
        taken = taken.len(),
        "support assigned to many events"
    );
    Ok(BulkAssignment { assigned, taken })
}
