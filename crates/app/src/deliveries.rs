//! Controlled deliveries' use cases: the lead state proposes a plan, every
//! other state on the route authorizes (with conditions) or refuses it, the
//! lead starts it, each state logs taking custody, any state on the route
//! reports a loss of control (told to all on the route at once), and the
//! lead records the outcome. The rules are `concord_domain::delivery` and
//! `concord_domain::workflow::controlled_delivery`.

use crate::{Refusal, Result};
use concord_domain::delivery::{self as rules, ControlledDelivery, PlanInput};
use concord_domain::workflow::controlled_delivery::{self as machine, Outcome, Situation, Step};
use concord_domain::{Role, StateCode};
use concord_store::{Ctx, DeliveryWrite, Store};

/// The state the viewer acts for in controlled deliveries: an officer or
/// supervisor of one of its state's authorities.
pub fn acting_state(ctx: &Ctx) -> Result<StateCode> {
    let v = &ctx.viewer;
    let Some(state) = v.state.clone() else {
        return Err(Refusal::Forbidden(
            "controlled deliveries are run by the states' authorities, not the regional structure".into(),
        ));
    };
    if !v.roles.any(&[Role::Officer, Role::Supervisor]) {
        return Err(Refusal::Forbidden(
            "a controlled delivery needs the role officer or supervisor".into(),
        ));
    }
    Ok(state)
}

/// Notices to every user of `states`, each with `text`.
fn notices(states: impl IntoIterator<Item = StateCode>, text: &str) -> Vec<(String, String)> {
    states
        .into_iter()
        .map(|s| (format!("state:{s}"), text.to_owned()))
        .collect()
}

/// The lead state proposes a plan; every other state on the route is asked
/// to answer.
pub async fn propose(store: &Store, ctx: &Ctx, input: PlanInput) -> Result<ControlledDelivery> {
    let lead = acting_state(ctx)?;
    let handling = rules::check_plan(&input, &lead, &store.snapshot().registry, store.clock().today())?;
    let others = input.route.iter().map(|l| l.state.clone()).filter(|s| *s != lead);
    let told = notices(
        others,
        &format!("controlled delivery proposed by {lead}: your state's authorization is asked"),
    );
    Ok(store.propose_delivery(ctx, &input, &handling, &told).await?)
}

/// One delivery the caller may read.
pub async fn get(store: &Store, ctx: &Ctx, id: &str) -> Result<ControlledDelivery> {
    Ok(store.visible_delivery(ctx, id).await?)
}

/// The newest deliveries the caller may read.
pub async fn list(store: &Store, ctx: &Ctx, limit: usize) -> Result<Vec<ControlledDelivery>> {
    if !(1..=1000).contains(&limit) {
        return Err(Refusal::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(store.list_deliveries(ctx, limit).await?)
}

/// The steps the viewer may take on `d` now, for edges that show only the
/// forms that would be accepted.
pub fn open_steps(ctx: &Ctx, d: &ControlledDelivery) -> Vec<Step> {
    let Ok(state) = acting_state(ctx) else {
        return vec![];
    };
    let route = d.states();
    let answers = d.plain_answers();
    let s = Situation {
        stage: d.stage,
        lead: &d.lead,
        route: &route,
        answers: &answers,
        custodian: d.custodian,
    };
    [
        Step::Authorize,
        Step::Refuse,
        Step::Withdraw,
        Step::Start,
        Step::Handover,
        Step::LoseControl,
        Step::Conclude,
    ]
    .into_iter()
    // Starting, withdrawing and concluding are the lead authority's.
    .filter(|step| {
        !matches!(step, Step::Withdraw | Step::Start | Step::Conclude) || ctx.viewer.authority == d.originator
    })
    .filter(|step| {
        let outcome = (*step == Step::Conclude).then_some(if d.stage == machine::Stage::ControlLost {
            Outcome::Lost
        } else {
            Outcome::Aborted
        });
        machine::apply(&s, *step, &state, "reasons", outcome).is_ok()
    })
    .collect()
}

/// A step by a state on the route. `text` is the conditions, reasons or
/// note; `outcome` concludes.
pub async fn step(
    store: &Store,
    ctx: &Ctx,
    id: &str,
    step: Step,
    text: &str,
    outcome: Option<Outcome>,
    expected_version: i64,
) -> Result<ControlledDelivery> {
    let d = store.visible_delivery(ctx, id).await?;
    if d.version != expected_version {
        return Err(Refusal::Conflict(format!(
            "controlled delivery {id} is at version {}, not {expected_version}: reload it",
            d.version
        )));
    }
    let state = acting_state(ctx)?;
    let route = d.states();
    if !route.contains(&state) {
        return Err(Refusal::Forbidden(format!("{state} is not on this delivery's route")));
    }
    let lead_steps = [Step::Withdraw, Step::Start, Step::Conclude];
    if lead_steps.contains(&step) && state != d.lead {
        return Err(Refusal::Forbidden(format!("{step} is for the lead state, {}", d.lead)));
    }
    if lead_steps.contains(&step) && ctx.viewer.authority != d.originator {
        return Err(Refusal::Forbidden(format!(
            "{step} is for the lead authority, {}",
            d.originator
        )));
    }
    if text.chars().count() > rules::TEXT_LIMIT {
        return Err(Refusal::invalid(
            "text",
            format!("longer than {} characters", rules::TEXT_LIMIT),
        ));
    }
    if matches!(step, Step::Refuse | Step::LoseControl | Step::Conclude) && text.trim().is_empty() {
        return Err(Refusal::invalid("text", format!("{step} needs reasons")));
    }
    if step == Step::Conclude && outcome.is_none() {
        return Err(Refusal::invalid("outcome", "concluding needs the outcome"));
    }
    if step != Step::Conclude && outcome.is_some() {
        return Err(Refusal::invalid("outcome", "only concluding records an outcome"));
    }
    if matches!(step, Step::Authorize | Step::Refuse) && state == d.lead {
        return Err(Refusal::Forbidden(format!(
            "{step} is for the other states on the route; {state} leads and authorized by proposing"
        )));
    }
    let answers = d.plain_answers();
    let change = machine::apply(
        &Situation {
            stage: d.stage,
            lead: &d.lead,
            route: &route,
            answers: &answers,
            custodian: d.custodian,
        },
        step,
        &state,
        text,
        outcome,
    )
    .map_err(|e| Refusal::Conflict(e.to_string()))?;
    let others: Vec<StateCode> = route.iter().filter(|s| **s != state).cloned().collect();
    let said = match step {
        Step::LoseControl => format!(
            "LOSS OF CONTROL in controlled delivery {} reported by {state}: {}",
            d.id,
            text.trim()
        ),
        Step::Handover => format!("controlled delivery {}: {state} took custody", d.id),
        _ => format!("controlled delivery {}: {step} by {state}", d.id),
    };
    let told = notices(others, &said);
    Ok(store
        .step_delivery(
            ctx,
            &d,
            DeliveryWrite {
                change,
                action: step.as_str(),
                detail: text,
                outcome,
                expected_version,
                notify: &told,
            },
        )
        .await?)
}
