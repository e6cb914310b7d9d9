//! Emergency consultations: a member state's proposal, convened when a
//! second member state proposes it within the window, a meeting time and an
//! agenda, a joint statement drafted in versions and adopted when every
//! member approves the current one; every step time-stamped in a timeline.
//!
//! The rules are [`concord_domain::workflow::consultation`]. A state acts
//! through the authority kind the configuration names (its foreign ministry
//! in the SCO configuration), by an officer or supervisor.

use crate::registry::parse;
use crate::stamp::{parse_stamp, stamp};
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::workflow::consultation::{self as machine, Event, Rules, Stage, Verdict};
pub use concord_domain::{Consultation, ConsultationStep, StatementVersion, VerdictEntry};
use concord_domain::{StateCode, consultation_rules};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeSet;
use time::Duration;

/// The workflow machine's view of a consultation.
fn machine_of(c: &Consultation) -> Result<machine::Consultation> {
    let t = "consultations";
    Ok(machine::Consultation {
        stage: c.stage,
        proposals: c
            .proposals
            .iter()
            .map(|(s, at)| Ok((StateCode::from(s.as_str()), parse_stamp(t, at)?)))
            .collect::<Result<_>>()?,
        window_ends: parse_stamp(t, &c.window_ends)?,
        members: c.members.iter().map(|s| StateCode::from(s.as_str())).collect(),
        meeting_at: c.meeting_at.as_deref().map(|m| parse_stamp(t, m)).transpose()?,
        version: u32::try_from(c.version).map_err(|e| StoreError::corrupt(t, e))?,
        verdicts: c
            .verdicts
            .iter()
            .filter(|v| v.version == c.version)
            .map(|v| (StateCode::from(v.state.as_str()), v.verdict))
            .collect(),
    })
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

    fn may_see_consultation(&self, ctx: &Ctx, c: &Consultation) -> bool {
        let status_today = ctx
            .viewer
            .state
            .as_ref()
            .and_then(|s| self.snapshot().registry.status_on(s, self.clock().today()));
        consultation_rules::may_see(
            &ctx.viewer,
            &c.members,
            c.proposals.iter().map(|(p, _)| p.as_str()),
            &self.members_today(),
            status_today,
        )
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
        let before = machine_of(c)?;
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

    /// A consultation the viewer may see; "not found" otherwise. Not
    /// audited: for the rules of a use case, which audits what it does.
    pub async fn visible_consultation(&self, ctx: &Ctx, id: &str) -> Result<Consultation> {
        self.settle_consultations().await?;
        let c = self.load_consultation(id).await?;
        if self.may_see_consultation(ctx, &c) {
            Ok(c)
        } else {
            Err(StoreError::NotFound(format!("consultation {id}")))
        }
    }

    /// `state` proposes an emergency consultation with a situation summary
    /// (the use case checked both).
    pub async fn propose_consultation(&self, ctx: &Ctx, state: &StateCode, summary: &str) -> Result<Consultation> {
        let state = state.clone();
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
    pub async fn second_consultation(
        &self,
        ctx: &Ctx,
        c: &Consultation,
        state: &StateCode,
        summary: &str,
    ) -> Result<Consultation> {
        let write = Write {
            action: "propose",
            detail: summary.trim().to_owned(),
            statement: None,
            verdict: None,
        };
        self.step_consultation(Some(ctx), c, Some(state), &Event::Propose, write)
            .await?;
        self.load_consultation(&c.id).await
    }

    /// Sets the agenda of a convened consultation, as `state`, a member.
    pub async fn set_agenda(
        &self,
        ctx: &Ctx,
        c: &Consultation,
        state: &StateCode,
        agenda: &str,
    ) -> Result<Consultation> {
        let id = c.id.as_str();
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
        self.consultation_step_in(&mut w.tx, Some(ctx), id, Some(state), &write)
            .await?;
        w.tx.commit().await?;
        self.load_consultation(id).await
    }

    /// `state` drafts a new version of the joint statement.
    pub async fn draft_statement(
        &self,
        ctx: &Ctx,
        c: &Consultation,
        state: &StateCode,
        text: &str,
    ) -> Result<Consultation> {
        let version = c.version + 1;
        let write = Write {
            action: "draft",
            detail: format!("version {version} by {state}"),
            statement: Some((version, text.trim())),
            verdict: None,
        };
        self.step_consultation(Some(ctx), c, Some(state), &Event::Draft, write)
            .await?;
        self.load_consultation(&c.id).await
    }

    /// `state` approves statement version `v` or asks for changes.
    pub async fn answer_statement(
        &self,
        ctx: &Ctx,
        c: &Consultation,
        state: &StateCode,
        v: u32,
        verdict: Verdict,
        reasons: &str,
    ) -> Result<Consultation> {
        let version = i64::from(v);
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
        self.step_consultation(Some(ctx), c, Some(state), &event, write).await?;
        self.load_consultation(&c.id).await
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
