//! The scripts of `scripts/`, run on the demo data on both backends, with their output
//! checked exactly and the database checked afterwards.

use crate::support;

use epic_events_core::entities::contract;
use epic_events_core::scripting::output::OutputFormat;
use sea_orm::{EntityTrait, QueryOrder};
use support::{Script, TestDatabase, event_supports, user_id};

/// (contract number, balance due as text) of every contract, in id order.
async fn balances(database: &TestDatabase) -> Vec<(String, String)> {
    contract::Entity::find()
        .order_by_asc(contract::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.contract_number, row.balance_due.to_string()))
        .collect()
}

fn payments_file(directory: &tempfile::TempDir, content: &str) -> String {
    let path = directory.path().join("paiements.csv");
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

async fn unpaid_contracts_per_sales_person(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::bundled("manager2", "impayes_par_commercial")
        .run(&database)
        .await;
    assert!(result.success().changes.is_empty());
    assert_eq!(
        result.data,
        "\
Contrats non payés, signés ou non, par commercial
╭──────────────┬──────────┬───────────────┬───────────────╮
│ commercial   │ contrats │ montant total │ reste à payer │
├──────────────┼──────────┼───────────────┼───────────────┤
│ Hugo Lefèvre │        2 │   20 500,00 € │   15 250,50 € │
│ Léa Moreau   │        1 │    9 800,00 € │    9 800,00 € │
│ Total        │        3 │   30 300,00 € │   25 050,50 € │
╰──────────────┴──────────┴───────────────┴───────────────╯
"
    );

    let result = Script::bundled("support1", "impayes_par_commercial")
        .parameter("detail", "oui")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    assert_eq!(
        result.data,
        "commercial,contrats,montant_total,reste_a_payer\n\
         Hugo Lefèvre,2,20500.00,15250.50\n\
         Léa Moreau,1,9800.00,9800.00\n\
         Total,3,30300.00,25050.50\n\
         \n\
         commercial,numero,client,signe,montant_total,reste_a_payer\n\
         Hugo Lefèvre,CTR-2026-0001,Maison Durand,false,12000.00,12000.00\n\
         Hugo Lefèvre,CTR-2026-0002,Maison Durand,true,8500.00,3250.50\n\
         Léa Moreau,CTR-2026-0005,Brasserie des Quais,true,9800.00,9800.00\n"
    );
}

/// In JSON the total is a field of its own, never a row a tool would add to the others.
async fn totals_are_not_rows_in_json(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for script in ["impayes_par_commercial", "activite_par_commercial"] {
        let result = Script::bundled("manager1", script)
            .format(OutputFormat::Json)
            .run(&database)
            .await;
        result.success();
        let report: serde_json::Value = serde_json::from_str(&result.data).unwrap();
        let rows = report["lignes"].as_array().expect("the rows");
        assert!(!rows.is_empty(), "{report}");
        assert!(
            rows.iter().all(|row| row["commercial"] != "Total"),
            "{report}"
        );
        assert_eq!(report["total"]["commercial"], "Total", "{report}");
    }
    let result = Script::bundled("manager1", "impayes_par_commercial")
        .format(OutputFormat::Json)
        .run(&database)
        .await;
    let report: serde_json::Value = serde_json::from_str(&result.data).unwrap();
    assert_eq!(
        report["total"],
        serde_json::json!({
            "commercial": "Total",
            "contrats": 3,
            "montant_total": "30300.00",
            "reste_a_payer": "25050.50"
        })
    );
    assert_eq!(
        result.messages,
        "Contrats non payés, signés ou non, par commercial\n"
    );
}

test_on_both_backends!(totals_are_not_rows_in_json);

async fn events_without_support_soonest_first(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::bundled("sales1", "evenements_sans_support")
        .parameter("du", "01/01/2026 00:00")
        .format(OutputFormat::Json)
        .run(&database)
        .await;
    result.success();
    let events: serde_json::Value = serde_json::from_str(&result.data).unwrap();
    assert_eq!(
        events,
        serde_json::json!([
            {
                "numero": "EVT-2026-0001",
                "debut": "2027-03-18T08:00:00Z",
                "fin": "2027-03-18T17:00:00Z",
                "nom": "Séminaire annuel Maison Durand",
                "client": "Maison Durand",
                "lieu": "Château de Chantilly, 60500 Chantilly",
                "participants": 120
            },
            {
                "numero": "EVT-2026-0004",
                "debut": "2027-06-05T10:00:00Z",
                "fin": "2027-06-05T18:00:00Z",
                "nom": "Dix ans de la Brasserie des Quais",
                "client": "Brasserie des Quais",
                "lieu": "Île de Nantes, 44200 Nantes",
                "participants": 150
            }
        ])
    );
    assert_eq!(
        result.messages,
        "Évènements sans support commençant à partir du 01/01/2026 00:00\n2 évènement(s) sans support.\n"
    );

    for (parameters, expected) in [
        (
            vec![("du", "01/01/2026 00:00"), ("lieu", "nantes")],
            "EVT-2026-0004\n1 évènement(s) sans support.\n",
        ),
        (
            vec![("du", "01/01/2026 00:00"), ("au", "01/04/2027 00:00")],
            "EVT-2026-0001\n1 évènement(s) sans support.\n",
        ),
        (
            vec![("du", "01/07/2027 00:00")],
            "0 évènement(s) sans support.\n",
        ),
    ] {
        let mut script = Script::new(
            "sales1",
            Script::bundled("sales1", "evenements_sans_support").source.replace(
                "afficher(evenements, [\"numero\", \"debut\", \"fin\", \"nom\", \"client\", \"lieu\", \"participants\"]);",
                "for evenement in evenements { print(evenement.numero); }",
            ),
        );
        for (key, value) in &parameters {
            script = script.parameter(key, *value);
        }
        let result = script.run(&database).await;
        result.success();
        let from = parameters[0].1;
        let heading = format!("Évènements sans support commençant à partir du {from}\n");
        assert_eq!(
            result.data,
            format!("{heading}{expected}"),
            "{parameters:?}"
        );
    }
}

async fn activity_per_sales_person(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let result = Script::bundled("sales3", "activite_par_commercial")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    assert_eq!(
        result.data,
        "commercial,clients,contrats_signes,montant_signe,montant_encaisse,reste_a_payer\n\
         Camille Bernard,0,0,0.00,0.00,0.00\n\
         Hugo Lefèvre,2,3,27700.00,24449.50,3250.50\n\
         Léa Moreau,1,2,31800.00,22000.00,9800.00\n\
         Total,3,5,59500.00,46449.50,13050.50\n"
    );
}

/// The reports name each sales user by their full name; their login name only to
/// management, who may read users.
async fn reports_show_login_names_to_management_only(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for (username, shown) in [("manager1", true), ("sales2", false), ("support1", false)] {
        let result = Script::new(
            username,
            "afficher(impayes_par_commercial(), [\"commercial\", \"identifiant\"]); \
             afficher(activite_par_commercial(), [\"commercial\", \"identifiant\"]);",
        )
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
        result.success();
        let expected = if shown {
            "commercial,identifiant\nHugo Lefèvre,sales2\nLéa Moreau,sales3\n\n\
             commercial,identifiant\nCamille Bernard,sales1\nHugo Lefèvre,sales2\nLéa Moreau,sales3\n"
        } else {
            "commercial,identifiant\nHugo Lefèvre,\nLéa Moreau,\n\n\
             commercial,identifiant\nCamille Bernard,\nHugo Lefèvre,\nLéa Moreau,\n"
        };
        assert_eq!(result.data, expected, "{username}");
    }
}

async fn bulk_assignment_changes_exactly_the_matching_events(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let support1 = user_id(&database, "support1").await;
    let support2 = user_id(&database, "support2").await;
    let before = event_supports(&database).await;
    let assign = || Script::bundled("manager1", "assigner_support");

    // No criterion, no `tous=oui`: refused.
    let result = assign()
        .parameter("support", "support2")
        .run(&database)
        .await;
    assert!(
        result.failure().starts_with("précisez au moins un critère"),
        "{}",
        result.failure()
    );
    // Management only.
    let result = Script::bundled("sales2", "assigner_support")
        .parameter("support", "support2")
        .parameter("lieu", "Nantes")
        .parameter("passes", "oui")
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "action refusée : le rôle commercial ne permet pas de modifier cet évènement"
    );
    // A support user is required.
    let result = assign()
        .parameter("support", "sales1")
        .parameter("lieu", "Nantes")
        .parameter("passes", "oui")
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "support : l'utilisateur « sales1 » n'est pas un membre du support"
    );
    // The dry run says which events; the guard refuses a count that differs.
    let result = assign()
        .parameter("support", "support2")
        .parameter("lieu", "Nantes")
        .parameter("passes", "oui")
        .simulation()
        .run(&database)
        .await;
    assert_eq!(
        result.success().summary().unwrap(),
        "Simulation : rien n'a été enregistré. Le script aurait :\n- modifié 1 évènement : EVT-2026-0004"
    );
    let result = assign()
        .parameter("support", "support2")
        .parameter("lieu", "Nantes")
        .parameter("passes", "oui")
        .parameter("attendu", "2")
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "le script devait modifier 2 enregistrements mais en modifie 1"
    );
    assert_eq!(event_supports(&database).await, before);

    // Location: only the unassigned event in Nantes, not the one support2 already has.
    let result = assign()
        .parameter("support", "support2")
        .parameter("lieu", "Nantes")
        .parameter("passes", "oui")
        .parameter("attendu", "1")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    assert_eq!(
        result.data,
        "numero,debut,nom,client,lieu,support\n\
         EVT-2026-0004,2027-06-05T10:00:00Z,Dix ans de la Brasserie des Quais,Brasserie des Quais,\"Île de Nantes, 44200 Nantes\",Thomas Mercier\n"
    );
    let mut expected = before.clone();
    expected[3].1 = Some(support2);
    assert_eq!(event_supports(&database).await, expected);

    // Date range: the seminar in March 2027, by the support user's id.
    let result = assign()
        .parameter("support", support1.to_string())
        .parameter("du", "01/01/2027 00:00")
        .parameter("au", "31/03/2027 00:00")
        .run(&database)
        .await;
    result.success();
    expected[0].1 = Some(support1);
    assert_eq!(event_supports(&database).await, expected);

    // Nothing left to assign.
    let result = assign()
        .parameter("support", "support1")
        .parameter("tous", "oui")
        .run(&database)
        .await;
    assert!(result.success().changes.is_empty());
    assert_eq!(
        result.data,
        "Évènements sans support à venir (passes=oui pour les passés aussi)\n(aucun résultat)\n"
    );
}

