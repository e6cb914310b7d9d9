//! The architecture, checked: which crate may depend on which, read from
//! `cargo metadata`, so a dependency that breaks a layer fails the suite
//! the day it is added (docs/ARCHITECTURE.md names the invariants).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Crates that hold no I/O: they may not reach storage, the network or an
/// async runtime, even through another crate.
const PURE: &[&str] = &[
    "concord-domain",
    "concord-matcher",
    "concord-audit",
    "concord-synth",
    "concord-exchange",
];

/// What a pure crate may not depend on, directly or not.
const IO: &[&str] = &[
    "concord-store",
    "concord-app",
    "concord-server",
    "concord-api",
    "concord-console",
    "concord-cli",
    "sqlx",
    "sqlx-core",
    "tokio",
    "mio",
    "socket2",
    "hyper",
    "axum",
    "async-nats",
];

/// The edges: they translate between a protocol and the use cases, and
/// never call one another. What they share (state, caller, error table) is
/// `concord-web`, below them; `concord-server` mounts both, and the command
/// line, on top, starts it.
const EDGES: &[&str] = &["concord-api", "concord-console"];

/// What the use cases and storage may not know: HTTP, HTML, OpenAPI.
const WEB: &[&str] = &["axum", "askama", "utoipa", "hyper", "tower-http"];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The workspace's dependency graph, read once for every test here.
fn graph() -> &'static Graph {
    static GRAPH: std::sync::OnceLock<Graph> = std::sync::OnceLock::new();
    GRAPH.get_or_init(read_graph)
}

/// Package name to the names of its normal (not dev, not build) dependencies.
fn read_graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    // Resolved for this machine's platform only, so nothing needs downloading.
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    let version = String::from_utf8_lossy(&rustc.stdout);
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc names its host");
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            host,
        ])
        .args(["--manifest-path", manifest])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    let mut graph = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().expect("resolve") {
        let name = names[node["id"].as_str().expect("id")];
        let deps: BTreeSet<String> = node["deps"]
            .as_array()
            .expect("deps")
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k["kind"].is_null()))
            })
            .filter_map(|d| names.get(d["pkg"].as_str()?).map(|n| (*n).to_owned()))
            .collect();
        graph.entry(name.to_owned()).or_insert_with(BTreeSet::new).extend(deps);
    }
    graph
}

/// Everything `name` depends on, directly or not.
fn closure(graph: &Graph, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(n) = todo.pop() {
        for d in graph.get(&n).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn pure_crates_reach_no_storage_network_or_runtime() {
    let graph = graph();
    for krate in PURE {
        assert!(
            graph.contains_key(*krate),
            "{krate} is not in the workspace any more: update this test"
        );
        let reach = closure(graph, krate);
        let bad: Vec<&&str> = IO.iter().filter(|io| reach.contains(**io)).collect();
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

#[test]
fn the_domain_depends_only_on_plain_data_crates() {
    let graph = graph();
    let direct = &graph["concord-domain"];
    // sha2 derives repeatable ids from text: computation, not I/O.
    let allowed = ["sha2", "thiserror", "time", "uuid"];
    let extra: Vec<&String> = direct.iter().filter(|d| !allowed.contains(&d.as_str())).collect();
    assert!(
        extra.is_empty(),
        "concord-domain gained {extra:?}: the domain holds no I/O and no wire format"
    );
    // And no I/O written by hand in its sources.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/domain/src");
    let mut files = vec![std::path::PathBuf::from(dir)];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .expect("read dir")
                    .map(|e| e.expect("entry").path()),
            );
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        for io in ["std::fs", "std::net", "std::process", "std::env", "std::io::stdin"] {
            assert!(!text.contains(io), "{} uses {io}", path.display());
        }
    }
}

#[test]
fn edges_never_depend_on_one_another_and_inner_layers_on_no_edge() {
    let graph = graph();
    for edge in EDGES.iter().filter(|e| graph.contains_key(**e)) {
        let reach = closure(graph, edge);
        let other: Vec<&&str> = EDGES.iter().filter(|o| *o != edge && reach.contains(**o)).collect();
        assert!(
            other.is_empty(),
            "{edge} depends on the edge {other:?}: call concord-app instead"
        );
    }
    for edge in EDGES {
        assert!(
            graph.contains_key(*edge),
            "{edge} is not in the workspace any more: update this test"
        );
    }
    let shared = closure(graph, "concord-web");
    let up: Vec<&&str> = EDGES.iter().filter(|e| shared.contains(**e)).collect();
    assert!(
        up.is_empty(),
        "concord-web depends on the edge {up:?}: it is what the edges share"
    );
    for inner in ["concord-app", "concord-store"] {
        assert!(
            graph.contains_key(inner),
            "{inner} is not in the workspace any more: update this test"
        );
        let reach = closure(graph, inner);
        let bad: Vec<&&str> = EDGES.iter().chain(WEB).filter(|e| reach.contains(**e)).collect();
        assert!(
            bad.is_empty(),
            "{inner} depends on {bad:?}: the use cases and storage know no HTTP"
        );
    }
    let store = closure(graph, "concord-store");
    assert!(!store.contains("concord-app"), "storage depends on the use cases");
}

/// The store's modules, by the `crate::module` paths each names: a module
/// that names another depends on it.
fn store_modules() -> BTreeMap<String, BTreeSet<String>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/store/src");
    let names: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("read the store's sources")
        .filter_map(|e| {
            let path = e.expect("entry").path();
            let stem = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "rs" && stem != "lib").then_some(stem)
        })
        .collect();
    names
        .iter()
        .map(|m| {
            let text = std::fs::read_to_string(format!("{dir}/{m}.rs")).expect("read a store module");
            let uses = names
                .iter()
                .filter(|other| *other != m)
                .filter(|other| {
                    text.contains(&format!("crate::{other}::")) || text.contains(&format!("crate::{other};"))
                })
                .cloned()
                .collect();
            (m.clone(), uses)
        })
        .collect()
}

#[test]
fn the_stores_modules_name_one_another_without_a_cycle() {
    let graph = store_modules();
    assert!(graph.len() > 5, "found only {:?}: update this test", graph.keys());
    // Depth-first search; a module met again on the current path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| (*s).to_owned()).collect();
            cycle.push(m.to_owned());
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "the store's modules name one another in a circle: {}; move what both need into a module of its own",
                cycle.join(" -> ")
            );
        }
    }
}
