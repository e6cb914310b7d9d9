//! The canary crawler: objects that most users may not see, each carrying a
//! unique canary in every text field, and then every route of the API (read
//! from the OpenAPI document) and of the console (read from its router's
//! source), as every kind of user, with the hidden objects' ids in every
//! path parameter and their canaries in every search. A response that
//! carries a canary, or an id, of something its user may not read is a
//! leak; so is a write through a hidden object; and every answer without
//! a path parameter must be the same before and after the hidden objects
//! were written.
//!
//! `CONCORD_CRAWL=full` tries every hidden id in every parameter (the
//! figures in BENCHMARKS.md, "Reliability"); the default tries a rotating
//! share of them, enough to cross every route with every user.

use crate::http::{app, login, password_hash};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use concord_domain::registry::{Authority, AuthorityKind, Names};
use concord_domain::workflow::designation::{ActKind, Criteria, Direction};
use concord_domain::workflow::exchange::{MessageKind, Priority};
use concord_domain::{
    Classification, Distribution, EventFacts, HandlingCode, MembershipEvent, MembershipStatus, RecordKind,
    RelationKind, Roles, StateCode,
};
use concord_store::{Actor, AttachmentInput, Ctx, Link, MessageInput, NewUser, Store};
use concord_stories::{ALL_TICKED, Fixture, officer, sample_input, story};
use http_body_util::BodyExt;
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;

/// Users beyond the HTTP harness's: an observer, a dialogue partner, a
/// member suspended and one withdrawn from the crawl's day, a low clearance.
const MORE_USERS: &[(&str, &str, &str, Classification)] = &[
    ("mn.officer", "mn-police", "officer", Classification::Secret),
    ("tr.officer", "tr-police", "officer", Classification::Secret),
    ("uz.officer", "uz-police", "officer,supervisor", Classification::Secret),
    ("in.officer", "in-police", "officer", Classification::Restricted),
    ("kg.officer", "kg-police", "officer,supervisor", Classification::Secret),
    (
        "kz.officer",
        "kz-police",
        "officer,supervisor",
        Classification::Confidential,
    ),
];

/// Every user the crawl runs as (the originator, `cn.officer`, included:
/// what it may not see of others' is checked too).
const CRAWLERS: &[&str] = &[
    "cn.officer",
    "ru.analyst",
    "ru.officer",
    "ru.admin",
    "ru.dpo",
    "kz.diplomat",
    "structure.admin",
    "mn.officer",
    "tr.officer",
    "uz.officer",
    "in.officer",
    "kz.officer",
    "kg.officer",
];

/// A seeded object: its id, its canaries, and how to read it through its
/// own primary path (the truth every other path is held to).
struct Seeded {
    id: String,
    canaries: Vec<String>,
    kind: &'static str,
    /// The TAXII collection a STIX object sits in; a case link's two
    /// ends, space-separated.
    within: Option<String>,
}

#[derive(Default)]
struct World {
    seeded: Vec<Seeded>,
    /// Every id written, hidden or not.
    created: Vec<String>,
    /// The record shared with all members whose first version was not.
    shared: String,
    /// TAXII collections objects were added to.
    taxii_collections: Vec<String>,
}

fn canary(n: usize) -> String {
    format!("cnry{n:03}q")
}

async fn ctx_of(store: &Store, username: &str) -> Ctx {
    let user = store.user_by_name(username).await.expect(username);
    Ctx {
        viewer: store.viewer(&user).expect("viewer"),
        purpose: "crawler truth".into(),
    }
}

async fn readable(store: &Store, ctx: &Ctx, s: &Seeded) -> bool {
    match s.kind {
        "record" => store.readable(ctx, &s.id).await.is_ok(),
        "message" => store.readable_message(ctx, &s.id).await.is_ok(),
        "consultation" => store.visible_consultation(ctx, &s.id).await.is_ok(),
        "proposal" => store.visible_proposal(ctx, &s.id).await.is_ok(),
        "notification" => store.visible_notification(ctx, &s.id).await.is_ok(),
        "incident" => store.visible_incident(ctx, &s.id).await.is_ok(),
        "delivery" => store.visible_delivery(ctx, &s.id).await.is_ok(),
        "legal" => store.visible_legal_request(ctx, &s.id).await.is_ok(),
        "operation" => store.visible_operation(ctx, &s.id).await.is_ok(),
        "meeting" => store.visible_meeting(ctx, &s.id).await.is_ok(),
        "exercise" => store.visible_exercise(ctx, &s.id).await.is_ok(),
        "programme" => store.visible_programme(ctx, &s.id).await.is_ok(),
        // A reported figure: where a record shared with all members is.
        "figure" => store.readable(ctx, s.within.as_deref().unwrap_or("")).await.is_ok(),
        // A case link: where both its ends are, each judged as its own kind.
        "link" => {
            let ends: Vec<&str> = s.within.as_deref().unwrap_or("").split(' ').collect();
            let mut both = ends.len() == 2;
            for end in ends {
                both &= match end.split('-').next().unwrap_or("") {
                    "pen" => store.visible_notification(ctx, end).await.is_ok(),
                    "inc" => store.visible_incident(ctx, end).await.is_ok(),
                    "cd" => store.visible_delivery(ctx, end).await.is_ok(),
                    "op" => store.visible_operation(ctx, end).await.is_ok(),
                    "mla" => store.visible_legal_request(ctx, end).await.is_ok(),
                    other => panic!("a link to an unknown kind {other}"),
                };
            }
            both
        }
        // A draft is its office's alone, and that office is no crawler: the
        // truth here does not lean on the rule it checks.
        "legal-draft" => false,
        // A TAXII object: readable where its collection is.
        "taxii" => store
            .taxii_collections(ctx)
            .iter()
            .any(|c| c.can_read && s.within.as_deref() == Some(c.id.as_str())),
        other => panic!("unknown kind {other}"),
    }
}

