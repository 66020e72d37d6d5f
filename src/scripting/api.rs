//! The French API of scripts: every operation of the core, registered under its French
//! name with a one-line description. The help (`aide`) is generated from these same
//! registrations, so it cannot drift from the code.
//!
//! Nothing here decides access: each function calls the core service with the run's
//! session, and the core's refusal reaches the script as a catchable error.

use std::sync::{Arc, OnceLock};

use rhai::{Array, Dynamic, Engine, INT, Map, NativeCallContext};

use super::context::{ScriptContext, ScriptResult, refusal};
use super::files;
use super::inputs::{self, id};
use super::records::{self, ScriptDate};
use crate::formatting;
use crate::money::Money;
use crate::services::contract_service::{self, ContractChanges, ContractList};
use crate::services::customer_service::{self, CustomerList};
use crate::services::event_service::{self, EventChanges, EventList, EventSearch};
use crate::services::{report_service, user_service};

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

/// `list_functions!(api, service::list, name, description, which, paged)`: registers the
/// list `name` whole (`name()`) and, when `paged`, by page (`name(#{apres, limite})`),
/// both through `service::list(connection, session, which, page)`.
macro_rules! list_functions {
    ($api:expr, $list:path, $name:expr, $description:expr, $which:expr, $paged:expr) => {{
        let (name, which): (&'static str, _) = ($name, $which);
        function!(
            $api,
            name,
            "",
            $description,
            move |call: NativeCallContext| -> ScriptResult<Array> {
                let context = context(&call)?;
                context.all_pages(|page| $list(&context.transaction, &context.session, which, page))
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
                    context.pages(request, |page| {
                        $list(&context.transaction, &context.session, which, page)
                    })
                }
            );
        }
    }};
}

/// `modification_functions!(api, name, record, fields, description, what, Row, changes,
/// service::update)`: registers `name(id, #{…})`, which changes the record as it is when
/// the call runs, and `name(record, #{…})`, which changes it from the record the script
/// read earlier — refused if a field it changes was modified since (the core's
/// `CoreError::Stale`).
macro_rules! modification_functions {
    (
        $api:expr, $name:expr, $record:expr, $fields:expr, $description:expr, $what:expr,
        $row:ty, $changes:path, $update:path $(,)?
    ) => {{
        function!(
            $api,
            $name,
            concat!("id, ", $fields),
            $description,
            |call: NativeCallContext, record_id: INT, fields: Map| -> ScriptResult<$row> {
                let context = context(&call)?;
                let record_id = id(record_id, $what)?;
                let changes = $changes(&fields)?;
                context.wait($update(
                    &context.transaction,
                    &context.session,
                    record_id,
                    &changes,
                    None,
                ))
            }
        );
        function!(
            $api,
            $name,
            concat!($record, ", ", $fields),
            "la même chose à partir d'un enregistrement lu plus tôt : refusé si un champ changé a été modifié entre-temps",
            |call: NativeCallContext, seen: $row, fields: Map| -> ScriptResult<$row> {
                let context = context(&call)?;
                let changes = $changes(&fields)?;
                context.wait($update(
                    &context.transaction,
                    &context.session,
                    seen.id,
                    &changes,
                    Some(&seen),
                ))
            }
        );
    }};
}

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
    register(&mut engine)
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

/// Registers the whole API and the record types on `engine`; returns the help of every
/// function.
pub fn register(engine: &mut Engine) -> Vec<FunctionHelp> {
    records::register_all(engine);
    let help_source: Arc<OnceLock<Vec<FunctionHelp>>> = Arc::default();
    let mut api = Registrar {
        engine,
        section: "Session et outils",
        help: Vec::new(),
    };
    register_tools(&mut api, &help_source);
    register_users(&mut api);
    register_customers(&mut api);
    register_contracts(&mut api);
    register_events(&mut api);
    register_reports(&mut api);
    let help = api.help;
    // Cannot fail: set once, here.
    let _ = help_source.set(help.clone());
    help
}

