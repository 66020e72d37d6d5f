//! What scripts pass to the core: object maps with French keys (`#{entreprise: "…"}`)
//! turned into the core's input types. Only the shape is checked here (known keys, the
//! right kind of value); the rules of each field are the core's.

use rhai::{Dynamic, INT, Map};

use super::context::{ScriptResult, from_core_error, refusal};
use super::files::CsvLine;
use super::records::ScriptDate;
use crate::catalogue::contract::{ContractChanges, ContractField, NewContract, PAYMENT};
use crate::catalogue::customer::{CustomerChanges, CustomerField, NewCustomer};
use crate::catalogue::event::{EventChanges, EventField, NewEvent, SupportUser};
use crate::catalogue::user::{NewUser, UserChanges, UserField};
use crate::catalogue::{Catalogue, Given, Input, Typed};
use crate::handle::{BulkTarget, EventRow, EventSearch, PaymentLine};
use crate::paging::{DEFAULT_PAGE_SIZE, MAXIMUM_PAGE_SIZE, PageRequest};
use crate::permissions::Resource;

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
pub fn id(value: INT, what: Resource) -> ScriptResult<i32> {
    i32::try_from(value)
        .map_err(|_| refusal(format!("{} n°{value} introuvable", what.french_noun())))
}

/// A record's input from `map`, given to `function`: each key one of the fields in
/// `accepted`, each value of the kind the field's catalogue says (the core's rules refuse
/// what is wrong).
fn fill<F: Catalogue, T: Typed<F>>(
    map: &Map,
    function: &'static str,
    accepted: &[F],
) -> ScriptResult<T> {
    let mut typed = T::default();
    let keys: Vec<&str> = accepted.iter().map(|field| field.key()).collect();
    let fields = Fields::new(map, function, &keys)?;
    for field in accepted {
        let key = field.key();
        if fields.value(key).is_none() {
            continue;
        }
        let given = match field.describe().input {
            Input::Text | Input::Secret => fields.text(key)?.map(Given::Text),
            Input::Amount => fields.amount(key)?.map(Given::Text),
            Input::Moment => fields.date(key)?.map(Given::Text),
            Input::WholeNumber => fields.integer(key)?.map(Given::WholeNumber),
            Input::YesNo => fields.boolean(key)?.map(Given::YesNo),
            Input::Reference => fields.id(key)?.map(|id| Given::WholeNumber(id.into())),
            Input::ReadOnly => None,
        };
        if let Some(given) = given {
            typed
                .set(*field, given)
                .map_err(|error| from_core_error(error.into()))?;
        }
    }
    Ok(typed)
}

/// A field the script must give: refused, naming it, when absent.
fn required<F: Catalogue>(map: &Map, field: F, what: &str) -> ScriptResult<()> {
    if map.get(field.key()).is_none_or(Dynamic::is_unit) {
        return Err(refusal(format!(
            "{} : est obligatoire ({what})",
            field.label()
        )));
    }
    Ok(())
}

/// `creer_utilisateur(#{prenom, nom, email, telephone, identifiant, mot_de_passe, role})`.
pub fn new_user(map: &Map) -> ScriptResult<NewUser> {
    let user: NewUser = fill(map, "creer_utilisateur", &UserField::TYPED_ON_CREATION)?;
    user.role().map_err(|error| from_core_error(error.into()))?;
    Ok(user)
}

/// `modifier_utilisateur(id, #{…})`: the fields given change (the password too).
pub fn user_changes(map: &Map) -> ScriptResult<UserChanges> {
    fill(map, "modifier_utilisateur", &UserField::TYPED_ON_CREATION)
}

/// `creer_client(#{prenom, nom, email, telephone, entreprise})`.
pub fn new_customer(map: &Map) -> ScriptResult<NewCustomer> {
    fill(map, "creer_client", &CustomerField::TYPED)
}

/// `modifier_client(id, #{…})`.
pub fn customer_changes(map: &Map) -> ScriptResult<CustomerChanges> {
    fill(map, "modifier_client", &CustomerField::TYPED)
}

