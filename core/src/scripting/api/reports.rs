//! Exports of whole lists, and the reports computed by the database.

use super::*;

pub(super) fn register(api: &mut Registrar<'_>) {
    api.section = "Exports (écrits page par page, de toute taille)";
    function!(
        api,
        "exporter_clients",
        "",
        "écrit tous les clients (tableau, CSV ou JSON selon --format)",
        |call: NativeCallContext| -> ScriptResult<()> {
            let context = context(&call)?;
            context.export(async |work, session, page| {
                work.customers()
                    .list(session, CustomerList::All, page)
                    .await
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
            context.export(async |work, session, page| {
                work.contracts()
                    .list(session, ContractList::All, page)
                    .await
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
            context.export(async |work, session, page| {
                work.events().list(session, EventList::All, page).await
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
            let lines = context
                .call(async |work, session| work.reports().unpaid_by_sales_user(session).await)?;
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
            let lines = context
                .call(async |work, session| work.reports().activity_by_sales_user(session).await)?;
            Ok(lines.into_iter().map(Dynamic::from).collect())
        },
    );
}
