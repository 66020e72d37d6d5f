//! The core's handle, inside the core: the services by record type over the connection
//! ([`Core`]: `core.contracts().record_payment(&session, id, "1 250,50")`) or inside one
//! transaction ([`Work`]: a script run, committed or rolled back as a whole). What the
//! people's side calls is the API (`local::LocalCrm` over a `Core`); the script API calls
//! a `Work`.

use epic_events_api::formatting::Zone;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::authentication::token::{SessionKeys, SessionToken};
use crate::database::url::DatabaseUrl;
use crate::database::{self, DatabaseError};
use crate::errors::CoreError;
use crate::paging::{Page, PageRequest};
use crate::permissions::{Action, PermissionDenied, Role};
use crate::repositories::reading::Store;
use crate::services::{
    authentication_service, contract_service, customer_service, event_service, form_service,
    report_service, user_service,
};
use epic_events_api::catalogue::FieldRef;

pub use crate::catalogue::contract::{ContractChanges, ContractField, NewContract, PAYMENT};
pub use crate::catalogue::customer::{CustomerChanges, CustomerField, NewCustomer};
pub use crate::catalogue::event::{EventChanges, EventField, NewEvent, SupportUser};
pub use crate::catalogue::user::{
    CURRENT_PASSWORD_LABEL, NewUser, NewUserInput, UserChanges, UserField,
};
pub use crate::services::Session;
pub use crate::services::authentication_service::AuthenticatedUser;
pub use crate::services::contract_service::{ContractList, PaymentLine, RecordedPayment};
pub use crate::services::customer_service::CustomerList;
pub use crate::services::event_service::{BulkAssignment, BulkTarget, EventList, EventSearch};
pub use crate::services::journal::{Change, ChangeKind, Journal};
pub use crate::services::report_service::{SalesActivity, UnpaidContracts};
pub use crate::services::retry::{self, ATTEMPTS};
pub use epic_events_api::records::{ContractRow, CustomerRow, EventRow, UserRow};

/// The core over one database.
#[derive(Clone, Debug)]
pub struct Core {
    connection: DatabaseConnection,
}

impl Core {
    /// Connects to the database at `url`, with the session settings of
    /// [`database::connect`].
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, DatabaseError> {
        Ok(Self::over(database::connect(url).await?))
    }

    /// The core over a connection already made (the `base` commands, tests, benchmarks).
    pub fn over(connection: DatabaseConnection) -> Self {
        Self { connection }
    }

    /// Makes the demo database at `url` ready: created with the demo data set when it does
    /// not exist yet or when `recreate` (then `true`), else brought up to this version's
    /// schema — the demo is the program's own, so it is migrated without asking.
    pub async fn prepare_demo(url: &DatabaseUrl, recreate: bool) -> Result<bool, DatabaseError> {
        let exists = database::administration::sqlite_file(url).is_some_and(|path| path.exists());
        if recreate || !exists {
            crate::seed::reset(url).await?;
            return Ok(true);
        }
        let connection = database::connect(url).await?;
        database::administration::migrate(&connection).await?;
        Ok(false)
    }

    /// Whether every migration of this version is applied.
    pub async fn schema_is_current(&self) -> bool {
        self.schema_state().await.unwrap_or(false)
    }

    /// Whether every migration of this version is applied; the database's failure, when
    /// it cannot say.
    pub async fn schema_state(&self) -> Result<bool, CoreError> {
        database::administration::schema_is_current(&self.connection)
            .await
            .map_err(|error| match error {
                DatabaseError::Damaged(error) | DatabaseError::Unexpected(error) => {
                    CoreError::from(error)
                }
                other => CoreError::unexpected(other),
            })
    }

    /// A new session for the user `user_id` as they are now, without their password
    /// (after a change of their own password).
    pub async fn new_session(
        &self,
        user_id: i32,
        zone: Zone,
        keys: &SessionKeys,
    ) -> Result<(AuthenticatedUser, SessionToken), CoreError> {
        authentication_service::new_session(&self.connection, user_id, zone, keys).await
    }

