//! Events: lists and searches, one event, creation, changes, support assignment (one or many).

use super::*;

pub(super) fn register(api: &mut Registrar<'_>) {
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
        list_functions!(api, events, name, description, which, paged);
    }
    function!(
        api,
        "evenements_sans_support",
        "#{lieu, du, au, apres, limite}",
        "les évènements sans support dont le lieu contient « lieu » et qui commencent entre du et au, les plus proches d'abord (une page avec apres et limite)",
        |call: NativeCallContext, criteria: Map| -> ScriptResult<Array> {
            let context = context(&call)?;
            let (search, request): (EventSearch, _) = inputs::event_search(&criteria)?;
            context.pages(request, async |work, session, page| {
                work.events()
                    .search(session, EventList::WithoutSupport, &search, page)
                    .await
            })
        },
    );
    function!(
        api,
        "chercher_evenements",
        "#{texte, lieu, du, au, apres, limite}",
        "les évènements trouvés par les mots de « texte », chacun au début d'un mot du nom ou du lieu (majuscules et accents ignorés), qui commencent entre du et au, les plus proches d'abord",
        |call: NativeCallContext, criteria: Map| -> ScriptResult<Array> {
            let context = context(&call)?;
            let (search, request): (EventSearch, _) = inputs::event_words_search(&criteria)?;
            context.pages(request, async |work, session, page| {
                work.events()
                    .search(session, EventList::All, &search, page)
                    .await
            })
        },
    );
    function!(
        api,
        "evenement",
        "id",
        "un évènement, par son numéro interne ou son numéro (\"EVT-2026-0001\")",
        |call: NativeCallContext, event: Dynamic| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            let event_id = reference(&context, &event, Resource::Event)?;
            context.call(async |work, session| work.events().detail(session, event_id).await)
        },
    );
    function!(
        api,
        "evenement_par_numero",
        "numero",
        "un évènement, par son numéro (\"EVT-2026-0001\")",
        |call: NativeCallContext, number: &str| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            context
                .call(async |work, session| work.events().detail_by_number(session, number).await)
        },
    );
    function!(
        api,
        "creer_evenement",
        &map_signature(&inputs::NEW_EVENT_FIELDS),
        "(commercial) crée un évènement pour un contrat signé de votre client (contrat : son numéro interne)",
        |call: NativeCallContext, fields: Map| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            let input = inputs::new_event(&fields)?;
            context.call(async |work, session| work.events().create(session, &input).await)
        },
    );
    modification_functions!(
        api,
        "modifier_evenement",
        "evenement",
        &map_signature(&inputs::EVENT_FIELDS),
        "(support assigné) modifie les champs donnés",
        Resource::Event,
        EventRow,
        inputs::event_changes,
        events
    );
    function!(
        api,
        "assigner_support",
        "evenement_id, support",
        "(gestion) assigne un membre du support (son numéro ou son identifiant) à un évènement",
        |call: NativeCallContext, event: Dynamic, support: Dynamic| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            let event_id = reference(&context, &event, Resource::Event)?;
            let changes = EventChanges {
                support: Some(Some(inputs::support_user(&support)?)),
                ..Default::default()
            };
            context.call(async |work, session| {
                work.events()
                    .update(session, event_id, &changes, None)
                    .await
            })
        },
    );
    function!(
        api,
        "assigner_support",
        "evenement, support",
        "la même chose à partir d'un évènement lu plus tôt : refusé si son support a changé entre-temps",
        |call: NativeCallContext, event: EventRow, support: Dynamic| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            let changes = EventChanges {
                support: Some(Some(inputs::support_user(&support)?)),
                ..Default::default()
            };
            context.call(async |work, session| {
                work.events()
                    .update(session, event.id, &changes, Some(&event))
                    .await
            })
        },
    );
    function!(
        api,
        "assigner_support_en_masse",
        "evenements, support",
        "(gestion) assigne un membre du support à tous les évènements donnés (une liste d'évènements ou de numéros), en une fois ; un évènement lu plus tôt dont le support a changé entre-temps est laissé tel quel et n'est pas dans la liste rendue",
        |call: NativeCallContext, events: Array, support: Dynamic| -> ScriptResult<Array> {
            let context = context(&call)?;
            let targets = inputs::bulk_targets(events)?;
            let support = inputs::support_user(&support)?;
            let done = context.call(async |work, session| {
                work.events()
                    .assign_support_to_many(session, targets, Some(&support))
                    .await
            })?;
            Ok(done.assigned.into_iter().map(Dynamic::from).collect())
        },
    );
    function!(
        api,
        "retirer_support",
        "evenement_id",
        "(gestion) retire le support assigné à un évènement",
        |call: NativeCallContext, event: Dynamic| -> ScriptResult<EventRow> {
            let context = context(&call)?;
            let event_id = reference(&context, &event, Resource::Event)?;
            let changes = EventChanges {
                support: Some(None),
                ..Default::default()
            };
            context.call(async |work, session| {
                work.events()
                    .update(session, event_id, &changes, None)
                    .await
            })
        },
    );
}
