//! Intelligence exchange: delivery, acknowledgement, deadlines, threads,
//! forwarding with consent, attachments, links, and who may read what.

use concord_app::Refusal;
use concord_domain::workflow::exchange::{Delivery, MessageKind, Priority};
use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, RecordKind, Role, Roles};
use concord_store::{AttachmentInput, Ctx, Forwarded, Mailbox, MessageInput, MessageQuery, RecordQuery, StoreError};
use concord_stories::{ALL_TICKED, START, ctx, officer, sample_input, story};
use time::Duration;

fn analyst(f: &concord_stories::Fixture, authority: &str, clearance: Classification) -> Ctx {
    ctx(
        &f.store,
        &format!("{authority}-analyst"),
        authority,
        Roles::of([Role::Analyst]),
        clearance,
    )
}

fn message(subject: &str, to: &[&str]) -> MessageInput {
    MessageInput {
        kind: MessageKind::Message,
        priority: Priority::Routine,
        subject: subject.into(),
        body: format!("{subject}: details follow (synthetic)."),
        recipients: to.iter().map(|s| s.to_string()).collect(),
        handling: HandlingCode::open(),
        deadline: None,
        links: vec![],
        attachments: vec![],
    }
}

fn inbox(limit: i64) -> MessageQuery {
    MessageQuery {
        limit,
        ..MessageQuery::default()
    }
}

async fn inbox_ids(f: &concord_stories::Fixture, c: &Ctx, q: MessageQuery) -> Vec<String> {
    f.store
        .list_messages(c, &q)
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.id)
        .collect()
}

story!(a_request_is_delivered_acknowledged_answered_or_overdue, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let mut req = message("Whereabouts of a courier", &["ru-police"]);
    req.kind = MessageKind::Request;
    req.priority = Priority::Urgent;
    req.deadline = Some(START + Duration::days(5));
    let sent = concord_app::messages::send(&f.store, &kz, None, req)
        .await
        .expect("send");
    assert_eq!(sent.receipts.len(), 1);
    assert_eq!(sent.receipts[0].delivery, Delivery::Sent);

    let ids = inbox_ids(&f, &ru, inbox(10)).await;
    assert_eq!(ids, [sent.id.as_str()]);
    let unacked = MessageQuery {
        unacknowledged: true,
        ..inbox(10)
    };
    assert_eq!(inbox_ids(&f, &ru, unacked.clone()).await.len(), 1);
    let opened = f.store.get_message(&ru, &sent.id).await.expect("open");
    assert_eq!(opened.receipts[0].delivery, Delivery::Delivered);
    let acked = concord_app::messages::acknowledge(&f.store, &ru, &sent.id)
        .await
        .expect("ack");
    assert_eq!(acked.receipts[0].delivery, Delivery::Acknowledged);
    assert!(acked.receipts[0].acknowledged_at.is_some());
    let twice = concord_app::messages::acknowledge(&f.store, &ru, &sent.id).await;
    assert!(
        matches!(&twice, Err(Refusal::Conflict(m)) if m.contains("already acknowledged")),
        "{twice:?}"
    );
    assert!(inbox_ids(&f, &ru, unacked).await.is_empty());
    // The sender cannot acknowledge its own message for the addressee.
    assert!(matches!(
        concord_app::messages::acknowledge(&f.store, &kz, &sent.id).await,
        Err(Refusal::Conflict(_))
    ));

    // Past the deadline, both sides see it overdue.
    let overdue = MessageQuery {
        overdue: true,
        ..inbox(10)
    };
    let overdue_out = MessageQuery {
        mailbox: Mailbox::Outbox,
        ..overdue.clone()
    };
    assert!(inbox_ids(&f, &ru, overdue.clone()).await.is_empty());
    f.clock.advance(Duration::days(6));
    assert_eq!(inbox_ids(&f, &ru, overdue.clone()).await, [sent.id.as_str()]);
    assert_eq!(inbox_ids(&f, &kz, overdue_out.clone()).await, [sent.id.as_str()]);
    let late = f.store.get_message(&kz, &sent.id).await.expect("read own");
    assert!(late.receipts[0].overdue);

    // The answer ends it, in the same thread.
    let mut answer = message("Re: whereabouts", &[]);
    answer.body = "Seen crossing at the northern post on 3 May (synthetic).".into();
    let reply = concord_app::messages::send(&f.store, &ru, Some(&sent.id), answer)
        .await
        .expect("reply");
    assert_eq!(reply.thread_id, sent.id);
    assert_eq!(reply.receipts[0].recipient, "kz-security-service");
    assert!(inbox_ids(&f, &ru, overdue).await.is_empty());
    assert!(inbox_ids(&f, &kz, overdue_out).await.is_empty());
    let receipts = f.store.message_receipts(&kz, &sent.id).await.expect("receipts");
    assert_eq!(receipts.get("ru-police"), Some(&Delivery::Answered));
    let thread = f.store.thread(&kz, &reply.id).await.expect("thread");
    assert_eq!(
        thread.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [sent.id.as_str(), reply.id.as_str()]
    );

    // Every step is in the audit log.
    let entries = f.store.audit_entries(0, 500).await.expect("audit").entries;
    for action in [
        "message.send",
        "message.read",
        "message.acknowledge",
        "message.reply",
        "message.thread",
    ] {
        assert!(entries.iter().any(|e| e.draft.action == action), "{action} not audited");
    }
});