    /// Signs in with a username or e-mail and a password: the user and their new token.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        zone: Zone,
        keys: &SessionKeys,
    ) -> Result<(AuthenticatedUser, SessionToken), CoreError> {
        authentication_service::sign_in(&self.connection, login, password, zone, keys).await
    }

    /// The user a token stands for, re-read from the database.
    pub async fn authenticate(
        &self,
        token: Option<&SessionToken>,
        keys: &SessionKeys,
    ) -> Result<AuthenticatedUser, CoreError> {
        authentication_service::authenticate(&self.connection, token, keys).await
    }

    /// The session of the user a token stands for, with their rights as stored now.
    pub async fn session(
        &self,
        token: Option<&SessionToken>,
        keys: &SessionKeys,
    ) -> Result<Session, CoreError> {
        let (user, zone) =
            authentication_service::authenticate_with_zone(&self.connection, token, keys).await?;
        Session::open(&self.connection, user, zone).await
    }

    /// Ends the session of `token` for good (signing out).
    pub async fn sign_out(
        &self,
        token: &SessionToken,
        keys: &SessionKeys,
    ) -> Result<(), CoreError> {
        authentication_service::sign_out(&self.connection, token, keys).await
    }

    /// Whether `text`, typed for `field` in a form after `before`, can be written as far
    /// as a form can know (see [`form_service::check_typed`]); a note when it will be
    /// stored otherwise than typed.
    pub async fn check_typed(
        &self,
        session: &Session,
        field: FieldRef,
        text: &str,
        before: &[(FieldRef, String)],
    ) -> Result<Option<String>, CoreError> {
        form_service::check_typed(&self.connection, session, field, text, before).await
    }

    /// Whether the database has no user yet, so that a first manager may be created.
    pub async fn first_manager_needed(&self) -> Result<bool, CoreError> {
        authentication_service::first_manager_needed(&self.connection).await
    }

    /// Creates the first management account of an empty database.
    pub async fn create_first_manager(
        &self,
        input: &NewUserInput,
    ) -> Result<AuthenticatedUser, CoreError> {
        authentication_service::create_first_manager(&self.connection, input).await
    }

    /// Starts a unit of work (a script run): every call through it is one transaction.
    /// `waiting_for_writers` takes SQLite's write lock from the start (after a conflict,
    /// to wait one's turn rather than meet it again); otherwise the work only reads until
    /// it writes.
    pub async fn begin_work(&self, waiting_for_writers: bool) -> Result<Work, CoreError> {
        let mode = if waiting_for_writers {
            SqliteTransactionMode::Immediate
        } else {
            SqliteTransactionMode::Deferred
        };
        let transaction = self
            .connection
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(mode),
                ..Default::default()
            })
            .await?;
        Ok(Work { transaction })
    }
}

/// The services by record type, over the core's connection or a unit of work.
macro_rules! record_services {
    ($owner:ty, $connection:ident) => {
        impl $owner {
            /// Users.
            pub fn users(&self) -> Users<'_, impl Store> {
                Users(&self.$connection)
            }

            /// Customers.
            pub fn customers(&self) -> Customers<'_, impl Store> {
                Customers(&self.$connection)
            }

            /// Contracts.
            pub fn contracts(&self) -> Contracts<'_, impl Store> {
                Contracts(&self.$connection)
            }

            /// Events.
            pub fn events(&self) -> Events<'_, impl Store> {
                Events(&self.$connection)
            }

            /// Reports.
            pub fn reports(&self) -> Reports<'_, impl Store> {
                Reports(&self.$connection)
            }
        }
    };
}

record_services!(Core, connection);
record_services!(Work, transaction);

/// A unit of work: the services inside one transaction, committed or rolled back whole.
#[derive(Debug)]
pub struct Work {
    transaction: DatabaseTransaction,
}

