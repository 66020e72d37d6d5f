//! `epic-events base migrer | etat | reinitialiser`.

use std::io::{BufRead, Write};

use epic_events_api::catalogue::Catalogue;
use epic_events_api::catalogue::user::{NewUserInput, UserField};
use epic_events_api::formatting::{self, capitalised};
use epic_events_cli::command_line::DatabaseCommand;
use epic_events_cli::commands::{ApplicationError, prompt};
use epic_events_core::database::{self, DatabaseError, administration};
use epic_events_core::errors::CoreError;
use epic_events_core::handle::Core;
use epic_events_core::seed::{self, large_data};

use crate::config::Configuration;

/// What ends an administration command: the command line's errors, and the core's and
/// the database's, which the administration meets directly (it holds the database).
#[derive(Debug, thiserror::Error)]
pub enum AdministrationError {
    /// Refused or cancelled on the command line.
    #[error(transparent)]
    Command(#[from] ApplicationError),
    /// The core refused or failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The database cannot be used (connecting, migrating, resetting).
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// Standard output cannot be written.
    #[error(transparent)]
    Output(#[from] std::io::Error),
}

impl From<AdministrationError> for ApplicationError {
    /// The error said the command line's way; a fault of the program or of the database
    /// (rather than something for the user to fix) is reported first, once.
    fn from(error: AdministrationError) -> Self {
        match error {
            AdministrationError::Command(error) => error,
            AdministrationError::Output(error) => ApplicationError::Output(error),
            AdministrationError::Core(error) => {
                epic_events_core::reporting::core_failure(&error);
                ApplicationError::Administration(error.to_string())
            }
            AdministrationError::Database(error) => {
                if matches!(
                    error,
                    DatabaseError::Migration(_)
                        | DatabaseError::Damaged(_)
                        | DatabaseError::File { .. }
                        | DatabaseError::DemoData(_)
                        | DatabaseError::Unexpected(_)
                ) {
                    epic_events_core::reporting::unexpected_error(&error);
                }
                ApplicationError::Administration(error.to_string())
            }
        }
    }
}

/// The database the `base` commands administer, through an administrator's URL when one is
/// given (`EPIC_EVENTS_ADMIN_DATABASE_URL`): the server's own account may not change the
/// schema.
fn administered(configuration: &Configuration) -> &epic_events_core::database::url::DatabaseUrl {
    configuration
        .admin_database_url
        .as_ref()
        .unwrap_or(&configuration.database_url)
}

/// The user did not confirm a destructive action.
fn not_confirmed() -> ApplicationError {
    ApplicationError::Cancelled("réinitialisation annulée : rien n'a été modifié".to_owned())
}

/// Runs one `base` command.
pub async fn run(
    command: &DatabaseCommand,
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), AdministrationError> {
    let url = administered(configuration);
    match command {
        DatabaseCommand::Migrer => {
            let connection = database::connect(url).await?;
            let applied = administration::migrate(&connection).await?;
            if applied.is_empty() {
                writeln!(output, "Base {url} : le schéma est déjà à jour.")?;
            } else {
                for name in &applied {
                    writeln!(output, "Migration appliquée : {name}")?;
                }
                writeln!(output, "Base {url} : schéma à jour.")?;
            }
        }
        DatabaseCommand::Etat => {
            let connection = database::connect(url).await?;
            let states = administration::migration_status(&connection).await?;
            writeln!(output, "Base : {url}")?;
            let width = states
                .iter()
                .map(|state| state.name.len())
                .max()
                .unwrap_or(0);
            for state in &states {
                let status = match state.applied_at {
                    Some(applied_at) => {
                        format!("appliquée le {}", formatting::date_time(applied_at))
                    }
                    None => "en attente".to_owned(),
                };
                writeln!(output, "  {:width$}  {status}", state.name)?;
            }
            let pending = states
                .iter()
                .filter(|state| state.applied_at.is_none())
                .count();
            match pending {
                0 => writeln!(output, "Schéma à jour.")?,
                1 => writeln!(
                    output,
                    "1 migration en attente : lancez « epic-events base migrer »."
                )?,
                count => writeln!(
                    output,
                    "{count} migrations en attente : lancez « epic-events base migrer »."
                )?,
            }
        }
        DatabaseCommand::Reinitialiser(arguments) => {
            if !arguments.oui
                && !confirm(configuration, "remplacées par les données de démonstration")?
            {
                return Err(not_confirmed().into());
            }
            let connection = seed::reset(url).await?;
            connection.close().await.map_err(CoreError::from)?;
            writeln!(
                output,
                "Base {url} réinitialisée : schéma créé et données de démonstration chargées."
            )?;
        }
        DatabaseCommand::PremierGestionnaire => create_first_manager(configuration, output).await?,
        DatabaseCommand::Generer(arguments) => {
            if !(arguments.echelle > 0.0 && arguments.echelle <= 10.0) {
                return Err(CoreError::validation(
                    "échelle",
                    "doit être un nombre entre 0 (exclu) et 10",
                )
                .into());
            }
            if !arguments.oui
                && !confirm(
                    configuration,
                    "remplacées par un grand jeu de données générées",
                )?
            {
                return Err(not_confirmed().into());
            }
            let connection = administration::recreate(url).await?;
            let scale = large_data::Scale::times(arguments.echelle);
            // At a terminal, a bar says how far it is (indicatif draws nothing elsewhere).
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} {wide_bar} {percent:>3} %")
                    .expect("a valid template"),
            );
            let report = |progress: large_data::Progress| {
                bar.set_length(progress.total as u64);
                bar.set_position(progress.written as u64);
                bar.set_message(match progress.step {
                    "statistiques" => "Statistiques du planificateur…".to_owned(),
                    step => format!(
                        "{} lignes écrites sur {} ({step})",
                        formatting::whole_number(progress.written as u64),
                        formatting::whole_number(progress.total as u64)
                    ),
                });
            };
            let generated =
                large_data::generate_reporting(&connection, scale, arguments.graine, &report).await;
            bar.finish_and_clear();
            let generated = generated?;
            connection.close().await.map_err(CoreError::from)?;
            let rows: Vec<String> = generated
                .rows
                .iter()
                .map(|(what, count)| format!("{} {what}", formatting::whole_number(*count as u64)))
                .collect();
            writeln!(
                output,
                "Base {url} remplie en {} :\n{}.\nMot de passe de tous les comptes : {}.",
                formatting::seconds(std::time::Duration::from_secs_f64(generated.seconds)),
                rows.join(", "),
                large_data::PASSWORD
            )?;
        }
    }
    Ok(())
}