/// `creer_contrat(#{client, montant_total, reste_a_payer, signe})`.
pub fn new_contract(map: &Map) -> ScriptResult<NewContract> {
    let contract: NewContract = fill(map, "creer_contrat", &ContractField::TYPED_ON_CREATION)?;
    required(map, ContractField::Customer, "numéro du client")?;
    Ok(contract)
}

/// `modifier_contrat(id, #{montant_total, reste_a_payer, signe})`.
pub fn contract_changes(map: &Map) -> ScriptResult<ContractChanges> {
    fill(map, "modifier_contrat", &ContractField::CHANGEABLE)
}

/// The fields of an event a script gives, on creation after its contract.
pub const EVENT_FIELDS: [EventField; 6] = EventField::TYPED_ON_CREATION;

/// The fields `creer_evenement` takes: its contract, then the event's fields.
pub const NEW_EVENT_FIELDS: [EventField; 7] = {
    let [name, start, end, location, attendees, note] = EVENT_FIELDS;
    [
        EventField::Contract,
        name,
        start,
        end,
        location,
        attendees,
        note,
    ]
};

/// `creer_evenement(#{contrat, nom, debut, fin, lieu, participants, notes})`.
pub fn new_event(map: &Map) -> ScriptResult<NewEvent> {
    let event: NewEvent = fill(map, "creer_evenement", &NEW_EVENT_FIELDS)?;
    required(map, EventField::Contract, "numéro interne du contrat")?;
    Ok(event)
}

/// `modifier_evenement(id, #{nom, debut, fin, lieu, participants, notes})`.
pub fn event_changes(map: &Map) -> ScriptResult<EventChanges> {
    fill(map, "modifier_evenement", &EVENT_FIELDS)
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
    event_criteria(map, "evenements_sans_support", false)
}

/// The criteria of `chercher_evenements(#{texte, lieu, du, au, apres, limite})`, soonest
/// first, and the page asked for, if any.
pub fn event_words_search(map: &Map) -> ScriptResult<(EventSearch, Option<PageRequest>)> {
    event_criteria(map, "chercher_evenements", true)
}

/// The key of the words searched for in `chercher_…`.
pub const SEARCH_WORDS_KEY: &str = "texte";

fn event_criteria(
    map: &Map,
    function: &'static str,
    with_words: bool,
) -> ScriptResult<(EventSearch, Option<PageRequest>)> {
    // The place searched is the events' own field; the dates and the page are criteria.
    let location = EventField::Location.key();
    let mut keys = vec![location, "du", "au", "apres", "limite"];
    if with_words {
        keys.insert(0, SEARCH_WORDS_KEY);
    }
    let fields = Fields::new(map, function, &keys)?;
    Ok((
        EventSearch {
            words: if with_words {
                fields.text(SEARCH_WORDS_KEY)?
            } else {
                None
            },
            location_contains: fields.text(location)?,
            starts_from: fields.date("du")?,
            starts_until: fields.date("au")?,
            soonest_first: true,
            upcoming_only: false,
        },
        page_request(&fields)?,
    ))
}

/// The events given as a list of `Évènement` records (read earlier: their support is checked
/// again under lock) or of numbers.
/// The list is the function's own copy: its events are taken from it, not copied again.
pub fn bulk_targets(events: rhai::Array) -> ScriptResult<Vec<BulkTarget>> {
    events
        .into_iter()
        .map(|item| match item.try_cast_result::<EventRow>() {
            // Read earlier: assigned only if its support is still what was read.
            Ok(event) => Ok(BulkTarget::seen(event)),
            Err(item) => match item.as_int() {
                Ok(number) => Ok(BulkTarget::current(id(number, Resource::Event)?)),
                Err(_) => Err(refusal(
                    "les évènements se donnent comme une liste d'évènements ou de numéros",
                )),
            },
        })
        .collect()
}