fn handled(distribution: Distribution, classification: Classification) -> HandlingCode {
    HandlingCode {
        distribution,
        classification,
        ..HandlingCode::open()
    }
}

/// The seeding's running state: the canary counter and what was written.
struct Seeder<'a> {
    f: &'a Fixture,
    cn: Ctx,
    n: usize,
    world: World,
}

impl Seeder<'_> {
    fn canary(&mut self) -> String {
        self.n += 1;
        canary(self.n)
    }

    async fn approve(&self, id: &str, version: i64) -> concord_domain::Record {
        concord_app::records::decide_compliance(&self.f.store, &self.cn, id, true, ALL_TICKED, "act described", version)
            .await
            .expect("approve")
    }

    /// A record of China's security service in `state`, its name, evidence
    /// and compliance note canaries.
    async fn record(&mut self, distribution: Distribution, classification: Classification, state: &str) -> String {
        let (name, evidence, note) = (self.canary(), self.canary(), self.canary());
        let mut input = sample_input(
            RecordKind::Person,
            &format!("Person {name}"),
            handled(distribution, classification),
        );
        input.evidence = format!("Evidence {evidence}: carried explosives across a border (synthetic).");
        let r = concord_app::records::create(&self.f.store, &self.cn, input)
            .await
            .expect("create");
        match state {
            "approved" => {
                self.approve(&r.id, r.version).await;
            }
            "returned" => {
                concord_app::records::decide_compliance(
                    &self.f.store,
                    &self.cn,
                    &r.id,
                    false,
                    ALL_TICKED,
                    &note,
                    r.version,
                )
                .await
                .expect("return");
            }
            "archived" => {
                let r = self.approve(&r.id, r.version).await;
                concord_app::records::archive(&self.f.store, &self.cn, &r.id, r.version, &format!("archived {note}"))
                    .await
                    .expect("archive");
            }
            _ => {}
        }
        self.world.created.push(r.id.clone());
        self.world.seeded.push(Seeded {
            id: r.id.clone(),
            canaries: vec![name, evidence, note],
            kind: "record",
            within: None,
        });
        r.id
    }

    /// A message of China's security service to `to`, linking `link`, with
    /// an attachment; subject, body, file name and content are canaries.
    async fn message(&mut self, to: &str, classification: Classification, link: &str) {
        let (subject, body, file, content) = (self.canary(), self.canary(), self.canary(), self.canary());
        let m = concord_app::messages::send(
            &self.f.store,
            &self.cn,
            None,
            MessageInput {
                kind: MessageKind::Message,
                priority: Priority::Urgent,
                subject: format!("Subject {subject}"),
                body: format!("Body {body} (synthetic)."),
                recipients: vec![to.into()],
                handling: handled(Distribution::AllMembers, classification),
                deadline: None,
                links: vec![link.to_owned()],
                attachments: vec![AttachmentInput {
                    filename: format!("{file}.txt"),
                    content_type: "text/plain".into(),
                    content: format!("attachment {content}").into_bytes(),
                }],
            },
        )
        .await
        .expect("send");
        self.world.created.push(m.id.clone());
        self.world.seeded.push(Seeded {
            id: m.id,
            canaries: vec![subject, body, file, content],
            kind: "message",
            within: None,
        });
    }
}

