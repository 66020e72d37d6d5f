//! Test databases: each test gets its own SQLite file or MySQL database, removed at the end.
//!
//! MySQL tests run when `EPIC_EVENTS_TEST_MYSQL_URL` names a server
//! (`mysql://root@127.0.0.1:3306`). Without it they are skipped, except under `CI=true`
//! where a missing or unreachable server fails the test.

#![allow(dead_code)]

pub mod terminal;
#[path = "../../shared/throwaway_mariadb.rs"]
pub mod throwaway_mariadb;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use epic_events_core::database::url::DatabaseUrl;
use epic_events_core::database::{self, administration};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

/// Variable naming the MySQL server used by the tests.
pub const MYSQL_TEST_URL_VARIABLE: &str = "EPIC_EVENTS_TEST_MYSQL_URL";

/// The two backends every database test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
}

/// The MySQL server URL for tests, or `None` when MySQL tests are to be skipped.
///
/// Panics under `CI=true` when the variable is missing: CI must never skip them silently.
pub fn mysql_server_url() -> Option<String> {
    match std::env::var(MYSQL_TEST_URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_owned()),
        _ if std::env::var("CI").is_ok_and(|value| value == "true") => {
            panic!("{MYSQL_TEST_URL_VARIABLE} must name a MySQL server when CI=true")
        }
        _ => None,
    }
}

/// A database that exists for one test and is removed when dropped.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: DatabaseUrl,
    pub connection: DatabaseConnection,
    location: Location,
    /// The template it was copied from, kept while it lives (see [`DemoTemplate`]).
    _template: Option<Arc<DemoTemplate>>,
}

pub enum Location {
    /// The directory holding the SQLite file; removed on drop.
    SqliteDirectory(tempfile::TempDir),
    /// A database on the MySQL test server; dropped on drop.
    MySql { server_url: String, name: String },
}

static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// The connections each pool of a test keeps at most, in this process: ten tests at once,
/// some with a few dozen pools (people, servers), stay well within the shared MariaDB's
/// `max_connections` (151 by default). The programs the tests run keep their own default:
/// one connection for a command or the shell, ten for a server.
pub const TEST_POOL_SIZE: u32 = 4;

impl TestDatabase {
    /// The URL and location of a new, not yet created, database.
    pub fn reserve(backend: Backend) -> (DatabaseUrl, Location) {
        epic_events_core::database::limits::set_pool_size(TEST_POOL_SIZE);
        match backend {
            Backend::Sqlite => {
                let directory = tempfile::tempdir().expect("temporary directory");
                let path = directory.path().join(SQLITE_FILE_NAME);
                let url = DatabaseUrl::new(format!("sqlite://{}?mode=rwc", path.display()))
                    .expect("sqlite url");
                (url, Location::SqliteDirectory(directory))
            }
            Backend::MySql => {
                let server_url = mysql_server_url().expect("MySQL tests need a server");
                let name = format!(
                    "epic_events_test_{}_{}_{}",
                    std::process::id(),
                    NEXT_DATABASE.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                let url = DatabaseUrl::new(format!("{server_url}/{name}")).expect("mysql url");
                (url, Location::MySql { server_url, name })
            }
        }
    }

    /// An empty database (no table).
    pub async fn empty(backend: Backend) -> Self {
        let (url, location) = Self::reserve(backend);
        if let Location::MySql { server_url, name } = &location {
            let server = connect_to(server_url).await;
            sea_orm::ConnectionTrait::execute_unprepared(
                &server,
                &format!(
                    "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                ),
            )
            .await
            .expect("create the test database");
            server.close().await.ok();
        }
        let connection = database::connect(&url)
            .await
            .unwrap_or_else(|error| panic!("cannot connect to {url}: {error:?}"));
        Self {
            backend,
            url,
            connection,
            location,
            _template: None,
        }
    }

    /// A database with the schema and no row.
    pub async fn migrated(backend: Backend) -> Self {
        let database = Self::empty(backend).await;
        administration::migrate(&database.connection)
            .await
            .expect("migrations apply");
        database
    }

    /// A database holding the demo data set, as `base reinitialiser` leaves it: a copy of
    /// a template made once (see [`DemoTemplate`]) rather than migrated and loaded again.
    pub async fn with_demo_data(backend: Backend) -> Self {
        let template = DemoTemplate::shared(backend);
        let (url, location) = Self::reserve(backend);
        match (&template.location, &location) {
            (Location::SqliteDirectory(from), Location::SqliteDirectory(to)) => {
                std::fs::copy(
                    from.path().join(SQLITE_FILE_NAME),
                    to.path().join(SQLITE_FILE_NAME),
                )
                .expect("copy the template database");
            }
            (
                Location::MySql {
                    server_url,
                    name: from,
                },
                Location::MySql { name: to, .. },
            ) => {
                copy_mysql_database(server_url, from, to).await;
            }
            _ => unreachable!("a template of the same backend"),
        }
        let connection = database::connect(&url)
            .await
            .unwrap_or_else(|error| panic!("cannot connect to {url}: {error:?}"));
        Self {
            backend,
            url,
            connection,
            location,
            _template: Some(template),
        }
    }

    /// A database reset to the demo data set by the program itself (`base reinitialiser`).
    pub async fn reset_to_demo_data(backend: Backend) -> Self {
        let (url, location) = Self::reserve(backend);
        let connection = epic_events_core::seed::reset(&url)
            .await
            .unwrap_or_else(|error| panic!("reset of {url} failed: {error:?}"));
        Self {
            backend,
            url,
            connection,
            location,
            _template: None,
        }
    }

    /// A database created elsewhere at a reserved location, removed when dropped.
    pub fn adopt(
        backend: Backend,
        url: DatabaseUrl,
        connection: DatabaseConnection,
        location: Location,
    ) -> Self {
        Self {
            backend,
            url,
            connection,
            location,
            _template: None,
        }
    }

    /// Opens a new connection, for when another process recreated the database (an SQLite
    /// connection keeps reading the file it opened, even once replaced).
    pub async fn reconnect(&mut self) {
        self.connection = database::connect(&self.url).await.expect("reconnect");
    }

    /// Runs the `epic-events` binary on this database with `input` as standard input, in an
    /// empty working directory with its own configuration directory.
    pub fn run_binary(&self, arguments: &[&str], input: &str) -> BinaryOutput {
        run_binary(Some(&self.url), arguments, input)
    }

    /// Number of rows of an entity's table.
    pub async fn count<E>(&self, _entity: E) -> u64
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        E::find().count(&self.connection).await.expect("count")
    }
}

async fn connect_to(url: &str) -> DatabaseConnection {
    database::connect(&DatabaseUrl::new(url).expect("url"))
        .await
        .unwrap_or_else(|error| panic!("the MySQL test server {url} does not answer: {error:?}"))
}

/// Drops the database `name` of the MySQL test server, from a thread of its own (drop may
/// run inside a runtime).
fn drop_mysql_database(server_url: &str, name: &str) {
    let server_url = server_url.to_owned();
    let database_name = name.to_owned();
    let cleanup = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let server = connect_to(&server_url).await;
            sea_orm::ConnectionTrait::execute_unprepared(
                &server,
                &format!("DROP DATABASE IF EXISTS `{database_name}`"),
            )
            .await
            .expect("drop the test database");
            server.close().await.ok();
        });
    });
    if cleanup.join().is_err() && !std::thread::panicking() {
        panic!("the test database {name} could not be dropped");
    }
}