fn register_tools(api: &mut Registrar<'_>, help_source: &Arc<OnceLock<Vec<FunctionHelp>>>) {
    function!(
        api,
        "moi",
        "",
        "l'utilisateur connecté : #{id, identifiant, prenom, nom, role}",
        |call: NativeCallContext| -> ScriptResult<Map> {
            let context = context(&call)?;
            let user = &context.session.user;
            let mut me = Map::new();
            me.insert("id".into(), Dynamic::from(INT::from(user.id)));
            me.insert("identifiant".into(), user.username.clone().into());
            me.insert("prenom".into(), user.first_name.clone().into());
            me.insert("nom".into(), user.last_name.clone().into());
            me.insert("role".into(), user.role.french_label().into());
            Ok(me)
        },
    );
    let source = Arc::clone(help_source);
    function!(
        api,
        "aide",
        "",
        "affiche cette aide",
        move |call: NativeCallContext| -> ScriptResult<()> {
            let text = help_text(source.get().map_or(&[][..], Vec::as_slice), None);
            print_lines(&call, &text)
        },
    );
    let source = Arc::clone(help_source);
    function!(
        api,
        "aide",
        "nom",
        "l'aide d'une fonction ou d'un type d'enregistrement (aide(\"creer_client\"))",
        move |call: NativeCallContext, name: &str| -> ScriptResult<()> {
            let text = help_text(source.get().map_or(&[][..], Vec::as_slice), Some(name));
            print_lines(&call, &text)
        },
    );
    function!(
        api,
        "afficher",
        "valeur",
        "affiche une liste, un enregistrement ou une valeur (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext, value: Dynamic| -> ScriptResult<()> {
            context(&call)?
                .output()
                .result(&value, None)
                .map_err(refusal)
        },
    );
    function!(
        api,
        "afficher",
        "valeur, colonnes",
        "affiche une liste avec les colonnes choisies, dans l'ordre donné ([\"numero\", \"client\"])",
        |call: NativeCallContext, value: Dynamic, columns: Array| -> ScriptResult<()> {
            let columns = strings(&columns, "afficher")?;
            context(&call)?
                .output()
                .result(&value, Some(&columns))
                .map_err(refusal)
        },
    );
    function!(
        api,
        "modifications_attendues",
        "nombre",
        "le script doit modifier exactement ce nombre d'enregistrements ; sinon rien n'est enregistré",
        |call: NativeCallContext, count: INT| -> ScriptResult<()> {
            let count = usize::try_from(count).map_err(|_| {
                refusal("modifications_attendues : le nombre ne peut pas être négatif")
            })?;
            context(&call)?.expect_changes(count);
            Ok(())
        },
    );
    function!(
        api,
        "lire_csv",
        "chemin",
        "lit un fichier CSV donné sur la ligne de commande (fichier=chemin) : un objet par ligne, clés = en-têtes",
        |call: NativeCallContext, path: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            files::read_csv(path, &context.readable_files, &context.limits)
        },
    );
    function!(
        api,
        "date",
        "texte",
        "une Date lue depuis « 22/11/2026 14:30 » (heure locale) ou RFC 3339",
        |text: &str| -> ScriptResult<ScriptDate> {
            formatting::parse_date_time(text)
                .map(ScriptDate)
                .ok_or_else(|| {
                    refusal(format!(
                        "date : « {text} » n'est pas une date valide ({})",
                        formatting::DATE_TIME_EXAMPLE
                    ))
                })
        },
    );
    function!(
        api,
        "maintenant",
        "",
        "la Date et l'heure actuelles",
        || {
            let now = chrono::Utc::now();
            ScriptDate(now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos())))
        }
    );
    function!(
        api,
        "montant",
        "texte",
        "un montant exact lu depuis « 1 234,50 » ou « 1234.50 »",
        |text: &str| -> ScriptResult<rust_decimal::Decimal> {
            text.parse::<Money>()
                .map(Money::amount)
                .map_err(|error| refusal(format!("montant : « {text} » {error}")))
        },
    );
    function!(
        api,
        "en_euros",
        "montant",
        "un montant écrit à la française : « 1 234,50 € »",
        |amount: rust_decimal::Decimal| formatting::euros(amount),
    );
    function!(
        api,
        "en_euros",
        "montant",
        "un montant écrit à la française : « 1 234,50 € »",
        |amount: INT| formatting::euros(rust_decimal::Decimal::from(amount)),
    );
    // The integer variant shares the help line of the decimal one.
    api.help.pop();
}

