//! Surnames built from parts, so that a million synthetic people do not
//! share a few dozen names: a root, an optional middle syllable and the
//! suffix each language uses (Russian -ov/-in/-sky, Kazakh -uly, Tajik
//! -zoda, Belarusian -ka/-vich/-enya, Persian -i/-zadeh/-pour). The parts
//! are common syllables; the combinations are invented.

use crate::rng::Rng;

/// `(roots, middles, suffixes as (male, female))` for a Cyrillic language.
pub struct Parts {
    pub roots: &'static [&'static str],
    pub middles: &'static [&'static str],
    pub suffixes: &'static [(&'static str, &'static str)],
}

const RU: Parts = Parts {
    roots: &[
        "Бел", "Вор", "Гор", "Дуб", "Жар", "Зим", "Кал", "Лап", "Мор", "Нов", "Пан", "Рад", "Сал", "Тал", "Фом", "Хар",
        "Чер", "Шум", "Вер", "Гал", "Дол", "Кир", "Лом", "Мил", "Нес", "Пол", "Рог", "Сом", "Тур", "Быч", "Жук", "Коз",
        "Лыс", "Мух", "Рыб", "Сок", "Шуб", "Ясн", "Бор", "Сед",
    ],
    middles: &["", "ан", "ен", "ин", "ат", "уш", "ик", "ол", "ар", "ят", "ок", "ух"],
    suffixes: &[("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ский", "ская")],
};

const KZ: Parts = Parts {
    roots: &[
        "Аб", "Ас", "Бек", "Дау", "Ер", "Жан", "Кай", "Мур", "Нұр", "Сер", "Тол", "Ұл", "Ам", "Бол", "Дос", "Ес",
        "Иман", "Құр", "Мах", "Сай", "Таж", "Орал", "Ах", "Бай", "Жол", "Қаз", "Кен", "Мол", "Сат", "Тем", "Әб", "Бақ",
        "Гүл", "Дәу", "Жұм", "Қал", "Ораз", "Рах", "Сұл", "Тұр", "Шал", "Ыбы",
    ],
    middles: &["", "бай", "бек", "жан", "тай", "ғали", "мат", "құл", "сын", "тас"],
    suffixes: &[("ов", "ова"), ("ев", "ева"), ("ұлы", "қызы")],
};

const KG: Parts = Parts {
    roots: &[
        "Аб", "Ас", "Бек", "Ай", "Эр", "Жан", "Кай", "Мур", "Нур", "Сал", "Тол", "Ул", "Ам", "Бол", "Дөө", "Эс", "Иса",
        "Кур", "Мам", "Сай", "Таш", "Урал", "Ак", "Бай", "Жол", "Кад", "Кен", "Мол", "Сат", "Тем", "Кул", "Сыд", "Төр",
        "Жум", "Арс", "Бак", "Мед", "Орм", "Кыд", "Шам", "Чор", "Бор",
    ],
    middles: &["", "бай", "бек", "жан", "тай", "алы", "мат", "кул", "бол", "таш"],
    suffixes: &[("ов", "ова"), ("ев", "ева")],
};

const TJ: Parts = Parts {
    roots: &[
        "Раҳ",
        "Кар",
        "Сай",
        "Шар",
        "Наз",
        "Ҳак",
        "Қод",
        "Ҷал",
        "Саф",
        "Аз",
        "Бах",
        "Дав",
        "Иск",
        "Мир",
        "Нур",
        "Один",
        "Пул",
        "Рус",
        "Сух",
        "Фай",
        "Хол",
        "Шоҳ",
        "Юс",
        "Зар",
        "Гул",
        "Аман",
        "Бод",
        "Ғаф",
        "Ёр",
        "Ҳам",
        "Бур",
        "Вал",
        "Гад",
        "Ёд",
        "Қур",
        "Мах",
        "Нос",
        "Собир",
        "Тол",
        "Хуш",
        "Шер",
        "Ҳай",
    ],
    middles: &["", "им", "ид", "об", "ул", "ан", "ур", "он", "ат", "из"],
    suffixes: &[("ов", "ова"), ("зода", "зода"), ("ев", "ева")],
};

