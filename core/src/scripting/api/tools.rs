//! Session and tools: who is signed in, help, output, parameters, files, dates, amounts.

use super::*;

use crate::catalogue::Catalogue;

pub(super) fn register(api: &mut Registrar<'_>, help_source: &Arc<OnceLock<Vec<FunctionHelp>>>) {
    function!(
        api,
        "moi",
        "",
        "l'utilisateur connecté : #{id, identifiant, prenom, nom, role}",
        |call: NativeCallContext| -> ScriptResult<Map> {
            let context = context(&call)?;
            let user = &context.session.user;
            let mut me = Map::new();
            let mut put = |field: UserField, value: Dynamic| {
                me.insert(field.key().into(), value);
            };
            put(UserField::Id, Dynamic::from(INT::from(user.id)));
            put(UserField::Username, user.username.clone().into());
            put(UserField::FirstName, user.first_name.clone().into());
            put(UserField::LastName, user.last_name.clone().into());
            put(UserField::Role, user.role.french_label().into());
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
    reading_function!(
        api,
        "afficher",
        "valeur",
        "affiche une liste, un enregistrement ou une valeur (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext, value: &mut Dynamic| -> ScriptResult<()> {
            let context = context(&call)?;
            let cells =
                context.outside_script(|| context.output().result(value, None).map_err(refusal))?;
            context.count_work(cells)
        },
    );
    reading_function!(
        api,
        "afficher",
        "lignes, colonnes, total",
        "affiche une liste avec ses colonnes et, sous elle, son total (une ligne « Total » à l'écran et en CSV ; en JSON, un champ « total » à part des « lignes »)",
        |call: NativeCallContext,
         value: &mut Dynamic,
         columns: Array,
         total: Map|
         -> ScriptResult<()> {
            let columns = strings(&columns, "afficher")?;
            let context = context(&call)?;
            let cells = context.outside_script(|| {
                context
                    .output()
                    .result_with_total(value, &columns, &total)
                    .map_err(refusal)
            })?;
            context.count_work(cells)
        },
    );
    reading_function!(
        api,
        "afficher",
        "valeur, colonnes",
        "affiche une liste avec les colonnes choisies, dans l'ordre donné ([\"numero\", \"client\"])",
        |call: NativeCallContext, value: &mut Dynamic, columns: Array| -> ScriptResult<()> {
            let columns = strings(&columns, "afficher")?;
            let context = context(&call)?;
            let cells = context.outside_script(|| {
                context
                    .output()
                    .result(value, Some(&columns))
                    .map_err(refusal)
            })?;
            context.count_work(cells)
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
        "lit un fichier CSV donné sur la ligne de commande (fichier=chemin) : une LigneCsv par ligne (ligne.numero, ligne[\"montant\"], \"numero\" in ligne, ligne.ligne_du_fichier)",
        |call: NativeCallContext, path: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            let lines = context.outside_script(|| {
                files::read_csv(path, &context.files, &context.limits, |size| {
                    context.count_file_bytes(size)
                })
            })?;
            let cells = lines
                .iter()
                .filter_map(|line| line.read_lock::<files::CsvLine>().map(|line| line.width()))
                .sum();
            context.count_work(cells)?;
            Ok(lines)
        },
    );
    function!(
        api,
        "date",
        "texte",
        "une Date lue depuis « 22/11/2026 14:30 » (heure de votre fuseau) ou RFC 3339",
        |text: &str| -> ScriptResult<ScriptDate> {
            formatting::parse_date_time_in(text, crate::scripting::zone::current())
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
