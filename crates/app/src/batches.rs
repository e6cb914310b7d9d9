//! Batch screening: a file of subjects screened in the background with its
//! owner's access, its progress watched and its results read back. Jobs live
//! in memory (the node keeps the last [`KEEP`]); each belongs to the user who
//! started it.

use crate::Caller;
use crate::screening::Screening;
use concord_exchange::subjects::{SubjectLine, prepare};
use concord_store::Store;
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

/// Starts screening `lines` for `caller` in the background.
pub fn start(
    jobs: &Jobs,
    screening: &Arc<Screening>,
    store: &Store,
    caller: Caller,
    filename: String,
    lines: Vec<SubjectLine>,
) -> Result<String, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    let id = format!("job-{}", hex::encode(bytes));
    let job = jobs.add(Job {
        id: id.clone(),
        owner: caller.user.id.to_string(),
        filename,
        total: lines.len(),
        results: vec![],
        finished: false,
        created_at: concord_store::stamp(store.clock().now()),
    });
    let (screening, store) = (screening.clone(), store.clone());
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
                    match crate::screening::find(&screening, &store, &caller.ctx(), &prepared, &opts).await {
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
