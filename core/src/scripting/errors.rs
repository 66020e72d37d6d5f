//! rhai's errors in French: what a script author reads when their script stops.

use rhai::EvalAltResult;

use super::sandbox::{ScriptLimits, Stop};

/// The line of the script where `error` happened, looking into the functions it called.
pub fn line_of(error: &EvalAltResult) -> Option<usize> {
    match error {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, position)
        | EvalAltResult::ErrorInModule(_, inner, position) => {
            line_of(inner).or_else(|| position.line())
        }
        other => other.position().line(),
    }
}

/// The French message for a script that stopped with `error` under `limits` (without the
/// line: see [`line_of`]).
pub fn french_message(error: &EvalAltResult, limits: &ScriptLimits) -> String {
    use EvalAltResult::*;
    match error {
        // Errors raised by the core or by `throw`: already the user's words.
        ErrorRuntime(value, _) => value.to_string(),
        // An unexpected failure of the core: its French message; details are in the log.
        ErrorSystem(message, _) => message.clone(),
        ErrorInFunctionCall(_, _, inner, _) | ErrorInModule(_, inner, _) => {
            french_message(inner, limits)
        }
        ErrorTerminated(token, _) => match token.clone().try_cast::<Stop>() {
            Some(stop) => stop.message(limits),
            None => "le script a été interrompu".to_owned(),
        },
        ErrorTooManyOperations(_) => Stop::Operations.message(limits),
        ErrorStackOverflow(_) => format!(
            "le script imbrique trop d'appels (plus de {} ; récursion sans fin ?)",
            limits.maximum_call_depth
        ),
        ErrorDataTooLarge(what, _) => {
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
            format!("le script a dépassé une limite de taille : {detail}")
        }
        ErrorParsing(_, _) => "erreur de syntaxe dans le script".to_owned(),
        ErrorVariableNotFound(name, _) => format!("variable inconnue : {name}"),
        ErrorPropertyNotFound(name, _) => format!("champ inconnu : {name}"),
        ErrorDotExpr(_, _) => {
            "champ inconnu ou en lecture seule (les enregistrements ne se modifient que par les fonctions modifier_…)".to_owned()
        }
        ErrorFunctionNotFound(signature, _) => unknown_function(signature),
        ErrorModuleNotFound(_, _) => "les scripts ne peuvent pas importer de module".to_owned(),
        ErrorMismatchDataType(expected, actual, _) => {
            format!("type inattendu : {actual} au lieu de {expected}")
        }
        ErrorArrayBounds(_, index, _) | ErrorStringBounds(_, index, _) => {
            format!("indice {index} hors limites")
        }
        ErrorArithmetic(_, _) => "erreur de calcul (division par zéro ou dépassement)".to_owned(),
        ErrorAssignmentToConstant(name, _) => format!("{name} est une constante"),
        ErrorFor(_) => "for ne peut parcourir qu'une liste, un texte ou un intervalle".to_owned(),
        ErrorIndexingType(type_name, _) => format!("une valeur de type {type_name} ne s'indexe pas"),
        ErrorIndexNotFound(index, _) => format!("indice ou clé introuvable : {index}"),
        ErrorBitFieldBounds(_, index, _) => format!("bit {index} hors limites"),
        ErrorUnboundThis(_) => "this n'est pas défini ici".to_owned(),
        ErrorVariableExists(name, _) => format!("la variable {name} existe déjà"),
        ErrorForbiddenVariable(name, _) => format!("le nom {name} est réservé"),
        ErrorNonPureMethodCallOnConstant(name, _) => {
            format!("{name} modifierait une constante")
        }
        ErrorMismatchOutputType(expected, actual, _) => {
            format!("résultat inattendu : {actual} au lieu de {expected}")
        }
        ErrorTooManyVariables(_) => "le script déclare trop de variables".to_owned(),
        ErrorTooManyModules(_) => "les scripts ne peuvent pas importer de module".to_owned(),
        _ => "erreur du script".to_owned(),
    }
}

