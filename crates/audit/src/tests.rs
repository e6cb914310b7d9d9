use super::*;

fn draft(i: i64) -> EntryDraft {
    EntryDraft {
        at: format!("2026-11-22T10:00:{:02}Z", i % 60),
        actor: format!("user-{i}"),
        authority: "aa-police".into(),
        action: "record.read".into(),
        target: format!("rec-{i}"),
        purpose: "screening".into(),
    }
}

fn chain(n: i64) -> Vec<Entry> {
    let mut prev = GENESIS;
    (1..=n)
        .map(|seq| {
            let d = draft(seq);
            let hash = link(&prev, seq, &d);
            let e = Entry {
                seq,
                draft: d,
                prev_hash: prev,
                hash,
            };
            prev = hash;
            e
        })
        .collect()
}

fn verify(entries: &[Entry], cp: Option<&Checkpoint>, key: &PublicKey) -> Result<Verified, Tamper> {
    let all: Vec<Checkpoint> = cp.into_iter().cloned().collect();
    verify_all(entries, &all, &[], key)
}

fn verify_all(
    entries: &[Entry],
    checkpoints: &[Checkpoint],
    witnessed: &[Checkpoint],
    key: &PublicKey,
) -> Result<Verified, Tamper> {
    let mut v = Verifier::new(checkpoints, witnessed, key)?;
    for e in entries {
        v.push(e)?;
    }
    let head = entries.last().map(|e| (e.seq, e.hash));
    v.finish(head)
}

#[test]
fn an_untouched_chain_verifies() {
    let key = NodeKey::generate().expect("random");
    let entries = chain(10);
    let cp = key.checkpoint(8, entries[7].hash, "2026-11-22T10:00:00Z".into());
    let ok = verify(&entries, Some(&cp), &key.public()).expect("verifies");
    assert_eq!(ok.entries, 10);
    assert_eq!(ok.checkpoint, Some(8));
}

#[test]
fn every_kind_of_tampering_is_detected() {
    let key = NodeKey::generate().expect("random");
    let entries = chain(10);
    let cp = key.checkpoint(10, entries[9].hash, "t".into());
    let pk = key.public();

    let mut edited = entries.clone();
    edited[4].draft.purpose = "curiosity".into();
    assert_eq!(verify(&edited, Some(&cp), &pk), Err(Tamper::Edited { seq: 5 }));

    let mut deleted = entries.clone();
    deleted.remove(3);
    assert_eq!(
        verify(&deleted, Some(&cp), &pk),
        Err(Tamper::SequenceGap { expected: 4, found: 5 })
    );

    // Reordered, and renumbered to hide it: the links break.
    let mut reordered = entries.clone();
    reordered.swap(2, 3);
    reordered[2].seq = 3;
    reordered[3].seq = 4;
    assert_eq!(verify(&reordered, Some(&cp), &pk), Err(Tamper::BrokenLink { seq: 3 }));

    let truncated = &entries[..7];
    assert_eq!(
        verify(truncated, Some(&cp), &pk),
        Err(Tamper::Truncated {
            last: 7,
            checkpoint: 10
        })
    );

    // Rewriting the whole chain from entry 5 on keeps the links but not the checkpoint.
    let mut rewritten = entries.clone();
    rewritten[4].draft.actor = "someone-else".into();
    for i in 4..rewritten.len() {
        let prev = if i == 0 { GENESIS } else { rewritten[i - 1].hash };
        rewritten[i].prev_hash = prev;
        rewritten[i].hash = link(&prev, rewritten[i].seq, &rewritten[i].draft);
    }
    assert_eq!(
        verify(&rewritten, Some(&cp), &pk),
        Err(Tamper::CheckpointMismatch { seq: 10 })
    );
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    let key = NodeKey::generate().expect("random");
    let forger = NodeKey::generate().expect("random");
    let entries = chain(3);
    let forged = forger.checkpoint(3, entries[2].hash, "t".into());
    assert_eq!(
        verify(&entries, Some(&forged), &key.public()),
        Err(Tamper::BadSignature { seq: 3 })
    );
}

#[test]
fn every_checkpoint_counts_and_the_witness_remembers_the_lost_ones() {
    let key = NodeKey::generate().expect("random");
    let pk = key.public();
    let entries = chain(12);
    let at = |seq: i64| key.checkpoint(seq, entries[seq as usize - 1].hash, "t".into());
    let all = vec![at(4), at(8), at(12)];
    assert!(verify_all(&entries, &all, &all, &pk).is_ok());

    // An edit before an older checkpoint, the chain rewritten past it and
    // the newest checkpoint deleted: the older one still catches it.
    let mut rewritten = entries.clone();
    rewritten[1].draft.actor = "someone-else".into();
    for i in 1..rewritten.len() {
        rewritten[i].prev_hash = rewritten[i - 1].hash;
        rewritten[i].hash = link(&rewritten[i].prev_hash, rewritten[i].seq, &rewritten[i].draft);
    }
    assert_eq!(
        verify_all(&rewritten, &all[..2], &[], &pk),
        Err(Tamper::CheckpointMismatch { seq: 4 })
    );

    // The tail cut with the checkpoints over it: the witness knows.
    assert_eq!(
        verify_all(&entries[..6], &all[..1], &all, &pk),
        Err(Tamper::CheckpointLost { seq: 8 })
    );
    // Every checkpoint deleted and the whole chain rewritten.
    assert_eq!(
        verify_all(&rewritten, &[], &all, &pk),
        Err(Tamper::CheckpointLost { seq: 4 })
    );
    // A checkpoint changed under the witness.
    let other = key.checkpoint(8, entries[6].hash, "t".into());
    assert_eq!(
        verify_all(&entries, &[at(4), other.clone(), at(12)], &all, &pk),
        Err(Tamper::CheckpointLost { seq: 8 })
    );
    // Reordered or duplicated checkpoints.
    assert_eq!(
        verify_all(&entries, &[at(8), at(4)], &[], &pk),
        Err(Tamper::CheckpointOrder { seq: 4, after: 8 })
    );
    // A forged line in the witness.
    let forger = NodeKey::generate().expect("random");
    let forged = forger.checkpoint(8, entries[7].hash, "t".into());
    assert_eq!(
        verify_all(&entries, &all, &[forged], &pk),
        Err(Tamper::BadSignature { seq: 8 })
    );
}

#[test]
fn checkpoints_round_trip_through_witness_lines() {
    let key = NodeKey::generate().expect("random");
    let cp = key.checkpoint(42, [7; 32], "2026-12-03T09:00:00.000000Z".into());
    assert_eq!(Checkpoint::from_line(&cp.to_line()), Ok(cp.clone()));
    for bad in ["", "x", "42 00", &cp.to_line().replace(' ', "  "), "42 zz zz t"] {
        assert!(Checkpoint::from_line(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn keys_round_trip_through_hex() {
    let key = NodeKey::generate().expect("random");
    let again = NodeKey::from_hex(&key.to_hex()).expect("valid");
    assert_eq!(key.public(), again.public());
    assert!(NodeKey::from_hex("abcd").is_err());
    assert!(NodeKey::from_hex("zz").is_err());
}
