//! Script runs over the demo data, on both backends: one transaction per run, the dry run,
//! the expected-count guard, catchable refusals, French records, and the sandbox.

use crate::support;

use std::time::{Duration, Instant};

use epic_events_core::entities::{contract, customer, event};
use epic_events_core::permissions::Resource;
use epic_events_core::services::journal::ChangeKind;
use sea_orm::{EntityTrait, QueryOrder};
use support::{Script, TestDatabase, contract_id, event_id, snapshot};

/// Signs CTR-2026-0001, assigns support1 to both events without support, creates a
/// contract for Atelier Lumière: four records.
fn four_writes(database_ids: &Ids) -> String {
    format!(
        r#"
        signer_contrat({unsigned});
        assigner_support({seminar}, "support1");
        assigner_support({anniversary}, {support1});
        let nouveau = creer_contrat(#{{ client: {atelier}, montant_total: "1 500,00" }});
        "#,
        unsigned = database_ids.unsigned,
        seminar = database_ids.seminar,
        anniversary = database_ids.anniversary,
        support1 = database_ids.support1,
        atelier = database_ids.atelier,
    )
}

struct Ids {
    unsigned: i32,
    seminar: i32,
    anniversary: i32,
    support1: i32,
    atelier: i32,
}

async fn ids(database: &TestDatabase) -> Ids {
    Ids {
        unsigned: contract_id(database, "CTR-2026-0001").await,
        seminar: event_id(database, "EVT-2026-0001").await,
        anniversary: event_id(database, "EVT-2026-0004").await,
        support1: support::user_id(database, "support1").await,
        atelier: support::customer_id(database, "Atelier Lumière").await,
    }
}

fn stops_quickly(started: Instant) {
    // Generous: this checks that the run ends, not how fast the machine is.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

async fn a_run_commits_all_its_writes(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = ids(&database).await;
    let result = Script::new("manager1", four_writes(&ids))
        .run(&database)
        .await;
    let outcome = result.success();
    assert!(outcome.committed);
    let kinds: Vec<(Resource, ChangeKind, &str)> = outcome
        .changes
        .iter()
        .map(|change| (change.resource, change.kind, change.label.as_str()))
        .collect();
    let new_contract = kinds[3].2.to_owned();
    assert!(new_contract.starts_with("CTR-"), "{new_contract}");
    assert_eq!(
        kinds,
        [
            (Resource::Contract, ChangeKind::Modified, "CTR-2026-0001"),
            (Resource::Event, ChangeKind::Modified, "EVT-2026-0001"),
            (Resource::Event, ChangeKind::Modified, "EVT-2026-0004"),
            (
                Resource::Contract,
                ChangeKind::Created,
                new_contract.as_str()
            ),
        ]
    );
    let signed = contract::Entity::find_by_id(ids.unsigned)
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap();
    assert!(signed.signed);
    let supports: Vec<Option<i32>> = event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.user_support_id)
        .collect();
    assert!(supports.iter().all(Option::is_some), "{supports:?}");
    assert_eq!(database.count(contract::Entity).await, 7);
}

async fn a_failure_after_writes_changes_nothing(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = ids(&database).await;
    let before = snapshot(&database).await;
    let with_events = contract_id(&database, "CTR-2026-0004").await;

    let source = format!("{}\nsupprimer_contrat({with_events});", four_writes(&ids));
    let result = Script::new("manager1", source).run(&database).await;
    assert_eq!(
        result.failure(),
        "le contrat CTR-2026-0004 ne peut pas être supprimé : 2 évènements lui sont rattachés"
    );
    assert!(result.outcome.as_ref().unwrap_err().line.is_some());
    assert_eq!(snapshot(&database).await, before);

    let source = format!("{}\nthrow \"arrêt volontaire\";", four_writes(&ids));
    let result = Script::new("manager1", source).run(&database).await;
    assert_eq!(result.failure(), "arrêt volontaire");
    assert_eq!(snapshot(&database).await, before);
}

async fn refusals_are_catchable_with_the_core_message(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let source = format!(
        r#"
        let message = "";
        try {{ supprimer_contrat({unsigned}); }} catch (erreur) {{ message = erreur; }}
        let doublon = "";
        try {{
            creer_client(#{{ prenom: "Paul", nom: "Durand", email: "paul.durand@maison-durand.fr",
                            telephone: "+33 4 78 00 00 99", entreprise: "Durand Fils" }});
        }} catch (erreur) {{ doublon = erreur; }}
        creer_client(#{{ prenom: "Claire", nom: "Vasseur", email: "claire@vasseur.fr",
                        telephone: "+33 3 20 00 00 01", entreprise: "Vasseur" }});
        [message, doublon]
        "#
    );
    let result = Script::new("sales2", source).run(&database).await;
    result.success();
    assert!(
        result
            .data
            .contains("action refusée : le rôle commercial ne permet pas de supprimer ce contrat"),
        "{}",
        result.data
    );
    assert!(
        result
            .data
            .contains("adresse e-mail : cette valeur est déjà utilisée"),
        "{}",
        result.data
    );
    assert_eq!(
        database.count(customer::Entity).await,
        4,
        "the script went on after catching"
    );
}

