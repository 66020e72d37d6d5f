//! Roles, and (with the core issue) resources, actions and ownership rules: the single
//! source of truth for who may do what.

use std::fmt;

/// A department, stored in the `role` table under [`Role::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
