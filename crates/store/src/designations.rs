//! The unified list by consensus: proposals to list or delist an
//! organization, the regional structure's compliance review, the silence
//! period with every member's position, the common list with its history,
//! and each state's national list beside it.
//!
//! The rules are [`concord_domain::workflow::designation`]; this module loads
//! a proposal, applies one event, and writes the result, its timeline entry
//! and its audit entry in one transaction. A proposal whose silence period has
//! ended is settled before anything reads or changes it.
//!
//! Who sees a proposal: whoever may read the organization's record (the record
//! must be approved and distributed to all members to be proposed at all).

use crate::registry::parse;
use crate::stamp::{parse_stamp, stamp};
use crate::{Ctx, Result, Store, StoreError, new_id};
pub use concord_domain::designation_rules::{ListStanding, ProposalInput};
use concord_domain::workflow::designation::{self as machine, ActKind, Criteria, Direction, Event, Position, Stage};
use concord_domain::{Category, Checklist, LegalBasis, StateCode};
pub use concord_domain::{ListDifference, NationalEntry, PositionEntry, Proposal};
use concord_domain::{ListEntry, Record, TimelineEntry};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration};

fn criteria_to_text(c: &Criteria) -> String {
    serde_json::json!({
        "act_kind": c.act_kind.map(|k| k.as_str()),
        "acts": c.acts,
        "when": c.when,
        "place": c.place,
        "attribution": c.attribution,
    })
    .to_string()
}

fn criteria_from_text(text: &str) -> Result<Criteria> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| StoreError::corrupt("designations", e))?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    Ok(Criteria {
        act_kind: v
            .get("act_kind")
            .and_then(|x| x.as_str())
            .map(|k| parse::<ActKind>("designations", k))
            .transpose()?,
        acts: s("acts"),
        when: s("when"),
        place: s("place"),
        attribution: s("attribution"),
    })
}

fn split(text: &str) -> Vec<String> {
    text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn proposal_row(row: &AnyRow) -> Result<Proposal> {
    let t = "designations";
    let criteria = criteria_from_text(&row.try_get::<String, _>("criteria")?)?;
    let category = criteria
        .act_kind
        .and_then(|k| k.as_str().parse::<Category>().ok())
        .unwrap_or(Category::Terrorism);
    Ok(Proposal {
        id: row.try_get("id")?,
        direction: parse(t, &row.try_get::<String, _>("direction")?)?,
        record_id: row.try_get("record_id")?,
        organization: row.try_get("organization")?,
        proposer_state: row.try_get("proposer_state")?,
        proposer_authority: row.try_get("proposer_authority")?,
        legal_basis: LegalBasis {
            instrument: row.try_get("legal_instrument")?,
            article: row.try_get("legal_article")?,
            category,
        },
        evidence: row.try_get("evidence")?,
        criteria,
        stage: parse(t, &row.try_get::<String, _>("stage")?)?,
        electorate: split(&row.try_get::<String, _>("electorate")?),
        positions: Vec::new(),
        silence_ends: row.try_get("silence_ends")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        timeline: Vec::new(),
    })
}

fn timeline_row(row: &AnyRow) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        authority: row.try_get("authority")?,
        action: row.try_get("action")?,
        stage: parse("designation_events", &row.try_get::<String, _>("stage")?)?,
        detail: row.try_get("detail")?,
    })
}

/// The workflow machine's view of a proposal.
fn machine_of(p: &Proposal) -> Result<machine::Designation> {
    Ok(machine::Designation {
        direction: p.direction,
        proposer: StateCode::from(p.proposer_state.as_str()),
        stage: p.stage,
        electorate: p.electorate.iter().map(|s| StateCode::from(s.as_str())).collect(),
        positions: p
            .positions
            .iter()
            .map(|e| (StateCode::from(e.state.as_str()), e.position))
            .collect(),
        silence_ends: p
            .silence_ends
            .as_deref()
            .map(|s| parse_stamp("designations", s))
            .transpose()?,
    })
}

/// Who is acting, and how the step is written down.
struct Step<'a> {
    actor: &'a str,
    authority: &'a str,
    action: String,
    detail: String,
    /// The position's reasons, when the step is a vote.
    reasons: String,
}

impl Store {
    fn machine_context(&self) -> machine::Context {
        let snap = self.snapshot();
        let today = self.clock().today();
        machine::Context {
            members_now: snap.registry.members_on(today).into_iter().cloned().collect(),
            silence: Duration::days(snap.policy.silence_period_days),
        }
    }

