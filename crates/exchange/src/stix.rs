//! STIX 2.1: a message thread with its linked records as a bundle.
//!
//! Messages become `note`s, persons and organizations `identity` objects
//! (events `location`s when they have coordinates, `note`s otherwise), the
//! originating authorities `identity` objects, and the thread a `grouping`.
//! Every object carries two markings: the Concord handling code as a
//! statement marking, and the TLP 2.0 marking it maps to. Ids are derived
//! from Concord ids, so the same thread exports to the same ids.

use concord_domain::{Classification, Dissemination, Distribution, HandlingCode, RecordKind, Registry};
use concord_domain::{Message, Record};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The TLP 2.0 levels, with the ids of their STIX marking definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tlp {
    Green,
    Amber,
    AmberStrict,
    Red,
}

const TLP_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

impl Tlp {
    /// The marking definition's id, as OASIS published it.
    pub fn id(self) -> &'static str {
        match self {
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }
    fn level(self) -> &'static str {
        match self {
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }
    /// The marking definition object.
    pub fn definition(self) -> Value {
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.id(),
            "created": "2022-10-01T00:00:00.000Z",
            "name": format!("TLP:{}", self.level().to_uppercase()),
            "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": self.level()}},
        })
    }
}

/// The TLP 2.0 level a handling code maps to: the strictest its parts call
/// for. Nothing maps to TLP:CLEAR; shared intelligence is never public.
pub fn tlp(h: &HandlingCode) -> Tlp {
    let by_distribution = match &h.distribution {
        Distribution::AllMembers => Tlp::Green,
        Distribution::States(_) => Tlp::Amber,
        Distribution::StructureOnly => Tlp::AmberStrict,
        Distribution::OriginatorOnly => Tlp::Red,
    };
    let by_dissemination = match h.dissemination {
        Dissemination::Free => Tlp::Green,
        Dissemination::OriginatorConsent => Tlp::Amber,
    };
    let by_classification = match h.classification {
        Classification::Secret => Tlp::Red,
        Classification::Confidential => Tlp::Amber,
        _ => Tlp::Green,
    };
    by_distribution.max(by_dissemination).max(by_classification)
}

/// A STIX id for a Concord object: a UUID (version 4 layout) derived from
/// the Concord id, so exports are repeatable.
pub fn stix_id(kind: &str, concord_id: &str) -> String {
    format!(
        "{kind}--{}",
        concord_domain::derived_uuid(&format!("concord:{kind}:{concord_id}"))
    )
}

/// A timestamp as STIX writes it: UTC, to the millisecond.
fn ts(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .format(time::macros::format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
                ))
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

struct Bundle {
    objects: BTreeMap<String, Value>,
    created: String,
}

impl Bundle {
    fn add(&mut self, v: Value) -> String {
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        self.objects.entry(id.clone()).or_insert(v);
        id
    }

    /// The statement marking for a handling code, and its TLP marking.
    fn markings(&mut self, h: &HandlingCode) -> Vec<String> {
        let statement = format!(
            "Concord handling code: distribution {}; dissemination {}; use {}; classification {}",
            h.distribution, h.dissemination, h.use_, h.classification
        );
        let id = self.add(json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": stix_id("marking-definition", &statement),
            "created": self.created,
            "definition_type": "statement",
            "definition": {"statement": statement},
        }));
        let t = tlp(h);
        self.add(t.definition());
        vec![t.id().to_owned(), id]
    }

    fn authority(&mut self, registry: &Registry, id: &str) -> String {
        let name = registry
            .authority(&id.into())
            .map_or_else(|| id.to_owned(), |a| a.name.en.clone());
        self.add(json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": stix_id("identity", &format!("authority:{id}")),
            "created": self.created,
            "modified": self.created,
            "name": name,
            "identity_class": "organization",
            "sectors": ["government-national"],
        }))
    }

    fn record(&mut self, registry: &Registry, r: &Record) -> String {
        let by = self.authority(registry, r.protected.originator.as_str());
        let marks = self.markings(&r.protected.handling);
        let created = ts(&r.created_at);
        let modified = ts(&r.updated_at);
        let aliases: Vec<&str> = r.facts.names.iter().skip(1).map(|n| n.full.as_str()).collect();
        let base = |kind: &str| {
            json!({
                "type": kind,
                "spec_version": "2.1",
                "id": stix_id(kind, &r.id),
                "created": created,
                "modified": modified,
                "created_by_ref": by,
                "object_marking_refs": marks,
                "external_references": [{"source_name": "concord", "external_id": r.id}],
            })
        };
        let mut v = match r.kind {
            RecordKind::Person | RecordKind::Organization => {
                let mut v = base("identity");
                v["name"] = json!(r.title);
                v["identity_class"] = json!(if r.kind == RecordKind::Person {
                    "individual"
                } else {
                    "organization"
                });
                v["description"] = json!(r.evidence);
                if !aliases.is_empty() {
                    v["x_concord_aliases"] = json!(aliases);
                }
                v
            }
            _ => match r.facts.event.as_ref().and_then(|e| e.coordinates) {
                Some((lat, lon)) => {
                    let mut v = base("location");
                    v["name"] = json!(r.title);
                    v["description"] = json!(r.evidence);
                    v["latitude"] = json!(lat);
                    v["longitude"] = json!(lon);
                    v
                }
                None => {
                    let mut v = base("note");
                    v["abstract"] = json!(r.title);
                    v["content"] = json!(r.evidence);
                    v["object_refs"] = json!([by]);
                    v
                }
            },
        };
        if v["x_concord_aliases"].is_null()
            && let Some(o) = v.as_object_mut()
        {
            o.remove("x_concord_aliases");
        }
        self.add(v)
    }
}

