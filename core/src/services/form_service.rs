//! What a form checks as each field is typed, before anything is written: the field's own
//! rule, the rules between it and the fields typed before it (an end after the start, a
//! balance within the total), and whether a value no two records may share is already
//! another's. The write checks everything again, under its locks.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::Session;
use crate::catalogue::contract::ContractField;
use crate::catalogue::event::EventField;
use crate::catalogue::{FieldRef, FieldRule, Referenced, StoredField, Value};
use crate::entities::{customer, user};
use crate::errors::{CoreError, already_used};
use crate::permissions::{Action, Resource, Target, authorize};

/// Whether `text`, typed for `field` in a form after `before` (each field with its text as
/// typed), can be written: a refusal names the field and its rule. The answer is a note for
/// the person when the value will be stored otherwise than typed in a way they may not
/// expect (a username in lower case).
pub async fn check_typed(
    connection: &impl ConnectionTrait,
    session: &Session,
    field: FieldRef,
    text: &str,
    before: &[(FieldRef, String)],
) -> Result<Option<String>, CoreError> {
    let zone = session.zone;
    match field {
        FieldRef::Customer(field) => {
            free_value::<customer::Entity, _>(connection, session, Resource::Customer, field, text)
                .await
        }
        FieldRef::User(field) => {
            free_value::<user::Entity, _>(connection, session, Resource::User, field, text).await
        }
        FieldRef::Contract(field) => {
            use ContractField::{BalanceDue, TotalAmount};
            if let Some((Value::Money(total), Value::Money(balance))) =
                with_its_pair(field, text, before, zone, (TotalAmount, BalanceDue))?
            {
                super::contract_service::check_balance(total, balance)?;
            }
            Ok(None)
        }
        FieldRef::Event(field) => {
            use EventField::{End, Start};
            if let Some((Value::Moment(start), Value::Moment(end))) =
                with_its_pair(field, text, before, zone, (Start, End))?
            {
                super::event_service::check_dates(start, end)?;
            }
            Ok(None)
        }
    }
}

/// `text` for `field` of a record of `E` (`resource`) by its rule, refused when another
/// record already holds it and the field is one no two may share (said only to those who
/// may read them all); a note when it is stored in lower case.
async fn free_value<E, F>(
    connection: &impl ConnectionTrait,
    session: &Session,
    resource: Resource,
    field: F,
    text: &str,
) -> Result<Option<String>, CoreError>
where
    E: EntityTrait,
    E::Model: Sync,
    F: StoredField<Checked = String>,
    F::Column: ColumnTrait,
{
    let stored = field.checked(text, session.zone)?;
    if field.unique()
        && may_read(session, resource)
        && let Some(column) = field.column()
        && E::find()
            .filter(column.eq(stored.as_str()))
            .count(connection)
            .await?
            > 0
    {
        return Err(already_used(field.label()));
    }
    Ok(case_note(field.label(), text, &stored))
}

/// `field`'s value from `text` by its rule and, when `field` is one of `pair` and the other
/// was typed before, both values in `pair`'s order, for the rule between them.
fn with_its_pair<F: Referenced + FieldRule<Checked = Value>>(
    field: F,
    text: &str,
    before: &[(FieldRef, String)],
    zone: epic_events_api::formatting::Zone,
    pair: (F, F),
) -> Result<Option<(Value, Value)>, CoreError> {
    let value = field.checked(text, zone)?;
    let other = if field == pair.0 {
        pair.1
    } else if field == pair.1 {
        pair.0
    } else {
        return Ok(None);
    };
    let Some(other_text) = typed_before(before, other.reference()) else {
        return Ok(None);
    };
    let other_value = other.checked(other_text, zone)?;
    Ok(Some(if field == pair.0 {
        (value, other_value)
    } else {
        (other_value, value)
    }))
}

/// The text typed before for `wanted`, if it was.
fn typed_before(before: &[(FieldRef, String)], wanted: FieldRef) -> Option<&str> {
    before
        .iter()
        .rev()
        .find(|(field, _)| *field == wanted)
        .map(|(_, text)| text.as_str())
}

/// Whether `session` may read every record of `resource`: only then does a form say that
/// a value is already one of theirs (otherwise the write refuses it, naming the field).
fn may_read(session: &Session, resource: Resource) -> bool {
    authorize(&session.actor, Action::Read, Target::AnyOf(resource)).is_ok()
}

/// The note that `typed` for the field `label` will be stored in lower case, as `stored`.
fn case_note(label: &str, typed: &str, stored: &str) -> Option<String> {
    let typed = typed.trim();
    (typed != stored && typed.to_lowercase() == stored)
        .then(|| format!("{label} enregistré en minuscules : « {stored} »"))
}
