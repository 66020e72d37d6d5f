//! Sessions as a client holds them: an opaque token the core signed, and what the core
//! says of the user it stands for.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::records::AuthenticatedUser;
use crate::vocabulary::Feature;

/// A session token: signed and verified by the core alone; the client only stores it and
/// sends it back. Its `Debug` output never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(String);

impl SessionToken {
    /// Wraps a token read from storage or received from the core.
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// The token text, for storage and transport only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("SessionToken(<masqué>)")
    }
}

/// A session just opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The token to send with every call.
    pub token: SessionToken,
    /// Who signed in.
    pub user: AuthenticatedUser,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// The session a token stands for, as the core reads it now: the user, re-read, and what
/// their rights let the menus offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The signed-in user.
    pub user: AuthenticatedUser,
    /// The features the user may open, each with the core's refusal when they may not.
    pub features: Vec<(Feature, Result<(), String>)>,
}

impl SessionInfo {
    /// Whether the core lets the user open `feature`; its French refusal otherwise.
    pub fn allows(&self, feature: Feature) -> Result<(), String> {
        self.features
            .iter()
            .find(|(offered, _)| *offered == feature)
            .map_or_else(
                || Err(format!("{} n'est pas proposée", feature.french_name())),
                |(_, allowed)| allowed.clone(),
            )
    }
}