fn print_lines(call: &NativeCallContext, text: &str) -> ScriptResult<()> {
    let context = context(call)?;
    let mut output = context.output();
    for line in text.lines() {
        output.printed_line(line).map_err(|error| {
            refusal(format!(
                "impossible d'écrire ({})",
                crate::errors::french_io_error(&error)
            ))
        })?;
    }
    Ok(())
}

fn register_users(api: &mut Registrar<'_>) {
    api.section = "Utilisateurs (gestion)";
    function!(
        api,
        "utilisateurs",
        "",
        "tous les utilisateurs",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            context
                .all_pages(|page| user_service::list(&context.transaction, &context.session, page))
        },
    );
    function!(
        api,
        "membres_du_support",
        "",
        "les utilisateurs du support, à qui assigner des évènements",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(|page| {
                user_service::support_users(&context.transaction, &context.session, page)
            })
        },
    );
    function!(
        api,
        "utilisateur",
        "id",
        "un utilisateur",
        |call: NativeCallContext, user_id: INT| -> ScriptResult<user_service::UserRow> {
            let context = context(&call)?;
            let user_id = id(user_id, "utilisateur")?;
            context.wait(user_service::detail(
                &context.transaction,
                &context.session,
                user_id,
            ))
        },
    );
    function!(
        api,
        "creer_utilisateur",
        "#{prenom, nom, email, telephone, identifiant, mot_de_passe, role}",
        "crée un compte ; role : \"gestion\", \"commercial\" ou \"support\"",
        |call: NativeCallContext, fields: Map| -> ScriptResult<user_service::UserRow> {
            let context = context(&call)?;
            let (input, role) = inputs::new_user(&fields)?;
            context.wait(user_service::create(
                &context.transaction,
                &context.session,
                &input,
                role,
            ))
        },
    );
    modification_functions!(
        api,
        "modifier_utilisateur",
        "utilisateur",
        "#{prenom, nom, email, telephone, identifiant, role, mot_de_passe}",
        "modifie les champs donnés d'un compte (mot_de_passe : réinitialisation)",
        "utilisateur",
        user_service::UserRow,
        inputs::user_changes,
        user_service::update
    );
    function!(
        api,
        "supprimer_utilisateur",
        "id",
        "supprime un compte qui n'a plus de client, de contrat ni d'évènement",
        |call: NativeCallContext, user_id: INT| -> ScriptResult<()> {
            let context = context(&call)?;
            let user_id = id(user_id, "utilisateur")?;
            context.wait(user_service::delete(
                &context.transaction,
                &context.session,
                user_id,
            ))
        },
    );
    function!(
        api,
        "changer_mon_mot_de_passe",
        "actuel, nouveau",
        "(tout le monde) change votre propre mot de passe",
        |call: NativeCallContext, current: &str, new: &str| -> ScriptResult<()> {
            let context = context(&call)?;
            context.wait(user_service::change_own_password(
                &context.transaction,
                &context.session,
                current,
                new,
            ))
        },
    );
}

