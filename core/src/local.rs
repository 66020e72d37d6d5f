//! The core's implementation of the API: [`LocalCrm`], the [`Crm`] over a database.
//!
//! Everything the people's side must not hold stays here: the connection, the signing
//! secret and the session lifetime, the session (re-read from the token for every call,
//! with the user's rights as stored now), the journal of what was written and its reports,
//! the retries after a conflict and the time bounds of every call. What crosses is plain
//! data: rows, pages, and errors as [`ApiError`] (a code, the field, the core's French
//! message); a failure that is a fault is reported here, once, before it crosses.

use async_trait::async_trait;
use chrono::Utc;

use epic_events_api::catalogue::FieldRef;
use epic_events_api::crm::{Crm, Record};
use epic_events_api::error::{ApiError, ErrorCode, SessionProblem};
use epic_events_api::formatting::Zone;
use epic_events_api::scripts::{
    OutputStream, Recognised, ScriptFunction, ScriptRequest, ScriptRun,
};
use epic_events_api::session::{SessionInfo, SessionToken, SignedIn};

use crate::authentication::token::SessionKeys;
use crate::database::DatabaseError;
use crate::database::url::DatabaseUrl;
use crate::errors::CoreError;
use crate::handle::{
    ContractChanges, ContractList, ContractRow, Core, CustomerChanges, CustomerList, CustomerRow,
    EventChanges, EventField, EventList, EventRow, EventSearch, NewContract, NewCustomer, NewEvent,
    NewUserInput, Session, UserChanges, UserRow, retry,
};
use crate::paging::{Page, PageRequest};
use crate::permissions::{Action, Feature, PermissionDenied, Role, allows};
use crate::scripting::runner::{self, ScriptRun as Run};
use crate::scripting::sandbox::ScriptLimits;

/// The API over one database: the core of the local mode, and the one the server mode
/// will serve.
pub struct LocalCrm {
    /// The database, when the core is to connect at its first call.
    url: Option<DatabaseUrl>,
    core: tokio::sync::OnceCell<Core>,
    keys: SessionKeys,
    limits: ScriptLimits,
}

impl LocalCrm {
    /// The API over `core`, its sessions signed with `keys`, scripts run within the
    /// default limits.
    pub fn new(core: Core, keys: SessionKeys) -> Self {
        Self {
            url: None,
            core: tokio::sync::OnceCell::new_with(Some(core)),
            keys,
            limits: ScriptLimits::default(),
        }
    }

    /// The API over the database at `url`, connected at the first call that needs it
    /// (the help needs none), as a remote core would be: a database that cannot be used
    /// is the answer of a call, never a failure to build the API.
    pub fn connecting(url: DatabaseUrl, keys: SessionKeys) -> Self {
        Self {
            url: Some(url),
            core: tokio::sync::OnceCell::new(),
            keys,
            limits: ScriptLimits::default(),
        }
    }

    /// The same, scripts run within `limits`.
    pub fn with_script_limits(self, limits: ScriptLimits) -> Self {
        Self { limits, ..self }
    }

    /// The core, connected at the first call.
    async fn core(&self) -> Result<&Core, ApiError> {
        self.core
            .get_or_try_init(|| async {
                // A LocalCrm without a URL is built connected: its cell is never empty.
                let Some(url) = &self.url else {
                    return Err(api_error(CoreError::Unavailable));
                };
                Core::connect(url).await.map_err(|error| {
                    // Only a server that does not answer may be tried again; a URL the
                    // program cannot use, or a damaged file, is said as it is.
                    let code = match error {
                        DatabaseError::Unreachable { .. } => ErrorCode::Unavailable,
                        DatabaseError::Damaged(_) => ErrorCode::DatabaseDamaged,
                        _ => ErrorCode::Unexpected,
                    };
                    if matches!(
                        error,
                        DatabaseError::Damaged(_) | DatabaseError::Unexpected(_)
                    ) {
                        crate::reporting::unexpected_error(&error);
                    }
                    ApiError::new(code, error.to_string())
                })
            })
            .await
    }

    /// The session `token` stands for, as the database says now, and the core to call
    /// with it.
    async fn open(&self, token: &SessionToken) -> Result<(Session, &Core), ApiError> {
        let core = self.core().await?;
        let session = retry::retrying(|| core.session(Some(token), &self.keys))
            .await
            .map_err(api_error)?;
        // The access log of the server mode says whose call it is (a span's empty field).
        tracing::Span::current().record("user_id", session.user.id);
        Ok((session, core))
    }

    /// A read, bounded in time.
    async fn read<T>(
        &self,
        call: impl Future<Output = Result<T, CoreError>>,
    ) -> Result<T, ApiError> {
        retry::bounded(call).await.map_err(api_error)
    }