/// The first phase: objects some crawlers may see and others not (a
/// distribution to Kazakhstan, the structure only, secret and confidential
/// ones), a record whose first version was the originator's alone, an event
/// attributed to a record most may not read, a message to Kazakhstan.
async fn seed_partly_hidden(s: &mut Seeder<'_>) {
    let kz: BTreeSet<StateCode> = [StateCode::from("KZ")].into();
    let to_kz = s
        .record(Distribution::States(kz), Classification::Unclassified, "approved")
        .await;
    s.record(Distribution::StructureOnly, Classification::Unclassified, "approved")
        .await;
    s.record(Distribution::AllMembers, Classification::Secret, "approved")
        .await;
    s.record(Distribution::AllMembers, Classification::Confidential, "approved")
        .await;

    // A record shared now whose first version was the originator's alone.
    let (early, reason) = (s.canary(), s.canary());
    let mut first = sample_input(
        RecordKind::Organization,
        "Shared Front",
        handled(Distribution::OriginatorOnly, Classification::Unclassified),
    );
    first.evidence = format!("First version {early}: ran a training camp (synthetic).");
    let r = concord_app::records::create(&s.f.store, &s.cn, first)
        .await
        .expect("create");
    let mut shared = sample_input(RecordKind::Organization, "Shared Front", HandlingCode::open());
    shared.evidence = "Ran a training camp near the border (synthetic).".into();
    let r = concord_app::records::update(
        &s.f.store,
        &s.cn,
        &r.id,
        r.version,
        shared,
        &format!("released {reason}"),
    )
    .await
    .expect("update");
    let shared = s.approve(&r.id, r.version).await;
    s.world.created.push(shared.id.clone());
    // The first version's content is the canary, not the record.
    s.world.seeded.push(Seeded {
        id: format!("{}#v1", shared.id),
        canaries: vec![early],
        kind: "version",
        within: None,
    });
    s.world.shared = shared.id.clone();

    let mut event = sample_input(RecordKind::Event, "Crossing incident", HandlingCode::open());
    event.facts.event = Some(EventFacts {
        date: "2026-10-01".parse().expect("date"),
        place: None,
        coordinates: None,
        attributed_to: vec![shared.id.clone(), to_kz.clone()],
    });
    let ev = concord_app::records::create(&s.f.store, &s.cn, event)
        .await
        .expect("event");
    s.approve(&ev.id, ev.version).await;
    s.world.created.push(ev.id);
    s.message("kz-police", Classification::Unclassified, &to_kz).await;

    // An emergency consultation among the members (an observer, a dialogue
    // partner and a suspended member do not see it).
    let (summary, agenda) = (s.canary(), s.canary());
    let kz = officer(s.f, "kz-foreign-ministry");
    let c = concord_app::consultations::propose(&s.f.store, &kz, &format!("Situation {summary} (synthetic)"))
        .await
        .expect("propose");
    let ru = officer(s.f, "ru-foreign-ministry");
    concord_app::consultations::second(&s.f.store, &ru, &c.id, "")
        .await
        .expect("second");
    concord_app::consultations::set_agenda(&s.f.store, &kz, &c.id, &format!("1. Agenda {agenda}"))
        .await
        .expect("agenda");
    s.world.created.push(c.id.clone());
    s.world.seeded.push(Seeded {
        id: c.id,
        canaries: vec![summary, agenda],
        kind: "consultation",
        within: None,
    });

    // A STIX indicator shared in China's collection only.
    let collection =
        s.f.store
            .taxii_collections(&s.cn)
            .into_iter()
            .find(|c| c.key == "state-CN")
            .expect("China's collection");
    let (name, description) = (s.canary(), s.canary());
    let stix_id = "indicator--6f1d1c4a-3c2e-4d5b-9a8e-2f7c1b0e9d31".to_owned();
    let added =
        s.f.store
            .taxii_add(
                &s.cn,
                &collection.id,
                &[serde_json::json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": stix_id,
                    "created": "2026-11-01T00:00:00.000Z",
                    "modified": "2026-11-01T00:00:00.000Z",
                    "name": format!("Indicator {name}"),
                    "description": format!("Description {description}"),
                    "pattern": "[ipv4-addr:value = '203.0.113.9']",
                    "pattern_type": "stix",
                    "valid_from": "2026-11-01T00:00:00Z",
                })],
            )
            .await
            .expect("add");
    assert_eq!(added["success_count"], 1, "{added}");
    s.world.taxii_collections.push(collection.id.clone());
    s.world.seeded.push(Seeded {
        id: stix_id,
        canaries: vec![name, description],
        kind: "taxii",
        within: Some(collection.id.clone()),
    });

    // A listing proposal for an organization shared with all members.
    let evidence = s.canary();
    let mut org = sample_input(RecordKind::Organization, "Ridge Cells", HandlingCode::open());
    org.evidence = "Bombed a railway bridge and claimed it (synthetic).".into();
    let org = concord_app::records::create(&s.f.store, &s.cn, org)
        .await
        .expect("organization");
    let org = s.approve(&org.id, org.version).await;
    s.world.created.push(org.id.clone());
    let p = concord_app::designations::propose(
        &s.f.store,
        &s.cn,
        concord_store::ProposalInput {
            direction: Direction::Listing,
            record_id: org.id.clone(),
            new_organization: None,
            legal_basis: concord_domain::LegalBasis {
                instrument: "shanghai-convention-2001".into(),
                article: "1.1.3".into(),
                category: concord_domain::Category::Terrorism,
            },
            evidence: format!("Evidence {evidence}: bombed a railway bridge (synthetic)."),
            criteria: Criteria {
                act_kind: Some(ActKind::Terrorism),
                acts: "bombing of a railway bridge".into(),
                when: "March 2024".into(),
                place: "Region A".into(),
                attribution: "claimed in a statement".into(),
            },
        },
    )
    .await
    .expect("propose");
    s.world.created.push(p.id.clone());
    s.world.seeded.push(Seeded {
        id: p.id,
        canaries: vec![evidence],
        kind: "proposal",
        within: None,
    });
}

