//! From parsed files to a registry, collecting every error on the way.

use crate::dto::*;
use crate::{Config, ConfigError, ConfigErrors};
use concord_domain::precursor::{Measure, Substance};
use concord_domain::registry::{Article, Names};
use concord_domain::{
    Authority, AuthorityId, AuthorityKind, Body, BodyKind, Instrument, InstrumentKind, MembershipEvent,
    MembershipStatus, ParseError, Party, Policy, Registry, State, StateCode,
};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use time::Date;
use time::macros::format_description;

/// Errors found so far, and the file being read.
struct Ctx<'a> {
    sources: HashMap<&'a str, &'a str>,
    file: &'a str,
    errors: Vec<ConfigError>,
}

impl<'a> Ctx<'a> {
    fn text(&self) -> &'a str {
        self.sources.get(self.file).copied().unwrap_or("")
    }

    fn err(&mut self, offset: usize, field: impl Into<String>, message: impl Into<String>) {
        let e = ConfigError::at(self.file, self.text(), offset, field.into(), message.into());
        self.errors.push(e);
    }

    fn line_of(&self, offset: usize) -> usize {
        ConfigError::at(self.file, self.text(), offset, String::new(), String::new()).line
    }

    /// Parses the current file, or records why it cannot be.
    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &'a str) -> Option<T> {
        self.file = file;
        let Some(text) = self.sources.get(file).copied() else {
            self.errors
                .push(ConfigError::whole_file(file, "file is missing".into()));
            return None;
        };
        match toml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let field = key_on_line(text, offset);
                let message = e.message().trim().to_owned();
                self.err(offset, field, message);
                None
            }
        }
    }

    fn date(&mut self, value: &S, field: &str) -> Option<Date> {
        let fmt = format_description!("[year]-[month]-[day]");
        match Date::parse(value.get_ref(), &fmt) {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(
                    value.span().start,
                    field,
                    format!(
                        "invalid date {:?}: expected YYYY-MM-DD, a real calendar date",
                        value.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn choice<T: FromStr<Err = ParseError>>(&mut self, value: &S, field: &str) -> Option<T> {
        match value.get_ref().parse::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                self.err(value.span().start, field, e.to_string());
                None
            }
        }
    }

    /// Records `id` as defined; reports a duplicate with the first definition's line.
    fn unique(&mut self, seen: &mut HashMap<String, usize>, id: &S, field: &str, what: &str) -> bool {
        let line = self.line_of(id.span().start);
        if let Some(first) = seen.get(id.get_ref()) {
            let first = *first;
            self.err(
                id.span().start,
                field,
                format!("duplicate {what} {:?}: first defined at line {first}", id.get_ref()),
            );
            return false;
        }
        if id.get_ref().trim().is_empty() {
            self.err(id.span().start, field, format!("{what} must not be empty"));
            return false;
        }
        seen.insert(id.get_ref().clone(), line);
        true
    }
}

/// The key written before `=` on the line holding `offset`, for errors that
/// the TOML parser reports by position only.
fn key_on_line(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) => key.trim().trim_start_matches('[').trim_end_matches(']').to_owned(),
        None => line.trim().trim_start_matches('[').trim_end_matches(']').to_owned(),
    }
}

fn names(n: NamesDto) -> Names {
    Names {
        en: n.en,
        ru: n.ru,
        zh: n.zh,
    }
}

