//! The zone a script run reads and shows dates in: its session's, set on the run's own
//! thread for as long as the script runs (rhai calls the getters of `Date` values and the
//! output's formatting on that thread, without a context to carry it).

use std::cell::Cell;

use epic_events_api::formatting::Zone;

thread_local! {
    static ZONE: Cell<Zone> = const { Cell::new(Zone::UTC) };
}

/// Sets the run's zone on this thread until the guard is dropped.
pub fn entered(zone: Zone) -> Entered {
    let before = ZONE.with(|current| current.replace(zone));
    Entered { before }
}

/// The zone of the run on this thread (UTC outside a run).
pub fn current() -> Zone {
    ZONE.with(Cell::get)
}

/// Puts the zone back as it was when dropped.
pub struct Entered {
    before: Zone,
}

impl Drop for Entered {
    fn drop(&mut self) {
        ZONE.with(|current| current.set(self.before));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runs_zone_holds_on_its_thread_while_it_runs() {
        let paris = Zone::named("Europe/Paris").unwrap();
        assert_eq!(current(), Zone::UTC);
        {
            let _entered = entered(paris);
            assert_eq!(current(), paris);
            std::thread::spawn(|| assert_eq!(current(), Zone::UTC))
                .join()
                .unwrap();
        }
        assert_eq!(current(), Zone::UTC);
    }
}
