//! Devanagari (Hindi) to Latin. Every consonant carries an inherent `a`
//! unless a vowel sign or a virama replaces it; Hindi drops it at the end of
//! a word (राहुल is Rahul, not Rahula).

/// Whether `c` is a Devanagari character.
pub fn is_devanagari(c: char) -> bool {
    ('\u{0900}'..='\u{097F}').contains(&c)
}

fn consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'क' => "k",
        'ख' => "kh",
        'ग' => "g",
        'घ' => "gh",
        'ङ' | 'ञ' | 'ण' | 'न' => "n",
        'च' => "ch",
        'छ' => "chh",
        'ज' => "j",
        'झ' => "jh",
        'ट' | 'त' => "t",
        'ठ' | 'थ' => "th",
        'ड' | 'द' => "d",
        'ढ' | 'ध' => "dh",
        'प' => "p",
        'फ' => "ph",
        'ब' => "b",
        'भ' => "bh",
        'म' => "m",
        'य' => "y",
        'र' => "r",
        'ल' => "l",
        'व' => "v",
        'श' | 'ष' => "sh",
        'स' => "s",
        'ह' => "h",
        '\u{0958}' => "q",
        '\u{0959}' => "kh",
        '\u{095A}' => "g",
        '\u{095B}' => "z",
        '\u{095E}' => "f",
        '\u{095C}' | '\u{095D}' => "r",
        _ => return None,
    })
}

fn vowel_sign(c: char) -> Option<&'static str> {
    Some(match c {
        'ा' => "a",
        'ि' | 'ी' => "i",
        'ु' | 'ू' => "u",
        'ृ' => "ri",
        'े' => "e",
        'ै' => "ai",
        'ो' => "o",
        'ौ' => "au",
        _ => return None,
    })
}

fn independent_vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'अ' | 'आ' => "a",
        'इ' | 'ई' => "i",
        'उ' | 'ऊ' => "u",
        'ऋ' => "ri",
        'ए' => "e",
        'ऐ' => "ai",
        'ओ' => "o",
        'औ' => "au",
        _ => return None,
    })
}

/// A Devanagari word in Latin letters.
pub fn romanize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    // Whether the last consonant still owes its inherent vowel.
    let mut pending = false;
    let mut syllables = 0;
    for c in word.chars() {
        if let Some(s) = vowel_sign(c) {
            out.push_str(s);
            pending = false;
        } else if c == '्' {
            pending = false;
        } else if c == '़' {
            // A nukta turns the consonant before it into a borrowed sound.
            // Two-letter consonants first, so that `kh` is not read as `k`.
            const BORROWED: [(&str, &str); 7] = [
                ("ph", "f"),
                ("dh", "r"),
                ("kh", "kh"),
                ("k", "q"),
                ("j", "z"),
                ("d", "r"),
                ("g", "gh"),
            ];
            if let Some((from, to)) = BORROWED.iter().find(|(from, _)| out.ends_with(from)) {
                out.truncate(out.len() - from.len());
                out.push_str(to);
            }
        } else if matches!(c, 'ं' | 'ँ') {
            if pending {
                out.push('a');
                pending = false;
            }
            out.push('n');
        } else if c == 'ः' {
            out.push('h');
        } else {
            if pending {
                out.push('a');
            }
            pending = false;
            if let Some(s) = consonant(c) {
                out.push_str(s);
                pending = true;
                syllables += 1;
            } else if let Some(s) = independent_vowel(c) {
                out.push_str(s);
                syllables += 1;
            }
        }
    }
    if pending && syllables == 1 {
        out.push('a');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherent_vowels() {
        assert_eq!(romanize("राहुल"), "rahul");
        assert_eq!(romanize("शर्मा"), "sharma");
        assert_eq!(romanize("कविता"), "kavita");
        assert_eq!(romanize("सिंह"), "sinh");
        assert_eq!(romanize("अमित"), "amit");
    }
}
