//! The audit chain in the database: appended inside the caller's
//! transaction, read back in order for verification.

use crate::{Actor, Result, Store, StoreError};
use concord_audit::{Checkpoint, Entry, EntryDraft, Hash, PublicKey, Verified, Verifier, link};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A page of audit entries.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// Entries in sequence order.
    pub entries: Vec<Entry>,
    /// The sequence number to ask for next, if there are more.
    pub next_after: Option<i64>,
}

fn decode_hash(table: &'static str, text: &str) -> Result<Hash> {
    hex::decode(text)
        .ok()
        .and_then(|b| Hash::try_from(b).ok())
        .ok_or_else(|| StoreError::corrupt(table, format!("bad hash {text:?}")))
}

fn entry(row: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: row.try_get("seq")?,
        draft: EntryDraft {
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            authority: row.try_get("authority")?,
            action: row.try_get("action")?,
            target: row.try_get("target")?,
            purpose: row.try_get("purpose")?,
        },
        prev_hash: decode_hash("audit_log", &row.try_get::<String, _>("prev_hash")?)?,
        hash: decode_hash("audit_log", &row.try_get::<String, _>("hash")?)?,
    })
}

/// Binds the entry's six fields in the order both appenders take them.
fn bind_draft<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    draft: &EntryDraft,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    q.bind(draft.at.clone())
        .bind(draft.actor.clone())
        .bind(draft.authority.clone())
        .bind(draft.action.clone())
        .bind(draft.target.clone())
        .bind(draft.purpose.clone())
}

/// Appends on PostgreSQL through `concord_audit_append` (migration 0011),
/// which links the entry as `concord_audit::link` does; the verifier checks
/// every link it makes.
async fn pg_append<'e>(db: impl sqlx::Executor<'e, Database = Any>, draft: &EntryDraft) -> Result<(i64, Hash)> {
    let row = bind_draft(
        sqlx::query("SELECT out_seq, out_hash FROM concord_audit_append($1, $2, $3, $4, $5, $6)"),
        draft,
    )
    .fetch_one(db)
    .await?;
    Ok((
        row.try_get("out_seq")?,
        decode_hash("audit_head", &row.try_get::<String, _>("out_hash")?)?,
    ))
}

impl Store {
    /// Appends an entry inside `tx`. The head row is updated first, which
    /// takes the row (PostgreSQL) or database (SQLite) write lock and so
    /// serializes concurrent appenders.
    pub(crate) async fn append_in(&self, tx: &mut Transaction<'static, Any>, draft: EntryDraft) -> Result<i64> {
        let (seq, hash) = match self.backend() {
            crate::Backend::Postgres => pg_append(&mut **tx, &draft).await?,
            crate::Backend::Sqlite => self.sqlite_append(tx, &draft).await?,
        };
        if seq % self.inner.checkpoint_every == 0 {
            self.checkpoint_in(tx, seq, hash).await?;
        }
        Ok(seq)
    }

