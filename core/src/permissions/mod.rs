//! Who may do what: roles, resources, actions and ownership rules. The only place where
//! access is decided; services ask [`authorize`] before every operation, and the shell
//! and scripts ask the same function which actions to offer.
//!
//! A role's rights are the `resource:action` permissions stored in the database
//! (`role_permission`, seeded by a migration); on top of them, [`SCOPES`] says for which
//! records a right holds (its owner's, any), [`MINE`] what « mine » means per role, and
//! [`may_edit_event_field`] who changes which field of an event. The words of the rules
//! are in `vocabulary`, the menus' features in `features`.

mod features;

use std::collections::BTreeSet;

pub use epic_events_api::vocabulary::{Action, Permission, Resource, Role};
pub use features::{Feature, allows};

/// For which records a role's right holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Any record.
    Any,
    /// Customers whose sales user is the actor, and what belongs to them (their contracts,
    /// their events).
    OwnCustomers,
    /// Events assigned to the actor.
    AssignedEvents,
}

/// The ownership rules of SPEC §4. A right not listed here holds for any record.
pub const SCOPES: &[(Role, Resource, Action, Scope)] = &[
    (
        Role::Sales,
        Resource::Customer,
        Action::Create,
        Scope::OwnCustomers,
    ),
    (
        Role::Sales,
        Resource::Customer,
        Action::Update,
        Scope::OwnCustomers,
    ),
    (
        Role::Sales,
        Resource::Customer,
        Action::Delete,
        Scope::OwnCustomers,
    ),
    (
        Role::Sales,
        Resource::Contract,
        Action::Update,
        Scope::OwnCustomers,
    ),
    (
        Role::Sales,
        Resource::Event,
        Action::Create,
        Scope::OwnCustomers,
    ),
    (
        Role::Support,
        Resource::Event,
        Action::Update,
        Scope::AssignedEvents,
    ),
];

/// The scope of `role`'s right to do `action` on `resource`.
pub fn scope(role: Role, resource: Resource, action: Action) -> Scope {
    SCOPES
        .iter()
        .find(|(r, res, act, _)| (*r, *res, *act) == (role, resource, action))
        .map(|(_, _, _, scope)| *scope)
        .unwrap_or(Scope::Any)
}

/// What « mine » means: the link between a user and the records they call theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ownership {
    /// The records they created (management: contracts).
    CreatedBy,
    /// Their customers and what belongs to them (sales).
    OfMyCustomers,
    /// The events assigned to them, and those events' contracts (support).
    AssignedToMe,
    /// No record of this kind is theirs.
    Nothing,
}

/// « Mine » per role and resource (SPEC §6), the one table the services' « Mes … » lists
/// and menus follow. A pair not listed owns nothing.
pub const MINE: &[(Role, Resource, Ownership)] = &[
    (Role::Management, Resource::Contract, Ownership::CreatedBy),
    (Role::Sales, Resource::Customer, Ownership::OfMyCustomers),
    (Role::Sales, Resource::Contract, Ownership::OfMyCustomers),
    (Role::Sales, Resource::Event, Ownership::OfMyCustomers),
    (Role::Support, Resource::Contract, Ownership::AssignedToMe),
    (Role::Support, Resource::Event, Ownership::AssignedToMe),
];

/// What « mine » means for `role` and `resource` (see [`MINE`]).
pub fn ownership(role: Role, resource: Resource) -> Ownership {
    MINE.iter()
        .find(|(r, res, _)| (*r, *res) == (role, resource))
        .map(|(_, _, ownership)| *ownership)
        .unwrap_or(Ownership::Nothing)
}

/// The signed-in user as the rules see them: who, which role, which stored rights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `user.id`.
    pub user_id: i32,
    /// Current role.
    pub role: Role,
    granted: BTreeSet<Permission>,
}

