//! Each rule of the access model, attacked from the side it forbids.

use super::*;
use crate::registry::{Authority, AuthorityKind, MembershipEvent, Names, State};
use crate::{Classification, Roles, UserId};
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 22);

fn registry() -> Registry {
    let mut r = Registry::default();
    let mut state = |code: &str, events: &[(Date, MembershipStatus)]| {
        r.states.insert(
            code.into(),
            State {
                code: code.into(),
                name: Names::default(),
                membership: events
                    .iter()
                    .map(|(since, status)| MembershipEvent {
                        since: *since,
                        status: *status,
                    })
                    .collect(),
            },
        );
    };
    use MembershipStatus::*;
    state("AA", &[(date!(2001 - 06 - 15), Member)]);
    state("BB", &[(date!(2001 - 06 - 15), Member)]);
    state("OB", &[(date!(2005 - 01 - 01), Observer)]);
    state("DP", &[(date!(2010 - 01 - 01), DialoguePartner)]);
    state(
        "NW",
        &[(date!(2005 - 01 - 01), Observer), (date!(2030 - 01 - 01), Member)],
    );
    state(
        "SU",
        &[(date!(2001 - 06 - 15), Member), (date!(2026 - 01 - 01), Suspended)],
    );
    state(
        "WD",
        &[(date!(2001 - 06 - 15), Member), (date!(2020 - 01 - 01), Withdrawn)],
    );
    for (id, st) in [("aa-police", Some("AA")), ("aa-court", Some("AA")), ("structure", None)] {
        r.authorities.insert(
            id.into(),
            Authority {
                id: id.into(),
                state: st.map(StateCode::from),
                kind: AuthorityKind::Police,
                name: Names::default(),
            },
        );
    }
    r
}

fn viewer(authority: &str, state: Option<&str>, roles: &[Role], clearance: Classification) -> Viewer {
    Viewer {
        user: UserId::new("u"),
        authority: authority.into(),
        state: state.map(StateCode::from),
        roles: Roles::of(roles.iter().copied()),
        clearance,
    }
}

fn analyst(authority: &str, state: Option<&str>) -> Viewer {
    viewer(authority, state, &[Role::Analyst], Classification::Secret)
}

fn item(distribution: Distribution) -> Protected {
    Protected {
        originator: "aa-police".into(),
        originator_state: Some("AA".into()),
        handling: HandlingCode {
            distribution,
            dissemination: Dissemination::Free,
            use_: Use::Evidence,
            classification: Classification::Restricted,
        },
        compliance: Compliance::Approved,
        review_date: Some(date!(2027 - 06 - 01)),
        consented: BTreeSet::new(),
        archived: false,
    }
}

fn check(v: &Viewer, it: &Protected, action: Action) -> Decision {
    decide(v, it, action, &registry(), &Policy::default(), TODAY)
}

fn read(v: &Viewer, it: &Protected) -> bool {
    check(v, it, Action::Read).allowed
}

#[test]
fn clearance_binds_the_originator_too() {
    let mut it = item(Distribution::AllMembers);
    it.handling.classification = Classification::Secret;
    let own = viewer(
        "aa-police",
        Some("AA"),
        &[Role::Supervisor],
        Classification::Confidential,
    );
    assert_eq!(
        check(&own, &it, Action::Read).reason,
        Reason::ClearanceBelowClassification
    );
    let cleared = viewer("aa-police", Some("AA"), &[Role::Supervisor], Classification::Secret);
    assert!(read(&cleared, &it));
}

#[test]
fn before_approval_only_the_originating_authority_sees() {
    for compliance in [Compliance::Pending, Compliance::Returned] {
        let mut it = item(Distribution::AllMembers);
        it.compliance = compliance;
        assert!(read(&analyst("aa-police", Some("AA")), &it));
        assert_eq!(
            check(&analyst("aa-court", Some("AA")), &it, Action::Read).reason,
            Reason::AwaitingCompliance
        );
        assert!(!read(&analyst("bb-police", Some("BB")), &it));
        assert!(!read(&analyst("structure", None), &it));
    }
}

