//! What a form checks as each field is typed, before anything is written: the field's own
//! rule, the rules between it and the fields typed before it (an end after the start, a
//! balance within the total), and whether a value no two records may share is already
//! another's. The write checks everything again, under its locks.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::Session;
use crate::catalogue::contract::ContractField;
use crate::catalogue::event::EventField;
use crate::catalogue::{Catalogue, FieldRef, FieldRule, StoredField, Value};
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
            let stored = field.checked(text, zone)?;
            if field.unique() && may_read(session, Resource::Customer) {
                let column = field.column().expect("a unique field has a column");
                let taken = customer::Entity::find()
                    .filter(column.eq(stored.as_str()))
                    .count(connection)
                    .await?;
                if taken > 0 {
                    return Err(already_used(field.label()));
                }
            }
            Ok(case_note(field.label(), text, &stored))
        }
        FieldRef::User(field) => {
            let stored = field.checked(text, zone)?;
            if field.unique() && may_read(session, Resource::User) {
                let column = field.column().expect("a unique field has a column");
                let taken = user::Entity::find()
                    .filter(column.eq(stored.as_str()))
                    .count(connection)
                    .await?;
                if taken > 0 {
                    return Err(already_used(field.label()));
                }
            }
            Ok(case_note(field.label(), text, &stored))
        }
        FieldRef::Contract(field) => {
            let value = field.checked(text, zone)?;
            let other = match field {
                ContractField::TotalAmount => ContractField::BalanceDue,
                ContractField::BalanceDue => ContractField::TotalAmount,
                _ => return Ok(None),
            };
            let Some(Value::Money(other_amount)) = typed_before(before, FieldRef::Contract(other))
                .map(|text| other.checked(text, zone))
                .transpose()?
            else {
                return Ok(None);
            };
            let Value::Money(amount) = value else {
                return Ok(None);
            };
            let (total, balance) = match field {
                ContractField::TotalAmount => (amount, other_amount),
                _ => (other_amount, amount),
            };
            super::contract_service::check_balance(total, balance)?;
            Ok(None)
        }
        FieldRef::Event(field) => {
            let value = field.checked(text, zone)?;
            let other = match field {
                EventField::Start => EventField::End,
                EventField::End => EventField::Start,
                _ => return Ok(None),
            };
            let Some(Value::Moment(other_moment)) = typed_before(before, FieldRef::Event(other))
                .map(|text| other.checked(text, zone))
                .transpose()?
            else {
                return Ok(None);
            };
            let Value::Moment(moment) = value else {
                return Ok(None);
            };
            let (start, end) = match field {
                EventField::Start => (moment, other_moment),
                _ => (other_moment, moment),
            };
            super::event_service::check_dates(start, end)?;
            Ok(None)
        }
    }
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
