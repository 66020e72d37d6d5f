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
            context.all_pages(async |work, session, page| work.users().list(session, page).await)
        },
    );
    function!(
        api,
        "chercher_utilisateurs",
        "texte",
        "les utilisateurs trouvés par les mots de « texte », chacun au début d'un mot du nom, de l'identifiant ou de l'e-mail (majuscules et accents ignorés)",
        |call: NativeCallContext, words: &str| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(async |work, session, page| {
                work.users().search(session, words, page).await
            })
        },
    );
    function!(
        api,
        "membres_du_support",
        "",
        "les utilisateurs du support, à qui assigner des évènements",
        |call: NativeCallContext| -> ScriptResult<Array> {
            let context = context(&call)?;
            context.all_pages(async |work, session, page| {
                work.users().support_users(session, page).await
            })
        },
    );
    function!(
        api,
        "utilisateur",
        "id",
        "un utilisateur",
        |call: NativeCallContext, user_id: INT| -> ScriptResult<UserRow> {
            let context = context(&call)?;
            let user_id = id(user_id, Resource::User)?;
            context.call(async |work, session| work.users().detail(session, user_id).await)
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
            let role = user.role().map_err(|error| from_core_error(error.into()))?;
            context
                .call(async |work, session| work.users().create(session, &user.input, role).await)
        },
    );
    modification_functions!(
        api,
        "modifier_utilisateur",
        "utilisateur",
        &map_signature(&UserField::TYPED_ON_CREATION),
        "modifie les champs donnés d'un compte (mot_de_passe : réinitialisation)",
        Resource::User,
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
            let user_id = id(user_id, Resource::User)?;
            context.call(async |work, session| work.users().delete(session, user_id).await)
        },
    );
    function!(
        api,
        "changer_mon_mot_de_passe",
        "actuel, nouveau",
        "(tout le monde) change votre propre mot de passe",
        |call: NativeCallContext, current: &str, new: &str| -> ScriptResult<()> {
            let context = context(&call)?;
            context.call(async |work, session| {
                work.users()
                    .change_own_password(session, current, new)
                    .await
            })
        },
    );
}
