//! Import and export: all or nothing, idempotent, named errors, and exports
//! that third-party tools accept.

use concord_domain::{Category, Classification, HandlingCode, LegalBasis, Role, Roles};
use concord_exchange::ImportDefaults;
use concord_store::{Ctx, ImportFailure, ImportReport, RecordQuery};
use concord_stories::{Fixture, START, ctx, story};
use std::collections::HashSet;
use std::io::Cursor;

fn importer(f: &Fixture) -> Ctx {
    ctx(
        &f.store,
        "importer",
        "structure",
        Roles::of([Role::Officer, Role::Supervisor]),
        Classification::Secret,
    )
}

fn defaults() -> ImportDefaults {
    ImportDefaults {
        legal_basis: LegalBasis {
            instrument: "shanghai-convention-2001".into(),
            article: "1.1.1b".into(),
            category: Category::Terrorism,
        },
        handling: HandlingCode::open(),
        review_date: START.date() + time::Duration::days(365),
        evidence: None,
    }
}

fn synthetic(persons: u64, orgs: u64) -> String {
    let g = concord_synth::Generator::new(42);
    let mut out = String::new();
    for i in 0..persons {
        for e in concord_synth::Generator::person_entities(&g.person(i)) {
            out.push_str(&format!("{e}\n"));
        }
    }
    for i in 0..orgs {
        for e in concord_synth::Generator::organization_entities(&g.organization(i, persons)) {
            out.push_str(&format!("{e}\n"));
        }
    }
    out
}

async fn import_ftm(f: &Fixture, c: &Ctx, text: &str) -> Result<ImportReport, ImportFailure> {
    let d = defaults();
    concord_app::records::import(
        &f.store,
        c,
        concord_exchange::ftm::read(Cursor::new(text.as_bytes()), &d),
        |_| {},
    )
    .await
}

async fn count(f: &Fixture, c: &Ctx) -> i64 {
    f.store.count_records(c, &RecordQuery::default()).await.expect("count")
}

fn input_error(r: Result<ImportReport, ImportFailure>) -> concord_store::ImportError {
    match r {
        Err(ImportFailure::Input(e)) => e,
        other => panic!("expected an input error, got {other:?}"),
    }
}

