//! Batch screening from the console: an uploaded file screened in the
//! background, its progress watched, its results downloaded. Jobs live in
//! memory (the node keeps the last [`KEEP`]); each belongs to the user who
//! uploaded it and is screened with that user's access.

use crate::AppState;
use crate::auth::Caller;
use concord_exchange::subjects::{SubjectLine, prepare, read_all};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// Jobs kept per node; the oldest finished ones go first.
pub const KEEP: usize = 50;
/// Lines per file at most.
pub const MAX_LINES: usize = 100_000;

/// One line's outcome.
#[derive(Debug, Clone)]
pub struct LineResult {
    pub line: usize,
    pub id: String,
    pub query: String,
    /// `(record id, title, score)`, best first.
    pub hits: Vec<(String, String, f64)>,
    pub error: Option<String>,
}

/// A batch being screened or done.
#[derive(Debug)]
pub struct Job {
    pub id: String,
    pub owner: String,
    pub filename: String,
    pub total: usize,
    pub results: Vec<LineResult>,
    pub finished: bool,
    pub created_at: String,
}

/// The node's batch jobs.
#[derive(Debug, Default)]
pub struct Jobs {
    jobs: Mutex<Vec<Arc<Mutex<Job>>>>,
}

/// A job's state, copied out for a page.
pub struct Progress {
    pub id: String,
    pub filename: String,
    pub total: usize,
    pub done: usize,
    pub finished: bool,
    pub errors: usize,
    pub matched: usize,
    pub created_at: String,
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Mutex<Job>>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The job, if `owner` owns it.
    pub fn get(&self, id: &str, owner: &str) -> Option<Arc<Mutex<Job>>> {
        self.lock()
            .iter()
            .find(|j| {
                let j = j.lock().unwrap_or_else(|e| e.into_inner());
                j.id == id && j.owner == owner
            })
            .cloned()
    }

    /// The owner's jobs, newest first.
    pub fn of(&self, owner: &str) -> Vec<Progress> {
        self.lock()
            .iter()
            .rev()
            .filter_map(|j| {
                let j = j.lock().unwrap_or_else(|e| e.into_inner());
                (j.owner == owner).then(|| progress(&j))
            })
            .collect()
    }

    fn add(&self, job: Job) -> Arc<Mutex<Job>> {
        let job = Arc::new(Mutex::new(job));
        let mut jobs = self.lock();
        jobs.push(job.clone());
        while jobs.len() > KEEP {
            let Some(at) = jobs
                .iter()
                .position(|j| j.lock().unwrap_or_else(|e| e.into_inner()).finished)
            else {
                break;
            };
            jobs.remove(at);
        }
        job
    }
}

/// A job's progress.
pub fn progress(j: &Job) -> Progress {
    Progress {
        id: j.id.clone(),
        filename: j.filename.clone(),
        total: j.total,
        done: j.results.len(),
        finished: j.finished,
        errors: j.results.iter().filter(|r| r.error.is_some()).count(),
        matched: j.results.iter().filter(|r| !r.hits.is_empty()).count(),
        created_at: j.created_at.clone(),
    }
}

/// The subjects of a file: JSON lines, or CSV with a header row naming the
/// fields (`name`, `birth_date`, `nationality`, `kind`, `id`, ...), read by
/// the reader the API and `concord screen` use. A bad header or an empty or
/// oversized file refuses the upload; a bad line becomes that line's error.
pub fn subjects(filename: &str, bytes: &[u8]) -> Result<Vec<SubjectLine>, String> {
    let lines = read_all(filename, bytes)?;
    if lines.is_empty() {
        return Err("the file holds no subject".into());
    }
    if lines.len() > MAX_LINES {
        return Err(format!("the file holds {} subjects; at most {MAX_LINES}", lines.len()));
    }
    Ok(lines)
}

