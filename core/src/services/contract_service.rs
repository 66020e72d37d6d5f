//! Contracts: everyone reads them; management creates, modifies and deletes any; a sales
//! user modifies those of their own customers.

use epic_events_api::formatting::Zone;
use sea_orm::{ActiveValue::Set, ConnectionTrait, TransactionTrait};

use super::journal::{ChangeKind, Notice};
use super::{Current, Session, commit, numbering, refuse_before_locking, refuse_if_stale};
pub use crate::catalogue::contract::{
    ContractChanges, ContractField, NUMBER_LOOKUP_LABEL, NewContract, PAYMENT, PAYMENT_LABEL,
};
pub use crate::catalogue::payment::{PaymentLine, RecordedPayment};
use crate::catalogue::{Catalogue, NumberedKind};
use crate::entities::{contract, customer};
use crate::errors::{CoreError, attached_records_conflict};
use crate::formatting;
use crate::money::Money;
use crate::paging::{Page, PageRequest};
use crate::permissions::{
    Action, Ownership, PermissionDenied, Resource, Target, authorize, ownership,
};
pub use crate::repositories::contract_repository::ContractRow;
use crate::repositories::contract_repository::{self, ContractFilter};
use crate::repositories::reading::Store;
use crate::repositories::words::WordSearch;
use crate::repositories::{begin_write, customer_repository, page_of};
use crate::validation;

pub use epic_events_api::lists::ContractList;

use crate::catalogue::contract::amount;
use crate::catalogue::{FieldRule, Value, changed_columns, money_of, yes_no_of};

/// `text`, typed for the amount field `field`, as its rule reads it.
fn checked_money(field: ContractField, text: &str) -> Result<Money, CoreError> {
    // An amount reads the same in every zone.
    money_of(&[(field, field.checked(text, Zone::UTC)?)], field)
}

pub(crate) fn check_balance(total: Money, balance: Money) -> Result<(), CoreError> {
    if balance > total {
        return Err(CoreError::validation(
            ContractField::BalanceDue.label(),
            format!(
                "ne peut pas dépasser le montant total ({})",
                formatting::money(total)
            ),
        ));
    }
    Ok(())
}

/// The filter for `which` as seen by `session`; `None` when the list is empty by
/// definition (no contract is theirs).
fn filter_for(session: &Session, which: ContractList) -> Option<ContractFilter> {
    let me = session.user.id;
    let mut filter = ContractFilter::default();
    let mine = matches!(
        which,
        ContractList::Mine | ContractList::MineUnsigned | ContractList::MineUnpaid
    );
    if mine {
        match ownership(session.user.role, Resource::Contract) {
            Ownership::CreatedBy => filter.management_user_id = Some(me),
            Ownership::OfMyCustomers => filter.customer_sales_user_id = Some(me),
            Ownership::AssignedToMe => filter.event_support_user_id = Some(me),
            Ownership::Nothing => return None,
        }
    }
    if let ContractList::OfCustomer(customer_id) = which {
        filter.customer_id = Some(customer_id);
    }
    filter.unsigned_only = matches!(which, ContractList::Unsigned | ContractList::MineUnsigned);
    filter.unpaid_only = matches!(which, ContractList::Unpaid | ContractList::MineUnpaid);
    Some(filter)
}

/// A page of contracts.
pub async fn list(
    connection: &impl Store,
    session: &Session,
    which: ContractList,
    page: PageRequest,
) -> Result<Page<ContractRow>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    let Some(filter) = filter_for(session, which) else {
        return Ok(Page::empty());
    };
    page_of(
        connection,
        |page| contract_repository::list_query(&filter, page, connection.get_database_backend()),
        contract_repository::sort_key,
        page,
        |row: &ContractRow| row.id,
    )
    .await
}

