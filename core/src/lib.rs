//! Epic Events CRM's core: the policy, the rules of each record, the services, the
//! repositories and entities over MySQL or SQLite, the migrations, the script engine and
//! its runner, sessions and their signing secret, the journal and its reports — and
//! [`local::LocalCrm`], the API (`epic_events_api::Crm`) over all of it.
//!
//! See `ARCHITECTURE.md` for the layers and the rules between them.

pub mod authentication;
pub mod catalogue;
pub mod database;
pub mod entities;
pub mod errors;
pub use epic_events_api::formatting;
pub mod handle;
pub mod local;
pub mod money;
pub use epic_events_api::paging;
pub mod permissions;
pub mod reporting;
pub mod repositories;
pub mod scripting;
pub mod seed;
pub mod services;
pub mod validation;

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// The modules of this crate (its top-level ones) and those each names as
    /// `crate::module`, outside comments and test modules.
    fn imports() -> BTreeMap<String, BTreeSet<String>> {
        fn sources(directory: &Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(directory).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|extension| extension == "rs") {
                    found.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            let relative = file.strip_prefix(&root).unwrap();
            let module = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let imported = graph.entry(module.clone()).or_default();
            for line in code
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
            {
                for (at, _) in line.match_indices("crate::") {
                    let name: String = line[at + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        imported.insert(name);
                    }
                }
            }
        }
        graph
    }

    /// The core's layers hold by construction: no module imports, even through others, a
    /// module that imports it (ARCHITECTURE.md draws the order).
    #[test]
    fn the_modules_import_each_other_without_a_cycle() {
        let graph = imports();
        assert!(graph.len() > 10, "{graph:?}");
        // Depth-first, keeping the path: a module met again on it closes a cycle.
        fn visit(
            module: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) {
            if done.contains(module) {
                return;
            }
            if let Some(start) = path.iter().position(|on_path| on_path == module) {
                panic!("import cycle: {} → {module}", path[start..].join(" → "));
            }
            path.push(module.to_owned());
            for next in graph.get(module).into_iter().flatten() {
                if graph.contains_key(next) {
                    visit(next, graph, path, done);
                }
            }
            path.pop();
            done.insert(module.to_owned());
        }
        let mut done = BTreeSet::new();
        for module in graph.keys() {
            visit(module, &graph, &mut Vec::new(), &mut done);
        }
    }

    /// The core reads the dates a person types and writes those of its messages in the
    /// zone of their session (given at sign-in), never in the machine's: in the server
    /// mode, the machine is the server.
    #[test]
    fn the_core_never_uses_the_machines_zone() {
        fn sources(directory: &Path, found: &mut Vec<std::path::PathBuf>) {
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
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let machines = [
            "formatting::date_time(",
            "formatting::parse_date_time(",
            "past_moment(",
            "of_this_machine",
            "chrono::Local",
        ];
        for file in files.iter().filter(|file| !file.ends_with("src/lib.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for machine in machines {
                assert!(!code.contains(machine), "{}: {machine}", file.display());
            }
        }
    }
}
