//! The server mode's client: the API reached over HTTP ([`Remote`], a
//! `epic_events_api::Transport` for `Forwarding`). The workstation holds only the server's
//! address and the session's token; the database and the signing secret are the server's.

use async_trait::async_trait;
use futures_util::StreamExt;

use epic_events_api::scripts::{
    OutputChunk, ScriptFailure, ScriptOutcome, ScriptRequest, ScriptRun,
};
use epic_events_api::{ApiError, ErrorCode, Request, SessionToken, Transport};

/// The API of the server at an address (`https://crm.epic-events.fr:8443`).
pub struct Remote {
    client: reqwest::Client,
    address: String,
}

/// A client configuration the program cannot use: said in French.
fn refused(message: String) -> ApiError {
    ApiError::new(ErrorCode::Unexpected, message)
}

impl Remote {
    /// The server at `address` (`https://…`, or `http://` on this machine only), trusting
    /// the authority in the PEM file `authority` when given, the system's otherwise.
    pub fn new(address: &str, authority: Option<&std::path::Path>) -> Result<Self, ApiError> {
        let address = address.trim().trim_end_matches('/').to_owned();
        let builder = reqwest::Client::builder();
        let builder = if let Some(rest) = address.strip_prefix("http://") {
            let host = rest.split(['/', ':']).next().unwrap_or_default();
            let host = rest
                .strip_prefix('[')
                .and_then(|bracketed| bracketed.split(']').next())
                .unwrap_or(host);
            let local = host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !local {
                return Err(refused(format!(
                    "le serveur {address} doit être joint en https:// (en http://, sur cette machine seulement)"
                )));
            }
            // Not used in plain HTTP, but the client is built with TLS all the same: it
            // has no other provider.
            builder.tls_backend_preconfigured(tls(authority)?)
        } else if address.starts_with("https://") {
            builder.tls_backend_preconfigured(tls(authority)?)
        } else {
            return Err(refused(format!(
                "« {address} » n'est pas l'adresse d'un serveur (https://hôte:port)"
            )));
        };
        let client = builder
            .build()
            .map_err(|error| unreachable_server(&error))?;
        Ok(Self { client, address })
    }

    fn post(&self, path: &str, session: Option<&SessionToken>) -> reqwest::RequestBuilder {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        match session {
            Some(token) => request.bearer_auth(token.expose()),
            None => request,
        }
    }
}

/// TLS trusting the authority of the PEM file `authority`, or the system's authorities.
fn tls(authority: Option<&std::path::Path>) -> Result<rustls::ClientConfig, ApiError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match authority {
        Some(file) => {
            let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
                .and_then(|certificates| certificates.collect::<Result<_, _>>())
                .map_err(|_| {
                    refused(format!(
                        "impossible de lire l'autorité de certification {} (un fichier PEM)",
                        file.display()
                    ))
                })?;
            for certificate in certificates {
                roots.add(certificate).map_err(|_| {
                    refused(format!(
                        "l'autorité de certification {} n'est pas un certificat valide",
                        file.display()
                    ))
                })?;
            }
        }
        None => {
            for certificate in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(certificate);
            }
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| refused(format!("configuration TLS impossible ({error})")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Whether `error` is the refusal of the server's certificate.
fn untrusted_certificate(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return matches!(tls, rustls::Error::InvalidCertificate(_));
        }
        // An I/O error carries the TLS error inside it (its `source` skips it).
        source = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    false
}

/// A server that could not be reached, or answered at all: said in French, transient (the
/// shell keeps its session and form, as for a database that does not answer) — but for a
/// certificate the client does not trust, which waiting will not change.
fn unreachable_server(error: &reqwest::Error) -> ApiError {
    if untrusted_certificate(error) {
        return refused(
            "certificat du serveur non reconnu : la connexion est refusée ; donnez l'autorité qui l'a signé avec EPIC_EVENTS_SERVEUR_CA".to_owned(),
        );
    }
    let why = if error.is_timeout() {
        "il ne répond pas à temps"
    } else if error.is_connect() {
        "la connexion est refusée ou impossible"
    } else {
        "l'échange a été interrompu"
    };
    ApiError::new(
        ErrorCode::Unavailable,
        format!("serveur injoignable : {why} ; réessayez dans un instant"),
    )
}

/// An answer that is not the server's own (it answers every request with a status of
/// success, its refusals inside): a layer in front of it refused the request, or a
/// relay (a load balancer) could not reach it.
fn refused_by_status(status: reqwest::StatusCode) -> ApiError {
    use reqwest::StatusCode;
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            ErrorCode::Validation,
            "la requête dépasse la taille maximale acceptée par le serveur : fichiers trop gros ?",
        ),
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            ApiError::new(
                ErrorCode::Unavailable,
                format!(
                    "serveur injoignable : le relais répond « {status} » ; réessayez dans un instant"
                ),
            )
        }
        _ => ApiError::new(
            ErrorCode::Unexpected,
            format!(
                "le serveur a refusé la requête (« {status} ») : les versions du client et du serveur diffèrent-elles ?"
            ),
        ),
    }
}