    /// A change: its transaction retried after a conflict with another writer, then
    /// explained.
    async fn write<T, Attempt>(&self, attempt: impl FnMut() -> Attempt) -> Result<T, ApiError>
    where
        Attempt: Future<Output = Result<T, CoreError>>,
    {
        retry::retrying(attempt).await.map_err(api_error)
    }

    /// Signs `user` in: a new token.
    async fn signed_in(
        &self,
        login: &str,
        password: &str,
        zone: Zone,
    ) -> Result<SignedIn, ApiError> {
        let core = self.core().await?;
        let (user, token) = self
            .read(core.sign_in(login, password, zone, &self.keys))
            .await?;
        Ok(SignedIn {
            token,
            user,
            expires_at: Utc::now() + self.keys.lifetime(),
        })
    }
}

/// The answer of the API for `error`; a fault is reported here, once.
pub fn api_error(error: CoreError) -> ApiError {
    crate::reporting::core_failure(&error);
    let code = error_code(&error);
    let message = error.to_string();
    match error {
        CoreError::Refused(refusal) => refusal,
        CoreError::Validation { field, .. } => ApiError {
            code,
            message,
            field: Some(field),
        },
        _ => ApiError::new(code, message),
    }
}

fn error_code(error: &CoreError) -> ErrorCode {
    match error {
        CoreError::Validation { .. } => ErrorCode::Validation,
        CoreError::PermissionDenied(_) => ErrorCode::PermissionDenied,
        CoreError::NotFound { .. } => ErrorCode::NotFound,
        CoreError::Conflict(_) => ErrorCode::Conflict,
        CoreError::WrongCredentials => ErrorCode::WrongCredentials,
        CoreError::SessionInvalid(problem) => ErrorCode::SessionInvalid(*problem),
        CoreError::Busy { .. } => ErrorCode::Busy,
        CoreError::NumberingBusy => ErrorCode::NumberingBusy,
        CoreError::Unavailable => ErrorCode::Unavailable,
        CoreError::Unconfirmed(_) => ErrorCode::Unconfirmed,
        CoreError::DatabaseDamaged(_) => ErrorCode::DatabaseDamaged,
        CoreError::InList { error, .. } => error_code(error),
        CoreError::Stale(_) => ErrorCode::Stale,
        CoreError::Refused(refusal) => refusal.code,
        CoreError::Unexpected(_) => ErrorCode::Unexpected,
    }
}

/// A refusal of the policy, in its own words (a menu shows it as it is).
fn denied(denied: PermissionDenied) -> ApiError {
    ApiError::new(ErrorCode::PermissionDenied, denied.to_string())
}

#[async_trait]
impl Crm for LocalCrm {
    async fn ready(&self) -> Result<(), ApiError> {
        let core = self.core().await?;
        if self.read(core.schema_state()).await? {
            return Ok(());
        }
        let url = self
            .url
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        Err(ApiError::new(
            ErrorCode::SchemaNotReady,
            format!(
                "la base {url} n'a pas le schéma de cette version : appliquez les migrations avec « epic-events base migrer », ou essayez le CRM sur des données de démonstration avec « epic-events demo »"
            ),
        ))
    }

    async fn sign_in(
        &self,
        login: String,
        password: String,
        zone: Zone,
    ) -> Result<SignedIn, ApiError> {
        self.signed_in(&login, &password, zone).await
    }

    async fn script_help(&self) -> Result<String, ApiError> {
        Ok(crate::scripting::api::help())
    }

    async fn script_functions(&self) -> Result<Vec<ScriptFunction>, ApiError> {
        Ok(crate::scripting::api::catalogue()
            .into_iter()
            .map(|function| ScriptFunction {
                name: function.name.to_owned(),
                signature: function.signature,
                description: function.description.to_owned(),
            })
            .collect())
    }

    async fn recognise_command(&self, line: String) -> Result<Recognised, ApiError> {
        Ok(crate::scripting::recognition::recognise(&line))
    }

    async fn session(&self, token: &SessionToken) -> Result<SessionInfo, ApiError> {
        let (session, _) = self.open(token).await?;
        Ok(SessionInfo {
            features: Feature::ALL
                .into_iter()
                .map(|feature| {
                    let allowed =
                        allows(&session.actor, feature).map_err(|denied| denied.to_string());
                    (feature, allowed)
                })
                .collect(),
            user: session.user,
        })
    }

    async fn sign_out(&self, token: &SessionToken) -> Result<(), ApiError> {
        let core = self.core().await?;
        self.write(|| core.sign_out(token, &self.keys)).await
    }

