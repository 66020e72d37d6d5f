//! rhai's errors in French: what a script author reads when their script stops.

use rhai::{EvalAltResult, Position};

use super::sandbox::{DEADLINE_TOKEN, ScriptLimits};

fn at(position: Position) -> String {
    match position.line() {
        Some(line) => format!(" (ligne {line})"),
        None => String::new(),
    }
}

/// The French message for a script that stopped with `error` under `limits`.
pub fn french_message(error: &EvalAltResult, limits: &ScriptLimits) -> String {
    use EvalAltResult::*;
    match error {
        // Errors raised by the core or by `throw`: already the user's words.
        ErrorRuntime(value, _) => value.to_string(),
        ErrorInFunctionCall(_, _, inner, _) | ErrorInModule(_, inner, _) => {
            french_message(inner, limits)
        }
        ErrorTerminated(token, position) if token.to_string() == DEADLINE_TOKEN => format!(
            "le script a dépassé le temps maximal d'exécution ({} s){}",
            limits.deadline.as_secs(),
            at(*position)
        ),
        ErrorTerminated(_, position) => format!("le script a été interrompu{}", at(*position)),
        ErrorTooManyOperations(position) => format!(
            "le script a dépassé la limite de {} opérations (boucle sans fin ?){}",
            limits.maximum_operations,
            at(*position)
        ),
        ErrorStackOverflow(position) => format!(
            "le script imbrique trop d'appels (plus de {} ; récursion sans fin ?){}",
            limits.maximum_call_depth,
            at(*position)
        ),
        ErrorDataTooLarge(what, position) => {
            let what = what.to_lowercase();
            let detail = if what.contains("string") {
                format!(
                    "une chaîne de caractères dépasse {} octets",
                    limits.maximum_string_size
                )
            } else if what.contains("array") {
                format!("un tableau dépasse {} éléments", limits.maximum_array_size)
            } else if what.contains("map") {
                format!("un objet dépasse {} champs", limits.maximum_map_size)
            } else {
                "une donnée est trop volumineuse".to_owned()
            };
            format!(
                "le script a dépassé une limite de taille : {detail}{}",
                at(*position)
            )
        }
        ErrorParsing(_, position) => format!("erreur de syntaxe dans le script{}", at(*position)),
        ErrorVariableNotFound(name, position) => {
            format!("variable inconnue : {name}{}", at(*position))
        }
        ErrorPropertyNotFound(name, position) => format!("champ inconnu : {name}{}", at(*position)),
        ErrorFunctionNotFound(signature, position) => format!(
            "fonction inconnue, ou appelée avec de mauvais arguments : {signature}{}",
            at(*position)
        ),
        ErrorModuleNotFound(_, position) => format!(
            "les scripts ne peuvent pas importer de module{}",
            at(*position)
        ),
        ErrorMismatchDataType(expected, actual, position) => format!(
            "type inattendu : {actual} au lieu de {expected}{}",
            at(*position)
        ),
        ErrorArrayBounds(_, index, position) | ErrorStringBounds(_, index, position) => {
            format!("indice {index} hors limites{}", at(*position))
        }
        ErrorArithmetic(_, position) => format!(
            "erreur de calcul (division par zéro ou dépassement){}",
            at(*position)
        ),
        ErrorAssignmentToConstant(name, position) => {
            format!("{name} est une constante{}", at(*position))
        }
        other => format!("erreur du script{}", at(other.position())),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scripting::sandbox::sandboxed_engine;

    fn run(script: &str) -> Result<rhai::Dynamic, String> {
        let limits = ScriptLimits::default();
        let (engine, _) = sandboxed_engine(limits);
        engine
            .eval::<rhai::Dynamic>(script)
            .map_err(|error| french_message(&error, &limits))
    }

    fn stops_quickly(script: &str, expected: &str) {
        let started = Instant::now();
        let message = run(script).unwrap_err();
        assert!(message.starts_with(expected), "{message}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn an_infinite_loop_stops() {
        let message = run("let n = 0; loop { n += 1; }").unwrap_err();
        assert!(
            message.starts_with("le script a dépassé la limite de 20000000 opérations")
                || message.starts_with("le script a dépassé le temps maximal d'exécution (2 s)"),
            "{message}"
        );
        stops_quickly("loop { }", "le script a dépassé");
    }

    #[test]
    fn a_deep_recursion_stops() {
        stops_quickly(
            "fn descendre(n) { descendre(n + 1) } descendre(0)",
            "le script imbrique trop d'appels (plus de 48",
        );
    }

    #[test]
    fn a_huge_string_stops() {
        stops_quickly(
            r#"let texte = "x"; loop { texte += texte; }"#,
            "le script a dépassé une limite de taille : une chaîne de caractères dépasse 1048576 octets",
        );
    }

    #[test]
    fn a_huge_array_stops() {
        stops_quickly(
            "let liste = [1]; loop { liste += liste; }",
            "le script a dépassé une limite de taille : un tableau dépasse 100000 éléments",
        );
    }

    #[test]
    fn an_array_grown_item_by_item_stops_too() {
        // rhai does not check the size when `push` grows an array in place: the deadline
        // stops it.
        stops_quickly(
            "let liste = []; loop { liste.push(1); }",
            "le script a dépassé",
        );
    }

    #[test]
    fn no_eval_no_import() {
        assert!(
            run(r#"eval("40 + 2")"#)
                .unwrap_err()
                .starts_with("erreur de syntaxe")
        );
        let message = run(r#"import "/etc/passwd" as secrets; 1"#).unwrap_err();
        assert!(
            message.starts_with("les scripts ne peuvent pas importer de module"),
            "{message}"
        );
    }

    #[test]
    fn amounts_are_exact_decimals() {
        let sum = run("0.10 + 0.20").unwrap();
        assert_eq!(sum.to_string(), "0.30");
    }

    #[test]
    fn thrown_errors_are_catchable_and_keep_their_words() {
        let caught = run(
            r#"let message = ""; try { throw "montant total : ne peut pas être négatif" } catch (erreur) { message = erreur } message"#,
        )
        .unwrap();
        assert_eq!(
            caught.to_string(),
            "montant total : ne peut pas être négatif"
        );
        assert_eq!(run(r#"throw "refusé""#).unwrap_err(), "refusé");
    }

    #[test]
    fn printing_is_captured_not_written() {
        let (engine, printed) = sandboxed_engine(ScriptLimits::default());
        engine.run(r#"print("bonjour"); debug("détail");"#).unwrap();
        let lines = printed.lock().unwrap().clone();
        assert_eq!(lines, ["bonjour", "\"détail\""]);
    }

    #[test]
    fn accented_identifiers_are_allowed() {
        assert_eq!(
            run("let échéance = 3; échéance * 2").unwrap().to_string(),
            "6"
        );
    }
}
