//! The screening index a node keeps in memory: built from every active
//! record at first use, rebuilt in the background when records change.
//! Searches filter candidates through the access decision, and every result
//! is checked again against the record as it is now before it is returned.

use crate::Refusal;
use concord_domain::{Protected, RecordKind};
use concord_matcher::{Index, IndexBuilder, IndexRecord, Kind};
use concord_store::{Record, Store};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How often a search checks whether records changed.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// An index and what the access decision needs for each of its records.
pub struct Built {
    pub index: Index,
    pub protected: Vec<Protected>,
    pub stamp: String,
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
    pub async fn rebuild(&self, store: &Store) -> Result<Arc<Built>, Refusal> {
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
        // A build that panics must not leave an empty index behind: every
        // screening would then answer "no hit". It fails the rebuild instead,
        // and the index in use (if any) stays.
        let index = tokio::task::spawn_blocking(move || builder.finish())
            .await
            .map_err(|e| Refusal::Internal(format!("building the screening index failed: {e}")))?;
        let built = Arc::new(Built {
            index,
            protected,
            stamp,
        });
        // A writer that panicked left the slot poisoned, not torn: it holds
        // one whole index or none, so taking it over is sound.
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(built.clone());
        tracing::info!(records = built.index.len(), "screening index built");
        Ok(built)
    }

    fn current(&self) -> Option<Arc<Built>> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The index to search: built on first use; when records changed since,
    /// the current one is used and a rebuild starts in the background.
    pub async fn get(self: &Arc<Self>, store: &Store) -> Result<(Arc<Built>, bool), Refusal> {
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

/// What one screening found: records the caller may read, with score and
/// explanation, best first.
///
/// Nothing about the index itself: its size, build time and staleness all
/// move when a record the caller may not read is written.
pub struct Found {
    pub hits: Vec<(Record, f64, concord_matcher::Explanation)>,
}

/// Screens `prepared` against the records `ctx` may read: every hit is
/// judged by the access decision as the index stands, then read fresh (and
/// audited, with the query) so that a record changed since is judged again.
pub async fn find(
    screening: &Arc<Screening>,
    store: &Store,
    ctx: &concord_store::Ctx,
    prepared: &concord_matcher::Prepared,
    opts: &concord_matcher::SearchOptions,
) -> Result<Found, Refusal> {
    let (built, _rebuilding) = screening.get(store).await?;
    let allow = |rec: u32| {
        built
            .protected
            .get(rec as usize)
            .is_some_and(|p| store.decide_on(ctx, p, concord_domain::Action::Read).allowed)
    };
    let hits = built.index.search(prepared, opts, &allow);
    let ids: Vec<String> = hits.iter().map(|h| built.index.id(h.record).to_owned()).collect();
    let query = prepared.originals.join(" / ");
    let mut records = store.screening_results(ctx, &query, &ids).await?;
    let hits = hits
        .into_iter()
        .filter_map(|h| {
            let id = built.index.id(h.record);
            let at = records.iter().position(|r| r.id == id)?;
            Some((records.swap_remove(at), h.score, h.explanation))
        })
        .collect();
    Ok(Found { hits })
}
