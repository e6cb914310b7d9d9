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

/// `rows` with entry `seq`'s purpose changed and every link from there on
/// recomputed, as an intruder who knows the chain's construction would.
fn rewritten(rows: &[Vec<String>], seq: usize) -> Vec<Vec<String>> {
    let mut out = rows.to_vec();
    out[seq - 1][6] = "rewritten".into();
    for i in seq - 1..out.len() {
        let prev = if i == 0 {
            concord_audit::GENESIS
        } else {
            <[u8; 32]>::try_from(hex::decode(&out[i - 1][8]).expect("hex")).expect("32 bytes")
        };
        let r = &out[i];
        let draft = concord_audit::EntryDraft {
            at: r[1].clone(),
            actor: r[2].clone(),
            authority: r[3].clone(),
            action: r[4].clone(),
            target: r[5].clone(),
            purpose: r[6].clone(),
        };
        let hash = concord_audit::link(&prev, r[0].parse().expect("seq"), &draft);
        out[i][7] = hex::encode(prev);
        out[i][8] = hex::encode(hash);
    }
    out
}

async fn delete_checkpoints_after(conn: &mut AnyConnection, seq: i64) {
    sqlx::query("DELETE FROM audit_checkpoints WHERE seq > $1")
        .bind(seq)
        .execute(&mut *conn)
        .await
        .expect("delete checkpoints");
}

story!(checkpoints_cut_rewritten_or_deleted_are_caught, |f| {
    fill(&f, 40).await;
    let dir = tempfile::tempdir().expect("directory");
    let witness = dir.path().join("audit.witness");
    let mut options = concord_store::Options::new(f.clock.clone(), Some(f.key.clone()));
    options.checkpoint_every = 16;
    options.witness = Some(witness.clone());
    let node = concord_store::Store::open(&f.url, options)
        .await
        .expect("open with a witness");
    assert_eq!(
        node.witness_checkpoints().await.expect("witness"),
        2,
        "checkpoints 16 and 32"
    );
    assert_eq!(node.witness_checkpoints().await.expect("witness"), 0, "each once");
    let checked = |store: &concord_store::Store| {
        let store = store.clone();
        let key = f.key.public();
        async move {
            match store.verify_audit(&key).await {
                Ok(v) => Ok(v),
                Err(StoreError::Tampered(t)) => Err(t),
                Err(e) => panic!("verification failed for another reason: {e}"),
            }
        }
    };
    assert!(checked(&node).await.is_ok());

    // A forged line added to the witness is refused, not trusted.
    let kept = std::fs::read_to_string(&witness).expect("witness");
    let forger = concord_audit::NodeKey::generate().expect("random");
    let forged = forger.checkpoint(41, [0; 32], "2026-11-22T09:00:00Z".into());
    std::fs::write(&witness, format!("{kept}{}\n", forged.to_line())).expect("forge a witness line");
    assert_eq!(checked(&node).await, Err(Tamper::BadSignature { seq: 41 }));
    std::fs::write(&witness, kept).expect("put the witness back");

    let mut conn = intruder(&f).await;
    let original = snapshot(&mut conn).await;

    // The tail cut, with the checkpoint over it and the head moved back:
    // the database alone is consistent, the witness is not.
    restore(&mut conn, &original[..20]).await;
    delete_checkpoints_after(&mut conn, 20).await;
    assert!(verify(&f).await.is_ok(), "without a witness the cut is consistent");
    assert_eq!(checked(&node).await, Err(Tamper::CheckpointLost { seq: 32 }));
    restore(&mut conn, &original).await;
    node.checkpoint().await.expect("checkpoint 32 again");
    assert!(
        checked(&node).await.is_err(),
        "a checkpoint re-signed at another entry does not stand in for the lost one"
    );

    // Every checkpoint deleted and the whole chain rewritten from entry 1.
    restore(&mut conn, &rewritten(&original, 1)).await;
    delete_checkpoints_after(&mut conn, 0).await;
    assert!(
        verify(&f).await.is_ok(),
        "without a witness a rewritten log is consistent"
    );
    assert_eq!(checked(&node).await, Err(Tamper::CheckpointLost { seq: 16 }));
    conn.close().await.ok();
    node.close().await;
});

story!(
    an_edit_past_the_last_checkpoint_is_caught_once_the_head_is_signed,
    |f| {
        fill(&f, 40).await;
        let mut conn = intruder(&f).await;
        let original = snapshot(&mut conn).await;
        // Entries 33 to 41 are past the checkpoint at 32: signing the head (as
        // a node does every 30 seconds and at shutdown) covers them.
        f.store.checkpoint().await.expect("sign the head");
        restore(&mut conn, &rewritten(&original, 35)).await;
        assert_eq!(verify(&f).await, Err(Tamper::CheckpointMismatch { seq: 41 }));
        // Deleting the checkpoint over the edit leaves the older ones to check,
        // and an edit under them is caught by them.
        restore(&mut conn, &rewritten(&original, 10)).await;
        delete_checkpoints_after(&mut conn, 16).await;
        assert_eq!(verify(&f).await, Err(Tamper::CheckpointMismatch { seq: 16 }));
        conn.close().await.ok();
    }
);
