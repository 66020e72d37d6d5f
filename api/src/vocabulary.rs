//! The words of the rules: roles, kinds of record, actions, rights as stored, and what
//! the shell's menus offer. Which role may do what is the core's policy, not here.

use std::fmt;

/// A department, stored in the `role` table under [`Role::name`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Role {
    /// `management` (gestion): users, contracts, assignment of support.
    Management,
    /// `sales` (commercial): customers, events of their customers.
    Sales,
    /// `support`: the events assigned to them.
    Support,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Management, Role::Sales, Role::Support];

    /// The name stored in `role.name`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Management => "management",
            Role::Sales => "sales",
            Role::Support => "support",
        }
    }

    /// The role whose stored name is `name`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }

    /// The role a user typed: its French name (`gestion`, `commercial`, `support`) or its
    /// stored name, letter case ignored.
    pub fn parse(text: &str) -> Option<Role> {
        let text = text.trim().to_lowercase();
        Role::ALL
            .into_iter()
            .find(|role| role.french_label() == text || role.name() == text)
    }

    /// The French name shown to users.
    pub fn french_label(self) -> &'static str {
        match self {
            Role::Management => "gestion",
            Role::Sales => "commercial",
            Role::Support => "support",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.french_label())
    }
}

/// A kind of record.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Resource {
    /// An employee account.
    User,
    /// A customer.
    Customer,
    /// A contract.
    Contract,
    /// An event.
    Event,
}

impl Resource {
    /// Every resource.
    pub const ALL: [Resource; 4] = [
        Resource::User,
        Resource::Customer,
        Resource::Contract,
        Resource::Event,
    ];

    /// The name used in stored permissions.
    pub fn name(self) -> &'static str {
        match self {
            Resource::User => "user",
            Resource::Customer => "customer",
            Resource::Contract => "contract",
            Resource::Event => "event",
        }
    }

    /// « utilisateur », « client », « contrat », « évènement »: the French noun, the one
    /// every message, list and summary uses.
    pub fn french_noun(self) -> &'static str {
        match self {
            Resource::User => "utilisateur",
            Resource::Customer => "client",
            Resource::Contract => "contrat",
            Resource::Event => "évènement",
        }
    }

    /// The French noun in the plural (« évènements »).
    pub fn french_plural(self) -> String {
        format!("{}s", self.french_noun())
    }

    /// « cet utilisateur », « ce client »…: the record in a French sentence.
    pub fn french_this(self) -> &'static str {
        match self {
            Resource::User => "cet utilisateur",
            Resource::Customer => "ce client",
            Resource::Contract => "ce contrat",
            Resource::Event => "cet évènement",
        }
    }
}

/// What is done to a record.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Action {
    /// Create a record.
    Create,
    /// Read records.
    Read,
    /// Modify a record.
    Update,
    /// Delete a record.
    Delete,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 4] = [Action::Create, Action::Read, Action::Update, Action::Delete];

    /// The name used in stored permissions.
    pub fn name(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    /// The French infinitive: « créer », « consulter »…
    pub fn french_verb(self) -> &'static str {
        match self {
            Action::Create => "créer",
            Action::Read => "consulter",
            Action::Update => "modifier",
            Action::Delete => "supprimer",
        }
    }
}

/// A right as stored in `permission.name`: `resource:action`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Permission {
    /// On what.
    pub resource: Resource,
    /// Doing what.
    pub action: Action,
}

impl Permission {
    /// The stored name, e.g. `customer:update`.
    pub fn name(self) -> String {
        format!("{}:{}", self.resource.name(), self.action.name())
    }

    /// The permission stored as `name`.
    pub fn from_name(name: &str) -> Option<Permission> {
        let (resource, action) = name.split_once(':')?;
        Some(Permission {
            resource: Resource::ALL.into_iter().find(|r| r.name() == resource)?,
            action: Action::ALL.into_iter().find(|a| a.name() == action)?,
        })
    }
}

/// What a menu of the shell offers, beyond a single record: the lists and the creation
/// screens. the core says which a user may open; the shell shows those only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Feature {
    /// Users' management (lists, creation).
    Users,
    /// Every customer.
    Customers,
    /// The customers one owns.
    MyCustomers,
    /// Creating a customer (for oneself).
    CreateCustomer,
    /// Every contract.
    Contracts,
    /// One's contracts.
    MyContracts,
    /// One's contracts not signed yet.
    MyUnsignedContracts,
    /// One's contracts not fully paid.
    MyUnpaidContracts,
    /// Creating a contract.
    CreateContract,
    /// Every contract not signed yet, whoever's.
    UnsignedContracts,
    /// Every contract not fully paid, whoever's.
    UnpaidContracts,
    /// Every event.
    Events,
    /// The events assigned to oneself.
    MyEvents,
    /// Events nobody supports yet, to assign them.
    EventsWithoutSupport,
}

impl Feature {
    /// Every feature.
    pub const ALL: [Feature; 14] = [
        Feature::Users,
        Feature::Customers,
        Feature::MyCustomers,
        Feature::CreateCustomer,
        Feature::Contracts,
        Feature::MyContracts,
        Feature::MyUnsignedContracts,
        Feature::MyUnpaidContracts,
        Feature::CreateContract,
        Feature::UnsignedContracts,
        Feature::UnpaidContracts,
        Feature::Events,
        Feature::MyEvents,
        Feature::EventsWithoutSupport,
    ];

    /// The feature's name in a French sentence.
    pub fn french_name(self) -> &'static str {
        match self {
            Feature::Users => "la gestion des utilisateurs",
            Feature::Customers => "la liste des clients",
            Feature::MyCustomers => "« Mes clients »",
            Feature::CreateCustomer => "la création de clients",
            Feature::Contracts => "la liste des contrats",
            Feature::MyContracts => "« Mes contrats »",
            Feature::MyUnsignedContracts => "« Mes contrats non signés »",
            Feature::MyUnpaidContracts => "« Mes contrats non payés »",
            Feature::CreateContract => "la création de contrats",
            Feature::UnsignedContracts => "« Tous les contrats non signés »",
            Feature::UnpaidContracts => "« Tous les contrats non payés »",
            Feature::Events => "la liste des évènements",
            Feature::MyEvents => "« Mes évènements »",
            Feature::EventsWithoutSupport => "« Évènements sans support »",
        }
    }
}
