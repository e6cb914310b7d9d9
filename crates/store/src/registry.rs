//! The registry in the database: replaced whole from a validated
//! configuration, read back into the in-memory snapshot.

use crate::{Actor, Result, Snapshot, Store, StoreError};
use concord_config::Config;
use concord_domain::registry::{Article, Names};
use concord_domain::{
    Authority, AuthorityId, Body, Instrument, MembershipEvent, Party, Policy, Registry, State, StateCode,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use time::Date;
use time::macros::format_description;

pub(crate) fn parse_date(table: &'static str, text: &str) -> Result<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|e| StoreError::corrupt(table, format!("date {text:?}: {e}")))
}

pub(crate) fn parse<T: FromStr>(table: &'static str, text: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| StoreError::corrupt(table, e))
}

/// A row's four handling columns (`distribution`, `dissemination`,
/// `use_code`, `classification`), as every shared object's table keeps them.
pub(crate) fn handling_of(row: &AnyRow, table: &'static str) -> Result<concord_domain::HandlingCode> {
    Ok(concord_domain::HandlingCode {
        distribution: parse(table, &row.try_get::<String, _>("distribution")?)?,
        dissemination: parse(table, &row.try_get::<String, _>("dissemination")?)?,
        use_: parse(table, &row.try_get::<String, _>("use_code")?)?,
        classification: concord_domain::Classification::from_rank(row.try_get("classification")?)
            .ok_or_else(|| StoreError::corrupt(table, "classification out of range"))?,
    })
}

fn names(row: &AnyRow, prefix: &str) -> Result<Names> {
    Ok(Names {
        en: row.try_get(format!("{prefix}_en").as_str())?,
        ru: row.try_get(format!("{prefix}_ru").as_str())?,
        zh: row.try_get(format!("{prefix}_zh").as_str())?,
    })
}

async fn exec(tx: &mut Transaction<'static, Any>, sql: String) -> Result<()> {
    // Only ever called with table names from a constant list.
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    /// Replaces the registry with `config`'s, in one transaction: either all of
    /// it is stored or none. Refuses a configuration that drops an authority
    /// that users still belong to.
    pub async fn apply_config(&self, config: &Config, actor: &Actor) -> Result<()> {
        let r = &config.registry;
        let mut w = self.write().await?;
        let tx = &mut w.tx;
        for table in [
            "instrument_parties",
            "instrument_articles",
            "instruments",
            "bodies",
            "authorities",
            "membership_events",
            "states",
            "organization",
            "precursor_substances",
            "legal_channels",
            "chair_rotation",
        ] {
            exec(tx, format!("DELETE FROM {table}")).await?;
        }
        sqlx::query(
            "INSERT INTO organization (id, name_en, name_ru, name_zh, review_grace_days, silence_period_days, \
             consultation_window_hours, consultation_meeting_delay_hours, consultation_proposer, \
             precursor_authority, precursor_reply_days, legal_assistance_authority, chair_first_year) \
             VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&r.organization.en)
        .bind(&r.organization.ru)
        .bind(&r.organization.zh)
        .bind(config.policy.review_grace_days)
        .bind(config.policy.silence_period_days)
        .bind(config.policy.consultation_window_hours)
        .bind(config.policy.consultation_meeting_delay_hours)
        .bind(config.policy.consultation_proposer.as_str())
        .bind(config.policy.precursor_authority.as_str())
        .bind(config.policy.precursor_reply_days)
        .bind(config.policy.legal_assistance_authority.as_str())
        .bind(r.chairmanship.as_ref().map(|c| i64::from(c.first_year)))
        .execute(&mut **tx)
        .await?;
        for (i, state) in r.chairmanship.iter().flat_map(|c| c.order.iter()).enumerate() {
            sqlx::query("INSERT INTO chair_rotation (position, state_code) VALUES ($1, $2)")
                .bind(i as i64)
                .bind(state.as_str())
                .execute(&mut **tx)
                .await?;
        }
        for s in r.substances.values() {
            sqlx::query(
                "INSERT INTO precursor_substances (id, name_en, name_ru, name_zh, cas, convention_table, measure) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&s.id)
            .bind(&s.name.en)
            .bind(&s.name.ru)
            .bind(&s.name.zh)
            .bind(&s.cas)
            .bind(&s.table)
            .bind(s.measure.as_str())
            .execute(&mut **tx)
            .await?;
        }
        for s in r.states.values() {
            sqlx::query("INSERT INTO states (code, name_en, name_ru, name_zh) VALUES ($1, $2, $3, $4)")
                .bind(s.code.as_str())
                .bind(&s.name.en)
                .bind(&s.name.ru)
                .bind(&s.name.zh)
                .execute(&mut **tx)
                .await?;
            for e in &s.membership {
                sqlx::query("INSERT INTO membership_events (state_code, since, status) VALUES ($1, $2, $3)")
                    .bind(s.code.as_str())
                    .bind(e.since.to_string())
                    .bind(e.status.as_str())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        for a in r.authorities.values() {
            sqlx::query("INSERT INTO authorities (id, state_code, kind, name_en, name_ru, name_zh) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(a.id.as_str())
                .bind(a.state.as_ref().map(|s| s.to_string()))
                .bind(a.kind.as_str())
                .bind(&a.name.en)
                .bind(&a.name.ru)
                .bind(&a.name.zh)
                .execute(&mut **tx)
                .await?;
        }
        for c in &r.legal_channels {
            sqlx::query("INSERT INTO legal_channels (office_a, office_b) VALUES ($1, $2)")
                .bind(c.between[0].as_str())
                .bind(c.between[1].as_str())
                .execute(&mut **tx)
                .await?;
        }
        for b in r.bodies.values() {
            sqlx::query("INSERT INTO bodies (id, kind, name_en, name_ru, name_zh, parent, level) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(&b.id)
                .bind(b.kind.as_str())
                .bind(&b.name.en)
                .bind(&b.name.ru)
                .bind(&b.name.zh)
                .bind(&b.parent)
                .bind(b.level)
                .execute(&mut **tx)
                .await?;
        }
        for i in r.instruments.values() {
            sqlx::query("INSERT INTO instruments (id, kind, title_en, title_ru, title_zh, adopted) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&i.id)
                .bind(i.kind.as_str())
                .bind(&i.title.en)
                .bind(&i.title.ru)
                .bind(&i.title.zh)
                .bind(i.adopted.to_string())
                .execute(&mut **tx)
                .await?;
            for (pos, a) in i.articles.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO instrument_articles (instrument_id, position, number, title) VALUES ($1, $2, $3, $4)",
                )
                .bind(&i.id)
                .bind(pos as i64)
                .bind(&a.number)
                .bind(&a.title)
                .execute(&mut **tx)
                .await?;
            }
            for (pos, p) in i.parties.iter().enumerate() {
                sqlx::query("INSERT INTO instrument_parties (instrument_id, position, state_code, signed, ratified) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&i.id)
                    .bind(pos as i64)
                    .bind(p.state.as_str())
                    .bind(p.signed.to_string())
                    .bind(p.ratified.map(|d| d.to_string()))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let orphans = sqlx::query("SELECT DISTINCT authority_id FROM users WHERE authority_id NOT IN (SELECT id FROM authorities) ORDER BY authority_id")
            .fetch_all(&mut **tx)
            .await?;
        if !orphans.is_empty() {
            let ids: Vec<String> = orphans
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
            return Err(StoreError::Conflict(format!(
                "the configuration drops authorities that users belong to: {}",
                ids.join(", ")
            )));
        }
        let target = format!(
            "{} states, {} authorities, {} bodies, {} instruments",
            r.states.len(),
            r.authorities.len(),
            r.bodies.len(),
            r.instruments.len()
        );
        self.append_in(tx, self.draft(actor, "registry.load", target)).await?;
        w.tx.commit().await?;
        self.reload_registry().await
    }

    /// Reads the registry back from the database into the shared snapshot.
    pub async fn reload_registry(&self) -> Result<()> {
        let pool = self.pool();
        let mut registry = Registry::default();
        let mut policy = Policy::default();
        if let Some(row) = sqlx::query("SELECT * FROM organization WHERE id = 1")
            .fetch_optional(pool)
            .await?
        {
            registry.organization = names(&row, "name")?;
            policy.review_grace_days = row.try_get("review_grace_days")?;
            policy.silence_period_days = row.try_get("silence_period_days")?;
            policy.consultation_window_hours = row.try_get("consultation_window_hours")?;
            policy.consultation_meeting_delay_hours = row.try_get("consultation_meeting_delay_hours")?;
            policy.consultation_proposer = parse("organization", &row.try_get::<String, _>("consultation_proposer")?)?;
            policy.precursor_authority = parse("organization", &row.try_get::<String, _>("precursor_authority")?)?;
            policy.precursor_reply_days = row.try_get("precursor_reply_days")?;
            policy.legal_assistance_authority =
                parse("organization", &row.try_get::<String, _>("legal_assistance_authority")?)?;
            if let Some(first) = row.try_get::<Option<i64>, _>("chair_first_year")? {
                let order = sqlx::query("SELECT state_code FROM chair_rotation ORDER BY position")
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Ok(StateCode::new(r.try_get::<String, _>("state_code")?)))
                    .collect::<Result<Vec<_>>>()?;
                registry.chairmanship = Some(concord_domain::Chairmanship {
                    order,
                    first_year: i32::try_from(first).map_err(|e| StoreError::corrupt("organization", e))?,
                });
            }
        }
        for row in sqlx::query("SELECT * FROM precursor_substances")
            .fetch_all(pool)
            .await?
        {
            let id: String = row.try_get("id")?;
            registry.substances.insert(
                id.clone(),
                concord_domain::precursor::Substance {
                    id,
                    name: names(&row, "name")?,
                    cas: row.try_get("cas")?,
                    table: row.try_get("convention_table")?,
                    measure: parse("precursor_substances", &row.try_get::<String, _>("measure")?)?,
                },
            );
        }
        for row in sqlx::query("SELECT * FROM states").fetch_all(pool).await? {
            let code = StateCode::new(row.try_get::<String, _>("code")?);
            registry.states.insert(
                code.clone(),
                State {
                    code,
                    name: names(&row, "name")?,
                    membership: Vec::new(),
                },
            );
        }
        for row in sqlx::query("SELECT * FROM membership_events ORDER BY state_code, since")
            .fetch_all(pool)
            .await?
        {
            let code = StateCode::new(row.try_get::<String, _>("state_code")?);
            let event = MembershipEvent {
                since: parse_date("membership_events", &row.try_get::<String, _>("since")?)?,
                status: parse("membership_events", &row.try_get::<String, _>("status")?)?,
            };
            if let Some(s) = registry.states.get_mut(&code) {
                s.membership.push(event);
            }
        }
        for row in sqlx::query("SELECT * FROM authorities").fetch_all(pool).await? {
            let id = AuthorityId::new(row.try_get::<String, _>("id")?);
            let state: Option<String> = row.try_get("state_code")?;
            registry.authorities.insert(
                id.clone(),
                Authority {
                    id,
                    state: state.map(StateCode::new),
                    kind: parse("authorities", &row.try_get::<String, _>("kind")?)?,
                    name: names(&row, "name")?,
                },
            );
        }
        for row in sqlx::query("SELECT * FROM legal_channels ORDER BY office_a, office_b")
            .fetch_all(pool)
            .await?
        {
            registry.legal_channels.push(concord_domain::LegalChannel {
                between: [
                    AuthorityId::new(row.try_get::<String, _>("office_a")?),
                    AuthorityId::new(row.try_get::<String, _>("office_b")?),
                ],
            });
        }
        for row in sqlx::query("SELECT * FROM bodies").fetch_all(pool).await? {
            let id: String = row.try_get("id")?;
            registry.bodies.insert(
                id.clone(),
                Body {
                    id,
                    kind: parse("bodies", &row.try_get::<String, _>("kind")?)?,
                    name: names(&row, "name")?,
                    parent: row.try_get("parent")?,
                    level: row.try_get("level")?,
                },
            );
        }
        for row in sqlx::query("SELECT * FROM instruments").fetch_all(pool).await? {
            let id: String = row.try_get("id")?;
            registry.instruments.insert(
                id.clone(),
                Instrument {
                    id,
                    kind: parse("instruments", &row.try_get::<String, _>("kind")?)?,
                    title: names(&row, "title")?,
                    adopted: parse_date("instruments", &row.try_get::<String, _>("adopted")?)?,
                    articles: Vec::new(),
                    parties: Vec::new(),
                },
            );
        }
        for row in sqlx::query("SELECT * FROM instrument_articles ORDER BY instrument_id, position")
            .fetch_all(pool)
            .await?
        {
            let id: String = row.try_get("instrument_id")?;
            if let Some(i) = registry.instruments.get_mut(&id) {
                i.articles.push(Article {
                    number: row.try_get("number")?,
                    title: row.try_get("title")?,
                });
            }
        }
        for row in sqlx::query("SELECT * FROM instrument_parties ORDER BY instrument_id, position")
            .fetch_all(pool)
            .await?
        {
            let id: String = row.try_get("instrument_id")?;
            let ratified: Option<String> = row.try_get("ratified")?;
            let party = Party {
                state: StateCode::new(row.try_get::<String, _>("state_code")?),
                signed: parse_date("instrument_parties", &row.try_get::<String, _>("signed")?)?,
                ratified: ratified.map(|d| parse_date("instrument_parties", &d)).transpose()?,
            };
            if let Some(i) = registry.instruments.get_mut(&id) {
                i.parties.push(party);
            }
        }
        *self.inner.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Snapshot { registry, policy });
        Ok(())
    }
}
