//! A large data set, for measuring speed at the scale of a real company's history: users
//! of the three roles, customers, contracts (signed or not, paid, partly paid or not) and
//! events (a third without support), with French-looking names, valid under every
//! invariant of the schema. Deterministic for a given seed.
//!
//! Rows go in by multi-row `INSERT` statements inside one transaction per table, with
//! explicit ids, so that later rows can refer to earlier ones without reading them back.

use crate::catalogue::NumberedKind;
use crate::catalogue::Searched;
use crate::catalogue::customer::CustomerField;
use crate::catalogue::event::EventField;
use crate::catalogue::user::UserField;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Expr, InsertStatement, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};

use super::DatabaseError;
use crate::authentication::password;
use crate::entities::{contract, customer, event, role, user};
use crate::money::{Money, StoredMoney};
use crate::permissions::Role;

/// The password of every generated account (a benchmark data set, never a real one).
pub const PASSWORD: &str = "demo-epic-events";

/// How many rows of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Management users.
    pub managers: usize,
    /// Sales users.
    pub sales: usize,
    /// Support users.
    pub support: usize,
    /// Customers.
    pub customers: usize,
    /// Contracts.
    pub contracts: usize,
    /// Events.
    pub events: usize,
}

impl Scale {
    /// 200 users, 100,000 customers, 300,000 contracts, 500,000 events.
    pub const FULL: Scale = Scale {
        managers: 40,
        sales: 100,
        support: 60,
        customers: 100_000,
        contracts: 300_000,
        events: 500_000,
    };

    /// The full scale times `factor` (at least one row of each kind).
    pub fn times(factor: f64) -> Scale {
        let scaled = |count: usize| ((count as f64 * factor).round() as usize).max(1);
        Scale {
            managers: scaled(Self::FULL.managers),
            sales: scaled(Self::FULL.sales),
            support: scaled(Self::FULL.support),
            customers: scaled(Self::FULL.customers),
            contracts: scaled(Self::FULL.contracts),
            events: scaled(Self::FULL.events),
        }
    }
}

/// What was generated, and how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    /// Rows per table: users, customers, contracts, events.
    pub rows: [(&'static str, usize); 4],
    /// Seconds spent.
    pub seconds: f64,
}

const FIRST_NAMES: &[&str] = &[
    "Camille", "Hugo", "Léa", "Louis", "Chloé", "Gabriel", "Manon", "Arthur", "Inès", "Jules",
    "Sarah", "Raphaël", "Emma", "Adam", "Jade", "Lucas", "Louise", "Nathan", "Alice", "Théo",
    "Zoé", "Paul", "Lina", "Maël", "Anna", "Noé", "Rose", "Victor", "Juliette", "Étienne",
];

const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
];

const COMPANY_KINDS: &[&str] = &[
    "Atelier",
    "Maison",
    "Brasserie",
    "Cabinet",
    "Studio",
    "Domaine",
    "Librairie",
    "Galerie",
    "Boulangerie",
    "Agence",
    "Laboratoire",
    "Coopérative",
    "Fromagerie",
    "Imprimerie",
];

const CITIES: &[(&str, &str)] = &[
    ("Paris", "75008"),
    ("Lyon", "69002"),
    ("Marseille", "13001"),
    ("Nantes", "44000"),
    ("Bordeaux", "33000"),
    ("Lille", "59000"),
    ("Toulouse", "31000"),
    ("Strasbourg", "67000"),
    ("Rennes", "35000"),
    ("Montpellier", "34000"),
    ("Nice", "06000"),
    ("Chantilly", "60500"),
];

const VENUES: &[&str] = &[
    "Salle des fêtes",
    "Château",
    "Hôtel de ville",
    "Parc des expositions",
    "Domaine",
    "Péniche",
    "Théâtre",
    "Palais des congrès",
];

const EVENT_KINDS: &[&str] = &[
    "Séminaire",
    "Soirée de gala",
    "Inauguration",
    "Anniversaire",
    "Assemblée générale",
    "Cocktail",
    "Lancement de produit",
    "Fête de fin d'année",
];

