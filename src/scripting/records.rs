//! The records scripts receive from the core, with fields that read in French
//! (`contrat.montant_total`, `evenement.lieu`, `client.entreprise`), and the `Date` type.
//!
//! Each record type lists its fields once, in [`ScriptRecord::FIELDS`]: the same list makes
//! the rhai getters, the columns of tables, CSV and JSON, and the help.

use chrono::{DateTime, Utc};
use rhai::{Dynamic, Engine, INT};
use rust_decimal::Decimal;

use crate::formatting;
use crate::money::Money;
use crate::permissions::Role;
use crate::services::contract_service::ContractRow;
use crate::services::customer_service::CustomerRow;
use crate::services::event_service::EventRow;
use crate::services::report_service::{SalesActivity, SalesUser, UnpaidContracts};
use crate::services::user_service::UserRow;

/// A moment, as scripts see it: shown in French (`22/11/2026 14:30`, local time),
/// compared with `<`, `==`…, written as RFC 3339 in CSV and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScriptDate(pub DateTime<Utc>);

impl std::fmt::Display for ScriptDate {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&formatting::date_time(self.0))
    }
}

/// One field of a record type: its French name, what it holds, how to read it.
pub struct Field<T> {
    /// The name scripts use (`montant_total`).
    pub name: &'static str,
    /// One line of French for the help.
    pub description: &'static str,
    /// Reads the field of a record.
    pub read: fn(&T) -> Dynamic,
}

/// A record type scripts receive.
pub trait ScriptRecord: Clone + Send + Sync + 'static {
    /// The rhai type name (`Contrat`), shown by `type_of` and in the help.
    const TYPE_NAME: &'static str;
    /// Every field, in the order tables show them.
    const FIELDS: &'static [Field<Self>];
    /// How `print` shows the record: a short French description.
    fn summary(&self) -> String;
}

fn integer(value: i32) -> Dynamic {
    Dynamic::from(INT::from(value))
}

fn count(value: i64) -> Dynamic {
    Dynamic::from(value as INT)
}

fn text(value: &str) -> Dynamic {
    Dynamic::from(value.to_owned())
}

fn optional_integer(value: Option<i32>) -> Dynamic {
    value.map_or(Dynamic::UNIT, integer)
}

fn money(value: Money) -> Dynamic {
    Dynamic::from_decimal(value.amount())
}

fn decimal(value: Decimal) -> Dynamic {
    Dynamic::from_decimal(value)
}

fn date(value: DateTime<Utc>) -> Dynamic {
    Dynamic::from(ScriptDate(value))
}

fn full_name(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}")
}

fn role_label(stored_name: &str) -> String {
    Role::from_name(stored_name).map_or_else(
        || stored_name.to_owned(),
        |role| role.french_label().to_owned(),
    )
}

impl ScriptRecord for UserRow {
    const TYPE_NAME: &'static str = "Utilisateur";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "id",
            description: "numéro",
            read: |row| integer(row.id),
        },
        Field {
            name: "identifiant",
            description: "nom de connexion",
            read: |row| text(&row.username),
        },
        Field {
            name: "prenom",
            description: "prénom",
            read: |row| text(&row.user_first_name),
        },
        Field {
            name: "nom",
            description: "nom",
            read: |row| text(&row.user_last_name),
        },
        Field {
            name: "email",
            description: "adresse e-mail",
            read: |row| text(&row.email),
        },
        Field {
            name: "telephone",
            description: "téléphone",
            read: |row| text(&row.phone_number),
        },
        Field {
            name: "role",
            description: "« gestion », « commercial » ou « support »",
            read: |row| Dynamic::from(role_label(&row.role_name)),
        },
        Field {
            name: "cree_le",
            description: "date de création",
            read: |row| date(row.created_at),
        },
        Field {
            name: "modifie_le",
            description: "date de dernière modification",
            read: |row| date(row.updated_at),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "Utilisateur n°{} {} ({}, {})",
            self.id,
            self.username,
            full_name(&self.user_first_name, &self.user_last_name),
            role_label(&self.role_name)
        )
    }
}

