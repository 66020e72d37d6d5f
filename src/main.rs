//! `epic-events`: parse the command line, read the configuration, wire the command line
//! to the core, dispatch.

mod administration;
mod config;
mod local_core;

use std::io::Write;
use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: a server answers many small requests from several
/// threads, where glibc's allocator spent an eighth of the time (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use config::Configuration;
use epic_events_cli::command_line::{self, Command, Parsed};
use epic_events_cli::commands::{self, ApplicationError};
use epic_events_cli::private_directory::PrivateDirectory;
use epic_events_cli::terminal;
use epic_events_core::reporting;

fn main() -> ExitCode {
    let command_line = match command_line::parse() {
        Parsed::Run(command_line) => command_line,
        Parsed::Information(text) => {
            // A closed pipe (`epic-events --help | head -1`) is a normal end.
            let _ = terminal::stdout().write_all(text.as_bytes());
            return ExitCode::SUCCESS;
        }
        Parsed::UsageError(message) => {
            let _ = writeln!(terminal::stderr(), "{message}");
            return ExitCode::from(2);
        }
    };
    // Writing the completion script or the manual needs no configuration.
    match &command_line.command {
        Some(Command::Completion(arguments)) => {
            command_line::write_completion(arguments.shell, &mut std::io::stdout().lock());
            return ExitCode::SUCCESS;
        }
        Some(Command::Manuel) => {
            return match command_line::write_manual(&mut std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    let _ = writeln!(
                        terminal::stderr(),
                        "Erreur : {}",
                        epic_events_cli::private_directory::french_io_error(&error)
                    );
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }
    let configuration = match Configuration::from_environment() {
        // `--serveur` names the server for this command, over the environment's.
        Ok(configuration) => match &command_line.serveur {
            Some(address) if !address.trim().is_empty() => Configuration {
                server: Some(address.trim().to_owned()),
                ..configuration
            },
            _ => configuration,
        },
        Err(error) => {
            let _ = writeln!(terminal::stderr(), "Erreur : {error}");
            return ExitCode::FAILURE;
        }
    };
    // The session, the secret, the log and the histories live there: a directory others
    // may write in is refused before anything is written.
    let directory = match PrivateDirectory::open(&configuration.config_directory) {
        Ok(directory) => directory,
        Err(refusal) => {
            let _ = writeln!(terminal::stderr(), "Erreur : {refusal}");
            return ExitCode::FAILURE;
        }
    };
    epic_events_core::database::limits::set_statement_bound(configuration.database_timeout);
    // A person's command or shell does one thing at a time: one connection, which a
    // statement waits for rather than opening another while the pool takes the last one
    // back (a second SQLite connection cost 0.6 ms of each command, docs/benchmarks.md).
    // The server serves many at once; `base` keeps the pool's default.
    let connections = configuration
        .database_connections
        .unwrap_or(match &command_line.command {
            Some(Command::Serveur(_) | Command::Base(_)) => {
                epic_events_core::database::limits::DEFAULT_POOL_SIZE
            }
            _ => 1,
        });
    epic_events_core::database::limits::set_pool_size(connections);
    // Without a log file the program runs without a log rather than failing.
    if let Ok(log) = directory.append(reporting::LOG_FILE_NAME) {
        reporting::initialise_logging(log);
    }
    let _sentry = reporting::initialise_sentry(configuration.sentry_dsn.as_deref());

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(
                terminal::stderr(),
                "Erreur : impossible de démarrer ({error})"
            );
            return ExitCode::FAILURE;
        }
    };
    reporting::install_panic_hook();
    // The shell waits for the user on this thread, and for the core through the runtime:
    // the core's long readings may pause it while SQLite's driver reads ahead.
    let _may_pause = epic_events_core::repositories::reading::may_pause();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match command_line.command {
            None => local_core::shell(&configuration, &runtime),
            Some(Command::Demo(arguments)) => {
                local_core::demo(&configuration, &runtime, arguments.reinitialiser)
            }
            Some(command) => runtime.block_on(run(command, &configuration)),
        }
    }));
    let Ok(outcome) = outcome else {
        // Logged and reported by the panic hook.
        let _ = writeln!(
            terminal::stderr(),
            "Erreur : erreur inattendue ; le détail est dans le journal"
        );
        return ExitCode::FAILURE;
    };
    // A script run stopped by its limits whose thread did not return (its work was rolled
    // back) is not waited for: the process ends.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`epic-events executer … | head`): a normal end.
        Err(error) if error.is_closed_output() => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = ?error, "command failed");
            let _ = writeln!(terminal::stderr(), "Erreur : {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, configuration: &Configuration) -> Result<(), ApplicationError> {
    let mut output = terminal::Terminal::new(std::io::stdout().lock());
    let store = epic_events_cli::session_store::SessionStore::new(&configuration.config_directory);
    match command {
        Command::Connexion(arguments) => {
            let crm = local_core::local_crm(configuration)?;
            commands::session::sign_in(&arguments, &store, crm.as_ref(), &mut output).await
        }
        Command::Deconnexion => {
            let crm = local_core::local_crm(configuration)?;
            commands::session::sign_out(&store, crm.as_ref(), &mut output).await
        }
        Command::Moi => {
            let crm = local_core::local_crm(configuration)?;
            commands::session::who_am_i(&store, crm.as_ref(), &mut output).await
        }
        Command::Executer(arguments) => {
            drop(output);
            let crm = local_core::local_crm(configuration)?;
            commands::script::execute(&arguments, &store, crm.as_ref()).await
        }
        Command::Aide(arguments) => {
            let crm = local_core::local_crm_without_sessions(configuration)?;
            match &arguments.nom {
                Some(name) => {
                    let functions = crm.script_functions().await?;
                    let help = commands::script::function_help(&functions, name)
                        .map_err(ApplicationError::Cancelled)?;
                    write!(output, "{help}").map_err(ApplicationError::from)
                }
                None => commands::script::help(crm.as_ref(), &mut output).await,
            }
        }
        Command::Demo(_) => unreachable!("the shell runs outside the runtime"),
        Command::Base(database_command) => {
            administration::run(&database_command, configuration, &mut output)
                .await
                .map_err(ApplicationError::from)
        }
        Command::Serveur(arguments) => {
            local_core::serve(configuration, &arguments, &mut output).await
        }
        Command::Completion(_) | Command::Manuel => unreachable!("written before configuring"),
    }
}
