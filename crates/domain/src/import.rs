//! What an import file holds, read by the exchange formats and written by
//! the store in one transaction.

use crate::{Identifier, RelationKind};
use time::Date;

/// One thing read from an import file.
#[derive(Debug, Clone)]
pub enum ImportItem {
    /// A record; its `source_id` is the file's id for it.
    Record(Box<crate::record::RecordInput>),
    /// A document to add to the record with this file id (a FtM Passport).
    Identifier { holder: String, identifier: Identifier },
    /// A relationship between two records by their file ids.
    Link {
        from: String,
        to: String,
        kind: RelationKind,
        since: Option<Date>,
        until: Option<Date>,
    },
}

/// Why an import failed; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {message}")]
pub struct ImportError {
    /// 1-based line (or record number, for formats without lines).
    pub line: u64,
    /// The field at fault.
    pub field: String,
    /// Why.
    pub message: String,
}

impl ImportError {
    /// An error at `line` about `field`.
    pub fn new(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError {
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}
