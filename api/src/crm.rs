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
use crate::formatting::Zone;
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
            /// The name of every operation.
            pub const OPERATIONS: &'static [&'static str] = &[
                $(stringify!($anonymous),)*
                $(stringify!($signed),)*
            ];

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
        /// Signs in with a username or e-mail and a password: a new session, in which the
        /// core reads and writes dates in `zone` (the person's). An unknown user and a
        /// wrong password get the same answer.
        fn sign_in(login: String, password: String, zone: Zone) -> SignedIn;
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
        /// Whether `text`, typed for `field` in a form after the fields `before` (each with
        /// its text as typed), can be written as far as a form can know: the field's own
        /// rule, its rules with the fields before it (an end after the start, a balance
        /// within the total), and, for those who may read every record of its kind, that
        /// no other record holds a value that must be unique. The answer is a note when the
        /// value will be stored otherwise than typed (« enregistré en minuscules »). The
        /// write checks everything again.
        fn check_typed(field: FieldRef, text: String, before: Vec<(FieldRef, String)>) -> Option<String>;
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
        /// Hands the customers of the sales user `from` — all, or those of `chosen` — to
        /// the sales user `to` (management); how many were handed.
        fn reassign_customers(from: i32, to: i32, chosen: Option<Vec<i32>>) -> u64;

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
        /// Whether `search` can be run: each criterion given meets its rule (what a search
        /// form checks as each criterion is typed).
        fn check_event_search(search: EventSearch) -> ();
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

/// A [`Transport`] to a core in this process that sends every request, answer, script
/// run and piece of output through JSON text, as the network will: the proof that nothing
/// above the trait depends on the core being here. `EPIC_EVENTS_JSON_ROUND_TRIP=1` makes the
/// program use it, and the test suite runs its representative parts through it.
pub struct JsonRoundTrip {
    core: std::sync::Arc<dyn Crm>,
}

impl JsonRoundTrip {
    /// The round trip to `core`.
    pub fn new(core: std::sync::Arc<dyn Crm>) -> Self {
        Self { core }
    }
}

/// `value` as it arrives after being sent as JSON text.
fn through_json<T: Serialize + DeserializeOwned>(value: &T) -> Result<T, ApiError> {
    let text = serde_json::to_string(value).map_err(unreadable)?;
    serde_json::from_str(&text).map_err(unreadable)
}

#[async_trait]
impl Transport for JsonRoundTrip {
    async fn call(
        &self,
        session: Option<&SessionToken>,
        request: Request,
    ) -> Result<serde_json::Value, ApiError> {
        let request = through_json(&request)?;
        let session = session.map(through_json).transpose()?;
        let answer = dispatch(self.core.as_ref(), session.as_ref(), request).await;
        through_json(&answer)?
    }