impl Drop for Location {
    /// A reserved MySQL database is dropped with its location, whether or not it was
    /// created, and even when making or copying it failed half-way (the SQLite directory
    /// removes itself).
    fn drop(&mut self) {
        if let Location::MySql { server_url, name } = self {
            drop_mysql_database(server_url, name);
        }
    }
}

/// The name of a test's SQLite file in its directory.
const SQLITE_FILE_NAME: &str = "epic_events_test.db";

/// A database reset to the demo data set once, that tests copy (a file copy on SQLite, the
/// tables and rows on MySQL) instead of migrating and loading their own: shared while a
/// test holds it, removed with the last (a later test makes it again).
pub struct DemoTemplate {
    /// Where it is: removed when the last test holding it ends.
    location: Location,
}

static DEMO_TEMPLATES: Mutex<[Weak<DemoTemplate>; 2]> = Mutex::new([Weak::new(), Weak::new()]);

impl DemoTemplate {
    /// The template of `backend`, made now if no test holds one.
    fn shared(backend: Backend) -> Arc<Self> {
        let slot = match backend {
            Backend::Sqlite => 0,
            Backend::MySql => 1,
        };
        let mut templates = DEMO_TEMPLATES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(template) = templates[slot].upgrade() {
            return template;
        }
        let (url, location) = TestDatabase::reserve(backend);
        // Made on a thread of its own: the caller may be inside a runtime.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async {
                    let connection = epic_events_core::seed::reset(&url)
                        .await
                        .unwrap_or_else(|error| panic!("reset of {url} failed: {error:?}"));
                    connection.close().await.expect("close the template");
                });
        })
        .join()
        .expect("the demo template is made");
        let template = Arc::new(Self { location });
        templates[slot] = Arc::downgrade(&template);
        template
    }
}

