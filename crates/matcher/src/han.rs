//! Chinese names in Han characters, simplified or traditional, to the
//! romanizations they are found under: Hanyu Pinyin, Wade-Giles, and the
//! Russian Palladius system (Лу Синь = Lu Xun), itself romanized so that a
//! Cyrillic query meets it.

use pinyin::ToPinyin;

/// Whether `c` is a Han ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Two-character surnames; every other Chinese surname is one character.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "尉迟", "尉遲", "公孙", "公孫",
    "慕容", "令狐", "夏侯", "长孙", "長孫", "宇文", "司徒", "端木",
];

/// A Han name split into surname and given name, each as pinyin syllables.
#[derive(Debug, Clone, PartialEq)]
pub struct HanName {
    pub surname: Vec<String>,
    pub given: Vec<String>,
}

/// Reads a run of Han characters as a Chinese personal name. Characters
/// without a reading are skipped.
pub fn read_name(han: &str) -> HanName {
    let chars: Vec<char> = han.chars().filter(|c| is_han(*c)).collect();
    let split = if chars.len() > 2 && COMPOUND_SURNAMES.iter().any(|s| han.starts_with(s)) {
        2
    } else {
        1.min(chars.len())
    };
    let read = |cs: &[char]| -> Vec<String> {
        cs.iter()
            .filter_map(|c| c.to_pinyin().map(|p| p.plain().replace('ü', "v")))
            .collect()
    };
    HanName {
        surname: read(&chars[..split]),
        given: read(&chars[split..]),
    }
}

/// Reads Han characters as a word (an organization's name, a place):
/// syllables without a name split.
pub fn syllables(han: &str) -> Vec<String> {
    han.chars()
        .filter_map(|c| c.to_pinyin().map(|p| p.plain().replace('ü', "v")))
        .collect()
}

const INITIALS: [&str; 23] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y",
    "w",
];

fn split(syllable: &str) -> (&str, &str) {
    for i in INITIALS {
        if let Some(rest) = syllable.strip_prefix(i)
            && !rest.is_empty()
        {
            return (i, rest);
        }
    }
    ("", syllable)
}

/// One pinyin syllable in Wade-Giles, aspiration marks left out as they are
/// in passports and in most typed text.
pub fn wade_giles(syllable: &str) -> String {
    let whole = match syllable {
        "zhi" | "chi" => Some("chih"),
        "shi" => Some("shih"),
        "ri" => Some("jih"),
        "zi" | "ci" => Some("tzu"),
        "si" => Some("ssu"),
        "er" => Some("erh"),
        "yi" => Some("i"),
        "you" => Some("yu"),
        "ye" => Some("yeh"),
        "yan" => Some("yen"),
        "yue" | "yve" => Some("yueh"),
        "yu" | "yv" => Some("yu"),
        "ge" => Some("ko"),
        "ke" => Some("ko"),
        "he" => Some("ho"),
        _ => None,
    };
    if let Some(w) = whole {
        return w.to_owned();
    }
    let (initial, fin) = split(syllable);
    let palatal = matches!(initial, "j" | "q" | "x");
    let initial = match initial {
        "b" => "p",
        "d" => "t",
        "g" => "k",
        "j" | "q" | "zh" => "ch",
        "x" => "hs",
        "r" => "j",
        "z" | "c" => "ts",
        other => other,
    };
    let fin = match fin {
        "ong" => "ung",
        "iong" => "iung",
        "ian" => "ien",
        "ie" => "ieh",
        "ue" | "ve" => "ueh",
        "uo" if !matches!(initial, "k" | "h" | "sh") => "o",
        "u" | "v" if palatal => "u",
        other => other,
    };
    format!("{initial}{}", fin.replace('v', "u"))
}

/// One pinyin syllable in the Palladius system (Cyrillic).
/// Characters that Russian writes by an older or literary reading in names
/// everyone knows: Лу Синь (魯迅, Lu Xun), Ли Бо (李白, Li Bai).
const TRADITIONAL_PALLADIUS: &[(char, &str)] = &[('迅', "синь"), ('白', "бо")];