const UZ: Parts = Parts {
    roots: &[
        "Тош", "Юс", "Раҳ", "Қод", "Эрг", "Нор", "Хол", "Тур", "Аб", "Ис", "Мир", "Сул", "Ўр", "Ғай", "Шук", "Бек",
        "Жўр", "Ниёз", "Ҳам", "Мам", "Ал", "Бо", "Дав", "Ор", "Сар", "Кар", "Нур", "Саф", "Хай", "Жал", "Ўт", "Раш",
        "Фоз", "Ҳай", "Иск", "Бах", "Шав", "Сай", "Қур",
    ],
    middles: &["", "мат", "уп", "им", "ир", "аш", "бой", "қул", "али", "жон"],
    suffixes: &[("ов", "ова"), ("ев", "ева")],
};

const BY: Parts = Parts {
    roots: &[
        "Бел", "Кав", "Лук", "Мак", "Нав", "Пят", "Рад", "Сав", "Тар", "Ул", "Ярм", "Жук", "Зуб", "Каз", "Лаб", "Мял",
        "Сак", "Цім", "Шал", "Гур", "Дуб", "Вас", "Гол", "Кас", "Бор", "Віш", "Гар", "Дав", "Кур", "Ліс", "Мар", "Пал",
        "Рак", "Сід", "Хам", "Чар",
    ],
    middles: &["", "ан", "ен", "ін", "ук", "ач", "ыш", "ец"],
    suffixes: &[
        ("ка", "ка"),
        ("віч", "віч"),
        ("еня", "еня"),
        ("ук", "ук"),
        ("аў", "ава"),
    ],
};

/// The parts for a Cyrillic state's language.
pub fn parts(state: &str) -> &'static Parts {
    match state {
        "KZ" => &KZ,
        "KG" => &KG,
        "TJ" => &TJ,
        "UZ" => &UZ,
        "BY" => &BY,
        _ => &RU,
    }
}

/// A surname from parts: `(male form, female form)`.
pub fn cyrillic(rng: &mut Rng, p: &Parts) -> (String, String) {
    let root = rng.pick(p.roots);
    let middle = rng.pick(p.middles);
    let (m, f) = rng.pick(p.suffixes);
    (format!("{root}{middle}{m}"), format!("{root}{middle}{f}"))
}

/// Uzbek Cyrillic in the official Uzbek Latin alphabet (1995).
pub fn uzbek_latin(cyrillic: &str) -> String {
    let mut out = String::with_capacity(cyrillic.len());
    let mut prev: Option<char> = None;
    for c in cyrillic.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let start = prev.is_none_or(|p| !p.is_alphabetic() || "аеёиоуэюяў".contains(p));
        let l: &str = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' if start => "ye",
            'е' => "e",
            'ё' => "yo",
            'ж' => "j",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "x",
            'ц' => "s",
            'ч' => "ch",
            'ш' => "sh",
            'ъ' => "ʼ",
            'ь' => "",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'ў' => "oʻ",
            'қ' => "q",
            'ғ' => "gʻ",
            'ҳ' => "h",
            other => {
                out.push(other);
                prev = Some(other);
                continue;
            }
        };
        if c.is_uppercase() {
            let mut cs = l.chars();
            if let Some(first) = cs.next() {
                out.extend(first.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push_str(l);
        }
        prev = Some(lower);
    }
    out
}