async fn payment_import_lowers_balances_exactly(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let before = balances(&database).await;

    // Above the balance on the second line: the first payment is undone too.
    let file = payments_file(
        &directory,
        "numero;montant\nCTR-2026-0005;800\nCTR-2026-0002;3 250,51\n",
    );
    let result = Script::bundled("manager1", "importer_paiements")
        .parameter("fichier", file)
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "ligne 3 (CTR-2026-0002) : montant payé : 3 250,51 € dépasse le reste à payer du contrat CTR-2026-0002 (3 250,50 €)"
    );
    assert_eq!(balances(&database).await, before);

    let file = payments_file(&directory, "numero;montant\nCTR-2026-9999;10\n");
    let result = Script::bundled("manager1", "importer_paiements")
        .parameter("fichier", file)
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "ligne 2 (CTR-2026-9999) : numéro de contrat : aucun contrat ne porte le numéro « CTR-2026-9999 »"
    );

    // Support users cannot record payments.
    let file = payments_file(&directory, "numero;montant\nCTR-2026-0002;1\n");
    let result = Script::bundled("support1", "importer_paiements")
        .parameter("fichier", file)
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "action refusée : le rôle support ne permet pas de modifier ce contrat"
    );
    assert_eq!(balances(&database).await, before);
    // Nor sales users on another's customers' contracts: the line is named.
    let result = Script::bundled("sales3", "importer_paiements")
        .parameter(
            "fichier",
            payments_file(
                &directory,
                "numero;montant\nCTR-2026-0005;1\nCTR-2026-0002;1\n",
            ),
        )
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "ligne 3 (CTR-2026-0002) : action refusée : vous ne pouvez modifier que les contrats de vos clients"
    );
    assert_eq!(balances(&database).await, before);

    // Two payments on one contract, one on another; a sales user on their customers'.
    let file = payments_file(
        &directory,
        "numero,montant\nCTR-2026-0002,\"1 250,50\"\nCTR-2026-0001,0.01\nctr-2026-0002,2000\n",
    );
    let result = Script::bundled("sales2", "importer_paiements")
        .parameter("fichier", file)
        .parameter("attendu", "2")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    assert_eq!(
        result.data,
        "ligne,numero,client,paye,reste_a_payer\n\
         2,CTR-2026-0002,Maison Durand,1250.50,2000.00\n\
         3,CTR-2026-0001,Maison Durand,0.01,11999.99\n\
         4,CTR-2026-0002,Maison Durand,2000.00,0.00\n"
    );
    let mut expected = before.clone();
    expected[0].1 = "11999.99".to_owned();
    expected[1].1 = "0.00".to_owned();
    assert_eq!(balances(&database).await, expected);
}