impl Actor {
    /// An actor with the rights `granted` to their role (read from `role_permission`).
    pub fn new(user_id: i32, role: Role, granted: impl IntoIterator<Item = Permission>) -> Self {
        Self {
            user_id,
            role,
            granted: granted.into_iter().collect(),
        }
    }

    /// Whether the role holds the right at all, whatever the record.
    pub fn holds(&self, resource: Resource, action: Action) -> bool {
        self.granted.contains(&Permission { resource, action })
    }
}

/// The record an action is about, with what ownership depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// No record in particular: listing, or a resource-level question (« may I create
    /// contracts at all? »).
    AnyOf(Resource),
    /// A user account.
    User {
        /// Its id.
        user_id: i32,
    },
    /// A customer (for a creation: the customer as it would be).
    Customer {
        /// Its sales user.
        sales_user_id: i32,
    },
    /// A contract.
    Contract {
        /// The sales user of its customer.
        customer_sales_user_id: i32,
    },
    /// An event (for a creation: the event as it would be).
    Event {
        /// The sales user of its customer.
        customer_sales_user_id: i32,
        /// Its support user, if assigned.
        support_user_id: Option<i32>,
    },
}

impl Target {
    /// The kind of record.
    pub fn resource(self) -> Resource {
        match self {
            Target::AnyOf(resource) => resource,
            Target::User { .. } => Resource::User,
            Target::Customer { .. } => Resource::Customer,
            Target::Contract { .. } => Resource::Contract,
            Target::Event { .. } => Resource::Event,
        }
    }

    fn sales_user_id(self) -> Option<i32> {
        match self {
            Target::Customer { sales_user_id } => Some(sales_user_id),
            Target::Contract {
                customer_sales_user_id,
            }
            | Target::Event {
                customer_sales_user_id,
                ..
            } => Some(customer_sales_user_id),
            Target::AnyOf(_) | Target::User { .. } => None,
        }
    }
}

pub use epic_events_api::catalogue::event::EventField;

/// Whether `actor` may hand the customers of the sales user `from` to another sales user:
/// part of managing that account (a sales person leaving, a portfolio shared out), so for
/// those who may change it — management —, whoever owns the customers.
pub fn may_reassign_customers(actor: &Actor, from: i32) -> Result<(), PermissionDenied> {
    authorize(actor, Action::Update, Target::User { user_id: from })
}

/// Whether `role` may modify `field` of an event it may update at all.
pub fn may_edit_event_field(role: Role, field: EventField) -> bool {
    match role {
        Role::Management => field == EventField::Support,
        Role::Support => field != EventField::Support && EventField::CHANGEABLE.contains(&field),
        Role::Sales => false,
    }
}

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PermissionDenied {
    /// The role has no use for a feature of the menus.
    #[error("le rôle {role} ne donne pas accès à {}", feature.french_name())]
    Feature {
        /// The actor's role.
        role: Role,
        /// The refused feature.
        feature: Feature,
    },
    /// The role does not hold the right at all.
    #[error("le rôle {role} ne permet pas de {} {}", action.french_verb(), resource.french_this())]
    Role {
        /// The actor's role.
        role: Role,
        /// The refused action.
        action: Action,
        /// On what.
        resource: Resource,
    },
    /// The role may modify the record, but not this field.
    #[error("le rôle {role} ne permet pas de modifier le champ « {} » d'un évènement", epic_events_api::catalogue::Catalogue::label(*field))]
    Field {
        /// The actor's role.
        role: Role,
        /// The refused field.
        field: EventField,
    },
    /// The role holds the right, but only for records the actor owns or is assigned.
    #[error("vous ne pouvez {} que {}", action.french_verb(), scope_phrase(*resource, *scope))]
    NotYours {
        /// The refused action.
        action: Action,
        /// On what.
        resource: Resource,
        /// The scope the actor is limited to.
        scope: Scope,
    },
}

