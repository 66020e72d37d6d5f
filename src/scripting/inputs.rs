//! What scripts pass to the core: object maps with French keys (`#{entreprise: "…"}`)
//! turned into the core's input types. Only the shape is checked here (known keys, the
//! right kind of value); the rules of each field are the core's.

use rhai::{Dynamic, INT, Map};

use super::context::{ScriptResult, refusal};
use super::records::ScriptDate;
use crate::paging::{DEFAULT_PAGE_SIZE, MAXIMUM_PAGE_SIZE, PageRequest};
use crate::permissions::Role;
use crate::services::contract_service::{ContractChanges, NewContract};
use crate::services::customer_service::{CustomerChanges, NewCustomer};
use crate::services::event_service::{EventChanges, EventSearch, NewEvent, SupportUser};
use crate::services::user_service::{self, NewUserInput, UserChanges};

/// The keys of a map given to `function`, checked against the keys it knows.
struct Fields<'a> {
    map: &'a Map,
    function: &'static str,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map, function: &'static str, known: &[&str]) -> ScriptResult<Self> {
        if let Some(unknown) = map.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(refusal(format!(
                "{function} : champ inconnu « {unknown} » (champs possibles : {})",
                known.join(", ")
            )));
        }
        Ok(Self { map, function })
    }

    fn value(&self, key: &str) -> Option<&'a Dynamic> {
        self.map.get(key).filter(|value| !value.is_unit())
    }

    fn wrong_kind(&self, key: &str, expected: &str) -> Box<rhai::EvalAltResult> {
        refusal(format!(
            "{} : le champ « {key} » doit être {expected}",
            self.function
        ))
    }

    /// A text field.
    fn text(&self, key: &str) -> ScriptResult<Option<String>> {
        match self.value(key) {
            None => Ok(None),
            Some(value) if value.is_string() => Ok(Some(value.to_string())),
            Some(_) => Err(self.wrong_kind(key, "un texte")),
        }
    }

    /// A whole number.
    fn integer(&self, key: &str) -> ScriptResult<Option<INT>> {
        match self.value(key) {
            None => Ok(None),
            Some(value) => value
                .as_int()
                .map(Some)
                .map_err(|_| self.wrong_kind(key, "un nombre entier")),
        }
    }

    /// An id.
    fn id(&self, key: &str) -> ScriptResult<Option<i32>> {
        self.integer(key)?
            .map(|value| i32::try_from(value).map_err(|_| self.wrong_kind(key, "un numéro valide")))
            .transpose()
    }

    /// `vrai` or `faux`.
    fn boolean(&self, key: &str) -> ScriptResult<Option<bool>> {
        match self.value(key) {
            None => Ok(None),
            Some(value) => value
                .as_bool()
                .map(Some)
                .map_err(|_| self.wrong_kind(key, "true ou false")),
        }
    }

    /// An amount: a decimal, a whole number or a text (`"1 234,50"`), read by the core.
    fn amount(&self, key: &str) -> ScriptResult<Option<String>> {
        match self.value(key) {
            None => Ok(None),
            Some(value) => amount_text(value)
                .map(Some)
                .ok_or_else(|| self.wrong_kind(key, "un montant (1234.50 ou \"1 234,50\")")),
        }
    }

    /// A date-time: a `Date` or a text (`"22/11/2026 14:30"`), read by the core.
    fn date(&self, key: &str) -> ScriptResult<Option<String>> {
        match self.value(key) {
            None => Ok(None),
            Some(value) => date_text(value)
                .map(Some)
                .ok_or_else(|| self.wrong_kind(key, "une Date ou un texte (\"22/11/2026 14:30\")")),
        }
    }
}

/// An amount given to a function, as text for the core to read.
pub fn amount_text(value: &Dynamic) -> Option<String> {
    if let Ok(decimal) = value.as_decimal() {
        Some(decimal.to_string())
    } else if let Ok(integer) = value.as_int() {
        Some(integer.to_string())
    } else if value.is_string() {
        Some(value.to_string())
    } else {
        None
    }
}

/// A date given to a function, as text for the core to read.
pub fn date_text(value: &Dynamic) -> Option<String> {
    if let Some(date) = value.read_lock::<ScriptDate>() {
        Some(date.0.to_rfc3339())
    } else if value.is_string() {
        Some(value.to_string())
    } else {
        None
    }
}

/// An id given to a function.
pub fn id(value: INT, what: &str) -> ScriptResult<i32> {
    i32::try_from(value).map_err(|_| refusal(format!("{what} n°{value} introuvable")))
}