story!(only_addressees_and_the_originator_read_a_message, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru_police = officer(&f, "ru-police");
    let ru_security = officer(&f, "ru-security-service");
    let cn = officer(&f, "cn-police");
    let mut secret = message("Safe house on Poplar street", &["ru-police"]);
    secret.handling.classification = Classification::Secret;
    secret.attachments.push(AttachmentInput {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        content: b"floor plan (synthetic)".to_vec(),
    });
    let m = concord_app::messages::send(&f.store, &kz, None, secret)
        .await
        .expect("send");
    let sha = m.attachments[0].sha256.clone();

    // The addressee reads it; another authority of the same state and a
    // third state do not, by any path.
    assert!(f.store.get_message(&ru_police, &m.id).await.is_ok());
    for outsider in [&ru_security, &cn] {
        assert!(matches!(
            f.store.get_message(outsider, &m.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(inbox_ids(&f, outsider, inbox(50)).await.is_empty());
        let search = MessageQuery {
            text: Some("poplar".into()),
            ..inbox(50)
        };
        assert!(inbox_ids(&f, outsider, search).await.is_empty());
        assert!(f.store.thread(outsider, &m.id).await.is_err());
        assert!(f.store.attachment(outsider, &m.id, &sha).await.is_err());
        assert!(
            concord_app::messages::send(&f.store, outsider, Some(&m.id), message("Re", &[]))
                .await
                .is_err()
        );
        assert!(
            concord_app::messages::acknowledge(&f.store, outsider, &m.id)
                .await
                .is_err()
        );
        assert!(
            concord_app::messages::forward(&f.store, outsider, &m.id, &["cn-police".into()], "")
                .await
                .is_err()
        );
        assert!(f.store.notifications(outsider, 50).await.expect("notes").is_empty());
    }
    // An addressed analyst without the clearance does not see it either.
    let low = analyst(&f, "ru-police", Classification::Confidential);
    assert!(matches!(
        f.store.get_message(&low, &m.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(inbox_ids(&f, &low, inbox(50)).await.is_empty());
    // Not even a notice reveals that the message exists.
    assert!(f.store.notifications(&low, 50).await.expect("notes").is_empty());
    let cleared = analyst(&f, "ru-police", Classification::Secret);
    let (meta, bytes) = f.store.attachment(&cleared, &m.id, &sha).await.expect("attachment");
    assert_eq!(meta.content_type, "text/plain");
    assert_eq!(bytes, b"floor plan (synthetic)");
    // Analysts read but do not act.
    assert!(matches!(
        concord_app::messages::acknowledge(&f.store, &cleared, &m.id).await,
        Err(Refusal::Forbidden(_))
    ));

    // Addressed to a state: every authority of that state.
    let to_state = concord_app::messages::send(
        &f.store,
        &kz,
        None,
        message("Alert for all Russian services", &["state:RU"]),
    )
    .await
    .expect("send");
    assert!(f.store.get_message(&ru_security, &to_state.id).await.is_ok());
    assert!(f.store.get_message(&cn, &to_state.id).await.is_err());
    let notes = f.store.notifications(&ru_security, 10).await.expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].subject_id, to_state.id);
});

story!(forwarding_a_consent_bound_message_waits_for_the_originator, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let cn = officer(&f, "cn-police");
    let mut bound = message("Informant report", &["ru-police"]);
    bound.handling.dissemination = Dissemination::OriginatorConsent;
    let m = concord_app::messages::send(&f.store, &kz, None, bound)
        .await
        .expect("send");

    let Forwarded::AwaitingConsent(req) =
        concord_app::messages::forward(&f.store, &ru, &m.id, &["cn-police".into()], "CN holds the suspect")
            .await
            .expect("forward")
    else {
        panic!("forwarded without consent");
    };
    assert!(f.store.get_message(&cn, &m.id).await.is_err(), "moved before consent");
    assert!(
        matches!(
            concord_app::messages::decide_forward(&f.store, &ru, &req.id, true, "").await,
            Err(Refusal::Conflict(_))
        ),
        "the requester decided its own request"
    );
    assert!(
        concord_app::messages::decide_forward(&f.store, &cn, &req.id, true, "")
            .await
            .is_err()
    );
    assert!(matches!(
        concord_app::messages::decide_forward(&f.store, &kz, &req.id, false, " ").await,
        Err(Refusal::Invalid { .. })
    ));
    let pending = f.store.forward_requests(&kz).await.expect("queue");
    assert_eq!(pending.len(), 1);
    let granted = concord_app::messages::decide_forward(&f.store, &kz, &req.id, true, "")
        .await
        .expect("grant");
    assert_eq!(granted.status.as_str(), "granted");
    let seen = f.store.get_message(&cn, &m.id).await.expect("cn reads after consent");
    assert!(
        seen.receipts
            .iter()
            .any(|r| r.recipient == "cn-police" && r.forward_id.as_deref() == Some(req.id.as_str()))
    );
    assert!(matches!(
        concord_app::messages::decide_forward(&f.store, &kz, &req.id, false, "changed my mind").await,
        Err(Refusal::Conflict(_))
    ));
    // CN has no consent of its own: its forward waits too.
    assert!(matches!(
        concord_app::messages::forward(&f.store, &cn, &m.id, &["kg-police".into()], "").await,
        Ok(Forwarded::AwaitingConsent(_))
    ));

    // The consent covered the forward to China, once: RU's next forward
    // waits for the originator again, and RU may not export the thread.
    assert!(matches!(
        concord_app::messages::forward(&f.store, &ru, &m.id, &["kg-police".into()], "").await,
        Ok(Forwarded::AwaitingConsent(_))
    ));
    assert!(
        matches!(f.store.export_thread(&ru, &m.id).await, Err(StoreError::Forbidden(_))),
        "a granted forward is no consent to export"
    );
    assert!(
        f.store.get_message(&officer(&f, "kg-police"), &m.id).await.is_err(),
        "nothing went to KG"
    );

    // A refusal leaves everything where it was.
    let mut bound2 = message("Second informant report", &["ru-police"]);
    bound2.handling.dissemination = Dissemination::OriginatorConsent;
    let m2 = concord_app::messages::send(&f.store, &kz, None, bound2)
        .await
        .expect("send");
    let Forwarded::AwaitingConsent(req2) =
        concord_app::messages::forward(&f.store, &ru, &m2.id, &["tj-police".into()], "")
            .await
            .expect("forward")
    else {
        panic!("forwarded without consent");
    };
    let _ = concord_app::messages::decide_forward(&f.store, &kz, &req2.id, false, "source protection")
        .await
        .expect("refuse");
    let tj = officer(&f, "tj-police");
    assert!(f.store.get_message(&tj, &m2.id).await.is_err());

    // Free dissemination forwards at once.
    let free = concord_app::messages::send(&f.store, &kz, None, message("Open bulletin", &["ru-police"]))
        .await
        .expect("send");
    assert!(matches!(
        concord_app::messages::forward(&f.store, &ru, &free.id, &["tj-police".into()], "").await,
        Ok(Forwarded::Sent(_))
    ));
    assert!(f.store.get_message(&tj, &free.id).await.is_ok());
});

story!(bad_messages_are_refused_and_nothing_is_written, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let hidden = concord_app::records::create(
        &f.store,
        &ru,
        sample_input(RecordKind::Person, "Kept Pending", HandlingCode::open()),
    )
    .await
    .expect("record");
    let cases: Vec<(&str, MessageInput)> = vec![
        ("recipients", message("No one", &[])),
        ("recipients[0]", message("Unknown", &["xx-nowhere"])),
        ("recipients[1]", message("Twice", &["ru-police", "ru-police"])),
        ("recipients[0]", {
            let mut m = message("Observer", &["state:MN"]);
            m.handling.distribution = Distribution::AllMembers;
            m
        }),
        ("recipients[0]", {
            let mut m = message("Structure only", &["ru-police"]);
            m.handling.distribution = Distribution::StructureOnly;
            m
        }),
        ("deadline", {
            let mut m = message("Request without deadline", &["ru-police"]);
            m.kind = MessageKind::Request;
            m
        }),
        ("deadline", {
            let mut m = message("Request due yesterday", &["ru-police"]);
            m.kind = MessageKind::Request;
            m.deadline = Some(START - Duration::days(1));
            m
        }),
        ("deadline", {
            let mut m = message("Message with deadline", &["ru-police"]);
            m.deadline = Some(START + Duration::days(1));
            m
        }),
        ("subject", message(" ", &["ru-police"])),
        ("links[0]", {
            let mut m = message("Hidden link", &["ru-police"]);
            m.links.push(hidden.id.clone());
            m
        }),
        ("attachments[0].content_type", {
            let mut m = message("Lying attachment", &["ru-police"]);
            m.attachments.push(AttachmentInput {
                filename: "scan.pdf".into(),
                content_type: "application/pdf".into(),
                content: b"\x89PNG\r\n\x1a\nnot a pdf".to_vec(),
            });
            m
        }),
        ("attachments[0].content", {
            let mut m = message("Huge attachment", &["ru-police"]);
            m.attachments.push(AttachmentInput {
                filename: "big.txt".into(),
                content_type: "text/plain".into(),
                content: vec![b'a'; concord_store::MAX_ATTACHMENT_BYTES + 1],
            });
            m
        }),
    ];
    for (field, input) in cases {
        let subject = input.subject.clone();
        match concord_app::messages::send(&f.store, &kz, None, input).await {
            Err(Refusal::Invalid { field: got, message }) => {
                assert_eq!(got, field, "{subject}: {message}");
            }
            other => panic!("{subject}: {other:?}"),
        }
    }
    let mut above = message("Above clearance", &["ru-police"]);
    above.handling.classification = Classification::Secret;
    let low = ctx(
        &f.store,
        "kz-low",
        "kz-security-service",
        Roles::of([Role::Officer]),
        Classification::Restricted,
    );
    assert!(matches!(
        concord_app::messages::send(&f.store, &low, None, above).await,
        Err(Refusal::Invalid { .. })
    ));
    let reader = analyst(&f, "kz-security-service", Classification::Secret);
    assert!(matches!(
        concord_app::messages::send(&f.store, &reader, None, message("Analyst", &["ru-police"])).await,
        Err(Refusal::Forbidden(_))
    ));
    // A state suspended or an observer can be addressed only when named.
    let mut named = message("Named observer", &["state:MN"]);
    named.handling.distribution = "states:MN".parse().expect("distribution");
    assert!(concord_app::messages::send(&f.store, &kz, None, named).await.is_ok());

    let outbox = MessageQuery {
        mailbox: Mailbox::Outbox,
        ..inbox(50)
    };
    assert_eq!(
        inbox_ids(&f, &kz, outbox).await.len(),
        1,
        "only the valid message was written"
    );
    assert!(inbox_ids(&f, &ru, inbox(50)).await.is_empty());
});

story!(attachments_are_stored_once_and_links_show_only_readable_records, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let cn = officer(&f, "cn-police");
    let mut shared = sample_input(RecordKind::Organization, "Northern Cell", HandlingCode::open());
    shared.handling.distribution = "states:KZ,RU".parse().expect("distribution");
    let r = concord_app::records::create(&f.store, &kz, shared)
        .await
        .expect("record");
    concord_app::records::decide_compliance(&f.store, &kz, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    let file = AttachmentInput {
        filename: "photo.png".into(),
        content_type: "image/png".into(),
        content: b"\x89PNG\r\n\x1a\n(synthetic pixels)".to_vec(),
    };
    let mut first = message("Cell photo", &["ru-police", "cn-police"]);
    first.links.push(r.id.clone());
    first.attachments.push(file.clone());
    let a = concord_app::messages::send(&f.store, &kz, None, first)
        .await
        .expect("first");
    f.clock.advance(Duration::minutes(1));
    let mut second = message("Same photo again", &["ru-police"]);
    second.attachments.push(file);
    let b = concord_app::messages::send(&f.store, &kz, None, second)
        .await
        .expect("second");
    assert_eq!(a.attachments[0].sha256, b.attachments[0].sha256);

    let for_ru = f.store.get_message(&ru, &a.id).await.expect("ru");
    assert_eq!(for_ru.links, [r.id.as_str()]);
    let for_cn = f.store.get_message(&cn, &a.id).await.expect("cn");
    assert!(for_cn.links.is_empty(), "CN sees a record not distributed to it");
    let visible = f.store.list_records(&cn, &RecordQuery::first(50)).await.expect("list");
    assert!(visible.iter().all(|x| x.id != r.id));

    // Search finds words in subject and body, case-insensitively, and pages.
    let search = MessageQuery {
        text: Some("PHOTO".into()),
        ..inbox(1)
    };
    let page1 = f.store.list_messages(&ru, &search).await.expect("page 1");
    assert_eq!(page1.len(), 1);
    assert_eq!(page1[0].id, b.id, "newest first");
    let next = MessageQuery {
        before: Some((page1[0].created_at.clone(), page1[0].id.clone())),
        ..search
    };
    let page2 = f.store.list_messages(&ru, &next).await.expect("page 2");
    assert_eq!(page2.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [a.id.as_str()]);
});

story!(messages_over_http_with_attachments_and_clear_errors, |f| {
    use crate::http::{app, call, login, raw};
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::json;
    use tower::ServiceExt;

    let app = app(&f).await;
    let cn = login(&app, "cn.officer").await;
    let ru = login(&app, "ru.analyst").await;
    let body = |attachment: serde_json::Value| {
        json!({
            "kind": "request",
            "priority": "urgent",
            "subject": "Vehicle seen at the border",
            "body": "A grey van, plates partly read (synthetic).",
            "recipients": ["ru-police"],
            "handling": {"distribution": "all-members", "dissemination": "free", "use": "evidence", "classification": "restricted"},
            "deadline": "2026-12-01T12:00:00Z",
            "attachments": [attachment]
        })
    };
    let ok = json!({"filename": "note.txt", "content_type": "text/plain", "content_base64": "cGxhdGVzOiBBQjEyMw=="});
    let cases = [
        (
            json!({"filename": "a.txt", "content_type": "text/plain", "content_base64": "***"}),
            "attachments[0].content_base64",
        ),
        (
            json!({"filename": "a.pdf", "content_type": "application/pdf", "content_base64": "cGxhdGVz"}),
            "attachments[0].content_type",
        ),
        (
            json!({"filename": "a.txt", "content_type": "text/plain", "content_base64": "cGxhdGVz", "size": 3}),
            "attachments[0].size",
        ),
    ];
    for (attachment, field) in cases {
        let (status, err) = call(&app, "POST", "/api/v1/messages", Some(&cn), Some(body(attachment))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["field"], field, "{err}");
    }
    let mut no_deadline = body(ok.clone());
    no_deadline["deadline"] = serde_json::Value::Null;
    let (status, err) = call(&app, "POST", "/api/v1/messages", Some(&cn), Some(no_deadline)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"))
    );

    let (status, sent) = call(&app, "POST", "/api/v1/messages", Some(&cn), Some(body(ok))).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let id = sent["id"].as_str().expect("id");
    let sha = sent["attachments"][0]["sha256"].as_str().expect("sha");

    let (status, page) = call(
        &app,
        "GET",
        "/api/v1/messages/inbox?kind=request&q=grey%20van",
        Some(&ru),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["id"], id);
    let (status, err) = call(&app, "GET", "/api/v1/messages/inbox?kind=letter", Some(&ru), None).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("kind"))
    );

    let req = Request::builder()
        .uri(format!("/api/v1/messages/{id}/attachments/{sha}"))
        .header("authorization", format!("Bearer {ru}"))
        .body(Body::empty())
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/plain");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");

    // The analyst reads but may not acknowledge; the officer's side is the sender.
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/v1/messages/{id}/acknowledgement"),
        Some(&ru),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = call(
        &app,
        "POST",
        &format!("/api/v1/messages/{id}/acknowledgement"),
        Some(&cn),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let missing = Request::builder()
        .uri("/api/v1/messages/msg-none")
        .header("authorization", format!("Bearer {ru}"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(raw(&app, missing).await.0, StatusCode::NOT_FOUND);
    let (status, notes) = call(&app, "GET", "/api/v1/notifications", Some(&ru), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes[0]["subject_id"], id);
});

story!(a_thread_exports_as_a_valid_stix_bundle_within_the_access_model, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let person = concord_app::records::create(
        &f.store,
        &kz,
        sample_input(RecordKind::Person, "Arman Seitkali", HandlingCode::open()),
    )
    .await
    .expect("record");
    concord_app::records::decide_compliance(
        &f.store,
        &kz,
        &person.id,
        true,
        ALL_TICKED,
        "act described",
        person.version,
    )
    .await
    .expect("approve");
    let mut first = message("Courier identified", &["ru-police"]);
    first.links.push(person.id.clone());
    let first = concord_app::messages::send(&f.store, &kz, None, first)
        .await
        .expect("send");
    f.clock.advance(Duration::minutes(5));
    let mut answer = message("Re: courier", &[]);
    answer.handling.dissemination = Dissemination::OriginatorConsent;
    let reply = concord_app::messages::send(&f.store, &ru, Some(&first.id), answer)
        .await
        .expect("reply");

    // KZ may pass on its own message but not RU's consent-bound reply.
    let (messages, records) = f.store.export_thread(&kz, &first.id).await.expect("export");
    assert_eq!(
        messages.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [first.id.as_str()]
    );
    assert_eq!(records.len(), 1);
    assert!(matches!(
        f.store.export_thread(&kz, &reply.id).await,
        Err(StoreError::Forbidden(_))
    ));
    // RU passes on both: its own reply and KZ's free message.
    let (messages, records) = f.store.export_thread(&ru, &reply.id).await.expect("export");
    assert_eq!(messages.len(), 2);
    let cn = officer(&f, "cn-police");
    assert!(matches!(
        f.store.export_thread(&cn, &first.id).await,
        Err(StoreError::NotFound(_))
    ));

    let bundle = concord_exchange::stix::thread_bundle(&messages, &records, &f.store.snapshot().registry);
    let objects = bundle["objects"].as_array().expect("objects");
    let count = |t: &str| objects.iter().filter(|o| o["type"] == t).count();
    assert_eq!(count("note"), 2);
    assert_eq!(count("grouping"), 1);
    assert!(
        objects
            .iter()
            .any(|o| o["type"] == "identity" && o["name"] == "Arman Seitkali")
    );
    let amber = concord_exchange::stix::Tlp::Amber.id();
    assert!(
        objects
            .iter()
            .any(|o| o["type"] == "note" && o["object_marking_refs"][0] == amber)
    );
    let again = concord_exchange::stix::thread_bundle(&messages, &records, &f.store.snapshot().registry);
    assert_eq!(bundle, again, "exports are repeatable");

    let has_validator = std::process::Command::new("python3")
        .args(["-c", "import stix2validator"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_validator {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have stix2-validator (pip install stix2-validator)"
        );
        eprintln!("skipped the STIX validation: pip install stix2-validator to run it");
        return;
    }
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, bundle.to_string()).expect("write");
    let out = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/validate_stix.py"))
        .arg(&path)
        .arg("--strict-warnings")
        .output()
        .expect("python3");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
});

