//! Contracts: lists, one contract (by id or number), creation, changes, signature, payments, deletion.

use super::*;

pub(super) fn register(api: &mut Registrar<'_>) {
    api.section = "Contrats";
    for (name, description, which) in [
        ("contrats", "tous les contrats", ContractList::All),
        (
            "contrats_non_signes",
            "tous les contrats non signés",
            ContractList::Unsigned,
        ),
        (
            "contrats_non_payes",
            "tous les contrats dont il reste quelque chose à payer",
            ContractList::Unpaid,
        ),
        (
            "mes_contrats",
            "vos contrats (gestion : créés par vous ; commercial : de vos clients ; support : de vos évènements)",
            ContractList::Mine,
        ),
        (
            "mes_contrats_non_signes",
            "vos contrats non signés",
            ContractList::MineUnsigned,
        ),
        (
            "mes_contrats_non_payes",
            "vos contrats dont il reste quelque chose à payer",
            ContractList::MineUnpaid,
        ),
    ] {
        list_functions!(api, contracts, name, description, which, true);
    }
    function!(
        api,
        "contrat",
        "id",
        "un contrat, par son numéro interne ou son numéro (\"CTR-2026-0001\")",
        |call: NativeCallContext, contract: Dynamic| -> ScriptResult<ContractRow> {
            let context = context(&call)?;
            let contract_id = reference(&context, &contract, Resource::Contract)?;
            context.call(async |work, session| work.contracts().detail(session, contract_id).await)
        },
    );
    function!(
        api,
        "chercher_contrats",
        "texte",
        "les contrats dont le numéro commence par « texte » (\"CTR-2026-00\"), ou dont le client est trouvé par ses mots (majuscules et accents ignorés)",
        |call: NativeCallContext, words: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(async |work, session, page| {
                work.contracts().search(session, words, page).await
            })
        },
    );
    function!(
        api,
        "contrat_par_numero",
        "numero",
        "un contrat, par son numéro (\"CTR-2026-0001\")",
        |call: NativeCallContext, number: &str| -> ScriptResult<ContractRow> {
            let context = context(&call)?;
            context.call(async |work, session| {
                work.contracts().detail_by_number(session, number).await
            })
        },
    );
    function!(
        api,
        "creer_contrat",
        &map_signature(&ContractField::TYPED_ON_CREATION),
        "(gestion) crée un contrat pour le client donné (son numéro) ; reste_a_payer vaut le total par défaut",
        |call: NativeCallContext, fields: Map| -> ScriptResult<ContractRow> {
            let context = context(&call)?;
            let input = inputs::new_contract(&fields)?;
            context.call(async |work, session| work.contracts().create(session, &input).await)
        },
    );
    modification_functions!(
        api,
        "modifier_contrat",
        "contrat",
        &map_signature(&ContractField::CHANGEABLE),
        "(gestion ; commercial : contrats de vos clients) modifie les champs donnés",
        Resource::Contract,
        ContractRow,
        inputs::contract_changes,
        contracts
    );
    function!(
        api,
        "signer_contrat",
        "id",
        "(gestion ; commercial : contrats de vos clients) marque un contrat comme signé",
        |call: NativeCallContext, contract: Dynamic| -> ScriptResult<ContractRow> {
            let context = context(&call)?;
            let contract_id = reference(&context, &contract, Resource::Contract)?;
            let changes = ContractChanges {
                signed: Some(true),
                ..Default::default()
            };
            context.call(async |work, session| {
                work.contracts()
                    .update(session, contract_id, &changes, None)
                    .await
            })
        },
    );
    function!(
        api,
        "enregistrer_paiement",
        "id, montant",
        "(gestion ; commercial : contrats de vos clients) baisse le reste à payer du montant payé",
        |call: NativeCallContext,
         contract: Dynamic,
         amount: Dynamic|
         -> ScriptResult<ContractRow> {
            let context = context(&call)?;
            let contract_id = reference(&context, &contract, Resource::Contract)?;
            let amount = inputs::amount_text(&amount).ok_or_else(|| {
                refusal("enregistrer_paiement : le montant doit être un nombre ou un texte (\"1 234,50\")")
            })?;
            context.call(async |work, session| {
                work.contracts()
                    .record_payment(session, contract_id, &amount)
                    .await
            })
        },
    );
    function!(
        api,
        "enregistrer_paiements",
        "lignes",
        "(gestion ; commercial : contrats de vos clients) enregistre en une fois les paiements d'une liste — les lignes d'un CSV (lire_csv) ou des objets #{numero, montant} — tous ou aucun : le premier refusé arrête tout, en nommant sa ligne ; rend un Paiement par ligne",
        |call: NativeCallContext, lines: Array| -> ScriptResult<Array> {
            let context = context(&call)?;
            let lines = inputs::payment_lines(&lines)?;
            context.count_work(lines.len())?;
            let recorded = context.call(async |work, session| {
                work.contracts().record_payments(session, &lines).await
            })?;
            Ok(recorded.into_iter().map(Dynamic::from).collect())
        },
    );
    function!(
        api,
        "supprimer_contrat",
        "id",
        "(gestion) supprime un contrat sans évènement",
        |call: NativeCallContext, contract: Dynamic| -> ScriptResult<()> {
            let context = context(&call)?;
            let contract_id = reference(&context, &contract, Resource::Contract)?;
            context.call(async |work, session| work.contracts().delete(session, contract_id).await)
        },
    );
}
