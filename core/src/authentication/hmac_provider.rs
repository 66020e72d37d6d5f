//! The cryptography `jsonwebtoken` signs and verifies tokens with: HMAC-SHA256 from
//! RustCrypto's `hmac` and `sha2`, and nothing else.
//!
//! `jsonwebtoken`'s own `rust_crypto` backend brings RSA, ECDSA and EdDSA (`rsa`, `p256`,
//! `p384`, `ed25519-dalek` and their big-number and curve crates) for the single algorithm
//! this program uses; its `aws_lc_rs` backend needs a C toolchain. `jsonwebtoken` provides
//! this extension point ([`CryptoProvider`]) for a program to bring its own: the JWT
//! itself (encoding, claims, expiry, issuer and audience checks) stays `jsonwebtoken`'s.
//! Any other algorithm is refused: a token must be HS256 to be checked at all.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::Sha256;
use signature::{Signer, Verifier};

type HmacSha256 = Hmac<Sha256>;

/// HS256, the only algorithm of the session tokens.
static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes HS256 through `hmac` the process's `jsonwebtoken` cryptography; called before each
/// signature or verification, installs it once.
pub fn ensure_installed() {
    // An error means it is installed already.
    let _ = PROVIDER.install_default();
}

fn hs256_key(family: AlgorithmFamily, algorithm: &Algorithm, secret: &[u8]) -> Result<HmacSha256> {
    if *algorithm != Algorithm::HS256 || family != AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    HmacSha256::new_from_slice(secret).map_err(|_| ErrorKind::InvalidKeyFormat.into())
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Hs256(hs256_key(
        key.family(),
        algorithm,
        key.as_bytes(),
    )?)))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    Ok(Box::new(Hs256(hs256_key(
        key.family(),
        algorithm,
        key.try_get_as_bytes()?,
    )?)))
}

/// An HS256 key, signing or verifying.
struct Hs256(HmacSha256);

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        // Constant-time comparison.
        mac.verify_slice(tag).map_err(signature::Error::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2: HMAC-SHA256 of « what do ya want for nothing? » keyed « Jefe ».
    #[test]
    fn signs_as_rfc_4231_says() {
        let key = EncodingKey::from_secret(b"Jefe");
        let signer = signer(&Algorithm::HS256, &key).unwrap();
        let tag = signer.try_sign(b"what do ya want for nothing?").unwrap();
        let hexadecimal: String = tag.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(
            hexadecimal,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let verifier = verifier(&Algorithm::HS256, &DecodingKey::from_secret(b"Jefe")).unwrap();
        assert!(
            verifier
                .verify(b"what do ya want for nothing?", &tag)
                .is_ok()
        );
        assert!(
            verifier
                .verify(b"what do ya want for nothing!", &tag)
                .is_err()
        );
    }

    #[test]
    fn other_algorithms_are_refused() {
        let key = EncodingKey::from_secret(b"secret");
        assert!(signer(&Algorithm::HS512, &key).is_err());
        assert!(verifier(&Algorithm::RS256, &DecodingKey::from_secret(b"secret")).is_err());
    }
}
