//! The screening index a node keeps in memory: built from every active
//! record at first use, rebuilt in the background when records change.
//! Searches filter candidates through the access decision, and every result
//! is checked again against the record as it is now before it is returned.

use concord_domain::{Protected, RecordKind};
use concord_matcher::{Index, IndexBuilder, IndexRecord, Kind, Prepared, SearchOptions, Subject};
use concord_store::{Record, Store};
use serde_json::Value;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How often a search checks whether records changed.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// An index and what the access decision needs for each of its records.
pub struct Built {
    pub index: Index,
    pub protected: Vec<Protected>,
    pub stamp: String,
    pub built_at: String,
}

/// The node's screening index.
#[derive(Default)]
pub struct Screening {
    current: RwLock<Option<Arc<Built>>>,
    building: tokio::sync::Mutex<()>,
    last_check: Mutex<Option<Instant>>,
}

fn index_record(r: &Record) -> Option<IndexRecord> {
    let kind = match r.kind {
        RecordKind::Person => Kind::Person,
        RecordKind::Organization => Kind::Organization,
        _ => return None,
    };
    Some(IndexRecord {
        id: r.id.clone(),
        kind: Some(kind),
        names: r.facts.names.iter().map(|n| n.full.clone()).collect(),
        birth_date: r.facts.birth_dates.first().map(|d| d.to_string()),
        nationality: r.facts.nationalities.first().map(|s| s.as_str().to_owned()),
        gender: r.facts.gender.map(|g| g.as_str().to_owned()),
        identifiers: r.facts.identifiers.iter().map(|i| i.value.clone()).collect(),
    })
}

impl Screening {
    /// Builds the index from the store now.
    pub async fn rebuild(&self, store: &Store) -> Result<Arc<Built>, concord_store::StoreError> {
        let _turn = self.building.lock().await;
        let stamp = store.records_stamp().await?;
        if let Some(b) = self.current()
            && b.stamp == stamp
        {
            return Ok(b);
        }
        let mut builder = IndexBuilder::new();
        let mut protected = Vec::new();
        store
            .for_each_active_record(|r| {
                if let Some(ix) = index_record(&r) {
                    builder.add(&ix);
                    protected.push(r.protected);
                }
            })
            .await?;
        let index = tokio::task::spawn_blocking(move || builder.finish())
            .await
            .unwrap_or_default();
        let built_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let built = Arc::new(Built {
            index,
            protected,
            stamp,
            built_at,
        });
        if let Ok(mut c) = self.current.write() {
            *c = Some(built.clone());
        }
        tracing::info!(records = built.index.len(), "screening index built");
        Ok(built)
    }

    fn current(&self) -> Option<Arc<Built>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    /// The index to search: built on first use; when records changed since,
    /// the current one is used and a rebuild starts in the background.
    pub async fn get(self: &Arc<Self>, store: &Store) -> Result<(Arc<Built>, bool), concord_store::StoreError> {
        let Some(built) = self.current() else {
            return Ok((self.rebuild(store).await?, false));
        };
        let due = {
            let mut last = self.last_check.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| t.elapsed() >= CHECK_EVERY);
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due && store.records_stamp().await? != built.stamp {
            let (me, store) = (self.clone(), store.clone());
            tokio::spawn(async move {
                if let Err(e) = me.rebuild(&store).await {
                    tracing::warn!(error = %e, "screening index rebuild failed");
                }
            });
            return Ok((built, true));
        }
        Ok((built, false))
    }
}

fn strings(v: Option<&Value>, field: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{field}[{i}]: expected a string"))
            })
            .collect(),
        Some(_) => Err(format!("{field}: expected a string or a list of strings")),
    }
}

/// The fields a subject to screen may have, in the API and in batch files.
pub const SUBJECT_FIELDS: [&str; 10] = [
    "id",
    "name",
    "names",
    "birth_date",
    "nationality",
    "nationalities",
    "gender",
    "identifier",
    "identifiers",
    "kind",
];

