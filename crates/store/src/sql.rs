//! Queries assembled from fixed fragments and numbered placeholders.

use crate::{Backend, Result, Store};
use sqlx::any::AnyRow;

/// A SQL text with its numbered binds.
#[derive(Default)]
pub(crate) struct Sql {
    pub text: String,
    binds: Vec<Bind>,
}

/// A value bound to a numbered placeholder.
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

impl Sql {
    pub fn push(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
    pub fn int(&mut self, v: i64) -> String {
        self.push(Bind::Int(v))
    }
    pub fn text(&mut self, v: String) -> String {
        self.push(Bind::Text(v))
    }
    fn query(self) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        // The text is assembled from fixed fragments and placeholders only.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text));
        for b in self.binds {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        q
    }

    pub async fn fetch_all(self, store: &Store) -> Result<Vec<AnyRow>> {
        Ok(self.query().fetch_all(store.pool()).await?)
    }

    /// As `fetch_all`, but on PostgreSQL without parallel workers: they
    /// overshoot ordered walks that stop after a page, several times over.
    pub async fn fetch_all_serial(self, store: &Store) -> Result<Vec<AnyRow>> {
        if store.backend() != Backend::Postgres {
            return self.fetch_all(store).await;
        }
        let mut tx = store.pool().begin().await?;
        sqlx::query("SET LOCAL max_parallel_workers_per_gather = 0")
            .execute(&mut *tx)
            .await?;
        let rows = self.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(rows)
    }
}