story!(ftm_import_is_idempotent_and_links_records, |f| {
    let c = importer(&f);
    let text = synthetic(120, 10);
    let first = import_ftm(&f, &c, &text).await.expect("import");
    assert_eq!((first.created, first.identifiers), (130, 120));
    assert!(first.links >= 10, "{first:?}");
    let again = import_ftm(&f, &c, &text).await.expect("re-import");
    assert_eq!(
        (again.created, again.updated, again.unchanged, again.links),
        (0, 0, 130, 0)
    );
    assert_eq!(count(&f, &c).await, 130);
    // A changed line updates its record, and only that one.
    let changed = text.replacen("\"1970-10\"", "\"1970-11\"", 1);
    if changed != text {
        let third = import_ftm(&f, &c, &changed).await.expect("changed import");
        assert_eq!((third.created, third.updated), (0, 1));
    }
    let hit = f
        .store
        .list_records(&c, &RecordQuery::text("syn", 1))
        .await
        .expect("list");
    assert!(hit.is_empty(), "file ids are not names");
    let org = f
        .store
        .list_records(
            &c,
            &RecordQuery {
                kind: Some(concord_domain::RecordKind::Organization),
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .expect("orgs")
        .remove(0);
    let links = f.store.relationships(&c, &org.id).await.expect("links");
    assert!(links.iter().any(|l| l.kind == concord_domain::RelationKind::LeaderOf));
    assert!(links.iter().any(|l| l.kind == concord_domain::RelationKind::Financer));
});

story!(a_bad_line_rolls_back_the_whole_file, |f| {
    let c = importer(&f);
    let good = synthetic(30, 0);
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[40] = lines[40].replacen("\"birthDate\":[\"", "\"birthDate\":[\"1985-13-40\",\"", 1);
    let bad_date = lines.join("\n");
    let cases: Vec<(String, u64, &str, &str)> = vec![
        (bad_date.clone(), 41, "properties.birthDate[0]", "1985-13-40"),
        (
            format!("{good}{}\n", good.lines().next().unwrap_or("")),
            61,
            "id",
            "first on line 1",
        ),
        (
            format!("{good}{{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"Trunc"),
            61,
            "entity",
            "not a FollowTheMoney entity",
        ),
        (
            format!("{good}{{\"id\": \"x\", \"schema\": \"Vessel\", \"properties\": {{}}}}\n"),
            61,
            "schema",
            "unsupported schema",
        ),
        (
            format!(
                "{good}{{\"id\": \"pp\", \"schema\": \"Passport\", \"properties\": {{\"holder\": [\"nobody\"], \"number\": [\"1\"]}}}}\n"
            ),
            61,
            "holder",
            "no record with id",
        ),
        (
            format!(
                "{good}{{\"id\": \"n\", \"schema\": \"Person\", \"properties\": {{\"name\": [\"Nobody Known\"], \"nationality\": [\"zz\"], \"notes\": [\"Synthetic: planned an attack on a bridge.\"]}}}}\n"
            ),
            61,
            "nationalities[0]",
            "unknown state",
        ),
    ];
    for (text, line, field, needle) in cases {
        let e = input_error(import_ftm(&f, &c, &text).await);
        assert_eq!((e.line, e.field.as_str()), (line, field), "{e}");
        assert!(e.message.contains(needle) || e.field.contains(needle), "{e}");
        assert_eq!(count(&f, &c).await, 0, "nothing written after: {e}");
    }
    // Bytes that are not UTF-8.
    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    let d = defaults();
    let e = input_error(
        concord_app::records::import(
            &f.store,
            &c,
            concord_exchange::ftm::read(Cursor::new(bytes), &d),
            |_| {},
        )
        .await,
    );
    assert!(e.message.contains("UTF-8"), "{e}");
    assert_eq!(count(&f, &c).await, 0);
});

story!(csv_imports_and_exports_with_its_documented_header, |f| {
    let c = importer(&f);
    let d = defaults();
    let csv = "id,kind,name,aliases,birth_dates,nationalities,gender,passports,national_ids,places,founded,notes\n\
               a1,person,Сергей Петров,Sergei Petrov; Sergey Petrov,1980-04,RU,male,RU:7512345678,,Omsk,,Synthetic: smuggled weapons across a border.\n\
               a2,organization,Northern Circle,Северный круг,,,,,,Alay,2011,Synthetic: ran a recruitment network.\n";
    let report = concord_app::records::import(&f.store, &c, concord_exchange::csv::read(Cursor::new(csv), &d), |_| {})
        .await
        .expect("import");
    assert_eq!(report.created, 2);
    let hits = f
        .store
        .list_records(&c, &RecordQuery::text("sergey", 5))
        .await
        .expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].facts.identifiers[0].state.as_ref().map(|s| s.as_str()),
        Some("RU")
    );

    let mut out = Vec::new();
    concord_exchange::csv::write(&mut out, &f.store.export_records(&c).await.expect("export")).expect("write");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with(&concord_exchange::csv::HEADER.join(",")));
    let again = concord_app::records::import(
        &f.store,
        &c,
        concord_exchange::csv::read(Cursor::new(text.as_bytes()), &d),
        |_| {},
    )
    .await
    .expect("round trip");
    assert_eq!(
        (again.created, again.unchanged),
        (0, 2),
        "the export re-imports onto the same records"
    );

    let bad: [(&str, u64, &str); 7] = [
        ("id,kind\na,person\n", 1, "name"),
        ("id,kind,name,colour\na,person,X,red\n", 1, "colour"),
        (",id,kind,name\n,a,person,X\n", 1, "header"),
        ("id,kind,name,name\na,person,X,Y\n", 1, "name"),
        ("id,kind,name,notes\na,person,X\n", 2, "row"),
        (
            "id,kind,name,birth_dates,notes\na,person,X,1985-13-40,Synthetic: an act.\n",
            2,
            "birth_dates[0]",
        ),
        (
            "id,kind,name,notes\na,person,X,Synthetic: an attack on a post.\nb,planet,Y,z\n",
            3,
            "kind",
        ),
    ];
    for (text, line, field) in bad {
        let e = input_error(
            concord_app::records::import(&f.store, &c, concord_exchange::csv::read(Cursor::new(text), &d), |_| {})
                .await,
        );
        assert_eq!((e.line, e.field.as_str()), (line, field), "{text}: {e}");
    }
    assert_eq!(count(&f, &c).await, 2, "failed files wrote nothing");
});

