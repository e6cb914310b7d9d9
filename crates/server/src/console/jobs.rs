//! Batch screening from the console: an uploaded file screened in the
//! background, its progress watched, its results downloaded. Jobs live in
//! memory (the node keeps the last [`KEEP`]); each belongs to the user who
//! uploaded it and is screened with that user's access.

use crate::AppState;
use crate::auth::Caller;
use crate::routes::screening::find;
use crate::screening::read_batch_line;
use serde_json::{Map, Value, json};
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
/// fields (`name`, `birth_date`, `nationality`, `kind`, `id`, ...).
pub fn subjects(filename: &str, bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 (byte {})", e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}');
    let is_csv = filename.to_ascii_lowercase().ends_with(".csv") || (!text.trim_start().starts_with('{'));
    let lines: Vec<Vec<u8>> = if is_csv {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("CSV header: {e}"))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut out = vec![];
        for (i, row) in reader.records().enumerate() {
            let row = row.map_err(|e| format!("CSV line {}: {e}", i + 2))?;
            let mut o = Map::new();
            for (k, v) in header.iter().zip(row.iter()) {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                // The options are numbers in JSON; a cell that is not one
                // stays text, and the reader names the field.
                let value = match k.as_str() {
                    "limit" => v
                        .parse::<u64>()
                        .map_or_else(|_| Value::String(v.to_owned()), Value::from),
                    "threshold" => v
                        .parse::<f64>()
                        .map_or_else(|_| Value::String(v.to_owned()), Value::from),
                    _ => Value::String(v.to_owned()),
                };
                o.insert(k.clone(), value);
            }
            out.push(Value::Object(o).to_string().into_bytes());
        }
        out
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.as_bytes().to_vec())
            .collect()
    };
    if lines.is_empty() {
        return Err("the file holds no subject".into());
    }
    if lines.len() > MAX_LINES {
        return Err(format!("the file holds {} subjects; at most {MAX_LINES}", lines.len()));
    }
    Ok(lines)
}

/// Starts screening `lines` for `caller` in the background.
pub fn start(s: &AppState, caller: Caller, filename: String, lines: Vec<Vec<u8>>) -> Result<String, String> {
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
        for (i, raw) in lines.iter().enumerate() {
            let line = i + 1;
            let result = match read_batch_line(raw) {
                Err(e) => LineResult {
                    line,
                    id: String::new(),
                    query: String::from_utf8_lossy(raw).chars().take(80).collect(),
                    hits: vec![],
                    error: Some(e),
                },
                Ok((id, prepared, opts)) => {
                    let query = prepared.originals.join(" / ");
                    match find(&s, &caller, &prepared, &opts).await {
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
                            error: Some(e.message),
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
        assert_eq!(subjects("people.jsonl", jsonl).expect("jsonl").len(), 2);
        let csv = "\u{feff}id,name,birth_date\n1,Антон Чехов,1860\n2,鲁迅,\n";
        let rows = subjects("people.csv", csv.as_bytes()).expect("csv");
        assert_eq!(rows.len(), 2);
        assert!(String::from_utf8_lossy(&rows[1]).contains("鲁迅"));
        assert!(
            !String::from_utf8_lossy(&rows[1]).contains("birth_date"),
            "empty cells are left out"
        );
        let bad = subjects("people.csv", b"id,name\n1,a,extra\n").expect_err("ragged");
        assert!(bad.contains("CSV line 2"), "{bad}");
        assert!(subjects("x.jsonl", b"\xff\xfe").expect_err("bytes").contains("UTF-8"));
        assert!(subjects("x.jsonl", b"\n\n").is_err());
    }
}
