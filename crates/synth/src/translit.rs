//! Transliteration of Cyrillic as people really write it: BGN/PCGN, the
//! ICAO passport table (Doc 9303, used in Russian passports since 2013),
//! and the French and German traditions. Letters of Kazakh, Kyrgyz, Tajik,
//! Uzbek and Belarusian Cyrillic are covered.

/// A romanization system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    Bgn,
    Icao,
    French,
    German,
}

impl System {
    /// Every system.
    pub const ALL: [System; 4] = [System::Bgn, System::Icao, System::French, System::German];
    /// Its name in ground truth files.
    pub fn name(self) -> &'static str {
        match self {
            System::Bgn => "bgn",
            System::Icao => "icao",
            System::French => "french",
            System::German => "german",
        }
    }
}

fn letter(c: char, s: System, word_start: bool, after_vowel: bool) -> Option<&'static str> {
    use System::*;
    let soft_start = word_start || after_vowel;
    Some(match (c, s) {
        ('а', _) => "a",
        ('б', _) => "b",
        ('в', German) => "w",
        ('в', _) => "v",
        ('г', _) => "g",
        ('д', _) => "d",
        ('е', Bgn) if soft_start => "ye",
        ('е', German) if soft_start => "je",
        ('е', _) => "e",
        ('ё', Bgn) if soft_start => "yo",
        ('ё', German) => "jo",
        ('ё', French) => "io",
        ('ё', _) => "e",
        ('ж', French) => "j",
        ('ж', German) => "sh",
        ('ж', _) => "zh",
        ('з', German) => "s",
        ('з', _) => "z",
        ('и', _) => "i",
        ('й', Bgn) => "y",
        ('й', German) => "j",
        ('й', _) => "i",
        ('к', _) => "k",
        ('л', _) => "l",
        ('м', _) => "m",
        ('н', _) => "n",
        ('о', _) => "o",
        ('п', _) => "p",
        ('р', _) => "r",
        ('с', _) => "s",
        ('т', _) => "t",
        ('у', French) => "ou",
        ('у', _) => "u",
        ('ф', _) => "f",
        ('х', German) => "ch",
        ('х', _) => "kh",
        ('ц', German) => "z",
        ('ц', _) => "ts",
        ('ч', French) => "tch",
        ('ч', German) => "tsch",
        ('ч', _) => "ch",
        ('ш', French) => "ch",
        ('ш', German) => "sch",
        ('ш', _) => "sh",
        ('щ', French) => "chtch",
        ('щ', German) => "schtsch",
        ('щ', _) => "shch",
        ('ъ', Icao) => "ie",
        ('ъ', _) => "",
        ('ы', _) => "y",
        ('ь', _) => "",
        ('э', _) => "e",
        ('ю', Icao) => "iu",
        ('ю', French) => "iou",
        ('ю', German) => "ju",
        ('ю', _) => "yu",
        ('я', Icao | French) => "ia",
        ('я', German) => "ja",
        ('я', _) => "ya",
        // Kazakh, Kyrgyz, Tajik, Uzbek, Belarusian.
        ('ә', _) => "a",
        ('ғ', Bgn) => "gh",
        ('ғ', _) => "g",
        ('қ', Bgn) => "q",
        ('қ', _) => "k",
        ('ң', _) => "ng",
        ('ө', _) => "o",
        ('ұ' | 'ү' | 'ӯ', _) => "u",
        ('һ', _) => "h",
        ('ҳ', Bgn) => "h",
        ('ҳ', _) => "kh",
        ('ҷ', Bgn) => "j",
        ('ҷ', German) => "dsch",
        ('ҷ', _) => "dzh",
        ('і' | 'ӣ', _) => "i",
        ('ў', Bgn) => "w",
        ('ў', _) => "u",
        _ => return None,
    })
}

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюяәөұүіӣӯ".contains(c)
}

/// `text` in Latin letters under `system`, each word capitalized.
pub fn romanize(text: &str, system: System) -> String {
    let mut out = String::new();
    for (wi, word) in text.split(' ').enumerate() {
        if wi > 0 {
            out.push(' ');
        }
        let mut latin = String::new();
        let mut prev: Option<char> = None;
        for c in word.chars().flat_map(char::to_lowercase) {
            match letter(
                c,
                system,
                prev.is_none() || prev == Some('-'),
                prev.is_some_and(is_vowel),
            ) {
                Some(l) => latin.push_str(l),
                None => latin.push(c),
            }
            prev = Some(c);
        }
        out.push_str(&capitalize(&latin));
    }
    out
}

/// First letter of each hyphen-separated part in upper case.
pub fn capitalize(word: &str) -> String {
    word.split('-')
        .map(|part| {
            let mut cs = part.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_systems_differ_where_people_see_them_differ() {
        assert_eq!(romanize("Юрий Фёдоров", System::Bgn), "Yuriy Fedorov");
        assert_eq!(romanize("Юрий Фёдоров", System::Icao), "Iurii Fedorov");
        assert_eq!(romanize("Чехов", System::French), "Tchekhov");
        assert_eq!(romanize("Чехов", System::German), "Tschechow");
        assert_eq!(romanize("Ерлан Жұмабаев", System::Bgn), "Yerlan Zhumabayev");
        assert_eq!(romanize("Шаҳноза", System::Icao), "Shakhnoza");
    }
}
