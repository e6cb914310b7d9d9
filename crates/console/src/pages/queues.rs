//! What waits for a decision: records past their review date, records
//! awaiting their compliance review, data-subject requests.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::State;
use concord_domain::{Compliance, Role};
use concord_store::{Record, RecordQuery, ReviewItem, SubjectRequest};

#[derive(Template)]
#[template(path = "queues.html")]
struct Queues {
    page: Page,
    review: Vec<ReviewItem>,
    compliance: Option<Vec<Record>>,
    requests: Vec<SubjectRequest>,
    authority: String,
    dpo: bool,
}

impl Queues {
    /// Whether the viewer's authority answers this request now.
    fn to_answer(&self, q: &SubjectRequest) -> bool {
        self.dpo && q.originator == self.authority && q.status == concord_store::RequestStatus::Open
    }
}

pub async fn show(State(s): State<AppState>, c: Console) -> PageResult {
    let ctx = c.ctx();
    let review = s.store.review_queue(&ctx).await.map_err(|e| c.fail(e))?;
    let compliance = if c.caller.viewer.roles.has(Role::Supervisor) {
        let q = RecordQuery {
            compliance: Some(Compliance::Pending),
            ..RecordQuery::first(100)
        };
        let pending = s.store.list_records(&ctx, &q).await.map_err(|e| c.fail(e))?;
        Some(
            pending
                .into_iter()
                .filter(|r| r.protected.originator == c.caller.viewer.authority)
                .collect(),
        )
    } else {
        None
    };
    let requests = s.store.requests(&ctx, false).await.map_err(|e| c.fail(e))?;
    Ok(render(&Queues {
        page: c.page("queues-title", "queues"),
        review,
        compliance,
        requests,
        authority: c.caller.viewer.authority.to_string(),
        dpo: c.caller.viewer.roles.has(Role::DataProtectionOfficer),
    }))
}
