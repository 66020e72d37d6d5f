//! The local mode's wiring: the core in this process, over the database the configuration
//! names, its sessions signed with the secret of the environment or of the person's
//! configuration directory, handed to the command line as the API (`Arc<dyn Crm>`).

use std::sync::Arc;

use epic_events_api::{Crm, Forwarding, JsonRoundTrip};
use epic_events_cli::commands::ApplicationError;
use epic_events_cli::private_directory::PrivateDirectory;
use epic_events_core::authentication::token::{JwtSecret, SECRET_MINIMUM_LENGTH, SessionKeys};
use epic_events_core::database::url::DatabaseUrl;
use epic_events_core::local::LocalCrm;

use crate::config::Configuration;

/// File name of the generated signing secret, in the configuration directory.
pub const SECRET_FILE_NAME: &str = "jwt-secret";

/// The core over the database `configuration` names: the local implementation of the API,
/// which everything above the trait is given. It connects at its first call.
/// With `EPIC_EVENTS_JSON_ROUND_TRIP=1`, every call crosses the API as JSON text; with
/// `EPIC_EVENTS_SERVEUR`, the core is the server's, and this workstation holds neither the
/// database's URL nor a secret.
pub fn local_crm(configuration: &Configuration) -> Result<Arc<dyn Crm>, ApplicationError> {
    if let Some(address) = &configuration.server {
        let remote = epic_events_cli::remote::Remote::new(
            address,
            configuration.server_authority.as_deref(),
        )?;
        return Ok(Arc::new(Forwarding::new(remote)));
    }
    let core: Arc<dyn Crm> = Arc::new(LocalCrm::connecting(
        configuration.database_url.clone(),
        session_keys(configuration)?,
    ));
    Ok(if configuration.json_round_trip {
        Arc::new(Forwarding::new(JsonRoundTrip::new(core)))
    } else {
        core
    })
}

/// The core for a command that opens no session (`aide`): its signing secret is made up
/// for this process and kept nowhere, so that asking for help writes no file.
pub fn local_crm_without_sessions(
    configuration: &Configuration,
) -> Result<Arc<dyn Crm>, ApplicationError> {
    if configuration.server.is_some() {
        return local_crm(configuration);
    }
    let mut random = [0u8; SECRET_MINIMUM_LENGTH];
    getrandom::fill(&mut random)
        .map_err(|error| ApplicationError::Administration(error.to_string()))?;
    let secret = JwtSecret::new(random.to_vec())
        .map_err(|error| ApplicationError::Administration(error.to_string()))?;
    Ok(Arc::new(LocalCrm::connecting(
        configuration.database_url.clone(),
        SessionKeys::new(secret, configuration.session_lifetime),
    )))
}

/// The keys of the local core's sessions: the secret of the environment, or else the one
/// kept in the configuration directory (generated on first use), and the lifetime.
fn session_keys(configuration: &Configuration) -> Result<SessionKeys, ApplicationError> {
    let secret = match &configuration.jwt_secret {
        Some(secret) => secret.clone(),
        None => load_or_create_secret(configuration).map_err(ApplicationError::file(format!(
            "impossible de lire ou de créer le secret de session dans {}",
            configuration
                .config_directory
                .join(SECRET_FILE_NAME)
                .display()
        )))?,
    };
    Ok(SessionKeys::new(secret, configuration.session_lifetime))
}

/// The secret file's secret, generating a random 256-bit one on first use (a process that
/// loses the race to create it reads the winner's); read and written as the private
/// directory does, never through a link, readable by its owner only.
pub fn load_or_create_secret(configuration: &Configuration) -> std::io::Result<JwtSecret> {
    let directory = PrivateDirectory::open(&configuration.config_directory).map_err(|refusal| {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, refusal.to_string())
    })?;
    let secret = |text: &str| {
        JwtSecret::new(text.trim().as_bytes().to_vec()).map_err(|error| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{SECRET_FILE_NAME} : {error}"),
            )
        })
    };
    if let Some(text) = directory.read(SECRET_FILE_NAME)? {
        return secret(&text);
    }
    let mut random = [0u8; SECRET_MINIMUM_LENGTH];
    getrandom::fill(&mut random).map_err(std::io::Error::other)?;
    let text: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    if directory.create_new(SECRET_FILE_NAME, text.as_bytes())? {
        return secret(&text);
    }
    // Made meanwhile by another process (or a link there, refused by the read).
    let text = directory
        .read(SECRET_FILE_NAME)?
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
    secret(&text)
}

/// The demo database of `epic-events demo`, in the working directory.
pub const DEMO_DATABASE_URL: &str = "sqlite://epic_events_demo.db?mode=rwc";

