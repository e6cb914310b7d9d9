//! What every workflow object's store shares: its view for the access
//! model, and reading one so that an object the caller may not read is
//! not found, exactly as a missing one.

use crate::{Result, StoreError};
use concord_domain::{AuthorityId, Compliance, HandlingCode, Protected, StateCode};
use std::collections::BTreeSet;

/// The access model's view of a workflow object (an operation, delivery,
/// request, meeting, exercise, programme, reported figure): its
/// originator's, with its handling code. Workflows pass no compliance
/// review and have no review date.
pub fn workflow_protected(originator: &AuthorityId, state: Option<&StateCode>, handling: &HandlingCode) -> Protected {
    Protected {
        originator: originator.clone(),
        originator_state: state.cloned(),
        handling: handling.clone(),
        compliance: Compliance::Approved,
        review_date: None,
        consented: BTreeSet::new(),
        archived: false,
    }
}

/// `found` if the caller may read it; an unreadable or missing object is
/// the same "`what` not found".
pub(crate) fn readable_or_not_found<T>(found: Result<T>, may_read: impl FnOnce(&T) -> bool, what: String) -> Result<T> {
    match found {
        Ok(x) if may_read(&x) => Ok(x),
        Ok(_) | Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(what)),
        Err(e) => Err(e),
    }
}