impl ScriptRecord for CustomerRow {
    const TYPE_NAME: &'static str = "Client";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "id",
            description: "numéro",
            read: |row| integer(row.id),
        },
        Field {
            name: "entreprise",
            description: "nom de l'entreprise",
            read: |row| text(&row.company_name),
        },
        Field {
            name: "prenom",
            description: "prénom du contact",
            read: |row| text(&row.customer_first_name),
        },
        Field {
            name: "nom",
            description: "nom du contact",
            read: |row| text(&row.customer_last_name),
        },
        Field {
            name: "email",
            description: "adresse e-mail du contact",
            read: |row| text(&row.email),
        },
        Field {
            name: "telephone",
            description: "téléphone du contact",
            read: |row| text(&row.phone_number),
        },
        Field {
            name: "commercial_id",
            description: "numéro du commercial",
            read: |row| integer(row.user_sales_id),
        },
        Field {
            name: "commercial",
            description: "prénom et nom du commercial",
            read: |row| Dynamic::from(full_name(&row.sales_first_name, &row.sales_last_name)),
        },
        Field {
            name: "cree_le",
            description: "date de création",
            read: |row| date(row.created_at),
        },
        Field {
            name: "modifie_le",
            description: "date de dernière modification",
            read: |row| date(row.updated_at),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "Client n°{} {} ({})",
            self.id,
            self.company_name,
            full_name(&self.customer_first_name, &self.customer_last_name)
        )
    }
}

impl ScriptRecord for ContractRow {
    const TYPE_NAME: &'static str = "Contrat";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "id",
            description: "numéro interne",
            read: |row| integer(row.id),
        },
        Field {
            name: "numero",
            description: "numéro de contrat (CTR-AAAA-NNNN)",
            read: |row| text(&row.contract_number),
        },
        Field {
            name: "client_id",
            description: "numéro du client",
            read: |row| integer(row.customer_id),
        },
        Field {
            name: "client",
            description: "entreprise du client",
            read: |row| text(&row.customer_company_name),
        },
        Field {
            name: "commercial_id",
            description: "numéro du commercial du client",
            read: |row| integer(row.customer_sales_user_id),
        },
        Field {
            name: "commercial",
            description: "prénom et nom du commercial",
            read: |row| Dynamic::from(full_name(&row.sales_first_name, &row.sales_last_name)),
        },
        Field {
            name: "gestionnaire_id",
            description: "numéro du gestionnaire qui l'a créé",
            read: |row| integer(row.user_management_id),
        },
        Field {
            name: "gestionnaire",
            description: "prénom et nom du gestionnaire",
            read: |row| {
                Dynamic::from(full_name(
                    &row.management_first_name,
                    &row.management_last_name,
                ))
            },
        },
        Field {
            name: "montant_total",
            description: "montant total (décimal exact)",
            read: |row| money(row.total_amount),
        },
        Field {
            name: "reste_a_payer",
            description: "reste à payer (décimal exact)",
            read: |row| money(row.balance_due),
        },
        Field {
            name: "signe",
            description: "vrai si le contrat est signé",
            read: |row| Dynamic::from_bool(row.signed),
        },
        Field {
            name: "cree_le",
            description: "date de création",
            read: |row| date(row.created_at),
        },
        Field {
            name: "modifie_le",
            description: "date de dernière modification",
            read: |row| date(row.updated_at),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "Contrat {} ({}, {}, reste à payer {}, {})",
            self.contract_number,
            self.customer_company_name,
            formatting::money(self.total_amount),
            formatting::money(self.balance_due),
            if self.signed { "signé" } else { "non signé" }
        )
    }
}

