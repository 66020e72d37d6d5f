//! The French API of scripts: every operation of the core, registered under its French
//! name with a one-line description. The help (`aide`) is generated from these same
//! registrations, so it cannot drift from the code.
//!
//! Nothing here decides access: each function calls the core service with the run's
//! session, and the core's refusal reaches the script as a catchable error.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rhai::{Array, Dynamic, Engine, INT, Map, NativeCallContext};

use super::context::{ScriptContext, ScriptResult, from_core_error, refusal};
use super::files;
use super::inputs::{self, id};
use super::records::{self, ScriptDate};
use crate::catalogue::contract::ContractField;
use crate::catalogue::customer::CustomerField;
use crate::catalogue::map_signature;
use crate::catalogue::user::UserField;
use crate::formatting;
use crate::handle::{
    ContractChanges, ContractList, ContractRow, CustomerList, CustomerRow, EventChanges, EventList,
    EventRow, EventSearch, UserRow,
};
use crate::money::Money;
use crate::permissions::Resource;

/// One function of the API, as the help shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionHelp {
    /// The part of the help it belongs to.
    pub section: &'static str,
    /// The function's name.
    pub name: &'static str,
    /// How it is called: `creer_client(#{prenom, nom, email, telephone, entreprise})`.
    pub signature: String,
    /// One line of French.
    pub description: &'static str,
}

/// Registers functions and keeps their help.
struct Registrar<'a> {
    engine: &'a mut Engine,
    section: &'static str,
    help: Vec<FunctionHelp>,
}

impl Registrar<'_> {
    /// Keeps the help of the function `name` just registered.
    fn describe(&mut self, name: &'static str, parameters: &str, description: &'static str) {
        self.help.push(FunctionHelp {
            section: self.section,
            name,
            signature: format!("{name}({parameters})"),
            description,
        });
    }
}

/// `function!(api, name, parameters, description, closure)`: registers `closure` as the
/// script function `name` and keeps its help, in one step.
macro_rules! function {
    ($api:expr, $name:expr, $parameters:expr, $description:expr, $function:expr $(,)?) => {{
        let name: &'static str = $name;
        $api.engine.register_fn(name, $function);
        $api.describe(name, $parameters, $description);
    }};
}

/// `reading_function!(api, name, parameters, description, closure)`: as `function!`, for a
/// closure that takes its first argument as `&mut Dynamic` and only reads it, registered
/// as pure (it changes nothing; rhai's default, said here). A script's variable, given
/// first or as the object of a method call, is then lent to it rather than copied (case
/// 7's list of 10,000 events was copied whole, then dropped); rhai still copies a constant
/// or a variable a closure captured given in function style, as before.
macro_rules! reading_function {
    ($api:expr, $name:expr, $parameters:expr, $description:expr, $function:expr $(,)?) => {{
        let name: &'static str = $name;
        rhai::FuncRegistration::new(name)
            .with_purity(true)
            .register_into_engine($api.engine, $function);
        $api.describe(name, $parameters, $description);
    }};
}