story!(inbox_pages_and_search_find_each_message_once, |f| {
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let cn = officer(&f, "cn-police");
    let plan: [(&str, &[&str]); 7] = [
        ("alpha convoy north", &["ru-police"]),
        ("routine weather", &["state:RU"]),
        ("alpha beta checkpoint", &["ru-police", "state:RU"]),
        ("北京 会议 schedule", &["state:RU"]),
        ("market prices", &["ru-police"]),
        ("Alpha again", &["state:RU"]),
        ("unrelated", &["tj-police"]),
    ];
    let mut sent = Vec::new();
    for (subject, to) in plan {
        f.clock.advance(Duration::minutes(1));
        let m = concord_app::messages::send(&f.store, &kz, None, message(subject, to))
            .await
            .expect("send");
        sent.push(m.id);
    }
    let newest_first = |idx: &[usize]| idx.iter().rev().map(|i| sent[*i].clone()).collect::<Vec<_>>();

    // Pages of two through the merged walks of ru-police and state:RU.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let q = MessageQuery {
            before: before.clone(),
            ..inbox(2)
        };
        let page = f.store.list_messages(&ru, &q).await.expect("page");
        seen.extend(page.iter().map(|m| m.id.clone()));
        match page.last() {
            Some(m) if page.len() == 2 => before = Some((m.created_at.clone(), m.id.clone())),
            _ => break,
        }
    }
    assert_eq!(seen, newest_first(&[0, 1, 2, 3, 4, 5]));

    let search = |text: &str, limit: i64, mailbox: Mailbox| MessageQuery {
        text: Some(text.into()),
        mailbox,
        ..inbox(limit)
    };
    let ids = |ms: Vec<concord_store::Message>| ms.into_iter().map(|m| m.id).collect::<Vec<_>>();
    let alpha = ids(f
        .store
        .list_messages(&ru, &search("ALPHA", 10, Mailbox::Inbox))
        .await
        .expect("search"));
    assert_eq!(alpha, newest_first(&[0, 2, 5]));
    let both = ids(f
        .store
        .list_messages(&ru, &search("alpha beta", 10, Mailbox::Inbox))
        .await
        .expect("search"));
    assert_eq!(both, newest_first(&[2]));
    let han = ids(f
        .store
        .list_messages(&ru, &search("北京", 10, Mailbox::Inbox))
        .await
        .expect("search"));
    assert_eq!(han, newest_first(&[3]));
    let first = f
        .store
        .list_messages(&ru, &search("alpha", 1, Mailbox::Inbox))
        .await
        .expect("page");
    let next = MessageQuery {
        before: Some((first[0].created_at.clone(), first[0].id.clone())),
        ..search("alpha", 1, Mailbox::Inbox)
    };
    assert_eq!(
        ids(f.store.list_messages(&ru, &next).await.expect("page")),
        newest_first(&[2])
    );
    let out = ids(f
        .store
        .list_messages(&kz, &search("alpha", 10, Mailbox::Outbox))
        .await
        .expect("search"));
    assert_eq!(out, newest_first(&[0, 2, 5]));

    // Not addressed: nothing, by any word; forwarded: found by the new addressee.
    assert!(
        f.store
            .list_messages(&cn, &search("alpha", 10, Mailbox::Inbox))
            .await
            .expect("search")
            .is_empty()
    );
    concord_app::messages::forward(&f.store, &ru, &sent[0], &["cn-police".into()], "")
        .await
        .expect("forward");
    let found = ids(f
        .store
        .list_messages(&cn, &search("convoy", 10, Mailbox::Inbox))
        .await
        .expect("search"));
    assert_eq!(found, [sent[0].clone()]);
});

