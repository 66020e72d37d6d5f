//! What each command of the command line does, once parsed.

pub mod database;
pub mod prompt;
pub mod script;
pub mod session;

pub use crate::application_error::ApplicationError;

/// The core over the database `configuration` names, its sessions signed with the secret
/// of the environment or of the configuration directory: the local implementation of the
/// API, which everything above the trait is given. It connects at its first call.
pub fn local_crm(
    configuration: &crate::config::Configuration,
) -> Result<std::sync::Arc<dyn epic_events_api::Crm>, ApplicationError> {
    let store = session::session_store(configuration);
    let secret = store
        .signing_secret(configuration.jwt_secret.as_ref())
        .map_err(ApplicationError::file(format!(
            "impossible de lire ou de créer le secret de session dans {}",
            store.secret_path().display()
        )))?;
    let keys =
        crate::authentication::token::SessionKeys::new(secret, configuration.session_lifetime);
    Ok(std::sync::Arc::new(crate::local::LocalCrm::connecting(
        configuration.database_url.clone(),
        keys,
    )))
}

/// The demo database of `epic-events demo`, in the working directory.
pub const DEMO_DATABASE_URL: &str = "sqlite://epic_events_demo.db?mode=rwc";

/// Opens the shell on the demo database (`epic_events_demo.db` in the working directory,
/// whatever `DATABASE_URL` says), created with the demo data set when it does not exist
/// yet or when `recreate`.
pub fn demo(
    configuration: &crate::config::Configuration,
    runtime: &tokio::runtime::Runtime,
    recreate: bool,
) -> Result<(), ApplicationError> {
    use std::io::Write;
    let url = crate::config::DatabaseUrl::new(DEMO_DATABASE_URL)?;
    if runtime.block_on(crate::handle::Core::prepare_demo(&url, recreate))? {
        let _ = writeln!(
            crate::terminal::stdout(),
            "Base de démonstration créée : epic_events_demo.db. Comptes : sales1, sales2, sales3, manager1, manager2, support1, support2 ; mot de passe : demo-epic-events."
        );
    }
    let configuration = crate::config::Configuration {
        database_url: url,
        ..configuration.clone()
    };
    shell(&configuration, runtime)
}

/// Opens the shell over the database `configuration` names.
pub fn shell(
    configuration: &crate::config::Configuration,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), ApplicationError> {
    let crm = local_crm(configuration)?;
    crate::shell::run(crm, runtime, &configuration.config_directory)
}