impl ScriptRecord for EventRow {
    const TYPE_NAME: &'static str = "Évènement";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "id",
            description: "numéro interne",
            read: |row| integer(row.id),
        },
        Field {
            name: "numero",
            description: "numéro d'évènement (EVT-AAAA-NNNN)",
            read: |row| text(&row.event_number),
        },
        Field {
            name: "nom",
            description: "nom de l'évènement",
            read: |row| text(&row.event_name),
        },
        Field {
            name: "contrat_id",
            description: "numéro interne du contrat",
            read: |row| integer(row.contract_id),
        },
        Field {
            name: "contrat",
            description: "numéro du contrat",
            read: |row| text(&row.contract_number),
        },
        Field {
            name: "client_id",
            description: "numéro du client",
            read: |row| integer(row.customer_id),
        },
        Field {
            name: "client",
            description: "entreprise du client",
            read: |row| text(&row.customer_company_name),
        },
        Field {
            name: "contact",
            description: "prénom et nom du contact du client",
            read: |row| Dynamic::from(full_name(&row.customer_first_name, &row.customer_last_name)),
        },
        Field {
            name: "commercial_id",
            description: "numéro du commercial du client",
            read: |row| integer(row.customer_sales_user_id),
        },
        Field {
            name: "support_id",
            description: "numéro du support assigné, ou () s'il n'y en a pas",
            read: |row| optional_integer(row.user_support_id),
        },
        Field {
            name: "support",
            description: "prénom et nom du support assigné, ou ()",
            read: |row| match (&row.support_first_name, &row.support_last_name) {
                (Some(first_name), Some(last_name)) => {
                    Dynamic::from(full_name(first_name, last_name))
                }
                _ => Dynamic::UNIT,
            },
        },
        Field {
            name: "debut",
            description: "début (Date)",
            read: |row| date(row.start_datetime),
        },
        Field {
            name: "fin",
            description: "fin (Date)",
            read: |row| date(row.end_datetime),
        },
        Field {
            name: "lieu",
            description: "lieu",
            read: |row| text(&row.location),
        },
        Field {
            name: "participants",
            description: "nombre de participants attendus",
            read: |row| integer(row.attendees),
        },
        Field {
            name: "notes",
            description: "notes",
            read: |row| text(&row.note),
        },
        Field {
            name: "cree_le",
            description: "date de création",
            read: |row| date(row.created_at),
        },
        Field {
            name: "modifie_le",
            description: "date de dernière modification",
            read: |row| date(row.updated_at),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "Évènement {} « {} » ({}, {}, {})",
            self.event_number,
            self.event_name,
            self.customer_company_name,
            formatting::date_time(self.start_datetime),
            self.location
        )
    }
}

fn sales_user_name(user: &SalesUser) -> Dynamic {
    Dynamic::from(full_name(&user.first_name, &user.last_name))
}

impl ScriptRecord for UnpaidContracts {
    const TYPE_NAME: &'static str = "ImpayésCommercial";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "commercial_id",
            description: "numéro du commercial",
            read: |row| integer(row.sales_user.id),
        },
        Field {
            name: "identifiant",
            description: "nom de connexion du commercial",
            read: |row| text(&row.sales_user.username),
        },
        Field {
            name: "commercial",
            description: "prénom et nom du commercial",
            read: |row| sales_user_name(&row.sales_user),
        },
        Field {
            name: "contrats",
            description: "nombre de contrats non payés de ses clients",
            read: |row| count(row.contracts),
        },
        Field {
            name: "montant_total",
            description: "somme des montants totaux de ces contrats",
            read: |row| decimal(row.total_amount),
        },
        Field {
            name: "reste_a_payer",
            description: "somme des restes à payer de ces contrats",
            read: |row| decimal(row.balance_due),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "{} {} : {} contrat(s) non payé(s)",
            self.sales_user.first_name, self.sales_user.last_name, self.contracts
        )
    }
}

impl ScriptRecord for SalesActivity {
    const TYPE_NAME: &'static str = "ActivitéCommerciale";
    const FIELDS: &'static [Field<Self>] = &[
        Field {
            name: "commercial_id",
            description: "numéro du commercial",
            read: |row| integer(row.sales_user.id),
        },
        Field {
            name: "identifiant",
            description: "nom de connexion du commercial",
            read: |row| text(&row.sales_user.username),
        },
        Field {
            name: "commercial",
            description: "prénom et nom du commercial",
            read: |row| sales_user_name(&row.sales_user),
        },
        Field {
            name: "clients",
            description: "nombre de ses clients",
            read: |row| count(row.customers),
        },
        Field {
            name: "contrats_signes",
            description: "nombre de contrats signés de ses clients",
            read: |row| count(row.signed_contracts),
        },
        Field {
            name: "montant_signe",
            description: "somme des montants totaux des contrats signés",
            read: |row| decimal(row.signed_amount),
        },
        Field {
            name: "montant_encaisse",
            description: "ce qui a été payé sur ces contrats",
            read: |row| decimal(row.signed_amount - row.balance_due),
        },
        Field {
            name: "reste_a_payer",
            description: "ce qui reste à payer sur ces contrats",
            read: |row| decimal(row.balance_due),
        },
    ];

    fn summary(&self) -> String {
        format!(
            "{} {} : {} client(s), {} contrat(s) signé(s)",
            self.sales_user.first_name,
            self.sales_user.last_name,
            self.customers,
            self.signed_contracts
        )
    }
}

