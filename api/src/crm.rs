//! The one way in: every operation the shell, typed commands, `executer` and the other
//! commands ask of the core, as one trait of plain, serialisable inputs and outputs.
//!
//! The operations are listed once, in [`operations!`]: that list makes the [`Crm`] trait,
//! the [`Request`] each call is when it travels (serialised, by name and arguments), the
//! [`dispatch`] that runs a request on an implementation, and [`Forwarding`], an
//! implementation that sends each request through a [`Transport`] — a JSON round trip in
//! the tests, the network in the server mode. Nothing here assumes the core runs in this
//! process: every call takes and returns owned plain data, and the session is the token
//! the core signed.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::catalogue::FieldRef;
use crate::catalogue::contract::{ContractChanges, NewContract};
use crate::catalogue::customer::{CustomerChanges, NewCustomer};
use crate::catalogue::event::{EventChanges, EventField, NewEvent};
use crate::catalogue::user::{NewUserInput, UserChanges};
use crate::error::{ApiError, ErrorCode, SessionProblem};
use crate::lists::{ContractList, CustomerList, EventList, EventSearch};
use crate::paging::{Page, PageRequest};
use crate::records::{ContractRow, CustomerRow, EventRow, UserRow};
use crate::scripts::{Recognised, ScriptFunction, ScriptRequest, ScriptRun};
use crate::session::{SessionInfo, SessionToken, SignedIn};
use crate::vocabulary::{Action, Role};

/// A record, by its kind and id: what a permission question is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    /// A user account.
    User(i32),
    /// A customer.
    Customer(i32),
    /// A contract.
    Contract(i32),
    /// An event.
    Event(i32),
}