/// A page of the contracts whose number starts with `words` (`CTR-2026-00`, letter case
/// ignored), or else whose customer's name, company or e-mail holds every word of
/// `words`, regardless of letter case and accents.
pub async fn search(
    connection: &impl Store,
    session: &Session,
    words: &str,
    page: PageRequest,
) -> Result<Page<ContractRow>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    let words = validation::search_words(words)?;
    let upper = words.to_uppercase();
    let filter = if upper.starts_with(NumberedKind::Contract.start()) {
        ContractFilter {
            number_starts_with: Some(upper),
            ..ContractFilter::default()
        }
    } else {
        ContractFilter {
            customer_matches: Some(
                WordSearch::new(&words)
                    .planned::<customer::Entity>(connection, page.size())
                    .await?,
            ),
            ..ContractFilter::default()
        }
    };
    page_of(
        connection,
        |page| contract_repository::list_query(&filter, page, connection.get_database_backend()),
        contract_repository::sort_key,
        page,
        |row: &ContractRow| row.id,
    )
    .await
}

/// One contract.
pub async fn detail(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<ContractRow, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    find(connection, id, false).await
}

/// The contract numbered `number` (`CTR-2026-0001`, letter case ignored).
pub async fn detail_by_number(
    connection: &impl ConnectionTrait,
    session: &Session,
    number: &str,
) -> Result<ContractRow, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    let number = number.trim().to_uppercase();
    contract_repository::find_by_number(connection, &number)
        .await?
        .ok_or_else(|| {
            CoreError::validation(
                NUMBER_LOOKUP_LABEL,
                format!("aucun contrat ne porte le numéro « {number} »"),
            )
        })
}

/// Opens a write transaction, locks the contract `id` in it (reading its current values),
/// and checks that `session` may do `action` on it as it is — and first, before locking,
/// as it is read now (a refusal leaves no lock behind).
async fn lock_authorized<Connection: ConnectionTrait + TransactionTrait>(
    connection: &Connection,
    session: &Session,
    id: i32,
    action: Action,
) -> Result<(Connection::Transaction, ContractRow), CoreError> {
    refuse_before_locking(
        session,
        action,
        Resource::Contract,
        find(connection, id, false),
        |contract| permits(session, action, contract),
    )
    .await?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    permits(session, action, &current)?;
    Ok((transaction, current))
}

/// Whether `session` may do `action` on `contract` as it is: what the services check, and
/// what the shell asks before offering an action.
pub fn permits(
    session: &Session,
    action: Action,
    contract: &ContractRow,
) -> Result<(), PermissionDenied> {
    authorize(
        &session.actor,
        action,
        Target::Contract {
            customer_sales_user_id: contract.customer_sales_user_id,
        },
    )
}

async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<ContractRow, CoreError> {
    contract_repository::find(connection, id, for_update)
        .await?
        .ok_or(CoreError::NotFound {
            what: Resource::Contract,
            id,
        })
}