/// Registers the record type `T`: its name, a read-only getter per field (also readable
/// as `record["field"]`), `print` and `to_string`. Assigning a field is refused: records are read-only copies.
pub fn register_record<T: ScriptRecord>(engine: &mut Engine) {
    engine.register_type_with_name::<T>(T::TYPE_NAME);
    for field in T::FIELDS {
        let read = field.read;
        engine.register_get(field.name, move |record: &mut T| read(record));
    }
    engine.register_indexer_get(
        |record: &mut T, name: &str| -> Result<Dynamic, Box<rhai::EvalAltResult>> {
            T::FIELDS
                .iter()
                .find(|field| field.name == name)
                .map(|field| (field.read)(record))
                .ok_or_else(|| {
                    rhai::EvalAltResult::ErrorRuntime(
                        format!(
                            "champ inconnu « {name} » pour un enregistrement {}",
                            T::TYPE_NAME
                        )
                        .into(),
                        rhai::Position::NONE,
                    )
                    .into()
                })
        },
    );
    engine.register_fn("to_string", |record: &mut T| record.summary());
    engine.register_fn("to_debug", |record: &mut T| record.summary());
}

/// A record's fields with their values, in table order.
pub type NamedValues = Vec<(&'static str, Dynamic)>;

/// A record type's name and its fields with their descriptions, for the help.
pub type TypeDescription = (&'static str, Vec<(&'static str, &'static str)>);

/// What the rest of the scripting layer needs of one record type, without naming it.
struct RecordType {
    register: fn(&mut Engine),
    fields_of: fn(&Dynamic) -> Option<NamedValues>,
    describe: fn() -> TypeDescription,
}

impl RecordType {
    const fn of<T: ScriptRecord>() -> Self {
        Self {
            register: register_record::<T>,
            fields_of: fields_of::<T>,
            describe: describe::<T>,
        }
    }
}

/// Every record type scripts receive: the one list to extend with a new one.
const RECORD_TYPES: [RecordType; 6] = [
    RecordType::of::<UserRow>(),
    RecordType::of::<CustomerRow>(),
    RecordType::of::<ContractRow>(),
    RecordType::of::<EventRow>(),
    RecordType::of::<UnpaidContracts>(),
    RecordType::of::<SalesActivity>(),
];

fn fields_of<T: ScriptRecord>(value: &Dynamic) -> Option<NamedValues> {
    let record = value.read_lock::<T>()?;
    Some(
        T::FIELDS
            .iter()
            .map(|field| (field.name, (field.read)(&record)))
            .collect(),
    )
}

fn describe<T: ScriptRecord>() -> TypeDescription {
    (
        T::TYPE_NAME,
        T::FIELDS
            .iter()
            .map(|field| (field.name, field.description))
            .collect(),
    )
}

/// The fields of a record held in `value`, as (name, value) in table order, if `value` is
/// one of the record types.
pub fn record_fields(value: &Dynamic) -> Option<NamedValues> {
    RECORD_TYPES
        .iter()
        .find_map(|record_type| (record_type.fields_of)(value))
}

/// Every record type with its fields, for the help: (type name, [(field, description)]).
pub fn record_types() -> Vec<TypeDescription> {
    RECORD_TYPES
        .iter()
        .map(|record_type| (record_type.describe)())
        .collect()
}

/// Registers every record type and the `Date` type with its comparisons.
pub fn register_all(engine: &mut Engine) {
    for record_type in &RECORD_TYPES {
        (record_type.register)(engine);
    }

    engine.register_type_with_name::<ScriptDate>("Date");
    engine.register_fn("to_string", |date: &mut ScriptDate| date.to_string());
    engine.register_fn("to_debug", |date: &mut ScriptDate| date.to_string());
    engine.register_fn("==", |a: ScriptDate, b: ScriptDate| a == b);
    engine.register_fn("!=", |a: ScriptDate, b: ScriptDate| a != b);
    engine.register_fn("<", |a: ScriptDate, b: ScriptDate| a < b);
    engine.register_fn("<=", |a: ScriptDate, b: ScriptDate| a <= b);
    engine.register_fn(">", |a: ScriptDate, b: ScriptDate| a > b);
    engine.register_fn(">=", |a: ScriptDate, b: ScriptDate| a >= b);
}
