//! The unified list by consensus: proposal, compliance review, silence
//! period, one objection blocks, silence accepts, delisting, national lists.

use concord_app::Refusal;
use concord_domain::workflow::designation::{ActKind, Criteria, Direction, Position, Stage};
use concord_domain::{
    Category, Checklist, Classification, HandlingCode, LegalBasis, MembershipEvent, MembershipStatus, RecordKind, Role,
    Roles,
};
use concord_store::{Actor, Ctx, ProposalInput, StoreError};
use concord_stories::{ALL_TICKED, Fixture, START, analyst, ctx, officer, sample_input, story};
use time::Duration;

fn supervisor(f: &Fixture, authority: &str) -> Ctx {
    officer(f, authority)
}

fn reviewer(f: &Fixture) -> Ctx {
    ctx(
        &f.store,
        "structure-supervisor",
        "structure",
        Roles::of([Role::Supervisor]),
        Classification::Secret,
    )
}

/// An approved organization record of `authority`, distributed to all members.
async fn organization(f: &Fixture, authority: &str, name: &str, handling: HandlingCode) -> String {
    let c = officer(f, authority);
    let r = concord_app::records::create(&f.store, &c, sample_input(RecordKind::Organization, name, handling))
        .await
        .expect("record");
    concord_app::records::decide_compliance(&f.store, &c, &r.id, true, ALL_TICKED, "acts described", r.version)
        .await
        .expect("approve");
    r.id
}

fn proposal(direction: Direction, record_id: &str) -> ProposalInput {
    ProposalInput {
        direction,
        record_id: record_id.into(),
        new_organization: None,
        legal_basis: LegalBasis {
            instrument: "shanghai-convention-2001".into(),
            article: "1.1.3".into(),
            category: Category::Terrorism,
        },
        evidence: "Bombed a railway bridge and claimed it in a statement (synthetic).".into(),
        criteria: Criteria {
            act_kind: Some(ActKind::Terrorism),
            acts: "bombing of a railway bridge".into(),
            when: "March 2024".into(),
            place: "Region A".into(),
            attribution: "claimed in a statement; two members convicted".into(),
        },
    }
}

const MEMBERS: [&str; 10] = ["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR", "BY"];

fn security(state: &str) -> String {
    format!("{}-security-service", state.to_lowercase())
}

