//! The start page: what waits for the user.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::State;
use concord_domain::workflow::designation::Stage;
use concord_store::{Mailbox, MessageQuery, Notification};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    unacknowledged: usize,
    overdue: usize,
    voting: usize,
    review_due: usize,
    notifications: Vec<Notification>,
}

/// Where a notice points in the console.
pub fn notice_link(n: &Notification) -> String {
    match n.kind.as_str() {
        "message" | "request" => format!("/console/messages/{}", n.subject_id),
        "designation" => format!("/console/designations/{}", n.subject_id),
        "consultation" => format!("/console/consultations/{}", n.subject_id),
        "record" => format!("/console/records/{}", n.subject_id),
        _ => "/console".into(),
    }
}

impl Home {
    fn link(&self, n: &Notification) -> String {
        notice_link(n)
    }
}

pub async fn show(State(s): State<AppState>, c: Console) -> PageResult {
    let ctx = c.ctx();
    let inbox = |unacknowledged: bool, overdue: bool| MessageQuery {
        mailbox: Mailbox::Inbox,
        unacknowledged,
        overdue,
        limit: 100,
        ..MessageQuery::default()
    };
    let unacknowledged = s
        .store
        .list_messages(&ctx, &inbox(true, false))
        .await
        .map_err(|e| c.fail(e))?
        .len();
    let overdue = s
        .store
        .list_messages(&ctx, &inbox(false, true))
        .await
        .map_err(|e| c.fail(e))?
        .len();
    let voting = s
        .store
        .designations(&ctx, Some(Stage::SilencePeriod))
        .await
        .map_err(|e| c.fail(e))?
        .len();
    let review_due = s.store.review_queue(&ctx).await.map_err(|e| c.fail(e))?.len();
    let notifications = s.store.notifications(&ctx, 10).await.map_err(|e| c.fail(e))?;
    Ok(render(&Home {
        page: c.page("home-title", "home"),
        unacknowledged,
        overdue,
        voting,
        review_due,
        notifications,
    }))
}
