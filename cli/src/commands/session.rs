//! `epic-events connexion`, `deconnexion` and `moi`.

use std::io::Write;

use epic_events_api::formatting::Zone;
use epic_events_api::records::AuthenticatedUser;
use epic_events_api::{ApiError, Crm, ErrorCode, SessionProblem, SessionToken};

use super::{ApplicationError, prompt};
use crate::command_line::SignInArguments;
use crate::formatting;
use crate::session_store::SessionStore;

/// Could not write or delete the session file at `path`.
fn file_error(path: std::path::PathBuf) -> impl FnOnce(std::io::Error) -> ApplicationError {
    ApplicationError::file(format!(
        "impossible d'enregistrer ou de supprimer la session dans {}",
        path.display()
    ))
}

/// The stored session's token; « no session » when there is none.
pub fn stored_token(store: &SessionStore) -> Result<SessionToken, ApplicationError> {
    store
        .load_token()
        .map_err(file_error(store.token_path()))?
        .ok_or_else(|| {
            ApplicationError::Api(ApiError::new(
                ErrorCode::SessionInvalid(SessionProblem::Missing),
                format!(
                    "votre session n'est plus valide ({}) : reconnectez-vous avec « epic-events connexion »",
                    SessionProblem::Missing
                ),
            ))
        })
}

/// Signs in and stores the session token.
pub async fn sign_in(
    arguments: &SignInArguments,
    store: &SessionStore,
    crm: &dyn Crm,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let login = match &arguments.utilisateur {
        Some(login) => login.clone(),
        None => prompt::ask("Nom d'utilisateur ou adresse e-mail")?,
    };
    let password = prompt::ask_password("Mot de passe")?;
    // The core reads and writes this person's dates in this machine's zone.
    let signed_in = crm
        .sign_in(login, password, Zone::of_this_machine())
        .await?;
    store
        .save_token(&signed_in.token)
        .map_err(file_error(store.token_path()))?;
    let user = signed_in.user;
    writeln!(
        output,
        "Bienvenue {} {} ! Connecté en tant que {} (rôle : {}), jusqu'au {}.",
        user.first_name,
        user.last_name,
        user.username,
        user.role,
        formatting::date_time(signed_in.expires_at)
    )?;
    Ok(())
}

/// Signs out: the stored session is ended for good — the core refuses its token from
/// now on, wherever it was copied — then deleted. When the core cannot record it, the
/// session is still deleted here, and the user is told that its token stays valid until
/// it expires.
pub async fn sign_out(
    store: &SessionStore,
    crm: &dyn Crm,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let token = store.load_token().map_err(file_error(store.token_path()))?;
    let revoked = match &token {
        Some(token) => crm.sign_out(token).await.map_err(ApplicationError::from),
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

/// The stored session's token, and the user it stands for, re-read by the core.
pub async fn signed_in(
    store: &SessionStore,
    crm: &dyn Crm,
) -> Result<(SessionToken, AuthenticatedUser), ApplicationError> {
    let token = stored_token(store)?;
    let session = crm.session(&token).await?;
    Ok((token, session.user))
}

/// Shows the signed-in user.
pub async fn who_am_i(
    store: &SessionStore,
    crm: &dyn Crm,
    output: &mut dyn Write,
) -> Result<(), ApplicationError> {
    let (_, user) = signed_in(store, crm).await?;
    writeln!(
        output,
        "{} — {} {}, rôle : {}",
        user.username, user.first_name, user.last_name, user.role
    )?;
    Ok(())
}