/// `list_functions!(api, records, name, description, which, paged)`: registers the
/// list `name` whole (`name()`) and, when `paged`, by page (`name(#{apres, limite})`),
/// both through `core.records().list(session, which, page)`.
macro_rules! list_functions {
    ($api:expr, $records:ident, $name:expr, $description:expr, $which:expr, $paged:expr) => {{
        let (name, which): (&'static str, _) = ($name, $which);
        function!(
            $api,
            name,
            "",
            $description,
            move |call: NativeCallContext| -> ScriptResult<Array> {
                let context = context(&call)?;
                context.all_pages(async |work, session, page| {
                    work.$records().list(session, which, page).await
                })
            }
        );
        if $paged {
            function!(
                $api,
                name,
                PAGE_PARAMETERS,
                PAGE_DESCRIPTION,
                move |call: NativeCallContext, options: Map| -> ScriptResult<Array> {
                    let context = context(&call)?;
                    let request = inputs::page_options(&options, name)?;
                    context.pages(request, async |work, session, page| {
                        work.$records().list(session, which, page).await
                    })
                }
            );
        }
    }};
}

/// `modification_functions!(api, name, record, fields, description, what, Row, changes,
/// records)`: registers `name(id, #{…})`, which changes the record as it is when
/// the call runs, and `name(record, #{…})`, which changes it from the record the script
/// read earlier — refused if a field it changes was modified since (the core's
/// `CoreError::Stale`).
macro_rules! modification_functions {
    (
        $api:expr, $name:expr, $record:expr, $fields:expr, $description:expr, $what:expr,
        $row:ty, $changes:path, $records:ident $(,)?
    ) => {{
        function!(
            $api,
            $name,
            &format!("id, {}", $fields),
            $description,
            |call: NativeCallContext, record: Dynamic, fields: Map| -> ScriptResult<$row> {
                let context = context(&call)?;
                let record_id = reference(&context, &record, $what)?;
                let changes = $changes(&fields)?;
                context.call(async |work, session| work.$records().update(session,
                    record_id,
                    &changes,
                    None,
                ).await)
            }
        );
        function!(
            $api,
            $name,
            &format!("{}, {}", $record, $fields),
            "la même chose à partir d'un enregistrement lu plus tôt : refusé si un champ changé a été modifié entre-temps",
            |call: NativeCallContext, seen: $row, fields: Map| -> ScriptResult<$row> {
                let context = context(&call)?;
                let changes = $changes(&fields)?;
                context.call(async |work, session| work.$records().update(session,
                    seen.id,
                    &changes,
                    Some(&seen),
                ).await)
            }
        );
    }};
}

// One module per part of the API; declared after the macros above, which they use.
mod contracts;
mod customers;
mod events;
mod reports;
mod tools;
mod users;

/// The help text of the whole API, or of the functions and record types named `name`.
fn help_text(functions: &[FunctionHelp], name: Option<&str>) -> String {
    let mut text = String::new();
    let selected: Vec<&FunctionHelp> = functions
        .iter()
        .filter(|function| name.is_none_or(|name| function.name == name))
        .collect();
    let types: Vec<_> = records::record_types()
        .into_iter()
        .filter(|(type_name, _)| name.is_none_or(|name| type_name.eq_ignore_ascii_case(name)))
        .collect();
    if name.is_none() {
        text.push_str(
            "Fonctions des scripts rhai (epic-events executer FICHIER.rhai [--simulation] \
             [--format table|csv|json] [clé=valeur …])\n\
             Les paramètres clé=valeur se lisent dans la variable « parametres » \
             (parametres.lieu, ou parametres.lieu ?? \"valeur par défaut\").\n\
             Une erreur de l'application (refus, saisie invalide) se rattrape avec \
             try { … } catch (erreur) { … } ; tout le script est annulé sinon.\n",
        );
    } else if selected.is_empty() && types.is_empty() {
        return format!(
            "aucune fonction ni type d'enregistrement « {} » ; aide() les liste tous\n",
            name.unwrap_or_default()
        );
    }
    let width = selected
        .iter()
        .map(|function| function.signature.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut section = "";
    for function in &selected {
        if function.section != section {
            section = function.section;
            text.push_str(&format!("\n{section}\n"));
        }
        let signature = &function.signature;
        if signature.chars().count() > width {
            text.push_str(&format!(
                "  {signature}\n  {:width$}  {}\n",
                "", function.description
            ));
        } else {
            text.push_str(&format!("  {signature:width$}  {}\n", function.description));
        }
    }
    if !types.is_empty() {
        text.push_str("\nEnregistrements (champs en lecture seule : contrat.montant_total…)\n");
        for (type_name, fields) in types {
            text.push_str(&format!("  {type_name}\n"));
            for (field, description) in fields {
                text.push_str(&format!("    {field:18} {description}\n"));
            }
        }
    }
    text
}

/// The help of every function, in registration order, without a database.
pub fn catalogue() -> Vec<FunctionHelp> {
    let mut engine = Engine::new_raw();
    register_functions(&mut engine)
}

/// The whole help text, as `epic-events aide` and `aide()` print it.
pub fn help() -> String {
    help_text(&catalogue(), None)
}

/// How the one-page variant of a list is called, and its help.
const PAGE_PARAMETERS: &str = "#{apres, limite}";
const PAGE_DESCRIPTION: &str = "une page de la même liste : « limite » éléments (20 par défaut, 1000 au plus) après le numéro « apres »";

fn context(call: &NativeCallContext) -> ScriptResult<Arc<ScriptContext>> {
    ScriptContext::of(call)
}

/// The id of the contract or event `reference` names: its internal number, or the number
/// people see (`"CTR-2026-0002"`, `"EVT-2026-0001"`, any letter case), looked up.
fn reference(context: &ScriptContext, reference: &Dynamic, what: Resource) -> ScriptResult<i32> {
    if let Ok(number) = reference.as_int() {
        return inputs::id(number, what);
    }
    let Some(text) = reference.read_lock::<rhai::ImmutableString>() else {
        return Err(refusal(match what {
            Resource::Contract | Resource::Event => format!(
                "{} : son numéro interne ou son numéro ({}…) est attendu",
                what.french_noun(),
                numbered_prefix(what)
            ),
            _ => format!("{} : son numéro interne est attendu", what.french_noun()),
        }));
    };
    let text = text.trim().to_owned();
    if let Ok(number) = text.parse::<INT>() {
        return inputs::id(number, what);
    }
    match what {
        Resource::Event => context
            .call(async |work, session| work.events().detail_by_number(session, &text).await)
            .map(|event| event.id),
        Resource::Contract => context
            .call(async |work, session| work.contracts().detail_by_number(session, &text).await)
            .map(|contract| contract.id),
        _ => Err(refusal(format!(
            "{} : son numéro interne est attendu, pas « {text} »",
            what.french_noun()
        ))),
    }
}

/// How the numbers people see of `what` start.
fn numbered_prefix(what: Resource) -> &'static str {
    match what {
        Resource::Event => crate::catalogue::NumberedKind::Event.start(),
        _ => crate::catalogue::NumberedKind::Contract.start(),
    }
}

fn strings(array: &Array, function: &str) -> ScriptResult<Vec<String>> {
    array
        .iter()
        .map(|value| {
            value.is_string().then(|| value.to_string()).ok_or_else(|| {
                refusal(format!(
                    "{function} : les colonnes se donnent comme des textes"
                ))
            })
        })
        .collect()
}

/// Every API function name with its signatures (`creer_client(#{prenom, …})`), from the
/// registrations, made once.
fn signatures_by_name() -> &'static Vec<(&'static str, Vec<String>)> {
    static SIGNATURES: OnceLock<Vec<(&'static str, Vec<String>)>> = OnceLock::new();
    SIGNATURES.get_or_init(|| {
        let mut by_name: Vec<(&'static str, Vec<String>)> = Vec::new();
        for function in catalogue() {
            match by_name.iter_mut().find(|(name, _)| *name == function.name) {
                Some((_, signatures)) => signatures.push(function.signature),
                None => by_name.push((function.name, vec![function.signature])),
            }
        }
        by_name
    })
}

/// A call of an API function with arguments of the wrong number or kind is refused with
/// a French message a script can catch — how the function is called, from the
/// registrations, never Rust types — rather than rhai's. Each name gets a function of
/// every arity up to three (the most an API function takes) taking any values, registered
/// before the real ones: a real function with
/// the same parameters replaces it, and rhai prefers the real ones' exact types.
fn refuse_wrong_arguments_in_french(engine: &mut Engine) {
    fn refused(
        context: &NativeCallContext,
        name: &str,
        arguments: &[&Dynamic],
    ) -> ScriptResult<()> {
        let given = called_with(
            arguments
                .iter()
                .map(|argument| context.engine().map_type_name(argument.type_name())),
        );
        let signatures = signatures_by_name()
            .iter()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, signatures)| signatures.join(" ou "))
            .unwrap_or_default();
        Err(refusal(format!(
            "{name} ne s'appelle pas {given} ; elle s'appelle : {signatures}"
        )))
    }
    for (name, _) in signatures_by_name() {
        let name: &'static str = name;
        engine.register_fn(name, move |context: NativeCallContext| {
            refused(&context, name, &[])
        });
        engine.register_fn(name, move |context: NativeCallContext, first: Dynamic| {
            refused(&context, name, &[&first])
        });
        engine.register_fn(
            name,
            move |context: NativeCallContext, first: Dynamic, second: Dynamic| {
                refused(&context, name, &[&first, &second])
            },
        );
        engine.register_fn(
            name,
            move |context: NativeCallContext, first: Dynamic, second: Dynamic, third: Dynamic| {
                refused(&context, name, &[&first, &second, &third])
            },
        );
    }
}

