//! The `concord` binary as a user runs it.

use std::process::Command;

fn concord(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .output()
        .expect("run concord")
}

#[test]
fn config_check_names_file_line_and_field_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp");
    let out = concord(&["config", "export", dir.path().to_str().expect("utf-8")]);
    assert!(out.status.success());
    let ok = concord(&["config", "check", dir.path().to_str().expect("utf-8")]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("21 states"));

    let states = dir.path().join("states.toml");
    let text = std::fs::read_to_string(&states).expect("read");
    std::fs::write(&states, text.replacen("2001-06-15", "2001-15-06", 1)).expect("write");
    let bad = concord(&["config", "check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("states.toml:8:") && err.contains("state[0].membership[0].since"),
        "{err}"
    );
}

#[test]
fn audit_verify_exits_1_when_the_log_was_edited() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8");
    let demo = concord(&[
        "demo",
        "--dir",
        d,
        "--no-serve",
        "--listen",
        "127.0.0.1:0",
        "--persons",
        "300",
        "--orgs",
        "20",
    ]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("concord-demo-2026"));
    let ok = concord(&["audit", "verify", "--data-dir", d]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit log intact"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite:{}/concord.db", d);
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
        sqlx::raw_sql(
            "DROP TRIGGER audit_log_append_only_update; UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3;",
        )
        .execute(&mut conn)
        .await
        .expect("tamper");
    });
    let bad = concord(&["audit", "verify", "--data-dir", d]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("entry 3 was edited"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn records_from_the_command_line_obey_the_access_model() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8");
    let demo = concord(&["demo", "--dir", d, "--no-serve", "--persons", "200", "--orgs", "5"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let list = |user: &str| {
        let out = concord(&["record", "list", "--data-dir", d, "--user", user, "--limit", "500"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    let structure = list("structure.analyst");
    let india = list("in.officer");
    assert!(structure > india && india > 0, "structure {structure}, India {india}");
    let first = concord(&[
        "record",
        "list",
        "--data-dir",
        d,
        "--user",
        "in.officer",
        "--limit",
        "1",
    ]);
    let id = String::from_utf8_lossy(&first.stdout)
        .split_whitespace()
        .next()
        .expect("an id")
        .to_owned();
    let history = concord(&["record", "history", "--data-dir", d, "--user", "in.officer", &id]);
    assert!(String::from_utf8_lossy(&history.stdout).contains("compliance.approved"));
    let hidden = concord(&["record", "get", "--data-dir", d, "--user", "nobody", &id]);
    assert!(!hidden.status.success());
}
