//! The audit log for data-protection officers: the newest entries they may
//! read (their state's authorities; the structure's officers, all) and a
//! verification of the whole hash chain against the signed checkpoints.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::{Query, State};
use concord_app::audit as app_audit;
use serde::Deserialize;

/// One line of the log.
pub struct Line {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub authority: String,
    pub action: String,
    pub target: String,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    lines: Vec<Line>,
    verified: Option<Verified>,
}

#[derive(Deserialize)]
pub struct Ask {
    verify: Option<String>,
}

pub async fn show(State(s): State<AppState>, c: Console, Query(q): Query<Ask>) -> PageResult {
    let entries = app_audit::recent(&s.store, &c.caller, 100)
        .await
        .map_err(|e| c.fail(e))?;
    let lines = entries
        .into_iter()
        .map(|e| Line {
            seq: e.seq,
            at: e.draft.at,
            actor: e.draft.actor,
            authority: e.draft.authority,
            action: e.draft.action,
            target: e.draft.target,
            purpose: e.draft.purpose,
        })
        .collect();
    let verified = if q.verify.is_some() {
        let found = app_audit::verify(&s.store, &c.caller, s.node_public_key.as_ref())
            .await
            .map_err(|e| c.fail(e))?;
        Some(Verified::from(found))
    } else {
        None
    };
    Ok(render(&AuditPage {
        page: c.page("audit-title", "audit"),
        lines,
        verified,
    }))
}

/// A verification as the page shows it.
pub struct Verified {
    pub ok: bool,
    pub entries: Option<i64>,
    pub checkpoint: Option<i64>,
    pub problem: Option<String>,
}

impl From<app_audit::Verification> for Verified {
    fn from(v: app_audit::Verification) -> Self {
        match v {
            app_audit::Verification::Intact { entries, checkpoint } => Verified {
                ok: true,
                entries: Some(entries),
                checkpoint,
                problem: None,
            },
            app_audit::Verification::Tampered(problem) => Verified {
                ok: false,
                entries: None,
                checkpoint: None,
                problem: Some(problem),
            },
        }
    }
}