/// A call that no function answers — an unknown name, or a built-in or a function of the
/// script given arguments it does not take — is refused with a French message a script can
/// catch, rather than rhai's English error object. rhai calls this hook after any native
/// call failed, whatever the error (it does not say which), so the hook acts only when it
/// is sure no function ran, and passes every other error through unchanged:
/// - never in a run that was stopped (a limit: the error is its termination, which must
///   stay one);
/// - never when a native function of that name could have taken the arguments: one that
///   ran may have consumed its arguments (a closure given to `map`, `filter`, `sort`… is
///   `()` afterwards), so `()` counts as any type — `[1].map(|x| …)` stopped inside its
///   closure reads `map(liste, ())`, and its error (a limit, a refusal) goes on as it was.
fn refuse_unknown_functions_in_french(engine: &mut Engine) {
    // Every native function's name and parameter types, gathered at the first failed call
    // (the engine is complete by then).
    let natives: OnceLock<HashMap<String, Vec<Vec<TypeId>>>> = OnceLock::new();
    #[allow(deprecated)] // rhai's word for « volatile », not for « going away »
    engine.on_missing_function(move |name, arguments, _is_method_call, context| {
        // Operators (`+`, `/`) and property accessors (`get$nom`) have errors of their
        // own (a division by zero, an unknown field), which rhai words.
        if !name
            .chars()
            .all(|character| character.is_alphanumeric() || character == '_')
        {
            return Ok(None);
        }
        let natives = natives.get_or_init(|| {
            let mut by_name: HashMap<String, Vec<Vec<TypeId>>> = HashMap::new();
            for (name, parameters) in context.engine().collect_fn_metadata(
                None,
                |function| {
                    Some((
                        function.metadata.name.to_string(),
                        function.metadata.param_types.to_vec(),
                    ))
                },
                true,
            ) {
                by_name.entry(name).or_default().push(parameters);
            }
            by_name
        });
        let script = context.tag().clone().try_cast::<Arc<ScriptContext>>();
        if script.as_ref().is_some_and(|script| script.is_stopped()) {
            return Ok(None);
        }
        let given: Vec<TypeId> = arguments
            .iter()
            .map(|argument| argument.type_id())
            .collect();
        let takes_them = |parameters: &Vec<TypeId>| {
            parameters.len() == given.len()
                && parameters.iter().zip(&given).all(|(parameter, argument)| {
                    parameter == argument
                        || *parameter == TypeId::of::<Dynamic>()
                        || *argument == TypeId::of::<()>()
                })
        };
        let native = natives.get(name);
        if native.is_some_and(|signatures| signatures.iter().any(takes_them)) {
            return Ok(None);
        }
        let call = called_with(
            arguments
                .iter()
                .map(|argument| context.engine().map_type_name(argument.type_name())),
        );
        let script_arities: Vec<usize> = (0..=16)
            .filter(|arity| {
                context
                    .iter_namespaces()
                    .any(|namespace| namespace.get_script_fn(name, *arity).is_some())
            })
            .collect();
        let message = if let Some(arity) = script_arities.first() {
            format!(
                "{name} ne s'appelle pas {call} ; elle prend {}",
                arguments_count(*arity)
            )
        } else if native.is_some() {
            format!("{name} ne s'appelle pas {call} ; aide() dit comment l'appeler")
        } else {
            unknown_function(name, &call)
        };
        if let Some(script) = script {
            script.note_refused_call(name, arguments.len());
        }
        Err(refusal(message))
    });
}