/// How many rows one `INSERT` carries (well under both backends' parameter limits).
const ROWS_PER_STATEMENT: usize = 500;

fn pick<'a, T>(random: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[random.usize(..items.len())]
}

/// Inserts `rows` into `table` in statements of [`ROWS_PER_STATEMENT`].
async fn insert_rows(
    connection: &impl ConnectionTrait,
    table: impl sea_orm::sea_query::IntoTableRef + Clone,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<SimpleExpr>>,
    inserted: &dyn Fn(usize),
) -> Result<usize, DatabaseError> {
    let mut count = 0;
    let mut statement: Option<InsertStatement> = None;
    for row in rows {
        let current = statement.get_or_insert_with(|| {
            Query::insert()
                .into_table(table.clone())
                .columns(columns.iter().map(|column| Alias::new(*column)))
                .to_owned()
        });
        current.values(row).map_err(|error| {
            DatabaseError::Unexpected(sea_orm::DbErr::Custom(error.to_string()))
        })?;
        count += 1;
        if count % ROWS_PER_STATEMENT == 0
            && let Some(full) = statement.take()
        {
            connection.execute(&full).await?;
            inserted(ROWS_PER_STATEMENT);
        }
    }
    if let Some(rest) = statement {
        connection.execute(&rest).await?;
        inserted(count % ROWS_PER_STATEMENT);
    }
    Ok(count)
}

fn value(value: impl Into<sea_orm::Value>) -> SimpleExpr {
    Expr::value(value)
}

/// How far a generation is: what it is writing (« clients »…), or the planner's
/// statistics at the end, and the rows written so far out of all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What is being written, in French (« clients »), or « statistiques ».
    pub step: &'static str,
    /// Rows written so far, all tables together.
    pub written: usize,
    /// Rows to write in all.
    pub total: usize,
}

/// Fills the database (migrated, with no record) with `scale` rows from `seed`.
pub async fn generate(
    connection: &DatabaseConnection,
    scale: Scale,
    seed: u64,
) -> Result<Generated, DatabaseError> {
    generate_reporting(connection, scale, seed, &|_| {}).await
}

