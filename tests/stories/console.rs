//! The web console, driven in-process as a browser would: cookies, forms,
//! CSRF tokens, languages, escaping, and the access model on every page.

use crate::http::{PASSWORD, app};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use concord_domain::{Distribution, HandlingCode, Name, NameKind, RecordKind, Script, StateCode};
use concord_store::{Mailbox, MessageQuery};
use concord_stories::{ALL_TICKED, Fixture, officer, sample_input, story};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use tower::ServiceExt;

/// A cookie jar and the app.
struct Browser {
    app: Router,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Browser {
    fn new(app: &Router) -> Self {
        Browser {
            app: app.clone(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = req.header(header::COOKIE, cookie).body(body).expect("request");
        let res = self.app.clone().oneshot(req).await.expect("response");
        for c in res.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().expect("ascii");
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').expect("cookie");
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path), Body::empty()).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    async fn login(&mut self, user: &str) -> Page {
        let form = self.get("/console/login").await;
        let token = hidden(&form.body, "csrf");
        self.post(
            "/console/login",
            &[
                ("csrf", &token),
                ("next", "/console"),
                ("username", user),
                ("password", PASSWORD),
            ],
        )
        .await
    }
}

/// The value of the first hidden input called `name`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).map(|i| i + marker.len()).expect("hidden input");
    html[at..].split('"').next().expect("value").to_owned()
}

fn location(p: &Page) -> &str {
    p.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

story!(the_console_needs_a_login_and_a_paired_form, |f| {
    let app = app(&f).await;
    let mut b = Browser::new(&app);
    let p = b.get("/").await;
    assert_eq!((p.status, location(&p)), (StatusCode::SEE_OTHER, "/console"));
    let p = b.get("/console/records").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&p), "/console/login?next=%2Fconsole%2Frecords");

    // A login form posted without its cookie (from another site) is refused.
    let form = b.get("/console/login").await;
    assert!(form.headers.get(header::CONTENT_SECURITY_POLICY).is_some());
    let token = hidden(&form.body, "csrf");
    let mut stranger = Browser::new(&app);
    let p = stranger
        .post(
            "/console/login",
            &[("csrf", &token), ("username", "ru.analyst"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        !stranger.cookies.contains_key("concord_session"),
        "logged in without the pairing cookie"
    );

    // A wrong password: the form again, with the reason, and no session.
    let p = b
        .post(
            "/console/login",
            &[
                ("csrf", &token),
                ("username", "ru.analyst"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert!(p.body.contains("data-test=\"login-error\""), "{}", p.body);
    assert!(!b.cookies.contains_key("concord_session"));

    // A good one goes where it was asked to, never off the console.
    let p = b.login("ru.analyst").await;
    assert_eq!((p.status, location(&p)), (StatusCode::SEE_OTHER, "/console"));
    let home = b.get("/console").await;
    assert_eq!(home.status, StatusCode::OK);
    for shown in ["ru.analyst", "RU", "ru-police", "Analyst", "Confidential"] {
        assert!(home.body.contains(shown), "the user bar lacks {shown}");
    }
    let csp = home.headers.get(header::CONTENT_SECURITY_POLICY).expect("csp");
    assert!(csp.to_str().expect("ascii").contains("script-src 'self'"));
    assert!(!home.body.contains("<script>"), "inline script on the page");

    // Logging out needs the token too, and ends the session.
    let p = b.post("/console/logout", &[("csrf", "forged")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/console").await.status, StatusCode::OK);
    let token = hidden(&home.body, "csrf");
    b.post("/console/logout", &[("csrf", &token)]).await;
    assert_eq!(b.get("/console").await.status, StatusCode::SEE_OTHER);
});

story!(forms_without_their_token_change_nothing, |f| {
    let app = app(&f).await;
    let mut b = Browser::new(&app);
    b.login("cn.officer").await;
    let compose = b.get("/console/messages/new").await;
    let token = hidden(&compose.body, "csrf");
    let message = [
        ("recipients", "ru-police"),
        ("kind", "message"),
        ("priority", "urgent"),
        ("subject", "Convoy at the northern crossing"),
        ("body", "Two trucks, synthetic plates."),
        ("classification", "restricted"),
        ("dissemination", "free"),
    ];
    for forged in ["", "0123", &token[1..]] {
        let mut form = message.to_vec();
        form.push(("csrf", forged));
        let p = b.post("/console/messages/new", &form).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "token {forged:?}");
    }
    let cn = officer(&f, "cn-security-service");
    let outbox = MessageQuery {
        mailbox: Mailbox::Outbox,
        limit: 10,
        ..MessageQuery::default()
    };
    assert!(f.store.list_messages(&cn, &outbox).await.expect("outbox").is_empty());

    // A bad field: the form again, naming it, nothing sent.
    let mut form = message.to_vec();
    form.push(("csrf", &token));
    form[0] = ("recipients", "nowhere-authority");
    let p = b.post("/console/messages/new", &form).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-test=\"form-error\""), "{}", p.body);
    assert!(f.store.list_messages(&cn, &outbox).await.expect("outbox").is_empty());

    form[0] = ("recipients", "ru-police");
    let p = b.post("/console/messages/new", &form).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let sent = f.store.list_messages(&cn, &outbox).await.expect("outbox");
    assert_eq!(sent.len(), 1);
    assert!(location(&p).ends_with(&sent[0].id));

    // The addressee acknowledges it from its own console.
    // An analyst reads it but may not acknowledge for its authority.
    let mut analyst = Browser::new(&app);
    analyst.login("ru.analyst").await;
    let thread = analyst.get(&format!("/console/messages/{}", sent[0].id)).await;
    assert!(thread.body.contains("Convoy at the northern crossing"));
    assert!(!thread.body.contains("data-test=\"acknowledge\""));
    let token = hidden(&thread.body, "csrf");
    let p = analyst
        .post(
            &format!("/console/messages/{}/acknowledge", sent[0].id),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let mut ru = Browser::new(&app);
    ru.login("ru.officer").await;
    let inbox = ru.get("/console/messages").await;
    assert!(inbox.body.contains("Convoy at the northern crossing"));
    let thread = ru.get(&format!("/console/messages/{}", sent[0].id)).await;
    assert!(thread.body.contains("data-test=\"acknowledge\""));
    let token = hidden(&thread.body, "csrf");
    let p = ru
        .post(
            &format!("/console/messages/{}/acknowledge", sent[0].id),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let thread = ru.get(&format!("/console/messages/{}", sent[0].id)).await;
    assert!(!thread.body.contains("data-test=\"acknowledge\""));
    assert!(thread.body.contains("Acknowledged"));
});

/// Markup and script in every script the console shows.
const HOSTILE: [&str; 5] = [
    "<script>alert('latin')</script>",
    "<img src=x onerror=alert('Ж')>Жуков",
    "<svg onload=alert(1)>李明",
    "\"><script>alert('ع')</script>عبد",
    "<b onmouseover=alert(1)>राम</b>",
];

async fn hostile_record(f: &Fixture, handling: HandlingCode) -> String {
    let c = officer(f, "cn-security-service");
    let mut input = sample_input(RecordKind::Person, "Hostile Names", handling);
    input.facts.names = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, n)| Name {
            full: (*n).into(),
            script: Script::detect(n),
            lang: None,
            kind: if i == 0 { NameKind::Primary } else { NameKind::Alias },
        })
        .collect();
    let r = concord_app::records::create(&f.store, &c, input).await.expect("record");
    concord_app::records::decide_compliance(&f.store, &c, &r.id, true, ALL_TICKED, "acts described", r.version)
        .await
        .expect("approve");
    r.id
}

story!(names_with_markup_render_inert_in_every_script, |f| {
    let app = app(&f).await;
    let id = hostile_record(&f, HandlingCode::open()).await;
    let mut b = Browser::new(&app);
    b.login("ru.analyst").await;
    let list = b.get("/console/records?q=%D0%96%D1%83%D0%BA%D0%BE%D0%B2").await;
    let page = b.get(&format!("/console/records/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let screening = b.get("/console/screening").await;
    let token = hidden(&screening.body, "csrf");
    let hits = b
        .post(
            "/console/screening",
            &[
                ("csrf", &token),
                ("name", "Жуков"),
                ("purpose", "escaping test"),
                // The record's name is mostly markup: the one shared part scores low.
                ("threshold", "0.4"),
            ],
        )
        .await;
    for (what, html) in [("list", &list.body), ("record", &page.body), ("screening", &hits.body)] {
        assert!(
            html.contains("&#60;") || html.contains("&lt;"),
            "{what}: nothing escaped: {html}"
        );
        for raw in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<b onmouseover",
            "\"><script",
        ] {
            assert!(!html.contains(raw), "{what}: {raw} reached the page raw");
        }
    }
    assert!(page.body.contains("&#60;svg onload=alert(1)&#62;李明"), "{}", page.body);
    assert!(page.body.contains("राम"));
    assert!(hits.body.contains("data-test=\"hit\""), "{}", hits.body);
});

story!(pages_show_only_what_the_reader_may_see, |f| {
    let app = app(&f).await;
    let only_china = HandlingCode {
        distribution: Distribution::States([StateCode::new("CN")].into()),
        ..HandlingCode::open()
    };
    let id = hostile_record(&f, only_china).await;
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    assert_eq!(cn.get(&format!("/console/records/{id}")).await.status, StatusCode::OK);
    let mut ru = Browser::new(&app);
    ru.login("ru.analyst").await;
    let p = ru.get(&format!("/console/records/{id}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.body.contains("Жуков"));
    let list = ru.get("/console/records?q=%D0%96%D1%83%D0%BA%D0%BE%D0%B2").await;
    assert!(!list.body.contains(&id));
    let screening = ru.get("/console/screening").await;
    let token = hidden(&screening.body, "csrf");
    let hits = ru
        .post(
            "/console/screening",
            &[
                ("csrf", &token),
                ("name", "Жуков"),
                ("purpose", "access test"),
                ("threshold", "0.5"),
            ],
        )
        .await;
    assert!(hits.body.contains("data-test=\"no-hits\""), "{}", hits.body);
    // Screening without a purpose is refused, naming the field.
    let p = ru
        .post("/console/screening", &[("csrf", &token), ("name", "Жуков")])
        .await;
    assert!(p.body.contains("<code>purpose</code>"), "{}", p.body);
    // The audit trail is for data-protection officers only.
    let p = cn.get(&format!("/console/records/{id}")).await;
    assert!(!p.body.contains("id=\"audit-h\""));
});

story!(the_language_is_chosen_remembered_and_complete, |f| {
    let app = app(&f).await;
    let mut b = Browser::new(&app);
    b.login("ru.analyst").await;
    let p = b.get("/console/messages?lang=ru").await;
    assert_eq!((p.status, location(&p)), (StatusCode::SEE_OTHER, "/console/messages"));
    let inbox = b.get("/console/messages").await;
    assert!(inbox.body.contains("<html lang=\"ru\">") && inbox.body.contains("Входящие"));
    let home = b.get("/console").await;
    assert!(home.body.contains("Аналитик") && home.body.contains("Конфиденциально"));
    b.get("/console?lang=zh").await;
    let home = b.get("/console").await;
    assert!(home.body.contains("<html lang=\"zh\">") && home.body.contains("待您处理"));
    // Every page renders in every language.
    for lang in ["en", "ru", "zh"] {
        b.get(&format!("/console?lang={lang}")).await;
        for path in [
            "/console",
            "/console/records",
            "/console/screening",
            "/console/messages",
            "/console/messages?box=outbox",
            "/console/messages/new",
            "/console/designations",
            "/console/consultations",
            "/console/queues",
            "/console/map",
            "/console/registry",
            "/console/designations/lists",
            "/console/messages/forwards",
            "/console/records/new",
            "/console/files",
        ] {
            let p = b.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{lang} {path}");
            assert!(p.body.contains(&format!("<html lang=\"{lang}\">")), "{lang} {path}");
        }
    }
    // An unknown language changes nothing (the last chosen was Chinese).
    b.get("/console?lang=xx").await;
    assert!(b.get("/console").await.body.contains("<html lang=\"zh\">"));
});

story!(the_map_shows_events_and_only_readable_attributions, |f| {
    let app = app(&f).await;
    let cn = officer(&f, "cn-security-service");
    let only_china = HandlingCode {
        distribution: Distribution::States([StateCode::new("CN")].into()),
        ..HandlingCode::open()
    };
    let mut org_ids = vec![];
    for (name, handling) in [
        ("Open Valley Front", HandlingCode::open()),
        ("Closed Circle", only_china),
    ] {
        let r = concord_app::records::create(&f.store, &cn, sample_input(RecordKind::Organization, name, handling))
            .await
            .expect("org");
        concord_app::records::decide_compliance(&f.store, &cn, &r.id, true, ALL_TICKED, "acts described", r.version)
            .await
            .expect("approve");
        org_ids.push(r.id);
    }
    // Near Almaty (Kazakhstan), attributed to both organizations.
    let mut input = sample_input(RecordKind::Event, "Depot attack", HandlingCode::open());
    input.facts.event = Some(concord_domain::EventFacts {
        date: "2025-03".parse().expect("date"),
        place: Some("near Almaty".into()),
        coordinates: Some((43.3, 76.9)),
        attributed_to: org_ids.clone(),
    });
    let e = concord_app::records::create(&f.store, &cn, input).await.expect("event");
    concord_app::records::decide_compliance(&f.store, &cn, &e.id, true, ALL_TICKED, "acts described", e.version)
        .await
        .expect("approve");

    let mut china = Browser::new(&app);
    china.login("cn.officer").await;
    let map = china.get("/console/map").await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.body.contains("data-test=\"event\"") && map.body.contains("Depot attack"));
    assert!(map.body.contains("Open Valley Front") && map.body.contains("Closed Circle"));
    assert!(
        map.body.contains("class=\"active\" data-state=\"KZ\""),
        "Kazakhstan is not shaded"
    );
    assert!(map.body.contains("data-state=\"CN\""));

    let mut russia = Browser::new(&app);
    russia.login("ru.analyst").await;
    let map = russia.get("/console/map").await;
    assert!(map.body.contains("Depot attack"));
    assert!(map.body.contains("Open Valley Front"));
    assert!(
        !map.body.contains("Closed Circle"),
        "an organization Russia may not read is named"
    );
    // Filtering by an organization the reader may not read shows nothing of it.
    let map = russia.get(&format!("/console/map?org={}", org_ids[1])).await;
    assert!(!map.body.contains("Closed Circle") && !map.body.contains("data-test=\"event\""));
});

/// A multipart body with the given text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &str)) -> (String, String) {
    let boundary = "concord-test-boundary-7d1f";
    let mut body = String::new();
    for (k, v) in fields {
        body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n");
    }
    body += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(b: &mut Browser, csv: &str, fields: &[(&str, &str)]) -> Page {
    post_multipart(b, "/console/screening/batch", multipart(fields, ("people.csv", csv))).await
}

/// Posts a multipart body made by [`multipart`].
async fn post_multipart(b: &mut Browser, path: &str, (kind, body): (String, String)) -> Page {
    let req = Request::post(path).header(header::CONTENT_TYPE, kind);
    b.send(req, Body::from(body)).await
}

story!(a_batch_file_is_screened_watched_and_downloaded, |f| {
    let app = app(&f).await;
    let id = hostile_record(&f, HandlingCode::open()).await;
    let mut b = Browser::new(&app);
    b.login("ru.analyst").await;
    let page = b.get("/console/screening").await;
    let token = hidden(&page.body, "csrf");
    let csv = "id,name,birth_date,threshold\nq1,Жуков,,0.4\nq2,Nobody Atall Matches,,\nq3,Жуков,1985-13-40,\n";
    let p = upload(&mut b, csv, &[("csrf", "forged"), ("purpose", "batch test")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = upload(&mut b, csv, &[("csrf", &token)]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "no purpose");
    assert!(
        !b.get("/console/screening").await.body.contains("people.csv"),
        "a refused upload left a job"
    );

    let p = upload(&mut b, csv, &[("csrf", &token), ("purpose", "batch test")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let job = location(&p).to_owned();
    let mut finished = false;
    for _ in 0..100 {
        let page = b.get(&job).await;
        assert_eq!(page.status, StatusCode::OK);
        if page.body.contains("data-test=\"finished\"") {
            assert!(page.body.contains("3 / 3"), "{}", page.body);
            finished = true;
            break;
        }
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "a running batch does not refresh"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(finished, "the batch did not finish");
    let jsonl = b.get(&format!("{job}/results.jsonl")).await;
    assert_eq!(jsonl.status, StatusCode::OK);
    let lines: Vec<serde_json::Value> = jsonl
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "q1");
    assert_eq!(lines[0]["results"][0]["record"], id.as_str());
    assert_eq!(lines[1]["results"], serde_json::json!([]));
    assert!(
        lines[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("birth_date") || e.contains("1985-13-40")),
        "{}",
        lines[2]
    );
    let csv_out = b.get(&format!("{job}/results.csv")).await;
    assert!(csv_out.body.starts_with("line,id,query,record,title,score,error"));
    assert!(csv_out.body.contains(&id));

    // Another user cannot see or download the job.
    let mut other = Browser::new(&app);
    other.login("cn.officer").await;
    assert_eq!(other.get(&job).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("{job}/results.jsonl")).await.status,
        StatusCode::NOT_FOUND
    );
});

/// The page's CSRF token, then the form posted.
async fn act(b: &mut Browser, page: &str, action: &str, form: &[(&str, &str)]) -> Page {
    let p = b.get(page).await;
    assert_eq!(p.status, StatusCode::OK, "{page}");
    let token = hidden(&p.body, "csrf");
    let mut form = form.to_vec();
    form.push(("csrf", &token));
    b.post(action, &form).await
}

story!(decisions_are_taken_from_the_console, |f| {
    let app = app(&f).await;
    let cn_store = officer(&f, "cn-security-service");
    let r = concord_app::records::create(
        &f.store,
        &cn_store,
        sample_input(RecordKind::Person, "Pending Person", HandlingCode::open()),
    )
    .await
    .expect("record");
    let page = format!("/console/records/{}", r.id);
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    assert!(cn.get(&page).await.body.contains("data-test=\"approve\""));
    let version = r.version.to_string();
    // Approval needs every checklist item; the refusal names the item.
    let p = act(
        &mut cn,
        &page,
        &format!("{page}/compliance"),
        &[("decision", "approve"), ("note", "ok"), ("version", &version)],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("checklist."), "{}", p.body);
    let p = act(
        &mut cn,
        &page,
        &format!("{page}/compliance"),
        &[
            ("decision", "approve"),
            ("note", "a criminal act under the cited article"),
            ("version", &version),
            ("criminal_act_described", "on"),
            ("legal_basis_cites_article", "on"),
            ("not_on_protected_grounds_alone", "on"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let approved = f.store.get_record(&cn_store, &r.id).await.expect("record");
    assert_eq!(approved.protected.compliance, concord_domain::Compliance::Approved);
    // A stale version is a conflict, not a silent overwrite.
    let current = approved.version.to_string();
    let mut statuses = vec![];
    for v in [&version, &current] {
        let extend = [
            ("decision", "extend"),
            ("new_date", "2031-01-01"),
            ("reason", "still active"),
            ("version", v.as_str()),
        ];
        statuses.push(act(&mut cn, &page, &format!("{page}/review"), &extend).await.status);
    }
    assert_eq!(statuses, [StatusCode::CONFLICT, StatusCode::SEE_OTHER]);
    assert_eq!(
        f.store
            .get_record(&cn_store, &r.id)
            .await
            .expect("record")
            .protected
            .review_date,
        Some(time::macros::date!(2031 - 01 - 01))
    );

    // Russia's police registers a request; China answers it.
    let mut ru = Browser::new(&app);
    ru.login("ru.officer").await;
    assert!(!ru.get(&page).await.body.contains("data-test=\"approve\""));
    let p = act(
        &mut ru,
        &page,
        &format!("{page}/requests"),
        &[
            ("kind", "access"),
            ("requester", "the person concerned"),
            ("details", "asks what is held"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // The officer sees it; China's data-protection officer answers it.
    assert!(!cn.get("/console/queues").await.body.contains("/decision\""));
    let mut cn = Browser::new(&app);
    cn.login("cn.dpo").await;
    let queue = cn.get("/console/queues").await;
    assert!(queue.body.contains("asks what is held"));
    let action = queue
        .body
        .split("action=\"")
        .skip(1)
        .find_map(|a| a.split('"').next().filter(|a| a.contains("/decision")))
        .expect("a decision form")
        .to_owned();
    // Russia cannot answer for China.
    let p = act(
        &mut ru,
        "/console/queues",
        &action,
        &[("grant", "grant"), ("decision", "x"), ("reply", "y")],
    )
    .await;
    assert!(p.status.is_client_error());
    let p = act(
        &mut cn,
        "/console/queues",
        &action,
        &[("grant", "grant"), ("decision", "lawful"), ("reply", "a copy follows")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(cn.get("/console/queues").await.body.contains("Granted"));
});

story!(an_emergency_consultation_is_run_from_the_console, |f| {
    let app = app(&f).await;
    let mut kz = Browser::new(&app);
    kz.login("kz.diplomat").await;
    let mut ru = Browser::new(&app);
    ru.login("ru.diplomat").await;
    let mut police = Browser::new(&app);
    police.login("ru.analyst").await;
    assert!(
        !police
            .get("/console/consultations")
            .await
            .body
            .contains("action=\"/console/consultations\"")
    );
    let p = act(
        &mut kz,
        "/console/consultations",
        "/console/consultations",
        &[("text", "Hostage taking at a border post")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = location(&p).to_owned();
    let p = act(
        &mut ru,
        &page,
        &format!("{page}/second"),
        &[("text", "Armed group crossing")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let k = kz.get(&page).await;
    assert!(k.body.contains("Convened"), "{}", k.body);
    let p = act(
        &mut kz,
        &page,
        &format!("{page}/statement"),
        &[("text", "The members condemn the attack.")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    for b in [&mut kz, &mut ru] {
        let p = act(
            b,
            &page,
            &format!("{page}/verdict"),
            &[("version", "1"), ("verdict", "approve")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    }
    let members = f.store.snapshot().registry.members_on(f.clock_today()).len();
    let k = kz.get(&page).await;
    if members == 2 {
        assert!(k.body.contains("Statement adopted"));
    } else {
        // Every member must approve: two of them are not enough.
        assert!(k.body.contains("Convened") && k.body.contains("The members condemn the attack."));
    }
});

story!(the_registry_for_all_and_users_for_their_administrators, |f| {
    let app = app(&f).await;
    let mut analyst = Browser::new(&app);
    analyst.login("ru.analyst").await;
    let registry = analyst.get("/console/registry").await;
    assert_eq!(registry.status, StatusCode::OK);
    assert!(registry.body.contains("ru-police") && registry.body.contains("shanghai-convention-2001"));
    assert!(
        !registry.body.contains("/console/admin/users\""),
        "a non-administrator is offered user administration"
    );
    assert_eq!(analyst.get("/console/admin/users").await.status, StatusCode::FORBIDDEN);

    let mut admin = Browser::new(&app);
    admin.login("ru.admin").await;
    let users = admin.get("/console/admin/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("ru.analyst"));
    assert!(
        !users.body.contains("cn.officer"),
        "a state's administrator sees another state's users"
    );
    // Scope and clearance rules are the API's: another state's authority is
    // refused, a clearance above the administrator's too.
    let new_user = |authority: &'static str, clearance: &'static str| {
        [
            ("username", "ru.newcomer"),
            ("display_name", "New Comer"),
            ("authority", authority),
            ("role", "analyst"),
            ("clearance", clearance),
            ("password", "a long enough password"),
        ]
    };
    let p = act(
        &mut admin,
        "/console/admin/users",
        "/console/admin/users",
        &new_user("cn-security-service", "restricted"),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = act(
        &mut admin,
        "/console/admin/users",
        "/console/admin/users",
        &new_user("ru-police", "secret"),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = act(
        &mut admin,
        "/console/admin/users",
        "/console/admin/users",
        &new_user("ru-police", "restricted"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let users = admin.get("/console/admin/users").await;
    assert!(users.body.contains("ru.newcomer"));
    // Changing a user: the clearance ceiling holds here too.
    let analyst_id = f
        .store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "ru.analyst")
        .expect("analyst")
        .id;
    let change = format!("/console/admin/users/{analyst_id}");
    let p = act(&mut admin, "/console/admin/users", &change, &[("clearance", "secret")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = act(&mut admin, "/console/admin/users", &change, &[("role", "officer")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let changed = f.store.user(&analyst_id).await.expect("user");
    assert!(changed.roles.has(concord_domain::Role::Officer) && !changed.roles.has(concord_domain::Role::Analyst));
    // Disabling a user ends its logins.
    let id = f
        .store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "ru.newcomer")
        .expect("created")
        .id;
    let p = act(
        &mut admin,
        "/console/admin/users",
        &format!("/console/admin/users/{id}"),
        &[("disabled", "true")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let mut newcomer = Browser::new(&app);
    let form = newcomer.get("/console/login").await;
    let token = hidden(&form.body, "csrf");
    newcomer
        .post(
            "/console/login",
            &[
                ("csrf", &token),
                ("username", "ru.newcomer"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert!(
        !newcomer.cookies.contains_key("concord_session"),
        "a disabled user logged in"
    );
});

story!(a_listing_is_proposed_from_the_console, |f| {
    let app = app(&f).await;
    let cn_store = officer(&f, "cn-security-service");
    let org = concord_app::records::create(
        &f.store,
        &cn_store,
        sample_input(RecordKind::Organization, "Harbour Cells", HandlingCode::open()),
    )
    .await
    .expect("org");
    concord_app::records::decide_compliance(
        &f.store,
        &cn_store,
        &org.id,
        true,
        ALL_TICKED,
        "acts described",
        org.version,
    )
    .await
    .expect("approve");
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let list = cn.get("/console/designations").await;
    assert!(list.body.contains("data-test=\"propose\"") && list.body.contains("Harbour Cells"));
    let form = |acts: &'static str| {
        [
            ("direction", "listing"),
            ("instrument", "shanghai-convention-2001"),
            ("article", "1.1.3"),
            (
                "evidence",
                "Smuggled explosives through the harbour in 2024 (synthetic).",
            ),
            ("act_kind", "terrorism"),
            ("acts", acts),
            ("when", "2024"),
            ("place", "Harbour B"),
            ("attribution", "seized shipment addressed to its leader"),
        ]
    };
    let mut bad = form("").to_vec();
    bad.push(("record_id", &org.id));
    let p = act(&mut cn, "/console/designations", "/console/designations", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("<code>criteria"), "{}", p.body);
    let mut good = form("explosives smuggling").to_vec();
    good.push(("record_id", &org.id));
    let p = act(&mut cn, "/console/designations", "/console/designations", &good).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let proposal = location(&p).to_owned();
    let page = cn.get(&proposal).await;
    assert!(page.body.contains("Compliance review") && page.body.contains("Harbour Cells"));
    // The proposer may withdraw it; then it is final.
    let p = act(
        &mut cn,
        &proposal,
        &format!("{proposal}/step"),
        &[("step", "withdraw"), ("note", "new facts")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = cn.get(&proposal).await;
    assert!(page.body.contains("Withdrawn") && !page.body.contains("/step\""));
    let lists = cn.get("/console/designations/lists").await;
    assert!(lists.body.contains("The national list of CN") && lists.body.contains("format=csv"));
    // China puts the organization on its own list, then takes it off.
    let national = |day: &'static str| {
        [
            ("record_id", org.id.as_str()),
            ("listed_on", day),
            ("note", "national decision"),
        ]
    };
    let p = act(
        &mut cn,
        "/console/designations/lists",
        "/console/designations/lists",
        &national("2026-01-15"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let lists = cn.get("/console/designations/lists").await;
    assert!(lists.body.contains("national decision"), "{}", lists.body);
    let p = act(
        &mut cn,
        "/console/designations/lists",
        "/console/designations/lists",
        &national(""),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        !cn.get("/console/designations/lists")
            .await
            .body
            .contains("national decision")
    );
    // An analyst is not offered the form, and cannot post it.
    let mut ru = Browser::new(&app);
    ru.login("ru.analyst").await;
    assert!(
        !ru.get("/console/designations")
            .await
            .body
            .contains("data-test=\"propose\"")
    );
    let p = act(&mut ru, "/console/designations", "/console/designations", &good).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
});

story!(a_record_is_contributed_from_the_console, |f| {
    let app = app(&f).await;
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let form = |article: &'static str, identifiers: &'static str| {
        [
            ("kind", "person"),
            ("names", "Ли Мин\n李明\nLi Ming"),
            ("birth_dates", "1985-03"),
            ("nationalities", "CN"),
            ("identifiers", identifiers),
            ("places", "Region A"),
            ("instrument", "shanghai-convention-2001"),
            ("article", article),
            ("category", "terrorism"),
            (
                "evidence",
                "Placed an explosive device at a rail depot in 2024 (synthetic).",
            ),
            ("distribution", "all-members"),
            ("dissemination", "free"),
            ("use_", "evidence"),
            ("classification", "restricted"),
            ("review_date", "2030-06-01"),
        ]
    };
    let before = cn.get("/console/records?q=%E6%9D%8E%E6%98%8E").await;
    assert!(!before.body.contains("data-test=\"record-link\""));
    for (article, identifiers, field) in [
        ("99.9", "", "legal_basis.article"),
        ("1.1.3", "passport: AB123 (XX)", "facts.identifiers[0].state"),
    ] {
        let p = act(
            &mut cn,
            "/console/records/new",
            "/console/records",
            &form(article, identifiers),
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains(&format!("<code>{field}</code>")), "{field}: {}", p.body);
        assert!(p.body.contains("李明"), "the form lost what was typed");
    }
    let after = cn.get("/console/records?q=%E6%9D%8E%E6%98%8E").await;
    assert!(
        !after.body.contains("data-test=\"record-link\""),
        "a refused form left a record"
    );
    let p = act(
        &mut cn,
        "/console/records/new",
        "/console/records",
        &form("1.1.3", "passport: AB123456 (CN)"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = cn.get(location(&p)).await;
    assert!(page.body.contains("李明") && page.body.contains("AB123456") && page.body.contains("Pending"));
    // Until approved, another state does not see it.
    let mut ru = Browser::new(&app);
    ru.login("ru.analyst").await;
    assert_eq!(ru.get(location(&p)).await.status, StatusCode::NOT_FOUND);
});

story!(a_forward_waits_for_the_originators_consent_in_the_console, |f| {
    let app = app(&f).await;
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let p = act(
        &mut cn,
        "/console/messages/new",
        "/console/messages/new",
        &[
            ("recipients", "ru-police"),
            ("kind", "message"),
            ("priority", "routine"),
            ("subject", "Consent-bound lead"),
            ("body", "Pass on only with our consent (synthetic)."),
            ("classification", "restricted"),
            ("dissemination", "originator-consent"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let message = location(&p).to_owned();
    let mut ru = Browser::new(&app);
    ru.login("ru.officer").await;
    let p = act(
        &mut ru,
        &message,
        &format!("{message}/forward"),
        &[("recipients", "kz-security-service"), ("note", "KZ needs it")],
    )
    .await;
    assert_eq!(
        (p.status, location(&p)),
        (StatusCode::SEE_OTHER, "/console/messages/forwards")
    );
    let pending = ru.get("/console/messages/forwards").await;
    assert!(pending.body.contains("Waiting for the originator"));
    assert!(
        !pending.body.contains("data-test=\"grant-forward\""),
        "the requester may decide its own request"
    );
    let forwards = cn.get("/console/messages/forwards").await;
    assert!(forwards.body.contains("data-test=\"grant-forward\""));
    let action = forwards
        .body
        .split("action=\"")
        .skip(1)
        .find_map(|a| {
            a.split('"')
                .next()
                .filter(|a| a.starts_with("/console/messages/forwards/"))
        })
        .expect("a decision form")
        .to_owned();
    let p = act(
        &mut cn,
        "/console/messages/forwards",
        &action,
        &[("grant", "grant"), ("reason", "agreed")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(ru.get("/console/messages/forwards").await.body.contains("Consented"));
    let thread = cn.get(&message).await;
    assert!(
        thread.body.contains("kz-security-service"),
        "the forward did not go out"
    );
});

story!(data_protection_officers_read_the_log_and_erase_by_decision, |f| {
    let app = app(&f).await;
    let id = hostile_record(&f, HandlingCode::open()).await;
    let mut analyst = Browser::new(&app);
    analyst.login("ru.analyst").await;
    analyst.get(&format!("/console/records/{id}")).await;
    assert_eq!(analyst.get("/console/audit").await.status, StatusCode::FORBIDDEN);

    let mut ru = Browser::new(&app);
    ru.login("ru.dpo").await;
    let log = ru.get("/console/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.body.contains("ru-police") && log.body.contains("record.read"),
        "{}",
        log.body
    );
    assert!(
        !log.body.contains(">cn-security-service)"),
        "Russia's officer reads China's entries"
    );
    let verified = ru.get("/console/audit?verify=1").await;
    assert!(verified.body.contains("data-test=\"verified\""), "{}", verified.body);

    // China's data-protection officer erases the record by a decision.
    let mut cn = Browser::new(&app);
    cn.login("cn.dpo").await;
    let page = format!("/console/records/{id}");
    let p = act(&mut cn, &page, &format!("{page}/erase"), &[("decision", "")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = act(
        &mut cn,
        &page,
        &format!("{page}/erase"),
        &[("decision", "DP-2026/17: unlawfully held")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(analyst.get(&page).await.status, StatusCode::NOT_FOUND);
    let log = cn.get("/console/audit").await;
    assert!(
        log.body.contains("DP-2026/17") || log.body.contains("erase"),
        "{}",
        log.body
    );
});

story!(records_are_changed_and_related_from_the_console, |f| {
    let app = app(&f).await;
    let cn_store = officer(&f, "cn-security-service");
    let mut ids = vec![];
    for (kind, name) in [
        (RecordKind::Person, "Changing Person"),
        (RecordKind::Organization, "Related Group"),
    ] {
        let r = concord_app::records::create(&f.store, &cn_store, sample_input(kind, name, HandlingCode::open()))
            .await
            .expect("record");
        concord_app::records::decide_compliance(
            &f.store,
            &cn_store,
            &r.id,
            true,
            ALL_TICKED,
            "acts described",
            r.version,
        )
        .await
        .expect("approve");
        ids.push(r.id);
    }
    let page = format!("/console/records/{}", ids[0]);
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let edit = cn.get(&format!("{page}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(
        edit.body.contains("Changing Person"),
        "the form is not filled from the record"
    );
    // Every field as the record holds it, with one name added.
    let r = f.store.get_record(&cn_store, &ids[0]).await.expect("record");
    let h = &r.protected.handling;
    let mut fields: Vec<(String, String)> = vec![
        ("kind".into(), r.kind.to_string()),
        ("instrument".into(), r.legal_basis.instrument.clone()),
        ("article".into(), r.legal_basis.article.clone()),
        ("category".into(), r.legal_basis.category.to_string()),
        ("distribution".into(), h.distribution.to_string()),
        ("dissemination".into(), h.dissemination.to_string()),
        ("use_".into(), h.use_.to_string()),
        ("classification".into(), h.classification.to_string()),
        (
            "review_date".into(),
            r.protected.review_date.expect("review date").to_string(),
        ),
        ("version".into(), hidden(&edit.body, "version")),
    ];
    assert_eq!(fields[9].1, r.version.to_string());
    fields.push(("names".into(), "Changing Person\nИзменчивый".into()));
    fields.push((
        "evidence".into(),
        "Organized an armed attack on a border post in 2024 (synthetic).".into(),
    ));
    fields.push(("reason".into(), "a Cyrillic alias from a new report".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let p = act(&mut cn, &format!("{page}/edit"), &format!("{page}/edit"), &form).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let after = cn.get(&page).await;
    assert!(after.body.contains("Изменчивый") && after.body.contains("a Cyrillic alias from a new report"));
    // The same form again carries a stale version: a conflict, nothing lost.
    let p = act(&mut cn, &format!("{page}/edit"), &format!("{page}/edit"), &form).await;
    assert_eq!(p.status, StatusCode::CONFLICT);

    let p = act(
        &mut cn,
        &page,
        &format!("{page}/relationships"),
        &[
            ("kind", "member-of"),
            ("direction", "from"),
            ("to", &ids[1]),
            ("source", "a court judgment (synthetic)"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let after = cn.get(&page).await;
    assert!(after.body.contains("member of") && after.body.contains("Related Group") && after.body.contains("<svg"));
});

story!(files_are_imported_all_or_nothing_from_the_console, |f| {
    let app = app(&f).await;
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let good = "{\"id\": \"ftm-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Imported Person\"], \"notes\": [\"Synthetic: planned an attack on a bridge.\"]}}\n\
                {\"id\": \"ftm-2\", \"schema\": \"Organization\", \"properties\": {\"name\": [\"Imported Group\"], \"notes\": [\"Synthetic: bombed a depot.\"]}}\n";
    let bad = format!(
        "{good}{{\"id\": \"ftm-3\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"X\"], \"birthDate\": [\"1985-13-40\"]}}}}\n"
    );
    let send = |token: &str, file: &str| {
        let fields = [
            ("csrf", token),
            ("format", "ftm"),
            ("instrument", "shanghai-convention-2001"),
            ("article", "1.1.3"),
            ("category", "terrorism"),
            ("distribution", "all-members"),
            ("classification", "restricted"),
        ];
        multipart(&fields, ("people.jsonl", file))
    };
    let token = hidden(&cn.get("/console/files").await.body, "csrf");
    let p = post_multipart(&mut cn, "/console/files", send("forged", good)).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = post_multipart(&mut cn, "/console/files", send(&token, &bad)).await;
    assert!(
        p.body.contains("data-test=\"form-error\"") && p.body.contains("line 3"),
        "{}",
        p.body
    );
    let none = cn.get("/console/records?q=Imported").await;
    assert!(
        !none.body.contains("data-test=\"record-link\""),
        "a failed import left records"
    );
    let p = post_multipart(&mut cn, "/console/files", send(&token, good)).await;
    assert!(
        p.body.contains("data-test=\"imported\"") && p.body.contains("created 2"),
        "{}",
        p.body
    );
    let again = post_multipart(&mut cn, "/console/files", send(&token, good)).await;
    assert!(again.body.contains("created 0"), "{}", again.body);
});

story!(administrators_set_their_states_webhook, |f| {
    let app = app(&f).await;
    let mut admin = Browser::new(&app);
    admin.login("ru.admin").await;
    let p = act(
        &mut admin,
        "/console/admin/webhook",
        "/console/admin/webhook",
        &[("url", "ftp://nowhere"), ("secret", "0123456789abcdef")],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = act(
        &mut admin,
        "/console/admin/webhook",
        "/console/admin/webhook",
        &[("url", "https://gw.example/hook"), ("secret", "0123456789abcdef")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(
        admin
            .get("/console/admin/webhook")
            .await
            .body
            .contains("https://gw.example/hook")
    );
    let mut analyst = Browser::new(&app);
    analyst.login("ru.analyst").await;
    assert_eq!(
        analyst.get("/console/admin/webhook").await.status,
        StatusCode::FORBIDDEN
    );
    let p = act(&mut analyst, "/console", "/console/admin/webhook", &[("remove", "1")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = act(
        &mut admin,
        "/console/admin/webhook",
        "/console/admin/webhook",
        &[("remove", "1")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        !admin
            .get("/console/admin/webhook")
            .await
            .body
            .contains("data-test=\"webhook-url\"")
    );
});

/// A compose form as multipart, with one attachment.
fn compose_with(token: &str, filename: &str, content_type: &str, content: &str) -> (String, String) {
    let boundary = "compose-boundary-51";
    let mut body = String::new();
    for (k, v) in [
        ("csrf", token),
        ("recipients", "ru-police"),
        ("kind", "message"),
        ("priority", "routine"),
        ("subject", "Scan of the seized ledger"),
        ("body", "Attached (synthetic)."),
        ("classification", "restricted"),
        ("dissemination", "free"),
    ] {
        body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n");
    }
    body += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

story!(messages_carry_attachments_from_the_console, |f| {
    let app = app(&f).await;
    let mut cn = Browser::new(&app);
    cn.login("cn.officer").await;
    let token = hidden(&cn.get("/console/messages/new").await.body, "csrf");
    let p = post_multipart(
        &mut cn,
        "/console/messages/new",
        compose_with("forged", "ledger.txt", "text/plain", "page 1"),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = post_multipart(
        &mut cn,
        "/console/messages/new",
        compose_with(&token, "ledger.png", "image/png", "not a picture"),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("<code>attachments[0]"), "{}", p.body);
    let p = post_multipart(
        &mut cn,
        "/console/messages/new",
        compose_with(&token, "ledger.txt", "text/plain", "page 1: 40 kg, synthetic"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let thread = cn.get(location(&p)).await;
    assert!(thread.body.contains("ledger.txt"));
    let link = thread
        .body
        .split("href=\"")
        .skip(1)
        .find_map(|a| a.split('"').next().filter(|a| a.contains("/attachments/")))
        .expect("attachment link")
        .to_owned();
    // The addressee downloads it with its console session.
    let mut ru = Browser::new(&app);
    ru.login("ru.officer").await;
    let file = ru.get(&link).await;
    assert_eq!(
        (file.status, file.body.as_str()),
        (StatusCode::OK, "page 1: 40 kg, synthetic")
    );
    let mut stranger = Browser::new(&app);
    stranger.login("kz.diplomat").await;
    assert_eq!(stranger.get(&link).await.status, StatusCode::NOT_FOUND);
});
