//! Which records a list shows: the lists people and scripts ask the core for.

use serde::{Deserialize, Serialize};

/// Which customers to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerList {
    /// Every customer.
    All,
    /// The signed-in sales user's customers (empty for other roles, who own none).
    Mine,
}

/// Which contracts to list. « Mine » depends on the role: management — created by me;
/// sales — of my customers; support — with an event assigned to me.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractList {
    /// Every contract.
    All,
    /// Every contract not signed yet.
    Unsigned,
    /// Every contract with something left to pay.
    Unpaid,
    /// My contracts.
    Mine,
    /// My contracts not signed yet (offered to management and sales only).
    MineUnsigned,
    /// My contracts with something left to pay.
    MineUnpaid,
    /// The contracts of the customer with this id (a customer's screen).
    OfCustomer(i32),
}

/// Which events to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventList {
    /// Every event.
    All,
    /// Support: assigned to me; sales: of my customers; management: none.
    Mine,
    /// Events nobody supports yet.
    WithoutSupport,
    /// The events of the customer with this id (a customer's screen).
    OfCustomer(i32),
    /// The events of the contract with this id (a contract's screen).
    OfContract(i32),
}

/// Conditions narrowing a list of events, as typed; all given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSearch {
    /// Words the name or the location holds, regardless of letter case and accents.
    pub words: Option<String>,
    /// The location contains this text (letter case ignored).
    pub location_contains: Option<String>,
    /// Starting at or after this date-time.
    pub starts_from: Option<String>,
    /// Starting at or before this date-time.
    pub starts_until: Option<String>,
    /// Soonest first rather than in creation order.
    pub soonest_first: bool,
    /// Only the events to come: starting now or later (past ones on request).
    #[serde(default)]
    pub upcoming_only: bool,
}
