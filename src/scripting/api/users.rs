//! Users: lists, one account, creation, changes, deletion, one's own password.

use super::*;

pub(super) fn register(api: &mut Registrar<'_>) {
    api.section = "Utilisateurs (gestion)";
    function!(
        api,
        "utilisateurs",
        "",
        "tous les utilisateurs",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(|page| context.work.users().list(&context.session, page))
        },
    );
    function!(
        api,
        "chercher_utilisateurs",
        "texte",
        "les utilisateurs dont le nom, l'identifiant ou l'e-mail contient tous les mots de « texte » (majuscules et accents ignorés)",
        |call: NativeCallContext, words: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(|page| context.work.users().search(&context.session, words, page))
        },
    );
    function!(
        api,
        "membres_du_support",
        "",
        "les utilisateurs du support, à qui assigner des évènements",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(|page| context.work.users().support_users(&context.session, page))
        },
    );
    function!(
        api,
        "utilisateur",
        "id",
        "un utilisateur",
        |call: NativeCallContext, user_id: INT| -> ScriptResult<UserRow> {
            let context = context(&call)?;
            let user_id = id(user_id, "utilisateur")?;
            context.wait(context.work.users().detail(&context.session, user_id))
        },
    );
    function!(
        api,
        "creer_utilisateur",
        &map_signature(&UserField::TYPED_ON_CREATION),
        "crée un compte ; role : \"gestion\", \"commercial\" ou \"support\"",
        |call: NativeCallContext, fields: Map| -> ScriptResult<UserRow> {
            let context = context(&call)?;
            let user = inputs::new_user(&fields)?;
            let role = user.role().map_err(from_core_error)?;
            context.wait(
                context
                    .work
                    .users()
                    .create(&context.session, &user.input, role),
            )
        },
    );
    modification_functions!(
        api,
        "modifier_utilisateur",
        "utilisateur",
        &map_signature(&UserField::TYPED_ON_CREATION),
        "modifie les champs donnés d'un compte (mot_de_passe : réinitialisation)",
        "utilisateur",
        UserRow,
        inputs::user_changes,
        users
    );
    function!(
        api,
        "supprimer_utilisateur",
        "id",
        "supprime un compte qui n'a plus de client, de contrat ni d'évènement",
        |call: NativeCallContext, user_id: INT| -> ScriptResult<()> {
            let context = context(&call)?;
            let user_id = id(user_id, "utilisateur")?;
            context.wait(context.work.users().delete(&context.session, user_id))
        },
    );
    function!(
        api,
        "changer_mon_mot_de_passe",
        "actuel, nouveau",
        "(tout le monde) change votre propre mot de passe",
        |call: NativeCallContext, current: &str, new: &str| -> ScriptResult<()> {
            let context = context(&call)?;
            context.wait(
                context
                    .work
                    .users()
                    .change_own_password(&context.session, current, new),
            )
        },
    );
}
