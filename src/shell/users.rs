//! « Gestion des utilisateurs » (management): lists, detail, creation, modification,
//! deletion; and, for everyone, changing one's own password.

use super::{
    Answer, Browse, Choice, CommandError, Deletion, Entry, FormField, Next, Shell, render,
};
use crate::formatting;
use crate::permissions::{Action, Feature, Role, allows};
use crate::services::user_service::{self, NewUserInput, UserChanges, UserRow, field};

fn role_label(user: &UserRow) -> String {
    Role::from_name(&user.role_name).map_or_else(
        || user.role_name.clone(),
        |role| role.french_label().to_owned(),
    )
}

fn fields(user: &UserRow) -> Vec<(&'static str, String)> {
    vec![
        ("Numéro", user.id.to_string()),
        ("Identifiant", user.username.clone()),
        ("Prénom", user.user_first_name.clone()),
        ("Nom", user.user_last_name.clone()),
        ("Adresse e-mail", user.email.clone()),
        ("Téléphone", user.phone_number.clone()),
        ("Rôle", role_label(user)),
        ("Créé le", formatting::date_time(user.created_at)),
        ("Modifié le", formatting::date_time(user.updated_at)),
    ]
}

/// The editable fields, by their number on the modification screen.
const EDITABLE: [(u32, &str); 6] = [
    (1, field::FIRST_NAME),
    (2, field::LAST_NAME),
    (3, field::EMAIL),
    (4, field::PHONE_NUMBER),
    (5, field::USERNAME),
    (6, field::ROLE),
];

const ROLE_HINT: &str = "gestion, commercial ou support";

