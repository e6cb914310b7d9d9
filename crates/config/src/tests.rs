use super::*;
use concord_domain::{MembershipStatus, StateCode};
use time::macros::date;

/// The SCO sources with `file` replaced by `text`.
fn with(file: &str, text: &str) -> Result<Config, ConfigErrors> {
    load_sources(SCO.iter().map(|(n, t)| (*n, if *n == file { text } else { *t })))
}

/// Asserts exactly one error, at `file:line`, about `field`, whose message contains `needle`.
fn check_one(result: Result<Config, ConfigErrors>, file: &str, line: usize, field: &str, needle: &str) {
    let errors = result.expect_err("the configuration must be refused").0;
    assert_eq!(errors.len(), 1, "one error expected, got: {errors:#?}");
    let e = &errors[0];
    assert_eq!((e.file.as_str(), e.line, e.field.as_str()), (file, line, field), "{e}");
    assert!(e.message.contains(needle), "message {:?} lacks {needle:?}", e.message);
}

const AUTH_HEAD: &str = "[[authority]]\nid = \"structure\"\nkind = \"regional-structure\"\nname = { en = \"S\" }\n";

#[test]
fn the_shipped_sco_configuration_is_valid() {
    let c = sco().expect("valid");
    let r = &c.registry;
    let members = r.members_on(date!(2026 - 11 - 22));
    assert_eq!(members.len(), 10);
    assert_eq!(r.members_on(date!(2002 - 01 - 01)).len(), 6);
    assert_eq!(r.members_on(date!(2018 - 01 - 01)).len(), 8);
    assert_eq!(r.members_on(date!(2023 - 12 - 31)).len(), 9);
    assert_eq!(
        r.status_on(&StateCode::from("BY"), date!(2020 - 01 - 01)),
        Some(MembershipStatus::Observer)
    );
    assert_eq!(
        r.status_on(&StateCode::from("MN"), date!(2026 - 01 - 01)),
        Some(MembershipStatus::Observer)
    );
    assert!(r.instruments.contains_key("shanghai-convention-2001"));
    assert!(r.instruments.contains_key("extremism-convention-2017"));
    assert_eq!(
        r.bodies
            .values()
            .filter(|b| b.parent.as_deref() == Some("anti-drug-expert-working-group"))
            .count(),
        4
    );
    assert_eq!(r.authorities.values().filter(|a| a.state.is_none()).count(), 1);
    assert_eq!(c.policy.review_grace_days, 30);
}

#[test]
fn the_folder_on_disk_matches_the_embedded_copy() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/sco");
    assert_eq!(load_dir(&dir), sco());
}

#[test]
fn an_unknown_state_is_named_with_its_line() {
    let text = format!(
        "{AUTH_HEAD}\n[[authority]]\nid = \"xx-police\"\nstate = \"XX\"\nkind = \"police\"\nname = {{ en = \"X\" }}\n"
    );
    check_one(
        with("authorities.toml", &text),
        "authorities.toml",
        8,
        "authority[1].state",
        "unknown state \"XX\"",
    );
}

#[test]
fn a_duplicate_id_names_both_lines() {
    let text = format!(
        "{AUTH_HEAD}\n[[authority]]\nid = \"cn-police\"\nstate = \"CN\"\nkind = \"police\"\nname = {{ en = \"A\" }}\n\n[[authority]]\nid = \"cn-police\"\nstate = \"CN\"\nkind = \"police\"\nname = {{ en = \"B\" }}\n"
    );
    check_one(
        with("authorities.toml", &text),
        "authorities.toml",
        13,
        "authority[2].id",
        "first defined at line 7",
    );
}

#[test]
fn a_date_in_the_wrong_format_is_refused() {
    let text = "[[state]]\ncode = \"CN\"\nname = { en = \"China\" }\nmembership = [\n  { since = \"15.06.2001\", status = \"member\" },\n]\n";
    let errors = with("states.toml", text).expect_err("refused").0;
    let e = errors
        .iter()
        .find(|e| e.file == "states.toml")
        .expect("an error in states.toml");
    assert_eq!((e.line, e.field.as_str()), (5, "state[0].membership[0].since"), "{e}");
    assert!(e.message.contains("YYYY-MM-DD"));
}