fn register_customers(api: &mut Registrar<'_>) {
    api.section = "Clients";
    for (name, description, which) in [
        ("clients", "tous les clients", CustomerList::All),
        (
            "mes_clients",
            "vos clients (commercial)",
            CustomerList::Mine,
        ),
    ] {
        list_functions!(api, customer_service::list, name, description, which, true);
    }
    function!(
        api,
        "client",
        "id",
        "un client",
        |call: NativeCallContext,
         customer_id: INT|
         -> ScriptResult<customer_service::CustomerRow> {
            let context = context(&call)?;
            let customer_id = id(customer_id, "client")?;
            context.wait(customer_service::detail(
                &context.transaction,
                &context.session,
                customer_id,
            ))
        },
    );
    function!(
        api,
        "creer_client",
        "#{prenom, nom, email, telephone, entreprise}",
        "(commercial) crée un client qui vous est attribué",
        |call: NativeCallContext, fields: Map| -> ScriptResult<customer_service::CustomerRow> {
            let context = context(&call)?;
            let input = inputs::new_customer(&fields)?;
            context.wait(customer_service::create(
                &context.transaction,
                &context.session,
                &input,
            ))
        },
    );
    modification_functions!(
        api,
        "modifier_client",
        "client",
        "#{prenom, nom, email, telephone, entreprise}",
        "(commercial, vos clients) modifie les champs donnés",
        "client",
        customer_service::CustomerRow,
        inputs::customer_changes,
        customer_service::update
    );
    function!(
        api,
        "supprimer_client",
        "id",
        "(commercial, vos clients) supprime un client sans contrat",
        |call: NativeCallContext, customer_id: INT| -> ScriptResult<()> {
            let context = context(&call)?;
            let customer_id = id(customer_id, "client")?;
            context.wait(customer_service::delete(
                &context.transaction,
                &context.session,
                customer_id,
            ))
        },
    );
}

fn register_contracts(api: &mut Registrar<'_>) {
    api.section = "Contrats";
    for (name, description, which) in [
        ("contrats", "tous les contrats", ContractList::All),
        (
            "contrats_non_signes",
            "tous les contrats non signés",
            ContractList::Unsigned,
        ),
        (
            "contrats_non_payes",
            "tous les contrats dont il reste quelque chose à payer",
            ContractList::Unpaid,
        ),
        (
            "mes_contrats",
            "vos contrats (gestion : créés par vous ; commercial : de vos clients ; support : de vos évènements)",
            ContractList::Mine,
        ),
        (
            "mes_contrats_non_signes",
            "vos contrats non signés",
            ContractList::MineUnsigned,
        ),
        (
            "mes_contrats_non_payes",
            "vos contrats dont il reste quelque chose à payer",
            ContractList::MineUnpaid,
        ),
    ] {
        list_functions!(api, contract_service::list, name, description, which, true);
    }
    function!(
        api,
        "contrat",
        "id",
        "un contrat, par son numéro interne",
        |call: NativeCallContext,
         contract_id: INT|
         -> ScriptResult<contract_service::ContractRow> {
            let context = context(&call)?;
            let contract_id = id(contract_id, "contrat")?;
            context.wait(contract_service::detail(
                &context.transaction,
                &context.session,
                contract_id,
            ))
        },
    );
    function!(
        api,
        "contrat_par_numero",
        "numero",
        "un contrat, par son numéro (\"CTR-2026-0001\")",
        |call: NativeCallContext, number: &str| -> ScriptResult<contract_service::ContractRow> {
            let context = context(&call)?;
            context.wait(contract_service::detail_by_number(
                &context.transaction,
                &context.session,
                number,
            ))
        },
    );
    function!(
        api,
        "creer_contrat",
        "#{client, montant_total, reste_a_payer, signe}",
        "(gestion) crée un contrat pour le client donné (son numéro) ; reste_a_payer vaut le total par défaut",
        |call: NativeCallContext, fields: Map| -> ScriptResult<contract_service::ContractRow> {
            let context = context(&call)?;
            let input = inputs::new_contract(&fields)?;
            context.wait(contract_service::create(
                &context.transaction,
                &context.session,
                &input,
            ))
        },
    );
    modification_functions!(
        api,
        "modifier_contrat",
        "contrat",
        "#{montant_total, reste_a_payer, signe}",
        "(gestion ; commercial : contrats de vos clients) modifie les champs donnés",
        "contrat",
        contract_service::ContractRow,
        inputs::contract_changes,
        contract_service::update
    );
    function!(
        api,
        "signer_contrat",
        "id",
        "(gestion ; commercial : contrats de vos clients) marque un contrat comme signé",
        |call: NativeCallContext,
         contract_id: INT|
         -> ScriptResult<contract_service::ContractRow> {
            let context = context(&call)?;
            let contract_id = id(contract_id, "contrat")?;
            let changes = ContractChanges {
                signed: Some(true),
                ..Default::default()
            };
            context.wait(contract_service::update(
                &context.transaction,
                &context.session,
                contract_id,
                &changes,
                None,
            ))
        },
    );
    function!(
        api,
        "enregistrer_paiement",
        "id, montant",
        "(gestion ; commercial : contrats de vos clients) baisse le reste à payer du montant payé",
        |call: NativeCallContext,
         contract_id: INT,
         amount: Dynamic|
         -> ScriptResult<contract_service::ContractRow> {
            let context = context(&call)?;
            let contract_id = id(contract_id, "contrat")?;
            let amount = inputs::amount_text(&amount).ok_or_else(|| {
                refusal("enregistrer_paiement : le montant doit être un nombre ou un texte (\"1 234,50\")")
            })?;
            context.wait(contract_service::record_payment(
                &context.transaction,
                &context.session,
                contract_id,
                &amount,
            ))
        },
    );
    function!(
        api,
        "supprimer_contrat",
        "id",
        "(gestion) supprime un contrat sans évènement",
        |call: NativeCallContext, contract_id: INT| -> ScriptResult<()> {
            let context = context(&call)?;
            let contract_id = id(contract_id, "contrat")?;
            context.wait(contract_service::delete(
                &context.transaction,
                &context.session,
                contract_id,
            ))
        },
    );
}