/// A pre-export notification from Kazakhstan to China through Kyrgyzstan
/// (only the route's states read it), an incident raised by China's
/// objection to it, and an incident Kazakhstan shares with Uzbekistan only.
async fn seed_precursors(s: &mut Seeder<'_>) {
    use concord_domain::precursor::{IncidentInput, IncidentKind, NotificationInput, TransitLeg};
    let kz = officer(s.f, "kz-anti-drug-agency");
    let cn = officer(s.f, "cn-anti-drug-agency");
    let (exporter, importer, consignee, entry, transit) = (s.canary(), s.canary(), s.canary(), s.canary(), s.canary());
    let n = concord_app::precursors::notify(
        &s.f.store,
        &kz,
        NotificationInput {
            importing_state: StateCode::from("CN"),
            exporter: format!("Exporter {exporter} (synthetic)"),
            importer: format!("Importer {importer} (synthetic)"),
            consignee: format!("Consignee {consignee}"),
            substance: "acetic-anhydride".into(),
            quantity: "900".into(),
            unit: "l".into(),
            transit: vec![TransitLeg {
                state: StateCode::from("KG"),
                point_of_entry: format!("Crossing {transit}"),
            }],
            point_of_entry: format!("Pass {entry}"),
            planned_export: s.f.store.clock().today() + time::Duration::days(20),
            handling: HandlingCode::open(),
        },
    )
    .await
    .expect("notify");
    let reason = s.canary();
    let (n, incident) = concord_app::precursors::object(
        &s.f.store,
        &cn,
        &n.id,
        &format!("Objection {reason}"),
        n.version,
        Some(IncidentKind::SuspiciousOrder),
    )
    .await
    .expect("object");
    let incident = incident.expect("incident");
    s.world.created.extend([n.id.clone(), incident.id.clone()]);
    let notification = n.id.clone();
    s.world.seeded.push(Seeded {
        id: n.id.clone(),
        canaries: vec![exporter, importer, consignee, entry, transit, reason.clone()],
        kind: "notification",
        within: None,
    });
    s.world.seeded.push(Seeded {
        id: incident.id,
        canaries: vec![reason],
        kind: "incident",
        within: None,
    });
    // A controlled delivery from Kazakhstan to Kyrgyzstan, authorized by it.
    let (consignment, point, contact, conditions) = (s.canary(), s.canary(), s.canary(), s.canary());
    let leg = |state: &str, point: String, contact: String| concord_domain::delivery::Leg {
        state: StateCode::from(state),
        handover_point: point,
        contact,
    };
    let start = s.f.store.clock().today() + time::Duration::days(2);
    let d = concord_app::deliveries::propose(
        &s.f.store,
        &kz,
        concord_domain::delivery::PlanInput {
            consignment: format!("Consignment {consignment} (synthetic)"),
            method: concord_domain::workflow::controlled_delivery::Method::Intact,
            route: vec![
                leg("KZ", "Depot".into(), "KZ desk".into()),
                leg("KG", format!("Point {point}"), format!("Contact {contact}")),
            ],
            planned_start: start,
            planned_end: start + time::Duration::days(3),
            handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
        },
    )
    .await
    .expect("delivery");
    let kg = officer(s.f, "kg-police");
    let d = concord_app::deliveries::step(
        &s.f.store,
        &kg,
        &d.id,
        concord_domain::workflow::controlled_delivery::Step::Authorize,
        &format!("Conditions {conditions}"),
        None,
        d.version,
    )
    .await
    .expect("authorize");
    let delivery = d.id.clone();
    s.world.created.push(d.id.clone());
    s.world.seeded.push(Seeded {
        id: d.id,
        canaries: vec![consignment, point, contact, conditions],
        kind: "delivery",
        within: None,
    });

    // A request for legal assistance from Kazakhstan to China, sent, and a
    // draft its office alone reads.
    let kzp = officer(s.f, "kz-prosecutor");
    for sent in [true, false] {
        let (facts, ask, law, person) = (s.canary(), s.canary(), s.canary(), s.canary());
        let r = concord_app::legal::draft(
            &s.f.store,
            &kzp,
            concord_domain::legal::LegalRequestInput {
                kind: concord_domain::legal::RequestKind::EvidenceCollection,
                requested_state: StateCode::from("CN"),
                requested_office: None,
                facts: format!("Facts {facts}"),
                request: format!("Ask {ask}"),
                offences: vec![concord_domain::legal::Offence {
                    name: "trafficking".into(),
                    requesting_law: format!("Law {law}"),
                    requested_law: "art. 347".into(),
                }],
                persons: vec![format!("Person {person}")],
                records: vec![],
                messages: vec![],
                urgent: false,
                deadline: None,
                handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
            },
        )
        .await
        .expect("legal request");
        let r = if sent {
            concord_app::legal::step(
                &s.f.store,
                &kzp,
                &r.id,
                concord_domain::workflow::legal_assistance::Step::Send,
                "",
                &[],
                r.version,
            )
            .await
            .expect("send")
        } else {
            r
        };
        s.world.created.push(r.id.clone());
        s.world.seeded.push(Seeded {
            id: r.id,
            canaries: vec![facts, ask, law, person],
            kind: if sent { "legal" } else { "legal-draft" },
            within: None,
        });
    }

    // A joint operation of Kazakhstan and Kyrgyzstan, with results.
    let (name, description, substance) = (s.canary(), s.canary(), s.canary());
    let o = concord_app::operations::plan(
        &s.f.store,
        &kz,
        concord_domain::operation::OperationInput {
            name: format!("Operation {name}"),
            description: format!("Description {description}"),
            participants: vec![StateCode::from("KZ"), StateCode::from("KG")],
            starts: s.f.store.clock().today(),
            ends: s.f.store.clock().today() + time::Duration::days(10),
            handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
        },
    )
    .await
    .expect("operation");
    let o = concord_app::operations::step(
        &s.f.store,
        &kz,
        &o.id,
        concord_domain::operation::Step::Start,
        o.version,
    )
    .await
    .expect("start");
    concord_app::operations::report(
        &s.f.store,
        &kz,
        &o.id,
        &[concord_domain::operation::SeizureText {
            substance: format!("drug {substance}"),
            quantity: "4".into(),
            unit: "kg".into(),
        }],
        2,
        1,
    )
    .await
    .expect("results");
    let operation = o.id.clone();
    s.world.created.push(o.id.clone());
    s.world.seeded.push(Seeded {
        id: o.id,
        canaries: vec![name, description, substance],
        kind: "operation",
        within: None,
    });

    let (place, description) = (s.canary(), s.canary());
    let uz: BTreeSet<StateCode> = [StateCode::from("UZ")].into();
    let i = concord_app::precursors::report_incident(
        &s.f.store,
        &kz,
        IncidentInput {
            kind: IncidentKind::Seizure,
            occurred_on: s.f.store.clock().today(),
            place: format!("Depot {place}"),
            description: format!("Seized {description} (synthetic)"),
            substance: Some("potassium-permanganate".into()),
            quantity: Some("40".into()),
            unit: Some("kg".into()),
            notification: None,
            records: vec![],
            messages: vec![],
            handling: handled(Distribution::States(uz), Classification::Restricted),
        },
    )
    .await
    .expect("incident");
    let incident = i.id.clone();
    s.world.created.push(i.id.clone());
    s.world.seeded.push(Seeded {
        id: i.id,
        canaries: vec![place, description],
        kind: "incident",
        within: None,
    });

    // Case links whose ends different states read: the notification (on
    // China's side too) with the delivery (Kazakhstan and Kyrgyzstan), the
    // operation (Kazakhstan and Kyrgyzstan) with the incident shared with
    // Uzbekistan. Each is seen only where both its ends are.
    for (from, to) in [(notification, delivery), (operation, incident)] {
        let note = s.canary();
        let l = concord_app::case_links::link(&s.f.store, &kz, &from, &to, &format!("Note {note}"))
            .await
            .expect("link");
        s.world.created.push(l.link.id.clone());
        s.world.seeded.push(Seeded {
            id: l.link.id,
            canaries: vec![note],
            kind: "link",
            within: Some(format!("{from} {to}")),
        });
    }

    // A meeting of Kazakhstan and Kyrgyzstan with a decision.
    let (place, item, said, task) = (s.canary(), s.canary(), s.canary(), s.canary());
    let today = s.f.store.clock().today();
    let m = concord_app::meetings::schedule(
        &s.f.store,
        &kz,
        concord_domain::meeting::MeetingInput {
            body: "border-services".into(),
            kind: concord_domain::meeting::MeetingKind::Regular,
            date: today,
            place: format!("Place {place}"),
            chair: StateCode::from("KZ"),
            participants: vec![StateCode::from("KZ"), StateCode::from("KG")],
            agenda: vec![format!("Item {item}")],
            handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
        },
    )
    .await
    .expect("meeting");
    let m = concord_app::meetings::decide(
        &s.f.store,
        &kz,
        &m.id,
        concord_domain::meeting::DecisionInput {
            number: "1".into(),
            date: today,
            text: format!("Decided {said}"),
            instruments: vec![],
            actions: vec![concord_domain::meeting::ActionInput {
                state: StateCode::from("KG"),
                task: format!("Task {task}"),
                due: today + time::Duration::days(10),
            }],
        },
        m.version,
    )
    .await
    .expect("decision");
    s.world.created.push(m.id.clone());
    s.world.seeded.push(Seeded {
        id: m.id,
        canaries: vec![place, item, said, task],
        kind: "meeting",
        within: None,
    });

    // An exercise of Kazakhstan and Kyrgyzstan that Uzbekistan observes.
    let (name, scenario, forces) = (s.canary(), s.canary(), s.canary());
    let e = concord_app::exercises::plan(
        &s.f.store,
        &kz,
        concord_domain::exercise::ExerciseInput {
            name: format!("Exercise {name}"),
            kind: concord_domain::exercise::ExerciseKind::Border,
            host: StateCode::from("KZ"),
            participants: vec![StateCode::from("KZ"), StateCode::from("KG")],
            observers: vec![StateCode::from("UZ")],
            phases: vec![concord_domain::exercise::Phase {
                name: "Conduct".into(),
                starts: today + time::Duration::days(40),
                ends: today + time::Duration::days(42),
            }],
            scenario: format!("Scenario {scenario}"),
            forces: [(StateCode::from("KG"), format!("Forces {forces}"))].into(),
            handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
        },
    )
    .await
    .expect("exercise");
    s.world.created.push(e.id.clone());
    s.world.seeded.push(Seeded {
        id: e.id,
        canaries: vec![name, scenario, forces],
        kind: "exercise",
        within: None,
    });

    // A programme of Kazakhstan and Kyrgyzstan with progress reported.
    let (name, title, note) = (s.canary(), s.canary(), s.canary());
    let year = today.year();
    let p = concord_app::programmes::adopt(
        &s.f.store,
        &kz,
        concord_domain::programme::ProgrammeInput {
            name: format!("Programme {name}"),
            first_year: year,
            last_year: year + 1,
            participants: vec![StateCode::from("KZ"), StateCode::from("KG")],
            actions: vec![concord_domain::programme::ActionInput {
                title: format!("Action {title}"),
                responsible: vec![StateCode::from("KZ")],
                indicator: "done".into(),
                deadline: today,
            }],
            handling: handled(Distribution::OriginatorOnly, Classification::Restricted),
        },
    )
    .await
    .expect("programme");
    concord_app::programmes::report(&s.f.store, &kz, &p.id, 0, 50, &format!("Note {note}"))
        .await
        .expect("progress");
    s.world.created.push(p.id.clone());
    s.world.seeded.push(Seeded {
        id: p.id,
        canaries: vec![name, title, note],
        kind: "programme",
        within: None,
    });

    // A reported figure, read as shared with all members: its truth is
    // that of a record shared with all members, unclassified and approved.
    let twin = s
        .record(Distribution::AllMembers, Classification::Unclassified, "approved")
        .await;
    let source = s.canary();
    let cn = officer(s.f, "cn-security-service");
    concord_app::statistics::report(
        &s.f.store,
        &cn,
        concord_domain::statistics::FigureInput {
            year: s.f.store.clock().today().year() - 1,
            category: concord_domain::statistics::Category::AttacksPrevented,
            substance: None,
            value: 4,
            source: format!("Source {source}"),
        },
        0,
    )
    .await
    .expect("figure");
    s.world.seeded.push(Seeded {
        id: source.clone(),
        canaries: vec![source],
        kind: "figure",
        within: Some(twin),
    });
}