pub fn validate(sources: Vec<(&str, &str)>) -> Result<Config, ConfigErrors> {
    let mut ctx = Ctx {
        sources: sources.into_iter().collect(),
        file: "",
        errors: Vec::new(),
    };
    let mut registry = Registry::default();
    let mut policy = Policy::default();

    let mut chairmanship = None;
    if let Some(mut org) = ctx.parse::<OrganizationFile>("organization.toml") {
        chairmanship = org.chairmanship.take();
        registry.organization = names(org.organization.name.clone());
        if let Some(days) = &org.organization.review_grace_days {
            if !(0..=3650).contains(days.get_ref()) {
                ctx.err(
                    days.span().start,
                    "organization.review_grace_days",
                    "must be between 0 and 3650 days",
                );
            }
            policy.review_grace_days = *days.get_ref();
        }
        let o = &org.organization;
        for (field, value, range, target) in [
            (
                "organization.silence_period_days",
                &o.silence_period_days,
                1..=365,
                &mut policy.silence_period_days,
            ),
            (
                "organization.consultation_window_hours",
                &o.consultation_window_hours,
                1..=720,
                &mut policy.consultation_window_hours,
            ),
            (
                "organization.consultation_meeting_delay_hours",
                &o.consultation_meeting_delay_hours,
                1..=720,
                &mut policy.consultation_meeting_delay_hours,
            ),
            (
                "organization.precursor_reply_days",
                &o.precursor_reply_days,
                1..=90,
                &mut policy.precursor_reply_days,
            ),
        ] {
            if let Some(v) = value {
                if !range.contains(v.get_ref()) {
                    ctx.err(
                        v.span().start,
                        field,
                        format!("must be between {} and {}", range.start(), range.end()),
                    );
                }
                *target = *v.get_ref();
            }
        }
        if let Some(kind) = &o.consultation_proposer {
            match kind.get_ref().parse::<concord_domain::AuthorityKind>() {
                Ok(k) => policy.consultation_proposer = k,
                Err(e) => ctx.err(kind.span().start, "organization.consultation_proposer", e.to_string()),
            }
        }
        if let Some(kind) = &o.precursor_authority {
            match kind.get_ref().parse::<concord_domain::AuthorityKind>() {
                Ok(k) => policy.precursor_authority = k,
                Err(e) => ctx.err(kind.span().start, "organization.precursor_authority", e.to_string()),
            }
        }
        if let Some(kind) = &o.legal_assistance_authority {
            match kind.get_ref().parse::<concord_domain::AuthorityKind>() {
                Ok(k) => policy.legal_assistance_authority = k,
                Err(e) => ctx.err(
                    kind.span().start,
                    "organization.legal_assistance_authority",
                    e.to_string(),
                ),
            }
        }
    }
    if let Some(file) = ctx.parse::<StatesFile>("states.toml") {
        registry.states = states(&mut ctx, file);
    }
    if let Some(c) = chairmanship {
        ctx.file = "organization.toml";
        registry.chairmanship = chair_rotation(&mut ctx, c, &registry.states);
    }
    if let Some(mut file) = ctx.parse::<AuthoritiesFile>("authorities.toml") {
        let channels = std::mem::take(&mut file.direct_legal_assistance);
        registry.authorities = authorities(&mut ctx, file, &registry.states);
        registry.legal_channels = legal_channels(&mut ctx, channels, &registry.authorities, &policy);
    }
    if let Some(file) = ctx.parse::<BodiesFile>("bodies.toml") {
        registry.bodies = bodies(&mut ctx, file);
    }
    if let Some(file) = ctx.parse::<InstrumentsFile>("instruments.toml") {
        registry.instruments = instruments(&mut ctx, file, &registry.states);
    }
    // The catalogue is optional: a configuration without precursor control
    // has no substances to notify.
    if ctx.sources.contains_key("precursors.toml")
        && let Some(file) = ctx.parse::<PrecursorsFile>("precursors.toml")
    {
        registry.substances = substances(&mut ctx, file);
    }
    if ctx.errors.is_empty() {
        Ok(Config { registry, policy })
    } else {
        Err(ConfigErrors(ctx.errors))
    }
}

fn states(ctx: &mut Ctx, file: StatesFile) -> BTreeMap<StateCode, State> {
    let mut seen = HashMap::new();
    let mut out = BTreeMap::new();
    for (i, s) in file.state.into_iter().enumerate() {
        let field = format!("state[{i}]");
        let code_ok = ctx.unique(&mut seen, &s.code, &format!("{field}.code"), "state code");
        let code = s.code.get_ref();
        if code_ok && !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            ctx.err(
                s.code.span().start,
                format!("{field}.code"),
                format!("state code {code:?} must be two capital letters (ISO 3166-1 alpha-2)"),
            );
        }
        if s.membership.get_ref().is_empty() {
            ctx.err(
                s.membership.span().start,
                format!("{field}.membership"),
                "a state needs at least one membership status",
            );
        }
        let mut events: Vec<MembershipEvent> = Vec::new();
        for (j, m) in s.membership.get_ref().iter().enumerate() {
            let mf = format!("{field}.membership[{j}]");
            let since = ctx.date(&m.since, &format!("{mf}.since"));
            let status = ctx.choice::<MembershipStatus>(&m.status, &format!("{mf}.status"));
            if let (Some(since), Some(status)) = (since, status) {
                if let Some(prev) = events.last()
                    && since <= prev.since
                {
                    ctx.err(
                        m.since.span().start,
                        format!("{mf}.since"),
                        format!(
                            "membership changes must be in date order: {since} is not after {}",
                            prev.since
                        ),
                    );
                }
                events.push(MembershipEvent { since, status });
            }
        }
        if code_ok {
            let code = StateCode::new(code.clone());
            out.insert(
                code.clone(),
                State {
                    code,
                    name: names(s.name),
                    membership: events,
                },
            );
        }
    }
    out
}