story!(the_un_consolidated_list_imports_with_aliases_and_documents, |f| {
    let c = importer(&f);
    let xml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/unsc-sample.xml")).expect("sample");
    let countries = f
        .store
        .snapshot()
        .registry
        .states
        .values()
        .map(|s| (s.name.en.to_lowercase(), s.code.clone()))
        .collect();
    let items = concord_exchange::unsc::read(&xml, &defaults(), &countries).expect("parse");
    let report = concord_app::records::import(&f.store, &c, items.into_iter().map(Ok), |_| {})
        .await
        .expect("import");
    assert_eq!(report.created, 3);
    let hits = f
        .store
        .list_records(&c, &RecordQuery::text("осмонов", 5))
        .await
        .expect("search");
    assert_eq!(hits.len(), 1);
    let p = &hits[0];
    assert_eq!(p.source_id.as_deref(), Some("unsc-900001"));
    assert_eq!(p.facts.birth_dates[0].to_string(), "1984-03-17");
    assert_eq!(p.facts.nationalities[0].as_str(), "KG");
    assert_eq!(p.facts.identifiers[0].value, "AC1234567");
    assert!(p.facts.names.iter().any(|n| n.full == "Abu Temir"));
    let wei = f
        .store
        .list_records(&c, &RecordQuery::text("魏建国", 5))
        .await
        .expect("search");
    assert_eq!(wei[0].facts.birth_dates[0].to_string(), "1979");
    assert_eq!(
        wei[0].facts.places,
        ["Atlantis"],
        "unknown countries are kept as places"
    );
    let bad = concord_exchange::unsc::read(
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        &defaults(),
        &countries,
    );
    assert!(matches!(&bad, Err(e) if e.field.starts_with("FIRST_NAME")), "{bad:?}");
    assert!(concord_exchange::unsc::read("<not-xml", &defaults(), &countries).is_err());
});

story!(the_ftm_export_passes_the_followthemoney_validator, |f| {
    let c = importer(&f);
    import_ftm(&f, &c, &synthetic(60, 6)).await.expect("import");
    concord_app::records::approve_imported(&f.store, &c, concord_stories::ALL_TICKED, "synthetic data")
        .await
        .expect("approve");
    let records = f.store.export_records(&c).await.expect("export");
    let ids: HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
    let links = f.store.links_between(&ids).await.expect("links");
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("export.jsonl");
    let mut file = std::fs::File::create(&path).expect("create");
    concord_exchange::ftm::write_all(&mut file, &records, &links).expect("write");
    if !has_followthemoney() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/validate_ftm.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run python3");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        report.contains("0 problems") && !report.starts_with("0 entities"),
        "{report}"
    );
    // And the export re-imports onto the same records.
    let text = std::fs::read_to_string(&path).expect("read");
    let again = import_ftm(&f, &c, &text).await.expect("re-import");
    assert_eq!(again.created, 0, "{again:?}");
});