/// `voler (i64, string)`, as rhai names a call that matches no function, in French:
/// « fonction inconnue : voler (appelée avec (nombre entier, texte)) ». (A call of an API
/// function with the wrong arguments never gets here: see `api::register`.)
fn unknown_function(signature: &str) -> String {
    let (name, arguments) = signature
        .split_once(" (")
        .map_or((signature, ""), |(name, rest)| {
            (name, rest.trim_end_matches(')'))
        });
    let given = super::api::called_with(
        arguments
            .split(", ")
            .filter(|argument| !argument.is_empty()),
    );
    super::api::unknown_function(name, &given)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::scripting::sandbox::sandboxed_engine;

    fn run(script: &str) -> Result<rhai::Dynamic, String> {
        run_within(script, ScriptLimits::default())
    }

    fn run_within(script: &str, limits: ScriptLimits) -> Result<rhai::Dynamic, String> {
        let (engine, _, _) = sandboxed_engine(limits, Instant::now());
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
    fn a_map_grown_key_by_key_is_stopped() {
        // However a map grows — through an index, merged, mixed in, given fields — the size
        // limit stops it, quickly.
        for script in [
            "let objet = #{}; let i = 0; loop { objet[`c${i}`] = i; i += 1; }",
            "let objet = #{}; let i = 0; loop { objet[`c${i}`] = (objet[`c${i}`] ?? 0) + i; i += 1; }",
            "let objet = #{}; let i = 0; loop { let morceau = #{}; morceau[`c${i}`] = i; objet += morceau; i += 1; }",
            "let objet = #{}; let i = 0; loop { let morceau = #{}; morceau[`c${i}`] = i; objet.mixin(morceau); i += 1; }",
            "fn remplir(objet) { let i = 0; loop { objet[`c${i}`] = i; i += 1; } } remplir(#{});",
            "fn remplir() { let i = 0; loop { this[`c${i}`] = i; i += 1; } } let objet = #{}; objet.remplir();",
            "let objet = #{}; let ajouter = |i| objet[`c${i}`] = i; let i = 0; loop { ajouter.call(i); i += 1; }",
        ] {
            // The size limit, not the clock, is what is tested: a debug build merging maps
            // of thousands of entries, beside other tests on two cores, can take more
            // than the 2 s of the default deadline.
            let limits = ScriptLimits {
                deadline: Duration::from_secs(30),
                ..ScriptLimits::default()
            };
            let message = run_within(script, limits).unwrap_err();
            assert!(
                message.starts_with(
                    "le script a dépassé une limite de taille : un objet dépasse 10000 champs"
                ),
                "{script}: {message}"
            );
        }
        // A map at the limit still reads and changes.
        let size = run(
            "let objet = #{}; for i in 0..10000 { objet[`c${i}`] = i; } objet[`c9`] = 0; objet[`absent`] ?? objet.len()",
        )
        .unwrap();
        assert_eq!(size.to_string(), "10000");
    }

    #[test]
    fn an_array_grown_item_by_item_stops_too() {
        // rhai re-measures the whole array after each `push`, so growing one item by item
        // gets slower as it grows: the deadline stops it long before the size limit, with
        // little memory used.
        stops_quickly(
            "let liste = []; loop { liste.push(1); }",
            "le script a dépassé le temps maximal d'exécution",
        );
    }

    #[test]
    fn waiting_for_the_database_is_not_the_scripts_time() {
        let limits = ScriptLimits {
            deadline: Duration::from_millis(200),
            ..ScriptLimits::default()
        };
        let (mut engine, _, meter) = sandboxed_engine(limits, Instant::now());
        // Stands for a slow core call: its time is the product's, not the script's.
        engine.register_fn("attendre_la_base", move || {
            meter.outside_script(|| std::thread::sleep(Duration::from_millis(150)));
        });
        let result = engine.eval::<rhai::Dynamic>(
            "let x = 0; for tour in 0..3 { attendre_la_base(); for i in 0..10000 { x += i; } }",
        );
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn a_run_stops_at_its_maximum_duration() {
        let limits = ScriptLimits {
            maximum_duration: Duration::from_millis(100),
            ..ScriptLimits::default()
        };
        let (mut engine, _, meter) = sandboxed_engine(limits, Instant::now());
        engine.register_fn("attendre_la_base", move || {
            meter.outside_script(|| std::thread::sleep(Duration::from_millis(20)));
        });
        let error = engine
            .eval::<rhai::Dynamic>(
                "let x = 0; loop { attendre_la_base(); for i in 0..5000 { x += i; } }",
            )
            .unwrap_err();
        assert_eq!(
            french_message(&error, &limits),
            "l'exécution a dépassé sa durée maximale (100 ms, base de données comprise)"
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
        let (engine, printed, _) = sandboxed_engine(ScriptLimits::default(), Instant::now());
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

    #[test]
    fn an_unknown_function_is_named_in_french() {
        assert_eq!(
            run(r#"voler(1, "x")"#).unwrap_err(),
            "fonction inconnue : voler (appelée avec (nombre entier, texte)) ; aide() liste les fonctions"
        );
        assert_eq!(
            run("voler()").unwrap_err(),
            "fonction inconnue : voler (appelée sans argument) ; aide() liste les fonctions"
        );
    }
}