story!(a_listing_passes_review_and_silence_adopts_it, |f| {
    let kz = supervisor(&f, "kz-security-service");
    let structure = reviewer(&f);
    let org = organization(&f, "kz-security-service", "Bridge Front", HandlingCode::open()).await;
    let p = concord_app::designations::propose(&f.store, &kz, proposal(Direction::Listing, &org))
        .await
        .expect("propose");
    assert_eq!(p.stage, Stage::ComplianceReview);
    // One open proposal per organization.
    let cn = supervisor(&f, "cn-security-service");
    assert!(matches!(
        concord_app::designations::propose(&f.store, &cn, proposal(Direction::Listing, &org)).await,
        Err(Refusal::Conflict(_))
    ));
    // Only the structure's supervisors review, and only with every item ticked.
    assert!(matches!(
        concord_app::designations::review(&f.store, &kz, &p.id, true, ALL_TICKED, "").await,
        Err(Refusal::Forbidden(_))
    ));
    let partial = Checklist {
        not_on_protected_grounds_alone: false,
        ..ALL_TICKED
    };
    let refused = concord_app::designations::review(&f.store, &structure, &p.id, true, partial, "").await;
    assert!(
        matches!(&refused, Err(Refusal::Conflict(m)) if m.contains("not_on_protected_grounds_alone")),
        "{refused:?}"
    );
    let returned = concord_app::designations::review(
        &f.store,
        &structure,
        &p.id,
        false,
        ALL_TICKED,
        "attribution rests on one claim only",
    )
    .await
    .expect("return");
    assert_eq!(returned.stage, Stage::Returned);
    assert!(
        concord_app::designations::proposer_step(&f.store, &cn, &p.id, false, "")
            .await
            .is_err(),
        "CN resubmitted KZ's proposal"
    );
    concord_app::designations::proposer_step(&f.store, &kz, &p.id, false, "convictions added")
        .await
        .expect("resubmit");
    let open = concord_app::designations::review(&f.store, &structure, &p.id, true, ALL_TICKED, "")
        .await
        .expect("pass");
    assert_eq!(open.stage, Stage::SilencePeriod);
    assert_eq!(open.electorate.len(), MEMBERS.len());
    assert_eq!(open.positions.len(), 1, "the proposer accepts by proposing");

    let ru = supervisor(&f, "ru-police");
    concord_app::designations::vote(&f.store, &ru, &p.id, Position::Accept, "")
        .await
        .expect("ru accepts");
    let notes = f.store.notifications(&ru, 50).await.expect("notes");
    assert!(notes.iter().any(|n| n.subject_id == p.id), "members are told to act");

    // The period ends: silence is acceptance.
    f.clock.advance(Duration::days(30));
    assert_eq!(
        f.store.designation(&ru, &p.id).await.expect("read").stage,
        Stage::SilencePeriod
    );
    f.clock.advance(Duration::hours(1));
    let adopted = f.store.designation(&ru, &p.id).await.expect("read");
    assert_eq!(adopted.stage, Stage::Adopted);
    let silent = adopted
        .positions
        .iter()
        .filter(|x| x.position == Position::Silent)
        .count();
    assert_eq!(silent, MEMBERS.len() - 2);
    let actions: Vec<&str> = adopted.timeline.iter().map(|t| t.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "propose-listing",
            "compliance-return",
            "resubmit",
            "compliance-pass",
            "accept",
            "silence-ended"
        ]
    );
    let late = concord_app::designations::vote(&f.store, &cn, &p.id, Position::Object, "too late").await;
    assert!(matches!(late, Err(Refusal::Conflict(_))), "{late:?}");

    let list = f.store.common_list(&ru).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].record_id, org);
    assert_eq!(list[0].history.len(), 6);
    assert!(matches!(
        concord_app::designations::propose(&f.store, &cn, proposal(Direction::Listing, &org)).await,
        Err(Refusal::Conflict(_))
    ));

    // Delisting follows the same path; here every member accepts at once.
    let d = concord_app::designations::propose(&f.store, &cn, proposal(Direction::Delisting, &org))
        .await
        .expect("delisting");
    concord_app::designations::review(&f.store, &structure, &d.id, true, ALL_TICKED, "")
        .await
        .expect("pass");
    for state in MEMBERS.iter().filter(|s| **s != "CN") {
        let voter = supervisor(&f, &security(state));
        concord_app::designations::vote(&f.store, &voter, &d.id, Position::Accept, "")
            .await
            .expect("accept");
    }
    let d = f.store.designation(&ru, &d.id).await.expect("read");
    assert_eq!(d.stage, Stage::Adopted);
    assert!(f.store.common_list(&ru).await.expect("list").is_empty());
});