/// The second phase: objects no crawler but their originator may see
/// (originator-only, pending, returned, archived records; a message to
/// another Chinese authority; one to Russia above its users' clearance), and
/// a relationship to one of them. What names no object must answer as it did
/// before this phase, for every user but the originator.
async fn seed_hidden_from_all(s: &mut Seeder<'_>) {
    let hidden = s
        .record(Distribution::OriginatorOnly, Classification::Unclassified, "approved")
        .await;
    s.record(Distribution::AllMembers, Classification::Unclassified, "pending")
        .await;
    s.record(Distribution::AllMembers, Classification::Unclassified, "returned")
        .await;
    s.record(Distribution::AllMembers, Classification::Unclassified, "archived")
        .await;
    concord_app::records::relate(
        &s.f.store,
        &s.cn,
        Link {
            from: &s.world.shared,
            to: &hidden,
            kind: RelationKind::Associate,
            since: None,
            until: None,
            source: "crawler (synthetic)",
        },
    )
    .await
    .expect("relate");
    s.message("cn-police", Classification::Unclassified, &hidden).await;
    s.message("ru-police", Classification::Secret, &hidden).await;
}

/// The routes to crawl: `(method, path template)`, from the OpenAPI
/// document and the console router's source.
async fn routes(app: &Router) -> Vec<(Method, String)> {
    let (_, doc) = crate::http::call(app, "GET", "/openapi.json", None, None).await;
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            if let Ok(m) = method.to_uppercase().parse::<Method>() {
                out.push((m, path.clone()));
            }
        }
    }
    let console = concat!(
        include_str!("../../crates/console/src/lib.rs"),
        include_str!("../../crates/api/src/taxii.rs")
    );
    for piece in console.split(".route(").skip(1) {
        let Some(path) = piece.split('"').nth(1) else { continue };
        let handlers = piece.split(";").next().unwrap_or("");
        let call = &handlers[..handlers.find(")\n").unwrap_or(handlers.len())];
        if call.contains("get(") {
            out.push((Method::GET, path.to_owned()));
        }
        if call.contains("post(") {
            out.push((Method::POST, path.to_owned()));
        }
        if call.contains("delete(") {
            out.push((Method::DELETE, path.to_owned()));
        }
    }
    // Routes whose success would end the crawl's own session or identity.
    let skipped = [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me/password",
        "/console/login",
        "/console/logout",
        "/console/password",
    ];
    out.retain(|(_, p)| !skipped.contains(&p.as_str()));
    out.sort_by(|a, b| (a.1.as_str(), a.0.as_str()).cmp(&(b.1.as_str(), b.0.as_str())));
    out.dedup();
    out
}

