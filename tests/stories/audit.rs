use concord_audit::Tamper;
use concord_store::{Actor, Backend, StoreError};
use concord_stories::{Fixture, story};
use sqlx::{AnyConnection, Connection, Row};

/// A raw connection that can rewrite the log, as an intruder with database
/// access could: the append-only triggers are removed first.
async fn intruder(f: &Fixture) -> AnyConnection {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&f.url).await.expect("connect");
    let sql = match f.backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;",
    };
    sqlx::raw_sql(sql).execute(&mut conn).await.expect("drop the guard");
    conn
}

async fn fill(f: &Fixture, n: usize) {
    let actor = Actor {
        id: "usr-1".into(),
        authority: "kz-police".into(),
        purpose: "case 7".into(),
    };
    for i in 0..n {
        f.store
            .audit(&actor, "record.read", format!("rec-{i}"))
            .await
            .expect("append");
    }
}

async fn snapshot(conn: &mut AnyConnection) -> Vec<Vec<String>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, authority, action, target, purpose, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read");
    rows.iter()
        .map(|r| {
            let mut v = vec![r.try_get::<i64, _>(0).expect("seq").to_string()];
            v.extend((1..9).map(|i| r.try_get::<String, _>(i).expect("text")));
            v
        })
        .collect()
}

async fn restore(conn: &mut AnyConnection, rows: &[Vec<String>]) {
    sqlx::query("DELETE FROM audit_log")
        .execute(&mut *conn)
        .await
        .expect("clear");
    for r in rows {
        let mut q = sqlx::query("INSERT INTO audit_log (seq, at, actor, authority, action, target, purpose, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(r[0].parse::<i64>().expect("seq"));
        for v in &r[1..] {
            q = q.bind(v.clone());
        }
        q.execute(&mut *conn).await.expect("restore");
    }
    let last = rows.last().expect("rows");
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2")
        .bind(last[0].parse::<i64>().expect("seq"))
        .bind(last[8].clone())
        .execute(&mut *conn)
        .await
        .expect("head");
}

async fn verify(f: &Fixture) -> Result<concord_audit::Verified, Tamper> {
    match f.store.verify_audit(&f.key.public()).await {
        Ok(v) => Ok(v),
        Err(StoreError::Tampered(t)) => Err(t),
        Err(e) => panic!("verification failed for another reason: {e}"),
    }
}

story!(the_log_is_append_only_in_the_database, |f| {
    fill(&f, 3).await;
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&f.url).await.expect("connect");
    let update = sqlx::query("UPDATE audit_log SET purpose = 'x' WHERE seq = 2")
        .execute(&mut conn)
        .await;
    assert!(update.is_err(), "an UPDATE must be refused");
    let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&mut conn)
        .await;
    assert!(delete.is_err(), "a DELETE must be refused");
    assert_eq!(verify(&f).await.expect("intact").entries, 4);
});

story!(
    entries_in_every_script_and_empty_fields_link_as_the_verifier_expects,
    |f| {
        // On PostgreSQL the database computes each link; multibyte text and
        // empty fields check its length prefixes against the Rust verifier.
        for (purpose, target) in [
            ("проверка по делу № 7", "rec-Ж"),
            ("案件调查", "记录-一"),
            ("تحقیق پرونده", "rec-ع"),
            ("जाँच", "rec-क"),
            ("", ""),
        ] {
            let actor = Actor {
                id: "usr-1".into(),
                authority: "kz-police".into(),
                purpose: purpose.into(),
            };
            f.store.audit(&actor, "record.read", target).await.expect("append");
        }
        let page = f.store.audit_entries(0, 100).await.expect("entries");
        let last = page.entries.last().expect("an entry");
        assert_eq!(last.draft.purpose, "");
        assert_eq!(page.entries.iter().filter(|e| e.draft.purpose == "案件调查").count(), 1);
        assert_eq!(verify(&f).await.expect("every link verifies").entries, 6);
    }
);

story!(edits_deletions_reorderings_and_truncations_are_detected, |f| {
    fill(&f, 40).await;
    let ok = verify(&f).await.expect("an untouched log verifies");
    assert_eq!(ok.entries, 41, "40 reads and the configuration load");
    assert_eq!(ok.checkpoint, Some(32));
    let mut conn = intruder(&f).await;
    let original = snapshot(&mut conn).await;

    sqlx::query("UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 7")
        .execute(&mut conn)
        .await
        .expect("edit");
    assert_eq!(verify(&f).await, Err(Tamper::Edited { seq: 7 }));
    restore(&mut conn, &original).await;
    assert!(verify(&f).await.is_ok(), "restored");

    sqlx::query("DELETE FROM audit_log WHERE seq = 12")
        .execute(&mut conn)
        .await
        .expect("delete");
    assert_eq!(
        verify(&f).await,
        Err(Tamper::SequenceGap {
            expected: 12,
            found: 13
        })
    );
    restore(&mut conn, &original).await;

    // Swap the contents of entries 20 and 21, keeping the numbering.
    let mut swapped = original.clone();
    let (a, b) = (swapped[19].clone(), swapped[20].clone());
    swapped[19] = [vec![a[0].clone()], b[1..].to_vec()].concat();
    swapped[20] = [vec![b[0].clone()], a[1..].to_vec()].concat();
    restore(&mut conn, &swapped).await;
    assert!(matches!(
        verify(&f).await,
        Err(Tamper::BrokenLink { seq: 20 } | Tamper::Edited { seq: 20 })
    ));
    restore(&mut conn, &original).await;

    // Truncate the tail and move the head back to hide it: the checkpoint at 32 catches it.
    restore(&mut conn, &original[..25]).await;
    assert_eq!(
        verify(&f).await,
        Err(Tamper::Truncated {
            last: 25,
            checkpoint: 32
        })
    );
    // Truncate without touching the head: the head catches it.
    restore(&mut conn, &original).await;
    sqlx::query("DELETE FROM audit_log WHERE seq > 38")
        .execute(&mut conn)
        .await
        .expect("truncate");
    assert_eq!(verify(&f).await, Err(Tamper::HeadMismatch { head: 41, last: 38 }));
    restore(&mut conn, &original).await;

    // A forged checkpoint signed by another key is refused.
    let forger = concord_audit::NodeKey::generate().expect("random");
    let cp = forger.checkpoint(41, [0; 32], "2026-11-22T09:00:00Z".into());
    sqlx::query("INSERT INTO audit_checkpoints (seq, head, at, signature, public_key) VALUES ($1, $2, $3, $4, $5)")
        .bind(41_i64)
        .bind(hex::encode(cp.head))
        .bind(cp.at.clone())
        .bind(hex::encode(cp.signature))
        .bind(hex::encode(forger.public().as_bytes()))
        .execute(&mut conn)
        .await
        .expect("forge");
    assert_eq!(verify(&f).await, Err(Tamper::BadSignature { seq: 41 }));
    conn.close().await.ok();
});

story!(concurrent_appends_keep_one_unbroken_chain, |f| {
    let mut tasks = Vec::new();
    for t in 0..8 {
        let store = f.store.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor {
                id: format!("usr-{t}"),
                authority: "cn-police".into(),
                purpose: "load".into(),
            };
            for i in 0..25 {
                store
                    .audit(&actor, "record.read", format!("rec-{t}-{i}"))
                    .await
                    .expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let v = verify(&f).await.expect("one chain");
    assert_eq!(v.entries, 201);
});
