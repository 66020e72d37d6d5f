//! Password hashing with argon2id: the only module that hashes or verifies a password.
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`), so verification reads the
//! parameters from the stored hash and keeps working when the parameters below are raised.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB: OWASP's recommended minimum for argon2id (19 MiB).
pub const MEMORY_COST_KIB: u32 = 19 * 1024;
/// Number of passes: OWASP's recommended minimum with 19 MiB.
pub const ITERATIONS: u32 = 2;
/// Degree of parallelism.
pub const PARALLELISM: u32 = 1;

pub use crate::entities::user::PasswordHash;

/// Hashing failed: only possible if the system's random generator is unavailable.
#[derive(Debug, thiserror::Error)]
#[error("impossible de chiffrer le mot de passe")]
pub struct PasswordHashingError;

fn hasher() -> Argon2<'static> {
    let parameters = Params::new(MEMORY_COST_KIB, ITERATIONS, PARALLELISM, None)
        .expect("the argon2 parameters are constants within argon2's bounds");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, parameters)
}

/// Hashes `password` with argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> Result<PasswordHash, PasswordHashingError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| PasswordHash::from_phc_string(hash.to_string()))
        .map_err(|_| PasswordHashingError)
}

/// Whether `password` matches `hash`, in constant time. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &PasswordHash) -> bool {
    hasher()
        .verify_password(password.as_bytes(), hash.as_phc_string())
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.as_phc_string()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapl", &hash));
    }

    #[test]
    fn debug_output_hides_the_hash() {
        let hash = hash_password("secret password").unwrap();
        let shown = format!("{hash:?}");
        assert!(!shown.contains(hash.as_phc_string()));
        assert!(!shown.contains("argon2"));
    }

    #[test]
    fn hashes_made_with_other_parameters_still_verify() {
        for (memory, iterations, parallelism) in
            [(8 * 1024, 3, 1), (47 * 1024, 1, 1), (19 * 1024, 2, 2)]
        {
            let parameters = Params::new(memory, iterations, parallelism, None).unwrap();
            let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, parameters)
                .hash_password(b"un autre mot de passe")
                .unwrap()
                .to_string();
            assert!(other.contains(&format!("m={memory},t={iterations},p={parallelism}")));
            let other = PasswordHash::from_phc_string(other);
            assert!(verify_password("un autre mot de passe", &other));
            assert!(!verify_password("un autre mot de pass", &other));
        }
    }

    #[test]
    fn a_malformed_hash_never_matches() {
        assert!(!verify_password(
            "",
            &PasswordHash::from_phc_string(String::new())
        ));
        assert!(!verify_password(
            "x",
            &PasswordHash::from_phc_string("$argon2id$garbage")
        ));
    }
}
