//! Joint operations' use cases: a state plans a named operation with its
//! participants and period, starts and closes it; each participant reports
//! its results (seizures, arrests, cases opened), which add up per
//! operation and feed the statistics. The rules are
//! `concord_domain::operation`.

use crate::{Refusal, Result};
use concord_domain::operation::{self as rules, Operation, OperationInput, SeizureText, Stage, Step, Totals};
use concord_domain::{Role, StateCode};
use concord_store::{Ctx, Store};
use std::collections::BTreeMap;

/// The state the viewer acts for: an officer or supervisor of one of its
/// state's authorities.
pub fn acting_state(ctx: &Ctx) -> Result<StateCode> {
    let v = &ctx.viewer;
    match &v.state {
        Some(s) if v.roles.any(&[Role::Officer, Role::Supervisor]) => Ok(s.clone()),
        Some(_) => Err(Refusal::Forbidden(
            "joint operations take the role officer or supervisor".into(),
        )),
        None => Err(Refusal::Forbidden(
            "joint operations are the states'; the regional structure reads them".into(),
        )),
    }
}

fn notices<'a>(states: impl IntoIterator<Item = &'a StateCode>, text: &str) -> Vec<(String, String)> {
    states
        .into_iter()
        .map(|s| (format!("state:{s}"), text.to_owned()))
        .collect()
}

/// Plans an operation the caller's state leads; the participants are told.
pub async fn plan(store: &Store, ctx: &Ctx, input: OperationInput) -> Result<Operation> {
    let lead = acting_state(ctx)?;
    let handling = rules::check_plan(&input, &lead, &store.snapshot().registry)?;
    let others = input.participants.iter().filter(|s| **s != lead);
    let told = notices(
        others,
        &format!("joint operation {} planned by {lead}", input.name.trim()),
    );
    Ok(store.plan_operation(ctx, &input, &handling, &told).await?)
}

/// One operation the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<Operation> {
    Ok(store.visible_operation(ctx, id).await?)
}

/// The newest operations the caller may read.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<Operation>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_operations(ctx, limit).await?)
}

/// The lead starts or closes the operation.
pub async fn step(store: &Store, ctx: &Ctx, id: &str, step: Step, expected_version: i64) -> Result<Operation> {
    let o = store.visible_operation(ctx, id).await?;
    if o.version != expected_version {
        return Err(Refusal::Conflict(format!(
            "operation {id} is at version {}, not {expected_version}: reload it",
            o.version
        )));
    }
    let state = acting_state(ctx)?;
    let next = rules::apply(&o, step, &state)?;
    let others = o.participants.iter().filter(|s| **s != state);
    let told = notices(others, &format!("joint operation {}: {next}", o.name));
    Ok(store.stage_operation(ctx, &o, next, expected_version, &told).await?)
}

/// The caller's state reports (or corrects) its results.
pub async fn report(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    seizures: &[SeizureText],
    arrests: i64,
    cases_opened: i64,
) -> Result<Operation> {
    let o = store.visible_operation(ctx, id).await?;
    let state = acting_state(ctx)?;
    let checked = rules::check_results(&o, &state, seizures, arrests, cases_opened)?;
    Ok(store
        .report_results(ctx, &o, &state, &checked, arrests, cases_opened)
        .await?)
}

/// The results of every operation the caller may read, added up: per
/// state and over all, with seizures by substance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub operations: usize,
    pub by_stage: BTreeMap<Stage, usize>,
    pub by_state: BTreeMap<StateCode, Totals>,
    pub overall: Totals,
}

/// The statistics of joint operations.
pub async fn statistics(store: &Store, ctx: &Ctx) -> Result<Statistics> {
    let mut s = Statistics::default();
    for o in store.list_operations(ctx, usize::MAX).await? {
        s.operations += 1;
        *s.by_stage.entry(o.stage).or_default() += 1;
        for r in &o.results {
            let t = s.by_state.entry(r.state.clone()).or_default();
            for total in [&mut *t, &mut s.overall] {
                total.arrests += r.arrests;
                total.cases_opened += r.cases_opened;
                for z in &r.seizures {
                    *total.seized.entry(z.substance.clone()).or_default() += z.grams;
                }
            }
        }
    }
    Ok(s)
}