/// Reads one subject from a JSON object: `name` or `names`, `birth_date`,
/// `nationality`/`nationalities`, `gender`, `identifier`/`identifiers`,
/// `kind`, and the caller's own `id`. Unknown fields are refused by name.
pub fn subject_from_json(v: &Value, extra: &[&str]) -> Result<(String, Subject), String> {
    let Value::Object(o) = v else {
        return Err("expected a JSON object".into());
    };
    if let Some(k) = o
        .keys()
        .find(|k| !SUBJECT_FIELDS.contains(&k.as_str()) && !extra.contains(&k.as_str()))
    {
        return Err(format!("unknown field {k:?}"));
    }
    let mut names = strings(o.get("names"), "names")?;
    names.extend(strings(o.get("name"), "name")?);
    let mut nationalities = strings(o.get("nationalities"), "nationalities")?;
    nationalities.extend(strings(o.get("nationality"), "nationality")?);
    let mut identifiers = strings(o.get("identifiers"), "identifiers")?;
    identifiers.extend(strings(o.get("identifier"), "identifier")?);
    let text = |f: &str| -> Result<Option<String>, String> {
        match o.get(f) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{f}: expected a string")),
        }
    };
    let kind = match text("kind")?.as_deref() {
        None => None,
        Some("person") => Some(Kind::Person),
        Some("organization") => Some(Kind::Organization),
        Some(k) => return Err(format!("kind: {k:?} is not person or organization")),
    };
    let id = match o.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Ok((
        id,
        Subject {
            names,
            birth_date: text("birth_date")?,
            nationalities,
            gender: text("gender")?,
            identifiers,
            kind,
        },
    ))
}

/// Results per subject at most.
pub const MAX_LIMIT: usize = 100;

/// The search options of a request: `limit` and `threshold`, checked.
pub fn options(v: &Value) -> Result<SearchOptions, String> {
    let mut o = SearchOptions::default();
    if let Some(l) = v.get("limit") {
        let l = l.as_u64().filter(|l| (1..=MAX_LIMIT as u64).contains(l));
        o.limit = l.ok_or(format!("limit: must be between 1 and {MAX_LIMIT}"))? as usize;
    }
    if let Some(t) = v.get("threshold") {
        o.threshold = t
            .as_f64()
            .filter(|t| (0.0..=1.0).contains(t))
            .ok_or("threshold: must be between 0 and 1")?;
    }
    Ok(o)
}

/// Reads one screening request: the subject, its id and the search
/// options; an error names the field at fault.
pub fn prepare(v: &Value) -> Result<(String, Prepared, SearchOptions), (Option<String>, String)> {
    let (id, subject) = subject_from_json(v, &["limit", "threshold"]).map_err(|e| (field_of(&e), e))?;
    let opts = options(v).map_err(|e| (field_of(&e), e))?;
    let prepared = subject.prepare().map_err(|e| {
        let f = match e {
            concord_matcher::SubjectError::BirthDate(_) => "birth_date",
            _ => "name",
        };
        (Some(f.to_owned()), e.to_string())
    })?;
    Ok((id, prepared, opts))
}

/// The field a reader's message starts with (`birth_date: ...`), or the
/// one it names as unknown.
pub fn field_of(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return Some(rest.trim_matches('"').to_owned());
    }
    message
        .split_once(':')
        .map(|(f, _)| f.split('[').next().unwrap_or(f).to_owned())
}

/// Reads one line of a batch (NDJSON): UTF-8, JSON, then [`prepare`]. The
/// error says what is wrong; the caller adds the line number.
pub fn read_batch_line(raw: &[u8]) -> Result<(String, Prepared, SearchOptions), String> {
    let text = std::str::from_utf8(raw).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))?;
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    prepare(&v).map_err(|(_, m)| m)
}
