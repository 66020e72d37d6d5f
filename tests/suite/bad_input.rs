//! The bad-input table: every rejected input gets its own French message naming the field
//! and the rule, and nothing is written. On both backends.

use crate::support;

use std::future::Future;
use std::pin::Pin;

use epic_events_api::ApiError;
use epic_events_core::paging::PageRequest;
use epic_events_core::permissions::Role;
use epic_events_core::services::contract_service::{ContractChanges, NewContract};
use epic_events_core::services::customer_service::{CustomerChanges, NewCustomer};
use epic_events_core::services::event_service::{
    EventChanges, EventList, EventSearch, NewEvent, SupportUser,
};
use epic_events_core::services::user_service::{NewUserInput, UserChanges};
use support::{
    Script, TestDatabase, api_session, contract_id, customer_id, event_id, snapshot, user_id,
};

type Operation<'a> = Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>>;

/// Boxes a call of the API, forgetting what it returns on success.
macro_rules! operation {
    ($call:expr) => {
        Box::pin(async { $call.await.map(|_| ()) }) as Operation<'_>
    };
}

fn customer_input() -> NewCustomer {
    NewCustomer {
        first_name: "Claire".into(),
        last_name: "Vasseur".into(),
        email: "claire.vasseur@vasseur-traiteur.fr".into(),
        phone_number: "+33 3 20 00 00 01".into(),
        company_name: "Vasseur Traiteur".into(),
    }
}

fn user_input() -> NewUserInput {
    NewUserInput {
        first_name: "Yanis".into(),
        last_name: "Benali".into(),
        email: "yanis.benali@epic-events.fr".into(),
        phone_number: "+33 6 40 00 00 01".into(),
        username: "support3".into(),
        password: "un mot de passe solide".into(),
    }
}

fn event_input(contract_id: i32) -> NewEvent {
    NewEvent {
        contract_id,
        event_name: "Cocktail de printemps".into(),
        start: "2027-04-10T18:00:00+02:00".into(),
        end: "2027-04-10T22:00:00+02:00".into(),
        location: "Lyon".into(),
        attendees: 50,
        note: String::new(),
    }
}