/// Opens the shell on the demo database (`epic_events_demo.db` in the working directory,
/// whatever `DATABASE_URL` says), created with the demo data set when it does not exist
/// yet or when `recreate`.
pub fn demo(
    configuration: &Configuration,
    runtime: &tokio::runtime::Runtime,
    recreate: bool,
) -> Result<(), ApplicationError> {
    use std::io::Write;
    let url = DatabaseUrl::new(DEMO_DATABASE_URL)
        .map_err(|error| ApplicationError::Administration(error.to_string()))?;
    let created = runtime
        .block_on(epic_events_core::handle::Core::prepare_demo(&url, recreate))
        .map_err(|error| {
            ApplicationError::from(crate::administration::AdministrationError::from(error))
        })?;
    if created {
        let _ = writeln!(
            epic_events_cli::terminal::stdout(),
            "Base de démonstration créée : epic_events_demo.db. Comptes : sales1, sales2, sales3, manager1, manager2, support1, support2 ; mot de passe : demo-epic-events."
        );
    }
    let configuration = Configuration {
        database_url: url,
        ..configuration.clone()
    };
    shell(&configuration, runtime)
}

/// Opens the shell over the database `configuration` names.
pub fn shell(
    configuration: &Configuration,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), ApplicationError> {
    let crm = local_crm(configuration)?;
    epic_events_cli::shell::run(crm, runtime, &configuration.config_directory)
}

/// `epic-events serveur`: the API over the database `configuration` names, served on
/// `arguments.adresse` until Ctrl-C or SIGTERM; running requests finish first. In plain
/// HTTP, only on a loopback address.
pub async fn serve(
    configuration: &Configuration,
    arguments: &epic_events_cli::command_line::ServerArguments,
    output: &mut dyn std::io::Write,
) -> Result<(), ApplicationError> {
    let address: std::net::SocketAddr = arguments.adresse.trim().parse().map_err(|_| {
        ApplicationError::Administration(format!(
            "« {} » n'est pas une adresse d'écoute (HÔTE:PORT, par exemple 127.0.0.1:8443)",
            arguments.adresse.trim()
        ))
    })?;
    let tls = match (&arguments.certificat, &arguments.cle) {
        (Some(certificate), Some(key)) => Some(
            epic_events_server::tls_configuration(certificate, key)
                .map_err(ApplicationError::Administration)?,
        ),
        _ => None,
    };
    if tls.is_none() && !address.ip().is_loopback() {
        return Err(ApplicationError::Administration(format!(
            "sans certificat, le serveur parle HTTP simple : il n'écoute alors que sur une adresse locale (127.0.0.1, ::1), pas sur {address} ; donnez --certificat et --cle pour HTTPS"
        )));
    }
    let core: Arc<dyn Crm> = Arc::new(LocalCrm::connecting(
        configuration.database_url.clone(),
        session_keys(configuration)?,
    ));
    core.ready().await?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| {
            ApplicationError::Administration(format!(
                "impossible d'écouter sur {address} ({})",
                epic_events_cli::private_directory::french_io_error(&error)
            ))
        })?;
    let scheme = if tls.is_some() {
        "https"
    } else {
        "http (HTTP simple : adresse locale seulement)"
    };
    writeln!(
        output,
        "Serveur Epic Events à l'écoute sur {address}, en {scheme}. Arrêt : Ctrl-C ou SIGTERM ; les requêtes en cours se terminent d'abord."
    )?;
    output.flush()?;
    let served = match tls {
        Some(tls) => {
            epic_events_server::serve_tls(listener, tls, core, Default::default(), stopped()).await
        }
        None => epic_events_server::serve(listener, core, Default::default(), stopped()).await,
    };
    served.map_err(ApplicationError::Output)
}

/// When the server is asked to stop: Ctrl-C, or SIGTERM on Unix.
async fn stopped() {
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let terminated = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = interrupted => {}
            () = terminated => {}
        }
    }
    #[cfg(not(unix))]
    interrupted.await;
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_generated_secret_is_private_and_kept() {
        let directory = tempfile::tempdir().unwrap();
        let configuration = Configuration {
            config_directory: directory.path().join("config"),
            ..Configuration::for_tests()
        };
        let secret = load_or_create_secret(&configuration).unwrap();
        let path = configuration.config_directory.join(SECRET_FILE_NAME);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(secret.expose().len(), 64);
        let again = load_or_create_secret(&configuration).unwrap();
        assert_eq!(secret.expose(), again.expose(), "generated once, then kept");
        assert!(!format!("{secret:?}").contains(std::str::from_utf8(secret.expose()).unwrap()));
    }
}
