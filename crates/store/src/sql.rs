//! Queries assembled from fixed fragments and numbered placeholders.

use crate::{Result, Store};
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
    pub async fn fetch_all(self, store: &Store) -> Result<Vec<AnyRow>> {
        // The text is assembled from fixed fragments and placeholders only.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text));
        for b in self.binds {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        Ok(q.fetch_all(store.pool()).await?)
    }
}