async fn the_dry_run_changes_nothing_and_says_what_it_would_do(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = ids(&database).await;
    let before = snapshot(&database).await;
    let result = Script::new("manager1", four_writes(&ids))
        .simulation()
        .run(&database)
        .await;
    let outcome = result.success();
    assert!(!outcome.committed);
    assert_eq!(snapshot(&database).await, before);
    let summary = outcome.summary().unwrap();
    assert!(
        summary.starts_with("Simulation : rien n'a été enregistré. Le script aurait :\n"),
        "{summary}"
    );
    assert!(
        summary.contains("- modifié 1 contrat : CTR-2026-0001\n"),
        "{summary}"
    );
    assert!(summary.contains("- créé 1 contrat : CTR-"), "{summary}");
    assert!(
        summary.ends_with("- modifié 2 évènements : EVT-2026-0001, EVT-2026-0004"),
        "{summary}"
    );
}

async fn the_expected_count_guard(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = ids(&database).await;
    let before = snapshot(&database).await;
    let source = format!("modifications_attendues(5);\n{}", four_writes(&ids));
    let result = Script::new("manager1", source).run(&database).await;
    assert_eq!(
        result.failure(),
        "le script devait modifier 5 enregistrements mais en modifie 4"
    );
    assert_eq!(snapshot(&database).await, before);

    // Modifying the same record twice counts once.
    let source = format!(
        "modifications_attendues(4);\n{}\nmodifier_contrat({}, #{{ reste_a_payer: 100 }});",
        four_writes(&ids),
        ids.unsigned
    );
    let result = Script::new("manager1", source).run(&database).await;
    assert!(result.success().committed);
    assert_ne!(snapshot(&database).await, before);
}

