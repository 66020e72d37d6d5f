//! Customers: lists, one customer, creation, changes, deletion.

use super::*;

pub(super) fn register(api: &mut Registrar<'_>) {
    api.section = "Clients";
    for (name, description, which) in [
        ("clients", "tous les clients", CustomerList::All),
        (
            "mes_clients",
            "vos clients (commercial)",
            CustomerList::Mine,
        ),
    ] {
        list_functions!(api, customers, name, description, which, true);
    }
    function!(
        api,
        "chercher_clients",
        "texte",
        "les clients trouvés par les mots de « texte », chacun au début d'un mot du nom, de l'entreprise ou de l'e-mail (majuscules et accents ignorés)",
        |call: NativeCallContext, words: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(async |work, session, page| {
                work.customers().search(session, words, page).await
            })
        },
    );
    function!(
        api,
        "client",
        "id",
        "un client",
        |call: NativeCallContext, customer_id: INT| -> ScriptResult<CustomerRow> {
            let context = context(&call)?;
            let customer_id = id(customer_id, Resource::Customer)?;
            context.call(async |work, session| work.customers().detail(session, customer_id).await)
        },
    );
    function!(
        api,
        "creer_client",
        &map_signature(&CustomerField::TYPED),
        "(commercial) crée un client qui vous est attribué",
        |call: NativeCallContext, fields: Map| -> ScriptResult<CustomerRow> {
            let context = context(&call)?;
            let input = inputs::new_customer(&fields)?;
            context.call(async |work, session| work.customers().create(session, &input).await)
        },
    );
    modification_functions!(
        api,
        "modifier_client",
        "client",
        &map_signature(&CustomerField::TYPED),
        "(commercial, vos clients) modifie les champs donnés",
        Resource::Customer,
        CustomerRow,
        inputs::customer_changes,
        customers
    );
    function!(
        api,
        "supprimer_client",
        "id",
        "(commercial, vos clients) supprime un client sans contrat",
        |call: NativeCallContext, customer_id: INT| -> ScriptResult<()> {
            let context = context(&call)?;
            let customer_id = id(customer_id, Resource::Customer)?;
            context.call(async |work, session| work.customers().delete(session, customer_id).await)
        },
    );
}
