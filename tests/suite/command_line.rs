//! The command line as a person at a terminal meets it: its help wholly in French, the
//! completion script a shell loads, the manual page.

use crate::support;

/// Runs the program with `arguments` and no configuration at all.
fn run(arguments: &[&str]) -> support::BinaryOutput {
    let directory = tempfile::tempdir().unwrap();
    support::run_command(
        support::binary_command(None, directory.path(), arguments),
        "",
    )
}

/// Every help screen is French: no heading, value list or default of clap's own English.
#[test]
fn every_help_is_french() {
    let commands: &[&[&str]] = &[
        &["--help"],
        &["connexion", "--help"],
        &["deconnexion", "--help"],
        &["moi", "--help"],
        &["executer", "--help"],
        &["aide", "--help"],
        &["demo", "--help"],
        &["base", "--help"],
        &["base", "migrer", "--help"],
        &["base", "reinitialiser", "--help"],
        &["base", "generer", "--help"],
        &["serveur", "--help"],
        &["completion", "--help"],
        &["manuel", "--help"],
    ];
    for arguments in commands {
        let output = run(arguments);
        assert!(output.success, "{arguments:?}: {output:?}");
        let help = &output.stdout;
        for english in [
            "Possible values",
            "[default:",
            "Commands:",
            "<COMMAND>",
            "Usage:",
            "Print help",
        ] {
            assert!(
                !help.contains(english),
                "{arguments:?}: {english:?} in\n{help}"
            );
        }
        assert!(
            help.matches("Options:").count() <= 1,
            "{arguments:?}: one « Options » heading at most\n{help}"
        );
        assert!(
            help.contains("Utilisation : epic-events"),
            "{arguments:?}\n{help}"
        );
    }
    let executer = run(&["executer", "--help"]).stdout;
    assert!(
        executer.contains("table (tableaux lisibles, par défaut)"),
        "{executer}"
    );
}

/// `epic-events completion bash`, loaded by bash, completes `epic-events exe` to
/// `executer` and `epic-events base re` to `reinitialiser`.
#[test]
fn bash_completes_the_commands() {
    let output = run(&["completion", "bash"]);
    assert!(output.success, "{output:?}");
    let directory = tempfile::tempdir().unwrap();
    let script = directory.path().join("epic-events.bash");
    std::fs::write(&script, &output.stdout).unwrap();
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            r#"source "{}"
function_name=$(complete -p epic-events | sed -E 's/.*-F ([^ ]+).*/\1/')
COMP_WORDS=({})
COMP_CWORD={}
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
"$function_name" epic-events "{}" "{}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
            script.display(),
            words.join(" "),
            words.len() - 1,
            words[words.len() - 1],
            words[words.len() - 2],
        );
        let result = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .expect("bash runs");
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        String::from_utf8_lossy(&result.stdout)
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(complete("epic-events exe"), ["executer"]);
    assert_eq!(complete("epic-events base re"), ["reinitialiser"]);
    assert!(complete("epic-events executer --f").contains(&"--format".to_owned()));
}

/// `epic-events manuel` writes a manual page that `man` reads, its sections in French.
#[test]
fn the_manual_page_is_french_roff() {
    let output = run(&["manuel"]);
    assert!(output.success, "{output:?}");
    let page = &output.stdout;
    assert!(page.contains(".TH epic-events 1"), "{page}");
    for section in [".SH NOM", ".SH SYNOPSIS", ".SH COMMANDES"] {
        assert!(
            page.lines().any(|line| line == section),
            "{section}\n{page}"
        );
    }
    for english in [".SH NAME", ".SH SUBCOMMANDS", ".SH EXTRA"] {
        assert!(
            !page.lines().any(|line| line == english),
            "{english}\n{page}"
        );
    }
    assert!(page.contains("executer"), "{page}");
}
