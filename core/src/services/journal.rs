//! What a session wrote: every record the core created, modified or deleted for it, and
//! the audit reports owed to Sentry.
//!
//! A command writes for good as soon as a service returns, so its reports go out at once.
//! A script run writes inside one transaction that may still be rolled back (a failure, a
//! simulation, a count that does not match): its journal holds the reports until the run
//! commits, and tells the runner what would be written.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::permissions::Resource;
use crate::reporting;

pub use epic_events_api::scripts::{Change, ChangeKind};

/// An event that Sentry receives (SPEC §9), with ids and field names only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A management user created an account.
    UserCreated {
        /// Who did it.
        acting_user_id: i32,
        /// The new account.
        user_id: i32,
    },
    /// A management user modified an account.
    UserUpdated {
        /// Who did it.
        acting_user_id: i32,
        /// The account.
        user_id: i32,
        /// Columns changed (never their values).
        fields: Vec<&'static str>,
    },
    /// A contract was signed.
    ContractSigned {
        /// Who did it.
        acting_user_id: i32,
        /// The contract.
        contract_id: i32,
    },
}

impl Notice {
    fn send(&self) {
        match self {
            Notice::UserCreated {
                acting_user_id,
                user_id,
            } => reporting::user_created(*acting_user_id, *user_id),
            Notice::UserUpdated {
                acting_user_id,
                user_id,
                fields,
            } => reporting::user_updated(*acting_user_id, *user_id, fields),
            Notice::ContractSigned {
                acting_user_id,
                contract_id,
            } => reporting::contract_signed(*acting_user_id, *contract_id),
        }
    }
}

#[derive(Default)]
struct State {
    changes: Vec<Change>,
    /// `Some` while reports wait for the transaction to commit.
    held_notices: Option<Vec<Notice>>,
}

/// The journal of one session; clones share it.
#[derive(Clone, Default)]
pub struct Journal(Arc<Mutex<State>>);

impl Journal {
    /// A journal whose reports go out at once: the writes are already committed.
    pub fn immediate() -> Self {
        Self::default()
    }

    /// A journal whose reports wait for [`Journal::release_notices`]: the writes happen in
    /// a transaction that may still be rolled back.
    pub fn holding_notices() -> Self {
        Self(Arc::new(Mutex::new(State {
            changes: Vec::new(),
            held_notices: Some(Vec::new()),
        })))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while recording cannot leave the vectors half-written: keep going.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a write.
    pub fn record(&self, resource: Resource, kind: ChangeKind, id: i32, label: impl Into<String>) {
        self.state().changes.push(Change {
            resource,
            kind,
            id,
            label: label.into(),
        });
    }

    /// Sends `notice` to Sentry, now or once the transaction commits.
    pub fn notify(&self, notice: Notice) {
        let mut state = self.state();
        match &mut state.held_notices {
            Some(held) => held.push(notice),
            None => {
                drop(state);
                notice.send();
            }
        }
    }

    /// Every write recorded so far, in order.
    pub fn changes(&self) -> Vec<Change> {
        self.state().changes.clone()
    }

    /// The number of distinct records written (a record modified twice counts once).
    pub fn changed_record_count(&self) -> usize {
        let state = self.state();
        let mut records: Vec<(Resource, i32)> = state
            .changes
            .iter()
            .map(|change| (change.resource, change.id))
            .collect();
        records.sort_unstable();
        records.dedup();
        records.len()
    }

    /// The transaction committed: send the reports it held.
    pub fn release_notices(&self) {
        let held = self
            .state()
            .held_notices
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        for notice in &held {
            notice.send();
        }
    }

    /// The transaction was rolled back: nothing happened, report nothing.
    pub fn discard_notices(&self) {
        if let Some(held) = self.state().held_notices.as_mut() {
            held.clear();
        }
    }
}

impl fmt::Debug for Journal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        formatter
            .debug_struct("Journal")
            .field("changes", &state.changes.len())
            .field("held_notices", &state.held_notices.as_ref().map(Vec::len))
            .finish()
    }
}

/// Two sessions are equal when they share the same journal.
impl PartialEq for Journal {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Journal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_record_once() {
        let journal = Journal::immediate();
        journal.record(Resource::Contract, ChangeKind::Modified, 2, "CTR-2026-0002");
        journal.record(Resource::Contract, ChangeKind::Modified, 2, "CTR-2026-0002");
        journal.record(Resource::Event, ChangeKind::Modified, 2, "EVT-2026-0002");
        assert_eq!(journal.changed_record_count(), 2);
        assert_eq!(journal.changes().len(), 3);
    }

    fn signed_notice() -> Notice {
        Notice::ContractSigned {
            acting_user_id: 1,
            contract_id: 2,
        }
    }

    #[test]
    fn held_notices_reach_sentry_only_when_released() {
        let released = sentry::test::with_captured_events(|| {
            let journal = Journal::holding_notices();
            journal.notify(signed_notice());
            journal.release_notices();
        });
        assert_eq!(released.len(), 1, "a committed run reports its notice");
        let discarded = sentry::test::with_captured_events(|| {
            let journal = Journal::holding_notices();
            journal.notify(signed_notice());
            journal.discard_notices();
            journal.release_notices();
        });
        assert!(discarded.is_empty(), "a rolled-back run reports nothing");
        let immediate = sentry::test::with_captured_events(|| {
            Journal::immediate().notify(signed_notice());
        });
        assert_eq!(immediate.len(), 1);
    }
}