#[test]
fn all_members_means_members_on_the_day_of_access() {
    let it = item(Distribution::AllMembers);
    assert!(read(&analyst("bb-police", Some("BB")), &it));
    assert!(read(&analyst("structure", None), &it));
    assert_eq!(
        check(&analyst("ob-police", Some("OB")), &it, Action::Read).reason,
        Reason::NotAMember(MembershipStatus::Observer)
    );
    assert!(!read(&analyst("dp-police", Some("DP")), &it));
    // A future member is not a member yet.
    assert!(!read(&analyst("nw-police", Some("NW")), &it));
    let later = decide(
        &analyst("nw-police", Some("NW")),
        &it,
        Action::Read,
        &registry(),
        &Policy::default(),
        date!(2030 - 01 - 01),
    );
    assert!(!later.allowed, "past the review grace the record is hidden anyway");
    let mut fresh = it.clone();
    fresh.review_date = Some(date!(2031 - 01 - 01));
    let later = decide(
        &analyst("nw-police", Some("NW")),
        &fresh,
        Action::Read,
        &registry(),
        &Policy::default(),
        date!(2030 - 01 - 01),
    );
    assert!(later.allowed, "a member from 2030 sees it in 2030");
}

#[test]
fn suspended_withdrawn_and_unknown_states_lose_access_even_when_named() {
    let it = item(Distribution::States(["SU".into(), "WD".into(), "ZZ".into()].into()));
    assert_eq!(
        check(&analyst("su-police", Some("SU")), &it, Action::Read).reason,
        Reason::StateNotReceiving(MembershipStatus::Suspended)
    );
    assert_eq!(
        check(&analyst("wd-police", Some("WD")), &it, Action::Read).reason,
        Reason::StateNotReceiving(MembershipStatus::Withdrawn)
    );
    assert_eq!(
        check(&analyst("zz-police", Some("ZZ")), &it, Action::Read).reason,
        Reason::StateUnknown
    );
    let all = item(Distribution::AllMembers);
    assert!(!read(&analyst("su-police", Some("SU")), &all));
    // Before its suspension the same state saw it.
    let before = decide(
        &analyst("su-police", Some("SU")),
        &all,
        Action::Read,
        &registry(),
        &Policy::default(),
        date!(2025 - 12 - 31),
    );
    assert!(before.allowed);
}

#[test]
fn named_states_reach_named_observers_and_the_structure_only() {
    let it = item(Distribution::States(["OB".into()].into()));
    assert_eq!(
        check(&analyst("ob-police", Some("OB")), &it, Action::Read).reason,
        Reason::NamedState
    );
    assert!(read(&analyst("structure", None), &it));
    assert_eq!(
        check(&analyst("bb-police", Some("BB")), &it, Action::Read).reason,
        Reason::StateNotNamed
    );
    assert!(!read(&analyst("dp-police", Some("DP")), &it));
    assert!(
        !read(&analyst("aa-court", Some("AA")), &it),
        "naming others excludes the originator's other authorities"
    );
}

#[test]
fn structure_only_and_originator_only() {
    let so = item(Distribution::StructureOnly);
    assert!(read(&analyst("structure", None), &so));
    assert!(read(&analyst("aa-police", Some("AA")), &so));
    assert_eq!(
        check(&analyst("aa-court", Some("AA")), &so, Action::Read).reason,
        Reason::StructureOnly
    );
    assert!(!read(&analyst("bb-police", Some("BB")), &so));

    let oo = item(Distribution::OriginatorOnly);
    assert!(read(&analyst("aa-police", Some("AA")), &oo));
    assert_eq!(
        check(&analyst("structure", None), &oo, Action::Read).reason,
        Reason::OriginatorOnly
    );
    assert!(!read(&analyst("aa-court", Some("AA")), &oo));
}

