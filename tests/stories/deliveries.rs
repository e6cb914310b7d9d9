//! Controlled deliveries: a plan across three states, every state's
//! authorization before the start, custody passed along the route, a loss
//! of control told to all at once, the outcome; who may see and do what.
//! Each story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::deliveries as cd;
use concord_domain::delivery::{Leg, PlanInput};
use concord_domain::workflow::controlled_delivery::{Method, Outcome, Stage, Step};
use concord_domain::{Classification, HandlingCode, StateCode};
use concord_stories::{Fixture, officer, story};

/// Kazakhstan leads a delivery of a substituted consignment to China
/// through Kyrgyzstan.
pub fn plan(f: &Fixture) -> PlanInput {
    let leg = |s: &str, point: &str| Leg {
        state: StateCode::from(s),
        handover_point: point.into(),
        contact: format!("{s} duty desk, +000 0000 (synthetic)"),
    };
    let start = f.store.clock().today() + time::Duration::days(3);
    PlanInput {
        consignment: "Heroin in the spare tyre of a truck, replaced by a harmless substitute (synthetic)".into(),
        method: Method::Replaced,
        route: vec![
            leg("KZ", "Almaty depot"),
            leg("KG", "Kordai crossing"),
            leg("CN", "Torugart pass"),
        ],
        planned_start: start,
        planned_end: start + time::Duration::days(5),
        handling: HandlingCode {
            classification: Classification::Confidential,
            ..HandlingCode::open()
        },
    }
}

async fn notices(f: &Fixture, authority: &str, id: &str) -> Vec<String> {
    let ctx = officer(f, authority);
    f.store
        .notifications(&ctx, 200)
        .await
        .expect("notices")
        .into_iter()
        .filter(|n| n.kind == "delivery" && n.subject_id == id)
        .map(|n| n.text)
        .collect()
}

story!(
    a_delivery_starts_only_once_every_state_authorized_and_custody_passes_in_order,
    |f| {
        let kz = officer(&f, "kz-police");
        let kg = officer(&f, "kg-police");
        let cn = officer(&f, "cn-police");
        let ru = officer(&f, "ru-police");
        let d = cd::propose(&f.store, &kz, plan(&f)).await.expect("propose");
        assert_eq!((d.stage, d.route.len()), (Stage::Proposed, 3));
        assert!(
            !notices(&f, "cn-anti-drug-agency", &d.id).await.is_empty(),
            "China was not asked"
        );
        // Off the route, it does not exist.
        assert!(matches!(cd::get(&f.store, &ru, &d.id).await, Err(Refusal::NotFound(_))));
        assert!(cd::list(&f.store, &ru, 100).await.expect("list").is_empty());
        assert!(matches!(
            cd::step(&f.store, &ru, &d.id, Step::Authorize, "", None, d.version).await,
            Err(Refusal::NotFound(_))
        ));

        assert!(matches!(
            cd::step(&f.store, &kz, &d.id, Step::Start, "", None, d.version).await,
            Err(Refusal::Conflict(_))
        ));
        let d = cd::step(
            &f.store,
            &kg,
            &d.id,
            Step::Authorize,
            "Escort by our border guards",
            None,
            d.version,
        )
        .await
        .expect("KG");
        assert_eq!(d.stage, Stage::Proposed);
        assert!(matches!(
            cd::step(&f.store, &kg, &d.id, Step::Authorize, "", None, d.version).await,
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            cd::step(&f.store, &cn, &d.id, Step::Authorize, "", None, d.version - 1).await,
            Err(Refusal::Conflict(_))
        ));
        let d = cd::step(&f.store, &cn, &d.id, Step::Authorize, "", None, d.version)
            .await
            .expect("CN");
        assert_eq!(d.stage, Stage::Authorized);
        assert!(matches!(
            cd::step(&f.store, &cn, &d.id, Step::Start, "", None, d.version).await,
            Err(Refusal::Forbidden(_))
        ));
        let d = cd::step(&f.store, &kz, &d.id, Step::Start, "", None, d.version)
            .await
            .expect("start");
        assert_eq!(
            (d.stage, d.custodian_state()),
            (Stage::Underway, Some(&StateCode::from("KZ")))
        );
        assert!(matches!(
            cd::step(&f.store, &cn, &d.id, Step::Handover, "", None, d.version).await,
            Err(Refusal::Conflict(_))
        ));
        let d = cd::step(
            &f.store,
            &kg,
            &d.id,
            Step::Handover,
            "At Kordai, 04:10",
            None,
            d.version,
        )
        .await
        .expect("KG takes custody");
        assert!(matches!(
            cd::step(
                &f.store,
                &kz,
                &d.id,
                Step::Conclude,
                "arrests",
                Some(Outcome::Delivered),
                d.version
            )
            .await,
            Err(Refusal::Conflict(_))
        ));
        let d = cd::step(&f.store, &cn, &d.id, Step::Handover, "At Torugart", None, d.version)
            .await
            .expect("CN takes custody");
        assert!(matches!(
            cd::step(
                &f.store,
                &kz,
                &d.id,
                Step::Conclude,
                " ",
                Some(Outcome::Delivered),
                d.version
            )
            .await,
            Err(Refusal::Invalid { .. })
        ));
        let d = cd::step(
            &f.store,
            &kz,
            &d.id,
            Step::Conclude,
            "Two arrests at the warehouse in Kashgar (synthetic)",
            Some(Outcome::Delivered),
            d.version,
        )
        .await
        .expect("conclude");
        assert_eq!((d.stage, d.outcome), (Stage::Concluded, Some(Outcome::Delivered)));
        let actions: Vec<&str> = d.timeline.iter().map(|t| t.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "propose",
                "authorize",
                "authorize",
                "start",
                "handover",
                "handover",
                "conclude"
            ]
        );
        assert_eq!(d, cd::get(&f.store, &kg, &d.id).await.expect("KG reads it"));
    }
);

