//! Where the session lives between commands: the token file and the generated signing
//! secret, both readable by their owner only (0600), in the configuration directory.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::token::{JwtSecret, SECRET_MINIMUM_LENGTH, SessionToken};
use crate::reporting::create_private_directory;

/// File name of the stored token.
pub const TOKEN_FILE_NAME: &str = "session.jwt";
/// File name of the generated signing secret.
pub const SECRET_FILE_NAME: &str = "jwt-secret";

/// The token file and secret file of one configuration directory.
#[derive(Debug, Clone)]
pub struct SessionStore {
    directory: PathBuf,
}

impl SessionStore {
    /// The store in `directory` (created on first write).
    pub fn new(directory: impl Into<PathBuf>) -> Self {
        Self {
            directory: directory.into(),
        }
    }

    /// Path of the token file.
    pub fn token_path(&self) -> PathBuf {
        self.directory.join(TOKEN_FILE_NAME)
    }

    /// Path of the generated secret file.
    pub fn secret_path(&self) -> PathBuf {
        self.directory.join(SECRET_FILE_NAME)
    }

    /// Stores `token`, replacing any previous one.
    pub fn save_token(&self, token: &SessionToken) -> io::Result<()> {
        write_private_file(&self.token_path(), token.expose().as_bytes())
    }

    /// The stored token, if any.
    pub fn load_token(&self) -> io::Result<Option<SessionToken>> {
        match fs::read_to_string(self.token_path()) {
            Ok(text) => Ok(Some(SessionToken::new(text.trim().to_owned()))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Deletes the stored token; returns whether there was one.
    pub fn delete_token(&self) -> io::Result<bool> {
        match fs::remove_file(self.token_path()) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// The signing secret: the one from the environment if given, else the secret file's.
    pub fn signing_secret(&self, from_environment: Option<&JwtSecret>) -> io::Result<JwtSecret> {
        match from_environment {
            Some(secret) => Ok(secret.clone()),
            None => self.load_or_create_secret(),
        }
    }

    /// The secret file's secret, generating a random 256-bit one on first use.
    pub fn load_or_create_secret(&self) -> io::Result<JwtSecret> {
        let path = self.secret_path();
        match fs::read_to_string(&path) {
            Ok(text) => {
                restrict_to_owner(&path)?;
                JwtSecret::new(text.trim().as_bytes().to_vec()).map_err(|error| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} : {error}", path.display()),
                    )
                })
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let mut random = [0u8; SECRET_MINIMUM_LENGTH];
                getrandom::fill(&mut random).map_err(io::Error::other)?;
                let text: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
                write_private_file(&path, text.as_bytes())?;
                Ok(JwtSecret::new(text.into_bytes()).expect("64 hexadecimal characters"))
            }
            Err(error) => Err(error),
        }
    }
}

/// Writes `contents` to `path` through a 0600 temporary file renamed into place, so that
/// the file is never readable by others, nor seen half-written.
fn write_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let directory = path.parent().unwrap_or(Path::new("."));
    create_private_directory(directory)?;
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&temporary)?;
        restrict_to_owner(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

fn restrict_to_owner(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn token_and_secret_files_are_private() {
        let directory = tempfile::tempdir().unwrap();
        let store = SessionStore::new(directory.path().join("config"));
        assert_eq!(store.load_token().unwrap(), None);
        store
            .save_token(&SessionToken::new("a.b.c".into()))
            .unwrap();
        assert_eq!(mode(&store.token_path()), 0o600);
        assert_eq!(
            store.load_token().unwrap(),
            Some(SessionToken::new("a.b.c".into()))
        );
        assert!(store.delete_token().unwrap());
        assert!(!store.token_path().exists());
        assert!(!store.delete_token().unwrap());

        let secret = store.load_or_create_secret().unwrap();
        assert_eq!(mode(&store.secret_path()), 0o600);
        assert_eq!(secret.expose().len(), 64);
        let again = store.load_or_create_secret().unwrap();
        assert_eq!(secret.expose(), again.expose(), "generated once, then kept");
        assert!(!format!("{secret:?}").contains(std::str::from_utf8(secret.expose()).unwrap()));
    }
}
