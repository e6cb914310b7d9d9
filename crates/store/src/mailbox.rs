//! Inbox, outbox and search over messages, fast at a million messages.
//!
//! Listing walks an index in order and stops when the page is full: the
//! inbox walks `message_recipients (recipient, created_at)` once per address
//! of the viewer (its authority, its state) and merges the walks; the outbox
//! walks `messages (originator, created_at)`. Search uses a full-text index
//! whose documents carry, besides the words, a token per addressee and one
//! for the originator, so "addressed to me AND these words" is a single index
//! query (SQLite FTS5, PostgreSQL `tsvector` with GIN). Text in scripts
//! written without spaces (Han, kana, Thai...) is matched by substring
//! instead, walking the mailbox. Every row still passes `decide`.

use crate::Message;
use crate::message_codec::{Mailbox, MessageQuery, addresses, message_row, receipt_row, search_doc, token};
use crate::records::{fold, like_pattern};
use crate::sql::Sql;
use crate::stamp::stamp;
use crate::{Backend, Ctx, Result, SearchPlan, Store, StoreError};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};

/// Words of a query, or `None` when it needs substring matching.
fn query_words(text: &str) -> Option<Vec<String>> {
    let unspaced = |c: char| {
        matches!(c as u32,
            0x2E80..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x0E00..=0x0EFF | 0x20000..=0x2FFFF)
    };
    if text.chars().any(unspaced) {
        return None;
    }
    let words: Vec<String> = fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then_some(words)
}

