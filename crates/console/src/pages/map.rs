//! A map of events and of the areas where organizations are active, drawn
//! as SVG from the boundary data shipped in `static/boundaries.geojson`
//! (Natural Earth, public domain): no tile server, nothing fetched.

use crate::AppState;
use crate::{Console, Page, PageResult, render};
use askama::Template;
use axum::extract::{Query, State};
use concord_domain::RecordKind;
use concord_store::RecordQuery;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

const GEOJSON: &str = include_str!("../../static/boundaries.geojson");

/// A state's outline: rings of (longitude, latitude).
pub struct Country {
    pub code: String,
    pub name: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    id: String,
    properties: Props,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Props {
    name: String,
}

#[derive(Deserialize)]
struct Geometry {
    coordinates: Vec<Vec<Vec<(f64, f64)>>>,
}

/// The shipped outlines; empty if the file could not be read (a test makes
/// sure it can).
pub static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    serde_json::from_str::<Collection>(GEOJSON)
        .map(|c| {
            c.features
                .into_iter()
                .map(|mut f| {
                    // Eastern Russia crosses the antimeridian: its far end
                    // is written near -180. Nothing drawn here lies west of
                    // -90, so such points belong east of 180.
                    for ring in f.geometry.coordinates.iter_mut().flatten() {
                        for p in ring.iter_mut() {
                            if p.0 < -90.0 {
                                p.0 += 360.0;
                            }
                        }
                    }
                    Country {
                        code: f.id,
                        name: f.properties.name,
                        polygons: f.geometry.coordinates,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
});

/// The frame drawn: longitudes 20..150 east, latitudes 0..80 north.
const WEST: f64 = 20.0;
const NORTH: f64 = 80.0;
const SCALE: f64 = 8.0;
pub const WIDTH: i32 = 1040;
pub const HEIGHT: i32 = 640;

fn project(lon: f64, lat: f64) -> (f64, f64) {
    ((lon - WEST) * SCALE, (NORTH - lat) * SCALE)
}

/// SVG path data for a country.
fn path(c: &Country) -> String {
    let mut d = String::new();
    for poly in &c.polygons {
        for ring in poly {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = project(*lon, *lat);
                d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
    }
    d
}

/// Whether a point lies inside a ring (even-odd rule).
fn in_ring(ring: &[(f64, f64)], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// The state whose outline holds the point, if any.
pub fn state_at(lon: f64, lat: f64) -> Option<&'static str> {
    COUNTRIES.iter().find_map(|c| {
        c.polygons
            .iter()
            .any(|poly| {
                poly.first().is_some_and(|outer| in_ring(outer, lon, lat))
                    && !poly.iter().skip(1).any(|hole| in_ring(hole, lon, lat))
            })
            .then_some(c.code.as_str())
    })
}

/// A drawn state.
pub struct Shape {
    pub code: String,
    pub name: String,
    pub d: String,
    pub active: bool,
}

/// A drawn event.
pub struct Dot {
    pub id: String,
    pub title: String,
    pub date: String,
    pub place: String,
    pub x: i32,
    pub y: i32,
}

/// An organization and the states where its events took place.
pub struct Area {
    pub id: String,
    pub name: String,
    pub states: Vec<String>,
    pub events: usize,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    page: Page,
    shapes: Vec<Shape>,
    dots: Vec<Dot>,
    areas: Vec<Area>,
    selected: Option<String>,
    width: i32,
    height: i32,
}

#[derive(Deserialize)]
pub struct Filter {
    org: Option<String>,
}

pub async fn show(State(s): State<AppState>, c: Console, Query(f): Query<Filter>) -> PageResult {
    let ctx = c.ctx();
    let q = RecordQuery {
        kind: Some(RecordKind::Event),
        ..RecordQuery::first(500)
    };
    let events = s.store.list_records(&ctx, &q).await.map_err(|e| c.fail(e))?;
    // Attributions name only organizations the reader may read.
    let mut names: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut areas: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    let mut dots = vec![];
    for e in &events {
        let Some(ev) = &e.facts.event else { continue };
        let Some((lat, lon)) = ev.coordinates else { continue };
        let mut shown = f.org.is_none();
        for id in &ev.attributed_to {
            if !names.contains_key(id) {
                let name = match s.store.get_record(&ctx, id).await {
                    Ok(r) if r.kind == RecordKind::Organization => Some(r.title),
                    _ => None,
                };
                names.insert(id.clone(), name);
            }
            if names.get(id).is_some_and(Option::is_some) {
                let entry = areas.entry(id.clone()).or_default();
                entry.1 += 1;
                if let Some(st) = state_at(lon, lat) {
                    entry.0.insert(st.to_owned());
                }
                if f.org.as_deref() == Some(id.as_str()) {
                    shown = true;
                }
            }
        }
        if shown {
            let (x, y) = project(lon, lat);
            dots.push(Dot {
                id: e.id.clone(),
                title: e.title.clone(),
                date: ev.date.to_string(),
                place: ev.place.clone().unwrap_or_default(),
                x: x as i32,
                y: y as i32,
            });
        }
    }
    let areas: Vec<Area> = areas
        .into_iter()
        .filter_map(|(id, (states, events))| {
            let name = names.get(&id).cloned().flatten()?;
            Some(Area {
                id,
                name,
                states: states.into_iter().collect(),
                events,
            })
        })
        .collect();
    let active: BTreeSet<&str> = areas
        .iter()
        .filter(|a| f.org.as_deref().is_none_or(|o| o == a.id))
        .flat_map(|a| a.states.iter().map(String::as_str))
        .collect();
    let shapes = COUNTRIES
        .iter()
        .map(|co| Shape {
            code: co.code.clone(),
            name: co.name.clone(),
            d: path(co),
            active: active.contains(co.code.as_str()),
        })
        .collect();
    let selected = f.org.filter(|o| areas.iter().any(|a| &a.id == o));
    Ok(render(&MapPage {
        page: c.page("map-title", "map"),
        shapes,
        dots,
        areas,
        selected,
        width: WIDTH,
        height: HEIGHT,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_outlines_cover_every_registry_state() {
        let codes: BTreeSet<&str> = COUNTRIES.iter().map(|c| c.code.as_str()).collect();
        for code in ["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR", "BY", "MN", "AF"] {
            assert!(codes.contains(code), "no outline for {code}");
        }
    }

    #[test]
    fn points_fall_in_the_right_state() {
        // Capitals and cities (longitude, latitude).
        assert_eq!(state_at(76.9, 43.2), Some("KZ"));
        assert_eq!(state_at(69.2, 41.3), Some("UZ"));
        assert_eq!(state_at(116.4, 39.9), Some("CN"));
        assert_eq!(state_at(37.6, 55.8), Some("RU"));
        assert_eq!(state_at(68.8, 38.6), Some("TJ"));
        assert_eq!(state_at(0.0, 0.0), None);
        // Chukotka, across the antimeridian.
        assert_eq!(state_at(-175.0 + 360.0, 66.0), Some("RU"));
    }
}
