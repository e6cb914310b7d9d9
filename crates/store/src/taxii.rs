//! TAXII 2.1 storage: collections are sharing groups (all members, the
//! regional structure, each member state with the structure), and every
//! object is kept with the handling code it was shared under, so that what a
//! TAXII client reads passes [`concord_domain::decide`] like everything else.

use crate::registry::parse;
use crate::sql::Sql;
use crate::stamp::stamp;
use crate::{Ctx, Result, Store, StoreError, new_id};
use concord_domain::derived_uuid;
use concord_domain::{
    Action, AuthorityId, Classification, Compliance, Dissemination, Distribution, HandlingCode, Protected, Role,
    StateCode, Use,
};
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The most objects one page returns.
pub const MAX_TAXII_PAGE: i64 = 1000;

/// A TAXII collection: one sharing group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// A UUID derived from the group's key.
    pub id: String,
    /// `all-members`, `structure` or `state-CODE`.
    pub key: String,
    pub title: String,
    pub description: String,
    /// The distribution its objects are shared under.
    pub distribution: Distribution,
    pub can_read: bool,
    pub can_write: bool,
}

/// Which versions of an object to return (`match[version]`, whose values
/// combine: `first,last` is both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionMatch {
    All,
    /// The first, the last, and these exact versions, as asked.
    Picked {
        first: bool,
        last: bool,
        at: Vec<String>,
    },
}

impl Default for VersionMatch {
    /// The newest, as TAXII 2.1 says.
    fn default() -> Self {
        VersionMatch::Picked {
            first: false,
            last: true,
            at: vec![],
        }
    }
}