fn fill(template: &str, id: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&rest[..open]);
        out.push_str(id);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

struct Crawl {
    checks: u64,
    requests: u64,
    leaks: Vec<String>,
}

async fn send(app: &Router, method: &Method, uri: &str, token: &str) -> (StatusCode, String) {
    let console = uri.starts_with("/console");
    let mut req = Request::builder().method(method.clone()).uri(uri);
    let body = if console {
        req = req.header("cookie", format!("concord_session={token}"));
        if *method == Method::GET {
            Body::empty()
        } else {
            let csrf = concord_app::passwords::csrf_for(&concord_app::passwords::token_hash(token));
            req = req.header("content-type", "application/x-www-form-urlencoded");
            Body::from(format!("csrf={csrf}"))
        }
    } else {
        req = req
            .header("authorization", format!("Bearer {token}"))
            .header("x-concord-purpose", "crawler");
        if *method == Method::GET {
            Body::empty()
        } else {
            req = req.header("content-type", "application/json");
            Body::from("{}")
        }
    };
    let res = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let mut text = format!("{:?}\n", res.headers());
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    text.push_str(&String::from_utf8_lossy(&bytes));
    (status, text)
}

/// Who crawls, and what it may and may not see.
struct Crawler<'a> {
    user: &'a str,
    token: &'a str,
    hidden: &'a [&'a Seeded],
    visible: &'a [&'a str],
    /// A data-protection officer, who reads the audit log.
    auditor: bool,
    /// The TAXII collections the world wrote to.
    taxii_collections: &'a [String],
}

