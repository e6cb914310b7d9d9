//! The common list of the unified list by consensus, written as CSV and as
//! FollowTheMoney entities (an `Organization` and its `Sanction` per entry),
//! each entry with the history of every proposal about it.

use concord_domain::ListEntry;
use serde_json::json;

/// Why the list could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// The CSV header, one row per listed organization.
pub const CSV_HEADER: [&str; 5] = ["record_id", "organization", "designation_id", "listed_at", "history"];

fn history_lines(e: &ListEntry) -> Vec<String> {
    e.history
        .iter()
        .map(|(proposal, step)| {
            format!(
                "{} {proposal} {} -> {}: {}",
                step.at, step.action, step.stage, step.detail
            )
        })
        .collect()
}

/// The list as CSV; the history cell holds one step per line.
pub fn to_csv(entries: &[ListEntry]) -> Result<String, ListError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for e in entries {
        w.write_record([
            e.record_id.as_str(),
            e.organization.as_str(),
            e.designation_id.as_str(),
            e.listed_at.as_str(),
            history_lines(e).join("\n").as_str(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| ListError::Io(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The list as FtM JSON lines.
pub fn to_ftm(entries: &[ListEntry]) -> Result<String, ListError> {
    let mut out = String::new();
    for e in entries {
        let org = json!({
            "id": e.record_id,
            "schema": "Organization",
            "properties": {"name": [e.organization], "topics": ["crime.terror"]},
        });
        let listed = e.listed_at.get(..10).unwrap_or(&e.listed_at);
        let sanction = json!({
            "id": format!("{}-listing", e.designation_id),
            "schema": "Sanction",
            "properties": {
                "entity": [e.record_id],
                "program": ["Unified list by consensus"],
                "listingDate": [listed],
                "startDate": [listed],
                "recordId": [e.designation_id],
                "summary": [history_lines(e).join("\n")],
            },
        });
        out.push_str(&org.to_string());
        out.push('\n');
        out.push_str(&sanction.to_string());
        out.push('\n');
    }
    Ok(out)
}
