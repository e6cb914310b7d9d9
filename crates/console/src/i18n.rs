//! The console's languages: Fluent catalogues compiled into the binary, and
//! dates and numbers written as each language writes them.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// A language of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
    Zh,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Zh];

    /// The BCP 47 code (`lang` attribute, cookie, `?lang=`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Zh => "zh",
        }
    }

    /// The language's own name for itself.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Zh => "中文",
        }
    }

    /// From a code such as `ru` or `zh-CN`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first supported language of an `Accept-Language` header, by weight
    /// (RFC 9110: `q=0` means "not this one"). Written here because
    /// `fluent-langneg` ranks by order and ignores the weights.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offers: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|item| {
                let mut bits = item.split(';');
                let lang = Lang::parse(bits.next()?)?;
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, l)| *l)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The catalogue sources, as shipped.
pub const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../locales/en.ftl")),
    (Lang::Ru, include_str!("../locales/ru.ftl")),
    (Lang::Zh, include_str!("../locales/zh.ftl")),
];

struct Catalogues {
    bundles: Vec<FluentBundle<FluentResource>>,
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(|| Catalogues {
    bundles: SOURCES.iter().map(|(lang, src)| bundle(*lang, src)).collect(),
});

fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks would show in titles and test assertions; our
    // interpolated values are short and carry their own direction.
    bundle.set_use_isolating(false);
    // A resource with syntax errors still yields its good messages; the
    // catalogue tests fail on any error.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
    // Duplicate ids are reported by the tests too; keep the first.
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message ids a catalogue source defines, and its syntax errors.
pub fn message_ids(source: &str) -> (Vec<String>, Vec<String>) {
    let (resource, errors) = match FluentResource::try_new(source.to_owned()) {
        Ok(r) => (r, vec![]),
        Err((r, e)) => (r, e.iter().map(|e| format!("{e:?}")).collect()),
    };
    let ids = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect();
    (ids, errors)
}

/// Translates for one request: the language, and the formatting of dates
/// and numbers that goes with it.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// The text of `key`; the key itself if a catalogue lacks it (a test
    /// makes sure none does).
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    /// The text of `key` with a count, for plural forms.
    pub fn tn(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        args.set("n", FluentValue::from(self.num(count)));
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &CATALOGUES.bundles[self.lang.index()];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = vec![];
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// A whole number with the language's digit grouping.
    pub fn num(&self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self.lang {
            // Russian groups with a (narrow) no-break space.
            Lang::Ru => "\u{202f}",
            Lang::En | Lang::Zh => ",",
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// A stored timestamp or date (`2026-11-22T14:05:00...` or
    /// `2026-11-22`) as the language writes it; anything else as it is.
    pub fn date(&self, stamp: &str) -> String {
        let (Some(y), Some(m), Some(d)) = (stamp.get(0..4), stamp.get(5..7), stamp.get(8..10)) else {
            return stamp.to_owned();
        };
        let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<usize>(), d.parse::<u32>()) else {
            return stamp.to_owned();
        };
        if !(1..=12).contains(&month) {
            return stamp.to_owned();
        }
        let time = stamp.get(11..16).filter(|t| t.as_bytes().get(2) == Some(&b':'));
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let date = match self.lang {
            Lang::En => format!("{day} {} {year}", EN[month - 1]),
            Lang::Ru => format!("{day:02}.{month:02}.{year}"),
            Lang::Zh => format!("{year}年{month}月{day}日"),
        };
        match time {
            Some(t) => format!("{date} {t}"),
            None => date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_catalogue_parses_and_has_every_key() {
        let mut all = BTreeSet::new();
        let mut per = vec![];
        for (lang, src) in SOURCES {
            let (ids, errors) = message_ids(src);
            assert!(errors.is_empty(), "{}: {errors:?}", lang.code());
            let set: BTreeSet<String> = ids.iter().cloned().collect();
            assert_eq!(set.len(), ids.len(), "{}: a key defined twice", lang.code());
            all.extend(set.iter().cloned());
            per.push((lang, set));
        }
        for (lang, set) in per {
            let missing: Vec<&String> = all.difference(&set).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn every_key_the_templates_and_code_use_exists() {
        let (ids, _) = message_ids(SOURCES[0].1);
        let known: BTreeSet<String> = ids.into_iter().collect();
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        let mut files = vec![];
        for dir in ["templates", "src", "src/pages"] {
            for entry in std::fs::read_dir(format!("{root}/{dir}")).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_file() {
                    files.push(path);
                }
            }
        }
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            // .t("key"), .t1("key", ...), .tn("key", ...)
            for call in [".t(\"", ".t1(\"", ".tn(\""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    if let Some(end) = rest.find('"') {
                        used.insert(rest[..end].to_owned());
                    }
                }
            }
        }
        assert!(used.len() > 50, "found only {} keys in use", used.len());
        let unknown: Vec<&String> = used.iter().filter(|k| !known.contains(*k) && *k != "key").collect();
        assert!(unknown.is_empty(), "used but not in the catalogues: {unknown:?}");
    }

    #[test]
    fn every_value_shown_through_a_key_family_has_its_keys() {
        use concord_domain::workflow::{consultation, designation, exchange};
        use concord_domain::{Category, Classification, Compliance, NameKind, RecordKind, Role};
        fn family<T: std::fmt::Display>(prefix: &str, all: &[T]) -> Vec<String> {
            all.iter().map(|v| format!("{prefix}-{v}")).collect()
        }
        let mut keys = vec![];
        keys.extend(family("kind", RecordKind::ALL));
        keys.extend(family("kind", exchange::MessageKind::ALL));
        keys.extend(family("category", Category::ALL));
        keys.extend(family("compliance", Compliance::ALL));
        keys.extend(family("class", Classification::ALL));
        keys.extend(family("role", Role::ALL));
        keys.extend(family("name-kind", NameKind::ALL));
        keys.extend(family("priority", exchange::Priority::ALL));
        keys.extend(family("delivery", exchange::Delivery::ALL));
        keys.extend(family("direction", designation::Direction::ALL));
        keys.extend(family("stage", designation::Stage::ALL));
        keys.extend(family("position", designation::Position::ALL));
        keys.extend(family("cstage", consultation::Stage::ALL));
        keys.extend(family("request", concord_store::RequestKind::ALL));
        keys.extend(family("dissemination", concord_domain::Dissemination::ALL));
        keys.extend(family("request-status", concord_store::RequestStatus::ALL));
        keys.extend(family("membership", concord_domain::MembershipStatus::ALL));
        keys.extend(family("use", concord_domain::Use::ALL));
        keys.extend(family("forward", exchange::Forward::ALL));
        keys.extend(family("rel", concord_domain::RelationKind::ALL));
        keys.extend(family("verdict", consultation::Verdict::ALL));
        for (lang, src) in SOURCES {
            let (ids, _) = message_ids(src);
            let missing: Vec<&String> = keys.iter().filter(|k| !ids.contains(k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn languages_come_from_codes_and_headers() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(
            Lang::from_accept_language("fr;q=0.9, ru;q=0.8, en;q=0.5"),
            Some(Lang::Ru)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        // Weights, not order, rank; a weight of 0 refuses a language.
        assert_eq!(Lang::from_accept_language("en;q=0.1, zh"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("ru;q=0, de"), None);
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let [en, ru, zh] = Lang::ALL.map(|lang| Tr { lang });
        assert_eq!(en.num(1234567), "1,234,567");
        assert_eq!(ru.num(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(zh.num(-1000), "-1,000");
        assert_eq!(en.num(999), "999");
        assert_eq!(en.date("2026-11-02T14:05:09.123Z"), "2 Nov 2026 14:05");
        assert_eq!(ru.date("2026-11-02"), "02.11.2026");
        assert_eq!(zh.date("2026-11-02T14:05:09Z"), "2026年11月2日 14:05");
        assert_eq!(en.date("soon"), "soon");
    }

    #[test]
    fn plurals_follow_the_language() {
        let ru = Tr { lang: Lang::Ru };
        assert!(ru.tn("count-messages", 1).contains("сообщение"));
        assert!(ru.tn("count-messages", 3).contains("сообщения"));
        assert!(ru.tn("count-messages", 5).contains("сообщений"));
        assert!(Tr { lang: Lang::En }.tn("count-messages", 2).contains("2 messages"));
    }
}