/// « 2 arguments », « 1 argument », « aucun argument ».
fn arguments_count(count: usize) -> String {
    match count {
        0 => "aucun argument".to_owned(),
        1 => "1 argument".to_owned(),
        many => format!("{many} arguments"),
    }
}

/// « fonction inconnue : voler (appelée avec (nombre entier, texte)) ; aide() liste les
/// fonctions », `call` being [`called_with`]'s words.
pub(crate) fn unknown_function(name: &str, call: &str) -> String {
    format!("fonction inconnue : {name} (appelée {call}) ; aide() liste les fonctions")
}

/// « avec (texte, nombre entier) », or « sans argument »: how a call was made, from the
/// type names of its arguments.
pub(crate) fn called_with<'a>(type_names: impl Iterator<Item = &'a str>) -> String {
    let given: Vec<String> = type_names.map(french_type_name).collect();
    if given.is_empty() {
        "sans argument".to_owned()
    } else {
        format!("avec ({})", given.join(", "))
    }
}

/// A value's kind, in French.
fn french_type_name(name: &str) -> String {
    match name {
        "string" | "ImmutableString" | "&str" | "String" | "&str | ImmutableString | String" => {
            "texte"
        }
        "i64" | "i32" | "INT" => "nombre entier",
        "decimal" | "Decimal" | "rust_decimal::Decimal" => "décimal",
        "bool" => "booléen",
        "map" | "Map" => "objet",
        "array" | "Array" => "liste",
        "()" => "()",
        "char" => "caractère",
        "Fn" | "FnPtr" => "fonction",
        other => return other.rsplit("::").next().unwrap_or(other).to_owned(),
    }
    .to_owned()
}