fn role(fields: &Fields<'_>) -> ScriptResult<Option<Role>> {
    fields
        .text("role")?
        .map(|text| user_service::parse_role(&text).map_err(|error| refusal(error.to_string())))
        .transpose()
}

const USER_FIELDS: &[&str] = &[
    "prenom",
    "nom",
    "email",
    "telephone",
    "identifiant",
    "mot_de_passe",
    "role",
];

/// `creer_utilisateur(#{prenom, nom, email, telephone, identifiant, mot_de_passe, role})`.
pub fn new_user(map: &Map) -> ScriptResult<(NewUserInput, Role)> {
    let fields = Fields::new(map, "creer_utilisateur", USER_FIELDS)?;
    let role = role(&fields)?
        .ok_or_else(|| refusal("rôle : est obligatoire (gestion, commercial ou support)"))?;
    Ok((
        NewUserInput {
            first_name: fields.text("prenom")?.unwrap_or_default(),
            last_name: fields.text("nom")?.unwrap_or_default(),
            email: fields.text("email")?.unwrap_or_default(),
            phone_number: fields.text("telephone")?.unwrap_or_default(),
            username: fields.text("identifiant")?.unwrap_or_default(),
            password: fields.text("mot_de_passe")?.unwrap_or_default(),
        },
        role,
    ))
}

/// `modifier_utilisateur(id, #{…})`: the fields given change.
pub fn user_changes(map: &Map) -> ScriptResult<UserChanges> {
    let fields = Fields::new(map, "modifier_utilisateur", USER_FIELDS)?;
    Ok(UserChanges {
        first_name: fields.text("prenom")?,
        last_name: fields.text("nom")?,
        email: fields.text("email")?,
        phone_number: fields.text("telephone")?,
        username: fields.text("identifiant")?,
        role: role(&fields)?,
        new_password: fields.text("mot_de_passe")?,
    })
}

const CUSTOMER_FIELDS: &[&str] = &["prenom", "nom", "email", "telephone", "entreprise"];

/// `creer_client(#{prenom, nom, email, telephone, entreprise})`.
pub fn new_customer(map: &Map) -> ScriptResult<NewCustomer> {
    let fields = Fields::new(map, "creer_client", CUSTOMER_FIELDS)?;
    Ok(NewCustomer {
        first_name: fields.text("prenom")?.unwrap_or_default(),
        last_name: fields.text("nom")?.unwrap_or_default(),
        email: fields.text("email")?.unwrap_or_default(),
        phone_number: fields.text("telephone")?.unwrap_or_default(),
        company_name: fields.text("entreprise")?.unwrap_or_default(),
    })
}

/// `modifier_client(id, #{…})`.
pub fn customer_changes(map: &Map) -> ScriptResult<CustomerChanges> {
    let fields = Fields::new(map, "modifier_client", CUSTOMER_FIELDS)?;
    Ok(CustomerChanges {
        first_name: fields.text("prenom")?,
        last_name: fields.text("nom")?,
        email: fields.text("email")?,
        phone_number: fields.text("telephone")?,
        company_name: fields.text("entreprise")?,
    })
}

/// `creer_contrat(#{client, montant_total, reste_a_payer, signe})`.
pub fn new_contract(map: &Map) -> ScriptResult<NewContract> {
    let fields = Fields::new(
        map,
        "creer_contrat",
        &["client", "montant_total", "reste_a_payer", "signe"],
    )?;
    Ok(NewContract {
        customer_id: fields
            .id("client")?
            .ok_or_else(|| refusal("client : est obligatoire (numéro du client)"))?,
        total_amount: fields.amount("montant_total")?.unwrap_or_default(),
        balance_due: fields.amount("reste_a_payer")?,
        signed: fields.boolean("signe")?.unwrap_or(false),
    })
}

/// `modifier_contrat(id, #{montant_total, reste_a_payer, signe})`.
pub fn contract_changes(map: &Map) -> ScriptResult<ContractChanges> {
    let fields = Fields::new(
        map,
        "modifier_contrat",
        &["montant_total", "reste_a_payer", "signe"],
    )?;
    Ok(ContractChanges {
        total_amount: fields.amount("montant_total")?,
        balance_due: fields.amount("reste_a_payer")?,
        signed: fields.boolean("signe")?,
    })
}

const EVENT_FIELDS: &[&str] = &["nom", "debut", "fin", "lieu", "participants", "notes"];