#[test]
fn ratification_before_signature_is_refused() {
    let text = "[[instrument]]\nid = \"x\"\nkind = \"agreement\"\ntitle = { en = \"X\" }\nadopted = \"2010-01-01\"\nparties = [\n  { state = \"CN\", signed = \"2010-02-01\", ratified = \"2010-01-15\" },\n]\n";
    check_one(
        with("instruments.toml", text),
        "instruments.toml",
        7,
        "instrument[0].parties[0].ratified",
        "before it was signed",
    );
}

#[test]
fn unknown_fields_and_wrong_types_are_named() {
    let text = "[organization]\nname = { en = \"O\" }\ncolour = \"blue\"\n";
    check_one(
        with("organization.toml", text),
        "organization.toml",
        3,
        "colour",
        "unknown field `colour`",
    );
    let text = "[organization]\nname = { en = \"O\" }\nreview_grace_days = \"thirty\"\n";
    check_one(
        with("organization.toml", text),
        "organization.toml",
        3,
        "review_grace_days",
        "invalid type",
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let text = "[[state]]\ncode = \"cn\"\nname = { en = \"China\" }\nmembership = [\n  { since = \"2001-02-30\", status = \"founder\" },\n]\n";
    let errors = with("states.toml", text).expect_err("refused").0;
    let fields: Vec<&str> = errors
        .iter()
        .filter(|e| e.file == "states.toml")
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "state[0].code",
            "state[0].membership[0].since",
            "state[0].membership[0].status"
        ]
    );
}

#[test]
fn a_missing_or_non_utf8_file_is_reported() {
    let dir = tempfile_dir();
    for (name, text) in SCO {
        std::fs::write(dir.join(name), text).expect("write");
    }
    std::fs::remove_file(dir.join("bodies.toml")).expect("remove");
    std::fs::write(dir.join("states.toml"), b"code = \"\xff\"").expect("write");
    let errors = load_dir(&dir).expect_err("refused").0;
    let files: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["states.toml", "bodies.toml"]);
    assert!(errors[0].message.contains("not UTF-8"));
    std::fs::remove_dir_all(&dir).ok();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("concord-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn workflow_settings_are_read_and_checked() {
    let c = crate::sco().expect("valid");
    assert_eq!(c.policy.silence_period_days, 30);
    assert_eq!(c.policy.consultation_window_hours, 72);
    let text = "[organization]\nname = { en = \"O\" }\nsilence_period_days = 0\n";
    check_one(
        with("organization.toml", text),
        "organization.toml",
        3,
        "organization.silence_period_days",
        "between 1 and 365",
    );
    let text = "[organization]\nname = { en = \"O\" }\nconsultation_proposer = \"astrologer\"\n";
    check_one(
        with("organization.toml", text),
        "organization.toml",
        3,
        "organization.consultation_proposer",
        "foreign-ministry",
    );
}