    async fn run_script(
        &self,
        session: &SessionToken,
        request: ScriptRequest,
    ) -> Result<ScriptRun, ApiError> {
        let request = through_json(&request)?;
        let session = through_json(session)?;
        let run = match self.core.run_script(&session, request).await {
            Ok(run) => run,
            Err(error) => return Err(through_json(&error)?),
        };
        let result = through_json(&run.result)?;
        // Piece by piece, as a response body would stream them.
        let output = futures_util::StreamExt::map(run.output, |chunk| {
            let chunk = chunk?;
            through_json(&chunk).map_err(std::io::Error::other)
        });
        Ok(ScriptRun {
            result,
            output: Box::pin(output),
        })
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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::catalogue::contract::ContractField;
    use crate::catalogue::customer::CustomerField;
    use crate::catalogue::event::SupportUser;
    use crate::catalogue::user::UserField;
    use crate::money::Money;
    use crate::records::AuthenticatedUser;
    use crate::scripts::{
        Change, ChangeKind, Channel, NamedFile, OutputChunk, OutputFormat, Recognised,
        ScriptFailure, ScriptOutcome,
    };
    use crate::vocabulary::{Feature, Resource};

    /// `value` after a trip through JSON text equals `value`.
    fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: T) {
        let text = serde_json::to_string(&value).unwrap();
        let back: T = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "{text}");
    }

    fn moment() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 14, 30, 0).unwrap()
    }

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn user() -> UserRow {
        UserRow {
            id: 4,
            username: "manager1".into(),
            user_first_name: "Élise".into(),
            user_last_name: "Martin".into(),
            email: "elise.martin@epic-events.fr".into(),
            phone_number: "+33612345678".into(),
            role_name: "management".into(),
            created_at: moment(),
            updated_at: moment(),
            version: 3,
            updated_by: Some(1),
        }
    }

    fn customer() -> CustomerRow {
        CustomerRow {
            id: 2,
            user_sales_id: 5,
            customer_first_name: "Jeanne".into(),
            customer_last_name: "Durand".into(),
            email: "jeanne@durand.fr".into(),
            phone_number: "+33612345679".into(),
            company_name: "Maison Durand \u{202e}".into(),
            created_at: moment(),
            updated_at: moment(),
            version: 1,
            updated_by: None,
            sales_first_name: "Hugo".into(),
            sales_last_name: "Lefèvre".into(),
        }
    }

    fn contract() -> ContractRow {
        ContractRow {
            id: 7,
            contract_number: "CTR-2026-0007".into(),
            customer_id: 2,
            customer_company_name: "Maison Durand".into(),
            customer_sales_user_id: 5,
            sales_first_name: "Hugo".into(),
            sales_last_name: "Lefèvre".into(),
            user_management_id: 4,
            management_first_name: "Élise".into(),
            management_last_name: "Martin".into(),
            total_amount: money("9999999999.99"),
            balance_due: money("0.01"),
            signed: true,
            created_at: moment(),
            updated_at: moment(),
            version: 2,
            updated_by: Some(4),
        }
    }

    fn event() -> EventRow {
        EventRow {
            id: 9,
            event_number: "EVT-2026-0009".into(),
            event_name: "Gala".into(),
            contract_id: 7,
            contract_number: "CTR-2026-0007".into(),
            customer_id: 2,
            customer_company_name: "Maison Durand".into(),
            customer_first_name: "Jeanne".into(),
            customer_last_name: "Durand".into(),
            customer_email: "jeanne@durand.fr".into(),
            customer_phone_number: "+33612345679".into(),
            customer_sales_user_id: 5,
            user_support_id: None,
            support_first_name: None,
            support_last_name: None,
            start_datetime: moment(),
            end_datetime: moment(),
            location: "Lyon".into(),
            attendees: 120,
            note: "ligne 1\nligne 2".into(),
            created_at: moment(),
            updated_at: moment(),
            version: 1,
            updated_by: None,
        }
    }

    fn page<T>(items: Vec<T>) -> Page<T> {
        Page {
            items,
            next: Some(PageRequest::after(9, 10)),
            total: Some(31),
        }
    }

    /// A request of every operation, hence a value of every input type.
    fn every_request() -> Vec<Request> {
        let page = PageRequest::first(10).counting();
        vec![
            Request::ready {},
            Request::sign_in {
                login: "sales1".into(),
                password: "mot de passe".into(),
                zone: Zone::named("Europe/Paris").unwrap(),
            },
            Request::script_help {},
            Request::script_functions {},
            Request::recognise_command {
                line: "mes_contrats()".into(),
            },
            Request::session {},
            Request::sign_out {},
            Request::check_typed {
                field: FieldRef::Event(EventField::End),
                text: "01/01/2027".into(),
                before: vec![
                    (FieldRef::Event(EventField::Start), "02/01/2027 18h".into()),
                    (FieldRef::User(UserField::Password), "x".into()),
                    (FieldRef::Customer(CustomerField::Email), "a@b.fr".into()),
                ],
            },
            Request::change_own_password {
                current_password: "a".into(),
                new_password: "b".into(),
            },
            Request::permits {
                record: Record::Contract(7),
                action: Action::Delete,
            },
            Request::permits_event_field {
                field: EventField::Support,
            },
            Request::may_create_event_for { contract_id: 7 },
            Request::list_users { page },
            Request::search_users {
                words: "élise".into(),
                page,
            },
            Request::support_users { page },
            Request::user { id: 4 },
            Request::create_user {
                input: NewUserInput {
                    first_name: "Ana".into(),
                    username: "ana".into(),
                    password: "un mot de passe long".into(),
                    ..NewUserInput::default()
                },
                role: Role::Support,
            },
            Request::update_user {
                id: 4,
                changes: UserChanges {
                    role: Some(Role::Sales),
                    new_password: Some("nouveau mot de passe".into()),
                    ..UserChanges::default()
                },
                seen: Some(user()),
            },
            Request::delete_user { id: 4 },
            Request::may_delete_user { id: 4 },
            Request::list_customers {
                which: CustomerList::Mine,
                page,
            },
            Request::search_customers {
                words: "durand".into(),
                page,
            },
            Request::customer { id: 2 },
            Request::create_customer {
                input: NewCustomer {
                    company_name: "Vasseur".into(),
                    ..NewCustomer::default()
                },
            },
            Request::update_customer {
                id: 2,
                changes: CustomerChanges {
                    email: Some("x@y.fr".into()),
                    ..CustomerChanges::default()
                },
                seen: Some(customer()),
            },
            Request::delete_customer { id: 2 },
            Request::may_delete_customer { id: 2 },
            Request::reassign_customers {
                from: 2,
                to: 3,
                chosen: Some(vec![1, 4]),
            },
            Request::list_contracts {
                which: ContractList::OfCustomer(2),
                page,
            },
            Request::search_contracts {
                words: "CTR-2026".into(),
                page,
            },
            Request::contract { id: 7 },
            Request::contract_by_number {
                number: "CTR-2026-0007".into(),
            },
            Request::create_contract {
                input: NewContract {
                    customer_id: 2,
                    total_amount: "12 000,50".into(),
                    balance_due: None,
                    signed: true,
                },
            },
            Request::update_contract {
                id: 7,
                changes: ContractChanges {
                    signed: Some(true),
                    ..ContractChanges::default()
                },
                seen: Some(contract()),
            },
            Request::record_payment {
                id: 7,
                amount: "1 250,50".into(),
            },
            Request::delete_contract { id: 7 },
            Request::may_delete_contract { id: 7 },
            Request::list_events {
                which: EventList::WithoutSupport,
                page,
            },
            Request::search_events {
                which: EventList::OfContract(7),
                search: EventSearch {
                    words: Some("gala".into()),
                    location_contains: Some("Lyon".into()),
                    starts_from: Some("01/01/2027 08:00".into()),
                    starts_until: None,
                    soonest_first: true,
                    upcoming_only: true,
                },
                page,
            },
            Request::check_event_search {
                search: EventSearch {
                    starts_until: Some("31/12/2027".into()),
                    ..EventSearch::default()
                },
            },
            Request::update_event {
                id: 9,
                changes: EventChanges {
                    support: Some(None),
                    ..EventChanges::default()
                },
                seen: None,
            },
            Request::update_event {
                id: 9,
                changes: EventChanges {
                    note: Some("nouvelle note".into()),
                    ..EventChanges::default()
                },
                seen: None,
            },
            Request::event { id: 9 },
            Request::event_by_number {
                number: "EVT-2026-0009".into(),
            },
            Request::create_event {
                input: NewEvent {
                    contract_id: 7,
                    event_name: "Gala".into(),
                    attendees: 120,
                    ..NewEvent::default()
                },
            },
            Request::update_event {
                id: 9,
                changes: EventChanges {
                    support: Some(Some(SupportUser::Login("support1".into()))),
                    ..EventChanges::default()
                },
                seen: Some(event()),
            },
        ]
    }

    #[test]
    fn every_input_crosses_json_unchanged() {
        let requests = every_request();
        let mut operations: Vec<&str> = requests.iter().map(Request::operation).collect();
        operations.sort_unstable();
        operations.dedup();
        // One of each operation (the trait's methods but `run_script`).
        let mut every = Request::OPERATIONS.to_vec();
        every.sort_unstable();
        assert_eq!(operations, every);
        // `Request` has no `Debug` (a sign-in carries a password): compared as it is.
        for request in requests {
            let text = serde_json::to_string(&request).unwrap();
            let back: Request = serde_json::from_str(&text).unwrap();
            assert!(back == request, "{text}");
        }
        round_trips(ScriptRequest {
            text: "afficher(mes_contrats())".into(),
            parameters: vec![("fichier".into(), "paiements.csv".into())],
            files: vec![NamedFile {
                name: "paiements.csv".into(),
                contents: b"numero;montant\n\xff\n".to_vec(),
            }],
            simulation: true,
            format: OutputFormat::Json,
            width: Some(80),
            records_apart: true,
        });
        round_trips(SessionToken::new("a.b.c".into()));
        round_trips(Zone::named("America/Guadeloupe").unwrap());
        round_trips(FieldRef::Contract(ContractField::BalanceDue));
    }

    #[test]
    fn every_answer_crosses_json_unchanged() {
        let user_signed_in = AuthenticatedUser {
            id: 4,
            username: "manager1".into(),
            first_name: "Élise".into(),
            last_name: "Martin".into(),
            role: Role::Management,
        };
        round_trips(SignedIn {
            token: SessionToken::new("a.b.c".into()),
            user: user_signed_in.clone(),
            expires_at: moment(),
        });
        round_trips(SessionInfo {
            user: user_signed_in,
            features: vec![
                (Feature::Users, Ok(())),
                (
                    Feature::MyEvents,
                    Err("le rôle gestion ne donne pas accès".into()),
                ),
            ],
        });
        round_trips(page(vec![user()]));
        round_trips(page(vec![customer()]));
        round_trips(page(vec![contract()]));
        round_trips(page(vec![event()]));
        round_trips(Page::<EventRow>::empty());
        round_trips(vec![ScriptFunction {
            name: "creer_client".into(),
            signature: "creer_client(#{prenom})".into(),
            description: "crée un client".into(),
        }]);
        round_trips(Recognised::Command);
        round_trips(Recognised::NotACommand {
            nearest: Some("mes_contrats()".into()),
        });
        let outcome: Result<ScriptOutcome, ScriptFailure> = Ok(ScriptOutcome {
            changes: vec![Change {
                resource: Resource::Contract,
                kind: ChangeKind::Modified,
                id: 7,
                label: "CTR-2026-0007".into(),
            }],
            committed: false,
            records: Some(crate::scripts::ListedRecords::Contracts(vec![contract()])),
        });
        round_trips(outcome);
        let failure: Result<ScriptOutcome, ScriptFailure> = Err(ScriptFailure {
            message: "refusé".into(),
            line: Some(3),
            undone_changes: 2,
        });
        round_trips(failure);
        round_trips(OutputChunk {
            channel: Channel::Messages,
            bytes: "╭──╮ 1 250,50 €\n".as_bytes().to_vec(),
        });
        for code in [
            ErrorCode::Validation,
            ErrorCode::SessionInvalid(SessionProblem::UserChanged),
            ErrorCode::Busy,
            ErrorCode::Unexpected,
        ] {
            round_trips(ApiError::new(code, "message"));
        }
        round_trips(ApiError::validation(
            "adresse e-mail",
            "n'est pas une adresse valide",
        ));
    }

    #[test]
    fn a_page_request_from_outside_is_bounded_again() {
        let asked: PageRequest =
            serde_json::from_str(r#"{"after_id":3,"size":100000,"count_total":false}"#).unwrap();
        assert_eq!(asked.size(), crate::paging::MAXIMUM_PAGE_SIZE);
        let asked: PageRequest =
            serde_json::from_str(r#"{"after_id":null,"size":0,"count_total":true}"#).unwrap();
        assert_eq!(asked.size(), 1);
    }
}
