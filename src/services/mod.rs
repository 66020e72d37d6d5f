pub mod authentication_service;
pub mod authorization_service;