impl Work {
    /// The session of `user` inside this work, recording its changes in `journal`.
    pub async fn open_session(
        &self,
        user: AuthenticatedUser,
        zone: Zone,
        journal: Journal,
    ) -> Result<Session, CoreError> {
        Session::open_with_journal(&self.transaction, user, zone, journal).await
    }

    /// Makes every change of the work lasting.
    pub async fn commit(self) -> Result<(), CoreError> {
        crate::services::commit(self.transaction).await
    }

    /// Drops every change of the work. Its error is not worth reporting: after a failure
    /// (a deadlock), the database has already rolled back, and a transaction that cannot
    /// roll back ends with its connection.
    pub async fn rollback(self) {
        let _ = self.transaction.rollback().await;
    }
}

/// Users, for management; and one's own password.
#[derive(Clone, Copy)]
pub struct Users<'a, C>(&'a C);

impl<C: Store> Users<'_, C> {
    /// Whether `session` may do `action` on `user`.
    pub fn permits(
        &self,
        session: &Session,
        action: Action,
        user: &UserRow,
    ) -> Result<(), PermissionDenied> {
        user_service::permits(session, action, user)
    }

    /// A page of users.
    pub async fn list(
        self,
        session: &Session,
        page: PageRequest,
    ) -> Result<Page<UserRow>, CoreError> {
        user_service::list(self.0, session, page).await
    }

    /// A page of the accounts whose name, username or e-mail holds every word of `words`.
    pub async fn search(
        self,
        session: &Session,
        words: &str,
        page: PageRequest,
    ) -> Result<Page<UserRow>, CoreError> {
        user_service::search(self.0, session, words, page).await
    }

    /// A page of the support team.
    pub async fn support_users(
        self,
        session: &Session,
        page: PageRequest,
    ) -> Result<Page<UserRow>, CoreError> {
        user_service::support_users(self.0, session, page).await
    }

    /// One user.
    pub async fn detail(self, session: &Session, id: i32) -> Result<UserRow, CoreError> {
        user_service::detail(self.0, session, id).await
    }

    /// Creates an account.
    pub async fn create(
        self,
        session: &Session,
        input: &NewUserInput,
        role: Role,
    ) -> Result<UserRow, CoreError> {
        user_service::create(self.0, session, input, role).await
    }

    /// Changes an account, refused if a changed field moved since `seen`.
    pub async fn update(
        self,
        session: &Session,
        id: i32,
        changes: &UserChanges,
        seen: Option<&UserRow>,
    ) -> Result<UserRow, CoreError> {
        user_service::update(self.0, session, id, changes, seen).await
    }

    /// Deletes an account.
    pub async fn delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        user_service::delete(self.0, session, id).await
    }

    /// Whether `session` may delete the record `id` as it is now: asked before asking
    /// for a confirmation.
    pub async fn may_delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        user_service::may_delete(self.0, session, id).await
    }

    /// Changes the signed-in user's own password.
    pub async fn change_own_password(
        self,
        session: &Session,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), CoreError> {
        user_service::change_own_password(self.0, session, current_password, new_password).await
    }
}

/// Customers.
#[derive(Clone, Copy)]
pub struct Customers<'a, C>(&'a C);