/// The payments given to `enregistrer_paiements`: lines of a CSV file (`lire_csv`), named
/// by their line in the file, or maps `#{numero, montant}` (and `ligne`, if the script
/// has one), named by their rank in the list.
pub fn payment_lines(items: &rhai::Array) -> ScriptResult<Vec<PaymentLine>> {
    let number_key = ContractField::Number.key();
    let amount_key = PAYMENT.key;
    let missing = |source: &str| {
        refusal(format!(
            "enregistrer_paiements : {source} : les champs « {number_key} » et « {amount_key} » sont attendus"
        ))
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let rank = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            if let Some(line) = item.read_lock::<CsvLine>() {
                let line_number = i64::try_from(line.line()).unwrap_or(i64::MAX);
                let source = format!("ligne {line_number}");
                let (Some(number), Some(amount)) = (line.get(number_key), line.get(amount_key))
                else {
                    return Err(missing(&source));
                };
                return Ok(PaymentLine {
                    line: line_number,
                    source,
                    number: number.to_owned(),
                    amount: amount.to_owned(),
                });
            }
            let Some(map) = item.read_lock::<Map>() else {
                return Err(refusal(
                    "enregistrer_paiements : les paiements se donnent comme les lignes d'un CSV (lire_csv) ou des objets #{numero, montant}",
                ));
            };
            let line_number = map
                .get("ligne")
                .and_then(|value| value.as_int().ok())
                .unwrap_or(rank);
            let source = if map.contains_key("ligne") {
                format!("ligne {line_number}")
            } else {
                format!("paiement {rank}")
            };
            let number = map.get(number_key).filter(|value| value.is_string());
            let amount = map.get(amount_key).and_then(amount_text);
            let (Some(number), Some(amount)) = (number, amount) else {
                return Err(missing(&source));
            };
            Ok(PaymentLine {
                line: line_number,
                source,
                number: number.to_string(),
                amount,
            })
        })
        .collect()
}

/// The support user given to `assigner_support`: an id or a username.
pub fn support_user(value: &Dynamic) -> ScriptResult<SupportUser> {
    if let Ok(number) = value.as_int() {
        Ok(SupportUser::Id(id(number, Resource::User)?))
    } else if value.is_string() {
        Ok(SupportUser::Login(value.to_string()))
    } else {
        Err(refusal(
            "assigner_support : le support se désigne par son numéro ou son identifiant",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Dynamic)]) -> Map {
        entries
            .iter()
            .map(|(key, value)| ((*key).into(), value.clone()))
            .collect()
    }

    #[test]
    fn a_record_is_designated_by_its_number_not_by_text() {
        let given = map(&[
            ("client", Dynamic::from("12".to_owned())),
            ("montant_total", Dynamic::from(INT::from(100))),
        ]);
        let refused = new_contract(&given).unwrap_err().to_string();
        assert!(
            refused.contains("le champ « client » doit être un nombre entier"),
            "{refused}"
        );
        let given = map(&[
            ("client", Dynamic::from(INT::from(12))),
            ("montant_total", Dynamic::from(INT::from(100))),
        ]);
        assert_eq!(new_contract(&given).unwrap().customer_id, 12);
    }

    #[test]
    fn an_empty_amount_is_given_to_the_core_as_it_is() {
        // The core refuses it; only a form's empty optional field means « the total ».
        let given = map(&[
            ("client", Dynamic::from(INT::from(12))),
            ("montant_total", Dynamic::from(INT::from(100))),
            ("reste_a_payer", Dynamic::from(String::new())),
        ]);
        assert_eq!(
            new_contract(&given).unwrap().balance_due,
            Some(String::new())
        );
    }

    #[test]
    fn unknown_keys_are_named_with_the_keys_the_function_takes() {
        let refused = new_customer(&map(&[("site", Dynamic::from("x".to_owned()))]))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains(
                "creer_client : champ inconnu « site » (champs possibles : prenom, nom, email, telephone, entreprise)"
            ),
            "{refused}"
        );
    }
}