/// Filters and paging for objects and manifests.
#[derive(Debug, Clone, Default)]
pub struct ObjectQuery {
    pub added_after: Option<String>,
    pub limit: i64,
    /// The `next` of the previous page.
    pub next: Option<String>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: VersionMatch,
    pub spec_versions: Vec<String>,
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct TaxiiObject {
    pub id: String,
    pub version: String,
    pub added_at: String,
    pub spec_version: String,
    pub body: Value,
}

/// A page of objects.
#[derive(Debug, Clone)]
pub struct ObjectPage {
    pub objects: Vec<TaxiiObject>,
    pub more: bool,
    pub next: Option<String>,
}

fn uuid_of(text: &str) -> String {
    derived_uuid(&format!("concord:taxii:{text}"))
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// TLP markings (2.0 and 1.0) and what they ask of the handling code.
fn classification_of(obj: &Value) -> (Classification, Dissemination) {
    const RED: [&str; 2] = [
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    ];
    const AMBER: [&str; 3] = [
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    ];
    let refs: Vec<&str> = obj["object_marking_refs"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if refs.iter().any(|r| RED.contains(r)) {
        (Classification::Secret, Dissemination::OriginatorConsent)
    } else if refs.iter().any(|r| AMBER.contains(r)) {
        (Classification::Confidential, Dissemination::OriginatorConsent)
    } else {
        (Classification::Unclassified, Dissemination::Free)
    }
}

/// The STIX 2.1 domain and relationship objects: they carry `created`,
/// `modified` and `spec_version`.
const SDO_SRO: &[&str] = &[
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
    "relationship",
    "sighting",
];

/// The properties STIX 2.1 requires of a type, beyond the common ones.
fn required_properties(ty: &str) -> &'static [&'static str] {
    match ty {
        "indicator" => &["pattern", "pattern_type", "valid_from"],
        "malware" => &["is_family"],
        "relationship" => &["relationship_type", "source_ref", "target_ref"],
        "sighting" => &["sighting_of_ref"],
        "report" => &["name", "published", "object_refs"],
        "grouping" => &["context", "object_refs"],
        "note" => &["content", "object_refs"],
        "opinion" => &["opinion", "object_refs"],
        "observed-data" => &["first_observed", "last_observed", "number_observed"],
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "infrastructure" | "intrusion-set"
        | "threat-actor" | "tool" | "vulnerability" => &["name"],
        _ => &[],
    }
}

/// Checks one posted object; returns (id, version, type, spec_version).
fn check_object(obj: &Value, added: &str) -> std::result::Result<(String, String, String, String), String> {
    let Some(map) = obj.as_object() else {
        return Err("not a JSON object".into());
    };
    let ty = map.get("type").and_then(Value::as_str).ok_or("no type")?;
    let type_ok = (3..=250).contains(&ty.len())
        && ty.starts_with(|c: char| c.is_ascii_lowercase())
        && ty
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !ty.ends_with('-');
    if !type_ok {
        return Err(format!("type {ty:?} is not a STIX type name"));
    }
    if ty == "bundle" {
        return Err("a bundle is not an object: post the objects it holds, in an envelope".into());
    }
    let id = map.get("id").and_then(Value::as_str).ok_or("no id")?;
    match id.split_once("--") {
        Some((t, u)) if t == ty && is_uuid(u) => {}
        _ => return Err(format!("id {id:?} is not {ty}--UUID")),
    }
    let spec = map.get("spec_version").and_then(Value::as_str).unwrap_or("2.1");
    if spec != "2.1" {
        return Err(format!("spec_version {spec:?}: this collection takes STIX 2.1"));
    }
    let mut times = Vec::new();
    for field in ["created", "modified"] {
        if let Some(v) = map.get(field) {
            let text = v.as_str().ok_or_else(|| format!("{field} is not a timestamp"))?;
            times.push(
                OffsetDateTime::parse(text, &Rfc3339)
                    .map_err(|_| format!("{field} {text:?} is not an RFC 3339 timestamp"))?,
            );
        } else if SDO_SRO.contains(&ty) {
            return Err(format!("a {ty} needs {field} (STIX 2.1, 3.2)"));
        }
    }
    if let [created, modified] = times[..]
        && modified < created
    {
        return Err("modified is before created".into());
    }
    if SDO_SRO.contains(&ty) && !map.contains_key("spec_version") {
        return Err(format!("a {ty} needs spec_version"));
    }
    for field in required_properties(ty) {
        if map.get(*field).is_none_or(Value::is_null) {
            return Err(format!("a {ty} needs {field}"));
        }
    }
    let version = map
        .get("modified")
        .or_else(|| map.get("created"))
        .and_then(Value::as_str)
        .map(|t| {
            OffsetDateTime::parse(t, &Rfc3339)
                .map(stamp)
                .unwrap_or_else(|_| t.to_owned())
        })
        .unwrap_or_else(|| added.to_owned());
    Ok((id.to_owned(), version, ty.to_owned(), spec.to_owned()))
}

fn object_row(row: &AnyRow) -> Result<(TaxiiObject, Protected)> {
    let t = "taxii_objects";
    let body: String = row.try_get("body")?;
    let state: Option<String> = row.try_get("originator_state")?;
    Ok((
        TaxiiObject {
            id: row.try_get("stix_id")?,
            version: row.try_get("version")?,
            added_at: row.try_get("added_at")?,
            spec_version: row.try_get("spec_version")?,
            body: serde_json::from_str(&body).map_err(|e| StoreError::corrupt(t, e))?,
        },
        Protected {
            originator: AuthorityId::new(row.try_get::<String, _>("originator")?),
            originator_state: state.map(StateCode::new),
            handling: HandlingCode {
                distribution: parse(t, &row.try_get::<String, _>("distribution")?)?,
                dissemination: parse(t, &row.try_get::<String, _>("dissemination")?)?,
                use_: parse(t, &row.try_get::<String, _>("use_code")?)?,
                classification: Classification::from_rank(row.try_get("classification")?)
                    .ok_or_else(|| StoreError::corrupt(t, "classification out of range"))?,
            },
            compliance: Compliance::Approved,
            review_date: None,
            consented: BTreeSet::new(),
            archived: false,
        },
    ))
}

/// A timestamp from a client, normalized so that it compares with ours.
fn client_time(field: &str, text: &str) -> Result<String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(stamp)
        .map_err(|_| StoreError::invalid(field, format!("{text:?} is not an RFC 3339 timestamp")))
}

impl Store {
    /// Every sharing group, with what the viewer may do in it.
    pub fn taxii_collections(&self, ctx: &Ctx) -> Vec<Collection> {
        let snap = self.snapshot();
        let today = self.clock().today();
        let mut groups = vec![
            (
                "all-members".to_owned(),
                "All member states".to_owned(),
                Distribution::AllMembers,
            ),
            (
                "structure".to_owned(),
                "The regional structure".to_owned(),
                Distribution::StructureOnly,
            ),
        ];
        for s in snap.registry.members_on(today) {
            let name = snap
                .registry
                .states
                .get(s)
                .map_or_else(|| s.to_string(), |x| x.name.en.clone());
            groups.push((
                format!("state-{s}"),
                format!("{name} and the regional structure"),
                Distribution::States([s.clone()].into_iter().collect()),
            ));
        }
        let workers = ctx.viewer.roles.any(&[Role::Officer, Role::Supervisor]);
        groups
            .into_iter()
            .map(|(key, title, distribution)| {
                // Could the viewer read an unclassified object shared here by someone else?
                let probe = Protected {
                    originator: AuthorityId::from("\u{0}other"),
                    originator_state: None,
                    handling: HandlingCode {
                        distribution: distribution.clone(),
                        dissemination: Dissemination::Free,
                        use_: Use::IntelligenceOnly,
                        classification: Classification::Unclassified,
                    },
                    compliance: Compliance::Approved,
                    review_date: None,
                    consented: BTreeSet::new(),
                    archived: false,
                };
                let can_read = self.decide_on(ctx, &probe, Action::Read).allowed;
                Collection {
                    id: uuid_of(&key),
                    description: format!("Objects shared with: {title} ({distribution})"),
                    key,
                    title,
                    distribution,
                    can_read,
                    can_write: can_read && workers,
                }
            })
            .collect()
    }

