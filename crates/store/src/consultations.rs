//! Emergency consultations: a member state's proposal, convened when a
//! second member state proposes it within the window, a meeting time and an
//! agenda, a joint statement drafted in versions and adopted when every
//! member approves the current one; every step time-stamped in a timeline.
//!
//! The rules are [`concord_domain::workflow::consultation`]. A state acts
//! through the authority kind the configuration names (its foreign ministry
//! in the SCO configuration), by an officer or supervisor.

use crate::messages::{parse_stamp, stamp};
use crate::registry::parse;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::workflow::consultation::{self as machine, Event, Rules, Stage, Verdict};
use concord_domain::{Role, StateCode};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeSet;
use time::Duration;

/// A version of the joint statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementVersion {
    pub version: i64,
    pub text: String,
    /// The state that drafted it.
    pub state: String,
    pub at: String,
}

/// A member's answer to a statement version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictEntry {
    pub version: i64,
    pub state: String,
    pub verdict: Verdict,
    pub reasons: String,
    pub at: String,
}

/// One step of a consultation's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationStep {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub state: Option<String>,
    pub action: String,
    pub statement_version: Option<i64>,
    pub detail: String,
}

/// An emergency consultation.
#[derive(Debug, Clone)]
pub struct Consultation {
    pub id: String,
    pub stage: Stage,
    /// The first proposer's situation summary.
    pub summary: String,
    pub window_ends: String,
    /// The members convened (empty until convened).
    pub members: Vec<String>,
    pub meeting_at: Option<String>,
    pub agenda: String,
    /// The current statement version (0: none yet).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Proposing states with when they proposed.
    pub proposals: Vec<(String, String)>,
    pub statements: Vec<StatementVersion>,
    pub verdicts: Vec<VerdictEntry>,
    pub timeline: Vec<ConsultationStep>,
    /// Optimistic-concurrency counter.
    row_version: i64,
}

impl Consultation {
    /// The adopted statement, once there is one.
    pub fn adopted_statement(&self) -> Option<&StatementVersion> {
        (self.stage == Stage::Adopted)
            .then(|| self.statements.iter().find(|s| s.version == self.version))
            .flatten()
    }

    fn machine(&self) -> Result<machine::Consultation> {
        let t = "consultations";
        Ok(machine::Consultation {
            stage: self.stage,
            proposals: self
                .proposals
                .iter()
                .map(|(s, at)| Ok((StateCode::from(s.as_str()), parse_stamp(t, at)?)))
                .collect::<Result<_>>()?,
            window_ends: parse_stamp(t, &self.window_ends)?,
            members: self.members.iter().map(|s| StateCode::from(s.as_str())).collect(),
            meeting_at: self.meeting_at.as_deref().map(|m| parse_stamp(t, m)).transpose()?,
            version: u32::try_from(self.version).map_err(|e| StoreError::corrupt(t, e))?,
            verdicts: self
                .verdicts
                .iter()
                .filter(|v| v.version == self.version)
                .map(|v| (StateCode::from(v.state.as_str()), v.verdict))
                .collect(),
        })
    }
}

fn consultation_row(row: &AnyRow) -> Result<Consultation> {
    let members: String = row.try_get("members")?;
    Ok(Consultation {
        id: row.try_get("id")?,
        stage: parse("consultations", &row.try_get::<String, _>("stage")?)?,
        summary: row.try_get("summary")?,
        window_ends: row.try_get("window_ends")?,
        members: members
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        meeting_at: row.try_get("meeting_at")?,
        agenda: row.try_get("agenda")?,
        version: 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        proposals: Vec::new(),
        statements: Vec::new(),
        verdicts: Vec::new(),
        timeline: Vec::new(),
        row_version: row.try_get("version")?,
    })
}

const ACTORS: &[Role] = &[Role::Officer, Role::Supervisor];
const MAX_TEXT: usize = 50_000;

