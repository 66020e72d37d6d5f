pub mod authentication_service;
