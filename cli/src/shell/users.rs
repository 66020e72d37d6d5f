//! « Gestion des utilisateurs » (management): lists, detail, creation, modification,
//! deletion; and, for everyone, changing one's own password.

use super::Session;
use super::{
    ALL, Answer, ApplicationError, CREATE, Choice, DELETE, Deletion, Entry, FormField, MODIFY,
    Next, Noun, SEARCH, SHOW_BY_NUMBER, Shell, render, widgets::REASSIGN_CUSTOMERS,
};
use crate::paging::{Page, PageRequest};
use epic_events_api::catalogue::user::{CURRENT_PASSWORD_LABEL, NewUser, UserChanges, UserField};
use epic_events_api::catalogue::{Catalogue, Given, Typed};
use epic_events_api::records::UserRow;
use epic_events_api::vocabulary::{Action, Feature};
use epic_events_api::{ApiError, Record};

/// What the account's screen shows.
const SCREEN: [UserField; 9] = [
    UserField::Id,
    UserField::Username,
    UserField::FirstName,
    UserField::LastName,
    UserField::Email,
    UserField::PhoneNumber,
    UserField::Role,
    UserField::CreatedAt,
    UserField::UpdatedAt,
];

/// The columns of a list of accounts.
pub(super) const COLUMNS: [UserField; 5] = [
    UserField::Id,
    UserField::LastName,
    UserField::FirstName,
    UserField::Username,
    UserField::Role,
];

/// The action after the fields on the modification screen.
const RESET_PASSWORD: u32 = UserField::CHANGEABLE.len() as u32 + 1;