    async fn change_own_password(
        &self,
        token: &SessionToken,
        current_password: String,
        new_password: String,
    ) -> Result<SignedIn, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| {
            core.users()
                .change_own_password(&session, &current_password, &new_password)
        })
        .await?;
        // The change ended every session of the user's, this one too: a new one, opened
        // by the core without the password again. When it cannot be, the person is told
        // that the password changed and signs in again.
        match self
            .read(core.new_session(session.user.id, session.zone, &self.keys))
            .await
        {
            Ok((user, token)) => Ok(SignedIn {
                token,
                user,
                expires_at: Utc::now() + self.keys.lifetime(),
            }),
            Err(_) => Err(ApiError::new(
                ErrorCode::SessionInvalid(SessionProblem::UserChanged),
                "votre mot de passe est changé, mais une nouvelle session n'a pas pu être ouverte : reconnectez-vous avec le nouveau mot de passe",
            )),
        }
    }

    async fn permits(
        &self,
        token: &SessionToken,
        record: Record,
        action: Action,
    ) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        match record {
            Record::User(id) => {
                let user = self.read(core.users().detail(&session, id)).await?;
                core.users().permits(&session, action, &user)
            }
            Record::Customer(id) => {
                let customer = self.read(core.customers().detail(&session, id)).await?;
                core.customers().permits(&session, action, &customer)
            }
            Record::Contract(id) => {
                let contract = self.read(core.contracts().detail(&session, id)).await?;
                core.contracts().permits(&session, action, &contract)
            }
            Record::Event(id) => {
                let event = self.read(core.events().detail(&session, id)).await?;
                core.events().permits(&session, action, &event)
            }
        }
        .map_err(denied)
    }

    async fn permits_event_field(
        &self,
        token: &SessionToken,
        field: EventField,
    ) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        core.events().permits_field(&session, field).map_err(denied)
    }

    async fn may_create_event_for(
        &self,
        token: &SessionToken,
        contract_id: i32,
    ) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        let contract = self
            .read(core.contracts().detail(&session, contract_id))
            .await?;
        core.events()
            .may_create_for(&session, &contract)
            .map_err(api_error)
    }

    // --- Users ---------------------------------------------------------------------------

    async fn list_users(
        &self,
        token: &SessionToken,
        page: PageRequest,
    ) -> Result<Page<UserRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.users().list(&session, page)).await
    }

    async fn search_users(
        &self,
        token: &SessionToken,
        words: String,
        page: PageRequest,
    ) -> Result<Page<UserRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.users().search(&session, &words, page)).await
    }

    async fn support_users(
        &self,
        token: &SessionToken,
        page: PageRequest,
    ) -> Result<Page<UserRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.users().support_users(&session, page)).await
    }

    async fn user(&self, token: &SessionToken, id: i32) -> Result<UserRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.users().detail(&session, id)).await
    }

    async fn create_user(
        &self,
        token: &SessionToken,
        input: NewUserInput,
        role: Role,
    ) -> Result<UserRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.users().create(&session, &input, role))
            .await
    }

    async fn update_user(
        &self,
        token: &SessionToken,
        id: i32,
        changes: UserChanges,
        seen: Option<UserRow>,
    ) -> Result<UserRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.users().update(&session, id, &changes, seen.as_ref()))
            .await
    }

    async fn delete_user(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.users().delete(&session, id)).await
    }

    async fn may_delete_user(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.users().may_delete(&session, id)).await
    }

    // --- Customers -----------------------------------------------------------------------

    async fn list_customers(
        &self,
        token: &SessionToken,
        which: CustomerList,
        page: PageRequest,
    ) -> Result<Page<CustomerRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.customers().list(&session, which, page))
            .await
    }

    async fn search_customers(
        &self,
        token: &SessionToken,
        words: String,
        page: PageRequest,
    ) -> Result<Page<CustomerRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.customers().search(&session, &words, page))
            .await
    }

    async fn customer(&self, token: &SessionToken, id: i32) -> Result<CustomerRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.customers().detail(&session, id)).await
    }

    async fn create_customer(
        &self,
        token: &SessionToken,
        input: NewCustomer,
    ) -> Result<CustomerRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.customers().create(&session, &input))
            .await
    }

    async fn update_customer(
        &self,
        token: &SessionToken,
        id: i32,
        changes: CustomerChanges,
        seen: Option<CustomerRow>,
    ) -> Result<CustomerRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| {
            core.customers()
                .update(&session, id, &changes, seen.as_ref())
        })
        .await
    }

    async fn delete_customer(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.customers().delete(&session, id)).await
    }

    async fn reassign_customers(
        &self,
        token: &SessionToken,
        from: i32,
        to: i32,
        chosen: Option<Vec<i32>>,
    ) -> Result<u64, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| {
            core.customers()
                .reassign(&session, from, to, chosen.as_deref())
        })
        .await
    }

    async fn check_typed(
        &self,
        token: &SessionToken,
        field: FieldRef,
        text: String,
        before: Vec<(FieldRef, String)>,
    ) -> Result<Option<String>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.check_typed(&session, field, &text, &before))
            .await
    }

    async fn may_delete_customer(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.customers().may_delete(&session, id)).await
    }

    // --- Contracts -----------------------------------------------------------------------

    async fn list_contracts(
        &self,
        token: &SessionToken,
        which: ContractList,
        page: PageRequest,
    ) -> Result<Page<ContractRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.contracts().list(&session, which, page))
            .await
    }

    async fn search_contracts(
        &self,
        token: &SessionToken,
        words: String,
        page: PageRequest,
    ) -> Result<Page<ContractRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.contracts().search(&session, &words, page))
            .await
    }

    async fn contract(&self, token: &SessionToken, id: i32) -> Result<ContractRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.contracts().detail(&session, id)).await
    }

    async fn contract_by_number(
        &self,
        token: &SessionToken,
        number: String,
    ) -> Result<ContractRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.contracts().detail_by_number(&session, &number))
            .await
    }

    async fn create_contract(
        &self,
        token: &SessionToken,
        input: NewContract,
    ) -> Result<ContractRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.contracts().create(&session, &input))
            .await
    }

    async fn update_contract(
        &self,
        token: &SessionToken,
        id: i32,
        changes: ContractChanges,
        seen: Option<ContractRow>,
    ) -> Result<ContractRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| {
            core.contracts()
                .update(&session, id, &changes, seen.as_ref())
        })
        .await
    }

    async fn record_payment(
        &self,
        token: &SessionToken,
        id: i32,
        amount: String,
    ) -> Result<ContractRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.contracts().record_payment(&session, id, &amount))
            .await
    }

    async fn delete_contract(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.contracts().delete(&session, id)).await
    }

    async fn may_delete_contract(&self, token: &SessionToken, id: i32) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.contracts().may_delete(&session, id)).await
    }

    // --- Events --------------------------------------------------------------------------

    async fn list_events(
        &self,
        token: &SessionToken,
        which: EventList,
        page: PageRequest,
    ) -> Result<Page<EventRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.events().list(&session, which, page)).await
    }

    async fn search_events(
        &self,
        token: &SessionToken,
        which: EventList,
        search: EventSearch,
        page: PageRequest,
    ) -> Result<Page<EventRow>, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.events().search(&session, which, &search, page))
            .await
    }

    async fn check_event_search(
        &self,
        token: &SessionToken,
        search: EventSearch,
    ) -> Result<(), ApiError> {
        let (session, core) = self.open(token).await?;
        core.events()
            .check_search(&session, &search)
            .map_err(api_error)
    }

    async fn event(&self, token: &SessionToken, id: i32) -> Result<EventRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.events().detail(&session, id)).await
    }

    async fn event_by_number(
        &self,
        token: &SessionToken,
        number: String,
    ) -> Result<EventRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.read(core.events().detail_by_number(&session, &number))
            .await
    }

    async fn create_event(
        &self,
        token: &SessionToken,
        input: NewEvent,
    ) -> Result<EventRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.events().create(&session, &input)).await
    }

    async fn update_event(
        &self,
        token: &SessionToken,
        id: i32,
        changes: EventChanges,
        seen: Option<EventRow>,
    ) -> Result<EventRow, ApiError> {
        let (session, core) = self.open(token).await?;
        self.write(|| core.events().update(&session, id, &changes, seen.as_ref()))
            .await
    }

    // --- Scripts -------------------------------------------------------------------------

    async fn run_script(
        &self,
        token: &SessionToken,
        request: ScriptRequest,
    ) -> Result<ScriptRun, ApiError> {
        // The run's engine is made while the database checks the session, for a token
        // the product signed and that has not expired: a forged one gets nothing made.
        let prepared = crate::authentication::token::verify(token, &self.keys)
            .is_ok()
            .then(|| runner::PreparedEngine::start(self.limits));
        let (session, core) = self.open(token).await?;
        tracing::info!("script run started");
        let run = Run::requested(request, self.limits, session.zone);
        match runner::run(core, session.user, run, prepared).await {
            // Committed: the outcome is said whatever happens to the output, so that a
            // run that was saved is never taken for one that was not (and run again).
            Ok((outcome, spool)) => {
                // The spool's pieces are read from memory or a local temporary file as
                // they are asked for.
                let output: OutputStream = match spool.into_chunks() {
                    Ok(chunks) => Box::pin(futures_util::stream::iter(chunks)),
                    Err(error) => {
                        crate::reporting::unexpected_error(&error);
                        Box::pin(futures_util::stream::iter([Err(error)]))
                    }
                };
                Ok(ScriptRun {
                    result: Ok(outcome),
                    output,
                })
            }
            Err(failure) => Ok(ScriptRun {
                result: Err(failure),
                output: Box::pin(futures_util::stream::empty()),
            }),
        }
    }
}
