//! Who the user is: password hashing (and, later, the signed session).

pub mod password;