impl<C: Store> Customers<'_, C> {
    /// Whether `session` may do `action` on `customer`.
    pub fn permits(
        &self,
        session: &Session,
        action: Action,
        customer: &CustomerRow,
    ) -> Result<(), PermissionDenied> {
        customer_service::permits(session, action, customer)
    }

    /// A page of customers.
    pub async fn list(
        self,
        session: &Session,
        which: CustomerList,
        page: PageRequest,
    ) -> Result<Page<CustomerRow>, CoreError> {
        customer_service::list(self.0, session, which, page).await
    }

    /// A page of the customers whose name, company or e-mail holds every word of `words`,
    /// regardless of letter case and accents.
    pub async fn search(
        self,
        session: &Session,
        words: &str,
        page: PageRequest,
    ) -> Result<Page<CustomerRow>, CoreError> {
        customer_service::search(self.0, session, words, page).await
    }

    /// One customer.
    pub async fn detail(self, session: &Session, id: i32) -> Result<CustomerRow, CoreError> {
        customer_service::detail(self.0, session, id).await
    }

    /// Creates a customer of the signed-in sales user.
    pub async fn create(
        self,
        session: &Session,
        input: &NewCustomer,
    ) -> Result<CustomerRow, CoreError> {
        customer_service::create(self.0, session, input).await
    }

    /// Changes a customer, refused if a changed field moved since `seen`.
    pub async fn update(
        self,
        session: &Session,
        id: i32,
        changes: &CustomerChanges,
        seen: Option<&CustomerRow>,
    ) -> Result<CustomerRow, CoreError> {
        customer_service::update(self.0, session, id, changes, seen).await
    }

    /// Deletes a customer without contracts.
    pub async fn delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        customer_service::delete(self.0, session, id).await
    }

    /// Hands the customers of the sales user `from` (all, or those of `chosen`) to the
    /// sales user `to`; how many.
    pub async fn reassign(
        self,
        session: &Session,
        from: i32,
        to: i32,
        chosen: Option<&[i32]>,
    ) -> Result<u64, CoreError> {
        customer_service::reassign(self.0, session, from, to, chosen).await
    }

    /// Whether `session` may delete the record `id` as it is now: asked before asking
    /// for a confirmation.
    pub async fn may_delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        customer_service::may_delete(self.0, session, id).await
    }
}

/// Contracts.
#[derive(Clone, Copy)]
pub struct Contracts<'a, C>(&'a C);

impl<C: Store> Contracts<'_, C> {
    /// Whether `session` may do `action` on `contract`.
    pub fn permits(
        &self,
        session: &Session,
        action: Action,
        contract: &ContractRow,
    ) -> Result<(), PermissionDenied> {
        contract_service::permits(session, action, contract)
    }

    /// A page of contracts.
    pub async fn list(
        self,
        session: &Session,
        which: ContractList,
        page: PageRequest,
    ) -> Result<Page<ContractRow>, CoreError> {
        contract_service::list(self.0, session, which, page).await
    }

    /// A page of the contracts whose number starts with `words` (`CTR-…`), or else whose
    /// customer matches them.
    pub async fn search(
        self,
        session: &Session,
        words: &str,
        page: PageRequest,
    ) -> Result<Page<ContractRow>, CoreError> {
        contract_service::search(self.0, session, words, page).await
    }

    /// One contract.
    pub async fn detail(self, session: &Session, id: i32) -> Result<ContractRow, CoreError> {
        contract_service::detail(self.0, session, id).await
    }

    /// One contract by its number (`CTR-2026-0001`).
    pub async fn detail_by_number(
        self,
        session: &Session,
        number: &str,
    ) -> Result<ContractRow, CoreError> {
        contract_service::detail_by_number(self.0, session, number).await
    }

    /// Creates a contract.
    pub async fn create(
        self,
        session: &Session,
        input: &NewContract,
    ) -> Result<ContractRow, CoreError> {
        contract_service::create(self.0, session, input).await
    }

    /// Changes a contract, refused if a changed field moved since `seen`.
    pub async fn update(
        self,
        session: &Session,
        id: i32,
        changes: &ContractChanges,
        seen: Option<&ContractRow>,
    ) -> Result<ContractRow, CoreError> {
        contract_service::update(self.0, session, id, changes, seen).await
    }

    /// Records a payment.
    pub async fn record_payment(
        self,
        session: &Session,
        id: i32,
        amount: &str,
    ) -> Result<ContractRow, CoreError> {
        contract_service::record_payment(self.0, session, id, amount).await
    }

    /// Records the payments of a list, all or none.
    pub async fn record_payments(
        self,
        session: &Session,
        lines: &[PaymentLine],
    ) -> Result<Vec<RecordedPayment>, CoreError> {
        contract_service::record_payments(self.0, session, lines).await
    }

    /// Deletes a contract without events.
    pub async fn delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        contract_service::delete(self.0, session, id).await
    }

    /// Whether `session` may delete the record `id` as it is now: asked before asking
    /// for a confirmation.
    pub async fn may_delete(self, session: &Session, id: i32) -> Result<(), CoreError> {
        contract_service::may_delete(self.0, session, id).await
    }
}

