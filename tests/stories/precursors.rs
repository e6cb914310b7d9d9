//! Precursor control: requirements, pre-export notifications through every
//! stage and deadline, the cumulative check, incidents, and who may see and
//! do what. Each story runs on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::precursors as pen;
use concord_domain::precursor::{IncidentInput, IncidentKind, NotificationInput, TransitLeg};
use concord_domain::workflow::pre_export::{Stage, Step};
use concord_domain::{Classification, HandlingCode, RecordKind, StateCode};
use concord_stories::{Fixture, officer, sample_input, story};

/// Kazakhstan notifies China of acetic anhydride through Kyrgyzstan.
pub fn notification(quantity: &str, unit: &str) -> NotificationInput {
    NotificationInput {
        importing_state: StateCode::from("CN"),
        exporter: "Steppe Chemicals LLP (synthetic)".into(),
        importer: "Eastern Solvents Co. (synthetic)".into(),
        consignee: String::new(),
        substance: "acetic-anhydride".into(),
        quantity: quantity.into(),
        unit: unit.into(),
        transit: vec![TransitLeg {
            state: StateCode::from("KG"),
            point_of_entry: "Kordai crossing".into(),
        }],
        point_of_entry: "Torugart pass".into(),
        planned_export: time::macros::date!(2027 - 01 - 15),
        handling: HandlingCode {
            classification: Classification::Restricted,
            ..HandlingCode::open()
        },
    }
}