/// Creates the database `to` on the MySQL test server as a copy of `from`: each table as
/// `SHOW CREATE TABLE` gives it (keys, full-text indexes and foreign keys included), then
/// its rows.
async fn copy_mysql_database(server_url: &str, from: &str, to: &str) {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let server = connect_to(server_url).await;
    server
        .execute_unprepared(&format!(
            "CREATE DATABASE `{to}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))
        .await
        .expect("create the test database");
    let tables: Vec<String> = server
        .query_all_raw(Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::MySql,
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
            [from.into()],
        ))
        .await
        .expect("list the template's tables")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("table name"))
        .collect();
    // One connection throughout, so that the foreign key checks stay off for it.
    let session = server.begin().await.expect("one connection");
    session
        .execute_unprepared(&format!("USE `{to}`"))
        .await
        .expect("use the copy");
    session
        .execute_unprepared("SET FOREIGN_KEY_CHECKS = 0")
        .await
        .expect("foreign key checks off");
    // The full-text indexes without stop words, as the migration makes them: the
    // definition does not say so, the session's setting at their making does.
    session
        .execute_unprepared("SET SESSION innodb_ft_enable_stopword = OFF")
        .await
        .expect("stop words off");
    for table in &tables {
        let created = session
            .query_one_raw(Statement::from_string(
                sea_orm::DatabaseBackend::MySql,
                format!("SHOW CREATE TABLE `{from}`.`{table}`"),
            ))
            .await
            .expect("the table's definition")
            .expect("one row");
        let definition: String = created.try_get_by_index(1).expect("CREATE TABLE text");
        session
            .execute_unprepared(&definition)
            .await
            .expect("create the table");
        session
            .execute_unprepared(&format!(
                "INSERT INTO `{to}`.`{table}` SELECT * FROM `{from}`.`{table}`"
            ))
            .await
            .expect("copy the rows");
    }
    session
        .execute_unprepared("SET FOREIGN_KEY_CHECKS = 1")
        .await
        .expect("foreign key checks on");
    session.commit().await.expect("copy done");
    server.close().await.ok();
}

/// `test_on_both_backends!(name, …)`: the scenario `async fn name(backend: Backend)` as two
/// tests, `name::sqlite` and `name::mysql`. The scenarios are plain functions, so rustfmt
/// formats them. The MySQL test is reported ignored (not passed) when the suite was built
/// without `EPIC_EVENTS_TEST_MYSQL_URL` (see `build.rs`).
///
/// `test_on_both_backends!(slow: name, …)` marks scenarios that take seconds by design
/// (lock waits, a server that stops answering, a whole permission matrix):
/// `name::slow::sqlite` and `name::slow::mysql`. Every `cargo test` runs them, CI included;
/// `cargo test -- --skip ::slow::` leaves them out of a quick run.
#[macro_export]
macro_rules! test_on_both_backends {
    // The scenario on both backends, then again with every call to the core sent through
    // JSON text (`name::through_json::sqlite`…): the same results through the seam.
    (slow and_through_json: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                mod slow {
                    $crate::test_on_both_backends!(@tests super::super::$name);
                    mod through_json {
                        $crate::test_on_both_backends!(@json super::super::super::$name);
                    }
                    mod through_server {
                        $crate::test_on_both_backends!(@server super::super::super::$name);
                    }
                }
            }
        )*
    };
    (and_through_json: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                $crate::test_on_both_backends!(@tests super::$name);
                mod through_json {
                    $crate::test_on_both_backends!(@json super::super::$name);
                }
                mod through_server {
                    $crate::test_on_both_backends!(@server super::super::$name);
                }
            }
        )*
    };
    (slow: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                mod slow {
                    $crate::test_on_both_backends!(@tests super::super::$name);
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                $crate::test_on_both_backends!(@tests super::$name);
            }
        )*
    };
    (@server $scenario:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            $crate::support::through_server($scenario($crate::support::Backend::Sqlite)).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[cfg_attr(
            not(mysql_tests),
            ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
        )]
        async fn mysql() {
            $crate::support::require_mysql();
            $crate::support::through_server($scenario($crate::support::Backend::MySql)).await;
        }
    };
    (@json $scenario:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            $crate::support::through_json($scenario($crate::support::Backend::Sqlite)).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[cfg_attr(
            not(mysql_tests),
            ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
        )]
        async fn mysql() {
            $crate::support::require_mysql();
            $crate::support::through_json($scenario($crate::support::Backend::MySql)).await;
        }
    };
    (@tests $scenario:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            $scenario($crate::support::Backend::Sqlite).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[cfg_attr(
            not(mysql_tests),
            ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
        )]
        async fn mysql() {
            $crate::support::require_mysql();
            $scenario($crate::support::Backend::MySql).await;
        }
    };
}

/// `test_on_mysql!(slow: name)`: the scenario `async fn name()` as one test,
/// `name::slow::mysql`, for what only MySQL does (a statement waiting for a row lock inside
/// a transaction, where SQLite refuses at once); ignored, as the MySQL variants of
/// [`test_on_both_backends!`] are, when the suite was built without a server.
#[macro_export]
macro_rules! test_on_mysql {
    (slow: $name:ident) => {
        mod $name {
            mod slow {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(mysql_tests),
                    ignore = "MySQL : définissez EPIC_EVENTS_TEST_MYSQL_URL pour le lancer"
                )]
                async fn mysql() {
                    $crate::support::require_mysql();
                    super::super::$name().await;
                }
            }
        }
    };
}

