//! How values are shown to a French-speaking user: the one place for date formats.

use chrono::{DateTime, Local, Utc};

/// `22/11/2026 14:30`, in the machine's local time.
pub fn date_time(value: DateTime<Utc>) -> String {
    value
        .with_timezone(&Local)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}