/// Starts screening `lines` for `caller` in the background.
pub fn start(s: &AppState, caller: Caller, filename: String, lines: Vec<SubjectLine>) -> Result<String, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    let id = format!("job-{}", hex::encode(bytes));
    let job = s.console_jobs.add(Job {
        id: id.clone(),
        owner: caller.user.id.to_string(),
        filename,
        total: lines.len(),
        results: vec![],
        finished: false,
        created_at: concord_store::stamp(s.store.clock().now()),
    });
    let s = s.clone();
    tokio::spawn(async move {
        for (number, read) in lines {
            let line = number as usize;
            let result = match read.and_then(|v| prepare(&v).map_err(|(_, m)| m)) {
                Err(e) => LineResult {
                    line,
                    id: String::new(),
                    query: String::new(),
                    hits: vec![],
                    error: Some(e),
                },
                Ok((id, prepared, opts)) => {
                    let query = prepared.originals.join(" / ");
                    match concord_app::screening::find(&s.screening, &s.store, &caller.ctx(), &prepared, &opts).await {
                        Ok(found) => LineResult {
                            line,
                            id,
                            query,
                            hits: found
                                .hits
                                .into_iter()
                                .map(|(r, score, _)| (r.id, r.title, score))
                                .collect(),
                            error: None,
                        },
                        Err(e) => LineResult {
                            line,
                            id,
                            query,
                            hits: vec![],
                            error: Some(e.to_string()),
                        },
                    }
                }
            };
            job.lock().unwrap_or_else(|e| e.into_inner()).results.push(result);
        }
        job.lock().unwrap_or_else(|e| e.into_inner()).finished = true;
    });
    Ok(id)
}

/// The results as JSON lines, one per input line, in input order.
pub fn to_jsonl(j: &Job) -> String {
    let mut out = String::new();
    for r in &j.results {
        let v = match &r.error {
            Some(e) => json!({"line": r.line, "id": r.id, "error": e}),
            None => json!({
                "line": r.line,
                "id": r.id,
                "query": r.query,
                "results": r.hits.iter().map(|(id, title, score)| json!({"record": id, "title": title, "score": score})).collect::<Vec<_>>(),
            }),
        };
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// The results as CSV: one row per hit (or per line without one).
pub fn to_csv(j: &Job) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(vec![]);
    let e = |e: csv::Error| e.to_string();
    w.write_record(["line", "id", "query", "record", "title", "score", "error"])
        .map_err(e)?;
    for r in &j.results {
        let line = r.line.to_string();
        if r.hits.is_empty() {
            w.write_record([
                line.as_str(),
                &r.id,
                &r.query,
                "",
                "",
                "",
                r.error.as_deref().unwrap_or(""),
            ])
            .map_err(e)?;
        }
        for (id, title, score) in &r.hits {
            w.write_record([line.as_str(), &r.id, &r.query, id, title, &format!("{score:.4}"), ""])
                .map_err(e)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_as_json_lines_or_csv() {
        let jsonl = b"{\"name\": \"Anton Chekhov\"}\n\n{\"name\": \"Lu Xun\", \"id\": 7}\n";
        let lines = subjects("people.jsonl", jsonl).expect("jsonl");
        assert_eq!(
            lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [1, 3],
            "numbered as in the file"
        );
        let csv = "\u{feff}id,name,birth_date\n1,Антон Чехов,1860\n2,鲁迅,\n";
        let rows = subjects("people.csv", csv.as_bytes()).expect("csv");
        assert_eq!(rows.len(), 2);
        let second = rows[1].1.as_ref().expect("row");
        assert_eq!(second["name"], "鲁迅");
        assert!(second.get("birth_date").is_none(), "empty cells are left out");
        let bad = subjects("people.csv", b"id,name\n1,a,extra\n").expect("a bad line is the line's error");
        assert_eq!(bad[0].0, 2);
        assert!(bad[0].1.as_ref().expect_err("ragged").contains("3 fields"));
        let bytes = subjects("x.jsonl", b"\xff\xfe").expect("read");
        assert!(bytes[0].1.as_ref().expect_err("bytes").contains("UTF-8"));
        assert!(
            subjects("x.csv", b"id\n1\n")
                .expect_err("no name column")
                .contains("name column")
        );
        assert!(subjects("x.jsonl", b"\n\n").is_err());
    }
}