story!(one_objection_blocks_and_bad_votes_change_nothing, |f| {
    let kz = supervisor(&f, "kz-security-service");
    let org = organization(&f, "kz-security-service", "Valley Brigade", HandlingCode::open()).await;
    let p = concord_app::designations::propose(&f.store, &kz, proposal(Direction::Listing, &org))
        .await
        .expect("propose");
    let early =
        concord_app::designations::vote(&f.store, &supervisor(&f, "cn-police"), &p.id, Position::Accept, "").await;
    assert!(
        matches!(&early, Err(Refusal::Conflict(m)) if m.contains("compliance-review")),
        "{early:?}"
    );
    concord_app::designations::review(&f.store, &reviewer(&f), &p.id, true, ALL_TICKED, "")
        .await
        .expect("pass");

    // Uzbekistan is suspended from tomorrow.
    let mut config = concord_config::sco().expect("config");
    let uz = config
        .registry
        .states
        .get_mut(&concord_domain::StateCode::from("UZ"))
        .expect("UZ");
    uz.membership.push(MembershipEvent {
        since: START.date() + Duration::days(1),
        status: MembershipStatus::Suspended,
    });
    f.store
        .apply_config(&config, &Actor::system("test"))
        .await
        .expect("config");
    f.clock.advance(Duration::days(2));

    let analyst = analyst(&f, "cn-police");
    let cases: Vec<(Ctx, Position, &str, &str)> = vec![
        (analyst, Position::Accept, "", "supervisor"),
        (reviewer(&f), Position::Accept, "", "member states"),
        (supervisor(&f, "cn-police"), Position::Object, " ", "reasons"),
        (supervisor(&f, "cn-police"), Position::Silent, "", "silence"),
        (
            supervisor(&f, "kz-police"),
            Position::Object,
            "changed our mind",
            "already",
        ),
    ];
    for (who, position, reasons, expected) in cases {
        match concord_app::designations::vote(&f.store, &who, &p.id, position, reasons).await {
            Err(Refusal::Conflict(m) | Refusal::Forbidden(m)) => {
                assert!(m.contains(expected), "{} {position}: {m}", who.viewer.authority);
            }
            other => panic!("{} {position}: {other:?}", who.viewer.authority),
        }
    }
    // A suspended state sees nothing shared: not even the proposal.
    assert!(matches!(
        concord_app::designations::vote(&f.store, &supervisor(&f, "uz-police"), &p.id, Position::Accept, "").await,
        Err(Refusal::NotFound(_))
    ));
    let unchanged = f.store.designation(&kz, &p.id).await.expect("read");
    assert_eq!(unchanged.stage, Stage::SilencePeriod);
    assert_eq!(unchanged.positions.len(), 1);
    assert_eq!(unchanged.version, p.version + 1, "only the review changed it");

    let blocked = concord_app::designations::vote(
        &f.store,
        &supervisor(&f, "tj-police"),
        &p.id,
        Position::Object,
        "the acts are not attributed",
    )
    .await
    .expect("object");
    assert_eq!(blocked.stage, Stage::Blocked);
    let objection = blocked.positions.iter().find(|x| x.state == "TJ").expect("TJ position");
    assert_eq!(objection.reasons, "the acts are not attributed");
    assert!(f.store.common_list(&kz).await.expect("list").is_empty());
    // A blocked proposal can be followed by a new one.
    assert!(
        concord_app::designations::propose(&f.store, &kz, proposal(Direction::Listing, &org))
            .await
            .is_ok()
    );
});