/// An answer that does not read as the protocol's: a server of another version.
fn unreadable(error: serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Unexpected,
        format!(
            "réponse illisible du serveur ({error}) : les versions du client et du serveur diffèrent-elles ?"
        ),
    )
}

#[async_trait]
impl Transport for Remote {
    async fn call(
        &self,
        session: Option<&SessionToken>,
        request: Request,
    ) -> Result<serde_json::Value, ApiError> {
        let body = serde_json::to_vec(&request).map_err(unreadable)?;
        let response = self
            .post("/v1/appel", session)
            .body(body)
            .send()
            .await
            .map_err(|error| unreachable_server(&error))?;
        if !response.status().is_success() {
            return Err(refused_by_status(response.status()));
        }
        let answer = response
            .bytes()
            .await
            .map_err(|error| unreachable_server(&error))?;
        serde_json::from_slice::<Result<serde_json::Value, ApiError>>(&answer)
            .map_err(unreadable)?
    }

    async fn run_script(
        &self,
        session: &SessionToken,
        request: ScriptRequest,
    ) -> Result<ScriptRun, ApiError> {
        let body = serde_json::to_vec(&request).map_err(unreadable)?;
        let response = self
            .post("/v1/script", Some(session))
            .body(body)
            .send()
            .await
            .map_err(|error| unreachable_server(&error))?;
        if !response.status().is_success() {
            return Err(refused_by_status(response.status()));
        }
        let mut lines = Box::pin(lines(response.bytes_stream()));
        let head = match lines.next().await {
            Some(Ok(line)) => line,
            Some(Err(error)) => return Err(unreachable_server(&error)),
            None => return Err(unreadable(serde::de::Error::custom("réponse vide"))),
        };
        let result =
            serde_json::from_slice::<Result<Result<ScriptOutcome, ScriptFailure>, ApiError>>(&head)
                .map_err(unreadable)??;
        // The output, piece by piece, as the response body arrives.
        let output = lines.map(|line| {
            let line = line.map_err(std::io::Error::other)?;
            match serde_json::from_slice::<Result<OutputChunk, String>>(&line) {
                Ok(Ok(piece)) => Ok(piece),
                Ok(Err(why)) => Err(std::io::Error::other(why)),
                Err(error) => Err(std::io::Error::other(error)),
            }
        });
        Ok(ScriptRun {
            result,
            output: Box::pin(output),
        })
    }
}

/// The lines of a body that arrives in pieces, each without its line break.
fn lines<S>(body: S) -> impl futures_util::Stream<Item = Result<Vec<u8>, reqwest::Error>> + Send
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Send + Unpin,
{
    futures_util::stream::unfold(
        (body, Vec::<u8>::new(), false),
        |(mut body, mut pending, mut ended)| async move {
            loop {
                if let Some(end) = pending.iter().position(|byte| *byte == b'\n') {
                    let rest = pending.split_off(end + 1);
                    pending.pop();
                    let line = std::mem::replace(&mut pending, rest);
                    return Some((Ok(line), (body, pending, ended)));
                }
                if ended {
                    if pending.is_empty() {
                        return None;
                    }
                    let line = std::mem::take(&mut pending);
                    return Some((Ok(line), (body, pending, ended)));
                }
                match body.next().await {
                    Some(Ok(bytes)) => pending.extend_from_slice(&bytes),
                    Some(Err(error)) => return Some((Err(error), (body, pending, true))),
                    None => ended = true,
                }
            }
        },
    )
}