/// One user's crawl: every route, every hidden id in every parameter (or a
/// rotating share), every hidden canary as a search.
async fn crawl_as(app: &Router, routes: &[(Method, String)], who: &Crawler<'_>, full: bool, out: &mut Crawl) {
    let Crawler {
        user,
        token,
        hidden,
        visible,
        auditor,
        taxii_collections,
    } = *who;
    let ids: BTreeSet<&str> = hidden.iter().map(|s| s.id.as_str()).collect();
    let forbidden: Vec<&str> = hidden
        .iter()
        .flat_map(|s| s.canaries.iter().map(String::as_str))
        .chain(hidden.iter().filter(|s| s.kind != "version").map(|s| s.id.as_str()))
        .collect();
    let mut turn = 0usize;
    for (method, template) in routes {
        let mut uris = Vec::new();
        if template.starts_with("/taxii2/api/collections/{id}") {
            // A collection and an object of it, each where its parameter wants it.
            for o in hidden.iter().filter(|s| s.kind == "taxii") {
                let collection = o.within.as_deref().unwrap_or("");
                let uri = template.replace("{object_id}", &o.id).replace("{id}", collection);
                uris.push(uri);
            }
            for c in taxii_collections {
                uris.push(
                    template
                        .replace("{object_id}", "indicator--00000000-0000-4000-8000-000000000000")
                        .replace("{id}", c),
                );
            }
        } else if template.contains('{') {
            // Hidden ids in every route; visible ones in reads only (where
            // a hidden version, link or attribution hangs off a visible object).
            let params: Vec<&str> = hidden
                .iter()
                .filter(|s| s.kind != "version")
                .map(|s| s.id.as_str())
                .chain(visible.iter().copied().filter(|_| *method == Method::GET))
                .collect();
            let share = if full { params.len() } else { 3.min(params.len()) };
            for k in 0..share {
                uris.push(fill(template, params[(turn + k) % params.len().max(1)]));
            }
            turn += 1;
        } else {
            uris.push(template.clone());
            if *method == Method::GET {
                let canaries: Vec<&str> = hidden
                    .iter()
                    .flat_map(|s| s.canaries.iter().map(String::as_str))
                    .collect();
                let share = if full { canaries.len() } else { 1.min(canaries.len()) };
                for k in 0..share {
                    let c = canaries[(turn + k) % canaries.len().max(1)];
                    uris.push(format!("{template}?q={c}"));
                }
                turn += 1;
            }
        }
        for uri in uris {
            let (status, text) = send(app, method, &uri, token).await;
            out.requests += 1;
            // A crawl that lost its session would find nothing: it fails instead.
            if status == StatusCode::UNAUTHORIZED || text.contains("location: \"/console/login") {
                out.leaks.push(format!(
                    "{method} {uri} as {user}: not logged in ({status}); the crawl proves nothing"
                ));
                continue;
            }
            for needle in &forbidden {
                out.checks += 1;
                // An id the request itself carried may be echoed in "not found".
                if uri.contains(needle) {
                    continue;
                }
                // A data-protection officer audits which records its state's
                // users read: their ids, never their content.
                if auditor && template.contains("audit") && ids.contains(needle) {
                    continue;
                }
                if let Some(at) = text.find(needle) {
                    let from = text[..at].char_indices().rev().nth(120).map_or(0, |(i, _)| i);
                    let context: String = text[from..].chars().take(200).collect();
                    out.leaks.push(format!(
                        "{method} {uri} as {user} ({status}) shows {needle}: …{context}…"
                    ));
                }
            }
            let through_hidden =
                template.contains('{') && *method != Method::GET && hidden.iter().any(|s| uri.contains(&s.id));
            if through_hidden && (status.is_success() || status == StatusCode::SEE_OTHER) {
                out.leaks.push(format!(
                    "{method} {uri} as {user} wrote through a hidden object ({status})"
                ));
            }
        }
    }
}

/// Every answer without a path parameter, per user.
async fn answers(
    app: &Router,
    routes: &[(Method, String)],
    tokens: &BTreeMap<&str, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (user, token) in tokens {
        for (method, template) in routes {
            // The audit log grows with every request the crawl makes.
            if *method != Method::GET || template.contains('{') || template.contains("audit") {
                continue;
            }
            let (status, text) = send(app, method, template, token).await;
            let body = text.split_once('\n').map_or("", |(_, b)| b).to_owned();
            out.insert(format!("{user} {template}"), format!("{status} {body}"));
        }
    }
    out
}