story!(
    a_loss_of_control_is_told_to_every_state_on_the_route_and_a_refusal_ends_the_plan,
    |f| {
        let kz = officer(&f, "kz-police");
        let kg = officer(&f, "kg-police");
        let cn = officer(&f, "cn-police");
        let d = cd::propose(&f.store, &kz, plan(&f)).await.expect("propose");
        let d = cd::step(&f.store, &kg, &d.id, Step::Authorize, "", None, d.version)
            .await
            .expect("KG");
        let d = cd::step(&f.store, &cn, &d.id, Step::Authorize, "", None, d.version)
            .await
            .expect("CN");
        let d = cd::step(&f.store, &kz, &d.id, Step::Start, "", None, d.version)
            .await
            .expect("start");
        assert!(matches!(
            cd::step(&f.store, &kg, &d.id, Step::LoseControl, "", None, d.version).await,
            Err(Refusal::Invalid { .. })
        ));
        let d = cd::step(
            &f.store,
            &kg,
            &d.id,
            Step::LoseControl,
            "The truck left the road at night",
            None,
            d.version,
        )
        .await
        .expect("lose control");
        assert_eq!(d.stage, Stage::ControlLost);
        for authority in ["kz-police", "cn-anti-drug-agency"] {
            assert!(
                notices(&f, authority, &d.id)
                    .await
                    .iter()
                    .any(|t| t.contains("LOSS OF CONTROL")),
                "{authority} was not told of the loss of control"
            );
        }
        let d = cd::step(
            &f.store,
            &kz,
            &d.id,
            Step::Conclude,
            "Not found",
            Some(Outcome::Lost),
            d.version,
        )
        .await
        .expect("conclude");
        assert_eq!(d.outcome, Some(Outcome::Lost));

        // A refusal, with reasons, ends another plan.
        let e = cd::propose(&f.store, &kz, plan(&f)).await.expect("propose");
        assert!(matches!(
            cd::step(&f.store, &cn, &e.id, Step::Refuse, "", None, e.version).await,
            Err(Refusal::Invalid { .. })
        ));
        let e = cd::step(
            &f.store,
            &cn,
            &e.id,
            Step::Refuse,
            "No team available that week",
            None,
            e.version,
        )
        .await
        .expect("refuse");
        assert_eq!(e.stage, Stage::Refused);
        assert!(matches!(
            cd::step(&f.store, &kg, &e.id, Step::Authorize, "", None, e.version).await,
            Err(Refusal::Conflict(_))
        ));
    }
);