/// `creer_evenement(#{contrat, nom, debut, fin, lieu, participants, notes})`.
pub fn new_event(map: &Map) -> ScriptResult<NewEvent> {
    let mut known = vec!["contrat"];
    known.extend_from_slice(EVENT_FIELDS);
    let fields = Fields::new(map, "creer_evenement", &known)?;
    Ok(NewEvent {
        contract_id: fields
            .id("contrat")?
            .ok_or_else(|| refusal("contrat : est obligatoire (numéro interne du contrat)"))?,
        event_name: fields.text("nom")?.unwrap_or_default(),
        start: fields.date("debut")?.unwrap_or_default(),
        end: fields.date("fin")?.unwrap_or_default(),
        location: fields.text("lieu")?.unwrap_or_default(),
        attendees: fields.integer("participants")?.unwrap_or(0),
        note: fields.text("notes")?.unwrap_or_default(),
    })
}

/// `modifier_evenement(id, #{nom, debut, fin, lieu, participants, notes})`.
pub fn event_changes(map: &Map) -> ScriptResult<EventChanges> {
    let fields = Fields::new(map, "modifier_evenement", EVENT_FIELDS)?;
    Ok(EventChanges {
        event_name: fields.text("nom")?,
        start: fields.date("debut")?,
        end: fields.date("fin")?,
        location: fields.text("lieu")?,
        attendees: fields.integer("participants")?,
        note: fields.text("notes")?,
        support: None,
    })
}

/// The keys that ask for one page of a list.
pub const PAGE_KEYS: [&str; 2] = ["apres", "limite"];

/// One page of a list, when `#{apres, limite}` asks for it (`apres`: the last id seen, 0
/// or absent for the first page; `limite`: 1 to 1000 rows, 20 when absent); `None` for
/// the whole list.
fn page_request(fields: &Fields<'_>) -> ScriptResult<Option<PageRequest>> {
    let after = fields.id("apres")?;
    let limit = fields.integer("limite")?;
    if after.is_none() && limit.is_none() {
        return Ok(None);
    }
    let size = match limit {
        None => DEFAULT_PAGE_SIZE,
        Some(limit) if (1..=MAXIMUM_PAGE_SIZE as INT).contains(&limit) => limit as u64,
        Some(_) => {
            return Err(
                fields.wrong_kind("limite", &format!("un nombre de 1 à {MAXIMUM_PAGE_SIZE}"))
            );
        }
    };
    Ok(Some(match after {
        Some(after) if after > 0 => PageRequest::after(after, size),
        _ => PageRequest::first(size),
    }))
}

/// `#{apres, limite}` given to the list `function`.
pub fn page_options(map: &Map, function: &'static str) -> ScriptResult<Option<PageRequest>> {
    page_request(&Fields::new(map, function, &PAGE_KEYS)?)
}

/// The criteria of `evenements_sans_support(#{lieu, du, au, apres, limite})`, soonest
/// first, and the page asked for, if any.
pub fn event_search(map: &Map) -> ScriptResult<(EventSearch, Option<PageRequest>)> {
    let fields = Fields::new(
        map,
        "evenements_sans_support",
        &["lieu", "du", "au", "apres", "limite"],
    )?;
    Ok((
        EventSearch {
            location_contains: fields.text("lieu")?,
            starts_from: fields.date("du")?,
            starts_until: fields.date("au")?,
            soonest_first: true,
        },
        page_request(&fields)?,
    ))
}

/// The events given as a list of `Évènement` records (read earlier: their support is checked
/// again under lock) or of numbers.
pub fn bulk_targets(
    events: &rhai::Array,
) -> ScriptResult<Vec<crate::services::event_service::BulkTarget>> {
    use crate::services::event_service::{BulkTarget, EventRow};
    events
        .iter()
        .map(|item| {
            if let Some(event) = item.read_lock::<EventRow>() {
                // Read earlier: assigned only if its support is still what was read.
                Ok(BulkTarget {
                    id: event.id,
                    seen_support: Some(event.user_support_id),
                })
            } else if let Ok(number) = item.as_int() {
                Ok(BulkTarget {
                    id: id(number, "évènement")?,
                    seen_support: None,
                })
            } else {
                Err(refusal(
                    "les évènements se donnent comme une liste d'évènements ou de numéros",
                ))
            }
        })
        .collect()
}

/// The support user given to `assigner_support`: an id or a username.
pub fn support_user(value: &Dynamic) -> ScriptResult<SupportUser> {
    if let Ok(number) = value.as_int() {
        Ok(SupportUser::Id(id(number, "utilisateur")?))
    } else if value.is_string() {
        Ok(SupportUser::Login(value.to_string()))
    } else {
        Err(refusal(
            "assigner_support : le support se désigne par son numéro ou son identifiant",
        ))
    }
}
