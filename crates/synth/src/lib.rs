//! Deterministic synthetic data: persons and organizations of every member
//! state, named as people there write names, with the transliterations and
//! misspellings a screening query would bring ("ground truth").
//!
//! Architecture invariant: no I/O and no clock; the same seed gives the same
//! records on every machine. Output is FollowTheMoney entities as JSON values.

pub mod names;
pub mod rng;
pub mod surnames;
pub mod text;
pub mod translit;

use names::{Cyrillic, HAN_GIVEN, HAN_SURNAMES, Spellings};
use rng::Rng;
use serde_json::{Value, json};
use translit::{System, capitalize, romanize};

/// The member states persons are spread over.
pub const STATES: [&str; 10] = ["CN", "RU", "KZ", "KG", "TJ", "UZ", "IN", "PK", "IR", "BY"];

/// A synthetic person.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// FtM id.
    pub id: String,
    pub state: &'static str,
    pub gender: &'static str,
    /// `(name, kind, language)`; the first is primary.
    pub names: Vec<(String, &'static str, &'static str)>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub birth_date: String,
    pub passport: String,
    /// `(query, variant)`: how others may write this person's name.
    pub queries: Vec<(String, &'static str)>,
}

/// A synthetic organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: String,
    pub state: &'static str,
    pub names: Vec<(String, &'static str, &'static str)>,
    pub founded: String,
    /// FtM ids of persons: `(leader, members, financer)`.
    pub leader: String,
    pub members: Vec<String>,
    pub financer: String,
    pub queries: Vec<(String, &'static str)>,
}

/// The generator.
#[derive(Debug, Clone, Copy)]
pub struct Generator {
    seed: u64,
}

fn typo(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let letters: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|i| chars[*i].is_alphabetic() && chars[i + 1].is_alphabetic())
        .collect();
    if letters.is_empty() {
        return text.to_owned();
    }
    let i = *rng.pick(&letters);
    let mut out = chars.clone();
    match rng.below(3) {
        0 => out.swap(i, i + 1),
        1 => {
            out.remove(i);
        }
        _ => out[i] = if "aeiou".contains(out[i]) { 'y' } else { 'a' },
    }
    out.into_iter().collect()
}

