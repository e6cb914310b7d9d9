//! Statistics: each state reports its own yearly figures (a supervisor's
//! step, corrected at the version read), bad figures are refused with
//! their field and leave nothing; figures are read as shared with all
//! members; derived counts add up only what the reader may read, and a
//! small count of persons of another state is suppressed. Each story runs
//! on SQLite and PostgreSQL.

use concord_app::Refusal;
use concord_app::statistics as stats;
use concord_domain::operation::{OperationInput, Step};
use concord_domain::statistics::{Category, FigureInput};
use concord_domain::{HandlingCode, RecordKind, StateCode};
use concord_stories::{ALL_TICKED, analyst, officer, sample_input, story};

fn figure(year: i32, category: Category, value: i64) -> FigureInput {
    FigureInput {
        year,
        category,
        substance: None,
        value,
        source: "national report (synthetic)".into(),
    }
}

fn field<T: std::fmt::Debug>(r: Result<T, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

story!(
    a_state_reports_and_corrects_its_figures_and_bad_ones_leave_nothing,
    |f| {
        let kz = officer(&f, "kz-security-service");
        let india = officer(&f, "in-security-service");
        let this = f.store.clock().today().year();
        let last = this - 1;
        let r = stats::report(&f.store, &kz, figure(last, Category::Arrests, 120), 0)
            .await
            .expect("report");
        assert_eq!((r.value, r.version, r.state.as_str()), (120, 1, "KZ"));
        // The same cell again as new, or at a stale version: a conflict.
        match stats::report(&f.store, &kz, figure(last, Category::Arrests, 121), 0).await {
            Err(Refusal::Conflict(m)) => assert!(m.contains("reported already"), "{m}"),
            other => panic!("a second report of a cell: {other:?}"),
        }
        let r = stats::report(&f.store, &kz, figure(last, Category::Arrests, 125), 1)
            .await
            .expect("correct");
        assert_eq!((r.value, r.version), (125, 2));
        assert!(matches!(
            stats::report(&f.store, &kz, figure(last, Category::Arrests, 130), 1).await,
            Err(Refusal::Conflict(_))
        ));

        // Bad figures: the field, and nothing written.
        assert_eq!(
            field(stats::report(&f.store, &india, figure(2004, Category::Arrests, 3), 0).await),
            "year"
        );
        assert_eq!(
            field(stats::report(&f.store, &kz, figure(this + 1, Category::Arrests, 3), 0).await),
            "year"
        );
        assert_eq!(
            field(stats::report(&f.store, &kz, figure(last, Category::Arrests, -3), 0).await),
            "value"
        );
        assert_eq!(
            field(stats::report(&f.store, &kz, figure(last, Category::Seizures, 3), 0).await),
            "substance"
        );
        let reader = analyst(&f, "cn-police");
        assert!(matches!(
            stats::report(&f.store, &reader, figure(last, Category::Arrests, 3), 0).await,
            Err(Refusal::Forbidden(_))
        ));
        let all = stats::reported(&f.store, &reader, last - 20, this).await.expect("read");
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].value, 125);
        // India reports for 2005, its first year as an observer.
        stats::report(&f.store, &india, figure(2005, Category::WeaponsSeized, 40), 0)
            .await
            .expect("india 2005");

        // Every report is audited.
        let logged = f
            .store
            .audit_mentioning(&format!("{last} arrests"), 50)
            .await
            .expect("audit");
        assert_eq!(
            logged.iter().filter(|e| e.draft.action == "statistics.report").count(),
            2
        );

        // A suspended state reads nothing shared with all members.
        f.suspend_from_tomorrow("KG").await;
        f.clock.advance(time::Duration::days(1));
        let kg = officer(&f, "kg-police");
        assert!(
            stats::reported(&f.store, &kg, last - 20, this)
                .await
                .expect("kg")
                .is_empty()
        );
        assert_eq!(field(stats::reported(&f.store, &kg, this, last).await), "from");
    }
);

