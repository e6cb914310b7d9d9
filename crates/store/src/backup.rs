//! Backups: every table of the node as one file of JSON lines, the same on
//! both backends (a SQLite node can be restored into PostgreSQL and back).
//!
//! The file is a header (format, backend, node key, audit head), then per
//! table a line naming its columns followed by one line per row, each value
//! tagged with its type, then a trailer with the row count and the SHA-256
//! of every line before it: a truncated or edited file is refused before
//! anything is written. It is read in one transaction (a consistent
//! snapshot while the node serves) and restored in one: a restore that
//! fails leaves the node as it was. Search indexes are not copied but
//! rebuilt.

use crate::{Backend, Result, Store, StoreError};
use concord_audit::{Checkpoint, Entry, EntryDraft, PublicKey, Verifier};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use std::io::{BufRead, Write};

/// The format this code writes and reads.
const FORMAT: i64 = 1;

/// Tables a backup leaves out: the migrator's own (the target's migrator
/// writes it) and the message search index (rebuilt from the messages).
fn skipped(table: &str) -> bool {
    table == "_sqlx_migrations" || table.starts_with("message_search") || table.starts_with("sqlite_")
}

/// A table as read from a backup: its name, columns and rows of tagged values.
type BackedUpTable = (String, Vec<String>, Vec<Vec<Value>>);

/// What a backup holds, as its header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    /// The last audit entry in it.
    pub audit_seq: i64,
}

fn bad(message: impl Into<String>) -> StoreError {
    StoreError::invalid("backup", message)
}

/// A value as a backup line holds it: `["i", 1]`, `["f", 1.5]`, `["s", "..."]`,
/// `["x", "hex"]` or `null`.
fn tagged(row: &sqlx::any::AnyRow, i: usize) -> Value {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map_or(Value::Null, |v| json!(["i", v]));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return v.map_or(Value::Null, |v| json!(["f", v]));
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
        return v.map_or(Value::Null, |v| json!(["i", i64::from(v)]));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v.map_or(Value::Null, |v| json!(["s", v]));
    }
    match row.try_get::<Option<Vec<u8>>, _>(i) {
        Ok(v) => v.map_or(Value::Null, |v| json!(["x", hex::encode(v)])),
        Err(_) => Value::Null,
    }
}

struct Hashed<W: Write> {
    out: W,
    hash: Sha256,
    rows: u64,
}

impl<W: Write> Hashed<W> {
    fn line(&mut self, v: &Value) -> Result<()> {
        let text = v.to_string() + "\n";
        self.hash.update(text.as_bytes());
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| bad(format!("cannot write: {e}")))
    }
}

