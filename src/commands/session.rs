//! `epic-events connexion`, `deconnexion` and `moi`.

use std::io::Write;

use chrono::Utc;

use super::{ApplicationError, prompt};
use crate::authentication::session_store::SessionStore;
use crate::authentication::token::JwtSecret;
use crate::command_line::SignInArguments;
use crate::config::Configuration;
use crate::formatting;
use crate::handle::{AuthenticatedUser, Core};
use crate::services::retry;

/// The session store of the configuration directory.
pub fn session_store(configuration: &Configuration) -> SessionStore {
    SessionStore::new(&configuration.config_directory)
}

/// Could not write or delete the session file at `path`.
fn file_error(path: std::path::PathBuf) -> impl FnOnce(std::io::Error) -> ApplicationError {
    ApplicationError::file(format!(
        "impossible d'enregistrer ou de supprimer la session dans {}",
        path.display()
    ))
}

/// The session store and the signing secret of `configuration`.
fn store_and_secret(
    configuration: &Configuration,
) -> Result<(SessionStore, JwtSecret), ApplicationError> {
    let store = session_store(configuration);
    let secret = store
        .signing_secret(configuration.jwt_secret.as_ref())
        .map_err(file_error(store.secret_path()))?;
    Ok((store, secret))
}

/// Signs in and stores the session token.
pub async fn sign_in(
    arguments: &SignInArguments,
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let (store, secret) = store_and_secret(configuration)?;
    let login = match &arguments.utilisateur {
        Some(login) => login.clone(),
        None => prompt::ask("Nom d'utilisateur ou adresse e-mail")?,
    };
    let password = prompt::ask_password("Mot de passe")?;
    let core = Core::connect(&configuration.database_url).await?;
    let (user, token) =
        retry::bounded(core.sign_in(&login, &password, &secret, configuration.session_lifetime))
            .await?;
    store
        .save_token(&token)
        .map_err(file_error(store.token_path()))?;
    writeln!(
        output,
        "Bienvenue {} {} ! Connecté en tant que {} (rôle : {}), jusqu'au {}.",
        user.first_name,
        user.last_name,
        user.username,
        user.role,
        formatting::date_time(Utc::now() + configuration.session_lifetime)
    )?;
    Ok(())
}

/// Deletes the stored session.
pub fn sign_out(
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let store = session_store(configuration);
    let existed = store
        .delete_token()
        .map_err(file_error(store.token_path()))?;
    if existed {
        writeln!(output, "Vous êtes déconnecté.")?;
    } else {
        writeln!(output, "Aucune session n'était ouverte.")?;
    }
    Ok(())
}

/// The signed-in user, re-read from the database.
pub async fn current_user(
    configuration: &Configuration,
) -> Result<AuthenticatedUser, ApplicationError> {
    Ok(signed_in(configuration).await?.1)
}

/// The core over the database and the signed-in user, re-read through it.
pub async fn signed_in(
    configuration: &Configuration,
) -> Result<(Core, AuthenticatedUser), ApplicationError> {
    let (store, secret) = store_and_secret(configuration)?;
    let core = Core::connect(&configuration.database_url).await?;
    let user = retry::bounded(core.current_user(&store, &secret)).await?;
    Ok((core, user))
}

/// Shows the signed-in user.
pub async fn who_am_i(
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let user = current_user(configuration).await?;
    writeln!(
        output,
        "{} — {} {}, rôle : {}",
        user.username, user.first_name, user.last_name, user.role
    )?;
    Ok(())
}
