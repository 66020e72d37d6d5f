//! What the shell's menus offer beyond a single record, judged by the same rights and
//! scopes as `authorize`.

pub use epic_events_api::vocabulary::Feature;

use super::{
    Action, Actor, EventField, PermissionDenied, Resource, Scope, Target, authorize,
    may_edit_event_field, scope,
};

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
        // Every contract's signature and payments: for those who may change any contract.
        UnsignedContracts | UnpaidContracts => {
            let changes_any_contract = actor.holds(Resource::Contract, Action::Update)
                && scope(actor.role, Resource::Contract, Action::Update) == Scope::Any;
            if changes_any_contract {
                Ok(())
            } else {
                Err(refused())
            }
        }
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