/// Creates a contract for an existing customer, by the signed-in management user.
pub async fn create(
    connection: &impl Store,
    session: &Session,
    input: &NewContract,
) -> Result<ContractRow, CoreError> {
    authorize(
        &session.actor,
        Action::Create,
        Target::AnyOf(Resource::Contract),
    )?;
    let transaction = begin_write(connection).await?;
    let highest_stored = |prefix: String| {
        let transaction = &transaction;
        async move { contract_repository::last_number_with_prefix(transaction, &prefix).await }
    };
    // The number first, then the customer: every creation takes its locks in this order.
    let number = numbering::reserve(&transaction, NumberedKind::Contract, &highest_stored).await?;
    // Locked: the customer cannot be deleted while its contract is being created.
    let customer = customer_repository::find(&transaction, input.customer_id, true)
        .await?
        .ok_or_else(|| {
            CoreError::validation(
                ContractField::Customer.label(),
                format!("le client n°{} n'existe pas", input.customer_id),
            )
        })?;
    authorize(
        &session.actor,
        Action::Create,
        Target::Contract {
            customer_sales_user_id: customer.user_sales_id,
        },
    )?;
    let total = checked_money(ContractField::TotalAmount, &input.total_amount)?;
    let balance = match &input.balance_due {
        Some(text) => checked_money(ContractField::BalanceDue, text)?,
        None => total,
    };
    check_balance(total, balance)?;

    let created = numbering::insert_numbered(&transaction, number, &highest_stored, |number| {
        contract_repository::insert(
            &transaction,
            contract::ActiveModel {
                customer_id: Set(customer.id),
                user_management_id: Set(session.user.id),
                contract_number: Set(number),
                total_amount: Set(total.into()),
                balance_due: Set(balance.into()),
                signed: Set(input.signed),
                updated_by: Set(Some(session.user.id)),
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
        contract_id = created.id,
        "contract created"
    );
    session.journal.record(
        Resource::Contract,
        ChangeKind::Created,
        created.id,
        &created.contract_number,
    );
    if created.signed {
        session.journal.notify(Notice::ContractSigned {
            acting_user_id: session.user.id,
            contract_id: created.id,
        });
    }
    Ok(created_row)
}

/// Changes amounts or signs a contract: management on any contract, a sales user on the
/// contracts of their customers.
///
/// `seen` is the contract as the person (or script) read it before deciding the change,
/// if the change was made from it: when a field the change sets has changed since, the
/// change is refused ([`CoreError::Stale`]) and nothing is written. Without `seen`, the
/// change applies to the contract as it is now, under its lock.
pub async fn update(
    connection: &impl Store,
    session: &Session,
    id: i32,
    changes: &ContractChanges,
    seen: Option<&ContractRow>,
) -> Result<ContractRow, CoreError> {
    let (transaction, current) = lock_authorized(connection, session, id, Action::Update).await?;
    let given = changes.given();
    if let Some(seen) = seen {
        // Each field compared by its catalogue.
        let fields: Vec<(bool, bool)> = given
            .iter()
            .map(|(field, _)| (true, field.read(seen) != field.read(&current)))
            .collect();
        let now = Current {
            what: "le contrat",
            label: &current.contract_number,
            version: current.version,
            updated_by: current.updated_by,
            updated_at: current.updated_at,
            zone: session.zone,
        };
        refuse_if_stale(&transaction, seen.version, now, &fields).await?;
    }
    // Every changeable field as it will be: as given (its rule applied), else as it is.
    let mut values: Vec<(ContractField, Value)> = ContractField::CHANGEABLE
        .iter()
        .map(|field| (*field, field.read(&current)))
        .collect();
    for (field, value) in &given {
        let accepted = field.accepted(value, session.zone)?;
        if let Some(slot) = values.iter_mut().find(|(changed, _)| changed == field) {
            slot.1 = accepted;
        }
    }
    // The rules across fields.
    check_balance(
        money_of(&values, ContractField::TotalAmount)?,
        money_of(&values, ContractField::BalanceDue)?,
    )?;
    let signed = yes_no_of(&values, ContractField::Signed)?;
    if current.signed && !signed {
        return Err(CoreError::validation(
            ContractField::Signed.label(),
            "un contrat signé ne peut pas redevenir non signé",
        ));
    }
    // Only what changes is written: a concurrent change of another field stays.
    let columns = changed_columns(values, &current);
    if columns.is_empty() {
        return Ok(current);
    }
    contract_repository::update(&transaction, id, columns, session.user.id).await?;
    let updated = find(&transaction, id, false).await?;
    commit(transaction).await?;
    saved(session, &current, signed);
    Ok(updated)
}

/// Records a payment received for a contract: its balance due goes down by `amount`
/// (as typed), which must be more than zero and at most the balance. The same users may
/// do it as may modify the contract. The balance is lowered by one conditional statement,
/// relative to the balance at that moment: concurrent payments add up, and together they
/// can never exceed the balance.
pub async fn record_payment(
    connection: &impl Store,
    session: &Session,
    id: i32,
    amount_text: &str,
) -> Result<ContractRow, CoreError> {
    let (transaction, current) = lock_authorized(connection, session, id, Action::Update).await?;
    let payment = amount(PAYMENT_LABEL, amount_text)?;
    if payment.is_zero() {
        return Err(CoreError::validation(
            PAYMENT_LABEL,
            "doit être supérieur à zéro",
        ));
    }
    let too_much = || {
        CoreError::validation(
            PAYMENT_LABEL,
            format!(
                "{} dépasse le reste à payer du contrat {} ({})",
                formatting::money(payment),
                current.contract_number,
                formatting::money(current.balance_due)
            ),
        )
    };
    if payment > current.balance_due {
        return Err(too_much());
    }
    if !contract_repository::pay(&transaction, id, payment, session.user.id).await? {
        return Err(too_much());
    }
    let updated = find(&transaction, id, false).await?;
    commit(transaction).await?;
    saved(session, &current, current.signed);
    Ok(updated)
}

/// How many lines, and how many contracts, one statement reads or writes.
const PAYMENTS_PER_STATEMENT: usize = 1_000;

/// Records every payment of `lines`, in order, all or none: the first line that is
/// refused — an unknown contract, one `session` may not change, an amount that is not
/// one, above what is left to pay after the lines before — stops everything, its refusal
/// naming the line; nothing is written then.
///
/// A few statements per thousand lines. For each thousand: the contracts are read without
/// a lock and each line checked (its contract, the right to change it, its amount), so
/// that nothing is locked that may not be changed; then the contracts of the lines checked
/// are locked in id order and read again, and under those locks the rights are checked
/// again and the balances lowered in memory line after line, from the values of the locked
/// read. The new balances are written at the end, one statement per thousand contracts,
/// each contract as one new version.
pub async fn record_payments(
    connection: &impl Store,
    session: &Session,
    lines: &[PaymentLine],
) -> Result<Vec<RecordedPayment>, CoreError> {
    authorize(
        &session.actor,
        Action::Update,
        Target::AnyOf(Resource::Contract),
    )?;
    let transaction = begin_write(connection).await?;
    // Each contract locked, with its balance after the lines so far, by upper-case number.
    let mut locked: std::collections::HashMap<String, (ContractRow, Money)> =
        std::collections::HashMap::new();
    // The contracts whose balance changed, once each, in the order they were first paid.
    let mut paid: Vec<String> = Vec::new();
    let mut recorded = Vec::with_capacity(lines.len());
    for chunk in lines.chunks(PAYMENTS_PER_STATEMENT) {
        // Before any lock: the contracts as they are, each line checked.
        let mut numbers: Vec<String> = chunk
            .iter()
            .map(|line| line.number.trim().to_uppercase())
            .filter(|number| !locked.contains_key(number))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let seen: std::collections::HashMap<String, ContractRow> = if numbers.is_empty() {
            std::collections::HashMap::new()
        } else {
            contract_repository::find_by_numbers(&transaction, &numbers)
                .await?
                .into_iter()
                .map(|row| (row.contract_number.to_uppercase(), row))
                .collect()
        };
        let mut checked: Vec<(&PaymentLine, String, Money)> = Vec::with_capacity(chunk.len());
        let mut first_refusal = None;
        for line in chunk {
            let number = line.number.trim().to_uppercase();
            let contract = locked
                .get(&number)
                .map(|(contract, _)| contract)
                .or_else(|| seen.get(&number));
            match check_payment(session, line, &number, contract) {
                Ok(payment) => checked.push((line, number, payment)),
                Err(refusal) => {
                    first_refusal = Some(refusal);
                    break;
                }
            }
        }
        // The contracts of the lines checked, locked in id order and read again.
        let mut ids: Vec<i32> = checked
            .iter()
            .filter(|(_, number, _)| !locked.contains_key(number))
            .filter_map(|(_, number, _)| seen.get(number).map(|contract| contract.id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            for row in contract_repository::find_locked_by_ids(&transaction, &ids).await? {
                let balance = row.balance_due;
                locked.insert(row.contract_number.to_uppercase(), (row, balance));
            }
        }
        // Under the locks: the rights again, and the balances, line after line.
        for (line, number, payment) in checked {
            let refused = |error: CoreError| in_list(line, error);
            let Some((contract, balance)) = locked.get_mut(&number) else {
                // Deleted, or renumbered, between the two reads.
                return Err(refused(not_numbered(&number)));
            };
            permits(session, Action::Update, contract).map_err(|denied| refused(denied.into()))?;
            let Ok(left) = Money::new(balance.amount() - payment.amount()) else {
                return Err(refused(CoreError::validation(
                    PAYMENT_LABEL,
                    format!(
                        "{} dépasse le reste à payer du contrat {} ({})",
                        formatting::money(payment),
                        contract.contract_number,
                        formatting::money(*balance)
                    ),
                )));
            };
            if *balance == contract.balance_due {
                paid.push(number.clone());
            }
            *balance = left;
            recorded.push(RecordedPayment {
                line: line.line,
                contract_id: contract.id,
                contract_number: contract.contract_number.clone(),
                customer: contract.customer_company_name.clone(),
                amount: payment,
                balance_due: left,
            });
        }
        if let Some(refusal) = first_refusal {
            return Err(refusal);
        }
    }
    let balances: Vec<(i32, Money)> = paid
        .iter()
        .filter_map(|number| locked.get(number))
        .map(|(contract, balance)| (contract.id, *balance))
        .collect();
    for chunk in balances.chunks(PAYMENTS_PER_STATEMENT) {
        let written =
            contract_repository::set_balances(&transaction, chunk, session.user.id).await?;
        if written != chunk.len() as u64 {
            // Impossible under the locks; never recorded as paid if it happened.
            return Err(CoreError::unexpected(std::io::Error::other(format!(
                "{written} of {} locked contracts updated",
                chunk.len()
            ))));
        }
    }
    commit(transaction).await?;
    for number in &paid {
        if let Some((contract, _)) = locked.get(number) {
            saved(session, contract, contract.signed);
        }
    }
    Ok(recorded)
}

/// `line`'s refusal, naming it: « ligne 12 (CTR-2026-0042) : … ».
fn in_list(line: &PaymentLine, error: CoreError) -> CoreError {
    CoreError::InList {
        item: format!("{} ({})", line.source, line.number.trim()),
        error: Box::new(error),
    }
}

/// No contract numbered `number`.
fn not_numbered(number: &str) -> CoreError {
    CoreError::validation(
        NUMBER_LOOKUP_LABEL,
        format!("aucun contrat ne porte le numéro « {number} »"),
    )
}

/// A line of payments checked before anything is locked: its contract exists and
/// `session` may change it, its amount is one, above zero. The amount.
fn check_payment(
    session: &Session,
    line: &PaymentLine,
    number: &str,
    contract: Option<&ContractRow>,
) -> Result<Money, CoreError> {
    let refused = |error: CoreError| in_list(line, error);
    let contract = contract.ok_or_else(|| refused(not_numbered(number)))?;
    permits(session, Action::Update, contract).map_err(|denied| refused(denied.into()))?;
    let payment = amount(PAYMENT_LABEL, &line.amount).map_err(refused)?;
    if payment.is_zero() {
        return Err(refused(CoreError::validation(
            PAYMENT_LABEL,
            "doit être supérieur à zéro",
        )));
    }
    Ok(payment)
}

/// Journals and reports a committed change of `current`, signed or not now.
fn saved(session: &Session, current: &ContractRow, signed: bool) {
    let id = current.id;
    session.journal.record(
        Resource::Contract,
        ChangeKind::Modified,
        id,
        &current.contract_number,
    );
    if signed && !current.signed {
        tracing::info!(
            user_id = session.user.id,
            contract_id = id,
            "contract signed"
        );
        session.journal.notify(Notice::ContractSigned {
            acting_user_id: session.user.id,
            contract_id: id,
        });
    } else {
        tracing::info!(
            user_id = session.user.id,
            contract_id = id,
            "contract updated"
        );
    }
}

/// Whether `session` may delete the contract `id` as it is now (the right, and no event
/// attached): asked before asking for a confirmation; [`delete`] asks again under lock.
pub async fn may_delete(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<(), CoreError> {
    let current = find(connection, id, false).await?;
    permits(session, Action::Delete, &current)?;
    refuse_deletion_if_attached(connection, &current).await
}

async fn refuse_deletion_if_attached(
    connection: &impl ConnectionTrait,
    current: &ContractRow,
) -> Result<(), CoreError> {
    let events = contract_repository::count_events(connection, current.id).await?;
    let subject = format!(
        "le contrat {} ne peut pas être supprimé",
        current.contract_number
    );
    match attached_records_conflict(&subject, &[(events, Resource::Event)]) {
        Some(conflict) => Err(conflict),
        None => Ok(()),
    }
}

/// Deletes a contract that has no event (management only).
pub async fn delete(connection: &impl Store, session: &Session, id: i32) -> Result<(), CoreError> {
    let (transaction, current) = lock_authorized(connection, session, id, Action::Delete).await?;
    refuse_deletion_if_attached(&transaction, &current).await?;
    contract_repository::delete(&transaction, id).await?;
    commit(transaction).await?;
    session.journal.record(
        Resource::Contract,
        ChangeKind::Deleted,
        id,
        &current.contract_number,
    );
    tracing::info!(
        user_id = session.user.id,
        contract_id = id,
        "contract deleted"
    );
    Ok(())
}