fn known_state(ctx: &mut Ctx, states: &BTreeMap<StateCode, State>, value: &S, field: &str) -> Option<StateCode> {
    let code = StateCode::new(value.get_ref().clone());
    if states.contains_key(&code) {
        Some(code)
    } else {
        ctx.err(
            value.span().start,
            field,
            format!("unknown state {:?}: not defined in states.toml", value.get_ref()),
        );
        None
    }
}

fn authorities(
    ctx: &mut Ctx,
    file: AuthoritiesFile,
    states: &BTreeMap<StateCode, State>,
) -> BTreeMap<AuthorityId, Authority> {
    let mut seen = HashMap::new();
    let mut out = BTreeMap::new();
    let mut structures = 0;
    for (i, a) in file.authority.into_iter().enumerate() {
        let field = format!("authority[{i}]");
        let id_ok = ctx.unique(&mut seen, &a.id, &format!("{field}.id"), "authority id");
        let kind = ctx.choice::<AuthorityKind>(&a.kind, &format!("{field}.kind"));
        let state = match (&a.state, kind) {
            (Some(s), Some(AuthorityKind::RegionalStructure)) => {
                ctx.err(
                    s.span().start,
                    format!("{field}.state"),
                    "the regional structure belongs to no state",
                );
                None
            }
            (None, Some(AuthorityKind::RegionalStructure)) => {
                structures += 1;
                None
            }
            (Some(s), _) => known_state(ctx, states, s, &format!("{field}.state")),
            (None, _) => {
                ctx.err(
                    a.id.span().start,
                    format!("{field}.state"),
                    "missing field `state`: every authority but the regional structure belongs to a state",
                );
                None
            }
        };
        if let (true, Some(kind)) = (id_ok, kind) {
            let id = AuthorityId::new(a.id.get_ref().clone());
            out.insert(
                id.clone(),
                Authority {
                    id,
                    state,
                    kind,
                    name: names(a.name),
                },
            );
        }
    }
    if structures != 1 && ctx.errors.is_empty() {
        ctx.err(
            0,
            "authority",
            format!("exactly one authority of kind \"regional-structure\" is required, found {structures}"),
        );
    }
    out
}

/// The rotation names known states, each once, from a plausible year.
fn chair_rotation(
    ctx: &mut Ctx,
    c: crate::dto::ChairmanshipDto,
    states: &BTreeMap<StateCode, State>,
) -> Option<concord_domain::Chairmanship> {
    let year = *c.first_year.get_ref();
    let year_ok = (1900..=2200).contains(&year);
    if !year_ok {
        ctx.err(
            c.first_year.span().start,
            "chairmanship.first_year",
            "must be between 1900 and 2200",
        );
    }
    let at = c.order.span().start;
    let mut order: Vec<StateCode> = Vec::new();
    let mut ok = true;
    for (i, s) in c.order.into_inner().iter().enumerate() {
        let field = format!("chairmanship.order[{i}]");
        match known_state(ctx, states, s, &field) {
            Some(code) if order.contains(&code) => {
                ctx.err(s.span().start, field, format!("{code} is in the order twice"));
                ok = false;
            }
            Some(code) => order.push(code),
            None => ok = false,
        }
    }
    if order.is_empty() && ok {
        ctx.err(at, "chairmanship.order", "names at least one state");
        ok = false;
    }
    (ok && year_ok).then(|| concord_domain::Chairmanship {
        order,
        first_year: i32::try_from(year).unwrap_or(1900),
    })
}