#[test]
fn the_precursor_catalogue_is_read_and_checked() {
    let c = crate::sco().expect("valid");
    let a = &c.registry.substances["acetic-anhydride"];
    assert_eq!((a.cas.as_str(), a.table.as_str()), ("108-24-7", "I"));
    assert!(c.registry.substances.len() >= 19);
    assert_eq!(c.policy.precursor_reply_days, 15);
    let head = "[[substance]]\nid = \"x\"\nname = { en = \"X\" }\n";
    check_one(
        with(
            "precursors.toml",
            &format!("{head}cas = \"108-24-8\"\ntable = \"I\"\nmeasure = \"mass\"\n"),
        ),
        "precursors.toml",
        4,
        "substance[0].cas",
        "check digit",
    );
    check_one(
        with(
            "precursors.toml",
            &format!("{head}cas = \"108-24-7\"\ntable = \"III\"\nmeasure = \"mass\"\n"),
        ),
        "precursors.toml",
        5,
        "substance[0].table",
        "I and II",
    );
    check_one(
        with(
            "precursors.toml",
            &format!("{head}cas = \"108-24-7\"\ntable = \"I\"\nmeasure = \"barrels\"\n"),
        ),
        "precursors.toml",
        6,
        "substance[0].measure",
        "mass",
    );
    // A folder without the catalogue loads, with no substances.
    let dir = std::env::temp_dir().join(format!("concord-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, text) in crate::SCO {
        if name != "precursors.toml" {
            std::fs::write(dir.join(name), text).expect("write");
        }
    }
    let loaded = crate::load_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(loaded.expect("loads").registry.substances.is_empty());
}

#[test]
fn a_direct_channel_joins_two_prosecutors_offices_of_different_states_that_keep_a_central_one() {
    let c = sco().expect("valid");
    let almaty = concord_domain::AuthorityId::from("kz-almaty-region-prosecutor");
    assert!(c.registry.border_office(&almaty));
    assert!(
        !c.registry
            .border_office(&concord_domain::AuthorityId::from("kz-prosecutor"))
    );
    assert_eq!(
        c.registry.direct_partners(&almaty),
        vec![&concord_domain::AuthorityId::from("cn-xinjiang-procuratorate")]
    );
    let office = |id: &str, state: &str| {
        format!("\n[[authority]]\nid = \"{id}\"\nstate = \"{state}\"\nkind = \"prosecutor\"\nname = {{ en = \"X\" }}\n")
    };
    let base = format!(
        "{AUTH_HEAD}{}{}{}{}",
        office("kz-p", "KZ"),
        office("kz-b", "KZ"),
        office("cn-p", "CN"),
        office("cn-b", "CN")
    );
    let channel = |a: &str, b: &str| format!("\n[[direct_legal_assistance]]\nbetween = [\"{a}\", \"{b}\"]\n");
    let lines = base.lines().count();
    with("authorities.toml", &format!("{base}{}", channel("kz-b", "cn-b"))).expect("valid channel");
    check_one(
        with("authorities.toml", &format!("{base}{}", channel("kz-b", "xx-b"))),
        "authorities.toml",
        lines + 3,
        "direct_legal_assistance[0].between",
        "no authority xx-b",
    );
    check_one(
        with("authorities.toml", &format!("{base}{}", channel("kz-b", "kz-p"))),
        "authorities.toml",
        lines + 3,
        "direct_legal_assistance[0].between",
        "of one state",
    );
    check_one(
        with("authorities.toml", &format!("{base}{}", channel("kz-b", "structure"))),
        "authorities.toml",
        lines + 3,
        "direct_legal_assistance[0].between",
        "not a prosecutor",
    );
    check_one(
        with(
            "authorities.toml",
            &format!("{base}{}{}", channel("kz-b", "cn-b"), channel("cn-b", "kz-b")),
        ),
        "authorities.toml",
        lines + 6,
        "direct_legal_assistance[1].between",
        "joined twice",
    );
    // Both of China's offices in channels: none is left to be its central authority.
    let e = with(
        "authorities.toml",
        &format!("{base}{}{}", channel("kz-b", "cn-b"), channel("kz-p", "cn-p")),
    )
    .expect_err("no central authority left");
    assert!(e.0.iter().any(|e| e.message.contains("no central prosecutor")), "{e:?}");
}

#[test]
fn the_chairmanship_rotates_as_configured_and_a_bad_rotation_is_named() {
    let c = sco().expect("valid");
    let chairs: Vec<&str> = (2023..=2026)
        .filter_map(|y| c.registry.chair(y).map(|s| s.as_str()))
        .collect();
    assert_eq!(chairs, ["IN", "KZ", "CN", "KG"]);
    assert_eq!(c.registry.chair(2016), None);
    let org = SCO
        .iter()
        .find(|(n, _)| *n == "organization.toml")
        .map(|(_, t)| *t)
        .expect("org");
    let head = &org[..org.find("[chairmanship]").expect("section")];
    let lines = head.lines().count();
    let text = format!("{head}[chairmanship]\norder = [\"KZ\", \"XX\"]\nfirst_year = 2017\n");
    check_one(
        with("organization.toml", &text),
        "organization.toml",
        lines + 2,
        "chairmanship.order[1]",
        "unknown state",
    );
    let text = format!("{head}[chairmanship]\norder = [\"KZ\", \"KZ\"]\nfirst_year = 2017\n");
    check_one(
        with("organization.toml", &text),
        "organization.toml",
        lines + 2,
        "chairmanship.order[1]",
        "twice",
    );
    let text = format!("{head}[chairmanship]\norder = [\"KZ\"]\nfirst_year = 17\n");
    check_one(
        with("organization.toml", &text),
        "organization.toml",
        lines + 3,
        "chairmanship.first_year",
        "between",
    );
}
