//! Statistics: each state's yearly figures as it reports them, the same
//! cells counted from Concord's own objects (joint operations' results,
//! seizure incidents), and the transparency figures of the safeguards.
//! Everything is counted over what the caller may read: a reported figure
//! is read through `decide` like an object shared with all members, a
//! derived count only adds up objects the caller's own use cases return,
//! and a small derived count of persons is suppressed for readers outside
//! its state (`concord_domain::statistics::suppressed`).

use crate::{Refusal, Result};
use concord_domain::statistics::{self as rules, Category, Figure, FigureInput};

use concord_domain::workflow::designation::{Direction, Stage as DesignationStage};
use concord_domain::{Action, Compliance, HandlingCode, Protected, RecordStatus, Role, StateCode};
use concord_store::{Ctx, RecordQuery, Store};
use std::collections::BTreeMap;

/// The state a caller reports for: a supervisor of one of its authorities.
pub fn reporting_state(ctx: &Ctx) -> Result<StateCode> {
    match (&ctx.viewer.state, ctx.viewer.roles.has(Role::Supervisor)) {
        (Some(state), true) => Ok(state.clone()),
        _ => Err(Refusal::Forbidden(
            "a state's figures are reported by a supervisor of one of its authorities".into(),
        )),
    }
}

/// Reports (or, at `expected_version` above 0, corrects) a figure of the
/// caller's state.
pub async fn report(store: &Store, ctx: &Ctx, input: FigureInput, expected_version: i64) -> Result<Figure> {
    let state = reporting_state(ctx)?;
    rules::check(&input, &state, &store.snapshot().registry, store.clock().today())?;
    if expected_version < 0 {
        return Err(Refusal::invalid("version", "must not be negative"));
    }
    Ok(store.report_figure(ctx, &state, &input, expected_version).await?)
}

/// A reported figure seen by the access model: its state's authority's,
/// shared with all members, unclassified.
fn protected(f: &Figure) -> Protected {
    concord_store::workflow_protected(&f.authority, Some(&f.state), &HandlingCode::open())
}

/// The years a table may span at once.
pub const MAX_YEARS: i32 = 50;

fn check_years(from: i32, to: i32) -> Result<()> {
    if from > to {
        return Err(Refusal::invalid("from", format!("{from} is after {to}")));
    }
    if to - from >= MAX_YEARS {
        return Err(Refusal::invalid("to", format!("at most {MAX_YEARS} years at once")));
    }
    Ok(())
}

/// The reported figures from `from` to `to` that the caller may read.
pub async fn reported(store: &Store, ctx: &Ctx, from: i32, to: i32) -> Result<Vec<Figure>> {
    check_years(from, to)?;
    Ok(store
        .reported_figures(from, to)
        .await?
        .into_iter()
        .filter(|f| store.decide_on(ctx, &protected(f), Action::Read).allowed)
        .collect())
}

/// One cell of the table: a state's figure in a year and category (and
/// substance), as reported and as counted from Concord's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub state: StateCode,
    pub year: i32,
    pub category: Category,
    pub substance: Option<String>,
    pub reported: Option<Figure>,
    /// Counted from the objects the caller may read; `None` when nothing
    /// counted.
    pub derived: Option<i64>,
    /// The derived count is small, of persons and outside the caller's
    /// state: it is not shown.
    pub suppressed: bool,
}

type Key = (i32, StateCode, Category, String);