/// Each channel joins two known offices of the legal-assistance kind in
/// different states, once; a state with a border-area office keeps a
/// central authority (an office of the kind in no channel).
fn legal_channels(
    ctx: &mut Ctx,
    channels: Vec<crate::dto::ChannelDto>,
    authorities: &BTreeMap<AuthorityId, Authority>,
    policy: &Policy,
) -> Vec<concord_domain::LegalChannel> {
    let kind = policy.legal_assistance_authority;
    let mut out: Vec<concord_domain::LegalChannel> = Vec::new();
    for (i, c) in channels.into_iter().enumerate() {
        let field = format!("direct_legal_assistance[{i}].between");
        let at = c.between.span().start;
        let ids = c.between.into_inner();
        let [a, b] = ids.as_slice() else {
            ctx.err(at, field, format!("names exactly two offices, not {}", ids.len()));
            continue;
        };
        let mut ends = Vec::new();
        for end in [a, b] {
            let id = AuthorityId::new(end.get_ref().clone());
            match authorities.get(&id) {
                None => ctx.err(
                    end.span().start,
                    &field,
                    format!("no authority {id} in authorities.toml"),
                ),
                Some(o) if o.kind != kind => ctx.err(
                    end.span().start,
                    &field,
                    format!(
                        "{id} is a {}, not a {kind} (organization.legal_assistance_authority)",
                        o.kind
                    ),
                ),
                Some(o) => ends.push(o),
            }
        }
        let [x, y] = ends.as_slice() else { continue };
        if x.state == y.state {
            ctx.err(at, field, format!("{} and {} are offices of one state", x.id, y.id));
            continue;
        }
        let pair = concord_domain::LegalChannel {
            between: [x.id.clone(), y.id.clone()],
        };
        if out
            .iter()
            .any(|c| c.between.contains(&x.id) && c.between.contains(&y.id))
        {
            ctx.err(at, field, format!("{} and {} are joined twice", x.id, y.id));
            continue;
        }
        out.push(pair);
    }
    let in_channel = |id: &AuthorityId| out.iter().any(|c| c.between.contains(id));
    for o in authorities.values().filter(|o| in_channel(&o.id)) {
        let central = authorities
            .values()
            .any(|c| c.state == o.state && c.kind == kind && !in_channel(&c.id));
        if !central {
            ctx.err(
                0,
                "direct_legal_assistance",
                format!(
                    "{} is a border-area office, and its state has no central {kind} beside it",
                    o.id
                ),
            );
        }
    }
    out
}

fn bodies(ctx: &mut Ctx, file: BodiesFile) -> BTreeMap<String, Body> {
    let mut seen = HashMap::new();
    let mut out = BTreeMap::new();
    let ids: Vec<String> = file.body.iter().map(|b| b.id.get_ref().clone()).collect();
    for (i, b) in file.body.into_iter().enumerate() {
        let field = format!("body[{i}]");
        let id_ok = ctx.unique(&mut seen, &b.id, &format!("{field}.id"), "body id");
        let kind = ctx.choice::<BodyKind>(&b.kind, &format!("{field}.kind"));
        if let Some(p) = &b.parent
            && (!ids.contains(p.get_ref()) || p.get_ref() == b.id.get_ref())
        {
            ctx.err(
                p.span().start,
                format!("{field}.parent"),
                format!("unknown parent body {:?}", p.get_ref()),
            );
        }
        if let (true, Some(kind)) = (id_ok, kind) {
            out.insert(
                b.id.get_ref().clone(),
                Body {
                    id: b.id.into_inner(),
                    kind,
                    name: names(b.name),
                    parent: b.parent.map(|p| p.into_inner()),
                    level: b.level,
                },
            );
        }
    }
    out
}