/// In a MySQL test: the server must be named (the test is ignored otherwise, see
/// `test_on_both_backends!`).
pub fn require_mysql() {
    assert!(
        mysql_server_url().is_some(),
        "{MYSQL_TEST_URL_VARIABLE} was set when the suite was built but is not now: run `cargo test` again"
    );
}

/// What a run of the binary printed and returned.
#[derive(Debug)]
pub struct BinaryOutput {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `epic-events` binary with `DATABASE_URL` set to `url` (unset if `None`), in a
/// fresh working and configuration directory.
pub fn run_binary(url: Option<&DatabaseUrl>, arguments: &[&str], input: &str) -> BinaryOutput {
    let working_directory = tempfile::tempdir().expect("working directory");
    run_binary_in(url, working_directory.path(), arguments, input)
}

/// Runs the `epic-events` binary in `directory`, with `directory/config` as configuration
/// directory, so that successive runs share a session.
pub fn run_binary_in(
    url: Option<&DatabaseUrl>,
    directory: &std::path::Path,
    arguments: &[&str],
    input: &str,
) -> BinaryOutput {
    run_command(binary_command(url, directory, arguments), input)
}

/// The `epic-events` binary with `arguments`, in `directory` with `directory/config` as
/// configuration directory, `DATABASE_URL` set to `url` (unset if `None`), a fixed time zone,
/// no colour, and none of the developer's own settings.
pub fn binary_command(
    url: Option<&DatabaseUrl>,
    directory: &std::path::Path,
    arguments: &[&str],
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_epic-events"));
    command
        .args(arguments)
        .current_dir(directory)
        .env("EPIC_EVENTS_CONFIG_DIR", directory.join("config"))
        .env_remove("EPIC_EVENTS_JWT_SECRET")
        .env_remove("EPIC_EVENTS_JSON_ROUND_TRIP")
        .env_remove("EPIC_EVENTS_SERVEUR")
        .env_remove("EPIC_EVENTS_SERVEUR_CA")
        .envs(
            (chosen_client() == Client::JsonRoundTrip)
                .then_some(("EPIC_EVENTS_JSON_ROUND_TRIP", "1")),
        )
        .env_remove("EPIC_EVENTS_SESSION_MINUTES")
        .env_remove("EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS")
        // The program's own default: one connection for a command or the shell.
        .env_remove("EPIC_EVENTS_DATABASE_CONNECTIONS")
        .env_remove("DATABASE_URL")
        .env_remove("SENTRY_DSN")
        .env("NO_COLOR", "1")
        // Local times are shown: the same everywhere.
        .env("TZ", "UTC");
    match (url, chosen_client()) {
        // The server mode: a server over the database, started by the test; the program
        // is given its address only, no database URL (and it keeps no secret).
        (Some(url), Client::Server) => {
            let keys = epic_events_core::authentication::token::SessionKeys::new(
                epic_events_core::authentication::token::JwtSecret::new(vec![9; 32])
                    .expect("secret"),
                chrono::Duration::hours(1),
            );
            let core = std::sync::Arc::new(epic_events_core::local::LocalCrm::connecting(
                url.clone(),
                keys,
            ));
            let server = start_server(core);
            command
                .env("EPIC_EVENTS_SERVEUR", server.address)
                .env("EPIC_EVENTS_SERVEUR_CA", server.authority);
        }
        (Some(url), _) => {
            command.env("DATABASE_URL", url.expose());
        }
        (None, _) => {}
    }
    command
}

/// Runs `command` with `input` as standard input, to its end.
pub fn run_command(mut command: std::process::Command, input: &str) -> BinaryOutput {
    use std::io::Write;
    use std::process::Stdio;

    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    let written = child
        .stdin
        .take()
        .expect("piped standard input")
        .write_all(input.as_bytes());
    // A program that ends without reading its input (a refusal at start) closes the pipe.
    if let Err(error) = written
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("write standard input: {error}");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    BinaryOutput {
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `command` with `input` as standard input, to its end, its standard output and
/// standard error read together in the order they were written — what a person at the
/// other end of a pipe, or a terminal, sees — in `stdout` (`stderr` stays empty).
pub fn run_command_merged(mut command: std::process::Command, input: &str) -> BinaryOutput {
    use std::io::{Read, Write};
    use std::process::Stdio;

    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    command
        .stdin(Stdio::piped())
        .stdout(writer.try_clone().expect("the pipe's writer"))
        .stderr(writer);
    let mut child = command.spawn().expect("the binary starts");
    // The child holds the writers now: the pipe ends when it does.
    drop(command);
    let mut standard_input = child.stdin.take().expect("piped standard input");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = standard_input.write_all(input.as_bytes());
    });
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).expect("read the output");
    let status = child.wait().expect("the binary finishes");
    writer.join().expect("input written");
    BinaryOutput {
        success: status.success(),
        code: status.code(),
        stdout: String::from_utf8_lossy(&bytes).into_owned(),
        stderr: String::new(),
    }
}