/// The bundle for a thread's messages and the records they link. The caller
/// passes only what the reader may pass on.
pub fn thread_bundle(messages: &[Message], records: &[Record], registry: &Registry) -> Value {
    let created = messages
        .first()
        .map_or_else(|| "1970-01-01T00:00:00.000Z".to_owned(), |m| ts(&m.created_at));
    let mut b = Bundle {
        objects: BTreeMap::new(),
        created,
    };
    let by_id: BTreeMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut members = Vec::new();
    for m in messages {
        let by = b.authority(registry, m.protected.originator.as_str());
        let marks = b.markings(&m.protected.handling);
        let mut refs: Vec<String> = m
            .links
            .iter()
            .filter_map(|id| by_id.get(id.as_str()))
            .map(|r| b.record(registry, r))
            .collect();
        for r in &m.receipts {
            if !r.recipient.starts_with("state:") {
                refs.push(b.authority(registry, &r.recipient));
            }
        }
        if refs.is_empty() {
            refs.push(by.clone());
        }
        let at = ts(&m.created_at);
        let mut note = json!({
            "type": "note",
            "spec_version": "2.1",
            "id": stix_id("note", &m.id),
            "created": at,
            "modified": at,
            "created_by_ref": by,
            "abstract": m.subject,
            "content": m.body,
            "authors": [m.sender],
            "object_refs": refs,
            "object_marking_refs": marks,
            "external_references": [{"source_name": "concord", "external_id": m.id}],
            "labels": [m.kind.as_str(), m.priority.as_str()],
        });
        if let Some(d) = &m.deadline {
            note["x_concord_deadline"] = json!(ts(d));
        }
        members.push(b.add(note));
    }
    members.extend(
        b.objects
            .iter()
            .filter(|(id, _)| id.starts_with("identity--") || id.starts_with("location--"))
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>(),
    );
    if let Some(first) = messages.first() {
        let marks = b.markings(&first.protected.handling);
        let by = b.authority(registry, first.protected.originator.as_str());
        let grouping = json!({
            "type": "grouping",
            "spec_version": "2.1",
            "id": stix_id("grouping", &first.thread_id),
            "created": b.created,
            "modified": messages.last().map_or_else(|| b.created.clone(), |m| ts(&m.created_at)),
            "created_by_ref": by,
            "name": first.subject,
            "context": "suspicious-activity",
            "object_refs": members,
            "object_marking_refs": marks,
        });
        b.add(grouping);
    }
    json!({
        "type": "bundle",
        "id": stix_id("bundle", messages.first().map_or("", |m| m.thread_id.as_str())),
        "objects": b.objects.into_values().collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_domain::Use;

    #[test]
    fn handling_codes_map_to_the_strictest_tlp() {
        let mut h = HandlingCode::open();
        assert_eq!(tlp(&h), Tlp::Green);
        h.dissemination = Dissemination::OriginatorConsent;
        assert_eq!(tlp(&h), Tlp::Amber);
        h.distribution = Distribution::StructureOnly;
        assert_eq!(tlp(&h), Tlp::AmberStrict);
        h.classification = Classification::Secret;
        assert_eq!(tlp(&h), Tlp::Red);
        let mut open = HandlingCode::open();
        open.use_ = Use::IntelligenceOnly;
        open.distribution = Distribution::OriginatorOnly;
        assert_eq!(tlp(&open), Tlp::Red);
    }

    #[test]
    fn ids_are_repeatable_uuids() {
        let a = stix_id("note", "msg-1");
        assert_eq!(a, stix_id("note", "msg-1"));
        assert_ne!(a, stix_id("note", "msg-2"));
        let uuid = a.strip_prefix("note--").expect("prefix");
        let parts: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
    }
}