/// The Palladius spelling of a part's characters with the traditional
/// readings above, when one of them occurs; `syllables` are the
/// characters' Pinyin, one each.
pub fn traditional_palladius(chars: &[char], syllables: &[String]) -> Option<String> {
    if chars.len() != syllables.len() || !chars.iter().any(|c| TRADITIONAL_PALLADIUS.iter().any(|(t, _)| t == c)) {
        return None;
    }
    Some(
        chars
            .iter()
            .zip(syllables)
            .map(|(c, s)| match TRADITIONAL_PALLADIUS.iter().find(|(t, _)| t == c) {
                Some((_, reading)) => (*reading).to_owned(),
                None => palladius(s),
            })
            .collect(),
    )
}

/// The Palladius spelling of one Pinyin syllable.
pub fn palladius(syllable: &str) -> String {
    let zero = match syllable {
        "yi" => Some("и"),
        "ya" => Some("я"),
        "yao" => Some("яо"),
        "ye" => Some("е"),
        "you" => Some("ю"),
        "yan" => Some("янь"),
        "yin" => Some("инь"),
        "yang" => Some("ян"),
        "ying" => Some("ин"),
        "yong" => Some("юн"),
        "yu" | "yv" => Some("юй"),
        "yue" | "yve" => Some("юэ"),
        "yuan" => Some("юань"),
        "yun" => Some("юнь"),
        "wu" => Some("у"),
        "wa" => Some("ва"),
        "wo" => Some("во"),
        "wai" => Some("вай"),
        "wei" => Some("вэй"),
        "wan" => Some("вань"),
        "wen" => Some("вэнь"),
        "wang" => Some("ван"),
        "weng" => Some("вэн"),
        _ => None,
    };
    if let Some(z) = zero {
        return z.to_owned();
    }
    let (initial, fin) = split(syllable);
    let palatal = matches!(initial, "j" | "q" | "x");
    let ci = match initial {
        "b" => "б",
        "p" => "п",
        "m" => "м",
        "f" => "ф",
        "d" => "д",
        "t" => "т",
        "n" => "н",
        "l" => "л",
        "g" => "г",
        "k" => "к",
        "h" => "х",
        "j" | "z" => "цз",
        "q" | "c" => "ц",
        "x" | "s" => "с",
        "zh" => "чж",
        "ch" => "ч",
        "sh" => "ш",
        "r" => "ж",
        _ => "",
    };
    let cf = match fin {
        "a" => "а",
        "o" => "о",
        "e" => "э",
        "ai" => "ай",
        "ei" => "эй",
        "ao" => "ао",
        "ou" => "оу",
        "an" => "ань",
        "en" => "энь",
        "ang" => "ан",
        "eng" => "эн",
        "ong" => "ун",
        "er" => "эр",
        "i" if matches!(initial, "z" | "c" | "s") => "ы",
        "i" => "и",
        "ia" => "я",
        "ie" => "е",
        "iao" => "яо",
        "iu" => "ю",
        "ian" => "янь",
        "in" => "инь",
        "iang" => "ян",
        "ing" => "ин",
        "iong" => "юн",
        "u" if palatal => "юй",
        "u" => "у",
        "ua" => "уа",
        "uo" => "о",
        "uai" => "уай",
        "ui" => "уй",
        "uan" if palatal => "юань",
        "uan" => "уань",
        "un" if palatal => "юнь",
        "un" => "унь",
        "uang" => "уан",
        "v" => "юй",
        "ve" | "ue" => "юэ",
        "van" => "юань",
        "vn" => "юнь",
        other => other,
    };
    format!("{ci}{cf}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lu_xun_in_three_systems() {
        let name = read_name("鲁迅");
        assert_eq!(name.surname, ["lu"]);
        assert_eq!(name.given, ["xun"]);
        assert_eq!(wade_giles("xun"), "hsun");
        assert_eq!(palladius("lu"), "лу");
        assert_eq!(palladius("xun"), "сюнь");
        assert_eq!(palladius("xin"), "синь");
    }

    #[test]
    fn traditional_characters_read_the_same() {
        assert_eq!(read_name("张国华"), read_name("張國華"));
        assert_eq!(read_name("欧阳修").surname, ["ou", "yang"]);
    }

    #[test]
    fn wade_giles_of_common_syllables() {
        for (p, w) in [
            ("zhi", "chih"),
            ("hong", "hung"),
            ("guo", "kuo"),
            ("xiao", "hsiao"),
            ("zhou", "chou"),
        ] {
            assert_eq!(wade_giles(p), w);
        }
    }
}
