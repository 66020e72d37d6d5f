//! Where the session lives between commands: the token file and the generated signing
//! secret, both readable by their owner only (0600), in the configuration directory —
//! written and read as [`PrivateDirectory`] does: never through a link.

use std::io;
use std::path::PathBuf;

use super::token::{JwtSecret, SECRET_MINIMUM_LENGTH, SessionToken};
use crate::private_directory::PrivateDirectory;

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
    /// The store in `directory` (created on first use).
    pub fn new(directory: impl Into<PathBuf>) -> Self {
        Self {
            directory: directory.into(),
        }
    }

    /// The directory, checked (see [`PrivateDirectory::open`]).
    fn directory(&self) -> io::Result<PrivateDirectory> {
        PrivateDirectory::open(&self.directory)
            .map_err(|refusal| io::Error::new(io::ErrorKind::PermissionDenied, refusal))
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
        self.directory()?
            .replace(TOKEN_FILE_NAME, token.expose().as_bytes())
    }

    /// The stored token, if any.
    pub fn load_token(&self) -> io::Result<Option<SessionToken>> {
        Ok(self
            .directory()?
            .read(TOKEN_FILE_NAME)?
            .map(|text| SessionToken::new(text.trim().to_owned())))
    }

    /// Deletes the stored token; returns whether there was one.
    pub fn delete_token(&self) -> io::Result<bool> {
        self.directory()?.remove(TOKEN_FILE_NAME)
    }

    /// The signing secret: the one from the environment if given, else the secret file's.
    pub fn signing_secret(&self, from_environment: Option<&JwtSecret>) -> io::Result<JwtSecret> {
        match from_environment {
            Some(secret) => Ok(secret.clone()),
            None => self.load_or_create_secret(),
        }
    }

    /// The secret file's secret, generating a random 256-bit one on first use (a process
    /// that loses the race to create it reads the winner's).
    pub fn load_or_create_secret(&self) -> io::Result<JwtSecret> {
        let directory = self.directory()?;
        if let Some(text) = directory.read(SECRET_FILE_NAME)? {
            return JwtSecret::new(text.trim().as_bytes().to_vec()).map_err(|error| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} : {error}", self.secret_path().display()),
                )
            });
        }
        let mut random = [0u8; SECRET_MINIMUM_LENGTH];
        getrandom::fill(&mut random).map_err(io::Error::other)?;
        let text: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
        if directory.create_new(SECRET_FILE_NAME, text.as_bytes())? {
            return Ok(JwtSecret::new(text.into_bytes()).expect("64 hexadecimal characters"));
        }
        // Made meanwhile by another process (or a link there, refused by the read).
        let text = directory
            .read(SECRET_FILE_NAME)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        JwtSecret::new(text.trim().as_bytes().to_vec())
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error.to_string()))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

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
