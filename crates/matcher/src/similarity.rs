//! Jaro-Winkler and Levenshtein on the short lowercase forms the matcher
//! compares, bit-parallel and without allocating: they run millions of times
//! per second in a batch. Other text goes to `strsim`, which these agree with.

const MAX: usize = 64;

/// Jaro-Winkler similarity, as `strsim::jaro_winkler` computes it.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let j = match Letters::of(y) {
        Some(positions) if x.len() <= MAX && x.iter().all(u8::is_ascii_lowercase) => jaro(x, y, &positions),
        _ => return strsim::jaro_winkler(a, b),
    };
    if j > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        j + 0.1 * prefix as f64 * (1.0 - j)
    } else {
        j
    }
}

/// An upper bound of [`jaro_winkler`] from the letters the strings share,
/// far cheaper than the measure: a letter of one string that the other
/// lacks can match nothing. `None` for text the bound does not cover.
pub fn jaro_winkler_bound(a: &str, b: &str) -> Option<f64> {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let set = |s: &[u8]| -> Option<u32> {
        s.iter()
            .try_fold(0u32, |m, c| c.is_ascii_lowercase().then(|| m | 1 << (c & 31)))
    };
    let (sa, sb) = (set(x)?, set(y)?);
    let shared = |s: &[u8], other: u32| s.iter().filter(|c| other & (1 << (*c & 31)) != 0).count();
    let m = shared(x, sb).min(shared(y, sa)) as f64;
    if m == 0.0 {
        return Some(0.0);
    }
    let jaro = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
    Some(if jaro > 0.7 { jaro + 0.4 * (1.0 - jaro) } else { jaro })
}

/// Where each letter `a`..`z` occurs in a string of at most 64 of them, as
/// bit masks: the bit-parallel measures below look letters up in it.
struct Letters([u64; 32]);

impl Letters {
    fn of(s: &[u8]) -> Option<Letters> {
        if s.len() > MAX || !s.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        let mut masks = [0u64; 32];
        for (i, c) in s.iter().enumerate() {
            masks[(c & 31) as usize] |= 1 << i;
        }
        Some(Letters(masks))
    }

    fn at(&self, c: u8) -> u64 {
        self.0[(c & 31) as usize]
    }
}

/// Jaro similarity; each letter of `a` takes the first free equal letter of
/// `b` within the window, as the classic definition (and `strsim`) does.
fn jaro(a: &[u8], b: &[u8], b_letters: &Letters) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        if lo >= hi {
            continue;
        }
        let width = hi - lo;
        let window = if width >= 64 {
            u64::MAX
        } else {
            ((1u64 << width) - 1) << lo
        };
        let free = b_letters.at(*ca) & window & !b_flags;
        if free != 0 {
            a_flags |= 1 << i;
            b_flags |= free & free.wrapping_neg();
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let (mut am, mut bm) = (a_flags, b_flags);
    while am != 0 {
        let (i, j) = (am.trailing_zeros() as usize, bm.trailing_zeros() as usize);
        if a[i] != b[j] {
            transpositions += 1;
        }
        am &= am - 1;
        bm &= bm - 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
}

/// Levenshtein distance, as `strsim::levenshtein` computes it (Myers'
/// bit-parallel algorithm for letters-only text of at most 64).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(pattern) = Letters::of(x) else {
        return strsim::levenshtein(a, b);
    };
    if !y.iter().all(u8::is_ascii_lowercase) {
        return strsim::levenshtein(a, b);
    }
    if x.is_empty() {
        return y.len();
    }
    let last = 1u64 << (x.len() - 1);
    let (mut pv, mut mv) = (u64::MAX, 0u64);
    let mut distance = x.len();
    for c in y {
        let eq = pattern.at(*c);
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let mut ph = mv | !(xh | pv);
        let mut mh = pv & xh;
        if ph & last != 0 {
            distance += 1;
        } else if mh & last != 0 {
            distance -= 1;
        }
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_strsim(a in "[a-z]{0,20}", b in "[a-z]{0,20}") {
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        }

        #[test]
        fn agrees_at_the_length_limit(a in "[a-c]{50,64}", b in "[a-c]{50,64}") {
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        }

        #[test]
        fn the_bound_bounds(a in "[a-h]{0,12}", b in "[a-h]{0,12}") {
            if let Some(bound) = jaro_winkler_bound(&a, &b) {
                prop_assert!(jaro_winkler(&a, &b) <= bound + 1e-12);
            }
        }

        #[test]
        fn agrees_on_near_copies(a in "[a-e]{1,12}", i in 0usize..12, c in "[a-e]") {
            let mut b = a.clone();
            let at = i.min(b.len());
            b.insert_str(at, &c);
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
            prop_assert_eq!(levenshtein(&a, &b), strsim::levenshtein(&a, &b));
        }
    }

    #[test]
    fn long_and_non_ascii_text_falls_back() {
        let long = "a".repeat(100);
        assert_eq!(levenshtein(&long, "a"), 99);
        assert!((jaro_winkler("ёлка", "елка") - strsim::jaro_winkler("ёлка", "елка")).abs() < 1e-12);
    }
}
