#![no_main]
//! Any text as a name: reading it never panics, a name that reads compares
//! with itself at 1 and with anything within [0, 1], and an index built from
//! it finds it.
use concord_matcher::{IndexBuilder, IndexRecord, PreparedName, SearchOptions, Subject, compare};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\t').unwrap_or((text, "Anton Chekhov"));
    let Ok(p) = PreparedName::new(a) else {
        return;
    };
    if let Ok((score, _)) = compare(a, b) {
        assert!((0.0..=1.0).contains(&score), "{a:?} / {b:?}: {score}");
    }
    let (own, _) = compare(a, a).expect("a name that reads compares with itself");
    assert!(own >= 0.99, "{a:?} against itself: {own} ({})", p.encoded());
    let mut builder = IndexBuilder::new();
    builder.add(&IndexRecord {
        id: "r".into(),
        names: vec![a.to_owned()],
        ..Default::default()
    });
    let index = builder.finish();
    let query = Subject {
        names: vec![a.to_owned()],
        ..Default::default()
    }
    .prepare()
    .expect("a name that reads makes a subject");
    let hits = index.search(&query, &SearchOptions::default(), &|_| true);
    assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.score)));
});
