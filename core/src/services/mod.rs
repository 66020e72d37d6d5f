//! The core: every operation of the CRM, each checking permission, ownership and input
//! before any write. The shell, the scripts and the commands call these functions and
//! nothing below them.

pub mod authentication_service;
pub mod authorization_service;
pub mod contract_service;
pub mod customer_service;
pub mod event_service;
pub mod form_service;
pub mod journal;
pub mod numbering;
pub mod report_service;
pub mod retry;
pub mod user_service;

use epic_events_api::formatting::Zone;
use sea_orm::{ConnectionTrait, TransactionSession};

use crate::errors::{CoreError, StaleRecord};
use crate::permissions::{
    Action, Actor, PermissionDenied, Resource, Target, authorize, depends_on_the_record,
};
use authentication_service::AuthenticatedUser;
use journal::Journal;

/// A signed-in user for one command or one script run: who they are, the rights their
/// role holds, and the journal of what the core wrote for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The user, as re-read from the database.
    pub user: AuthenticatedUser,
    /// What the permission rules judge.
    pub actor: Actor,
    /// Every write of the core for this session, and its audit reports.
    pub journal: Journal,
    /// The time zone the user reads and types dates in (given at sign-in).
    pub zone: Zone,
}

impl Session {
    /// The session of `user`, with the rights currently stored for their role; its writes
    /// are reported as they happen.
    pub async fn open(
        connection: &impl ConnectionTrait,
        user: AuthenticatedUser,
        zone: Zone,
    ) -> Result<Self, CoreError> {
        Self::open_with_journal(connection, user, zone, Journal::immediate()).await
    }

    /// The session of `user`, recording into `journal` (a script run holds its reports
    /// until it commits).
    pub async fn open_with_journal(
        connection: &impl ConnectionTrait,
        user: AuthenticatedUser,
        zone: Zone,
        journal: Journal,
    ) -> Result<Self, CoreError> {
        let actor = authorization_service::actor_for(connection, &user).await?;
        Ok(Self {
            user,
            actor,
            journal,
            zone,
        })
    }
}

/// Commits a write transaction of the core. A failure of the commit itself is
/// [`CoreError::Unconfirmed`]: the change may or may not be saved, so it is neither retried
/// nor offered again as if nothing had happened — except SQLite's busy database, after
/// which the transaction is certainly not committed.
pub async fn commit(transaction: impl TransactionSession) -> Result<(), CoreError> {
    retry::commit_started();
    match transaction.commit().await {
        Ok(()) => Ok(()),
        Err(error) => match CoreError::from(error) {
            busy @ CoreError::Busy { .. } => Err(busy),
            other => {
                tracing::warn!("a commit failed: the change may or may not be saved");
                Err(CoreError::Unconfirmed(Some(Box::new(other))))
            }
        },
    }
}

/// Refuses, before any row is locked, what `session` may not do to a record: a refusal must
/// not leave a lock behind (a script that catches it would keep the lock until its run
/// ends, and stop everyone else's work on the record meanwhile). The role's right is
/// checked first, without a query; a right that depends on the record (a sales user's
/// customers, a support user's events) is checked on the record as `read` reads it now,
/// without a lock. The service checks again on the locked row, which decides.
pub(crate) async fn refuse_before_locking<Row>(
    session: &Session,
    action: Action,
    resource: Resource,
    read: impl std::future::Future<Output = Result<Row, CoreError>>,
    permits: impl FnOnce(&Row) -> Result<(), PermissionDenied>,
) -> Result<(), CoreError> {
    authorize(&session.actor, action, Target::AnyOf(resource))?;
    if depends_on_the_record(&session.actor, action, resource) {
        permits(&read.await?)?;
    }
    Ok(())
}

/// What a change made from an earlier reading of a record is checked against: the record
/// as it is now, under its lock.
pub(crate) struct Current<'a> {
    /// « le contrat », « le client »…
    pub what: &'static str,
    /// Its number or name, for the refusal.
    pub label: &'a str,
    /// Its version now.
    pub version: i64,
    /// Who made that version.
    pub updated_by: Option<i32>,
    /// When.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The zone the refusal says it in (the session's).
    pub zone: Zone,
}

/// Refuses a change made from the reading at `seen_version` when the record changed since
/// and one of the fields it sets differs between what was seen and what is stored now
/// (`fields`: for each field, whether the change sets it and whether it differs); says
/// who changed it and when. Changes to other fields made meanwhile do not refuse it.
pub(crate) async fn refuse_if_stale(
    connection: &impl ConnectionTrait,
    seen_version: i64,
    current: Current<'_>,
    fields: &[(bool, bool)],
) -> Result<(), CoreError> {
    let moved =
        seen_version != current.version && fields.iter().any(|(set, differs)| *set && *differs);
    if !moved {
        return Ok(());
    }
    Err(CoreError::Stale(StaleRecord {
        what: current.what,
        label: current.label.to_owned(),
        changed_by: crate::repositories::author_name(connection, current.updated_by).await?,
        changed_at: current.updated_at,
        zone: current.zone,
    }))
}