    /// A collection the viewer may read or write; "not found" otherwise.
    pub fn taxii_collection(&self, ctx: &Ctx, id: &str) -> Result<Collection> {
        self.taxii_collections(ctx)
            .into_iter()
            .find(|c| c.id == id && (c.can_read || c.can_write))
            .ok_or_else(|| StoreError::NotFound(format!("collection {id}")))
    }

    /// Objects of a collection that the viewer may read, oldest first.
    pub async fn taxii_objects(&self, ctx: &Ctx, collection: &str, q: &ObjectQuery) -> Result<ObjectPage> {
        let c = self.taxii_collection(ctx, collection)?;
        if !c.can_read {
            return Err(StoreError::Forbidden(format!(
                "you may not read collection {}",
                c.title
            )));
        }
        if !(1..=MAX_TAXII_PAGE).contains(&q.limit) {
            return Err(StoreError::invalid("limit", format!("between 1 and {MAX_TAXII_PAGE}")));
        }
        let mut cursor: Option<(String, String, String)> = match &q.next {
            Some(n) => {
                let bytes = hex::decode(n).map_err(|_| StoreError::invalid("next", "not a value this server gave"))?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| StoreError::invalid("next", "not a value this server gave"))?;
                let mut parts = text.splitn(3, '\n').map(str::to_owned);
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(b), Some(c)) => Some((a, b, c)),
                    _ => return Err(StoreError::invalid("next", "not a value this server gave")),
                }
            }
            None => None,
        };
        let after = q
            .added_after
            .as_deref()
            .map(|a| client_time("added_after", a))
            .transpose()?;
        let mut out: Vec<TaxiiObject> = Vec::new();
        let mut more = false;
        let chunk = (q.limit + 1).clamp(16, MAX_TAXII_PAGE + 1);
        'scan: loop {
            let mut sql = Sql::default();
            let coll = sql.text(c.key.clone());
            let clearance = sql.int(ctx.viewer.clearance.rank());
            sql.text =
                format!("SELECT * FROM taxii_objects t WHERE collection = {coll} AND classification <= {clearance}");
            if let Some(a) = &after {
                let p = sql.text(a.clone());
                sql.text += &format!(" AND added_at > {p}");
            }
            for (column, values) in [
                ("stix_id", &q.ids),
                ("stix_type", &q.types),
                ("spec_version", &q.spec_versions),
            ] {
                if !values.is_empty() {
                    let list: Vec<String> = values.iter().map(|v| sql.text(v.clone())).collect();
                    sql.text += &format!(" AND {column} IN ({})", list.join(", "));
                }
            }
            if let VersionMatch::Picked { first, last, at } = &q.versions {
                let mut any = Vec::new();
                for (wanted, edge) in [(*first, "MIN"), (*last, "MAX")] {
                    if wanted {
                        any.push(format!(
                            "version = (SELECT {edge}(version) FROM taxii_objects u WHERE u.collection = t.collection AND u.stix_id = t.stix_id)"
                        ));
                    }
                }
                if !at.is_empty() {
                    let list: Vec<String> = at.iter().map(|v| sql.text(v.clone())).collect();
                    any.push(format!("version IN ({})", list.join(", ")));
                }
                if !any.is_empty() {
                    sql.text += &format!(" AND ({})", any.join(" OR "));
                }
            }
            if let Some((a, i, v)) = &cursor {
                let a = sql.text(a.clone());
                let i = sql.text(i.clone());
                let v = sql.text(v.clone());
                sql.text += &format!(
                    " AND (added_at > {a} OR (added_at = {a} AND (stix_id > {i} OR (stix_id = {i} AND version > {v}))))"
                );
            }
            let n = sql.int(chunk);
            sql.text += &format!(" ORDER BY added_at, stix_id, version LIMIT {n}");
            let rows = sql.fetch_all(self).await?;
            let fetched = rows.len() as i64;
            for row in &rows {
                let (obj, protected) = object_row(row)?;
                cursor = Some((obj.added_at.clone(), obj.id.clone(), obj.version.clone()));
                if !self.decide_on(ctx, &protected, Action::Read).allowed {
                    continue;
                }
                if out.len() as i64 == q.limit {
                    more = true;
                    break 'scan;
                }
                out.push(obj);
            }
            if fetched < chunk {
                break;
            }
        }
        let next = more
            .then(|| {
                out.last()
                    .map(|o| hex::encode(format!("{}\n{}\n{}", o.added_at, o.id, o.version)))
            })
            .flatten();
        let ids: Vec<&str> = out.iter().map(|o| o.id.as_str()).collect();
        self.audit(&ctx.into(), "taxii.read", format!("{} [{}]", c.key, ids.join(",")))
            .await?;
        Ok(ObjectPage {
            objects: out,
            more,
            next,
        })
    }

    /// Deletes every version of `stix_id` from a collection, for the
    /// authority that posted it (TAXII 2.1, 5.7). One the viewer may read
    /// but did not post is forbidden; one it may not read is "not found".
    pub async fn taxii_delete(&self, ctx: &Ctx, collection: &str, stix_id: &str) -> Result<u64> {
        let q = ObjectQuery {
            ids: vec![stix_id.to_owned()],
            versions: VersionMatch::All,
            limit: MAX_TAXII_PAGE,
            ..ObjectQuery::default()
        };
        let c = self.taxii_collection(ctx, collection)?;
        let readable = self
            .taxii_objects(ctx, collection, &q)
            .await
            .map(|p| !p.objects.is_empty());
        if !matches!(readable, Ok(true)) {
            return Err(StoreError::NotFound(format!("object {stix_id}")));
        }
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM taxii_objects WHERE collection = $1 AND stix_id = $2 AND originator = $3")
            .bind(&c.key)
            .bind(stix_id)
            .bind(ctx.viewer.authority.as_str())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Forbidden(format!(
                "object {stix_id} was posted by another authority: only its poster deletes it"
            )));
        }
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "taxii.delete", format!("{} {stix_id}", c.key)),
        )
        .await?;
        w.tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Adds objects to a collection under its sharing group; each object
    /// succeeds or fails on its own, and the status says which and why.
    pub async fn taxii_add(&self, ctx: &Ctx, collection: &str, objects: &[Value]) -> Result<Value> {
        let c = self.taxii_collection(ctx, collection)?;
        if !c.can_write {
            return Err(StoreError::Forbidden(format!(
                "you may not add to collection {}",
                c.title
            )));
        }
        let now = stamp(self.clock().now());
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        let mut w = self.write().await?;
        for obj in objects {
            let (id, version, ty, spec) = match check_object(obj, &now) {
                Ok(x) => x,
                Err(message) => {
                    let id = obj["id"].as_str().unwrap_or("").to_owned();
                    failures.push(json!({"id": id, "message": message}));
                    continue;
                }
            };
            let (classification, dissemination) = classification_of(obj);
            if classification > ctx.viewer.clearance {
                failures.push(json!({"id": id, "version": version, "message": format!("marked {classification}: above your clearance")}));
                continue;
            }
            let exists =
                sqlx::query("SELECT 1 FROM taxii_objects WHERE collection = $1 AND stix_id = $2 AND version = $3")
                    .bind(&c.key)
                    .bind(&id)
                    .bind(&version)
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if exists.is_some() {
                successes.push(json!({"id": id, "version": version, "message": "already in the collection"}));
                continue;
            }
            sqlx::query(
                "INSERT INTO taxii_objects (collection, stix_id, version, added_at, stix_type, spec_version, originator, originator_state, \
                 distribution, dissemination, use_code, classification, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(&c.key)
            .bind(&id)
            .bind(&version)
            .bind(&now)
            .bind(&ty)
            .bind(&spec)
            .bind(ctx.viewer.authority.as_str())
            .bind(ctx.viewer.state.as_ref().map(|s| s.to_string()))
            .bind(c.distribution.to_string())
            .bind(dissemination.as_str())
            .bind(Use::IntelligenceOnly.as_str())
            .bind(classification.rank())
            .bind(obj.to_string())
            .execute(&mut *w.tx)
            .await?;
            successes.push(json!({"id": id, "version": version}));
        }
        let status_id = uuid_of(&new_id("status"));
        let status = json!({
            "id": status_id,
            "status": "complete",
            "request_timestamp": now,
            "total_count": objects.len(),
            "success_count": successes.len(),
            "successes": successes,
            "failure_count": failures.len(),
            "failures": failures,
            "pending_count": 0,
            "pendings": [],
        });
        sqlx::query("INSERT INTO taxii_status (id, authority, request_timestamp, body) VALUES ($1, $2, $3, $4)")
            .bind(&status_id)
            .bind(ctx.viewer.authority.as_str())
            .bind(&now)
            .bind(status.to_string())
            .execute(&mut *w.tx)
            .await?;
        let added: Vec<&str> = status["successes"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["id"].as_str()).collect())
            .unwrap_or_default();
        self.append_in(
            &mut w.tx,
            self.draft(&ctx.into(), "taxii.add", format!("{} [{}]", c.key, added.join(","))),
        )
        .await?;
        w.tx.commit().await?;
        Ok(status)
    }

    /// The status of an earlier POST, for the authority that made it.
    pub async fn taxii_status(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        let row = sqlx::query("SELECT body FROM taxii_status WHERE id = $1 AND authority = $2")
            .bind(id)
            .bind(ctx.viewer.authority.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("status {id}")))?;
        let body: String = row.try_get("body")?;
        serde_json::from_str(&body).map_err(|e| StoreError::corrupt("taxii_status", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_objects_are_checked_one_by_one() {
        let ok = json!({"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-02T00:00:00.000Z",
            "pattern": "[ipv4-addr:value = '203.0.113.1']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"});
        let without = |field: &str| {
            let mut o = ok.clone();
            o.as_object_mut().map(|m| m.remove(field));
            o
        };
        let mut backwards = ok.clone();
        backwards["modified"] = json!("2025-12-31T00:00:00.000Z");
        let bundle =
            json!({"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "objects": [ok.clone()]});
        for (bad, why) in [
            (without("pattern"), "needs pattern"),
            (without("created"), "needs created"),
            (without("spec_version"), "needs spec_version"),
            (backwards, "modified is before created"),
            (bundle, "a bundle is not an object"),
        ] {
            let err = check_object(&bad, "x").expect_err(why);
            assert!(err.contains(why), "{err} (wanted {why})");
        }
        let (id, version, ty, _) = check_object(&ok, "x").expect("valid");
        assert_eq!(
            (id.as_str(), ty.as_str()),
            ("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator")
        );
        assert_eq!(version, "2026-01-02T00:00:00.000000Z");
        for (bad, why) in [
            (json!("text"), "not a JSON object"),
            (json!({"id": "x--1"}), "no type"),
            (
                json!({"type": "Indicator", "id": "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}),
                "not a STIX type",
            ),
            (
                json!({"type": "indicator", "id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}),
                "is not indicator--UUID",
            ),
            (
                json!({"type": "indicator", "id": "indicator--123"}),
                "is not indicator--UUID",
            ),
            (
                json!({"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.0"}),
                "2.1",
            ),
            (
                json!({"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "yesterday"}),
                "RFC 3339",
            ),
        ] {
            let err = check_object(&bad, "x").expect_err(why);
            assert!(err.contains(why), "{err} (wanted {why})");
        }
    }

    #[test]
    fn tlp_markings_set_the_classification() {
        let red = json!({"object_marking_refs": ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]});
        assert_eq!(classification_of(&red).0, Classification::Secret);
        let amber = json!({"object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]});
        assert_eq!(
            classification_of(&amber),
            (Classification::Confidential, Dissemination::OriginatorConsent)
        );
        assert_eq!(
            classification_of(&json!({})),
            (Classification::Unclassified, Dissemination::Free)
        );
    }
}
