//! `epic-events connexion`, `deconnexion` and `moi`.

use std::io::Write;

use chrono::Utc;

use super::{ApplicationError, prompt};
use crate::authentication::session_store::SessionStore;
use crate::authentication::token::SessionKeys;
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

/// The session store and the session keys of `configuration`.
fn store_and_keys(
    configuration: &Configuration,
) -> Result<(SessionStore, SessionKeys), ApplicationError> {
    let store = session_store(configuration);
    let secret = store
        .signing_secret(configuration.jwt_secret.as_ref())
        .map_err(file_error(store.secret_path()))?;
    Ok((
        store,
        SessionKeys::new(secret, configuration.session_lifetime),
    ))
}

/// Signs in and stores the session token.
pub async fn sign_in(
    arguments: &SignInArguments,
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let (store, keys) = store_and_keys(configuration)?;
    let login = match &arguments.utilisateur {
        Some(login) => login.clone(),
        None => prompt::ask("Nom d'utilisateur ou adresse e-mail")?,
    };
    let password = prompt::ask_password("Mot de passe")?;
    let core = Core::connect(&configuration.database_url).await?;
    let (user, token) = retry::bounded(core.sign_in(&login, &password, &keys)).await?;
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

/// Signs out: the stored session is ended for good — the database refuses its token from
/// now on, wherever it was copied — then deleted. When the database cannot record it, the
/// session is still deleted here, and the user is told that its token stays valid until
/// it expires.
pub async fn sign_out(
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let (store, keys) = store_and_keys(configuration)?;
    let token = store.load_token().map_err(file_error(store.token_path()))?;
    let revoked = match &token {
        Some(token) => match Core::connect(&configuration.database_url).await {
            Ok(core) => retry::bounded(core.sign_out(token, &keys))
                .await
                .map_err(ApplicationError::from),
            Err(error) => Err(ApplicationError::from(error)),
        },
        None => Ok(()),
    };
    let existed = store
        .delete_token()
        .map_err(file_error(store.token_path()))?;
    if !existed {
        writeln!(output, "Aucune session n'était ouverte.")?;
        return Ok(());
    }
    match revoked {
        Ok(()) => {
            writeln!(output, "Vous êtes déconnecté.")?;
            Ok(())
        }
        Err(error) => {
            writeln!(output, "Vous êtes déconnecté sur ce poste.")?;
            Err(ApplicationError::Cancelled(format!(
                "la fin de la session n'a pas pu être enregistrée dans la base ({error}) : \
                 une copie de son jeton resterait valable jusqu'à son expiration"
            )))
        }
    }
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
    let (store, keys) = store_and_keys(configuration)?;
    let core = Core::connect(&configuration.database_url).await?;
    let user = retry::bounded(core.current_user(&store, &keys)).await?;
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
