//! Meetings, their decisions and follow-up actions. The rules are
//! `concord_domain::meeting`, applied by `concord_app::meetings`; reads go
//! through `decide` (the distribution is the participants).

use crate::registry::{parse, parse_date};
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::meeting::{Decision, DecisionInput, FollowUp, Meeting, MeetingInput};
use concord_domain::{Action, AuthorityId, HandlingCode, Protected, StateCode};
use sqlx::Row;
use sqlx::any::AnyRow;

const T: &str = "meetings";

/// The access model's view of a meeting: its originator's, shared with
/// the participants.
pub fn meeting_protected(m: &Meeting) -> Protected {
    crate::shared::workflow_protected(&m.originator, m.originator_state.as_ref(), &m.handling)
}

fn meeting_row(row: &AnyRow) -> Result<Meeting> {
    Ok(Meeting {
        id: row.try_get("id")?,
        originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
        originator_state: row
            .try_get::<Option<String>, _>("originator_state")?
            .map(StateCode::new),
        body: row.try_get("body")?,
        kind: parse(T, &row.try_get::<String, _>("kind")?)?,
        date: parse_date(T, &row.try_get::<String, _>("held_on")?)?,
        place: row.try_get("place")?,
        chair: StateCode::new(row.try_get::<String, _>("chair")?),
        participants: row
            .try_get::<String, _>("participants")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(StateCode::from)
            .collect(),
        agenda: row
            .try_get::<String, _>("agenda")?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        decisions: Vec::new(),
        handling: crate::registry::handling_of(row, T)?,
        created_at: row.try_get("created_at")?,
        version: row.try_get("version")?,
    })
}

impl Store {
    /// Whether `ctx` may read the meeting.
    pub fn may_read_meeting(&self, ctx: &Ctx, m: &Meeting) -> bool {
        self.decide_on(ctx, &meeting_protected(m), Action::Read).allowed
    }