/// A native-script part with its Latin spellings.
pub type Spelled = (&'static str, &'static [&'static str]);

/// Persian and Urdu surname suffixes: the nisba -i, -zadeh "born of",
/// -pour "son of", -nejad "lineage".
pub const PERSIAN_SUFFIXES: &[Spelled] = &[
    ("ی", &["i", "y"]),
    ("زاده", &["zadeh", "zade"]),
    ("پور", &["pour", "pur"]),
    ("نژاد", &["nejad", "nezhad"]),
    ("فر", &["far", "farr"]),
    ("نیا", &["nia", "niya"]),
];

/// Roots for Persian and Urdu surnames.
pub const PERSIAN_ROOTS: &[Spelled] = &[
    ("کریم", &["Karim", "Kareem"]),
    ("رحیم", &["Rahim", "Raheem"]),
    ("جعفر", &["Jafar", "Jaafar"]),
    ("نور", &["Nur", "Noor"]),
    ("صادق", &["Sadegh", "Sadiq"]),
    ("قاسم", &["Ghasem", "Qasim"]),
    ("باقر", &["Bagher", "Baqir"]),
    ("شریف", &["Sharif", "Shareef"]),
    ("جلال", &["Jalal", "Jalaal"]),
    ("کمال", &["Kamal", "Kamaal"]),
    ("منصور", &["Mansour", "Mansur"]),
    ("نصیر", &["Nasir", "Naseer"]),
    ("سلیم", &["Salim", "Saleem"]),
    ("فرهاد", &["Farhad", "Farhaad"]),
    ("بهرام", &["Bahram", "Behram"]),
    ("طاهر", &["Taher", "Tahir"]),
    ("یوسف", &["Yousef", "Yusuf"]),
    ("اکبر", &["Akbar", "Akber"]),
    ("مجید", &["Majid", "Majeed"]),
    ("حمید", &["Hamid", "Hameed"]),
    ("امیر", &["Amir", "Ameer"]),
    ("بهمن", &["Bahman", "Behman"]),
    ("خسرو", &["Khosro", "Khusro"]),
    ("داود", &["Davoud", "Dawood"]),
    ("رستم", &["Rostam", "Rustam"]),
    ("سهراب", &["Sohrab", "Suhrab"]),
    ("شهاب", &["Shahab", "Shihab"]),
    ("عزیز", &["Aziz", "Azeez"]),
    ("غلام", &["Gholam", "Ghulam"]),
    ("لطف", &["Lotf", "Lutf"]),
    ("محمود", &["Mahmoud", "Mahmood"]),
    ("نصر", &["Nasr", "Nasar"]),
    ("هاشم", &["Hashem", "Hashim"]),
    ("اسد", &["Asad", "Assad"]),
    ("بشیر", &["Bashir", "Basheer"]),
    ("حبیب", &["Habib", "Habeeb"]),
    ("رحمت", &["Rahmat", "Rehmat"]),
    ("سبحان", &["Sobhan", "Subhan"]),
    ("ظفر", &["Zafar", "Zafer"]),
    ("قادر", &["Ghader", "Qadir"]),
    ("کاظم", &["Kazem", "Kazim"]),
    ("مختار", &["Mokhtar", "Mukhtar"]),
    ("نعمت", &["Nemat", "Naimat"]),
    ("یحیی", &["Yahya", "Yahia"]),
    ("افشار", &["Afshar", "Afshaar"]),
    ("پرویز", &["Parviz", "Pervez"]),
    ("جهان", &["Jahan", "Jehan"]),
    ("زمان", &["Zaman", "Zamaan"]),
    ("سرور", &["Sarvar", "Sarwar"]),
    ("شمس", &["Shams", "Shamas"]),
    ("فضل", &["Fazl", "Fazal"]),
    ("مهر", &["Mehr", "Mahr"]),
    ("دلاور", &["Delavar", "Dilawar"]),
    ("اقبال", &["Eghbal", "Iqbal"]),
];

/// Hindi middle names, written as part of the full name.
pub const HINDI_MIDDLE: &[Spelled] = &[
    ("प्रसाद", &["Prasad", "Parsad"]),
    ("चंद्र", &["Chandra", "Chander"]),
    ("नाथ", &["Nath", "Naath"]),
    ("लाल", &["Lal", "Laal"]),
    ("देव", &["Dev", "Deo"]),
    ("राज", &["Raj", "Raaj"]),
    ("प्रकाश", &["Prakash", "Parkash"]),
    ("मोहन", &["Mohan", "Mohun"]),
    ("किशोर", &["Kishore", "Kishor"]),
    ("कांत", &["Kant", "Kanth"]),
    ("नारायण", &["Narayan", "Narayana"]),
    ("गोपाल", &["Gopal", "Gopaal"]),
    ("शंकर", &["Shankar", "Sankar"]),
    ("भूषण", &["Bhushan", "Bhooshan"]),
];

/// A Persian or Urdu surname from a root and a suffix: native and spellings.
pub fn persian(rng: &mut Rng) -> (String, Vec<String>) {
    let (root, root_latin) = rng.pick(PERSIAN_ROOTS);
    let (suffix, suffix_latin) = rng.pick(PERSIAN_SUFFIXES);
    let spellings = root_latin
        .iter()
        .zip(suffix_latin.iter().cycle())
        .map(|(r, s)| format!("{r}{s}"))
        .collect();
    (format!("{root}{suffix}"), spellings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uzbek_latin_letters() {
        assert_eq!(uzbek_latin("Ўрмат Ғайратов"), "Oʻrmat Gʻayratov");
        assert_eq!(uzbek_latin("Ҳамидов"), "Hamidov");
        assert_eq!(uzbek_latin("Ергашев"), "Yergashev");
    }

    #[test]
    fn surnames_vary() {
        let mut rng = Rng::new(1, 1);
        let names: std::collections::HashSet<String> = (0..500).map(|_| cyrillic(&mut rng, &RU).0).collect();
        assert!(names.len() > 300, "{}", names.len());
    }
}
