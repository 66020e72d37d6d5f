//! The command line: what can be typed after `epic-events`, with French help and French
//! error messages (clap's own are English).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand};

const HELP_TEMPLATE: &str = "\
{before-help}{name} {version} — {about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// The help of a command: what it does, how to call it, its options (clap's own headings
/// and value lists are English; every heading here is set, every default said in French).
const COMMAND_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// Epic Events CRM. Without a command, opens the interactive shell.
#[derive(Debug, Parser)]
#[command(
    name = "epic-events",
    version,
    about = "CRM d'Epic Events : clients, contrats et évènements",
    after_help = "Sans commande, epic-events ouvre le shell interactif (menus numérotés et commandes).",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    next_help_heading = "Options",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct CommandLine {
    /// What to do; the interactive shell when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Afficher l'aide
    #[arg(
        short = 'h',
        long = "help",
        action = ArgAction::Help,
        global = true,
        help_heading = "Options générales"
    )]
    help: Option<bool>,

    /// Afficher la version
    #[arg(
        short = 'V',
        long = "version",
        action = ArgAction::Version,
        help_heading = "Options générales"
    )]
    version: Option<bool>,

    /// Passer par le serveur à cette adresse (https://hôte:port ; remplace EPIC_EVENTS_SERVEUR)
    #[arg(
        long = "serveur",
        value_name = "ADRESSE",
        global = true,
        help_heading = "Options générales"
    )]
    pub serveur: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Se connecter (le mot de passe est lu sans écho sur un terminal, sur l'entrée standard sinon)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Connexion(SignInArguments),
    /// Se déconnecter (supprime la session enregistrée)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Deconnexion,
    /// Afficher l'utilisateur connecté et son rôle
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Moi,
    /// Exécuter un script rhai avec votre session (une seule transaction : tout ou rien)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Executer(ScriptArguments),
    /// Lister les fonctions des scripts, avec leur description, ou détailler l'une d'elles
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Aide(HelpArguments),
    /// Ouvrir le shell sur la base de démonstration epic_events_demo.db (créée au premier lancement)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Demo(DemoArguments),
    /// Administrer la base de données (schéma, données de démonstration)
    #[command(
        subcommand,
        help_template = COMMAND_TEMPLATE,
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Base(DatabaseCommand),
    /// Servir le CRM aux postes (mode serveur) : seul le serveur tient la base et le secret
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Serveur(ServerArguments),
    /// Écrire le script de complétion des commandes pour un shell (bash, zsh ou fish)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Completion(CompletionArguments),
    /// Écrire la page de manuel (man) d'epic-events, au format roff
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Manuel,
}

/// Options of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArguments {
    /// Le shell : bash (source <(epic-events completion bash)), zsh ou fish
    #[arg(
        value_name = "SHELL",
        hide_possible_values = true,
        help_heading = "Arguments"
    )]
    pub shell: CompletionShell,
}

/// The shells completions are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    /// bash
    Bash,
    /// zsh
    Zsh,
    /// fish
    Fish,
}

/// Writes the completion script of `shell` for the command line to `output`.
pub fn write_completion(shell: CompletionShell, output: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    let mut command = CommandLine::command();
    let generator = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut command, "epic-events", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == CompletionShell::Bash {
        // clap_complete 4.6 spells the state of a hyphenated program's subcommands two
        // ways in bash (`epic__events__subcmd__base` in the loop that reads the words,
        // `epic__subcmd__events__subcmd__base` in the arms that complete them), so nothing
        // after a command completed (clap-rs/clap#6421): the arms are spelt as the loop.
        script = script.replace("epic__subcmd__events", "epic__events");
    }
    let _ = output.write_all(script.as_bytes());
}

/// The section titles clap_mangen writes in English, and their French.
const MANUAL_SECTIONS: [(&str, &str); 7] = [
    (".SH NAME", ".SH NOM"),
    (".SH SUBCOMMANDS", ".SH COMMANDES"),
    (".SH Commandes", ".SH COMMANDES"),
    (".SH AUTHORS", ".SH AUTEURS"),
    (".SH AUTHOR", ".SH AUTEUR"),
    (".SH EXTRA", ".SH REMARQUES"),
    (".SH \"EXIT STATUS\"", ".SH \"CODE DE RETOUR\""),
];

/// Writes the manual page of the command line (roff) to `output`, its section titles in
/// French.
pub fn write_manual(output: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(CommandLine::command()).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    for line in page.lines() {
        let line = MANUAL_SECTIONS
            .iter()
            .find(|(english, _)| line == *english)
            .map_or(line, |(_, french)| french);
        writeln!(output, "{line}")?;
    }
    Ok(())
}

/// How `executer` writes its results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tableaux lisibles
    #[default]
    Table,
    /// CSV (virgules, montants exacts avec un point, dates RFC 3339)
    Csv,
    /// JSON (montants exacts en texte, dates RFC 3339)
    Json,
    /// CSV pour un tableur français (points-virgules, virgules décimales, dates locales, oui/non)
    CsvTableur,
    /// Classeur Excel .xlsx (montants en euros, dates, oui/non), avec --sortie ou redirigé
    Tableur,
}