/// Runs the shell (`epic-events` without arguments, `arguments` otherwise) in `directory`
/// on `url` with `input`, its two outputs read together (see [`run_command_merged`]).
pub fn run_shell_in(
    url: Option<&DatabaseUrl>,
    directory: &std::path::Path,
    arguments: &[&str],
    input: &str,
) -> BinaryOutput {
    run_command_merged(binary_command(url, directory, arguments), input)
}

/// How a test reaches the core: as the people's side does, through the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// The core's own implementation, in this process.
    Local,
    /// The same, every request, answer and piece of output sent through JSON text, as the
    /// server mode sends them (`epic_events_api::JsonRoundTrip`).
    JsonRoundTrip,
    /// A real server (`epic_events_server`) started by the test on a loopback port, over
    /// the test's database, reached by the server mode's client (`epic_events_cli::remote`).
    Server,
}

tokio::task_local! {
    /// How the scenario under way reaches the core, when it is run through JSON or a
    /// server.
    static CLIENT: Client;
}

/// Runs `scenario` with every call to the core sent through JSON text: its script runs
/// ([`Script::run`]), the clients it asks for ([`chosen_client`]) and the program it
/// starts ([`binary_command`]).
pub async fn through_json(scenario: impl std::future::Future<Output = ()>) {
    CLIENT.scope(Client::JsonRoundTrip, scenario).await;
}

/// Runs `scenario` with every call of its own to the core ([`Script::run`],
/// [`chosen_client`]) sent to a real server on a loopback port.
pub async fn through_server(scenario: impl std::future::Future<Output = ()>) {
    CLIENT.scope(Client::Server, scenario).await;
}

/// How the scenario under way reaches the core: through JSON inside [`through_json`],
/// directly otherwise.
pub fn chosen_client() -> Client {
    CLIENT.try_with(|client| *client).unwrap_or(Client::Local)
}

/// The API over `database`, reached the way `client` says.
pub fn client(database: &TestDatabase, client: Client) -> std::sync::Arc<dyn epic_events_api::Crm> {
    client_with_limits(database, client, Default::default())
}

/// The API over `connection` (a pool of its own), reached the way `client` says.
pub fn client_over(
    connection: &DatabaseConnection,
    client: Client,
) -> std::sync::Arc<dyn epic_events_api::Crm> {
    crm_over(connection, client, Default::default())
}

/// The same, its script runs within `limits`.
pub fn client_with_limits(
    database: &TestDatabase,
    client: Client,
    limits: epic_events_core::scripting::sandbox::ScriptLimits,
) -> std::sync::Arc<dyn epic_events_api::Crm> {
    crm_over(&database.connection, client, limits)
}

fn crm_over(
    connection: &DatabaseConnection,
    client: Client,
    limits: epic_events_core::scripting::sandbox::ScriptLimits,
) -> std::sync::Arc<dyn epic_events_api::Crm> {
    let keys = epic_events_core::authentication::token::SessionKeys::new(
        epic_events_core::authentication::token::JwtSecret::new(vec![5; 32]).expect("secret"),
        chrono::Duration::hours(1),
    );
    let core = epic_events_core::handle::Core::over(connection.clone());
    let local: std::sync::Arc<dyn epic_events_api::Crm> = std::sync::Arc::new(
        epic_events_core::local::LocalCrm::new(core, keys).with_script_limits(limits),
    );
    match client {
        Client::Local => local,
        Client::JsonRoundTrip => std::sync::Arc::new(epic_events_api::Forwarding::new(
            epic_events_api::JsonRoundTrip::new(local),
        )),
        Client::Server => {
            let server = start_server(local);
            std::sync::Arc::new(epic_events_api::Forwarding::new(
                epic_events_cli::remote::Remote::new(&server.address, Some(&server.authority))
                    .expect("the client is built"),
            ))
        }
    }
}

/// A server started by a test: its address, and the authority that signed its
/// certificate (a PEM file, kept as long as the server runs).
pub struct TestServer {
    /// `https://127.0.0.1:…`.
    pub address: String,
    /// The authority's certificate, for `EPIC_EVENTS_SERVEUR_CA`.
    pub authority: std::path::PathBuf,
}

