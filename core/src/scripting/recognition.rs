//! Whether a line typed at a menu is a command: a script that parses, calls at least one
//! function, and calls only functions that exist. Anything else — a word (`abc`,
//! `deconnexion`), a phone number, a typo — is not run: the shell says « choix invalide »,
//! with the nearest command when one is close.

use std::collections::HashSet;
use std::sync::OnceLock;

use rhai::{AST, ASTNode, Engine, Expr, Stmt};

use super::api;
use super::sandbox::{ScriptLimits, sandboxed_engine};

pub use epic_events_api::scripts::Recognised;

/// The engine of every run, compiling only, and the names of every function it has.
struct Recogniser {
    engine: Engine,
    functions: HashSet<String>,
    /// The API's functions and the shell's own words: what a typo is compared with.
    commands: Vec<String>,
}

fn recogniser() -> &'static Recogniser {
    static RECOGNISER: OnceLock<Recogniser> = OnceLock::new();
    RECOGNISER.get_or_init(|| {
        let (mut engine, _, _) =
            sandboxed_engine(ScriptLimits::default(), std::time::Instant::now());
        let help = api::register(&mut engine);
        let functions = engine
            .collect_fn_metadata(
                None,
                |function| Some(function.metadata.name.to_string()),
                true,
            )
            .into_iter()
            .collect();
        let mut commands: Vec<String> = help
            .iter()
            .map(|function| function.name.to_owned())
            .collect();
        commands.extend(["aide".to_owned(), "quitter".to_owned()]);
        commands.dedup();
        Recogniser {
            engine,
            functions,
            commands,
        }
    })
}

/// Whether `line` is a command (see the module's documentation).
pub fn recognise(line: &str) -> Recognised {
    let recogniser = recogniser();
    let is_command = recogniser
        .engine
        .compile(line)
        .is_ok_and(|ast| calls_only_known_functions(&ast, &recogniser.functions));
    if is_command {
        Recognised::Command
    } else {
        Recognised::NotACommand {
            nearest: nearest_command(line, &recogniser.commands),
        }
    }
}

/// Whether `ast` calls at least one function, and only functions that exist (the engine's
/// or the script's own).
fn calls_only_known_functions(ast: &AST, functions: &HashSet<String>) -> bool {
    let own: HashSet<&str> = ast.iter_functions().map(|function| function.name).collect();
    let mut calls = 0;
    let all_known = ast.walk(&mut |path: &[ASTNode]| {
        let name = match path.last() {
            Some(
                ASTNode::Expr(Expr::FnCall(call, _) | Expr::MethodCall(call, _))
                | ASTNode::Stmt(Stmt::FnCall(call, _)),
            ) => call.name.as_str(),
            _ => return true,
        };
        // Operators (`+`, `==`) are calls too, of the language's own.
        if !name.starts_with(|character: char| character.is_alphabetic() || character == '_') {
            return true;
        }
        calls += 1;
        functions.contains(name) || own.contains(name)
    });
    all_known && calls > 0
}

/// The command nearest to what `line` starts with, when it is close enough to be a typo.
fn nearest_command(line: &str, commands: &[String]) -> Option<String> {
    let typed: String = line
        .trim()
        .chars()
        .take_while(|character| character.is_alphanumeric() || *character == '_')
        .collect::<String>()
        .to_lowercase();
    if typed.chars().count() < 3 {
        return None;
    }
    let (distance, command) = commands
        .iter()
        .map(|command| (strsim::damerau_levenshtein(&typed, command), command))
        .min_by_key(|(distance, _)| *distance)?;
    // One typo in four letters at most.
    (distance <= (typed.chars().count() / 4).max(1)).then(|| match command.as_str() {
        "aide" | "quitter" => command.clone(),
        function => format!("{function}()"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nearest(line: &str) -> Option<String> {
        match recognise(line) {
            Recognised::Command => panic!("{line:?} was taken for a command"),
            Recognised::NotACommand { nearest } => nearest,
        }
    }

    #[test]
    fn commands_are_recognised() {
        for line in [
            "mes_contrats_non_payes()",
            "afficher(evenements_sans_support(), [\"numero\", \"nom\"])",
            "signer_contrat(1)",
            "let total = 0; for contrat in contrats() { total += 1 } total",
            "clients().len()",
            "fn double(n) { n * 2 } double(clients().len())",
        ] {
            assert_eq!(recognise(line), Recognised::Command, "{line}");
        }
    }

    #[test]
    fn what_is_not_a_command_is_not_run() {
        assert_eq!(nearest("abc"), None);
        assert_eq!(nearest("06 12 34 56 78"), None);
        assert_eq!(nearest("deconnexion"), None);
        assert_eq!(nearest("1 + 1"), None);
        assert_eq!(nearest("voler()"), None);
        assert_eq!(nearest("mes_contrat()").as_deref(), Some("mes_contrats()"));
        assert_eq!(nearest("contrats").as_deref(), Some("contrats()"));
        assert_eq!(nearest("mes_clients(").as_deref(), Some("mes_clients()"));
        assert_eq!(nearest("aied").as_deref(), Some("aide"));
        assert_eq!(nearest("quiter").as_deref(), Some("quitter"));
    }
}