fn register_events(api: &mut Registrar<'_>) {
    api.section = "Évènements";
    for (name, description, which) in [
        ("evenements", "tous les évènements", EventList::All),
        (
            "mes_evenements",
            "vos évènements (support : ceux qui vous sont assignés ; commercial : ceux de vos clients)",
            EventList::Mine,
        ),
        (
            "evenements_sans_support",
            "les évènements sans support",
            EventList::WithoutSupport,
        ),
    ] {
        // Events without support take their page with their criteria, below.
        let paged = which != EventList::WithoutSupport;
        list_functions!(api, event_service::list, name, description, which, paged);
    }
    function!(
        api,
        "evenements_sans_support",
        "#{lieu, du, au, apres, limite}",
        "les évènements sans support dont le lieu contient « lieu » et qui commencent entre du et au, les plus proches d'abord (une page avec apres et limite)",
        |call: NativeCallContext, criteria: Map| -> ScriptResult<Array> {
            let context = context(&call)?;
            let (search, request): (EventSearch, _) = inputs::event_search(&criteria)?;
            context.pages(request, |page| {
                event_service::search(
                    &context.transaction,
                    &context.session,
                    EventList::WithoutSupport,
                    &search,
                    page,
                )
            })
        },
    );
    function!(
        api,
        "evenement",
        "id",
        "un évènement",
        |call: NativeCallContext, event_id: INT| -> ScriptResult<event_service::EventRow> {
            let context = context(&call)?;
            let event_id = id(event_id, "évènement")?;
            context.wait(event_service::detail(
                &context.transaction,
                &context.session,
                event_id,
            ))
        },
    );
    function!(
        api,
        "creer_evenement",
        "#{contrat, nom, debut, fin, lieu, participants, notes}",
        "(commercial) crée un évènement pour un contrat signé de votre client (contrat : son numéro interne)",
        |call: NativeCallContext, fields: Map| -> ScriptResult<event_service::EventRow> {
            let context = context(&call)?;
            let input = inputs::new_event(&fields)?;
            context.wait(event_service::create(
                &context.transaction,
                &context.session,
                &input,
            ))
        },
    );
    modification_functions!(
        api,
        "modifier_evenement",
        "evenement",
        "#{nom, debut, fin, lieu, participants, notes}",
        "(support assigné) modifie les champs donnés",
        "évènement",
        event_service::EventRow,
        inputs::event_changes,
        event_service::update
    );
    function!(
        api,
        "assigner_support",
        "evenement_id, support",
        "(gestion) assigne un membre du support (son numéro ou son identifiant) à un évènement",
        |call: NativeCallContext,
         event_id: INT,
         support: Dynamic|
         -> ScriptResult<event_service::EventRow> {
            let context = context(&call)?;
            let event_id = id(event_id, "évènement")?;
            let changes = EventChanges {
                support: Some(Some(inputs::support_user(&support)?)),
                ..Default::default()
            };
            context.wait(event_service::update(
                &context.transaction,
                &context.session,
                event_id,
                &changes,
                None,
            ))
        },
    );
    function!(
        api,
        "assigner_support",
        "evenement, support",
        "la même chose à partir d'un évènement lu plus tôt : refusé si son support a changé entre-temps",
        |call: NativeCallContext,
         event: event_service::EventRow,
         support: Dynamic|
         -> ScriptResult<event_service::EventRow> {
            let context = context(&call)?;
            let changes = EventChanges {
                support: Some(Some(inputs::support_user(&support)?)),
                ..Default::default()
            };
            context.wait(event_service::update(
                &context.transaction,
                &context.session,
                event.id,
                &changes,
                Some(&event),
            ))
        },
    );
    function!(
        api,
        "assigner_support_en_masse",
        "evenements, support",
        "(gestion) assigne un membre du support à tous les évènements donnés (une liste d'évènements ou de numéros), en une fois ; un évènement lu plus tôt dont le support a changé entre-temps est laissé tel quel et n'est pas dans la liste rendue",
        |call: NativeCallContext, events: Array, support: Dynamic| -> ScriptResult<Array> {
            let context = context(&call)?;
            let targets = inputs::bulk_targets(&events)?;
            let support = inputs::support_user(&support)?;
            let done = context.wait(event_service::assign_support_to_many(
                &context.transaction,
                &context.session,
                &targets,
                Some(&support),
            ))?;
            Ok(done.assigned.into_iter().map(Dynamic::from).collect())
        },
    );
    function!(
        api,
        "retirer_support",
        "evenement_id",
        "(gestion) retire le support assigné à un évènement",
        |call: NativeCallContext, event_id: INT| -> ScriptResult<event_service::EventRow> {
            let context = context(&call)?;
            let event_id = id(event_id, "évènement")?;
            let changes = EventChanges {
                support: Some(None),
                ..Default::default()
            };
            context.wait(event_service::update(
                &context.transaction,
                &context.session,
                event_id,
                &changes,
                None,
            ))
        },
    );
}