/// Events.
#[derive(Clone, Copy)]
pub struct Events<'a, C>(&'a C);

impl<C: Store> Events<'_, C> {
    /// Whether `search` can be run: each criterion given meets its rule.
    pub fn check_search(&self, session: &Session, search: &EventSearch) -> Result<(), CoreError> {
        event_service::check_search(session, search)
    }

    /// Whether `session` may do `action` on `event`.
    pub fn permits(
        &self,
        session: &Session,
        action: Action,
        event: &EventRow,
    ) -> Result<(), PermissionDenied> {
        event_service::permits(session, action, event)
    }

    /// Whether `session` may change `field` of the events it may change.
    pub fn permits_field(
        &self,
        session: &Session,
        field: EventField,
    ) -> Result<(), PermissionDenied> {
        event_service::permits_field(session, field)
    }

    /// Whether `session` may create an event for `contract`.
    pub fn may_create_for(
        &self,
        session: &Session,
        contract: &ContractRow,
    ) -> Result<(), CoreError> {
        event_service::may_create_for(session, contract)
    }

    /// A page of events.
    pub async fn list(
        self,
        session: &Session,
        which: EventList,
        page: PageRequest,
    ) -> Result<Page<EventRow>, CoreError> {
        event_service::list(self.0, session, which, page).await
    }

    /// A page of the events matching `search`.
    pub async fn search(
        self,
        session: &Session,
        which: EventList,
        search: &EventSearch,
        page: PageRequest,
    ) -> Result<Page<EventRow>, CoreError> {
        event_service::search(self.0, session, which, search, page).await
    }

    /// One event by its number (`EVT-2026-0001`).
    pub async fn detail_by_number(
        self,
        session: &Session,
        number: &str,
    ) -> Result<EventRow, CoreError> {
        event_service::detail_by_number(self.0, session, number).await
    }

    /// One event.
    pub async fn detail(self, session: &Session, id: i32) -> Result<EventRow, CoreError> {
        event_service::detail(self.0, session, id).await
    }

    /// Creates an event for a signed contract.
    pub async fn create(self, session: &Session, input: &NewEvent) -> Result<EventRow, CoreError> {
        event_service::create(self.0, session, input).await
    }

    /// Changes an event, refused if a changed field moved since `seen`.
    pub async fn update(
        self,
        session: &Session,
        id: i32,
        changes: &EventChanges,
        seen: Option<&EventRow>,
    ) -> Result<EventRow, CoreError> {
        event_service::update(self.0, session, id, changes, seen).await
    }

    /// Assigns (or removes) the support of several events at once.
    pub async fn assign_support_to_many(
        self,
        session: &Session,
        targets: Vec<BulkTarget>,
        support: Option<&SupportUser>,
    ) -> Result<BulkAssignment, CoreError> {
        event_service::assign_support_to_many(self.0, session, targets, support).await
    }
}

/// Reports, for management.
#[derive(Clone, Copy)]
pub struct Reports<'a, C>(&'a C);

impl<C: Store> Reports<'_, C> {
    /// Unpaid contracts per sales user.
    pub async fn unpaid_by_sales_user(
        self,
        session: &Session,
    ) -> Result<Vec<UnpaidContracts>, CoreError> {
        report_service::unpaid_by_sales_user(self.0, session).await
    }

    /// Activity per sales user.
    pub async fn activity_by_sales_user(
        self,
        session: &Session,
    ) -> Result<Vec<SalesActivity>, CoreError> {
        report_service::activity_by_sales_user(self.0, session).await
    }
}