fn invalid_field(r: Result<impl std::fmt::Debug, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

async fn unread_notices(f: &Fixture, authority: &str) -> Vec<String> {
    let ctx = officer(f, authority);
    f.store
        .notifications(&ctx, 200)
        .await
        .expect("notices")
        .into_iter()
        .filter(|n| n.kind == "precursor" || n.kind == "incident")
        .map(|n| n.subject_id)
        .collect()
}

story!(
    a_notification_goes_from_notified_to_received_and_each_side_is_told,
    |f| {
        let kz = officer(&f, "kz-anti-drug-agency");
        let cn = officer(&f, "cn-anti-drug-agency");
        let kg = officer(&f, "kg-anti-drug-agency");
        let ru = officer(&f, "ru-anti-drug-agency");
        pen::declare_requirement(&f.store, &cn, "acetic-anhydride", 2027, "5000", "l")
            .await
            .expect("declare");

        let n = pen::notify(&f.store, &kz, notification("1200.5", "l"))
            .await
            .expect("notify");
        assert_eq!((n.stage, n.quantity), (Stage::Notified, 1_200_500));
        assert_eq!(n.assessment.declared, Some(5_000_000));
        assert!(!n.assessment.flagged());
        assert!(
            unread_notices(&f, "cn-anti-drug-agency").await.contains(&n.id),
            "the importer was not told"
        );
        assert!(
            unread_notices(&f, "kg-anti-drug-agency").await.contains(&n.id),
            "the transit state was not told"
        );
        // Transit reads it; a state off the route does not know it exists.
        assert!(pen::get(&f.store, &kg, &n.id).await.is_ok());
        assert!(matches!(
            pen::get(&f.store, &ru, &n.id).await,
            Err(Refusal::NotFound(_))
        ));
        assert!(
            pen::list(&f.store, &ru, None, None, 100)
                .await
                .expect("list")
                .is_empty(),
            "a list shows another route's notification"
        );

        // Only the importer replies; only the exporter ships.
        for (who, step) in [(&kz, Step::Confirm), (&kg, Step::Confirm), (&cn, Step::Ship)] {
            assert!(
                matches!(
                    pen::step(&f.store, who, &n.id, step, "", n.version).await,
                    Err(Refusal::Forbidden(_))
                ),
                "{step} by the wrong side"
            );
        }
        assert!(matches!(
            pen::step(&f.store, &ru, &n.id, Step::Confirm, "", n.version).await,
            Err(Refusal::NotFound(_))
        ));
        let n = pen::step(&f.store, &cn, &n.id, Step::Confirm, "", n.version)
            .await
            .expect("confirm");
        assert_eq!(n.stage, Stage::Confirmed);
        // What a step returns is what a fresh read finds.
        assert_eq!(n, pen::get(&f.store, &cn, &n.id).await.expect("read"));
        // A stale version is a conflict, and nothing moves.
        assert!(matches!(
            pen::step(&f.store, &kz, &n.id, Step::Ship, "", n.version - 1).await,
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            pen::step(&f.store, &cn, &n.id, Step::Receive, "", n.version).await,
            Err(Refusal::Conflict(_))
        ));
        let n = pen::step(&f.store, &kz, &n.id, Step::Ship, "", n.version)
            .await
            .expect("ship");
        let n = pen::step(&f.store, &cn, &n.id, Step::Receive, "", n.version)
            .await
            .expect("receive");
        assert_eq!(n.stage, Stage::Received);
        let trail: Vec<&str> = n.timeline.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(trail, ["notify", "confirm", "ship", "receive"]);
        let audit = f.store.audit_entries(0, 1000).await.expect("audit");
        assert_eq!(
            audit
                .entries
                .iter()
                .filter(|e| e.draft.action == "precursor.step")
                .count(),
            3
        );
    }
);

story!(
    the_cumulative_quantity_is_checked_against_the_declared_requirement,
    |f| {
        let kz = officer(&f, "kz-anti-drug-agency");
        let cn = officer(&f, "cn-anti-drug-agency");
        let first = pen::notify(&f.store, &kz, notification("100", "l"))
            .await
            .expect("notify");
        assert_eq!(first.assessment.declared, None);
        assert!(first.assessment.flagged(), "no declaration is flagged");
        pen::declare_requirement(&f.store, &cn, "acetic-anhydride", 2027, "1", "m3")
            .await
            .expect("declare");
        let second = pen::notify(&f.store, &kz, notification("800", "l"))
            .await
            .expect("notify");
        assert_eq!(second.assessment.notified_before, 100_000);
        assert_eq!(second.assessment.excess(), None);
        let third = pen::notify(&f.store, &kz, notification("250", "l"))
            .await
            .expect("notify");
        assert_eq!(
            third.assessment.excess(),
            Some(150_000),
            "900 l notified before, 1000 l declared"
        );
        // An objected shipment no longer counts.
        pen::step(
            &f.store,
            &cn,
            &second.id,
            Step::Object,
            "importer unknown to the licensing office",
            second.version,
        )
        .await
        .expect("object");
        let fourth = pen::notify(&f.store, &kz, notification("250", "l"))
            .await
            .expect("notify");
        assert_eq!(fourth.assessment.notified_before, 350_000);
        assert_eq!(fourth.assessment.excess(), None);
        // Another year, another substance: a separate count.
        let mut other = notification("5", "t");
        other.substance = "potassium-permanganate".into();
        let other = pen::notify(&f.store, &kz, other).await.expect("notify");
        assert_eq!(other.assessment.notified_before, 0);
        assert_eq!(other.quantity, 5_000_000);
    }
);

story!(
    an_objection_raises_an_incident_and_silence_is_flagged_to_both_sides,
    |f| {
        let kz = officer(&f, "kz-anti-drug-agency");
        let cn = officer(&f, "cn-anti-drug-agency");
        let ru = officer(&f, "ru-anti-drug-agency");
        let n = pen::notify(&f.store, &kz, notification("40", "l"))
            .await
            .expect("notify");
        assert_eq!(
            invalid_field(pen::step(&f.store, &cn, &n.id, Step::Object, " ", n.version).await),
            "reason"
        );
        let (n, incident) = pen::object(
            &f.store,
            &cn,
            &n.id,
            "consignee does not exist",
            n.version,
            Some(IncidentKind::StoppedShipment),
        )
        .await
        .expect("object");
        let incident = incident.expect("an incident");
        assert_eq!(n.stage, Stage::Objected);
        assert_eq!(n.incidents, vec![incident.id.clone()]);
        assert_eq!(incident.notification.as_deref(), Some(n.id.as_str()));
        assert!(
            pen::incident(&f.store, &kz, &incident.id).await.is_ok(),
            "the exporter reads it"
        );
        assert!(matches!(
            pen::incident(&f.store, &ru, &incident.id).await,
            Err(Refusal::NotFound(_))
        ));
        assert!(pen::incidents(&f.store, &ru, 100).await.expect("list").is_empty());

        // Silence past the deadline: flagged once, to both sides.
        let quiet = pen::notify(&f.store, &kz, notification("10", "l"))
            .await
            .expect("notify");
        assert_eq!(
            pen::flag_overdue(&f.store).await.expect("flag"),
            0,
            "flagged before the deadline"
        );
        f.clock.advance(time::Duration::days(16));
        assert_eq!(pen::flag_overdue(&f.store).await.expect("flag"), 1);
        assert_eq!(pen::flag_overdue(&f.store).await.expect("flag"), 0, "flagged twice");
        let quiet = pen::get(&f.store, &kz, &quiet.id).await.expect("get");
        assert!(quiet.overdue_flagged);
        assert_eq!(quiet.timeline.last().map(|s| s.action.as_str()), Some("flag-overdue"));
        for side in ["kz-anti-drug-agency", "cn-anti-drug-agency"] {
            let told = unread_notices(&f, side).await;
            assert!(
                told.iter().filter(|id| **id == quiet.id).count() >= 1,
                "{side} was not told"
            );
        }
        // A late reply is still a reply.
        let quiet = pen::step(&f.store, &cn, &quiet.id, Step::Confirm, "", quiet.version)
            .await
            .expect("late confirm");
        assert_eq!(quiet.stage, Stage::Confirmed);
    }
);

story!(bad_notifications_are_refused_and_nothing_is_written, |f| {
    let kz = officer(&f, "kz-anti-drug-agency");
    let kz_police = officer(&f, "kz-police");
    let cases: Vec<(NotificationInput, &str)> = vec![
        (notification("-5", "l"), "quantity"),
        (notification("0", "l"), "quantity"),
        (notification("2000000", "m3"), "quantity"),
        (notification("ten", "l"), "quantity"),
        (notification("5", "kg"), "unit"),
        (notification("5", "barrel"), "unit"),
        (
            NotificationInput {
                importing_state: StateCode::from("KZ"),
                ..notification("5", "l")
            },
            "importing_state",
        ),
        (
            NotificationInput {
                importing_state: StateCode::from("XX"),
                ..notification("5", "l")
            },
            "importing_state",
        ),
        (
            NotificationInput {
                transit: vec![TransitLeg {
                    state: StateCode::from("CN"),
                    point_of_entry: "x".into(),
                }],
                ..notification("5", "l")
            },
            "transit[0].state",
        ),
        (
            NotificationInput {
                substance: "table-salt".into(),
                ..notification("5", "l")
            },
            "substance",
        ),
        (
            NotificationInput {
                exporter: " ".into(),
                ..notification("5", "l")
            },
            "exporter",
        ),
        (
            NotificationInput {
                planned_export: time::macros::date!(2020 - 01 - 01),
                ..notification("5", "l")
            },
            "planned_export",
        ),
    ];
    for (input, field) in cases {
        assert_eq!(invalid_field(pen::notify(&f.store, &kz, input).await), field);
    }
    // Not the anti-drug agency: refused, whatever the input.
    assert!(matches!(
        pen::notify(&f.store, &kz_police, notification("5", "l")).await,
        Err(Refusal::Forbidden(_))
    ));
    assert!(
        pen::list(&f.store, &kz, None, None, 100)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        invalid_field(pen::declare_requirement(&f.store, &kz, "acetone", 1999, "5", "l").await),
        "year"
    );
    assert!(pen::requirements(&f.store, 1999).await.expect("list").is_empty());
});

story!(incidents_link_only_what_their_reporter_may_read, |f| {
    let cn = officer(&f, "cn-anti-drug-agency");
    let kz = officer(&f, "kz-anti-drug-agency");
    let hidden = concord_app::records::create(
        &f.store,
        &officer(&f, "kz-security-service"),
        sample_input(
            RecordKind::Person,
            "Kept Home",
            HandlingCode {
                distribution: concord_domain::Distribution::OriginatorOnly,
                ..HandlingCode::open()
            },
        ),
    )
    .await
    .expect("record");
    let input = |records: Vec<String>| IncidentInput {
        kind: IncidentKind::Seizure,
        occurred_on: time::macros::date!(2026 - 11 - 20),
        place: "Khorgos".into(),
        description: "Drums of acetic anhydride under a false declaration (synthetic).".into(),
        substance: Some("acetic-anhydride".into()),
        quantity: Some("400".into()),
        unit: Some("l".into()),
        notification: None,
        records,
        messages: vec![],
        handling: HandlingCode {
            distribution: concord_domain::Distribution::States([StateCode::from("KZ")].into()),
            ..HandlingCode::open()
        },
    };
    assert_eq!(
        invalid_field(pen::report_incident(&f.store, &cn, input(vec![hidden.id.clone()])).await),
        "records[0]"
    );
    let i = pen::report_incident(&f.store, &cn, input(vec![]))
        .await
        .expect("report");
    assert_eq!(i.quantity, Some(400_000));
    assert!(unread_notices(&f, "kz-anti-drug-agency").await.contains(&i.id));
    assert!(pen::incident(&f.store, &kz, &i.id).await.is_ok());
    assert!(matches!(
        pen::incident(&f.store, &officer(&f, "ru-anti-drug-agency"), &i.id).await,
        Err(Refusal::NotFound(_))
    ));
});

/// Precursor users of the anti-drug agencies, for the API stories.
async fn precursor_app(f: &Fixture) -> (axum::Router, [String; 3]) {
    use concord_store::{Actor, NewUser};
    let app = crate::http::app(f).await;
    for (name, authority) in [
        ("kz.pen", "kz-anti-drug-agency"),
        ("cn.pen", "cn-anti-drug-agency"),
        ("ru.pen", "ru-anti-drug-agency"),
    ] {
        let new = NewUser {
            username: name.into(),
            display_name: name.into(),
            authority: concord_domain::AuthorityId::from(authority),
            roles: "officer".parse().expect("roles"),
            clearance: Classification::Confidential,
            password_hash: crate::http::password_hash(),
            disabled: false,
            must_change_password: false,
        };
        f.store.create_user(new, &Actor::system("test")).await.expect("user");
    }
    let kz = crate::http::login(&app, "kz.pen").await;
    let cn = crate::http::login(&app, "cn.pen").await;
    let ru = crate::http::login(&app, "ru.pen").await;
    (app, [kz, cn, ru])
}

fn notification_json(f: &Fixture) -> serde_json::Value {
    serde_json::json!({
        "importing_state": "CN",
        "exporter": "Steppe Chemicals LLP (synthetic)",
        "importer": "Eastern Solvents Co. (synthetic)",
        "substance": "acetic-anhydride",
        "quantity": "1200.5",
        "unit": "l",
        "transit": [{"state": "KG", "point_of_entry": "Kordai crossing"}],
        "point_of_entry": "Torugart pass",
        "planned_export": (f.store.clock().today() + time::Duration::days(10)).to_string(),
        "handling": {"dissemination": "free", "use": "evidence", "classification": "restricted"}
    })
}

story!(
    the_api_refuses_bad_notifications_and_replies_with_the_field_and_changes_nothing,
    |f| {
        use crate::http::call;
        use axum::http::StatusCode;
        let (app, [kz, cn, ru]) = precursor_app(&f).await;
        const PATH: &str = "/api/v1/precursors/notifications";
        let bad: Vec<(&str, serde_json::Value, StatusCode, &str)> = vec![
            (
                "quantity",
                serde_json::json!("-5"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "quantity",
            ),
            (
                "quantity",
                serde_json::json!("1e9999"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "quantity",
            ),
            (
                "quantity",
                serde_json::json!("2000000000"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "quantity",
            ),
            (
                "unit",
                serde_json::json!("kg"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unit",
            ),
            (
                "unit",
                serde_json::json!("furlong"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unit",
            ),
            (
                "substance",
                serde_json::json!("water"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "substance",
            ),
            (
                "importing_state",
                serde_json::json!("KZ"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "importing_state",
            ),
            (
                "importing_state",
                serde_json::json!("XX"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "importing_state",
            ),
            (
                "transit",
                serde_json::json!([{"state": "CN", "point_of_entry": "Khorgos"}]),
                StatusCode::UNPROCESSABLE_ENTITY,
                "transit[0].state",
            ),
            (
                "transit",
                serde_json::json!([{"state": "KG", "point_of_entry": "a"}, {"state": "KG", "point_of_entry": "b"}]),
                StatusCode::UNPROCESSABLE_ENTITY,
                "transit[1].state",
            ),
            (
                "transit",
                serde_json::json!([{"state": "KG", "point_of_entry": " "}]),
                StatusCode::UNPROCESSABLE_ENTITY,
                "transit[0].point_of_entry",
            ),
            (
                "planned_export",
                serde_json::json!("2020-01-01"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "planned_export",
            ),
            (
                "planned_export",
                serde_json::json!("15/01/2027"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "planned_export",
            ),
            (
                "exporter",
                serde_json::json!(""),
                StatusCode::UNPROCESSABLE_ENTITY,
                "exporter",
            ),
            (
                "colour",
                serde_json::json!("red"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "colour",
            ),
        ];
        for (key, value, status, field) in bad {
            let mut body = notification_json(&f);
            body[key] = value.clone();
            let (got, answer) = call(&app, "POST", PATH, Some(&kz), Some(body)).await;
            assert_eq!(got, status, "{key} = {value}: {answer}");
            assert!(
                answer["field"].as_str().is_some_and(|f| f.contains(field))
                    || answer["message"].as_str().is_some_and(|m| m.contains(field)),
                "{key} = {value}: the answer does not name {field}: {answer}"
            );
        }
        // Only an anti-drug agency notifies.
        let police = crate::http::login(&app, "ru.officer").await;
        let mut body = notification_json(&f);
        body["importing_state"] = "KZ".into();
        let (got, answer) = call(&app, "POST", PATH, Some(&police), Some(body)).await;
        assert_eq!(got, StatusCode::FORBIDDEN, "{answer}");
        let (_, listed) = call(&app, "GET", PATH, Some(&kz), None).await;
        assert_eq!(
            listed,
            serde_json::json!([]),
            "a refused notification left something behind"
        );

        let (got, n) = call(&app, "POST", PATH, Some(&kz), Some(notification_json(&f))).await;
        assert_eq!(got, StatusCode::CREATED, "{n}");
        assert_eq!(
            (n["quantity"].as_i64(), n["quantity_text"].as_str()),
            (Some(1_200_500), Some("1200.5 l"))
        );
        assert_eq!(n["assessment"]["flagged"], true, "no declaration: flagged");
        let id = n["id"].as_str().expect("id").to_owned();
        let steps = format!("{PATH}/{id}/steps");
        let version = n["version"].as_i64().expect("version");
        let step = |s: &str, reason: &str, v: i64| serde_json::json!({"step": s, "reason": reason, "version": v});

        // Off the route: not found; the exporter may not confirm; a stale
        // version, a missing reason, an unknown step, an incident with a
        // confirmation: refused, and the trail is as it was.
        for (token, body, status) in [
            (&ru, step("confirm", "", version), StatusCode::NOT_FOUND),
            (&kz, step("confirm", "", version), StatusCode::FORBIDDEN),
            (&cn, step("ship", "", version), StatusCode::FORBIDDEN),
            (&cn, step("confirm", "", version + 1), StatusCode::CONFLICT),
            (&cn, step("object", " ", version), StatusCode::UNPROCESSABLE_ENTITY),
            (&cn, step("fly", "", version), StatusCode::UNPROCESSABLE_ENTITY),
            (
                &cn,
                serde_json::json!({"step": "confirm", "version": version, "incident": "seizure"}),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                &cn,
                serde_json::json!({"step": "object", "reason": "r", "version": version, "incident": "fire"}),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (&kz, step("receive", "", version), StatusCode::FORBIDDEN),
        ] {
            let (got, answer) = call(&app, "POST", &steps, Some(token), Some(body.clone())).await;
            assert_eq!(got, status, "{body}: {answer}");
        }
        let (_, now) = call(&app, "GET", &format!("{PATH}/{id}"), Some(&kz), None).await;
        assert_eq!(
            (now["stage"].as_str(), now["version"].as_i64()),
            (Some("notified"), Some(version))
        );
        assert_eq!(now["timeline"].as_array().map(Vec::len), Some(1), "{now}");
        let (got, _) = call(&app, "GET", &format!("{PATH}/{id}"), Some(&ru), None).await;
        assert_eq!(
            got,
            StatusCode::NOT_FOUND,
            "off the route, the notification does not exist"
        );

        // The importer objects and raises an incident in one step.
        let (got, objected) = call(
            &app,
            "POST",
            &steps,
            Some(&cn),
            Some(serde_json::json!({"step": "object", "reason": "Consignee unknown at the address", "version": version, "incident": "stopped-shipment"})),
        )
        .await;
        assert_eq!(got, StatusCode::OK, "{objected}");
        assert_eq!(objected["stage"], "objected");
        let incident = objected["incidents"][0].as_str().expect("an incident").to_owned();
        let (got, i) = call(
            &app,
            "GET",
            &format!("/api/v1/precursors/incidents/{incident}"),
            Some(&kz),
            None,
        )
        .await;
        assert_eq!(
            (got, i["kind"].as_str()),
            (StatusCode::OK, Some("stopped-shipment")),
            "{i}"
        );
        assert_eq!(i["notification"].as_str(), Some(id.as_str()));
        let (got, _) = call(
            &app,
            "GET",
            &format!("/api/v1/precursors/incidents/{incident}"),
            Some(&ru),
            None,
        )
        .await;
        assert_eq!(got, StatusCode::NOT_FOUND);
        let (_, ru_list) = call(&app, "GET", "/api/v1/precursors/incidents", Some(&ru), None).await;
        assert_eq!(ru_list, serde_json::json!([]));
        // Objected is final for a shipment.
        let (got, _) = call(&app, "POST", &steps, Some(&kz), Some(step("ship", "", version + 1))).await;
        assert_eq!(got, StatusCode::CONFLICT);

        // Requirements: a year out of range, a unit that does not fit; then one that does.
        const REQ: &str = "/api/v1/precursors/requirements";
        let year = f.store.clock().today().year();
        for (body, field) in [
            (
                serde_json::json!({"substance": "acetic-anhydride", "year": year + 9, "quantity": "10", "unit": "l"}),
                "year",
            ),
            (
                serde_json::json!({"substance": "acetic-anhydride", "year": year, "quantity": "10", "unit": "kg"}),
                "unit",
            ),
            (
                serde_json::json!({"substance": "acetic-anhydride", "year": year, "quantity": "0", "unit": "l"}),
                "quantity",
            ),
        ] {
            let (got, answer) = call(&app, "PUT", REQ, Some(&cn), Some(body)).await;
            assert_eq!(
                (got, answer["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
                "{answer}"
            );
        }
        let (_, none) = call(&app, "GET", &format!("{REQ}?year={year}"), Some(&cn), None).await;
        assert_eq!(none, serde_json::json!([]));
        let (got, r) = call(
            &app,
            "PUT",
            REQ,
            Some(&cn),
            Some(serde_json::json!({"substance": "acetic-anhydride", "year": year, "quantity": "5", "unit": "m3"})),
        )
        .await;
        assert_eq!(
            (got, r["quantity"].as_i64(), r["state"].as_str()),
            (StatusCode::OK, Some(5_000_000), Some("CN")),
            "{r}"
        );

        // The flows report: the exporter sees its objected flow; Russia, off the route, nothing.
        let (_, flows) = call(
            &app,
            "GET",
            &format!("/api/v1/precursors/flows?year={year}"),
            Some(&kz),
            None,
        )
        .await;
        assert_eq!(flows[0]["by_stage"][0]["stage"], "objected", "{flows}");
        let (_, flows) = call(
            &app,
            "GET",
            &format!("/api/v1/precursors/flows?year={year}"),
            Some(&ru),
            None,
        )
        .await;
        assert_eq!(flows, serde_json::json!([]));
    }
);

async fn post_csv(app: &axum::Router, token: &str, body: Vec<u8>) -> (axum::http::StatusCode, serde_json::Value) {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/precursors/notifications/import")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(body))
        .expect("request");
    crate::http::raw(app, req).await
}

story!(a_csv_batch_is_imported_whole_or_refused_whole_with_its_line, |f| {
    use axum::http::StatusCode;
    let (app, [kz, cn, _]) = precursor_app(&f).await;
    let planned = f.store.clock().today() + time::Duration::days(10);
    let date = planned.to_string();
    let cn_ctx = officer(&f, "cn-anti-drug-agency");
    pen::declare_requirement(&f.store, &cn_ctx, "acetic-anhydride", planned.year(), "2", "m3")
        .await
        .expect("declare");
    let head = "importing_state,exporter,importer,substance,quantity,unit,transit,point_of_entry,planned_export\n";
    let good =
        |q: &str| format!("CN,Steppe LLP,Eastern Co.,acetic-anhydride,{q},l,KG:Kordai crossing,Torugart,{date}\n");
    let mut faults: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            format!(
                "{head}{}{}CN,Steppe LLP,Eastern Co.,acetic-anhydride,-4,l,,Torugart,{date}\n",
                good("1"),
                good("2")
            )
            .into_bytes(),
            "line 4",
            "quantity",
        ),
        (
            format!(
                "{head}{}CN,Steppe LLP,Eastern Co.,acetic-anhydride,4,l,CN:Khorgos,Torugart,{date}\n",
                good("1")
            )
            .into_bytes(),
            "line 3",
            "transit[0].state",
        ),
        (
            format!(
                "{head}{}KZ,Steppe LLP,Eastern Co.,acetic-anhydride,4,l,,Torugart,{date}\n",
                good("1")
            )
            .into_bytes(),
            "line 3",
            "importing_state",
        ),
        (
            format!(
                "{head}{}CN,Steppe LLP,Eastern Co.,acetic-anhydride,4,furlong,,Torugart,{date}\n",
                good("1")
            )
            .into_bytes(),
            "line 3",
            "unit",
        ),
        (
            format!("{head}{}CN,Steppe LLP\n", good("1")).into_bytes(),
            "line 3",
            "row",
        ),
        (
            format!("colour,{head}red,{}", good("1")).into_bytes(),
            "line 1",
            "colour",
        ),
        (head.as_bytes().to_vec(), "no notifications", "file"),
    ];
    let mut latin1 = format!("{head}{}", good("1")).into_bytes();
    latin1.extend(b"CN,Stepp\xe9 LLP,Eastern Co.,acetic-anhydride,4,l,,Torugart,");
    latin1.extend(date.as_bytes());
    latin1.push(b'\n');
    faults.push((latin1, "line 3", "row"));
    for (body, line, field) in faults {
        let (status, answer) = post_csv(&app, &kz, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| m.contains(line)),
            "{line}: {answer}"
        );
        assert_eq!(answer["field"].as_str(), Some(field), "{answer}");
    }
    let (_, listed) = crate::http::call(&app, "GET", "/api/v1/precursors/notifications", Some(&kz), None).await;
    assert_eq!(
        listed,
        serde_json::json!([]),
        "a refused batch left notifications behind"
    );
    // A police user is not the agency.
    let police = crate::http::login(&app, "ru.officer").await;
    let (status, _) = post_csv(&app, &police, format!("{head}{}", good("1")).into_bytes()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Three rows: the batch's earlier rows count in each one's assessment.
    let (status, done) = post_csv(
        &app,
        &kz,
        format!("{head}{}{}{}", good("900"), good("900"), good("900")).into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let ids: Vec<String> = serde_json::from_value(done["ids"].clone()).expect("ids");
    assert_eq!(ids.len(), 3);
    let mut flagged = Vec::new();
    for id in &ids {
        let (_, n) = crate::http::call(
            &app,
            "GET",
            &format!("/api/v1/precursors/notifications/{id}"),
            Some(&cn),
            None,
        )
        .await;
        flagged.push((
            n["assessment"]["notified_before"].as_i64(),
            n["assessment"]["flagged"].as_bool(),
        ));
    }
    assert_eq!(
        flagged,
        vec![
            (Some(0), Some(false)),
            (Some(900_000), Some(false)),
            (Some(1_800_000), Some(true))
        ]
    );

    // A batch larger than the store's multi-row chunks: every notification
    // has its first step, its notices and its audit entry, and the chain
    // still verifies.
    let rows: String = (0..1_050).map(|_| good("1")).collect();
    let (status, done) = post_csv(&app, &kz, format!("{head}{rows}").into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let ids: Vec<String> = serde_json::from_value(done["ids"].clone()).expect("ids");
    assert_eq!(ids.len(), 1_050);
    for id in [&ids[0], &ids[399], &ids[400], &ids[1_049]] {
        let n = pen::get(&f.store, &cn_ctx, id).await.expect("cn reads");
        assert_eq!(n.timeline.len(), 1);
        assert_eq!(n.timeline[0].action, "notify");
        let logged = f.store.audit_mentioning(id, 5).await.expect("audit");
        assert_eq!(logged.len(), 1, "{id}");
        assert_eq!(logged[0].draft.action, "precursor.notify");
    }
    // The newest notices (a page holds fewer than the batch).
    let told = f.store.notifications(&cn_ctx, 100).await.expect("notices");
    for id in &ids[1_000..] {
        assert!(told.iter().any(|t| t.subject_id == *id), "China was not told of {id}");
    }
    let last = pen::get(&f.store, &cn_ctx, &ids[1_049]).await.expect("last");
    assert_eq!(last.assessment.notified_before, 2_700_000 + 1_049 * 1_000);
    assert!(
        f.store.verify_audit(&f.key.public()).await.is_ok(),
        "the chain breaks after a batch"
    );
});

story!(a_batch_of_answers_is_written_whole_or_not_at_all, |f| {
    let kz = officer(&f, "kz-anti-drug-agency");
    let cn = officer(&f, "cn-anti-drug-agency");
    let mut ids = Vec::new();
    for q in ["100", "200", "300"] {
        ids.push(
            pen::notify(&f.store, &kz, notification(q, "l"))
                .await
                .expect("notify")
                .id,
        );
    }
    let answer = |id: &str, step: Step, version: i64| pen::Answer {
        id: id.to_owned(),
        step,
        reason: "checked with the licensing office".into(),
        version,
    };
    // The third is stale: nothing is written, and the refusal names it.
    let stale = [
        answer(&ids[0], Step::Confirm, 1),
        answer(&ids[1], Step::Object, 1),
        answer(&ids[2], Step::Confirm, 2),
    ];
    match pen::answer_batch(&f.store, &cn, &stale).await {
        Err(Refusal::Conflict(m)) => assert!(m.starts_with("answers[2]"), "{m}"),
        other => panic!("a stale batch was taken: {other:?}"),
    }
    for id in &ids {
        assert_eq!(pen::get(&f.store, &cn, id).await.expect("read").stage, Stage::Notified);
    }
    let twice = [answer(&ids[0], Step::Confirm, 1), answer(&ids[0], Step::Confirm, 1)];
    assert_eq!(
        invalid_field(pen::answer_batch(&f.store, &cn, &twice).await),
        "answers[1].id"
    );
    let wrong_side = [answer(&ids[0], Step::Confirm, 1)];
    assert!(matches!(
        pen::answer_batch(&f.store, &kz, &wrong_side).await,
        Err(Refusal::Forbidden(_))
    ));
    assert_eq!(invalid_field(pen::answer_batch(&f.store, &cn, &[]).await), "answers");

    let done = pen::answer_batch(
        &f.store,
        &cn,
        &[
            answer(&ids[0], Step::Confirm, 1),
            answer(&ids[1], Step::Object, 1),
            answer(&ids[2], Step::Confirm, 1),
        ],
    )
    .await
    .expect("batch");
    let stages: Vec<Stage> = done.iter().map(|n| n.stage).collect();
    assert_eq!(stages, [Stage::Confirmed, Stage::Objected, Stage::Confirmed]);
    for n in &done {
        assert_eq!(
            *n,
            pen::get(&f.store, &cn, &n.id).await.expect("read"),
            "the batch returned what it did not write"
        );
    }
});