impl Store {
    /// (Re)writes a message's search document from its stored rows (on
    /// SQLite: marks it for the next flush).
    pub(crate) async fn index_message_in(&self, tx: &mut Transaction<'static, Any>, id: &str) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            sqlx::query(
                "INSERT INTO message_search_dirty (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(id)
            .execute(&mut **tx)
            .await?;
            return Ok(());
        }
        let m = sqlx::query("SELECT search_fold, originator, created_at FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let recipients: Vec<String> = sqlx::query("SELECT recipient FROM message_recipients WHERE message_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("recipient"))
            .collect::<std::result::Result<_, _>>()?;
        let doc = search_doc(
            &m.try_get::<String, _>("search_fold")?,
            &m.try_get::<String, _>("originator")?,
            &recipients,
        );
        match self.backend() {
            Backend::Sqlite => {}
            Backend::Postgres => {
                sqlx::query(
                    "INSERT INTO message_search (message_id, created_at, doc) VALUES ($1, $2, to_tsvector('simple', $3)) \
                     ON CONFLICT (message_id) DO UPDATE SET doc = EXCLUDED.doc",
                )
                .bind(id)
                .bind(m.try_get::<String, _>("created_at")?)
                .bind(doc)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// The search document of a message just written (on SQLite the next
    /// flush writes it: a full-text insert inside every send costs more than
    /// the send).
    pub(crate) async fn index_new_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
        created: &str,
        doc: String,
    ) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO message_search (message_id, created_at, doc) VALUES ($1, $2, to_tsvector('simple', $3))",
        )
        .bind(id)
        .bind(created)
        .bind(doc)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// SQLite: indexes every message written since the last flush, and
    /// re-indexes those whose addressees changed. Returns how many.
    pub async fn flush_search(&self) -> Result<usize> {
        if self.backend() != Backend::Sqlite {
            return Ok(0);
        }
        let mut total = 0;
        // Up to the newest message now, not chasing messages sent meanwhile:
        // a flush that followed a steady stream of sends would never end.
        // A bare MAX(rowid) reads one page; wrapped in COALESCE it scans the table.
        let target: i64 = sqlx::query("SELECT MAX(rowid) AS top FROM messages")
            .fetch_one(self.pool())
            .await?
            .try_get::<Option<i64>, _>("top")?
            .unwrap_or(0);
        let pending = sqlx::query(
            "SELECT CASE WHEN (SELECT indexed_rowid FROM message_search_state WHERE id = 1) < $1 \
             OR EXISTS (SELECT 1 FROM message_search_dirty) THEN 1 ELSE 0 END AS pending",
        )
        .bind(target)
        .fetch_one(self.pool())
        .await?
        .try_get::<i64, _>("pending")?;
        if pending == 0 {
            return Ok(0);
        }
        loop {
            let mut w = self.write().await?;
            let mark: i64 = sqlx::query("SELECT indexed_rowid FROM message_search_state WHERE id = 1")
                .fetch_one(&mut *w.tx)
                .await?
                .try_get("indexed_rowid")?;
            let fresh = sqlx::query(
                "SELECT rowid AS rid, id, search_fold, originator FROM messages WHERE rowid > $1 AND rowid <= $2 \
                 ORDER BY rowid LIMIT 2000",
            )
            .bind(mark)
            .bind(target)
            .fetch_all(&mut *w.tx)
            .await?;
            let dirty = sqlx::query(
                // CROSS JOIN keeps the (small) list of marks as the outer loop;
                // left to itself SQLite walks every message by rowid.
                "SELECT m.rowid AS rid, m.id, m.search_fold, m.originator FROM message_search_dirty d \
                 CROSS JOIN messages m ON m.id = d.message_id WHERE m.rowid <= $1 LIMIT 500",
            )
            .bind(mark)
            .fetch_all(&mut *w.tx)
            .await?;
            if fresh.is_empty() && dirty.is_empty() {
                // Marks for messages not yet indexed at all need nothing more.
                sqlx::query("DELETE FROM message_search_dirty")
                    .execute(&mut *w.tx)
                    .await?;
                w.tx.commit().await?;
                break;
            }
            let mut docs: Vec<(i64, String, String, String)> = Vec::with_capacity(fresh.len() + dirty.len());
            for row in fresh.iter().chain(dirty.iter()) {
                docs.push((
                    row.try_get("rid")?,
                    row.try_get("id")?,
                    row.try_get("search_fold")?,
                    row.try_get("originator")?,
                ));
            }
            let mut recipients: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for chunk in docs.chunks(500) {
                let sql = format!(
                    "SELECT message_id, recipient FROM message_recipients WHERE message_id IN ({})",
                    crate::records::numbered(self.backend(), "?", chunk.len())
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for d in chunk {
                    q = q.bind(d.1.clone());
                }
                for row in q.fetch_all(&mut *w.tx).await? {
                    recipients
                        .entry(row.try_get("message_id")?)
                        .or_default()
                        .push(row.try_get("recipient")?);
                }
            }
            for (rid, id, _, _) in docs.iter().skip(fresh.len()) {
                sqlx::query("DELETE FROM message_search WHERE rowid = $1")
                    .bind(*rid)
                    .execute(&mut *w.tx)
                    .await?;
                sqlx::query("DELETE FROM message_search_dirty WHERE message_id = $1")
                    .bind(id)
                    .execute(&mut *w.tx)
                    .await?;
            }
            for chunk in docs.chunks(500) {
                let sql = format!(
                    "INSERT INTO message_search (rowid, doc) VALUES {}",
                    crate::records::numbered(self.backend(), "(?, ?)", chunk.len())
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (rid, id, fold_text, originator) in chunk {
                    let to = recipients.get(id).map(Vec::as_slice).unwrap_or(&[]);
                    q = q.bind(*rid).bind(search_doc(fold_text, originator, to));
                }
                q.execute(&mut *w.tx).await?;
            }
            if let Some(last) = fresh.last() {
                sqlx::query("UPDATE message_search_state SET indexed_rowid = $1 WHERE id = 1")
                    .bind(last.try_get::<i64, _>("rid")?)
                    .execute(&mut *w.tx)
                    .await?;
            }
            w.tx.commit().await?;
            total += docs.len();
        }
        Ok(total)
    }

    /// Search documents for messages just written in bulk: `(id, created_at, doc)`.
    pub(crate) async fn index_many_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        docs: &[(String, String, String)],
    ) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            return Ok(());
        }
        for chunk in docs.chunks(500) {
            let sql = match self.backend() {
                Backend::Sqlite => format!(
                    "WITH v(id, doc) AS (VALUES {}) INSERT INTO message_search (rowid, doc) \
                     SELECT m.rowid, v.doc FROM v JOIN messages m ON m.id = v.id",
                    crate::records::numbered(self.backend(), "(?, ?)", chunk.len())
                ),
                Backend::Postgres => format!(
                    "INSERT INTO message_search (message_id, created_at, doc) VALUES {}",
                    crate::records::numbered(self.backend(), "(?, ?, to_tsvector('simple', ?))", chunk.len())
                ),
            };
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, at, doc) in chunk {
                q = match self.backend() {
                    Backend::Sqlite => q.bind(id.clone()).bind(doc.clone()),
                    Backend::Postgres => q.bind(id.clone()).bind(at.clone()).bind(doc.clone()),
                };
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Conditions every listing shares: clearance, kind, priority, and the
    /// receipt filters (on the viewer's own receipts in the inbox, on any
    /// addressee's in the outbox).
    fn common_filters(&self, ctx: &Ctx, q: &MessageQuery, sql: &mut Sql, now: &str) {
        let clearance = sql.int(ctx.viewer.clearance.rank());
        sql.text += &format!(" AND m.classification <= {clearance}");
        if let Some(k) = q.kind {
            let p = sql.text(k.as_str().to_owned());
            sql.text += &format!(" AND m.kind = {p}");
        }
        if let Some(p) = q.priority {
            let p = sql.text(p.as_str().to_owned());
            sql.text += &format!(" AND m.priority = {p}");
        }
        let mine = match q.mailbox {
            Mailbox::Inbox => {
                let list: Vec<String> = addresses(&ctx.viewer).into_iter().map(|a| sql.text(a)).collect();
                format!(" AND x.recipient IN ({})", list.join(", "))
            }
            Mailbox::Outbox => String::new(),
        };
        if q.unacknowledged {
            sql.text += &format!(
                " AND EXISTS (SELECT 1 FROM message_recipients x WHERE x.message_id = m.id{mine} AND x.delivery IN ('sent', 'delivered'))"
            );
        }
        if q.overdue {
            let n = sql.text(now.to_owned());
            sql.text += &format!(
                " AND m.kind = 'request' AND m.deadline < {n} AND EXISTS (SELECT 1 FROM message_recipients x \
                 WHERE x.message_id = m.id{mine} AND x.delivery <> 'answered')"
            );
        }
    }

    /// One ordered walk: rows after the cursor, newest first, and, when the
    /// walk stopped at `chunk` rows, the key of the last row it looked at
    /// (older rows may follow).
    async fn walk(
        &self,
        ctx: &Ctx,
        q: &MessageQuery,
        source: &Walk,
        cursor: Option<&(String, String)>,
        chunk: i64,
        now: &str,
    ) -> Result<Walked> {
        if let (Walk::Search(tokens, words), Backend::Postgres) = (source, self.backend()) {
            return self.pg_search(ctx, q, tokens, words, cursor, chunk, now).await;
        }
        let mut sql = Sql::default();
        let key = match source {
            Walk::Address(a) => {
                let a = sql.text(a.clone());
                sql.text = format!(
                    "SELECT m.*, r.created_at AS listed_at FROM message_recipients r JOIN messages m ON m.id = r.message_id \
                     WHERE r.recipient = {a}"
                );
                ("r.created_at", "r.message_id")
            }
            Walk::Originator => {
                let me = sql.text(ctx.viewer.authority.to_string());
                sql.text = format!("SELECT m.*, m.created_at AS listed_at FROM messages m WHERE m.originator = {me}");
                ("m.created_at", "m.id")
            }
            // SQLite's FTS5; PostgreSQL's search returned above (`pg_search`).
            Walk::Search(tokens, words) => {
                let quote = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
                let mut expr = format!("({})", tokens.join(" OR "));
                for w in words {
                    expr += &format!(" AND {}", quote(w));
                }
                let e = sql.text(expr);
                sql.text = format!(
                    "SELECT m.*, m.created_at AS listed_at FROM message_search s JOIN messages m ON m.rowid = s.rowid \
                     WHERE message_search MATCH {e}"
                );
                ("m.created_at", "m.id")
            }
            Walk::Words(a, words) => {
                let w = sql.text(words.join(" "));
                let has = format!(
                    "EXISTS (SELECT 1 FROM message_search s WHERE s.message_id = m.id AND s.doc @@ plainto_tsquery('simple', {w}))"
                );
                match a {
                    Some(a) => {
                        let a = sql.text(a.clone());
                        sql.text = format!(
                            "SELECT m.*, r.created_at AS listed_at FROM message_recipients r JOIN messages m ON m.id = r.message_id \
                             WHERE r.recipient = {a} AND {has}"
                        );
                        ("r.created_at", "r.message_id")
                    }
                    None => {
                        let me = sql.text(ctx.viewer.authority.to_string());
                        sql.text = format!(
                            "SELECT m.*, m.created_at AS listed_at FROM messages m WHERE m.originator = {me} AND {has}"
                        );
                        ("m.created_at", "m.id")
                    }
                }
            }
            Walk::Substring(a, text) => {
                let p = sql.text(like_pattern(text));
                match a {
                    Some(a) => {
                        let a = sql.text(a.clone());
                        sql.text = format!(
                            "SELECT m.*, r.created_at AS listed_at FROM message_recipients r JOIN messages m ON m.id = r.message_id \
                             WHERE r.recipient = {a} AND m.search_fold LIKE {p} ESCAPE '\\'"
                        );
                        ("r.created_at", "r.message_id")
                    }
                    None => {
                        let me = sql.text(ctx.viewer.authority.to_string());
                        sql.text = format!(
                            "SELECT m.*, m.created_at AS listed_at FROM messages m WHERE m.originator = {me} \
                             AND m.search_fold LIKE {p} ESCAPE '\\'"
                        );
                        ("m.created_at", "m.id")
                    }
                }
            }
        };
        self.common_filters(ctx, q, &mut sql, now);
        if let Some((c, i)) = cursor {
            let c = sql.text(c.clone());
            let i = sql.text(i.clone());
            sql.text += &format!(" AND ({k} < {c} OR ({k} = {c} AND {id} < {i}))", k = key.0, id = key.1);
        }
        let n = sql.int(chunk);
        let order = match (source, self.backend()) {
            // FTS5 hands rows out in rowid order, which is the order messages were written.
            (Walk::Search(..), Backend::Sqlite) => "s.rowid DESC".to_owned(),
            _ => format!("{} DESC, {} DESC", key.0, key.1),
        };
        sql.text += &format!(" ORDER BY {order} LIMIT {n}");
        let rows: Vec<(String, Message)> = sql
            .fetch_all_serial(self)
            .await?
            .iter()
            .map(|row| Ok((row.try_get::<String, _>("listed_at")?, message_row(row)?)))
            .collect::<Result<_>>()?;
        let cut = match rows.last() {
            Some((listed, m)) if rows.len() as i64 == chunk => Some((listed.clone(), m.id.clone())),
            _ => None,
        };
        Ok(Walked { rows, cut })
    }

    /// PostgreSQL full-text: the newest `chunk` GIN matches first, and only
    /// then their messages (joining every match before sorting fetched
    /// hundreds of wide rows for a page). The filters are evaluated on the
    /// page, so the cut is the last match looked at, kept or not.
    #[allow(clippy::too_many_arguments)]
    async fn pg_search(
        &self,
        ctx: &Ctx,
        q: &MessageQuery,
        tokens: &[String],
        words: &[String],
        cursor: Option<&(String, String)>,
        chunk: i64,
        now: &str,
    ) -> Result<Walked> {
        let mut sql = Sql::default();
        self.common_filters(ctx, q, &mut sql, now);
        let filters = std::mem::take(&mut sql.text);
        let t = sql.text(tokens.join(" | "));
        let w = sql.text(words.join(" "));
        let after = match cursor {
            Some((c, i)) => {
                let c = sql.text(c.clone());
                let i = sql.text(i.clone());
                format!(" AND (s.created_at < {c} OR (s.created_at = {c} AND s.message_id < {i}))")
            }
            None => String::new(),
        };
        let n = sql.int(chunk);
        sql.text = format!(
            "SELECT m.*, s.created_at AS listed_at, CASE WHEN (TRUE{filters}) THEN 1 ELSE 0 END::bigint AS keep \
             FROM (SELECT s.message_id, s.created_at FROM message_search s \
             WHERE s.doc @@ (to_tsquery('simple', {t}) && plainto_tsquery('simple', {w})){after} \
             ORDER BY s.created_at DESC, s.message_id DESC LIMIT {n}) s \
             JOIN messages m ON m.id = s.message_id ORDER BY s.created_at DESC, s.message_id DESC"
        );
        let fetched = sql.fetch_all_serial(self).await?;
        let mut rows = Vec::with_capacity(fetched.len());
        let mut cut = None;
        for row in &fetched {
            let listed: String = row.try_get("listed_at")?;
            let m = message_row(row)?;
            cut = Some((listed.clone(), m.id.clone()));
            if row.try_get::<i64, _>("keep")? == 1 {
                rows.push((listed, m));
            }
        }
        if (fetched.len() as i64) < chunk {
            cut = None;
        }
        Ok(Walked { rows, cut })
    }

    /// PostgreSQL: whether an ordered walk of the mailbox will fill a page
    /// sooner than sorting every match. From the planner's estimates (its
    /// statistics on the search documents' words), which cost a fraction of
    /// a millisecond where counting cost as much as the search: with `n`
    /// messages in the mailbox and `m` matches, the walk reads about
    /// `chunk * n / m` rows and the sort `m`, so the walk wins when
    /// `m * m > chunk * n`.
    async fn pg_common(&self, tokens: &[String], words: &[String], chunk: i64) -> Result<bool> {
        let both =
            "SELECT 1 FROM message_search WHERE doc @@ (to_tsquery('simple', $1) && plainto_tsquery('simple', $2))";
        let estimate = |sql: &'static str| async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {sql}")))
                .bind(tokens.join(" | "))
                .bind(words.join(" "))
                .fetch_all(self.pool())
                .await?;
            let top: String = match rows.first() {
                Some(row) => row.try_get(0)?,
                None => String::new(),
            };
            plan_rows(&top)
        };
        match self.inner.search_plan {
            SearchPlan::WalkFrom(at) => {
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) AS n FROM ({both} LIMIT $3) x"
                )))
                .bind(tokens.join(" | "))
                .bind(words.join(" "))
                .bind(at)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
                Ok(n >= at)
            }
            SearchPlan::Estimated => {
                let matches = estimate(both).await?;
                let mailbox =
                    estimate("SELECT 1 FROM message_search WHERE doc @@ to_tsquery('simple', $1) AND $2 <> ''").await?;
                Ok(matches * matches > chunk as f64 * mailbox)
            }
        }
    }

    /// Receipts for a page of messages, in one query.
    async fn fill_receipts(&self, messages: &mut [Message]) -> Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::default();
        let ids: Vec<String> = messages.iter().map(|m| sql.text(m.id.clone())).collect();
        sql.text = format!(
            "SELECT * FROM message_recipients WHERE message_id IN ({}) ORDER BY created_at, recipient",
            ids.join(", ")
        );
        let rows = sql.fetch_all(self).await?;
        let now = self.clock().now();
        let index: BTreeMap<String, usize> = messages.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
        for m in messages.iter_mut() {
            m.receipts.clear();
        }
        for row in &rows {
            let id: String = row.try_get("message_id")?;
            if let Some(&i) = index.get(&id) {
                let r = receipt_row(row, &messages[i], now)?;
                messages[i].receipts.push(r);
            }
        }
        Ok(())
    }

    /// A page of the viewer's inbox or outbox, newest first, optionally
    /// only messages with all the given words.
    pub async fn list_messages(&self, ctx: &Ctx, q: &MessageQuery) -> Result<Vec<Message>> {
        if !(1..=crate::records::MAX_PAGE).contains(&q.limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("between 1 and {}", crate::records::MAX_PAGE),
            ));
        }
        let now = stamp(self.clock().now());
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let chunk = (q.limit + 1).clamp(16, 200);
        let walks: Vec<Walk> = match (text, q.mailbox) {
            (None, Mailbox::Inbox) => addresses(&ctx.viewer).into_iter().map(Walk::Address).collect(),
            (None, Mailbox::Outbox) => vec![Walk::Originator],
            (Some(t), mailbox) => match query_words(t) {
                Some(words) => {
                    // Whatever was written before this search is found by it.
                    self.flush_search().await?;
                    let tokens: Vec<String> = match mailbox {
                        Mailbox::Inbox => addresses(&ctx.viewer).iter().map(|a| token("zrcp", a)).collect(),
                        Mailbox::Outbox => vec![token("zorg", ctx.viewer.authority.as_str())],
                    };
                    // PostgreSQL sorts every GIN match before taking a page:
                    // cheap for rare words, not for common ones, which an
                    // ordered walk of the mailbox finds at once.
                    if self.backend() == Backend::Postgres && self.pg_common(&tokens, &words, chunk).await? {
                        match mailbox {
                            Mailbox::Inbox => addresses(&ctx.viewer)
                                .into_iter()
                                .map(|a| Walk::Words(Some(a), words.clone()))
                                .collect(),
                            Mailbox::Outbox => vec![Walk::Words(None, words)],
                        }
                    } else {
                        vec![Walk::Search(tokens, words)]
                    }
                }
                None => match mailbox {
                    Mailbox::Inbox => addresses(&ctx.viewer)
                        .into_iter()
                        .map(|a| Walk::Substring(Some(a), t.to_owned()))
                        .collect(),
                    Mailbox::Outbox => vec![Walk::Substring(None, t.to_owned())],
                },
            },
        };
        let mut cursor = q.before.clone();
        let mut out: Vec<Message> = Vec::new();
        let mut seen = BTreeSet::new();
        loop {
            // Each walk from the same cursor; the newest `chunk` of their union are next.
            let mut rows: Vec<(String, Message)> = Vec::new();
            // A walk that filled its chunk may have more rows older than its
            // last one: only rows at least as new as the newest such cut are
            // complete.
            let mut cut: Option<(String, String)> = None;
            for w in &walks {
                let part = self.walk(ctx, q, w, cursor.as_ref(), chunk, &now).await?;
                if let Some(key) = part.cut
                    && cut.as_ref().is_none_or(|c| key > *c)
                {
                    cut = Some(key);
                }
                rows.extend(part.rows);
            }
            rows.sort_by(|a, b| (&b.0, &b.1.id).cmp(&(&a.0, &a.1.id)));
            if let Some((c, i)) = &cut {
                rows.retain(|(listed, m)| (listed, &m.id) >= (c, i));
            }
            let more = cut.is_some();
            let mut batch: Vec<Message> = Vec::new();
            for (listed, m) in rows {
                cursor = Some((listed, m.id.clone()));
                if seen.insert(m.id.clone()) {
                    batch.push(m);
                }
            }
            // Every walk has given all its rows down to the cut, kept or not.
            if cut.is_some() {
                cursor = cut;
            }
            self.fill_receipts(&mut batch).await?;
            for m in batch {
                if self.may_read_message(ctx, &m) {
                    out.push(m);
                    if out.len() as i64 == q.limit {
                        break;
                    }
                }
            }
            if out.len() as i64 >= q.limit || !more {
                break;
            }
        }
        let ids: Vec<&str> = out.iter().map(|m| m.id.as_str()).collect();
        let action = match (q.mailbox, text.is_some()) {
            (_, true) => "message.search",
            (Mailbox::Inbox, false) => "message.inbox",
            (Mailbox::Outbox, false) => "message.outbox",
        };
        self.audit(
            &ctx.into(),
            action,
            format!("q={:?} -> [{}]", text.unwrap_or(""), ids.join(",")),
        )
        .await?;
        Ok(out)
    }
}