/// A file of 100,000 payments, generated: read and recorded in one run, exactly; one
/// line refused near its end and nothing of the file is written.
async fn a_hundred_thousand_payments_are_imported(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let directory = tempfile::tempdir().unwrap();
    let before = balances(&database).await;
    let contracts = ["CTR-2026-0001", "CTR-2026-0002", "CTR-2026-0005"];
    let mut lines = String::from("numero;montant\n");
    for index in 0..100_000 {
        lines.push_str(&format!("{};0,01\n", contracts[index % 3]));
    }
    // The same file, but for one payment above what will be left, at line 99,998.
    let refused: String = lines
        .lines()
        .enumerate()
        .map(|(index, line)| {
            if index + 1 == 99_998 {
                "CTR-2026-0002;5000\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let file = payments_file(&directory, &refused);
    let result = Script::bundled("manager1", "importer_paiements")
        .parameter("fichier", file)
        .run(&database)
        .await;
    assert_eq!(
        result.failure(),
        "ligne 99998 (CTR-2026-0002) : montant payé : 5 000,00 € dépasse le reste à payer du contrat CTR-2026-0002 (2 917,18 €)"
    );
    assert_eq!(balances(&database).await, before);

    let file = payments_file(&directory, &lines);
    let result = Script::bundled("manager1", "importer_paiements")
        .parameter("fichier", file)
        .parameter("attendu", "3")
        .format(OutputFormat::Csv)
        .run(&database)
        .await;
    result.success();
    let rows: Vec<&str> = result.data.lines().collect();
    assert_eq!(rows.len(), 100_001);
    assert_eq!(rows[0], "ligne,numero,client,paye,reste_a_payer");
    assert_eq!(rows[1], "2,CTR-2026-0001,Maison Durand,0.01,11999.99");
    assert_eq!(
        rows[100_000],
        "100001,CTR-2026-0001,Maison Durand,0.01,11666.66"
    );
    let after = balances(&database).await;
    let balance_of = |number: &str| {
        after
            .iter()
            .find(|(candidate, _)| candidate == number)
            .unwrap()
            .1
            .clone()
    };
    // 33,334 payments of 0,01 on the first, 33,333 on each of the others.
    assert_eq!(balance_of("CTR-2026-0001"), "11666.66");
    assert_eq!(balance_of("CTR-2026-0002"), "2917.17");
    assert_eq!(balance_of("CTR-2026-0005"), "9466.67");
}

test_on_both_backends!(slow: a_hundred_thousand_payments_are_imported);

test_on_both_backends!(
    and_through_json:
    unpaid_contracts_per_sales_person,
    events_without_support_soonest_first,
    activity_per_sales_person,
    reports_show_login_names_to_management_only,
    bulk_assignment_changes_exactly_the_matching_events,
    payment_import_lowers_balances_exactly
);

/// The report and the bulk assignment choose the same events for the same parameters:
/// those to come by default (both say so), the past ones too with `passes=oui`. The
/// seminar is moved to last year, unassigned: a past event in Chantilly and one to come in
/// Nantes remain without support.
async fn the_report_and_the_bulk_assignment_choose_the_same_events(
    backend: crate::support::Backend,
) {
    use epic_events_core::entities::event;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let database = TestDatabase::with_demo_data(backend).await;
    let seminar = support::event_id(&database, "EVT-2026-0001").await;
    let last_year = chrono::Utc::now() - chrono::Duration::days(365);
    event::ActiveModel {
        id: Set(seminar),
        start_datetime: Set(last_year),
        end_datetime: Set(last_year + chrono::Duration::hours(8)),
        ..Default::default()
    }
    .update(&database.connection)
    .await
    .unwrap();
    let numbers = |data: &str| -> Vec<String> {
        let mut found: Vec<String> = data
            .lines()
            .filter_map(|line| line.split(',').next())
            .filter(|cell| cell.starts_with("EVT-"))
            .map(str::to_owned)
            .collect();
        found.sort();
        found
    };
    let since_2020 = "Évènements sans support commençant à partir du 01/01/2020";
    for (parameters, expected, heading) in [
        (
            vec![],
            vec!["EVT-2026-0004"],
            "Évènements sans support à venir (passes=oui pour les passés aussi)",
        ),
        (
            vec![("passes", "oui")],
            vec!["EVT-2026-0001", "EVT-2026-0004"],
            "Évènements sans support, passés compris",
        ),
        (
            vec![("lieu", "nantes")],
            vec!["EVT-2026-0004"],
            "Évènements sans support à venir (passes=oui pour les passés aussi)",
        ),
        (
            vec![("lieu", "Chantilly")],
            vec![],
            "Évènements sans support à venir (passes=oui pour les passés aussi)",
        ),
        (
            vec![("lieu", "Chantilly"), ("passes", "oui")],
            vec!["EVT-2026-0001"],
            "Évènements sans support, passés compris",
        ),
        (
            vec![("du", "01/01/2020")],
            vec!["EVT-2026-0001", "EVT-2026-0004"],
            since_2020,
        ),
        (
            vec![("du", "01/01/2020"), ("au", "01/01/2027")],
            vec!["EVT-2026-0001"],
            since_2020,
        ),
        (
            vec![("du", "01/01/2020"), ("lieu", "nantes")],
            vec!["EVT-2026-0004"],
            since_2020,
        ),
    ] {
        let mut report =
            Script::bundled("manager1", "evenements_sans_support").format(OutputFormat::Csv);
        // `tous=oui`: no other criterion, as the report's parameters.
        let mut assignment = Script::bundled("manager1", "assigner_support")
            .parameter("support", "support1")
            .parameter("tous", "oui")
            .format(OutputFormat::Csv)
            .simulation();
        for (key, value) in &parameters {
            report = report.parameter(key, *value);
            assignment = assignment.parameter(key, *value);
        }
        let reported = report.run(&database).await;
        reported.success();
        let simulated = assignment.run(&database).await;
        simulated.success();
        assert_eq!(numbers(&reported.data), expected, "{parameters:?}");
        assert_eq!(numbers(&simulated.data), expected, "{parameters:?}");
        assert!(
            reported.messages.starts_with(heading),
            "{}",
            reported.messages
        );
        assert!(
            simulated.messages.starts_with(heading),
            "{}",
            simulated.messages
        );
    }
}

test_on_both_backends!(the_report_and_the_bulk_assignment_choose_the_same_events);