fn register_reports(api: &mut Registrar<'_>) {
    api.section = "Exports (écrits page par page, de toute taille)";
    function!(
        api,
        "exporter_clients",
        "",
        "écrit tous les clients (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext| -> ScriptResult<()> {
            let context = context(&call)?;
            context.export(|page| {
                customer_service::list(
                    &context.transaction,
                    &context.session,
                    CustomerList::All,
                    page,
                )
            })
        },
    );
    function!(
        api,
        "exporter_contrats",
        "",
        "écrit tous les contrats (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext| -> ScriptResult<()> {
            let context = context(&call)?;
            context.export(|page| {
                contract_service::list(
                    &context.transaction,
                    &context.session,
                    ContractList::All,
                    page,
                )
            })
        },
    );
    function!(
        api,
        "exporter_evenements",
        "",
        "écrit tous les évènements (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext| -> ScriptResult<()> {
            let context = context(&call)?;
            context.export(|page| {
                event_service::list(&context.transaction, &context.session, EventList::All, page)
            })
        },
    );
    api.section = "Rapports (calculés par la base)";
    function!(
        api,
        "impayes_par_commercial",
        "",
        "par commercial : nombre de contrats non payés de ses clients, montants totaux et restes à payer",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            let lines = context.wait(report_service::unpaid_by_sales_user(
                &context.transaction,
                &context.session,
            ))?;
            Ok(lines.into_iter().map(Dynamic::from).collect())
        },
    );
    function!(
        api,
        "activite_par_commercial",
        "",
        "par commercial : clients, contrats signés, montants signés, encaissés et restant dus",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            let lines = context.wait(report_service::activity_by_sales_user(
                &context.transaction,
                &context.session,
            ))?;
            Ok(lines.into_iter().map(Dynamic::from).collect())
        },
    );
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
