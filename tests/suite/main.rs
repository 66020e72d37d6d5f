//! The test suite, in one binary (as cargo's own `tests/testsuite/`): one module per
//! area, all sharing the test databases of `support`. Database tests run on SQLite and,
//! when `EPIC_EVENTS_TEST_MYSQL_URL` names a server, on MySQL.

#[macro_use]
mod support;

mod authentication;
mod bad_input;
mod bundled_scripts;
mod command_line;
mod concurrency;
mod configuration_files;
mod contracts;
mod customers;
mod database_commands;
mod demo_data;
mod events;
mod hostile_output;
mod hostile_screens;
mod large_data;
mod permission_matrix;
mod permissions;
mod query_plans;
mod reporting;
mod schema;
mod script_commands;
mod script_limits;
mod scripting;
mod server_mode;
mod session_commands;
mod session_ends;
mod shell_journeys;
mod shell_screens;
mod shell_terminal;
mod users;