/// Makes the trait, the request, the dispatch and the forwarding implementation from one
/// list of operations: those called without a session, then those called with one.
macro_rules! operations {
    (
        anonymous {
            $(
                $(#[doc = $anonymous_doc:literal])*
                fn $anonymous:ident($($anonymous_argument:ident: $anonymous_type:ty),*) -> $anonymous_output:ty;
            )*
        }
        signed {
            $(
                $(#[doc = $signed_doc:literal])*
                fn $signed:ident($($signed_argument:ident: $signed_type:ty),*) -> $signed_output:ty;
            )*
        }
    ) => {
        /// The core, as the people's side sees it. Implemented over the database by the
        /// core (`LocalCrm`), and by [`Forwarding`] over a [`Transport`].
        #[async_trait]
        pub trait Crm: Send + Sync {
            $(
                $(#[doc = $anonymous_doc])*
                async fn $anonymous(&self, $($anonymous_argument: $anonymous_type),*)
                    -> Result<$anonymous_output, ApiError>;
            )*
            $(
                $(#[doc = $signed_doc])*
                async fn $signed(&self, session: &SessionToken, $($signed_argument: $signed_type),*)
                    -> Result<$signed_output, ApiError>;
            )*

            /// Runs a script as the session's user, wholly inside the core: one
            /// transaction, the sandbox's limits, retries after a conflict, the dry run and
            /// the expected count. Its output comes back piece by piece once it is over.
            async fn run_script(
                &self,
                session: &SessionToken,
                request: ScriptRequest,
            ) -> Result<ScriptRun, ApiError>;
        }

        /// One call of the [`Crm`], as it travels: the operation's name and its arguments.
        /// No `Debug`: a sign-in carries a password.
        #[allow(non_camel_case_types)]
        #[derive(Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "operation", content = "arguments", rename_all = "snake_case")]
        pub enum Request {
            $(
                $(#[doc = $anonymous_doc])*
                $anonymous { $($anonymous_argument: $anonymous_type),* },
            )*
            $(
                $(#[doc = $signed_doc])*
                $signed { $($signed_argument: $signed_type),* },
            )*
        }

        impl Request {
            /// The operation's name, for logs (never its arguments).
            pub fn operation(&self) -> &'static str {
                match self {
                    $(Request::$anonymous { .. } => stringify!($anonymous),)*
                    $(Request::$signed { .. } => stringify!($signed),)*
                }
            }
        }

        /// Runs `request` on `crm` with `session` (when the operation needs one), and
        /// gives its answer as JSON.
        pub async fn dispatch(
            crm: &dyn Crm,
            session: Option<&SessionToken>,
            request: Request,
        ) -> Result<serde_json::Value, ApiError> {
            match request {
                $(
                    Request::$anonymous { $($anonymous_argument),* } => {
                        to_json(crm.$anonymous($($anonymous_argument),*).await?)
                    }
                )*
                $(
                    Request::$signed { $($signed_argument),* } => {
                        let session = session.ok_or_else(no_session)?;
                        to_json(crm.$signed(session, $($signed_argument),*).await?)
                    }
                )*
            }
        }

        #[async_trait]
        impl<T: Transport> Crm for Forwarding<T> {
            $(
                async fn $anonymous(&self, $($anonymous_argument: $anonymous_type),*)
                    -> Result<$anonymous_output, ApiError>
                {
                    let answer = self
                        .transport
                        .call(None, Request::$anonymous { $($anonymous_argument),* })
                        .await?;
                    from_json(answer)
                }
            )*
            $(
                async fn $signed(&self, session: &SessionToken, $($signed_argument: $signed_type),*)
                    -> Result<$signed_output, ApiError>
                {
                    let answer = self
                        .transport
                        .call(Some(session), Request::$signed { $($signed_argument),* })
                        .await?;
                    from_json(answer)
                }
            )*

            async fn run_script(
                &self,
                session: &SessionToken,
                request: ScriptRequest,
            ) -> Result<ScriptRun, ApiError> {
                self.transport.run_script(session, request).await
            }
        }
    };
}

operations! {
    anonymous {
        /// Whether the core can be used: its database answers and has this version's
        /// schema (the shell asks before its welcome screen).
        fn ready() -> ();
        /// Signs in with a username or e-mail and a password: a new session. An unknown
        /// user and a wrong password get the same answer.
        fn sign_in(login: String, password: String) -> SignedIn;
        /// Whether `text`, typed for `field`, meets the field's own rule: what a form
        /// checks as soon as the field is typed (the write checks everything again).
        fn check_field(field: FieldRef, text: String) -> ();
        /// The scripts' help, in French, as `aide` shows it.
        fn script_help() -> String;
        /// The functions scripts and typed commands call (completion).
        fn script_functions() -> Vec<ScriptFunction>;
        /// Whether a line typed at a menu is a command (a script that parses and calls
        /// only functions that exist), or the nearest command to suggest.
        fn recognise_command(line: String) -> Recognised;
    }
    signed {
        /// The session the token stands for, re-read: the user and what they may open.
        fn session() -> SessionInfo;
        /// Ends the session for good (signing out).
        fn sign_out() -> ();
        /// Changes the signed-in user's own password; every session of theirs ends, and a
        /// new one is opened with the new password.
        fn change_own_password(current_password: String, new_password: String) -> SignedIn;
        /// Whether the session may do `action` on `record`, with the core's refusal.
        fn permits(record: Record, action: Action) -> ();
        /// Whether the session may change `field` of the events it may change.
        fn permits_event_field(field: EventField) -> ();
        /// Whether the session may create an event for the contract `contract_id`.
        fn may_create_event_for(contract_id: i32) -> ();

        /// A page of users.
        fn list_users(page: PageRequest) -> Page<UserRow>;
        /// A page of the accounts whose name, username or e-mail holds every word.
        fn search_users(words: String, page: PageRequest) -> Page<UserRow>;
        /// A page of the support team.
        fn support_users(page: PageRequest) -> Page<UserRow>;
        /// One user.
        fn user(id: i32) -> UserRow;
        /// Creates an account.
        fn create_user(input: NewUserInput, role: Role) -> UserRow;
        /// Changes an account, refused if a changed field moved since `seen`.
        fn update_user(id: i32, changes: UserChanges, seen: Option<UserRow>) -> UserRow;
        /// Deletes an account.
        fn delete_user(id: i32) -> ();
        /// Whether the account may be deleted as it is now (asked before confirming).
        fn may_delete_user(id: i32) -> ();

        /// A page of customers.
        fn list_customers(which: CustomerList, page: PageRequest) -> Page<CustomerRow>;
        /// A page of the customers whose name, company or e-mail holds every word.
        fn search_customers(words: String, page: PageRequest) -> Page<CustomerRow>;
        /// One customer.
        fn customer(id: i32) -> CustomerRow;
        /// Creates a customer of the signed-in sales user.
        fn create_customer(input: NewCustomer) -> CustomerRow;
        /// Changes a customer, refused if a changed field moved since `seen`.
        fn update_customer(id: i32, changes: CustomerChanges, seen: Option<CustomerRow>) -> CustomerRow;
        /// Deletes a customer without contracts.
        fn delete_customer(id: i32) -> ();
        /// Whether the customer may be deleted as it is now.
        fn may_delete_customer(id: i32) -> ();

        /// A page of contracts.
        fn list_contracts(which: ContractList, page: PageRequest) -> Page<ContractRow>;
        /// A page of the contracts whose number starts with the words, or else whose
        /// customer matches them.
        fn search_contracts(words: String, page: PageRequest) -> Page<ContractRow>;
        /// One contract.
        fn contract(id: i32) -> ContractRow;
        /// One contract by its number (`CTR-2026-0001`).
        fn contract_by_number(number: String) -> ContractRow;
        /// Creates a contract.
        fn create_contract(input: NewContract) -> ContractRow;
        /// Changes a contract, refused if a changed field moved since `seen`.
        fn update_contract(id: i32, changes: ContractChanges, seen: Option<ContractRow>) -> ContractRow;
        /// Records a payment, as typed (`1 250,50`).
        fn record_payment(id: i32, amount: String) -> ContractRow;
        /// Deletes a contract without events.
        fn delete_contract(id: i32) -> ();
        /// Whether the contract may be deleted as it is now.
        fn may_delete_contract(id: i32) -> ();

        /// A page of events.
        fn list_events(which: EventList, page: PageRequest) -> Page<EventRow>;
        /// A page of the events of a list matching `search`.
        fn search_events(which: EventList, search: EventSearch, page: PageRequest) -> Page<EventRow>;
        /// One event.
        fn event(id: i32) -> EventRow;
        /// One event by its number (`EVT-2026-0001`).
        fn event_by_number(number: String) -> EventRow;
        /// Creates an event for a signed contract.
        fn create_event(input: NewEvent) -> EventRow;
        /// Changes an event, refused if a changed field moved since `seen`.
        fn update_event(id: i32, changes: EventChanges, seen: Option<EventRow>) -> EventRow;
    }
}

/// How [`Forwarding`] reaches a core: each request, and script runs.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends `request` (with `session` when the operation needs one); the answer as JSON.
    async fn call(
        &self,
        session: Option<&SessionToken>,
        request: Request,
    ) -> Result<serde_json::Value, ApiError>;

    /// Runs a script on the core, its output streamed back.
    async fn run_script(
        &self,
        session: &SessionToken,
        request: ScriptRequest,
    ) -> Result<ScriptRun, ApiError>;
}

/// The [`Crm`] of a core reached through `transport`.
pub struct Forwarding<T> {
    transport: T,
}

impl<T: Transport> Forwarding<T> {
    /// The core behind `transport`.
    pub fn new(transport: T) -> Self {
        Self { transport }
    }
}

fn no_session() -> ApiError {
    ApiError::new(
        ErrorCode::SessionInvalid(SessionProblem::Missing),
        format!(
            "votre session n'est plus valide ({}) : reconnectez-vous avec « epic-events connexion »",
            SessionProblem::Missing
        ),
    )
}

fn to_json<T: Serialize>(value: T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(unreadable)
}

fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(unreadable)
}

/// An answer that does not read as the operation's type: a core of another version.
fn unreadable(error: serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Unexpected,
        format!(
            "réponse illisible du cœur ({error}) : les versions du client et du serveur diffèrent-elles ?"
        ),
    )
}