/// [`generate`], telling `report` how far it is after each statement.
pub async fn generate_reporting(
    connection: &DatabaseConnection,
    scale: Scale,
    seed: u64,
    report: &(dyn Fn(Progress) + Sync),
) -> Result<Generated, DatabaseError> {
    if [scale.managers, scale.sales, scale.support, scale.customers].contains(&0) {
        return Err(DatabaseError::Unexpected(sea_orm::DbErr::Custom(
            "a generated data set needs at least one user of each role and one customer".to_owned(),
        )));
    }
    let started = Instant::now();
    let total = scale.managers
        + scale.sales
        + scale.support
        + scale.customers
        + scale.contracts
        + scale.events;
    let written = std::sync::atomic::AtomicUsize::new(0);
    let step = |name: &'static str| {
        let written = &written;
        move |rows: usize| {
            let so_far = written.fetch_add(rows, std::sync::atomic::Ordering::Relaxed) + rows;
            report(Progress {
                step: name,
                written: so_far,
                total,
            });
        }
    };
    let mut random = fastrand::Rng::with_seed(seed);
    let now = crate::entities::now();
    let hash = password::hash_password(PASSWORD)
        .map_err(|error| DatabaseError::Unexpected(sea_orm::DbErr::Custom(error.to_string())))?;

    let role_id = |roles: &[role::Model], role: Role| {
        roles
            .iter()
            .find(|row| row.name == role.name())
            .map(|row| row.id)
            .ok_or_else(|| {
                DatabaseError::Unexpected(sea_orm::DbErr::RecordNotFound(role.name().to_owned()))
            })
    };
    let roles = role::Entity::find().all(connection).await?;
    // Users: management first, then sales, then support; ids from 1.
    let groups = [
        (Role::Management, "gestion", scale.managers),
        (Role::Sales, "commercial", scale.sales),
        (Role::Support, "support", scale.support),
    ];
    let mut users = Vec::new();
    for (role, prefix, count) in groups {
        let role_id = role_id(&roles, role)?;
        for number in 1..=count {
            users.push((
                users.len() as i32 + 1,
                role,
                role_id,
                format!("{prefix}{number:03}"),
            ));
        }
    }
    let ids_of = |wanted: Role| -> Vec<i32> {
        users
            .iter()
            .filter(|(_, role, _, _)| *role == wanted)
            .map(|(id, _, _, _)| *id)
            .collect()
    };
    let (managers, sales, supports) = (
        ids_of(Role::Management),
        ids_of(Role::Sales),
        ids_of(Role::Support),
    );

    let transaction = connection.begin().await?;
    let user_rows = users.iter().map(|(id, _, role_id, username)| {
        let first_name = *pick(&mut random, FIRST_NAMES);
        let last_name = *pick(&mut random, LAST_NAMES);
        vec![
            value(*id),
            value(*role_id),
            value(first_name),
            value(last_name),
            value(format!("{username}@epic-events.fr")),
            value(format!(
                "+336{:02}{:02}{:02}{:02}",
                90,
                id / 10_000,
                id / 100 % 100,
                id % 100
            )),
            value(username.clone()),
            value(hash.as_phc_string().to_owned()),
            value(now),
            value(now),
            value(UserField::search_text_of(&[
                (UserField::FirstName, first_name),
                (UserField::LastName, last_name),
                (UserField::Email, &format!("{username}@epic-events.fr")),
                (UserField::Username, username),
            ])),
        ]
    });
    let user_count = insert_rows(
        &transaction,
        user::Entity,
        &[
            "id",
            "role_id",
            "user_first_name",
            "user_last_name",
            "email",
            "phone_number",
            "username",
            "password_hash",
            "created_at",
            "updated_at",
            "search_text",
        ],
        user_rows.collect::<Vec<_>>().into_iter(),
        &step("utilisateurs"),
    )
    .await?;
    transaction.commit().await?;

    // Customers.
    let transaction = connection.begin().await?;
    // Rows are made as they are inserted: a large scale never sits whole in memory.
    let customer_rows = (1..=scale.customers).map(|id| {
        let sales_user = *pick(&mut random, &sales);
        let first_name = *pick(&mut random, FIRST_NAMES);
        let last_name = *pick(&mut random, LAST_NAMES);
        let kind = *pick(&mut random, COMPANY_KINDS);
        let (city, _) = *pick(&mut random, CITIES);
        let email = format!("contact{id}@client{id}.fr");
        let company = format!("{kind} {last_name} de {city} n°{id}");
        let search_text = CustomerField::search_text_of(&[
            (CustomerField::FirstName, first_name),
            (CustomerField::LastName, last_name),
            (CustomerField::Email, &email),
            (CustomerField::CompanyName, &company),
        ]);
        vec![
            value(id as i32),
            value(sales_user),
            value(first_name),
            value(last_name),
            value(email),
            // Canonical (E.164), as the core stores phone numbers.
            value(format!(
                "+331{:02}{:02}{:02}{:02}",
                id / 1_000_000,
                id / 10_000 % 100,
                id / 100 % 100,
                id % 100
            )),
            value(company),
            value(now),
            value(now),
            value(search_text),
        ]
    });
    let customer_count = insert_rows(
        &transaction,
        customer::Entity,
        &[
            "id",
            "user_sales_id",
            "customer_first_name",
            "customer_last_name",
            "email",
            "phone_number",
            "company_name",
            "created_at",
            "updated_at",
            "search_text",
        ],
        customer_rows,
        &step("clients"),
    )
    .await?;
    transaction.commit().await?;

    // Contracts: 80 % signed; of those, 40 % paid, 30 % partly paid, 30 % unpaid.
    let transaction = connection.begin().await?;
    let mut signed_contracts: Vec<(i32, i32)> = Vec::new();
    let year = now.year();
    let contract_rows = (1..=scale.contracts).map(|id| {
        let customer_id = random.usize(1..=scale.customers) as i32;
        let total_cents = random.i64(50_000..=5_000_000);
        let signed = random.u8(0..10) < 8;
        let balance_cents = if !signed {
            total_cents
        } else {
            match random.u8(0..10) {
                0..=3 => 0,
                4..=6 => random.i64(1..total_cents),
                _ => total_cents,
            }
        };
        if signed {
            signed_contracts.push((id as i32, customer_id));
        }
        let money = |cents: i64| {
            Money::new(crate::money::decimal_from_cents(cents)).expect("generated amounts fit")
        };
        vec![
            value(id as i32),
            value(customer_id),
            value(*pick(&mut random, &managers)),
            value(NumberedKind::Contract.number(year, id as i64)),
            value(StoredMoney(money(total_cents))),
            value(StoredMoney(money(balance_cents))),
            value(signed),
            value(now),
            value(now),
        ]
    });
    let contract_count = insert_rows(
        &transaction,
        contract::Entity,
        &[
            "id",
            "customer_id",
            "user_management_id",
            "contract_number",
            "total_amount",
            "balance_due",
            "signed",
            "created_at",
            "updated_at",
        ],
        contract_rows,
        &step("contrats"),
    )
    .await?;
    transaction.commit().await?;

    // Events, on signed contracts only, a third without support.
    let transaction = connection.begin().await?;
    let first_start = Utc
        .with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
        .single()
        .expect("valid date");
    let event_count = if signed_contracts.is_empty() {
        0
    } else {
        let event_rows = (1..=scale.events).map(|id| {
            let (contract_id, customer_id) = *pick(&mut random, &signed_contracts);
            let support: Option<i32> = if random.u8(0..3) == 0 {
                None
            } else {
                Some(*pick(&mut random, &supports))
            };
            let start: DateTime<Utc> = first_start + Duration::hours(random.i64(0..4 * 365 * 24));
            let end = start + Duration::hours(random.i64(2..=12));
            let (city, postcode) = *pick(&mut random, CITIES);
            let venue = *pick(&mut random, VENUES);
            let kind = *pick(&mut random, EVENT_KINDS);
            let name = format!("{kind} n°{id}");
            let location = format!("{venue}, {postcode} {city}");
            let search_text = EventField::search_text_of(&[
                (EventField::Name, &name),
                (EventField::Location, &location),
            ]);
            vec![
                value(id as i32),
                value(contract_id),
                value(customer_id),
                value(support),
                value(name),
                value(NumberedKind::Event.number(year, id as i64)),
                value(start),
                value(end),
                value(location),
                value(random.i32(10..=500)),
                value(String::new()),
                value(now),
                value(now),
                value(search_text),
            ]
        });
        insert_rows(
            &transaction,
            event::Entity,
            &[
                "id",
                "contract_id",
                "customer_id",
                "user_support_id",
                "event_name",
                "event_number",
                "start_datetime",
                "end_datetime",
                "location",
                "attendees",
                "note",
                "created_at",
                "updated_at",
                "search_text",
            ],
            event_rows,
            &step("évènements"),
        )
        .await?
    };
    transaction.commit().await?;
    report(Progress {
        step: "statistiques",
        written: total,
        total,
    });
    analyse(connection).await?;

    Ok(Generated {
        rows: [
            ("utilisateurs", user_count),
            ("clients", customer_count),
            ("contrats", contract_count),
            ("évènements", event_count),
        ],
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Refreshes the planner's statistics after a bulk load.
async fn analyse(connection: &DatabaseConnection) -> Result<(), DatabaseError> {
    let statement = match connection.get_database_backend() {
        sea_orm::DbBackend::MySql => "ANALYZE TABLE `user`, `customer`, `contract`, `event`",
        _ => "ANALYZE",
    };
    connection.execute_unprepared(statement).await?;
    Ok(())
}