story!(every_search_plan_pages_alike, |f| {
    use concord_store::{Options, SearchPlan, Store};
    let kz = officer(&f, "kz-security-service");
    let ru = officer(&f, "ru-police");
    let mut sent = Vec::new();
    for i in 0..60 {
        f.clock.advance(Duration::minutes(1));
        let to: &[&str] = if i % 2 == 0 {
            &["ru-police"]
        } else {
            &["state:RU", "tj-police"]
        };
        let input = MessageInput {
            priority: if i % 3 == 0 {
                Priority::Urgent
            } else {
                Priority::Routine
            },
            ..message(&format!("alpha report {i}"), to)
        };
        let m = concord_app::messages::send(&f.store, &kz, None, input)
            .await
            .expect("send");
        sent.push((m.id, i % 3 == 0));
    }
    sent.reverse();
    let all: Vec<String> = sent.iter().map(|(id, _)| id.clone()).collect();
    let urgent: Vec<String> = sent.iter().filter(|(_, u)| *u).map(|(id, _)| id.clone()).collect();
    // Sorting every match, walking the mailbox, and the planner's choice.
    for plan in [
        SearchPlan::WalkFrom(i64::MAX),
        SearchPlan::WalkFrom(2),
        SearchPlan::Estimated,
    ] {
        let mut options = Options::new(f.clock.clone(), None);
        options.search_plan = plan;
        let store = Store::open(&f.url, options).await.expect("open");
        for (priority, expected) in [(None, &all), (Some(Priority::Urgent), &urgent)] {
            let mut got = Vec::new();
            let mut before = None;
            loop {
                let q = MessageQuery {
                    text: Some("alpha".into()),
                    priority,
                    before: before.clone(),
                    ..inbox(7)
                };
                let page = store.list_messages(&ru, &q).await.expect("page");
                got.extend(page.iter().map(|m| m.id.clone()));
                match page.last() {
                    Some(m) if page.len() == 7 => before = Some((m.created_at.clone(), m.id.clone())),
                    _ => break,
                }
            }
            assert_eq!(&got, expected, "{plan:?}, priority {priority:?}");
        }
        store.close().await;
    }
});