story!(bad_plans_are_refused_by_field_and_nothing_is_written, |f| {
    let kz = officer(&f, "kz-police");
    let field = |r: Result<concord_domain::delivery::ControlledDelivery, Refusal>| match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    };
    let mut p = plan(&f);
    p.route.truncate(1);
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "route");
    let mut p = plan(&f);
    p.route[0].state = StateCode::from("RU");
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "route");
    let mut p = plan(&f);
    p.route[2].state = StateCode::from("KG");
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "route[2].state");
    let mut p = plan(&f);
    p.route[1].contact = String::new();
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "route[1].contact");
    let mut p = plan(&f);
    p.planned_end = p.planned_start - time::Duration::days(1);
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "planned_end");
    let mut p = plan(&f);
    p.consignment = "x".repeat(5000);
    assert_eq!(field(cd::propose(&f.store, &kz, p).await), "consignment");
    // The structure leads none; an analyst neither.
    let structure = officer(&f, "structure");
    assert!(matches!(
        cd::propose(&f.store, &structure, plan(&f)).await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(cd::list(&f.store, &kz, 100).await.expect("list").is_empty());
});

story!(the_api_names_the_bad_field_of_a_plan_and_a_step, |f| {
    use crate::http::call;
    use axum::http::StatusCode;
    let app = crate::http::app(&f).await;
    let ru = crate::http::login(&app, "ru.officer").await;
    let kz = crate::http::login(&app, "kz.diplomat").await;
    let start = (f.store.clock().today() + time::Duration::days(3)).to_string();
    let plan = serde_json::json!({
        "consignment": "Cannabis resin in a bus's luggage hold (synthetic)",
        "method": "intact",
        "route": [
            {"state": "ru", "handover_point": "Moscow bus station", "contact": "RU desk"},
            {"state": "KZ", "handover_point": "Petropavl", "contact": "KZ desk"}
        ],
        "planned_start": start,
        "planned_end": start,
        "classification": "confidential"
    });
    for (key, value, field) in [
        ("method", serde_json::json!("parcel"), "method"),
        ("planned_start", serde_json::json!("tomorrow"), "planned_start"),
        ("classification", serde_json::json!("top"), "classification"),
        (
            "route",
            serde_json::json!([{"state": "", "handover_point": "x", "contact": "y"}]),
            "route[0].state",
        ),
        (
            "route",
            serde_json::json!([{"state": "RU", "handover_point": "x", "contact": "y", "colour": "red"}]),
            "route[0].colour",
        ),
        ("budget", serde_json::json!(1), "budget"),
    ] {
        let mut body = plan.clone();
        body[key] = value.clone();
        let (status, answer) = call(&app, "POST", "/api/v1/deliveries", Some(&ru), Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}={value}: {answer}");
        let named = answer["field"].as_str().unwrap_or("");
        assert!(
            named.contains(field) || answer["message"].as_str().unwrap_or("").contains(field),
            "{key}: {answer}"
        );
    }
    let (_, none) = call(&app, "GET", "/api/v1/deliveries", Some(&ru), None).await;
    assert_eq!(none, serde_json::json!([]));
    let (status, d) = call(&app, "POST", "/api/v1/deliveries", Some(&ru), Some(plan)).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["awaiting"], serde_json::json!(["KZ"]));
    let path = format!("/api/v1/deliveries/{}/steps", d["id"].as_str().expect("id"));
    for (body, status) in [
        (
            serde_json::json!({"step": "fly", "version": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            serde_json::json!({"step": "authorize", "version": 1, "outcome": "lost"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (serde_json::json!({"step": "start", "version": 1}), StatusCode::CONFLICT),
        (
            serde_json::json!({"step": "authorize", "version": 1}),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let (got, answer) = call(&app, "POST", &path, Some(&ru), Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    let (got, answer) = call(
        &app,
        "POST",
        &path,
        Some(&kz),
        Some(serde_json::json!({"step": "authorize", "text": "ok", "version": 1})),
    )
    .await;
    assert_eq!(
        (got, answer["stage"].as_str()),
        (StatusCode::OK, Some("authorized")),
        "{answer}"
    );
});