    /// Appends many entries inside `tx` in a few statements: the head is
    /// moved on by their number at once (taking its lock, as one append
    /// does), the links are computed here, the entries go in as multi-row
    /// inserts. The chain is the one `append_in` would make entry by entry.
    pub(crate) async fn append_many_in(&self, tx: &mut Transaction<'static, Any>, drafts: &[EntryDraft]) -> Result<()> {
        if drafts.is_empty() {
            return Ok(());
        }
        let n = i64::try_from(drafts.len()).map_err(|_| StoreError::corrupt("audit_head", "batch too large"))?;
        let row = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n)
            .fetch_one(&mut **tx)
            .await?;
        let last: i64 = row.try_get("seq")?;
        let mut prev = decode_hash("audit_head", &row.try_get::<String, _>("hash")?)?;
        let mut rows = Vec::with_capacity(drafts.len());
        for (i, d) in drafts.iter().enumerate() {
            let seq = last - n + 1 + i as i64;
            let hash = link(&prev, seq, d);
            rows.push((seq, d, prev, hash));
            prev = hash;
        }
        // Nine columns a row; 500 rows stay far below either backend's limit
        // on bound parameters.
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO audit_log (seq, at, actor, authority, action, target, purpose, prev_hash, hash) VALUES {}",
                crate::records::numbered(self.backend(), "(?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (seq, d, prev, hash) in chunk {
                q = bind_draft(q.bind(*seq), d)
                    .bind(hex::encode(prev))
                    .bind(hex::encode(hash));
            }
            q.execute(&mut **tx).await?;
        }
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(hex::encode(prev))
            .execute(&mut **tx)
            .await?;
        for (seq, _, _, hash) in &rows {
            if seq % self.inner.checkpoint_every == 0 {
                self.checkpoint_in(tx, *seq, *hash).await?;
            }
        }
        Ok(())
    }

    async fn sqlite_append(&self, tx: &mut Transaction<'static, Any>, draft: &EntryDraft) -> Result<(i64, Hash)> {
        let row = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
        let seq: i64 = row.try_get("seq")?;
        let prev = decode_hash("audit_head", &row.try_get::<String, _>("hash")?)?;
        let hash = link(&prev, seq, draft);
        let hash_hex = hex::encode(hash);
        let insert = sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, authority, action, target, purpose, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq);
        bind_draft(insert, draft)
            .bind(hex::encode(prev))
            .bind(&hash_hex)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&hash_hex)
            .execute(&mut **tx)
            .await?;
        Ok((seq, hash))
    }

    async fn checkpoint_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        seq: i64,
        head: Hash,
    ) -> Result<Option<Checkpoint>> {
        let Some(key) = &self.inner.key else {
            return Ok(None);
        };
        let cp = key.checkpoint(seq, head, self.now_text());
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, head, at, signature, public_key) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(seq)
        .bind(hex::encode(cp.head))
        .bind(&cp.at)
        .bind(hex::encode(cp.signature))
        .bind(hex::encode(key.public().as_bytes()))
        .execute(&mut **tx)
        .await?;
        Ok(Some(cp))
    }

    /// Appends one entry in a transaction of its own (logins, screenings,
    /// events that write nothing else).
    pub async fn audit(&self, actor: &Actor, action: &str, target: impl Into<String>) -> Result<i64> {
        if self.backend() == crate::Backend::Postgres {
            // One statement in its own implicit transaction: one round trip
            // where BEGIN, append and COMMIT took four (every read is audited).
            let (seq, hash) = pg_append(self.pool(), &self.draft(actor, action, target)).await?;
            if seq % self.inner.checkpoint_every == 0 {
                let mut w = self.write().await?;
                self.checkpoint_in(&mut w.tx, seq, hash).await?;
                w.tx.commit().await?;
            }
            return Ok(seq);
        }
        let mut w = self.write().await?;
        let seq = self.append_in(&mut w.tx, self.draft(actor, action, target)).await?;
        w.tx.commit().await?;
        Ok(seq)
    }

    /// Signs a checkpoint of the current head, if the store has a node key
    /// and the log is not empty.
    pub async fn checkpoint(&self) -> Result<Option<Checkpoint>> {
        let mut w = self.write().await?;
        let (seq, head) = self.head_in(&mut w.tx).await?;
        if seq == 0 {
            return Ok(None);
        }
        let cp = self.checkpoint_in(&mut w.tx, seq, head).await?;
        w.tx.commit().await?;
        Ok(cp)
    }

    async fn head_in(&self, tx: &mut Transaction<'static, Any>) -> Result<(i64, Hash)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?;
        Ok((
            row.try_get("seq")?,
            decode_hash("audit_head", &row.try_get::<String, _>("hash")?)?,
        ))
    }

    /// Entries after `after` (0 for the start), at most `limit`.
    pub async fn audit_entries(&self, after: i64, limit: i64) -> Result<AuditPage> {
        let limit = limit.clamp(1, 1000);
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(limit + 1)
            .fetch_all(self.pool())
            .await?;
        let mut entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
        let more = entries.len() as i64 > limit;
        entries.truncate(limit as usize);
        let next_after = if more { entries.last().map(|e| e.seq) } else { None };
        Ok(AuditPage { entries, next_after })
    }

    /// The newest entries whose target mentions `needle` (a record id, say),
    /// at most `limit`, newest first. Callers decide who may read them.
    pub async fn audit_mentioning(&self, needle: &str, limit: i64) -> Result<Vec<Entry>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE target LIKE $1 ESCAPE '\\' ORDER BY seq DESC LIMIT $2")
            .bind(crate::records::like_pattern(needle))
            .bind(limit.clamp(1, 1000))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(entry).collect()
    }

    /// The latest checkpoint, if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<Checkpoint>> {
        let row = sqlx::query("SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(checkpoint_row).transpose()
    }

    /// Every checkpoint after entry `after`, in order.
    async fn checkpoints_after(&self, after: i64) -> Result<Vec<Checkpoint>> {
        sqlx::query("SELECT * FROM audit_checkpoints WHERE seq > $1 ORDER BY seq")
            .bind(after)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(checkpoint_row)
            .collect()
    }

    /// The checkpoints the witness file holds (none without a witness).
    pub fn witnessed(&self) -> Result<Vec<Checkpoint>> {
        let Some(path) = &self.inner.witness else {
            return Ok(vec![]);
        };
        let failed = |message: String| StoreError::Witness {
            path: path.display().to_string(),
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(failed(e.to_string())),
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Checkpoint::from_line(l).map_err(|e| failed(format!("line {}: {e}", i + 1))))
            .collect()
    }

    /// Appends to the witness file every checkpoint the database made since
    /// the last one it holds; returns how many. The file only grows: it is
    /// written after the checkpoints committed, never before, so it holds
    /// nothing the database could have rolled back. A node calls this
    /// periodically and after [`Store::checkpoint`].
    pub async fn witness_checkpoints(&self) -> Result<usize> {
        let Some(path) = self.inner.witness.clone() else {
            return Ok(0);
        };
        let last = self.witnessed()?.last().map_or(0, |c| c.seq);
        let fresh = self.checkpoints_after(last).await?;
        if fresh.is_empty() {
            return Ok(0);
        }
        let shown = path.display().to_string();
        let failed = move |e: std::io::Error| StoreError::Witness {
            path: shown.clone(),
            message: e.to_string(),
        };
        let lines: String = fresh.iter().map(|c| c.to_line() + "\n").collect();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(&failed)?;
            file.write_all(lines.as_bytes()).map_err(&failed)?;
            file.sync_all().map_err(failed)
        })
        .await
        .map_err(|e| StoreError::Witness {
            path: String::new(),
            message: e.to_string(),
        })??;
        Ok(fresh.len())
    }

    /// Verifies the whole chain against every checkpoint in the database,
    /// every one the witness file holds, and `key`.
    pub async fn verify_audit(&self, key: &PublicKey) -> Result<Verified> {
        let checkpoints = self.checkpoints_after(0).await?;
        let witnessed = self.witnessed()?;
        let mut verifier = Verifier::new(&checkpoints, &witnessed, key)?;
        let mut after = 0;
        loop {
            let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000")
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            for row in &rows {
                verifier.push(&entry(row)?)?;
            }
        }
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        let head = (
            row.try_get("seq")?,
            decode_hash("audit_head", &row.try_get::<String, _>("hash")?)?,
        );
        Ok(verifier.finish(Some(head))?)
    }
}

fn checkpoint_row(row: &AnyRow) -> Result<Checkpoint> {
    let sig = hex::decode(row.try_get::<String, _>("signature")?)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .ok_or_else(|| StoreError::corrupt("audit_checkpoints", "bad signature"))?;
    Ok(Checkpoint {
        seq: row.try_get("seq")?,
        head: decode_hash("audit_checkpoints", &row.try_get::<String, _>("head")?)?,
        at: row.try_get("at")?,
        signature: sig,
    })
}
