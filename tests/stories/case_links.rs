//! Links between the objects of one case: made only by a reader of both
//! ends, shown only to a reader of the other end, stored once whichever
//! way round, audited. Each story runs on SQLite and PostgreSQL.

use crate::legal::request;
use concord_app::Refusal;
use concord_app::case_links as links;
use concord_app::operations as ops;
use concord_domain::operation::OperationInput;
use concord_domain::{HandlingCode, StateCode};
use concord_stories::{analyst, officer, story};

fn operation(f: &concord_stories::Fixture, name: &str, participants: &[&str]) -> OperationInput {
    OperationInput {
        name: name.into(),
        description: "synthetic".into(),
        participants: participants.iter().map(|s| StateCode::from(*s)).collect(),
        starts: f.store.clock().today(),
        ends: f.store.clock().today() + time::Duration::days(30),
        handling: HandlingCode::open(),
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, message }) => format!("{field}: {message}"),
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(a_link_is_seen_only_by_readers_of_both_ends, |f| {
    let kz = officer(&f, "kz-police");
    let cn = officer(&f, "cn-police");
    let ru = officer(&f, "ru-police");
    let ours = ops::plan(&f.store, &kz, operation(&f, "Mouse Trap", &["KZ", "CN"]))
        .await
        .expect("kz-cn");
    let theirs = ops::plan(&f.store, &cn, operation(&f, "Hidden Route", &["CN", "RU"]))
        .await
        .expect("cn-ru");
    let kz_prosecutor = officer(&f, "kz-prosecutor");
    let mla = concord_app::legal::draft(&f.store, &kz_prosecutor, request(&f))
        .await
        .expect("draft");

    // Kazakhstan cannot read the China-Russia operation: it may not link
    // to it, and the refusal is the one an id that does not exist gets.
    let hidden = field(links::link(&f.store, &kz, &ours.id, &theirs.id, "").await);
    let missing = field(links::link(&f.store, &kz, &ours.id, "op-00000000000000000000000000000000", "").await);
    assert_eq!(
        hidden.replace(&theirs.id, "ID"),
        missing.replace("op-00000000000000000000000000000000", "ID")
    );

    // China reads both and links them, with a note.
    let l = links::link(&f.store, &cn, &theirs.id, &ours.id, "same couriers")
        .await
        .expect("link");
    assert_eq!(l.other.id, ours.id);
    assert_eq!(l.title, "Mouse Trap");
    // The same pair the other way round is the same link.
    assert!(matches!(
        links::link(&f.store, &cn, &ours.id, &theirs.id, "again").await,
        Err(Refusal::Conflict(_))
    ));
    let cn_sees = links::of(&f.store, &cn, &ours.id).await.expect("cn");
    assert_eq!(cn_sees.len(), 1);
    assert_eq!(
        (cn_sees[0].other.id.as_str(), cn_sees[0].link.note.as_str()),
        (theirs.id.as_str(), "same couriers")
    );
    assert_eq!(cn_sees[0].title, "Hidden Route");

    // Kazakhstan reads its operation, but not the other end: no link, no
    // count, no name of the hidden operation.
    assert!(links::of(&f.store, &kz, &ours.id).await.expect("kz").is_empty());
    // Russia reads the other end only: the same.
    assert!(links::of(&f.store, &ru, &theirs.id).await.expect("ru").is_empty());
    // Neither may list the links of what it cannot read.
    assert!(matches!(
        links::of(&f.store, &kz, &theirs.id).await,
        Err(Refusal::NotFound(_))
    ));
    assert!(matches!(
        links::of(&f.store, &ru, &ours.id).await,
        Err(Refusal::NotFound(_))
    ));

    // A draft is its office's alone: China cannot link to it, Kazakhstan's
    // prosecutor links it to the operation it reads.
    field(links::link(&f.store, &cn, &ours.id, &mla.id, "").await);
    links::link(
        &f.store,
        &kz_prosecutor,
        &mla.id,
        &ours.id,
        "evidence for this operation",
    )
    .await
    .expect("kz prosecutor");
    let kz_police_sees = links::of(&f.store, &kz, &ours.id).await.expect("kz police");
    assert!(
        kz_police_sees.is_empty(),
        "the police do not read the prosecutor's draft"
    );
    let both = links::of(&f.store, &kz_prosecutor, &mla.id).await.expect("prosecutor");
    assert_eq!(both.len(), 1);

    // Wrong input: the field and the reason.
    assert!(field(links::link(&f.store, &cn, &ours.id, "rec-1", "").await).starts_with("to:"));
    assert!(field(links::link(&f.store, &cn, "", &ours.id, "").await).starts_with("from:"));
    assert!(field(links::link(&f.store, &cn, &ours.id, &ours.id, "").await).contains("itself"));
    assert!(field(links::link(&f.store, &cn, &ours.id, &theirs.id, &"x".repeat(2001)).await).starts_with("note:"));
    // Linking takes an officer or supervisor.
    let analyst = analyst(&f, "cn-police");
    assert!(matches!(
        links::link(&f.store, &analyst, &ours.id, &mla.id, "").await,
        Err(Refusal::Forbidden(_))
    ));

    // Each link is in the audit log.
    let logged = f.store.audit_mentioning(&l.link.id, 10).await.expect("audit");
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].draft.action, "case.link");
});