/// Asks for the fields of the first management account and creates it.
async fn create_first_manager(
    configuration: &Configuration,
    output: &mut dyn Write,
) -> Result<(), AdministrationError> {
    let core = Core::connect(administered(configuration)).await?;
    if !core.first_manager_needed().await? {
        return Err(CoreError::Conflict(
            "la base contient déjà des utilisateurs : un gestionnaire connecté crée les comptes suivants".to_owned(),
        )
        .into());
    }
    writeln!(
        output,
        "Création du premier compte de gestion de la base {}.",
        administered(configuration)
    )?;
    let label = |field: UserField| capitalised(field.label());
    let input = NewUserInput {
        first_name: prompt::ask(&label(UserField::FirstName))?,
        last_name: prompt::ask(&label(UserField::LastName))?,
        email: prompt::ask(&label(UserField::Email))?,
        phone_number: prompt::ask(&label(UserField::PhoneNumber))?,
        username: prompt::ask(&label(UserField::Username))?,
        password: prompt::ask_password(&format!(
            "{} (12 caractères au moins)",
            label(UserField::Password)
        ))?,
    };
    if prompt::ask_password("Confirmez le mot de passe")? != input.password {
        return Err(CoreError::validation(
            UserField::Password.label(),
            "les deux saisies diffèrent",
        )
        .into());
    }
    let manager = core.create_first_manager(&input).await?;
    writeln!(
        output,
        "Compte de gestion « {} » créé. Connectez-vous avec « epic-events connexion ».",
        manager.username
    )?;
    Ok(())
}

/// Asks on the terminal (or reads from piped input) whether to destroy the data, which
/// will be `replaced_by` something else.
fn confirm(configuration: &Configuration, replaced_by: &str) -> std::io::Result<bool> {
    let mut error_output = epic_events_cli::terminal::Terminal::new(std::io::stderr().lock());
    write!(
        error_output,
        "Toutes les données de la base {} seront supprimées et {replaced_by}.\n\
         Tapez « oui » pour confirmer : ",
        administered(configuration)
    )?;
    error_output.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("oui"))
}
