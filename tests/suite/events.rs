//! Events through the core, for each role, on both backends.

use crate::support;

use chrono::{Datelike, TimeZone, Utc};
use epic_events_api::{ApiError, ErrorCode};
use epic_events_core::entities::event;
use epic_events_core::paging::PageRequest;
use epic_events_core::services::event_service::{
    self, BulkTarget, EventChanges, EventList, EventSearch, NewEvent, SupportUser,
};
use sea_orm::{EntityTrait, QueryOrder};
use support::{ApiSession, TestDatabase, api_session, contract_id, event_id, session, user_id};

async fn all_events(database: &TestDatabase) -> Vec<event::Model> {
    event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
}

async fn listed(someone: &ApiSession, which: EventList) -> Vec<String> {
    someone
        .crm
        .list_events(&someone.token, which, PageRequest::first(100))
        .await
        .unwrap()
        .items
        .iter()
        .map(|row| {
            row.event_number
                .trim_start_matches("EVT-2026-000")
                .to_owned()
        })
        .collect()
}

fn new_event(contract_id: i32) -> NewEvent {
    NewEvent {
        contract_id,
        event_name: "Lancement de la collection d'été".into(),
        start: "2027-05-20T18:00:00+02:00".into(),
        end: "2027-05-20T23:30:00+02:00".into(),
        location: "Halle Tony Garnier, 69007 Lyon".into(),
        attendees: 300,
        note: "Traiteur à confirmer.".into(),
    }
}

fn is_permission_denied<T: std::fmt::Debug>(outcome: &Result<T, ApiError>) -> bool {
    matches!(outcome, Err(error) if error.code == ErrorCode::PermissionDenied)
}

async fn filters_return_each_users_events(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    for (username, mine) in [
        ("support1", vec!["2"]),
        ("support2", vec!["3"]),
        ("sales1", vec![]),
        ("sales2", vec!["1", "2"]),
        ("sales3", vec!["3", "4"]),
        ("manager1", vec![]),
    ] {
        let someone = api_session(&database, username).await;
        assert_eq!(listed(&someone, EventList::Mine).await, mine, "{username}");
        assert_eq!(
            listed(&someone, EventList::WithoutSupport).await,
            ["1", "4"],
            "{username}"
        );
        assert_eq!(
            listed(&someone, EventList::All).await,
            ["1", "2", "3", "4"],
            "{username}"
        );
    }
    let support1 = api_session(&database, "support1").await;
    let gala = &support1
        .crm
        .list_events(&support1.token, EventList::Mine, PageRequest::default())
        .await
        .unwrap()
        .items[0];
    assert_eq!(gala.customer_company_name, "Maison Durand");
    assert_eq!(gala.contract_number, "CTR-2026-0004");
    assert_eq!(
        (
            gala.support_first_name.as_deref(),
            gala.support_last_name.as_deref()
        ),
        (Some("Inès"), Some("Fontaine"))
    );
    assert_eq!(
        gala.start_datetime,
        Utc.with_ymd_and_hms(2026, 12, 12, 18, 0, 0).unwrap()
    );
}

async fn sales_users_create_events_for_their_signed_contracts(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let partly_paid = contract_id(&database, "CTR-2026-0002").await;
    let unsigned = contract_id(&database, "CTR-2026-0001").await;
    let before = all_events(&database).await;
    for username in ["sales3", "manager1", "support1"] {
        let someone = api_session(&database, username).await;
        let outcome = someone
            .crm
            .create_event(&someone.token, new_event(partly_paid))
            .await;
        assert!(is_permission_denied(&outcome), "{username}: {outcome:?}");
    }
    let sales2 = api_session(&database, "sales2").await;
    let error = sales2
        .crm
        .create_event(&sales2.token, new_event(unsigned))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "contrat : le contrat CTR-2026-0001 n'est pas signé : un évènement n'est créé que pour un contrat signé"
    );
    let bad: Vec<(&str, NewEvent, &str)> = vec![
        (
            "end before start",
            NewEvent {
                end: "2027-05-20T17:00:00+02:00".into(),
                ..new_event(partly_paid)
            },
            "fin : doit être postérieure au début",
        ),
        (
            "negative attendees",
            NewEvent {
                attendees: -5,
                ..new_event(partly_paid)
            },
            "participants : ne peut pas être négatif",
        ),
        (
            "unreadable date",
            NewEvent {
                start: "demain soir".into(),
                ..new_event(partly_paid)
            },
            "début : n'est pas une date valide (JJ/MM/AAAA HH:MM, par exemple 22/11/2026 14:30)",
        ),
        (
            "no name",
            NewEvent {
                event_name: "".into(),
                ..new_event(partly_paid)
            },
            "nom : est obligatoire",
        ),
        (
            "missing contract",
            new_event(999_999),
            "contrat : le contrat n°999999 n'existe pas",
        ),
    ];
    for (case, input, message) in bad {
        let error = sales2
            .crm
            .create_event(&sales2.token, input)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{case}");
    }
    assert_eq!(all_events(&database).await, before, "nothing written");

    let created = sales2
        .crm
        .create_event(&sales2.token, new_event(partly_paid))
        .await
        .unwrap();
    let year = Utc::now().year();
    let expected_number = if year == 2026 {
        "EVT-2026-0005".to_owned()
    } else {
        format!("EVT-{year}-0001")
    };
    assert_eq!(created.event_number, expected_number);
    assert_eq!(
        created.customer_company_name, "Maison Durand",
        "customer derived from the contract"
    );
    assert_eq!(created.user_support_id, None);
    assert_eq!(
        created.start_datetime,
        Utc.with_ymd_and_hms(2027, 5, 20, 16, 0, 0).unwrap()
    );
    let french = sales2
        .crm
        .create_event(
            &sales2.token,
            NewEvent {
                start: "20/05/2027 18:00".into(),
                end: "20/05/2027 23:30".into(),
                ..new_event(partly_paid)
            },
        )
        .await
        .unwrap();
    assert!(french.start_datetime < french.end_datetime);
}

