//! What the shell's menus offer beyond a single record, judged by the same rights and
//! scopes as `authorize`.

use super::{
    Action, Actor, EventField, PermissionDenied, Resource, Scope, Target, authorize,
    may_edit_event_field, scope,
};

/// What a menu of the shell offers, beyond a single record: the lists and the creation
/// screens. [`allows`] says which a user may open; the shell shows those only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// Every event.
    Events,
    /// The events assigned to oneself.
    MyEvents,
    /// Events nobody supports yet, to assign them.
    EventsWithoutSupport,
}

impl Feature {
    /// Every feature.
    pub const ALL: [Feature; 12] = [
        Feature::Users,
        Feature::Customers,
        Feature::MyCustomers,
        Feature::CreateCustomer,
        Feature::Contracts,
        Feature::MyContracts,
        Feature::MyUnsignedContracts,
        Feature::MyUnpaidContracts,
        Feature::CreateContract,
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
            Feature::Events => "la liste des évènements",
            Feature::MyEvents => "« Mes évènements »",
            Feature::EventsWithoutSupport => "« Évènements sans support »",
        }
    }
}

/// Whether `actor` may use `feature`, from the same rights and scopes as [`authorize`].
pub fn allows(actor: &Actor, feature: Feature) -> Result<(), PermissionDenied> {
    use Feature::*;
    let any = Target::AnyOf;
    let refused = || PermissionDenied::Feature {
        role: actor.role,
        feature,
    };
    match feature {
        Users => authorize(actor, Action::Read, any(Resource::User)),
        Customers => authorize(actor, Action::Read, any(Resource::Customer)),
        // « Mine » and creating: for those who may create customers of their own.
        MyCustomers | CreateCustomer => authorize(
            actor,
            Action::Create,
            Target::Customer {
                sales_user_id: actor.user_id,
            },
        )
        .map_err(|_| refused()),
        Contracts | MyContracts | MyUnpaidContracts => {
            authorize(actor, Action::Read, any(Resource::Contract))
        }
        // Unsigned contracts concern those who may sign them.
        MyUnsignedContracts => {
            authorize(actor, Action::Update, any(Resource::Contract)).map_err(|_| refused())
        }
        CreateContract => authorize(actor, Action::Create, any(Resource::Contract)),
        Events => authorize(actor, Action::Read, any(Resource::Event)),
        // For those who run the events assigned to them.
        MyEvents => {
            let runs_assigned_events = actor.holds(Resource::Event, Action::Update)
                && scope(actor.role, Resource::Event, Action::Update) == Scope::AssignedEvents;
            if runs_assigned_events {
                Ok(())
            } else {
                Err(refused())
            }
        }
        // For those who choose who supports an event.
        EventsWithoutSupport => {
            let assigns_support = actor.holds(Resource::Event, Action::Update)
                && may_edit_event_field(actor.role, EventField::Support);
            if assigns_support {
                Ok(())
            } else {
                Err(refused())
            }
        }
    }
}