story!(
    derived_figures_count_only_what_the_reader_reads_and_hide_small_counts_of_persons,
    |f| {
        let kz = officer(&f, "kz-police");
        let cn = officer(&f, "cn-police");
        let ru = officer(&f, "ru-police");
        let today = f.store.clock().today();
        let o = concord_app::operations::plan(
            &f.store,
            &kz,
            OperationInput {
                name: "Counted".into(),
                description: "synthetic".into(),
                participants: vec![StateCode::from("KZ"), StateCode::from("CN")],
                starts: today,
                ends: today + time::Duration::days(10),
                handling: HandlingCode::open(),
            },
        )
        .await
        .expect("plan");
        let o = concord_app::operations::step(&f.store, &kz, &o.id, Step::Start, o.version)
            .await
            .expect("start");
        concord_app::operations::report(&f.store, &kz, &o.id, &[], 2, 1)
            .await
            .expect("kz");
        concord_app::operations::report(&f.store, &cn, &o.id, &[], 5, 1)
            .await
            .expect("cn");
        stats::report(&f.store, &kz, figure(today.year(), Category::Arrests, 40), 0)
            .await
            .expect("kz reports");
        let year = today.year();
        let cell = |cells: &[stats::Cell], state: &str| {
            cells
                .iter()
                .find(|c| c.state.as_str() == state && c.category == Category::Arrests && c.year == year)
                .cloned()
        };
        // Kazakhstan sees its own small count and China's.
        let seen = stats::table(&f.store, &kz, year, year).await.expect("kz");
        let own = cell(&seen, "KZ").expect("kz cell");
        assert_eq!(
            (own.reported.map(|r| r.value), own.derived, own.suppressed),
            (Some(40), Some(2), false)
        );
        assert_eq!(cell(&seen, "CN").and_then(|c| c.derived), Some(5));
        // China sees Kazakhstan's two arrests suppressed, beside its reported 40.
        let seen = stats::table(&f.store, &cn, year, year).await.expect("cn");
        let theirs = cell(&seen, "KZ").expect("kz cell for cn");
        assert_eq!(
            (theirs.reported.map(|r| r.value), theirs.derived, theirs.suppressed),
            (Some(40), None, true)
        );
        // Russia is not in the operation: nothing derived, only what was reported.
        let seen = stats::table(&f.store, &ru, year, year).await.expect("ru");
        assert!(seen.iter().all(|c| c.derived.is_none() && !c.suppressed), "{seen:?}");
        assert_eq!(cell(&seen, "KZ").and_then(|c| c.reported).map(|r| r.value), Some(40));
        assert!(cell(&seen, "CN").is_none());
    }
);

story!(transparency_counts_what_the_reader_may_read, |f| {
    let cn = officer(&f, "cn-security-service");
    let ru = officer(&f, "ru-security-service");
    let before_cn = stats::transparency(&f.store, &cn).await.expect("cn");
    let before_ru = stats::transparency(&f.store, &ru).await.expect("ru");
    let r = concord_app::records::create(
        &f.store,
        &cn,
        sample_input(RecordKind::Person, "Counted Person", HandlingCode::open()),
    )
    .await
    .expect("create");
    let returned = concord_app::records::create(
        &f.store,
        &cn,
        sample_input(RecordKind::Person, "Returned Person", HandlingCode::open()),
    )
    .await
    .expect("create");
    concord_app::records::decide_compliance(&f.store, &cn, &r.id, true, ALL_TICKED, "act described", r.version)
        .await
        .expect("approve");
    concord_app::records::decide_compliance(
        &f.store,
        &cn,
        &returned.id,
        false,
        ALL_TICKED,
        "no act",
        returned.version,
    )
    .await
    .expect("return");
    let cn_now = stats::transparency(&f.store, &cn).await.expect("cn");
    let ru_now = stats::transparency(&f.store, &ru).await.expect("ru");
    assert_eq!(cn_now.compliance_passed, before_cn.compliance_passed + 1);
    assert_eq!(cn_now.compliance_returned, before_cn.compliance_returned + 1);
    assert_eq!(ru_now.compliance_passed, before_ru.compliance_passed + 1);
    // A returned record is its originator's alone: Russia's count does not move.
    assert_eq!(ru_now.compliance_returned, before_ru.compliance_returned);
});
