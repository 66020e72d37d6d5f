//! The welcome screen, sign-in and the main menu.

use super::{Answer, ApplicationError, Choice, Entry, Next, Shell};
use epic_events_api::ErrorCode;
use epic_events_api::vocabulary::Feature;

impl Shell {
    // --- Welcome and main menu -------------------------------------------------------

    pub(super) fn welcome(&mut self) -> Result<(), ApplicationError> {
        self.say("Bienvenue dans Epic Events CRM.");
        loop {
            let entries = [
                Entry::offered(1, "Se connecter"),
                Entry::offered(2, "Quitter"),
            ];
            match self.choose("Accueil", &entries, None)? {
                Choice::Entry(1) => match self.sign_in()? {
                    Next::Quit => break,
                    Next::Back | Next::SignedOut if !self.leaving => continue,
                    Next::Back | Next::SignedOut => break,
                },
                Choice::Entry(_) | Choice::Quit => break,
                Choice::Back | Choice::SignedOut | Choice::Redisplay => continue,
            }
        }
        self.say("Au revoir.");
        Ok(())
    }

    /// Asks for a username and a password until the core accepts them: a wrong password
    /// is said and the password asked again for the same username (an empty one to type
    /// another username, an empty username to go back).
    pub(super) fn sign_in(&mut self) -> Result<Next, ApplicationError> {
        self.title("Connexion");
        let (user, token) = 'username: loop {
            let login = match self.ask("Nom d'utilisateur ou adresse e-mail (vide pour revenir)")? {
                Answer::Text(login) => login,
                Answer::Cancel => return Ok(Next::Back),
                Answer::Quit => return Ok(Next::Quit),
            };
            let mut prompt = "Mot de passe";
            loop {
                let password = match self.ask_secret(prompt)? {
                    Answer::Text(password) => password,
                    Answer::Cancel if prompt == "Mot de passe" => return Ok(Next::Back),
                    Answer::Cancel => continue 'username,
                    Answer::Quit => return Ok(Next::Quit),
                };
                // The core reads and writes this person's dates in this machine's zone.
                let zone = epic_events_api::formatting::Zone::of_this_machine();
                match self.call(self.crm.sign_in(login.clone(), password, zone)) {
                    Ok(signed_in) => break 'username (signed_in.user, signed_in.token),
                    // A slip: the password again, for the same username.
                    Err(error) if error.code == ErrorCode::WrongCredentials => {
                        self.refused(&error);
                        prompt = "Mot de passe (vide pour changer d'identifiant)";
                    }
                    Err(error) => {
                        self.refused(&error);
                        return Ok(Next::Back);
                    }
                }
            }
        };
        self.token = Some(token);
        let history = self.histories.join(format!("historique-{}", user.username));
        self.console.use_history(Some(history));
        self.success(&format!(
            "Bienvenue {} {} ! Connecté en tant que {} (rôle : {}).",
            user.first_name, user.last_name, user.username, user.role
        ));
        self.main_menu()
    }

    pub(super) fn main_menu(&mut self) -> Result<Next, ApplicationError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let title = format!(
                "Menu principal — {} {} ({})",
                session.user.first_name, session.user.last_name, session.user.role
            );
            let entries = [
                Entry::when(
                    1,
                    "Gestion des utilisateurs",
                    session.allows(Feature::Users),
                ),
                Entry::when(2, "Gestion des clients", session.allows(Feature::Customers)),
                Entry::when(
                    3,
                    "Gestion des contrats",
                    session.allows(Feature::Contracts),
                ),
                Entry::when(4, "Gestion des évènements", session.allows(Feature::Events)),
                Entry::offered(5, "Changer mon mot de passe"),
            ];
            // Déconnexion is 99, as on every screen of a session (`choose`).
            let next = match self.choose(&title, &entries, None)? {
                Choice::Entry(1) => self.users_menu()?,
                Choice::Entry(2) => self.customers_menu()?,
                Choice::Entry(3) => self.contracts_menu()?,
                Choice::Entry(4) => self.events_menu()?,
                Choice::Entry(_) => self.change_own_password()?,
                Choice::Back => Next::Back,
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
                Choice::Redisplay => Next::Back,
            };
            match next {
                Next::Back => continue,
                other => return Ok(other),
            }
        }
    }
}
