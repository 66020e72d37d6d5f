//! The server mode's server: the API (`epic_events_api::Crm`) served over HTTP, so that
//! workstations hold only the server's address and a session, while the server alone
//! holds the database and the signing secret.
//!
//! The protocol (version 1), both ways JSON:
//! - `POST /v1/appel`: one call, the body a [`Request`]; the session's token, when the
//!   operation needs one, in `Authorization: Bearer …`. The answer is
//!   `{"Ok": answer}` or `{"Err": {code, field, message}}`.
//! - `POST /v1/script`: a script run, the body a `ScriptRequest`, the token required. The
//!   answer is lines of JSON: first `{"Ok": outcome-or-failure}` (or `{"Err": error}`),
//!   then one line per piece of output, `{"Ok": piece}` or `{"Err": "why it stopped"}`,
//!   streamed as the core reads them from the run's spool.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use tracing::Instrument;

mod tls;

use epic_events_api::scripts::ScriptRequest;
use epic_events_api::{ApiError, Crm, ErrorCode, Request, SessionToken, dispatch};

/// The largest request body accepted: a script and a file of the largest size a run reads
/// (64 Mio, sent as base64 text: 85 Mio) fit; a body announced larger is refused before it
/// is read.
pub const MAXIMUM_BODY: usize = 90 << 20;

/// How long the server waits for a request to arrive whole (its body read); past it the
/// request is abandoned and its connection freed — a client that sends slowly, or stops
/// sending, holds nothing for long. What is done with the request is bounded by the core
/// (a call's database work, a run's maximum duration), never cut here half-way.
#[derive(Clone, Copy, Debug)]
pub struct TimeLimits {
    /// A call's request: a few kilobytes.
    pub call: std::time::Duration,
    /// A script run's request, the files it reads included (up to [`MAXIMUM_BODY`]: a few
    /// minutes on a slow office link).
    pub script: std::time::Duration,
}

impl Default for TimeLimits {
    fn default() -> Self {
        Self {
            call: std::time::Duration::from_secs(60),
            script: std::time::Duration::from_secs(5 * 60),
        }
    }
}

/// Sign-in attempts allowed per minute for one account, and from one address.
pub const SIGN_INS_PER_MINUTE_PER_ACCOUNT: u32 = 10;
/// Sign-in attempts allowed per minute from one client address (a few people behind one
/// address sign in at the start of the day).
pub const SIGN_INS_PER_MINUTE_PER_ADDRESS: u32 = 30;

/// The address a request comes from, over plain HTTP or HTTPS.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub std::net::SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for ClientAddress
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        ClientAddress(*stream.remote_addr())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tls::TlsListener>>
    for ClientAddress
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tls::TlsListener>) -> Self {
        ClientAddress(*stream.remote_addr())
    }
}

/// What the routes share: the core, the time limits and the sign-in limiters.
struct Server {
    crm: Arc<dyn Crm>,
    limits: TimeLimits,
    per_account: governor::DefaultKeyedRateLimiter<String>,
    per_address: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
}

/// The routes of the API over `crm`, within `limits`.
pub fn routes(crm: Arc<dyn Crm>, limits: TimeLimits) -> Router {
    let per_minute = |count: u32| {
        governor::Quota::per_minute(
            std::num::NonZeroU32::new(count).unwrap_or(std::num::NonZeroU32::MIN),
        )
    };
    let server = Arc::new(Server {
        crm,
        limits,
        per_account: governor::RateLimiter::keyed(per_minute(SIGN_INS_PER_MINUTE_PER_ACCOUNT)),
        per_address: governor::RateLimiter::keyed(per_minute(SIGN_INS_PER_MINUTE_PER_ADDRESS)),
    });
    Router::new()
        .route("/v1/appel", post(call))
        .route("/v1/script", post(script))
        .layer(DefaultBodyLimit::max(MAXIMUM_BODY))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAXIMUM_BODY))
        .with_state(server)
}

/// Serves the API over `crm` on `listener`, in plain HTTP within `limits`, until
/// `shutdown` completes; running requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    crm: Arc<dyn Crm>,
    limits: TimeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let routes = routes(crm, limits).into_make_service_with_connect_info::<ClientAddress>();
    axum::serve(listener, routes)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the API over `crm` on `listener` in HTTPS with `tls`, within `limits`, until
/// `shutdown` completes; running requests finish first.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    crm: Arc<dyn Crm>,
    limits: TimeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tls::TlsListener::new(listener, tls)?;
    let routes = routes(crm, limits).into_make_service_with_connect_info::<ClientAddress>();
    axum::serve(listener, routes)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The TLS configuration of a certificate chain and its private key, both PEM files;
/// what is wrong with them, in French.
pub fn tls_configuration(
    certificate: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    tls::configuration(certificate, key)
}

/// The session's token, when the request carries one.
fn bearer(headers: &HeaderMap) -> Option<SessionToken> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| SessionToken::new(token.to_owned()))
}

/// A request the server cannot read: said in French, as every answer.
fn unreadable(error: serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Unexpected,
        format!(
            "requête illisible pour le serveur ({error}) : les versions du client et du serveur diffèrent-elles ?"
        ),
    )
}

/// The body of a request, read within `limit`: a body that does not arrive in time, or
/// is larger than [`MAXIMUM_BODY`] (sent without announcing its length), is refused.
async fn read_body(body: Body, limit: std::time::Duration) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAXIMUM_BODY)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
            while let Some(cause) = source {
                if cause.is::<http_body_util::LengthLimitError>() {
                    return Err(too_large());
                }
                source = cause.source();
            }
            Err(ApiError::new(
                ErrorCode::Unavailable,
                "la requête a été interrompue avant d'arriver entière : réessayez",
            ))
        }
        Err(_) => {
            tracing::warn!(
                seconds = limit.as_secs(),
                "request body too slow: abandoned"
            );
            Err(ApiError::new(
                ErrorCode::Unavailable,
                format!(
                    "la requête est arrivée trop lentement : le serveur l'a abandonnée au bout de {} s ; rien n'a été fait, réessayez",
                    limit.as_secs()
                ),
            ))
        }
    }
}