story!(no_route_shows_any_user_what_it_may_not_see, |f| {
    let app = app(&f).await;
    // An observer's and a dialogue partner's police (the shipped
    // configuration lists members' authorities only), Uzbekistan suspended
    // and Kyrgyzstan withdrawn from tomorrow, the day of the crawl.
    let mut config = concord_config::sco().expect("config");
    for (id, state) in [("mn-police", "MN"), ("tr-police", "TR")] {
        config.registry.authorities.insert(
            id.into(),
            Authority {
                id: id.into(),
                state: Some(StateCode::from(state)),
                kind: AuthorityKind::Police,
                name: Names {
                    en: format!("{state} police"),
                    ru: Some(format!("Полиция {state}")),
                    zh: Some(format!("{state}警察")),
                },
            },
        );
    }
    for (state, status) in [("UZ", MembershipStatus::Suspended), ("KG", MembershipStatus::Withdrawn)] {
        config
            .registry
            .states
            .get_mut(&StateCode::from(state))
            .expect(state)
            .membership
            .push(MembershipEvent {
                since: f.clock_today() + time::Duration::days(1),
                status,
            });
    }
    f.store
        .apply_config(&config, &Actor::system("test"))
        .await
        .expect("config");
    for (name, authority, roles, clearance) in MORE_USERS {
        f.store
            .create_user(
                NewUser {
                    username: (*name).into(),
                    display_name: (*name).into(),
                    authority: (*authority).into(),
                    roles: roles.parse::<Roles>().expect("roles"),
                    clearance: *clearance,
                    password_hash: password_hash(),
                    disabled: false,
                    must_change_password: false,
                },
                &Actor::system("test"),
            )
            .await
            .expect("user");
    }

    let mut tokens = BTreeMap::new();
    for user in CRAWLERS {
        tokens.insert(*user, login(&app, user).await);
    }
    let routes = routes(&app).await;
    assert!(routes.len() > 80, "the route list came out short: {}", routes.len());
    let mut seeder = Seeder {
        f: &f,
        cn: officer(&f, "cn-security-service"),
        n: 0,
        world: World::default(),
    };
    seed_partly_hidden(&mut seeder).await;
    seed_precursors(&mut seeder).await;
    let before = answers(&app, &routes, &tokens).await;
    seed_hidden_from_all(&mut seeder).await;
    let world = seeder.world;
    // Before the crawl, whose own reads move receipts on.
    let after = answers(&app, &routes, &tokens).await;
    f.clock.advance(time::Duration::days(1));
    // Sessions of yesterday may have ended: log in again, on the crawl's day.
    for user in CRAWLERS {
        tokens.insert(*user, login(&app, user).await);
    }
    let full = std::env::var("CONCORD_CRAWL").is_ok_and(|v| v == "full");
    let mut crawl = Crawl {
        checks: 0,
        requests: 0,
        leaks: vec![],
    };
    // The audit log first, before the crawl's own requests (which name the
    // hidden ids and canaries) are in it.
    let (audit, rest): (Vec<_>, Vec<_>) = routes.iter().cloned().partition(|(_, p)| p.contains("audit"));
    let mut hidden_somewhere = 0;
    for pass in [&audit, &rest] {
        for user in CRAWLERS {
            let ctx = ctx_of(&f.store, user).await;
            let mut hidden = Vec::new();
            for s in &world.seeded {
                let visible = match s.kind {
                    // A version's content: shown only to the originator.
                    "version" => ctx.viewer.authority.as_str() == "cn-security-service",
                    _ => readable(&f.store, &ctx, s).await,
                };
                if !visible {
                    hidden.push(s);
                }
            }
            hidden_somewhere += hidden.len();
            let auditor = ctx.viewer.roles.has(concord_domain::Role::DataProtectionOfficer);
            let visible: Vec<&str> = world
                .created
                .iter()
                .map(String::as_str)
                .filter(|id| !hidden.iter().any(|s| s.id == *id))
                .collect();
            let who = Crawler {
                user,
                token: &tokens[user],
                hidden: &hidden,
                visible: &visible,
                auditor,
                taxii_collections: &world.taxii_collections,
            };
            crawl_as(&app, pass, &who, full, &mut crawl).await;
        }
    }
    assert!(
        hidden_somewhere > 2 * CRAWLERS.len() * 5,
        "the world hides too little to test"
    );

    // Positive controls: the crawl's own substitutions reach the objects, so
    // a "no leak" means something. The originator reads each of them there.
    for s in world.seeded.iter().filter(|s| matches!(s.kind, "record" | "taxii")) {
        let uri = match s.kind {
            "taxii" => format!(
                "/taxii2/api/collections/{}/objects/{}/",
                s.within.as_deref().unwrap_or(""),
                s.id
            ),
            _ => format!("/api/v1/records/{}", s.id),
        };
        let (status, text) = send(&app, &Method::GET, &uri, &tokens["cn.officer"]).await;
        assert!(
            status == StatusCode::OK && text.contains(&s.canaries[0]),
            "the originator does not read {uri} ({status}): the crawl's substitutions miss"
        );
    }

    // Precursor objects are read by the states on their route or in their
    // distribution: one such crawler reads each where the crawl looks.
    for s in world.seeded.iter().filter(|s| {
        matches!(
            s.kind,
            "notification"
                | "incident"
                | "delivery"
                | "legal"
                | "operation"
                | "link"
                | "figure"
                | "meeting"
                | "exercise"
                | "programme"
        )
    }) {
        let mut reader = None;
        for user in CRAWLERS {
            if readable(&f.store, &ctx_of(&f.store, user).await, s).await {
                reader = Some(*user);
                break;
            }
        }
        let reader = reader.unwrap_or_else(|| panic!("no crawler reads the {} {}", s.kind, s.id));
        let uri = match s.kind {
            "notification" => format!("/api/v1/precursors/notifications/{}", s.id),
            "delivery" => format!("/api/v1/deliveries/{}", s.id),
            "legal" => format!("/api/v1/legal-requests/{}", s.id),
            "operation" => format!("/api/v1/operations/{}", s.id),
            "link" => format!(
                "/api/v1/links/{}",
                s.within.as_deref().unwrap_or("").split(' ').next().unwrap_or("")
            ),
            "figure" => "/api/v1/statistics/figures".to_owned(),
            "meeting" => format!("/api/v1/meetings/{}", s.id),
            "exercise" => format!("/api/v1/exercises/{}", s.id),
            "programme" => format!("/api/v1/programmes/{}", s.id),
            _ => format!("/api/v1/precursors/incidents/{}", s.id),
        };
        let (status, text) = send(&app, &Method::GET, &uri, &tokens[reader]).await;
        assert!(
            status == StatusCode::OK && s.canaries.iter().all(|c| text.contains(c)),
            "{reader} does not read {uri} ({status}): the crawl's substitutions miss"
        );
    }

    // The answers that name no object are the same as before the second
    // phase, for every user but the originator.
    for (key, was) in &before {
        let user = key.split(' ').next().unwrap_or("");
        if user == "cn.officer" {
            continue; // the originator sees what it wrote
        }
        let now = &after[key];
        if was != now {
            let at = was.chars().zip(now.chars()).take_while(|(a, b)| a == b).count();
            let around = |t: &str| t.chars().skip(at.saturating_sub(80)).take(240).collect::<String>();
            crawl.leaks.push(format!(
                "{key}: the answer changed when hidden objects were written:\n  was …{}…\n  now …{}…",
                around(was),
                around(now)
            ));
        }
    }
    eprintln!(
        "canary crawl on {:?}: {} routes, {} users, {} requests, {} checks, {} leaks",
        f.backend,
        routes.len(),
        CRAWLERS.len(),
        crawl.requests,
        crawl.checks,
        crawl.leaks.len()
    );
    assert!(crawl.leaks.is_empty(), "leaks:\n{}", crawl.leaks.join("\n"));
});