impl Shell<'_> {
    pub(super) fn users_menu(&mut self) -> Result<Next, CommandError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let users = allows(&session.actor, Feature::Users);
            let entries = [
                Entry::when(1, "Tous les utilisateurs", users),
                Entry::when(2, "Afficher un utilisateur (par son numéro)", users),
                Entry::when(3, "Créer un utilisateur", users),
            ];
            let next = match self.choose("Gestion des utilisateurs", &entries, Some("Retour"))? {
                Choice::Entry(1) => match self.user_list()? {
                    Browse::Open(id) => self.user_detail(id)?,
                    Browse::Done(next) => next,
                },
                Choice::Entry(2) => match self.ask_id("un utilisateur")? {
                    Some(Ok(id)) => self.user_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(_) => self.create_user()?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn user_list(&mut self) -> Result<Browse, CommandError> {
        self.browse(
            "Tous les utilisateurs",
            "un utilisateur",
            &["n°", "Nom", "Prénom", "Identifiant", "Rôle"],
            &[true, false, false, false, false],
            |shell, session, page| {
                shell.block_on(user_service::list(&shell.connection, session, page))
            },
            |user: &UserRow| {
                vec![
                    user.id.to_string(),
                    user.user_last_name.clone(),
                    user.user_first_name.clone(),
                    user.username.clone(),
                    role_label(user),
                ]
            },
        )
    }

    fn user_detail(&mut self, id: i32) -> Result<Next, CommandError> {
        loop {
            let (session, user) = match self.session_and(|shell, session| {
                shell.block_on(user_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Utilisateur {} — {} {}",
                user.username, user.user_first_name, user.user_last_name
            ));
            self.say(render::detail(&fields(&user)).trim_end());
            let entries = [
                Entry::when(
                    1,
                    "Modifier",
                    user_service::permits(&session, Action::Update, &user),
                ),
                Entry::when(
                    2,
                    "Supprimer",
                    user_service::permits(&session, Action::Delete, &user),
                ),
            ];
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(1) => self.modify_user(user)?,
                Choice::Entry(_) => {
                    let question = format!("Supprimer le compte {} ?", user.username);
                    let deletion = self.delete_after_confirmation(
                        &question,
                        "Utilisateur supprimé.",
                        |shell| {
                            shell.write(|| user_service::delete(&shell.connection, &session, id))
                        },
                    )?;
                    match deletion {
                        Deletion::Deleted => return Ok(Next::Back),
                        Deletion::Kept => Next::Back,
                        Deletion::Quit => Next::Quit,
                    }
                }
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn modify_user(&mut self, user: UserRow) -> Result<Next, CommandError> {
        let id = user.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (_, user) = match self.session_and(|shell, session| {
                shell.block_on(user_service::detail(&shell.connection, session, id))
            })? {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le compte {}", user.username));
            self.say(render::detail(&fields(&user)).trim_end());
            let mut entries: Vec<Entry> = EDITABLE
                .iter()
                .map(|(number, name)| Entry::offered(*number, super::capitalised(name)))
                .collect();
            entries.push(Entry::offered(7, "Réinitialiser le mot de passe"));
            let seen = &user;
            let outcome = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(7) => {
                    let new_password = match self.ask_field(&FormField::secret(field::PASSWORD))? {
                        Answer::Text(password) => password,
                        Answer::Cancel => continue,
                        Answer::Quit => return Ok(Next::Quit),
                    };
                    let Some(session) = self.session()? else {
                        return Ok(Next::SignedOut);
                    };
                    let changes = UserChanges {
                        new_password: Some(new_password),
                        ..Default::default()
                    };
                    let updated = self.write(|| {
                        user_service::update(&self.connection, &session, id, &changes, None)
                    });
                    Ok(self.report(updated, "Mot de passe réinitialisé."))
                }
                Choice::Entry(number) => {
                    let chosen = EDITABLE
                        .iter()
                        .find(|(candidate, _)| *candidate == number)
                        .map_or(field::FIRST_NAME, |(_, name)| *name);
                    let hint = (chosen == field::ROLE).then_some(ROLE_HINT);
                    self.change_field(chosen, hint, |shell, session, value| {
                        let mut changes = UserChanges::default();
                        match chosen {
                            field::FIRST_NAME => changes.first_name = Some(value),
                            field::LAST_NAME => changes.last_name = Some(value),
                            field::EMAIL => changes.email = Some(value),
                            field::PHONE_NUMBER => changes.phone_number = Some(value),
                            field::USERNAME => changes.username = Some(value),
                            _ => changes.role = Some(user_service::parse_role(&value)?),
                        }
                        shell.write(|| {
                            user_service::update(
                                &shell.connection,
                                session,
                                id,
                                &changes,
                                Some(seen),
                            )
                        })
                    })?
                }
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
            };
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_user(&mut self) -> Result<Next, CommandError> {
        self.title("Nouvel utilisateur (laissez un champ vide pour annuler)");
        let form = [
            FormField::required(field::FIRST_NAME),
            FormField::required(field::LAST_NAME),
            FormField::required(field::EMAIL),
            FormField::hinted(field::PHONE_NUMBER, "par exemple +33 6 12 34 56 78"),
            FormField::hinted(
                field::USERNAME,
                "lettres minuscules, chiffres, « . », « _ », « - »",
            ),
            FormField::hinted(field::ROLE, ROLE_HINT),
            FormField::secret(field::PASSWORD),
        ];
        let created = self.form(&form, |shell, session, values| {
            let role = user_service::parse_role(&values[5])?;
            let input = NewUserInput {
                first_name: values[0].clone(),
                last_name: values[1].clone(),
                email: values[2].clone(),
                phone_number: values[3].clone(),
                username: values[4].clone(),
                password: values[6].clone(),
            };
            shell.write(|| user_service::create(&shell.connection, session, &input, role))
        })?;
        match created {
            Ok(user) => {
                self.success(&format!(
                    "Utilisateur créé : n°{} {}.",
                    user.id, user.username
                ));
                self.user_detail(user.id)
            }
            Err(next) => Ok(next),
        }
    }

    /// Changes the signed-in user's own password.
    pub(super) fn change_own_password(&mut self) -> Result<Next, CommandError> {
        self.title("Changer mon mot de passe (vide pour annuler)");
        let current = match self.ask_secret("Mot de passe actuel")? {
            Answer::Text(password) => password,
            Answer::Cancel => return Ok(Next::Back),
            Answer::Quit => return Ok(Next::Quit),
        };
        let new_password = match self.ask_field(&FormField::secret(field::PASSWORD))? {
            Answer::Text(password) => password,
            Answer::Cancel => return Ok(Next::Back),
            Answer::Quit => return Ok(Next::Quit),
        };
        let Some(session) = self.session()? else {
            return Ok(Next::SignedOut);
        };
        let changed = self.write(|| {
            user_service::change_own_password(&self.connection, &session, &current, &new_password)
        });
        self.report(changed, "Mot de passe changé.");
        Ok(Next::Back)
    }
}