impl Store {
    /// The node's tables in the order they were created (parents before
    /// the tables that refer to them).
    async fn tables(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid",
            Backend::Postgres => {
                "SELECT relname::text AS name FROM pg_class WHERE relkind = 'r' \
                 AND relnamespace = 'public'::regnamespace ORDER BY oid"
            }
        };
        let names: Vec<String> = sqlx::query(sql)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("name"))
            .collect::<std::result::Result<_, _>>()?;
        Ok(names.into_iter().filter(|t| !skipped(t)).collect())
    }

    /// Writes a backup of every table to `out`, read in one transaction.
    pub async fn backup(&self, out: impl Write, key: &PublicKey) -> Result<BackupSummary> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let head: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?
            .try_get("seq")?;
        let tables = self.tables(&mut tx).await?;
        let mut w = Hashed {
            out,
            hash: Sha256::new(),
            rows: 0,
        };
        w.line(&json!({
            "concord_backup": FORMAT,
            "backend": format!("{:?}", self.backend()).to_lowercase(),
            "node_public_key": hex::encode(key.as_bytes()),
            "audit_seq": head,
            "tables": tables.len(),
        }))?;
        for table in &tables {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
                .fetch_all(&mut *tx)
                .await?;
            let columns: Vec<String> = match rows.first() {
                Some(r) => r.columns().iter().map(|c| c.name().to_owned()).collect(),
                None => vec![],
            };
            w.line(&json!({"table": table, "columns": columns, "rows": rows.len()}))?;
            for row in &rows {
                let values: Vec<Value> = (0..columns.len()).map(|i| tagged(row, i)).collect();
                w.line(&Value::Array(values))?;
                w.rows += 1;
            }
        }
        let digest = hex::encode(w.hash.clone().finalize());
        let (rows, mut out) = (w.rows, w.out);
        let trailer = json!({"end": true, "rows": rows, "sha256": digest}).to_string() + "\n";
        out.write_all(trailer.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| bad(format!("cannot write: {e}")))?;
        tx.commit().await?;
        Ok(BackupSummary {
            tables: tables.len(),
            rows,
            audit_seq: head,
        })
    }

    /// Restores a backup into this node in one transaction. Refused, with
    /// nothing changed: a file cut short or edited (its trailer), a backup
    /// of another node (its key), an audit chain in it that does not
    /// verify, and, without `force`, a node that already holds an audit log.
    pub async fn restore(&self, input: impl BufRead, key: &PublicKey, force: bool) -> Result<BackupSummary> {
        let mut lines = input.lines().enumerate();
        let mut hash = Sha256::new();
        let mut read = |lines: &mut std::iter::Enumerate<std::io::Lines<_>>| -> Result<Option<(usize, Value)>> {
            match lines.next() {
                None => Ok(None),
                Some((n, Err(e))) => Err(bad(format!("line {}: cannot read: {e}", n + 1))),
                Some((n, Ok(text))) => {
                    let v: Value =
                        serde_json::from_str(&text).map_err(|e| bad(format!("line {}: not JSON: {e}", n + 1)))?;
                    if v.get("end").is_none() {
                        hash.update(text.as_bytes());
                        hash.update(b"\n");
                    }
                    Ok(Some((n + 1, v)))
                }
            }
        };
        let (_, header) = read(&mut lines)?.ok_or_else(|| bad("the file is empty"))?;
        if header["concord_backup"].as_i64() != Some(FORMAT) {
            return Err(bad("line 1: not a Concord backup of this format"));
        }
        if header["node_public_key"].as_str() != Some(hex::encode(key.as_bytes()).as_str()) {
            return Err(bad(
                "this backup is of another node (its node key differs): restore it with that node's key",
            ));
        }
        let mut tables: Vec<BackedUpTable> = Vec::new();
        let mut rows = 0u64;
        let trailer = loop {
            let (n, v) = read(&mut lines)?.ok_or_else(|| bad("the file ends before its trailer: it was cut short"))?;
            if v.get("end").is_some() {
                break v;
            }
            if let Some(table) = v["table"].as_str() {
                let columns = v["columns"]
                    .as_array()
                    .map(|c| c.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                tables.push((table.to_owned(), columns, Vec::new()));
                continue;
            }
            let Some((_, columns, into)) = tables.last_mut() else {
                return Err(bad(format!("line {n}: a row before any table")));
            };
            match v {
                Value::Array(values) if values.len() == columns.len() => into.push(values),
                _ => return Err(bad(format!("line {n}: a row that does not match its table's columns"))),
            }
            rows += 1;
        };
        let digest = hex::encode(hash.finalize());
        if trailer["sha256"].as_str() != Some(digest.as_str()) || trailer["rows"].as_u64() != Some(rows) {
            return Err(bad("the file does not match its trailer: it was edited or cut short"));
        }
        verify_backup_chain(&tables, key)?;

        let mut w = self.write().await?;
        let present: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&mut *w.tx)
            .await?
            .try_get("n")?;
        if present > 0 && !force {
            return Err(StoreError::Conflict(format!(
                "this node already holds {present} audit entries (the backup ends at {}): \
                 restore into a new node, or give --force to replace everything",
                header["audit_seq"]
            )));
        }
        let existing = self.tables(&mut w.tx).await?;
        self.set_audit_guard(&mut w.tx, false).await?;
        // The search index refers to messages: it goes first, and is rebuilt.
        sqlx::query("DELETE FROM message_search").execute(&mut *w.tx).await?;
        for table in existing.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *w.tx)
                .await?;
        }
        for (table, columns, values) in &tables {
            if !existing.contains(table) {
                return Err(bad(format!("table {table} is not in this node's schema")));
            }
            let list = columns.join(", ");
            for row in values {
                // A NULL is written as such: a bound one would carry a type
                // (text) that PostgreSQL refuses for a number column.
                let mut n = 0;
                let marks: Vec<String> = row
                    .iter()
                    .map(|v| {
                        if v.is_null() {
                            "NULL".to_owned()
                        } else {
                            n += 1;
                            format!("${n}")
                        }
                    })
                    .collect();
                let sql = format!("INSERT INTO {table} ({list}) VALUES ({})", marks.join(", "));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for v in row.iter().filter(|v| !v.is_null()) {
                    q = match (v.get(0).and_then(Value::as_str), v.get(1)) {
                        (Some("i"), Some(x)) => q.bind(x.as_i64()),
                        (Some("f"), Some(x)) => q.bind(x.as_f64()),
                        (Some("s"), Some(x)) => q.bind(x.as_str().map(str::to_owned)),
                        (Some("x"), Some(x)) => q.bind(x.as_str().and_then(|h| hex::decode(h).ok())),
                        _ => return Err(bad(format!("table {table}: a value of no known type: {v}"))),
                    };
                }
                q.execute(&mut *w.tx).await?;
            }
        }
        self.set_audit_guard(&mut w.tx, true).await?;
        self.reindex_messages_in(&mut w.tx).await?;
        w.tx.commit().await?;
        self.reload_registry().await?;
        Ok(BackupSummary {
            tables: tables.len(),
            rows,
            audit_seq: header["audit_seq"].as_i64().unwrap_or(0),
        })
    }

    /// Rebuilds the message search index, which a backup does not copy.
    async fn reindex_messages_in(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            // The index catches up from its queue at the next search.
            sqlx::query("DELETE FROM message_search_dirty")
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO message_search_dirty (message_id) SELECT id FROM messages")
                .execute(&mut **tx)
                .await?;
            return Ok(());
        }
        let ids: Vec<String> = sqlx::query("SELECT id FROM messages")
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, _>>()?;
        for id in ids {
            self.index_message_in(tx, &id).await?;
        }
        Ok(())
    }

    /// Lifts (`false`) or puts back (`true`) the audit log's append-only
    /// guard, inside the restore's transaction only.
    async fn set_audit_guard(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, on: bool) -> Result<()> {
        let sql = match (self.backend(), on) {
            (Backend::Postgres, false) => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only".to_owned(),
            (Backend::Postgres, true) => "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only".to_owned(),
            (Backend::Sqlite, false) => {
                "DROP TRIGGER IF EXISTS audit_log_append_only_update; DROP TRIGGER IF EXISTS audit_log_append_only_delete;"
                    .to_owned()
            }
            (Backend::Sqlite, true) => SQLITE_AUDIT_GUARD.to_owned(),
        };
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
        Ok(())
    }
}

