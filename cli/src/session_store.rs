//! Where the session lives between commands: the token file, readable by its owner only
//! (0600), in the configuration directory — written and read as [`PrivateDirectory`] does:
//! never through a link. The client keeps the token the core signed; it never sees the
//! secret.

use std::io;
use std::path::PathBuf;

use crate::private_directory::PrivateDirectory;
use epic_events_api::SessionToken;

/// File name of the stored token.
pub const TOKEN_FILE_NAME: &str = "session.jwt";
/// The token file of one configuration directory.
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
    pub fn directory(&self) -> io::Result<PrivateDirectory> {
        PrivateDirectory::open(&self.directory)
            .map_err(|refusal| io::Error::new(io::ErrorKind::PermissionDenied, refusal))
    }

    /// Path of the token file.
    pub fn token_path(&self) -> PathBuf {
        self.directory.join(TOKEN_FILE_NAME)
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
    fn the_token_file_is_private() {
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
    }
}