story!(
    imported_records_keep_every_versions_content_through_approval_and_change,
    |f| {
        // The current version's snapshot is the record row itself; every change
        // (bulk approval, re-import, review) must first freeze the one it leaves.
        let c = importer(&f);
        let text = r#"{"id":"p-1","schema":"Person","properties":{"name":["Temir Sadykov"],"birthDate":["1970"],"notes":["planned an attack on a transport hub"]}}
{"id":"p-2","schema":"Person","properties":{"name":["Aibek Nurov"],"notes":["financed an attack on a transport hub"]}}
"#;
        import_ftm(&f, &c, text).await.expect("import");
        let page = f
            .store
            .list_records(&c, &RecordQuery::text("Sadykov", 5))
            .await
            .expect("list");
        let id = page[0].id.clone();
        let snapshots = |h: &[concord_store::Version]| -> Vec<serde_json::Value> {
            h.iter()
                .map(|v| serde_json::from_str(v.snapshot.as_deref().expect("visible")).expect("json"))
                .collect()
        };
        let h = f.store.history(&c, &id).await.expect("history");
        assert_eq!(snapshots(&h)[0]["compliance"], "pending");
        assert_eq!(
            concord_app::records::approve_imported(&f.store, &c, concord_stories::ALL_TICKED, "checked")
                .await
                .expect("approve"),
            2
        );
        let changed = text.replace("Temir Sadykov", "Temir Sadykov\",\"Темир Садыков");
        let again = import_ftm(&f, &c, &changed).await.expect("re-import");
        assert_eq!((again.updated, again.unchanged), (1, 1), "{again:?}");
        let r = f.store.get_record(&c, &id).await.expect("get");
        concord_app::records::extend_review(
            &f.store,
            &c,
            &id,
            r.version,
            START.date() + time::Duration::days(400),
            "still relevant",
        )
        .await
        .expect("extend");
        let h = f.store.history(&c, &id).await.expect("history");
        let actions: Vec<&str> = h.iter().map(|v| v.action.as_str()).collect();
        assert_eq!(actions, ["create", "compliance.approved", "update", "review.extend"]);
        let s = snapshots(&h);
        let names = |v: &serde_json::Value| v["facts"]["names"].as_array().map_or(0, Vec::len);
        assert_eq!(
            (
                s[0]["compliance"].as_str(),
                s[1]["compliance"].as_str(),
                s[2]["compliance"].as_str()
            ),
            (Some("pending"), Some("approved"), Some("pending")),
            "{s:?}"
        );
        assert_eq!([names(&s[0]), names(&s[1]), names(&s[2]), names(&s[3])], [1, 1, 2, 2]);
        assert_ne!(
            s[2]["review_date"], s[3]["review_date"],
            "the extension is its own version"
        );
        // The other record, approved in the same bulk decision, also keeps both.
        let other = f
            .store
            .list_records(&c, &RecordQuery::text("Nurov", 5))
            .await
            .expect("list");
        let h = f.store.history(&c, &other[0].id).await.expect("history");
        let s = snapshots(&h);
        assert_eq!(
            (s[0]["compliance"].as_str(), s[1]["compliance"].as_str()),
            (Some("pending"), Some("approved"))
        );
        // A passport imported for it: the version it leaves keeps no passport.
        let passport = r#"{"id":"p-2","schema":"Person","properties":{"name":["Aibek Nurov"],"notes":["financed an attack on a transport hub"]}}
{"id":"pp-2","schema":"Passport","properties":{"holder":["p-2"],"number":["N0000002"],"country":["kz"]}}
"#;
        import_ftm(&f, &c, passport).await.expect("passport");
        let h = f.store.history(&c, &other[0].id).await.expect("history");
        let s = snapshots(&h);
        let documents = |v: &serde_json::Value| v["facts"]["identifiers"].as_array().map_or(0, Vec::len);
        assert_eq!(s.iter().map(documents).collect::<Vec<_>>(), [0, 0, 1], "{s:?}");
    }
);

/// Whether python3 can import followthemoney; CI must be able to.
pub(crate) fn has_followthemoney() -> bool {
    let has = std::process::Command::new("python3")
        .args(["-c", "import followthemoney"])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the followthemoney package (pip install followthemoney)"
        );
        eprintln!("skipped the followthemoney validation: pip install followthemoney to run it");
    }
    has
}