async fn records_read_in_french(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let gala = event_id(&database, "EVT-2026-0002").await;
    let source = format!(
        r#"
        let c = contrat_par_numero("ctr-2026-0002");
        let e = evenement({gala});
        let par_numero = evenement_par_numero("evt-2026-0002");
        let client = client(e.client_id);
        afficher([
            #{{ cle: "type", valeur: type_of(c) }},
            #{{ cle: "montant_total", valeur: c.montant_total }},
            #{{ cle: "reste_a_payer", valeur: c.reste_a_payer }},
            #{{ cle: "paye", valeur: c.montant_total - c.reste_a_payer }},
            #{{ cle: "signe", valeur: c.signe }},
            #{{ cle: "lieu", valeur: e.lieu }},
            #{{ cle: "support", valeur: e.support }},
            #{{ cle: "entreprise", valeur: client.entreprise }},
            #{{ cle: "index", valeur: c["client"] }},
            #{{ cle: "avant", valeur: e.debut < date("01/01/2027 00:00") }},
            #{{ cle: "par_numero", valeur: par_numero.id == e.id }},
            #{{ cle: "contact", valeur: `${{e.email_contact}} ${{e.telephone_contact}}` }},
        ], ["cle", "valeur"]);
        "#
    );
    let result = Script::new("support1", source)
        .format(epic_events_core::scripting::output::OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    assert_eq!(
        result.data,
        "cle,valeur\n\
         type,Contrat\n\
         montant_total,8500.00\n\
         reste_a_payer,3250.50\n\
         paye,5249.50\n\
         signe,true\n\
         lieu,\"Pavillon Ledoyen, 75008 Paris\"\n\
         support,Inès Fontaine\n\
         entreprise,Maison Durand\n\
         index,Maison Durand\n\
         avant,true\n\
         par_numero,true\n\
         contact,paul.durand@maison-durand.fr +33478000002\n"
    );

    let result = Script::new(
        "support1",
        format!("let e = evenement({gala}); e.lieu = \"ailleurs\";"),
    )
    .run(&database)
    .await;
    assert!(
        result
            .failure()
            .starts_with("champ inconnu ou en lecture seule"),
        "{}",
        result.failure()
    );
}

async fn runaway_scripts_stop_with_nothing_written(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let before = snapshot(&database).await;
    for (body, expected) in [
        ("loop { }", "le script a dépassé"),
        (
            "fn descendre(n) { descendre(n + 1) } descendre(0);",
            "le script imbrique trop d'appels",
        ),
        (
            "let texte = \"x\"; loop { texte += texte; }",
            "le script a dépassé une limite de taille : une chaîne de caractères",
        ),
        (
            "let liste = [1]; loop { liste += liste; }",
            "le script a dépassé une limite de taille : un tableau",
        ),
        (
            "let liste = []; loop { liste.push(1); }",
            "le script a dépassé",
        ),
        (
            "let objet = #{}; let i = 0; loop { objet[`c${i}`] = i; i += 1; }",
            "le script a dépassé une limite de taille : un objet dépasse 10000 champs",
        ),
    ] {
        let source = format!("signer_contrat({unsigned});\n{body}");
        let started = Instant::now();
        let result = Script::new("manager1", source).run(&database).await;
        stops_quickly(started);
        let message = result.failure();
        assert!(message.starts_with(expected), "{body}: {message}");
        assert_eq!(snapshot(&database).await, before, "{body}");
    }
}

async fn scripts_reach_no_file_and_no_environment(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let given = directory.path().join("donnees.csv");
    std::fs::write(&given, "a;b\n1;2\n").unwrap();
    let not_given = directory.path().join("secret.csv");
    std::fs::write(&not_given, "a;b\n3;4\n").unwrap();
    let given = given.display().to_string();
    let not_given = not_given.display().to_string();

    let read = |path: &str| format!("lire_csv({path:?})");
    for (source, expected) in [
        (
            read("/etc/passwd"),
            "lire_csv : le fichier « /etc/passwd » n'a pas été donné sur la ligne de commande",
        ),
        (read(&not_given), "lire_csv : le fichier"),
        (read("../../../etc/passwd"), "lire_csv : le fichier"),
        (
            "import \"/etc/passwd\" as secrets;".to_owned(),
            "les scripts ne peuvent pas importer de module",
        ),
        ("env(\"HOME\")".to_owned(), "fonction inconnue"),
        ("eval(\"1 + 1\")".to_owned(), "erreur de syntaxe"),
        ("open(\"/etc/passwd\")".to_owned(), "fonction inconnue"),
    ] {
        let result = Script::new("sales2", source.clone())
            .parameter("fichier", given.clone())
            .run(&database)
            .await;
        let message = result.failure();
        assert!(message.starts_with(expected), "{source}: {message}");
    }
    let result = Script::new(
        "sales2",
        "let lignes = lire_csv(parametres.fichier); lignes[0].b",
    )
    .parameter("fichier", given)
    .run(&database)
    .await;
    result.success();
    assert_eq!(result.data, "2\n");
}

async fn parameters_and_help(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::new(
        "support2",
        r#"print(parametres.lieu); print(parametres.absent ?? "défaut"); aide("signer_contrat"); moi().identifiant"#,
    )
    .parameter("lieu", "Nantes")
    .run(&database)
    .await;
    result.success();
    let lines: Vec<&str> = result.data.lines().collect();
    assert_eq!(lines[0], "Nantes");
    assert_eq!(lines[1], "défaut");
    assert!(
        result.data.contains("signer_contrat(id)"),
        "{}",
        result.data
    );
    assert_eq!(lines.last(), Some(&"support2"));
}

async fn lists_by_page(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let seminar = event_id(&database, "EVT-2026-0001").await;
    let source = format!(
        r#"
        let numeros = |liste| liste.map(|element| element.numero);
        print(numeros.call(contrats(#{{ apres: {after}, limite: 2 }})));
        print(numeros.call(mes_contrats_non_payes(#{{ limite: 1 }})));
        print(numeros.call(evenements_sans_support(#{{ du: "01/01/2026 00:00", limite: 1 }})));
        print(numeros.call(evenements_sans_support(#{{ du: "01/01/2026 00:00", apres: {seminar}, limite: 1 }})));
        print(clients(#{{}}).len());
        "#,
        after = contract_id(&database, "CTR-2026-0002").await,
    );
    let result = Script::new("manager1", source).run(&database).await;
    result.success();
    assert_eq!(
        result.data,
        "[\"CTR-2026-0003\", \"CTR-2026-0004\"]\n[\"CTR-2026-0001\"]\n[\"EVT-2026-0001\"]\n[\"EVT-2026-0004\"]\n3\n"
    );
    let result = Script::new("manager1", "contrats(#{ limite: 0 })")
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "contrats : le champ « limite » doit être un nombre de 1 à 1000"
    );
    let result = Script::new(
        "manager1",
        "evenements_sans_support(#{ apres: 424242, limite: 5 })",
    )
    .run(&database)
    .await;
    assert_eq!(
        result.failure(),
        "après : l'évènement n°424242 n'existe pas (plus)"
    );
}

/// A run that lists the events without support, gives one of them a support, then
/// assigns another support to the whole list, leaves that one to the support it gave it
/// (its reading is stale: the run changed it) and assigns the others: each event's version
/// moves once, and the list shown is of those assigned.
async fn a_run_that_assigns_a_listed_event_then_all_leaves_that_one_as_it_made_it(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let ids = ids(&database).await;
    let support2 = support::user_id(&database, "support2").await;
    let stored = |id: i32| {
        let connection = database.connection.clone();
        async move {
            event::Entity::find_by_id(id)
                .one(&connection)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (seminar, anniversary) = (stored(ids.seminar).await, stored(ids.anniversary).await);
    let result = Script::new(
        "manager1",
        r#"
        let trouves = evenements_sans_support(#{});
        assigner_support(evenement_par_numero("EVT-2026-0001").id, "support2");
        let assignes = assigner_support_en_masse(trouves, "support1");
        print(`${trouves.len()} trouvés, ${assignes.len()} assignés`);
        afficher(assignes, ["numero", "support_id"]);
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Csv)
    .run(&database)
    .await;
    let outcome = result.success();
    assert!(outcome.committed);
    let (seminar_now, anniversary_now) = (stored(ids.seminar).await, stored(ids.anniversary).await);
    assert_eq!(seminar_now.user_support_id, Some(support2));
    assert_eq!(seminar_now.version, seminar.version + 1);
    assert_eq!(anniversary_now.user_support_id, Some(ids.support1));
    assert_eq!(anniversary_now.version, anniversary.version + 1);
    assert_eq!(
        result.data,
        format!("numero,support_id\nEVT-2026-0004,{}\n", ids.support1)
    );
    assert!(
        result.messages.contains("2 trouvés, 1 assignés"),
        "{}",
        result.messages
    );
}

test_on_both_backends!(
    a_run_commits_all_its_writes,
    a_run_that_assigns_a_listed_event_then_all_leaves_that_one_as_it_made_it,
    a_failure_after_writes_changes_nothing,
    refusals_are_catchable_with_the_core_message,
    the_dry_run_changes_nothing_and_says_what_it_would_do,
    the_expected_count_guard,
    records_read_in_french,
    runaway_scripts_stop_with_nothing_written,
    scripts_reach_no_file_and_no_environment,
    parameters_and_help,
    lists_by_page
);

/// A call of an API function with arguments of the wrong number or kind is refused in
/// French — how the function is called, never Rust types — and a script can catch it;
/// the real functions and operators are untouched.
async fn wrong_arguments_are_refused_in_french(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let caught = Script::new(
        "sales2",
        r#"
        let messages = [];
        try { creer_client("Durand") } catch (erreur) { messages.push(erreur) }
        try { client() } catch (erreur) { messages.push(erreur) }
        try { client("2") } catch (erreur) { messages.push(erreur) }
        try { voler(1, "x") } catch (erreur) { messages.push(erreur) }
        try { mes_clients()[0].envoler() } catch (erreur) { messages.push(erreur) }
        fn doubler(n) { n * 2 }
        try { doubler(1, 2) } catch (erreur) { messages.push(erreur) }
        try { "texte".sub_string(true) } catch (erreur) { messages.push(erreur) }
        try { client(999999) } catch (erreur) { messages.push(erreur) }
        let total = 1; total += 2; total *= 2;
        messages.push(`total ${total} ; ${mes_clients().len()} clients ; ${client(mes_clients()[0].id).entreprise}`);
        messages
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Json)
    .run(&database)
    .await;
    caught.success();
    // A list of texts is written as rows of one column, « valeur ».
    let rows: Vec<serde_json::Value> = serde_json::from_str(&caught.data).unwrap();
    let messages: Vec<&str> = rows
        .iter()
        .map(|row| row["valeur"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "creer_client ne s'appelle pas avec (texte) ; elle s'appelle : creer_client(#{prenom, nom, email, telephone, entreprise})",
            "client ne s'appelle pas sans argument ; elle s'appelle : client(id)",
            "client ne s'appelle pas avec (texte) ; elle s'appelle : client(id)",
            "fonction inconnue : voler (appelée avec (nombre entier, texte)) ; aide() liste les fonctions",
            "fonction inconnue : envoler (appelée avec (Client)) ; aide() liste les fonctions",
            "doubler ne s'appelle pas avec (nombre entier, nombre entier) ; elle prend 1 argument",
            "sub_string ne s'appelle pas avec (texte, booléen) ; aide() dit comment l'appeler",
            "client n°999999 introuvable",
            "total 6 ; 2 clients ; Atelier Lumière",
        ]
    );
    let uncaught = Script::new("sales2", "mes_clients(\"tous\")")
        .run(&database)
        .await;
    let failure = uncaught.failure();
    assert_eq!(
        failure,
        "mes_clients ne s'appelle pas avec (texte) ; elle s'appelle : mes_clients() ou mes_clients(#{apres, limite})"
    );
    // Uncaught, an unknown function stops the run with the same words and its line.
    let uncaught = Script::new("sales2", "let n = 1;\nvoler(n)")
        .run(&database)
        .await;
    let failure = uncaught.outcome.as_ref().unwrap_err();
    assert_eq!(
        failure.message,
        "fonction inconnue : voler (appelée avec (nombre entier)) ; aide() liste les fonctions"
    );
    assert_eq!(failure.line, Some(2));
}

test_on_both_backends!(wrong_arguments_are_refused_in_french);

/// The searches of the menus, as script functions: words anywhere, regardless of letter
/// case and accents; a contract number by its start; an empty search refused in French.
async fn scripts_search_like_the_menus(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::new(
        "manager1",
        r#"
        let refus = "";
        try { chercher_clients("  ") } catch (erreur) { refus = erreur }
        [
            chercher_clients("LUMIERE").len(),
            chercher_clients("maison paul").len(),
            chercher_contrats("ctr-2026-000").len(),
            chercher_contrats("Durand").len(),
            chercher_evenements(#{texte: "chateau"}).len(),
            chercher_evenements(#{du: "01/01/2027 00:00", au: "01/04/2027 00:00"}).len(),
            chercher_utilisateurs("fontaine").len(),
            refus,
        ]
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Json)
    .run(&database)
    .await;
    result.success();
    let values: Vec<serde_json::Value> = serde_json::from_str(&result.data).unwrap();
    let values: Vec<String> = values.iter().map(|row| row["valeur"].to_string()).collect();
    assert_eq!(
        values,
        [
            "1",
            "1",
            "6",
            "4",
            "1",
            "2",
            "1",
            "\"recherche : est obligatoire\""
        ],
        "{}",
        result.data
    );
}

test_on_both_backends!(scripts_search_like_the_menus);

/// The values a script run as `username` returns as a list, as JSON text each.
async fn listed_values(database: &TestDatabase, username: &str, source: &str) -> Vec<String> {
    let result = Script::new(username, source)
        .format(epic_events_core::scripting::output::OutputFormat::Json)
        .run(database)
        .await;
    result.success();
    let values: Vec<serde_json::Value> = serde_json::from_str(&result.data).unwrap();
    values.iter().map(|row| row["valeur"].to_string()).collect()
}

/// A record is found by the starts of its words as soon as it is saved (through the
/// full-text index: its words are rare), by its new words once changed and no longer
/// once deleted; a search without a letter or a digit is refused. « com » is found too:
/// the MariaDB index has no stop words.
async fn records_are_found_by_their_words_as_soon_as_saved(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    // Enough customers for a word found once to be searched through the index.
    let sales1 = support::session(&database, "sales1").await;
    support::add_customers(
        &database,
        &sales1,
        (1..=30).map(|number| (number, format!("Entreprise {number}"))),
    )
    .await;
    let created = listed_values(
        &database,
        "sales1",
        r#"
        let client = creer_client(#{ prenom: "Zéphyrin", nom: "Quintal", email: "zq@xylo.com",
                                     telephone: "+33 1 42 00 00 77",
                                     entreprise: "Œuvres Xylographiques" });
        [client.id]
        "#,
    )
    .await;
    let customer = &created[0];
    let searches = r#"
        let refus = "";
        try { chercher_clients("-- !") } catch (erreur) { refus = erreur }
        [
            chercher_clients("zephyr").len(),
            chercher_clients("OEUVRES xylo").len(),
            chercher_clients("quintal z").len(),
            chercher_clients("xylo com").len(),
            chercher_clients("uintal").len(),
            chercher_clients("ebenisterie wolf").len(),
            refus,
        ]
    "#;
    assert_eq!(
        listed_values(&database, "manager1", searches).await,
        [
            "1",
            "1",
            "1",
            "1",
            "0",
            "0",
            "\"recherche : doit contenir au moins une lettre ou un chiffre\""
        ]
    );
    listed_values(
        &database,
        "sales1",
        &format!(r#"[modifier_client({customer}, #{{ entreprise: "Ébénisterie Wolfram" }}).id]"#),
    )
    .await;
    assert_eq!(
        listed_values(&database, "manager1", searches).await[..6],
        // « xylo com » still finds the e-mail address.
        ["1", "0", "1", "1", "0", "1"]
    );
    let user = listed_values(
        &database,
        "manager1",
        r#"[creer_utilisateur(#{ prenom: "Ophélie", nom: "Nguyễn", email: "ophelie@exemple.fr",
                                telephone: "+33 1 42 00 00 78", identifiant: "onguyen",
                                mot_de_passe: "un mot de passe solide", role: "support" }).id]"#,
    )
    .await;
    let found = r#"[chercher_utilisateurs("nguyen oph").len()]"#;
    assert_eq!(listed_values(&database, "manager1", found).await, ["1"]);
    listed_values(
        &database,
        "manager1",
        &format!("supprimer_utilisateur({}); [0]", user[0]),
    )
    .await;
    assert_eq!(listed_values(&database, "manager1", found).await, ["0"]);
}

test_on_both_backends!(records_are_found_by_their_words_as_soon_as_saved);

/// A contract number ending in 9 is found by its number on both backends (MySQL's
/// collation sorts punctuation before digits: the end of the searched range must not be
/// `…000:`).
async fn a_contract_number_ending_in_9_is_found(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::new(
        "manager1",
        r#"
        let dernier = ();
        for i in 0..3 { dernier = creer_contrat(#{client: 1, montant_total: "100"}); }
        [dernier.numero, chercher_contrats(dernier.numero).len(), chercher_contrats(dernier.numero.sub_string(0, 12)).len()]
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Json)
    .run(&database)
    .await;
    result.success();
    let values: Vec<serde_json::Value> = serde_json::from_str(&result.data).unwrap();
    let number = values[0]["valeur"].as_str().unwrap().to_owned();
    assert!(number.ends_with("0009"), "{number}");
    assert_eq!(values[1]["valeur"], 1, "{}", result.data);
    // `CTR-AAAA-000`: the nine contracts.
    assert_eq!(values[2]["valeur"], 9, "{}", result.data);
}

test_on_both_backends!(a_contract_number_ending_in_9_is_found);

/// Every function that takes a contract or an event accepts the number people see
/// (`"CTR-2026-0002"`, `"evt-2026-0003"` in any letter case) as well as its internal
/// number: `enregistrer_paiement("CTR-2026-0002", "100")` is what a person types.
async fn functions_take_the_numbers_people_see(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::new(
        "manager1",
        r#"
        let paye = enregistrer_paiement("CTR-2026-0002", "100");
        let signe = signer_contrat("ctr-2026-0001");
        let lu = contrat("CTR-2026-0005");
        let modifie = modifier_contrat("CTR-2026-0005", #{montant_total: "9900"});
        let evenement = evenement("evt-2026-0003");
        let assigne = assigner_support("EVT-2026-0004", "support1");
        [paye.reste_a_payer, signe.signe, lu.numero, modifie.montant_total, evenement.numero, assigne.support]
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Json)
    .run(&database)
    .await;
    result.success();
    let values: Vec<serde_json::Value> = serde_json::from_str(&result.data).unwrap();
    let values: Vec<&serde_json::Value> = values.iter().map(|value| &value["valeur"]).collect();
    assert_eq!(values[0], "3150.50", "{}", result.data);
    assert_eq!(values[1], true, "{}", result.data);
    assert_eq!(values[2], "CTR-2026-0005", "{}", result.data);
    assert_eq!(values[3], "9900.00", "{}", result.data);
    assert_eq!(values[4], "EVT-2026-0003", "{}", result.data);
    assert_eq!(values[5], "Inès Fontaine", "{}", result.data);

    // A number that names nothing, and a customer (which has no such number), are said.
    for (source, expected) in [
        (
            r#"enregistrer_paiement("CTR-2026-9999", "1")"#,
            "numéro de contrat : aucun contrat ne porte le numéro « CTR-2026-9999 »",
        ),
        (
            r#"modifier_client("Maison Durand", #{prenom: "Paul"})"#,
            "client : son numéro interne est attendu, pas « Maison Durand »",
        ),
    ] {
        let result = Script::new("manager1", source).run(&database).await;
        assert_eq!(result.failure(), expected, "{source}");
    }
}

test_on_both_backends!(functions_take_the_numbers_people_see);

/// A record asked for by a command reads as the menus' card: the screens' labels, no
/// internal number of a related record, none of its own when it has a visible number,
/// phones formatted.
async fn command_cards_read_like_the_screens(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let customer = Script::new("sales2", "client(1)").run(&database).await;
    customer.success();
    assert!(
        customer
            .data
            .contains("  Adresse e-mail : sophie.laurent@atelier-lumiere.fr\n"),
        "{}",
        customer.data
    );
    assert!(
        customer
            .data
            .contains("  Téléphone      : +33 1 42 00 00 01\n"),
        "{}",
        customer.data
    );
    assert!(
        customer.data.contains("  Numéro         : 1\n"),
        "{}",
        customer.data
    );
    assert!(!customer.data.contains(" id "), "{}", customer.data);
    let contract = Script::new("sales2", r#"contrat("CTR-2026-0002")"#)
        .run(&database)
        .await;
    contract.success();
    assert!(
        contract
            .data
            .starts_with("  Numéro        : CTR-2026-0002\n"),
        "{}",
        contract.data
    );
    assert!(
        !contract.data.to_lowercase().contains(" id"),
        "{}",
        contract.data
    );
    // Columns a script chose are shown as chosen, internal numbers included.
    let chosen = Script::new("sales2", r#"afficher(mes_contrats(), ["id", "numero"])"#)
        .run(&database)
        .await;
    chosen.success();
    assert!(chosen.data.contains("│ id │ numéro"), "{}", chosen.data);
}

test_on_both_backends!(command_cards_read_like_the_screens);

/// `afficher` takes the list it is given by reference (a variable is lent, not copied):
/// however it is given — a constant, a variable, as a method's object, captured by a
/// closure — it is shown alike, the columns chosen in the order chosen and only those, and
/// the list is whole afterwards. What is shown cannot tell a loan from a copy: this guards
/// the behaviour, docs/benchmarks.md the speed.
async fn a_list_is_shown_alike_however_it_is_given(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let script = Script::new(
        "manager1",
        r#"
        const liste = contrats();
        afficher(liste, ["signe", "numero"]);
        liste.afficher(["signe", "numero"]);
        let variable = contrats();
        afficher(variable, ["signe", "numero"]);
        let montrer = || afficher(variable, ["signe", "numero"]);
        montrer.call();
        print(`${liste.len()} ${variable.len()} ${type_of(liste[0])}`);
        "#,
    )
    .format(epic_events_core::scripting::output::OutputFormat::Csv)
    .run(&database)
    .await;
    script.success();
    let tables: Vec<&str> = script
        .data
        .split("signe,numero\n")
        .map(str::trim)
        .filter(|table| !table.is_empty())
        .collect();
    assert_eq!(tables.len(), 4, "{}", script.data);
    let first = tables[0].lines().next().unwrap_or_default();
    assert!(
        first.starts_with("true,CTR-") || first.starts_with("false,CTR-"),
        "{}",
        script.data
    );
    assert!(
        tables.iter().all(|table| *table == tables[0]),
        "{}",
        script.data
    );
    let contracts = tables[0].lines().count();
    assert!(
        script
            .messages
            .contains(&format!("{contracts} {contracts} Contrat")),
        "{}",
        script.messages
    );
}

test_on_both_backends!(a_list_is_shown_alike_however_it_is_given);