async fn each_bad_input_is_refused_with_its_message_and_nothing_written(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let manager1 = api_session(&database, "manager1").await;
    let sales2 = api_session(&database, "sales2").await;
    let support1 = api_session(&database, "support1").await;
    let durand = customer_id(&database, "Maison Durand").await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let partly_paid = contract_id(&database, "CTR-2026-0002").await;
    let with_events = contract_id(&database, "CTR-2026-0004").await;
    let gala = event_id(&database, "EVT-2026-0002").await;
    let seminar = event_id(&database, "EVT-2026-0001").await;
    let sales1 = user_id(&database, "sales1").await;
    let sales2_id = sales2.user.id;
    let manager2 = user_id(&database, "manager2").await;
    let support1_id = support1.user.id;
    let long = |length: usize| "x".repeat(length);

    let cases: Vec<(&str, String, Operation<'_>)> = vec![
        // Customers (sales2).
        ("e-mail without @", "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: "claire.vasseur.fr".into(), ..customer_input() }))),
        ("e-mail without domain dot", "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: "claire@localhost".into(), ..customer_input() }))),
        ("e-mail with a space", "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: "claire vasseur@exemple.fr".into(), ..customer_input() }))),
        ("duplicate customer e-mail", "adresse e-mail : cette valeur est déjà utilisée".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: "PAUL.DURAND@maison-durand.fr".into(), ..customer_input() }))),
        ("duplicate customer phone", "téléphone : cette valeur est déjà utilisée".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { phone_number: "+33 2 40 00 00 03".into(), ..customer_input() }))),
        ("duplicate company", "entreprise : cette valeur est déjà utilisée".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { company_name: "Brasserie des Quais".into(), ..customer_input() }))),
        ("phone with letters", "téléphone : n'est pas un numéro de téléphone valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { phone_number: "06 12 AB CD EF".into(), ..customer_input() }))),
        ("empty first name", "prénom : est obligatoire".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { first_name: "".into(), ..customer_input() }))),
        ("blank last name", "nom : est obligatoire".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { last_name: "   ".into(), ..customer_input() }))),
        ("over-long company", "entreprise : ne peut pas dépasser 150 caractères".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { company_name: long(151), ..customer_input() }))),
        ("over-long e-mail", "adresse e-mail : ne peut pas dépasser 254 caractères".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: format!("{}@exemple.fr", long(250)), ..customer_input() }))),
        ("control character in a name", "prénom : ne peut pas contenir de caractères de contrôle".into(),
         operation!(sales2.crm.update_customer(&sales2.token, durand, CustomerChanges { first_name: Some("Paul\u{1b}[31m".into()), ..Default::default() }, None))),
        ("deleting a customer that has contracts", "le client Maison Durand ne peut pas être supprimé : 4 contrats lui sont rattachés".into(),
         operation!(sales2.crm.delete_customer(&sales2.token, durand))),
        // Contracts (manager1).
        ("negative total", "montant total : ne peut pas être négatif".into(),
         operation!(manager1.crm.create_contract(&manager1.token, NewContract { customer_id: durand, total_amount: "-100".into(), balance_due: None, signed: false }))),
        ("negative balance", "reste à payer : ne peut pas être négatif".into(),
         operation!(manager1.crm.update_contract(&manager1.token, partly_paid, ContractChanges { balance_due: Some("-0,01".into()), ..Default::default() }, None))),
        ("three decimals", "montant total : ne peut pas avoir plus de deux décimales".into(),
         operation!(manager1.crm.create_contract(&manager1.token, NewContract { customer_id: durand, total_amount: "100.005".into(), balance_due: None, signed: false }))),
        ("balance above total", "reste à payer : ne peut pas dépasser le montant total (1 000,00 €)".into(),
         operation!(manager1.crm.create_contract(&manager1.token, NewContract { customer_id: durand, total_amount: "1000".into(), balance_due: Some("1000.01".into()), signed: false }))),
        ("amount that is not a number", "montant total : n'est pas un montant (exemple : 1234,50)".into(),
         operation!(manager1.crm.create_contract(&manager1.token, NewContract { customer_id: durand, total_amount: "mille euros".into(), balance_due: None, signed: false }))),
        ("contract for a missing customer", "client : le client n°424242 n'existe pas".into(),
         operation!(manager1.crm.create_contract(&manager1.token, NewContract { customer_id: 424242, total_amount: "10".into(), balance_due: None, signed: false }))),
        ("unsigning a signed contract", "signé : un contrat signé ne peut pas redevenir non signé".into(),
         operation!(manager1.crm.update_contract(&manager1.token, partly_paid, ContractChanges { signed: Some(false), ..Default::default() }, None))),
        ("payment above the balance", "montant payé : 3 250,51 € dépasse le reste à payer du contrat CTR-2026-0002 (3 250,50 €)".into(),
         operation!(manager1.crm.record_payment(&manager1.token, partly_paid, "3 250,51".into()))),
        ("zero payment", "montant payé : doit être supérieur à zéro".into(),
         operation!(manager1.crm.record_payment(&manager1.token, partly_paid, "0,00".into()))),
        ("negative payment", "montant payé : ne peut pas être négatif".into(),
         operation!(manager1.crm.record_payment(&manager1.token, partly_paid, "-10".into()))),
        ("payment that is not a number", "montant payé : n'est pas un montant (exemple : 1234,50)".into(),
         operation!(manager1.crm.record_payment(&manager1.token, partly_paid, "beaucoup".into()))),
        ("unknown contract number", "numéro de contrat : aucun contrat ne porte le numéro « CTR-1999-0001 »".into(),
         operation!(manager1.crm.contract_by_number(&manager1.token, "ctr-1999-0001".into()))),
        ("unknown support username", "support : aucun utilisateur « personne »".into(),
         operation!(manager1.crm.update_event(&manager1.token, seminar, EventChanges { support: Some(Some(SupportUser::Login("personne".into()))), ..Default::default() }, None))),
        ("search from an unreadable date", "début au plus tôt : n'est pas une date valide (JJ/MM/AAAA HH:MM, par exemple 22/11/2026 14:30)".into(),
         operation!(manager1.crm.search_events(&manager1.token, EventList::WithoutSupport, EventSearch { starts_from: Some("demain".into()), ..Default::default() }, PageRequest::default()))),
        ("deleting a contract that has events", "le contrat CTR-2026-0004 ne peut pas être supprimé : 2 évènements lui sont rattachés".into(),
         operation!(manager1.crm.delete_contract(&manager1.token, with_events))),
        // Events.
        ("event on an unsigned contract", "contrat : le contrat CTR-2026-0001 n'est pas signé : un évènement n'est créé que pour un contrat signé".into(),
         operation!(sales2.crm.create_event(&sales2.token, event_input(unsigned)))),
        ("end before start", "fin : doit être postérieure au début".into(),
         operation!(sales2.crm.create_event(&sales2.token, NewEvent { end: "2027-04-10T17:00:00+02:00".into(), ..event_input(partly_paid) }))),
        ("end equal to start", "fin : doit être postérieure au début".into(),
         operation!(support1.crm.update_event(&support1.token, gala, EventChanges { end: Some("2026-12-12T18:00:00Z".into()), ..Default::default() }, None))),
        ("negative attendees", "participants : ne peut pas être négatif".into(),
         operation!(support1.crm.update_event(&support1.token, gala, EventChanges { attendees: Some(-1), ..Default::default() }, None))),
        ("unreadable date", "début : n'est pas une date valide (JJ/MM/AAAA HH:MM, par exemple 22/11/2026 14:30)".into(),
         operation!(sales2.crm.create_event(&sales2.token, NewEvent { start: "32/13/2027 25:00".into(), ..event_input(partly_paid) }))),
        ("over-long location", "lieu : ne peut pas dépasser 255 caractères".into(),
         operation!(support1.crm.update_event(&support1.token, gala, EventChanges { location: Some(long(256)), ..Default::default() }, None))),
        ("support that is not support", format!("support : l'utilisateur n°{sales1} n'est pas un membre du support"),
         operation!(manager1.crm.update_event(&manager1.token, seminar, EventChanges { support: Some(Some(SupportUser::Id(sales1))), ..Default::default() }, None))),
        // Users (manager1).
        ("duplicate username", "identifiant : cette valeur est déjà utilisée".into(),
         operation!(manager1.crm.create_user(&manager1.token, NewUserInput { username: "sales2".into(), ..user_input() }, Role::Support))),
        ("duplicate user e-mail", "adresse e-mail : cette valeur est déjà utilisée".into(),
         operation!(manager1.crm.create_user(&manager1.token, NewUserInput { email: "hugo.lefevre@epic-events.fr".into(), ..user_input() }, Role::Support))),
        ("duplicate user phone", "téléphone : cette valeur est déjà utilisée".into(),
         operation!(manager1.crm.update_user(&manager1.token, sales1, UserChanges { phone_number: Some("+33 6 10 00 00 02".into()), ..Default::default() }, None))),
        ("password too short", "mot de passe : doit contenir au moins 12 caractères".into(),
         operation!(manager1.crm.create_user(&manager1.token, NewUserInput { password: "0123456789a".into(), ..user_input() }, Role::Support))),
        ("deleting a user who owns customers", "l'utilisateur sales2 ne peut pas être supprimé : 2 clients lui sont rattachés".into(),
         operation!(manager1.crm.delete_user(&manager1.token, sales2_id))),
        ("deleting a user who owns contracts", "l'utilisateur manager2 ne peut pas être supprimé : 2 contrats lui sont rattachés".into(),
         operation!(manager1.crm.delete_user(&manager1.token, manager2))),
        ("deleting a support user with events", "l'utilisateur support1 ne peut pas être supprimé : 1 évènement lui est rattaché".into(),
         operation!(manager1.crm.delete_user(&manager1.token, support1_id))),
        ("deleting oneself", "vous ne pouvez pas supprimer votre propre compte".into(),
         operation!(manager1.crm.delete_user(&manager1.token, manager1.user.id))),
        ("changing the role of a user who owns customers", "le rôle de sales2 ne peut pas changer : 2 clients lui sont rattachés".into(),
         operation!(manager1.crm.update_user(&manager1.token, sales2_id, UserChanges { role: Some(Role::Support), ..Default::default() }, None))),
        ("SQL in a username", "identifiant : doit faire de 3 à 50 caractères parmi les lettres minuscules sans accent, les chiffres, « . », « _ » et « - »".into(),
         operation!(manager1.crm.create_user(&manager1.token, NewUserInput { username: "'; DROP TABLE user; --".into(), ..user_input() }, Role::Support))),
        // The text policy (issue 13): control characters, direction overrides.
        ("escape sequence in event notes", "notes : ne peut pas contenir de caractères de contrôle (seuls les retours à la ligne sont permis)".into(),
         operation!(support1.crm.update_event(&support1.token, gala, EventChanges { note: Some("Prévoir\u{1b}]0;piège\u{7} le vestiaire".into()), ..Default::default() }, None))),
        ("NUL in event notes", "notes : ne peut pas contenir de caractères de contrôle (seuls les retours à la ligne sont permis)".into(),
         operation!(sales2.crm.create_event(&sales2.token, NewEvent { note: "ligne\u{0}".into(), ..event_input(partly_paid) }))),
        ("C1 control in a location", "lieu : ne peut pas contenir de caractères de contrôle".into(),
         operation!(support1.crm.update_event(&support1.token, gala, EventChanges { location: Some("Lyon\u{9b}31m".into()), ..Default::default() }, None))),
        ("right-to-left override in a company", "entreprise : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+202E trouvé)".into(),
         operation!(sales2.crm.update_customer(&sales2.token, durand, CustomerChanges { company_name: Some("Maison \u{202e}dnaruD".into()), ..Default::default() }, None))),
        ("direction isolate in a user's name", "nom : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+2067 trouvé)".into(),
         operation!(manager1.crm.update_user(&manager1.token, sales1, UserChanges { last_name: Some("\u{2067}Bernard\u{2069}".into()), ..Default::default() }, None))),
        ("direction override in an event name", "nom : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+202D trouvé)".into(),
         operation!(sales2.crm.create_event(&sales2.token, NewEvent { event_name: "Gala \u{202d}2027".into(), ..event_input(partly_paid) }))),
        ("SQL in an e-mail", "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)".into(),
         operation!(sales2.crm.create_customer(&sales2.token, NewCustomer { email: "x'; DROP TABLE user; --@exemple.fr".into(), ..customer_input() }))),
    ];
    assert!(cases.len() >= 30, "{} cases", cases.len());

    let before = snapshot(&database).await;
    for (case, message, operation) in cases {
        match operation.await {
            Ok(()) => panic!("{case}: accepted"),
            Err(error) => assert_eq!(error.to_string(), message, "{case}"),
        }
        assert_eq!(
            snapshot(&database).await,
            before,
            "{case}: something was written"
        );
    }
}