/// A request larger than the server takes.
fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::Validation,
        format!(
            "la requête dépasse la taille maximale acceptée par le serveur ({} Mio) : fichiers trop gros ?",
            MAXIMUM_BODY >> 20
        ),
    )
}

fn json(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Whether a sign-in as `login` from `address` may be tried now: at most
/// [`SIGN_INS_PER_MINUTE_PER_ACCOUNT`] a minute for an account (known or not: the answer is
/// the same), [`SIGN_INS_PER_MINUTE_PER_ADDRESS`] from an address.
fn sign_in_allowed(
    server: &Server,
    login: &str,
    address: std::net::IpAddr,
) -> Result<(), ApiError> {
    let account = login.trim().to_lowercase();
    if server.per_address.check_key(&address).is_err()
        || server.per_account.check_key(&account).is_err()
    {
        tracing::warn!(%address, "sign-in attempts throttled");
        return Err(ApiError::new(
            ErrorCode::TooManyAttempts,
            "trop de tentatives de connexion : réessayez dans une minute",
        ));
    }
    Ok(())
}

async fn call(
    State(server): State<Arc<Server>>,
    ConnectInfo(ClientAddress(client)): ConnectInfo<ClientAddress>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = std::time::Instant::now();
    let body = match read_body(body, server.limits.call).await {
        Ok(body) => body,
        Err(refused) => return json(&Err::<(), ApiError>(refused)),
    };
    let request = match serde_json::from_slice::<Request>(&body) {
        Ok(request) => request,
        Err(error) => return json(&Err::<(), ApiError>(unreadable(error))),
    };
    if let Request::sign_in { login, .. } = &request
        && let Err(refused) = sign_in_allowed(&server, login, client.ip())
    {
        return json(&Err::<(), ApiError>(refused));
    }
    let operation = request.operation();
    // The access log: the operation, the user (recorded by the core once it has checked
    // the session), how it ended, how long — never a value, a password or a token.
    let span = tracing::info_span!("appel", operation, user_id = tracing::field::Empty);
    let answer = async {
        let answer = dispatch(server.crm.as_ref(), bearer(&headers).as_ref(), request).await;
        tracing::info!(
            status = match &answer {
                Ok(_) => "ok".to_owned(),
                Err(error) => format!("{:?}", error.code),
            },
            milliseconds = started.elapsed().as_millis() as u64,
            "call"
        );
        answer
    }
    .instrument(span)
    .await;
    json(&answer)
}

/// Logs, when dropped before [`GivenUp::answered`], that a run was given up: its client
/// went away, and the server dropped the request (the core then stops and rolls back the
/// run).
struct GivenUp(bool);

impl GivenUp {
    fn watching() -> Self {
        GivenUp(false)
    }

    fn answered(mut self) {
        self.0 = true;
    }
}

impl Drop for GivenUp {
    fn drop(&mut self) {
        if !self.0 {
            tracing::warn!("script run given up: its client went away");
        }
    }
}

async fn script(State(server): State<Arc<Server>>, headers: HeaderMap, body: Body) -> Response {
    let crm = &server.crm;
    let body = match read_body(body, server.limits.script).await {
        Ok(body) => body,
        Err(refused) => return json(&Err::<(), ApiError>(refused)),
    };
    let request = match serde_json::from_slice::<ScriptRequest>(&body) {
        Ok(request) => request,
        Err(error) => return json(&Err::<(), ApiError>(unreadable(error))),
    };
    let Some(token) = bearer(&headers) else {
        return json(&Err::<(), _>(ApiError::new(
            ErrorCode::SessionInvalid(epic_events_api::SessionProblem::Missing),
            "votre session n'est plus valide (aucune session ouverte) : reconnectez-vous avec « epic-events connexion »",
        )));
    };
    // The access log, as for a call: who ran a script, how it ended, how long.
    let started = std::time::Instant::now();
    let span = tracing::info_span!("script", user_id = tracing::field::Empty);
    let run = async {
        let given_up = GivenUp::watching();
        let run = crm.run_script(&token, request).await;
        given_up.answered();
        tracing::info!(
            status = match &run {
                Ok(run) if run.result.is_ok() => "ok".to_owned(),
                Ok(_) => "failed".to_owned(),
                Err(error) => format!("{:?}", error.code),
            },
            milliseconds = started.elapsed().as_millis() as u64,
            "script run"
        );
        run
    }
    .instrument(span)
    .await;
    let run = match run {
        Ok(run) => run,
        Err(error) => return json(&Err::<(), ApiError>(error)),
    };
    let head = serde_json::to_vec(&Ok::<_, ApiError>(run.result)).unwrap_or_default();
    let pieces = run.output.map(|piece| {
        let line = match piece {
            Ok(piece) => serde_json::to_vec(&Ok::<_, String>(piece)),
            Err(error) => serde_json::to_vec(&Err::<(), _>(error.to_string())),
        }
        .unwrap_or_default();
        Ok::<_, std::io::Error>(Bytes::from([line, b"\n".to_vec()].concat()))
    });
    let lines = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(Bytes::from([head, b"\n".to_vec()].concat()))
    })
    .chain(pieces);
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(lines),
    )
        .into_response()
}