/// Starts an HTTPS server over `core` on a free loopback port, with a certificate for
/// `localhost` and `127.0.0.1` signed by an authority made now, for as long as the test's
/// runtime lives (its files with it).
pub fn start_server(core: std::sync::Arc<dyn epic_events_api::Crm>) -> TestServer {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let directory = tempfile::tempdir().expect("a directory for the certificates");
    let authority_key = KeyPair::generate().expect("a key");
    let mut authority_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    authority_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    authority_params
        .distinguished_name
        .push(DnType::CommonName, "Epic Events, autorité de test");
    let authority_certificate = authority_params
        .self_signed(&authority_key)
        .expect("the authority");
    let issuer = Issuer::new(authority_params, authority_key);
    let server_key = KeyPair::generate().expect("a key");
    let server_certificate = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("params")
        .signed_by(&server_key, &issuer)
        .expect("the server's certificate");
    let authority = directory.path().join("autorite.pem");
    let certificate = directory.path().join("serveur.pem");
    let key = directory.path().join("serveur.cle");
    std::fs::write(&authority, authority_certificate.pem()).expect("written");
    std::fs::write(&certificate, server_certificate.pem()).expect("written");
    std::fs::write(&key, server_key.serialize_pem()).expect("written");
    let tls = epic_events_server::tls_configuration(&certificate, &key).expect("TLS");

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = format!("https://{}", listener.local_addr().expect("its address"));
    listener.set_nonblocking(true).expect("non-blocking");
    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
    tokio::spawn(async move {
        let _certificates = directory;
        epic_events_server::serve_tls(
            listener,
            tls,
            core,
            Default::default(),
            std::future::pending(),
        )
        .await
    });
    TestServer { address, authority }
}

/// The session token of the demo user `username` (password `demo-epic-events`), signed in
/// through `crm`.
pub async fn sign_in(
    crm: &dyn epic_events_api::Crm,
    username: &str,
) -> epic_events_api::SessionToken {
    crm.sign_in(
        username.to_owned(),
        "demo-epic-events".to_owned(),
        epic_events_api::formatting::Zone::of_this_machine(),
    )
    .await
    .unwrap_or_else(|error| panic!("{username} cannot sign in: {error}"))
    .token
}

/// A demo user signed in through the API, as the people's side holds a session: the API
/// (reached the way the scenario chose: [`chosen_client`]), the token, and who they are.
pub struct ApiSession {
    /// The API.
    pub crm: std::sync::Arc<dyn epic_events_api::Crm>,
    /// The session's token, for every call.
    pub token: epic_events_api::SessionToken,
    /// The signed-in user.
    pub user: epic_events_api::records::AuthenticatedUser,
}

/// The demo user `username` (password `demo-epic-events`), signed in through the API.
pub async fn api_session(database: &TestDatabase, username: &str) -> ApiSession {
    let crm = client(database, chosen_client());
    let signed_in = crm
        .sign_in(
            username.to_owned(),
            "demo-epic-events".to_owned(),
            epic_events_api::formatting::Zone::of_this_machine(),
        )
        .await
        .unwrap_or_else(|error| panic!("{username} cannot sign in: {error}"));
    ApiSession {
        crm,
        token: signed_in.token,
        user: signed_in.user,
    }
}

/// The core session of the demo user `username` (password `demo-epic-events`).
pub async fn session(
    database: &TestDatabase,
    username: &str,
) -> epic_events_core::services::Session {
    let keys = epic_events_core::authentication::token::SessionKeys::new(
        epic_events_core::authentication::token::JwtSecret::new(vec![5; 32]).expect("secret"),
        chrono::Duration::hours(1),
    );
    let (user, _) = epic_events_core::services::authentication_service::sign_in(
        &database.connection,
        username,
        "demo-epic-events",
        epic_events_api::formatting::Zone::of_this_machine(),
        &keys,
    )
    .await
    .unwrap_or_else(|error| panic!("{username} cannot sign in: {error}"));
    epic_events_core::services::Session::open(
        &database.connection,
        user,
        epic_events_api::formatting::Zone::of_this_machine(),
    )
    .await
    .expect("session")
}

/// Creates, as `sales_user`, a customer per `(number, company)`: « Client Numéro N »,
/// `clientN@exemple.fr`, `+33 5 00 00 00 NN`.
pub async fn add_customers(
    database: &TestDatabase,
    sales_user: &epic_events_core::services::Session,
    customers: impl IntoIterator<Item = (u32, String)>,
) {
    use epic_events_core::services::customer_service::{self, NewCustomer};
    for (number, company_name) in customers {
        customer_service::create(
            &database.connection,
            sales_user,
            &NewCustomer {
                first_name: "Client".into(),
                last_name: format!("Numéro {number}"),
                email: format!("client{number}@exemple.fr"),
                phone_number: format!("+33 5 00 00 00 {number:02}"),
                company_name,
            },
        )
        .await
        .expect("customer created");
    }
}