fn instruments(
    ctx: &mut Ctx,
    file: InstrumentsFile,
    states: &BTreeMap<StateCode, State>,
) -> BTreeMap<String, Instrument> {
    let mut seen = HashMap::new();
    let mut out = BTreeMap::new();
    for (i, ins) in file.instrument.into_iter().enumerate() {
        let field = format!("instrument[{i}]");
        let id_ok = ctx.unique(&mut seen, &ins.id, &format!("{field}.id"), "instrument id");
        let kind = ctx.choice::<InstrumentKind>(&ins.kind, &format!("{field}.kind"));
        let adopted = ctx.date(&ins.adopted, &format!("{field}.adopted"));
        let mut numbers = HashMap::new();
        let mut articles = Vec::new();
        for (j, a) in ins.articles.into_iter().enumerate() {
            if ctx.unique(
                &mut numbers,
                &a.number,
                &format!("{field}.articles[{j}].number"),
                "article number",
            ) {
                articles.push(Article {
                    number: a.number.into_inner(),
                    title: a.title,
                });
            }
        }
        let mut party_seen = HashMap::new();
        let mut parties = Vec::new();
        for (j, p) in ins.parties.iter().enumerate() {
            let pf = format!("{field}.parties[{j}]");
            let state = known_state(ctx, states, &p.state, &format!("{pf}.state"));
            if state.is_some() {
                ctx.unique(&mut party_seen, &p.state, &format!("{pf}.state"), "party");
            }
            let signed = ctx.date(&p.signed, &format!("{pf}.signed"));
            let ratified = p.ratified.as_ref().and_then(|r| ctx.date(r, &format!("{pf}.ratified")));
            if let (Some(signed), Some(adopted)) = (signed, adopted)
                && signed < adopted
            {
                ctx.err(
                    p.signed.span().start,
                    format!("{pf}.signed"),
                    format!("signed on {signed}, before the instrument was adopted on {adopted}"),
                );
            }
            if let (Some(signed), Some(ratified), Some(r)) = (signed, ratified, &p.ratified)
                && ratified < signed
            {
                ctx.err(
                    r.span().start,
                    format!("{pf}.ratified"),
                    format!("ratified on {ratified}, before it was signed on {signed}"),
                );
            }
            if let (Some(state), Some(signed)) = (state, signed) {
                parties.push(Party {
                    state,
                    signed,
                    ratified,
                });
            }
        }
        if let (true, Some(kind), Some(adopted)) = (id_ok, kind, adopted) {
            out.insert(
                ins.id.get_ref().clone(),
                Instrument {
                    id: ins.id.into_inner(),
                    kind,
                    title: names(ins.title),
                    adopted,
                    articles,
                    parties,
                },
            );
        }
    }
    out
}

fn substances(ctx: &mut Ctx, file: PrecursorsFile) -> BTreeMap<String, Substance> {
    let mut seen = HashMap::new();
    let mut cas_seen = HashMap::new();
    let mut out = BTreeMap::new();
    for (i, s) in file.substance.into_iter().enumerate() {
        let field = format!("substance[{i}]");
        let id_ok = ctx.unique(&mut seen, &s.id, &format!("{field}.id"), "substance id");
        let id = s.id.get_ref();
        let id_shape = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if id_ok && !id_shape {
            ctx.err(
                s.id.span().start,
                format!("{field}.id"),
                format!("substance id {id:?} must be lowercase letters, digits and hyphens"),
            );
        }
        let cas_ok = ctx.unique(&mut cas_seen, &s.cas, &format!("{field}.cas"), "CAS number");
        if cas_ok && !cas_valid(s.cas.get_ref()) {
            ctx.err(
                s.cas.span().start,
                format!("{field}.cas"),
                format!(
                    "{:?} is not a CAS registry number (digits-dd-d with a matching check digit)",
                    s.cas.get_ref()
                ),
            );
        }
        if !matches!(s.table.get_ref().as_str(), "I" | "II") {
            ctx.err(
                s.table.span().start,
                format!("{field}.table"),
                "the 1988 Convention's tables are I and II",
            );
        }
        let measure = ctx.choice::<Measure>(&s.measure, &format!("{field}.measure"));
        if let (true, Some(measure)) = (id_ok, measure) {
            out.insert(
                id.clone(),
                Substance {
                    id: id.clone(),
                    name: names(s.name),
                    cas: s.cas.into_inner(),
                    table: s.table.into_inner(),
                    measure,
                },
            );
        }
    }
    out
}

/// A CAS registry number: 2 to 7 digits, 2 digits, a check digit that is
/// the weighted sum of the others (weights 1, 2, 3... from the right) mod 10.
fn cas_valid(cas: &str) -> bool {
    let parts: Vec<&str> = cas.split('-').collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    if !(2..=7).contains(&a.len()) || b.len() != 2 || c.len() != 1 {
        return false;
    }
    if !cas.bytes().all(|x| x.is_ascii_digit() || x == b'-') {
        return false;
    }
    let digits: Vec<u32> = format!("{a}{b}").chars().filter_map(|d| d.to_digit(10)).collect();
    let sum: u32 = digits.iter().rev().enumerate().map(|(i, d)| (i as u32 + 1) * d).sum();
    c.chars().next().and_then(|d| d.to_digit(10)) == Some(sum % 10)
}
