//! The session token: a JWT signed with HS256 (`jsonwebtoken`, with the HMAC of
//! [`super::hmac_provider`]), and the secret that signs it.

use epic_events_api::formatting::Zone;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::errors::SessionProblem;
use crate::permissions::Role;

/// The `iss` claim of every token.
pub const ISSUER: &str = "epic-events";
/// The `aud` claim of every token.
pub const AUDIENCE: &str = "epic-events-cli";
/// Minimum length of a signing secret, in bytes (256 bits).
pub const SECRET_MINIMUM_LENGTH: usize = 32;

/// What a token says about its holder. `sub` is the user's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id, as a string (RFC 7519).
    pub sub: String,
    /// The role's stored name at sign-in.
    pub role: String,
    /// The username at sign-in.
    pub username: String,
    /// The user's session version at sign-in (`user.session_version`): a password, role
    /// or username changed since ends the session.
    pub sv: i64,
    /// The token's own id (random), by which signing out revokes it.
    pub jti: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
    /// Always [`AUDIENCE`].
    pub aud: String,
    /// The holder's time zone (IANA name), given at sign-in: the one the core reads and
    /// writes their dates in. Required: a token of an earlier version, without one, is
    /// refused (its holder signs in again) rather than read in another zone.
    pub tz: String,
}

impl Claims {
    /// Claims for `user_id`, at session version `session_version`, signing in at `now`
    /// for `lifetime`, with a new random token id.
    pub fn new(
        user_id: i32,
        username: &str,
        role: Role,
        session_version: i64,
        zone: Zone,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Self {
        let mut random = [0u8; 16];
        // The system's random source does not fail on the platforms we run on; an id made
        // of zeros would only make this token's revocation revoke other such tokens.
        let _ = getrandom::fill(&mut random);
        Self {
            sub: user_id.to_string(),
            role: role.name().to_owned(),
            username: username.to_owned(),
            sv: session_version,
            jti: random.iter().map(|byte| format!("{byte:02x}")).collect(),
            iat: now.timestamp(),
            exp: (now + lifetime).timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            tz: zone.name().to_owned(),
        }
    }

    /// The holder's time zone.
    pub fn zone(&self) -> Zone {
        Zone::named(&self.tz).unwrap_or(Zone::UTC)
    }
}

/// What signs and checks the session tokens: the secret, and the lifetime a token is
/// given at sign-in, which is also the longest one accepted.
#[derive(Clone, Debug)]
pub struct SessionKeys {
    secret: JwtSecret,
    lifetime: Duration,
}

impl SessionKeys {
    /// Tokens signed with `secret`, valid for `lifetime`.
    pub fn new(secret: JwtSecret, lifetime: Duration) -> Self {
        Self { secret, lifetime }
    }

    /// The signing secret.
    pub fn secret(&self) -> &JwtSecret {
        &self.secret
    }

    /// How long a session lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
}

pub use epic_events_api::session::SessionToken;

/// The HS256 signing secret. Its `Debug` output never shows it.
#[derive(Clone)]
pub struct JwtSecret(Vec<u8>);

/// A secret shorter than [`SECRET_MINIMUM_LENGTH`] bytes.
#[derive(Debug, thiserror::Error)]
#[error("le secret de signature doit contenir au moins {SECRET_MINIMUM_LENGTH} octets")]
pub struct SecretTooShort;

impl JwtSecret {
    /// Checks the secret's length.
    pub fn new(bytes: Vec<u8>) -> Result<Self, SecretTooShort> {
        if bytes.len() < SECRET_MINIMUM_LENGTH {
            return Err(SecretTooShort);
        }
        Ok(Self(bytes))
    }

    /// The secret's bytes, for signing and for storage only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for JwtSecret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("JwtSecret(<masqué>)")
    }
}

/// Signs `claims` with HS256.
pub fn sign(
    claims: &Claims,
    secret: &JwtSecret,
) -> Result<SessionToken, jsonwebtoken::errors::Error> {
    super::hmac_provider::ensure_installed();
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.expose()),
    )
    .map(SessionToken::new)
}

/// Checks the signature (HS256 only), the expiry (no leeway), the issuer and the audience,
/// and that the token was issued neither in the future nor for longer than the session
/// lifetime of `keys` (a token made with the secret for ten years is refused); returns the
/// claims.
pub fn verify(token: &SessionToken, keys: &SessionKeys) -> Result<Claims, SessionProblem> {
    super::hmac_provider::ensure_installed();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud", "jti"]);
    let claims = jsonwebtoken::decode::<Claims>(
        token.expose(),
        &DecodingKey::from_secret(keys.secret.expose()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|error| match error.kind() {
        ErrorKind::ExpiredSignature => SessionProblem::Expired,
        _ => SessionProblem::Invalid,
    })?;
    let issued_in_the_future = claims.iat > Utc::now().timestamp();
    let too_long = claims.exp.saturating_sub(claims.iat) > keys.lifetime.num_seconds();
    if issued_in_the_future || too_long {
        return Err(SessionProblem::Invalid);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> JwtSecret {
        JwtSecret::new(vec![7; SECRET_MINIMUM_LENGTH]).unwrap()
    }

    fn keys() -> SessionKeys {
        SessionKeys::new(secret(), Duration::minutes(5))
    }

    #[test]
    fn a_signed_token_verifies_and_never_shows_itself() {
        let claims = Claims::new(
            12,
            "sales2",
            Role::Sales,
            3,
            Zone::UTC,
            Utc::now(),
            Duration::minutes(5),
        );
        let token = sign(&claims, &secret()).unwrap();
        assert_eq!(verify(&token, &keys()).unwrap(), claims);
        assert_eq!(claims.jti.len(), 32);
        assert_ne!(
            claims.jti,
            Claims::new(
                12,
                "sales2",
                Role::Sales,
                3,
                Zone::UTC,
                Utc::now(),
                Duration::minutes(5)
            )
            .jti
        );
        assert!(!format!("{token:?}").contains(token.expose()));
        assert_eq!(format!("{:?}", secret()), "JwtSecret(<masqué>)");
    }

    #[test]
    fn tokens_too_long_or_from_the_future_are_refused() {
        let now = Utc::now();
        for (what, claims) in [
            (
                "ten years",
                Claims::new(1, "a", Role::Sales, 0, Zone::UTC, now, Duration::days(3650)),
            ),
            (
                "a minute more than the lifetime",
                Claims::new(1, "a", Role::Sales, 0, Zone::UTC, now, Duration::minutes(6)),
            ),
            (
                "issued in an hour",
                Claims::new(
                    1,
                    "a",
                    Role::Sales,
                    0,
                    Zone::UTC,
                    now + Duration::hours(1),
                    Duration::minutes(5),
                ),
            ),
        ] {
            let token = sign(&claims, &secret()).unwrap();
            assert_eq!(
                verify(&token, &keys()),
                Err(SessionProblem::Invalid),
                "{what}"
            );
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(JwtSecret::new(vec![1; SECRET_MINIMUM_LENGTH - 1]).is_err());
    }

    #[test]
    fn the_header_pins_hs256() {
        let claims = Claims::new(
            1,
            "a",
            Role::Support,
            0,
            Zone::UTC,
            Utc::now(),
            Duration::minutes(5),
        );
        let token = sign(&claims, &secret()).unwrap();
        let header = jsonwebtoken::decode_header(token.expose()).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
    }
}