/// Holds a write lock on the contract `id` from a connection of its own, as another person
/// in the middle of a change would: MySQL locks the row, SQLite takes the database's write
/// lock.
pub async fn hold_contract(
    database: &TestDatabase,
    id: i32,
) -> (DatabaseConnection, sea_orm::DatabaseTransaction) {
    let holder = database::connect(&database.url).await.unwrap();
    let transaction = epic_events_core::repositories::begin_write(&holder)
        .await
        .unwrap();
    match database.backend {
        Backend::MySql => {
            sea_orm::ConnectionTrait::execute_unprepared(
                &transaction,
                &format!("SELECT id FROM contract WHERE id = {id} FOR UPDATE"),
            )
            .await
            .unwrap();
        }
        Backend::Sqlite => {
            sea_orm::ConnectionTrait::execute_unprepared(
                &transaction,
                &format!("UPDATE contract SET updated_at = updated_at WHERE id = {id}"),
            )
            .await
            .unwrap();
        }
    }
    (holder, transaction)
}

/// The id of the customer of company `company`.
pub async fn customer_id(database: &TestDatabase, company: &str) -> i32 {
    use epic_events_core::entities::customer;
    use sea_orm::{ColumnTrait, QueryFilter};
    customer::Entity::find()
        .filter(customer::Column::CompanyName.eq(company))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no customer {company}"))
        .id
}

/// The id of the contract numbered `number`.
pub async fn contract_id(database: &TestDatabase, number: &str) -> i32 {
    use epic_events_core::entities::contract;
    use sea_orm::{ColumnTrait, QueryFilter};
    contract::Entity::find()
        .filter(contract::Column::ContractNumber.eq(number))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no contract {number}"))
        .id
}

/// The id of the event numbered `number`.
pub async fn event_id(database: &TestDatabase, number: &str) -> i32 {
    use epic_events_core::entities::event;
    use sea_orm::{ColumnTrait, QueryFilter};
    event::Entity::find()
        .filter(event::Column::EventNumber.eq(number))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no event {number}"))
        .id
}

/// The id of the user `username`.
pub async fn user_id(database: &TestDatabase, username: &str) -> i32 {
    use epic_events_core::entities::user;
    use sea_orm::{ColumnTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(&database.connection)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"))
        .id
}

/// A buffer that a script run writes to and the test reads.
#[derive(Clone, Default)]
pub struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("UTF-8 output")
    }
}

/// What a script run returned and wrote.
#[derive(Debug)]
pub struct ScriptResult {
    pub outcome:
        Result<epic_events_api::scripts::ScriptOutcome, epic_events_api::scripts::ScriptFailure>,
    /// Results (standard output of `executer`).
    pub data: String,
    /// Messages (standard error of `executer`).
    pub messages: String,
}

impl ScriptResult {
    /// The failure's message; panics if the run succeeded.
    pub fn failure(&self) -> String {
        match &self.outcome {
            Ok(outcome) => panic!("the script succeeded: {outcome:?}\n{}", self.data),
            Err(failure) => failure.message.clone(),
        }
    }

    /// The outcome; panics with the failure if the run failed.
    pub fn success(&self) -> &epic_events_api::scripts::ScriptOutcome {
        match &self.outcome {
            Ok(outcome) => outcome,
            Err(failure) => panic!("the script failed: {failure}\n{}", self.data),
        }
    }
}

/// A script run to make in a test, as the demo user `username`.
pub struct Script<'a> {
    pub username: &'a str,
    pub source: String,
    pub parameters: Vec<(String, String)>,
    pub simulation: bool,
    pub format: epic_events_core::scripting::output::OutputFormat,
    pub limits: epic_events_core::scripting::sandbox::ScriptLimits,
}

impl<'a> Script<'a> {
    pub fn new(username: &'a str, source: impl Into<String>) -> Self {
        Self {
            username,
            source: source.into(),
            parameters: Vec::new(),
            simulation: false,
            format: epic_events_core::scripting::output::OutputFormat::Table,
            limits: Default::default(),
        }
    }

    /// The bundled script `scripts/NAME.rhai`.
    pub fn bundled(username: &'a str, name: &str) -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scripts")
            .join(format!("{name}.rhai"));
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        Self::new(username, source)
    }

    pub fn parameter(mut self, key: &str, value: impl Into<String>) -> Self {
        self.parameters.push((key.to_owned(), value.into()));
        self
    }

    pub fn simulation(mut self) -> Self {
        self.simulation = true;
        self
    }

    pub fn format(mut self, format: epic_events_core::scripting::output::OutputFormat) -> Self {
        self.format = format;
        self
    }