fn scope_phrase(resource: Resource, scope: Scope) -> &'static str {
    match (resource, scope) {
        (Resource::Customer, _) => "vos propres clients",
        (Resource::Contract, _) => "les contrats de vos clients",
        (Resource::Event, Scope::AssignedEvents) => "les évènements qui vous sont assignés",
        (Resource::Event, _) => "des évènements pour vos clients",
        (Resource::User, _) => "votre propre compte",
    }
}

/// Whether `actor`'s right to do `action` on a record of `resource` depends on which record
/// (its scope is not « any record »: a sales user's customers, a support user's events), so
/// that only the record itself can answer.
pub fn depends_on_the_record(actor: &Actor, action: Action, resource: Resource) -> bool {
    actor.holds(resource, action) && scope(actor.role, resource, action) != Scope::Any
}

/// Whether `actor` may do `action` on `target`: the stored right, then its scope. A
/// question about no record in particular ([`Target::AnyOf`]) only needs the right.
pub fn authorize(actor: &Actor, action: Action, target: Target) -> Result<(), PermissionDenied> {
    let resource = target.resource();
    if !actor.holds(resource, action) {
        return Err(PermissionDenied::Role {
            role: actor.role,
            action,
            resource,
        });
    }
    let allowed = match (scope(actor.role, resource, action), target) {
        (Scope::Any, _) | (_, Target::AnyOf(_)) => true,
        (Scope::OwnCustomers, target) => target.sales_user_id() == Some(actor.user_id),
        (
            Scope::AssignedEvents,
            Target::Event {
                support_user_id, ..
            },
        ) => support_user_id == Some(actor.user_id),
        (Scope::AssignedEvents, _) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(PermissionDenied::NotYours {
            action,
            resource,
            scope: scope(actor.role, resource, action),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §6: « mine » per role, resource by resource.
    #[test]
    fn mine_follows_the_specification() {
        use Ownership::*;
        let expected = [
            (Role::Management, [Nothing, Nothing, CreatedBy, Nothing]),
            (
                Role::Sales,
                [Nothing, OfMyCustomers, OfMyCustomers, OfMyCustomers],
            ),
            (
                Role::Support,
                [Nothing, Nothing, AssignedToMe, AssignedToMe],
            ),
        ];
        for (role, by_resource) in expected {
            let resources = [
                Resource::User,
                Resource::Customer,
                Resource::Contract,
                Resource::Event,
            ];
            for (resource, wanted) in resources.into_iter().zip(by_resource) {
                assert_eq!(ownership(role, resource), wanted, "{role:?} {resource:?}");
            }
        }
    }

    /// SPEC §4, as rows of the seeded `role_permission` table.
    fn seeded(role: Role) -> Vec<Permission> {
        let names: &[&str] = match role {
            Role::Management => &[
                "user:create",
                "user:read",
                "user:update",
                "user:delete",
                "customer:read",
                "contract:create",
                "contract:read",
                "contract:update",
                "contract:delete",
                "event:read",
                "event:update",
            ],
            Role::Sales => &[
                "customer:create",
                "customer:read",
                "customer:update",
                "customer:delete",
                "contract:read",
                "contract:update",
                "event:create",
                "event:read",
            ],
            Role::Support => &[
                "customer:read",
                "contract:read",
                "event:read",
                "event:update",
            ],
        };
        names
            .iter()
            .map(|name| Permission::from_name(name).unwrap())
            .collect()
    }

    const ME: i32 = 10;
    const SOMEONE_ELSE: i32 = 20;

    fn target(resource: Resource, owner: i32) -> Target {
        match resource {
            Resource::User => Target::User { user_id: owner },
            Resource::Customer => Target::Customer {
                sales_user_id: owner,
            },
            Resource::Contract => Target::Contract {
                customer_sales_user_id: owner,
            },
            Resource::Event => Target::Event {
                customer_sales_user_id: owner,
                support_user_id: Some(owner),
            },
        }
    }

    /// Every role × resource × action × (own record, someone else's record): SPEC §4.
    #[test]
    fn the_whole_matrix() {
        use Action::*;
        use Resource::*;
        // (role, resource, action, allowed on own record, allowed on another's record)
        let expected: &[(Role, Resource, Action, bool, bool)] = &[
            (Role::Management, User, Create, true, true),
            (Role::Management, User, Read, true, true),
            (Role::Management, User, Update, true, true),
            (Role::Management, User, Delete, true, true),
            (Role::Management, Customer, Create, false, false),
            (Role::Management, Customer, Read, true, true),
            (Role::Management, Customer, Update, false, false),
            (Role::Management, Customer, Delete, false, false),
            (Role::Management, Contract, Create, true, true),
            (Role::Management, Contract, Read, true, true),
            (Role::Management, Contract, Update, true, true),
            (Role::Management, Contract, Delete, true, true),
            (Role::Management, Event, Create, false, false),
            (Role::Management, Event, Read, true, true),
            (Role::Management, Event, Update, true, true),
            (Role::Management, Event, Delete, false, false),
            (Role::Sales, User, Create, false, false),
            (Role::Sales, User, Read, false, false),
            (Role::Sales, User, Update, false, false),
            (Role::Sales, User, Delete, false, false),
            (Role::Sales, Customer, Create, true, false),
            (Role::Sales, Customer, Read, true, true),
            (Role::Sales, Customer, Update, true, false),
            (Role::Sales, Customer, Delete, true, false),
            (Role::Sales, Contract, Create, false, false),
            (Role::Sales, Contract, Read, true, true),
            (Role::Sales, Contract, Update, true, false),
            (Role::Sales, Contract, Delete, false, false),
            (Role::Sales, Event, Create, true, false),
            (Role::Sales, Event, Read, true, true),
            (Role::Sales, Event, Update, false, false),
            (Role::Sales, Event, Delete, false, false),
            (Role::Support, User, Create, false, false),
            (Role::Support, User, Read, false, false),
            (Role::Support, User, Update, false, false),
            (Role::Support, User, Delete, false, false),
            (Role::Support, Customer, Create, false, false),
            (Role::Support, Customer, Read, true, true),
            (Role::Support, Customer, Update, false, false),
            (Role::Support, Customer, Delete, false, false),
            (Role::Support, Contract, Create, false, false),
            (Role::Support, Contract, Read, true, true),
            (Role::Support, Contract, Update, false, false),
            (Role::Support, Contract, Delete, false, false),
            (Role::Support, Event, Create, false, false),
            (Role::Support, Event, Read, true, true),
            (Role::Support, Event, Update, true, false),
            (Role::Support, Event, Delete, false, false),
        ];
        assert_eq!(expected.len(), 3 * 4 * 4, "every combination is listed");
        for &(role, resource, action, own, others) in expected {
            let actor = Actor::new(ME, role, seeded(role));
            for (owner, allowed) in [(ME, own), (SOMEONE_ELSE, others)] {
                let outcome = authorize(&actor, action, target(resource, owner));
                assert_eq!(
                    outcome.is_ok(),
                    allowed,
                    "{role:?} {action:?} {resource:?} owned by {owner}: {outcome:?}"
                );
            }
            assert_eq!(
                authorize(&actor, action, Target::AnyOf(resource)).is_ok(),
                own || others,
                "{role:?} {action:?} any {resource:?}"
            );
        }
    }

    #[test]
    fn features_per_role() {
        use Feature::*;
        let expected: [(Role, &[Feature]); 3] = [
            (
                Role::Management,
                &[
                    Users,
                    Customers,
                    Contracts,
                    MyContracts,
                    MyUnsignedContracts,
                    MyUnpaidContracts,
                    CreateContract,
                    UnsignedContracts,
                    UnpaidContracts,
                    Events,
                    EventsWithoutSupport,
                ],
            ),
            (
                Role::Sales,
                &[
                    Customers,
                    MyCustomers,
                    CreateCustomer,
                    Contracts,
                    MyContracts,
                    MyUnsignedContracts,
                    MyUnpaidContracts,
                    Events,
                ],
            ),
            (
                Role::Support,
                &[
                    Customers,
                    Contracts,
                    MyContracts,
                    MyUnpaidContracts,
                    Events,
                    MyEvents,
                ],
            ),
        ];
        for (role, allowed) in expected {
            let actor = Actor::new(ME, role, seeded(role));
            for feature in Feature::ALL {
                assert_eq!(
                    allows(&actor, feature).is_ok(),
                    allowed.contains(&feature),
                    "{role:?} {feature:?}"
                );
            }
        }
        let support = Actor::new(ME, Role::Support, seeded(Role::Support));
        assert_eq!(
            allows(&support, Users).unwrap_err().to_string(),
            "le rôle support ne permet pas de consulter cet utilisateur"
        );
        assert_eq!(
            allows(&support, MyUnsignedContracts)
                .unwrap_err()
                .to_string(),
            "le rôle support ne donne pas accès à « Mes contrats non signés »"
        );
    }

    #[test]
    fn support_is_limited_to_the_events_assigned_to_them() {
        let support = Actor::new(ME, Role::Support, seeded(Role::Support));
        let unassigned = Target::Event {
            customer_sales_user_id: SOMEONE_ELSE,
            support_user_id: None,
        };
        let assigned = Target::Event {
            customer_sales_user_id: SOMEONE_ELSE,
            support_user_id: Some(ME),
        };
        assert!(authorize(&support, Action::Update, unassigned).is_err());
        assert!(authorize(&support, Action::Update, assigned).is_ok());
    }

    #[test]
    fn refusals_explain_themselves_in_french() {
        let sales = Actor::new(ME, Role::Sales, seeded(Role::Sales));
        let error = authorize(
            &sales,
            Action::Delete,
            Target::Contract {
                customer_sales_user_id: ME,
            },
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "le rôle commercial ne permet pas de supprimer ce contrat"
        );
        let error = authorize(
            &sales,
            Action::Update,
            Target::Customer {
                sales_user_id: SOMEONE_ELSE,
            },
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "vous ne pouvez modifier que vos propres clients"
        );
        let support = Actor::new(ME, Role::Support, seeded(Role::Support));
        let error = authorize(
            &support,
            Action::Update,
            Target::Event {
                customer_sales_user_id: SOMEONE_ELSE,
                support_user_id: Some(SOMEONE_ELSE),
            },
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "vous ne pouvez modifier que les évènements qui vous sont assignés"
        );
    }

    #[test]
    fn rights_come_from_the_stored_rows_only() {
        // A management actor whose stored rights were revoked may do nothing.
        let revoked = Actor::new(ME, Role::Management, []);
        assert!(authorize(&revoked, Action::Read, Target::AnyOf(Resource::Customer)).is_err());
    }

    #[test]
    fn event_fields_split_between_support_and_management() {
        use EventField::*;
        for field in [Name, Start, End, Location, Attendees, Note] {
            assert!(may_edit_event_field(Role::Support, field));
            assert!(!may_edit_event_field(Role::Management, field));
            assert!(!may_edit_event_field(Role::Sales, field));
        }
        assert!(may_edit_event_field(Role::Management, Support));
        assert!(!may_edit_event_field(Role::Support, Support));
    }

    #[test]
    fn permission_names_round_trip() {
        for resource in Resource::ALL {
            for action in Action::ALL {
                let permission = Permission { resource, action };
                assert_eq!(Permission::from_name(&permission.name()), Some(permission));
            }
        }
        assert_eq!(Permission::from_name("customer:fly"), None);
        assert_eq!(Permission::from_name("customer"), None);
    }
}