#[test]
fn an_overdue_review_confines_the_record_to_its_state() {
    let mut it = item(Distribution::AllMembers);
    it.review_date = Some(TODAY - Duration::days(30));
    assert!(
        read(&analyst("bb-police", Some("BB")), &it),
        "the last day of grace still shows it"
    );
    it.review_date = Some(TODAY - Duration::days(31));
    assert_eq!(
        check(&analyst("bb-police", Some("BB")), &it, Action::Read).reason,
        Reason::ReviewOverdue
    );
    assert!(!read(&analyst("structure", None), &it));
    assert!(read(&analyst("aa-court", Some("AA")), &it));
    assert!(read(&analyst("aa-police", Some("AA")), &it));
}

#[test]
fn roles_gate_reading_and_onward_use() {
    let it = item(Distribution::AllMembers);
    let nobody = viewer("bb-police", Some("BB"), &[], Classification::Secret);
    assert_eq!(check(&nobody, &it, Action::Read).reason, Reason::RoleNotAllowed);
    let dpo_other = viewer(
        "bb-police",
        Some("BB"),
        &[Role::DataProtectionOfficer],
        Classification::Secret,
    );
    assert!(!read(&dpo_other, &it));
    let dpo_own = viewer(
        "aa-police",
        Some("AA"),
        &[Role::DataProtectionOfficer],
        Classification::Secret,
    );
    assert!(read(&dpo_own, &it));
    assert!(!check(&dpo_own, &it, Action::Disseminate).allowed);
    let admin = viewer("bb-police", Some("BB"), &[Role::Administrator], Classification::Secret);
    assert!(read(&admin, &it), "administrators read what rules 1-4 give");
    assert!(!check(&admin, &it, Action::Disseminate).allowed);
    let admin_hidden = item(Distribution::OriginatorOnly);
    assert!(!read(&admin, &admin_hidden), "and nothing beyond");
}

#[test]
fn consent_gates_dissemination_and_evidence() {
    let mut it = item(Distribution::AllMembers);
    it.handling.dissemination = Dissemination::OriginatorConsent;
    it.handling.use_ = Use::IntelligenceOnly;
    let bb = analyst("bb-police", Some("BB"));
    assert!(read(&bb, &it));
    assert_eq!(check(&bb, &it, Action::Disseminate).reason, Reason::ConsentRequired);
    assert_eq!(check(&bb, &it, Action::UseAsEvidence).reason, Reason::IntelligenceOnly);
    assert!(check(&analyst("aa-police", Some("AA")), &it, Action::Disseminate).allowed);
    it.consented.insert("bb-police".into());
    assert_eq!(check(&bb, &it, Action::Disseminate).reason, Reason::OriginatorConsented);
    assert!(check(&bb, &it, Action::UseAsEvidence).allowed);
    // Consent never widens reading.
    let mut hidden = it.clone();
    hidden.handling.distribution = Distribution::StructureOnly;
    assert!(!check(&bb, &hidden, Action::Disseminate).allowed);
}

#[test]
fn only_a_supervisor_of_the_originating_authority_approves() {
    let it = item(Distribution::AllMembers);
    let own_sup = viewer("aa-police", Some("AA"), &[Role::Supervisor], Classification::Secret);
    assert!(check(&own_sup, &it, Action::Approve).allowed);
    let own_analyst = analyst("aa-police", Some("AA"));
    assert_eq!(check(&own_analyst, &it, Action::Approve).reason, Reason::RoleNotAllowed);
    let other_sup = viewer("aa-court", Some("AA"), &[Role::Supervisor], Classification::Secret);
    assert_eq!(
        check(&other_sup, &it, Action::Approve).reason,
        Reason::NotOriginatingAuthority
    );
    let low = viewer(
        "aa-police",
        Some("AA"),
        &[Role::Supervisor],
        Classification::Unclassified,
    );
    assert!(!check(&low, &it, Action::Approve).allowed);
}

#[test]
fn an_archived_record_stays_with_its_originating_authority() {
    let mut it = item(Distribution::AllMembers);
    it.archived = true;
    assert!(read(&analyst("aa-police", Some("AA")), &it));
    assert_eq!(
        check(&analyst("aa-court", Some("AA")), &it, Action::Read).reason,
        Reason::Archived
    );
    assert!(!read(&analyst("structure", None), &it));
}
