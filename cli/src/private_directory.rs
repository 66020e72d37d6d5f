//! The configuration directory as a careful Unix program uses it: it must belong to the
//! user and be writable by nobody else (otherwise anyone could plant a link there and
//! make the program write the session token, or overwrite a file, where they chose), and
//! every file in it — the session token, the generated secret, the log, the shells'
//! histories — is written without following a symbolic link: created with `O_EXCL` under
//! a random name then renamed over the old one (a rename replaces a link, never its
//! target), or opened with `O_NOFOLLOW`, its mode set on the open file.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The configuration directory, checked.
#[derive(Clone, Debug)]
pub struct PrivateDirectory {
    path: PathBuf,
}

/// A configuration directory the program refuses to use, and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum UnsafeDirectory {
    /// A directory above it may be changed by others: they could replace it.
    #[error(
        "le dossier {} qui contient le dossier de configuration est modifiable par d'autres utilisateurs : choisissez un dossier de configuration dans un dossier à vous avec EPIC_EVENTS_CONFIG_DIR",
        .0.display()
    )]
    ParentWritableByOthers(PathBuf),
    /// Another user owns it.
    #[error(
        "le dossier de configuration {} appartient à un autre utilisateur : choisissez-en un à vous avec EPIC_EVENTS_CONFIG_DIR",
        .0.display()
    )]
    NotOwned(PathBuf),
    /// Its group or others may write in it.
    #[error(
        "le dossier de configuration {} est modifiable par d'autres utilisateurs (droits {mode:o}) : rendez-le privé avec « chmod 700 {} »",
        .path.display(),
        .path.display()
    )]
    WritableByOthers {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// It is not a directory.
    #[error(
        "{} n'est pas un dossier : choisissez un dossier de configuration avec EPIC_EVENTS_CONFIG_DIR",
        .0.display()
    )]
    NotADirectory(PathBuf),
    /// It cannot be created or read.
    #[error(
        "le dossier de configuration {} est inutilisable ({})",
        .path.display(),
        french_io_error(.source)
    )]
    Unusable {
        /// The directory.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

/// A file of the directory that is a link, or not a plain file: never followed.
#[derive(Debug)]
struct NotAPlainFile(PathBuf);

impl fmt::Display for NotAPlainFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} is a symbolic link or not a regular file",
            self.0.display()
        )
    }
}

impl std::error::Error for NotAPlainFile {}

/// What went wrong with a file or a stream, in French: a file of the configuration
/// directory that is a link or not the user's says so; anything else as the API says it.
pub fn french_io_error(error: &io::Error) -> &'static str {
    if is_not_a_plain_file(error) {
        "c'est un lien symbolique ou un fichier qui n'est pas à vous : supprimez-le"
    } else {
        epic_events_api::formatting::french_io_error(error)
    }
}

/// The error of a file that is a link, or not a plain file ([`french_io_error`]
/// says « lien symbolique ou fichier spécial »).
pub fn is_not_a_plain_file(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<NotAPlainFile>())
}

fn not_a_plain_file(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        NotAPlainFile(path.to_path_buf()),
    )
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
}

#[cfg(not(unix))]
fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