    /// Writes a meeting the use case checked, with its notices and audit entry.
    pub async fn schedule_meeting(
        &self,
        ctx: &Ctx,
        input: &MeetingInput,
        handling: &HandlingCode,
        notify: &[(String, String)],
    ) -> Result<Meeting> {
        let id = new_id("mtg");
        let now = stamp(self.clock().now());
        let participants: Vec<&str> = input.participants.iter().map(|s| s.as_str()).collect();
        let agenda: Vec<&str> = input.agenda.iter().map(|a| a.trim()).collect();
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO meetings (id, originator, originator_state, body, kind, held_on, place, chair, participants, \
             agenda, distribution, dissemination, use_code, classification, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1)",
        )
        .bind(&id)
        .bind(ctx.viewer.authority.as_str())
        .bind(ctx.viewer.state.as_ref().map(|s| s.to_string()))
        .bind(input.body.trim())
        .bind(input.kind.as_str())
        .bind(input.date.to_string())
        .bind(input.place.trim())
        .bind(input.chair.as_str())
        .bind(participants.join(","))
        .bind(agenda.join("\n"))
        .bind(handling.distribution.to_string())
        .bind(handling.dissemination.as_str())
        .bind(handling.use_.as_str())
        .bind(handling.classification.rank())
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "meeting", &id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "meeting.schedule",
                format!("{id} {} {}", input.body, input.date),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_meeting(&id).await
    }

    /// A meeting with its decisions, whoever asks.
    pub async fn load_meeting(&self, id: &str) -> Result<Meeting> {
        let row = sqlx::query("SELECT * FROM meetings WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("meeting {id}")))?;
        let mut m = meeting_row(&row)?;
        self.meeting_decisions(&mut m).await?;
        Ok(m)
    }

    async fn meeting_decisions(&self, m: &mut Meeting) -> Result<()> {
        let actions = sqlx::query("SELECT * FROM decision_actions WHERE meeting_id = $1 ORDER BY number, position")
            .bind(&m.id)
            .fetch_all(self.pool())
            .await?;
        for r in sqlx::query("SELECT * FROM meeting_decisions WHERE meeting_id = $1 ORDER BY decided_on, number")
            .bind(&m.id)
            .fetch_all(self.pool())
            .await?
        {
            let number: String = r.try_get("number")?;
            let mut follow = Vec::new();
            for a in actions.iter() {
                if a.try_get::<String, _>("number")? != number {
                    continue;
                }
                follow.push(FollowUp {
                    position: a.try_get("position")?,
                    state: StateCode::new(a.try_get::<String, _>("state_code")?),
                    task: a.try_get("task")?,
                    due: parse_date("decision_actions", &a.try_get::<String, _>("due")?)?,
                    done_at: a.try_get("done_at")?,
                    report: a.try_get("report")?,
                });
            }
            m.decisions.push(Decision {
                number,
                date: parse_date("meeting_decisions", &r.try_get::<String, _>("decided_on")?)?,
                text: r.try_get("text")?,
                instruments: r
                    .try_get::<String, _>("instruments")?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                actions: follow,
            });
        }
        Ok(())
    }

    /// A meeting `ctx` may read; one it may not is not found.
    pub async fn visible_meeting(&self, ctx: &Ctx, id: &str) -> Result<Meeting> {
        crate::shared::readable_or_not_found(
            self.load_meeting(id).await,
            |x| self.may_read_meeting(ctx, x),
            format!("meeting {id}"),
        )
    }

    /// The meetings `ctx` may read, latest first.
    pub async fn list_meetings(&self, ctx: &Ctx, limit: usize) -> Result<Vec<Meeting>> {
        let rows = sqlx::query("SELECT * FROM meetings ORDER BY held_on DESC, id DESC")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut m = meeting_row(row)?;
            if self.may_read_meeting(ctx, &m) {
                self.meeting_decisions(&mut m).await?;
                out.push(m);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Records a decision the use case checked, if the meeting is still at
    /// the version read, with its actions, notices and audit entry.
    pub async fn record_decision(
        &self,
        ctx: &Ctx,
        m: &Meeting,
        d: &DecisionInput,
        expected_version: i64,
        notify: &[(String, String)],
    ) -> Result<Meeting> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let done = sqlx::query("UPDATE meetings SET version = version + 1 WHERE id = $1 AND version = $2")
            .bind(&m.id)
            .bind(expected_version)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "meeting {} changed since version {expected_version}: reload it",
                m.id
            )));
        }
        sqlx::query(
            "INSERT INTO meeting_decisions (meeting_id, number, decided_on, text, instruments, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(d.number.trim())
        .bind(d.date.to_string())
        .bind(d.text.trim())
        .bind(d.instruments.join(","))
        .bind(&now)
        .execute(&mut *w.tx)
        .await?;
        for (i, a) in d.actions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO decision_actions (meeting_id, number, position, state_code, task, due, done_at, report) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, '')",
            )
            .bind(&m.id)
            .bind(d.number.trim())
            .bind(i as i64)
            .bind(a.state.as_str())
            .bind(a.task.trim())
            .bind(a.due.to_string())
            .execute(&mut *w.tx)
            .await?;
        }
        let notes: Vec<(&str, &str)> = notify.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        self.notify_many_in(&mut w.tx, &notes, "meeting", &m.id).await?;
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "meeting.decide", format!("{} {}", m.id, d.number.trim())),
        )
        .await?;
        w.tx.commit().await?;
        self.load_meeting(&m.id).await
    }

    /// Marks a follow-up action done with its report, once.
    pub async fn complete_action(
        &self,
        ctx: &Ctx,
        m: &Meeting,
        number: &str,
        position: i64,
        report: &str,
    ) -> Result<Meeting> {
        let now = stamp(self.clock().now());
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE decision_actions SET done_at = $1, report = $2 \
             WHERE meeting_id = $3 AND number = $4 AND position = $5 AND done_at IS NULL",
        )
        .bind(&now)
        .bind(report.trim())
        .bind(&m.id)
        .bind(number)
        .bind(position)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "action {position} of decision {number} is done already"
            )));
        }
        sqlx::query("UPDATE meetings SET version = version + 1 WHERE id = $1")
            .bind(&m.id)
            .execute(&mut *w.tx)
            .await?;
        self.append_in(
            &mut w.tx,
            self.draft(
                &ctx.into(),
                "meeting.action-done",
                format!("{} {number} {position}", m.id),
            ),
        )
        .await?;
        w.tx.commit().await?;
        self.load_meeting(&m.id).await
    }
}