async fn support_runs_their_events_and_management_assigns_support(
    backend: crate::support::Backend,
) {
    let database = TestDatabase::with_demo_data(backend).await;
    let gala = event_id(&database, "EVT-2026-0002").await;
    let inauguration = event_id(&database, "EVT-2026-0003").await;
    let seminar = event_id(&database, "EVT-2026-0001").await;
    let support1 = api_session(&database, "support1").await;
    let manager1 = api_session(&database, "manager1").await;
    let sales2 = api_session(&database, "sales2").await;
    let moving = EventChanges {
        location: Some("Salle Wagram, 75017 Paris".into()),
        ..Default::default()
    };
    let before = all_events(&database).await;

    let refusals: Vec<(&str, Result<_, ApiError>, &str)> = vec![
        (
            "support1 on support2's event",
            support1
                .crm
                .update_event(&support1.token, inauguration, moving.clone(), None)
                .await,
            "action refusée : vous ne pouvez modifier que les évènements qui vous sont assignés",
        ),
        (
            "support1 reassigning",
            support1
                .crm
                .update_event(
                    &support1.token,
                    gala,
                    EventChanges {
                        support: Some(None),
                        ..Default::default()
                    },
                    None,
                )
                .await,
            "action refusée : le rôle support ne permet pas de modifier le champ « support » d'un évènement",
        ),
        (
            "management moving an event",
            manager1
                .crm
                .update_event(&manager1.token, gala, moving.clone(), None)
                .await,
            "action refusée : le rôle gestion ne permet pas de modifier le champ « lieu » d'un évènement",
        ),
        (
            "sales modifying",
            sales2
                .crm
                .update_event(&sales2.token, gala, moving.clone(), None)
                .await,
            "action refusée : le rôle commercial ne permet pas de modifier cet évènement",
        ),
    ];
    for (case, outcome, message) in refusals {
        assert_eq!(outcome.unwrap_err().to_string(), message, "{case}");
    }
    let sales1 = user_id(&database, "sales1").await;
    let error = manager1
        .crm
        .update_event(
            &manager1.token,
            seminar,
            EventChanges {
                support: Some(Some(SupportUser::Id(sales1))),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("support : l'utilisateur n°{sales1} n'est pas un membre du support")
    );
    let error = support1
        .crm
        .update_event(
            &support1.token,
            gala,
            EventChanges {
                end: Some("2026-12-12T17:00:00Z".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "fin : doit être postérieure au début");
    assert_eq!(
        all_events(&database).await,
        before,
        "refusals change nothing"
    );

    let moved = support1
        .crm
        .update_event(&support1.token, gala, moving, None)
        .await
        .unwrap();
    assert_eq!(moved.location, "Salle Wagram, 75017 Paris");
    let assigned = manager1
        .crm
        .update_event(
            &manager1.token,
            seminar,
            EventChanges {
                support: Some(Some(SupportUser::Id(support1.user.id))),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(assigned.user_support_id, Some(support1.user.id));
    assert_eq!(listed(&support1, EventList::Mine).await, ["1", "2"]);
    assert_eq!(listed(&manager1, EventList::WithoutSupport).await, ["4"]);

    // Management removes the support: « nobody » is a change, not the absence of one (it
    // must stay so through JSON).
    let removed = manager1
        .crm
        .update_event(
            &manager1.token,
            gala,
            EventChanges {
                support: Some(None),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(removed.user_support_id, None);
    assert_eq!(listed(&support1, EventList::Mine).await, ["1"]);
}

async fn searches_page_soonest_first(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let support2 = api_session(&database, "support2").await;
    let all = EventSearch {
        soonest_first: true,
        ..Default::default()
    };
    // One event per page: every page follows the previous one in (start, id) order.
    let mut numbers = Vec::new();
    let mut request = Some(PageRequest::first(1));
    while let Some(page) = request {
        let found = support2
            .crm
            .search_events(&support2.token, EventList::All, all.clone(), page)
            .await
            .unwrap();
        numbers.extend(found.items.iter().map(|row| row.event_number.clone()));
        request = found.next;
    }
    assert_eq!(
        numbers,
        [
            "EVT-2026-0002",
            "EVT-2026-0003",
            "EVT-2026-0001",
            "EVT-2026-0004"
        ]
    );

    let in_nantes_in_2027 = EventSearch {
        location_contains: Some("NANTES".into()),
        starts_from: Some("2027-01-01T00:00:00Z".into()),
        starts_until: Some("2027-06-05T10:00:00Z".into()),
        soonest_first: true,
        ..EventSearch::default()
    };
    let found = support2
        .crm
        .search_events(
            &support2.token,
            EventList::All,
            in_nantes_in_2027,
            PageRequest::first(10),
        )
        .await
        .unwrap();
    let numbers: Vec<&str> = found
        .items
        .iter()
        .map(|row| row.event_number.as_str())
        .collect();
    assert_eq!(
        numbers,
        ["EVT-2026-0003", "EVT-2026-0004"],
        "bounds are inclusive"
    );
    let wildcard = EventSearch {
        location_contains: Some("%".into()),
        ..Default::default()
    };
    let found = support2
        .crm
        .search_events(
            &support2.token,
            EventList::All,
            wildcard,
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert!(found.items.is_empty(), "% is a character, not a wildcard");
}

async fn support_is_assigned_to_many_events_at_once(backend: crate::support::Backend) {
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let (seminar, anniversary) = (
        event_id(&database, "EVT-2026-0001").await,
        event_id(&database, "EVT-2026-0004").await,
    );
    let before = all_events(&database).await;
    let support1 = session(&database, "support1").await;
    let refused = event_service::assign_support_to_many(
        connection,
        &support1,
        [seminar].map(BulkTarget::current).to_vec(),
        Some(&SupportUser::Login("support1".into())),
    )
    .await;
    assert_eq!(
        refused.unwrap_err().to_string(),
        "action refusée : le rôle support ne permet pas de modifier le champ « support » d'un évènement"
    );
    let manager1 = session(&database, "manager1").await;
    let missing = event_service::assign_support_to_many(
        connection,
        &manager1,
        [seminar, 424242].map(BulkTarget::current).to_vec(),
        Some(&SupportUser::Id(support1.user.id)),
    )
    .await;
    assert_eq!(
        missing.unwrap_err().to_string(),
        "évènement n°424242 introuvable"
    );
    assert_eq!(
        all_events(&database).await,
        before,
        "refusals change nothing"
    );

    let updated = event_service::assign_support_to_many(
        connection,
        &manager1,
        [anniversary, seminar, seminar]
            .map(BulkTarget::current)
            .to_vec(),
        Some(&SupportUser::Login("support1".into())),
    )
    .await
    .unwrap()
    .assigned;
    let numbers: Vec<(&str, Option<i32>)> = updated
        .iter()
        .map(|row| (row.event_number.as_str(), row.user_support_id))
        .collect();
    assert_eq!(
        numbers,
        [
            ("EVT-2026-0001", Some(support1.user.id)),
            ("EVT-2026-0004", Some(support1.user.id))
        ]
    );
    assert_eq!(manager1.journal.changed_record_count(), 2);
    // The rows answered are the rows stored (not read again after the statement, but
    // made from the locked reading and what the statement changed).
    for row in &updated {
        let stored =
            epic_events_core::repositories::event_repository::find(connection, row.id, false)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(*row, stored, "{}", row.event_number);
    }
    // Bulk assignment and the session's journal are below the trait; what they left is
    // read through the API.
    let manager1_api = api_session(&database, "manager1").await;
    assert_eq!(
        listed(&manager1_api, EventList::WithoutSupport).await,
        Vec::<String>::new()
    );
}

/// An event given twice to a bulk assignment is taken as it was first given, however many
/// targets there are: a record read before someone else assigned it is left alone; its
/// number given first assigns it.
async fn an_event_given_twice_is_taken_as_first_given(backend: crate::support::Backend) {
    use epic_events_core::repositories::event_repository;
    let database = TestDatabase::with_demo_data(backend).await;
    let connection = &database.connection;
    let seminar = event_id(&database, "EVT-2026-0001").await;
    let manager1 = session(&database, "manager1").await;
    let read = event_repository::find(connection, seminar, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.user_support_id, None);
    // Someone else assigns it meanwhile.
    event_service::assign_support_to_many(
        connection,
        &manager1,
        vec![BulkTarget::current(seminar)],
        Some(&SupportUser::Login("support2".into())),
    )
    .await
    .unwrap();
    let support1 = user_id(&database, "support1").await;
    let support2 = user_id(&database, "support2").await;
    let stored_support = async || {
        event_repository::find(connection, seminar, false)
            .await
            .unwrap()
            .unwrap()
            .user_support_id
    };

    let assign_support1 = async |targets: Vec<BulkTarget>| {
        event_service::assign_support_to_many(
            connection,
            &manager1,
            targets,
            Some(&SupportUser::Login("support1".into())),
        )
        .await
        .unwrap()
    };

    // More targets than a short sort handles alone.
    let mut read_first = vec![BulkTarget::seen(read.clone())];
    read_first.extend(std::iter::repeat_n(BulkTarget::current(seminar), 29));
    let done = assign_support1(read_first).await;
    assert!(done.assigned.is_empty(), "{:?}", done.assigned);
    assert_eq!(done.taken.len(), 1);
    assert_eq!(stored_support().await, Some(support2));

    let mut number_first = vec![BulkTarget::current(seminar); 29];
    number_first.push(BulkTarget::seen(read));
    let done = assign_support1(number_first).await;
    assert!(done.taken.is_empty(), "{:?}", done.taken);
    assert_eq!(done.assigned.len(), 1);
    assert_eq!(stored_support().await, Some(support1));
}

/// What the script `text` run by `token` wrote: its data, then its messages.
async fn written(
    crm: &dyn epic_events_api::Crm,
    token: &epic_events_api::SessionToken,
    text: &str,
) -> (String, String) {
    let run = crm
        .run_script(
            token,
            epic_events_api::scripts::ScriptRequest {
                text: text.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    run.result.unwrap();
    let (mut data, mut messages) = (Vec::new(), Vec::new());
    epic_events_cli::commands::script::write_output(run.output, &mut data, &mut messages)
        .await
        .unwrap();
    (
        String::from_utf8(data).unwrap(),
        String::from_utf8(messages).unwrap(),
    )
}

/// The dates a person types are read in the zone they signed in with, and the core's
/// own writing of dates (a script's output) is in it too: the same typed « 14:30 » is
/// 13:30 UTC for someone in Paris in November, 14:30 UTC for someone in UTC.
async fn dates_are_read_and_shown_in_the_sessions_zone(backend: crate::support::Backend) {
    use epic_events_api::formatting::Zone;
    let database = TestDatabase::with_demo_data(backend).await;
    let crm = support::client(&database, support::chosen_client());
    let contract = contract_id(&database, "CTR-2026-0002").await;
    let paris = Zone::named("Europe/Paris").unwrap();
    let mut starts = Vec::new();
    for (zone, name) in [(paris, "Gala de Paris"), (Zone::UTC, "Gala UTC")] {
        let token = crm
            .sign_in("sales2".into(), "demo-epic-events".into(), zone)
            .await
            .unwrap()
            .token;
        let created = crm
            .create_event(
                &token,
                NewEvent {
                    contract_id: contract,
                    event_name: name.into(),
                    start: "22/11/2027 14:30".into(),
                    end: "22/11/2027 18:00".into(),
                    location: "Lyon".into(),
                    attendees: 80,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        starts.push(created.start_datetime);
        let (data, messages) = written(
            crm.as_ref(),
            &token,
            &format!("print(evenement({}).debut);", created.id),
        )
        .await;
        assert_eq!(data + messages.as_str(), "22/11/2027 14:30\n", "{name}");
        // An export is written on a thread of its own, in the run's zone too.
        let (exported, _) = written(crm.as_ref(), &token, "exporter_evenements();").await;
        let line = exported
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("{name} exported: {exported}"));
        assert!(line.contains("22/11/2027 14:30"), "{name}: {line}");
    }
    assert_eq!(
        starts,
        [
            Utc.with_ymd_and_hms(2027, 11, 22, 13, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 11, 22, 14, 30, 0).unwrap(),
        ]
    );
}

test_on_both_backends!(and_through_json: dates_are_read_and_shown_in_the_sessions_zone);

test_on_both_backends!(and_through_json: support_runs_their_events_and_management_assigns_support);
test_on_both_backends!(
    filters_return_each_users_events,
    sales_users_create_events_for_their_signed_contracts,
    searches_page_soonest_first,
    support_is_assigned_to_many_events_at_once,
    an_event_given_twice_is_taken_as_first_given
);