/// The table from `from` to `to`, reported and derived side by side.
pub async fn table(store: &Store, ctx: &Ctx, from: i32, to: i32) -> Result<Vec<Cell>> {
    let reported = reported(store, ctx, from, to).await?;
    let mut derived: BTreeMap<Key, i64> = BTreeMap::new();
    let within = |y: i32| (from..=to).contains(&y);
    for o in crate::operations::list(store, ctx, 1000).await? {
        let year = o.starts.year();
        if !within(year) {
            continue;
        }
        for r in &o.results {
            *derived
                .entry((year, r.state.clone(), Category::Arrests, String::new()))
                .or_default() += r.arrests;
            for z in &r.seizures {
                *derived
                    .entry((year, r.state.clone(), Category::Seizures, z.substance.to_lowercase()))
                    .or_default() += z.grams;
            }
        }
    }
    for i in crate::precursors::incidents(store, ctx, 1000).await? {
        let year = i.occurred_on.year();
        if i.kind != concord_domain::precursor::IncidentKind::Seizure || !within(year) {
            continue;
        }
        if let (Some(state), Some(substance), Some(q)) = (&i.originator_state, &i.substance, i.quantity) {
            *derived
                .entry((year, state.clone(), Category::Seizures, substance.to_lowercase()))
                .or_default() += q;
        }
    }
    let mut cells: BTreeMap<Key, Cell> = BTreeMap::new();
    for f in reported {
        let key = (
            f.year,
            f.state.clone(),
            f.category,
            f.substance.clone().unwrap_or_default(),
        );
        cells.insert(
            key,
            Cell {
                state: f.state.clone(),
                year: f.year,
                category: f.category,
                substance: f.substance.clone(),
                reported: Some(f),
                derived: None,
                suppressed: false,
            },
        );
    }
    let reader = ctx.viewer.state.as_ref();
    for ((year, state, category, substance), value) in derived {
        let shown = rules::suppressed(category, value, &state, reader);
        let cell = cells
            .entry((year, state.clone(), category, substance.clone()))
            .or_insert_with(|| Cell {
                state: state.clone(),
                year,
                category,
                substance: Some(substance).filter(|s| !s.is_empty()),
                reported: None,
                derived: None,
                suppressed: false,
            });
        cell.derived = shown;
        cell.suppressed = shown.is_none();
    }
    Ok(cells.into_values().collect())
}

/// The safeguards in figures, over what the caller may read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transparency {
    /// Listing proposals, and where they stand.
    pub listings_proposed: usize,
    pub listings_adopted: usize,
    pub listings_blocked: usize,
    pub listings_in_progress: usize,
    /// Delisting proposals adopted: organizations taken off the list.
    pub delisted: usize,
    /// Records that passed the compliance review, and that were returned.
    pub compliance_passed: i64,
    pub compliance_returned: i64,
    /// Records archived at their review.
    pub archived_at_review: i64,
    /// Data-subject requests the caller's authority registered or answers.
    pub subject_requests: usize,
    pub subject_requests_answered: usize,
    pub subject_requests_answered_in_time: usize,
    pub subject_requests_overdue: usize,
}

/// The transparency figures.
pub async fn transparency(store: &Store, ctx: &Ctx) -> Result<Transparency> {
    let mut t = Transparency::default();
    for p in store.designations(ctx, None).await? {
        match (p.direction, p.stage) {
            (Direction::Listing, stage) => {
                t.listings_proposed += 1;
                match stage {
                    DesignationStage::Adopted => t.listings_adopted += 1,
                    DesignationStage::Blocked => t.listings_blocked += 1,
                    DesignationStage::Withdrawn => {}
                    _ => t.listings_in_progress += 1,
                }
            }
            (Direction::Delisting, DesignationStage::Adopted) => t.delisted += 1,
            _ => {}
        }
    }
    let count = |compliance: Option<Compliance>, status: Option<RecordStatus>| RecordQuery {
        compliance,
        status,
        ..RecordQuery::first(1)
    };
    t.compliance_passed = store
        .count_records(ctx, &count(Some(Compliance::Approved), None))
        .await?;
    t.compliance_returned = store
        .count_records(ctx, &count(Some(Compliance::Returned), None))
        .await?;
    t.archived_at_review = store
        .count_records(ctx, &count(None, Some(RecordStatus::Archived)))
        .await?;
    let today = store.clock().today();
    for r in store.requests(ctx, false).await? {
        t.subject_requests += 1;
        if r.overdue(today) {
            t.subject_requests_overdue += 1;
        }
        if let Some(at) = &r.decided_at {
            t.subject_requests_answered += 1;
            if at.get(..10).is_some_and(|d| d <= r.deadline.to_string().as_str()) {
                t.subject_requests_answered_in_time += 1;
            }
        }
    }
    Ok(t)
}