story!(proposals_follow_the_access_model, |f| {
    let kz = supervisor(&f, "kz-security-service");
    let ru = supervisor(&f, "ru-police");
    let pending = concord_app::records::create(
        &f.store,
        &ru,
        sample_input(RecordKind::Organization, "Unreviewed Group", HandlingCode::open()),
    )
    .await
    .expect("record")
    .id;
    let mut narrow = HandlingCode::open();
    narrow.distribution = "states:KZ,RU".parse().expect("distribution");
    let narrow = organization(&f, "kz-security-service", "Narrow Cell", narrow).await;
    let person = {
        let r = concord_app::records::create(
            &f.store,
            &kz,
            sample_input(RecordKind::Person, "Some Person", HandlingCode::open()),
        )
        .await
        .expect("person");
        concord_app::records::decide_compliance(&f.store, &kz, &r.id, true, ALL_TICKED, "ok", r.version)
            .await
            .expect("approve");
        r.id
    };
    let mut secret = HandlingCode::open();
    secret.classification = Classification::Secret;
    let secret = organization(&f, "kz-security-service", "Secret Circle", secret).await;

    let mut no_criteria = proposal(Direction::Listing, &secret);
    no_criteria.criteria.attribution.clear();
    let mut bad_article = proposal(Direction::Listing, &secret);
    bad_article.legal_basis.article = "99".into();
    for (input, field) in [
        (proposal(Direction::Listing, &pending), "record_id"),
        (proposal(Direction::Listing, &narrow), "record_id"),
        (proposal(Direction::Listing, &person), "record_id"),
        (proposal(Direction::Listing, "rec-missing"), "record_id"),
        (proposal(Direction::Delisting, &secret), "conflict"),
        (no_criteria, "criteria"),
        (bad_article, "legal_basis.article"),
    ] {
        match concord_app::designations::propose(&f.store, &kz, input).await {
            Err(Refusal::Invalid { field: got, .. }) => assert_eq!(got, field),
            Err(Refusal::Conflict(_)) => assert_eq!(field, "conflict"),
            other => panic!("{field}: {other:?}"),
        }
    }
    let analyst = analyst(&f, "kz-police");
    assert!(matches!(
        concord_app::designations::propose(&f.store, &analyst, proposal(Direction::Listing, &secret)).await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(matches!(
        concord_app::designations::propose(&f.store, &reviewer(&f), proposal(Direction::Listing, &secret)).await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(
        f.store.designations(&kz, None).await.expect("list").is_empty(),
        "a refused proposal was written"
    );

    // A proposal about a secret record is hidden from those without the clearance.
    let p = concord_app::designations::propose(&f.store, &kz, proposal(Direction::Listing, &secret))
        .await
        .expect("propose");
    let low = ctx(
        &f.store,
        "cn-low",
        "cn-police",
        Roles::of([Role::Supervisor]),
        Classification::Confidential,
    );
    assert!(f.store.designations(&low, None).await.expect("list").is_empty());
    assert!(matches!(
        f.store.designation(&low, &p.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        concord_app::designations::vote(&f.store, &low, &p.id, Position::Object, "no").await,
        Err(Refusal::NotFound(_))
    ));
    assert_eq!(
        f.store
            .designations(&ru, Some(Stage::ComplianceReview))
            .await
            .expect("list")
            .len(),
        1
    );
    assert!(
        f.store
            .designations(&ru, Some(Stage::Adopted))
            .await
            .expect("list")
            .is_empty()
    );
});

story!(national_lists_stand_beside_the_common_one, |f| {
    let kz = supervisor(&f, "kz-security-service");
    let ru = supervisor(&f, "ru-police");
    let common = organization(&f, "kz-security-service", "Common Foe", HandlingCode::open()).await;
    let national = organization(&f, "ru-police", "Local Gang", HandlingCode::open()).await;
    let p = concord_app::designations::propose(&f.store, &kz, proposal(Direction::Listing, &common))
        .await
        .expect("propose");
    concord_app::designations::review(&f.store, &reviewer(&f), &p.id, true, ALL_TICKED, "")
        .await
        .expect("pass");
    f.clock.advance(Duration::days(31));
    concord_app::designations::set_national_entry(
        &f.store,
        &ru,
        &national,
        Some(START.date()),
        "court decision 12/2024",
    )
    .await
    .expect("add");
    let d = f.store.list_differences(&kz, &"RU".into()).await.expect("diff");
    assert_eq!(d.only_common, [(common.clone(), "Common Foe".to_owned())]);
    assert_eq!(d.only_national, [(national.clone(), "Local Gang".to_owned())]);
    concord_app::designations::set_national_entry(&f.store, &ru, &common, Some(START.date() + Duration::days(31)), "")
        .await
        .expect("add");
    let d = f.store.list_differences(&kz, &"RU".into()).await.expect("diff");
    assert!(d.only_common.is_empty());
    concord_app::designations::set_national_entry(&f.store, &ru, &national, None, "")
        .await
        .expect("remove");
    assert_eq!(f.store.national_list(&kz, &"RU".into()).await.expect("list").len(), 1);
    // Only a state's supervisors keep its list.
    let analyst = analyst(&f, "ru-police");
    assert!(matches!(
        concord_app::designations::set_national_entry(&f.store, &analyst, &national, Some(START.date()), "").await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(
        concord_app::designations::set_national_entry(&f.store, &reviewer(&f), &national, Some(START.date()), "")
            .await
            .is_err()
    );

    // The common list exports as CSV and as FtM that followthemoney accepts.
    let list = f.store.common_list(&ru).await.expect("list");
    let csv = concord_exchange::unified_list::to_csv(&list).expect("csv");
    assert!(csv.starts_with("record_id,organization,designation_id,listed_at,history"));
    assert!(csv.contains("Common Foe") && csv.contains("silence-ended"));
    let ftm = concord_exchange::unified_list::to_ftm(&list).expect("ftm");
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("list.jsonl");
    std::fs::write(&path, ftm).expect("write");
    if crate::exchange::has_followthemoney() {
        let out = std::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/validate_ftm.py"))
            .arg(&path)
            .output()
            .expect("python3");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && report.contains("2 entities, 0 problems"),
            "{report}"
        );
    }
});

story!(the_unified_list_over_http, |f| {
    use crate::http::{app, call, login};
    use axum::http::StatusCode;
    use serde_json::json;

    let app = app(&f).await;
    let cn = login(&app, "cn.officer").await;
    let org = organization(&f, "cn-security-service", "Harbour Network", HandlingCode::open()).await;
    let body = json!({
        "direction": "listing",
        "record_id": org,
        "instrument": "shanghai-convention-2001",
        "article": "1.1.3",
        "evidence": "Smuggled explosives through the harbour in 2024 (synthetic).",
        "criteria": {"act_kind": "terrorism", "acts": "explosives smuggling", "when": "2024", "place": "Harbour B",
                     "attribution": "seized shipment addressed to its leader"}
    });
    let mut bad = body.clone();
    bad["direction"] = json!("banning");
    let (status, err) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(bad)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("direction"))
    );
    let mut bad = body.clone();
    bad["criteria"]["motive"] = json!("religion");
    let (status, err) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(bad)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("criteria.motive"))
    );
    let (status, p) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().expect("id");
    assert_eq!(p["stage"], "compliance-review");

    let review = json!({"pass": true, "checklist": {"criminal_act_described": true, "legal_basis_cites_article": true,
                        "not_on_protected_grounds_alone": true}});
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/v1/designations/{id}/review"),
        Some(&cn),
        Some(review),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = call(
        &app,
        "POST",
        &format!("/api/v1/designations/{id}/positions"),
        Some(&cn),
        Some(json!({"position": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(err["message"].as_str().expect("message").contains("compliance-review"));
    let (status, list) = call(
        &app,
        "GET",
        "/api/v1/designations?stage=compliance-review",
        Some(&cn),
        None,
    )
    .await;
    assert_eq!((status, list[0]["id"].as_str()), (StatusCode::OK, Some(id)));
    let (status, csv) = call(&app, "GET", "/api/v1/common-list?format=csv", Some(&cn), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.as_str().expect("text").starts_with("record_id,"));
    let (status, err) = call(&app, "GET", "/api/v1/common-list?format=xml", Some(&cn), None).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("format"))
    );
    let (status, diff) = call(&app, "GET", "/api/v1/national-lists/CN/differences", Some(&cn), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(diff["only_common"], json!([]));

    // An organization created with its proposal: errors name the nested field.
    let mut new_org = crate::http::record_json("organization", "Delta Cells", "restricted");
    let mut with_new = body_template(&new_org);
    let (status, p) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(with_new.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["organization"], "Delta Cells");
    new_org["facts"]["names"][0]["full"] = json!(42);
    with_new["organization"] = new_org.clone();
    let (status, err) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(with_new.clone())).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("organization.facts.names[0].full")
        ),
        "{err}"
    );
    new_org["facts"]["names"][0]["full"] = json!("");
    with_new["organization"] = new_org;
    let (status, err) = call(&app, "POST", "/api/v1/designations", Some(&cn), Some(with_new)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("organization.facts.names[0].full")
        ),
        "{err}"
    );
});

story!(an_organization_created_with_its_proposal, |f| {
    let kz = supervisor(&f, "kz-security-service");
    let structure = reviewer(&f);
    let with_new = |org: concord_store::RecordInput| ProposalInput {
        record_id: String::new(),
        new_organization: Some(org),
        ..proposal(Direction::Listing, "")
    };
    let new_org = || sample_input(RecordKind::Organization, "Valley Cells", HandlingCode::open());
    let everything = concord_store::RecordQuery::first(500);
    let before = f.store.count_records(&kz, &everything).await.expect("count");

    // Bad organizations are refused, naming the field, and leave nothing behind.
    let mut restricted = new_org();
    restricted.handling.distribution =
        concord_domain::Distribution::States([concord_domain::StateCode::new("KZ")].into());
    let mut unnamed = new_org();
    unnamed.facts.names.clear();
    let mut person = new_org();
    person.kind = RecordKind::Person;
    let both = ProposalInput {
        record_id: "rec-anything".into(),
        ..with_new(new_org())
    };
    let delisting = ProposalInput {
        direction: Direction::Delisting,
        ..with_new(new_org())
    };
    for (input, field) in [
        (with_new(restricted), "organization.handling.distribution"),
        (with_new(unnamed), "organization.names"),
        (with_new(person), "organization.kind"),
        (both, "record_id"),
        (delisting, "direction"),
    ] {
        let refused = concord_app::designations::propose(&f.store, &kz, input).await;
        assert!(
            matches!(&refused, Err(Refusal::Invalid { field: got, .. }) if got.starts_with(field)),
            "{field}: {refused:?}"
        );
    }
    assert_eq!(f.store.count_records(&kz, &everything).await.expect("count"), before);
    assert!(f.store.designations(&kz, None).await.expect("list").is_empty());

    // Record and proposal are created together.
    let p = concord_app::designations::propose(&f.store, &kz, with_new(new_org()))
        .await
        .expect("propose");
    assert_eq!(
        (p.stage, p.organization.as_str()),
        (Stage::ComplianceReview, "Valley Cells")
    );
    let r = f.store.get_record(&kz, &p.record_id).await.expect("record");
    assert_eq!(r.protected.compliance, concord_domain::Compliance::Pending);
    assert!(
        f.store
            .notifications(&kz, 50)
            .await
            .expect("notices")
            .iter()
            .any(|n| n.subject_id == r.id),
        "KZ is not told its record awaits approval"
    );

    // Until the record is approved at home, nobody else sees it or the proposal.
    assert!(matches!(
        f.store.designation(&structure, &p.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(f.store.designations(&structure, None).await.expect("list").is_empty());
    assert!(matches!(
        concord_app::designations::review(&f.store, &structure, &p.id, true, ALL_TICKED, "").await,
        Err(Refusal::NotFound(_))
    ));
    concord_app::records::decide_compliance(&f.store, &kz, &r.id, true, ALL_TICKED, "acts described", r.version)
        .await
        .expect("approve");
    let passed = concord_app::designations::review(&f.store, &structure, &p.id, true, ALL_TICKED, "")
        .await
        .expect("pass");
    assert_eq!(passed.stage, Stage::SilencePeriod);
});

/// A proposal body that creates `organization` with it.
fn body_template(organization: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "direction": "listing",
        "organization": organization,
        "instrument": "shanghai-convention-2001",
        "article": "1.1.3",
        "evidence": "Smuggled explosives through the harbour in 2024 (synthetic).",
        "criteria": {"act_kind": "terrorism", "acts": "explosives smuggling", "when": "2024", "place": "Harbour B",
                     "attribution": "seized shipment addressed to its leader"}
    })
}
