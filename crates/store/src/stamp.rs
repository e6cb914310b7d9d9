//! The one timestamp format of the exchange, the workflows and the webhooks:
//! fixed-width UTC, so that text order is time order.

use crate::{Result, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// A fixed-width UTC timestamp, so that text order is time order.
pub fn stamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000000Z"))
}

/// A stored timestamp of `table`, or the table named as corrupt.
pub(crate) fn parse_stamp(table: &'static str, text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| StoreError::corrupt(table, format!("{text:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_time() {
        let a = stamp(time::macros::datetime!(2026-01-01 09:00:00 UTC));
        let b = stamp(time::macros::datetime!(2026-01-01 09:00:00.5 UTC));
        let c = stamp(time::macros::datetime!(2026-01-01 10:00:00 +01:00));
        assert!(a < b);
        assert_eq!(a, c);
        assert_eq!(
            parse_stamp("t", &b).expect("parses"),
            time::macros::datetime!(2026-01-01 09:00:00.5 UTC)
        );
    }
}