/// What one step writes besides the new state.
struct Write<'a> {
    action: &'a str,
    detail: String,
    statement: Option<(i64, &'a str)>,
    verdict: Option<(i64, Verdict, &'a str)>,
}

impl Store {
    fn consultation_rules(&self) -> Rules {
        let p = self.snapshot().policy;
        Rules {
            window: Duration::hours(p.consultation_window_hours),
            meeting_delay: Duration::hours(p.consultation_meeting_delay_hours),
        }
    }

    fn members_today(&self) -> BTreeSet<StateCode> {
        let today = self.clock().today();
        self.snapshot()
            .registry
            .members_on(today)
            .into_iter()
            .cloned()
            .collect()
    }

    /// The state the viewer speaks for in emergency consultations: its
    /// authority is of the configured kind and it is an officer or supervisor.
    pub fn consulting_state(&self, ctx: &Ctx) -> Result<StateCode> {
        let v = &ctx.viewer;
        let snap = self.snapshot();
        let kind = snap.policy.consultation_proposer;
        let authority = snap.registry.authority(&v.authority);
        match (&v.state, authority) {
            (Some(state), Some(a)) if a.kind == kind && v.roles.any(ACTORS) => Ok(state.clone()),
            _ => Err(StoreError::Forbidden(format!(
                "a state takes part in emergency consultations through its {kind}, by an officer or supervisor"
            ))),
        }
    }

    fn may_see_consultation(&self, ctx: &Ctx, c: &Consultation) -> bool {
        let v = &ctx.viewer;
        if !v.roles.any(&[Role::Analyst, Role::Officer, Role::Supervisor]) {
            return false;
        }
        match &v.state {
            None => true,
            Some(s) => {
                c.members.iter().any(|m| m == s.as_str())
                    || c.proposals.iter().any(|(p, _)| p == s.as_str())
                    || self.members_today().contains(s)
            }
        }
    }

    async fn load_consultation(&self, id: &str) -> Result<Consultation> {
        let row = sqlx::query("SELECT * FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("consultation {id}")))?;
        let mut c = consultation_row(&row)?;
        let rows = sqlx::query("SELECT * FROM consultation_events WHERE consultation_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        c.timeline = rows
            .iter()
            .map(|r| {
                Ok(ConsultationStep {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    state: r.try_get("state_code")?,
                    action: r.try_get("action")?,
                    statement_version: r.try_get("statement_version")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_>>()?;
        c.proposals = c
            .timeline
            .iter()
            .filter(|t| t.action == "propose")
            .filter_map(|t| t.state.clone().map(|s| (s, t.at.clone())))
            .collect();
        let rows = sqlx::query("SELECT * FROM statement_versions WHERE consultation_id = $1 ORDER BY version")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        c.statements = rows
            .iter()
            .map(|r| {
                Ok(StatementVersion {
                    version: r.try_get("version")?,
                    text: r.try_get("text")?,
                    state: r.try_get("state_code")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<_>>()?;
        c.version = c.statements.last().map_or(0, |s| s.version);
        let rows =
            sqlx::query("SELECT * FROM statement_verdicts WHERE consultation_id = $1 ORDER BY version, at, state_code")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        c.verdicts = rows
            .iter()
            .map(|r| {
                Ok(VerdictEntry {
                    version: r.try_get("version")?,
                    state: r.try_get("state_code")?,
                    verdict: parse("statement_verdicts", &r.try_get::<String, _>("verdict")?)?,
                    reasons: r.try_get("reasons")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(c)
    }

    async fn consultation_step_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: Option<&Ctx>,
        id: &str,
        state: Option<&StateCode>,
        w: &Write<'_>,
    ) -> Result<()> {
        let seq: i64 =
            sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM consultation_events WHERE consultation_id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?
                .try_get("next")?;
        let now = stamp(self.clock().now());
        sqlx::query(
            "INSERT INTO consultation_events (consultation_id, seq, at, actor, state_code, action, statement_version, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(seq)
        .bind(&now)
        .bind(ctx.map_or_else(|| "system".to_owned(), |c| c.viewer.user.to_string()))
        .bind(state.map(|s| s.to_string()))
        .bind(w.action)
        .bind(w.statement.map(|(v, _)| v).or(w.verdict.map(|(v, _, _)| v)))
        .bind(&w.detail)
        .execute(&mut **tx)
        .await?;
        if let (Some((version, text)), Some(state)) = (w.statement, state) {
            sqlx::query("INSERT INTO statement_versions (consultation_id, version, text, state_code, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(version)
                .bind(text)
                .bind(state.as_str())
                .bind(&now)
                .execute(&mut **tx)
                .await?;
        }
        if let (Some((version, verdict, reasons)), Some(state)) = (w.verdict, state) {
            sqlx::query(
                "INSERT INTO statement_verdicts (consultation_id, version, state_code, verdict, reasons, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(version)
            .bind(state.as_str())
            .bind(verdict.as_str())
            .bind(reasons)
            .bind(&now)
            .execute(&mut **tx)
            .await?;
        }
        let actor = match ctx {
            Some(c) => c.into(),
            None => crate::Actor::system("emergency consultation deadline"),
        };
        self.append_in(
            tx,
            self.draft(&actor, &format!("consultation.{}", w.action), id.to_owned()),
        )
        .await?;
        Ok(())
    }

    /// Applies one event and writes the new state with its step.
    async fn step_consultation(
        &self,
        ctx: Option<&Ctx>,
        c: &Consultation,
        state: Option<&StateCode>,
        event: &Event,
        write: Write<'_>,
    ) -> Result<()> {
        let before = c.machine()?;
        let after = before.apply(
            state,
            event,
            &self.members_today(),
            &self.consultation_rules(),
            self.clock().now(),
        )?;
        if after == before && matches!(event, Event::Tick) {
            return Ok(());
        }
        let mut w = self.write().await?;
        let members: Vec<&str> = after.members.iter().map(StateCode::as_str).collect();
        let agenda = if after.stage == Stage::Convened && before.stage == Stage::Proposed && c.agenda.is_empty() {
            format!("1. The situation: {}", c.summary)
        } else {
            c.agenda.clone()
        };
        let done = sqlx::query(
            "UPDATE consultations SET stage = $1, members = $2, meeting_at = $3, agenda = $4, version = version + 1, updated_at = $5 \
             WHERE id = $6 AND version = $7",
        )
        .bind(after.stage.as_str())
        .bind(members.join(","))
        .bind(after.meeting_at.map(stamp))
        .bind(agenda)
        .bind(stamp(self.clock().now()))
        .bind(&c.id)
        .bind(c.row_version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "consultation {} changed meanwhile; reload and try again",
                c.id
            )));
        }
        self.consultation_step_in(&mut w.tx, ctx, &c.id, state, &write).await?;
        if after.stage != before.stage {
            let told: Vec<String> = match after.stage {
                Stage::Convened | Stage::Adopted => after.members.iter().map(|s| format!("state:{s}")).collect(),
                _ => c.proposals.iter().map(|(s, _)| format!("state:{s}")).collect(),
            };
            let text = match after.stage {
                Stage::Convened => format!(
                    "emergency consultation convened; meeting at {}",
                    after.meeting_at.map(stamp).unwrap_or_default()
                ),
                Stage::Adopted => "the joint statement is adopted and published".to_owned(),
                s => format!("emergency consultation {s}"),
            };
            for to in told {
                self.notify_in(&mut w.tx, &to, "consultation", &c.id, &text).await?;
            }
        }
        w.tx.commit().await?;
        Ok(())
    }

    /// Lapses first proposals whose window closed without a second.
    pub async fn settle_consultations(&self) -> Result<usize> {
        let rows = sqlx::query("SELECT id FROM consultations WHERE stage = 'proposed' AND window_ends < $1")
            .bind(stamp(self.clock().now()))
            .fetch_all(self.pool())
            .await?;
        let mut n = 0;
        for row in &rows {
            let c = self.load_consultation(&row.try_get::<String, _>("id")?).await?;
            let write = Write {
                action: "lapse",
                detail: "no second proposal within the window".into(),
                statement: None,
                verdict: None,
            };
            match self.step_consultation(None, &c, None, &Event::Tick, write).await {
                Ok(()) => n += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    pub(crate) async fn visible_consultation(&self, ctx: &Ctx, id: &str) -> Result<Consultation> {
        self.settle_consultations().await?;
        let c = self.load_consultation(id).await?;
        if self.may_see_consultation(ctx, &c) {
            Ok(c)
        } else {
            Err(StoreError::NotFound(format!("consultation {id}")))
        }
    }

    /// A member state proposes an emergency consultation with a situation summary.
    pub async fn propose_consultation(&self, ctx: &Ctx, summary: &str) -> Result<Consultation> {
        let state = self.consulting_state(ctx)?;
        if summary.trim().is_empty() || summary.len() > MAX_TEXT {
            return Err(StoreError::invalid("summary", format!("1 to {MAX_TEXT} bytes")));
        }
        let m = machine::Consultation::propose(
            state.clone(),
            &self.members_today(),
            &self.consultation_rules(),
            self.clock().now(),
        )
        .map_err(|r| StoreError::Forbidden(r.0))?;
        let id = new_id("cns");
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO consultations (id, stage, summary, window_ends, members, meeting_at, agenda, version, created_at, updated_at) \
             VALUES ($1, 'proposed', $2, $3, '', NULL, '', 1, $4, $4)",
        )
        .bind(&id)
        .bind(summary.trim())
        .bind(stamp(m.window_ends))
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        let write = Write {
            action: "propose",
            detail: summary.trim().to_owned(),
            statement: None,
            verdict: None,
        };
        self.consultation_step_in(&mut w.tx, Some(ctx), &id, Some(&state), &write)
            .await?;
        for member in self.members_today().iter().filter(|s| **s != state) {
            self.notify_in(
                &mut w.tx,
                &format!("state:{member}"),
                "consultation",
                &id,
                &format!("{state} proposes emergency consultation {id}"),
            )
            .await?;
        }
        w.tx.commit().await?;
        self.load_consultation(&id).await
    }

    /// A second member state's proposal convenes the consultation.
    pub async fn second_consultation(&self, ctx: &Ctx, id: &str, summary: &str) -> Result<Consultation> {
        let state = self.consulting_state(ctx)?;
        let c = self.visible_consultation(ctx, id).await?;
        let write = Write {
            action: "propose",
            detail: summary.trim().to_owned(),
            statement: None,
            verdict: None,
        };
        self.step_consultation(Some(ctx), &c, Some(&state), &Event::Propose, write)
            .await?;
        self.load_consultation(id).await
    }

    /// Sets the agenda of a convened consultation.
    pub async fn set_agenda(&self, ctx: &Ctx, id: &str, agenda: &str) -> Result<Consultation> {
        let state = self.consulting_state(ctx)?;
        let c = self.visible_consultation(ctx, id).await?;
        if c.stage != Stage::Convened || !c.members.iter().any(|m| m == state.as_str()) {
            return Err(StoreError::Conflict(format!(
                "the agenda is kept by the members of a convened consultation; this one is {}",
                c.stage
            )));
        }
        if agenda.trim().is_empty() || agenda.len() > MAX_TEXT {
            return Err(StoreError::invalid("agenda", format!("1 to {MAX_TEXT} bytes")));
        }
        let mut w = self.write().await?;
        let done = sqlx::query("UPDATE consultations SET agenda = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(agenda.trim())
            .bind(stamp(self.clock().now()))
            .bind(id)
            .bind(c.row_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("consultation {id} changed meanwhile")));
        }
        let write = Write {
            action: "agenda",
            detail: agenda.trim().to_owned(),
            statement: None,
            verdict: None,
        };
        self.consultation_step_in(&mut w.tx, Some(ctx), id, Some(&state), &write)
            .await?;
        w.tx.commit().await?;
        self.load_consultation(id).await
    }

    /// A member drafts a new version of the joint statement.
    pub async fn draft_statement(&self, ctx: &Ctx, id: &str, text: &str) -> Result<Consultation> {
        let state = self.consulting_state(ctx)?;
        if text.trim().is_empty() || text.len() > MAX_TEXT {
            return Err(StoreError::invalid("text", format!("1 to {MAX_TEXT} bytes")));
        }
        let c = self.visible_consultation(ctx, id).await?;
        let version = c.version + 1;
        let write = Write {
            action: "draft",
            detail: format!("version {version} by {state}"),
            statement: Some((version, text.trim())),
            verdict: None,
        };
        self.step_consultation(Some(ctx), &c, Some(&state), &Event::Draft, write)
            .await?;
        self.load_consultation(id).await
    }

    /// A member approves the current version or asks for changes.
    pub async fn answer_statement(
        &self,
        ctx: &Ctx,
        id: &str,
        version: i64,
        verdict: Verdict,
        reasons: &str,
    ) -> Result<Consultation> {
        let state = self.consulting_state(ctx)?;
        let c = self.visible_consultation(ctx, id).await?;
        let v = u32::try_from(version).map_err(|_| StoreError::invalid("version", "a statement version from 1"))?;
        let write = Write {
            action: verdict.as_str(),
            detail: if reasons.trim().is_empty() {
                format!("{state}: {verdict} version {version}")
            } else {
                format!("{state}: {verdict} version {version}: {}", reasons.trim())
            },
            statement: None,
            verdict: Some((version, verdict, reasons.trim())),
        };
        let event = Event::Answer {
            version: v,
            verdict,
            reasons: reasons.to_owned(),
        };
        self.step_consultation(Some(ctx), &c, Some(&state), &event, write)
            .await?;
        self.load_consultation(id).await
    }

    /// One consultation with its statements and timeline.
    pub async fn consultation(&self, ctx: &Ctx, id: &str) -> Result<Consultation> {
        let c = self.visible_consultation(ctx, id).await?;
        self.audit(&ctx.into(), "consultation.read", id).await?;
        Ok(c)
    }

    /// Consultations the viewer may see, newest first.
    pub async fn consultations(&self, ctx: &Ctx) -> Result<Vec<Consultation>> {
        self.settle_consultations().await?;
        let rows = sqlx::query("SELECT id FROM consultations ORDER BY created_at DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let c = self.load_consultation(&row.try_get::<String, _>("id")?).await?;
            if self.may_see_consultation(ctx, &c) {
                out.push(c);
            }
        }
        let ids: Vec<&str> = out.iter().map(|c| c.id.as_str()).collect();
        self.audit(&ctx.into(), "consultation.list", ids.join(",")).await?;
        Ok(out)
    }
}
