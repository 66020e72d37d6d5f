//! Who the user is: password hashing, the signed session token and where it is stored.

pub mod hmac_provider;
pub mod password;
pub mod token;
