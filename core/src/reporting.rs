//! Logging and error reporting, in one place.
//!
//! Local logging: `tracing` events go to `epic-events.log` in the configuration directory,
//! never to the terminal, whose output belongs to the user. The level comes from
//! `EPIC_EVENTS_LOG` (a `tracing` filter such as `debug`; default `info`).
//!
//! Sentry (`SENTRY_DSN`; off when unset) receives every unexpected error, every user
//! creation and modification and every contract signature, tagged with the acting user's
//! id and the record's id. Nothing logged or reported may contain a password, a hash, a
//! token or a secret: reports carry ids and field names, never values.

use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::database::DatabaseError;
use crate::errors::CoreError;

/// Name of the log file inside the configuration directory.
pub const LOG_FILE_NAME: &str = "epic-events.log";

/// Sends `tracing` events to `file`, the log file the program opened (in the checked
/// configuration directory, without following a link).
pub fn initialise_logging(file: std::fs::File) {
    let filter =
        EnvFilter::try_from_env("EPIC_EVENTS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Starts Sentry when a DSN is configured; keep the guard alive until the program ends so
/// that pending events are sent. No event carries the machine's name (`server_name`,
/// which Sentry's contexts would fill with the hostname) nor anything personal.
pub fn initialise_sentry(dsn: Option<&str>) -> Option<sentry::ClientInitGuard> {
    let dsn = dsn?;
    let mut options = sentry::ClientOptions::default();
    options.release = sentry::release_name!();
    options.send_default_pii = false;
    options.before_send = Some(std::sync::Arc::new(|mut event| {
        event.server_name = None;
        event.user = None;
        Some(event)
    }));
    let guard = sentry::init((dsn, options));
    guard.is_enabled().then_some(guard)
}

fn report(message: &str, tags: &[(&str, String)]) {
    sentry::with_scope(
        |scope| {
            for (key, value) in tags {
                scope.set_tag(key, value);
            }
        },
        || sentry::capture_message(message, sentry::Level::Info),
    );
}

/// A management user created an account.
pub fn user_created(acting_user_id: i32, user_id: i32) {
    report(
        "user created",
        &[
            ("acting_user_id", acting_user_id.to_string()),
            ("user_id", user_id.to_string()),
        ],
    );
}

/// A management user modified an account; `fields` names what changed (never values).
pub fn user_updated(acting_user_id: i32, user_id: i32, fields: &[&str]) {
    report(
        "user updated",
        &[
            ("acting_user_id", acting_user_id.to_string()),
            ("user_id", user_id.to_string()),
            ("fields", fields.join(",")),
        ],
    );
}

/// A contract was signed.
pub fn contract_signed(acting_user_id: i32, contract_id: i32) {
    report(
        "contract signed",
        &[
            ("acting_user_id", acting_user_id.to_string()),
            ("contract_id", contract_id.to_string()),
        ],
    );
}

/// A failure of the core shown to someone (a shell screen, a script's error, a command's
/// end): reported when it is unexpected or when the database file is damaged. Each entry
/// point calls it where it shows the error, so that it is reported once.
pub fn core_failure(error: &CoreError) {
    match error {
        CoreError::Unexpected(source) | CoreError::DatabaseDamaged(source) => {
            unexpected_error(source.as_ref());
        }
        // A commit the database refused for a reason of its own.
        CoreError::Unconfirmed(Some(answer)) => core_failure(answer),
        _ => {}
    }
}

/// Installs the program's panic hook, in place of Rust's (which writes an English message
/// on the terminal) and of Sentry's (which sends the panic's message): a panic is logged
/// — where, and its message — in the user's log, and reported to Sentry by its kind only,
/// once per run of the program (a script can make rhai's `sort` panic with an inconsistent
/// comparator, which rhai catches, as often as it likes). Nothing is written to the
/// terminal here: a panic that ends a command is said by `main.rs`, in French.
pub fn install_panic_hook() {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(|information| {
        let location = information
            .location()
            .map(|location| format!("{}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let payload = information.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%location, %message, "panic");
        if !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            capture_by_kind("panic");
        }
    }));
}

/// Sends Sentry an error of `kind`, with the fixed message.
fn capture_by_kind(kind: &str) {
    let exception = sentry::protocol::Exception {
        ty: kind.to_owned(),
        value: Some(UNEXPECTED_ERROR_MESSAGE.to_owned()),
        ..Default::default()
    };
    sentry::capture_event(sentry::protocol::Event {
        level: sentry::Level::Error,
        exception: vec![exception].into(),
        ..Default::default()
    });
}

/// An unexpected error: logged with its details (the log is the user's, 0600), and
/// reported to Sentry by its kind only, with a fixed message: an error's text may hold
/// data (a value the database refused, a name read), which Sentry never receives.
pub fn unexpected_error(error: &(dyn std::error::Error + 'static)) {
    tracing::error!(error = %error, source = ?error.source(), "unexpected error");
    capture_by_kind(error_kind(error));
}

/// What Sentry reads of every unexpected error: the details are in the user's log.
pub const UNEXPECTED_ERROR_MESSAGE: &str =
    "unexpected error; the details are in the log of the machine it happened on";

/// The kind of `error` (or of the first error of its chain whose kind is known), from a
/// fixed list: never its text.
fn error_kind(error: &(dyn std::error::Error + 'static)) -> &'static str {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(database) = error.downcast_ref::<sea_orm::DbErr>() {
            return database_error_kind(database);
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::NotFound => "io: not found",
                std::io::ErrorKind::PermissionDenied => "io: permission denied",
                std::io::ErrorKind::StorageFull => "io: storage full",
                std::io::ErrorKind::InvalidData => "io: invalid data",
                std::io::ErrorKind::BrokenPipe => "io: broken pipe",
                _ => "io: other",
            };
        }
        if error.is::<tokio::task::JoinError>() {
            return "task";
        }
        if error.is::<jsonwebtoken::errors::Error>() {
            return "session token";
        }
        if error.is::<DatabaseError>() {
            return "database administration";
        }
        current = error.source();
    }
    "other"
}

fn database_error_kind(error: &sea_orm::DbErr) -> &'static str {
    use sea_orm::DbErr;
    match error {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => "database: connection",
        DbErr::Exec(_) => "database: statement",
        DbErr::Query(_) => "database: query",
        DbErr::RecordNotFound(_) => "database: record not found",
        DbErr::Type(_) | DbErr::Json(_) | DbErr::TryIntoErr { .. } | DbErr::ConvertFromU64(_) => {
            "database: value conversion"
        }
        DbErr::Migration(_) => "database: migration",
        DbErr::RecordNotInserted | DbErr::RecordNotUpdated => "database: no row written",
        _ => "database: other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(std::io::Error::other("disque plein"))
    }

    #[test]
    fn a_panic_reaches_sentry_by_its_kind_once_and_never_its_message() {
        let events = sentry::test::with_captured_events(|| {
            install_panic_hook();
            for _ in 0..3 {
                let _ = std::panic::catch_unwind(|| panic!("valeur secrète 42"));
            }
            // Back to Rust's hook, for the other tests of this binary.
            let _ = std::panic::take_hook();
        });
        assert_eq!(events.len(), 1, "once per run of the program");
        assert_eq!(events[0].exception[0].ty, "panic");
        let everything = serde_json::to_string(&events).unwrap();
        assert!(!everything.contains("secrète"), "{everything}");
    }

    #[test]
    fn faults_are_reported_and_refusals_are_not() {
        let reported = |error: CoreError| {
            sentry::test::with_captured_events(|| core_failure(&error))
                .iter()
                .filter(|event| !event.exception.is_empty())
                .count()
        };
        assert_eq!(reported(CoreError::Unexpected(failure())), 1);
        assert_eq!(reported(CoreError::DatabaseDamaged(failure())), 1);
        // A commit the database refused for a reason of its own, and one that timed out.
        let refused_commit =
            CoreError::Unconfirmed(Some(Box::new(CoreError::Unexpected(failure()))));
        assert_eq!(reported(refused_commit), 1);
        assert_eq!(reported(CoreError::Unconfirmed(None)), 0);
        assert_eq!(
            reported(CoreError::Busy {
                whole_database: false
            }),
            0
        );
        assert_eq!(reported(CoreError::validation("nom", "est obligatoire")), 0);
        // Building an unexpected error reports nothing by itself.
        let built = sentry::test::with_captured_events(|| {
            let _ = CoreError::unexpected(std::io::Error::other("x"));
        });
        assert!(built.is_empty());
    }
}
