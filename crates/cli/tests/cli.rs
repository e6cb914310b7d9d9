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

#[test]
fn compare_explains_and_scores_pairs_line_by_line() {
    let out = concord(&["compare", "Антон Павлович Чехов", "Tschechow, Anton"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["score"].as_f64().expect("score") > 0.9, "{v}");
    assert!(v["explanation"]["parts"].to_string().contains("German"), "{v}");

    let dir = tempfile::tempdir().expect("temp");
    let pairs = dir.path().join("pairs.tsv");
    std::fs::write(
        &pairs,
        "王小明\tWang Hsiao-ming\nno tab here\nIvan Petrov\tPyotr Sidorov\n",
    )
    .expect("write");
    let out = concord(&["compare", "--pairs", pairs.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "a bad line fails the run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one line per input line: {stdout}");
    let first: f64 = lines[0].parse().expect("a score");
    let third: f64 = lines[2].parse().expect("a score");
    assert!(first > 0.9 && third < 0.6, "{stdout}");
    assert!(lines[1].is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pairs.tsv:2:"));
}

#[test]
fn screening_a_batch_keeps_good_lines_names_bad_ones_and_resumes() {
    let dir = tempfile::tempdir().expect("temp");
    let path = |f: &str| dir.path().join(f).to_str().expect("utf-8").to_owned();
    let gen_out = concord(&[
        "generate",
        "--persons",
        "300",
        "--orgs",
        "5",
        "--output",
        &path("people.ftm.json"),
        "--truth",
        &path("truth.jsonl"),
    ]);
    assert!(gen_out.status.success());
    let out = concord(&["index", &path("people.ftm.json"), "--output", &path("people.idx")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Queries from the ground truth, a bad line in the middle.
    let truth = std::fs::read_to_string(path("truth.jsonl")).expect("truth");
    let picked: Vec<serde_json::Value> = truth
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|v| v["variant"] == "reordered")
        .take(6)
        .collect();
    let mut batch = String::new();
    for (i, v) in picked.iter().enumerate() {
        if i == 3 {
            batch.push_str("{\"name\": \"!!!\"}\n");
        }
        batch.push_str(
            &serde_json::json!({"id": v["id"], "name": v["query"], "birth_date": v["birth_date"]}).to_string(),
        );
        batch.push('\n');
    }
    std::fs::write(path("batch.jsonl"), &batch).expect("write");
    let (input, index, output) = (path("batch.jsonl"), path("people.idx"), path("results.jsonl"));
    let run = |extra: &[&str]| {
        let mut args = vec!["screen", "--input", &input, "--against", &index, "--output", &output];
        args.extend_from_slice(extra);
        concord(&args)
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 4: name 0: the name has no letters"));
    let results = std::fs::read_to_string(path("results.jsonl")).expect("results");
    let lines: Vec<serde_json::Value> = results
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[3]["line"], 4);
    for l in lines.iter().filter(|l| l.get("error").is_none()) {
        assert_eq!(l["results"][0]["record_id"], l["query_id"], "{l}");
    }

    // Interrupted after three lines and a torn fourth: resume finishes the rest.
    let kept: String = results.lines().take(3).map(|l| format!("{l}\n")).collect::<String>() + "{\"line\": 4, \"err";
    std::fs::write(path("results.jsonl"), kept).expect("write");
    let out = run(&["--resume"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("resumed after line 3"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resumed = std::fs::read_to_string(path("results.jsonl")).expect("results");
    assert_eq!(resumed, results, "resuming gives the same file as one run");
}

#[test]
fn screening_a_node_searches_only_what_the_user_may_read() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().join("node");
    let d = d.to_str().expect("utf-8");
    let demo = concord(&["demo", "--dir", d, "--no-serve", "--persons", "200", "--orgs", "5"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let list = |user: &str| {
        let out = concord(&["record", "list", "--data-dir", d, "--user", user, "--limit", "500"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (structure, india) = (list("structure.analyst"), list("in.officer"));
    // A person the regional structure may read and India may not.
    let (id, name) = structure
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("person"))
        .map(|l| {
            let id = l.split_whitespace().next().unwrap_or("").to_owned();
            let name = l.split("  ").last().unwrap_or("").trim().to_owned();
            (id, name)
        })
        .find(|(id, _)| !india.contains(id.as_str()))
        .expect("a record hidden from India");
    let input = dir.path().join("q.jsonl");
    std::fs::write(&input, serde_json::json!({"id": "q", "name": name}).to_string() + "\n").expect("write");
    let output = dir.path().join("out.jsonl");
    let screen = |user: &str| {
        let out = concord(&[
            "screen",
            "--input",
            input.to_str().expect("utf-8"),
            "--against",
            d,
            "--user",
            user,
            "--purpose",
            "test of the access model",
            "--output",
            output.to_str().expect("utf-8"),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read_to_string(&output).expect("results")
    };
    assert!(
        screen("structure.analyst").contains(&id),
        "{name} not found by the structure"
    );
    assert!(!screen("in.officer").contains(&id), "India saw {id} ({name})");
    let no_purpose = concord(&[
        "screen",
        "--input",
        input.to_str().expect("utf-8"),
        "--against",
        d,
        "--user",
        "in.officer",
        "--output",
        output.to_str().expect("utf-8"),
    ]);
    assert!(!no_purpose.status.success());
    assert!(String::from_utf8_lossy(&no_purpose.stderr).contains("--purpose"));
}

#[test]
fn cooperation_from_the_command_line_follows_the_access_model() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8 path");
    let demo = concord(&["demo", "--dir", d, "--no-serve", "--persons", "50", "--orgs", "5"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let inbox = concord(&[
        "cooperation",
        "inbox",
        "--data-dir",
        d,
        "--user",
        "ru.officer",
        "-q",
        "courier",
    ]);
    assert!(inbox.status.success(), "{}", String::from_utf8_lossy(&inbox.stderr));
    let text = String::from_utf8_lossy(&inbox.stdout).into_owned();
    let id = text.split_whitespace().next().expect("the demo request").to_owned();
    assert!(id.starts_with("msg-"), "{text}");
    // The Indian officer is not addressed: nothing.
    let other = concord(&[
        "cooperation",
        "inbox",
        "--data-dir",
        d,
        "--user",
        "in.officer",
        "-q",
        "courier",
    ]);
    assert!(other.status.success());
    assert!(other.stdout.is_empty(), "{}", String::from_utf8_lossy(&other.stdout));
    let stix = concord(&["cooperation", "stix", "--data-dir", d, "--user", "cn.officer", &id]);
    assert!(stix.status.success(), "{}", String::from_utf8_lossy(&stix.stderr));
    let bundle: serde_json::Value = serde_json::from_slice(&stix.stdout).expect("json");
    assert_eq!(bundle["type"], "bundle");
    let refused = concord(&["cooperation", "stix", "--data-dir", d, "--user", "in.officer", &id]);
    assert!(!refused.status.success(), "an outsider exported the thread");
    let list = concord(&["cooperation", "common-list", "--data-dir", d, "--user", "ru.analyst"]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    assert!(String::from_utf8_lossy(&list.stdout).starts_with("record_id,organization"));
    let bad = concord(&[
        "cooperation",
        "common-list",
        "--data-dir",
        d,
        "--user",
        "ru.analyst",
        "--format",
        "xml",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected csv or ftm"));
}

#[test]
fn serve_wants_its_key_named_and_private() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8");
    let unnamed = concord(&["serve", "--data-dir", d, "--listen", "127.0.0.1:0"]);
    assert_eq!(unnamed.status.code(), Some(2), "an error, not a tampered log");
    assert!(
        String::from_utf8_lossy(&unnamed.stderr).contains("--node-key"),
        "{}",
        String::from_utf8_lossy(&unnamed.stderr)
    );
    let key = dir.path().join("keys").join("node.key");
    std::fs::create_dir_all(key.parent().expect("parent")).expect("dir");
    std::fs::write(&key, "11".repeat(32)).expect("key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let readable = concord(&[
            "serve",
            "--data-dir",
            d,
            "--node-key",
            key.to_str().expect("utf-8"),
            "--listen",
            "127.0.0.1:0",
        ]);
        assert_eq!(readable.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&readable.stderr).contains("chmod 600"),
            "{}",
            String::from_utf8_lossy(&readable.stderr)
        );
    }
}

#[test]
fn a_backup_restores_into_a_new_node_and_bad_ones_change_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    let s = |p: &std::path::Path| p.to_str().expect("utf-8").to_owned();
    let demo = concord(&[
        "demo",
        "--dir",
        &s(&a),
        "--no-serve",
        "--listen",
        "127.0.0.1:0",
        "--persons",
        "200",
        "--orgs",
        "10",
    ]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let file = dir.path().join("a.backup");
    let out = concord(&["backup", "--data-dir", &s(&a), "--to", &s(&file)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = concord(&["backup", "--data-dir", &s(&a), "--to", &s(&file)]);
    assert!(!again.status.success(), "an existing file is not overwritten");

    // A cut file: refused before anything is written.
    std::fs::create_dir_all(&b).expect("dir");
    std::fs::copy(a.join("node.key"), b.join("node.key")).expect("key");
    let text = std::fs::read_to_string(&file).expect("read");
    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &text[..text.len() * 2 / 3]).expect("write");
    let refused = concord(&["restore", "--data-dir", &s(&b), "--from", &s(&cut)]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("cut short") || err.contains("not JSON"), "{err}");
    let empty = concord(&["audit", "verify", "--data-dir", &s(&b)]);
    assert!(
        String::from_utf8_lossy(&empty.stdout).contains("0 entries"),
        "nothing was written"
    );

    // Another node's key: refused.
    let other = concord(&["restore", "--data-dir", &s(&c), "--from", &s(&file)]);
    assert!(!other.status.success());
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("another node"),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );

    // The real thing: restored, verified, the same records.
    let ok = concord(&["restore", "--data-dir", &s(&b), "--from", &s(&file)]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("audit log intact"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let list = |d: &std::path::Path| {
        let o = concord(&[
            "record",
            "list",
            "--data-dir",
            &s(d),
            "--user",
            "structure.analyst",
            "-q",
            "Brigade",
        ]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(list(&a), list(&b));
    assert!(!list(&b).trim().is_empty());

    // Over a node that has a log: only with --force.
    let over = concord(&["restore", "--data-dir", &s(&b), "--from", &s(&file)]);
    assert!(!over.status.success());
    let forced = concord(&["restore", "--data-dir", &s(&b), "--from", &s(&file), "--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
}

/// One HTTP/1.1 request to a local server; `(status, body)`.
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(t) = token {
        req += &format!("Authorization: Bearer {t}\r\n");
    }
    let body = body.unwrap_or("");
    req += &format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

#[test]
fn logs_and_error_bodies_carry_no_secrets() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8").to_owned();
    let demo = concord(&[
        "demo",
        "--dir",
        &d,
        "--no-serve",
        "--listen",
        "127.0.0.1:0",
        "--persons",
        "100",
        "--orgs",
        "10",
    ]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let log = dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve", "--data-dir", &d, "--node-key", &format!("{d}/node.key")])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "debug")
        .stdout(std::fs::File::create(dir.path().join("serve.out")).expect("out"))
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("serve");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 60, "the server did not listen");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let password = "concord-demo-2026";
    let wrong = "a-wrong-secret-7f3a";
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&format!(r#"{{"username":"ru.analyst","password":"{password}"}}"#)),
    );
    assert_eq!(status, 200, "{body}");
    let token = body
        .split("\"token\":\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("token")
        .to_owned();
    assert_eq!(http(port, "GET", "/api/v1/me", Some(&token), None).0, 200);
    let (status, _) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&format!(r#"{{"username":"ru.analyst","password":"{wrong}"}}"#)),
    );
    assert_eq!(status, 401);
    // A failure inside: the table behind logins is gone.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{d}/concord.db"))
            .await
            .expect("open");
        sqlx::raw_sql("DROP TABLE login_guard")
            .execute(&mut conn)
            .await
            .expect("break");
    });
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&format!(r#"{{"username":"ru.analyst","password":"{password}"}}"#)),
    );
    child.kill().ok();
    child.wait().ok();
    assert_eq!(status, 500, "{body}");
    for word in ["login_guard", "no such table", "sqlite", password] {
        assert!(!body.contains(word), "the error body names {word:?}: {body}");
    }
    let reference = body
        .split("reference ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .expect("a reference")
        .to_owned();
    let logs = std::fs::read_to_string(&log).expect("logs");
    assert!(
        logs.contains(&reference),
        "the failure is logged under its reference:\n{logs}"
    );
    for secret in [password, wrong, token.as_str(), "$argon2"] {
        assert!(!logs.contains(secret), "the logs carry a secret ({secret}):\n{logs}");
    }
}

#[test]
fn the_annual_report_shows_what_its_reader_may_see_as_html_and_pdf() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path().to_str().expect("utf-8 path");
    let demo = concord(&["demo", "--dir", d, "--no-serve", "--persons", "50", "--orgs", "5"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let year = time::OffsetDateTime::now_utc().year().to_string();
    let report = |user: &str, lang: &str, pdf: bool| {
        let html = dir.path().join(format!("{user}-{lang}.html"));
        let pdf_path = dir.path().join(format!("{user}.pdf"));
        let mut args = vec![
            "report".to_owned(),
            "annual".into(),
            "--data-dir".into(),
            d.into(),
            "--user".into(),
            user.into(),
            "--year".into(),
            year.clone(),
            "--lang".into(),
            lang.into(),
            "--out".into(),
            html.display().to_string(),
        ];
        if pdf {
            args.extend(["--pdf".to_owned(), pdf_path.display().to_string()]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = concord(&refs);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (std::fs::read_to_string(&html).expect("html"), pdf_path)
    };
    let (kz, pdf) = report("kz.prosecutor", "en", true);
    assert!(kz.contains(&format!("Annual report {year}")), "no title");
    assert!(kz.contains("As read by: kz.prosecutor"), "the reader is not named");
    assert!(
        kz.contains("lists of wanted members"),
        "the secretaries' decision is missing"
    );
    assert!(
        kz.contains("Members of banned organizations detained") || kz.contains("Arrests"),
        "no figures"
    );
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 2_000, "not a PDF");
    // India did not take part in the meeting: its report does not show it.
    let (india, _) = report("in.officer", "en", false);
    assert!(
        !india.contains("lists of wanted members"),
        "a hidden decision in India's report"
    );
    // In Chinese.
    let (zh, _) = report("kz.prosecutor", "zh", false);
    assert!(zh.contains("年度报告"), "the report is not in Chinese");
    let bad = concord(&[
        "report",
        "annual",
        "--data-dir",
        d,
        "--user",
        "kz.prosecutor",
        "--year",
        "2025",
        "--lang",
        "fr",
        "--out",
        "x.html",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected en, ru or zh"));
}