/// Person ids are `syn-p-N`, organization ids `syn-o-N`.
pub fn person_id(i: u64) -> String {
    format!("syn-p-{i}")
}

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Generator { seed }
    }

    /// Person number `i` (from 0).
    pub fn person(&self, i: u64) -> Person {
        let mut rng = Rng::new(self.seed, i.wrapping_mul(2));
        let state = *rng.pick(&STATES);
        let female = rng.chance(0.35);
        let gender = if female { "female" } else { "male" };
        let mut p = Person {
            id: person_id(i),
            state,
            gender,
            names: Vec::new(),
            birth_date: String::new(),
            passport: String::new(),
            queries: Vec::new(),
        };
        match state {
            "CN" => self.han(&mut rng, &mut p),
            "IN" => self.spelled(&mut rng, &mut p, &names::HINDI, female),
            "PK" => self.spelled(&mut rng, &mut p, &names::URDU, female),
            "IR" => self.spelled(&mut rng, &mut p, &names::PERSIAN, female),
            "UZ" if rng.chance(0.5) => self.uzbek_latin(&mut rng, &mut p, female),
            s => {
                let table = names::CYRILLIC
                    .iter()
                    .find(|c| c.state == s)
                    .copied()
                    .unwrap_or(&names::RUSSIAN);
                self.cyrillic(&mut rng, &mut p, table, female);
            }
        }
        let year = 1960 + rng.below(45);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        p.birth_date = match rng.below(10) {
            0 | 1 => format!("{year}"),
            2..=4 => format!("{year}-{month:02}"),
            _ => format!("{year}-{month:02}-{day:02}"),
        };
        p.passport = format!("{}{:07}", state, rng.next() % 10_000_000);
        p
    }

    fn cyrillic(&self, rng: &mut Rng, p: &mut Person, t: &Cyrillic, female: bool) {
        let pick = rng.below(t.male.len().max(t.female.len()));
        let given = if female {
            t.female[pick % t.female.len()]
        } else {
            t.male[pick % t.male.len()]
        };
        let s = rng.below(t.surnames_m.len());
        let (built_m, built_f) = surnames::cyrillic(rng, surnames::parts(t.state));
        let surname: &str = match (rng.chance(0.95), female) {
            (true, false) => &built_m,
            (true, true) => &built_f,
            (false, false) => t.surnames_m[s],
            (false, true) => t.surnames_f[s],
        };
        // Turkic patronymics are the father's given name and a word for
        // son or daughter; the table holds the Russian-style ones too.
        let father = *rng.pick(t.male);
        let derived = match t.state {
            "KZ" => Some((format!("{father}ұлы"), format!("{father}қызы"))),
            "KG" => Some((format!("{father} уулу"), format!("{father} кызы"))),
            "UZ" => Some((format!("{father} ўғли"), format!("{father} қизи"))),
            _ => None,
        };
        let (pm, pf) = *rng.pick(t.patronymics);
        let patronymic: &str = match &derived {
            Some((m, f)) if rng.chance(0.7) => {
                if female {
                    f
                } else {
                    m
                }
            }
            _ if female => pf,
            _ => pm,
        };
        let with_patronymic = rng.chance(0.75);
        let native = if with_patronymic {
            format!("{given} {patronymic} {surname}")
        } else {
            format!("{given} {surname}")
        };
        p.names.push((native.clone(), "primary", t.lang));
        let passport = format!("{} {}", romanize(surname, System::Icao), romanize(given, System::Icao)).to_uppercase();
        p.names.push((passport.clone(), "transliteration", t.lang));
        let short = format!("{given} {surname}");
        p.queries.push((native, "exact"));
        p.queries.push((format!("{surname} {given}"), "reordered"));
        for system in [System::Bgn, System::French, System::German] {
            p.queries.push((romanize(&short, system), system.name()));
        }
        if with_patronymic {
            p.queries.push((short.clone(), "no-patronymic"));
            p.queries.push((
                romanize(&format!("{surname} {given} {patronymic}"), System::Bgn),
                "bgn-full-reordered",
            ));
        }
        p.queries
            .push((typo(rng, &capitalize(&passport.to_lowercase())), "typo"));
    }

    fn uzbek_latin(&self, rng: &mut Rng, p: &mut Person, female: bool) {
        let t = &names::UZBEK_CYRILLIC;
        let g = rng.below(if female {
            names::UZBEK_LATIN_FEMALE.len()
        } else {
            names::UZBEK_LATIN_MALE.len()
        });
        let s = rng.below(names::UZBEK_LATIN_SURNAMES_M.len());
        let (given_lat, given_cyr) = if female {
            (names::UZBEK_LATIN_FEMALE[g], t.female[g])
        } else {
            (names::UZBEK_LATIN_MALE[g], t.male[g])
        };
        let (built_m, built_f) = surnames::cyrillic(rng, surnames::parts("UZ"));
        let (sur_lat, sur_cyr) = match (rng.chance(0.95), female) {
            (true, false) => (surnames::uzbek_latin(&built_m), built_m),
            (true, true) => (surnames::uzbek_latin(&built_f), built_f),
            (false, false) => (names::UZBEK_LATIN_SURNAMES_M[s].to_owned(), t.surnames_m[s].to_owned()),
            (false, true) => (names::UZBEK_LATIN_SURNAMES_F[s].to_owned(), t.surnames_f[s].to_owned()),
        };
        p.names.push((format!("{given_lat} {sur_lat}"), "primary", "uz"));
        p.queries.push((format!("{given_cyr} {sur_cyr}"), "cyrillic"));
        p.queries.push((format!("{sur_lat} {given_lat}"), "reordered"));
        p.queries
            .push((romanize(&format!("{given_cyr} {sur_cyr}"), System::Bgn), "bgn"));
        p.queries.push((typo(rng, &format!("{given_lat} {sur_lat}")), "typo"));
    }

    fn han(&self, rng: &mut Rng, p: &mut Person) {
        let s = *rng.pick(HAN_SURNAMES);
        // Most Chinese given names have two characters.
        let n = if rng.below(5) == 0 { 1 } else { 2 };
        let given: Vec<_> = (0..n).map(|_| *rng.pick(HAN_GIVEN)).collect();
        let simp = format!("{}{}", s.0, given.iter().map(|g| g.0).collect::<String>());
        let trad = format!("{}{}", s.1, given.iter().map(|g| g.1).collect::<String>());
        let pinyin_given = capitalize(&given.iter().map(|g| g.2).collect::<String>());
        let wade_given = capitalize(&given.iter().map(|g| g.3).collect::<Vec<_>>().join("-"));
        let pall_given = capitalize(&given.iter().map(|g| g.4).collect::<String>());
        let pinyin = format!("{} {}", capitalize(s.2), pinyin_given);
        p.names.push((simp.clone(), "primary", "zh"));
        p.names.push((pinyin.clone(), "transliteration", "zh"));
        p.queries.push((simp, "exact"));
        p.queries.push((trad, "traditional"));
        p.queries
            .push((format!("{} {}", capitalize(s.3), wade_given), "wade-giles"));
        p.queries
            .push((format!("{} {}", capitalize(s.4), pall_given), "palladius"));
        p.queries
            .push((format!("{} {}", pinyin_given, capitalize(s.2)), "reordered"));
        p.queries.push((typo(rng, &pinyin), "typo"));
    }

    fn spelled(&self, rng: &mut Rng, p: &mut Person, t: &Spellings, female: bool) {
        let given = if female { *rng.pick(t.female) } else { *rng.pick(t.male) };
        // A second part of the given name: a Hindi middle name, or a
        // compound Persian or Urdu given name (Muhammad Imran).
        let second: Option<(String, Vec<String>)> = match t.state {
            "IN" if rng.chance(0.75) => {
                // A middle name, or the father's given name (as in the west and south).
                let m = if rng.chance(0.5) {
                    rng.pick(surnames::HINDI_MIDDLE)
                } else {
                    rng.pick(t.male)
                };
                Some((m.0.to_owned(), m.1.iter().map(|s| s.to_string()).collect()))
            }
            "PK" | "IR" if !female && rng.chance(0.5) => {
                let m = rng.pick(t.male);
                (m.0 != given.0).then(|| (m.0.to_owned(), m.1.iter().map(|s| s.to_string()).collect()))
            }
            _ => None,
        };
        let table = *rng.pick(t.surnames);
        let surname: (String, Vec<String>) = if t.state != "IN" && rng.chance(0.9) {
            surnames::persian(rng)
        } else {
            (table.0.to_owned(), table.1.iter().map(|s| s.to_string()).collect())
        };
        let join = |g: &str, m: Option<&str>, s: &str| match m {
            Some(m) => format!("{g} {m} {s}"),
            None => format!("{g} {s}"),
        };
        let first = |v: &Vec<String>| v.first().cloned().unwrap_or_default();
        let last = |v: &Vec<String>| v.last().cloned().unwrap_or_default();
        let second_native = second.as_ref().map(|m| m.0.as_str());
        let second_usual = second.as_ref().map(|m| first(&m.1));
        let second_alt = second.as_ref().map(|m| last(&m.1));
        let native = join(given.0, second_native, &surname.0);
        p.names.push((native.clone(), "primary", t.lang));
        let usual = join(given.1[0], second_usual.as_deref(), &first(&surname.1));
        p.names.push((usual.clone(), "transliteration", t.lang));
        p.queries.push((native, "exact"));
        let given_usual = match &second_usual {
            Some(m) => format!("{} {m}", given.1[0]),
            None => given.1[0].to_owned(),
        };
        p.queries
            .push((format!("{} {given_usual}", first(&surname.1)), "reordered"));
        let alt_g = given.1[given.1.len() - 1];
        p.queries
            .push((join(alt_g, second_alt.as_deref(), &last(&surname.1)), "spelling"));
        p.queries.push((typo(rng, &usual), "typo"));
    }

    /// Organization number `i` (from 0); its people are among the first `persons`.
    pub fn organization(&self, i: u64, persons: u64) -> Organization {
        let mut rng = Rng::new(self.seed, i.wrapping_mul(2) + 1);
        let state = *rng.pick(&STATES);
        let (adj_en, adj_ru) = *rng.pick(names::ORG_ADJECTIVES);
        let (noun_en, noun_ru) = *rng.pick(names::ORG_NOUNS);
        const PLACES: [(&str, &str); 16] = [
            ("Karatau", "Каратау"),
            ("Alay", "Алая"),
            ("Pamir", "Памира"),
            ("Tien Shan", "Тянь-Шаня"),
            ("Fergana", "Ферганы"),
            ("Altai", "Алтая"),
            ("Zeravshan", "Зеравшана"),
            ("Chui", "Чуя"),
            ("Ili", "Или"),
            ("Syr Darya", "Сырдарьи"),
            ("Amu Darya", "Амударьи"),
            ("Naryn", "Нарына"),
            ("Talas", "Таласа"),
            ("Hissar", "Гиссара"),
            ("Kopet Dag", "Копетдага"),
            ("Turgai", "Тургая"),
        ];
        let (place_en, place_ru) = *rng.pick(&PLACES);
        let prefix = ["", "New ", "Greater "][rng.below(3)];
        let en = format!("{prefix}{adj_en} {noun_en} of {place_en}");
        let ru = format!("{adj_ru} {noun_ru} {place_ru}");
        let pick = |rng: &mut Rng| person_id(rng.next() % persons.max(1));
        let members = (0..3).map(|_| pick(&mut rng)).collect();
        Organization {
            id: format!("syn-o-{i}"),
            state,
            names: vec![(en.clone(), "primary", "en"), (ru.clone(), "alias", "ru")],
            founded: format!("{}", 1990 + rng.below(34)),
            leader: pick(&mut rng),
            financer: pick(&mut rng),
            members,
            queries: vec![(en.clone(), "exact"), (ru, "russian"), (typo(&mut rng, &en), "typo")],
        }
    }

    /// A person's FtM entities: the person and the passport.
    pub fn person_entities(p: &Person) -> Vec<Value> {
        let primary: Vec<&str> = p
            .names
            .iter()
            .filter(|n| n.1 == "primary")
            .map(|n| n.0.as_str())
            .collect();
        let aliases: Vec<&str> = p
            .names
            .iter()
            .filter(|n| n.1 != "primary")
            .map(|n| n.0.as_str())
            .collect();
        vec![
            json!({"id": p.id, "schema": "Person", "properties": {
                "name": primary, "alias": aliases, "birthDate": [p.birth_date], "gender": [p.gender],
                "nationality": [p.state.to_lowercase()],
                "notes": ["Synthetic record: took part in an armed attack on a checkpoint (generated test data)."],
            }}),
            json!({"id": format!("{}-passport", p.id), "schema": "Passport", "properties": {
                "holder": [p.id], "number": [p.passport], "country": [p.state.to_lowercase()],
            }}),
        ]
    }

    /// An organization's FtM entities: itself, its leader, members and financer.
    pub fn organization_entities(o: &Organization) -> Vec<Value> {
        let mut out = vec![json!({"id": o.id, "schema": "Organization", "properties": {
            "name": [o.names[0].0], "alias": [o.names[1].0], "incorporationDate": [o.founded],
            "notes": ["Synthetic record: organized attacks on transport infrastructure (generated test data)."],
        }})];
        out.push(json!({"id": format!("{}-leader", o.id), "schema": "Directorship", "properties": {"director": [o.leader], "organization": [o.id]}}));
        for (k, m) in o.members.iter().enumerate() {
            if *m != o.leader {
                out.push(json!({"id": format!("{}-member-{k}", o.id), "schema": "Membership", "properties": {"member": [m], "organization": [o.id]}}));
            }
        }
        out.push(json!({"id": format!("{}-financer", o.id), "schema": "UnknownLink", "properties": {"subject": [o.financer], "object": [o.id], "role": ["financer"]}}));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let a = Generator::new(7);
        let b = Generator::new(7);
        for i in 0..200 {
            assert_eq!(a.person(i), b.person(i));
        }
        assert_ne!(Generator::new(8).person(3), a.person(3));
    }

    #[test]
    fn every_member_state_and_script_appears() {
        let g = Generator::new(1);
        let people: Vec<Person> = (0..2000).map(|i| g.person(i)).collect();
        for s in STATES {
            assert!(people.iter().any(|p| p.state == s), "{s}");
        }
        let scripts = |pred: fn(char) -> bool| people.iter().any(|p| p.names[0].0.chars().any(pred));
        assert!(scripts(|c| ('\u{0400}'..='\u{04FF}').contains(&c)), "Cyrillic");
        assert!(scripts(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "Han");
        assert!(scripts(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "Arabic");
        assert!(scripts(|c| ('\u{0900}'..='\u{097F}').contains(&c)), "Devanagari");
        assert!(people.iter().all(|p| p.queries.len() >= 4));
        assert!(people.iter().any(|p| p.birth_date.len() == 4) && people.iter().any(|p| p.birth_date.len() == 7));
    }
}