/// Registers the whole API and the record types on `engine`; returns the help of every
/// function.
pub fn register(engine: &mut Engine) -> Vec<FunctionHelp> {
    // First, so that every real function registered next takes precedence.
    refuse_wrong_arguments_in_french(engine);
    refuse_unknown_functions_in_french(engine);
    register_functions(engine)
}

/// The record types and the API's functions, without the refusals of wrong arguments.
fn register_functions(engine: &mut Engine) -> Vec<FunctionHelp> {
    records::register_all(engine);
    files::register_csv_line(engine);
    let help_source: Arc<OnceLock<Vec<FunctionHelp>>> = Arc::default();
    let mut api = Registrar {
        engine,
        section: "Session et outils",
        help: Vec::new(),
    };
    tools::register(&mut api, &help_source);
    users::register(&mut api);
    customers::register(&mut api);
    contracts::register(&mut api);
    events::register(&mut api);
    reports::register(&mut api);
    let help = api.help;
    // Cannot fail: set once, here.
    let _ = help_source.set(help.clone());
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_french_line_of_help() {
        let functions = catalogue();
        assert!(functions.len() > 40, "{}", functions.len());
        for function in &functions {
            assert!(!function.description.is_empty(), "{}", function.name);
            assert!(function.signature.starts_with(function.name));
        }
        let text = help();
        for expected in [
            "creer_client(#{prenom, nom, email, telephone, entreprise})",
            "signer_contrat(id)",
            "assigner_support(evenement_id, support)",
            "reste_a_payer",
            "Évènement",
        ] {
            assert!(text.contains(expected), "{expected} missing from\n{text}");
        }
    }

    #[test]
    fn help_for_one_name() {
        let functions = catalogue();
        let text = help_text(&functions, Some("creer_client"));
        assert!(text.contains("creer_client(#{"), "{text}");
        assert!(!text.contains("clients()"), "{text}");
        let text = help_text(&functions, Some("Contrat"));
        assert!(text.contains("montant_total"), "{text}");
        let text = help_text(&functions, Some("voler"));
        assert!(text.starts_with("aucune fonction"), "{text}");
    }
}
