//! Searching the shared database and reading one record: names in every
//! script, identifiers, legal basis, handling code, versions, relationships
//! (drawn as a graph), and, for data-protection officers, its audit trail.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use concord_domain::Role;
use concord_store::{Record, RecordQuery, Relationship, Version};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordList {
    page: Page,
    q: String,
    records: Vec<Record>,
}

pub async fn list(State(s): State<AppState>, c: Console, Query(f): Query<Search>) -> PageResult {
    let q = f.q.trim().to_owned();
    let query = if q.is_empty() {
        RecordQuery::first(50)
    } else {
        RecordQuery::text(&q, 50)
    };
    let records = s.store.list_records(&c.ctx(), &query).await.map_err(|e| c.fail(e))?;
    Ok(render(&RecordList {
        page: c.page("records-title", "records"),
        q,
        records,
    }))
}

/// A node of the relationship graph, placed on a circle around the record.
pub struct Node {
    pub id: String,
    pub label: String,
    pub x: i32,
    pub y: i32,
    pub center: bool,
}

/// An edge between two placed nodes.
pub struct Edge {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
    pub kind: String,
}

/// One audit line.
pub struct Trail {
    pub at: String,
    pub actor: String,
    pub authority: String,
    pub action: String,
    pub purpose: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    page: Page,
    r: Record,
    versions: Vec<Version>,
    relationships: Vec<Relationship>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    trail: Option<Vec<Trail>>,
    /// A supervisor of the originating authority, the record pending.
    can_decide: bool,
    /// An officer or supervisor of the originating authority.
    can_review: bool,
    /// May register a data-subject request about it.
    can_register: bool,
    /// A data-protection officer of the originating authority.
    can_erase: bool,
    /// May record relationships (officers and supervisors).
    can_relate: bool,
}

impl RecordPage {
    fn other_end<'a>(&self, rel: &'a Relationship) -> &'a str {
        if rel.from == self.r.id { &rel.to } else { &rel.from }
    }
}

/// Places the record at the centre and its neighbours on a circle.
fn graph(r: &Record, rels: &[Relationship], titles: &[(String, String)]) -> (Vec<Node>, Vec<Edge>) {
    const C: i32 = 200;
    const RADIUS: f64 = 140.0;
    let mut nodes = vec![Node {
        id: r.id.clone(),
        label: r.title.clone(),
        x: C,
        y: C,
        center: true,
    }];
    let mut edges = vec![];
    // Each neighbour once, however many relationships it has with the record.
    let others: std::collections::BTreeSet<&str> = rels
        .iter()
        .map(|rel| {
            if rel.from == r.id {
                rel.to.as_str()
            } else {
                rel.from.as_str()
            }
        })
        .collect();
    let n = others.len().max(1) as f64;
    for (i, other) in others.iter().enumerate() {
        let a = std::f64::consts::TAU * i as f64 / n;
        let (x, y) = (C + (RADIUS * a.cos()) as i32, C + (RADIUS * a.sin()) as i32);
        let label = titles
            .iter()
            .find(|(id, _)| id == other)
            .map_or_else(|| (*other).to_owned(), |(_, t)| t.clone());
        nodes.push(Node {
            id: (*other).to_owned(),
            label,
            x,
            y,
            center: false,
        });
        for rel in rels.iter().filter(|rel| rel.from == *other || rel.to == *other) {
            edges.push(Edge {
                x1: C,
                y1: C,
                x2: x,
                y2: y,
                kind: rel.kind.to_string(),
            });
        }
    }
    (nodes, edges)
}

pub async fn show(State(s): State<AppState>, c: Console, Path(id): Path<String>) -> PageResult {
    let ctx = c.ctx();
    let r = s.store.get_record(&ctx, &id).await.map_err(|e| c.fail(e))?;
    let versions = s.store.history(&ctx, &id).await.map_err(|e| c.fail(e))?;
    let relationships = s.store.relationships(&ctx, &id).await.map_err(|e| c.fail(e))?;
    // Neighbours are named only when the reader may read them.
    let mut titles = vec![];
    for rel in &relationships {
        let other = if rel.from == r.id { &rel.to } else { &rel.from };
        if let Ok(o) = s.store.get_record(&ctx, other).await {
            titles.push((o.id, o.title));
        }
    }
    let (nodes, edges) = graph(&r, &relationships, &titles);
    let trail = if c.caller.viewer.roles.has(Role::DataProtectionOfficer) {
        let entries = concord_app::audit::trail(&s.store, &c.caller, &r.id, 50)
            .await
            .map_err(|e| c.fail(e))?;
        Some(
            entries
                .into_iter()
                .map(|e| Trail {
                    at: e.draft.at,
                    actor: e.draft.actor,
                    authority: e.draft.authority,
                    action: e.draft.action,
                    purpose: e.draft.purpose,
                })
                .collect(),
        )
    } else {
        None
    };
    let v = &c.caller.viewer;
    let own = r.protected.originator == v.authority;
    let can_decide =
        own && v.roles.has(Role::Supervisor) && r.protected.compliance == concord_domain::Compliance::Pending;
    let can_review = own && v.roles.any(&[Role::Officer, Role::Supervisor]);
    let can_register = v
        .roles
        .any(&[Role::DataProtectionOfficer, Role::Officer, Role::Supervisor]);
    let can_erase =
        own && v.roles.has(Role::DataProtectionOfficer) && r.status != concord_domain::RecordStatus::Deleted;
    let can_relate = v.roles.any(&[Role::Analyst, Role::Officer, Role::Supervisor]);
    Ok(render(&RecordPage {
        can_relate,
        can_erase,
        can_decide,
        can_review,
        can_register,
        page: c.page_titled(r.title.clone(), "records"),
        r,
        versions,
        relationships,
        nodes,
        edges,
        trail,
    }))
}