    async fn load_proposal(&self, id: &str) -> Result<Proposal> {
        let row = sqlx::query("SELECT * FROM designations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("proposal {id}")))?;
        let mut p = proposal_row(&row)?;
        let rows = sqlx::query("SELECT * FROM designation_positions WHERE designation_id = $1 ORDER BY at, state_code")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        p.positions = rows
            .iter()
            .map(|r| {
                Ok(PositionEntry {
                    state: r.try_get("state_code")?,
                    position: parse("designation_positions", &r.try_get::<String, _>("position")?)?,
                    reasons: r.try_get("reasons")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<_>>()?;
        let rows = sqlx::query("SELECT * FROM designation_events WHERE designation_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        p.timeline = rows.iter().map(timeline_row).collect::<Result<_>>()?;
        Ok(p)
    }

    /// The record behind a proposal, if the viewer may read it.
    async fn proposal_visible(&self, ctx: &Ctx, p: &Proposal) -> bool {
        self.readable(ctx, &p.record_id).await.is_ok()
    }

    /// A proposal the viewer may see; "not found" otherwise.
    /// Not audited: for the rules of a use case, which audits what it does.
    pub async fn visible_proposal(&self, ctx: &Ctx, id: &str) -> Result<Proposal> {
        self.settle_designations().await?;
        let p = self.load_proposal(id).await?;
        if self.proposal_visible(ctx, &p).await {
            Ok(p)
        } else {
            Err(StoreError::NotFound(format!("proposal {id}")))
        }
    }

    /// Writes a proposal by `state` that the use case checked
    /// (`concord_app::designations::propose`): about `existing`, or about a
    /// new organization created with it in the same transaction.
    pub async fn propose_designation(
        &self,
        ctx: &Ctx,
        state: &StateCode,
        input: ProposalInput,
        existing: Option<Record>,
    ) -> Result<Proposal> {
        let v = &ctx.viewer;
        let snap = self.snapshot();
        let id = new_id("dsg");
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let r = match existing {
            Some(r) => r,
            None => {
                let org = input
                    .new_organization
                    .as_ref()
                    .ok_or_else(|| StoreError::invalid("organization", "the new organization is missing"))?;
                self.insert_in(
                    &mut w.tx,
                    ctx,
                    org,
                    &format!("created with designation proposal {id}"),
                    true,
                )
                .await?
            }
        };
        sqlx::query(
            "INSERT INTO designations (id, direction, record_id, organization, proposer_state, proposer_authority, legal_instrument, \
             legal_article, evidence, criteria, stage, electorate, silence_ends, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'compliance-review', '', NULL, 1, $11, $11)",
        )
        .bind(&id)
        .bind(input.direction.as_str())
        .bind(&r.id)
        .bind(&r.title)
        .bind(state.as_str())
        .bind(v.authority.as_str())
        .bind(&input.legal_basis.instrument)
        .bind(&input.legal_basis.article)
        .bind(input.evidence.trim())
        .bind(criteria_to_text(&input.criteria))
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        self.timeline_in(
            &mut w.tx,
            &id,
            &Step {
                actor: v.user.as_str(),
                authority: v.authority.as_str(),
                action: format!("propose-{}", input.direction),
                detail: format!("{state} proposes {} of {}", input.direction, r.title),
                reasons: String::new(),
            },
            Stage::ComplianceReview,
        )
        .await?;
        for a in snap.registry.authorities.values().filter(|a| a.state.is_none()) {
            self.notify_in(
                &mut w.tx,
                a.id.as_str(),
                "designation",
                &id,
                &format!("compliance review: {} proposal {id} by {state}", input.direction),
            )
            .await?;
        }
        if input.new_organization.is_some() {
            // The regional review sees the proposal once the record it rests
            // on is approved at home.
            self.notify_in(
                &mut w.tx,
                v.authority.as_str(),
                "record",
                &r.id,
                &format!(
                    "compliance review: {} must be approved before proposal {id} reaches the regional review",
                    r.id
                ),
            )
            .await?;
        }
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "designation.propose",
                format!("{id} {} {}", input.direction, r.id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_proposal(&id).await
    }

    /// Where an organization stands on the lists: on the common list now,
    /// and the proposal about it still open, if any.
    pub async fn list_standing(&self, record_id: &str) -> Result<ListStanding> {
        let listed = sqlx::query("SELECT 1 FROM common_list WHERE record_id = $1")
            .bind(record_id)
            .fetch_optional(self.pool())
            .await?
            .is_some();
        let open = sqlx::query(
            "SELECT id FROM designations WHERE record_id = $1 AND stage IN ('compliance-review', 'returned', 'silence-period')",
        )
        .bind(record_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(ListStanding {
            listed,
            open_proposal: open.map(|row| row.try_get("id")).transpose()?,
        })
    }

    async fn timeline_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        step: &Step<'_>,
        stage: Stage,
    ) -> Result<()> {
        let seq: i64 =
            sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM designation_events WHERE designation_id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?
                .try_get("next")?;
        sqlx::query(
            "INSERT INTO designation_events (designation_id, seq, at, actor, authority, action, stage, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(seq)
        .bind(stamp(self.clock().now()))
        .bind(step.actor)
        .bind(step.authority)
        .bind(&step.action)
        .bind(stage.as_str())
        .bind(&step.detail)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Applies one event to a proposal and writes the result.
    async fn step_designation(
        &self,
        p: &Proposal,
        actor: &machine::Actor,
        event: &Event,
        step: Step<'_>,
    ) -> Result<()> {
        let before = machine_of(p)?;
        let after = before.apply(actor, event, &self.machine_context(), self.clock().now())?;
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let electorate: Vec<&str> = after.electorate.iter().map(StateCode::as_str).collect();
        let done = sqlx::query(
            "UPDATE designations SET stage = $1, electorate = $2, silence_ends = $3, version = version + 1, updated_at = $4 \
             WHERE id = $5 AND version = $6",
        )
        .bind(after.stage.as_str())
        .bind(electorate.join(","))
        .bind(after.silence_ends.map(stamp))
        .bind(&now)
        .bind(&p.id)
        .bind(p.version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "proposal {} changed meanwhile; reload and try again",
                p.id
            )));
        }
        for (state, position) in &after.positions {
            if before.positions.contains_key(state) {
                continue;
            }
            let reasons = if matches!(event, Event::Vote(..)) {
                step.reasons.as_str()
            } else {
                ""
            };
            sqlx::query(
                "INSERT INTO designation_positions (designation_id, state_code, position, reasons, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&p.id)
            .bind(state.as_str())
            .bind(position.as_str())
            .bind(reasons)
            .bind((*position != Position::Silent).then(|| step.actor.to_owned()))
            .bind(&now)
            .execute(&mut *w.tx)
            .await?;
        }
        self.timeline_in(&mut w.tx, &p.id, &step, after.stage).await?;
        if after.stage != before.stage {
            self.on_stage_in(&mut w.tx, p, &after).await?;
        }
        let actor = crate::Actor {
            id: step.actor.to_owned(),
            authority: step.authority.to_owned(),
            purpose: "unified list".into(),
        };
        self.append_in(
            &mut w.tx,
            self.draft(&actor, &format!("designation.{}", step.action), p.id.clone()),
        )
        .await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// What a new stage sets off: the common list changes, members are told.
    async fn on_stage_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        p: &Proposal,
        after: &machine::Designation,
    ) -> Result<()> {
        let now = stamp(self.clock().now());
        match (after.stage, p.direction) {
            (Stage::Adopted, Direction::Listing) => {
                sqlx::query("INSERT INTO common_list (record_id, organization, designation_id, listed_at) VALUES ($1, $2, $3, $4)")
                    .bind(&p.record_id)
                    .bind(&p.organization)
                    .bind(&p.id)
                    .bind(&now)
                    .execute(&mut **tx)
                    .await?;
            }
            (Stage::Adopted, Direction::Delisting) => {
                sqlx::query("DELETE FROM common_list WHERE record_id = $1")
                    .bind(&p.record_id)
                    .execute(&mut **tx)
                    .await?;
            }
            _ => {}
        }
        let told: BTreeSet<String> = match after.stage {
            Stage::SilencePeriod | Stage::Adopted | Stage::Blocked => {
                after.electorate.iter().map(|s| format!("state:{s}")).collect()
            }
            _ => [p.proposer_authority.clone()].into_iter().collect(),
        };
        for to in told {
            self.notify_in(
                tx,
                &to,
                "designation",
                &p.id,
                &format!("{} proposal {}: {}", p.direction, p.id, after.stage),
            )
            .await?;
        }
        Ok(())
    }

    /// Ends every silence period that is over: silence counts as acceptance.
    pub async fn settle_designations(&self) -> Result<usize> {
        let now = stamp(self.clock().now());
        let rows = sqlx::query("SELECT id FROM designations WHERE stage = 'silence-period' AND silence_ends < $1")
            .bind(&now)
            .fetch_all(self.pool())
            .await?;
        let mut settled = 0;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let p = self.load_proposal(&id).await?;
            let step = Step {
                actor: "system",
                authority: "",
                action: "silence-ended".into(),
                detail: "the silence period ended; states that did not answer accept".into(),
                reasons: String::new(),
            };
            match self
                .step_designation(&p, &machine::Actor::ComplianceReviewer, &Event::Tick, step)
                .await
            {
                Ok(()) => settled += 1,
                // Another reader settled it first.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(settled)
    }

    /// One proposal with its positions and timeline.
    pub async fn designation(&self, ctx: &Ctx, id: &str) -> Result<Proposal> {
        let p = self.visible_proposal(ctx, id).await?;
        self.audit(&ctx.into(), "designation.read", id).await?;
        Ok(p)
    }

    /// Proposals the viewer may see, newest first; optionally in one stage.
    pub async fn designations(&self, ctx: &Ctx, stage: Option<Stage>) -> Result<Vec<Proposal>> {
        self.settle_designations().await?;
        let rows = match stage {
            Some(s) => {
                sqlx::query("SELECT id FROM designations WHERE stage = $1 ORDER BY created_at DESC, id DESC")
                    .bind(s.as_str())
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                sqlx::query("SELECT id FROM designations ORDER BY created_at DESC, id DESC")
                    .fetch_all(self.pool())
                    .await?
            }
        };
        let mut out = Vec::new();
        for row in &rows {
            let p = self.load_proposal(&row.try_get::<String, _>("id")?).await?;
            if self.proposal_visible(ctx, &p).await {
                out.push(p);
            }
        }
        let ids: Vec<&str> = out.iter().map(|p| p.id.as_str()).collect();
        self.audit(&ctx.into(), "designation.list", ids.join(",")).await?;
        Ok(out)
    }

    /// The regional structure's compliance review of `p`, checked by the use
    /// case: pass (the workflow wants every item ticked) or return with reasons.
    pub async fn review_designation(
        &self,
        ctx: &Ctx,
        p: &Proposal,
        pass: bool,
        checklist: Checklist,
        reasons: &str,
    ) -> Result<Proposal> {
        let v = &ctx.viewer;
        let (event, action) = if pass {
            (Event::Pass(checklist), "compliance-pass")
        } else {
            (Event::Return(reasons.to_owned()), "compliance-return")
        };
        let step = Step {
            actor: v.user.as_str(),
            authority: v.authority.as_str(),
            action: action.into(),
            detail: if reasons.trim().is_empty() {
                action.replace('-', " ")
            } else {
                reasons.trim().to_owned()
            },
            reasons: String::new(),
        };
        self.step_designation(p, &machine::Actor::ComplianceReviewer, &event, step)
            .await?;
        self.load_proposal(&p.id).await
    }

    /// The proposing state resubmits a returned proposal, or withdraws one;
    /// the workflow refuses any other state.
    pub async fn proposer_step(&self, ctx: &Ctx, p: &Proposal, withdraw: bool, note: &str) -> Result<Proposal> {
        let v = &ctx.viewer;
        let actor = match &v.state {
            Some(s) => machine::Actor::State(s.clone()),
            None => machine::Actor::ComplianceReviewer,
        };
        let (event, action) = if withdraw {
            (Event::Withdraw, "withdraw")
        } else {
            (Event::Resubmit, "resubmit")
        };
        let step = Step {
            actor: v.user.as_str(),
            authority: v.authority.as_str(),
            action: action.into(),
            detail: note.trim().to_owned(),
            reasons: String::new(),
        };
        self.step_designation(p, &actor, &event, step).await?;
        self.load_proposal(&p.id).await
    }

    /// `state` accepts or objects (with reasons) in the silence period; the
    /// use case checked that the viewer speaks for it.
    pub async fn vote_designation(
        &self,
        ctx: &Ctx,
        p: &Proposal,
        state: &StateCode,
        position: Position,
        reasons: &str,
    ) -> Result<Proposal> {
        let v = &ctx.viewer;
        let step = Step {
            actor: v.user.as_str(),
            authority: v.authority.as_str(),
            action: position.as_str().into(),
            detail: if reasons.trim().is_empty() {
                format!("{state}: {position}")
            } else {
                format!("{state}: {position}: {}", reasons.trim())
            },
            reasons: reasons.trim().to_owned(),
        };
        self.step_designation(
            p,
            &machine::Actor::State(state.clone()),
            &Event::Vote(position, reasons.to_owned()),
            step,
        )
        .await?;
        self.load_proposal(&p.id).await
    }

    /// The common list: organizations the viewer may read, each with the
    /// history of every proposal about it.
    pub async fn common_list(&self, ctx: &Ctx) -> Result<Vec<ListEntry>> {
        self.settle_designations().await?;
        let rows = sqlx::query("SELECT * FROM common_list ORDER BY organization, record_id")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let record_id: String = row.try_get("record_id")?;
            if self.readable(ctx, &record_id).await.is_err() {
                continue;
            }
            let events = sqlx::query(
                "SELECT e.*, d.id AS proposal FROM designation_events e JOIN designations d ON d.id = e.designation_id \
                 WHERE d.record_id = $1 ORDER BY e.at, d.id, e.seq",
            )
            .bind(&record_id)
            .fetch_all(self.pool())
            .await?;
            out.push(ListEntry {
                record_id,
                organization: row.try_get("organization")?,
                designation_id: row.try_get("designation_id")?,
                listed_at: row.try_get("listed_at")?,
                history: events
                    .iter()
                    .map(|e| Ok((e.try_get::<String, _>("proposal")?, timeline_row(e)?)))
                    .collect::<Result<_>>()?,
            });
        }
        let ids: Vec<&str> = out.iter().map(|e| e.record_id.as_str()).collect();
        self.audit(&ctx.into(), "designation.common-list", ids.join(","))
            .await?;
        Ok(out)
    }

    /// Puts organization `r` on `state`'s national list, or takes it off
    /// (`listed_on` = `None`); the use case checked who keeps that list.
    pub async fn set_national_entry(
        &self,
        ctx: &Ctx,
        state: &StateCode,
        r: &Record,
        listed_on: Option<Date>,
        note: &str,
    ) -> Result<Option<NationalEntry>> {
        let record_id = r.id.as_str();
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM national_list WHERE state_code = $1 AND record_id = $2")
            .bind(state.as_str())
            .bind(record_id)
            .execute(&mut *w.tx)
            .await?;
        let entry = match listed_on {
            Some(day) => {
                sqlx::query(
                    "INSERT INTO national_list (state_code, record_id, organization, listed_on, note) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(state.as_str())
                .bind(record_id)
                .bind(&r.title)
                .bind(day.to_string())
                .bind(note)
                .execute(&mut *w.tx)
                .await?;
                Some(NationalEntry {
                    state: state.to_string(),
                    record_id: record_id.to_owned(),
                    organization: r.title.clone(),
                    listed_on: day.to_string(),
                    note: note.to_owned(),
                })
            }
            None => None,
        };
        let action = if entry.is_some() {
            "national-list.add"
        } else {
            "national-list.remove"
        };
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), action, format!("{state} {record_id}")),
        )
        .await?;
        w.tx.commit().await?;
        Ok(entry)
    }

    /// A state's national list, as far as the viewer may read the records.
    pub async fn national_list(&self, ctx: &Ctx, state: &StateCode) -> Result<Vec<NationalEntry>> {
        let rows = sqlx::query("SELECT * FROM national_list WHERE state_code = $1 ORDER BY organization, record_id")
            .bind(state.as_str())
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let record_id: String = row.try_get("record_id")?;
            if self.readable(ctx, &record_id).await.is_ok() {
                out.push(NationalEntry {
                    state: row.try_get("state_code")?,
                    record_id,
                    organization: row.try_get("organization")?,
                    listed_on: row.try_get("listed_on")?,
                    note: row.try_get("note")?,
                });
            }
        }
        self.audit(&ctx.into(), "national-list.read", state.as_str()).await?;
        Ok(out)
    }

    /// Where `state`'s national list and the common list differ.
    pub async fn list_differences(&self, ctx: &Ctx, state: &StateCode) -> Result<ListDifference> {
        let common: BTreeMap<String, String> = self
            .common_list(ctx)
            .await?
            .into_iter()
            .map(|e| (e.record_id, e.organization))
            .collect();
        let national: BTreeMap<String, String> = self
            .national_list(ctx, state)
            .await?
            .into_iter()
            .map(|e| (e.record_id, e.organization))
            .collect();
        Ok(ListDifference {
            only_common: common
                .iter()
                .filter(|(id, _)| !national.contains_key(*id))
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect(),
            only_national: national
                .iter()
                .filter(|(id, _)| !common.contains_key(*id))
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect(),
        })
    }
}