/// Options of `aide`.
#[derive(Debug, Args)]
pub struct HelpArguments {
    /// La fonction à détailler (creer_client) ; sans nom, toutes
    #[arg(value_name = "NOM", help_heading = "Arguments")]
    pub nom: Option<String>,
}

/// Options of `executer`.
#[derive(Debug, Args)]
pub struct ScriptArguments {
    /// Le script à exécuter (fichier .rhai)
    #[arg(value_name = "FICHIER.rhai", help_heading = "Arguments")]
    pub fichier: std::path::PathBuf,

    /// Exécuter puis tout annuler, en affichant ce qui aurait été modifié
    #[arg(long)]
    pub simulation: bool,

    /// Format des résultats : table (tableaux lisibles, par défaut), csv (virgules, montants exacts avec un point, dates RFC 3339), json (montants exacts en texte, dates RFC 3339), csv-tableur (pour un tableur français : points-virgules, virgules décimales, dates locales, oui/non, sans numéros internes) ou tableur (classeur Excel .xlsx : montants en euros, dates, oui/non, sans numéros internes)
    #[arg(
        long,
        value_enum,
        default_value_t = Format::Table,
        value_name = "FORMAT",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: Format,

    /// Écrire les résultats dans ce fichier plutôt que sur la sortie standard (remplacé s'il existe)
    #[arg(long, value_name = "FICHIER")]
    pub sortie: Option<std::path::PathBuf>,

    /// Paramètres du script, lisibles dans parametres.clé ; un fichier donné ainsi peut être lu par lire_csv
    #[arg(value_name = "CLÉ=VALEUR", value_parser = parse_parameter, help_heading = "Arguments")]
    pub parametres: Vec<(String, String)>,
}

/// Reads `clé=valeur`; the key must be a name a script can write after `parametres.`.
fn parse_parameter(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| "attendu sous la forme clé=valeur".to_owned())?;
    let mut characters = key.chars();
    let valid_key = characters
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && characters.all(|character| character.is_alphanumeric() || character == '_');
    if !valid_key {
        return Err(format!(
            "« {key} » n'est pas un nom de paramètre (lettres, chiffres et « _ »)"
        ));
    }
    Ok((key.to_owned(), value.to_owned()))
}

/// `epic-events base …`
#[derive(Debug, Subcommand)]
pub enum DatabaseCommand {
    /// Appliquer les migrations en attente
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Migrer,
    /// Afficher l'état des migrations
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Etat,
    /// Supprimer et recréer la base, appliquer les migrations, charger les données de démonstration
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Reinitialiser(ResetArguments),
    /// Créer le premier compte de gestion d'une base sans utilisateur
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    PremierGestionnaire,
    /// Supprimer et recréer la base, puis la remplir d'un grand jeu de données (mesures de vitesse)
    #[command(help_template = COMMAND_TEMPLATE, next_help_heading = "Options")]
    Generer(GenerateArguments),
}

/// Options of `base generer`.
#[derive(Debug, Args)]
pub struct GenerateArguments {
    /// Taille par rapport au jeu complet (200 utilisateurs, 100 000 clients, 300 000 contrats, 500 000 évènements) ; 1 par défaut
    #[arg(
        long,
        default_value_t = 1.0,
        value_name = "FACTEUR",
        hide_default_value = true
    )]
    pub echelle: f64,
    /// Graine du générateur (le même jeu pour la même graine) ; 2026 par défaut
    #[arg(
        long,
        default_value_t = 2026,
        value_name = "GRAINE",
        hide_default_value = true
    )]
    pub graine: u64,
    /// Ne pas demander de confirmation (toutes les données seront perdues)
    #[arg(long)]
    pub oui: bool,
}

/// Options of `connexion`.
#[derive(Debug, Args)]
pub struct SignInArguments {
    /// Nom d'utilisateur ou adresse e-mail (demandé s'il n'est pas donné)
    #[arg(long, value_name = "NOM")]
    pub utilisateur: Option<String>,
}

/// Options of `serveur`.
#[derive(Debug, Args)]
pub struct ServerArguments {
    /// L'adresse d'écoute, HÔTE:PORT (sans certificat, en HTTP simple : une adresse locale seulement) ; 127.0.0.1:8443 par défaut
    #[arg(
        long,
        value_name = "HÔTE:PORT",
        default_value = "127.0.0.1:8443",
        hide_default_value = true
    )]
    pub adresse: String,
    /// Le certificat du serveur et sa chaîne (fichier PEM) : le serveur parle HTTPS
    #[arg(long, value_name = "FICHIER", requires = "cle")]
    pub certificat: Option<std::path::PathBuf>,
    /// La clé privée du certificat (fichier PEM)
    #[arg(long, value_name = "FICHIER", requires = "certificat")]
    pub cle: Option<std::path::PathBuf>,
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArguments {
    /// Recréer la base de démonstration (ses modifications sont perdues)
    #[arg(long)]
    pub reinitialiser: bool,
}

