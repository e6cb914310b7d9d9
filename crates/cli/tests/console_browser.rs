//! The web console in a real browser: `concord demo` on a free loopback
//! port with a temporary SQLite database, driven by `tests/e2e/console.mjs`
//! (playwright-core from npm) in Debian's Chromium. Screenshots go to
//! `ci-artifacts/screenshots/`, which `.ci/run` keeps.
//!
//! Without Chromium, Node.js or `tests/e2e/node_modules` the test says so
//! and passes, unless `CI` is set: then it fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops the demo node when the test ends, however it ends.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no browser at {chromium} (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no node".into());
    }
    let modules = workspace().join("tests/e2e/node_modules");
    if !modules.join("playwright-core").exists() || !modules.join("axe-core").exists() {
        return Some("no tests/e2e/node_modules (npm ci --prefix tests/e2e)".into());
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn two_states_use_the_console_in_three_languages() {
    if let Some(why) = missing_tools() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the browser test cannot run: {why}"
        );
        eprintln!("skipped the browser test: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("temp");
    let listen = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["demo", "--dir"])
        .arg(dir.path())
        .args(["--listen", &listen, "--persons", "2000", "--orgs", "200"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start concord demo");
    let stdout = child.stdout.take().expect("stdout");
    let node = Node(child);
    // The demo prints its URL once it is set up.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("URL:") {
                let _ = tx.send(url.trim().trim_end_matches('/').to_owned());
            }
        }
    });
    let started = Instant::now();
    let url = rx
        .recv_timeout(Duration::from_secs(240))
        .unwrap_or_else(|_| panic!("the demo printed no URL within {:?}", started.elapsed()));
    let shots = workspace().join("ci-artifacts/screenshots");
    let out = Command::new("node")
        .arg(workspace().join("tests/e2e/console.mjs"))
        .arg(&url)
        .arg(&shots)
        .arg("concord-demo-2026")
        .output()
        .expect("run node");
    drop(node);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the browser test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("console e2e: passed"), "{stdout}");
    for page in [
        "02-home",
        "04-record",
        "08-acknowledged",
        "09-proposal",
        "12-inbox-ru",
        "14-home-zh",
    ] {
        let png = shots.join(format!("{page}.png"));
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{} is missing or empty", png.display());
    }
}