test_on_both_backends!(each_bad_input_is_refused_with_its_message_and_nothing_written);

/// Legitimate text is kept, in one canonical form: trimmed, composed (NFC), line breaks of
/// notes as `\n`; accents, apostrophes and emoji as typed.
async fn legitimate_text_is_kept_in_its_canonical_form(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales2 = api_session(&database, "sales2").await;
    let support1 = api_session(&database, "support1").await;
    let created = sales2
        .crm
        .create_customer(
            &sales2.token,
            NewCustomer {
                // « é » typed as « e » and a combining acute accent.
                first_name: "  Ame\u{301}lie ".into(),
                last_name: "O'Connor-Lefèvre".into(),
                company_name: "Crêperie 🥞 d'Armor".into(),
                ..customer_input()
            },
        )
        .await
        .unwrap();
    assert_eq!(created.customer_first_name, "Amélie");
    assert_eq!(created.customer_last_name, "O'Connor-Lefèvre");
    assert_eq!(created.company_name, "Crêperie 🥞 d'Armor");
    let gala = event_id(&database, "EVT-2026-0002").await;
    let updated = support1
        .crm
        .update_event(
            &support1.token,
            gala,
            EventChanges {
                note: Some("Vestiaire à l'entrée.\r\nTraiteur à 19 h.\n".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(updated.note, "Vestiaire à l'entrée.\nTraiteur à 19 h.");
}

test_on_both_backends!(legitimate_text_is_kept_in_its_canonical_form);

/// The same phone number in five spellings is one number: stored once in its canonical
/// form, and a second record with it is refused, whichever spelling it uses.
async fn a_phone_number_is_one_number_whatever_its_spelling(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let sales2 = api_session(&database, "sales2").await;
    let manager1 = api_session(&database, "manager1").await;
    let created = sales2
        .crm
        .create_customer(
            &sales2.token,
            NewCustomer {
                phone_number: "06 12 34 56 78".into(),
                ..customer_input()
            },
        )
        .await
        .unwrap();
    assert_eq!(created.phone_number, "+33612345678");
    let before = snapshot(&database).await;
    for (index, spelling) in [
        "+33 6 12 34 56 78",
        "0612345678",
        "+33612345678",
        "06.12.34.56.78",
        "+33 (0)6-12-34-56-78",
    ]
    .into_iter()
    .enumerate()
    {
        let refused = sales2
            .crm
            .create_customer(
                &sales2.token,
                NewCustomer {
                    email: format!("autre{index}@exemple.fr"),
                    company_name: format!("Autre {index}"),
                    phone_number: spelling.into(),
                    ..customer_input()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "téléphone : cette valeur est déjà utilisée",
            "{spelling}"
        );
        // Customers and users are separate: the same number on an account is refused only
        // among accounts.
        let account = manager1
            .crm
            .create_user(
                &manager1.token,
                NewUserInput {
                    username: format!("compte{index}"),
                    email: format!("compte{index}@epic-events.fr"),
                    phone_number: spelling.into(),
                    ..user_input()
                },
                Role::Support,
            )
            .await;
        if index == 0 {
            assert_eq!(account.unwrap().phone_number, "+33612345678");
        } else {
            assert_eq!(
                account.unwrap_err().to_string(),
                "téléphone : cette valeur est déjà utilisée",
                "{spelling}"
            );
        }
    }
    let after = snapshot(&database).await;
    assert_eq!(after.customers, before.customers, "no second customer");
    assert_eq!(after.users.len(), before.users.len() + 1, "one account");
}

test_on_both_backends!(a_phone_number_is_one_number_whatever_its_spelling);

/// The hostile and sloppy inputs through scripts: each refused with the core's French
/// message, nothing written (the run stops and commits nothing).
async fn hostile_inputs_through_scripts_are_refused_and_write_nothing(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let gala = event_id(&database, "EVT-2026-0002").await;
    let durand = customer_id(&database, "Maison Durand").await;
    // A valid customer map, one field of it replaced by `value` (rhai source).
    let customer = |key: &str, value: &str| {
        format!(
            r#"let fiche = #{{prenom: "Claire", nom: "Vasseur", email: "claire@vasseur.fr", telephone: "03 20 00 00 09", entreprise: "Vasseur"}}; fiche.{key} = {value}; creer_client(fiche)"#
        )
    };
    let cases: Vec<(&str, String, String)> = vec![
        ("sales2", customer("prenom", r#""Claire\x1b[31m""#), "prénom : ne peut pas contenir de caractères de contrôle".into()),
        ("sales2", customer("nom", r#""Vasseur\x07""#), "nom : ne peut pas contenir de caractères de contrôle".into()),
        ("sales2", customer("entreprise", "\"Vasseur \u{202e}ruessaV\""), "entreprise : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+202E trouvé)".into()),
        ("sales2", customer("entreprise", "\"\u{2066}Vasseur\u{2069}\""), "entreprise : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+2066 trouvé)".into()),
        ("sales2", customer("telephone", r#""03 20 ab 00 09""#), "téléphone : n'est pas un numéro de téléphone valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)".into()),
        ("sales2", customer("telephone", r#""+33 1 42 00 00 01""#), "téléphone : cette valeur est déjà utilisée".into()),
        ("sales2", customer("telephone", r#""01.42.00.00.01""#), "téléphone : cette valeur est déjà utilisée".into()),
        ("sales2", customer("email", r#""claire@""#), "adresse e-mail : n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)".into()),
        ("sales2", customer("prenom", r#""   ""#), "prénom : est obligatoire".into()),
        ("sales2", format!(r#"modifier_client({durand}, #{{entreprise: "Maison\u0000Durand"}})"#), "entreprise : ne peut pas contenir de caractères de contrôle".into()),
        ("support1", format!(r#"modifier_evenement({gala}, #{{notes: "Vestiaire\x1b]0;titre\x07"}})"#), "notes : ne peut pas contenir de caractères de contrôle (seuls les retours à la ligne sont permis)".into()),
        ("support1", format!(r#"modifier_evenement({gala}, #{{lieu: "Lyon\u0085Part-Dieu"}})"#), "lieu : ne peut pas contenir de caractères de contrôle".into()),
        ("support1", format!(r#"modifier_evenement({gala}, #{{nom: "Gala \u202d2027"}})"#), "nom : ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+202D trouvé)".into()),
        ("support1", format!(r#"modifier_evenement({gala}, #{{participants: "beaucoup"}})"#), "modifier_evenement : le champ « participants » doit être un nombre entier".into()),
        ("manager1", format!(r#"creer_contrat(#{{client: {durand}, montant_total: "=1+1"}})"#), "montant total : n'est pas un montant (exemple : 1234,50)".into()),
        ("manager1", format!(r#"creer_contrat(#{{client: "{durand}", montant_total: 100}})"#), "creer_contrat : le champ « client » doit être un nombre entier".into()),
    ];
    // Every text field a script gives, with each hostile character: refused by the text
    // policy, naming the field.
    let control = "ne peut pas contenir de caractères de contrôle".to_owned();
    let hidden = |code: &str| {
        format!(
            "ne peut pas contenir de caractère invisible ou qui change le sens de lecture (U+{code} trouvé)"
        )
    };
    let mut cases = cases;
    let mut payloads: Vec<(String, String)> = vec![
        ("\\x1b[2J".into(), control.clone()),
        ("\\x07".into(), control.clone()),
        ("\\u0000".into(), control.clone()),
        ("\\u009b".into(), control.clone()),
    ];
    // Characters that hide or reorder text (issue 19): direction overrides, isolates and
    // marks, zero-width characters, separators, the word joiner, invisible operators, the
    // byte order mark.
    for code in [
        "202E", "2067", "200B", "200C", "200D", "200E", "200F", "061C", "2028", "2029", "2060",
        "2061", "2062", "2063", "2064", "FEFF", "00AD",
    ] {
        payloads.push((format!("\\u{}", code.to_lowercase()), hidden(code)));
    }
    for (payload, rule) in &payloads {
        let rule = rule.as_str();
        for (label, key) in [
            ("prénom", "prenom"),
            ("nom", "nom"),
            ("adresse e-mail", "email"),
            ("téléphone", "telephone"),
            ("entreprise", "entreprise"),
        ] {
            cases.push((
                "sales2",
                // Inside the value: trimming would take a separator away at either end.
                customer(
                    key,
                    &format!(
                        "fiche.{key}.sub_string(0, 2) + \"{payload}\" + fiche.{key}.sub_string(2)"
                    ),
                ),
                format!("{label} : {rule}"),
            ));
        }
        for (label, key) in [("nom", "nom"), ("lieu", "lieu"), ("notes", "notes")] {
            let rule = if key == "notes" && rule == control.as_str() {
                "ne peut pas contenir de caractères de contrôle (seuls les retours à la ligne sont permis)"
            } else {
                rule
            };
            cases.push((
                "support1",
                format!(r#"modifier_evenement({gala}, #{{{key}: "x{payload}y"}})"#),
                format!("{label} : {rule}"),
            ));
        }
    }
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let before = snapshot(&database).await;
    for (username, source, expected) in cases {
        let run = Script::new(username, source.clone()).run(&database).await;
        assert_eq!(run.failure(), expected, "{source}");
        assert_eq!(
            snapshot(&database).await,
            before,
            "{source}: something was written"
        );
    }
}

test_on_both_backends!(hostile_inputs_through_scripts_are_refused_and_write_nothing);