/// Options of `base reinitialiser`.
#[derive(Debug, Args)]
pub struct ResetArguments {
    /// Ne pas demander de confirmation (toutes les données seront perdues)
    #[arg(long)]
    pub oui: bool,
}

/// What parsing the command line produced.
pub enum Parsed {
    /// A command to run.
    Run(CommandLine),
    /// Text to print on standard output, then exit successfully (help, version).
    Information(String),
    /// A French error message for standard error, then exit with status 2.
    UsageError(String),
}

/// Parses the process arguments.
pub fn parse() -> Parsed {
    parse_from(std::env::args_os())
}

/// Parses `arguments` (the first one is the program name).
pub fn parse_from<I, T>(arguments: I) -> Parsed
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match CommandLine::try_parse_from(arguments) {
        Ok(command_line) => Parsed::Run(command_line),
        Err(error) => match error.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Parsed::Information(error.render().to_string())
            }
            _ => Parsed::UsageError(french_error(&error)),
        },
    }
}

fn context(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(value)) => value.clone(),
        Some(ContextValue::Strings(values)) => values.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn french_error(error: &clap::Error) -> String {
    let message = match error.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue : « {} »",
            context(error, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!(
            "option ou argument inattendu : « {} »",
            context(error, ContextKind::InvalidArg)
        ),
        ErrorKind::MissingRequiredArgument => format!(
            "argument obligatoire manquant : {}",
            context(error, ContextKind::InvalidArg)
        ),
        ErrorKind::MissingSubcommand => "il manque la commande à exécuter".to_owned(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "valeur invalide « {} » pour {}",
            context(error, ContextKind::InvalidValue),
            context(error, ContextKind::InvalidArg)
        ),
        ErrorKind::ArgumentConflict => format!(
            "options incompatibles : {}",
            context(error, ContextKind::InvalidArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!(
                "nombre de valeurs incorrect pour {}",
                context(error, ContextKind::InvalidArg)
            )
        }
        _ => "ligne de commande invalide".to_owned(),
    };
    format!("Erreur : {message}\nPour l'aide : epic-events --help")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(arguments: &[&str]) -> (String, bool) {
        let mut all = vec!["epic-events"];
        all.extend_from_slice(arguments);
        match parse_from(all) {
            Parsed::Run(_) => (String::new(), true),
            Parsed::Information(text) => (text, true),
            Parsed::UsageError(text) => (text, false),
        }
    }

    #[test]
    fn help_is_french() {
        let (text, success) = output(&["--help"]);
        assert!(success);
        assert!(text.contains("Utilisation : epic-events"), "{text}");
        assert!(text.contains("Commandes"), "{text}");
        assert!(text.contains("Afficher l'aide"), "{text}");
        for english in ["Usage:", "Print help", "Commands:"] {
            assert!(!text.contains(english), "{english} in {text}");
        }
        let (text, _) = output(&["base", "reinitialiser", "--help"]);
        assert!(text.contains("Ne pas demander de confirmation"), "{text}");
    }

    #[test]
    fn errors_are_french() {
        let (text, success) = output(&["vendre"]);
        assert!(!success);
        assert!(text.contains("commande inconnue : « vendre »"), "{text}");
        let (text, _) = output(&["base", "reinitialiser", "--non"]);
        assert!(text.contains("« --non »"), "{text}");
    }

    #[test]
    fn parses_script_runs() {
        let all = [
            "epic-events",
            "executer",
            "rapport.rhai",
            "--simulation",
            "--format",
            "csv",
            "lieu=Nantes",
            "du=01/01/2027 00:00",
        ];
        match parse_from(all) {
            Parsed::Run(CommandLine {
                command: Some(Command::Executer(arguments)),
                ..
            }) => {
                assert!(arguments.simulation);
                assert_eq!(arguments.format, Format::Csv);
                assert_eq!(
                    arguments.parametres,
                    [
                        ("lieu".to_owned(), "Nantes".to_owned()),
                        ("du".to_owned(), "01/01/2027 00:00".to_owned())
                    ]
                );
            }
            _ => panic!("not parsed as a script run"),
        }
        let (text, success) = output(&["executer", "rapport.rhai", "sans-egal"]);
        assert!(!success);
        assert!(text.contains("sans-egal"), "{text}");
        let (text, success) = output(&["executer", "rapport.rhai", "--format", "xml"]);
        assert!(!success);
        assert!(text.contains("xml"), "{text}");
    }

    #[test]
    fn parses_reset_with_and_without_confirmation() {
        for (arguments, expected) in [
            (vec!["base", "reinitialiser"], false),
            (vec!["base", "reinitialiser", "--oui"], true),
        ] {
            let mut all = vec!["epic-events"];
            all.extend(arguments);
            match parse_from(all) {
                Parsed::Run(CommandLine {
                    command: Some(Command::Base(DatabaseCommand::Reinitialiser(arguments))),
                    ..
                }) => assert_eq!(arguments.oui, expected),
                _ => panic!("not parsed as a reset"),
            }
        }
    }
}