    pub fn limits(mut self, limits: epic_events_core::scripting::sandbox::ScriptLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Runs it as its user through the API (directly, or through JSON inside
    /// [`through_json`]).
    pub async fn run(self, database: &TestDatabase) -> ScriptResult {
        self.run_through(database, chosen_client()).await
    }

    /// Runs it as its user through the API, reached the way `client` says: what
    /// `executer` and typed commands do.
    pub async fn run_through(self, database: &TestDatabase, client: Client) -> ScriptResult {
        let crm = client_with_limits(database, client, self.limits);
        let token = sign_in(crm.as_ref(), self.username).await;
        let request = epic_events_api::scripts::ScriptRequest {
            text: self.source,
            files: epic_events_cli::commands::script::named_files(&self.parameters)
                .expect("the named files are readable"),
            parameters: self.parameters,
            simulation: self.simulation,
            format: self.format,
            width: None,
            records_apart: false,
        };
        let run = crm
            .run_script(&token, request)
            .await
            .unwrap_or_else(|error| panic!("the run was refused: {error}"));
        let (mut data, mut messages) = (SharedBuffer::default(), SharedBuffer::default());
        epic_events_cli::commands::script::write_output(run.output, &mut data, &mut messages)
            .await
            .expect("the output is written");
        ScriptResult {
            outcome: run.result,
            data: data.text(),
            messages: messages.text(),
        }
    }

    /// Runs it as `user`, signed in already (so that a test can time the run alone).
    pub async fn run_as(
        self,
        database: &TestDatabase,
        user: epic_events_core::handle::AuthenticatedUser,
    ) -> ScriptResult {
        self.run_on(&database.connection, user).await
    }

    /// Runs it as `user` on `connection` (a pool of its own: SeaORM's SQLite pool has one
    /// connection, which a run holds while it lasts).
    pub async fn run_on(
        self,
        connection: &DatabaseConnection,
        user: epic_events_core::handle::AuthenticatedUser,
    ) -> ScriptResult {
        use epic_events_core::scripting::runner::{self, ScriptRun};
        let (mut data, mut messages) = (SharedBuffer::default(), SharedBuffer::default());
        let run = ScriptRun {
            source: self.source,
            files: epic_events_cli::commands::script::named_files(&self.parameters)
                .expect("the named files are readable"),
            parameters: self.parameters,
            simulation: self.simulation,
            format: self.format,
            limits: self.limits,
            zone: epic_events_api::formatting::Zone::of_this_machine(),
            width: None,
            records_apart: false,
        };
        let outcome = runner::run(
            &epic_events_core::handle::Core::over(connection.clone()),
            user,
            run,
            None,
        )
        .await
        .map(|(outcome, spool)| {
            spool
                .release(&mut data, &mut messages)
                .expect("the output is written");
            outcome
        });
        ScriptResult {
            outcome,
            data: data.text(),
            messages: messages.text(),
        }
    }
}

/// Every row of the four business tables, to prove what an operation changed, or that it
/// changed nothing.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub users: Vec<epic_events_core::entities::user::Model>,
    pub customers: Vec<epic_events_core::entities::customer::Model>,
    pub contracts: Vec<epic_events_core::entities::contract::Model>,
    pub events: Vec<epic_events_core::entities::event::Model>,
}

impl Snapshot {
    /// (rows only before, rows only after) of `resource`'s table.
    pub fn difference(
        &self,
        after: &Snapshot,
        resource: epic_events_core::permissions::Resource,
    ) -> (usize, usize) {
        use epic_events_core::permissions::Resource;
        fn count<T: PartialEq>(before: &[T], after: &[T]) -> (usize, usize) {
            (
                before.iter().filter(|row| !after.contains(row)).count(),
                after.iter().filter(|row| !before.contains(row)).count(),
            )
        }
        match resource {
            Resource::User => count(&self.users, &after.users),
            Resource::Customer => count(&self.customers, &after.customers),
            Resource::Contract => count(&self.contracts, &after.contracts),
            Resource::Event => count(&self.events, &after.events),
        }
    }
}

/// The rows of the four business tables now, in id order.
pub async fn snapshot(database: &TestDatabase) -> Snapshot {
    use epic_events_core::entities::{contract, customer, event, user};
    use sea_orm::QueryOrder;
    let connection = &database.connection;
    Snapshot {
        users: user::Entity::find()
            .order_by_asc(user::Column::Id)
            .all(connection)
            .await
            .unwrap(),
        customers: customer::Entity::find()
            .order_by_asc(customer::Column::Id)
            .all(connection)
            .await
            .unwrap(),
        contracts: contract::Entity::find()
            .order_by_asc(contract::Column::Id)
            .all(connection)
            .await
            .unwrap(),
        events: event::Entity::find()
            .order_by_asc(event::Column::Id)
            .all(connection)
            .await
            .unwrap(),
    }
}

/// (event number, support user id) of every event, in id order.
pub async fn event_supports(database: &TestDatabase) -> Vec<(String, Option<i32>)> {
    use epic_events_core::entities::event;
    use sea_orm::QueryOrder;
    event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&database.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.event_number, row.user_support_id))
        .collect()
}

/// `text` with the creation and modification times of records (which change at every
/// reset) replaced by a placeholder, for snapshots.
pub fn without_timestamps(text: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("Créé le") || trimmed.starts_with("Modifié le") {
                match line.split_once(" : ") {
                    Some((label, _)) => format!("{label} : <horodatage>"),
                    None => line.to_owned(),
                }
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