/// What one walk gave.
struct Walked {
    /// The rows that pass the filters, newest first.
    rows: Vec<(String, Message)>,
    /// The key of the last row looked at, when the walk stopped at its
    /// chunk; `None` when it ran out.
    cut: Option<(String, String)>,
}

/// The row estimate on the top line of a PostgreSQL plan
/// (`... (cost=1.00..2.00 rows=862 width=4)`).
fn plan_rows(top: &str) -> Result<f64> {
    top.split_once(" rows=")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| StoreError::Corrupt {
            table: "message_search",
            message: format!("a plan without a row estimate: {top}"),
        })
}

/// One ordered source of a listing.
enum Walk {
    /// Messages addressed to this addressee.
    Address(String),
    /// Messages the viewer's authority sent.
    Originator,
    /// Full-text: any of these address tokens, all of these words.
    Search(Vec<String>, Vec<String>),
    /// Substring match, in this addressee's inbox (or the outbox).
    Substring(Option<String>, String),
    /// PostgreSQL, words common in this mailbox: walk it in order and check
    /// the words per message; the page fills within a few hundred rows.
    Words(Option<String>, Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_estimates_are_read_off_the_top_line() {
        let top = "Bitmap Heap Scan on message_search  (cost=1494.68..4711.75 rows=862 width=4)";
        assert_eq!(plan_rows(top).ok(), Some(862.0));
        assert!(plan_rows("Result  (cost=0.00..0.01 width=4)").is_err());
    }

    #[test]
    fn queries_split_into_words_unless_the_script_has_no_spaces() {
        assert_eq!(
            query_words("Grey VAN, plates"),
            Some(vec!["grey".into(), "van".into(), "plates".into()])
        );
        assert_eq!(
            query_words("Ахметов-Бауыржан"),
            Some(vec!["ахметов".into(), "бауыржан".into()])
        );
        assert_eq!(query_words("北京 van"), None);
        assert_eq!(query_words(" ,;"), None);
    }

    #[test]
    fn documents_carry_one_token_per_address() {
        let doc = search_doc("grey van", "kz-police", &["ru-police".into(), "state:CN".into()]);
        assert!(doc.starts_with("grey van zorg"));
        assert_eq!(doc.split(' ').filter(|t| t.starts_with("zrcp")).count(), 2);
        assert!(doc.split(' ').all(|t| t.chars().all(char::is_alphanumeric)));
    }
}
