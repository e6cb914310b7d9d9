//! Latin text to comparable keys. Romanizations of one name differ in a
//! predictable way (Chekhov, Tchekhov, Tschechow, Čechov); `phonetic` folds
//! most of those differences, `skeleton` keeps only consonant classes, which
//! is what a vowel-less script (Arabic, Persian, Urdu) can be compared on.

/// Folds a lowercase Latin word with diacritics into ASCII, spelling out the
/// letters that scholarly systems (ISO 9, Czech-style) write with a caron.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'č' | 'ç' => out.push_str("ch"),
            'š' | 'ş' => out.push_str("sh"),
            'ž' => out.push_str("zh"),
            'ŝ' => out.push_str("shch"),
            'û' => out.push_str("yu"),
            'â' => out.push_str("ya"),
            'ë' => out.push_str("yo"),
            'ǵ' | 'ğ' => out.push('g'),
            'ı' => out.push('i'),
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'đ' => out.push('d'),
            'ł' => out.push('l'),
            'ŋ' => out.push_str("ng"),
            _ => {
                use unicode_normalization::UnicodeNormalization;
                for d in std::iter::once(c).nfd() {
                    if d.is_ascii_alphanumeric() {
                        out.push(d.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    out
}

/// Rewrites applied in order; longer patterns first so that `shch` is not
/// read as `sh` + `ch`.
const RULES: &[(&str, &str)] = &[
    ("schtsch", "sh"),
    ("shtsch", "sh"),
    ("chtch", "sh"),
    ("shch", "sh"),
    ("dsch", "j"),
    ("tsch", "ch"),
    ("dzh", "j"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("iou", "yu"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("iy", "i"),
    ("ij", "i"),
    ("yy", "i"),
    ("x", "h"),
    ("w", "v"),
    ("q", "k"),
];

/// A phonetic spelling that most romanization systems agree on.
pub fn phonetic(folded: &str) -> String {
    let bytes = folded.as_bytes();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        for (from, to) in RULES {
            if bytes[i..].starts_with(from.as_bytes()) {
                out.push_str(to);
                i += from.len();
                continue 'outer;
            }
        }
        out.push(bytes[i] as char);
        i += 1;
    }
    // Doubled letters and a silent final h after a vowel carry no identity.
    let mut dedup = String::with_capacity(out.len());
    for c in out.chars() {
        if !dedup.ends_with(c) {
            dedup.push(c);
        }
    }
    if dedup.len() > 2 && dedup.ends_with('h') && is_vowel(dedup.as_bytes()[dedup.len() - 2]) {
        dedup.pop();
    }
    if dedup.ends_with("iy") || dedup.ends_with("yi") && dedup.len() > 3 {
        dedup.truncate(dedup.len() - 2);
        dedup.push('i');
    }
    dedup
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// The consonants of a phonetic spelling, in classes that vowel-less scripts
/// cannot tell apart: `Usman`, `Osman` and `Uthman` all give `smn`.
pub fn skeleton(phonetic: &str) -> String {
    Skeleton::of(phonetic).as_str().to_owned()
}

/// A skeleton on the stack, for comparisons in the scoring loop.
pub struct Skeleton {
    buf: [u8; 64],
    len: usize,
}

impl Skeleton {
    /// The skeleton of `phonetic` (ASCII letters only; the first 64 kept).
    pub fn of(phonetic: &str) -> Skeleton {
        let mut out = Skeleton { buf: [0; 64], len: 0 };
        let bytes = phonetic.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied();
            let class = match (b, next) {
                (b't', Some(b'h')) | (b'd', Some(b'h')) => {
                    i += 1;
                    Some(if b == b't' { b's' } else { b'z' })
                }
                (b's', Some(b'h')) | (b'c', Some(b'h')) => {
                    i += 1;
                    Some(if b == b's' { b'S' } else { b'C' })
                }
                (b'g', Some(b'h')) => {
                    i += 1;
                    Some(b'g')
                }
                _ if is_vowel(b) || !b.is_ascii_alphanumeric() => None,
                (b'v', _) => None,
                (b'h', _) if i + 1 == bytes.len() => None,
                (b'k' | b'c', _) => Some(b'k'),
                _ => Some(b),
            };
            if let Some(c) = class
                && (out.len == 0 || out.buf[out.len - 1] != c)
                && out.len < out.buf.len()
            {
                out.buf[out.len] = c;
                out.len += 1;
            }
            i += 1;
        }
        out
    }

    /// The skeleton as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        phonetic(&fold(&s.to_lowercase()))
    }

    #[test]
    fn romanization_traditions_meet() {
        assert_eq!(key("Chekhov"), key("Tchekhov"));
        assert_eq!(key("Chekhov"), key("Čehov"));
        assert_eq!(key("Shchukin"), key("Schtschukin"));
        assert_eq!(key("Yuriy"), key("Yuri"));
        assert_eq!(key("Iouri"), key("Yuri"));
        assert_eq!(key("Dzhamshid"), key("Djamshid"));
        assert_eq!(key("Fatimah"), key("Fatima"));
        assert_ne!(key("Ivanov"), key("Ivanova"));
    }

    #[test]
    fn skeletons_ignore_vowels() {
        for (a, b) in [
            ("Usman", "Osman"),
            ("Usman", "Uthman"),
            ("Muhammad", "Mohammed"),
            ("Verma", "Varma"),
        ] {
            assert_eq!(skeleton(&key(a)), skeleton(&key(b)), "{a} {b}");
        }
        assert_ne!(skeleton(&key("Ivanov")), skeleton(&key("Petrov")));
    }
}