/// Readable and writable by the owner only.
#[cfg(unix)]
fn private(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn private(_: &File) -> io::Result<()> {
    Ok(())
}

/// Every directory above `path` (links resolved) must belong to the user or to root, and
/// others may write in it only if it is « sticky » (`/tmp`): otherwise someone could swap
/// the configuration directory for another between the checks and the writes. `Ok(parent)`
/// names one that fails.
#[cfg(unix)]
fn check_ancestors(path: &Path) -> Result<(), Result<PathBuf, io::Error>> {
    use std::os::unix::fs::MetadataExt;
    let canonical = fs::canonicalize(path).map_err(Err)?;
    let me = rustix::process::geteuid().as_raw();
    for ancestor in canonical.ancestors().skip(1) {
        let metadata = fs::metadata(ancestor).map_err(Err)?;
        let owner_trusted = metadata.uid() == me || metadata.uid() == 0;
        let writable_by_others = metadata.mode() & 0o022 != 0;
        let sticky = metadata.mode() & 0o1000 != 0;
        if !owner_trusted || (writable_by_others && !sticky) {
            return Err(Ok(ancestor.to_path_buf()));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_ancestors(_: &Path) -> Result<(), Result<PathBuf, io::Error>> {
    Ok(())
}

/// Whether `metadata` is of a file the user owns.
fn owned_by_me(metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.uid() == rustix::process::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        true
    }
}

/// `file`, opened without following a link, must be a plain file of ours.
fn checked(file: File, path: &Path) -> io::Result<File> {
    let metadata = file.metadata()?;
    if !metadata.is_file() || !owned_by_me(&metadata) {
        return Err(not_a_plain_file(path));
    }
    Ok(file)
}

/// A link at `path` is an error (opening with `O_NOFOLLOW` says ELOOP, which `std` does
/// not name in every version): said the same way everywhere.
fn opened(result: io::Result<File>, path: &Path) -> io::Result<File> {
    result.map_err(|error| {
        if fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
            not_a_plain_file(path)
        } else {
            error
        }
    })
}

impl PrivateDirectory {
    /// The directory at `path`, created (with its missing parents) readable by its owner
    /// only; refused when it belongs to someone else or when others may write in it.
    pub fn open(path: &Path) -> Result<Self, UnsafeDirectory> {
        let unusable = |source| UnsafeDirectory::Unusable {
            path: path.to_path_buf(),
            source,
        };
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        if fs::metadata(path).is_ok_and(|metadata| !metadata.is_dir()) {
            return Err(UnsafeDirectory::NotADirectory(path.to_path_buf()));
        }
        builder.create(path).map_err(unusable)?;
        // The directory itself may be reached through a link of the user's: what counts
        // is the directory it leads to.
        let metadata = fs::metadata(path).map_err(unusable)?;
        if !metadata.is_dir() {
            return Err(UnsafeDirectory::NotADirectory(path.to_path_buf()));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if metadata.uid() != rustix::process::geteuid().as_raw() {
                return Err(UnsafeDirectory::NotOwned(path.to_path_buf()));
            }
            let mode = metadata.mode() & 0o777;
            if mode & 0o022 != 0 {
                return Err(UnsafeDirectory::WritableByOthers {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        check_ancestors(path).map_err(|refusal| match refusal {
            Ok(parent) => UnsafeDirectory::ParentWritableByOthers(parent),
            Err(source) => UnsafeDirectory::Unusable {
                path: path.to_path_buf(),
                source,
            },
        })?;
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of its file `name`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The text of its file `name`, `None` when there is none; a link is not followed
    /// (an error).
    pub fn read(&self, name: &str) -> io::Result<Option<String>> {
        let path = self.file(name);
        let mut options = OpenOptions::new();
        options.read(true);
        let file = match opened(no_follow(&mut options).open(&path), &path) {
            Ok(file) => checked(file, &path)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        // A file others could read (made by an older version, or by hand) is made private.
        private(&file)?;
        let mut text = String::new();
        // The files of this directory are small; a larger one is not ours.
        file.take(1024 * 1024).read_to_string(&mut text)?;
        Ok(Some(text))
    }

    /// Makes `contents` its file `name`, readable by the owner only, never seen half
    /// written: written to a new file of a random name (`O_EXCL`, mode 0600), then renamed
    /// over the old one — which replaces a link there, never its target.
    pub fn replace(&self, name: &str, contents: &[u8]) -> io::Result<()> {
        let mut temporary = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(&self.path)?;
        private(temporary.as_file())?;
        temporary.write_all(contents)?;
        temporary.as_file().sync_all()?;
        temporary
            .persist(self.file(name))
            .map_err(|error| error.error)?;
        Ok(())
    }

    /// Creates its file `name` with `contents` (mode 0600), unless it exists: `false`
    /// then (another process made it first, or it is a link: the caller reads it).
    pub fn create_new(&self, name: &str, contents: &[u8]) -> io::Result<bool> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(self.file(name)) {
            Ok(mut file) => {
                private(&file)?;
                file.write_all(contents)?;
                file.sync_all()?;
                Ok(true)
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Removes its file `name` (a link itself, never its target); whether there was one.
    pub fn remove(&self, name: &str) -> io::Result<bool> {
        match fs::remove_file(self.file(name)) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Its file `name` opened to append to (created with mode 0600), never through a link.
    pub fn append(&self, name: &str) -> io::Result<File> {
        let path = self.file(name);
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = checked(opened(no_follow(&mut options).open(&path), &path)?, &path)?;
        private(&file)?;
        Ok(file)
    }

    /// Whether its file `name` is a plain file (not a link), when there is one: what a
    /// library that opens files by their path (the shell's history) may be given.
    pub fn holds_plain_file_or_nothing(&self, name: &str) -> bool {
        match fs::symlink_metadata(self.file(name)) {
            Ok(metadata) => metadata.is_file() && owned_by_me(&metadata),
            Err(error) => error.kind() == io::ErrorKind::NotFound,
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_directory_others_may_write_in_is_refused() {
        let parent = tempfile::tempdir().unwrap();
        let path = parent.path().join("config");
        let directory = PrivateDirectory::open(&path).unwrap();
        assert_eq!(mode(directory.path()), 0o700);
        for unsafe_mode in [0o770, 0o702, 0o777, 0o720] {
            fs::set_permissions(&path, fs::Permissions::from_mode(unsafe_mode)).unwrap();
            let refused = PrivateDirectory::open(&path).unwrap_err().to_string();
            assert!(
                refused.contains("modifiable par d'autres utilisateurs"),
                "{refused}"
            );
            assert!(refused.contains("chmod 700"), "{refused}");
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).unwrap();
        assert!(
            PrivateDirectory::open(&path).is_ok(),
            "readable by the group only"
        );
        let file = parent.path().join("fichier");
        fs::write(&file, "").unwrap();
        assert!(matches!(
            PrivateDirectory::open(&file),
            Err(UnsafeDirectory::NotADirectory(_))
        ));
    }

    #[test]
    fn a_directory_inside_one_others_may_change_is_refused() {
        let parent = tempfile::tempdir().unwrap();
        let shared = parent.path().join("partagé");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
        let refused = PrivateDirectory::open(&shared.join("config")).unwrap_err();
        assert!(
            matches!(&refused, UnsafeDirectory::ParentWritableByOthers(path) if path == &shared),
            "{refused}"
        );
        // Sticky, as /tmp is: others may not rename or remove what is not theirs.
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(PrivateDirectory::open(&shared.join("config")).is_ok());
    }

    #[test]
    fn a_file_others_could_read_is_made_private_when_read() {
        let parent = tempfile::tempdir().unwrap();
        let directory = PrivateDirectory::open(&parent.path().join("config")).unwrap();
        fs::write(directory.file("jwt-secret"), "secret").unwrap();
        fs::set_permissions(
            directory.file("jwt-secret"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        assert_eq!(directory.read("jwt-secret").unwrap().unwrap(), "secret");
        assert_eq!(mode(&directory.file("jwt-secret")), 0o600);
    }

    #[test]
    fn links_are_never_followed() {
        let parent = tempfile::tempdir().unwrap();
        let directory = PrivateDirectory::open(&parent.path().join("config")).unwrap();
        let target = parent.path().join("cible");
        fs::write(&target, "intact").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        for name in ["session.jwt", "jwt-secret", "epic-events.log"] {
            symlink(&target, directory.file(name)).unwrap();
        }
        // Replacing replaces the link; reading, appending and creating refuse it.
        directory.replace("session.jwt", b"jeton").unwrap();
        assert!(
            !fs::symlink_metadata(directory.file("session.jwt"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(directory.read("session.jwt").unwrap().unwrap(), "jeton");
        assert_eq!(mode(&directory.file("session.jwt")), 0o600);
        assert!(is_not_a_plain_file(
            &directory.read("jwt-secret").unwrap_err()
        ));
        assert!(!directory.create_new("jwt-secret", b"secret").unwrap());
        assert!(is_not_a_plain_file(
            &directory.append("epic-events.log").unwrap_err()
        ));
        assert!(directory.remove("jwt-secret").unwrap());
        assert!(!directory.holds_plain_file_or_nothing("epic-events.log"));
        assert_eq!(fs::read_to_string(&target).unwrap(), "intact");
        assert_eq!(mode(&target), 0o644);
        // No predictable temporary name is left behind.
        let names: Vec<String> = fs::read_dir(directory.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|name| !name.starts_with(".session.jwt.")),
            "{names:?}"
        );
    }
}