impl Shell {
    pub(super) fn users_menu(&mut self) -> Result<Next, ApplicationError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let users = session.allows(Feature::Users);
            let entries = [
                Entry::when(ALL, "Tous les utilisateurs", users.clone()),
                Entry::when(SEARCH, "Rechercher un utilisateur", users.clone()),
                Entry::when(
                    SHOW_BY_NUMBER,
                    "Afficher un utilisateur (par son numéro)",
                    users.clone(),
                ),
                Entry::when(CREATE, "Créer un utilisateur", users),
            ];
            let next = match self.choose("Gestion des utilisateurs", &entries, Some("Retour"))? {
                Choice::Entry(ALL) => self.user_list()?,
                Choice::Entry(SEARCH) => match self.ask(
                    "Rechercher (mots du nom, de l'identifiant ou de l'e-mail ; vide pour revenir)",
                )? {
                    Answer::Text(words) => self.user_pages(
                        &format!("Utilisateurs — « {words} »"),
                        |shell, session, page| {
                            shell.call(shell.crm.search_users(&session.token, words.clone(), page))
                        },
                    )?,
                    Answer::Cancel => Next::Back,
                    Answer::Quit => Next::Quit,
                },
                Choice::Entry(SHOW_BY_NUMBER) => match self.ask_id("un utilisateur")? {
                    Some(Ok(id)) => self.user_detail(id)?,
                    Some(Err(next)) => next,
                    None => Next::Back,
                },
                Choice::Entry(_) => self.create_user()?,
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
                Choice::Redisplay => Next::Back,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    fn user_list(&mut self) -> Result<Next, ApplicationError> {
        self.user_pages("Tous les utilisateurs", |shell, session, page| {
            shell.call(shell.crm.list_users(&session.token, page))
        })
    }

    /// Pages through the accounts `fetch` gives, each opening its screen.
    fn user_pages(
        &mut self,
        title: &str,
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<UserRow>, ApiError>,
    ) -> Result<Next, ApplicationError> {
        self.browse(
            title,
            Noun::of(epic_events_api::vocabulary::Resource::User),
            &COLUMNS,
            fetch,
            |user| user.id,
            |shell, id| shell.user_detail(id),
        )
    }

    pub(super) fn user_detail(&mut self, id: i32) -> Result<Next, ApplicationError> {
        loop {
            let (session, user) = match self
                .session_and(|shell, session| shell.call(shell.crm.user(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!(
                "Utilisateur {} — {} {}",
                user.username, user.user_first_name, user.user_last_name
            ));
            self.say(render::detail(&render::described(&SCREEN, &user), self.width()).trim_end());
            let entries = [
                Entry::when(
                    MODIFY,
                    "Modifier",
                    self.call(self.crm.permits(
                        &session.token,
                        Record::User(user.id),
                        Action::Update,
                    )),
                ),
                Entry::when(
                    DELETE,
                    "Supprimer",
                    self.call(self.crm.permits(
                        &session.token,
                        Record::User(user.id),
                        Action::Delete,
                    )),
                ),
                // A sales user's portfolio, handed to a colleague (before they leave).
                Entry::present_if(
                    REASSIGN_CUSTOMERS,
                    "Confier ses clients à un autre commercial",
                    user.role_name == epic_events_api::vocabulary::Role::Sales.name()
                        && self
                            .call(self.crm.permits(
                                &session.token,
                                Record::User(user.id),
                                Action::Update,
                            ))
                            .is_ok(),
                ),
            ];
            let next = match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(MODIFY) => self.modify_user(user)?,
                Choice::Entry(REASSIGN_CUSTOMERS) => self.reassign_customers(&user)?,
                Choice::Entry(_) => {
                    let question = format!("Supprimer le compte {} ?", user.username);
                    let deletion = self.delete_after_confirmation(
                        &question,
                        "Utilisateur supprimé.",
                        |shell| shell.call(shell.crm.may_delete_user(&session.token, id)),
                        |shell| shell.call(shell.crm.delete_user(&session.token, id)),
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
                Choice::Redisplay => Next::Back,
            };
            if next != Next::Back {
                return Ok(next);
            }
        }
    }

    /// Asks which sales user takes over `from`'s customers, confirms, and hands them all.
    fn reassign_customers(&mut self, from: &UserRow) -> Result<Next, ApplicationError> {
        let from_name = format!("{} {}", from.user_first_name, from.user_last_name);
        loop {
            let login = match self.ask("Identifiant du commercial repreneur (vide pour revenir)")? {
                Answer::Text(login) => login,
                Answer::Cancel => return Ok(Next::Back),
                Answer::Quit => return Ok(Next::Quit),
            };
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let found = self.call(self.crm.search_users(
                &session.token,
                login.clone(),
                crate::paging::PageRequest::first(crate::paging::MAXIMUM_PAGE_SIZE),
            ));
            let found = match found {
                Ok(page) => page.items,
                Err(error) => {
                    self.refused(&error);
                    continue;
                }
            };
            let Some(to) = found.into_iter().find(|user| {
                user.username.eq_ignore_ascii_case(&login)
                    || user.email.eq_ignore_ascii_case(&login)
            }) else {
                self.error(&format!(
                    "commercial repreneur : aucun utilisateur « {login} »"
                ));
                continue;
            };
            let to_name = format!("{} {}", to.user_first_name, to.user_last_name);
            match self.confirm(&format!(
                "Confier tous les clients de {from_name} à {to_name} ?"
            ))? {
                Some(true) => {}
                Some(false) => return Ok(Next::Back),
                None => return Ok(Next::Quit),
            }
            match self.call(
                self.crm
                    .reassign_customers(&session.token, from.id, to.id, None),
            ) {
                Ok(0) => self.success(&format!("{from_name} n'a aucun client : rien n'a changé.")),
                Ok(count) => self.success(&format!(
                    "{} confiés à {to_name}.",
                    Noun::of(epic_events_api::vocabulary::Resource::Customer).counted(count)
                )),
                Err(error) => {
                    self.refused(&error);
                    continue;
                }
            }
            return Ok(Next::Back);
        }
    }

    fn modify_user(&mut self, user: UserRow) -> Result<Next, ApplicationError> {
        let id = user.id;
        loop {
            // Shown as it is now (see `modify_contract`).
            let (_, user) = match self
                .session_and(|shell, session| shell.call(shell.crm.user(&session.token, id)))?
            {
                Ok(found) => found,
                Err(next) => return Ok(next),
            };
            self.title(&format!("Modifier le compte {}", user.username));
            self.say(render::detail(&render::described(&SCREEN, &user), self.width()).trim_end());
            let mut entries: Vec<Entry> = (1..)
                .zip(UserField::CHANGEABLE)
                .map(|(number, field)| Entry::offered(number, super::capitalised(field.label())))
                .collect();
            entries.push(Entry::offered(
                RESET_PASSWORD,
                "Réinitialiser le mot de passe",
            ));
            let seen = &user;
            let outcome = match self.choose("Champ à modifier", &entries, Some("Retour"))? {
                Choice::Entry(RESET_PASSWORD) => {
                    let password = FormField::of(UserField::Password.describe());
                    let new_password = match self.ask_field(&password, &[])? {
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
                    let updated =
                        self.call(
                            self.crm
                                .update_user(&session.token, id, changes.clone(), None),
                        );
                    Ok(self.report(updated, "Mot de passe réinitialisé."))
                }
                Choice::Entry(number) => {
                    let Some(chosen) = UserField::CHANGEABLE.get(number as usize - 1).copied()
                    else {
                        continue;
                    };
                    let current = chosen.read(&user);
                    self.change_field(
                        chosen.describe(),
                        Some(&current),
                        |shell, session, value| {
                            let changes = UserChanges::of(chosen, Given::Text(value))?;
                            shell.call(shell.crm.update_user(
                                &session.token,
                                id,
                                changes.clone(),
                                Some(seen.clone()),
                            ))
                        },
                    )?
                }
                Choice::Back => return Ok(Next::Back),
                Choice::Quit => return Ok(Next::Quit),
                Choice::SignedOut => return Ok(Next::SignedOut),
                Choice::Redisplay => continue,
            };
            if let Err(next) = outcome {
                return Ok(next);
            }
        }
    }

    fn create_user(&mut self) -> Result<Next, ApplicationError> {
        self.title("Nouvel utilisateur (un champ obligatoire laissé vide propose d'abandonner)");
        let form = FormField::all(&UserField::TYPED_ON_CREATION);
        let created = self.form(&form, |shell, session, values| {
            let user = NewUser::filled(&UserField::TYPED_ON_CREATION, values)?;
            let (input, role) = (user.input.clone(), user.role()?);
            shell.call(shell.crm.create_user(&session.token, input.clone(), role))
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
    pub(super) fn change_own_password(&mut self) -> Result<Next, ApplicationError> {
        self.title("Changer mon mot de passe (vide pour annuler)");
        let current = match self.ask_secret(&super::capitalised(CURRENT_PASSWORD_LABEL))? {
            Answer::Text(password) => password,
            Answer::Cancel => return Ok(Next::Back),
            Answer::Quit => return Ok(Next::Quit),
        };
        let new_password =
            match self.ask_field(&FormField::of(UserField::Password.describe()), &[])? {
                Answer::Text(password) => password,
                Answer::Cancel => return Ok(Next::Back),
                Answer::Quit => return Ok(Next::Quit),
            };
        let Some(session) = self.session()? else {
            return Ok(Next::SignedOut);
        };
        // The change ends every session of the user, this one too: the core opens a new
        // one, with the new password, so that the person carries on.
        let changed = self.call(self.crm.change_own_password(
            &session.token,
            current,
            new_password,
        ));
        match self.report(changed, "Mot de passe changé.") {
            Some(signed_in) => {
                self.token = Some(signed_in.token);
                Ok(Next::Back)
            }
            None => Ok(Next::Back),
        }
    }
}