/// The SQLite triggers of migration 0001, put back after a restore.
const SQLITE_AUDIT_GUARD: &str = "CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log \
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END; \
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log \
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

fn column<'a>(columns: &[String], row: &'a [Value], name: &str) -> Option<&'a Value> {
    let i = columns.iter().position(|c| c == name)?;
    row.get(i)?.get(1)
}

fn text(columns: &[String], row: &[Value], name: &str) -> String {
    column(columns, row, name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn hash32(s: &str) -> Result<[u8; 32]> {
    hex::decode(s)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| bad(format!("a hash that is not 32 bytes: {s:?}")))
}

/// The audit chain in a backup, checked against its checkpoints and the
/// node key before anything is written.
fn verify_backup_chain(tables: &[BackedUpTable], key: &PublicKey) -> Result<()> {
    let find = |name: &str| tables.iter().find(|(t, _, _)| t == name);
    let mut checkpoints = Vec::new();
    if let Some((_, cols, rows)) = find("audit_checkpoints") {
        for r in rows {
            let signature = hex::decode(text(cols, r, "signature"))
                .ok()
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
                .ok_or_else(|| bad("a checkpoint signature that is not 64 bytes"))?;
            checkpoints.push(Checkpoint {
                seq: column(cols, r, "seq").and_then(Value::as_i64).unwrap_or(0),
                head: hash32(&text(cols, r, "head"))?,
                at: text(cols, r, "at"),
                signature,
            });
        }
    }
    checkpoints.sort_by_key(|c| c.seq);
    let mut verifier = Verifier::new(&checkpoints, &[], key)?;
    let mut entries = Vec::new();
    if let Some((_, cols, rows)) = find("audit_log") {
        for r in rows {
            entries.push(Entry {
                seq: column(cols, r, "seq").and_then(Value::as_i64).unwrap_or(0),
                draft: EntryDraft {
                    at: text(cols, r, "at"),
                    actor: text(cols, r, "actor"),
                    authority: text(cols, r, "authority"),
                    action: text(cols, r, "action"),
                    target: text(cols, r, "target"),
                    purpose: text(cols, r, "purpose"),
                },
                prev_hash: hash32(&text(cols, r, "prev_hash"))?,
                hash: hash32(&text(cols, r, "hash"))?,
            });
        }
    }
    entries.sort_by_key(|e| e.seq);
    for e in &entries {
        verifier.push(e)?;
    }
    verifier.finish(None)?;
    Ok(())
}
