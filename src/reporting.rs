//! Local logging: `tracing` events go to `epic-events.log` in the configuration directory,
//! never to the terminal, whose output belongs to the user.
//!
//! The level comes from `EPIC_EVENTS_LOG` (a `tracing` filter such as `debug`; default
//! `info`). Nothing logged may contain a password, a hash, a token or a secret.

use std::fs::{self, OpenOptions};
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Name of the log file inside the configuration directory.
pub const LOG_FILE_NAME: &str = "epic-events.log";

/// Sends `tracing` events to the log file. If the file cannot be opened the program runs
/// without a log rather than failing.
pub fn initialise_logging(config_directory: &Path) {
    if create_private_directory(config_directory).is_err() {
        return;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let Ok(file) = options.open(config_directory.join(LOG_FILE_NAME)) else {
        return;
    };
    let filter =
        EnvFilter::try_from_env("EPIC_EVENTS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Creates `directory` (and its parents) readable by its owner only.
pub fn create_private_directory(directory: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(directory)
}
