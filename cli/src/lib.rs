//! Epic Events CRM's command line: the interactive shell, the commands (`connexion`,
//! `deconnexion`, `moi`, `executer`, `aide`), what is shown and how, and the files of the
//! person's configuration directory (the session token, the histories). It reaches the
//! core through the API only (`epic_events_api::Crm`): the core runs in this process or,
//! in the server mode, on a server.
//!
//! See `ARCHITECTURE.md` for the layers and the rules between them.

pub mod application_error;
pub mod command_line;
pub mod commands;
pub mod private_directory;
pub mod remote;
pub mod session_store;
pub mod shell;
pub mod terminal;

pub use epic_events_api::{formatting, paging};

#[cfg(test)]
mod tests {
    /// Nothing above the trait names the core's insides: a connection, a transaction, an
    /// entity, a repository, a service, the signing secret or a session's rights and
    /// journal. The crate cannot import them (it depends on the API only); this keeps even
    /// their names out, so that no comment or string pretends otherwise.
    #[test]
    fn nothing_here_names_the_cores_insides() {
        fn sources(directory: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(directory).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|extension| extension == "rs") {
                    found.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 15, "{}", files.len());
        let words = [
            "sea_orm",
            "DatabaseConnection",
            "DatabaseTransaction",
            "entities",
            "_repository",
            "_service",
            "JwtSecret",
            "SessionKeys",
            ".actor",
            ".journal",
        ];
        for file in files.iter().filter(|file| !file.ends_with("lib.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            for word in words {
                assert!(!text.contains(word), "{} names {word}", file.display());
            }
        }
    }
}
